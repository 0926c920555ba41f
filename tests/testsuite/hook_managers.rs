//! The hooks offered to the pre-commit framework (`.pre-commit-hooks.yaml` and
//! `hooks/pre-commit-pre-push`), run by the real `pre-commit` from a hook repository holding a copy
//! of those two files, fired by real `git commit` and real `git push` to a local bare remote.
//!
//! `pre-commit` is found on PATH (`scripts/test.sh` installs it); without it the tests fail. Its cache is a temp dir (`PRE_COMMIT_HOME`) and nothing goes to the network: the hook
//! repository is a local path.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::tools::PRE_COMMIT;
use crate::support::{Project, assert_code, bin, describe, path_with_bin, text};

const ROOT_MANIFEST: &str = "[workspace]\nmembers = [\"engine\"]\nresolver = \"2\"\n\n[workspace.package]\nversion = \"1.2.3\"\nedition = \"2021\"\n";
const ENGINE_MANIFEST: &str = "[package]\nname = \"engine\"\nversion.workspace = true\nedition.workspace = true\n";
const ENGINE_LIB: &str =
    "//! The engine.\n\n/// Adds two numbers.\npub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n";
const FIXED_LIB: &str =
    "//! The engine.\n\n/// Adds two numbers.\npub fn add(a: u32, b: u32) -> u32 {\n    a.saturating_add(b)\n}\n";
const REGRESSION_TEST: &str = "#[test]\nfn add_saturates() {\n    assert_eq!(engine::add(u32::MAX, 1), u32::MAX);\n}\n";

/// The real pre-commit.
struct PreCommit {
    program: PathBuf,
}

/// Finds `pre-commit` on PATH; fails the test when it is missing.
fn pre_commit() -> PreCommit {
    PreCommit { program: PRE_COMMIT.path().to_owned() }
}

/// A workspace on `main` at 1.2.3, tagged `v1.2.3` (annotated), whose `.pre-commit-config.yaml`
/// (committed, as pre-commit wants) uses both hooks from a hook repository beside it.
fn fixture(pre_commit: &PreCommit) -> Project {
    let project = Project::new();
    let (repo, rev) = hook_repo(&project);
    let config = format!(
        "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: cargo-patch-commit-msg\n      - id: cargo-patch-pre-push\n",
        repo.display()
    );
    project
        .write("Cargo.toml", ROOT_MANIFEST)
        .write("engine/Cargo.toml", ENGINE_MANIFEST)
        .write("engine/src/lib.rs", ENGINE_LIB)
        .write(".pre-commit-config.yaml", &config);
    project.generate_lockfile();
    project.commit_all();
    project.git(&["tag", "-a", "v1.2.3", "-m", "Release v1.2.3"]);
    let install = run(
        &project,
        pre_commit,
        &pre_commit.program,
        &["install", "--hook-type", "commit-msg", "--hook-type", "pre-push"],
    );
    assert_code(&install, 0, "pre-commit install");
    project
}

/// A git repository `home/hook-repo` holding this crate's `.pre-commit-hooks.yaml` and
/// `hooks/pre-commit-pre-push` (mode kept); returns its path and HEAD.
fn hook_repo(project: &Project) -> (PathBuf, String) {
    let repo = project.home().join("hook-repo");
    let source = Path::new(env!("CARGO_MANIFEST_DIR"));
    for rel in [".pre-commit-hooks.yaml", "hooks/pre-commit-pre-push"] {
        let target = repo.join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(source.join(rel), &target).unwrap_or_else(|e| panic!("copy {rel}: {e}"));
    }
    let git = |args: &[&str]| {
        let output = project.command("git").current_dir(&repo).args(args).output().unwrap();
        assert_code(&output, 0, &format!("git {args:?} in the hook repository"));
        text(&output.stdout).trim().to_owned()
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "feat: hooks"]);
    assert_eq!(git(&["ls-files", "-s", "hooks/pre-commit-pre-push"]).split(' ').next(), Some("100755"));
    let rev = git(&["rev-parse", "HEAD"]);
    (repo, rev)
}

