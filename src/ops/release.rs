//! `release`: the whole release written down as a [`Journal`] before anything changes.
//!
//! Reads only. Preflight problems are collected before refusing, so one run (or `--dry-run`)
//! shows all of them. The verify commands are steps of the transaction, not of the plan: they
//! run after the confirmation, under the release lock.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use semver::Version;

use crate::changelog::notes::{self, ReleaseNotes};
use crate::git::history::{CommitInfo, CommitOrder, Head, Repository};
use crate::hotfix::policy::{self, Violation};
use crate::ops::bump::{self, BumpOptions, BumpPlan};
use crate::ops::changelog::{self as changelog_op, ChangelogOptions};
use crate::ops::check::{self, ApiCheck};
use crate::plan::journal::{BranchRecord, CrateRecord, FileRecord, Journal, StepKind, StepRecord, TagRecord};
use crate::plan::{Plan, Step};
use crate::release_tag::{self, TagFormat};
use crate::release_window::ReleaseWindow;
use crate::version::{BumpLevel, TargetVersion};
use crate::workspace::{Member, Selection, VersioningMode, Workspace};

/// How far the new version moves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Level {
    /// From the conventional commits since each crate's last release.
    Auto,
    Target(TargetVersion),
}

/// What the user asked `release` to do, in domain terms.
#[derive(Debug, Clone)]
pub struct ReleaseOptions {
    /// `None`: patch on a hotfix branch, else from the commits.
    pub level: Option<Level>,
    pub publish: bool,
    pub registry: Option<String>,
    /// The time the release window is judged at (Unix seconds).
    pub now: i64,
}

/// Where the release is cut from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BranchKind {
    /// A hotfix branch, with the release it fixes: the release commit is merged (fast-forward)
    /// into that release's branch.
    Hotfix { base: String },
    /// Any other branch: the release commit and tag go on it.
    Other,
}

/// Everything `release` would do.
#[derive(Debug)]
pub struct ReleasePlan {
    pub journal: Journal,
    pub kind: BranchKind,
    pub bump: BumpPlan,
    /// The file writes, for `--dry-run`'s diff.
    pub files: Plan,
    pub notes: Vec<ReleaseNotes>,
    pub root: PathBuf,
}

/// One reason the release cannot go ahead.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("HEAD is detached at {commit}")]
    Detached { commit: String },
    #[error("uncommitted changes in {}", crate::git::file_list(files))]
    Dirty { files: Vec<String> },
    #[error("`{branch}` is a hotfix branch: only a patch release can be cut from it, not {level}")]
    NotPatch { branch: String, level: String },
    #[error("the hotfix branch breaks the policy: {}", violations.iter().map(|v| format!("[{}] {}", v.rule.name(), v.message)).collect::<Vec<_>>().join("; "))]
    Policy { violations: Vec<Violation> },
    #[error("outside the release window `{window}`")]
    Window { window: String },
    #[error("tag `{tag}` already exists")]
    TagExists { tag: String },
    #[error("`{branch}` moved since this hotfix started: it is not an ancestor of HEAD")]
    ReleaseBranchMoved { branch: String },
    #[error("no remote `{remote}` to push to")]
    NoRemote { remote: String },
    #[error("nothing to release: no crate has changes since its last release")]
    NothingToRelease,
}

impl crate::ops::Problem for Problem {
    fn help(&self) -> String {
        match self {
            Self::Detached { .. } => "switch to the branch to release (`git switch <branch>`)".into(),
            Self::Dirty { .. } => "commit or stash them first: a release commit holds only the release".into(),
            Self::NotPatch { .. } => {
                "release it as a patch (`cargo patch release patch`); features go out from the main line".into()
            }
            Self::Policy { .. } => "run `cargo patch check` for the details and fix the branch".into(),
            Self::Window { .. } => {
                "wait for the window, or change `release-window` in `[workspace.metadata.patch]`".into()
            }
            Self::TagExists { tag } => format!("that version is released already; see `git show {tag}`"),
            Self::ReleaseBranchMoved { branch } => {
                format!("rebase the hotfix onto it: `git rebase {branch}`, then release again")
            }
            Self::NoRemote { remote } => {
                format!("add it (`git remote add {remote} <url>`), set `remote` in the config, or pass `--no-push`")
            }
            Self::NothingToRelease => "commit a change first (`fix: ...`, `feat: ...`)".into(),
        }
    }
}

