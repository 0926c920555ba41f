//! Release units: what is versioned, tagged and released together.
//!
//! The crates that inherit `[workspace.package] version` form one unit (one version, one tag);
//! every crate with a `version` of its own is a unit of its own (its own tag). A member with no
//! `version` that is not published (`examples/*`, `xtask`) belongs to no unit: cargo-patch never
//! versions it. A member with `release = false` is versioned (it may share the workspace
//! version) but never tagged or published.
//!
//! Each unit knows its tag formats: the first is how a new tag is written, the others are read
//! too, so an existing history is recognised (a root crate tagged `v1.0.0` and `root-v0.8.0`).
//! `{crate}` in a tag format is expanded here and nowhere else.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use semver::Version;

use crate::git::history::Tag;
use crate::release_tag::{self, ReleaseTag, TagFormat};

/// The default tag format of a unit that is the only one, or the shared version, or the root crate.
pub const PLAIN_FORMAT: &str = "v{version}";
/// The default tag format of a crate with its own version beside other units.
pub const CRATE_FORMAT: &str = "{crate}-v{version}";

/// Where a member's version comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionSource {
    /// `version.workspace = true`.
    Shared,
    /// `version = "..."` in its own manifest.
    Own,
    /// No `version` key (cargo uses 0.0.0).
    Missing,
}

/// What units need to know of a member.
#[derive(Debug, Clone)]
pub struct UnitMember {
    pub name: String,
    pub dir: PathBuf,
    pub version: Version,
    pub source: VersionSource,
    pub publish: bool,
    /// `false` for `release = false`: versioned, never tagged or published.
    pub release: bool,
    /// The member's own `tag-format`, if it sets one.
    pub tag_format: Option<String>,
    /// Whether this is the package of the workspace root manifest.
    pub is_root: bool,
}

impl UnitMember {
    /// Returns whether cargo-patch versions this member at all: it has a version, or it is
    /// published (cargo then refuses it without one, and the bump says so).
    pub fn is_versioned(&self) -> bool {
        self.source != VersionSource::Missing || self.publish
    }
}

/// Crates released together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// `workspace` for the shared version, else the crate's name.
    pub name: String,
    pub shared: bool,
    /// Its crates, by name, sorted; `release = false` crates included.
    pub crates: Vec<String>,
    /// The crates that are tagged and published (not `release = false`).
    pub released_crates: Vec<String>,
    /// Their directories (for "which commits touch this unit").
    pub dirs: Vec<PathBuf>,
    pub version: Version,
    /// The first writes new tags; all are read.
    pub formats: Vec<TagFormat>,
}

impl Unit {
    /// Returns the tags of `version` for this unit: one, or one per released crate when the format
    /// names the crate.
    pub fn tags(&self, version: &Version) -> Vec<String> {
        self.tags_in(self.format(), version)
    }

    /// Returns the format that writes the unit's new tags (the first of `formats`).
    #[expect(clippy::indexing_slicing, reason = "`units` gives every unit at least one format")]
    pub fn format(&self) -> &TagFormat {
        &self.formats[0]
    }

    /// Returns the tags of `version` in the convention of `previous` (the unit's latest release,
    /// when one of its formats wrote it), so a history tagged `core-v1.0.0` goes on as
    /// `core-v1.0.1` even where the default would be `v1.0.1`.
    pub fn tags_after(&self, previous: Option<&ReleaseTag>, version: &Version) -> Vec<String> {
        let used = previous.and_then(|p| {
            let crate_name = p.crate_name.clone().or_else(|| self.crates.first().cloned()).unwrap_or_default();
            self.formats.iter().find(|f| f.format(&crate_name, &p.version) == p.tag.name)
        });
        self.tags_in(used.unwrap_or(self.format()), version)
    }

    fn tags_in(&self, format: &TagFormat, version: &Version) -> Vec<String> {
        if format.names_crate() {
            self.released_crates.iter().map(|c| format.format(c, version)).collect()
        } else {
            vec![format.format(self.crates.first().map_or("", String::as_str), version)]
        }
    }

