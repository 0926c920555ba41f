//! `pre-release-commit` and `post-release`: the user's commands as journal steps, with the
//! release in their environment; a pre-release-commit hook's changes join the release commit and
//! are undone with it; a post-release failure is finished by `--resume`.
#![cfg(unix)]

use crate::release::{QUICK, Release};
use crate::support::{assert_code, describe, text};

/// Writes the environment to `VERSION.txt` (a new file) and appends to `README.md` (a tracked one).
const PRE: &str =
    "echo \\\"$NEW_VERSION $PREV_VERSION $CRATE_NAME $TAG $DRY_RUN\\\" > VERSION.txt; echo released >> README.md";
/// Records, outside the repository, which tags the remote had when it ran.
const POST: &str = "git ls-remote --tags origin \\\"$TAG\\\" >> ../post.log";

fn with_hooks(pre: &str, post: &str) -> Release {
    let config = format!("{QUICK}pre-release-commit = [\"{pre}\"]\npost-release = [\"{post}\"]\n");
    Release::with_files(&config, "", &[("README.md", "# a\n".to_owned())])
}

#[test]
fn a_pre_release_commit_hooks_changes_join_the_commit_and_post_release_runs_after_the_push() {
    let r = with_hooks(PRE, POST);
    let before = r.state();
    let output = r.run(&["release", "--dry-run"], &[]);
    assert_code(&output, 0, "dry run");
    let err = text(&output.stderr);
    assert!(
        err.contains("run the pre-release-commit hook `echo")
            && err.contains("NEW_VERSION=1.0.1 PREV_VERSION=1.0.0 CRATE_NAME=a TAG=v1.0.1"),
        "{}",
        describe(&output)
    );
    assert!(err.contains("run the post-release hook `git ls-remote"), "{err}");
    assert_eq!(r.state(), before, "a dry run runs no hook");

    let output = r.ok(&["release", "--yes", "--no-publish"]);
    assert!(text(&output.stderr).contains("(its changes join the release commit)"), "{}", describe(&output));
    assert_eq!(r.project.git(&["show", "v1.0.1:VERSION.txt"]), "1.0.1 1.0.0 a v1.0.1 false\n");
    assert_eq!(r.project.git(&["show", "v1.0.1:README.md"]), "# a\nreleased\n");
    assert_eq!(r.project.git(&["status", "--porcelain"]), "", "nothing left out of the commit");
    // The post-release hook saw the tag on the remote: it ran after the push.
    let log = std::fs::read_to_string(r.project.home().join("post.log")).unwrap();
    assert!(log.contains("refs/tags/v1.0.1"), "{log}");
    let record = std::fs::read_to_string(r.project.root().join(".git/cargo-patch/releases/v1.0.1.json")).unwrap();
    assert!(record.contains("\"step\": \"post-release\"") || record.contains("\"step\":\"post-release\""), "{record}");
}

#[test]
fn a_failing_pre_release_commit_hook_or_a_later_local_failure_undoes_its_changes() {
    // The hook changes files, then fails: those changes go too.
    let r = with_hooks(&format!("{PRE}; exit 3"), "true");
    let before = r.state();
    let output = r.run(&["release", "--yes", "--no-publish"], &[]);
    assert_code(&output, 1, "failing hook");
    let err = text(&output.stderr);
    assert!(
        err.contains("could not run the pre-release-commit hook") && err.contains("failed"),
        "{}",
        describe(&output)
    );
    assert_eq!(r.state(), before, "the repository must be exactly as it was");

    // The hook succeeds, the commit fails: the undo takes the hook's changes back too.
    let output = r.run(&["release", "--yes", "--no-publish"], &[("CARGO_PATCH_FAIL_STEP", "commit")]);
    assert_code(&output, 1, "failing commit");
    assert!(text(&output.stderr).contains("the release was undone"), "{}", describe(&output));
    assert_eq!(r.state(), before, "after an injected commit failure");
}

#[test]
fn a_failing_post_release_hook_keeps_the_journal_and_resume_runs_it() {
    let r = with_hooks("true", "test -f ../ready && echo \\\"$TAG\\\" >> ../post.log");
    let output = r.run(&["release", "--yes", "--no-publish"], &[]);
    assert_code(&output, 1, "failing post-release");
    let err = text(&output.stderr);
    assert!(err.contains("could not run the post-release hook") && err.contains("--resume"), "{}", describe(&output));
    assert!(r.journal().exists());
    assert!(r.remote_refs().contains("refs/tags/v1.0.1"), "the release itself is out");

    std::fs::write(r.project.home().join("ready"), "").unwrap();
    r.ok(&["release", "--resume"]);
    assert_eq!(std::fs::read_to_string(r.project.home().join("post.log")).unwrap(), "v1.0.1\n");
    assert!(!r.journal().exists());
}
