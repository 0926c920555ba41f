//! Release tags: the tag format (`v{version}`, `{crate}-v{version}`), reading a tag back into a
//! crate and a semver version, and the latest stable release among tags.

use regex::Regex;
use semver::Version;

use crate::git::history::Tag;

/// A tag format with `{version}` and optionally `{crate}` placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFormat(String);

/// A tag read as a release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseTag {
    pub tag: Tag,
    pub crate_name: Option<String>,
    pub version: Version,
}

impl TagFormat {
    pub fn new(format: &str) -> Self {
        Self(format.to_owned())
    }

    /// Returns the format as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns whether tags of this format name their crate.
    pub fn names_crate(&self) -> bool {
        self.0.contains("{crate}")
    }

    /// Returns the tag of `version` (of `crate_name` when the format names the crate).
    pub fn format(&self, crate_name: &str, version: &Version) -> String {
        self.0.replace("{crate}", crate_name).replace("{version}", &version.to_string())
    }

    /// Returns the regex of this format's tags, for one crate or any; the version part is
    /// captured as `version`, the crate as `crate`.
    pub fn pattern(&self, crate_name: Option<&str>) -> Regex {
        let mut pattern = String::from("^");
        let mut rest = self.0.as_str();
        while let Some(start) = rest.find('{') {
            pattern.push_str(&regex::escape(&rest[..start]));
            let after = &rest[start..];
            if let Some(tail) = after.strip_prefix("{version}") {
                pattern.push_str(&format!("(?P<version>{VERSION_PATTERN})"));
                rest = tail;
            } else if let Some(tail) = after.strip_prefix("{crate}") {
                match crate_name {
                    Some(name) => pattern.push_str(&format!("(?P<crate>{})", regex::escape(name))),
                    None => pattern.push_str("(?P<crate>[A-Za-z0-9_-]+?)"),
                }
                rest = tail;
            } else {
                pattern.push_str(&regex::escape("{"));
                rest = &after[1..];
            }
        }
        pattern.push_str(&regex::escape(rest));
        pattern.push('$');
        Regex::new(&pattern).unwrap_or_else(|_| matches_nothing())
    }

    /// Returns the literal text before and after `{version}` in this format's tags (of
    /// `crate_name`, when given); `None` when the format does not hold `{version}` exactly once.
    pub fn around_version(&self, crate_name: Option<&str>) -> Option<(String, String)> {
        let (before, after) = self.0.split_once("{version}")?;
        if after.contains("{version}") {
            return None;
        }
        let fill = |text: &str| match crate_name {
            Some(name) => text.replace("{crate}", name),
            None => text.to_owned(),
        };
        Some((fill(before), fill(after)))
    }

    /// Reads `tag` as a release of this format (of `crate_name`, when given); `None` when the
    /// name does not match or its version is not semver.
    pub fn parse(&self, tag: &Tag, crate_name: Option<&str>) -> Option<ReleaseTag> {
        read(&self.pattern(crate_name), tag)
    }

    /// Reads `tag` with a pattern from [`TagFormat::pattern`] (built once for many tags).
    pub fn read_with(&self, pattern: &Regex, tag: &Tag) -> Option<ReleaseTag> {
        read(pattern, tag)
    }
}

/// The `{version}` part of a tag: semver's core version, optionally a pre-release and build.
const VERSION_PATTERN: &str = r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?";

/// Returns the version `text` (all of it) names, read as [`TagFormat::pattern`] reads `{version}`.
#[expect(clippy::expect_used, reason = "a constant pattern")]
pub fn version_part(text: &str) -> Option<Version> {
    static WHOLE: std::sync::LazyLock<Regex> =
        std::sync::LazyLock::new(|| Regex::new(&format!("^{VERSION_PATTERN}$")).expect("the version pattern is valid"));
    WHOLE.is_match(text).then(|| Version::parse(text).ok()).flatten()
}

fn read(pattern: &Regex, tag: &Tag) -> Option<ReleaseTag> {
    let captures = pattern.captures(&tag.name)?;
    let version = Version::parse(captures.name("version")?.as_str()).ok()?;
    let crate_name = captures.name("crate").map(|c| c.as_str().to_owned());
    Some(ReleaseTag { tag: tag.clone(), crate_name, version })
}

/// Returns the releases among `tags` for `crate_name` (any crate when `None`), and the names of
/// tags that are not releases of this format.
pub fn releases(format: &TagFormat, tags: &[Tag], crate_name: Option<&str>) -> (Vec<ReleaseTag>, Vec<String>) {
    let pattern = format.pattern(crate_name);
    let mut releases = Vec::new();
    let mut skipped = Vec::new();
    for tag in tags {
        match read(&pattern, tag) {
            Some(release) => releases.push(release),
            None => skipped.push(tag.name.clone()),
        }
    }
    (releases, skipped)
}

/// Returns the latest stable release: the highest version without a pre-release part.
pub fn latest_stable(releases: &[ReleaseTag]) -> Option<&ReleaseTag> {
    releases.iter().filter(|r| r.version.pre.is_empty()).max_by(|a, b| a.version.cmp(&b.version))
}

/// Returns a pattern no tag name matches (for a format that cannot be compiled).
#[expect(clippy::expect_used, reason = "a constant pattern")]
pub fn matches_nothing() -> Regex {
    Regex::new("^$").expect("`^$` is a valid pattern")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(name: &str) -> Tag {
        Tag { name: name.into(), commit: "0".repeat(40), commit_time: 0, message: None }
    }

    #[test]
    fn reads_tags_of_a_format() {
        let unified = TagFormat::new("v{version}");
        assert_eq!(unified.parse(&tag("v1.2.3"), None).unwrap().version, Version::new(1, 2, 3));
        assert!(unified.parse(&tag("v1.2"), None).is_none());
        assert!(unified.parse(&tag("nightly"), None).is_none());
        assert!(unified.parse(&tag("xv1.2.3"), None).is_none());
        let per_crate = TagFormat::new("{crate}-v{version}");
        let r = per_crate.parse(&tag("my-crate-v0.4.0-rc.1"), None).unwrap();
        assert_eq!((r.crate_name.as_deref(), r.version.to_string().as_str()), (Some("my-crate"), "0.4.0-rc.1"));
        assert!(per_crate.parse(&tag("other-v1.0.0"), Some("my-crate")).is_none());
        assert_eq!(per_crate.format("a", &Version::new(1, 0, 0)), "a-v1.0.0");
    }

    #[test]
    fn latest_stable_is_the_highest_version() {
        let format = TagFormat::new("v{version}");
        let tags = [tag("v1.10.0"), tag("v1.9.0"), tag("v2.0.0-rc.1"), tag("junk")];
        let (releases, skipped) = releases(&format, &tags, None);
        assert_eq!(skipped, ["junk"]);
        assert_eq!(latest_stable(&releases).unwrap().tag.name, "v1.10.0");
    }
}
