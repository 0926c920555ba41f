//! `rollback`: take a bad release back. Yank its crates, start `hotfix/rollback-<tag>` from its
//! release branch with the fix commits reverted (not the version bump: the next patch release
//! ships the revert), and, when the release carried a critical fix, a retrospective skeleton
//! whose timeline comes from the release journal and git.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::changes;
use crate::git::history::Repository;
use crate::ops::released::{self, Released};
use crate::plan::journal::{CrateRecord, StepKind};
use crate::plan::repo::{self, RepoPlan, RepoStep};
use crate::workspace::Workspace;
use crate::{date, fs, git};

/// The retrospective skeleton; `{tag}`, `{previous}`, `{timeline}` and `{fixes}` are filled in.
pub const RETROSPECTIVE: &str = include_str!("../../templates/retrospective.md");

/// What the user asked `rollback` to do, in domain terms.
#[derive(Debug, Clone)]
pub struct RollbackOptions {
    pub version: String,
    pub yank: bool,
    /// Only un-yank the release's crates.
    pub undo_yank: bool,
    pub registry: Option<String>,
    pub now: i64,
}

/// Everything `rollback` would do.
#[derive(Debug)]
pub struct RollbackPlan {
    pub released: Released,
    /// The crates to yank (or un-yank), at the release's version.
    pub crates: Vec<CrateRecord>,
    pub registry: Option<String>,
    pub undo_yank: bool,
    /// The branch to start, and what it starts from; `None` with `--undo-yank`.
    pub branch: Option<(String, String)>,
    /// The commits to revert, newest first, with their subjects.
    pub reverts: Vec<(String, String)>,
    /// The retrospective's path and contents, for a critical fix.
    pub retrospective: Option<(PathBuf, String)>,
    /// The branch, its base and the checkout (no steps with `--undo-yank`).
    pub repo: RepoPlan,
    pub root: PathBuf,
}

/// Why the rollback cannot go ahead.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("`git revert {commit}` conflicts on `{branch}`")]
    Conflict { commit: String, branch: String },
}

impl crate::error::Help for Refused {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        match self {
            Self::Conflict { commit, .. } => format!(
                "the reverts before it are committed; revert it by hand (`git revert {commit}`), resolve, and commit"
            ),
        }
    }
}

/// What `apply` reports as it goes.
#[derive(Debug)]
pub enum Event<'a> {
    Yanked { name: &'a str, note: Option<&'a str> },
    Branched { branch: &'a str, from: &'a str },
    Reverted { commit: &'a str, subject: &'a str },
    Wrote(&'a Path),
}

/// Returns the plan of the rollback `options` ask for.
pub fn plan(manifest_path: Option<&Path>, cwd: &Path, options: &RollbackOptions) -> anyhow::Result<RollbackPlan> {
    let mut ws = Workspace::load(manifest_path, cwd)?;
    let repo = Repository::discover(&ws.root)?;
    repo.require_full_history()?;
    crate::ops::check::borrow_line_configuration(&mut ws, &repo)?;
    let released = released::find(&ws, &repo, Some(&options.version))?;
    let version = released.version.to_string();
    let crates = match &released.record {
        Some(record) if !record.publish.is_empty() => record.publish.clone(),
        // Without a record: the published crates of the release's unit.
        _ => {
            let unit = match &released.crate_name {
                Some(name) => ws.unit_of(name),
                None => ws.units().first(),
            };
            let crates = unit.map(|u| u.released_crates.clone()).unwrap_or_default();
            crates
                .into_iter()
                .filter(|name| ws.member(name).is_some_and(|m| m.publish))
                .map(|name| CrateRecord { name, version: version.clone() })
                .collect()
        }
    };
    let registry = options.registry.clone().or_else(|| released.record.as_ref().and_then(|r| r.registry.clone()));
    let crates = if options.yank || options.undo_yank { crates } else { Vec::new() };
    let mut plan = RollbackPlan {
        released,
        crates,
        registry,
        undo_yank: options.undo_yank,
        branch: None,
        reverts: Vec::new(),
        retrospective: None,
        repo: RepoPlan { dir: ws.root.clone(), steps: Vec::new() },
        root: ws.root.clone(),
    };
    if options.undo_yank {
        return Ok(plan);
    }
    let tag = plan.released.tag.clone();
    let branch = ws.config.hotfix_branch_of(&format!("rollback-{tag}"), plan.released.crate_name.as_deref());
    released::require_new_branch(&ws.root, &repo, &branch)?;
    let release_branch = ws.release_branch_of(&plan.released.version, plan.released.crate_name.as_deref());
    let from = if repo.resolve(&format!("refs/heads/{release_branch}")).is_ok() { release_branch } else { tag.clone() };
    // Only what fixed something is reverted: a docs or test change of the release stays.
    let fixes: Vec<_> = plan.released.fixes.iter().filter(|c| is_fix(c)).cloned().collect();
    // Newest first: each revert applies to the tree the later fixes left.
    plan.reverts = fixes.iter().rev().map(|c| (c.id.clone(), c.subject().to_owned())).collect();
    let critical = plan.released.record.as_ref().is_some_and(|r| r.critical)
        || changes::from_commits(&fixes).iter().any(changes::Change::is_critical);
    if critical {
        let path = ws.root.join("docs/retrospectives").join(format!("{}.md", tag.replace('/', "-")));
        let text = retrospective(&repo, &plan, &fixes, options.now);
        plan.retrospective = Some((path, text));
    }
    let steps = vec![
        RepoStep::CreateBranch { name: branch.clone(), at: repo.resolve(&from)? },
        RepoStep::SetConfig { key: format!("branch.{branch}.patchBase"), value: tag },
        RepoStep::Switch { branch: branch.clone() },
    ];
    plan.repo = RepoPlan { dir: ws.root.clone(), steps };
    // Found before the crates are yanked, not after.
    repo::check(&plan.repo)?;
    plan.branch = Some((branch, from));
    Ok(plan)
}

