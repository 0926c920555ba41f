//! One `Cargo.toml` (or `Cargo.lock`) as text plus the spans of the values cargo-patch may change.
//!
//! Edits are byte splices into the original text at spans toml_edit reports, never a re-render
//! of a document: comments, spacing, quoting and line endings are kept because they are never
//! touched (a stronger guarantee than carrying `decor` over, which still re-renders the value).

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml_edit::{Document, Item, TableLike, Value};

/// Why a manifest cannot be read or edited.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("`{}` is not valid TOML (line {line})", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        #[source]
        source: toml_edit::TomlError,
    },
    #[error("`{key}` in `{}` (line {line}) must be a string", path.display())]
    NotAString { path: PathBuf, line: usize, key: String },
}

impl crate::error::Help for Error {
    type Lines = Option<String>;

    fn help(&self) -> Self::Lines {
        match self {
            Self::Parse { line, .. } => Some(format!("fix the syntax near line {line}, then run the command again")),
            Self::NotAString { .. } => Some("write the version as a quoted string, e.g. `version = \"1.2.3\"`".into()),
        }
    }
}

/// A string value's decoded text and the byte span of its literal (quotes included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringLiteral {
    pub value: String,
    pub span: Range<usize>,
}

/// Where a `[package] version` comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackageVersion {
    /// `version = "1.2.3"` in the manifest itself.
    Own(StringLiteral),
    /// `version.workspace = true`: the root's `[workspace.package] version`.
    Inherited,
    /// No `version` key (cargo then uses 0.0.0 and refuses to publish).
    Missing,
}

/// One entry of a dependency table, in any of the forms cargo accepts.
#[derive(Debug, Clone)]
pub struct DependencyEntry {
    /// The table it lives in, as a user would write its header (`target.'cfg(unix)'.dependencies`).
    pub table: String,
    /// The package it names: the `package = ".."` of a renamed dependency, else its key.
    pub package: String,
    /// The `path` value, when the dependency is a path dependency.
    pub path: Option<String>,
    /// The `version` requirement, when the entry carries one.
    pub version: Option<StringLiteral>,
    /// `workspace = true`: the requirement is the root's `[workspace.dependencies]` entry.
    pub inherited: bool,
}

/// A `[replace]` entry: the package id spec it replaces (`"b:0.1.0"`) and where it points.
#[derive(Debug, Clone)]
pub struct Replacement {
    /// The package name of the spec.
    pub package: String,
    /// The version of the spec, with its span inside the key (`0.1.0` of `"b:0.1.0"`).
    pub version: StringLiteral,
    /// The `path` value, when the replacement is a path.
    pub path: Option<String>,
}

/// A replacement of `span` in the original text by `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Range<usize>,
    pub text: String,
}

/// A parsed TOML file that remembers where every value came from.
pub struct Manifest {
    path: PathBuf,
    doc: Document<String>,
}

const DEPENDENCY_TABLES: [&str; 5] = [
    "dependencies",
    "dev-dependencies",
    "build-dependencies",
    // Cargo still accepts the old underscore spellings.
    "dev_dependencies",
    "build_dependencies",
];

impl Manifest {
    /// Returns the parsed manifest, or an error naming the file and line.
    pub fn parse(path: PathBuf, text: String) -> Result<Self, Error> {
        match Document::parse(text) {
            Ok(doc) => Ok(Self { path, doc }),
            Err(source) => Err(Error::Parse { line: error_line(&source), source, path }),
        }
    }

    /// Returns the file this manifest was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Returns the original text.
    pub fn text(&self) -> &str {
        self.doc.raw()
    }

    /// Returns the root table, for readers such as the configuration.
    pub fn root(&self) -> &toml_edit::Table {
        self.doc.as_table()
    }

