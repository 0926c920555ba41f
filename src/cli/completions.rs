//! `cargo patch completions <SHELL>` and `cargo patch man`: generated from the CLI definition.

use clap::{Args, CommandFactory};
use clap_complete::Shell as CompletionShell;

use super::Cli;
use crate::error::{CliError, CliResult, exit_code};
use crate::shell::Shell;

/// Print shell completions for bash, zsh, fish, powershell or elvish
#[derive(Debug, Args)]
#[command(after_long_help = "\
The scripts complete both `cargo-patch ...` and `cargo patch ...`. Bash: source it from
~/.bashrc (a file bash-completion loads on demand would load only for `cargo-patch`). Zsh: a file
named `_cargo-patch` in $fpath, which cargo's own zsh completion calls for `cargo patch`. Fish: a
file in conf.d (one in completions/ would load only for `cargo-patch`).

Examples:
  cargo patch completions bash > ~/.cargo-patch.bash && echo '. ~/.cargo-patch.bash' >> ~/.bashrc
  cargo patch completions zsh > \"${fpath[1]}/_cargo-patch\"
  cargo patch completions fish > ~/.config/fish/conf.d/cargo-patch.fish")]
pub struct CompletionsArgs {
    /// The shell to complete for
    pub shell: CompletionShell,
}

/// Print the man page (roff) of cargo-patch or of one of its commands
#[derive(Debug, Args)]
#[command(after_long_help = "\
Examples:
  cargo patch man > ~/.local/share/man/man1/cargo-patch.1 && man cargo-patch
  cargo patch man bump > ~/.local/share/man/man1/cargo-patch-bump.1 && man cargo-patch-bump
  for page in $(cargo patch man --list); do
    cargo patch man \"$page\" > ~/.local/share/man/man1/cargo-patch-\"$page\".1
  done")]
pub struct ManArgs {
    /// The command whose page to print, its words joined by `-` (`bump`, `hooks-install`);
    /// without it, the main page
    pub page: Option<String>,
    /// Print the names of the command pages, one a line
    #[arg(long, conflicts_with = "page")]
    pub list: bool,
}

/// `cargo patch man NAME` for a name that has no page.
#[derive(Debug, thiserror::Error)]
#[error("there is no man page `cargo-patch-{name}`")]
pub struct NoManPage {
    pub name: String,
    pub pages: Vec<String>,
}

impl crate::error::Help for NoManPage {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        format!("the pages are: {} (`cargo patch man --list`)", self.pages.join(", "))
    }
}

/// `cargo patch ...` in bash: cargo's own completion (before bash-completion 2.12) completes
/// file names after a third-party subcommand, so `cargo` is completed by this wrapper, which hands
/// `cargo patch ...` to the function above as `cargo-patch ...` and every other `cargo ...` to the
/// completion `cargo` had (loaded first, where bash-completion loads completions on demand).
const BASH_CARGO_FORM: &str = r#"
_cargo_patch__cargo() {
    if [[ ${COMP_CWORD} -ge 2 && ${COMP_WORDS[1]} == patch ]]; then
        local -a COMP_WORDS=(cargo-patch "${COMP_WORDS[@]:2}")
        local COMP_CWORD=$((COMP_CWORD - 1))
        _cargo__patch cargo-patch "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    elif [[ -n ${_cargo_patch__previous-} ]]; then
        "${_cargo_patch__previous}" "$@"
    fi
}
if ! complete -p cargo >/dev/null 2>&1 && declare -F _completion_loader >/dev/null; then
    _completion_loader cargo >/dev/null 2>&1
fi
# Sourced twice, the wrapper must not call itself.
_cargo_patch__previous=$(complete -p cargo 2>/dev/null | sed -n 's/.*-F \([^ ]*\).*/\1/p')
if [[ ${_cargo_patch__previous} == _cargo_patch__cargo ]]; then
    _cargo_patch__previous=$(declare -F _cargo >/dev/null && echo _cargo)
