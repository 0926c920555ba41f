//! Hotfix branches end to end: `start`, `check`, `hooks`, and the hooks themselves (`hook
//! commit-msg`, `hook pre-push`) fired by real `git commit` and real `git push` to a local bare
//! remote. Every assertion is on exit codes, refs, files and key substrings (`error[<rule>]`), not
//! on whole outputs.
//!
//! Every `cargo-patch` and `git` run here gets a PATH of the binary's directory, a directory holding
//! only `git` and `cargo`, `/usr/bin` and `/bin`, and an empty `CARGO_HOME`, so an installed
//! `cargo-semver-checks` never changes (or slows) a result.
#![cfg(unix)]

use std::ffi::{OsStr, OsString};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{Project, assert_code, bin, describe, text};

// ---------------------------------------------------------------------------------------------
// The workspace: `engine` (published) and `app` (not published), unified version 1.2.3.

const ENGINE_MANIFEST: &str = "[package]\nname = \"engine\"\nversion.workspace = true\nedition.workspace = true\n";
const APP_MANIFEST: &str =
    "[package]\nname = \"app\"\nversion.workspace = true\nedition.workspace = true\npublish = false\n";

/// The app tagged with each release though never published: a second crate a release moves.
const RELEASED_APP_MANIFEST: &str = "[package]\nname = \"app\"\nversion.workspace = true\nedition.workspace = true\npublish = false\n\n[package.metadata.patch-release]\nrelease = true\n";

/// The engine: the fixes below change `add` (top of the file), far from the test module (bottom).
const ENGINE_LIB: &str = r#"//! The engine.

/// Adds two numbers.
pub fn add(a: u32, b: u32) -> u32 {
    a + b
}

/// Halves a number, rounding down.
pub fn half(n: u32) -> u32 {
    n / 2
}

/// Doubles a number.
pub fn double(n: u32) -> u32 {
    n * 2
}

/// Clamps a number to at most a hundred.
pub fn clamp(n: u32) -> u32 {
    if n > 100 { 100 } else { n }
}

/// Returns the larger of two numbers.
pub fn max(a: u32, b: u32) -> u32 {
    if a > b { a } else { b }
}

#[cfg(test)]
mod tests {
    #[test]
    fn adds() {
        assert_eq!(super::add(1, 2), 3);
    }
}
"#;

const ENGINE_TEST: &str = "#[test]\nfn doubles() {\n    assert_eq!(engine::double(2), 4);\n}\n";

const APP_LIB: &str =
    "//! The app.\n\n/// Greets someone.\npub fn greet(name: &str) -> String {\n    format!(\"hello {name}\")\n}\n";

/// The regression test that goes with `fixed_lib`.
const REGRESSION_TEST: &str = "#[test]\nfn add_saturates() {\n    assert_eq!(engine::add(u32::MAX, 1), u32::MAX);\n}\n";

/// The root manifest at `version`, with `extra` (configuration) appended.
fn root_manifest(version: &str, extra: &str) -> String {
    format!(
        "[workspace]\nmembers = [\"engine\", \"app\"]\nresolver = \"2\"\n\n[workspace.package]\nversion = \"{version}\"\nedition = \"2021\"\n{extra}"
    )
}

/// `ENGINE_LIB` with `add` fixed (saturating): a one-line change outside any test code.
fn fixed_lib() -> String {
    let fixed = ENGINE_LIB.replace("    a + b\n", "    a.saturating_add(b)\n");
    assert_ne!(fixed, ENGINE_LIB);
    fixed
}

/// `ENGINE_LIB` with `add` fixed and the regression test added inside the `#[cfg(test)]` module.
fn fixed_lib_with_inline_test() -> String {
    let fixed = fixed_lib().replace(
        "mod tests {\n",
        "mod tests {\n    #[test]\n    fn add_saturates() {\n        assert_eq!(super::add(u32::MAX, 1), u32::MAX);\n    }\n\n",
    );
    assert_ne!(fixed, fixed_lib());
    fixed
}

/// `ENGINE_LIB` with `clamp`'s body re-indented and nothing else: whitespace-only churn.
fn churned_lib() -> String {
    let churned = ENGINE_LIB.replace("    if n > 100 { 100 } else { n }\n", "        if n > 100 { 100 } else { n }\n");
    assert_ne!(churned, ENGINE_LIB);
    churned
}

/// A git repository on `main` holding the workspace at 1.2.3 (with `extra` in the root manifest)
/// and its lockfile, tagged `v1.2.3` (annotated).
fn released(extra: &str) -> Project {
    let project = Project::new();
    write_workspace(&project, "1.2.3", extra);
    project.generate_lockfile();
    project.commit_all();
    project.git(&["tag", "-a", "v1.2.3", "-m", "Release v1.2.3"]);
    project
}

fn write_workspace(project: &Project, version: &str, extra: &str) {
    project
        .write("Cargo.toml", &root_manifest(version, extra))
        .write("engine/Cargo.toml", ENGINE_MANIFEST)
        .write("engine/src/lib.rs", ENGINE_LIB)
        .write("engine/tests/basic.rs", ENGINE_TEST)
        .write("app/Cargo.toml", APP_MANIFEST)
        .write("app/src/lib.rs", APP_LIB);
}

/// Cuts `hotfix/<slug>` by hand (so `check` and the hooks are tested without `start`):
/// `release/v1.2` at `v1.2.3` when missing, the branch from its head, `patchBase = v1.2.3`.
fn hotfix_branch(project: &Project, slug: &str) {
    if project.git(&["branch", "--list", "release/v1.2"]).trim().is_empty() {
        project.git(&["branch", "release/v1.2", "v1.2.3"]);
    }
    let branch = format!("hotfix/{slug}");
    project.git(&["checkout", "-q", "-b", &branch, "release/v1.2"]);
    project.git(&["config", &format!("branch.{branch}.patchBase"), "v1.2.3"]);
}

// ---------------------------------------------------------------------------------------------
// Running things.

/// Returns a PATH of (the binary's directory,) a directory with only `git` and `cargo`,
/// `/usr/bin` and `/bin`.
fn tool_path(project: &Project, with_bin: bool) -> OsString {
    let tools = project.home().join("tools");
    if !tools.exists() {
        std::fs::create_dir_all(&tools).unwrap();
        std::os::unix::fs::symlink(find_on_path("git"), tools.join("git")).unwrap();
        let cargo = std::env::var_os("CARGO").map_or_else(|| find_on_path("cargo"), PathBuf::from);
        std::os::unix::fs::symlink(cargo, tools.join("cargo")).unwrap();
    }
    let mut dirs = Vec::new();
    if with_bin {
        dirs.push(bin().parent().unwrap().to_owned());
    }
    dirs.extend([tools, PathBuf::from("/usr/bin"), PathBuf::from("/bin")]);
    std::env::join_paths(dirs).unwrap()
}

fn find_on_path(name: &str) -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
        .unwrap_or_else(|| panic!("{name} is not on PATH"))
}

/// Returns `program` in `dir` with the hermetic git environment, the restricted PATH and an empty
/// `CARGO_HOME`.
fn cmd(project: &Project, program: impl AsRef<OsStr>, dir: &Path, with_bin: bool) -> Command {
    let mut command = project.command(program);
    command
        .current_dir(dir)
        .env("PATH", tool_path(project, with_bin))
        .env("CARGO_HOME", project.home().join("cargo-home"))
        .env_remove("GIT_EDITOR");
    command
}

/// Runs `cargo-patch ARGS` in the project root.
fn patch(project: &Project, args: &[&str]) -> Output {
    patch_in(project, project.root(), args)
}

fn patch_in(project: &Project, dir: &Path, args: &[&str]) -> Output {
    cmd(project, bin(), dir, true).args(args).output().unwrap()
}

/// Runs `git ARGS` in the project root (hooks fire) and returns what happened.
fn git(project: &Project, args: &[&str]) -> Output {
    cmd(project, "git", project.root(), true).args(args).output().unwrap()
}

/// Runs `git ARGS` in the project root and returns its stdout; panics on failure.
fn git_ok(project: &Project, args: &[&str]) -> String {
    let output = git(project, args);
    assert_code(&output, 0, &format!("git {args:?}"));
    text(&output.stdout)
}

/// Writes `files` under `dir`, stages them and runs `git commit -m MESSAGE` (hooks fire).
fn commit_in(project: &Project, dir: &Path, with_bin: bool, message: &str, files: &[(&str, &str)]) -> Output {
    for (rel, contents) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        let added = cmd(project, "git", dir, with_bin).args(["add", "--", rel]).output().unwrap();
        assert_code(&added, 0, &format!("git add {rel}"));
    }
    cmd(project, "git", dir, with_bin).args(["commit", "-q", "-m", message]).output().unwrap()
}

fn commit(project: &Project, message: &str, files: &[(&str, &str)]) -> Output {
    commit_in(project, project.root(), true, message, files)
}

/// Commits and returns the new HEAD; panics when the commit is refused.
fn commit_ok(project: &Project, message: &str, files: &[(&str, &str)]) -> String {
    let output = commit(project, message, files);
    assert_code(&output, 0, &format!("git commit -m {message:?}"));
    head(project)
}

/// Commits the minimal good fix: `add` saturates, with a regression test under `engine/tests/`.
fn clean_fix(project: &Project) -> String {
    commit_ok(
        project,
        "fix: saturate add on overflow",
        &[("engine/src/lib.rs", &fixed_lib()), ("engine/tests/regression.rs", REGRESSION_TEST)],
    )
}

fn rev(project: &Project, rev: &str) -> String {
    git_ok(project, &["rev-parse", "--verify", "-q", rev]).trim().to_owned()
}

fn head(project: &Project) -> String {
    rev(project, "HEAD")
}

fn head_ref(project: &Project) -> String {
    git_ok(project, &["symbolic-ref", "-q", "HEAD"]).trim().to_owned()
}

/// Every ref with its object, one per line.
fn refs(project: &Project) -> String {
    git_ok(project, &["for-each-ref", "--format=%(refname) %(objectname)"])
}

/// Every `branch.*` config entry (empty when there are none).
fn branch_config(project: &Project) -> String {
    text(&git(project, &["config", "--get-regexp", "^branch\\."]).stdout)
}

fn message_of(project: &Project, rev: &str) -> String {
    git_ok(project, &["log", "-1", "--format=%B", rev]).trim_end().to_owned()
}

fn assert_stderr_has(output: &Output, needle: &str, what: &str) {
    assert!(text(&output.stderr).contains(needle), "{what}: expected {needle:?} on stderr; {}", describe(output));
}

