//! The round-trip corpus: varied, hand-written workspaces (comments everywhere, CRLF, tabs,
//! literal strings, unicode, dotted keys, long arrays). `bump major --workspace` must change
//! nothing but bytes inside version strings, and cargo must accept the result with its lock.
//!
//! Where a version string may sit is found independently of cargo-patch's own code: by walking
//! toml_edit's spans for every `version` value and every plain-string dependency requirement.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml_edit::{Item, Value};

use crate::support::{Project, files_under};

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testsuite/roundtrip/corpus");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the corpus exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

#[test]
fn bump_changes_only_version_spans() {
    let cases = corpus();
    assert!(cases.len() >= 30, "the corpus holds {} cases, expected 30 or more", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        if let Err(problem) = check_case(case) {
            failures.push(format!("{}: {problem}", case.file_name().unwrap().to_string_lossy()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn check_case(case: &Path) -> Result<(), String> {
    let project = Project::from_fixture(case);
    project.generate_lockfile();
    let before = project.snapshot();
    let output = project.cargo_patch().args(["bump", "major", "--workspace"]).output().map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!("bump failed:\n{}", String::from_utf8_lossy(&output.stderr)));
    }
    let mut changed_files = 0;
    for (rel, old) in &before {
        let old = String::from_utf8(old.clone()).map_err(|_| format!("{} is not UTF-8", rel.display()))?;
        let new = project.read(&rel.to_string_lossy());
        if old == new {
            continue;
        }
        changed_files += 1;
        check_only_versions_changed(rel, &old, &new)?;
    }
    if changed_files == 0 {
        return Err("nothing changed".into());
    }
    let after: Vec<PathBuf> = files_under(project.root());
    if after != before.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>() {
        return Err("files were added or removed".into());
    }
    project.assert_cargo_accepts_lock();
    check_every_crate_moved_a_major(case, &project)
}

/// Fails unless every byte that differs lies strictly inside (between the quotes of) a version
/// string of the old text.
fn check_only_versions_changed(rel: &Path, old: &str, new: &str) -> Result<(), String> {
    let allowed = version_spans(old).map_err(|e| format!("{}: {e}", rel.display()))?;
    let inside = |range: Range<usize>| allowed.iter().any(|s| s.start < range.start && range.end < s.end);
    let diff = similar::TextDiff::configure().diff_chars(old, new);
    for op in diff.ops() {
        let (tag, old_range, _) = op.as_tag_tuple();
        if tag == similar::DiffTag::Equal {
            continue;
        }
        // Offsets from a char diff are char indices; map them to bytes.
        let to_byte = |char_index: usize| old.char_indices().nth(char_index).map_or(old.len(), |(b, _)| b);
        let bytes = to_byte(old_range.start)..to_byte(old_range.end);
        let probe = if bytes.is_empty() { bytes.start..bytes.start } else { bytes.clone() };
        if !inside(probe) {
            let line = old[..bytes.start].matches('\n').count() + 1;
            let context = old.lines().nth(line - 1).unwrap_or_default();
            return Err(format!("{} line {line}: a change outside any version string: {context:?}", rel.display()));
        }
    }
    Ok(())
}

/// Returns the spans of every string that holds a version or requirement.
fn version_spans(text: &str) -> Result<Vec<Range<usize>>, String> {
    let doc = toml_edit::Document::parse(text).map_err(|e| e.to_string())?;
    let mut spans = Vec::new();
    collect(doc.as_item(), "", &mut spans);
    Ok(spans)
}

fn collect(item: &Item, key: &str, spans: &mut Vec<Range<usize>>) {
    match item {
        Item::Value(Value::String(s)) if key == "version" || key == "dependency" => spans.extend(s.span()),
        Item::Value(Value::InlineTable(t)) => t.iter().for_each(|(k, v)| collect_value(v, k, spans)),
        Item::Value(Value::Array(a)) if key == "dependencies" => {
            // Cargo.lock's `"name version"` references.
            a.iter().for_each(|v| collect_value(v, "dependency", spans));
        }
        Item::Table(t) => {
            let is_dependency_table = key.ends_with("dependencies");
            for (k, v) in t.iter() {
                let child_key = if is_dependency_table && v.is_str() { "dependency" } else { k };
                collect(v, child_key, spans);
            }
        }
        Item::ArrayOfTables(tables) => tables.iter().for_each(|t| t.iter().for_each(|(k, v)| collect(v, k, spans))),
        _ => {}
    }
}

fn collect_value(value: &Value, key: &str, spans: &mut Vec<Range<usize>>) {
    match value {
        Value::String(s) if key == "version" || key == "dependency" => spans.extend(s.span()),
        Value::InlineTable(t) => t.iter().for_each(|(k, v)| collect_value(v, k, spans)),
        _ => {}
    }
}

/// Fails unless `cargo metadata` reports every member one major above its corpus version (a
/// pre-release of a major, like `2.0.0-beta.1`, is finished instead).
fn check_every_crate_moved_a_major(case: &Path, project: &Project) -> Result<(), String> {
    let versions = |dir: &Path| -> Result<Vec<(String, semver::Version)>, String> {
        let metadata =
            cargo_metadata::MetadataCommand::new().no_deps().current_dir(dir).exec().map_err(|e| e.to_string())?;
        let mut versions: Vec<_> =
            metadata.workspace_packages().iter().map(|p| (p.name.to_string(), p.version.clone())).collect();
        versions.sort();
        Ok(versions)
    };
    let pristine = Project::from_fixture(case);
    let old = versions(pristine.root())?;
    let new = versions(project.root())?;
    for ((name, old), (_, new)) in old.iter().zip(&new) {
        let expected = if !old.pre.is_empty() && old.minor == 0 && old.patch == 0 {
            semver::Version::new(old.major, 0, 0)
        } else {
            semver::Version::new(old.major + 1, 0, 0)
        };
        if *new != expected {
            return Err(format!("`{name}` went from {old} to {new}, expected {expected}"));
        }
    }
    Ok(())
}
