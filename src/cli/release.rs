//! `cargo patch release`: print the plan, confirm, then run it as one transaction.

use std::path::Path;

use clap::Args;

use crate::cli::bump::BumpTarget;
use crate::error::CliResult;
use crate::git::history::Repository;
use crate::ops::release::{self, Level, ReleaseOptions, ReleasePlan};
use crate::ops::release_pr;
use crate::plan::journal::{self, Journal, StepKind, Store};
use crate::plan::transaction::{self, Event, Outcome, RunOptions};
use crate::shell::Shell;
use crate::workspace::layout::Layout;

/// Release the workspace: bump, changelog, commit, tag, push, publish
#[derive(Debug, Args)]
#[command(after_long_help = "\
On a hotfix branch the release is a patch: the release commit is fast-forwarded onto the release
branch (`release/v{major}.{minor}`) and tagged there. Elsewhere the release commit and tag go on
the current branch, at the level the commits call for (or LEVEL).

Every step is written to a journal under the git directory first. A failure before the push
undoes every local step; a failure at or after the push keeps the journal: fix the cause and run
`cargo patch release --resume`.

Examples:
  cargo patch release --dry-run        show the plan and the file changes
  cargo patch release --yes            release without asking (CI)
  cargo patch release minor --registry my-registry
  cargo patch release --resume         finish a release that stopped
  cargo patch release --abort          undo a release that stopped before its push
  cargo patch release --edit           edit the new changelog section before the commit")]
pub struct ReleaseArgs {
    /// How far to move: major, minor, patch, auto, release, alpha, beta, rc, or an exact version
    /// [default: patch on a hotfix branch, else auto]
    #[arg(value_name = "LEVEL", conflicts_with = "resume")]
    pub level: Option<BumpTarget>,

    /// Do not ask for confirmation (required when stdin is not a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Print the plan and the file changes, and change nothing
    #[arg(long, conflicts_with = "resume")]
    pub dry_run: bool,

    /// Stop before pushing; `--resume` pushes and publishes later
    #[arg(long)]
    pub no_push: bool,

    /// Do not run `cargo publish` (with `--resume`: finish a pushed release without publishing)
    #[arg(long)]
    pub no_publish: bool,

    /// Finish the release recorded in the journal
    #[arg(long)]
    pub resume: bool,

    /// Undo the unfinished release recorded in the journal (only before it was pushed)
    #[arg(long, conflicts_with_all = ["resume", "level", "dry_run", "no_push", "no_publish", "registry"])]
    pub abort: bool,

    /// Close the unfinished release recorded in the journal without doing what is left (after
    /// its push: the tags stay); its record says what was abandoned
    #[arg(long, conflicts_with_all = ["resume", "abort", "level", "dry_run", "no_push", "no_publish", "registry"])]
    pub abandon: bool,

    /// The registry to publish to (passed to `cargo publish --registry`; with `--resume`, it must
    /// be the one the release started with)
    #[arg(long, value_name = "NAME")]
    pub registry: Option<String>,

    /// Release the unit of this crate, changed or not (can be repeated) [default: every unit
    /// with changes since its last release; on a hotfix branch, the units its commits touch]
    #[arg(short, long = "package", value_name = "SPEC", conflicts_with_all = ["resume", "abort"])]
    pub package: Vec<String>,

    /// Never release the unit of this crate (can be repeated)
    #[arg(long, value_name = "SPEC", conflicts_with_all = ["resume", "abort"])]
    pub exclude: Vec<String>,

    /// Commit the release on a branch `release-pr/<tag>`, push only that branch, and open a pull
    /// request (with `gh` when it is logged in, else print the page that opens it); after the
    /// merge, `--finish` tags and publishes
    #[arg(long, conflicts_with_all = ["resume", "abort", "no_push", "finish"])]
    pub pr: bool,

    /// Tag the merged release commit of a `--pr` release (HEAD, or the merge of it), push the
    /// tags and publish
    #[arg(long, conflicts_with_all = ["resume", "abort", "level", "package", "exclude"])]
    pub finish: bool,

    /// Open the new changelog section in $VISUAL or $EDITOR before the commit (a terminal only);
    /// the edited text is what is committed, tagged and e-mailed
    #[arg(long, conflicts_with_all = ["resume", "abort", "dry_run", "finish"])]
    pub edit: bool,

