//! Post-release verification against the suite's real registry (ktra): after the publish, the
//! index must serve each version and a stranger's project depending on `=X.Y.Z` must build. A
//! crate that builds only inside its workspace (it reads an `[env]` variable of the workspace's
//! `.cargo/config.toml`) publishes fine, and then fails, with the rollback hint.
#![cfg(unix)]

use crate::release::{QUICK, Release};
use crate::support::registry::Registry;
use crate::support::{assert_code, describe, text};
use tempfile::TempDir;

/// `b` reads `B_GREETING`, which only the workspace's `.cargo/config.toml` sets when `broken`.
fn with_registry(broken: bool) -> (Release, Registry, TempDir) {
    let dir = tempfile::Builder::new().prefix("cargo-patch-registry-").tempdir().unwrap();
    let registry = Registry::start(dir.path());
    let mut config = format!("[registries.ktra]\nindex = \"{}\"\n", registry.index_url());
    let mut b = "/// Twice.\npub fn twice(x: i32) -> i32 {\n    a::add(x, x)\n}\n".to_owned();
    if broken {
        config.push_str("\n[env]\nB_GREETING = \"hello\"\n");
        b.push_str("\n/// Set by the workspace's cargo configuration, and nowhere else.\npub const GREETING: &str = env!(\"B_GREETING\");\n");
    }
    let files = [(".cargo/config.toml", config), ("b/src/lib.rs", b)];
    let mut r = Release::with_files(&format!("{QUICK}verify-published-timeout = 4\n"), ", registry = \"ktra\"", &files);
    r.env = registry.cargo_env();
    (r, registry, dir)
}

#[test]
fn a_release_checks_that_its_published_crates_build_for_a_dependent() {
    let (r, registry, _dir) = with_registry(false);
    let output = r.ok(&["release", "--yes", "--registry", "ktra"]);
    let err = text(&output.stderr);
    let (published, verified) =
        (err.find("Published `b`").unwrap(), err.find("Verified that the published crates").unwrap());
    assert!(published < verified, "{}", describe(&output));
    assert_eq!(registry.versions("b"), [("1.0.1".to_owned(), false)]);

    let output = r.ok(&["verify-published", "1.0.1"]);
    assert!(
        text(&output.stderr).contains("Verified a project depending on `a` 1.0.1, `b` 1.0.1 builds"),
        "{}",
        describe(&output)
    );
}

#[test]
fn a_crate_that_builds_only_inside_its_workspace_fails_with_the_rollback_hint() {
    let (r, registry, _dir) = with_registry(true);
    let output = r.run(&["release", "--yes", "--registry", "ktra"], &[]);
    assert_code(&output, 1, "broken for a dependent");
    let err = text(&output.stderr);
    assert!(
        err.contains(
            "`v1.0.1` is released, but a project depending on `a = \"=1.0.1\"`, `b = \"=1.0.1\"` does not build"
        ),
        "{}",
        describe(&output)
    );
    assert!(err.contains("B_GREETING"), "cargo's own error is shown: {err}");
    assert!(err.contains("help: if the release is broken, take it back with `cargo patch rollback v1.0.1`"), "{err}");
    // It is out, and the release is finished: the record says how the check went.
    assert_eq!(registry.versions("b"), [("1.0.1".to_owned(), false)]);
    assert!(!r.journal().exists());
    let record = std::fs::read_to_string(r.project.root().join(".git/cargo-patch/releases/v1.0.1.json")).unwrap();
    assert!(record.contains("verify-published") && record.contains("does not build"), "{record}");

    // Checked again later: the same failure, the same way back.
    let output = r.run(&["verify-published", "1.0.1"], &[]);
    assert_code(&output, 1, "verify-published");
    let err = text(&output.stderr);
    assert!(
        err.contains("`v1.0.1` is published, but a project depending on") && err.contains("B_GREETING"),
        "{}",
        describe(&output)
    );
    assert!(err.contains("cargo patch rollback v1.0.1"), "{err}");

    // Taken back: the retrospective's timeline (a critical fix) says how the check went.
    r.ok(&["rollback", "v1.0.1", "--yes"]);
    assert_eq!(registry.versions("b"), [("1.0.1".to_owned(), true)]);
    let retro = r.project.read("docs/retrospectives/v1.0.1.md");
    assert!(retro.contains("checked the published crates: failed: a project depending on"), "{retro}");

    // Yanked, the versions no longer resolve: the check waits (bounded, saying so), then fails.
    let output = r.run(&["verify-published", "1.0.1"], &[]);
    assert_code(&output, 1, "yanked");
    let err = text(&output.stderr);
    assert!(err.contains("waiting for the registry's index to serve `a = \"=1.0.1\"`"), "{}", describe(&output));
    assert!(err.contains("the registry's index did not serve `a = \"=1.0.1\"`, `b = \"=1.0.1\"` within"), "{err}");
}
