//! One `#[test]` per fixture case, so each case can be run alone (`cargo test bump::cases::NAME`),
//! runs in parallel with the others, and is named when it fails.
//!
//! `fixture_tests!(run, "DIR", { test_name: "case-dir", ... })` declares, in a module `cases`, a
//! test per entry that calls `run(&DIR/case-dir)`, and a test that the list names every directory
//! under `DIR` (a new case without an entry fails it, so none is forgotten).

use std::path::{Path, PathBuf};

/// Returns `tests/testsuite/<rel>`.
pub(crate) fn fixture_dir(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testsuite").join(rel)
}

/// Asserts that `listed` names exactly the directories under `tests/testsuite/<rel>`.
pub(crate) fn assert_every_case_listed(rel: &str, listed: &[&str]) {
    let mut found: Vec<String> = std::fs::read_dir(fixture_dir(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.is_dir())
        .map(|path| path.file_name().expect("a name").to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut listed: Vec<String> = listed.iter().map(|name| (*name).to_owned()).collect();
    listed.sort();
    assert_eq!(found, listed, "the cases under tests/testsuite/{rel} and the fixture_tests! list differ");
}

/// Declares one test per fixture case; see the module docs.
macro_rules! fixture_tests {
    ($run:path, $dir:literal, { $($name:ident : $case:literal),+ $(,)? }) => {
        mod cases {
            $(
                #[test]
                fn $name() {
                    $run(&crate::support::cases::fixture_dir($dir).join($case));
                }
            )+

            #[test]
            fn every_case_is_listed() {
                crate::support::cases::assert_every_case_listed($dir, &[$($case),+]);
            }
        }
    };
}
pub(crate) use fixture_tests;