    /// Output format: `json` prints the plan (with `--dry-run`) or what the release did as one JSON
    /// document on stdout (README, "release --format json"); status lines stay on stderr
    #[arg(long, value_enum, default_value_t = ReleaseFormat::Text, conflicts_with_all = ["abort", "abandon", "pr"])]
    pub format: ReleaseFormat,
}

/// `--format` values of `release`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReleaseFormat {
    Text,
    Json,
}

/// Runs `release`.
pub fn exec(args: ReleaseArgs, manifest_path: Option<&Path>, cwd: &Path, shell: &mut Shell) -> CliResult {
    Ok(release(args, manifest_path, cwd, shell)?)
}

fn release(args: ReleaseArgs, manifest_path: Option<&Path>, cwd: &Path, shell: &mut Shell) -> anyhow::Result<()> {
    let ReleaseArgs {
        level,
        yes,
        dry_run,
        no_push,
        no_publish,
        resume,
        abort,
        abandon,
        registry,
        package,
        exclude,
        pr,
        finish,
        edit,
        format,
    } = args;
    let json = format == ReleaseFormat::Json;
    let root = Layout::read(manifest_path, cwd)?.root;
    let store = Store::new(Repository::discover(&root)?.common_dir());
    if resume || abort || abandon {
        let _lock = store.lock()?;
        let mut journal =
            store.unfinished()?.ok_or_else(|| journal::Error::NothingToResume { path: store.journal_path() })?;
        if abort {
            return abort_release(&store, &mut journal, shell);
        }
        if abandon {
            let left = transaction::abandon(&store, &mut journal)?;
            shell.status("Abandoned", format!("release {}: not done: {}", journal.tag_names(), list(&left)))?;
            shell.note(format!(
                "the tags stay on `{}`; publish what is missing by hand from a checkout of the tag (`git worktree add \
                 <dir> {}`, then `cargo publish -p <crate>` there), or release the next version",
                journal.remote,
                journal.tags.first().map_or("<tag>", |t| t.name.as_str())
            ))?;
            return Ok(());
        }
        // CI passes the same flags to every run: the same registry is fine, another is refused.
        if let Some(given) = registry
            && journal.registry.as_deref() != Some(given.as_str())
        {
            return Err(journal::Error::RegistryDiffers { recorded: journal.registry.clone(), given }.into());
        }
        if no_publish {
            let left: Vec<String> = journal
                .steps
                .iter()
                .filter(|s| matches!(s.kind, StepKind::Publish(_)) && s.done_at.is_none())
                .map(|s| s.kind.describe())
                .collect();
            journal.skip_publishing("not published (--no-publish)");
            store.save(&journal)?;
            if !left.is_empty() {
                shell.status("Skipping", format!("{}: not published (--no-publish)", list(&left)))?;
            }
        }
        let (done, left) = journal.progress();
        shell.status("Resuming", format!("release {}: done: {}", journal.tag_names(), list(&done)))?;
        shell.status("Left", list(&left))?;
        return run(&store, &mut journal, no_push, json, shell);
    }
    let options = ReleaseOptions {
        level: level.map(|level| match level {
            BumpTarget::Auto => Level::Auto,
            BumpTarget::Target(target) => Level::Target(target),
        }),
        publish: !no_publish,
        registry,
        now: transaction::now(),
        packages: package,
        exclude,
    };
    // The lock first: a second release started meanwhile must hear "running", not plan.
    let lock = if dry_run { None } else { Some(store.lock()?) };
    refuse_unfinished(&store)?;
    let (plan, pull_request) = if pr {
        let release_pr::PrPlan { release, pr } = release_pr::plan_pr(manifest_path, cwd, &options)?;
        (release, Some(pr))
    } else if finish {
        (release_pr::plan_finish(manifest_path, cwd, &options)?, None)
    } else {
        (release::plan(manifest_path, cwd, &options)?, None)
    };
    print_plan(&plan, json, shell)?;
    if dry_run && json {
        shell.print(&format!("{:#}\n", to_json(&plan.journal, "planned", Some(&plan), &[])))?;
        return Ok(());
    }
    if dry_run {
        shell.diff(&crate::plan::render::unified_diff(&plan.files, &plan.root))?;
        shell.warn("aborting due to dry run; nothing was changed")?;
        return Ok(());
    }
    if !yes {
        match shell.confirm(&format!("Release {}?", plan.journal.tag_names()))? {
            Some(true) => {}
            Some(false) => {
                shell.note("nothing was changed")?;
                return Ok(());
            }
            None => return Err(NotConfirmed.into()),
        }
    }
    let mut journal = plan.journal;
    if edit {
        edit_section(manifest_path, cwd, &mut journal, shell)?;
    }
    let result = match &pull_request {
        Some(pr) => run_pr(&store, &mut journal, pr, shell),
        None => run(&store, &mut journal, no_push, json, shell),
    };
    drop(lock);
    result
}

