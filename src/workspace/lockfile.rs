//! Member versions in `Cargo.lock`, rewritten offline so `cargo metadata --locked` still passes.
//!
//! Only the entries of workspace members change: a `[[package]]` without `source` whose name was
//! bumped, and the `"name version"` references to it that Cargo writes when two packages share a
//! name. Registry packages of the same name carry a `source` and are left alone.

use std::collections::BTreeMap;

use semver::Version;
use toml_edit::{Item, Value};

use super::manifest::{Edit, Error, Manifest};

/// Returns the edits that move each bumped member (`name -> (old, new)`) to its new version.
pub fn version_edits(lock: &Manifest, bumped: &BTreeMap<String, (Version, Version)>) -> Result<Vec<Edit>, Error> {
    let mut edits = Vec::new();
    let Some(packages) = lock.root().get("package").and_then(Item::as_array_of_tables) else {
        return Ok(edits);
    };
    for package in packages.iter() {
        let is_local = package.get("source").is_none();
        let name = package.get("name").and_then(Item::as_str);
        if let (true, Some((old, new)), Some(version)) =
            (is_local, name.and_then(|n| bumped.get(n)), package.get("version"))
        {
            let literal = lock.string_literal(version, "package.version")?;
            if literal.value == old.to_string() {
                edits.push(lock.replace_string(&literal, &new.to_string()));
            }
        }
        let Some(deps) = package.get("dependencies").and_then(Item::as_array) else {
            continue;
        };
        for dep in deps.iter() {
            let Value::String(reference) = dep else {
                continue;
            };
            // "name version" names a local package; "name version (source)" a registry one.
            let Some((name, version)) = reference.value().split_once(' ') else {
                continue;
            };
            let (Some((old, new)), Some(span)) = (bumped.get(name), reference.span()) else {
                continue;
            };
            if version == old.to_string() {
                let literal = super::manifest::StringLiteral { value: reference.value().clone(), span };
                edits.push(lock.replace_string(&literal, &format!("{name} {new}")));
            }
        }
    }
    Ok(edits)
}

/// One `[[package]]` of a lock file, as cargo writes it.
struct Block<'t> {
    /// Its lines, each with its line ending.
    lines: Vec<&'t str>,
    name: String,
    version: String,
    source: Option<String>,
}

