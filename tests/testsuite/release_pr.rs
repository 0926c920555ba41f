//! `release --pr` and `release --finish` against a bare remote whose pre-receive hook refuses
//! every push to `main` and `release/*`, as a protected branch does: the release commit goes up
//! on `release-pr/<tag>`, a forge merges it (plain git, updating the remote's branch on the
//! server side, where no receive hook runs), and `--finish` in a fresh CI clone tags exactly the
//! merged release commit, pushes the tags and publishes to a real registry.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::release::Release;
use crate::support::registry::Registry;
use crate::support::{assert_code, describe, text};

const PROTECT: &str = "#!/bin/sh\nwhile read -r old new ref; do\n  case \"$ref\" in\n    refs/heads/main|refs/heads/release/*)\n      echo \"protected branch $ref: open a pull request\" >&2\n      exit 1 ;;\n  esac\ndone\n";

/// Makes the remote refuse pushes to `main` and `release/*`.
fn protect(r: &Release) {
    let hook = r.remote.join("hooks/pre-receive");
    std::fs::write(&hook, PROTECT).unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
}

/// Runs git in `dir` with the project's hermetic environment.
fn git_in(r: &Release, dir: &Path, args: &[&str]) -> String {
    let output = r.project.command("git").current_dir(dir).args(args).output().unwrap();
    assert!(output.status.success(), "git {args:?} failed: {}", text(&output.stderr));
    text(&output.stdout)
}

/// Merges `head` into `base` as a forge does: in the forge's own clone, then the remote's branch
/// is set on the server side (no receive hook runs there). `no_ff` makes a merge commit, else a
/// fast-forward (GitHub's "rebase and merge" of an up-to-date branch gives the same tree).
fn forge_merge(r: &Release, head: &str, base: &str, no_ff: bool) {
    let forge = r.project.home().join("forge");
    let remote = r.remote.to_str().unwrap();
    git_in(r, r.project.home(), &["clone", "-q", remote, forge.to_str().unwrap()]);
    git_in(r, &forge, &["switch", "-q", base]);
    let theirs = format!("origin/{head}");
    if no_ff {
        git_in(r, &forge, &["merge", "-q", "--no-ff", "-m", &format!("Merge pull request #1 from {head}"), &theirs]);
    } else {
        git_in(r, &forge, &["merge", "-q", "--ff-only", &theirs]);
    }
    git_in(r, &r.remote, &["fetch", "-q", forge.to_str().unwrap(), &format!("{base}:{base}")]);
}

/// Returns a fresh clone of the remote on `branch`, as CI checks it out after the merge.
fn ci_clone(r: &Release, branch: &str) -> PathBuf {
    let ci = r.project.home().join("ci");
    git_in(r, r.project.home(), &["clone", "-q", "-b", branch, r.remote.to_str().unwrap(), ci.to_str().unwrap()]);
    ci
}

/// Runs `cargo-patch ARGS` in `dir`.
fn run_in(r: &Release, dir: &Path, args: &[&str]) -> Output {
    let mut command = r.project.command(crate::support::bin());
    command.current_dir(dir).args(args).env("PATH", crate::support::path_with_bin());
    command.envs(r.env.iter().map(|(key, value)| (key, value)));
    command.output().unwrap()
}