/// Opens the release's new changelog section in the user's editor and puts the edited text in
/// the journal, before anything runs.
fn edit_section(
    manifest_path: Option<&Path>,
    cwd: &Path,
    journal: &mut Journal,
    shell: &mut Shell,
) -> anyhow::Result<()> {
    use crate::ops::release_edit::{self, NotEditable};
    let section = release_edit::section(manifest_path, cwd, journal)?;
    let edited = shell
        .edit(&section.text, ".md")
        .map_err(|err| anyhow::anyhow!(err).context("failed to edit the release notes"))?
        .ok_or(NotEditable::NoTerminal)?;
    release_edit::apply(journal, &section, &edited)?;
    if edited != section.text {
        shell.status("Edited", "the release notes; the changelog, the tag and the e-mail carry them")?;
    }
    Ok(())
}

/// Runs the `--pr` transaction on the pull request's branch, puts the user back on their branch,
/// and opens the pull request (or says where to).
fn run_pr(store: &Store, journal: &mut Journal, pr: &release_pr::PullRequest, shell: &mut Shell) -> anyhow::Result<()> {
    let dir = journal.workdir.clone();
    release_pr::enter_branch(&dir, pr)?;
    let result = run(store, journal, false, false, shell);
    match &result {
        // Undone: the branch holds nothing of the release.
        Err(err)
            if err
                .downcast_ref::<transaction::Failure>()
                .is_some_and(|f| matches!(f, transaction::Failure::Undone { .. })) =>
        {
            release_pr::leave_branch(&dir, pr, true)?;
        }
        // Stopped at the push: `--resume` pushes it from this branch.
        Err(_) => {}
        Ok(()) => {
            release_pr::leave_branch(&dir, pr, false)?;
            shell.status("Pushed", format!("`{}` (the release commit of {})", pr.branch, journal.tag_names()))?;
            match release_pr::open(&dir, &journal.remote, pr) {
                release_pr::Opened::ByGh(url) => shell.status("Opened", format!("the pull request: {url}"))?,
                release_pr::Opened::Url(url) => {
                    shell.note(format!("open the pull request from `{}` into `{}`: {url}", pr.branch, pr.base))?;
                }
                release_pr::Opened::Manual => {
                    shell.note(format!("open a pull request from `{}` into `{}` on your forge", pr.branch, pr.base))?
                }
            }
            shell.note("once it is merged, `cargo patch release --finish` on the merged branch tags and publishes")?;
        }
    }
    result
}

/// Undoes the local steps of a release that stopped before its push.
fn abort_release(store: &Store, journal: &mut Journal, shell: &mut Shell) -> anyhow::Result<()> {
    let mut report = |event: Event<'_>| {
        if let Event::Undone(kind) = event {
            let _ = shell.status("Undid", kind.describe());
        }
    };
    transaction::abort(store, journal, &mut report)?;
    shell.status("Aborted", format!("release {}; the repository is as it was before it", journal.tag_names()))?;
    Ok(())
}

/// Confirmation was needed and nobody could give it.
#[derive(Debug, thiserror::Error)]
#[error("refusing to go ahead without confirmation: stdin is not a terminal")]
pub struct NotConfirmed;

impl crate::error::Help for NotConfirmed {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        "pass `--yes` to go ahead without asking (read the plan above, or `--dry-run`, first)".into()
    }
}

