//! Exit codes and the error a command returns to `main`, with the `help:` lines it carries.

use crate::{changelog, cli, git, hooks, hotfix, ops, plan, release_window, version, workspace};

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
/// what the user can do about it, without repeats.
pub fn help_lines(error: &anyhow::Error) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for cause in error.chain() {
        for line in help_of(cause) {
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
    }
    lines
}

/// Returns the help of `cause` when it is one of our typed errors.
fn help_of(cause: &(dyn std::error::Error + 'static)) -> Vec<String> {
    macro_rules! first_known {
        ($($ty:ty),+ $(,)?) => {
            $(if let Some(e) = cause.downcast_ref::<$ty>() {
                return IntoHelp::into_help(e.help());
            })+
        };
    }
    first_known!(
        ops::bump::Refused,
        ops::changelog::Refused,
        ops::notes::Refused,
        ops::start::Refused,
        ops::check::Refused,
        ops::hook::BadPushLine,
        ops::release::Refused,
        cli::release::NotConfirmed,
        cli::demo::NotEmpty,
        cli::completions::NoManPage,
        ops::rollback::Refused,
        ops::released::Unready,
        ops::forward_port::Refused,
        plan::journal::Error,
        plan::transaction::Failure,
        release_window::Error,
        hotfix::slug::InvalidSlug,
        workspace::Error,
        workspace::manifest::Error,
        workspace::config::Error,
        version::Error,
        plan::apply::Error,
        crate::fs::Error,
        git::history::Error,
        changelog::Error,
        hooks::Error,
        git::Error,
    );
    Vec::new()
}

/// The shapes typed errors' `help()` comes in.
trait IntoHelp {
    fn into_help(self) -> Vec<String>;
}

impl IntoHelp for String {
    fn into_help(self) -> Vec<String> {
        vec![self]
    }
}

impl IntoHelp for Option<String> {
    fn into_help(self) -> Vec<String> {
        self.into_iter().collect()
    }
}

impl IntoHelp for Vec<String> {
    fn into_help(self) -> Vec<String> {
        self
    }
}

/// Returns whether the error is a closed stdout (`cargo patch ... | head`), which is not a failure.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
