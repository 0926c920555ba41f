//! Tags as real repositories have them (issue 14, observations 8 and 9): an annotated tag renamed
//! with `git tag NEW OLD`, and a malformed tag object that git accepts and `git clone` carries.

use snapbox::str;

use crate::support::{Project, describe, text};

/// A one-crate workspace at `version`, committed and tagged `v1.3.0`, then a `feat`.
fn released_at_1_3_0() -> Project {
    let project = Project::new();
    project.write("Cargo.toml", "[package]\nname = \"solo\"\nversion = \"1.3.0\"\nedition = \"2021\"\n");
    project.write("src/lib.rs", "");
    project.generate_lockfile();
    project.commit_all();
    project.git(&["tag", "-a", "v1.3.0", "-m", "Release v1.3.0"]);
    project
}

fn commit(project: &Project, message: &str) {
    let text = format!("{}// {message}\n", project.read("src/lib.rs"));
    project.write("src/lib.rs", &text);
    project.git(&["commit", "-q", "-am", message]);
}

#[test]
fn a_renamed_annotated_tag_is_known_by_its_ref_name() {
    let project = released_at_1_3_0();
    commit(&project, "feat: a knob");
    let manifest = project.read("Cargo.toml").replace("1.3.0", "1.4.0");
    project.write("Cargo.toml", &manifest);
    project.generate_lockfile();
    project.git(&["commit", "-q", "-am", "chore(release): 1.4.0"]);
    // Tagged under the wrong name first, then renamed: the object still says `1.4.0`.
    project.git(&["tag", "-a", "1.4.0", "-m", "Release 1.4.0"]);
    project.git(&["tag", "v1.4.0", "1.4.0"]);
    project.git(&["tag", "-d", "1.4.0"]);
    assert!(project.git(&["cat-file", "tag", "v1.4.0"]).contains("\ntag 1.4.0\n"));
    commit(&project, "fix: off by one");
    project.cargo_patch().args(["bump", "auto", "--dry-run"]).assert().success().stdout_eq(str![[r#"
crate  version         why
solo   1.4.0 -> 1.4.1  patch: 1 commit since v1.4.0
...
"#]]);
}

#[test]
fn a_malformed_tag_is_skipped_with_a_warning_naming_it() {
    let project = released_at_1_3_0();
    commit(&project, "fix: off by one");
    let head = project.git(&["rev-parse", "HEAD"]);
    // A tagger without `<...>` around the email: git's fsck refuses to write it, but a clone
    // without `transfer.fsckObjects` carries it, and `git tag -l` lists it.
    let object =
        format!("object {}\ntype commit\ntag v9.9.9\ntagger A a@example.com 1700000000 +0000\n\nbad\n", head.trim());
    std::fs::write(project.home().join("tag.txt"), object).unwrap();
    let file = project.home().join("tag.txt");
    let id = project.git(&["hash-object", "-t", "tag", "-w", "--literally", file.to_str().unwrap()]);
    project.git(&["update-ref", "refs/tags/v9.9.9", id.trim()]);
    for args in [
        &["status"][..],
        &["changelog"],
        &["notes"],
        &["bump", "auto", "--dry-run"],
        &["start", "--dry-run", "x"],
        &["release", "--dry-run", "patch"],
    ] {
        let output = project.cargo_patch().args(args).output().unwrap();
        assert_ne!(output.status.code(), Some(101), "{args:?} panicked; {}", describe(&output));
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains("warning: skipped tag `v9.9.9`: its tag object") && !stderr.contains("panicked"),
            "{args:?}: no warning naming the tag; {}",
            describe(&output)
        );
    }
}
