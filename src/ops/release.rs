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
use crate::ops::unreleased::Since;
use crate::plan::journal::{BranchRecord, CrateRecord, FileRecord, Journal, StepKind, StepRecord, TagRecord};
use crate::plan::{Plan, Step};
use crate::release_tag::ReleaseTag;
use crate::release_window::ReleaseWindow;
use crate::version::{BumpLevel, TargetVersion};
use crate::workspace::units::Unit;
use crate::workspace::{Member, Selection, Workspace};

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
    /// `-p`: release the units of these crates (whether or not they changed).
    pub packages: Vec<String>,
    /// `--exclude`: never release the units of these crates.
    pub exclude: Vec<String>,
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
    /// Whether the crates go to crates.io: publishing, with no `--registry` and no default registry
    /// in cargo's configuration (its metadata rules and rate limits apply).
    pub crates_io: bool,
    /// Where the configuration came from when the branch has none of its own (a release line
    /// that predates it), as for `check`.
    pub configuration_from: Option<String>,
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
    #[error("git has no identity to commit the release with: {message}")]
    NoIdentity { message: String },
    #[error("could not fetch `{remote}` to see whether `{branch}` is behind it: {message}")]
    FetchFailed { remote: String, branch: String, message: String },
    #[error("`{upstream}` has commits `{branch}` lacks: the push would be refused")]
    Behind { branch: String, upstream: String },
    #[error("`{name}` cannot be published on crates.io: its manifest has no {}", fields.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(" and no "))]
    MissingMetadata { name: String, manifest: PathBuf, fields: Vec<&'static str> },
    #[error("nothing to release: no crate has changes since its last release")]
    NothingToRelease,
    #[error("`{name}` has no `version` and is not published: cargo-patch does not release it")]
    NotVersioned { name: String },
    #[error("`{name}` is not released (`release = false` or `release-exclude`)")]
    NotReleased { name: String },
    #[error("{0}")]
    Replacement(crate::ops::replace::Mismatch),
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
                "wait for the window, or change `release-window` in `[workspace.metadata.patch-release]`".into()
            }
            Self::TagExists { tag } => format!("that version is released already; see `git show {tag}`"),
            Self::ReleaseBranchMoved { branch } => {
                format!("rebase the hotfix onto it: `git rebase {branch}`, then release again")
            }
            Self::NoIdentity { .. } => {
                "set one: `git config user.name \"Your Name\"` and `git config user.email you@example.com`".into()
            }
            Self::FetchFailed { remote, .. } => {
                format!("check that `{remote}` is reachable (`git fetch {remote}`), then release again")
            }
            Self::Behind { upstream, .. } => {
                format!("bring them in first (`git fetch` and `git rebase {upstream}`), then release again")
            }
            Self::NoRemote { remote } => {
                format!("add it (`git remote add {remote} <url>`), or set `remote` in the config to the one to push to")
            }
            Self::MissingMetadata { manifest, .. } => format!(
                "add them to `{}` (`license = \"MIT OR Apache-2.0\"`, say), set `publish = false`, or release with `--no-publish`",
                manifest.display()
            ),
            Self::NothingToRelease => {
                "commit a change first (`fix: ...`, `feat: ...`), or name the crate to release with `-p`".into()
            }
            Self::NotVersioned { name } => {
                format!("give `{name}` a `version` in its manifest to release it, or leave it out of `-p`")
            }
            Self::NotReleased { name } => {
                format!("remove `release = false` from `{name}` (or it from `release-exclude`) to release it")
            }
            Self::Replacement(_) => "fix the file or the replacement's `search`, or set its `min`, `max` or \
                                     `exactly` (`min = 0` lets it match nothing)"
                .into(),
        }
    }
}

/// The release was refused; nothing was changed.
pub type Refused = crate::ops::Refused<Problem>;