fi
complete -F _cargo_patch__cargo -o bashdefault -o default cargo
"#;

/// `cargo patch ...` in fish: fish's cargo completion lists `patch` among cargo's commands but
/// completes nothing after it, so what follows is completed as `cargo-patch ...` would be.
const FISH_CARGO_FORM: &str = r#"
function __fish_cargo_patch_cargo_form
    set -l tokens (commandline -opc)
    test (count $tokens) -ge 2 -a "$tokens[2]" = patch
end
function __fish_cargo_patch_complete_cargo_form
    set -l tokens (commandline -opc)
    complete -C (string join -- ' ' cargo-patch $tokens[3..-1] (commandline -ct))
end
complete -c cargo -n __fish_cargo_patch_cargo_form -f -a '(__fish_cargo_patch_complete_cargo_form)'
"#;

/// Runs `completions`: the binary is `cargo-patch`, which is what shells complete; bash and fish
/// get a few lines more for the `cargo patch` form (zsh needs none: cargo's `_cargo` calls
/// `_cargo-patch`, the function this script defines, for `cargo patch`).
pub fn exec_completions(args: CompletionsArgs, shell: &mut Shell) -> CliResult {
    let CompletionsArgs { shell: target } = args;
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(target, &mut command, "cargo-patch", &mut out);
    let mut script = String::from_utf8_lossy(&out).into_owned();
    match target {
        CompletionShell::Bash => {
            // clap_complete 4.6 names a subcommand's state `cargo__subcmd__patch__...` in one table
            // and `cargo__patch__...` in the other when the binary name has a hyphen, so nothing
            // below the top level would complete; one spelling makes them agree (a no-op once it is
            // fixed).
            script = script.replace("cargo__subcmd__patch", "cargo__patch");
            script.push_str(BASH_CARGO_FORM);
        }
        CompletionShell::Fish => script.push_str(FISH_CARGO_FORM),
        _ => {}
    }
    shell.print(&script)?;
    Ok(())
}

/// Runs `man`: the main page names a `cargo-patch-<command>(1)` page for each command, and each
/// of those is `cargo patch man <command>`.
pub fn exec_man(args: ManArgs, shell: &mut Shell) -> CliResult {
    let ManArgs { page, list } = args;
    // Built, so every command knows its full name (`cargo-patch-hooks-install`); no `help`
    // command, which has no page of its own.
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let pages = command_pages(&command);
    if list {
        let names: String = pages.iter().map(|(name, _)| format!("{name}\n")).collect();
        shell.print(&names)?;
        return Ok(());
    }
    let command = match page {
        None => command,
        Some(name) => match pages.iter().find(|(page, _)| *page == name) {
            Some((_, sub)) => sub.clone(),
            None => {
                let pages = pages.into_iter().map(|(name, _)| name).collect();
                let error = anyhow::Error::new(NoManPage { name, pages });
                return Err(CliError { error: Some(error), code: exit_code::USAGE });
            }
        },
    };
    let mut out = Vec::new();
    let source = format!("cargo-patch {}", env!("CARGO_PKG_VERSION"));
    clap_mangen::Man::new(command).source(source).render(&mut out)?;
    shell.print(&String::from_utf8_lossy(&out))?;
    Ok(())
}

/// Returns every command with a page, as `cargo patch man` names it (`hooks-install`), in the
/// order `--help` lists them, each followed by its own commands.
fn command_pages(command: &clap::Command) -> Vec<(String, clap::Command)> {
    fn walk(command: &clap::Command, prefix: &str, out: &mut Vec<(String, clap::Command)>) {
        for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
            let name =
                if prefix.is_empty() { sub.get_name().to_owned() } else { format!("{prefix}-{}", sub.get_name()) };
            out.push((name.clone(), sub.clone()));
            walk(sub, &name, out);
        }
    }
    let mut out = Vec::new();
    walk(command, "", &mut out);
    out
}
