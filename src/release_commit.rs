//! Which commits are release commits: the one answer the hotfix policy, the commit-msg hook, the
//! changes `status` and `notes` list, and `release` give.
//!
//! A release commit is recognised by its header: the configured `release-commit-message` read as
//! a pattern (`{tag}`, `{version}`, `{crate}` are placeholders), or a common convention
//! (`chore(release): ...`, `chore: release v1.2.3`, `Release 1.2.3`). Recognised is not exempt:
//! the policy lets a release commit through only when it is not breaking and changes nothing but
//! versions, `Cargo.lock` and changelogs (see [`only_versions_changed`]).

use regex::Regex;

/// The configured message, as `Config` defaults it.
pub const DEFAULT_MESSAGE: &str = "chore(release): {tag}";

/// The headers every release tool writes, whatever the configuration says.
const CONVENTIONS: [&str; 5] = [
    r"^chore\(release\)!?: \S",
    r"^chore(\([^)]*\))?!?: (?i:release) v?\d+\.\d+\.\d+\S*$",
    r"^(?i:release) v?\d+\.\d+\.\d+\S*$",
    // cargo-release's defaults: `chore: Release` (consolidated) and one commit per crate.
    r"^chore: Release$",
    r"^chore: Release [A-Za-z0-9_-]+ version v?\d+\.\d+\.\d+\S*$",
];

/// Recognises release commits by their header.
#[derive(Debug, Clone)]
pub struct ReleaseCommits {
    /// The configured header, e.g. `chore(release): {tag}`.
    configured: String,
    /// Compiled on the first header that could match: the commit-msg hook asks once per commit,
    /// and most headers are ruled out by their first word.
    patterns: std::sync::OnceLock<Vec<Regex>>,
}

impl ReleaseCommits {
    /// Returns the recogniser for a configured `release-commit-message`.
    pub fn new(configured: &str) -> Self {
        let configured = configured.lines().next().unwrap_or_default().to_owned();
        Self { configured, patterns: std::sync::OnceLock::new() }
    }

    /// Returns whether `message`'s header names a release commit.
    pub fn is_release(&self, message: &str) -> bool {
        let header = message.lines().next().unwrap_or_default().trim_end();
        // Every pattern starts with `chore`, `release` or the configured text before its first
        // placeholder.
        let literal = self.configured.split('{').next().unwrap_or_default();
        let candidate = header.starts_with("chore")
            || header.get(..7).is_some_and(|w| w.eq_ignore_ascii_case("release"))
            || header.starts_with(literal);
        candidate && self.patterns.get_or_init(|| self.compile()).iter().any(|p| p.is_match(header))
    }

    fn compile(&self) -> Vec<Regex> {
        let mut patterns: Vec<Regex> = CONVENTIONS.iter().filter_map(|p| Regex::new(p).ok()).collect();
        let pattern = regex::escape(&self.configured)
            // `release` joins the tags of a release of several units with `, `.
            .replace(r"\{tag\}", r"\S+(?:, \S+)*")
            .replace(r"\{version\}", r"v?\d+\.\d+\.\d+\S*")
            .replace(r"\{crate\}", r"[A-Za-z0-9_-]+");
        patterns.extend(Regex::new(&format!("^{pattern}$")).ok());
        patterns
    }
}

impl Default for ReleaseCommits {
    fn default() -> Self {
        Self::new(DEFAULT_MESSAGE)
    }
}

/// Returns whether `message` is a release commit under the default `release-commit-message` or a
/// common convention (for callers without the configuration at hand).
pub fn is_release_commit(message: &str) -> bool {
    static DEFAULT: std::sync::LazyLock<ReleaseCommits> = std::sync::LazyLock::new(ReleaseCommits::default);
    DEFAULT.is_release(message)
}

/// Returns whether a manifest changed only in versions: the package's and the workspace's
/// `version`, and the `version` requirements of dependencies (a bump rewrites them).
pub fn only_versions_changed(before: &str, after: &str) -> bool {
    let strip = |text: &str| -> Option<String> {
        let mut doc: toml_edit::DocumentMut = text.parse().ok()?;
        strip_versions(doc.as_table_mut(), 0);
        Some(doc.to_string())
    };
    matches!((strip(before), strip(after)), (Some(a), Some(b)) if a == b)
}

/// Replaces every `version` value under `table` (any depth) with a fixed one.
fn strip_versions(table: &mut dyn toml_edit::TableLike, depth: usize) {
    if depth > 6 {
        return;
    }
    for (key, item) in table.iter_mut() {
        if key.get() == "version" && item.is_value() {
            *item = toml_edit::value("");
        } else if let Some(inner) = item.as_table_like_mut() {
            strip_versions(inner, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_configured_message_and_common_conventions() {
        let default = ReleaseCommits::default();
        for header in [
            "chore(release): v1.2.3",
            "chore(release)!: v2.0.0",
            "chore: release v1.2.3",
            "Release 1.2.3",
            "chore: Release",
            "chore: Release clap_builder version 4.6.6",
        ] {
            assert!(default.is_release(header), "{header}");
        }
        for header in ["fix: release the lock", "chore: bump deps", "Release notes for the team"] {
            assert!(!default.is_release(header), "{header}");
        }
        let custom = ReleaseCommits::new("build: ship {crate} {version}");
        assert!(custom.is_release("build: ship engine 1.2.4\n\nbody"));
        assert!(!custom.is_release("build: ship engine soon"));
        let tags = ReleaseCommits::new("build: release {tag}");
        assert!(tags.is_release("build: release a-v1.0.1, b-v0.2.1"), "several units' tags");
    }

    #[test]
    fn only_version_changes_are_versions() {
        let before = "[package]\nname = \"a\"\nversion = \"1.0.0\"\n\n[dependencies]\nb = { path = \"../b\", version = \"1.0.0\" }\n";
        let bumped = before.replace("1.0.0", "1.0.1");
        assert!(only_versions_changed(before, &bumped));
        let featured = format!("{bumped}\n[features]\nx = []\n");
        assert!(!only_versions_changed(before, &featured));
    }
}