#[test]
fn a_release_from_a_protected_main_goes_through_a_pull_request() {
    let r = Release::new();
    r.project.git(&["switch", "-q", "main"]);
    r.project.write("b/src/lib.rs", "/// Twice.\npub fn twice(x: i32) -> i32 {\n    a::add(x, x)\n}\n\n/// Thrice.\npub fn thrice(x: i32) -> i32 {\n    3 * x\n}\n");
    r.project.git(&["commit", "-q", "-am", "feat(b): thrice"]);
    r.project.git(&["push", "-q", "origin", "main"]);
    protect(&r);
    let main_before = r.project.git(&["rev-parse", "main"]);

    // The protection is real: a plain release, which pushes `main`, is refused by the remote and
    // undone.
    let output = r.run(&["release", "--yes", "--no-publish"], &[]);
    assert_code(&output, 1, "a direct release to a protected main");
    assert!(text(&output.stderr).contains("protected branch refs/heads/main"), "{}", describe(&output));
    assert!(text(&output.stderr).contains("the release was undone"), "{}", describe(&output));
    assert_eq!(r.project.git(&["rev-parse", "main"]), main_before);

    // The dry run shows the commit on the pull request's branch and its push, and changes nothing.
    let before = r.state();
    let output = r.ok(&["release", "--pr", "--dry-run"]);
    let err = text(&output.stderr);
    assert!(err.contains("commit \"chore(release): v1.1.0\" on `release-pr/v1.1.0`"), "{}", describe(&output));
    assert!(err.contains("git push --atomic origin refs/heads/release-pr/v1.1.0\n"), "{}", describe(&output));
    assert!(!err.contains("tag `v1.1.0`") && !err.contains("cargo publish"), "{}", describe(&output));
    assert_eq!(r.state(), before);

    let output = r.ok(&["release", "--pr", "--yes"]);
    let err = text(&output.stderr);
    assert!(err.contains("Pushed `release-pr/v1.1.0`"), "{}", describe(&output));
    assert!(err.contains("open a pull request from `release-pr/v1.1.0` into `main`"), "{}", describe(&output));
    // The user is back on `main`, which did not move; nothing is tagged; only the PR branch went up.
    assert_eq!(r.project.git(&["symbolic-ref", "--short", "HEAD"]).trim(), "main");
    assert_eq!(r.project.git(&["rev-parse", "main"]), main_before);
    assert_eq!(r.project.git(&["status", "--porcelain"]), "");
    assert_eq!(r.project.git(&["tag", "-l", "v1.1.0"]), "");
    let remote = r.remote_refs();
    assert!(remote.contains(&format!("{}\trefs/heads/main", main_before.trim())), "{remote}");
    assert!(!remote.contains("refs/tags/v1.1.0"), "{remote}");
    let release_commit = r.project.git(&["rev-parse", "release-pr/v1.1.0"]);
    assert!(remote.contains(&format!("{}\trefs/heads/release-pr/v1.1.0", release_commit.trim())), "{remote}");
    assert_eq!(r.project.git(&["log", "-1", "--format=%s", "release-pr/v1.1.0"]).trim(), "chore(release): v1.1.0");
    assert_eq!(r.project.git(&["rev-parse", "release-pr/v1.1.0~1"]), main_before);
    // Not a release yet: no record, no journal.
    assert!(!r.project.root().join(".git/cargo-patch/releases/v1.1.0.json").exists());
    assert!(!r.journal().exists());
    // A second `--pr` for the same release is refused: the pull request is open.
    let output = r.run(&["release", "--pr", "--yes"], &[]);
    assert_code(&output, 1, "a second --pr");
    assert!(text(&output.stderr).contains("branch `release-pr/v1.1.0` already exists"), "{}", describe(&output));

    // Before the merge there is nothing to finish.
    let output = r.run(&["release", "--finish", "--yes", "--no-publish"], &[]);
    assert_code(&output, 1, "--finish before the merge");
    assert!(text(&output.stderr).contains("is not a release commit"), "{}", describe(&output));

    forge_merge(&r, "release-pr/v1.1.0", "main", true);
    let ci = ci_clone(&r, "main");
    let merge = git_in(&r, &ci, &["rev-parse", "HEAD"]);
    let output = run_in(&r, &ci, &["release", "--finish", "--yes", "--no-publish"]);
    assert_code(&output, 0, "--finish on the merge commit");
    assert!(text(&output.stderr).contains("Released `v1.1.0`"), "{}", describe(&output));
    // The tag is on the release commit itself, not on the forge's merge; main is untouched.
    assert_eq!(git_in(&r, &ci, &["rev-parse", "v1.1.0^{commit}"]), release_commit);
    let remote = r.remote_refs();
    assert!(remote.contains(&format!("{}\trefs/heads/main", merge.trim())), "{remote}");
    assert!(remote.contains("refs/tags/v1.1.0"), "{remote}");
    let message = git_in(&r, &ci, &["tag", "-l", "--format=%(contents)", "v1.1.0"]);
    assert!(message.starts_with("## v1.1.0 (") && message.contains("**b:** thrice"), "{message}");
    assert!(ci.join(".git/cargo-patch/releases/v1.1.0.json").exists());
    // Run again, it finds nothing left to do.
    let output = run_in(&r, &ci, &["release", "--finish", "--yes", "--no-publish"]);
    assert_code(&output, 1, "a second --finish");
    assert!(text(&output.stderr).contains("every tag it would make exists"), "{}", describe(&output));
}