fn refuse_unfinished(store: &Store) -> Result<(), journal::Error> {
    match store.unfinished()? {
        Some(journal) => {
            let (done, left) = journal.progress();
            Err(journal::Error::Unfinished { tags: journal.tag_names(), done: list(&done), left: list(&left) })
        }
        None => Ok(()),
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() { "nothing".into() } else { items.join(", ") }
}

/// Runs the transaction, reporting each step, then prints the notes and what comes next.
fn run(
    store: &Store,
    journal: &mut Journal,
    stop_before_push: bool,
    json: bool,
    shell: &mut Shell,
) -> anyhow::Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let options = RunOptions { cargo: &cargo, stop_before_push };
    let mut report = |event: Event<'_>| {
        let _ = match event {
            Event::Started(
                kind @ (StepKind::Verify(_)
                | StepKind::Push(_)
                | StepKind::Publish(_)
                | StepKind::PreReleaseCommit(_)
                | StepKind::PostRelease(_)
                | StepKind::NotifyWebhook(_)
                | StepKind::NotifyEmail(_)
                | StepKind::VerifyPublished(_)),
            ) => {
                let (verb, what) = match kind {
                    StepKind::VerifyPublished(_) => {
                        ("Verifying", "that the published crates build for a dependent".into())
                    }
                    StepKind::NotifyWebhook(message) | StepKind::NotifyEmail(message) => {
                        ("Notifying", format!("`{}` by {}", message.tag, message.describe()))
                    }
                    StepKind::Verify(command) => ("Running", format!("`{command}`")),
                    StepKind::PreReleaseCommit(hook) | StepKind::PostRelease(hook) => {
                        ("Running", format!("`{}`", hook.command))
                    }
                    StepKind::Publish(name) => ("Publishing", format!("`{name}`")),
                    _ => ("Pushing", "the branch and the tags (atomic)".to_owned()),
                };
                let started = shell.status(verb, &what);
                shell.start_progress(format!("{} {what}", verb.to_lowercase()));
                started
            }
            Event::Started(_) => Ok(()),
            Event::Output(line) => shell.output_line(line),
            Event::Waiting(what) => shell.status("Waiting", what),
            Event::Done(kind, note) => {
                shell.stop_progress();
                let failed = match kind {
                    StepKind::VerifyPublished(_) => crate::published::FAILED,
                    _ => crate::notify::NOT_SENT,
                };
                if let Some(reason) = note.and_then(|n| n.strip_prefix(failed)) {
                    // The first line: a build failure's output was streamed just above.
                    let reason = reason.lines().next().unwrap_or_default().trim_end_matches(':');
                    return drop(shell.warn(format!("could not {}: {reason}", kind.describe())));
                }
                let note = note.map(|n| format!(" ({n})")).unwrap_or_default();
                let (verb, what) = done_line(kind);
                shell.status(verb, format!("{what}{note}"))
            }
            Event::Undone(kind) => {
                shell.stop_progress();
                shell.status("Undid", kind.describe())
            }
        };
    };
    let outcome = transaction::run(store, journal, &options, &mut report);
    shell.stop_progress();
    if json {
        let (what, undone) = match &outcome {
            Ok(Outcome::Finished) => ("finished", &[][..]),
            Ok(Outcome::PausedBeforePush) => ("paused", &[][..]),
            Err(transaction::Failure::Undone { undone, .. }) => ("undone", undone.as_slice()),
            Err(_) => ("stopped", &[][..]),
        };
        shell.print(&format!("{:#}\n", to_json(journal, what, None, undone)))?;
    }
    let outcome = outcome?;
    match outcome {
        Outcome::PausedBeforePush => {
            shell.note(format!(
                "stopped before the push (--no-push); `cargo patch release --resume` pushes {} and publishes",
                journal.push_refs.join(" ")
            ))?;
        }
        // `--pr` made no tag: the release is not out yet (its caller says what comes next).
        Outcome::Finished if !journal.steps.iter().any(|s| matches!(s.kind, StepKind::Tag(_))) => {}
        Outcome::Finished => {
            shell.status("Released", journal.tag_names())?;
            for tag in journal.tags.iter().filter(|_| !json) {
                shell.print(&tag.message)?;
            }
            if journal.base.is_some() {
                shell.note("carry the fix to the main line with `cargo patch forward-port`")?;
            }
            released_with_problems(journal)?;
        }
    }
    Ok(())
}

/// The release is out, but a step after the publish failed: the published crates do not build
/// for a dependent, or a notification was not sent. Exit 0 would say everything happened.
#[derive(Debug, thiserror::Error)]
#[error("`{tag}` is released, but {}", problems.join("; "))]
pub struct ReleasedWithProblems {
    pub tag: String,
    pub problems: Vec<String>,
    pub broken: bool,
    pub unsent: bool,
}

impl crate::error::Help for ReleasedWithProblems {
    type Lines = Vec<String>;

    fn help(&self) -> Self::Lines {
        let tag = &self.tag;
        let mut lines = Vec::new();
        if self.broken {
            lines.push(format!(
                "if the release is broken, take it back with `cargo patch rollback {tag}` (it yanks the crates and starts the revert); check again with `cargo patch verify-published {tag}`"
            ));
        }
        if self.unsent {
            lines.push(format!("fix the cause, then send the notifications again with `cargo patch notify {tag}`"));
        }
        lines
    }
}

