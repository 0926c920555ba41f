//! Each crate's changes since its last release (the conventional commits that touch its
//! directory), and the level `bump auto` takes from them: crates that share the workspace
//! version take the highest of their levels.

use std::collections::{HashMap, HashSet};

use crate::changes::{self, Change};
use crate::conventional::Level;
use crate::git::history::{self, CommitInfo, CommitOrder, Repository, Tag};
use crate::git::walk::Walked;
use crate::release_tag::ReleaseTag;
use crate::version::TargetVersion;
use crate::workspace::units::latest_at_most;
use crate::workspace::{Member, Workspace};

/// What the commits since a crate's last release call for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateLevel {
    pub name: String,
    /// `None` when no conventional commit touches the crate since `since`.
    pub level: Option<Level>,
    /// The release tag the commits are counted from (`None`: the whole history).
    pub since: Option<String>,
    /// The conventional commits that touch the crate.
    pub commits: usize,
    /// Their headers, newest first, each with its short id (`feat(x)!: new api (1a2b3c4)`).
    pub subjects: Vec<String>,
    /// Without a release tag: the commit that set the current version, counted from.
    pub version_set_at: Option<String>,
}

impl CrateLevel {
    /// Returns the bump target for this level.
    pub fn target(&self) -> Option<TargetVersion> {
        self.level.map(Level::target)
    }

    /// Returns why, for the result table: "minor: 3 commits since v1.2.0".
    pub fn explanation(&self) -> String {
        let level = self.level.map_or_else(|| "nothing".to_owned(), |l| l.to_string());
        let plural = if self.commits == 1 { "" } else { "s" };
        if let (0, Some(_), Some(tag)) =
            (self.commits, self.level, self.since.as_ref().or(self.version_set_at.as_ref()))
        {
            return format!("{level}: its manifest changed since {tag}");
        }
        match (&self.since, &self.version_set_at) {
            (Some(tag), _) => format!("{level}: {} commit{plural} since {tag}", self.commits),
            (None, Some(commit)) => {
                let short = crate::git::short_id(commit);
                format!(
                    "{level}: {} commit{plural} since {short}, which set the version (no release tag)",
                    self.commits
                )
            }
            (None, None) => format!("{level}: {} commit{plural}, no release yet", self.commits),
        }
    }
}

/// Which release a crate's unreleased changes are counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// The highest release version, pre-releases included (what `bump` moves on from).
    LastRelease,
    /// The latest stable release (what `status` reports against).
    LatestStable,
}

/// A crate's changes since a release.
#[derive(Debug, Clone)]
pub struct CrateHistory {
    pub name: String,
    pub version: semver::Version,
    pub since: Option<ReleaseTag>,
    /// Conventional changes that touch the crate's directory, newest first.
    pub changes: Vec<Change>,
    /// Whether any commit since `since` (a release commit of another crate, a plain `Update deps`)
    /// changed the crate's manifest: then the crate cannot go out again under the tagged version.
    pub manifest_changed: bool,
    /// For a crate with no release tag: the commit that set its current version, which the
    /// changes are counted from.
    pub version_set_at: Option<String>,
}

impl CrateHistory {
    /// Returns the level the crate's history calls for: its changes' highest, and at least a
    /// patch when its manifest changed since the release, conventional or not.
    pub fn level(&self) -> Option<Level> {
        self.changes.iter().map(|c| c.level(&self.version)).max().or(self.manifest_changed.then_some(Level::Patch))
    }
}

/// Returns `path` relative to `root` (both compared as canonical paths), `/`-separated.
fn relative(root: &std::path::Path, path: &std::path::Path) -> Option<String> {
    let path = crate::fs::canonical(path);
    path.strip_prefix(root).ok().map(|p| p.to_string_lossy().replace('\\', "/"))
}

/// Where a member's version is written: its own manifest, or the root's `[workspace.package]`
/// when it inherits it.
struct VersionFile {
    /// The manifest, relative to the repository root.
    path: String,
    shared: bool,
}

impl VersionFile {
    fn of(ws: &Workspace, member: &Member, root: &std::path::Path) -> Option<Self> {
        let shared = member.source == crate::workspace::VersionSource::Shared;
        if member.source == crate::workspace::VersionSource::Missing {
            return None;
        }
        let manifest = if shared { &ws.root_manifest_path } else { &member.manifest_path };
        Some(Self { path: relative(root, manifest)?, shared })
    }

    /// Returns the version the file holds at `commit`.
    fn version_at(&self, repo: &Repository, commit: &str) -> Result<Option<String>, history::Error> {
        let Some(text) = repo.file_at(commit, &self.path)? else { return Ok(None) };
        let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else { return Ok(None) };
        let table = if self.shared { doc.get("workspace").and_then(|w| w.get("package")) } else { doc.get("package") };
        Ok(table.and_then(|t| t.get("version")).and_then(|v| v.as_str()).map(str::to_owned))
    }