    /// Returns this unit's releases among `tags`, read with every format it knows.
    pub fn releases(&self, tags: &[Tag]) -> Vec<ReleaseTag> {
        releases_of(std::slice::from_ref(self), tags).pop().unwrap_or_default()
    }
}

/// Returns the unit among `units` that reads `tag` as one of its releases, with that release: a
/// tag name says whose release it is.
pub fn release_of_tag<'u>(units: &'u [Unit], tag: &Tag) -> Option<(&'u Unit, ReleaseTag)> {
    units.iter().find_map(|unit| unit.releases(std::slice::from_ref(tag)).into_iter().next().map(|r| (unit, r)))
}

impl Unit {
    /// Returns the unit's latest release among `tags`: the highest version that is not above the
    /// unit's current version (pre-releases only when `stable_only` is false).
    pub fn latest_release(&self, tags: &[Tag], stable_only: bool) -> Option<ReleaseTag> {
        latest_at_most(self.releases(tags), &self.version, stable_only)
    }

    /// Returns one regex matching every tag of this unit (git-cliff's `tag_pattern`).
    pub fn tag_pattern(&self) -> regex::Regex {
        let mut alternatives = Vec::new();
        for format in &self.formats {
            if format.names_crate() {
                alternatives.extend(self.crates.iter().map(|c| format.pattern(Some(c)).as_str().to_owned()));
            } else {
                alternatives.push(format.pattern(None).as_str().to_owned());
            }
        }
        // Each alternative names its groups; only the match matters here.
        let unnamed: Vec<String> = alternatives
            .iter()
            .map(|a| format!("(?:{})", a.replace("(?P<version>", "(?:").replace("(?P<crate>", "(?:")))
            .collect();
        regex::Regex::new(&unnamed.join("|")).unwrap_or_else(|_| crate::release_tag::matches_nothing())
    }

    /// Returns whether `name` is one of its crates.
    pub fn has(&self, name: &str) -> bool {
        self.crates.iter().any(|c| c == name)
    }
}

/// One way a unit reads a tag, once the text before its version matched: the text after the
/// version, the unit, the rank of the format and crate (the first wins), and the crate.
type Reading<'a> = (String, usize, usize, Option<&'a str>);

/// Returns each of `units`' releases among `tags` (a tag is a unit's release when one of its
/// formats reads it; the first format, then the first crate, that reads it says how), in one
/// pass over the tags: each tag is looked up by the text before its version, not matched
/// against every unit's patterns.
pub fn releases_of(units: &[Unit], tags: &[Tag]) -> Vec<Vec<ReleaseTag>> {
    // The text before `{version}` -> its readings.
    let mut by_prefix: HashMap<String, Vec<Reading<'_>>> = HashMap::new();
    for (index, unit) in units.iter().enumerate() {
        let mut rank = 0;
        for format in &unit.formats {
            let names: Vec<Option<&str>> =
                if format.names_crate() { unit.crates.iter().map(|c| Some(c.as_str())).collect() } else { vec![None] };
            for name in names {
                if let Some((before, after)) = format.around_version(name) {
                    by_prefix.entry(before).or_default().push((after, index, rank, name));
                }
                rank += 1;
            }
        }
    }
    let mut found: Vec<Vec<(usize, usize, ReleaseTag)>> = vec![Vec::new(); units.len()];
    let mut best: HashMap<usize, (usize, Version, Option<&str>)> = HashMap::new();
    for (tag_index, tag) in tags.iter().enumerate() {
        // A version starts with a digit: only the prefixes ending just before one can match.
        for (at, _) in tag.name.char_indices().filter(|(_, c)| c.is_ascii_digit()) {
            let Some(entries) = by_prefix.get(&tag.name[..at]) else { continue };
            for (after, unit, rank, name) in entries {
                let version = tag.name[at..].strip_suffix(after.as_str()).and_then(release_tag::version_part);
                if let Some(version) = version
                    && best.get(unit).is_none_or(|(r, _, _)| rank < r)
                {
                    best.insert(*unit, (*rank, version, *name));
                }
            }
        }
        for (unit, (rank, version, name)) in best.drain() {
            let crate_name = name.map(str::to_owned);
            if let Some(list) = found.get_mut(unit) {
                list.push((rank, tag_index, ReleaseTag { tag: tag.clone(), crate_name, version }));
            }
        }
    }
    // In the order the formats and crates read them, as a scan format by format lists them.
    found
        .into_iter()
        .map(|mut list| {
            list.sort_by_key(|(rank, tag_index, _)| (*rank, *tag_index));
            list.into_iter().map(|(_, _, release)| release).collect()
        })
        .collect()
}

