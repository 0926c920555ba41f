//! `cargo patch forward-port`: carry a hotfix release's fixes and changelog to the main line.

use std::path::Path;

use clap::Args;

use crate::error::CliResult;
use crate::ops::forward_port::{self, Event};
use crate::shell::Shell;

/// Cherry-pick a release's fixes onto the default branch, with its changelog section
#[derive(Debug, Args)]
#[command(after_long_help = "\
Creates `forward-port/<tag>` from the default branch (`<remote>/HEAD`, else `main` or `master`),
cherry-picks the release's fix commits with `-x` (the trailer keeps changelogs from listing a fix
twice) and adds the release's changelog section. Push it and open a pull request.

Examples:
  cargo patch forward-port             the latest release
  cargo patch forward-port 1.2.4")]
pub struct ForwardPortArgs {
    /// The release: a version (1.2.4) or a tag (v1.2.4) [default: the latest release]
    #[arg(value_name = "VERSION")]
    pub release: Option<String>,

    /// Print the plan, and change nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Runs `forward-port`.
pub fn exec(args: ForwardPortArgs, manifest_path: Option<&Path>, cwd: &Path, shell: &mut Shell) -> CliResult {
    let ForwardPortArgs { release, dry_run } = args;
    let plan = forward_port::plan(manifest_path, cwd, release.as_deref())?;
    let (create, pick) = if dry_run { ("Would create", "Would pick") } else { ("Creating", "Picking") };
    shell.status(create, format!("`{}` from `{}`", plan.branch, plan.onto))?;
    for (commit, subject) in &plan.picks {
        shell.verbose(pick, format!("{} {subject}", &commit[..7.min(commit.len())]))?;
    }
    if dry_run {
        if let Some((path, section)) = &plan.changelog {
            shell.status("Would add", format!("to `{}`:", path.strip_prefix(&plan.root).unwrap_or(path).display()))?;
            shell.print(section)?;
        }
        shell.warn("aborting due to dry run; nothing was changed")?;
        return Ok(());
    }
    let mut report = |event: Event<'_>| {
        let _ = match event {
            Event::Branched { branch, onto } => {
                shell.status("Switched", format!("to new branch `{branch}` from `{onto}`"))
            }
            Event::Picked { commit, subject } => {
                shell.status("Picked", format!("{} {subject}", &commit[..7.min(commit.len())]))
            }
            Event::Changelog(path) => shell.status(
                "Added",
                format!("the release's section to `{}`", path.strip_prefix(&plan.root).unwrap_or(path).display()),
            ),
        };
    };
    forward_port::apply(&plan, &mut report)?;
    shell.note(format!("push `{}` and open a pull request into `{}`", plan.branch, plan.onto))?;
    Ok(())
}