/// Returns the plan of the release `options` ask for.
pub fn plan(manifest_path: Option<&Path>, cwd: &Path, options: &ReleaseOptions) -> anyhow::Result<ReleasePlan> {
    let mut ws = Workspace::load(manifest_path, cwd)?;
    let repo = Repository::discover(&ws.root)?;
    repo.require_full_history()?;
    let mut problems = Vec::new();
    let (branch, head) = match repo.head()? {
        Head::Branch { name, commit } => (name, commit),
        Head::Detached { commit } => return Err(Refused { problems: vec![Problem::Detached { commit }] }.into()),
    };
    // A hotfix of a line older than the configuration is released as `check` judges it: with the
    // configuration its releases are made with (tags, release branch), not the defaults.
    let configuration_from = crate::ops::check::borrow_line_configuration(&mut ws, &repo)?;
    // STEP 1: the tree, the branch kind and the window.
    let (kind, level) = preflight(manifest_path, cwd, &ws, &repo, &branch, options, &mut problems)?;
    // STEP 2: the units to release, their versions and tags.
    // The tags this line's releases are looked for among, read once for every step below.
    let visible = crate::ops::unreleased::visible_tags(&ws, &repo, &head)?;
    let chosen = choose_units(&ws, &repo, &visible, &kind, &head, options, &level, &mut problems)?;
    if chosen.is_empty() {
        // Crates named with `-p` that cannot be released say why themselves.
        if options.packages.is_empty() || problems.is_empty() {
            problems.push(Problem::NothingToRelease);
        }
        return Err(Refused { problems }.into());
    }
    let bump = bump_plan(&ws, chosen)?;
    let new_version =
        |unit: &Unit| bump.versions.iter().find(|v| unit.has(&v.name) && v.new != v.old).map(|v| v.new.clone());
    let tags = tags_of(&ws, &visible, &new_version);
    if tags.is_empty() {
        problems.push(Problem::NothingToRelease);
        return Err(Refused { problems }.into());
    }
    let existing: Vec<String> = repo.tags()?.into_iter().map(|t| t.name).collect();
    for tag in &tags {
        if existing.contains(&tag.name) {
            problems.push(Problem::TagExists { tag: tag.name.clone() });
        }
    }
    // STEP 3: where the release commit goes, and what is pushed.
    let release_branch = match &kind {
        BranchKind::Hotfix { base } => Some(release_branch_of(&ws, &repo, base, &head, &mut problems)?),
        BranchKind::Other => None,
    };
    // The commit needs an identity: found now, not after `verify` ran.
    problems.extend(identity_problem(&repo));
    let crates_io = to_crates_io(&ws, options);
    if crates_io {
        // crates.io refuses these at the upload, after the tag is pushed: found now.
        let mut named: Vec<&String> = tags.iter().flat_map(|t| &t.crates).collect();
        named.sort();
        named.dedup();
        for member in named.into_iter().filter_map(|name| ws.member(name)) {
            if member.publish && !member.missing_metadata.is_empty() {
                problems.push(Problem::MissingMetadata {
                    name: member.name.clone(),
                    manifest: member.manifest_path.strip_prefix(&ws.root).unwrap_or(&member.manifest_path).to_owned(),
                    fields: member.missing_metadata.clone(),
                });
            }
        }
    }
    let remote = ws.config.remote.clone();
    let pushed = release_branch.as_ref().map_or(branch.as_str(), |b| b.name.as_str()).to_owned();
    if crate::git::run(&ws.root, &["remote", "get-url", &remote]).is_err() {
        problems.push(Problem::NoRemote { remote: remote.clone() });
    } else if let Some(problem) = behind_remote(&repo, &remote, &pushed, &head) {
        // Found now, not after `verify` ran and the release was committed and tagged.
        problems.push(problem);
    }
    // STEP 4: the file writes; a replacement matching the wrong number of times is refused now.
    let mut writes = changelog_and_manifests(cwd, &ws, &repo, &bump, &tags)?;
    let mismatches = crate::ops::replace::plan(&ws, &bump, &tags, options.now, &mut writes)?;
    problems.extend(mismatches.into_iter().map(Problem::Replacement));
    if !problems.is_empty() {
        return Err(Refused { problems }.into());
    }
    let files = file_records(writes);
    // STEP 5: notes, and what is published.
    let notes = release_notes(&ws, &repo, &head, &visible, &tags, options.now)?;
    let pushed_branch = release_branch.as_ref().map_or(branch.as_str(), |b| b.name.as_str());
    let mut push_refs = vec![format!("refs/heads/{pushed_branch}")];
    push_refs.extend(tags.iter().map(|tag| format!("refs/tags/{}", tag.name)));
    let publish: Vec<CrateRecord> = publish_order(&ws, &tags)
        .into_iter()
        .map(|(name, version)| CrateRecord { name, version: version.to_string() })
        .collect();
    let base = match &kind {
        BranchKind::Hotfix { base } => Some(base.clone()),
        BranchKind::Other => None,
    };
    let fixes = fix_commits(&repo, &head, notes.first().and_then(|n| n.previous.as_deref()))?;
    let mut steps =
        steps(&ws, release_branch.is_some(), &push_refs, &tags, options.publish.then_some(publish.as_slice()));
    let values = crate::ops::replace::release_values(&bump, &tags, options.now);
    crate::ops::release_hooks::add(&ws, values.as_ref(), &mut steps);
    crate::ops::verify_published::add_step(&ws, &mut steps);
    let published = if options.publish { publish.as_slice() } else { &[] };
    crate::ops::notify::add_steps(&ws.config.notify, &notes, published, options.registry.as_deref(), &mut steps);
    let branch_started = crate::git::branch_created(repo.workdir(), &branch)
        .or_else(|| repo.config_string(&format!("branch.{branch}.patchStarted")).and_then(|t| t.parse().ok()));
    let journal = Journal {
        started_at: options.now,
        branch_started,
        workdir: repo.workdir().to_owned(),
        branch,
        head_before: head,
        base,
        release_branch,
        files: files.iter().map(|(record, _)| record.clone()).collect(),
        commit_message: commit_message(&ws.config.release_commit_message, &tags),
        commit: None,
        tags: tags
            .iter()
            .zip(&notes)
            .map(|(tag, n)| TagRecord { name: tag.name.clone(), message: notes::markdown(n) })
            .collect(),
        remote,
        push_refs,
        registry: options.registry.clone(),
        publish: if options.publish { publish } else { Vec::new() },
        workspace_dir: workspace_dir(&ws, &repo),
        target_dir: Some(ws.target_dir.clone()),
        fix_commits: fixes.into_iter().map(|c| c.id).collect(),
        critical: notes.iter().any(|n| n.highlights.iter().any(crate::changes::Change::is_critical)),
        steps,
    };
    let files = Plan { steps: files.into_iter().map(|(_, step)| step).collect() };
    Ok(ReleasePlan { journal, kind, bump, files, notes, root: ws.root.clone(), crates_io, configuration_from })
}

