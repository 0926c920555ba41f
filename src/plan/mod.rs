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

/// A command that failed after its plan was applied, and was taken back.
#[derive(Debug, thiserror::Error)]
#[error("`cargo patch {command}` failed; {}", taken_back_text(not_undone))]
pub struct TakenBack {
    pub command: &'static str,
    pub not_undone: Vec<String>,
}

fn taken_back_text(not_undone: &[String]) -> String {
    if not_undone.is_empty() {
        "what it had done was taken back, and the repository is as it was".to_owned()
    } else {
        format!("what it had done was taken back except: {}", not_undone.join(", "))
    }
}

impl crate::error::Help for TakenBack {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        if self.not_undone.is_empty() {
            format!("fix the cause below and run `cargo patch {}` again", self.command)
        } else {
            "check `git status`, `git branch` and `git config --local --list`, and undo those by hand".into()
        }
    }
}
