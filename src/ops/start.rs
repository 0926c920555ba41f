//! `start`: cut `hotfix/<slug>` from the release line of the latest stable release (or
//! `--from`), creating the release branch at its tag when missing, and record the base.

use std::path::{Path, PathBuf};

use semver::Version;

use crate::git::history::Repository;
use crate::hotfix::slug;
use crate::plan::repo::{self, RepoPlan, RepoStep};
use crate::release_tag::{self, ReleaseTag};
use crate::workspace::{Unit, Workspace};

/// What `start` did.
#[derive(Debug, Clone)]
pub struct Started {
    pub hotfix_branch: String,
    pub release_branch: String,
    /// Whether the release branch was created, and from what: the base tag, or the remote's
    /// branch of that name.
    pub created_release_branch: bool,
    pub release_branch_from: String,
    pub base: String,
    pub next_version: Version,
}

/// Why `start` refused; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("no stable release tag of the form `{format}` exists")]
    NoRelease { format: String },
    #[error("`{tag}` is not a release tag of the form `{format}`")]
    NotARelease { tag: String, format: String },
    #[error("releases are tagged per crate (`{format}`), so the base must be named")]
    NeedsBase { format: String },
    #[error("the next patch of `{base}`, `{next}`, is already tagged")]
    PatchTaken { base: String, next: String, newest: String },
    #[error("branch `{0}` already exists")]
    BranchExists(String),
    #[error("`{branch}` does not contain `{base}`: it is not the release line that release was made on")]
    LineWithoutBase { branch: String, base: String },
}

impl crate::error::Help for Refused {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        match self {
            Self::NoRelease { .. } => "tag the release to fix first, or name it with `--from TAG`".into(),
            Self::NotARelease { .. } => "pass a release tag, e.g. `--from v1.2.3` (see `git tag`)".into(),
            Self::NeedsBase { .. } => "pass the release to fix with `--from`, e.g. `--from my-crate-v1.2.3`".into(),
            Self::PatchTaken { newest, .. } => format!("start from the newest patch of that line: `--from {newest}`"),
            Self::BranchExists(name) => format!("check it out (`git switch {name}`), or choose another slug"),
            Self::LineWithoutBase { base, .. } => format!(
                "`git branch -a --contains {base}` shows where it was made; set `release-branch` to the branches your releases are made on"
            ),
        }
    }
}