/// Returns the highest of `releases` whose version is not above `current`.
pub fn latest_at_most(releases: Vec<ReleaseTag>, current: &Version, stable_only: bool) -> Option<ReleaseTag> {
    releases
        .into_iter()
        .filter(|r| !stable_only || r.version.pre.is_empty())
        // A manifest at 1.2.0-dev is past 1.1.x and before 1.2.0, as semver orders them.
        .filter(|r| r.version <= *current)
        .max_by(|a, b| a.version.cmp(&b.version))
}

/// Returns the release units of `members`, with `tag_format` the workspace's `tag-format`.
pub fn units(members: &[UnitMember], tag_format: Option<&str>) -> Vec<Unit> {
    let versioned: Vec<&UnitMember> = members.iter().filter(|m| m.is_versioned()).collect();
    let shared: Vec<&UnitMember> = versioned.iter().copied().filter(|m| m.source == VersionSource::Shared).collect();
    let own: Vec<&UnitMember> = versioned.iter().copied().filter(|m| m.source != VersionSource::Shared).collect();
    let lone = usize::from(!shared.is_empty()) + own.len() == 1;
    // A `tag-format` without `{crate}` and no shared version: the user keeps every crate at one
    // version under one tag (lockstep), as long as their versions agree.
    let lockstep = shared.is_empty()
        && own.len() > 1
        && tag_format.is_some_and(|f| !f.contains("{crate}"))
        && own.iter().all(|m| own.first().is_some_and(|first| m.version == first.version));
    let mut out = Vec::new();
    if !shared.is_empty() || lockstep {
        let crates = if lockstep { &own } else { &shared };
        let format = tag_format.unwrap_or(PLAIN_FORMAT);
        out.push(unit("workspace", true, crates, vec![TagFormat::new(format)]));
    }
    if lockstep {
        return out;
    }
    for member in own {
        let formats = match (&member.tag_format, tag_format) {
            (Some(own), _) => vec![own.clone()],
            (None, Some(format)) if format.contains("{crate}") || lone => vec![format.to_owned()],
            // The shared version (or a lockstep set) owns `tag-format`'s plain tags.
            (None, Some(_)) => vec![CRATE_FORMAT.to_owned()],
            (None, None) if lone || member.is_root && shared.is_empty() => {
                vec![PLAIN_FORMAT.to_owned(), CRATE_FORMAT.to_owned()]
            }
            (None, None) => vec![CRATE_FORMAT.to_owned()],
        };
        let formats = formats.iter().map(|f| TagFormat::new(f)).collect();
        out.push(unit(&member.name, false, &[member], formats));
    }
    out
}

fn unit(name: &str, shared: bool, members: &[&UnitMember], formats: Vec<TagFormat>) -> Unit {
    let mut members = members.to_vec();
    members.sort_by(|a, b| a.name.cmp(&b.name));
    Unit {
        name: name.to_owned(),
        shared,
        crates: members.iter().map(|m| m.name.clone()).collect(),
        released_crates: members.iter().filter(|m| m.release).map(|m| m.name.clone()).collect(),
        dirs: members.iter().map(|m| m.dir.clone()).collect(),
        version: members.first().map_or_else(|| Version::new(0, 0, 0), |m| m.version.clone()),
        formats,
    }
}

/// Maps a changed path to the member that owns it: the longest member directory that contains
/// it (a root crate owns what no other member does).
pub struct Owners {
    /// Member directory relative to the repository root (`""` for the root) -> member name.
    by_dir: HashMap<String, String>,
}