/// The release was refused; nothing was changed.
pub type Refused = crate::ops::Refused<Problem>;

/// Returns the plan of the release `options` ask for.
pub fn plan(manifest_path: Option<&Path>, cwd: &Path, options: &ReleaseOptions) -> anyhow::Result<ReleasePlan> {
    let ws = Workspace::load(manifest_path, cwd)?;
    let repo = Repository::discover(&ws.root)?;
    repo.require_full_history()?;
    let mut problems = Vec::new();
    let (branch, head) = match repo.head()? {
        Head::Branch { name, commit } => (name, commit),
        Head::Detached { commit } => return Err(Refused { problems: vec![Problem::Detached { commit }] }.into()),
    };
    // STEP 1: the tree, the branch kind and the window.
    let (kind, level) = preflight(manifest_path, cwd, &ws, &repo, &branch, options, &mut problems)?;
    // STEP 2: versions and tags.
    let bump = bump_plan(&ws, &repo, &level)?;
    let format = TagFormat::new(ws.tag_format());
    let released: Vec<&bump::VersionChange> = bump.versions.iter().filter(|v| v.new != v.old).collect();
    if released.is_empty() {
        problems.push(Problem::NothingToRelease);
        return Err(Refused { problems }.into());
    }
    let tags: Vec<(String, Option<&Member>, Version)> = match ws.mode {
        VersioningMode::Unified => vec![(format.format("", &released[0].new), None, released[0].new.clone())],
        VersioningMode::Independent => {
            released.iter().map(|v| (format.format(&v.name, &v.new), ws.member(&v.name), v.new.clone())).collect()
        }
    };
    let existing: Vec<String> = repo.tags()?.into_iter().map(|t| t.name).collect();
    for (tag, _, _) in &tags {
        if existing.contains(tag) {
            problems.push(Problem::TagExists { tag: tag.clone() });
        }
    }
    // STEP 3: where the release commit goes, and what is pushed.
    let release_branch = match &kind {
        BranchKind::Hotfix { base } => Some(release_branch_of(&ws, &repo, base, &head, &mut problems)?),
        BranchKind::Other => None,
    };
    let remote = ws.config.remote.clone();
    if crate::git::run(&ws.root, &["remote", "get-url", &remote]).is_err() {
        problems.push(Problem::NoRemote { remote: remote.clone() });
    }
    if !problems.is_empty() {
        return Err(Refused { problems }.into());
    }
    // STEP 4: changelog, notes, and what is published.
    let files = changelog_and_manifests(cwd, &ws, &repo, &bump, &tags)?;
    let notes = release_notes(&ws, &repo, &format, &head, &tags, options.now)?;
    let pushed_branch = release_branch.as_ref().map_or(branch.as_str(), |b| b.name.as_str());
    let mut push_refs = vec![format!("refs/heads/{pushed_branch}")];
    push_refs.extend(tags.iter().map(|(tag, _, _)| format!("refs/tags/{tag}")));
    let publish: Vec<CrateRecord> = publish_order(&ws, &released)
        .into_iter()
        .map(|(name, version)| CrateRecord { name, version: version.to_string() })
        .collect();
    let base = match &kind {
        BranchKind::Hotfix { base } => Some(base.clone()),
        BranchKind::Other => None,
    };
    let fixes = fix_commits(&repo, &head, notes.first().and_then(|n| n.previous.as_deref()))?;
    let tag_name = &tags[0].0;
    let steps = steps(&ws, release_branch.is_some(), &tags, options.publish.then_some(publish.as_slice()));
    let journal = Journal {
        started_at: options.now,
        workdir: repo.workdir().to_owned(),
        branch,
        head_before: head,
        base,
        release_branch,
        files: files.iter().map(|(record, _)| record.clone()).collect(),
        commit_message: ws
            .config
            .release_commit_message
            .replace("{tag}", tag_name)
            .replace("{version}", &tags[0].2.to_string()),
        commit: None,
        tags: tags
            .iter()
            .zip(&notes)
            .map(|((tag, _, _), n)| TagRecord { name: tag.clone(), message: notes::markdown(n) })
            .collect(),
        remote,
        push_refs,
        registry: options.registry.clone(),
        publish: if options.publish { publish } else { Vec::new() },
        fix_commits: fixes.into_iter().map(|c| c.id).collect(),
        critical: notes.iter().any(|n| n.highlights.iter().any(crate::changes::Change::is_critical)),
        steps,
    };
    let files = Plan { steps: files.into_iter().map(|(_, step)| step).collect() };
    Ok(ReleasePlan { journal, kind, bump, files, notes, root: ws.root.clone() })
}

