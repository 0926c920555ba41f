//! `Plan`: every change a command would make, computed before anything is changed.
//!
//! Commands build a plan from reads only; `render` prints it for `--dry-run` and `apply` carries it
//! out. The dry-run decision is taken once, in the CLI, so no step can forget to honour it.

pub mod apply;
mod hook_step;
pub mod journal;
pub mod render;
pub mod repo;
pub mod transaction;
pub mod tree;

use std::path::PathBuf;

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Replace a file's contents; `before` is what was read when planning.
    WriteFile { path: PathBuf, before: String, after: String },
}

/// The ordered changes of one command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub steps: Vec<Step>,
}

impl Plan {
    /// Returns whether the plan changes nothing.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}