/// A tag the release makes.
#[derive(Debug, Clone)]
pub struct NewTag {
    pub name: String,
    pub version: Version,
    /// The crates a user upgrades to it (named in its notes), published ones only.
    pub crates: Vec<String>,
    /// The crates whose commits it describes; empty when the workspace is one unit (then every
    /// commit belongs to it).
    pub scope: Vec<String>,
}

/// Returns the release commit's message: `{tag}` is every new tag (`a-v1.0.1, b-v0.2.1`) and
/// `{version}` the first tag's version.
fn commit_message(template: &str, tags: &[NewTag]) -> String {
    let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
    let version = tags.first().map(|t| t.version.to_string()).unwrap_or_default();
    template.replace("{tag}", &names.join(", ")).replace("{version}", &version)
}

/// A unit chosen for the release, with its target and why.
struct Chosen {
    unit: String,
    target: TargetVersion,
    why: Option<String>,
}

/// Returns the units to release: those the user names (`-p`), else on a hotfix branch those
/// its commits touch, else those with changes since their last release; never the units of
/// `--exclude`d crates, nor units with no released crate.
#[expect(clippy::too_many_arguments, reason = "the plan's steps so far, each read once by `plan`")]
fn choose_units(
    ws: &Workspace,
    repo: &Repository,
    visible: &[crate::git::history::Tag],
    kind: &BranchKind,
    head: &str,
    options: &ReleaseOptions,
    level: &Level,
    problems: &mut Vec<Problem>,
) -> anyhow::Result<Vec<Chosen>> {
    let versioned: Vec<&Member> = ws.members.iter().filter(|m| m.is_versioned()).collect();
    let levels = match level {
        Level::Auto => crate::ops::unreleased::levels(ws, repo, visible, &versioned)?,
        Level::Target(_) => Vec::new(),
    };
    let mut names: Vec<String> = Vec::new();
    if !options.packages.is_empty() {
        for name in &options.packages {
            let member = ws.member(name).ok_or_else(|| crate::workspace::Error::NotAMember {
                name: name.clone(),
                members: ws.members.iter().map(|m| m.name.clone()).collect(),
            })?;
            match ws.unit_of(&member.name) {
                None => problems.push(Problem::NotVersioned { name: name.clone() }),
                Some(_) if !member.release => problems.push(Problem::NotReleased { name: name.clone() }),
                Some(unit) => names.push(unit.name.clone()),
            }
        }
    } else if let BranchKind::Hotfix { base } = kind {
        names = touched_units(ws, repo, head, base)?;
    } else {
        let changed = match level {
            Level::Auto => levels.iter().filter(|l| l.level.is_some()).map(|l| l.name.clone()).collect(),
            Level::Target(_) => {
                let histories = crate::ops::unreleased::histories(ws, repo, visible, &versioned, Since::LastRelease)?;
                histories.into_iter().filter(|h| !h.changes.is_empty()).map(|h| h.name).collect::<Vec<_>>()
            }
        };
        names = changed.iter().filter_map(|c| ws.unit_of(c)).map(|u| u.name.clone()).collect();
    }
    names.sort();
    names.dedup();
    names.retain(|name| {
        let unit = ws.units().iter().find(|u| &u.name == name);
        unit.is_some_and(|u| !u.released_crates.is_empty() && !u.crates.iter().any(|c| options.exclude.contains(c)))
    });
    let patch = TargetVersion::Level(BumpLevel::Patch);
    Ok(names
        .into_iter()
        .map(|unit| {
            let crates = &ws.units().iter().find(|u| u.name == unit).map(|u| u.crates.clone()).unwrap_or_default();
            let (target, why) = match level {
                Level::Target(target) => (target.clone(), None),
                Level::Auto => {
                    let best =
                        levels.iter().filter(|l| crates.contains(&l.name) && l.level.is_some()).max_by_key(|l| l.level);
                    match best {
                        Some(l) => (l.target().unwrap_or_else(|| patch.clone()), Some(l.explanation())),
                        // Named, or touched only by commits that call for no level: a patch.
                        None => (patch.clone(), None),
                    }
                }
            };
            Chosen { unit, target, why }
        })
        .collect())
}

