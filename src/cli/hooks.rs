//! `cargo patch hooks install|uninstall|status` and `cargo patch hook <name>` (what they run).

use crate::git::files::GitEnv;
use std::io::Read;
use std::path::Path;

use clap::{Args, Subcommand};

use super::check::print_violations;
use crate::error::{CliError, CliResult, exit_code};
use crate::hooks;
use crate::ops::hook;
use crate::shell::Shell;

/// Install, remove or show the commit-msg and pre-push hooks
#[derive(Debug, Args)]
#[command(after_long_help = "\
The hooks go where git runs them (core.hooksPath, linked worktrees, submodules). A hook that is
already there is kept as <hook>.cargo-patch-chained and runs first; `uninstall` puts it back.

Examples:
  cargo patch hooks install
  cargo patch hooks status")]
pub struct HooksArgs {
    #[command(subcommand)]
    pub action: HooksAction,
}

/// `hooks` actions.
#[derive(Debug, Subcommand)]
pub enum HooksAction {
    /// Install the hooks (installing twice changes nothing)
    Install {
        /// Replace a hook already chained from an earlier install
        #[arg(long)]
        force: bool,

        /// Say what would change, and change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Remove the hooks and restore the ones they chained
    Uninstall {
        /// Say what would change, and change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Show whether each hook is installed
    Status,
}

/// Run a hook's check (called by the installed hook scripts)
#[derive(Debug, Args)]
#[command(after_long_help = "\
The scripts `cargo patch hooks install` writes call these; run them by hand to try a message:

Examples:
  cargo patch hook commit-msg .git/COMMIT_EDITMSG
  echo \"refs/heads/hotfix/x $(git rev-parse HEAD) refs/heads/hotfix/x 0000000000000000000000000000000000000000\" \\
    | cargo patch hook pre-push origin \"$(git remote get-url origin)\"")]
pub struct HookArgs {
    #[command(subcommand)]
    pub hook: HookName,
}

/// The hooks.
#[derive(Debug, Subcommand)]
pub enum HookName {
    /// Lint the commit message in FILE (and, on a hotfix branch, its type)
    CommitMsg {
        /// The file git wrote the message to
        file: std::path::PathBuf,
    },
    /// Check what is pushed: hotfix branches by the policy, release tags against the manifests
    PrePush {
        /// The remote's name
        remote: String,
        /// The remote's URL
        url: String,
    },
}

/// Runs `hooks`.
pub fn exec(args: HooksArgs, cwd: &Path, shell: &mut Shell) -> CliResult {
    let HooksArgs { action } = args;
    let dir = hooks::hooks_dir(cwd).map_err(anyhow::Error::from)?;
    let binary =
        std::env::current_exe().map_err(|e| anyhow::anyhow!(e).context("cannot locate the cargo-patch binary"))?;
    let binary = crate::fs::canonical(&binary);
    let (changes, dry_run) = match action {
        HooksAction::Install { force, dry_run } => {
            let options = hooks::InstallOptions { force, dry_run };
            (hooks::install(&dir, &binary, options).map_err(anyhow::Error::from)?, dry_run)
        }
        HooksAction::Uninstall { dry_run } => {
            (hooks::uninstall(&dir, &binary, dry_run).map_err(anyhow::Error::from)?, dry_run)
        }
        HooksAction::Status => {
            for (hook, state) in hooks::status(&dir, &binary) {
                shell.print(&format!("{hook}: {state}\n"))?;
            }
            return Ok(());
        }
    };
    if changes.is_empty() {
        shell.note(format!("nothing to change in `{}`", dir.display()))?;
    }
    let verb = if dry_run { "Would hook" } else { "Hook" };
    for change in changes {
        shell.status(verb, format!("{}: {} in `{}`", change.hook, change.action, dir.display()))?;
    }
    if dry_run {
        shell.warn("aborting due to dry run; nothing was changed")?;
    }
    Ok(())
}

/// Runs `hook`: silent when everything holds, violations and exit 1 otherwise.
pub fn exec_hook(args: HookArgs, manifest_path: Option<&Path>, cwd: &Path, shell: &mut Shell) -> CliResult {
    let HookArgs { hook } = args;
    let env = GitEnv::from_process();
    let violations = match hook {
        HookName::CommitMsg { file } => hook::commit_msg(&cwd.join(file), cwd, &env)?,
        HookName::PrePush { .. } => {
            let mut lines = String::new();
            std::io::stdin()
                .read_to_string(&mut lines)
                .map_err(|e| anyhow::anyhow!(e).context("failed to read the refs git pushes"))?;
            hook::pre_push(manifest_path, cwd, &env, &lines)?
        }
    };
    if violations.is_empty() {
        return Ok(());
    }
    print_violations(&violations, shell);
    Err(CliError { error: None, code: exit_code::FAILURE })
}