/// Checks the tree, the branch and the window, and returns the branch kind and the level.
fn preflight(
    manifest_path: Option<&Path>,
    cwd: &Path,
    ws: &Workspace,
    repo: &Repository,
    branch: &str,
    options: &ReleaseOptions,
    problems: &mut Vec<Problem>,
) -> anyhow::Result<(BranchKind, Level)> {
    if let Some(files) = crate::git::uncommitted_files(&ws.root, &[])?.filter(|f| !f.is_empty()) {
        problems.push(Problem::Dirty { files });
    }
    let kind = branch_kind(ws, repo, branch);
    let patch = Level::Target(TargetVersion::Level(BumpLevel::Patch));
    let level = match (&options.level, &kind) {
        (Some(level), _) => level.clone(),
        (None, BranchKind::Hotfix { .. }) => patch.clone(),
        (None, BranchKind::Other) => Level::Auto,
    };
    if let BranchKind::Hotfix { .. } = kind {
        if level != patch {
            let shown = match &level {
                Level::Auto => "auto".to_owned(),
                Level::Target(target) => target.to_string(),
            };
            problems.push(Problem::NotPatch { branch: branch.to_owned(), level: shown });
        }
        let report = check::check(manifest_path, cwd, None, None, ApiCheck::WhenRequired)?;
        if !report.violations.is_empty() {
            problems.push(Problem::Policy { violations: report.violations });
        }
    }
    let window = ReleaseWindow::parse(&ws.config.release_window)?;
    if !window.is_open(options.now) {
        problems.push(Problem::Window { window: ws.config.release_window.clone() });
    }
    Ok((kind, level))
}

/// Returns the transaction's steps, in order; the local ones come before the push.
fn steps(
    ws: &Workspace,
    moves_release_branch: bool,
    tags: &[(String, Option<&Member>, Version)],
    publish: Option<&[CrateRecord]>,
) -> Vec<StepRecord> {
    let mut steps: Vec<StepKind> = ws.config.verify.iter().cloned().map(StepKind::Verify).collect();
    steps.extend([StepKind::WriteFiles, StepKind::Commit]);
    if moves_release_branch {
        steps.push(StepKind::MoveBranch);
    }
    steps.extend(tags.iter().map(|(tag, _, _)| StepKind::Tag(tag.clone())));
    steps.push(StepKind::Push);
    steps.extend(publish.unwrap_or_default().iter().map(|c| StepKind::Publish(c.name.clone())));
    steps.into_iter().map(|kind| StepRecord { kind, done_at: None, note: None }).collect()
}

/// Returns whether `branch` is a hotfix branch (by name, or by the base `start` recorded).
fn branch_kind(ws: &Workspace, repo: &Repository, branch: &str) -> BranchKind {
    let recorded = repo.config_string(&format!("branch.{branch}.patchBase"));
    let prefix = ws.config.hotfix_branch.split("{slug}").next().unwrap_or_default();
    match recorded {
        Some(base) => BranchKind::Hotfix { base },
        None if !prefix.is_empty() && branch.starts_with(prefix) => {
            // A hotfix branch not made by `start`: its base is the latest release it contains.
            let format = TagFormat::new(ws.tag_format());
            let reachable = repo.resolve(branch).and_then(|c| repo.reachable(&c)).unwrap_or_default();
            let tags: Vec<_> =
                repo.tags().unwrap_or_default().into_iter().filter(|t| reachable.contains(&t.commit)).collect();
            let (releases, _) = release_tag::releases(&format, &tags, None);
            match release_tag::latest_stable(&releases) {
                Some(base) => BranchKind::Hotfix { base: base.tag.name.clone() },
                None => BranchKind::Other,
            }
        }
        None => BranchKind::Other,
    }
}