/// The rules `check` knows.
const RULES: [&str; 9] = [
    "commit-type",
    "diff-budget",
    "crate-scope",
    "manifest",
    "format-churn",
    "no-merge",
    "paths",
    "regression-test",
    "api",
];

/// Asserts `check` failed with exit 1, a line starting `error[<rule>]:` on stderr, and no other rule.
fn assert_only_rule(output: &Output, rule: &str) {
    assert_code(output, 1, &format!("check violating {rule}"));
    let stderr = text(&output.stderr);
    let prefix = format!("error[{rule}]:");
    assert!(stderr.lines().any(|l| l.starts_with(&prefix)), "no line starts with {prefix}; {}", describe(output));
    for other in RULES.iter().filter(|r| **r != rule) {
        assert!(!stderr.contains(&format!("error[{other}]")), "{other} reported as well; {}", describe(output));
    }
}

/// Asserts `check` passed: exit 0, nothing on stdout, no violation on stderr.
fn assert_clean(output: &Output) {
    assert_code(output, 0, "check of a clean branch");
    assert!(output.stdout.is_empty(), "check printed on stdout; {}", describe(output));
    assert!(!text(&output.stderr).contains("error["), "{}", describe(output));
}

/// Asserts no file named `pwned` exists anywhere under the temp dir (workspace, `.git`, home,
/// remotes) nor in this process's working directory.
fn assert_no_pwned(project: &Project) {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_name() == "pwned" {
                found.push(path.clone());
            }
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                walk(&path, found);
            }
        }
    }
    let mut found = Vec::new();
    walk(project.home(), &mut found);
    let cwd = std::env::current_dir().unwrap().join("pwned");
    if cwd.exists() {
        found.push(cwd);
    }
    assert!(found.is_empty(), "hostile input was executed: {found:?}");
}

// ---------------------------------------------------------------------------------------------
// `start`

/// v1.1.0, then v1.2.3, then main moves on (a feature and a pre-release tag `v1.3.0-rc.1`).
fn start_fixture() -> Project {
    let project = Project::new();
    write_workspace(&project, "1.1.0", "");
    project.generate_lockfile();
    project.commit_all();
    project.git(&["tag", "-a", "v1.1.0", "-m", "Release v1.1.0"]);
    project.write("Cargo.toml", &root_manifest("1.2.3", ""));
    project.generate_lockfile();
    project.git(&["add", "-A"]);
    project.git(&["commit", "-q", "-m", "chore(release): v1.2.3"]);
    project.git(&["tag", "-a", "v1.2.3", "-m", "Release v1.2.3"]);
    project.write("app/src/lib.rs", &format!("{APP_LIB}\n/// The answer.\npub fn answer() -> u32 {{\n    42\n}}\n"));
    project.git(&["commit", "-q", "-am", "feat(app): the answer"]);
    project.git(&["tag", "v1.3.0-rc.1"]);
    project
}

#[test]
fn start_cuts_the_release_and_hotfix_branches_from_the_latest_stable_release() {
    let project = start_fixture();
    let tagged = rev(&project, "v1.2.3^{commit}");
    let main = head(&project);

    let output = patch(&project, &["start", "login-crash"]);
    assert_code(&output, 0, "start login-crash");
    assert!(!output.stdout.is_empty() || !output.stderr.is_empty(), "start prints the next steps");
    assert_eq!(rev(&project, "refs/heads/release/v1.2"), tagged, "release branch at the tag");
    assert_eq!(rev(&project, "refs/heads/hotfix/login-crash"), tagged, "hotfix branch at the release head");
    assert_eq!(head_ref(&project), "refs/heads/hotfix/login-crash", "the hotfix branch is checked out");
    assert_eq!(git_ok(&project, &["config", "branch.hotfix/login-crash.patchBase"]).trim(), "v1.2.3");
    assert_eq!(rev(&project, "main"), main, "main is untouched");
    assert!(project.read("Cargo.toml").contains("version = \"1.2.3\""), "the work tree is the release's");
    assert!(!project.read("app/src/lib.rs").contains("answer"), "main's feature is not on the branch");
    assert!(git_ok(&project, &["status", "--porcelain"]).is_empty(), "the tree stays clean");

    // --from an older release: its own release branch, at that tag.
    project.git(&["checkout", "-q", "main"]);
    let output = patch(&project, &["start", "old-bug", "--from", "v1.1.0"]);
    assert_code(&output, 0, "start old-bug --from v1.1.0");
    let old = rev(&project, "v1.1.0^{commit}");
    assert_eq!(rev(&project, "refs/heads/release/v1.1"), old);
    assert_eq!(rev(&project, "refs/heads/hotfix/old-bug"), old);
    assert_eq!(head_ref(&project), "refs/heads/hotfix/old-bug");
    assert_eq!(git_ok(&project, &["config", "branch.hotfix/old-bug.patchBase"]).trim(), "v1.1.0");
    assert!(project.read("Cargo.toml").contains("version = \"1.1.0\""));

    // An existing release branch is reused as it is: the hotfix starts from its head, not the tag.
    project.git(&["checkout", "-q", "release/v1.2"]);
    project.write("engine/src/lib.rs", &fixed_lib());
    project.git(&["commit", "-q", "-am", "fix: an earlier fix on the line"]);
    let line_head = head(&project);
    project.git(&["checkout", "-q", "main"]);
    let output = patch(&project, &["start", "second"]);
    assert_code(&output, 0, "start second");
    assert_eq!(rev(&project, "refs/heads/release/v1.2"), line_head, "the release branch is not moved");
    assert_eq!(rev(&project, "refs/heads/hotfix/second"), line_head);
    assert_eq!(head_ref(&project), "refs/heads/hotfix/second");
    assert_eq!(git_ok(&project, &["config", "branch.hotfix/second.patchBase"]).trim(), "v1.2.3");
}

/// Asserts a `start` refusal changed nothing: refs, HEAD, branch config, work tree.
fn assert_unchanged(project: &Project, before: &(String, String, String, String), what: &str) {
    let after = (refs(project), head_ref(project), branch_config(project), git_ok(project, &["status", "--porcelain"]));
    assert_eq!(&after, before, "{what} changed the repository");
}

fn state(project: &Project) -> (String, String, String, String) {
    (refs(project), head_ref(project), branch_config(project), git_ok(project, &["status", "--porcelain"]))
}

#[test]
fn start_refuses_bad_slugs_including_hostile_ones_and_changes_nothing() {
    let project = start_fixture();
    let before = state(&project);
    // (slug, the suggestion `help:` must offer, when it is certain)
    let cases: &[(&str, Option<&str>)] = &[
        ("Login Crash", Some("login-crash")),
        ("Login-Crash", Some("login-crash")),
        ("a..b", None),
        ("fix~1", None),
        ("fix^2", None),
        ("fix:colon", None),
        ("fix?", None),
        ("fix*", None),
        ("fix[1]", None),
        ("fix\\back", None),
        ("$(touch pwned)", Some("touch-pwned")),
        ("$(touch${IFS}pwned)", None),
        ("`touch pwned`", Some("touch-pwned")),
        ("it's-broken", None),
        ("say-\"hi\"", None),
        ("line\nbreak", Some("line-break")),
        ("x; touch pwned", None),
        ("fix-ünïcode", Some("fix-unicode")),
    ];
    for (slug, suggestion) in cases {
        let output = patch(&project, &["start", slug]);
        let what = format!("start {slug:?}");
        assert_code(&output, 1, &what);
        assert_stderr_has(&output, "invalid slug", &what);
        assert_stderr_has(&output, "help:", &what);
        assert_stderr_has(&output, "cargo patch start", &what);
        if let Some(suggestion) = suggestion {
            assert_stderr_has(&output, &format!("cargo patch start {suggestion}"), &what);
        }
        assert_unchanged(&project, &before, &what);
    }
    // A leading `-` (after `--`, so it is the slug and not a flag).
    let output = patch(&project, &["start", "--", "-lead"]);
    assert_code(&output, 1, "start -- -lead");
    assert_stderr_has(&output, "invalid slug", "start -- -lead");
    assert_unchanged(&project, &before, "start -- -lead");
    assert_no_pwned(&project);
}

#[test]
fn start_refuses_a_dirty_tree() {
    let project = start_fixture();
    project.write("engine/src/lib.rs", &fixed_lib());
    let before = state(&project);
    let output = patch(&project, &["start", "dirty"]);
    assert_code(&output, 1, "start on a dirty tree");
    assert_stderr_has(&output, "uncommitted changes", "start on a dirty tree");
    assert_unchanged(&project, &before, "start on a dirty tree");
    assert_eq!(project.read("engine/src/lib.rs"), fixed_lib(), "the change is kept");
}

/// Cuts `branch` at `v1.2.3` with one commit after the tag (a CI fix backported, judged when it
/// landed there), writing `file`; returns that commit and leaves `main` checked out.
fn line_with_a_backport(project: &Project, branch: &str, file: &str) -> String {
    project.git(&["switch", "-q", "-c", branch, "v1.2.3"]);
    project.write(file, "backported CI fix\n");
    project.git(&["add", file]);
    project.git(&["commit", "-q", "-m", "ci: backport the CI fixes"]);
    let line = head(project);
    project.git(&["switch", "-q", "main"]);
    line
}