#[test]
fn a_hotfix_on_a_protected_release_line_goes_through_a_pull_request_and_publishes() {
    let dir = tempfile::Builder::new().prefix("cargo-patch-registry-").tempdir().unwrap();
    let registry = Registry::start(dir.path());
    let config = format!("[registries.ktra]\nindex = \"{}\"\n", registry.index_url());
    let mut r = Release::with_files(crate::release::QUICK, ", registry = \"ktra\"", &[(".cargo/config.toml", config)]);
    r.env = registry.cargo_env();
    protect(&r);
    let hotfix = r.project.git(&["rev-parse", "HEAD"]);

    // The pull request needs its base on the remote.
    let output = r.run(&["release", "--pr", "--yes"], &[]);
    assert_code(&output, 1, "no release branch on the remote");
    assert!(text(&output.stderr).contains("`origin` has no branch `release/v1.0`"), "{}", describe(&output));
    assert!(text(&output.stderr).contains("git push origin release/v1.0"), "{}", describe(&output));
    // Cutting the release line is creating it, which the hook allows only by hand here.
    let hook = r.remote.join("hooks/pre-receive");
    std::fs::remove_file(&hook).unwrap();
    r.project.git(&["push", "-q", "origin", "v1.0.0^{commit}:refs/heads/release/v1.0"]);
    protect(&r);

    let output = r.ok(&["release", "--pr", "--yes"]);
    assert!(text(&output.stderr).contains("into `release/v1.0`"), "{}", describe(&output));
    assert_eq!(r.project.git(&["symbolic-ref", "--short", "HEAD"]).trim(), "hotfix/add-bug");
    assert_eq!(r.project.git(&["rev-parse", "HEAD"]), hotfix);
    assert_eq!(r.project.git(&["rev-parse", "release-pr/v1.0.1~1"]), hotfix);
    let release_commit = r.project.git(&["rev-parse", "release-pr/v1.0.1"]);
    assert!(r.remote_refs().contains("refs/heads/release-pr/v1.0.1"));
    assert!(registry.versions("a").is_empty(), "nothing is published before the merge");

    forge_merge(&r, "release-pr/v1.0.1", "release/v1.0", false);
    let ci = ci_clone(&r, "release/v1.0");
    let output = run_in(&r, &ci, &["release", "--finish", "--yes", "--registry", "ktra"]);
    assert_code(&output, 0, "--finish on the release line");
    assert_eq!(git_in(&r, &ci, &["rev-parse", "v1.0.1^{commit}"]), release_commit);
    let message = git_in(&r, &ci, &["tag", "-l", "--format=%(contents)", "v1.0.1"]);
    assert!(message.contains("**[CRITICAL]** **a:** add adds"), "{message}");
    let remote = r.remote_refs();
    assert!(remote.contains(&format!("{}\trefs/heads/release/v1.0", release_commit.trim())), "{remote}");
    assert!(remote.contains("refs/tags/v1.0.1"), "{remote}");
    assert_eq!(registry.versions("a"), [("1.0.1".to_owned(), false)]);
    assert_eq!(registry.versions("b"), [("1.0.1".to_owned(), false)]);
}

#[test]
fn the_hooks_run_in_their_halves_pre_release_commit_in_the_pr_and_post_release_at_finish() {
    let config = format!(
        "{}pre-release-commit = [\"echo \\\"$NEW_VERSION\\\" > VERSION.txt\"]\n\
         post-release = [\"echo \\\"$NEW_VERSION from $PREV_VERSION\\\" >> ../post.log\"]\n",
        crate::release::QUICK
    );
    let r = Release::with(&config, "");
    r.project.git(&["switch", "-q", "main"]);
    r.project.write("b/src/lib.rs", "/// Twice.\npub fn twice(x: i32) -> i32 {\n    a::add(x, x)\n}\n\n/// Thrice.\npub fn thrice(x: i32) -> i32 {\n    3 * x\n}\n");
    r.project.git(&["commit", "-q", "-am", "feat(b): thrice"]);
    r.project.git(&["push", "-q", "origin", "main"]);
    protect(&r);

    r.ok(&["release", "--pr", "--yes"]);
    // The hook's change is in the pull request's commit; nothing is released yet.
    assert_eq!(r.project.git(&["show", "release-pr/v1.1.0:VERSION.txt"]), "1.1.0\n");
    let log = r.project.home().join("post.log");
    assert!(!log.exists(), "post-release waits for --finish");

    forge_merge(&r, "release-pr/v1.1.0", "main", true);
    let ci = ci_clone(&r, "main");
    let output = run_in(&r, &ci, &["release", "--finish", "--yes", "--no-publish"]);
    assert_code(&output, 0, "--finish");
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "1.1.0 from 1.0.0\n", "{}", describe(&output));
}
