//! `cargo patch bump auto`: levels from real commits since each crate's release tag.

use snapbox::str;

use crate::support::Project;

/// A workspace of independently versioned crates, each tagged at its version, committed.
fn independent_workspace() -> Project {
    let project = Project::new();
    project.write("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n");
    for (name, version) in [("alpha", "0.4.1"), ("beta", "1.0.0"), ("gamma", "0.0.3"), ("delta", "2.1.0")] {
        project.write(
            &format!("crates/{name}/Cargo.toml"),
            &format!("[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\n"),
        );
        project.write(&format!("crates/{name}/src/lib.rs"), "");
    }
    project.generate_lockfile();
    project.commit_all();
    for tag in ["alpha-v0.4.1", "beta-v1.0.0", "gamma-v0.0.3", "delta-v2.1.0"] {
        project.git(&["tag", tag]);
    }
    project
}

fn commit(project: &Project, file: &str, message: &str) {
    let path = project.root().join(file);
    let mut text = std::fs::read_to_string(&path).unwrap_or_default();
    text.push_str("// change\n");
    project.write(file, &text);
    project.git(&["add", "-A"]);
    project.git(&["commit", "-q", "-m", message]);
}

#[test]
fn each_crate_takes_the_level_of_its_own_commits_under_cargo_rules() {
    let project = independent_workspace();
    commit(&project, "crates/alpha/src/lib.rs", "feat(alpha)!: new api");
    commit(&project, "crates/beta/src/lib.rs", "fix(beta): off by one");
    commit(&project, "crates/beta/src/lib.rs", "feat(beta): thing\n\nbody");
    commit(&project, "crates/gamma/src/lib.rs", "feat(gamma)!: breaking, but 0.0.z");
    commit(&project, "crates/delta/src/lib.rs", "update delta without a conventional message");
    commit(&project, "README.md", "fix: outside every crate");
    project.cargo_patch().args(["bump", "auto", "--workspace"]).assert().success().stdout_eq(str![[r#"
crate  version         why
alpha  0.4.1 -> 0.5.0  minor: 1 commit since alpha-v0.4.1
beta   1.0.0 -> 1.1.0  minor: 2 commits since beta-v1.0.0
gamma  0.0.3 -> 0.0.4  patch: 1 commit since gamma-v0.0.3

"#]]);
    assert!(project.read("crates/delta/Cargo.toml").contains("version = \"2.1.0\""));
    assert!(project.read("crates/beta/Cargo.toml").contains("version = \"1.1.0\""));
    project.assert_cargo_accepts_lock();
}

#[test]
fn a_shared_version_takes_the_highest_level_of_its_members() {
    let project = Project::new();
    project.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n\n[workspace.package]\nversion = \"1.2.3\"\n",
    );
    for name in ["a", "b"] {
        project
            .write(&format!("{name}/Cargo.toml"), &format!("[package]\nname = \"{name}\"\nversion.workspace = true\n"));
        project.write(&format!("{name}/src/lib.rs"), "");
    }
    project.generate_lockfile();
    project.commit_all();
    project.git(&["tag", "v1.2.3"]);
    commit(&project, "a/src/lib.rs", "fix(a): x");
    commit(&project, "b/src/lib.rs", "feat(b): y");
    project.cargo_patch().args(["bump", "auto", "--workspace"]).assert().success().stdout_eq(str![[r#"
crate  version         why
a      1.2.3 -> 1.3.0  minor: 1 commit since v1.2.3
b      1.2.3 -> 1.3.0  minor: 1 commit since v1.2.3

"#]]);
    assert!(project.read("Cargo.toml").contains("version = \"1.3.0\""));
}

#[test]
fn nothing_to_release_changes_nothing() {
    let project = independent_workspace();
    commit(&project, "README.md", "docs: only the readme");
    let before = project.snapshot();
    project.cargo_patch().args(["bump", "auto", "--workspace"]).assert().success().stderr_eq(str![[r#"
note: no conventional commit touches the selected crates since their last release; nothing to bump

"#]]);
    assert_eq!(project.snapshot(), before);
}