/// Returns the units the commits of a hotfix branch (since `base`) touch.
fn touched_units(ws: &Workspace, repo: &Repository, head: &str, base: &str) -> anyhow::Result<Vec<String>> {
    let base = repo.resolve(base)?;
    let commits = repo.commits_with_paths(head, &[base])?;
    let owners = ws.owners(&crate::fs::canonical(repo.workdir()));
    let mut units = Vec::new();
    // The configured release-commit message, not only the default ones, as `check` judges them.
    let releases = crate::release_commit::ReleaseCommits::new(&ws.config.release_commit_message);
    for commit in commits.iter().filter(|c| !releases.is_release(&c.info.message)) {
        for path in &commit.paths {
            if let Some(unit) = owners.owner(path).and_then(|owner| ws.unit_of(owner)) {
                units.push(unit.name.clone());
            }
        }
    }
    Ok(units)
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
    let kind = branch_kind(ws, repo, branch)?;
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
    push_refs: &[String],
    tags: &[NewTag],
    publish: Option<&[CrateRecord]>,
) -> Vec<StepRecord> {
    let mut steps: Vec<StepKind> = ws.config.verify.iter().cloned().map(StepKind::Verify).collect();
    steps.extend([StepKind::WriteFiles, StepKind::Commit]);
    if moves_release_branch {
        steps.push(StepKind::MoveBranch);
    }
    if publish.is_some_and(|crates| !crates.is_empty()) {
        // Before the tags: a crate that cannot be published undoes the release instead.
        steps.push(StepKind::Package);
    }
    steps.extend(tags.iter().map(|tag| StepKind::Tag(tag.name.clone())));
    let (branch, tag_refs) = push_refs.split_at(1.min(push_refs.len()));
    steps.extend(pushes(ws, branch, tag_refs));
    steps.extend(publish.unwrap_or_default().iter().map(|c| StepKind::Publish(c.name.clone())));
    steps.into_iter().map(StepRecord::new).collect()
}

/// Returns the pushes of `branch` (none, or the one branch ref) and `tag_refs`: the branch goes
/// with the first batch of tags; each push carries at most `max-tags-per-push` tags, so every tag
/// gets its push event (GitHub sends none for a push of more than three tags; GitLab's default
/// hook limit is three).
pub fn pushes(ws: &Workspace, branch: &[String], tag_refs: &[String]) -> Vec<StepKind> {
    let per_push = usize::try_from(ws.config.max_tags_per_push).unwrap_or(usize::MAX).max(1);
    let mut batches: Vec<Vec<String>> = tag_refs.chunks(per_push).map(<[String]>::to_vec).collect();
    match batches.first_mut() {
        Some(first) => first.splice(0..0, branch.iter().cloned()).for_each(drop),
        None if !branch.is_empty() => batches.push(branch.to_vec()),
        None => {}
    }
    batches.into_iter().map(StepKind::Push).collect()
}