#[test]
fn start_goes_on_from_the_remotes_release_branch_in_a_fresh_clone() {
    let project = start_fixture();
    bare_remote(&project, "remote.git");
    // The release line has a commit after its last tag (a CI fix backported), and this clone knows
    // the line only as `origin/release/v1.2`, as a fresh clone does.
    let line = line_with_a_backport(&project, "release/v1.2", "NOTES.md");
    project.git(&["push", "-q", "origin", "main", "release/v1.2", "--tags"]);
    project.git(&["branch", "-q", "-D", "release/v1.2"]);

    let output = patch(&project, &["start", "ci-fix", "--dry-run"]);
    assert_stderr_has(&output, "branch `release/v1.2` at `origin/release/v1.2`", "the dry run");
    let output = patch(&project, &["start", "ci-fix"]);
    assert_code(&output, 0, "start from the remote's line");
    assert_eq!(rev(&project, "refs/heads/release/v1.2"), line, "the line goes on, not cut again at the tag");
    assert_eq!(rev(&project, "refs/heads/hotfix/ci-fix"), line);
    assert_eq!(git_ok(&project, &["config", "branch.release/v1.2.remote"]).trim(), "origin", "it tracks the remote");
    assert_eq!(git_ok(&project, &["config", "branch.release/v1.2.merge"]).trim(), "refs/heads/release/v1.2");
    assert_eq!(git_ok(&project, &["config", "branch.hotfix/ci-fix.patchBase"]).trim(), "v1.2.3");

    // A remote branch of that name that does not hold the release is refused, naming both.
    let project = start_fixture();
    bare_remote(&project, "remote.git");
    let empty_tree = project.git(&["hash-object", "-t", "tree", "/dev/null"]);
    let stranger = project.git(&["commit-tree", empty_tree.trim(), "-m", "unrelated"]);
    project.git(&["push", "-q", "origin", &format!("{}:refs/heads/release/v1.2", stranger.trim())]);
    project.git(&["fetch", "-q", "origin"]);
    let before = state(&project);
    let output = patch(&project, &["start", "ci-fix"]);
    assert_code(&output, 1, "a foreign line");
    assert_stderr_has(&output, "`origin/release/v1.2` does not contain `v1.2.3`", "a foreign line");
    assert_unchanged(&project, &before, "a foreign line");

    // So is a local one: a hotfix of v1.2.3 cut from it would not hold the release it fixes.
    project.git(&["branch", "release/v1.2", stranger.trim()]);
    let before = state(&project);
    let output = patch(&project, &["start", "ci-fix"]);
    assert_code(&output, 1, "a foreign local line");
    assert_stderr_has(&output, "`release/v1.2` does not contain `v1.2.3`", "a foreign local line");
    assert_unchanged(&project, &before, "a foreign local line");
}

#[test]
fn a_hotfix_of_a_line_older_than_the_configuration_is_judged_and_released_by_it() {
    // The line `1.2.x` was cut before the main line configured cargo-patch, and holds a commit
    // after its last release (a CI fix backported, judged when it landed there).
    let project = released("");
    bare_remote(&project, "remote.git");
    line_with_a_backport(&project, "1.2.x", "ci.sh");
    let config = "\n[workspace.metadata.patch-release]\nrelease-branch = \"{major}.{minor}.x\"\nverify = []\n";
    project.write("Cargo.toml", &root_manifest("1.2.3", config));
    project.git(&["commit", "-q", "-am", "chore: configure cargo-patch"]);
    project.git(&["push", "-q", "origin", "main", "1.2.x", "--tags"]);

    assert_code(&patch(&project, &["start", "crash"]), 0, "start from the configured line");
    assert_eq!(rev(&project, "refs/heads/hotfix/crash"), rev(&project, "refs/heads/1.2.x"));
    project.write("engine/src/lib.rs", &fixed_lib_with_inline_test());
    project.git(&["commit", "-q", "-am", "fix(engine): saturate add"]);
    // The branch's own manifest has no configuration: both commands say whose they use, and
    // only the hotfix's own commit is judged (the line's `ci:` commit is not the hotfix's).
    let output = patch(&project, &["check"]);
    assert_code(&output, 0, "check");
    assert_stderr_has(&output, "using the configuration of `main`", "check");
    let output = patch(&project, &["release", "--dry-run", "--no-publish"]);
    assert_code(&output, 0, "release --dry-run");
    assert_stderr_has(&output, "using the configuration of `main`", "release --dry-run");
    assert_stderr_has(&output, "fast-forward `1.2.x` to the release commit", "release --dry-run");
    assert!(!text(&output.stderr).contains("release/v1.2"), "not the default release branch: {}", describe(&output));

    // The way out the release prints works from the branch it was made on: a rollback starts
    // from the line's own release branch.
    assert_code(&patch(&project, &["release", "--yes", "--no-publish"]), 0, "release");
    let output = patch(&project, &["rollback", "v1.2.4", "--no-yank", "--dry-run"]);
    assert_code(&output, 0, "rollback --dry-run");
    assert_stderr_has(&output, "create `hotfix/rollback-v1.2.4` from `1.2.x`", "rollback --dry-run");
}

/// Installs a `reference-transaction` hook that refuses (in git's "prepared" state) every ref
/// update whose line ends with `pattern` (a `grep -E` pattern): a lock taken by another process
/// between two of git's steps, made reproducible.
fn refuse_ref_updates(project: &Project, pattern: &str) {
    let hook = project.root().join(".git/hooks/reference-transaction");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    let script = format!(
        "#!/bin/sh\nlines=$(cat)\nif [ \"$1\" = prepared ] && printf '%s\\n' \"$lines\" | grep -qE '{pattern}'; then exit 1; fi\nexit 0\n"
    );
    std::fs::write(&hook, script).unwrap();
    std::process::Command::new("chmod").arg("+x").arg(&hook).status().unwrap();
}

#[test]
fn start_that_git_fails_half_way_leaves_the_repository_as_it_was() {
    // A lock git left behind is found before anything is changed, and named with the way out.
    for lock in ["HEAD.lock", "config.lock", "index.lock"] {
        let project = start_fixture();
        let path = project.root().join(".git").join(lock);
        std::fs::write(&path, "").unwrap();
        let before = state(&project);
        let output = patch(&project, &["start", "locked"]);
        assert_code(&output, 1, lock);
        assert_stderr_has(&output, &format!("{lock}` exists"), lock);
        assert_stderr_has(&output, "if no git process is running, remove", lock);
        assert_unchanged(&project, &before, lock);
        let output = patch(&project, &["start", "locked", "--dry-run"]);
        assert_code(&output, 1, "the dry run predicts it");
        std::fs::remove_file(&path).unwrap();
        assert_code(&patch(&project, &["start", "locked"]), 0, "start once the lock is gone");
    }

    // git checks the release's files out and then cannot move HEAD (a lock taken meanwhile):
    // the files, the index, both new branches and the recorded base are all taken back.
    let project = start_fixture();
    refuse_ref_updates(&project, " HEAD$");
    let before = state(&project);
    let output = patch(&project, &["start", "raced"]);
    assert_code(&output, 1, "HEAD cannot move");
    assert_stderr_has(&output, "could not switch to `hotfix/raced`", "HEAD cannot move");
    assert_stderr_has(&output, "nothing was changed", "HEAD cannot move");
    assert_unchanged(&project, &before, "HEAD cannot move");
    assert!(project.read("app/src/lib.rs").contains("answer"), "main's files are back");

    // The hotfix branch cannot be created after the release branch was: that one goes too.
    let project = start_fixture();
    refuse_ref_updates(&project, " refs/heads/hotfix/");
    let before = state(&project);
    let output = patch(&project, &["start", "raced"]);
    assert_code(&output, 1, "no hotfix branch");
    assert_stderr_has(&output, "could not create branch `hotfix/raced`", "no hotfix branch");
    assert_unchanged(&project, &before, "no hotfix branch");

    // A `post-checkout` hook that fails makes git's switch fail after it moved HEAD.
    let project = start_fixture();
    let hook = project.root().join(".git/hooks/post-checkout");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(&hook, "#!/bin/sh\necho 'post-checkout says no' >&2\nexit 1\n").unwrap();
    std::process::Command::new("chmod").arg("+x").arg(&hook).status().unwrap();
    let before = state(&project);
    let output = patch(&project, &["start", "hooked"]);
    assert_code(&output, 1, "post-checkout fails");
    assert_stderr_has(&output, "post-checkout says no", "post-checkout fails");
    assert_unchanged(&project, &before, "post-checkout fails");
}

#[test]
fn start_refuses_when_the_next_patch_is_already_tagged_and_names_it() {
    let project = start_fixture();
    // v1.2.4 is released on release/v1.2, which main does not reach.
    project.git(&["checkout", "-q", "-b", "release/v1.2", "v1.2.3"]);
    project.write("engine/src/lib.rs", &fixed_lib());
    project.git(&["commit", "-q", "-am", "fix: saturate add"]);
    project.write("Cargo.toml", &root_manifest("1.2.4", ""));
    project.generate_lockfile();
    project.git(&["commit", "-q", "-am", "chore(release): v1.2.4"]);
    project.git(&["tag", "-a", "v1.2.4", "-m", "Release v1.2.4"]);
    project.git(&["checkout", "-q", "main"]);
    let before = state(&project);

    let args = ["start", "late", "--from", "v1.2.3"];
    let output = patch(&project, &args);
    assert_code(&output, 1, "start late --from v1.2.3");
    assert_stderr_has(&output, "v1.2.4", "start late --from v1.2.3");
    assert_unchanged(&project, &before, "start late --from v1.2.3");

    // Starting from the newest patch of the line works.
    let output = patch(&project, &["start", "late", "--from", "v1.2.4"]);
    assert_code(&output, 0, "start late --from v1.2.4");
    assert_eq!(rev(&project, "refs/heads/hotfix/late"), rev(&project, "v1.2.4^{commit}"));
    assert_eq!(git_ok(&project, &["config", "branch.hotfix/late.patchBase"]).trim(), "v1.2.4");
}

// ---------------------------------------------------------------------------------------------
// `check`: one branch per rule, each breaking that rule only.

#[test]
fn check_passes_a_minimal_fix_with_a_test_under_tests() {
    let project = released("");
    hotfix_branch(&project, "saturate");
    clean_fix(&project);
    assert_clean(&patch(&project, &["check"]));

    let output = patch(&project, &["check", "--format", "json"]);
    assert_code(&output, 0, "check --format json of a clean branch");
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["violations"], serde_json::json!([]), "{value}");
    assert!(value["base"].is_string() && value["head"].is_string(), "{value}");
}

#[test]
fn check_passes_a_fix_whose_test_is_in_cfg_test_code() {
    let project = released("");
    hotfix_branch(&project, "inline");
    commit_ok(&project, "fix: saturate add on overflow", &[("engine/src/lib.rs", &fixed_lib_with_inline_test())]);
    assert_clean(&patch(&project, &["check"]));
}

#[test]
fn check_passes_changes_to_the_changelog_whatever_their_size() {
    let project = released("");
    hotfix_branch(&project, "changelog");
    clean_fix(&project);
    let changelog: String = (0..300).map(|i| format!("- entry {i}\n")).collect();
    commit_ok(&project, "docs: the changelog", &[("CHANGELOG.md", &format!("# Changelog\n\n{changelog}"))]);
    assert_clean(&patch(&project, &["check"]));
}

