//! A release already made, as `rollback` and `forward-port` need it: its tag and commit, the
//! release before it on its line, the fix commits it carried, and the journal `release` kept.

use semver::Version;

use crate::git::history::{CommitInfo, Repository};
use crate::plan::journal::{Journal, Store};
use crate::workspace::Workspace;

/// One release.
#[derive(Debug, Clone)]
pub struct Released {
    pub tag: String,
    pub version: Version,
    /// The crate its tag names, for a unit tagged per crate or a crate of its own.
    pub crate_name: Option<String>,
    pub commit: String,
    /// The release before it on its own line.
    pub previous: Option<String>,
    /// What it carried since `previous`: no merges, no release commit, oldest first.
    pub fixes: Vec<CommitInfo>,
    /// The journal `cargo patch release` kept, when this repository made the release.
    pub record: Option<Journal>,
}

/// Why a command that starts a branch from a release cannot go ahead.
#[derive(Debug, thiserror::Error)]
pub enum Unready {
    #[error("branch `{0}` already exists")]
    BranchExists(String),
    #[error("uncommitted changes in {}", crate::git::file_list(.0))]
    Dirty(Vec<String>),
}

impl crate::error::Help for Unready {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        match self {
            Self::BranchExists(branch) => {
                format!("it was started already: `git switch {branch}` (or delete it: `git branch -D {branch}`)")
            }
            Self::Dirty(_) => "commit or stash them first: the command switches branches".into(),
        }
    }
}

/// Refuses a work tree with uncommitted changes and a `branch` that exists already.
pub fn require_new_branch(root: &std::path::Path, repo: &Repository, branch: &str) -> Result<(), anyhow::Error> {
    if let Some(files) = crate::git::uncommitted_files(root, &[])?.filter(|f| !f.is_empty()) {
        return Err(Unready::Dirty(files).into());
    }
    if repo.resolve(&format!("refs/heads/{branch}")).is_ok() {
        return Err(Unready::BranchExists(branch.to_owned()).into());
    }
    Ok(())
}

/// Returns the release `wanted` names (a version or a tag; default: the highest release).
pub fn find(ws: &Workspace, repo: &Repository, wanted: Option<&str>) -> anyhow::Result<Released> {
    let tags = repo.tags()?;
    // A tag name picks its unit; a bare version (or nothing) means the only (or shared) unit's.
    // The named tag alone is read by each unit: a pass over the tags, not one per unit.
    let named = wanted.and_then(|w| tags.iter().find(|t| t.name == w));
    let by_name = named.and_then(|t| crate::workspace::units::release_of_tag(ws.units(), t)).map(|(unit, _)| unit);
    let unit = by_name.or(ws.units().first()).ok_or_else(|| anyhow::anyhow!("the workspace has no versioned crate"))?;
    let mut releases = unit.releases(&tags);
    if let Some(crate_name) = by_name
        .and_then(|_| releases.iter().find(|r| Some(r.tag.name.as_str()) == wanted))
        .and_then(|r| r.crate_name.clone())
    {
        releases.retain(|r| r.crate_name.as_deref() == Some(crate_name.as_str()));
    }
    let (release, previous) = crate::ops::notes::locate(repo, &mut releases, wanted, unit.format().as_str())?;
    let store = Store::new(repo.common_dir());
    // A finished release's record, else the journal of an unfinished one that made this tag
    // (pushed, not all published): its registry and crates are what a rollback yanks.
    let record = match store.record(&release.tag.name)? {
        Some(record) => Some(record),
        None => store.unfinished()?.filter(|j| j.tags.iter().any(|t| t.name == release.tag.name)),
    };
    let previous_commit = previous.as_ref().map(|p| p.tag.commit.as_str());
    let fixes = crate::ops::release::fix_commits(repo, &release.tag.commit, previous_commit)?;
    Ok(Released {
        tag: release.tag.name.clone(),
        version: release.version.clone(),
        crate_name: release.crate_name.clone().or_else(|| (!unit.shared).then(|| unit.name.clone())),
        commit: release.tag.commit.clone(),
        previous: previous.map(|p| p.tag.name.clone()),
        fixes,
        record,
    })
}