/// Returns `text` (a `Cargo.lock` whose member versions were just moved) as cargo would write it
/// for the same graph: a dependency names a package by `name`, adds its version when the name has
/// several, and its source when another package has the same name and version; packages of one
/// name are sorted by version, then source. Moving a member's version can change both (clap's
/// lock holds its own `clap_builder` and the registry's, at the same version until the bump), and
/// cargo would otherwise rewrite the lock on its next run, leaving the release's tree dirty.
/// Only the packages named in `moved` and the references to them are touched: the rest keeps
/// every byte.
pub fn as_cargo_writes(text: &str, moved: &BTreeMap<String, (Version, Version)>) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let starts: Vec<usize> =
        lines.iter().enumerate().filter(|(_, l)| l.trim_end() == "[[package]]").map(|(i, _)| i).collect();
    let (Some(&first), Some(&last)) = (starts.first(), starts.last()) else { return text.to_owned() };
    // The last package ends at the next table (`[metadata]`, `[[patch.unused]]`) or the end.
    let end = lines.iter().enumerate().skip(last + 1).find(|(_, l)| l.starts_with('[')).map_or(lines.len(), |(i, _)| i);
    let mut bounds: Vec<usize> = starts.clone();
    bounds.push(end);
    let blocks: Vec<Block<'_>> = bounds
        .windows(2)
        .filter_map(|w| {
            let (from, to) = (*w.first()?, *w.get(1)?);
            let lines: Vec<&str> = lines.get(from..to)?.to_vec();
            let field = |key: &str| {
                lines.iter().find_map(|l| {
                    l.trim_end().strip_prefix(&format!("{key} = \""))?.strip_suffix('"').map(str::to_owned)
                })
            };
            Some(Block { name: field("name")?, version: field("version")?, source: field("source"), lines })
        })
        .collect();
    if blocks.len() != starts.len() {
        return text.to_owned();
    }
    // How many packages share each name, and each name and version.
    let mut versions: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for block in &blocks {
        *versions.entry(block.name.as_str()).or_default().entry(block.version.as_str()).or_default() += 1;
    }
    // Only a moved name that several packages share can be written differently: else, as it is.
    let shared = |name: &String| versions.get(name.as_str()).is_some_and(|v| v.values().sum::<usize>() > 1);
    if !moved.keys().any(shared) {
        return text.to_owned();
    }
    // Each block's lines, its references written as cargo writes them, and sorted as cargo
    // sorts them (by the package each names: name, version, source).
    let mut rewritten: Vec<String> = Vec::with_capacity(blocks.len());
    for block in &blocks {
        let mut lines: Vec<(String, Option<usize>)> = Vec::with_capacity(block.lines.len());
        for line in &block.lines {
            let reference =
                line.trim().strip_prefix('"').and_then(|r| r.strip_suffix("\",")).filter(|_| line.starts_with(' '));
            let target = reference
                .filter(|r| r.split(' ').next().is_some_and(|name| moved.contains_key(name)))
                .and_then(|r| resolve(r, &blocks));
            let text = match target.and_then(|t| blocks.get(t)) {
                Some(target) => {
                    let ending = if line.ends_with("\r\n") { "\r\n" } else { "\n" };
                    format!(" \"{}\",{ending}", encode(target, &versions))
                }
                None => (*line).to_owned(),
            };
            lines.push((text, target));
        }
        let name_of = |target: &Option<usize>| target.and_then(|t| blocks.get(t)).map(|b| b.name.as_str());
        for run in lines.chunk_by_mut(|a, b| name_of(&a.1).is_some() && name_of(&a.1) == name_of(&b.1)) {
            run.sort_by_key(|(_, target)| target.and_then(|t| blocks.get(t)).map(order_key));
        }
        rewritten.push(lines.into_iter().map(|(text, _)| text).collect());
    }
    // Cargo sorts packages by name, version, then source; a bump moves only versions, so only the
    // order within a run of one name can change (the rest is left exactly as it is).
    let mut order: Vec<usize> = (0..blocks.len()).collect();
    let moved_name = |i: &usize| blocks.get(*i).map(|b| &b.name).filter(|name| moved.contains_key(name.as_str()));
    for run in order.chunk_by_mut(|a, b| moved_name(a).is_some() && moved_name(a) == moved_name(b)) {
        run.sort_by_key(|i| blocks.get(*i).map(order_key));
    }
    // A block carries the blank line after it; the last one may not: the texts move, the layout stays.
    let separators: Vec<String> =
        rewritten.iter().map(|b| b.get(b.trim_end().len()..).unwrap_or_default().to_owned()).collect();
    for block in &mut rewritten {
        block.truncate(block.trim_end().len());
    }
    let mut out: String = lines.get(..first).unwrap_or_default().concat();
    for (slot, index) in order.iter().enumerate() {
        out.push_str(rewritten.get(*index).map_or("", String::as_str));
        out.push_str(separators.get(slot).map_or("", String::as_str));
    }
    out.push_str(&lines.get(end..).unwrap_or_default().concat());
    out
}