#[test]
fn check_rule_commit_type() {
    let project = released("");
    hotfix_branch(&project, "types");
    let good = clean_fix(&project);
    let mut test_file = REGRESSION_TEST.to_owned();
    let mut bad = Vec::new();
    for (i, message) in [
        "feat: add a knob",
        "fix!: drop the old clamp",
        "fix: rename clamp\n\nBREAKING CHANGE: clamp is gone",
        "Update things",
        "chore: tidy up",
    ]
    .into_iter()
    .enumerate()
    {
        test_file.push_str(&format!("\n#[test]\nfn case_{i}() {{}}\n"));
        let sha = commit_ok(&project, message, &[("engine/tests/regression.rs", &test_file)]);
        bad.push((sha, message.lines().next().unwrap().to_owned()));
    }
    let output = patch(&project, &["check"]);
    assert_only_rule(&output, "commit-type");
    let stderr = text(&output.stderr);
    for (sha, subject) in &bad {
        assert!(
            stderr.contains(&sha[..7]) || stderr.contains(subject.as_str()),
            "commit {subject:?} is not named; {}",
            describe(&output)
        );
    }
    assert!(!stderr.contains(&good[..7]), "the good commit is named; {}", describe(&output));
}

/// Commits a tested fix of 240 added lines in one crate: over `max-lines`, within every other rule.
fn commit_lookup_table(project: &Project) -> String {
    let table: String = (0..240).map(|i| format!("pub const T{i}: u32 = {i};\n")).collect();
    commit_ok(
        project,
        "fix: add a lookup table",
        &[("engine/src/table.rs", &table), ("engine/tests/regression.rs", REGRESSION_TEST)],
    )
}

#[test]
fn check_rule_diff_budget() {
    let project = released("");
    // Too many lines: 240 added in one file (plus the test).
    hotfix_branch(&project, "lines");
    commit_lookup_table(&project);
    assert_only_rule(&patch(&project, &["check"]), "diff-budget");

    // Too many files: eleven small ones.
    hotfix_branch(&project, "files");
    let files: Vec<(String, String)> =
        (0..11).map(|i| (format!("engine/tests/case_{i}.rs"), format!("#[test]\nfn case_{i}() {{}}\n"))).collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    commit_ok(&project, "test: cover more cases", &files);
    assert_only_rule(&patch(&project, &["check"]), "diff-budget");
}

#[test]
fn check_rule_crate_scope() {
    let project = released("");
    project.write("app/Cargo.toml", RELEASED_APP_MANIFEST);
    project.git(&["commit", "-qam", "chore: tag the app with each release"]);
    project.git(&["tag", "-f", "-a", "v1.2.3", "-m", "Release v1.2.3"]);
    hotfix_branch(&project, "two-crates");
    commit_ok(
        &project,
        "fix: saturate add and punctuate greetings",
        &[
            ("engine/src/lib.rs", &fixed_lib()),
            ("engine/tests/regression.rs", REGRESSION_TEST),
            ("app/src/lib.rs", &APP_LIB.replace("hello {name}", "hello, {name}")),
            (
                "app/tests/regression.rs",
                "#[test]\nfn greets() {\n    assert_eq!(app::greet(\"x\"), \"hello, x\");\n}\n",
            ),
        ],
    );
    assert_only_rule(&patch(&project, &["check"]), "crate-scope");
}

#[test]
fn check_rule_manifest() {
    let project = released("");
    let cases = [
        ("feature", format!("{ENGINE_MANIFEST}\n[features]\nfast = []\n")),
        ("dependency", format!("{ENGINE_MANIFEST}\n[dependencies]\napp = {{ path = \"../app\" }}\n")),
        (
            "rust-version",
            ENGINE_MANIFEST
                .replace("edition.workspace = true\n", "edition.workspace = true\nrust-version = \"1.80\"\n"),
        ),
        ("edition", ENGINE_MANIFEST.replace("edition.workspace = true", "edition = \"2024\"")),
        ("version", ENGINE_MANIFEST.replace("version.workspace = true", "version = \"1.2.4\"")),
    ];
    for (slug, manifest) in cases {
        assert_ne!(manifest, ENGINE_MANIFEST);
        project.git(&["checkout", "-q", "main"]);
        hotfix_branch(&project, slug);
        commit_ok(
            &project,
            "fix: saturate add on overflow",
            &[
                ("engine/Cargo.toml", &manifest),
                ("engine/src/lib.rs", &fixed_lib()),
                ("engine/tests/regression.rs", REGRESSION_TEST),
            ],
        );
        let output = patch(&project, &["check"]);
        assert!(
            text(&output.stderr).contains("engine/Cargo.toml"),
            "{slug}: the manifest is named; {}",
            describe(&output)
        );
        assert_only_rule(&output, "manifest");
    }
}

#[test]
fn check_rule_format_churn() {
    let project = released("");
    hotfix_branch(&project, "churn");
    commit_ok(
        &project,
        "fix: clamp",
        &[("engine/src/lib.rs", &churned_lib()), ("engine/tests/regression.rs", REGRESSION_TEST)],
    );
    let output = patch(&project, &["check"]);
    assert!(text(&output.stderr).contains("engine/src/lib.rs"), "the file is named; {}", describe(&output));
    assert_only_rule(&output, "format-churn");
}

#[test]
fn check_rule_no_merge() {
    let project = released("");
    // main moves on after the release (an allowed type, in the same crate, so only the merge is wrong).
    commit_ok(
        &project,
        "test: cover halving",
        &[("engine/tests/more.rs", "#[test]\nfn halves() {\n    assert_eq!(engine::half(4), 2);\n}\n")],
    );
    hotfix_branch(&project, "merged");
    clean_fix(&project);
    git_ok(&project, &["merge", "-q", "--no-ff", "-m", "fix: merge main", "main"]);
    assert_only_rule(&patch(&project, &["check"]), "no-merge");
}

#[test]
fn check_rule_paths_and_every_way_to_find_the_base() {
    let project = released("");
    hotfix_branch(&project, "ci");
    commit_ok(
        &project,
        "docs: describe the pipeline",
        &[(".github/workflows/ci.yml", "name: ci\non: push\njobs: {}\n")],
    );
    let output = patch(&project, &["check"]);
    assert!(text(&output.stderr).contains(".github/workflows/ci.yml"), "the file is named; {}", describe(&output));
    assert_only_rule(&output, "paths");

    // Without the recorded base: `--base`, then the merge base with release/v1.2.
    git_ok(&project, &["config", "--unset", "branch.hotfix/ci.patchBase"]);
    assert_only_rule(&patch(&project, &["check", "--base", "v1.2.3"]), "paths");
    assert_only_rule(&patch(&project, &["check"]), "paths");
}

#[test]
fn check_rule_regression_test() {
    let project = released("");
    hotfix_branch(&project, "untested");
    commit_ok(&project, "fix: saturate add on overflow", &[("engine/src/lib.rs", &fixed_lib())]);
    assert_only_rule(&patch(&project, &["check"]), "regression-test");
}

#[test]
fn check_json_names_the_rule() {
    let project = released("");
    hotfix_branch(&project, "json");
    commit_lookup_table(&project);
    let output = patch(&project, &["check", "--format", "json"]);
    assert_code(&output, 1, "check --format json");
    let value: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); {}", describe(&output)));
    let base = value["base"].as_str().unwrap_or_else(|| panic!("no base: {value}"));
    assert!(base == "v1.2.3" || base == rev(&project, "v1.2.3^{commit}"), "base {base:?}");
    assert!(value["head"].is_string(), "{value}");
    let violations = value["violations"].as_array().unwrap_or_else(|| panic!("no violations: {value}"));
    let rules: Vec<&str> = violations.iter().filter_map(|v| v["rule"].as_str()).collect();
    assert_eq!(rules, ["diff-budget"], "{value}");
    let violation = &violations[0];
    assert!(violation["message"].as_str().is_some_and(|m| !m.is_empty()), "{value}");
    assert!(violation["help"].is_string(), "{value}");
    assert!(violation.get("location").is_some_and(|l| l.is_string() || l.is_null()), "{value}");
}

#[test]
fn check_rule_api_requires_cargo_semver_checks_when_configured() {
    let project = released("\n[workspace.metadata.patch-release.hotfix]\nsemver-checks = true\n");
    hotfix_branch(&project, "api");
    clean_fix(&project);
    for dir in std::env::split_paths(&tool_path(&project, true)) {
        assert!(!dir.join("cargo-semver-checks").exists(), "cargo-semver-checks is in {}", dir.display());
    }
    let output = patch(&project, &["check"]);
    assert_code(&output, 1, "check with semver-checks = true and no cargo-semver-checks");
    let all = format!("{}{}", text(&output.stdout), text(&output.stderr));
    assert!(all.contains("cargo install cargo-semver-checks"), "{}", describe(&output));
}

// ---------------------------------------------------------------------------------------------
// `hooks` and `hook commit-msg` through real `git commit`.

const MARKER: &str = "# cargo-patch managed hook";

/// The directory git runs hooks from, as `git rev-parse --git-path hooks` names it from `dir`.
fn git_hooks_dir(project: &Project, dir: &Path) -> PathBuf {
    let output = cmd(project, "git", dir, true).args(["rev-parse", "--git-path", "hooks"]).output().unwrap();
    assert_code(&output, 0, "git rev-parse --git-path hooks");
    dir.join(text(&output.stdout).trim())
}

