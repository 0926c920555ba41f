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
twice), adds the release's changelog section, and raises the branch's version to the release's
when it is below it. A pick whose change is there already is skipped. A conflicting pick stops
it: resolve, `git add`, then `cargo patch forward-port --continue`. Push it and open a pull request.

Examples:
  cargo patch forward-port             the latest release
  cargo patch forward-port 1.2.4
  cargo patch forward-port --continue  after resolving a conflict")]
pub struct ForwardPortArgs {
    /// The release: a version (1.2.4) or a tag (v1.2.4) [default: the latest release]
    #[arg(value_name = "VERSION")]
    pub release: Option<String>,

    /// Print the plan, and change nothing
    #[arg(long, conflicts_with = "resume")]
    pub dry_run: bool,

    /// Finish a forward-port stopped at a conflict, once it is resolved and `git add`ed
    #[arg(long = "continue", conflicts_with = "release")]
    pub resume: bool,
}

/// Runs `forward-port`.
pub fn exec(args: ForwardPortArgs, manifest_path: Option<&Path>, cwd: &Path, shell: &mut Shell) -> CliResult {
    let ForwardPortArgs { release, dry_run, resume } = args;
    if resume {
        let stopped = forward_port::resume(cwd, &mut |event| report(&event, cwd, shell))?;
        shell.note(format!("push `{}` and open a pull request into the main line", stopped.branch))?;
        return Ok(());
    }
    let plan = forward_port::plan(manifest_path, cwd, release.as_deref())?;
    let (create, pick) = if dry_run { ("Would create", "Would pick") } else { ("Creating", "Picking") };
    shell.status(create, format!("`{}` from `{}`", plan.branch, plan.onto))?;
    for (commit, subject) in &plan.already {
        report(&Event::AlreadyThere { commit, subject }, &plan.root, shell);
    }
    for (commit, subject) in &plan.picks {
        shell.verbose(pick, format!("{} {subject}", crate::git::short_id(commit)))?;
    }
    if dry_run {
        if let Some((path, section)) = &plan.changelog {
            shell.status("Would add", format!("to `{}`:", path.strip_prefix(&plan.root).unwrap_or(path).display()))?;
            shell.print(section)?;
        }
        shell.warn("aborting due to dry run; nothing was changed")?;
        return Ok(());
    }
    forward_port::apply(&plan, &mut |event| report(&event, &plan.root, shell))?;
    shell.note(format!("push `{}` and open a pull request into `{}`", plan.branch, plan.onto))?;
    Ok(())
}

/// Writes one status line per event.
fn report(event: &Event<'_>, root: &Path, shell: &mut Shell) {
    let short = |commit: &str| crate::git::short_id(commit).to_owned();
    let _ = match event {
        Event::Branched { branch, onto } => shell.status("Switched", format!("to new branch `{branch}` from `{onto}`")),
        Event::Picked { commit, subject } => shell.status("Picked", format!("{} {subject}", short(commit))),
        Event::AlreadyThere { commit, subject } => {
            shell.status("Skipped", format!("{} {subject} (the main line has it already)", short(commit)))
        }
        Event::LeftOut { commit, subject } => {
            shell.status("Skipped", format!("{} {subject} (left out with `git cherry-pick --skip`)", short(commit)))
        }
        Event::Changelog(path) => shell.status(
            "Added",
            format!("the release's section to `{}`", path.strip_prefix(root).unwrap_or(path).display()),
        ),
        Event::Version { version } => shell.status("Bumped", format!("the main line's version to {version}")),
    };
}
