//! The release transaction: runs a [`Journal`]'s steps in order, saving it after each one.
//!
//! A step that fails before the push undoes every local step already done, newest first (tag
//! deleted, release branch put back, the commit taken off the branch, the files' old bytes
//! restored and unstaged), and the journal is discarded: the repository is as it was. A step that
//! fails at or after the push cannot be undone (the remote and the registry have seen it), so the
//! journal stays and `--resume` runs the steps left. Every step checks whether it is already done
//! first, so resuming after a killed process never does a step twice.
//!
//! Commit, tag and push go through the `git` CLI: gix runs no hooks, does not sign and cannot
//! push (deps-notes). Publishing goes through `cargo publish`, one crate at a time in dependency
//! order, so a failure names exactly the crates left.

use std::path::Path;
use std::process::{Command, Stdio};

use super::hook_step::{self, Stage};
use super::journal::{Journal, StepKind, Store};
use super::{Plan, Step};
use crate::{fs, git};

/// What the transaction reports as it goes.
#[derive(Debug)]
pub enum Event<'a> {
    /// A step begins (verify commands stream their output after this).
    Started(&'a StepKind),
    /// A step is done; the note says how ("already in the registry", "already done").
    Done(&'a StepKind, Option<&'a str>),
    /// A local step was undone after a failure.
    Undone(&'a StepKind),
    /// A line a verify command printed (stdout or stderr), as it comes.
    Output(&'a str),
    /// The transaction waits (a registry's rate limit), and says for what.
    Waiting(&'a str),
}

/// A release that stopped.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("could not {}; the release was undone ({})", step.describe(), undone_list(undone))]
    Undone {
        step: Box<StepKind>,
        undone: Vec<String>,
        not_undone: Vec<String>,
        /// What to do before releasing again, when the cause says (a push refused as behind).
        advice: Option<String>,
        #[source]
        cause: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("the release has not reached the remote: there is nothing to abandon")]
    NotPushed,
    #[error("cannot resume: {what}")]
    Moved { what: String, pushed: bool },
    #[error("cannot tell whether `{remote}` received the release's push: {why}")]
    RemoteUnknown { remote: String, why: String },
    #[error("could not {}; done: {}; left: {}", step.describe(), done.join(", "), left.join(", "))]
    Stopped {
        step: Box<StepKind>,
        done: Vec<String>,
        left: Vec<String>,
        #[source]
        cause: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("the release cannot be aborted: it has already done `{}`", step.describe())]
    Pushed { step: Box<StepKind> },
    #[error("the release was only partly undone ({})", undone_list(undone))]
    AbortIncomplete { undone: Vec<String>, not_undone: Vec<String> },
    #[error(transparent)]
    Journal(#[from] super::journal::Error),
}

fn undone_list(undone: &[String]) -> String {
    if undone.is_empty() { "nothing had changed yet".into() } else { format!("undone: {}", undone.join(", ")) }
}

impl crate::error::Help for Failure {
    type Lines = Vec<String>;

    fn help(&self) -> Self::Lines {
        match self {
            Self::Undone { not_undone, .. } if !not_undone.is_empty() => {
                vec![format!("these could not be undone and need a look by hand: {}", not_undone.join("; "))]
            }
            Self::AbortIncomplete { not_undone, .. } => vec![format!(
                "these could not be undone and need a look by hand: {}; the journal is kept until then",
                not_undone.join("; ")
            )],
            Self::Undone { advice: Some(advice), .. } => {
                vec![format!("the repository is as it was before the release; {advice}")]
            }
            Self::Undone { .. } => {
                vec!["the repository is as it was before the release; fix the cause and run it again".into()]
            }
            Self::Stopped { step, .. } if matches!(**step, StepKind::Push(_)) => vec![
                "the journal is kept; fix the cause, then finish with `cargo patch release --resume` (a push that \
                 arrived after all is recognised), or undo it with `cargo patch release --abort` while the remote \
                 has none of it"
                    .into(),
            ],
            Self::Stopped { .. } => {
                vec!["the journal is kept; fix the cause, then finish with `cargo patch release --resume`".into()]
            }
            Self::NotPushed => {
                vec!["undo it entirely with `cargo patch release --abort`, or finish it with `--resume`".into()]
            }
            Self::Moved { pushed: false, .. } => vec![
                "undo the release with `cargo patch release --abort` (it says what it cannot undo), then release \
                 again from the branch as it is now"
                    .into(),
            ],
            Self::Moved { pushed: true, .. } => vec![
                "the remote has the release: put the ref back where the journal says (`git reflog` shows where it \
                 was), then `cargo patch release --resume`"
                    .into(),
            ],
            Self::RemoteUnknown { remote, .. } => vec![format!(
                "once `git ls-remote {remote}` answers, run the command again: it asks the remote before it \
                 undoes or pushes anything"
            )],
            Self::Pushed { .. } => vec![
                "the remote has it; finish with `cargo patch release --resume`, close it as it is with `--abandon`, \
                 or take it back with `cargo patch rollback`"
                    .into(),
            ],
            Self::Journal(err) => err.help().into_iter().collect(),
        }
    }
}

/// How a transaction runs.
pub struct RunOptions<'a> {
    /// The `cargo` to run for `publish` (the one that started us, when it did).
    pub cargo: &'a std::ffi::OsStr,
    /// `--no-push`: do the local steps, keep the journal, and leave the rest to `--resume`.
    pub stop_before_push: bool,
}

/// How a transaction ended without failing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Finished,
    /// Every local step is done; the journal waits for `--resume` to push and publish.
    PausedBeforePush,
}

/// Runs every step of `journal` not yet done, saving it after each one.
#[expect(clippy::indexing_slicing, reason = "`index` runs over `journal.steps`, which no step adds to or removes from")]
pub fn run(
    store: &Store,
    journal: &mut Journal,
    options: &RunOptions<'_>,
    on: &mut dyn FnMut(Event<'_>),
) -> Result<Outcome, Failure> {
    still_done(journal)?;
    store.save(journal)?;
    for index in 0..journal.steps.len() {
        if journal.steps[index].done_at.is_some() {
            continue;
        }
        let kind = journal.steps[index].kind.clone();
        if options.stop_before_push && !kind.is_local() {
            return Ok(Outcome::PausedBeforePush);
        }
        on(Event::Started(&kind));
        // Saved before the step acts: a process killed while it acts leaves a step that may be done.
        let resumed = journal.steps[index].started_at.is_some();
        journal.steps[index].started_at = Some(now());
        store.save(journal)?;
        let result =
            injected_failure(&kind).map_or_else(|| run_step(store, journal, &kind, resumed, options.cargo, on), Err);
        let result = match (result, &kind) {
            (Err(cause), StepKind::Push(refs)) => after_failed_push(journal, refs, cause),
            (result, _) => result.map_err(PushFailed::Other),
        };
        match result {
            Ok(note) => {
                injected_kill(&kind);
                journal.steps[index].done_at = Some(now());
                journal.steps[index].note = note;
                store.save(journal)?;
                on(Event::Done(&kind, journal.steps[index].note.as_deref()));
            }
            Err(PushFailed::NothingArrived(cause) | PushFailed::Other(cause))
                if kind.is_local() || !pushed(journal) =>
            {
                let advice = behind_advice(&cause, journal);
                let (undone, not_undone) = undo(store, journal, on);
                store.discard()?;
                return Err(Failure::Undone { step: Box::new(kind), undone, not_undone, advice, cause: cause.into() });
            }
            Err(PushFailed::NothingArrived(cause) | PushFailed::Other(cause) | PushFailed::Unknown(cause)) => {
                store.save(journal)?;
                let (done, left) = journal.progress();
                return Err(Failure::Stopped { step: Box::new(kind), done, left, cause: cause.into() });
            }
        }
    }
    // Nothing is left to package or publish from it.
    let _ = super::tree::remove(&journal.workdir, &store.tree_path());
    store.finish(journal)?;
    Ok(Outcome::Finished)
}

/// Checks that what the done steps made is still there before a resumed release builds on it:
/// the release commit on the branch that is pushed, and each tag at the release commit. A branch
/// rewritten meanwhile (`git pull --rebase`, an amend) would otherwise get pushed with tags that
/// are not on it.
fn still_done(journal: &Journal) -> Result<(), Failure> {
    let done = |kind: &StepKind| journal.steps.iter().any(|s| &s.kind == kind && s.done_at.is_some());
    let Some(commit) = journal.commit.as_deref() else { return Ok(()) };
    let dir = journal.workdir.as_path();
    let pushed = pushed(journal);
    let moved = |what: String| Err(Failure::Moved { what, pushed });
    let branch = match &journal.release_branch {
        Some(branch) if done(&StepKind::MoveBranch) => Some(branch.name.as_str()),
        Some(_) => None,
        None => Some(journal.branch.as_str()),
    };
    if let Some(branch) = branch
        && done(&StepKind::Commit)
    {
        let tip = rev_parse(dir, &format!("refs/heads/{branch}")).unwrap_or_default();
        if git::run(dir, &["merge-base", "--is-ancestor", commit, &tip]).is_err() {
            return moved(format!(
                "`{branch}` no longer contains the release commit {} (rewritten since, by `git pull --rebase` or an \
                 amend?): its tags would be pushed on a commit the branch lacks",
                git::short_id(commit)
            ));
        }
    }
    for tag in &journal.tags {
        if !done(&StepKind::Tag(tag.name.clone())) {
            continue;
        }
        match rev_parse(dir, &format!("refs/tags/{}^{{commit}}", tag.name)) {
            Ok(at) if at == commit => {}
            Ok(at) => {
                return moved(format!(
                    "tag `{}` points at {}, not at the release commit {}",
                    tag.name,
                    git::short_id(&at),
                    git::short_id(commit)
                ));
            }
            Err(_) => return moved(format!("tag `{}` was deleted since the release made it", tag.name)),
        }
    }
    Ok(())
}

/// Undoes an unfinished release that has not reached the remote (a process killed before its
/// push, or while it pushed), and discards its journal; returns what was undone.
pub fn abort(store: &Store, journal: &mut Journal, on: &mut dyn FnMut(Event<'_>)) -> Result<Vec<String>, Failure> {
    if let Some(step) = reached_remote(store, journal)? {
        return Err(Failure::Pushed { step: Box::new(step) });
    }
    let (undone, not_undone) = undo(store, journal, on);
    if !not_undone.is_empty() {
        return Err(Failure::AbortIncomplete { undone, not_undone });
    }
    store.discard()?;
    Ok(undone)
}

/// Closes an unfinished release that reached the remote without doing the steps left (the tags
/// stay where they are): each is recorded as abandoned, and the journal becomes the release's
/// record. Returns the steps that were left.
pub fn abandon(store: &Store, journal: &mut Journal) -> Result<Vec<String>, Failure> {
    if reached_remote(store, journal)?.is_none() {
        return Err(Failure::NotPushed);
    }
    let (_, left) = journal.progress();
    for step in journal.steps.iter_mut().filter(|s| s.done_at.is_none()) {
        step.done_at = Some(now());
        step.note = Some("abandoned (--abandon)".into());
    }
    let _ = super::tree::remove(&journal.workdir, &store.tree_path());
    store.finish(journal)?;
    Ok(left)
}

/// Returns the first step of `journal` that reached the remote or the registry: a done one, or
/// a push that was started and is found on the remote (then recorded as done). A started push
/// the remote cannot be asked about is an error: nothing is decided on a guess.
fn reached_remote(store: &Store, journal: &mut Journal) -> Result<Option<StepKind>, Failure> {
    let Some((index, recorded)) = first_reached(journal)? else { return Ok(None) };
    if !recorded && let Some(step) = journal.steps.get_mut(index) {
        // The remote has it: the journal now says so, and `--resume` goes on from there.
        step.done_at = Some(now());
        step.note = Some("found on the remote".into());
        store.save(journal)?;
    }
    Ok(journal.steps.get(index).map(|s| s.kind.clone()))
}

/// Returns whether the unfinished release in `journal` reached the remote or the registry, asking
/// the remote about a push that was started and not recorded (a process killed while it pushed).
pub fn has_reached_remote(journal: &Journal) -> Result<bool, Failure> {
    Ok(first_reached(journal)?.is_some())
}

/// Returns the index of the first step that reached the remote or the registry, and whether the
/// journal records it as done (`false`: a started push the remote has).
fn first_reached(journal: &Journal) -> Result<Option<(usize, bool)>, Failure> {
    for (index, step) in journal.steps.iter().enumerate() {
        if step.kind.is_local() || (step.done_at.is_none() && step.started_at.is_none()) {
            continue;
        }
        if step.done_at.is_none()
            && let StepKind::Push(refs) = &step.kind
        {
            match remote_has(journal, refs) {
                Ok(Landed::None) => continue,
                Ok(Landed::All | Landed::Some) => return Ok(Some((index, false))),
                Err(why) => return Err(Failure::RemoteUnknown { remote: journal.remote.clone(), why }),
            }
        }
        return Ok(Some((index, step.done_at.is_some())));
    }
    Ok(None)
}

/// Returns the Unix time now (in debug builds, `CARGO_PATCH_NOW` when set: see [`test_clock`]).
pub fn now() -> i64 {
    test_clock().unwrap_or_else(wall_clock)
}

/// Returns the Unix time by the system clock, never the test clock: what a wait is measured
/// against (a registry's "try again after" is real time).
fn wall_clock() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
}

/// Runs one step; `Ok(Some(note))` when it turned out to be done already or was skipped.
fn run_step(
    store: &Store,
    journal: &mut Journal,
    kind: &StepKind,
    resumed: bool,
    cargo: &std::ffi::OsStr,
    on: &mut dyn FnMut(Event<'_>),
) -> anyhow::Result<Option<String>> {
    let dir = journal.workdir.clone();
    match kind {
        StepKind::Verify(command) => verify(&dir, command, on).map(|()| None),
        StepKind::WriteFiles => write_files(journal),
        StepKind::Commit => commit(&dir, journal),
        StepKind::MoveBranch => move_branch(&dir, journal),
        StepKind::Tag(name) => tag(&dir, journal, name),
        StepKind::Push(refs) => {
            // Started before and not recorded: it may have arrived before the process stopped.
            if resumed && matches!(remote_has(journal, refs), Ok(Landed::All)) {
                return Ok(Some("already on the remote".into()));
            }
            let mut args = vec!["push", "--atomic", journal.remote.as_str()];
            args.extend(refs.iter().map(String::as_str));
            git::run(&dir, &args)?;
            Ok(None)
        }
        StepKind::Package => package(store, journal, cargo, on),
        StepKind::Publish(name) => publish(store, journal, name, cargo, on),
        StepKind::PreReleaseCommit(hook) => hook_step::run(&dir, hook, Stage::PreReleaseCommit, on).map(|()| None),
        StepKind::PostRelease(hook) => hook_step::run(&dir, hook, Stage::PostRelease, on).map(|()| None),
        // A notification that fails after its retries is noted and the release goes on: it is
        // out, and `cargo patch notify` sends the message again.
        StepKind::NotifyWebhook(message) | StepKind::NotifyEmail(message) => {
            Ok(message.send(&crate::notify::env_var).err().map(|err| format!("{}{err}", crate::notify::NOT_SENT)))
        }
        StepKind::VerifyPublished(timeout) => Ok(verify_published(journal, *timeout, cargo, on)),
    }
}

/// How a push step failed, by what the remote has of it.
enum PushFailed {
    /// The remote has none of its refs (asked with `git ls-remote`).
    NothingArrived(anyhow::Error),
    /// The remote could not be asked, or has only some of them.
    Unknown(anyhow::Error),
    /// Any other step's failure.
    Other(anyhow::Error),
}

/// What the remote has of a push's refs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Landed {
    All,
    Some,
    None,
}

/// Returns whether any push of the release is done.
fn pushed(journal: &Journal) -> bool {
    journal.steps.iter().any(|s| matches!(s.kind, StepKind::Push(_)) && s.done_at.is_some())
}

/// Asks the remote what became of a push that failed: all of it there is success after all (the
/// connection broke after the remote updated its refs), none of it can be undone like a local step.
fn after_failed_push(journal: &Journal, refs: &[String], cause: anyhow::Error) -> Result<Option<String>, PushFailed> {
    match remote_has(journal, refs) {
        Ok(Landed::All) => Ok(Some("on the remote, although `git push` failed".into())),
        Ok(Landed::None) => Err(PushFailed::NothingArrived(cause)),
        Ok(Landed::Some) => Err(PushFailed::Unknown(cause.context("the remote has only part of the push"))),
        Err(why) => Err(PushFailed::Unknown(cause.context(format!("`git ls-remote` failed too: {why}")))),
    }
}

/// Returns what the remote has of `refs` at the release commit (a tag counts by the commit it
/// points at), from `git ls-remote`; `Err` says why the remote could not be asked.
fn remote_has(journal: &Journal, refs: &[String]) -> Result<Landed, String> {
    let commit = journal.commit.as_deref().unwrap_or_default();
    // A pattern matches whole names only, so the peeled line of a tag needs its own.
    let peeled: Vec<String> =
        refs.iter().filter(|r| r.starts_with("refs/tags/")).map(|r| format!("{r}^{{}}")).collect();
    let mut args = vec!["ls-remote", journal.remote.as_str()];
    args.extend(refs.iter().chain(&peeled).map(String::as_str));
    let listing = git::run(&journal.workdir, &args).map_err(|err| err.to_string())?;
    let mut found: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
    for line in listing.lines() {
        let Some((id, name)) = line.split_once('\t') else { continue };
        // An annotated tag is listed twice: the tag object, then `^{}` with its commit.
        match name.strip_suffix("^{}") {
            Some(tag) => {
                found.insert(tag, id);
            }
            None => {
                found.entry(name).or_insert(id);
            }
        }
    }
    let arrived = refs.iter().filter(|r| found.get(r.as_str()) == Some(&commit)).count();
    Ok(match arrived {
        0 => Landed::None,
        n if n == refs.len() => Landed::All,
        _ => Landed::Some,
    })
}

/// Returns the advice for a push refused because the remote branch moved on.
fn behind_advice(cause: &anyhow::Error, journal: &Journal) -> Option<String> {
    let text = format!("{cause:#}");
    (text.contains("non-fast-forward") || text.contains("fetch first")).then(|| {
        let branch = journal.release_branch.as_ref().map_or(journal.branch.as_str(), |b| b.name.as_str());
        format!(
            "`{remote}/{branch}` has commits this branch lacks: bring them in (`git pull --rebase {remote} {branch}`), \
             then release again",
            remote = journal.remote
        )
    })
}

/// Runs a verify command through `sh -c` in the workspace root, its output streamed to `on`.
fn verify(dir: &Path, command: &str, on: &mut dyn FnMut(Event<'_>)) -> anyhow::Result<()> {
    let mut sh = Command::new("sh");
    sh.arg("-c").arg(command).current_dir(dir);
    let (status, _) = run_streamed(sh, command, on)?;
    if !status.success() {
        anyhow::bail!("`{command}` failed ({status})");
    }
    Ok(())
}

/// Runs `command` with nothing on its stdin (a release never waits for a keyboard), handing each
/// line it prints (stdout or stderr) to `on` as it comes, so the CLI can stream it above a
/// progress indicator; returns its exit status and everything it printed.
pub(super) fn run_streamed(
    mut command: Command,
    what: &str,
    on: &mut dyn FnMut(Event<'_>),
) -> anyhow::Result<(std::process::ExitStatus, String)> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| anyhow::anyhow!(err).context(format!("failed to run `{what}`")))?;
    let (sender, lines) = std::sync::mpsc::channel::<String>();
    let readers: Vec<_> = [
        child.stdout.take().map(|out| Box::new(out) as Box<dyn std::io::Read + Send>),
        child.stderr.take().map(|err| Box::new(err) as Box<dyn std::io::Read + Send>),
    ]
    .into_iter()
    .flatten()
    .map(|stream| {
        let sender = sender.clone();
        std::thread::spawn(move || {
            for line in std::io::BufRead::lines(std::io::BufReader::new(stream)).map_while(Result::ok) {
                let _ = sender.send(line);
            }
        })
    })
    .collect();
    drop(sender);
    // Ends when both streams close (the command, and anything it left running, are done).
    let mut printed = String::new();
    for line in lines {
        on(Event::Output(&line));
        printed.push_str(&line);
        printed.push('\n');
    }
    readers.into_iter().for_each(|reader| drop(reader.join()));
    let status = child.wait().map_err(|err| anyhow::anyhow!(err).context(format!("failed to wait for `{what}`")))?;
    Ok((status, printed))
}

fn write_files(journal: &Journal) -> anyhow::Result<Option<String>> {
    let mut plan = Plan::default();
    for file in &journal.files {
        let current = fs::read_or_empty(&file.path)?;
        // Resuming: this file was written before the process stopped.
        if current == file.after && file.path.exists() {
            continue;
        }
        let before = file.before.clone().unwrap_or_default();
        plan.steps.push(Step::WriteFile { path: file.path.clone(), before, after: file.after.clone() });
    }
    super::apply::apply(&plan)?;
    Ok(None)
}

fn commit(dir: &Path, journal: &mut Journal) -> anyhow::Result<Option<String>> {
    let head = rev_parse(dir, "HEAD")?;
    if journal.commit.as_deref() == Some(head.as_str()) {
        return Ok(Some("already done".into()));
    }
    if head != journal.head_before {
        if let Some(ours) = unrecorded_commit(dir, journal)? {
            journal.commit = Some(ours);
            return Ok(Some("already done".into()));
        }
        anyhow::bail!("`{}` moved while the release ran (now at {head})", journal.branch);
    }
    let mut add = vec!["add", "--"];
    let paths: Vec<String> = journal.files.iter().map(|f| f.path.to_string_lossy().into_owned()).collect();
    add.extend(paths.iter().map(String::as_str));
    git::run(dir, &add)?;
    // Hooks run as for any commit; ours accept release commits on hotfix branches.
    git::run(dir, &["commit", "--quiet", "--message", &journal.commit_message])?;
    journal.commit = Some(rev_parse(dir, "HEAD")?);
    Ok(None)
}

/// Returns HEAD when it is the release commit made by a process killed between `git commit` and
/// saving the journal: right on the old HEAD, with the release's message.
fn unrecorded_commit(dir: &Path, journal: &Journal) -> anyhow::Result<Option<String>> {
    let head = rev_parse(dir, "HEAD")?;
    let parent = rev_parse(dir, "HEAD^").unwrap_or_default();
    if head == journal.head_before || parent != journal.head_before {
        return Ok(None);
    }
    let message = git::run(dir, &["log", "-1", "--format=%B", "HEAD"])?;
    Ok((message.trim() == journal.commit_message.trim()).then_some(head))
}

fn release_commit(journal: &Journal) -> anyhow::Result<&str> {
    journal.commit.as_deref().ok_or_else(|| anyhow::anyhow!("the journal holds no release commit"))
}

fn move_branch(dir: &Path, journal: &Journal) -> anyhow::Result<Option<String>> {
    let commit = release_commit(journal)?;
    let Some(branch) = &journal.release_branch else { return Ok(Some("nothing to move".into())) };
    let reference = format!("refs/heads/{}", branch.name);
    if rev_parse(dir, &reference).ok().as_deref() == Some(commit) {
        return Ok(Some("already done".into()));
    }
    // The old value makes it a compare-and-swap: a branch someone moved meanwhile is not clobbered.
    let old = branch.before.clone().unwrap_or_default();
    git::run(dir, &["update-ref", "-m", "cargo patch release", &reference, commit, &old])?;
    Ok(None)
}

fn tag(dir: &Path, journal: &Journal, name: &str) -> anyhow::Result<Option<String>> {
    let commit = release_commit(journal)?;
    let reference = format!("refs/tags/{name}");
    if let Ok(existing) = rev_parse(dir, &format!("{reference}^{{commit}}")) {
        if existing == commit && tag_message(dir, &reference).is_some() {
            return Ok(Some("already done".into()));
        }
        anyhow::bail!("tag `{name}` appeared while the release ran; it points at {existing}");
    }
    let message = journal.tags.iter().find(|t| t.name == name).map_or("", |t| t.message.as_str());
    let mut file = tempfile::NamedTempFile::new()
        .map_err(|err| anyhow::anyhow!(err).context("failed to create a temp file for the tag message"))?;
    std::io::Write::write_all(&mut file, message.as_bytes())
        .map_err(|err| anyhow::anyhow!(err).context("failed to write the tag message"))?;
    let path = file.path().to_string_lossy().into_owned();
    // `verbatim`: markdown headings start with `#`, which git's default cleanup would strip.
    git::run(dir, &["tag", "--annotate", "--cleanup=verbatim", "--file", &path, name, commit])?;
    Ok(None)
}

fn tag_message(dir: &Path, reference: &str) -> Option<String> {
    git::run(dir, &["cat-file", "tag", reference]).ok()
}

/// Returns `cargo SUBCOMMAND` run in the workspace of the release tree (checked out at the
/// release commit first), with the journal's registry and the work tree's target directory.
fn cargo_in_tree(
    store: &Store,
    journal: &Journal,
    cargo: &std::ffi::OsStr,
    subcommand: &str,
) -> anyhow::Result<Command> {
    let tree = super::tree::checkout(&journal.workdir, &store.tree_path(), release_commit(journal)?)?;
    let mut command = Command::new(cargo);
    command.arg(subcommand).current_dir(tree.join(&journal.workspace_dir));
    if let Some(registry) = &journal.registry {
        command.args(["--registry", registry]);
    }
    if let Some(target) = &journal.target_dir {
        // The work tree's builds are reused; the tree itself stays source only.
        command.env("CARGO_TARGET_DIR", target);
    }
    Ok(command)
}

/// Packages (and so builds) every crate to publish, together, so crates that depend on each other
/// at their new versions are verified against each other.
fn package(
    store: &Store,
    journal: &Journal,
    cargo: &std::ffi::OsStr,
    on: &mut dyn FnMut(Event<'_>),
) -> anyhow::Result<Option<String>> {
    let mut command = cargo_in_tree(store, journal, cargo, "package")?;
    for krate in &journal.publish {
        command.args(["--package", &krate.name]);
    }
    let (status, printed) = run_streamed(command, "cargo package", on)?;
    if status.success() {
        return Ok(None);
    }
    anyhow::bail!("`cargo package` failed ({status}):\n{}", last_lines(&printed))
}

/// How long a publish waits out a registry's rate limit before it stops for `--resume` instead.
const RATE_LIMIT_MAX_WAIT: i64 = 15 * 60;

/// How many rate-limited uploads of one crate are retried.
const RATE_LIMIT_RETRIES: usize = 30;

fn publish(
    store: &Store,
    journal: &Journal,
    name: &str,
    cargo: &std::ffi::OsStr,
    on: &mut dyn FnMut(Event<'_>),
) -> anyhow::Result<Option<String>> {
    let what = format!("cargo publish -p {name}");
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut command = cargo_in_tree(store, journal, cargo, "publish")?;
        command.args(["--package", name]);
        let packaged = journal.steps.iter().any(|s| s.kind == StepKind::Package && s.done_at.is_some());
        if packaged {
            // The package step built this very tree already.
            command.arg("--no-verify");
        }
        let (status, printed) = run_streamed(command, &what, on)?;
        if status.success() {
            return Ok(None);
        }
        // cargo checks the index before uploading ("already exists on ... index"); a registry that
        // sees the upload says "already exists" (ktra) or "already uploaded" (crates.io).
        if printed.contains("already exists") || printed.contains("already uploaded") {
            return Ok(Some("already in the registry; skipped".into()));
        }
        let Some(retry_at) = rate_limited(&printed) else {
            anyhow::bail!("`{what}` failed ({status}):\n{}", last_lines(&printed))
        };
        // crates.io: a burst of 30 new versions (5 new crates), then one a minute (one per 10
        // minutes); its 429 says when the next upload is accepted.
        let until = retry_at.unwrap_or_else(|| wall_clock() + 60);
        let wait = (until - wall_clock()).max(0) + 1;
        if wait > RATE_LIMIT_MAX_WAIT || attempt > RATE_LIMIT_RETRIES {
            anyhow::bail!(
                "the registry refuses more uploads until {} UTC (HTTP 429, rate limit):\n{}",
                crate::date::ymd_hm(until),
                last_lines(&printed)
            );
        }
        on(Event::Waiting(&format!(
            "{wait} s for the registry's rate limit (HTTP 429), then publishing `{name}` again (attempt {})",
            attempt + 1
        )));
        std::thread::sleep(std::time::Duration::from_secs(wait.unsigned_abs()));
    }
}

/// Returns `Some(when)` when cargo's output says the registry refused the upload for its rate
/// limit (HTTP 429), with the time its message says to try again at, if it says.
fn rate_limited(printed: &str) -> Option<Option<i64>> {
    // cargo: "the remote server responded with an error (status 429 Too Many Requests): ...";
    // a bare "429" can be part of a port, a path or a hash.
    if !printed.contains("status 429") && !printed.contains("429 Too Many Requests") {
        return None;
    }
    let after = printed.split("try again after ").nth(1).and_then(|rest| {
        let end = rest.find(" GMT").map(|i| i + 4)?;
        crate::date::parse_http(rest.get(..end)?)
    });
    Some(after)
}

/// Checks the published crates; returns the step's note: why nothing was checked, or why the
/// check failed (the release is out either way; `rollback` takes it back).
fn verify_published(
    journal: &Journal,
    timeout: u64,
    cargo: &std::ffi::OsStr,
    on: &mut dyn FnMut(Event<'_>),
) -> Option<String> {
    let crates: Vec<crate::published::Crate> = journal
        .published()
        .into_iter()
        .map(|c| crate::published::Crate { name: c.name.clone(), version: c.version.clone() })
        .collect();
    if crates.is_empty() {
        return Some("nothing was published".into());
    }
    let options = crate::published::Options {
        cargo,
        registry: journal.registry.as_deref(),
        workspace: &journal.workdir.join(&journal.workspace_dir),
        timeout: std::time::Duration::from_secs(timeout),
    };
    let result = crate::published::verify(&crates, &options, &mut |line| on(Event::Output(line)));
    result.err().map(|err| format!("{}{err}", crate::published::FAILED))
}

/// Returns the last lines a command printed, where cargo says what went wrong.
fn last_lines(printed: &str) -> String {
    let skip = printed.lines().count().saturating_sub(5);
    printed.lines().skip(skip).collect::<Vec<_>>().join("\n")
}

fn rev_parse(dir: &Path, rev: &str) -> anyhow::Result<String> {
    Ok(git::run(dir, &["rev-parse", "--verify", "--quiet", rev])?.trim().to_owned())
}

/// Undoes the local steps done so far, newest first; returns what was undone and what was not.
fn undo(store: &Store, journal: &Journal, on: &mut dyn FnMut(Event<'_>)) -> (Vec<String>, Vec<String>) {
    let (mut undone, mut not_undone) = (Vec::new(), Vec::new());
    let dir = journal.workdir.as_path();
    if let Err(err) = super::tree::remove(dir, &store.tree_path()) {
        not_undone.push(format!("remove the release tree: {err:#}"));
    }
    for step in journal.steps.iter().rev().filter(|s| s.kind.is_local()) {
        // A step started and not done may have acted; each undo checks what is really there.
        let partial = step.started_at.is_some()
            || matches!(step.kind, StepKind::WriteFiles | StepKind::PreReleaseCommit(_) | StepKind::Commit);
        if step.done_at.is_none() && !partial {
            continue;
        }
        let result = match &step.kind {
            StepKind::Verify(_) | StepKind::Package => continue,
            StepKind::Tag(name) => undo_tag(dir, journal, name),
            StepKind::MoveBranch => undo_branch(dir, journal),
            StepKind::Commit => undo_commit(dir, journal),
            StepKind::WriteFiles => undo_files(dir, journal),
            StepKind::PreReleaseCommit(_) => hook_step::undo(journal),
            StepKind::Push(_)
            | StepKind::Publish(_)
            | StepKind::PostRelease(_)
            | StepKind::NotifyWebhook(_)
            | StepKind::NotifyEmail(_)
            | StepKind::VerifyPublished(_) => continue,
        };
        match result {
            Ok(true) => {
                on(Event::Undone(&step.kind));
                undone.push(step.kind.describe());
            }
            Ok(false) => {}
            Err(err) => not_undone.push(format!("{}: {err:#}", step.kind.describe())),
        }
    }
    (undone, not_undone)
}

fn undo_tag(dir: &Path, journal: &Journal, name: &str) -> anyhow::Result<bool> {
    let reference = format!("refs/tags/{name}");
    match rev_parse(dir, &format!("{reference}^{{commit}}")) {
        // Only our own tag: a tag that appeared meanwhile is someone else's.
        Ok(commit) if Some(commit.as_str()) == journal.commit.as_deref() => {
            git::run(dir, &["tag", "--delete", name])?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

fn undo_branch(dir: &Path, journal: &Journal) -> anyhow::Result<bool> {
    let (Some(branch), Some(commit)) = (&journal.release_branch, &journal.commit) else { return Ok(false) };
    let reference = format!("refs/heads/{}", branch.name);
    if rev_parse(dir, &reference).ok().as_ref() != Some(commit) {
        // Not moved (the step was stopped before it acted).
        return Ok(false);
    }
    match &branch.before {
        Some(before) => git::run(dir, &["update-ref", "-m", "cargo patch release: undo", &reference, before, commit])?,
        None => git::run(dir, &["update-ref", "-d", &reference, commit])?,
    };
    Ok(true)
}

fn undo_commit(dir: &Path, journal: &Journal) -> anyhow::Result<bool> {
    let commit = match &journal.commit {
        Some(commit) => commit.clone(),
        None => match unrecorded_commit(dir, journal)? {
            Some(commit) => commit,
            None => return Ok(false),
        },
    };
    if rev_parse(dir, "HEAD")? != commit {
        anyhow::bail!("HEAD is no longer the release commit {commit}; reset `{}` by hand", journal.branch);
    }
    // `--soft`: the branch goes back; the files are restored (and unstaged) by the next undo.
    git::run(dir, &["reset", "--quiet", "--soft", &journal.head_before])?;
    Ok(true)
}

fn undo_files(dir: &Path, journal: &Journal) -> anyhow::Result<bool> {
    let mut changed = false;
    for file in &journal.files {
        match &file.before {
            Some(before) if fs::read_or_empty(&file.path)? != *before => {
                fs::write_atomic(&file.path, before.as_bytes())?;
                changed = true;
            }
            Some(_) => {}
            None if file.path.exists() => {
                std::fs::remove_file(&file.path).map_err(|err| {
                    anyhow::anyhow!(err).context(format!("failed to remove `{}`", file.path.display()))
                })?;
                changed = true;
            }
            None => {}
        }
    }
    // Unstage what `git add` staged: the index goes back to HEAD for these paths.
    let mut reset = vec!["reset", "--quiet", "--"];
    let paths: Vec<String> = journal.files.iter().map(|f| f.path.to_string_lossy().into_owned()).collect();
    reset.extend(paths.iter().map(String::as_str));
    git::run(dir, &reset)?;
    Ok(changed)
}

/// Test hook, debug builds only: `CARGO_PATCH_FAIL_STEP=<step>` (`verify`, `write-files`,
/// `commit`, `move-branch`, `tag`, `push`, `publish`) makes that step fail before it acts, so the
/// integration tests can prove the undo and the resume on the real binary.
#[cfg(debug_assertions)]
#[expect(clippy::disallowed_methods, reason = "a debug-only fault injection point, read where it acts")]
fn injected_failure(kind: &StepKind) -> Option<anyhow::Error> {
    let wanted = std::env::var("CARGO_PATCH_FAIL_STEP").ok()?;
    let name = serde_json::to_value(kind).ok()?.get("step")?.as_str()?.to_owned();
    (wanted == name).then(|| anyhow::anyhow!("injected failure (CARGO_PATCH_FAIL_STEP={wanted})"))
}

#[cfg(not(debug_assertions))]
fn injected_failure(_kind: &StepKind) -> Option<anyhow::Error> {
    None
}

/// Test hook, debug builds only: `CARGO_PATCH_NOW=<Unix seconds>` is the time every release
/// judges its window at and journals, so a window test cannot race midnight UTC.
#[cfg(debug_assertions)]
#[expect(clippy::disallowed_methods, reason = "a debug-only test clock, read where the time is taken")]
fn test_clock() -> Option<i64> {
    std::env::var("CARGO_PATCH_NOW").ok()?.parse().ok()
}

#[cfg(not(debug_assertions))]
fn test_clock() -> Option<i64> {
    None
}

/// Test hook, debug builds only: `CARGO_PATCH_KILL_AFTER=<step>` ends the process (exit 137, as
/// a SIGKILL would) right after that step acted and before the journal records it, the moment a
/// crash leaves the most doubt.
#[cfg(debug_assertions)]
#[expect(clippy::disallowed_methods, reason = "a debug-only fault injection point, read where it acts")]
fn injected_kill(kind: &StepKind) {
    let Ok(wanted) = std::env::var("CARGO_PATCH_KILL_AFTER") else { return };
    let name = serde_json::to_value(kind).ok().and_then(|v| v.get("step")?.as_str().map(str::to_owned));
    if name.as_deref() == Some(wanted.as_str()) {
        std::process::exit(137);
    }
}

#[cfg(not(debug_assertions))]
fn injected_kill(_kind: &StepKind) {}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_429_reply_is_a_rate_limit() {
        assert_eq!(super::rate_limited("error: failed to connect to 127.0.0.1:34291: Connection refused"), None);
        assert_eq!(super::rate_limited("checksum 4291ab, 429 files"), None);
        let reply = "the remote server responded with an error (status 429 Too Many Requests): You have published \
                     too many new crates in a short period of time. Please try again after Tue, 01 Dec 2026 13:20:55 \
                     GMT or email help@crates.io to have your limit increased.";
        assert_eq!(super::rate_limited(reply), Some(crate::date::parse_http("Tue, 01 Dec 2026 13:20:55 GMT")));
        assert_eq!(super::rate_limited("(status 429 Too Many Requests): slow down"), Some(None));
    }
}