/// Every file in a hooks directory but git's samples, with its bytes and permission bits.
fn hook_files(dir: &Path) -> Vec<(String, Vec<u8>, u32)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| !e.file_name().to_string_lossy().ends_with(".sample"))
                .map(|e| {
                    let mode = e.metadata().unwrap().permissions().mode() & 0o777;
                    (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap(), mode)
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn assert_our_hook(path: &Path) {
    let script = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(script.starts_with("#!/bin/sh\n"), "{}: not a POSIX sh script:\n{script}", path.display());
    assert!(script.lines().any(|l| l.starts_with(MARKER)), "{}: no marker line:\n{script}", path.display());
    let mode = std::fs::metadata(path).unwrap().permissions().mode();
    assert_eq!(mode & 0o111, 0o111, "{} is not executable ({mode:o})", path.display());
}

/// What `hooks status` says about `hook`.
fn hook_status(project: &Project, hook: &str) -> &'static str {
    let output = patch(project, &["hooks", "status"]);
    let all = format!("{}{}", text(&output.stdout), text(&output.stderr));
    let line = all.lines().find(|l| l.contains(hook)).unwrap_or_else(|| panic!("no line for {hook}: {all}"));
    if line.contains("not installed") {
        "not installed"
    } else if line.contains("outdated") {
        "outdated"
    } else if line.contains("chains a foreign hook") {
        "installed (chains a foreign hook)"
    } else if line.contains("foreign hook") {
        "foreign hook"
    } else if line.contains("installed") {
        "installed"
    } else {
        panic!("unknown status for {hook}: {line}")
    }
}

fn install(project: &Project) {
    assert_code(&patch(project, &["hooks", "install"]), 0, "hooks install");
}

/// Asserts a commit was refused: non-zero exit, HEAD where it was, `needle` on stderr.
fn assert_refused(output: &Output, project: &Project, before: &str, needle: &str, what: &str) {
    assert_ne!(output.status.code(), Some(0), "{what} was accepted; {}", describe(output));
    assert_stderr_has(output, needle, what);
    assert_eq!(head(project), before, "{what}: a commit was created");
}

#[test]
fn hooks_install_and_commit_msg_judges_real_commits() {
    let project = released("");
    assert_eq!(hook_status(&project, "commit-msg"), "not installed");
    assert_eq!(hook_status(&project, "pre-push"), "not installed");
    install(&project);
    let hooks = git_hooks_dir(&project, project.root());
    assert_eq!(hooks.canonicalize().unwrap(), project.root().join(".git/hooks").canonicalize().unwrap());
    assert_our_hook(&hooks.join("commit-msg"));
    assert_our_hook(&hooks.join("pre-push"));
    assert_eq!(hook_status(&project, "commit-msg"), "installed");
    assert_eq!(hook_status(&project, "pre-push"), "installed");

    // On main: features are fine, the conventional form is not optional.
    commit_ok(&project, "feat: a knob", &[("app/src/lib.rs", &format!("{APP_LIB}\npub const KNOB: u32 = 1;\n"))]);
    let before = head(&project);
    let files = [("app/src/lib.rs", "//! The app, refused.\n")];
    let output = commit(&project, "update stuff", &files);
    assert_refused(&output, &project, &before, "error[conventional]", "a non-conventional message");
    assert_stderr_has(&output, "--no-verify", "a non-conventional message");
    let long = format!("fix: {}", "x".repeat(120));
    assert_refused(&commit(&project, &long, &files), &project, &before, "error[conventional]", "a 125-char header");
    assert_refused(
        &commit(&project, "fix: no blank line\nbody right below", &files),
        &project,
        &before,
        "error[conventional]",
        "a body without a blank line",
    );
    // git's own messages pass (KNOB = 1 is already committed, so each starts from 2); `Merge ...`
    // only on a merge (commit_msg.rs).
    let mut n = 1;
    for message in [
        "Revert \"feat: a knob\"\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.",
        "fixup! feat: a knob",
        "squash! feat: a knob",
        "amend! feat: a knob\n\nfeat: a better knob",
    ] {
        n += 1;
        commit_ok(&project, message, &[("app/src/lib.rs", &format!("{APP_LIB}\npub const KNOB: u32 = {n};\n"))]);
    }

    // On a hotfix branch: only patch-level types.
    hotfix_branch(&project, "typed");
    let before = head(&project);
    let files = [("engine/src/lib.rs", fixed_lib()), ("engine/tests/regression.rs", REGRESSION_TEST.to_owned())];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, c)| (*p, c.as_str())).collect();
    assert_refused(
        &commit(&project, "feat: sneak a feature in", &files),
        &project,
        &before,
        "error[commit-type]",
        "feat",
    );
    assert_refused(&commit(&project, "fix!: break it", &files), &project, &before, "error[commit-type]", "fix!");
    assert_refused(
        &commit(&project, "fix: quietly\n\nBREAKING CHANGE: it breaks", &files),
        &project,
        &before,
        "error[commit-type]",
        "a BREAKING CHANGE footer",
    );
    commit_ok(&project, "fix: saturate add on overflow", &files);
}

#[test]
fn commit_msg_strips_comments_scissors_and_honours_core_comment_char() {
    let project = released("");
    install(&project);
    hotfix_branch(&project, "comments");
    let message_file = project.home().join("message.txt");
    let mut n = 0;
    let mut next_change = || {
        n += 1;
        vec![("engine/tests/regression.rs".to_owned(), format!("{REGRESSION_TEST}\n#[test]\nfn c{n}() {{}}\n"))]
    };

    // Comment lines, even a first one that is not conventional, are not part of the message.
    std::fs::write(
        &message_file,
        "# not: a conventional header\nfix: handle comments\n# between\n\nBody line.\n# trailing\n",
    )
    .unwrap();
    let change = next_change();
    let output = commit_with_file(&project, &message_file, &change);
    assert_code(&output, 0, "git commit -F with comment lines");
    assert_eq!(message_of(&project, "HEAD"), "fix: handle comments\n\nBody line.");

    // `git commit -v`: everything below the scissors line is ignored, even a breaking footer there.
    let editor = project.home().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\n{ printf 'fix: via the editor\\n\\nBody from the editor.\\n'; cat \"$1\"; \
         printf '\\nBREAKING CHANGE: only below the scissors\\n'; } > \"$1.new\" && mv \"$1.new\" \"$1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let change = next_change();
    let (rel, contents) = &change[0];
    project.write(rel, contents);
    git_ok(&project, &["add", "--", rel]);
    let output = cmd(&project, "git", project.root(), true)
        .env("GIT_EDITOR", &editor)
        .args(["commit", "-q", "-v"])
        .output()
        .unwrap();
    assert_code(&output, 0, "git commit -v");
    assert_eq!(message_of(&project, "HEAD"), "fix: via the editor\n\nBody from the editor.");

    // core.commentChar: `;` lines are comments, `#` lines are text.
    git_ok(&project, &["config", "core.commentChar", ";"]);
    std::fs::write(&message_file, "; a comment\nfix: semicolon comments\n\nBody.\n").unwrap();
    let change = next_change();
    assert_code(&commit_with_file(&project, &message_file, &change), 0, "commentChar ;");
    assert_eq!(message_of(&project, "HEAD"), "fix: semicolon comments\n\nBody.");
    let before = head(&project);
    std::fs::write(&message_file, "# not a comment now\n\nfix: the real header?\n").unwrap();
    let change = next_change();
    let output = commit_with_file(&project, &message_file, &change);
    assert_refused(&output, &project, &before, "error[conventional]", "a `#` line when core.commentChar is `;`");
}

/// `git commit --cleanup=strip -F FILE` after writing `files`.
fn commit_with_file(project: &Project, message: &Path, files: &[(String, String)]) -> Output {
    for (rel, contents) in files {
        project.write(rel, contents);
        git_ok(project, &["add", "--", rel]);
    }
    git(project, &["commit", "-q", "--cleanup=strip", "-F", message.to_str().unwrap()])
}

#[test]
fn hooks_chain_a_foreign_hook_and_uninstall_restores_it() {
    let project = released("");
    let hooks = git_hooks_dir(&project, project.root());
    let log = project.home().join("foreign.log");
    let fail = project.home().join("foreign-fail");
    let foreign = format!(
        "#!/bin/sh\n# someone else's hook\necho \"foreign saw $(head -n 1 \"$1\")\" >> '{}'\ntest ! -e '{}'\n",
        log.display(),
        fail.display()
    );
    std::fs::write(hooks.join("commit-msg"), &foreign).unwrap();
    std::fs::set_permissions(hooks.join("commit-msg"), std::fs::Permissions::from_mode(0o750)).unwrap();
    assert_eq!(hook_status(&project, "commit-msg"), "foreign hook");

    install(&project);
    assert_our_hook(&hooks.join("commit-msg"));
    assert_our_hook(&hooks.join("pre-push"));
    let chained = hooks.join("commit-msg.cargo-patch-chained");
    assert_eq!(std::fs::read(&chained).unwrap(), foreign.as_bytes(), "the foreign hook is kept byte for byte");
    assert_eq!(std::fs::metadata(&chained).unwrap().permissions().mode() & 0o777, 0o750, "and its mode");
    assert_eq!(hook_status(&project, "commit-msg"), "installed (chains a foreign hook)");
    assert_eq!(hook_status(&project, "pre-push"), "installed");

    // Installing again changes nothing (and does not chain our own hook).
    let installed = hook_files(&hooks);
    install(&project);
    assert_eq!(hook_files(&hooks), installed, "a second install changed the hooks");

    // The foreign hook runs first; our hook still judges the message.
    commit_ok(&project, "fix: first", &[("engine/tests/regression.rs", REGRESSION_TEST)]);
    assert!(std::fs::read_to_string(&log).unwrap().contains("foreign saw fix: first"));
    let before = head(&project);
    let files = [("engine/tests/regression.rs", "#[test]\nfn other() {}\n")];
    let output = commit(&project, "not conventional", &files);
    assert_refused(&output, &project, &before, "error[conventional]", "a bad message with a chained hook");
    assert!(std::fs::read_to_string(&log).unwrap().contains("foreign saw not conventional"));
    // Its failure stops the commit.
    std::fs::write(&fail, "").unwrap();
    let output = commit(&project, "fix: the foreign hook says no", &files);
    assert_ne!(output.status.code(), Some(0), "the foreign hook's failure was ignored; {}", describe(&output));
    assert_eq!(head(&project), before);
    std::fs::remove_file(&fail).unwrap();

    // Uninstall puts it back as it was and removes ours.
    assert_code(&patch(&project, &["hooks", "uninstall"]), 0, "hooks uninstall");
    assert_eq!(std::fs::read(hooks.join("commit-msg")).unwrap(), foreign.as_bytes());
    assert_eq!(std::fs::metadata(hooks.join("commit-msg")).unwrap().permissions().mode() & 0o777, 0o750);
    assert!(!chained.exists(), "the chained copy is left behind");
    assert!(!hooks.join("pre-push").exists(), "our pre-push is left behind");
    assert_eq!(hook_status(&project, "commit-msg"), "foreign hook");
    assert_eq!(hook_status(&project, "pre-push"), "not installed");
    commit_ok(&project, "not conventional, and nobody minds now", &files);
}

#[test]
fn hooks_install_twice_changes_nothing() {
    let project = released("");
    let hooks = git_hooks_dir(&project, project.root());
    install(&project);
    let once = hook_files(&hooks);
    assert!(once.iter().any(|(name, _, _)| name == "commit-msg") && once.iter().any(|(name, _, _)| name == "pre-push"));
    install(&project);
    assert_eq!(hook_files(&hooks), once);
}

#[test]
fn hooks_follow_core_hooks_path() {
    let project = released("");
    git_ok(&project, &["config", "core.hooksPath", ".githooks"]);
    install(&project);
    let custom = project.root().join(".githooks");
    assert_eq!(git_hooks_dir(&project, project.root()).canonicalize().unwrap(), custom.canonicalize().unwrap());
    assert_our_hook(&custom.join("commit-msg"));
    assert_our_hook(&custom.join("pre-push"));
    assert!(!project.root().join(".git/hooks/commit-msg").exists(), "installed into .git/hooks as well");
    assert_eq!(hook_status(&project, "commit-msg"), "installed");

    // git runs them from there.
    hotfix_branch(&project, "custom");
    let before = head(&project);
    let files = [("engine/tests/regression.rs", REGRESSION_TEST)];
    assert_refused(&commit(&project, "feat: nope", &files), &project, &before, "error[commit-type]", "feat");
    commit_ok(&project, "test: cover saturation", &files);
}

#[test]
fn hooks_in_a_linked_worktree_go_to_the_shared_hooks_dir() {
    let project = released("");
    project.git(&["branch", "release/v1.2", "v1.2.3"]);
    let wt = project.home().join("wt");
    project.git(&["worktree", "add", "-q", "-b", "hotfix/wt", wt.to_str().unwrap(), "release/v1.2"]);
    project.git(&["config", "branch.hotfix/wt.patchBase", "v1.2.3"]);

    assert_code(&patch_in(&project, &wt, &["hooks", "install"]), 0, "hooks install in a worktree");
    let shared = git_hooks_dir(&project, &wt);
    assert_eq!(shared.canonicalize().unwrap(), project.root().join(".git/hooks").canonicalize().unwrap());
    assert_our_hook(&shared.join("commit-msg"));
    assert_our_hook(&shared.join("pre-push"));
    assert!(!project.root().join(".git/worktrees/wt/hooks").exists(), "hooks written per worktree");

    // Commits in the worktree are judged as the hotfix branch's; main's as main's.
    let wt_head = || {
        let output = cmd(&project, "git", &wt, true).args(["rev-parse", "HEAD"]).output().unwrap();
        text(&output.stdout).trim().to_owned()
    };
    let before = wt_head();
    let files = [("engine/src/lib.rs", fixed_lib()), ("engine/tests/regression.rs", REGRESSION_TEST.to_owned())];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, c)| (*p, c.as_str())).collect();
    let output = commit_in(&project, &wt, true, "feat: not here", &files);
    assert_ne!(output.status.code(), Some(0), "feat accepted in the worktree; {}", describe(&output));
    assert_stderr_has(&output, "error[commit-type]", "feat in the worktree");
    assert_eq!(wt_head(), before);
    assert_code(&commit_in(&project, &wt, true, "fix: saturate add on overflow", &files), 0, "fix in the worktree");
    assert_ne!(wt_head(), before);
    commit_ok(&project, "feat: fine on main", &[("app/src/lib.rs", &format!("{APP_LIB}\npub const X: u32 = 1;\n"))]);
}

