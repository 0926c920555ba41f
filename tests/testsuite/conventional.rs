//! Conventional Commits as real history writes them (issue 14): breaking-change footers that are
//! not the last paragraph, git's cherry-pick note, CRLF line endings.

use snapbox::str;

use crate::support::Project;

/// A one-crate workspace released as `v1.4.0`, with a fix since.
fn released_at_1_4_0() -> Project {
    let project = Project::new();
    project.write("Cargo.toml", "[package]\nname = \"solo\"\nversion = \"1.4.0\"\nedition = \"2021\"\n");
    project.write("src/lib.rs", "");
    project.generate_lockfile();
    project.commit_all();
    project.git(&["tag", "v1.4.0"]);
    change(&project, "src/lib.rs");
    project.git(&["commit", "-q", "-m", "fix: off by one"]);
    project
}

fn change(project: &Project, file: &str) {
    let mut text = std::fs::read_to_string(project.root().join(file)).unwrap_or_default();
    text.push_str("// change\n");
    project.write(file, &text);
    project.git(&["add", "-A"]);
}

/// Commits the staged change with `message` byte for byte (as a forge's squash merge does).
fn commit_verbatim(project: &Project, message: &str) {
    std::fs::write(project.home().join("msg"), message).unwrap();
    let file = project.home().join("msg");
    project.git(&["commit", "-q", "--cleanup=verbatim", "-F", file.to_str().unwrap()]);
}

fn assert_plans_major(project: &Project) {
    project.cargo_patch().args(["bump", "auto", "--dry-run"]).assert().success().stdout_eq(str![[r#"
crate  version         why
solo   1.4.0 -> 2.0.0  major: 2 commits since v1.4.0
...
"#]]);
}

#[test]
fn a_breaking_change_followed_by_sign_offs_is_major() {
    let project = released_at_1_4_0();
    change(&project, "src/lib.rs");
    commit_verbatim(
        &project,
        "feat: new api (#12)\n\nBREAKING CHANGE: `run` takes a config\n\nCo-authored-by: B <b@example.com>\nSigned-off-by: A <a@example.com>\n",
    );
    assert_plans_major(&project);
}

#[test]
fn a_breaking_change_cherry_picked_with_x_is_major() {
    let project = released_at_1_4_0();
    project.git(&["switch", "-q", "-c", "side"]);
    change(&project, "src/other.rs");
    project.git(&["commit", "-q", "-m", "feat: new api\n\nBREAKING CHANGE: `run` takes a config"]);
    project.git(&["switch", "-q", "main"]);
    project.git(&["cherry-pick", "-x", "side"]);
    let message = project.git(&["log", "-1", "--format=%B"]);
    assert!(message.contains("\n\n(cherry picked from commit "), "git puts its note in its own paragraph: {message}");
    assert_plans_major(&project);
}

#[test]
fn a_breaking_change_with_crlf_line_endings_is_major() {
    let project = released_at_1_4_0();
    change(&project, "src/lib.rs");
    commit_verbatim(&project, "feat: new api\r\n\r\nWhy it changed.\r\n\r\nBREAKING CHANGE: `run` takes a config\r\n");
    assert_plans_major(&project);
    project.cargo_patch().args(["status"]).assert().success().stdout_eq(str![[r#"
...
solo   1.4.0    v1.4.0         2           major  2.0.0
...
  major feat: [BREAKING] new api
...
"#]]);
}
