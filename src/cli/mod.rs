//! The command line: `Cli` (clap derive), the command enum and the single dispatch.
//!
//! Only this layer knows clap; each command module converts its flags into domain options.

pub mod args;
pub mod bump;
pub mod changelog;
pub mod check;
pub mod completions;
pub mod demo;
pub mod forward_port;
pub mod help;
pub mod hooks;
pub mod init;
pub mod notes;
pub mod notify;
pub mod release;
pub mod rollback;
pub mod start;
pub mod status;
pub mod verify_published;

use std::ffi::OsString;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::error::{self, CliError, exit_code};
use crate::shell::Shell;

/// Carry a Rust workspace through a disciplined patch and release process
#[derive(Debug, Parser)]
#[command(name = "cargo-patch", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: args::GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    Bump(bump::BumpArgs),
    Changelog(changelog::ChangelogArgs),
    Notes(notes::NotesArgs),
    Start(start::StartArgs),
    Check(check::CheckArgs),
    Release(release::ReleaseArgs),
    Notify(notify::NotifyArgs),
    VerifyPublished(verify_published::VerifyPublishedArgs),
    ForwardPort(forward_port::ForwardPortArgs),
    Rollback(rollback::RollbackArgs),
    Hooks(hooks::HooksArgs),
    Hook(hooks::HookArgs),
    Init(init::InitArgs),
    Demo(demo::DemoArgs),
    Completions(completions::CompletionsArgs),
    Man(completions::ManArgs),
    Status(status::StatusArgs),
}

/// Returns the process exit code after running the command `argv` names.
pub fn main(argv: impl IntoIterator<Item = OsString>) -> i32 {
    let cli = match parse(without_cargo_subcommand(argv)) {
        Ok(cli) => cli,
        Err(err) => {
            // `--help` and `--version` come back as "errors" printed to stdout.
            let code = if err.use_stderr() { exit_code::USAGE } else { exit_code::OK };
            let _ = err.print();
            return code;
        }
    };
    let mut shell = Shell::new(cli.global.verbosity(), cli.global.color());
    let result = run(cli, &mut shell);
    for warning in crate::diagnostics::take() {
        let _ = shell.warn(warning);
    }
    match result {
        Ok(()) => exit_code::OK,
        Err(CliError { error: None, code }) => code,
        Err(CliError { error: Some(err), code }) => {
            if error::is_broken_pipe(&err) {
                return exit_code::OK;
            }
            shell.error(&err, &help::help_lines(&err));
            code
        }
    }
}

fn run(cli: Cli, shell: &mut Shell) -> error::CliResult {
    let Cli { global, command } = cli;
    let cwd =
        std::env::current_dir().map_err(|err| anyhow::anyhow!(err).context("the current directory is not readable"))?;
    match command {
        Command::Bump(args) => bump::exec(args, global.manifest_path.as_deref(), cwd, shell),
        Command::Changelog(args) => changelog::exec(args, global.manifest_path.as_deref(), &cwd, shell),
        Command::Notes(args) => notes::exec(args, global.manifest_path.as_deref(), &cwd, shell),
        Command::Start(args) => start::exec(args, global.manifest_path.as_deref(), &cwd, shell),
        Command::Check(args) => check::exec(args, global.manifest_path.as_deref(), &cwd, shell),
        Command::Hooks(args) => hooks::exec(args, &cwd, shell),
        Command::Hook(args) => hooks::exec_hook(args, global.manifest_path.as_deref(), &cwd, shell),
        Command::Init(args) => init::exec(args, global.manifest_path.as_deref(), &cwd, shell),
        Command::Demo(args) => demo::exec(args, shell),
        Command::Completions(args) => completions::exec_completions(args, shell),
        Command::Man(args) => completions::exec_man(args, shell),
        Command::Status(args) => status::exec(args, global.manifest_path.as_deref(), &cwd, shell),
        Command::ForwardPort(args) => forward_port::exec(args, global.manifest_path.as_deref(), &cwd, shell),
        Command::Rollback(args) => rollback::exec(args, global.manifest_path.as_deref(), &cwd, shell),
        Command::Release(args) => release::exec(args, global.manifest_path.as_deref(), &cwd, shell),
        Command::Notify(args) => notify::exec(args, global.manifest_path.as_deref(), &cwd, shell),
        Command::VerifyPublished(args) => verify_published::exec(args, global.manifest_path.as_deref(), &cwd, shell),
    }
}

/// Parses `argv` as `cargo patch ...`, the name usage lines show (completions use the binary's
/// own name, `cargo-patch`: a name with a space breaks their subcommand tables).
fn parse(argv: Vec<OsString>) -> Result<Cli, clap::Error> {
    let matches = Cli::command().bin_name("cargo patch").try_get_matches_from(argv)?;
    Cli::from_arg_matches(&matches)
}

/// Returns `argv` without the `patch` that cargo inserts when run as `cargo patch ...`.
fn without_cargo_subcommand(argv: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut argv: Vec<OsString> = argv.into_iter().collect();
    if argv.get(1).is_some_and(|arg| arg == "patch") {
        argv.remove(1);
    }
    argv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn argv_forms() {
        let parse = |argv: &[&str]| parse(without_cargo_subcommand(argv.iter().map(OsString::from)));
        let valid: &[&[&str]] = &[
            &["cargo-patch", "patch", "bump", "patch"],
            &["cargo-patch", "bump", "patch"],
            &["cargo-patch", "bump", "1.2.3", "-p", "a", "-p", "b"],
            &["cargo-patch", "bump", "minor", "--workspace", "--exclude", "a"],
            &["cargo-patch", "bump", "rc", "--all"],
            &["cargo-patch", "-v", "bump", "patch", "--manifest-path", "x/Cargo.toml", "--color", "never"],
            &["cargo-patch", "bump", "patch", "-vv"],
            &["cargo-patch", "bump", "auto", "--workspace"],
        ];
        for argv in valid {
            assert!(parse(argv).is_ok(), "{argv:?}: {:?}", parse(argv).err());
        }
        let invalid: &[&[&str]] = &[
            &["cargo-patch"],
            &["cargo-patch", "patch"],
            &["cargo-patch", "bump"],
            &["cargo-patch", "bump", "1.2"],
            &["cargo-patch", "bump", "patch", "--exclude", "a"],
            &["cargo-patch", "bump", "patch", "-p", "a", "--workspace"],
            &["cargo-patch", "bump", "patch", "-q", "-v"],
            &["cargo-patch", "bump", "patch", "--color", "sometimes"],
            &["cargo-patch", "frobnicate"],
        ];
        for argv in invalid {
            assert!(parse(argv).is_err(), "{argv:?} should be refused");
        }
    }
}