#[test]
fn hooks_call_the_binary_by_its_quoted_path_and_fall_back_to_path() {
    let project = released("");
    let dir = project.home().join("we ird $(touch pwned) `touch pwned` 'q' \"d\" ü");
    std::fs::create_dir_all(&dir).unwrap();
    let moved = dir.join("cargo-patch");
    if std::fs::hard_link(bin(), &moved).is_err() {
        std::fs::copy(bin(), &moved).unwrap();
    }
    let output = cmd(&project, &moved, project.root(), false).args(["hooks", "install"]).output().unwrap();
    assert_code(&output, 0, "hooks install from a hostile path");
    hotfix_branch(&project, "quoted");

    // Without the binary's directory on PATH, only the path written into the hook can answer.
    let files = [("engine/src/lib.rs", fixed_lib()), ("engine/tests/regression.rs", REGRESSION_TEST.to_owned())];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, c)| (*p, c.as_str())).collect();
    let before = head(&project);
    let output = commit_in(&project, project.root(), false, "feat: nope", &files);
    assert_refused(&output, &project, &before, "error[commit-type]", "feat through the quoted path");
    assert_code(&commit_in(&project, project.root(), false, "fix: saturate add", &files), 0, "fix, quoted path");
    assert_no_pwned(&project);

    // The binary is gone: the hook falls back to `cargo-patch` on PATH.
    std::fs::remove_file(&moved).unwrap();
    let files = [("engine/tests/regression.rs", "#[test]\nfn again() {}\n")];
    let before = head(&project);
    let output = commit_in(&project, project.root(), true, "feat: still nope", &files);
    assert_refused(&output, &project, &before, "error[commit-type]", "feat through the PATH fallback");
    assert_code(&commit_in(&project, project.root(), true, "test: again", &files), 0, "test, PATH fallback");
    assert_no_pwned(&project);
}

// ---------------------------------------------------------------------------------------------
// `hook pre-push` through real `git push` to a local bare remote.

/// Creates the bare repository `home/<name>`, adds it as `origin` and pushes main and v1.2.3.
fn bare_remote(project: &Project, name: &str) -> PathBuf {
    let remote = project.home().join(name);
    let output =
        cmd(project, "git", project.home(), true).arg("init").arg("-q").arg("--bare").arg(&remote).output().unwrap();
    assert_code(&output, 0, "git init --bare");
    git_ok(project, &["remote", "add", "origin", remote.to_str().unwrap()]);
    git_ok(project, &["push", "-q", "--no-verify", "origin", "main", "v1.2.3"]);
    remote
}

fn ls_remote(project: &Project, remote: &Path) -> String {
    let output = cmd(project, "git", project.home(), true).arg("ls-remote").arg(remote).output().unwrap();
    assert_code(&output, 0, "git ls-remote");
    text(&output.stdout)
}

/// Asserts a push was refused with `needle` on stderr and left the remote as it was.
fn assert_push_refused(project: &Project, remote: &Path, args: &[&str], needle: &str) {
    let before = ls_remote(project, remote);
    let output = git(project, args);
    assert_ne!(output.status.code(), Some(0), "git {args:?} was accepted; {}", describe(&output));
    assert_stderr_has(&output, needle, &format!("git {args:?}"));
    assert_eq!(ls_remote(project, remote), before, "git {args:?} changed the remote");
}

#[test]
fn pre_push_lets_a_clean_hotfix_branch_and_deletions_through() {
    let project = released("");
    let remote = bare_remote(&project, "remote.git");
    install(&project);
    hotfix_branch(&project, "ok");
    let fixed = clean_fix(&project);
    let output = git(&project, &["push", "-q", "origin", "hotfix/ok"]);
    assert_code(&output, 0, "push a clean hotfix branch");
    assert!(ls_remote(&project, &remote).contains(&format!("{fixed}\trefs/heads/hotfix/ok")));

    // A branch that breaks the rules, pushed with --no-verify, can still be deleted.
    project.git(&["checkout", "-q", "release/v1.2"]);
    hotfix_branch(&project, "big");
    commit_lookup_table(&project);
    assert_code(&git(&project, &["push", "-q", "--no-verify", "origin", "hotfix/big"]), 0, "push --no-verify");
    assert!(ls_remote(&project, &remote).contains("refs/heads/hotfix/big"));
    assert_code(&git(&project, &["push", "-q", "origin", "--delete", "hotfix/big"]), 0, "push --delete");
    assert_code(&git(&project, &["push", "-q", "origin", "--delete", "hotfix/ok"]), 0, "push --delete");
    let refs = ls_remote(&project, &remote);
    assert!(!refs.contains("hotfix/"), "{refs}");
}

#[test]
fn pre_push_refuses_a_hotfix_branch_that_breaks_the_rules() {
    let project = released("");
    let remote = bare_remote(&project, "remote.git");
    install(&project);
    hotfix_branch(&project, "big");
    commit_lookup_table(&project);
    assert_push_refused(&project, &remote, &["push", "origin", "hotfix/big"], "[diff-budget]");
    assert_push_refused(&project, &remote, &["push", "origin", "hotfix/big:refs/heads/hotfix/big"], "[diff-budget]");

    project.git(&["checkout", "-q", "release/v1.2"]);
    hotfix_branch(&project, "ci");
    commit_ok(&project, "docs: describe the pipeline", &[(".github/workflows/ci.yml", "name: ci\n")]);
    assert_push_refused(&project, &remote, &["push", "origin", "hotfix/ci"], "[paths]");
    // Both at once: refused as a whole.
    assert_push_refused(&project, &remote, &["push", "origin", "hotfix/big", "hotfix/ci"], "[paths]");
}

#[test]
fn pre_push_refuses_a_release_tag_unlike_the_manifest_and_leaves_main_alone() {
    let project = released("");
    let remote = bare_remote(&project, "remote.git");
    install(&project);

    // main is not a hotfix branch: a big feature with a workflow file goes through.
    let table: String = (0..300).map(|i| format!("pub const T{i}: u32 = {i};\n")).collect();
    commit_ok(
        &project,
        "feat: a big table and ci",
        &[("engine/src/table.rs", &table), (".github/workflows/ci.yml", "name: ci\n")],
    );
    let main = head(&project);
    assert_code(&git(&project, &["push", "-q", "origin", "main"]), 0, "push main");
    assert!(ls_remote(&project, &remote).contains(&format!("{main}\trefs/heads/main")));

    // A tag whose version is not the manifest's.
    project.git(&["tag", "v9.9.9"]);
    assert_push_refused(&project, &remote, &["push", "origin", "v9.9.9"], "error[release-tag]");
    project.git(&["tag", "-a", "v1.2.9", "-m", "Release v1.2.9"]);
    assert_push_refused(&project, &remote, &["push", "origin", "refs/tags/v1.2.9"], "error[release-tag]");

    // The release commit and its tag (annotated) go through; so does a tag that is not a release.
    project.write("Cargo.toml", &root_manifest("1.3.0", ""));
    project.generate_lockfile();
    git_ok(&project, &["add", "-A"]);
    commit_ok(&project, "chore(release): v1.3.0", &[]);
    assert!(project.git(&["show", "HEAD:Cargo.toml"]).contains("version = \"1.3.0\""));
    project.git(&["tag", "-a", "v1.3.0", "-m", "Release v1.3.0"]);
    project.git(&["tag", "not-a-release"]);
    assert_code(
        &git(&project, &["push", "-q", "origin", "main", "v1.3.0", "not-a-release"]),
        0,
        "push a good release tag",
    );
    let refs = ls_remote(&project, &remote);
    assert!(refs.contains("refs/tags/v1.3.0") && refs.contains("refs/tags/not-a-release"), "{refs}");
    assert!(!refs.contains("v9.9.9") && !refs.contains("v1.2.9"), "{refs}");
}

