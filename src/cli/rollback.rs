//! `cargo patch rollback`: yank a bad release and start the hotfix that reverts it.

use std::path::Path;

use clap::Args;

use crate::error::CliResult;
use crate::ops::rollback::{self, Event, RollbackOptions, RollbackPlan};
use crate::plan::transaction;
use crate::shell::Shell;

/// Yank a bad release and start `hotfix/rollback-<tag>` with its fixes reverted
#[derive(Debug, Args)]
#[command(after_long_help = "\
The release's crates are yanked (`cargo yank`), then `hotfix/rollback-<tag>` starts from its
release branch with `git revert` of the fix commits it carried (not its version bump), so the next
patch release ships the revert. When the release held a critical fix, a retrospective skeleton is
committed on that branch (`docs/retrospectives/<tag>.md`), its timeline taken from the release
journal and git.

Examples:
  cargo patch rollback 1.2.4 --dry-run
  cargo patch rollback v1.2.4 --yes --registry my-registry
  cargo patch rollback 1.2.4 --undo-yank")]
pub struct RollbackArgs {
    /// The release: a version (1.2.4) or a tag (v1.2.4)
    #[arg(value_name = "VERSION")]
    pub release: String,

    /// Do not ask for confirmation (required when stdin is not a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Print the plan, and change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Do not yank the crates
    #[arg(long, conflicts_with = "undo_yank")]
    pub no_yank: bool,

    /// Only un-yank the release's crates (`cargo yank --undo`)
    #[arg(long)]
    pub undo_yank: bool,

    /// The registry the crates were published to (default: the one the release used)
    #[arg(long, value_name = "NAME")]
    pub registry: Option<String>,
}

/// Runs `rollback`.
pub fn exec(args: RollbackArgs, manifest_path: Option<&Path>, cwd: &Path, shell: &mut Shell) -> CliResult {
    let RollbackArgs { release, yes, dry_run, no_yank, undo_yank, registry } = args;
    let options = RollbackOptions { version: release, yank: !no_yank, undo_yank, registry, now: transaction::now() };
    let plan = rollback::plan(manifest_path, cwd, &options)?;
    print_plan(&plan, shell)?;
    if dry_run {
        shell.warn("aborting due to dry run; nothing was changed")?;
        return Ok(());
    }
    if !yes {
        match shell.confirm(&format!("Roll back {}?", plan.released.tag))? {
            Some(true) => {}
            Some(false) => return Ok(shell.note("nothing was changed")?),
            None => return Err(anyhow::Error::from(crate::cli::release::NotConfirmed).into()),
        }
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let verb = if plan.undo_yank { "Unyanked" } else { "Yanked" };
    let mut report = |event: Event<'_>| {
        let _ = match event {
            Event::Yanked { name, note } => {
                let note = note.map(|n| format!(" ({n})")).unwrap_or_default();
                shell.status(verb, format!("`{name}` {}{note}", plan.released.version))
            }
            Event::Branched { branch, from } => {
                shell.status("Switched", format!("to new branch `{branch}` from `{from}`"))
            }
            Event::Reverted { commit, subject } => {
                shell.status("Reverted", format!("{} {subject}", &commit[..7.min(commit.len())]))
            }
            Event::Wrote(path) => shell.status("Wrote", path.strip_prefix(&plan.root).unwrap_or(path).display()),
        };
    };
    rollback::apply(&plan, &cargo, &mut report)?;
    if let Some((branch, _)) = &plan.branch {
        shell.note(format!(
            "check and release the revert from `{branch}`: `cargo patch check`, then `cargo patch release`"
        ))?;
    }
    Ok(())
}

fn print_plan(plan: &RollbackPlan, shell: &mut Shell) -> std::io::Result<()> {
    shell.status("Planning", format!("rollback of `{}`", plan.released.tag))?;
    let registry = plan.registry.as_ref().map(|r| format!(" in `{r}`")).unwrap_or_default();
    let verb = if plan.undo_yank { "un-yank" } else { "yank" };
    for krate in &plan.crates {
        shell.status("-", format!("{verb} `{}` {}{registry}", krate.name, krate.version))?;
    }
    if let Some((branch, from)) = &plan.branch {
        shell.status("-", format!("create `{branch}` from `{from}`"))?;
        for (commit, subject) in &plan.reverts {
            shell.status("-", format!("git revert {} ({subject})", &commit[..7.min(commit.len())]))?;
        }
        if plan.reverts.is_empty() {
            shell.warn("the release carried no fix commit to revert")?;
        }
    }
    if let Some((path, _)) = &plan.retrospective {
        let path = path.strip_prefix(&plan.root).unwrap_or(path);
        shell.status(
            "-",
            format!("commit a retrospective skeleton `{}` (the release held a critical fix)", path.display()),
        )?;
    }
    Ok(())
}
