//! `cargo patch completions <SHELL>` and `cargo patch man`: generated from the CLI definition.

use clap::{Args, CommandFactory};
use clap_complete::Shell as CompletionShell;

use super::Cli;
use crate::error::CliResult;
use crate::shell::Shell;

/// Print shell completions for bash, zsh, fish, powershell or elvish
#[derive(Debug, Args)]
#[command(after_long_help = "\
Examples:
  cargo patch completions bash > ~/.local/share/bash-completion/completions/cargo-patch
  cargo patch completions zsh > \"${fpath[1]}/_cargo-patch\"
  cargo patch completions fish > ~/.config/fish/completions/cargo-patch.fish")]
pub struct CompletionsArgs {
    /// The shell to complete for
    pub shell: CompletionShell,
}

/// Print the man page (roff) of cargo-patch
#[derive(Debug, Args)]
#[command(after_long_help = "\
Examples:
  cargo patch man > ~/.local/share/man/man1/cargo-patch.1 && man cargo-patch")]
pub struct ManArgs {}

/// Runs `completions`: the binary is `cargo-patch`, which is what shells complete.
pub fn exec_completions(args: CompletionsArgs, shell: &mut Shell) -> CliResult {
    let CompletionsArgs { shell: target } = args;
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(target, &mut command, "cargo-patch", &mut out);
    let mut script = String::from_utf8_lossy(&out).into_owned();
    if target == CompletionShell::Bash {
        // clap_complete 4.6 names a subcommand's state `cargo__subcmd__patch__...` in one table and
        // `cargo__patch__...` in the other when the binary name has a hyphen, so nothing below the
        // top level would complete; one spelling makes them agree (a no-op once it is fixed).
        script = script.replace("cargo__subcmd__patch", "cargo__patch");
    }
    shell.print(&script)?;
    Ok(())
}

/// Runs `man`.
pub fn exec_man(args: ManArgs, shell: &mut Shell) -> CliResult {
    let ManArgs {} = args;
    let command = Cli::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(command).render(&mut out)?;
    shell.print(&String::from_utf8_lossy(&out))?;
    Ok(())
}
