//! The release tree: a detached linked worktree of the release commit, under the store
//! (`<git dir>/cargo-patch/tree`), from which `cargo package` and `cargo publish` run.
//!
//! Publishing from the user's work tree would upload whatever it holds when the step runs: a
//! `--resume` after a fix commit, an edited file, an untracked file `include` picks up. A checkout
//! of the release commit holds exactly the tagged tree, and cargo records that commit in the
//! crate's `.cargo_vcs_info.json`. The tree sits inside the git directory, so cargo finds the same
//! `.cargo/config.toml` files above it as it would in the work tree, and the user never sees it.

use std::path::{Path, PathBuf};

use crate::git;

/// Returns the release tree at `path`, checked out at `commit`: an existing one is reused when it
/// is at `commit` and clean, else made again.
pub fn checkout(workdir: &Path, path: &Path, commit: &str) -> anyhow::Result<PathBuf> {
    if path.join(".git").exists() {
        let head = git::run(path, &["rev-parse", "HEAD"]).map(|h| h.trim().to_owned()).unwrap_or_default();
        let clean = git::run(path, &["status", "--porcelain", "--untracked-files=no"]).is_ok_and(|s| s.is_empty());
        if head == commit && clean {
            return Ok(path.to_owned());
        }
    }
    remove(workdir, path)?;
    let target = path.to_string_lossy();
    git::run(workdir, &["worktree", "add", "--quiet", "--detach", "--force", &target, commit])
        .map_err(|err| anyhow::anyhow!(err).context(format!("failed to check out the release commit {commit}")))?;
    if path.join(".gitmodules").exists() {
        git::run(path, &["submodule", "update", "--init", "--recursive", "--quiet"])
            .map_err(|err| anyhow::anyhow!(err).context("failed to check out the release commit's submodules"))?;
    }
    Ok(path.to_owned())
}

/// Removes the release tree at `path` and git's record of it; nothing when there is none.
pub fn remove(workdir: &Path, path: &Path) -> anyhow::Result<()> {
    if path.exists() {
        let target = path.to_string_lossy();
        if git::run(workdir, &["worktree", "remove", "--force", "--force", &target]).is_err() {
            std::fs::remove_dir_all(path)
                .map_err(|err| anyhow::anyhow!(err).context(format!("failed to remove `{}`", path.display())))?;
        }
    }
    // Forget a tree whose directory is gone (removed by hand, or just above).
    git::run(workdir, &["worktree", "prune"])?;
    Ok(())
}