    /// Returns the 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        line_of(self.text(), offset)
    }

    /// Returns where `[package] version` comes from, or `None` without a `[package]` table.
    pub fn package_version(&self) -> Result<Option<PackageVersion>, Error> {
        let Some(package) = self.root().get("package").and_then(Item::as_table_like) else {
            return Ok(None);
        };
        let version = match package.get("version") {
            None => PackageVersion::Missing,
            Some(item) if item.as_table_like().is_some_and(|t| t.get("workspace").is_some()) => {
                PackageVersion::Inherited
            }
            Some(item) => PackageVersion::Own(self.string_literal(item, "package.version")?),
        };
        Ok(Some(version))
    }

    /// Returns `[workspace.package] version`, when the manifest has one.
    pub fn workspace_version(&self) -> Result<Option<StringLiteral>, Error> {
        let item = self
            .root()
            .get("workspace")
            .and_then(Item::as_table_like)
            .and_then(|w| w.get("package"))
            .and_then(Item::as_table_like)
            .and_then(|p| p.get("version"));
        item.map(|item| self.string_literal(item, "workspace.package.version")).transpose()
    }

    /// Returns every dependency entry: `[dependencies]`, dev and build, their `target.*` forms
    /// and `[workspace.dependencies]`.
    pub fn dependencies(&self) -> Result<Vec<DependencyEntry>, Error> {
        let root = self.root();
        let mut entries = Vec::new();
        for name in DEPENDENCY_TABLES {
            if let Some(table) = root.get(name).and_then(Item::as_table_like) {
                self.collect_entries(name.to_owned(), table, &mut entries)?;
            }
        }
        if let Some(targets) = root.get("target").and_then(Item::as_table_like) {
            for (cfg, target) in targets.iter() {
                let Some(target) = target.as_table_like() else {
                    continue;
                };
                for name in DEPENDENCY_TABLES {
                    if let Some(table) = target.get(name).and_then(Item::as_table_like) {
                        self.collect_entries(format!("target.'{cfg}'.{name}"), table, &mut entries)?;
                    }
                }
            }
        }
        let workspace_deps = root
            .get("workspace")
            .and_then(Item::as_table_like)
            .and_then(|w| w.get("dependencies"))
            .and_then(Item::as_table_like);
        if let Some(table) = workspace_deps {
            self.collect_entries("workspace.dependencies".to_owned(), table, &mut entries)?;
        }
        Ok(entries)
    }

    /// Returns every entry of the `[patch.<registry or url>]` tables, which name a path and
    /// optionally a version requirement exactly as a dependency does.
    pub fn patches(&self) -> Result<Vec<DependencyEntry>, Error> {
        let mut entries = Vec::new();
        if let Some(sources) = self.root().get("patch").and_then(Item::as_table_like) {
            for (source, table) in sources.iter() {
                if let Some(table) = table.as_table_like() {
                    self.collect_entries(format!("patch.{source}"), table, &mut entries)?;
                }
            }
        }
        Ok(entries)
    }

    /// Returns every `[replace]` entry whose key is a package id spec with a version
    /// (`"b:0.1.0"`, `"b@0.1.0"`, `"<registry url>#b@0.1.0"`), as cargo requires of them.
    pub fn replacements(&self) -> Vec<Replacement> {
        let Some(table) = self.root().get("replace").and_then(Item::as_table_like) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, item) in table.iter() {
            let Some((key, _)) = table.get_key_value(name) else { continue };
            let (Some(span), Some((package, version))) = (key.span(), spec_name_and_version(name)) else { continue };
            // The version ends the spec, so it ends the key's text too (before a closing quote).
            let raw = &self.text()[span.clone()];
            let Some(at) = raw.rfind(version) else { continue };
            let start = span.start + at;
            out.push(Replacement {
                package: package.to_owned(),
                version: StringLiteral { value: version.to_owned(), span: start..start + version.len() },
                path: item.as_table_like().and_then(|t| t.get("path")).and_then(Item::as_str).map(str::to_owned),
            });
        }
        out
    }

    fn collect_entries(
        &self,
        table_name: String,
        table: &dyn TableLike,
        out: &mut Vec<DependencyEntry>,
    ) -> Result<(), Error> {
        for (key, item) in table.iter() {
            let entry = if let Some(fields) = item.as_table_like() {
                let text = |field: &str| fields.get(field).and_then(Item::as_str).map(str::to_owned);
                let version = fields
                    .get("version")
                    .map(|v| self.string_literal(v, &format!("{table_name}.{key}.version")))
                    .transpose()?;
                DependencyEntry {
                    table: table_name.clone(),
                    package: text("package").unwrap_or_else(|| key.to_owned()),
                    path: text("path"),
                    version,
                    inherited: fields.get("workspace").and_then(Item::as_bool) == Some(true),
                }
            } else {
                // `name = "1.2"`: a registry requirement, never a path dependency.
                DependencyEntry {
                    table: table_name.clone(),
                    package: key.to_owned(),
                    path: None,
                    version: Some(self.string_literal(item, &format!("{table_name}.{key}"))?),
                    inherited: false,
                }
            };
            out.push(entry);
        }
        Ok(())
    }

    /// Returns the string at `item` with its span; `key` names it in the error.
    pub fn string_literal(&self, item: &Item, key: &str) -> Result<StringLiteral, Error> {
        let not_a_string = |span: Option<Range<usize>>| Error::NotAString {
            path: self.path.clone(),
            line: span.map_or(0, |s| self.line_of(s.start)),
            key: key.to_owned(),
        };
        match item.as_value() {
            Some(Value::String(s)) => {
                let span = s.span().ok_or_else(|| not_a_string(None))?;
                Ok(StringLiteral { value: s.value().clone(), span })
            }
            other => Err(not_a_string(other.and_then(Value::span))),
        }
    }

    /// Returns an edit that replaces string `literal` by `new`, keeping its quote style.
    pub fn replace_string(&self, literal: &StringLiteral, new: &str) -> Edit {
        Edit { span: literal.span.clone(), text: requoted(&self.text()[literal.span.clone()], &literal.value, new) }
    }
}