/// Returns the retrospective skeleton with its timeline filled in.
fn retrospective(
    repo: &Repository,
    plan: &RollbackPlan,
    fixes: &[crate::git::history::CommitInfo],
    now: i64,
) -> String {
    let mut timeline: Vec<(i64, String)> = Vec::new();
    if let Some(record) = &plan.released.record {
        if let Some(created) = record.branch_started.or_else(|| git::branch_created(&plan.root, &record.branch)) {
            timeline.push((created, format!("branch `{}` cut", record.branch)));
        }
        timeline.push((record.started_at, "release started".into()));
        for step in &record.steps {
            let Some(at) = step.done_at else { continue };
            let what = match &step.kind {
                StepKind::Verify(command) => format!("verified: `{command}`"),
                StepKind::WriteFiles | StepKind::Package => continue,
                StepKind::Commit => "release commit".into(),
                StepKind::MoveBranch => "merged into the release branch".into(),
                StepKind::Tag(tag) => format!("tagged `{tag}`"),
                StepKind::Push(_) => format!("pushed to `{}`", record.remote),
                StepKind::Publish(name) => format!("published `{name}`"),
                StepKind::PreReleaseCommit(hook) => format!("pre-release-commit hook: `{}`", hook.command),
                StepKind::PostRelease(hook) => format!("post-release hook: `{}`", hook.command),
                StepKind::VerifyPublished(_) => match &step.note {
                    // The first line: the rest is cargo's output, in the release's record.
                    Some(note) => format!("checked the published crates: {}", note.lines().next().unwrap_or_default()),
                    None => "checked the published crates: a dependent builds".into(),
                },
                StepKind::NotifyWebhook(message) | StepKind::NotifyEmail(message) => match &step.note {
                    Some(note) => format!("announced by {}: {note}", message.describe()),
                    None => format!("announced by {}", message.describe()),
                },
            };
            timeline.push((at, what));
        }
    } else if let Ok(at) = repo.commit_time(&plan.released.commit) {
        timeline.push((at, format!("tagged `{}`", plan.released.tag)));
    }
    for fix in fixes {
        timeline
            .push((fix.author.time, format!("fix committed: {} `{}`", crate::git::short_id(&fix.id), fix.subject())));
    }
    let crates: Vec<String> = plan.crates.iter().map(|c| format!("`{}`", c.name)).collect();
    let yank = if crates.is_empty() { "rolled back".to_owned() } else { format!("yanked {}", crates.join(", ")) };
    timeline.push((now, format!("{yank}; `hotfix/rollback-{}` started", plan.released.tag)));
    timeline.sort_by_key(|(at, _)| *at);
    let timeline: Vec<String> = timeline.iter().map(|(at, what)| format!("- {} {what}", date::ymd_hm(*at))).collect();
    let fixes: Vec<String> =
        fixes.iter().map(|c| format!("- {} {}", crate::git::short_id(&c.id), c.subject())).collect();
    RETROSPECTIVE
        .replace("{tag}", &plan.released.tag)
        .replace("{previous}", plan.released.previous.as_deref().unwrap_or("the previous release"))
        .replace("{timeline}", &timeline.join("\n"))
        .replace("{fixes}", &fixes.join("\n"))
}