/// Returns whether `branch` is a hotfix branch (by name, or by the base `start` recorded), and
/// the release it fixes.
fn branch_kind(ws: &Workspace, repo: &Repository, branch: &str) -> anyhow::Result<BranchKind> {
    Ok(match crate::ops::check::hotfix_base(&ws.config, repo, branch)? {
        Some(base) => BranchKind::Hotfix { base },
        None => BranchKind::Other,
    })
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
    let tags = repo.tags()?;
    let base_tag = tags.iter().find(|t| t.name == base);
    let release = base_tag.and_then(|tag| crate::workspace::units::release_of_tag(ws.units(), tag));
    let (crate_name, version) = match release {
        Some((unit, release)) => {
            (release.crate_name.or_else(|| (!unit.shared).then(|| unit.name.clone())), release.version)
        }
        None => (
            None,
            Version::parse(base.trim_start_matches('v'))
                .map_err(|_| anyhow::anyhow!("the hotfix base `{base}` is not a release tag"))?,
        ),
    };
    let name = ws.release_branch_of(&version, crate_name.as_deref());
    let before = repo.resolve(&format!("refs/heads/{name}")).ok();
    if let Some(commit) = &before
        && repo.merge_base(commit, head)?.as_deref() != Some(commit.as_str())
    {
        problems.push(Problem::ReleaseBranchMoved { branch: name.clone() });
    }
    Ok(BranchRecord { name, before })
}

/// Fetches `branch` from `remote` and returns the problem when the remote has commits HEAD
/// lacks (a teammate pushed meanwhile): the release's push would be refused.
fn behind_remote(repo: &Repository, remote: &str, branch: &str, head: &str) -> Option<Problem> {
    let tracking = format!("refs/remotes/{remote}/{branch}");
    let refspec = format!("+refs/heads/{branch}:{tracking}");
    let workdir = repo.workdir();
    if let Err(err) = crate::git::run(workdir, &["fetch", "--quiet", "--no-tags", remote, &refspec]) {
        // A branch the remote does not have yet is not behind anything.
        let missing = err.to_string().contains("couldn't find remote ref");
        return (!missing).then(|| Problem::FetchFailed {
            remote: remote.to_owned(),
            branch: branch.to_owned(),
            message: err.to_string().lines().last().unwrap_or_default().to_owned(),
        });
    }
    let upstream = crate::git::run(workdir, &["rev-parse", "--verify", "--quiet", &tracking]).ok()?;
    let upstream = upstream.trim();
    let contained = crate::git::run(workdir, &["merge-base", "--is-ancestor", upstream, head]).is_ok();
    (!contained).then(|| Problem::Behind { branch: branch.to_owned(), upstream: format!("{remote}/{branch}") })
}

/// Returns the bump of the `chosen` units; a unit whose dependency on a released crate moves
/// to a version its requirement no longer accepts is released too (a patch), so no published
/// manifest differs from its tag.
#[expect(clippy::expect_used, reason = "`choose_units` names only units of `ws`")]
fn bump_plan(ws: &Workspace, chosen: Vec<Chosen>) -> anyhow::Result<BumpPlan> {
    let mut options = BumpOptions {
        target: TargetVersion::Level(BumpLevel::Patch),
        per_crate: BTreeMap::new(),
        selection: Selection::default(),
        upgrade_dependents: false,
        // The release checks the whole tree itself, before this.
        allow_dirty: true,
    };
    for c in &chosen {
        let unit = ws.units().iter().find(|u| u.name == c.unit).expect("chosen units are units");
        for name in &unit.crates {
            let why = c.why.clone().unwrap_or_else(|| format!("{} bump", c.target));
            options.per_crate.insert(name.clone(), (c.target.clone(), why));
            options.selection.packages.push(name.clone());
        }
    }
    bump::plan_following_dependents(ws, &options)
}