/// Returns `raw` (a TOML string literal whose decoded value is `old`) with its content replaced
/// by `new` in the same quote style. Versions need no escaping in any TOML string form, so only a
/// literal that used escapes for the old value falls back to a plain basic string.
fn requoted(raw: &str, old: &str, new: &str) -> String {
    for quote in ["\"\"\"", "'''", "\"", "'"] {
        if let Some(inner) = raw.strip_prefix(quote).and_then(|r| r.strip_suffix(quote)) {
            // A multi-line string drops a newline right after its opening quotes (TOML 1.0).
            let newline = ["\r\n", "\n"]
                .into_iter()
                .find(|nl| quote.len() == 3 && inner.starts_with(nl) && &inner[nl.len()..] == old);
            if inner == old || newline.is_some() {
                return format!("{quote}{}{new}{quote}", newline.unwrap_or_default());
            }
            break;
        }
    }
    format!("\"{new}\"")
}

/// Returns the name and version of a package id spec (`b:0.1.0`, `b@0.1.0`, `url#b@0.1.0`,
/// `url#0.1.0` whose name is the url's last segment), or `None` when it has no version.
fn spec_name_and_version(spec: &str) -> Option<(&str, &str)> {
    let (url, rest) = spec.rsplit_once('#').map_or((None, spec), |(url, rest)| (Some(url), rest));
    match rest.rsplit_once(['@', ':']) {
        Some((name, version)) if !name.is_empty() && !version.is_empty() => Some((name, version)),
        None if url.is_some() && rest.starts_with(|c: char| c.is_ascii_digit()) => {
            Some((url?.trim_end_matches('/').rsplit('/').next()?, rest))
        }
        _ => None,
    }
}

/// Returns `text` with every edit applied. Edits must not overlap.
pub fn apply_edits(text: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|e| e.span.start);
    let mut out = String::with_capacity(text.len() + 16 * edits.len());
    let mut at = 0;
    for edit in edits {
        debug_assert!(edit.span.start >= at, "edits overlap");
        out.push_str(&text[at..edit.span.start]);
        out.push_str(&edit.text);
        at = edit.span.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Returns the 1-based line number of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes().iter().take(end).filter(|&&b| b == b'\n').count() + 1
}