    /// Returns whether `commit` (which changes `paths`) changes the version against its first parent.
    fn changed_by(&self, repo: &Repository, commit: &CommitInfo, paths: &[String]) -> Result<bool, history::Error> {
        let Some(parent) = commit.parents.first() else { return Ok(false) };
        Ok(paths.contains(&self.path) && self.version_at(repo, &commit.id)? != self.version_at(repo, parent)?)
    }
}

/// Returns the tags a line's releases are looked for among: those reachable from `head`, and
/// those on release branches (local, or the remote's tracking branches) that fork from `head`'s
/// history, since a release line that is cut from main, bumped and tagged there is often never
/// merged back. A tag on another line above the manifest's version is left out by
/// [`Unit::latest_release`](crate::workspace::Unit::latest_release), not here.
pub fn visible_tags(ws: &Workspace, repo: &Repository, head: &str) -> anyhow::Result<Vec<Tag>> {
    let reachable = repo.reachable(head)?;
    let prefix = ws.config.release_branch_prefix();
    let mut tips = Vec::new();
    let branches = repo.branches(prefix)?.into_iter().chain(repo.remote_branches(&ws.config.remote, prefix)?);
    for (_, commit) in branches {
        if !reachable.contains(&commit) && !tips.contains(&commit) && repo.merge_base(&commit, head)?.is_some() {
            tips.push(commit);
        }
    }
    let on_lines: HashSet<String> = if tips.is_empty() {
        HashSet::new()
    } else {
        repo.commits(&tips, &[head.to_owned()], CommitOrder::Time)?.into_iter().map(|c| c.id).collect()
    };
    // The tag of the very version a unit's manifest holds is its release wherever it points (a
    // later commit tagged it): what that version shipped is known, not unreleased.
    let tags = repo.tags()?;
    let units = ws.units();
    let exact: HashSet<String> = crate::workspace::units::releases_of(units, &tags)
        .into_iter()
        .zip(units)
        .flat_map(|(releases, u)| releases.into_iter().filter(|r| r.version == u.version).map(|r| r.tag.name))
        .collect();
    Ok(tags
        .into_iter()
        .filter(|t| reachable.contains(&t.commit) || on_lines.contains(&t.commit) || exact.contains(&t.name))
        .collect())
}

/// Returns, for each of `members` that cargo-patch versions, the conventional changes since its
/// unit's release (`since`) that touch files it owns, from the history of `repo` at HEAD, whose
/// [`visible_tags`] are `tags` (read once by the caller, who may need them again).
///
/// One walk over history serves every member (see [`Repository::walk`]): member `i` is lane
/// `i`, whose base is its unit's release tag, else the newest commit that set its version
/// (cargo-release's `tag = false`, a crate released with another), found during the walk.
pub fn histories(
    ws: &Workspace,
    repo: &Repository,
    tags: &[Tag],
    members: &[&Member],
    since: Since,
) -> anyhow::Result<Vec<CrateHistory>> {
    let head = repo.head()?;
    repo.require_full_history()?;
    let root = crate::fs::canonical(repo.workdir());
    let owners = ws.owners(&root);
    let units: Vec<_> = members.iter().map(|m| ws.unit_of(&m.name)).collect();
    let all_units = ws.units();
    let releases = crate::workspace::units::releases_of(all_units, tags);
    // A unit tagged per crate has a tag for each of its crates at a release: a crate's base is
    // named by its own, when it has one there.
    let base_of = |unit: &crate::workspace::Unit, member: &str| -> Option<ReleaseTag> {
        let at = all_units.iter().position(|u| u.name == unit.name)?;
        let unit_releases = releases.get(at)?;
        let base = latest_at_most(unit_releases.clone(), &unit.version, since == Since::LatestStable)?;
        let own = unit_releases.iter().find(|r| {
            r.crate_name.as_deref() == Some(member) && r.version == base.version && r.tag.commit == base.tag.commit
        });
        Some(own.cloned().unwrap_or(base))
    };
    let bases: Vec<Option<ReleaseTag>> =
        units.iter().zip(members).map(|(u, m)| u.and_then(|u| base_of(u, &m.name))).collect();
    let files: Vec<Option<VersionFile>> = members.iter().map(|m| VersionFile::of(ws, m, &root)).collect();
    let lanes: Vec<(usize, String)> =
        bases.iter().enumerate().filter_map(|(i, b)| Some((i, b.as_ref()?.tag.commit.clone()))).collect();
    // Never tagged: the member's last release is the newest commit that set its current version.
    let mut version_set_at: Vec<Option<String>> = vec![None; members.len()];
    let walked = repo.walk(head.commit(), members.len(), &lanes, |commit, paths| {
        let mut found = Vec::new();
        // Members sharing the workspace version read the same file: once per commit.
        let mut changed: HashMap<(&str, bool), bool> = HashMap::new();
        for (i, ((file, base), set_at)) in files.iter().zip(&bases).zip(version_set_at.iter_mut()).enumerate() {
            let Some(file) = file.as_ref().filter(|_| base.is_none() && set_at.is_none()) else {
                continue;
            };
            let key = (file.path.as_str(), file.shared);
            let by_commit = match changed.get(&key) {
                Some(&known) => known,
                None => *changed.entry(key).or_insert(file.changed_by(repo, commit, paths)?),
            };
            if by_commit {
                *set_at = Some(commit.id.clone());
                found.push(i);
            }
        }
        Ok(found)
    })?;
    // Each commit's paths are mapped to their owners once, for every member at the same time.
    let mut touched_by: HashMap<&str, Vec<&Walked>> = HashMap::new();
    for commit in &walked {
        let mut owners_of: Vec<&str> = commit.paths.iter().filter_map(|p| owners.owner(p)).collect();
        owners_of.sort_unstable();
        owners_of.dedup();
        for owner in owners_of {
            touched_by.entry(owner).or_default().push(commit);
        }
    }
    let mut histories = Vec::with_capacity(members.len());
    let lanes = members.iter().zip(bases).zip(units).zip(version_set_at);
    for (i, (((member, base), unit), version_set_at)) in lanes.enumerate() {
        if unit.is_none() {
            continue;
        }
        let touched = touched_by.get(member.name.as_str()).map(Vec::as_slice).unwrap_or_default();
        let touching: Vec<&Walked> = touched.iter().copied().filter(|w| !w.is_below(i)).collect();
        let manifest = relative(&root, &member.manifest_path);
        let counted = base.is_some() || version_set_at.is_some();
        let manifest_changed = counted && touching.iter().any(|w| w.paths.iter().any(|p| Some(p) == manifest.as_ref()));
        let touching: Vec<CommitInfo> = touching.into_iter().map(|w| w.info.clone()).collect();
        // A cherry-pick (`-x`) of a commit the release already holds (a forward-port) is released.
        let touching = match &base {
            Some(release) => without_released_picks(repo, touching, &release.tag.commit)?,
            None => touching,
        };
        histories.push(CrateHistory {
            name: member.name.clone(),
            version: member.version.clone(),
            since: base,
            changes: changes::from_commits(&touching),
            manifest_changed,
            version_set_at,
        });
    }
    Ok(histories)
}

