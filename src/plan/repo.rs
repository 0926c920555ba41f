//! The repository half of a plan: branches to create, config to set, a branch to check out.
//!
//! [`apply`] is the one place that makes these changes. Steps run in order; when one fails, the
//! ones before it are undone in reverse, so refs, config, HEAD, index and work tree are as they
//! were. A command whose later work fails (a cherry-pick, a commit) takes the whole plan back with
//! [`Applied::undo`]. Lock files git left behind are found before anything is changed.

use std::path::{Path, PathBuf};

use crate::git;

/// One change to the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepoStep {
    /// Create branch `name` at commit `at`.
    CreateBranch { name: String, at: String },
    /// Set `key` in the repository's git config.
    SetConfig { key: String, value: String },
    /// Check out `branch`; the tracked files must hold no changes.
    Switch { branch: String },
}

impl RepoStep {
    fn describe(&self) -> String {
        match self {
            Self::CreateBranch { name, .. } => format!("create branch `{name}`"),
            Self::SetConfig { key, .. } => format!("set `{key}`"),
            Self::Switch { branch } => format!("switch to `{branch}`"),
        }
    }
}

/// The ordered repository changes of one command, in the work tree `dir`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoPlan {
    pub dir: PathBuf,
    pub steps: Vec<RepoStep>,
}

/// Why a repository plan was not applied. Unless `not_undone` names something, nothing changed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("`{}` exists: another git process is running in this repository, or one crashed", path.display())]
    Locked { path: PathBuf },
    #[error("uncommitted changes in {}", crate::git::file_list(files))]
    Dirty { files: Vec<String> },
    #[error("could not {step}{}", not_undone_text(not_undone))]
    Failed {
        step: String,
        #[source]
        cause: git::Error,
        not_undone: Vec<String>,
    },
}

fn not_undone_text(not_undone: &[String]) -> String {
    if not_undone.is_empty() { String::new() } else { format!("; could not undo: {}", not_undone.join(", ")) }
}

impl crate::error::Help for Error {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        match self {
            Self::Locked { path } => format!(
                "nothing was changed; if no git process is running, remove `{}` and run the command again",
                path.display()
            ),
            Self::Dirty { .. } => "nothing was changed; commit or stash them first".into(),
            Self::Failed { not_undone, .. } if not_undone.is_empty() => {
                "nothing was changed; fix the cause above and run the command again".into()
            }
            Self::Failed { .. } => {
                "check `git status`, `git branch` and `git config --local --list`, and undo those by hand".into()
            }
        }
    }
}

/// What HEAD was before a switch.
#[derive(Debug, Clone)]
enum Origin {
    Branch(String),
    Detached(String),
}

/// A change made, with what undoes it.
#[derive(Debug)]
enum Done {
    Created { name: String },
    Configured { key: String, before: Option<String> },
    Switched { from: Origin },
}

/// The changes a plan made, to take back when the command's later work fails.
#[derive(Debug)]
#[must_use = "the changes can be taken back only through this"]
pub struct Applied {
    dir: PathBuf,
    done: Vec<Done>,
}

/// Applies every step of `plan`, or none. SIGINT, SIGTERM and SIGHUP wait until it is done.
pub fn apply(plan: &RepoPlan) -> Result<Applied, Error> {
    let _deferred = crate::signals::defer();
    let dir = plan.dir.as_path();
    check(plan)?;
    let mut applied = Applied { dir: dir.to_owned(), done: Vec::new() };
    for step in &plan.steps {
        match apply_step(dir, step) {
            Ok(done) => applied.done.push(done),
            Err((cause, partial)) => {
                applied.done.extend(partial);
                let not_undone = applied.take_back();
                return Err(Error::Failed { step: step.describe(), cause, not_undone });
            }
        }
    }
    Ok(applied)
}

impl Applied {
    /// Takes back every change, newest first; returns what could not be undone.
    pub fn undo(mut self) -> Vec<String> {
        let _deferred = crate::signals::defer();
        self.take_back()
    }

    /// Takes back every change because `command` failed with `failure`; returns the failure,
    /// saying so.
    pub fn undo_after(self, command: &'static str, failure: anyhow::Error) -> anyhow::Error {
        let not_undone = self.undo();
        failure.context(super::TakenBack { command, not_undone })
    }

    fn take_back(&mut self) -> Vec<String> {
        let dir = self.dir.clone();
        let mut not_undone = Vec::new();
        while let Some(done) = self.done.pop() {
            if let Err(err) = undo_step(&dir, &done) {
                not_undone.push(format!("{} ({err})", describe_undo(&done)));
            }
        }
        not_undone
    }
}

