//! `changelog` (default template), `notes` and `status` on a real workspace history with a
//! release line: a critical fix on `release/v1.2`, cherry-picked to main after a breaking change.

use snapbox::str;

use crate::support::Project;

/// The history of `release_history/hotfix-line.sh`, checked out on `branch`.
fn hotfix_line(branch: &str) -> Project {
    let project = Project::new();
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testsuite/release_history/hotfix-line.sh");
    let output = project.command("bash").arg(script).output().unwrap();
    assert!(output.status.success(), "hotfix-line.sh failed:\n{}", String::from_utf8_lossy(&output.stderr));
    project.git(&["checkout", "-q", branch]);
    project
}

#[test]
fn default_changelog_of_a_release_line_puts_critical_fixes_first() {
    hotfix_line("release/v1.2").cargo_patch().arg("changelog").assert().success().stdout_eq(str![[r#"
# Changelog

All notable changes to this project are documented in this file.
The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),
and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).

## [1.2.4] - 2024-01-01

### Bug Fixes

- **[CRITICAL]** Crash on overflow (69f4931)
- **parser:** Reject empty input (2f8ea07)

## [1.2.3] - 2024-01-01

### Features

- First release (d33c356)


"#]]);
}

#[test]
fn default_changelog_on_main_marks_breaking_changes_and_ignores_the_other_line() {
    hotfix_line("main").cargo_patch().arg("changelog").assert().success().stdout_eq(str![[r#"
# Changelog

All notable changes to this project are documented in this file.
The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),
and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).

## [Unreleased]

### Features

- **app:** Dark mode (1ab7537)
- **[BREAKING]** **engine:** Streaming api (2ca91d4)
  Engine::run takes a reader

### Bug Fixes

- **[CRITICAL]** Crash on overflow (4e15e73)
- Typo in help (1fc7bed)

## [1.2.3] - 2024-01-01

### Features

- First release (d33c356)


"#]]);
}

#[test]
fn notes_of_the_latest_release_on_its_line() {
    let project = hotfix_line("release/v1.2");
    project.cargo_patch().arg("notes").assert().success().stdout_eq(str![[r#"
## v1.2.4 (2024-01-01)

Changes since v1.2.3.

### Highlights

- **[CRITICAL]** crash on overflow (69f4931)

### Bug Fixes

- **[CRITICAL]** crash on overflow (69f4931)
- **parser:** reject empty input (2f8ea07)

### Upgrade

```sh
cargo update -p engine --precise 1.2.4
```

"#]]);
    project.cargo_patch().args(["notes", "1.2.4", "--format", "text"]).assert().success().stdout_eq(str![[r#"
v1.2.4 (2024-01-01)
Changes since v1.2.3.

Highlights:
  * [CRITICAL] crash on overflow

Bug Fixes:
  * [CRITICAL] crash on overflow (69f4931)
  * parser: reject empty input (2f8ea07)

Upgrade:
  cargo update -p engine --precise 1.2.4

"#]]);
    let json = project.cargo_patch().args(["notes", "--format", "json"]).output().unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["tag"], "v1.2.4");
    assert_eq!(value["previous"], "v1.2.3");
    assert_eq!(value["highlights"][0]["severity"], "critical");
    assert_eq!(value["upgrade"][0], "cargo update -p engine --precise 1.2.4");
}

#[test]
fn notes_never_see_another_lines_release() {
    let project = hotfix_line("main");
    // v1.2.4 lives on release/v1.2 only, and main's manifest is not past 1.2.3: from main, the
    // latest release of main's line is v1.2.3.
    project.cargo_patch().args(["notes", "--format", "json"]).assert().success().stdout_eq(str![[r#"
...
  "tag": "v1.2.3",
...
"#]]);
    // Asked for by name, the release on the branch forked from main is found, and its notes start
    // from its own line's previous release.
    let json = project.cargo_patch().args(["notes", "1.2.4", "--format", "json"]).output().unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!((value["tag"].as_str(), value["previous"].as_str()), (Some("v1.2.4"), Some("v1.2.3")), "{value}");
    // A tag on no line of this history is still unknown.
    project.git(&["switch", "-q", "--orphan", "elsewhere"]);
    project.git(&["commit", "-q", "--allow-empty", "-m", "chore: unrelated"]);
    project.git(&["tag", "v9.0.0"]);
    project.git(&["switch", "-q", "main"]);
    project.cargo_patch().args(["notes", "9.0.0"]).assert().code(1).stderr_eq(str![[r#"
error: no release `9.0.0` is reachable from HEAD or on a release branch
help: the releases reachable from HEAD or on its release branches are: v1.2.3, v1.2.4

"#]]);
}

#[test]
fn status_reports_unreleased_changes_and_the_next_version() {
    let project = hotfix_line("main");
    project.cargo_patch().arg("status").assert().success().stdout_eq(str![[r#"
On main (unified versions, tags `v{version}`)

crate   version  latest stable  unreleased      level  next
app     1.2.3    v1.2.3         2               major  2.0.0
engine  1.2.3    v1.2.3         2 (1 critical)  major  2.0.0

Unreleased in app:
  patch fix: typo in help
  minor feat: app: dark mode

Unreleased in engine:
  patch fix: [critical] crash on overflow
  major feat: [BREAKING] engine: streaming api

Hotfix branches:
  hotfix/overflow (from v1.2.4)
Hooks: commit-msg not installed, pre-push not installed

"#]]);
    let json = project.cargo_patch().args(["status", "--format", "json"]).output().unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let engine = &value["crates"][1];
    assert_eq!((engine["name"].as_str(), engine["next"].as_str()), (Some("engine"), Some("2.0.0")));
    assert_eq!(value["hotfix_branches"][0]["base"][0], "v1.2.4");
}

#[test]
fn prepend_inserts_under_the_header_once() {
    let project = hotfix_line("release/v1.2");
    project.write("CHANGELOG.md", "# Changes\n\nWritten by hand.\n\n## [1.2.3] - 2024-01-01\n\n- First release\n");
    project.cargo_patch().args(["changelog", "--latest", "--prepend", "CHANGELOG.md"]).assert().success();
    let once = project.read("CHANGELOG.md");
    assert_eq!(
        once,
        "# Changes\n\nWritten by hand.\n\n## [1.2.4] - 2024-01-01\n\n### Bug Fixes\n\n\
         - **[CRITICAL]** Crash on overflow (69f4931)\n- **parser:** Reject empty input (2f8ea07)\n\n\
         ## [1.2.3] - 2024-01-01\n\n- First release\n"
    );
    project.cargo_patch().args(["changelog", "--latest", "--prepend", "CHANGELOG.md"]).assert().success().stderr_eq(
        str![[r#"
note: the changelog is up to date; nothing to write

"#]],
    );
    assert_eq!(project.read("CHANGELOG.md"), once);
}