/// Returns `commits` without the cherry-picks whose original `release` already contains.
fn without_released_picks(
    repo: &Repository,
    commits: Vec<CommitInfo>,
    release: &str,
) -> anyhow::Result<Vec<CommitInfo>> {
    let mut kept = Vec::with_capacity(commits.len());
    for commit in commits {
        let original = crate::conventional::cherry_picked_from(&commit.message).and_then(|o| repo.resolve(o).ok());
        let released = match original {
            Some(original) => repo.merge_base(&original, release)?.as_deref() == Some(original.as_str()),
            None => false,
        };
        if !released {
            kept.push(commit);
        }
    }
    Ok(kept)
}

/// Returns the level of each of `members`, from the history of `repo` at HEAD, whose
/// [`visible_tags`] are `tags`.
pub fn levels(ws: &Workspace, repo: &Repository, tags: &[Tag], members: &[&Member]) -> anyhow::Result<Vec<CrateLevel>> {
    let mut levels: Vec<CrateLevel> = histories(ws, repo, tags, members, Since::LastRelease)?
        .into_iter()
        .map(|h| CrateLevel {
            level: h.level(),
            since: h.since.map(|r| r.tag.name),
            commits: h.changes.len(),
            subjects: h.changes.iter().map(Change::header).collect(),
            version_set_at: h.version_set_at,
            name: h.name,
        })
        .collect();
    share_workspace_level(ws, &mut levels);
    Ok(levels)
}

/// Crates that inherit `[workspace.package] version` move together, at their highest level.
fn share_workspace_level(ws: &Workspace, levels: &mut [CrateLevel]) {
    let shared = workspace_level(ws, levels.iter().map(|l| (l.name.as_str(), l.level)));
    for level in levels.iter_mut().filter(|l| inherits(ws, &l.name) && l.level.is_some()) {
        level.level = shared;
    }
}

/// Returns the highest level among the crates that inherit the workspace version.
pub fn workspace_level<'a>(ws: &Workspace, levels: impl Iterator<Item = (&'a str, Option<Level>)>) -> Option<Level> {
    levels.filter(|(name, _)| inherits(ws, name)).filter_map(|(_, level)| level).max()
}

/// Returns whether `name` inherits `[workspace.package] version`.
pub fn inherits(ws: &Workspace, name: &str) -> bool {
    ws.member(name).is_some_and(|m| m.inherits_version)
}