// ---------------------------------------------------------------------------------------------
// Hostile input: nothing in a branch name, message or remote URL is ever executed.

#[test]
fn hostile_branch_names_messages_and_remote_urls_execute_nothing() {
    let project = released("");
    let remote = bare_remote(&project, "remote $(touch pwned) `touch pwned` 'q' \"d\" ü.git");
    install(&project);

    let slug = "q'u\"o$(touch${IFS}pwned)`touch${IFS}pwned`;touch${IFS}pwned|ü";
    hotfix_branch(&project, slug);
    let branch = format!("hotfix/{slug}");

    // A conventional message full of shell syntax is just text.
    let message = "fix: survive $(touch pwned), `touch pwned`, 'single', \"double\" and ünïcode ✓\n\n\
                   The body mentions $(touch pwned); `touch pwned` | touch pwned.\n\nRefs: $(touch pwned)";
    let fixed = commit_ok(
        &project,
        message,
        &[("engine/src/lib.rs", &fixed_lib()), ("engine/tests/regression.rs", REGRESSION_TEST)],
    );
    assert_eq!(message_of(&project, "HEAD"), message);
    // And a bad one is refused, showing the text as it is.
    let output = commit(
        &project,
        "$(touch pwned) `touch pwned` 'q' \"d\"\nü",
        &[("engine/tests/more.rs", "#[test]\nfn more() {}\n")],
    );
    assert_refused(&output, &project, &fixed, "error[conventional]", "a hostile non-conventional message");
    assert_stderr_has(&output, "$(touch pwned)", "the offending text");
    project.git(&["reset", "-q", "--hard"]);

    // Pushing the clean branch to a remote whose URL is hostile works.
    let output = git(&project, &["push", "-q", "origin", &branch]);
    assert_code(&output, 0, "push a hostile-named clean hotfix branch");
    assert!(ls_remote(&project, &remote).contains(&format!("{fixed}\trefs/heads/{branch}")));

    // A hostile-named branch that breaks a rule is refused like any other.
    project.git(&["checkout", "-q", "release/v1.2"]);
    let slug2 = "ci-$(touch${IFS}pwned)-`touch${IFS}pwned`";
    hotfix_branch(&project, slug2);
    commit_ok(&project, "docs: `touch pwned` $(touch pwned)", &[(".github/workflows/ci.yml", "name: ci\n")]);
    assert_push_refused(&project, &remote, &["push", "origin", &format!("hotfix/{slug2}")], "[paths]");
    assert_no_pwned(&project);
}

#[test]
fn dry_runs_of_start_and_hooks_change_nothing() {
    let project = released("");
    let refs = git_ok(&project, &["show-ref"]);
    let hooks_dir = project.root().join(".git/hooks");
    let hooks_before: Vec<_> = std::fs::read_dir(&hooks_dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    let start = project.cargo_patch().args(["start", "dry", "--dry-run"]).output().unwrap();
    assert_eq!(start.status.code(), Some(0), "{}", String::from_utf8_lossy(&start.stderr));
    assert!(String::from_utf8_lossy(&start.stderr).contains("Would switch to new branch `hotfix/dry`"));
    let install = project.cargo_patch().args(["hooks", "install", "--dry-run"]).output().unwrap();
    assert_eq!(install.status.code(), Some(0), "{}", String::from_utf8_lossy(&install.stderr));
    assert_eq!(git_ok(&project, &["show-ref"]), refs, "start --dry-run created a ref");
    assert_eq!(head_ref(&project), "refs/heads/main");
    assert!(
        project
            .command("git")
            .args(["config", "--get", "branch.hotfix/dry.patchBase"])
            .output()
            .unwrap()
            .stdout
            .is_empty()
    );
    let hooks_after: Vec<_> = std::fs::read_dir(&hooks_dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(hooks_after, hooks_before, "hooks install --dry-run wrote a file");
    assert_eq!(hook_status(&project, "commit-msg"), "not installed");
}

#[test]
fn hooks_install_defers_to_a_hook_manager_unless_forced() {
    // husky owns core.hooksPath.
    let project = released("");
    git_ok(&project, &["config", "core.hooksPath", ".husky/_"]);
    let refused = project.cargo_patch().args(["hooks", "install"]).output().unwrap();
    assert_code(&refused, 1, "hooks install under husky");
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("managed by husky") && stderr.contains(".husky/commit-msg"), "{stderr}");
    assert!(!project.root().join(".husky/_/commit-msg").exists());
    let forced = project.cargo_patch().args(["hooks", "install", "--force"]).output().unwrap();
    assert_code(&forced, 0, "hooks install --force under husky");
    assert!(project.root().join(".husky/_/commit-msg").is_file());

    // pre-commit's own scripts in .git/hooks.
    let project = released("");
    let generated = "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\nexit 0\n";
    let hook = project.root().join(".git/hooks/commit-msg");
    project.write(".git/hooks/commit-msg", generated);
    let refused = project.cargo_patch().args(["hooks", "install"]).output().unwrap();
    assert_code(&refused, 1, "hooks install over pre-commit");
    assert!(text(&refused.stderr).contains(".pre-commit-config.yaml"), "{}", describe(&refused));
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), generated, "the manager's hook was touched");
}

// ---------------------------------------------------------------------------------------------
// Issue 14: the policy sees every changed file and judges content, not names.

