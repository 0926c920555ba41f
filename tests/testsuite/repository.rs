//! The repository's own files: every install hint names this package at this version, and the
//! README links only to files that exist in the repository.

use std::path::{Path, PathBuf};

/// The package users install, at the version being built.
const PACKAGE: &str = env!("CARGO_PKG_NAME");
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The files that tell users how to install the tool.
fn hint_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        ["README.md", ".pre-commit-hooks.yaml", "action.yml"].iter().map(|rel| repo().join(rel)).collect();
    for dir in ["hooks", "templates", "docs"] {
        let entries = std::fs::read_dir(repo().join(dir)).into_iter().flatten();
        files.extend(entries.map(|entry| entry.unwrap().path()));
    }
    files.retain(|path| path.is_file());
    files
}

#[test]
fn every_install_hint_names_this_package_at_this_version() {
    let pinned = format!("{PACKAGE}@{VERSION}");
    let mut hints = 0;
    for path in hint_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let at = format!("{}:{}", path.strip_prefix(repo()).unwrap().display(), n + 1);
            // `cargo-patch` on crates.io is another tool: no hint may install it.
            let other = after_each(line, "cargo install --locked cargo-patch");
            assert!(other.iter().all(|rest| rest.starts_with('-')), "{at} installs the other `cargo-patch`: {line}");
            for rest in after_each(line, &format!("{PACKAGE}@")) {
                // The Action installs the version its workflow gives it (`version:`, below).
                if path.ends_with("action.yml") && rest.starts_with("$VERSION\"") {
                    continue;
                }
                let version: String =
                    rest.chars().take_while(|c| c.is_ascii_alphanumeric() || ".-+".contains(*c)).collect();
                assert_eq!(version, VERSION, "{at} pins another version than {pinned}: {line}");
                hints += 1;
            }
            if let Some(version) = line.trim_start().strip_prefix("version: ") {
                assert_eq!(version, VERSION, "{at} gives the Action another version than {VERSION}: {line}");
                hints += 1;
            }
            if let Some(rev) = line.trim_start().strip_prefix("rev: v") {
                assert!(
                    rev.starts_with(&format!("{VERSION} ")) || rev == VERSION,
                    "{at}: the rev is not v{VERSION}: {line}"
                );
            }
        }
    }
    // The README, the three hook scripts and .pre-commit-hooks.yaml at least.
    assert!(hints >= 5, "only {hints} install hints name {pinned}");
}

/// Returns what follows each occurrence of `needle` in `line`.
fn after_each<'a>(line: &'a str, needle: &str) -> Vec<&'a str> {
    line.match_indices(needle).map(|(at, _)| &line[at + needle.len()..]).collect()
}

#[test]
fn the_readme_links_only_to_files_in_the_repository() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(!readme.contains("../"), "README.md points outside the repository");
    let mut links = 0;
    for (at, _) in readme.match_indices("](") {
        let target: String = readme[at + 2..].chars().take_while(|c| *c != ')').collect();
        if target.contains("://") || target.starts_with('#') {
            continue;
        }
        let file = target.split('#').next().unwrap();
        assert!(repo().join(file).exists(), "README.md links to {target}, which is not in the repository");
        links += 1;
    }
    assert!(links > 0, "README.md links to no file of the repository");
}
