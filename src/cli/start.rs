//! `cargo patch start`: cut a hotfix branch from the latest stable release.

use std::path::Path;

use clap::Args;

use crate::error::CliResult;
use crate::ops::start;
use crate::shell::Shell;

/// Cut `hotfix/<SLUG>` from the release line of the latest stable release
#[derive(Debug, Args)]
#[command(after_long_help = "\
The release branch (`release/v{major}.{minor}`) is created when missing: from the remote's branch
of that name when it has one, else at the release tag; the hotfix branch starts from its head and
is checked out. The base is recorded in git config
(`branch.<name>.patchBase`) for `check` and the hooks.

Examples:
  cargo patch start login-crash
  cargo patch start cve-2026-1234 --from v1.2.3")]
pub struct StartArgs {
    /// A short name for the fix: lowercase letters, digits, `.`, `_`, `-`
    pub slug: String,

    /// The release to fix (default: the latest stable release)
    #[arg(long, value_name = "TAG")]
    pub from: Option<String>,

    /// Say which branches would be created, and change nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Runs `start`.
pub fn exec(args: StartArgs, manifest_path: Option<&Path>, cwd: &Path, shell: &mut Shell) -> CliResult {
    let StartArgs { slug, from, dry_run } = args;
    let started = start::start(manifest_path, cwd, &slug, from.as_deref(), dry_run)?;
    let (created, switched) = if dry_run { ("Would create", "Would switch") } else { ("Created", "Switched") };
    if started.created_release_branch {
        shell.status(created, format!("branch `{}` at `{}`", started.release_branch, started.release_branch_from))?;
    }
    shell.status(switched, format!("to new branch `{}` (base `{}`)", started.hotfix_branch, started.base))?;
    if dry_run {
        shell.warn("aborting due to dry run; nothing was changed")?;
        return Ok(());
    }
    shell.print(&format!(
        "Next steps:\n  \
         1. fix the bug with the smallest change, and add a regression test\n  \
         2. commit with `fix: ...` (the hooks allow only patch-level types here)\n  \
         3. `cargo patch check` to see the branch as the pre-push hook will\n  \
         4. `cargo patch release` to ship {}\n",
        started.next_version
    ))?;
    Ok(())
}