#[test]
fn check_rule_paths_sees_mode_changes_empty_files_and_any_file_name() {
    let project = Project::new();
    write_workspace(
        &project,
        "1.2.3",
        "\n[workspace.metadata.patch-release.hotfix]\nforbid-paths = [\".github/**\", \"brand and assets/**\"]\n",
    );
    project.write(".github/ci.sh", "echo ci\n");
    project.generate_lockfile();
    project.commit_all();
    project.git(&["tag", "-a", "v1.2.3", "-m", "Release v1.2.3"]);
    hotfix_branch(&project, "files");
    clean_fix(&project);
    std::fs::set_permissions(project.root().join(".github/ci.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    project.write(".github/CODEOWNERS", "");
    std::fs::create_dir_all(project.root().join("brand and assets")).unwrap();
    std::fs::write(project.root().join("brand and assets/logo and icon.png"), b"\x89PNG\0\x01\x02").unwrap();
    git_ok(&project, &["add", "-A"]);
    git_ok(&project, &["commit", "-q", "--no-verify", "-m", "docs: touch the forbidden files"]);
    let output = patch(&project, &["check"]);
    assert_only_rule(&output, "paths");
    let stderr = text(&output.stderr);
    for path in [".github/ci.sh", ".github/CODEOWNERS", "brand and assets/logo and icon.png"] {
        assert!(stderr.contains(&format!("`{path}` matches")), "{path} is not reported; {}", describe(&output));
    }
}

#[test]
fn check_passes_whitespace_changed_inside_a_string_literal() {
    let project = released("");
    hotfix_branch(&project, "greeting");
    let fixed = APP_LIB.replace("\"hello {name}\"", "\"hello  {name}\"");
    assert_ne!(fixed, APP_LIB);
    commit_ok(
        &project,
        "fix: the greeting's spacing",
        &[
            ("app/src/lib.rs", &fixed),
            ("app/tests/greets.rs", "#[test]\nfn greets() {\n    assert_eq!(app::greet(\"x\"), \"hello  x\");\n}\n"),
        ],
    );
    assert_clean(&patch(&project, &["check"]));
}

#[test]
fn check_passes_a_package_metadata_change() {
    let project = released("");
    hotfix_branch(&project, "docsrs");
    let manifest =
        format!("{ENGINE_MANIFEST}\n[package.metadata.docs.rs]\nfeatures = [\"std\"]\nall-features = false\n");
    commit_ok(
        &project,
        "fix: saturate add on overflow",
        &[
            ("engine/Cargo.toml", &manifest),
            ("engine/src/lib.rs", &fixed_lib()),
            ("engine/tests/regression.rs", REGRESSION_TEST),
        ],
    );
    assert_clean(&patch(&project, &["check"]));
}

/// A released workspace whose `app` requires `engine = "=1.2.3"`, so a release rewrites `app`'s
/// manifest too, on `hotfix/<slug>` with the clean fix committed.
fn released_with_a_pinned_requirement(slug: &str) -> Project {
    let project = Project::new();
    write_workspace(&project, "1.2.3", "");
    project.write(
        "app/Cargo.toml",
        &format!("{APP_MANIFEST}\n[dependencies]\nengine = {{ path = \"../engine\", version = \"=1.2.3\" }}\n"),
    );
    project.generate_lockfile();
    project.commit_all();
    project.git(&["tag", "-a", "v1.2.3", "-m", "Release v1.2.3"]);
    hotfix_branch(&project, slug);
    clean_fix(&project);
    project
}

/// Writes the release of 1.2.4 (root version, `app`'s requirement, lockfile, changelog) plus
/// `extra` files, and commits it as `message` without hooks.
fn commit_release(project: &Project, message: &str, extra: &[(&str, &str)]) {
    project.write("Cargo.toml", &project.read("Cargo.toml").replace("version = \"1.2.3\"", "version = \"1.2.4\""));
    project.write("app/Cargo.toml", &project.read("app/Cargo.toml").replace("=1.2.3", "=1.2.4"));
    project.write("CHANGELOG.md", "# Changelog\n\n## 1.2.4\n\n- saturate add on overflow\n");
    for (path, contents) in extra {
        project.write(path, contents);
    }
    project.generate_lockfile();
    git_ok(project, &["add", "-A"]);
    git_ok(project, &["commit", "-q", "--no-verify", "-m", message]);
}

#[test]
fn check_passes_a_release_commit_that_changes_only_versions() {
    let project = released_with_a_pinned_requirement("released");
    commit_release(&project, "chore(release): v1.2.4", &[]);
    assert_clean(&patch(&project, &["check"]));
}

#[test]
fn check_judges_a_release_commit_by_what_it_changes() {
    // Breaking: `chore(release)!` with a BREAKING CHANGE footer is no exemption.
    let project = released_with_a_pinned_requirement("breaking");
    commit_release(&project, "chore(release)!: v1.2.4\n\nBREAKING CHANGE: `add` saturates", &[]);
    let output = patch(&project, &["check"]);
    assert_code(&output, 1, "a breaking release commit");
    assert_stderr_has(&output, "is a breaking change", "a breaking release commit");
    assert_stderr_has(&output, "a package version changes outside the release commit", "its version bump");
    // Code riding along in a release commit makes it an ordinary `chore`.
    let project = released_with_a_pinned_requirement("sneaky");
    commit_release(&project, "chore(release): v1.2.4", &[("engine/src/extra.rs", "pub fn extra() {}\n")]);
    let output = patch(&project, &["check"]);
    assert_code(&output, 1, "a release commit with code in it");
    assert_stderr_has(&output, "type `chore` is not allowed on a hotfix branch", "a release commit with code in it");
}

/// Commits `files` as the workspace released at `v1.2.3` on `main`, then cuts `hotfix/<slug>`.
fn released_files(files: &[(&str, &str)], slug: &str) -> Project {
    let project = Project::new();
    for (path, contents) in files {
        project.write(path, contents);
    }
    project.generate_lockfile();
    project.commit_all();
    project.git(&["tag", "-a", "v1.2.3", "-m", "Release v1.2.3"]);
    hotfix_branch(&project, slug);
    project
}

#[test]
fn check_counts_a_test_package_under_the_crate_as_its_tests() {
    let project = released_files(
        &[
            ("Cargo.toml", &root_manifest("1.2.3", "").replace("\"engine\", \"app\"", "\"engine\", \"engine/tests\"")),
            ("engine/Cargo.toml", ENGINE_MANIFEST),
            ("engine/src/lib.rs", ENGINE_LIB),
            (
                "engine/tests/Cargo.toml",
                "[package]\nname = \"engine-tests\"\nversion.workspace = true\nedition.workspace = true\npublish = false\n\n[dependencies]\nengine = { path = \"..\" }\n",
            ),
            ("engine/tests/src/lib.rs", ""),
            ("engine/tests/tests/basic.rs", ENGINE_TEST),
        ],
        "split-tests",
    );
    commit_ok(
        &project,
        "fix: saturate add on overflow",
        &[("engine/src/lib.rs", &fixed_lib()), ("engine/tests/tests/regression.rs", REGRESSION_TEST)],
    );
    assert_clean(&patch(&project, &["check"]));
}

#[test]
fn check_counts_a_test_in_the_workspaces_own_test_package_and_not_that_package() {
    // gfx-rs/wgpu's shape: the regression tests of every crate live in an unpublished `tests/`
    // package of the workspace (`tests/tests/regression/issue_NNNN.rs`).
    let files = |harness: &str| {
        vec![
            ("Cargo.toml".to_owned(), root_manifest("1.2.3", "").replace("\"engine\", \"app\"", "\"engine\", \"tests\"")),
            ("engine/Cargo.toml".to_owned(), ENGINE_MANIFEST.to_owned()),
            ("engine/src/lib.rs".to_owned(), ENGINE_LIB.to_owned()),
            (
                "tests/Cargo.toml".to_owned(),
                "[package]\nname = \"engine-test\"\nversion.workspace = true\nedition.workspace = true\npublish = false\n\n[dependencies]\nengine = { path = \"../engine\" }\n".to_owned(),
            ),
            ("tests/src/lib.rs".to_owned(), harness.to_owned()),
            ("tests/tests/basic.rs".to_owned(), ENGINE_TEST.to_owned()),
        ]
    };
    let released = |slug| {
        let files = files("");
        released_files(&files.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect::<Vec<_>>(), slug)
    };
    let project = released("suite");
    commit_ok(
        &project,
        "fix: saturate add on overflow",
        &[("engine/src/lib.rs", &fixed_lib()), ("tests/tests/regression/issue_1.rs", REGRESSION_TEST)],
    );
    assert_clean(&patch(&project, &["check"]));
    // The suite's harness is not a test: the fix still asks for one (and the package, which no
    // release moves, is no second crate).
    let project = released("harness");
    commit_ok(
        &project,
        "fix: saturate add on overflow",
        &[("engine/src/lib.rs", &fixed_lib()), ("tests/src/lib.rs", "pub fn max() -> u32 { u32::MAX }\n")],
    );
    let output = patch(&project, &["check"]);
    assert_only_rule(&output, "regression-test");
    assert_stderr_has(&output, "the fix in `engine` adds or changes no test", "the crate fixed");
}

#[test]
fn check_asks_no_test_of_a_root_crate_for_docs_ci_and_config() {
    let project = released_files(
        &[
            ("Cargo.toml", "[package]\nname = \"solo\"\nversion = \"1.2.3\"\nedition = \"2021\"\n"),
            ("src/lib.rs", ENGINE_LIB),
            ("README.md", "# solo\n"),
            ("ci/check.sh", "cargo test\n"),
            ("rustfmt.toml", "edition = \"2021\"\n"),
        ],
        "docs",
    );
    commit_ok(
        &project,
        "fix: the readme's install line, the CI script and the formatter's width",
        &[
            ("README.md", "# solo\n\n`cargo add solo`\n"),
            ("ci/check.sh", "cargo test --locked\n"),
            ("rustfmt.toml", "edition = \"2021\"\nmax_width = 100\n"),
        ],
    );
    assert_clean(&patch(&project, &["check"]));
    // A fix of the crate's own code still needs its test.
    commit_ok(&project, "fix: saturate add on overflow", &[("src/lib.rs", &fixed_lib())]);
    assert_only_rule(&patch(&project, &["check"]), "regression-test");
}

#[test]
fn check_expands_member_globs_under_a_root_whose_path_has_glob_characters() {
    // `[1]` in the workspace's own directory is part of its name, not a character class.
    let root = "ws[1]";
    let project = Project::new();
    project
        .write(
            &format!("{root}/Cargo.toml"),
            &root_manifest("1.2.3", "").replace("\"engine\", \"app\"", "\"crates/*\""),
        )
        .write(&format!("{root}/crates/engine/Cargo.toml"), ENGINE_MANIFEST)
        .write(&format!("{root}/crates/engine/src/lib.rs"), ENGINE_LIB)
        .write(&format!("{root}/crates/app/Cargo.toml"), RELEASED_APP_MANIFEST)
        .write(&format!("{root}/crates/app/src/lib.rs"), APP_LIB);
    project.commit_all();
    project.git(&["tag", "-a", "v1.2.3", "-m", "Release v1.2.3"]);
    hotfix_branch(&project, "two-crates");
    commit_ok(
        &project,
        "fix: saturate add and punctuate greetings",
        &[
            (&format!("{root}/crates/engine/src/lib.rs"), &fixed_lib()),
            (&format!("{root}/crates/engine/tests/regression.rs"), REGRESSION_TEST),
            (&format!("{root}/crates/app/src/lib.rs"), &APP_LIB.replace("hello {name}", "hello, {name}")),
            (
                &format!("{root}/crates/app/tests/regression.rs"),
                "#[test]\nfn greets() {\n    assert_eq!(app::greet(\"x\"), \"hello, x\");\n}\n",
            ),
        ],
    );
    let output = patch_in(&project, &project.root().join(root), &["check"]);
    assert_only_rule(&output, "crate-scope");
    assert_stderr_has(&output, "2 crates (app, engine)", "the members found under the root");
}

#[test]
fn a_breaking_change_before_sign_offs_or_in_crlf_is_refused_on_a_hotfix_branch() {
    // Issue 14, observation 1: `BREAKING CHANGE` need not be the last paragraph (a forge's
    // squash merge adds sign-offs after it), and a message from a forge may have CRLF endings.
    let project = released("");
    hotfix_branch(&project, "breaking");
    let messages = [
        "fix: rename clamp\n\nBREAKING CHANGE: clamp is gone\n\nCo-authored-by: B <b@example.com>\nSigned-off-by: A <a@example.com>\n",
        "fix: rename clamp\r\n\r\nWhy it changed.\r\n\r\nBREAKING CHANGE: clamp is gone\r\n",
    ];
    let mut test_file = REGRESSION_TEST.to_owned();
    for (i, message) in messages.iter().enumerate() {
        // Landed as a forge lands them: byte for byte, no hook.
        test_file.push_str(&format!("\n#[test]\nfn case_{i}() {{}}\n"));
        project.write("engine/tests/regression.rs", &test_file);
        git_ok(&project, &["add", "-A"]);
        let file = project.home().join(format!("message-{i}.txt"));
        std::fs::write(&file, message).unwrap();
        git_ok(&project, &["commit", "-q", "--no-verify", "--cleanup=verbatim", "-F", file.to_str().unwrap()]);
    }
    let output = patch(&project, &["check"]);
    assert_only_rule(&output, "commit-type");
    let judged = text(&output.stderr).matches("is a breaking change").count();
    assert_eq!(judged, 2, "both commits are breaking; {}", describe(&output));

    // The commit-msg hook, fired by `git commit`, refuses the same messages.
    install(&project);
    let before = head(&project);
    for (i, message) in messages.iter().enumerate() {
        let file = project.home().join(format!("message-{i}.txt"));
        std::fs::write(&file, message).unwrap();
        test_file.push_str(&format!("\n#[test]\nfn hooked_{i}() {{}}\n"));
        let output = commit_with_file(&project, &file, &[("engine/tests/regression.rs".into(), test_file.clone())]);
        assert_refused(&output, &project, &before, "a breaking change cannot go on hotfix branch", "a breaking change");
    }
}

#[test]
fn check_refuses_a_release_commit_that_bumps_past_a_patch() {
    // Issue 14, observation 2: a release commit on a hotfix branch may only make a patch release;
    // `1.2.3 -> 1.3.0` is no patch, whatever its header says.
    let project = released_with_a_pinned_requirement("minor");
    project.write("Cargo.toml", &project.read("Cargo.toml").replace("version = \"1.2.3\"", "version = \"1.3.0\""));
    project.write("app/Cargo.toml", &project.read("app/Cargo.toml").replace("=1.2.3", "=1.3.0"));
    project.write("CHANGELOG.md", "# Changelog\n\n## 1.3.0\n\n- saturate add on overflow\n");
    project.generate_lockfile();
    git_ok(&project, &["add", "-A"]);
    git_ok(&project, &["commit", "-q", "--no-verify", "-m", "chore(release): v1.3.0"]);
    let output = patch(&project, &["check"]);
    assert_only_rule(&output, "manifest");
    assert_stderr_has(&output, "moves the version from 1.2.3 to 1.3.0, which is no patch release", "the bump");
    assert_stderr_has(&output, "the next patch, 1.2.4", "the version to set");
}
