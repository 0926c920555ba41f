//! The conventional-commit parser must never panic, whatever bytes a commit message holds.
#![no_main]

use cargo_patch::conventional::{self, ConventionalCommit};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let message = String::from_utf8_lossy(data);
    if let Ok(commit) = ConventionalCommit::parse(&message) {
        let _ = commit.severity();
        let _ = commit.level(&semver::Version::new(1, 4, 0));
    }
    let _ = conventional::cherry_picked_from(&message);
});
