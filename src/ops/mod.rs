//! Commands' work, as data: each module turns options into a plan or a report and prints nothing.

pub mod bump;
pub mod changelog;
pub mod check;
pub mod demo;
pub mod forward_port;
pub mod hook;
pub mod init;
pub mod notes;
pub mod notify;
pub mod release;
pub mod release_edit;
pub mod release_hooks;
pub mod release_pr;
pub mod released;
pub mod replace;
pub mod rollback;
pub mod start;
pub mod status;
pub mod unreleased;
pub mod verify_published;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::workspace::Workspace;

/// One reason a command cannot go ahead, with what to do about it.
pub trait Problem: fmt::Display {
    /// Returns what the user can do about it.
    fn help(&self) -> String;
}

/// A command refused, with every problem found (checks collect them all before refusing, so one
/// run shows them all); nothing was changed.
#[derive(Debug)]
pub struct Refused<P> {
    pub problems: Vec<P>,
}

impl<P: fmt::Display> fmt::Display for Refused<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [one] => one.fmt(f),
            many => {
                write!(f, "{} problems, nothing was changed:", many.len())?;
                many.iter().try_for_each(|p| write!(f, "\n  - {p}"))
            }
        }
    }
}

impl<P: fmt::Display + fmt::Debug> std::error::Error for Refused<P> {}

impl<P: Problem + fmt::Debug> crate::error::Help for Refused<P> {
    type Lines = Vec<String>;

    fn help(&self) -> Self::Lines {
        let mut helps: Vec<String> = Vec::new();
        for help in self.problems.iter().map(Problem::help) {
            if !helps.contains(&help) {
                helps.push(help);
            }
        }
        helps
    }
}

/// What a command works on, loaded once per run.
pub struct Context {
    pub workspace: Workspace,
    pub cwd: PathBuf,
}

impl Context {
    /// Returns the context for `--manifest-path` (or the nearest `Cargo.toml` above `cwd`).
    pub fn load(manifest_path: Option<&Path>, cwd: PathBuf) -> anyhow::Result<Self> {
        let workspace = Workspace::load(manifest_path, &cwd)?;
        Ok(Self { workspace, cwd })
    }
}