/// The commit types that fix something, which a rollback reverts.
const FIX_TYPES: [&str; 4] = ["fix", "perf", "security", "revert"];

/// Returns whether `commit` is a conventional commit of a fixing type (git's own `Revert "..."`
/// counts as `revert`).
fn is_fix(commit: &crate::git::history::CommitInfo) -> bool {
    match crate::conventional::ConventionalCommit::parse(&commit.message) {
        Ok(parsed) => FIX_TYPES.contains(&parsed.kind.as_str()),
        Err(_) => commit.subject().starts_with("Revert \""),
    }
}

/// Carries out `plan`: yanks first (the part users feel), then the branch and its commits.
pub fn apply(plan: &RollbackPlan, cargo: &std::ffi::OsStr, on: &mut dyn FnMut(Event<'_>)) -> anyhow::Result<()> {
    for krate in &plan.crates {
        let note = yank(&plan.root, cargo, krate, plan.registry.as_deref(), plan.undo_yank)?;
        on(Event::Yanked { name: &krate.name, note: note.as_deref() });
    }
    let Some((branch, from)) = &plan.branch else { return Ok(()) };
    let applied = repo::apply(&plan.repo)?;
    on(Event::Branched { branch, from });
    match reverts_and_retrospective(plan, branch, on) {
        Err(err) if !matches!(err.downcast_ref::<Refused>(), Some(Refused::Conflict { .. })) => {
            Err(applied.undo_after("rollback", err))
        }
        // A conflicting revert is a stop: the reverts before it are committed, for the user to go on.
        done => done,
    }
}

/// Commits the reverts, then the retrospective, on `branch` (checked out).
fn reverts_and_retrospective(plan: &RollbackPlan, branch: &str, on: &mut dyn FnMut(Event<'_>)) -> anyhow::Result<()> {
    let root = plan.root.as_path();
    for (commit, subject) in &plan.reverts {
        if git::run(root, &["revert", "--no-commit", commit]).is_err() {
            let _ = git::run(root, &["revert", "--abort"]);
            return Err(Refused::Conflict { commit: commit.clone(), branch: branch.to_owned() }.into());
        }
        // A conventional `revert:` commit (git's own `Revert "..."` is not one), so the hotfix
        // policy and the changelog treat it like any other change of the branch.
        let message = format!("revert: {subject}\n\nThis reverts commit {commit}.");
        git::run(root, &["commit", "--quiet", "--message", &message])?;
        on(Event::Reverted { commit, subject });
    }
    if let Some((path, text)) = &plan.retrospective {
        fs::write_atomic(path, text.as_bytes())?;
        let relative = path.strip_prefix(root).unwrap_or(path).to_string_lossy().into_owned();
        git::run(root, &["add", "--", &relative])?;
        let message = format!("docs: retrospective for {}", plan.released.tag);
        git::run(root, &["commit", "--quiet", "--message", &message])?;
        on(Event::Wrote(path));
    }
    Ok(())
}

/// Runs `cargo yank` (or `--undo`); a crate already in the wanted state is not an error.
fn yank(
    root: &Path,
    cargo: &std::ffi::OsStr,
    krate: &CrateRecord,
    registry: Option<&str>,
    undo: bool,
) -> anyhow::Result<Option<String>> {
    let mut command = Command::new(cargo);
    command.args(["yank", "--version", &krate.version]).current_dir(root).stdin(std::process::Stdio::null());
    if undo {
        command.arg("--undo");
    }
    if let Some(registry) = registry {
        command.args(["--registry", registry]);
    }
    command.arg(&krate.name);
    let what = format!("cargo yank{} {}@{}", if undo { " --undo" } else { "" }, krate.name, krate.version);
    let output = command.output().map_err(|err| anyhow::anyhow!(err).context(format!("failed to run `{what}`")))?;
    if output.status.success() {
        return Ok(None);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("already been marked as yanked") || stderr.contains("already yanked") {
        return Ok(Some("already yanked".into()));
    }
    if stderr.contains("not yanked") {
        return Ok(Some("not yanked".into()));
    }
    anyhow::bail!("`{what}` failed:\n{}", stderr.trim_end())
}
