//! Exit codes and the error a command returns to `main`, with the `help:` lines it carries.

use crate::{changelog, git, hooks, hotfix, ops, plan, version, workspace};

/// Exit statuses, the same for every command (SPEC: "Exit status").
pub mod exit_code {
    /// Success.
    pub const OK: i32 = 0;
    /// A failure, a refused operation or a policy violation.
    pub const FAILURE: i32 = 1;
    /// A usage error: unknown flag, missing or invalid argument, conflicting flags.
    pub const USAGE: i32 = 2;
}

/// What a command hands back to `main`: an error to print (if any) and the exit code.
#[derive(Debug)]
pub struct CliError {
    pub error: Option<anyhow::Error>,
    pub code: i32,
}

impl From<anyhow::Error> for CliError {
    fn from(error: anyhow::Error) -> Self {
        Self { error: Some(error), code: exit_code::FAILURE }
    }
}

impl From<std::io::Error> for CliError {
    fn from(error: std::io::Error) -> Self {
        anyhow::Error::from(error).into()
    }
}

/// The result of a command.
pub type CliResult = Result<(), CliError>;

/// Returns the `help:` lines for an error: those of every typed error in its chain that knows
/// what the user can do about it.
pub fn help_lines(error: &anyhow::Error) -> Vec<String> {
    let mut lines = Vec::new();
    for cause in error.chain() {
        if let Some(refused) = cause.downcast_ref::<ops::bump::Refused>() {
            lines.extend(refused.help());
            continue;
        }
        if let Some(refused) = cause.downcast_ref::<ops::changelog::Refused>() {
            lines.push(refused.help());
            continue;
        }
        if let Some(refused) = cause.downcast_ref::<ops::notes::Refused>() {
            lines.push(refused.help());
            continue;
        }
        if let Some(refused) = cause.downcast_ref::<ops::start::Refused>() {
            lines.push(refused.help());
            continue;
        }
        if let Some(refused) = cause.downcast_ref::<ops::check::Refused>() {
            lines.push(refused.help());
            continue;
        }
        if let Some(invalid) = cause.downcast_ref::<hotfix::slug::InvalidSlug>() {
            lines.push(invalid.help());
            continue;
        }
        let help = if let Some(e) = cause.downcast_ref::<workspace::Error>() {
            e.help()
        } else if let Some(e) = cause.downcast_ref::<workspace::manifest::Error>() {
            e.help()
        } else if let Some(e) = cause.downcast_ref::<workspace::config::Error>() {
            e.help()
        } else if let Some(e) = cause.downcast_ref::<version::Error>() {
            Some(e.help())
        } else if let Some(e) = cause.downcast_ref::<plan::apply::Error>() {
            e.help()
        } else if let Some(e) = cause.downcast_ref::<git::history::Error>() {
            e.help()
        } else if let Some(e) = cause.downcast_ref::<changelog::Error>() {
            e.help()
        } else if let Some(e) = cause.downcast_ref::<hooks::Error>() {
            e.help()
        } else {
            cause.downcast_ref::<git::Error>().map(git::Error::help)
        };
        lines.extend(help.filter(|h| !lines.contains(h)));
    }
    lines
}

/// Returns whether the error is a closed stdout (`cargo patch ... | head`), which is not a failure.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