/// Returns an error when the finished release's verification or a notification failed.
fn released_with_problems(journal: &Journal) -> Result<(), ReleasedWithProblems> {
    let tag = journal.tags.first().map(|t| t.name.clone()).unwrap_or_default();
    let mut out = ReleasedWithProblems { tag, problems: Vec::new(), broken: false, unsent: false };
    let (mut unsent, mut notifications) = (Vec::new(), 0);
    for step in &journal.steps {
        let note = step.note.as_deref();
        match &step.kind {
            StepKind::VerifyPublished(_) => {
                if let Some(reason) = note.and_then(|n| n.strip_prefix(crate::published::FAILED)) {
                    out.problems.push(reason.to_owned());
                    out.broken = true;
                }
            }
            StepKind::NotifyWebhook(message) | StepKind::NotifyEmail(message) => {
                notifications += 1;
                if let Some(reason) = note.and_then(|n| n.strip_prefix(crate::notify::NOT_SENT)) {
                    unsent.push(format!("{}: {reason}", message.describe()));
                }
            }
            _ => {}
        }
    }
    if !unsent.is_empty() {
        out.problems.push(format!(
            "{} of {notifications} notification(s) not sent: {}",
            unsent.len(),
            unsent.join("; ")
        ));
        out.unsent = true;
    }
    if out.problems.is_empty() { Ok(()) } else { Err(out) }
}

/// Returns the status line of a finished step: its verb and what it did.
fn done_line(kind: &StepKind) -> (&'static str, String) {
    match kind {
        StepKind::Verify(command) => ("Verified", format!("`{command}`")),
        StepKind::WriteFiles => ("Wrote", "the manifests and the changelog".into()),
        StepKind::Commit => ("Committed", "the release".into()),
        StepKind::MoveBranch => ("Merged", "the release commit into the release branch (fast-forward)".into()),
        StepKind::Package => ("Packaged", "the crates to publish, from the release commit".into()),
        StepKind::Tag(tag) => ("Tagged", format!("`{tag}`")),
        StepKind::Push(refs) => ("Pushed", refs.join(" ")),
        StepKind::Publish(name) => ("Published", format!("`{name}`")),
        StepKind::PreReleaseCommit(hook) => {
            ("Ran", format!("`{}` (its changes join the release commit)", hook.command))
        }
        StepKind::PostRelease(hook) => ("Ran", format!("`{}`", hook.command)),
        StepKind::NotifyWebhook(message) | StepKind::NotifyEmail(message) => {
            ("Announced", format!("`{}` by {}", message.tag, message.describe()))
        }
        StepKind::VerifyPublished(_) => ("Verified", "that the published crates build for a dependent".into()),
    }
}

/// Writes the plan: the version table, then one line per step.
/// Returns the JSON document of `release --format json` (schema in the README): the release
/// as planned (`plan`, with the version changes) or as it ended, every step with whether it is
/// done, and what is left.
fn to_json(journal: &Journal, outcome: &str, plan: Option<&ReleasePlan>, undone: &[String]) -> serde_json::Value {
    use serde_json::json;
    let versions: Vec<serde_json::Value> = plan
        .map(|p| p.bump.versions.iter().filter(|v| v.new != v.old).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|v| json!({ "crate": v.name, "old": v.old.to_string(), "new": v.new.to_string(), "why": v.reason.to_string() }))
        .collect();
    let steps: Vec<serde_json::Value> = journal
        .steps
        .iter()
        .map(|s| {
            let kind = serde_json::to_value(&s.kind).ok().and_then(|v| v.get("step").cloned());
            json!({ "step": kind, "what": s.kind.describe(), "done": s.done_at.is_some(), "note": s.note })
        })
        .collect();
    let done = |kind: &StepKind| journal.steps.iter().any(|s| &s.kind == kind && s.done_at.is_some());
    json!({
        "outcome": outcome,
        "branch": journal.branch,
        "release_branch": journal.release_branch.as_ref().map(|b| &b.name),
        "commit": journal.commit,
        "remote": journal.remote,
        "registry": journal.registry,
        "versions": versions,
        "tags": journal.tags.iter().map(|t| json!({ "name": t.name, "notes": t.message })).collect::<Vec<_>>(),
        "pushes": journal.steps.iter().filter_map(|s| match &s.kind {
            StepKind::Push(refs) => Some(json!({ "refs": refs, "done": s.done_at.is_some() })),
            _ => None,
        }).collect::<Vec<_>>(),
        "publishes": journal.publish.iter().map(|c| {
            let step = journal.steps.iter().find(|s| s.kind == StepKind::Publish(c.name.clone()));
            json!({
                "crate": c.name,
                "version": c.version,
                "done": done(&StepKind::Publish(c.name.clone())),
                "note": step.and_then(|s| s.note.clone()),
            })
        }).collect::<Vec<_>>(),
        "steps": steps,
        "undone": undone,
        "left": if outcome == "undone" { Vec::new() } else { journal.progress().1 },
    })
}

