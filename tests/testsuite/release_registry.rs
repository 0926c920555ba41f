//! `release` and `rollback` against a real cargo registry (ktra, on 127.0.0.1, with a bare git
//! index): publishing in dependency order, skipping a version the registry already has, the
//! registry going down mid-release (then `--resume`), and yanking on rollback.
#![cfg(unix)]

use crate::release::{QUICK, Release};
use crate::support::registry::Registry;
use crate::support::{assert_code, describe, text};
use tempfile::TempDir;

/// The hotfix workspace of `release`, whose `b` takes `a` from the test registry, which its
/// committed `.cargo/config.toml` names. The temp dir holds the registry's data.
fn with_registry() -> (Release, Registry, TempDir) {
    let dir = tempfile::Builder::new().prefix("cargo-patch-registry-").tempdir().unwrap();
    let registry = Registry::start(dir.path());
    let config = format!("[registries.ktra]\nindex = \"{}\"\n", registry.index_url());
    let mut r = Release::with_files(QUICK, ", registry = \"ktra\"", &[(".cargo/config.toml", config)]);
    r.env = registry.cargo_env();
    (r, registry, dir)
}

#[test]
fn publishes_in_dependency_order_and_rollback_yanks_both_crates() {
    let (r, registry, _dir) = with_registry();
    let output = r.ok(&["release", "--yes", "--registry", "ktra"]);
    let err = text(&output.stderr);
    // `b` needs `a` 1.0.1 in the registry, so a wrong order fails for real; the log shows it too.
    let (a, b) = (err.find("Published `a`").unwrap(), err.find("Published `b`").unwrap());
    assert!(a < b, "{}", describe(&output));
    assert_eq!(registry.versions("a"), [("1.0.1".to_owned(), false)]);
    assert_eq!(registry.versions("b"), [("1.0.1".to_owned(), false)]);
    assert!(r.remote_refs().contains("refs/tags/v1.0.1"));

    // The release is bad: yank both, and start the revert.
    let output = r.ok(&["rollback", "1.0.1", "--yes"]);
    assert!(text(&output.stderr).contains("Yanked `a` 1.0.1"), "{}", describe(&output));
    assert_eq!(registry.versions("a"), [("1.0.1".to_owned(), true)]);
    assert_eq!(registry.versions("b"), [("1.0.1".to_owned(), true)]);
    assert_eq!(r.project.git(&["symbolic-ref", "--short", "HEAD"]).trim(), "hotfix/rollback-v1.0.1");
    assert!(r.project.read("a/src/lib.rs").contains("x - y"), "the fix is reverted");

    // A false alarm after all.
    r.ok(&["rollback", "1.0.1", "--undo-yank", "--yes"]);
    assert_eq!(registry.versions("a"), [("1.0.1".to_owned(), false)]);
    assert_eq!(registry.versions("b"), [("1.0.1".to_owned(), false)]);
}

#[test]
fn the_registry_down_during_publish_is_finished_by_resume() {
    let (r, mut registry, _dir) = with_registry();
    registry.stop();
    let output = r.run(&["release", "--yes", "--registry", "ktra"], &[]);
    assert_code(&output, 1, "registry down");
    let err = text(&output.stderr);
    assert!(err.contains("could not publish `a`") && err.contains("left: publish `a`, publish `b`"), "{err}");
    assert!(err.contains("cargo patch release --resume"), "{err}");
    // Everything up to the push is done and kept.
    assert!(r.remote_refs().contains("refs/tags/v1.0.1"));
    assert!(r.journal().exists());

    // What the remote has cannot be taken back by an abort.
    let output = r.run(&["release", "--abort"], &[]);
    assert_code(&output, 1, "abort after the push");
    assert!(text(&output.stderr).contains("cannot be aborted: it has already done `push`"), "{}", describe(&output));
    assert!(r.journal().exists());

    registry.restart();
    let output = r.ok(&["release", "--resume"]);
    assert!(text(&output.stderr).contains("Published `b`"), "{}", describe(&output));
    assert_eq!(registry.versions("a"), [("1.0.1".to_owned(), false)]);
    assert_eq!(registry.versions("b"), [("1.0.1".to_owned(), false)]);
    assert!(!r.journal().exists());
}

#[test]
fn a_version_already_in_the_registry_is_skipped() {
    let (r, registry, _dir) = with_registry();
    // The release stops before its first publish...
    let output = r.run(&["release", "--yes", "--registry", "ktra"], &[("CARGO_PATCH_FAIL_STEP", "publish")]);
    assert_code(&output, 1, "stopped at publish");
    // ...someone publishes `a` 1.0.1 by hand meanwhile...
    let mut publish = r.project.command(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    publish.args(["publish", "-p", "a", "--registry", "ktra"]).envs(r.env.iter().map(|(k, v)| (k, v)));
    let output = publish.output().unwrap();
    assert_code(&output, 0, "publish a by hand");
    // ...and the resumed release skips it instead of failing.
    let output = r.ok(&["release", "--resume"]);
    let err = text(&output.stderr);
    assert!(err.contains("Published `a` (already in the registry; skipped)"), "{}", describe(&output));
    assert!(err.contains("Published `b`"), "{err}");
    assert_eq!(registry.versions("a"), [("1.0.1".to_owned(), false)]);
    assert_eq!(registry.versions("b"), [("1.0.1".to_owned(), false)]);
}

#[test]
fn a_failure_before_the_push_publishes_nothing() {
    for step in ["verify", "write-files", "commit", "move-branch", "tag", "push"] {
        let (r, registry, _dir) = with_registry();
        let before = r.state();
        let output = r.run(&["release", "--yes", "--registry", "ktra"], &[("CARGO_PATCH_FAIL_STEP", step)]);
        assert_code(&output, 1, step);
        assert!(registry.versions("a").is_empty() && registry.versions("b").is_empty(), "{step}: nothing published");
        if step != "push" {
            assert_eq!(r.state(), before, "{step}: files, refs, index and remote as they were");
        }
    }
}

#[test]
fn rollback_of_a_release_stopped_before_its_publish_yanks_from_its_registry() {
    let (r, mut registry, _dir) = with_registry();
    registry.stop();
    let output = r.run(&["release", "--yes", "--registry", "ktra"], &[]);
    assert_code(&output, 1, "registry down");
    registry.restart();
    // The release is pushed but unfinished: its journal, not a record, knows the registry.
    let output = r.ok(&["rollback", "1.0.1", "--dry-run"]);
    let plan = text(&output.stderr);
    assert!(
        plan.contains("yank `a` 1.0.1 in `ktra`") && plan.contains("yank `b` 1.0.1 in `ktra`"),
        "{}",
        describe(&output)
    );
}