/// Returns the release branch of `base` and where it points; it must be an ancestor of HEAD, so
/// the merge is a fast-forward (the tested hotfix is exactly what ships).
fn release_branch_of(
    ws: &Workspace,
    repo: &Repository,
    base: &str,
    head: &str,
    problems: &mut Vec<Problem>,
) -> anyhow::Result<BranchRecord> {
    let format = TagFormat::new(ws.tag_format());
    let base_tag = repo.tags()?.into_iter().find(|t| t.name == base);
    let version = base_tag
        .as_ref()
        .and_then(|t| format.parse(t, None))
        .map(|r| r.version)
        .or_else(|| Version::parse(base.trim_start_matches('v')).ok())
        .ok_or_else(|| anyhow::anyhow!("the hotfix base `{base}` is not a release tag"))?;
    let name = ws
        .config
        .release_branch
        .replace("{major}", &version.major.to_string())
        .replace("{minor}", &version.minor.to_string());
    let before = repo.resolve(&format!("refs/heads/{name}")).ok();
    if let Some(commit) = &before
        && repo.merge_base(commit, head)?.as_deref() != Some(commit.as_str())
    {
        problems.push(Problem::ReleaseBranchMoved { branch: name.clone() });
    }
    Ok(BranchRecord { name, before })
}

/// Returns the bump for `level` over the whole workspace (`auto`: each crate from its commits).
fn bump_plan(ws: &Workspace, repo: &Repository, level: &Level) -> anyhow::Result<BumpPlan> {
    let mut options = BumpOptions {
        target: TargetVersion::Level(BumpLevel::Patch),
        per_crate: BTreeMap::new(),
        selection: Selection { workspace: true, ..Default::default() },
        upgrade_dependents: false,
        // The release checks the whole tree itself, before this.
        allow_dirty: true,
    };
    match level {
        Level::Target(target) => options.target = target.clone(),
        Level::Auto => {
            let levels = crate::ops::unreleased::levels(ws, repo, &ws.select(&options.selection)?)?;
            options.per_crate =
                levels.iter().filter_map(|l| Some((l.name.clone(), (l.target()?, l.explanation())))).collect();
            if options.per_crate.is_empty() {
                return Err(Refused { problems: vec![Problem::NothingToRelease] }.into());
            }
            options.selection =
                Selection { packages: options.per_crate.keys().cloned().collect(), ..Default::default() };
        }
    }
    bump::plan(ws, &options)
}

/// Returns the file writes: the bump's manifests and lock file, and each changelog with its new
/// section prepended (rendered from HEAD with the new tag, as `changelog --tag` would): the
/// workspace's, or with `changelog-per-crate` one beside each released crate's manifest, holding
/// only the commits that touch it.
fn changelog_and_manifests(
    cwd: &Path,
    ws: &Workspace,
    repo: &Repository,
    bump: &BumpPlan,
    tags: &[(String, Option<&Member>, Version)],
) -> anyhow::Result<Vec<(FileRecord, Step)>> {
    let changelogs: Vec<(Option<&Member>, &str)> = if ws.config.changelog_per_crate {
        let released = bump.versions.iter().filter(|v| v.new != v.old);
        released
            .filter_map(|v| ws.member(&v.name))
            .map(|member| {
                // Independent versions: the crate's own tag; unified: the one tag.
                let tag = tags.iter().find(|(_, m, _)| m.is_some_and(|m| m.name == member.name)).unwrap_or(&tags[0]);
                (Some(member), tag.0.as_str())
            })
            .collect()
    } else {
        vec![(None, tags[0].0.as_str())]
    };
    let mut steps: Vec<Step> = bump.plan.steps.clone();
    for (member, tag) in changelogs {
        let dir = member.map_or(ws.root.as_path(), |m| m.dir.as_path());
        let options = ChangelogOptions {
            selection: crate::changelog::Selection {
                tag: Some(tag.to_owned()),
                unreleased: true,
                ..Default::default()
            },
            package: member.map(|m| m.name.clone()),
            prepend: Some(dir.join(&ws.config.changelog)),
            ..Default::default()
        };
        steps.extend(changelog_op::render_in(Some(ws), repo, cwd, &options)?.plan.steps);
    }
    Ok(steps
        .into_iter()
        .map(|step| {
            let Step::WriteFile { path, before, after } = &step;
            let record =
                FileRecord { path: path.clone(), before: path.exists().then(|| before.clone()), after: after.clone() };
            (record, step)
        })
        .collect())
}

