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

// One test per corpus workspace: a major bump of the whole workspace changes nothing but versions.
crate::support::cases::fixture_tests!(super::bump_changes_only_version_spans, "roundtrip/corpus", {
    rt_01_crlf_inherited: "rt-01-crlf-inherited",
    rt_02_tabs_odd_spacing: "rt-02-tabs-odd-spacing",
    rt_03_literal_strings: "rt-03-literal-strings",
    rt_04_dotted_keys: "rt-04-dotted-keys",
    rt_05_subtables: "rt-05-subtables",
    rt_06_renamed: "rt-06-renamed",
    rt_07_target_single_quoted: "rt-07-target-single-quoted",
    rt_08_target_double_quoted: "rt-08-target-double-quoted",
    rt_09_dev_build: "rt-09-dev-build",
    rt_10_workspace_deps: "rt-10-workspace-deps",
    rt_11_deps_notes_fixture: "rt-11-deps-notes-fixture",
    rt_12_unicode: "rt-12-unicode",
    rt_13_comments: "rt-13-comments",
    rt_14_long_arrays: "rt-14-long-arrays",
    rt_15_metadata_traps: "rt-15-metadata-traps",
    rt_16_no_final_newline: "rt-16-no-final-newline",
    rt_17_trailing_whitespace: "rt-17-trailing-whitespace",
    rt_18_mixed_eol: "rt-18-mixed-eol",
    rt_19_root_package: "rt-19-root-package",
    rt_20_lone_crate_crlf: "rt-20-lone-crate-crlf",
    rt_21_zero_x: "rt-21-zero-x",
    rt_22_prerelease: "rt-22-prerelease",
    rt_23_operators: "rt-23-operators",
    rt_24_inline_workspace_version: "rt-24-inline-workspace-version",
    rt_25_underscore_tables: "rt-25-underscore-tables",
    rt_26_escapes: "rt-26-escapes",
    rt_27_exclude: "rt-27-exclude",
    rt_28_patch_config: "rt-28-patch-config",
    rt_29_profiles_features: "rt-29-profiles-features",
    rt_30_crlf_literal: "rt-30-crlf-literal",
    rt_31_multiline_strings: "rt-31-multiline-strings",
    rt_32_spaced_requirements: "rt-32-spaced-requirements",
    rt_33_key_order_2024: "rt-33-key-order-2024",
    rt_34_mixed_chain: "rt-34-mixed-chain",
});

fn bump_changes_only_version_spans(case: &Path) {
    if let Err(problem) = check_case(case) {
        panic!("{}: {problem}", case.file_name().unwrap().to_string_lossy());
    }
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