/// Returns `program` in the project root with the hermetic git environment, pre-commit's own
/// environment (its cache under the temp dir, no inherited `PRE_COMMIT*` or `SKIP`) and a PATH of
/// the binary's directory, pre-commit's directory and the inherited PATH.
fn cmd(project: &Project, pre_commit: &PreCommit, program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut command = project.command(program);
    for (key, _) in std::env::vars_os() {
        let name = key.to_string_lossy();
        if name.starts_with("PRE_COMMIT") || name == "SKIP" {
            command.env_remove(&key);
        }
    }
    let mut paths: Vec<PathBuf> = std::env::split_paths(&path_with_bin()).collect();
    if let Some(dir) = pre_commit.program.parent() {
        paths.insert(1, dir.to_owned());
    }
    command
        .env("PATH", std::env::join_paths(paths).unwrap())
        .env("PRE_COMMIT_HOME", project.home().join("pre-commit-cache"))
        .env("CARGO_HOME", project.home().join("cargo-home"))
        .env_remove("GIT_EDITOR");
    command
}

fn run(project: &Project, pre_commit: &PreCommit, program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Output {
    cmd(project, pre_commit, program).args(args).output().unwrap()
}

/// Runs `git ARGS` in the project root (hooks fire).
fn git(project: &Project, pre_commit: &PreCommit, args: &[&str]) -> Output {
    run(project, pre_commit, "git", args)
}

/// Writes `files`, stages them and runs `git commit -m MESSAGE` (hooks fire).
fn commit(project: &Project, pre_commit: &PreCommit, message: &str, files: &[(&str, &str)]) -> Output {
    for (rel, contents) in files {
        project.write(rel, contents);
        assert_code(&git(project, pre_commit, &["add", "--", rel]), 0, &format!("git add {rel}"));
    }
    git(project, pre_commit, &["commit", "-q", "-m", message])
}

fn head(project: &Project) -> String {
    project.git(&["rev-parse", "HEAD"]).trim().to_owned()
}

/// Asserts `output` failed and said `needle` (git puts a hook's output on stderr).
fn assert_failed_with(output: &Output, needle: &str, what: &str) {
    assert_ne!(output.status.code(), Some(0), "{what} was accepted; {}", describe(output));
    let said = format!("{}{}", text(&output.stdout), text(&output.stderr));
    assert!(said.contains(needle), "{what}: expected {needle:?}; {}", describe(output));
}

/// Asserts a commit was refused with `needle` and HEAD stayed at `before`.
fn assert_commit_refused(project: &Project, output: &Output, before: &str, needle: &str, what: &str) {
    assert_failed_with(output, needle, what);
    assert_eq!(head(project), before, "{what}: a commit was created");
}

/// Creates the bare repository `home/<name>` and returns its path.
fn bare(project: &Project, pre_commit: &PreCommit, name: &str) -> PathBuf {
    let remote = project.home().join(name);
    let output = run(project, pre_commit, "git", &["init", "-q", "--bare", remote.to_str().unwrap()]);
    assert_code(&output, 0, "git init --bare");
    remote
}

fn ls_remote(project: &Project, remote: &Path) -> String {
    project.git(&["ls-remote", remote.to_str().unwrap()])
}

/// Asserts `git ARGS` (a push) was refused with `needle` and left `remote` as it was.
fn assert_push_refused(project: &Project, pre_commit: &PreCommit, remote: &Path, args: &[&str], needle: &str) {
    let before = ls_remote(project, remote);
    assert_failed_with(&git(project, pre_commit, args), needle, &format!("git {args:?}"));
    assert_eq!(ls_remote(project, remote), before, "git {args:?} changed the remote");
}

/// `cargo-patch start SLUG` (from wherever HEAD is).
fn start(project: &Project, pre_commit: &PreCommit, slug: &str) {
    assert_code(&run(project, pre_commit, bin(), &["start", slug]), 0, &format!("start {slug}"));
}

#[test]
fn pre_commit_runs_our_commit_msg_hook_on_real_commits() {
    let pre_commit = pre_commit();
    let project = fixture(&pre_commit);
    let hook = std::fs::read_to_string(project.root().join(".git/hooks/commit-msg")).unwrap();
    assert!(hook.contains("pre-commit"), "pre-commit did not install commit-msg:\n{hook}");

    // On main: a conventional message passes, anything else is refused.
    let output = commit(&project, &pre_commit, "feat: x", &[("engine/src/extra.rs", "//! More.\n")]);
    assert_code(&output, 0, "git commit -m 'feat: x'");
    assert_eq!(project.git(&["log", "-1", "--format=%s"]).trim(), "feat: x");
    let before = head(&project);
    let output = commit(&project, &pre_commit, "not conventional", &[("engine/src/extra.rs", "//! Refused.\n")]);
    assert_commit_refused(&project, &output, &before, "error[conventional]", "a non-conventional message");
    assert_failed_with(&output, "cargo-patch-commit-msg", "the hook id is named");

    // On a hotfix branch: only patch-level types.
    project.git(&["reset", "-q", "--hard"]);
    start(&project, &pre_commit, "typed");
    let before = head(&project);
    let files = [("engine/src/lib.rs", FIXED_LIB), ("engine/tests/regression.rs", REGRESSION_TEST)];
    let output = commit(&project, &pre_commit, "feat: sneak a feature in", &files);
    assert_commit_refused(&project, &output, &before, "error[commit-type]", "feat on a hotfix branch");
    assert_code(&commit(&project, &pre_commit, "fix: saturate add", &files), 0, "a fix on a hotfix branch");
}

#[test]
fn pre_commit_runs_our_pre_push_hook_on_real_pushes() {
    let pre_commit = pre_commit();
    let project = fixture(&pre_commit);
    let hook = std::fs::read_to_string(project.root().join(".git/hooks/pre-push")).unwrap();
    assert!(hook.contains("pre-commit"), "pre-commit did not install pre-push:\n{hook}");
    let remote = bare(&project, &pre_commit, "remote.git");
    project.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    let output = git(&project, &pre_commit, &["push", "-q", "--no-verify", "origin", "main", "v1.2.3"]);
    assert_code(&output, 0, "push main and v1.2.3");

    // A clean fix goes through.
    start(&project, &pre_commit, "ok");
    let files = [("engine/src/lib.rs", FIXED_LIB), ("engine/tests/regression.rs", REGRESSION_TEST)];
    assert_code(&commit(&project, &pre_commit, "fix: saturate add", &files), 0, "commit the fix");
    let fixed = head(&project);
    assert_code(&git(&project, &pre_commit, &["push", "-q", "origin", "hotfix/ok"]), 0, "push a clean hotfix branch");
    assert!(ls_remote(&project, &remote).contains(&format!("{fixed}\trefs/heads/hotfix/ok")));

    // A fix over the line budget is refused, the remote untouched.
    start(&project, &pre_commit, "big");
    let table: String = (0..240).map(|i| format!("pub const T{i}: u32 = {i};\n")).collect();
    let files = [("engine/src/table.rs", table.as_str()), ("engine/tests/regression.rs", REGRESSION_TEST)];
    assert_code(&commit(&project, &pre_commit, "fix: add a lookup table", &files), 0, "commit the big fix");
    assert_push_refused(&project, &pre_commit, &remote, &["push", "origin", "hotfix/big"], "error[diff-budget]");
    assert_push_refused(
        &project,
        &pre_commit,
        &remote,
        &["push", "origin", "hotfix/big:refs/heads/hotfix/big"],
        "error[diff-budget]",
    );
    // A first push of the whole history (pre-commit sets no PRE_COMMIT_TO_REF then) is judged too.
    let empty = bare(&project, &pre_commit, "empty.git");
    assert_push_refused(
        &project,
        &pre_commit,
        &empty,
        &["push", empty.to_str().unwrap(), "hotfix/big"],
        "error[diff-budget]",
    );
    assert!(ls_remote(&project, &empty).is_empty());

    // A release tag on a new commit whose manifests say another version is refused.
    project.git(&["checkout", "-q", "main"]);
    project.write("engine/src/extra.rs", "//! More.\n");
    project.git(&["add", "-A"]);
    project.git(&["commit", "-q", "--no-verify", "-m", "feat: more"]);
    project.git(&["tag", "-a", "v9.9.9", "-m", "Release v9.9.9"]);
    assert_push_refused(&project, &pre_commit, &remote, &["push", "origin", "v9.9.9"], "error[release-tag]");
}