/// Starts hotfix `slug` from `from` (default: the latest stable release); with `dry_run`, only
/// says what it would do.
pub fn start(
    manifest_path: Option<&Path>,
    cwd: &Path,
    slug: &str,
    from: Option<&str>,
    dry_run: bool,
) -> anyhow::Result<Started> {
    let slug = slug::validate(slug)?;
    let ws = Workspace::load(manifest_path, cwd)?;
    let repo = Repository::discover(&ws.root)?;
    repo.head()?;
    let workdir: PathBuf = repo.workdir().to_owned();
    let tags = repo.tags()?;
    let (unit, base) = base_release(&ws, &tags, from)?;

    // The next patch of this line must still be free.
    let mut next = base.version.clone();
    next.patch = crate::version::next_number(&base.version, next.patch, "patch")?;
    next.pre = semver::Prerelease::EMPTY;
    let mut line = unit.releases(&tags);
    line.retain(|r| r.crate_name == base.crate_name);
    let same_line = |r: &&ReleaseTag| r.version.major == base.version.major && r.version.minor == base.version.minor;
    if line.iter().any(|r| r.version == next) {
        let newest = line.iter().filter(same_line).max_by(|a, b| a.version.cmp(&b.version)).map(|r| r.tag.name.clone());
        return Err(Refused::PatchTaken {
            base: base.tag.name.clone(),
            next: unit.tags_after(Some(&base), &next).into_iter().next().unwrap_or_default(),
            newest: newest.unwrap_or_default(),
        }
        .into());
    }
    let crate_name = base.crate_name.clone().or_else(|| (!unit.shared).then(|| unit.name.clone()));
    let release_branch = ws.release_branch_of(&base.version, crate_name.as_deref());
    let hotfix_branch = ws.config.hotfix_branch_of(slug, crate_name.as_deref());
    let exists = |name: &str| repo.resolve(&format!("refs/heads/{name}")).is_ok();
    if exists(&hotfix_branch) {
        return Err(Refused::BranchExists(hotfix_branch).into());
    }
    let created_release_branch = !exists(&release_branch);
    // A release line the remote has (a clone knows it as `origin/<branch>`) goes on from there,
    // as `git switch <branch>` would: it may hold commits after the tag, and a branch cut at the
    // tag again would never push.
    let remote = &ws.config.remote;
    let upstream = format!("{remote}/{release_branch}");
    let upstream_head =
        created_release_branch.then(|| repo.resolve(&format!("refs/remotes/{upstream}")).ok()).flatten();
    // The line the hotfix goes on, the local branch's or the remote's, must hold the release.
    let line = match &upstream_head {
        Some(head) => Some((upstream.clone(), head.clone())),
        None if !created_release_branch => {
            Some((release_branch.clone(), repo.resolve(&format!("refs/heads/{release_branch}"))?))
        }
        None => None,
    };
    if let Some((branch, head)) = line
        && repo.merge_base(&base.tag.commit, &head)?.as_deref() != Some(base.tag.commit.as_str())
    {
        return Err(Refused::LineWithoutBase { branch, base: base.tag.name.clone() }.into());
    }
    let started = Started {
        hotfix_branch: hotfix_branch.clone(),
        release_branch: release_branch.clone(),
        created_release_branch,
        release_branch_from: if upstream_head.is_some() { upstream.clone() } else { base.tag.name.clone() },
        base: base.tag.name.clone(),
        next_version: next,
    };
    // The branches and the base first, the switch last: git may check the files out and then
    // fail to move HEAD (a stale `HEAD.lock`), and every step before it is undone then.
    let mut steps = Vec::new();
    let head_of_line = match (created_release_branch, upstream_head) {
        (true, Some(head)) => {
            steps.push(RepoStep::CreateBranch { name: release_branch.clone(), at: head.clone() });
            // Tracking it, as git's own `git switch <branch>` sets up.
            steps.push(RepoStep::SetConfig { key: format!("branch.{release_branch}.remote"), value: remote.clone() });
            let merge = format!("refs/heads/{release_branch}");
            steps.push(RepoStep::SetConfig { key: format!("branch.{release_branch}.merge"), value: merge });
            head
        }
        (true, None) => {
            steps.push(RepoStep::CreateBranch { name: release_branch.clone(), at: base.tag.commit.clone() });
            base.tag.commit.clone()
        }
        (false, _) => repo.resolve(&format!("refs/heads/{release_branch}"))?,
    };
    steps.push(RepoStep::CreateBranch { name: hotfix_branch.clone(), at: head_of_line });
    steps.push(RepoStep::SetConfig { key: format!("branch.{hotfix_branch}.patchBase"), value: base.tag.name.clone() });
    // When the branch was cut, for a retrospective's timeline once the reflog is gone.
    let now = crate::plan::transaction::now().to_string();
    steps.push(RepoStep::SetConfig { key: format!("branch.{hotfix_branch}.patchStarted"), value: now });
    steps.push(RepoStep::Switch { branch: hotfix_branch });
    let plan = RepoPlan { dir: workdir, steps };
    // Untracked files travel with a branch switch; tracked changes would land on the hotfix.
    repo::check(&plan)?;
    if !dry_run {
        let _applied = repo::apply(&plan)?;
    }
    Ok(started)
}

/// Returns the release to start from and its unit: `from`, or the highest stable release of the
/// workspace's only (or shared) unit.
fn base_release<'w>(
    ws: &'w Workspace,
    tags: &[crate::git::history::Tag],
    from: Option<&str>,
) -> Result<(&'w Unit, ReleaseTag), Refused> {
    let format = ws.tag_format().to_owned();
    match from {
        Some(name) => {
            let tag = tags.iter().find(|t| t.name == name);
            let found = tag.and_then(|tag| crate::workspace::units::release_of_tag(ws.units(), tag));
            found.ok_or_else(|| Refused::NotARelease { tag: name.into(), format })
        }
        None => {
            let unit = match ws.units() {
                [one] => one,
                [first, ..] if first.shared => first,
                _ => return Err(Refused::NeedsBase { format }),
            };
            let releases = unit.releases(tags);
            let latest = release_tag::latest_stable(&releases).cloned();
            latest.map(|r| (unit, r)).ok_or(Refused::NoRelease { format })
        }
    }
}