/// Returns the workspace root relative to the repository's work tree (where cargo runs in the
/// release tree).
pub fn workspace_dir(ws: &Workspace, repo: &Repository) -> PathBuf {
    crate::fs::canonical(&ws.root)
        .strip_prefix(crate::fs::canonical(repo.workdir()))
        .map(Path::to_owned)
        .unwrap_or_default()
}

/// Returns the problem when git has no identity to commit or tag with.
pub fn identity_problem(repo: &Repository) -> Option<Problem> {
    for ident in ["GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"] {
        if let Err(err) = crate::git::run(repo.workdir(), &["var", ident]) {
            let message = err.to_string().lines().last().unwrap_or_default().trim().to_owned();
            return Some(Problem::NoIdentity { message });
        }
    }
    None
}

/// Returns the tags of the units `new_version` moves (to the version it returns), each with the
/// crates it names.
pub fn tags_of(
    ws: &Workspace,
    visible: &[crate::git::history::Tag],
    new_version: &dyn Fn(&Unit) -> Option<Version>,
) -> Vec<NewTag> {
    let one_unit = ws.units().len() == 1;
    let mut out = Vec::new();
    // Every unit's releases in one pass over the tags.
    let releases = crate::workspace::units::releases_of(ws.units(), visible);
    for (unit, releases) in ws.units().iter().zip(releases) {
        let Some(new) = new_version(unit) else { continue };
        if unit.released_crates.is_empty() {
            continue;
        }
        let published = |name: &String| ws.member(name).is_some_and(|m| m.publish);
        let latest = crate::workspace::units::latest_at_most(releases, &unit.version, false);
        let names = unit.tags_after(latest.as_ref(), &new);
        let per_crate = unit.format().names_crate();
        for (i, name) in names.into_iter().enumerate() {
            let crates: Vec<String> = if per_crate {
                unit.released_crates.get(i).into_iter().cloned().collect()
            } else {
                unit.released_crates.iter().filter(|c| published(c)).cloned().collect()
            };
            let scope = if one_unit && !per_crate {
                Vec::new()
            } else if per_crate {
                crates.clone()
            } else {
                unit.crates.clone()
            };
            out.push(NewTag {
                name,
                version: new.clone(),
                crates: crates.into_iter().filter(|c| published(c)).collect(),
                scope,
            });
        }
    }
    out
}

/// Returns the file writes: the bump's manifests and lock file, and each changelog with the new
/// sections prepended (rendered from HEAD with each new tag, as `changelog --tag` would): the
/// workspace's, one section per tag holding that tag's crates' commits, or with
/// `changelog-per-crate` one beside each released crate's manifest, holding only its commits.
fn changelog_and_manifests(
    cwd: &Path,
    ws: &Workspace,
    repo: &Repository,
    bump: &BumpPlan,
    tags: &[NewTag],
) -> anyhow::Result<Vec<Step>> {
    // The sections each changelog receives, oldest first: (tag, the crates whose commits it holds).
    type Sections<'t> = Vec<(&'t str, Vec<String>)>;
    let mut changelogs: Vec<(PathBuf, Sections<'_>)> = Vec::new();
    if ws.config.changelog_per_crate {
        for tag in tags {
            let crates = if tag.scope.is_empty() { tag.crates.clone() } else { tag.scope.clone() };
            for member in crates.iter().filter_map(|c| ws.member(c)) {
                changelogs.push((
                    member.dir.join(&ws.config.changelog),
                    vec![(tag.name.as_str(), vec![member.name.clone()])],
                ));
            }
        }
    } else {
        let sections = tags.iter().map(|t| (t.name.as_str(), t.scope.clone())).collect();
        changelogs.push((ws.root.join(&ws.config.changelog), sections));
    }
    let mut steps: Vec<Step> = bump.plan.steps.clone();
    for (path, sections) in changelogs {
        let before = crate::fs::read_or_empty(&path)?;
        let mut text = before.clone();
        for (tag, crates) in sections {
            let options = ChangelogOptions {
                selection: crate::changelog::Selection {
                    tag: Some(tag.to_owned()),
                    unreleased: true,
                    ..Default::default()
                },
                packages: crates,
                ..Default::default()
            };
            let rendered = changelog_op::render_section(ws, repo, cwd, &options, true)?;
            if let Some(after) = changelog_op::insert_section(&text, &rendered) {
                text = after;
            }
        }
        if text != before {
            steps.push(Step::WriteFile { path, before, after: text });
        }
    }
    Ok(steps)
}