/// Returns the notes of each new tag, from HEAD (the release commit adds no change to them).
fn release_notes(
    ws: &Workspace,
    repo: &Repository,
    format: &TagFormat,
    head: &str,
    tags: &[(String, Option<&Member>, Version)],
    now: i64,
) -> anyhow::Result<Vec<ReleaseNotes>> {
    let reachable = repo.reachable(head)?;
    let all_tags: Vec<_> = repo.tags()?.into_iter().filter(|t| reachable.contains(&t.commit)).collect();
    let mut out = Vec::new();
    for (tag, member, version) in tags {
        let crate_name = member.map(|m| m.name.as_str());
        let (releases, _) = release_tag::releases(format, &all_tags, crate_name);
        let previous = releases.iter().filter(|r| r.version < *version).max_by(|a, b| a.version.cmp(&b.version));
        let crates = match member {
            Some(member) => vec![member.name.clone()],
            None => ws.members.iter().filter(|m| m.publish).map(|m| m.name.clone()).collect(),
        };
        let release = notes::Release {
            tag,
            version,
            tip: head,
            previous: previous.map(|p| (p.tag.name.as_str(), p.tag.commit.as_str())),
            timestamp: now,
            dir: member.map(|m| m.dir.as_path()),
            crates,
        };
        out.push(notes::compose(repo, release)?);
    }
    Ok(out)
}

/// Returns the released, publishable crates, each after the workspace crates it depends on.
fn publish_order(ws: &Workspace, released: &[&bump::VersionChange]) -> Vec<(String, Version)> {
    let mut left: Vec<(&str, &Version, Vec<String>)> = released
        .iter()
        .filter_map(|v| Some((v, ws.member(&v.name).filter(|m| m.publish)?)))
        .map(|(v, member)| {
            let entries = ws.manifest_of(member).dependencies().unwrap_or_default();
            (v.name.as_str(), &v.new, entries.into_iter().map(|e| e.package).collect())
        })
        .collect();
    let mut order: Vec<(String, Version)> = Vec::new();
    while !left.is_empty() {
        // A crate is ready once no crate still waiting is among its dependencies.
        let waiting: Vec<&str> = left.iter().map(|(name, _, _)| *name).collect();
        let ready = |deps: &Vec<String>| !deps.iter().any(|d| waiting.contains(&d.as_str()));
        let (now, later): (Vec<_>, Vec<_>) = left.into_iter().partition(|(_, _, deps)| ready(deps));
        // A cycle (only dev-dependencies can make one) is published in name order.
        let (now, later) = if now.is_empty() { (later, Vec::new()) } else { (now, later) };
        order.extend(now.into_iter().map(|(name, version, _)| (name.to_owned(), version.clone())));
        left = later;
    }
    order
}

/// Returns the commits a release carries since `previous` (a tag or a commit): no merges, no
/// release commits, oldest first (what `rollback` reverts and `forward-port` cherry-picks).
pub fn fix_commits(repo: &Repository, head: &str, previous: Option<&str>) -> anyhow::Result<Vec<CommitInfo>> {
    let hidden: Vec<String> = match previous {
        Some(rev) => vec![repo.resolve(rev)?],
        None => Vec::new(),
    };
    let commits = repo.commits(&[head.to_owned()], &hidden, CommitOrder::Topological)?;
    Ok(commits.into_iter().rev().filter(|c| c.parents.len() < 2 && !policy::is_release_commit(&c.message)).collect())
}