impl Owners {
    /// Returns the owner table of `members` (name, directory), for paths relative to `root`
    /// (both are compared as canonical paths).
    pub fn new<'a>(root: &Path, members: impl Iterator<Item = (&'a str, &'a Path)>) -> Self {
        let root = crate::fs::canonical(root);
        let by_dir = members
            .map(|(name, dir)| {
                let dir = crate::fs::canonical(dir);
                let rel = dir.strip_prefix(&root).unwrap_or(&dir).to_string_lossy().replace('\\', "/");
                (rel, name.to_owned())
            })
            .collect();
        Self { by_dir }
    }

    /// Returns the member owning `path` (`/`-separated, relative to the repository root).
    pub fn owner(&self, path: &str) -> Option<&str> {
        // The longest containing directory is the first of `path`'s ancestors that is a member's:
        // a lookup per path component, whatever the number of members.
        let mut dir = path;
        loop {
            if let Some(name) = self.by_dir.get(dir) {
                return Some(name);
            }
            if dir.is_empty() {
                return None;
            }
            dir = dir.rfind('/').map_or("", |slash| &dir[..slash]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(name: &str, version: &str, source: VersionSource) -> UnitMember {
        UnitMember {
            name: name.into(),
            dir: PathBuf::from(format!("/ws/{name}")),
            version: Version::parse(version).unwrap(),
            source,
            publish: true,
            release: true,
            tag_format: None,
            is_root: false,
        }
    }

    fn tag(name: &str) -> Tag {
        Tag { name: name.into(), commit: "0".repeat(40), commit_time: 0, message: None }
    }

    #[test]
    fn a_mixed_workspace_has_a_shared_unit_and_one_per_own_version() {
        let mut tool = member("tool", "0.0.0", VersionSource::Missing);
        tool.publish = false;
        let members = [
            member("core-a", "1.2.3", VersionSource::Shared),
            member("core-b", "1.2.3", VersionSource::Shared),
            member("indie", "0.4.1", VersionSource::Own),
            tool,
        ];
        let units = units(&members, Some("v{version}"));
        assert_eq!(units.len(), 2, "{units:?}");
        assert_eq!(units[0].crates, ["core-a", "core-b"]);
        assert_eq!(units[0].tags(&Version::new(1, 2, 4)), ["v1.2.4"]);
        assert_eq!(units[1].tags(&Version::new(0, 4, 2)), ["indie-v0.4.2"]);
    }

    #[test]
    fn a_root_crate_reads_both_conventions_and_takes_the_highest_not_above_its_version() {
        let mut root = member("root", "0.11.0", VersionSource::Own);
        root.is_root = true;
        let units = units(&[root, member("m", "0.3.0", VersionSource::Own)], None);
        let tags = [tag("root-v0.8.0"), tag("v0.10.0"), tag("v0.11.0"), tag("v0.12.0"), tag("m-v0.3.0")];
        assert_eq!(units[0].latest_release(&tags, true).unwrap().tag.name, "v0.11.0");
        assert_eq!(units[0].tags(&Version::new(0, 11, 1)), ["v0.11.1"]);
        assert_eq!(units[1].latest_release(&tags, true).unwrap().tag.name, "m-v0.3.0");
    }

    #[test]
    fn owners_pick_the_longest_directory() {
        let mut root = member("root", "1.0.0", VersionSource::Own);
        root.dir = PathBuf::from("/ws");
        let mut nested = member("nested", "1.0.0", VersionSource::Own);
        nested.dir = PathBuf::from("/ws/crates/nested");
        let members = [root, nested];
        let owners = Owners::new(Path::new("/ws"), members.iter().map(|m| (m.name.as_str(), m.dir.as_path())));
        assert_eq!(owners.owner("crates/nested/src/lib.rs"), Some("nested"));
        assert_eq!(owners.owner("crates/nested2/src/lib.rs"), Some("root"));
        assert_eq!(owners.owner("README.md"), Some("root"));
    }
}