/// Returns each write with its journal record.
fn file_records(steps: Vec<Step>) -> Vec<(FileRecord, Step)> {
    steps
        .into_iter()
        .map(|step| {
            let Step::WriteFile { path, before, after } = &step;
            let record =
                FileRecord { path: path.clone(), before: path.exists().then(|| before.clone()), after: after.clone() };
            (record, step)
        })
        .collect()
}

/// Returns the notes of each new tag, from HEAD (the release commit adds no change to them),
/// each since its unit's latest release among `visible` (HEAD's [`visible_tags`]), all from one
/// walk over history.
///
/// [`visible_tags`]: crate::ops::unreleased::visible_tags
pub fn release_notes(
    ws: &Workspace,
    repo: &Repository,
    head: &str,
    visible: &[crate::git::history::Tag],
    tags: &[NewTag],
    now: i64,
) -> anyhow::Result<Vec<ReleaseNotes>> {
    let owners = ws.owners(&crate::fs::canonical(repo.workdir()));
    // Every unit's releases in one pass over the tags, not one per new tag.
    let by_unit = crate::workspace::units::releases_of(ws.units(), visible);
    let previous: Vec<Option<ReleaseTag>> = tags
        .iter()
        .map(|tag| {
            let unit = tag.crates.first().or(tag.scope.first()).and_then(|c| ws.unit_of(c)).or(ws.units().first());
            let at = unit.and_then(|u| ws.units().iter().position(|v| v.name == u.name));
            let mut releases = at.and_then(|at| by_unit.get(at)).cloned().unwrap_or_default();
            if tag.scope.len() == 1 && unit.is_some_and(|u| u.format().names_crate()) {
                releases.retain(|r| r.crate_name.as_deref().is_none_or(|c| tag.scope.first().is_some_and(|s| c == s)));
            }
            let earlier = releases.into_iter().filter(|r| r.version < tag.version).collect();
            crate::workspace::units::latest_at_most(earlier, &tag.version, false)
        })
        .collect();
    let releases = tags
        .iter()
        .zip(&previous)
        .map(|(tag, previous)| notes::Release {
            tag: &tag.name,
            version: &tag.version,
            previous: previous.as_ref().map(|p| (p.tag.name.as_str(), p.tag.commit.as_str())),
            timestamp: now,
            scope: (!tag.scope.is_empty()).then_some(tag.scope.as_slice()),
            crates: tag.crates.clone(),
        })
        .collect();
    Ok(notes::compose(repo, &owners, head, releases)?)
}

/// Returns whether a release with `options` publishes to crates.io: no `--registry`, and no
/// default registry in cargo's configuration.
pub fn to_crates_io(ws: &Workspace, options: &ReleaseOptions) -> bool {
    options.publish && options.registry.is_none() && crate::published::default_registry(&ws.root).is_none()
}

/// Returns the least and the most minutes crates.io's rate limits make a publish of `crates`
/// crates wait (all new versions of existing crates; all new crates), when it waits at all.
/// crates.io: new versions, a burst of 30 then one a minute; new crates, 5 then one per 10 minutes.
pub fn crates_io_wait(crates: usize) -> Option<(usize, usize)> {
    let (least, most) = (crates.saturating_sub(30), crates.saturating_sub(5) * 10);
    (most > 0).then_some((least, most))
}

/// Returns the crates the new tags name (released and publishable), each after the workspace
/// crates it depends on.
pub fn publish_order(ws: &Workspace, tags: &[NewTag]) -> Vec<(String, Version)> {
    let mut left: Vec<(&str, &Version, Vec<String>)> = tags
        .iter()
        .flat_map(|t| t.crates.iter().map(move |c| (c, &t.version)))
        .filter_map(|(name, version)| Some((name, version, ws.member(name).filter(|m| m.publish)?)))
        .map(|(name, version, member)| {
            let entries = ws.manifest_of(member).dependencies().unwrap_or_default();
            (name.as_str(), version, entries.into_iter().map(|e| e.package).collect())
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

#[cfg(test)]
mod tests {
    #[test]
    fn crates_io_waits_only_past_its_bursts() {
        assert_eq!(super::crates_io_wait(5), None);
        assert_eq!(super::crates_io_wait(12), Some((0, 70)));
        assert_eq!(super::crates_io_wait(40), Some((10, 350)));
    }
}
