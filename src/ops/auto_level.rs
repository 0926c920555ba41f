//! `bump auto`: each crate's level from the conventional commits since its last release tag that
//! touch its directory; crates that share the workspace version take the highest of them.

use std::collections::HashMap;
use std::path::Path;

use crate::conventional::{ConventionalCommit, Level};
use crate::git::history::{CommitInfo, CommitOrder, Repository};
use crate::release_tag::{self, TagFormat};
use crate::version::{BumpLevel, TargetVersion};
use crate::workspace::{Member, Selection, Workspace};

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
}

impl CrateLevel {
    /// Returns the bump target for this level.
    pub fn target(&self) -> Option<TargetVersion> {
        self.level.map(|level| {
            TargetVersion::Level(match level {
                Level::Major => BumpLevel::Major,
                Level::Minor => BumpLevel::Minor,
                Level::Patch => BumpLevel::Patch,
            })
        })
    }

    /// Returns why, for the result table: "minor: 3 commits since v1.2.0".
    pub fn explanation(&self) -> String {
        let level = self.level.map_or_else(|| "nothing".to_owned(), |l| l.to_string());
        let plural = if self.commits == 1 { "" } else { "s" };
        match &self.since {
            Some(tag) => format!("{level}: {} commit{plural} since {tag}", self.commits),
            None => format!("{level}: {} commit{plural}, no release yet", self.commits),
        }
    }
}

/// Returns the level of each crate `selection` names, from the workspace's history at HEAD.
pub fn levels_of(ws: &Workspace, selection: &Selection) -> anyhow::Result<Vec<CrateLevel>> {
    let repo = Repository::discover(&ws.root)?;
    levels(ws, &repo, &ws.select(selection)?)
}

/// Returns the level of each of `members`, from the history of `repo` at HEAD.
pub fn levels(ws: &Workspace, repo: &Repository, members: &[&Member]) -> anyhow::Result<Vec<CrateLevel>> {
    let head = repo.head()?;
    repo.require_full_history()?;
    let reachable = repo.reachable(head.commit())?;
    let tags: Vec<_> = repo.tags()?.into_iter().filter(|t| reachable.contains(&t.commit)).collect();
    let format = TagFormat::new(ws.tag_format());
    let root = crate::fs::canonical(repo.workdir());
    let mut changed: HashMap<String, Vec<String>> = HashMap::new();
    let mut levels = Vec::with_capacity(members.len());
    for member in members {
        let crate_name = format.names_crate().then_some(member.name.as_str());
        let (releases, _) = release_tag::releases(&format, &tags, crate_name);
        let last = releases.iter().max_by(|a, b| a.version.cmp(&b.version));
        let hidden: Vec<String> = last.iter().map(|r| r.tag.commit.clone()).collect();
        let commits = repo.commits(&[head.commit().to_owned()], &hidden, CommitOrder::Time)?;
        let dir = relative_dir(&root, &member.dir);
        let mut level = None;
        let mut count = 0;
        for commit in &commits {
            let Ok(conventional) = ConventionalCommit::parse(&commit.message) else { continue };
            if !touches(repo, &mut changed, commit, &dir)? {
                continue;
            }
            count += 1;
            level = level.max(Some(conventional.level(&member.version)));
        }
        levels.push(CrateLevel {
            name: member.name.clone(),
            level,
            since: last.map(|r| r.tag.name.clone()),
            commits: count,
        });
    }
    share_workspace_level(ws, &mut levels);
    Ok(levels)
}

/// Crates that inherit `[workspace.package] version` move together, at their highest level.
fn share_workspace_level(ws: &Workspace, levels: &mut [CrateLevel]) {
    let inherits = |name: &str| ws.member(name).is_some_and(|m| m.inherits_version);
    let shared = levels.iter().filter(|l| inherits(&l.name)).filter_map(|l| l.level).max();
    for level in levels.iter_mut().filter(|l| inherits(&l.name) && l.level.is_some()) {
        level.level = shared;
    }
}

/// Returns the crate directory relative to the repository root, `/`-separated, with a trailing
/// `/` (empty for a crate at the root, which every path is under).
fn relative_dir(root: &Path, dir: &Path) -> String {
    let dir = crate::fs::canonical(dir);
    let relative = dir.strip_prefix(root).unwrap_or(&dir).to_string_lossy().replace('\\', "/");
    if relative.is_empty() { relative } else { format!("{relative}/") }
}

/// Returns whether `commit` changes a file under `dir`; changed paths are read once per commit.
fn touches(
    repo: &Repository,
    cache: &mut HashMap<String, Vec<String>>,
    commit: &CommitInfo,
    dir: &str,
) -> anyhow::Result<bool> {
    if !cache.contains_key(&commit.id) {
        cache.insert(commit.id.clone(), repo.changed_paths(commit)?);
    }
    Ok(cache[&commit.id].iter().any(|path| path.starts_with(dir)))
}
