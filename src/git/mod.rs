//! What cargo-patch asks of git: whether files have uncommitted changes (the git CLI); the history
//! model lives in [`history`] (gix).
//!
//! `git status` is asked directly: one process, a few milliseconds, and exactly git's own notion
//! of "modified", including index state, `.gitignore` and `core.autocrlf`.

pub mod changed;
pub mod diff;
pub mod files;
pub mod history;
pub mod message;
pub mod walk;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A git invocation that failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("failed to run `git {args}` in `{}`", dir.display())]
    Spawn { args: String, dir: PathBuf, source: std::io::Error },
    #[error("`git {args}` failed in `{}`: {stderr}", dir.display())]
    Failed { args: String, dir: PathBuf, stderr: String },
}

impl crate::error::Help for Error {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        "make sure `git status` works in this directory".into()
    }
}

/// Returns the files among `paths` that are modified, staged, untracked or otherwise differ
/// from `HEAD`, or `None` when `dir` is not inside a git work tree (nothing to protect then).
pub fn uncommitted_files(dir: &Path, paths: &[PathBuf]) -> Result<Option<Vec<String>>, Error> {
    let mut command = Command::new("git");
    command.arg("-C").arg(dir).args(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--"]).args(paths);
    let args = "status --porcelain";
    let output = match command.output() {
        Ok(output) => output,
        // Without git there is no repository whose state we could lose.
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(Error::Spawn { args: args.into(), dir: dir.to_owned(), source });
        }
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        // Only "no repository found by discovery" means there is nothing to protect. A `GIT_DIR`
        // that names no repository ("not a git repository: '/wrong'") is a broken environment,
        // and taking it for "no repository" would turn the dirty check off.
        if stderr.contains("not a git repository (or any") {
            return Ok(None);
        }
        return Err(Error::Failed { args: args.into(), dir: dir.to_owned(), stderr });
    }
    Ok(Some(porcelain_paths(&output.stdout)))
}

/// Runs `git ARGS` in `dir` (for what gix cannot do: switching branches in the work tree, and
/// writes that must behave exactly as git's own) and returns its standard output.
pub fn run(dir: &Path, args: &[&str]) -> Result<String, Error> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .map_err(|source| Error::Spawn { args: args.join(" "), dir: dir.to_owned(), source })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        return Err(Error::Failed { args: args.join(" "), dir: dir.to_owned(), stderr });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Returns a commit id shortened for messages: its first 7 characters, as git abbreviates.
pub fn short_id(id: &str) -> &str {
    id.get(..7).unwrap_or(id)
}

/// Returns when `branch` was created, from its reflog (gone once the branch is deleted).
pub fn branch_created(root: &Path, branch: &str) -> Option<i64> {
    let log = run(root, &["reflog", "show", "--format=%ct", &format!("refs/heads/{branch}")]).ok()?;
    log.lines().last()?.trim().parse().ok()
}

/// Returns `files` as a message lists them: backticked, and only the first few of a long list
/// (a forgotten `target/` can make thousands).
pub fn file_list(files: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut list: Vec<String> = files.iter().take(SHOWN).map(|f| format!("`{f}`")).collect();
    if files.len() > SHOWN {
        list.push(format!("and {} more", files.len() - SHOWN));
    }
    list.join(", ")
}

/// Returns the paths of `git status --porcelain=v1 -z` output; a rename's source is skipped.
fn porcelain_paths(stdout: &[u8]) -> Vec<String> {
    let mut paths = Vec::new();
    let mut records = stdout.split(|&b| b == 0).filter(|r| !r.is_empty());
    while let Some(record) = records.next() {
        let (status, path) = record.split_at(record.len().min(3));
        paths.push(String::from_utf8_lossy(path).into_owned());
        if status.first().is_some_and(|&x| x == b'R' || x == b'C') {
            records.next();
        }
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_porcelain_records() {
        let out = b" M Cargo.toml\0R  new.toml\0old.toml\0?? crates/a/Cargo.toml\0";
        assert_eq!(porcelain_paths(out), ["Cargo.toml", "new.toml", "crates/a/Cargo.toml"]);
    }

    #[test]
    fn long_file_lists_are_cut() {
        let files: Vec<String> = (0..10).map(|i| format!("f{i}")).collect();
        assert_eq!(file_list(&files[..2]), "`f0`, `f1`");
        assert!(file_list(&files).ends_with("`f7`, and 2 more"));
    }
}