/// Refuses what would make `plan` fail or its undo inexact, before anything is changed: a lock
/// file git left behind, uncommitted changes to tracked files before a switch. A dry run asks
/// this too, so it predicts the real run.
pub fn check(plan: &RepoPlan) -> Result<(), Error> {
    let dirs = git::run(&plan.dir, &["rev-parse", "--absolute-git-dir", "--git-common-dir"])
        .map_err(|cause| Error::Failed { step: "read the repository".into(), cause, not_undone: Vec::new() })?;
    let mut lines = dirs.lines();
    let git_dir = PathBuf::from(lines.next().unwrap_or_default());
    let common = lines.next().map_or_else(|| git_dir.clone(), |c| plan.dir.join(c));
    let mut locks = Vec::new();
    for step in &plan.steps {
        match step {
            RepoStep::CreateBranch { name, .. } => locks.push(common.join(format!("refs/heads/{name}.lock"))),
            RepoStep::SetConfig { .. } => locks.push(common.join("config.lock")),
            RepoStep::Switch { .. } => {
                locks.push(git_dir.join("HEAD.lock"));
                locks.push(git_dir.join("index.lock"));
            }
        }
    }
    if let Some(path) = locks.into_iter().find(|lock| lock.exists()) {
        return Err(Error::Locked { path });
    }
    if plan.steps.iter().any(|step| matches!(step, RepoStep::Switch { .. })) {
        // The undo of a switch restores HEAD's files, which is exact only from a clean state.
        let status = git::run(&plan.dir, &["status", "--porcelain=v1", "--untracked-files=no"])
            .map_err(|cause| Error::Failed { step: "read `git status`".into(), cause, not_undone: Vec::new() })?;
        let files: Vec<String> = status.lines().map(|l| l.get(3..).unwrap_or_default().to_owned()).collect();
        if !files.is_empty() {
            return Err(Error::Dirty { files });
        }
    }
    Ok(())
}

type StepError = (git::Error, Option<Done>);

/// Makes one change; on failure, returns the cause and, when the change was partly made, what
/// undoes that part.
fn apply_step(dir: &Path, step: &RepoStep) -> Result<Done, StepError> {
    let fail = |err: git::Error| -> StepError { (err, None) };
    match step {
        RepoStep::CreateBranch { name, at } => {
            // Without `--force`: a branch that appeared meanwhile is refused, never moved.
            git::run(dir, &["branch", "--quiet", "--no-track", "--", name, at]).map_err(fail)?;
            Ok(Done::Created { name: name.clone() })
        }
        RepoStep::SetConfig { key, value } => {
            let before = git::run(dir, &["config", "--local", "--get", key]).ok().map(|v| v.trim_end().to_owned());
            git::run(dir, &["config", "--local", key, value]).map_err(fail)?;
            Ok(Done::Configured { key: key.clone(), before })
        }
        RepoStep::Switch { branch } => {
            let from = match git::run(dir, &["symbolic-ref", "--quiet", "HEAD"]) {
                Ok(name) => Origin::Branch(name.trim().to_owned()),
                Err(_) => Origin::Detached(git::run(dir, &["rev-parse", "HEAD"]).map_err(fail)?.trim().to_owned()),
            };
            match git::run(dir, &["switch", "--quiet", "--no-guess", branch]) {
                Ok(_) => Ok(Done::Switched { from }),
                // git may have checked the files out before failing to move HEAD.
                Err(err) => Err((err, Some(Done::Switched { from }))),
            }
        }
    }
}

fn describe_undo(done: &Done) -> String {
    match done {
        Done::Created { name } => format!("delete branch `{name}`"),
        Done::Configured { key, .. } => format!("restore `{key}`"),
        Done::Switched { from: Origin::Branch(name) | Origin::Detached(name) } => format!("check out `{name}` again"),
    }
}

/// Takes back one change.
fn undo_step(dir: &Path, done: &Done) -> Result<(), git::Error> {
    match done {
        // The branch was created by this command: whatever was committed on it since goes too.
        Done::Created { name } => git::run(dir, &["branch", "--quiet", "-D", "--", name]).map(drop),
        Done::Configured { key, before: Some(value) } => git::run(dir, &["config", "--local", key, value]).map(drop),
        Done::Configured { key, before: None } => git::run(dir, &["config", "--local", "--unset", key]).map(drop),
        Done::Switched { from } => {
            // No hooks of the user's on the way back: the undo must be exactly the reverse.
            let quiet = ["-c", "core.hooksPath=/dev/null"];
            let now = git::run(dir, &["symbolic-ref", "--quiet", "HEAD"]).ok().map(|n| n.trim().to_owned());
            let moved = match (from, &now) {
                (Origin::Branch(name), Some(now)) => now != name,
                (Origin::Branch(_), None) => true,
                (Origin::Detached(commit), None) => {
                    git::run(dir, &["rev-parse", "HEAD"]).map(|h| h.trim() != commit).unwrap_or(true)
                }
                (Origin::Detached(_), Some(_)) => true,
            };
            if moved {
                // A revert or cherry-pick the command left half-done keeps git from switching.
                for sequencer in ["revert", "cherry-pick"] {
                    let _ = git::run(dir, &[sequencer, "--quit"]);
                }
                let back: Vec<&str> = match from {
                    Origin::Branch(name) => {
                        let short = name.strip_prefix("refs/heads/").unwrap_or(name);
                        [&quiet[..], &["switch", "--quiet", "--discard-changes", "--no-guess", short]].concat()
                    }
                    Origin::Detached(commit) => {
                        [&quiet[..], &["switch", "--quiet", "--discard-changes", "--detach", commit]].concat()
                    }
                };
                git::run(dir, &back).map(drop)
            } else {
                // HEAD never moved, but the index and files may be the other branch's: the tracked
                // files were clean before the switch, so HEAD's tree is exactly what was there.
                git::run(dir, &[&quiet[..], &["read-tree", "--reset", "-u", "HEAD"]].concat()).map(drop)
            }
        }
    }
}
