//! `cargo patch init`: configuration, CHANGELOG.md, hooks and (optionally) a CI workflow.

use std::io::IsTerminal;
use std::path::Path;

use clap::{Args, ValueEnum};

use crate::error::CliResult;
use crate::hooks;
use crate::ops::init::{self, InitParts};
use crate::plan;
use crate::shell::Shell;

/// Set up cargo-patch in this workspace: configuration, CHANGELOG.md, git hooks
#[derive(Debug, Args)]
#[command(after_long_help = "\
Writes the default [workspace.metadata.patch-release] (every key commented) at the end of the root
Cargo.toml, creates CHANGELOG.md from history when missing, and installs the hooks. On a
terminal it asks before each part; --yes (or no terminal, or CI set) takes the defaults.
Running it twice changes nothing.

Examples:
  cargo patch init
  cargo patch init --yes --ci github")]
pub struct InitArgs {
    /// Take every default without asking
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Also write a CI workflow
    #[arg(long, value_enum, value_name = "PROVIDER")]
    pub ci: Option<CiProvider>,

    /// Print what would change as a diff, and change nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// `--ci` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiProvider {
    Github,
}

/// Runs `init`.
pub fn exec(args: InitArgs, manifest_path: Option<&Path>, cwd: &Path, shell: &mut Shell) -> CliResult {
    let InitArgs { yes, ci, dry_run } = args;
    // Never prompt where nobody can answer: a hook's stdin is /dev/null while stderr may still be
    // a terminal, and CI sets `CI`.
    let interactive = !yes
        && !dry_run
        && std::io::stdin().is_terminal()
        && std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none();
    let ask = |prompt: &str| -> std::io::Result<bool> {
        if !interactive {
            return Ok(true);
        }
        let answer = dialoguer::Confirm::new().with_prompt(prompt).default(true).interact_opt();
        Ok(answer.map_err(std::io::Error::other)?.unwrap_or(false))
    };
    let parts = InitParts {
        config: ask("Write the default configuration (commented) into Cargo.toml?")?,
        changelog: ask("Create CHANGELOG.md from the history?")?,
        hooks: ask("Install the commit-msg and pre-push hooks?")?,
        github_workflow: ci == Some(CiProvider::Github) && ask("Write .github/workflows/cargo-patch.yml?")?,
    };
    let init = init::plan(manifest_path, cwd, parts)?;
    for part in &init.already {
        shell.note(format!("{part} is already there; left as it is"))?;
    }
    if dry_run {
        shell.diff(&plan::render::unified_diff(&init.plan, &init.root))?;
        if init.install_hooks {
            report_hooks(&install_hooks(&init.root, true)?, true, shell)?;
        }
        shell.warn("aborting due to dry run; nothing was written")?;
        return Ok(());
    }
    // A hook install that would be refused is found before any file is written.
    if init.install_hooks {
        install_hooks(&init.root, true)?;
    }
    let written = plan::apply::apply(&init.plan).map_err(anyhow::Error::from)?;
    let hooked = if init.install_hooks { Some(install_hooks(&init.root, false)) } else { None };
    let hooked = match hooked.transpose() {
        Ok(hooked) => hooked,
        Err(failure) => {
            let not_undone = written.undo();
            return Err(failure.context(plan::TakenBack { command: "init", not_undone }).into());
        }
    };
    for plan::Step::WriteFile { path, .. } in &init.plan.steps {
        shell.status("Wrote", path.strip_prefix(&init.root).unwrap_or(path).display())?;
    }
    if let Some(hooked) = hooked {
        report_hooks(&hooked, false, shell)?;
    }
    Ok(())
}

/// What installing the hooks did (or, in a dry run, would do).
enum Hooked {
    NoRepository,
    Managed(hooks::Manager),
    Changed(Vec<hooks::Change>),
}

/// Installs the hooks of the repository at `root` (or, with `dry_run`, says what installing
/// would do), leaving them to a hook manager that owns them: the dry run and the real run
/// report the same decision.
fn install_hooks(root: &Path, dry_run: bool) -> anyhow::Result<Hooked> {
    if crate::git::run(root, &["rev-parse", "--git-dir"]).is_err() {
        return Ok(Hooked::NoRepository);
    }
    // In a repository, a hooks directory git cannot resolve is an error, not "no repository".
    let dir = hooks::hooks_dir(root)?;
    let binary =
        std::env::current_exe().map_err(|e| anyhow::anyhow!(e).context("cannot locate the cargo-patch binary"))?;
    let options = hooks::InstallOptions { force: false, dry_run };
    match hooks::install(&dir, &crate::fs::canonical(&binary), options) {
        Err(hooks::Error::Managed { manager, .. }) => Ok(Hooked::Managed(manager)),
        other => Ok(Hooked::Changed(other?)),
    }
}

fn report_hooks(hooked: &Hooked, dry_run: bool, shell: &mut Shell) -> CliResult {
    match hooked {
        Hooked::NoRepository => {
            shell.note("not a git repository yet: run `cargo patch hooks install` after `git init`")?;
        }
        Hooked::Managed(manager) => {
            shell.note(format!("the hooks are managed by {}: {}", manager.name(), manager.wiring()))?;
        }
        Hooked::Changed(changes) => {
            let verb = if dry_run { "Would hook" } else { "Hook" };
            for change in changes {
                shell.status(verb, format!("{}: {}", change.hook, change.action))?;
            }
        }
    }
    Ok(())
}
