//! `cargo patch changelog` against the real git-cliff binary: each history under
//! `changelog/histories/` is built with real git, then both tools describe it with the same
//! `cliff.toml` and every argument line of its `args` file; the outputs must be byte for byte equal.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::Project;
use crate::support::tools::GIT_CLIFF;

/// Builds a history in a new project by running `script` there.
fn build_history(script: &Path) -> Project {
    let project = Project::new();
    let output = project.command("bash").arg(script).output().unwrap();
    assert!(output.status.success(), "{} failed:\n{}", script.display(), String::from_utf8_lossy(&output.stderr));
    project
}

fn boundaries() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testsuite/changelog/boundaries")
}

/// Returns what `cargo patch changelog ARGS` prints in `dir`.
fn ours(project: &Project, dir: &Path, args: &[&str]) -> String {
    let output = project.command(crate::support::bin()).current_dir(dir).arg("changelog").args(args).output().unwrap();
    stdout_of(&format!("cargo-patch changelog {args:?}"), &output)
}

/// Returns what `git-cliff ARGS` prints in `dir`.
fn theirs(project: &Project, dir: &Path, args: &[&str]) -> String {
    let output = project.command(GIT_CLIFF.path()).current_dir(dir).args(args).output().unwrap();
    stdout_of(&format!("git-cliff {args:?}"), &output)
}