/// Returns the index among `blocks` of the package `reference` names (`name`, `name version` or
/// `name version (source)`), or `None` when it names no one package.
fn resolve(reference: &str, blocks: &[Block<'_>]) -> Option<usize> {
    let (head, source) = match reference.split_once(" (") {
        Some((head, source)) => (head, Some(source.strip_suffix(')')?)),
        None => (reference, None),
    };
    let mut words = head.split(' ');
    let name = words.next()?;
    let version = words.next();
    let mut candidates: Vec<usize> = (0..blocks.len())
        .filter(|&i| blocks.get(i).is_some_and(|b| b.name == name && version.is_none_or(|v| v == b.version)))
        .collect();
    let source_of = |i: &usize| blocks.get(*i).and_then(|b| b.source.as_deref());
    match source {
        Some(source) => candidates.retain(|i| source_of(i) == Some(source)),
        // Without a source, cargo means the one package that has none (a path package).
        None if candidates.len() > 1 => candidates.retain(|i| source_of(i).is_none()),
        None => {}
    }
    match candidates.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// Returns how cargo names `target` in a dependency list: by name, with its version when the
/// name has several, and its source when another package has the same name and version.
fn encode(target: &Block<'_>, versions: &BTreeMap<&str, BTreeMap<&str, usize>>) -> String {
    let name = target.name.as_str();
    let of_name = versions.get(name);
    let same = of_name.and_then(|v| v.get(target.version.as_str())).copied().unwrap_or(0);
    let several = of_name.is_some_and(|v| v.len() > 1) || same > 1;
    match (&target.source, same > 1, several) {
        (Some(source), true, _) => format!("{name} {} ({source})", target.version),
        (_, _, true) => format!("{name} {}", target.version),
        (_, _, false) => name.to_owned(),
    }
}

/// Cargo's order of packages of one name: by version, then source.
fn order_key(block: &Block<'_>) -> (Option<Version>, u8, Option<String>) {
    (parse(&block.version), source_rank(&block.source), block.source.clone())
}

fn parse(version: &str) -> Option<Version> {
    Version::parse(version).ok()
}

/// Cargo's order of source kinds: git, then path (no `source`), then registries.
fn source_rank(source: &Option<String>) -> u8 {
    match source.as_deref() {
        Some(s) if s.starts_with("git+") => 0,
        None => 1,
        Some(_) => 2,
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::workspace::manifest::apply_edits;

    #[test]
    fn rewrites_only_local_entries() {
        let lock = "version = 4\r\n\r\n[[package]]\r\nname = \"a\"\r\nversion = \"0.4.1\"\r\n\
            dependencies = [\r\n \"a 0.3.0 (registry+https://github.com/rust-lang/crates.io-index)\",\r\n]\r\n\r\n\
            [[package]]\r\nname = \"a\"\r\nversion = \"0.3.0\"\r\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\r\n\r\n\
            [[package]]\r\nname = \"b\"\r\nversion = \"1.0.0\"\r\ndependencies = [\r\n \"a 0.4.1\",\r\n \"a 0.3.0 (registry+https://github.com/rust-lang/crates.io-index)\",\r\n]\r\n";
        let manifest = Manifest::parse(PathBuf::from("Cargo.lock"), lock.to_owned()).unwrap();
        let bumped = BTreeMap::from([("a".to_owned(), (Version::new(0, 4, 1), Version::new(0, 5, 0)))]);
        let after = apply_edits(lock, version_edits(&manifest, &bumped).unwrap());
        let expected =
            lock.replacen("version = \"0.4.1\"", "version = \"0.5.0\"", 1).replacen("\"a 0.4.1\"", "\"a 0.5.0\"", 1);
        assert_eq!(after, expected);
    }

    #[test]
    fn writes_references_and_order_as_cargo_does_after_a_move() {
        let reg = "registry+https://github.com/rust-lang/crates.io-index";
        let before = format!(
            "version = 4\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"{reg}\"\n\n\
             [[package]]\nname = \"b\"\nversion = \"1.0.0\"\ndependencies = [\n \"a 1.0.0\",\n \"a 1.0.0 ({reg})\",\n]\n\n[[package]]\nname = \"z\"\nversion = \"0.1.0\"\n"
        );
        let manifest = Manifest::parse(PathBuf::from("Cargo.lock"), before.clone()).unwrap();
        let moved = BTreeMap::from([("a".to_owned(), (Version::new(1, 0, 0), Version::new(1, 0, 1)))]);
        let edited = apply_edits(&before, version_edits(&manifest, &moved).unwrap());
        let after = as_cargo_writes(&edited, &moved);
        // The registry's 1.0.0 now sorts first, and needs no source to be told apart.
        let expected = format!(
            "version = 4\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"{reg}\"\n\n[[package]]\nname = \"a\"\nversion = \"1.0.1\"\n\n\
             [[package]]\nname = \"b\"\nversion = \"1.0.0\"\ndependencies = [\n \"a 1.0.0\",\n \"a 1.0.1\",\n]\n\n[[package]]\nname = \"z\"\nversion = \"0.1.0\"\n"
        );
        assert_eq!(after, expected);
        // Nothing moved: every byte stays.
        assert_eq!(as_cargo_writes(&before, &BTreeMap::new()), before);
    }
}
