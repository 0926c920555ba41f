//! The manifest editor on arbitrary bytes: parsing never panics, and a version edit changes the
//! version's bytes and nothing else, leaving a document that still parses.
#![no_main]

use std::path::PathBuf;

use cargo_patch::workspace::manifest::{self, Manifest, PackageVersion, StringLiteral};
use libfuzzer_sys::fuzz_target;

fn check_edit(manifest: &Manifest, literal: &StringLiteral) {
    let before = manifest.text();
    let edit = manifest.replace_string(literal, "10.20.30-rc.1");
    let (start, end) = (edit.span.start, edit.span.end);
    let new_len = edit.text.len();
    let after = manifest::apply_edits(before, vec![edit]);
    assert_eq!(after.get(..start), before.get(..start), "bytes before the version changed");
    assert_eq!(after.get(start + new_len..), before.get(end..), "bytes after the version changed");
    let reparsed = Manifest::parse(PathBuf::from("Cargo.toml"), after).expect("an edited manifest parses");
    drop(reparsed);
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(manifest) = Manifest::parse(PathBuf::from("Cargo.toml"), text.to_owned()) else { return };
    if let Ok(Some(PackageVersion::Own(literal))) = manifest.package_version() {
        check_edit(&manifest, &literal);
    }
    if let Ok(Some(literal)) = manifest.workspace_version() {
        check_edit(&manifest, &literal);
    }
    if let Ok(entries) = manifest.dependencies() {
        for literal in entries.iter().filter_map(|e| e.version.as_ref()) {
            check_edit(&manifest, literal);
        }
    }
    for replacement in manifest.replacements() {
        let _ = replacement;
    }
    let _ = manifest.patches();
});
