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
}
