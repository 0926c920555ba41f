//! Commands' work, as data: each module turns options into a plan or a report and prints nothing.

pub mod bump;
pub mod changelog;
pub mod check;
pub mod demo;
pub mod forward_port;
pub mod hook;
pub mod init;
pub mod notes;
pub mod release;
pub mod released;
pub mod rollback;
pub mod start;
pub mod status;
pub mod unreleased;

use std::path::{Path, PathBuf};

use crate::workspace::Workspace;

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
