//! The release hook steps of a transaction: running a hook command, staging what a
//! `pre-release-commit` hook changed, and undoing those changes.
//!
//! The release starts from a clean tree (its preflight refuses uncommitted and untracked files),
//! so whatever differs from the old HEAD after the hooks ran, outside the release's own files, is
//! theirs: that is what the commit takes and what the undo puts back.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::journal::Journal;
use super::transaction::{Event, run_streamed};
use crate::git;
use crate::release_hook::HookRun;

/// Which of the two hook points a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    /// Its changes are staged, to join the release commit.
    PreReleaseCommit,
    PostRelease,
}

/// Runs `hook` through `sh -c` in the workspace root with the release in its environment, its
/// output streamed to `on`; a `pre-release-commit` hook's changes are then staged.
pub(super) fn run(dir: &Path, hook: &HookRun, stage: Stage, on: &mut dyn FnMut(Event<'_>)) -> anyhow::Result<()> {
    let mut sh = Command::new("sh");
    sh.arg("-c").arg(&hook.command).current_dir(dir);
    sh.envs(hook.env.iter().map(|(key, value)| (key, value)));
    let (status, _) = run_streamed(sh, &hook.command, on)?;
    if !status.success() {
        anyhow::bail!("`{}` failed ({status})", hook.command);
    }
    if stage == Stage::PreReleaseCommit {
        git::run(dir, &["add", "--all"])?;
    }
    Ok(())
}

/// Puts every path a hook changed (any path but the release's own files) back as it was at the
/// old HEAD, in the index and the work tree; returns whether there was any.
pub(super) fn undo(journal: &Journal) -> anyhow::Result<bool> {
    let dir = journal.workdir.as_path();
    let ours: Vec<PathBuf> = journal.files.iter().map(|f| crate::fs::canonical(&f.path)).collect();
    let changed: Vec<String> =
        changed_paths(dir)?.into_iter().filter(|path| !ours.contains(&crate::fs::canonical(&dir.join(path)))).collect();
    for path in &changed {
        let old = format!("{}:{path}", journal.head_before);
        if git::run(dir, &["cat-file", "-e", &old]).is_ok() {
            git::run(dir, &["checkout", &journal.head_before, "--", path])?;
        } else {
            git::run(dir, &["rm", "--quiet", "--cached", "--ignore-unmatch", "--", path])?;
            let file = dir.join(path);
            if file.exists() {
                std::fs::remove_file(&file)
                    .map_err(|err| anyhow::anyhow!(err).context(format!("failed to remove `{}`", file.display())))?;
            }
        }
    }
    Ok(!changed.is_empty())
}

/// Returns every path `git status` lists (staged, unstaged or untracked), both sides of a rename.
fn changed_paths(dir: &Path) -> anyhow::Result<Vec<String>> {
    let status = git::run(dir, &["status", "--porcelain=v1", "-z", "--untracked-files=all"])?;
    let mut paths = Vec::new();
    let mut entries = status.split('\0').filter(|e| !e.is_empty());
    while let Some(entry) = entries.next() {
        let (code, path) = entry.split_at(3.min(entry.len()));
        paths.push(path.to_owned());
        // `R  new\0old`: the entry after a rename or copy is its old path.
        if code.starts_with('R') || code.starts_with('C') {
            paths.extend(entries.next().map(str::to_owned));
        }
    }
    Ok(paths)
}