/// Returns the line a parse error points at. `TomlError` keeps the input private and renders
/// "TOML parse error at line N, column M", so the line is read back from that.
fn error_line(err: &toml_edit::TomlError) -> usize {
    let shown = err.to_string();
    shown
        .split("line ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(text: &str) -> Manifest {
        Manifest::parse(PathBuf::from("Cargo.toml"), text.to_owned()).unwrap()
    }

    #[test]
    fn requote_keeps_style() {
        assert_eq!(requoted("\"0.4\"", "0.4", "0.5"), "\"0.5\"");
        assert_eq!(requoted("'0.4'", "0.4", "0.5"), "'0.5'");
        assert_eq!(requoted("'''0.4'''", "0.4", "0.5"), "'''0.5'''");
        assert_eq!(requoted("\"\\u0030.4\"", "0.4", "0.5"), "\"0.5\"");
        assert_eq!(requoted("\"\"\"\n0.4\"\"\"", "0.4", "0.5"), "\"\"\"\n0.5\"\"\"");
        assert_eq!(requoted("'''\r\n0.4'''", "0.4", "0.5"), "'''\r\n0.5'''");
    }

    #[test]
    fn finds_every_dependency_form() {
        let m = manifest(concat!(
            "[package]\nname = \"x\"\nversion.workspace = true\n",
            "[dependencies]\na = { path = \"../a\", version = \"0.4\" } # c\n",
            "bee = { package = \"b\", path = \"../b\", version = '=0.4.1' }\n",
            "c.path = \"../c\"\nc.version = \"~0.4\"\nserde = \"1\"\n",
            "[dependencies.d]\npath = \"../d\"\nversion = \"0.4\"\n",
            "[target.'cfg(unix)'.build-dependencies]\na = { path = \"../a\", version = \"0.4\" }\n",
            "[workspace.dependencies]\nb = {path=\"b\",version=\"0.4\"}\n",
        ));
        assert_eq!(m.package_version().unwrap(), Some(PackageVersion::Inherited));
        let deps = m.dependencies().unwrap();
        let summary: Vec<_> = deps
            .iter()
            .map(|d| {
                let v = d.version.as_ref().map(|v| v.value.as_str()).unwrap_or("");
                format!("{} {} {:?} {v}", d.table, d.package, d.path.as_deref())
            })
            .collect();
        assert_eq!(
            summary,
            [
                "dependencies a Some(\"../a\") 0.4",
                "dependencies b Some(\"../b\") =0.4.1",
                "dependencies c Some(\"../c\") ~0.4",
                "dependencies serde None 1",
                "dependencies d Some(\"../d\") 0.4",
                "target.'cfg(unix)'.build-dependencies a Some(\"../a\") 0.4",
                "workspace.dependencies b Some(\"b\") 0.4",
            ]
        );
        let bee = &deps[1];
        let edit = m.replace_string(bee.version.as_ref().unwrap(), "=0.5.0");
        let after = apply_edits(m.text(), vec![edit]);
        assert!(after.contains("version = '=0.5.0' }"), "{after}");
        assert_eq!(after.len(), m.text().len());
    }

    #[test]
    fn finds_patches_and_replacements() {
        let m = manifest(concat!(
            "[patch.crates-io]\nb = { path = \"b\", version = \"0.1.0\" }\n",
            "[patch.'https://example.com/x.git']\nc = { path = \"c\" }\n",
            "[replace]\n\"b:0.1.0\" = { path = \"b\" }\n'https://github.com/rust-lang/crates.io-index#c@1.2.3' = { path = \"c\" }\n",
            "\"d\" = { path = \"d\" }\n",
        ));
        let patches: Vec<_> = m.patches().unwrap().into_iter().map(|e| (e.table, e.package, e.path)).collect();
        assert_eq!(patches[0], ("patch.crates-io".into(), "b".into(), Some("b".into())));
        assert_eq!(patches[1], ("patch.https://example.com/x.git".into(), "c".into(), Some("c".into())));
        let replaced: Vec<_> =
            m.replacements().into_iter().map(|r| (r.package, m.text()[r.version.span].to_owned(), r.path)).collect();
        assert_eq!(
            replaced,
            [("b".into(), "0.1.0".into(), Some("b".into())), ("c".into(), "1.2.3".into(), Some("c".into()))]
        );
        assert_eq!(spec_name_and_version("https://example.com/foo#0.2.0"), Some(("foo", "0.2.0")));
        assert_eq!(spec_name_and_version("foo"), None);
    }

    #[test]
    fn parse_error_names_line() {
        let err =
            Manifest::parse(PathBuf::from("Cargo.toml"), "[package]\nname = \"x\"\nversion = \n".into()).err().unwrap();
        assert!(matches!(err, Error::Parse { line: 3, .. }), "{err:?}");
    }
}