fn stdout_of(what: &str, output: &Output) -> String {
    assert!(output.status.success(), "{what} failed:\n{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).unwrap()
}

// One test per history: for every argument line of its `args` file, both tools print the same bytes.
crate::support::cases::fixture_tests!(super::output_equals_git_cliff, "changelog/histories", {
    h01_basic_conventional: "01-basic-conventional",
    h02_merge_no_ff: "02-merge-no-ff",
    h03_skip_ignore_tags: "03-skip-ignore-tags",
    h04_preprocessors_unicode: "04-preprocessors-unicode",
    h05_split_commits: "05-split-commits",
    h06_breaking_footers: "06-breaking-footers",
    h07_unconventional_kept: "07-unconventional-kept",
    h08_include_exclude_paths: "08-include-exclude-paths",
    h09_untagged_repo: "09-untagged-repo",
    h10_nonsemver_and_double_tags: "10-nonsemver-and-double-tags",
    h11_cherry_pick_trailer: "11-cherry-pick-trailer",
    h12_reachability_head_tagged: "12-reachability-head-tagged",
    h13_embedded_defaults: "13-embedded-defaults",
    h14_blame_ignore_revs: "14-blame-ignore-revs",
    h15_topo_order: "15-topo-order",
});

fn output_equals_git_cliff(fixture: &Path) {
    let git_cliff = GIT_CLIFF.path();
    let project = build_history(&fixture.join("setup.sh"));
    let config = fixture.join("cliff.toml");
    let args = std::fs::read_to_string(fixture.join("args")).unwrap();
    let mut failures = Vec::new();
    let mut compared = 0;
    for line in args.lines() {
        let ours: Vec<&str> = line.split_whitespace().collect();
        let theirs: Vec<&str> = ours.iter().copied().filter(|a| *a != "--range").collect();
        let expected = stdout_of(
            &format!("git-cliff {line}"),
            &project.command(git_cliff).arg("--config").arg(&config).args(&theirs).output().unwrap(),
        );
        let actual = stdout_of(
            &format!("cargo-patch changelog {line}"),
            &project
                .command(crate::support::bin())
                .arg("changelog")
                .arg("--config")
                .arg(&config)
                .args(&ours)
                .output()
                .unwrap(),
        );
        compared += 1;
        if expected != actual {
            let diff = similar::TextDiff::from_lines(&expected, &actual)
                .unified_diff()
                .header("git-cliff", "cargo-patch")
                .to_string();
            failures.push(format!("[{line}]:\n{diff}"));
        }
    }
    assert!(compared > 0, "{} has no argument lines", fixture.display());
    assert!(failures.is_empty(), "{} of {compared} outputs differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn a_release_line_sees_only_its_own_tags() {
    let project = build_history(&boundaries().join("maintenance-line.sh"));
    let config = boundaries().join("cliff.toml");
    let config = config.to_str().unwrap();
    for branch in ["main", "release/v1.1"] {
        project.git(&["checkout", "-q", branch]);
        // git-cliff on a clone of this line alone: a plain local clone would copy every tag.
        let view = project.home().join(format!("view-{}", branch.replace('/', "-")));
        let clone = project
            .command("git")
            .current_dir(project.home())
            .args(["clone", "-q", "--no-local", "--single-branch", "--branch", branch, "ws"])
            .arg(&view)
            .output()
            .unwrap();
        assert!(clone.status.success(), "{}", String::from_utf8_lossy(&clone.stderr));
        for args in [&[][..], &["--latest"], &["--unreleased"]] {
            let args: Vec<&str> = ["--config", config].iter().chain(args).copied().collect();
            let expected = theirs(&project, &view, &args);
            assert_eq!(ours(&project, project.root(), &args), expected, "{branch} {args:?}");
        }
    }
    // In the whole repository git-cliff lets the other line's tag in; we do not.
    project.git(&["checkout", "-q", "main"]);
    let args = ["--config", config, "--latest"];
    assert!(theirs(&project, project.root(), &args).contains("## v1.1.1"));
    let latest = ours(&project, project.root(), &args);
    assert!(latest.contains("## v2.0.0 (since v1.1.0)") && !latest.contains("v1.1.1"), "{latest}");
}

#[test]
fn a_crate_changelog_keeps_every_release_boundary() {
    let project = build_history(&boundaries().join("per-crate.sh"));
    let config = boundaries().join("cliff.toml");
    let config = config.to_str().unwrap();
    let commits = project.git(&["rev-list", "HEAD"]);
    for krate in ["a", "b"] {
        // The bug-free view: every commit that does not touch the crate skipped by id
        // (`.cliffignore`), so no tagged commit disappears before tags are assigned.
        let untouched: Vec<&str> = commits
            .lines()
            .filter(|id| {
                let files = project.git(&["diff-tree", "--no-commit-id", "--name-only", "-r", "--root", id]);
                !files.lines().any(|f| f.starts_with(&format!("crates/{krate}/")))
            })
            .collect();
        for args in [&[][..], &["--latest"], &["--unreleased"], &["--range", "v0.1.0..v0.2.1"]] {
            let our_args: Vec<&str> = ["--config", config, "-p", krate].iter().chain(args).copied().collect();
            let actual = ours(&project, project.root(), &our_args);
            project.write(".cliffignore", &untouched.join("\n"));
            let their_args: Vec<&str> =
                ["--config", config].iter().chain(args).copied().filter(|a| *a != "--range").collect();
            let expected = theirs(&project, project.root(), &their_args);
            std::fs::remove_file(project.root().join(".cliffignore")).unwrap();
            assert_eq!(actual, expected, "-p {krate} {args:?}");
        }
    }
    // git-cliff's own path filter drops the tagged release commits, and their tags with them.
    let filtered = theirs(&project, project.root(), &["--config", config, "--include-path", "crates/a/**"]);
    assert!(!filtered.contains("## v0.2.0"), "{filtered}");
    let ours_a = ours(&project, project.root(), &["--config", config, "-p", "a"]);
    assert!(ours_a.contains("## v0.2.0 (since v0.1.0)") && ours_a.contains("## Unreleased"), "{ours_a}");
    assert!(!ours_a.contains("## v0.2.1"), "a release with no commit of the crate is dropped: {ours_a}");
}

#[test]
fn run_from_a_member_directory_it_describes_that_directory_as_git_cliff_does() {
    let project = build_history(&boundaries().join("per-crate.sh"));
    let config = boundaries().join("cliff.toml");
    let config = config.to_str().unwrap();
    let member = project.root().join("crates/a");
    for args in [&[][..], &["--latest"], &["--unreleased"]] {
        let here: Vec<&str> = ["--config", config].iter().chain(args).copied().collect();
        let from_member = ours(&project, &member, &here);
        // What `-p a` describes from the root, which equals git-cliff's bug-free view (above).
        let crate_a: Vec<&str> = ["--config", config, "-p", "a"].iter().chain(args).copied().collect();
        assert_eq!(from_member, ours(&project, project.root(), &crate_a), "{args:?}");
        // git-cliff restricts itself to the directory too (and, its path bug, loses the tags).
        let theirs = theirs(&project, &member, &here);
        assert!(!theirs.contains("render output") && !from_member.contains("render output"), "{theirs}");
    }
    let whole = ours(&project, &member, &["--config", config]);
    assert!(whole.contains("parse input") && whole.contains("## v0.2.0"), "{whole}");
    // Our own template (no cliff.toml) describes the workspace's releases from anywhere in it.
    let default = ours(&project, &member, &[]);
    assert!(default.contains("Render output"), "{default}");
}

#[test]
fn a_git_cliff_config_in_the_manifest_is_read_as_git_cliff_reads_it() {
    let project = build_history(&boundaries().join("per-crate.sh"));
    let tables = "\n[workspace.metadata.git-cliff.changelog]\nbody = \"\"\"\n## {{ version | default(value=\"next\") }}\n{% for commit in commits %}- {{ commit.message }} ({{ commit.group }})\n{% endfor %}\"\"\"\n\n[workspace.metadata.git-cliff.git]\ncommit_parsers = [{ message = \"^feat\", group = \"added\" }, { message = \"^fix\", group = \"fixed\" }, { message = \".*\", skip = true }]\n";
    let manifest = project.read("Cargo.toml");
    project.write("Cargo.toml", &format!("{manifest}{tables}"));
    for args in [&[][..], &["--latest"], &["--unreleased"]] {
        let ours = ours(&project, project.root(), args);
        assert_eq!(ours, theirs(&project, project.root(), args), "{args:?}");
        assert!(ours.contains(" (fixed)") || args == ["--unreleased"], "{args:?}: {ours}");
    }
    // A member's own `[package.metadata.git-cliff.*]`, read from its directory as git-cliff does.
    let member = project.root().join("crates/b");
    let member_manifest = project.read("crates/b/Cargo.toml");
    project.write("Cargo.toml", &manifest);
    project.write("crates/b/Cargo.toml", &format!("{member_manifest}{}", tables.replace("workspace.", "package.")));
    // Both read it (git-cliff's path filter then loses the tags: rule 2 of the README).
    let from_b = ours(&project, &member, &[]);
    assert!(from_b.contains("## v0.1.0\n- render output (added)\n"), "{from_b}");
    assert!(theirs(&project, &member, &[]).contains("- render output (added)\n"));
}

#[test]
fn a_workspace_cargo_cannot_load_still_gets_its_changelog_unless_a_crate_is_named() {
    let project = build_history(&boundaries().join("per-crate.sh"));
    // A cargo that fails, as one does for a pinned toolchain that is not installed.
    let cargo = project.home().join("failing-cargo");
    std::fs::write(&cargo, "#!/bin/sh\necho \"error: toolchain 'nightly-2099-01-01' is not installed\" >&2\nexit 1\n")
        .unwrap();
    std::fs::set_permissions(&cargo, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let run = |args: &[&str]| {
        let mut command = project.command(crate::support::bin());
        command.arg("changelog").args(args).env("CARGO", &cargo).output().unwrap()
    };
    let output = run(&[]);
    let expected = ours(&project, project.root(), &[]);
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected, "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("`cargo metadata` failed") && stderr.contains("is not installed"), "{stderr}");
    // `-p` needs cargo's view of the members: refused, naming cargo's error.
    let output = run(&["-p", "a"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not installed"));
}

#[test]
fn bad_input_gets_an_error_that_names_it() {
    let project = Project::new();
    project.cargo_patch().arg("changelog").assert().code(1).stderr_eq(snapbox::str![[r#"
error: `[ROOT]/ws` is not inside a git repository
help: run the command inside a git work tree, or `git init` one

"#]]);
    project.git(&["init", "-q", "-b", "main"]);
    project.cargo_patch().arg("changelog").assert().code(1).stderr_eq(snapbox::str![[r#"
error: the repository at `[ROOT]/ws` has no commits yet (branch `main` is unborn)
help: make a first commit, then run the command again

"#]]);
    project.git(&["commit", "-q", "--allow-empty", "-m", "feat: one"]);
    project.write("broken.toml", "[changelog]\nbody = \"{{ oops\"\n");
    project.cargo_patch().args(["changelog", "--config", "broken.toml"]).assert().code(1).stderr_eq(snapbox::str![[
        r#"
error: failed to render the changelog with `[ROOT]/ws/broken.toml`: Template parse error:
...
help: check the templates of the changelog configuration

"#
    ]]);
    project.write("bad.toml", "[git\n");
    project.cargo_patch().args(["changelog", "--config", "bad.toml"]).assert().code(1).stderr_eq(snapbox::str![[r#"
error: failed to read the changelog configuration `[ROOT]/ws/bad.toml`: Cannot parse config: `TOML parse error at line 1, column 5
...
help: fix the file (it is read as git-cliff reads it), or pass another with `--config`

"#]]);
    project.cargo_patch().args(["changelog", "--range", "nosuch..HEAD"]).assert().code(1).stderr_eq(snapbox::str![[
        r#"
error: `nosuch` does not name a commit in this repository
help: name a tag, branch or commit that `git rev-parse` accepts

"#
    ]]);
    // A detached HEAD is fine: the changelog describes the commit it names.
    project.git(&["checkout", "-q", "--detach"]);
    project.cargo_patch().arg("changelog").assert().success();
    // A shallow clone would silently shorten every answer.
    let clone = project.home().join("shallow");
    let url = format!("file://{}", project.root().display());
    project.command("git").args(["clone", "-q", "--depth", "1", &url]).arg(&clone).output().unwrap();
    project.cargo_patch().current_dir(&clone).arg("changelog").assert().code(1).stderr_eq(snapbox::str![[r#"
error: the repository at `[ROOT]/shallow` is a shallow clone: its history is incomplete
help: run `git fetch --unshallow` (in CI: check out with `fetch-depth: 0`) and try again

"#]]);
}
