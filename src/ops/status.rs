//! `status`: where each crate stands against its latest stable release, what the unreleased
//! commits call for, the hotfix branches and the hooks.

use std::path::Path;

use semver::Version;

use crate::changes::Change;
use crate::conventional::Level;
use crate::git::history::{Head, Repository};
use crate::ops::unreleased::{self, Since};
use crate::workspace::{VersioningMode, Workspace};

/// One crate's standing.
#[derive(Debug, Clone)]
pub struct CrateStatus {
    pub name: String,
    pub version: Version,
    pub publish: bool,
    /// The latest stable release tag reachable from HEAD.
    pub latest_stable: Option<String>,
    /// Conventional changes since it that touch the crate, newest first.
    pub unreleased: Vec<Change>,
    /// What they call for, and the version that gives.
    pub level: Option<Level>,
    pub next: Option<Version>,
}

/// A hotfix branch and the release it starts from.
#[derive(Debug, Clone)]
pub struct HotfixBranch {
    pub name: String,
    /// The base `start` recorded; else the one `check` derives from the release branches.
    pub base: Vec<String>,
}

/// Everything `status` reports.
#[derive(Debug, Clone)]
pub struct Status {
    pub head: Head,
    pub mode: VersioningMode,
    pub tag_format: String,
    pub crates: Vec<CrateStatus>,
    pub hotfix_branches: Vec<HotfixBranch>,
    /// `(hook, installed)` for the hooks cargo-patch installs.
    pub hooks: Vec<(&'static str, bool)>,
    /// A release whose journal is still there: its tags, and the steps left.
    pub unfinished_release: Option<(String, Vec<String>)>,
    /// The process running that release right now (it holds the release lock), if one does.
    pub release_running: Option<u32>,
    /// Whether the unfinished release pushed anything (then only `--resume` finishes it); `None`
    /// when a push was under way and the remote cannot be asked whether it arrived.
    pub release_pushed: Option<bool>,
}

/// The hooks `cargo patch hooks install` writes, and the text that marks them as ours.
const HOOKS: [&str; 2] = ["commit-msg", "pre-push"];
const HOOK_MARKER: &str = "cargo-patch";

/// Returns the status of the workspace and its repository.
pub fn status(manifest_path: Option<&Path>, cwd: &Path) -> anyhow::Result<Status> {
    let ws = Workspace::load(manifest_path, cwd)?;
    let repo = Repository::discover(&ws.root)?;
    let head = repo.head()?;
    let members: Vec<_> = ws.members.iter().collect();
    let tags = unreleased::visible_tags(&ws, &repo, head.commit())?;
    let histories = unreleased::histories(&ws, &repo, &tags, &members, Since::LatestStable)?;
    let shared = unreleased::workspace_level(&ws, histories.iter().map(|h| (h.name.as_str(), h.level())));
    let crates = histories
        .into_iter()
        .map(|h| {
            // Crates sharing the workspace version move together, at the highest level.
            // The same level `bump auto` and `release` plan: a changed manifest is a patch.
            let own = h.level();
            let level = if unreleased::inherits(&ws, &h.name) { shared } else { own };
            // A crate no release moves (`publish = false` with its own version and no `release =
            // true`) has no next version.
            let released = ws.unit_of(&h.name).is_some_and(|u| !u.released_crates.is_empty());
            let next = level.filter(|_| released).and_then(|l| l.target().apply(&h.version).ok().flatten());
            let publish = ws.member(&h.name).is_some_and(|m| m.publish);
            CrateStatus {
                latest_stable: h.since.map(|r| r.tag.name),
                unreleased: h.changes,
                level,
                next,
                publish,
                name: h.name,
                version: h.version,
            }
        })
        .collect();
    let store = crate::plan::journal::Store::new(repo.common_dir());
    let journal = store.unfinished()?;
    let release_running = journal.as_ref().and(store.running());
    // A push that was under way when its process died may have arrived: the remote says.
    let release_pushed = match &journal {
        Some(journal) => crate::plan::transaction::has_reached_remote(journal).ok(),
        None => Some(false),
    };
    Ok(Status {
        release_running,
        release_pushed,
        unfinished_release: journal.map(|j| (j.tag_names(), j.progress().1)),
        hotfix_branches: hotfix_branches(&ws, &repo)?,
        hooks: HOOKS
            .iter()
            .map(|hook| {
                let text = std::fs::read_to_string(repo.hooks_dir().join(hook)).unwrap_or_default();
                (*hook, text.contains(HOOK_MARKER))
            })
            .collect(),
        head,
        mode: ws.mode,
        tag_format: ws.tag_format().to_owned(),
        crates,
    })
}

/// Returns the local branches named like `hotfix-branch`, each with its base release: the one
/// `start` recorded, else the one `check` would derive.
fn hotfix_branches(ws: &Workspace, repo: &Repository) -> anyhow::Result<Vec<HotfixBranch>> {
    let mut branches = Vec::new();
    for (name, _) in repo.branches(ws.config.hotfix_branch_prefix())? {
        let base = crate::ops::check::hotfix_base(&ws.config, repo, &name)?;
        branches.push(HotfixBranch { name, base: base.into_iter().collect() });
    }
    Ok(branches)
}
