//! Exit codes, the error a command returns to `main`, and the [`Help`] trait through which each
//! typed error says what to do about it. A leaf: it knows none of the crate's modules.

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

/// What the user can do about an error: every typed error of the crate implements this next to
/// its definition, so its help travels with it. `cli::help` finds it in an error's chain.
pub trait Help: std::error::Error {
    /// The shape of the help: one line, maybe a line, or several.
    type Lines: IntoHelp;

    /// Returns what the user can do about it.
    fn help(&self) -> Self::Lines;

    /// Returns the help as `help:` lines.
    fn help_lines(&self) -> Vec<String> {
        self.help().into_help()
    }
}

/// The shapes a typed error's help comes in.
pub trait IntoHelp {
    /// Returns the help as lines.
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