fn print_plan(plan: &ReleasePlan, json: bool, shell: &mut Shell) -> std::io::Result<()> {
    let journal = &plan.journal;
    let from = match &plan.kind {
        release::BranchKind::Hotfix { base } => format!("hotfix branch `{}` (fixes {base})", journal.branch),
        release::BranchKind::Other => format!("branch `{}`", journal.branch),
    };
    shell.status("Planning", format!("release {} from {from}", journal.tag_names()))?;
    let rows: Vec<Vec<String>> = plan
        .bump
        .versions
        .iter()
        .filter(|v| v.new != v.old)
        .map(|v| vec![v.name.clone(), format!("{} -> {}", v.old, v.new), v.reason.to_string()])
        .collect();
    if !json {
        // The table goes to stdout, which `--format json` keeps for the document.
        shell.table(&["crate", "version", "why"], &rows)?;
    }
    for (number, step) in journal.steps.iter().enumerate() {
        shell.status(&format!("{}.", number + 1), step_plan(journal, &step.kind))?;
    }
    if let Some(place) = &plan.configuration_from {
        shell.note(crate::cli::check::borrowed_note(&journal.branch, place))?;
    }
    if plan.crates_io
        && let Some((least, most)) = release::crates_io_wait(journal.publish.len())
    {
        shell.note(format!(
            "crates.io takes a burst of 30 new versions (5 new crates), then one a minute (a new crate every 10 \
             minutes): publishing {} crates may wait {least}-{most} min, which the release waits out",
            journal.publish.len()
        ))?;
    }
    Ok(())
}

fn step_plan(journal: &Journal, kind: &StepKind) -> String {
    let relative = |p: &Path| p.strip_prefix(&journal.workdir).unwrap_or(p).display().to_string();
    match kind {
        StepKind::WriteFiles => {
            let files: Vec<String> = journal.files.iter().map(|f| format!("`{}`", relative(&f.path))).collect();
            format!("write {}", files.join(", "))
        }
        StepKind::Commit => format!("commit \"{}\" on `{}`", journal.commit_message, journal.branch),
        StepKind::MoveBranch => match &journal.release_branch {
            Some(branch) if branch.before.is_some() => format!("fast-forward `{}` to the release commit", branch.name),
            Some(branch) => format!("create `{}` at the release commit", branch.name),
            None => kind.describe(),
        },
        StepKind::Package => {
            let crates: Vec<String> = journal.publish.iter().map(|c| format!("`{}` {}", c.name, c.version)).collect();
            format!("cargo package {} from a checkout of the release commit", crates.join(", "))
        }
        StepKind::Tag(tag) => format!("tag `{tag}` (annotated, the release notes as its message)"),
        StepKind::Push(refs) => format!("git push --atomic {} {}", journal.remote, refs.join(" ")),
        StepKind::Publish(name) => {
            let version = journal.publish.iter().find(|c| &c.name == name).map_or("", |c| c.version.as_str());
            let registry = journal.registry.as_ref().map(|r| format!(" to `{r}`")).unwrap_or_default();
            format!("cargo publish `{name}` {version}{registry} (skipped if already there)")
        }
        StepKind::Verify(_) => kind.describe(),
        StepKind::PreReleaseCommit(hook) | StepKind::PostRelease(hook) => {
            format!("{} ({})", kind.describe(), hook.env_line())
        }
        StepKind::NotifyWebhook(_) | StepKind::NotifyEmail(_) => {
            format!("{} (a failure is reported; the release stays done)", kind.describe())
        }
        StepKind::VerifyPublished(timeout) => {
            format!(
                "wait (at most {timeout} s) for the index, then `cargo check` a project depending on `=` each published version"
            )
        }
    }
}
