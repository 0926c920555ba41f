//! The one integration test binary: every test drives the built `cargo-patch` against real
//! workspaces (and real git where it matters) in temp dirs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test that cannot read its own fixture should stop right there"
)]
#![allow(clippy::disallowed_methods, reason = "tests build fixtures directly and read the environment freely")]

mod bump;
mod bump_auto;
mod changelog;
mod changelog_examples;
mod cli;
mod commit_msg;
mod conventional;
mod demo;
mod github_ci;
mod history;
mod hook_managers;
mod hotfix;
mod init;
mod release;
mod release_edit;
mod release_history;
mod release_hooks;
mod release_notify;
mod release_pr;
mod release_registry;
mod release_replace;
mod release_units;
mod release_verify;
mod repository;
mod robustness;
mod roundtrip;
mod support;
mod tags;

/// Fails when a test file exists that no `mod` line above includes (jj's forgotten-file check).
#[test]
fn no_forgotten_test_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testsuite");
    let main = std::fs::read_to_string(dir.join("main.rs")).unwrap();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let is_module = path.extension().is_some_and(|e| e == "rs") || path.join("mod.rs").is_file();
        if is_module && name != "main" {
            assert!(main.contains(&format!("mod {name};")), "tests/testsuite/{name} is not listed in main.rs");
        }
    }
}
