//! Replacements: version strings outside the manifests (a README's `engine = "1.0.0"`, a
//! `#![doc(html_root_url = ".../1.0.0")]`, a Dockerfile's `--version 1.0.0`) that a release
//! rewrites in its own commit, from `[[workspace.metadata.patch-release.replace]]` and
//! `[[package.metadata.patch-release.replace]]`.
//!
//! Modelled on cargo-release's `pre-release-replacements`, with what its users ran into fixed:
//! a replacement that matches too few or too many times is an error before anything is written
//! (cargo-release#116, #862: it used to commit the stale string quietly), and a workspace's
//! replacements run once per release from the workspace root, not once per crate from each crate's
//! directory (cargo-release#470, #651, #901). This module is pure: the text in, the text out.

use std::path::PathBuf;

/// One configured replacement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    /// A glob, from the directory of the manifest that configures it (the workspace root for the
    /// workspace's table, the crate's directory for a crate's).
    pub file: String,
    /// A regular expression (the `regex` crate's syntax), checked when the config is read.
    pub search: String,
    /// The new text: `{version}`, `{prev_version}`, `{crate}`, `{tag}` and `{date}` are filled in,
    /// then `$1`/`${name}` name the search's capture groups (`$$` is a `$`).
    pub replace: String,
    /// How many matches each matched file must hold.
    pub count: Count,
    /// Whether it also runs for a pre-release (`1.1.0-rc.1`); off by default, as in cargo-release.
    pub prerelease: bool,
    /// Where it is configured, for errors: the manifest and the line of its table.
    pub origin: Origin,
}

/// Where a replacement is configured.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Origin {
    pub manifest: PathBuf,
    pub line: usize,
}

/// How many matches a file must hold: `min = 1` unless configured (`exactly = N` is both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub min: u64,
    pub max: Option<u64>,
}

impl Default for Count {
    fn default() -> Self {
        Self { min: 1, max: None }
    }
}

impl Count {
    /// Returns whether `found` matches are allowed.
    pub fn allows(&self, found: u64) -> bool {
        found >= self.min && self.max.is_none_or(|max| found <= max)
    }
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.max {
            Some(max) if max == self.min => write!(f, "exactly {max}"),
            Some(max) if self.min == 0 => write!(f, "at most {max}"),
            Some(max) => write!(f, "{} to {max}", self.min),
            None => write!(f, "at least {}", self.min),
        }
    }
}

/// What the placeholders of `replace` stand for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Values {
    pub version: semver::Version,
    pub prev_version: String,
    pub crate_name: String,
    pub tag: String,
    /// `YYYY-MM-DD` (UTC), the release's date.
    pub date: String,
}

impl Replacement {
    /// Returns whether the replacement runs for a release of `version`.
    pub fn applies_to(&self, version: &semver::Version) -> bool {
        self.prerelease || version.pre.is_empty()
    }

    /// Returns `text` with every match of `search` replaced, and how many there were.
    ///
    /// The search was compiled when the configuration was read, so failing here means the
    /// configuration was built by hand with a bad pattern.
    pub fn apply(&self, text: &str, values: &Values) -> Result<(String, u64), regex::Error> {
        let regex = regex::Regex::new(&self.search)?;
        let found = u64::try_from(regex.find_iter(text).count()).unwrap_or(u64::MAX);
        let template = self
            .replace
            .replace("{version}", &values.version.to_string())
            .replace("{prev_version}", &values.prev_version)
            .replace("{crate}", &values.crate_name)
            .replace("{tag}", &values.tag)
            .replace("{date}", &values.date);
        Ok((regex.replace_all(text, template.as_str()).into_owned(), found))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replacement(search: &str, replace: &str) -> Replacement {
        Replacement {
            file: "README.md".into(),
            search: search.into(),
            replace: replace.into(),
            count: Count::default(),
            prerelease: false,
            origin: Origin { manifest: "Cargo.toml".into(), line: 1 },
        }
    }

    fn values(version: &str) -> Values {
        Values {
            version: version.parse().unwrap(),
            prev_version: "1.0.0".into(),
            crate_name: "engine".into(),
            tag: format!("v{version}"),
            date: "2026-12-01".into(),
        }
    }

    #[test]
    fn fills_placeholders_and_capture_groups() {
        let r = replacement(
            r#"(engine|motor) = "[0-9.]+""#,
            r#"$1 = "{version}" # {crate} {tag} {date} from {prev_version}"#,
        );
        let (out, found) = r.apply("engine = \"1.0.0\"\nmotor = \"0.9\"\n", &values("1.0.1")).unwrap();
        assert_eq!(found, 2);
        assert_eq!(
            out,
            "engine = \"1.0.1\" # engine v1.0.1 2026-12-01 from 1.0.0\nmotor = \"1.0.1\" # engine v1.0.1 2026-12-01 from 1.0.0\n"
        );
        let (same, found) = r.apply("nothing here\n", &values("1.0.1")).unwrap();
        assert_eq!((same.as_str(), found), ("nothing here\n", 0));
    }

    #[test]
    fn counts_and_prereleases() {
        let cases = [
            (Count::default(), 0, false, "at least 1"),
            (Count::default(), 3, true, "at least 1"),
            (Count { min: 0, max: Some(2) }, 3, false, "at most 2"),
            (Count { min: 2, max: Some(2) }, 2, true, "exactly 2"),
            (Count { min: 1, max: Some(3) }, 4, false, "1 to 3"),
        ];
        for (count, found, allowed, shown) in cases {
            assert_eq!(count.allows(found), allowed, "{count} {found}");
            assert_eq!(count.to_string(), shown);
        }
        let mut r = replacement("x", "y");
        assert!(r.applies_to(&"1.0.1".parse().unwrap()));
        assert!(!r.applies_to(&"1.1.0-rc.1".parse().unwrap()));
        r.prerelease = true;
        assert!(r.applies_to(&"1.1.0-rc.1".parse().unwrap()));
    }
}
