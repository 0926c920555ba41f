//! The release journal and lock, under `<git dir>/cargo-patch/`.
//!
//! The journal is the whole release written down before anything changes: the files with their
//! old and new bytes, the refs with their old values, what to push and publish, and each step's
//! state. It is saved after every step, so a failure (or a killed process) leaves an exact record
//! of what is done and what is left; `release --resume` continues from it. A finished release's
//! journal is kept as `releases/<tag>.json`: `rollback` reads it for the crates to yank and the
//! retrospective's timeline.
//!
//! The lock is a file created exclusively (`O_EXCL`) holding the owner's process id; it is
//! released on drop. A lock whose process is gone is taken over.

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fs;

/// Why the journal or lock could not be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("another release is running in this repository (process {pid}, lock `{}`)", path.display())]
    Locked { pid: u32, path: PathBuf },
    #[error("release {tags} is unfinished (done: {done}; left: {left})")]
    Unfinished { tags: String, done: String, left: String },
    #[error("no unfinished release (no journal at `{}`)", path.display())]
    NothingToResume { path: PathBuf },
    #[error("the release journal `{}` cannot be read: {message}", path.display())]
    Corrupt { path: PathBuf, message: String },
    #[error("failed to create the release lock `{}`", path.display())]
    Lock { path: PathBuf, source: std::io::Error },
    #[error("the unfinished release publishes to {}, not to `{given}`", recorded.as_ref().map_or_else(|| "crates.io (no `--registry`)".to_owned(), |r| format!("`{r}`")))]
    RegistryDiffers { recorded: Option<String>, given: String },
    #[error(transparent)]
    Fs(#[from] fs::Error),
}

impl crate::error::Help for Error {
    type Lines = Option<String>;

    fn help(&self) -> Self::Lines {
        match self {
            Self::Locked { .. } => Some("wait for it to finish; releases of one repository run one at a time".into()),
            Self::Unfinished { .. } => Some(
                "finish it with `cargo patch release --resume`; before its push, undo it with `--abort`; after \
                 it, close it as it is with `--abandon`"
                    .into(),
            ),
            Self::NothingToResume { .. } => Some("start a release with `cargo patch release`".into()),
            Self::Corrupt { path, .. } => Some(format!(
                "look at it, finish the release by hand (see `git status`, `git tag`), then delete `{}`",
                path.display()
            )),
            Self::RegistryDiffers { recorded, .. } => Some(match recorded {
                Some(registry) => format!("resume with `--registry {registry}` (or without `--registry`)"),
                None => "resume without `--registry`".into(),
            }),
            Self::Lock { .. } | Self::Fs(_) => None,
        }
    }
}

/// One file the release writes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileRecord {
    pub path: PathBuf,
    /// `None` when the file did not exist (the undo removes it again).
    pub before: Option<String>,
    pub after: String,
}

/// One annotated tag the release makes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TagRecord {
    pub name: String,
    /// The release notes (markdown), kept verbatim as the tag's message.
    pub message: String,
}

/// One crate the release publishes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CrateRecord {
    pub name: String,
    pub version: String,
}

/// A branch the release moves: its name and where it pointed before (`None`: created).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BranchRecord {
    pub name: String,
    pub before: Option<String>,
}

/// Returns `refs/tags/v1.0.1` as `v1.0.1` and `refs/heads/main` as `main`.
fn short_ref(name: &str) -> &str {
    name.strip_prefix("refs/tags/").or_else(|| name.strip_prefix("refs/heads/")).unwrap_or(name)
}

/// The steps of a release, in order. Those before `Push` are local and undone on failure.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case", tag = "step", content = "what")]
pub enum StepKind {
    Verify(String),
    WriteFiles,
    Commit,
    MoveBranch,
    /// `cargo package` of every crate to publish, from a checkout of the release commit: a crate
    /// that cannot be published stops the release before anything is tagged.
    Package,
    Tag(String),
    /// One atomic push: the branch with the first tags, then the other tags, at most
    /// `max-tags-per-push` each (forges drop the push events of larger pushes).
    Push(Vec<String>),
    Publish(String),
    /// A `pre-release-commit` command, after the files are written: its changes join the commit.
    PreReleaseCommit(crate::release_hook::HookRun),
    /// A `post-release` command, after the push and the publish.
    PostRelease(crate::release_hook::HookRun),
    /// The webhook announcing a release (one step per tag); its failure is noted, not fatal.
    NotifyWebhook(Box<crate::notify::Message>),
    /// The e-mail announcing a release (one step per tag); its failure is noted, not fatal.
    NotifyEmail(Box<crate::notify::Message>),
    /// Wait for the index to serve the published versions, then build a dependent of them; its
    /// failure is noted, not fatal (the crates are out: the way back is `rollback`). It holds the
    /// longest wait for the index, in seconds.
    VerifyPublished(u64),
}

impl StepKind {
    /// Returns whether the step changes only this repository (and can be undone).
    pub fn is_local(&self) -> bool {
        !matches!(
            self,
            Self::Push(_)
                | Self::Publish(_)
                | Self::PostRelease(_)
                | Self::NotifyWebhook(_)
                | Self::NotifyEmail(_)
                | Self::VerifyPublished(_)
        )
    }

    /// Returns the step as a sentence fragment: "commit", "publish `a`"...
    pub fn describe(&self) -> String {
        match self {
            Self::Verify(command) => format!("verify `{command}`"),
            Self::WriteFiles => "write the manifests and the changelog".into(),
            Self::Commit => "make the release commit".into(),
            Self::MoveBranch => "move the release branch".into(),
            Self::Package => "package the crates to publish".into(),
            Self::Tag(tag) => format!("tag `{tag}`"),
            // The push of the branch (with the first tags) is "the push"; later batches name their tags.
            Self::Push(refs) if refs.iter().any(|r| !r.starts_with("refs/tags/")) => "push".into(),
            Self::Push(refs) => format!("push of {}", refs.iter().map(|r| short_ref(r)).collect::<Vec<_>>().join(" ")),
            Self::Publish(name) => format!("publish `{name}`"),
            Self::PreReleaseCommit(hook) => format!("run the pre-release-commit hook `{}`", hook.command),
            Self::PostRelease(hook) => format!("run the post-release hook `{}`", hook.command),
            Self::NotifyWebhook(message) | Self::NotifyEmail(message) => {
                format!("announce `{}` by {}", message.tag, message.describe())
            }
            Self::VerifyPublished(_) => "verify that the published crates build for a dependent".into(),
        }
    }
}

/// A step and when it was done (Unix seconds), or why it was skipped.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StepRecord {
    #[serde(flatten)]
    pub kind: StepKind,
    /// When the step began to act (saved before it acts): a step started and not done may have
    /// done its work before the process stopped, so undo and resume check before they act.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<i64>,
    pub done_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A release, from plan to the last publish.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Journal {
    pub started_at: i64,
    /// When the released branch was cut (its reflog, else what `start` recorded), for a
    /// retrospective once the branch is gone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch_started: Option<i64>,
    pub workdir: PathBuf,
    /// The branch HEAD was on, and its commit before the release.
    pub branch: String,
    pub head_before: String,
    /// The base release of the hotfix branch, when released from one.
    pub base: Option<String>,
    /// The release branch moved to the release commit, when it is not `branch`.
    pub release_branch: Option<BranchRecord>,
    pub files: Vec<FileRecord>,
    pub commit_message: String,
    /// The release commit, once made.
    pub commit: Option<String>,
    pub tags: Vec<TagRecord>,
    pub remote: String,
    /// The refs `git push --atomic` sends.
    pub push_refs: Vec<String>,
    pub registry: Option<String>,
    pub publish: Vec<CrateRecord>,
    /// The workspace root, relative to `workdir` (where cargo runs in the release tree).
    #[serde(default)]
    pub workspace_dir: PathBuf,
    /// cargo's target directory, shared with the release tree's builds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_dir: Option<PathBuf>,
    /// The commits the release carries (no release commit, no merge), oldest first.
    pub fix_commits: Vec<String>,
    pub critical: bool,
    pub steps: Vec<StepRecord>,
}

impl StepRecord {
    /// Returns `kind` as a step not started yet.
    pub fn new(kind: StepKind) -> Self {
        Self { kind, started_at: None, done_at: None, note: None }
    }
}

impl Journal {
    /// Returns the crates the release published (or found in the registry already), in order;
    /// not those skipped with `--no-publish`.
    pub fn published(&self) -> Vec<&CrateRecord> {
        let done = |name: &str| {
            self.steps.iter().any(|s| {
                s.kind == StepKind::Publish(name.to_owned())
                    && s.done_at.is_some()
                    && !s.note.as_deref().is_some_and(|n| n.starts_with("not published"))
            })
        };
        self.publish.iter().filter(|c| done(&c.name)).collect()
    }

    /// Marks every publish step not done yet as done without publishing, with `why` as its note
    /// (the record says so).
    pub fn skip_publishing(&mut self, why: &str) {
        for step in self.steps.iter_mut().filter(|s| matches!(s.kind, StepKind::Publish(_)) && s.done_at.is_none()) {
            step.done_at = Some(crate::plan::transaction::now());
            step.note = Some(why.to_owned());
        }
    }

    /// Returns the tag names, comma-separated, for messages.
    pub fn tag_names(&self) -> String {
        self.tags.iter().map(|t| format!("`{}`", t.name)).collect::<Vec<_>>().join(", ")
    }

    /// Returns the steps done and the steps left, as sentence fragments.
    pub fn progress(&self) -> (Vec<String>, Vec<String>) {
        let (done, left): (Vec<&StepRecord>, Vec<&StepRecord>) = self.steps.iter().partition(|s| s.done_at.is_some());
        let describe = |steps: Vec<&StepRecord>| steps.into_iter().map(|s| s.kind.describe()).collect();
        (describe(done), describe(left))
    }
}

/// Where a repository keeps its journal, lock and release records.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// Returns the store under `git_common_dir` (shared by linked worktrees, like refs).
    pub fn new(git_common_dir: &Path) -> Self {
        Self { dir: git_common_dir.join("cargo-patch") }
    }

    /// Returns the path of the journal of the release in progress.
    pub fn journal_path(&self) -> PathBuf {
        self.dir.join("release.json")
    }

    /// Returns where the release tree (a checkout of the release commit, for `cargo package` and
    /// `cargo publish`) is made.
    pub fn tree_path(&self) -> PathBuf {
        self.dir.join("tree")
    }

    /// Returns the path of the record of the finished release `tag`.
    pub fn record_path(&self, tag: &str) -> PathBuf {
        // Tag names may hold `/`; a record is one flat file.
        self.dir.join("releases").join(format!("{}.json", tag.replace('/', "%2F")))
    }

    /// Returns the journal of the release in progress, if any.
    pub fn unfinished(&self) -> Result<Option<Journal>, Error> {
        read(&self.journal_path())
    }

    /// Returns the record of the finished release `tag`, if cargo-patch made it here.
    pub fn record(&self, tag: &str) -> Result<Option<Journal>, Error> {
        read(&self.record_path(tag))
    }

    /// Writes the journal atomically.
    pub fn save(&self, journal: &Journal) -> Result<(), Error> {
        write(&self.journal_path(), journal)
    }

    /// Removes the journal (a release undone before it reached the remote).
    pub fn discard(&self) -> Result<(), Error> {
        remove(&self.journal_path())
    }

    /// Moves the journal of a finished release to its record, one per tag it made (`release
    /// --pr` makes none: its release is not out until `--finish` tags it).
    pub fn finish(&self, journal: &Journal) -> Result<(), Error> {
        let made = |name: &str| journal.steps.iter().any(|s| matches!(&s.kind, StepKind::Tag(t) if t == name));
        for tag in journal.tags.iter().filter(|t| made(&t.name)) {
            write(&self.record_path(&tag.name), journal)?;
        }
        remove(&self.journal_path())
    }

    /// Writes the record of a finished release (rollback adds its yanks to the timeline).
    pub fn save_record(&self, tag: &str, journal: &Journal) -> Result<(), Error> {
        write(&self.record_path(tag), journal)
    }

    /// Takes the release lock; it is released when the returned guard drops. The lock file holds
    /// the owner's pid and its start time, so a lock left by a dead process is taken over even
    /// when its pid was reused since.
    pub fn lock(&self) -> Result<Lock, Error> {
        let path = self.dir.join("release.lock");
        let create_dir = std::fs::create_dir_all(&self.dir);
        create_dir.map_err(|source| Error::Lock { path: path.clone(), source })?;
        for _ in 0..2 {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    let me = std::process::id();
                    let _ = write!(file, "{me} {}", start_time(me).unwrap_or_default());
                    return Ok(Lock { path });
                }
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => match self.running() {
                    Some(pid) => return Err(Error::Locked { pid, path }),
                    // The owner died without releasing it (killed, power loss): take it over.
                    None => {
                        let _ = std::fs::remove_file(&path);
                    }
                },
                Err(source) => return Err(Error::Lock { path, source }),
            }
        }
        Err(Error::Lock { path, source: std::io::Error::other("the lock keeps reappearing") })
    }

    /// Takes the release lock, waiting while a live process holds it (`bump` waits for a release
    /// or another `bump` to finish rather than write under it); `waiting` is told once.
    pub fn lock_waiting(&self, waiting: &mut dyn FnMut(u32)) -> Result<Lock, Error> {
        let mut told = false;
        loop {
            match self.lock() {
                Err(Error::Locked { pid, .. }) => {
                    if !told {
                        waiting(pid);
                        told = true;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                other => return other,
            }
        }
    }

    /// Returns the pid of the live process holding the release lock, if one does.
    pub fn running(&self) -> Option<u32> {
        let text = std::fs::read_to_string(self.dir.join("release.lock")).ok()?;
        let mut fields = text.split_whitespace();
        let pid = fields.next()?.parse::<u32>().ok()?;
        let started = fields.next().and_then(|t| t.parse::<u64>().ok());
        // A pid reused by another process since has another start time; a zombie has exited.
        let same = match (started, proc_stat(pid)) {
            (_, Some(("Z", _))) => false,
            (Some(recorded), Some((_, now))) => recorded == now,
            _ => true,
        };
        (process_alive(pid) && same).then_some(pid)
    }
}

/// Returns when process `pid` started (clock ticks since boot), where `/proc` tells.
fn start_time(pid: u32) -> Option<u64> {
    proc_stat(pid).map(|(_, started)| started)
}

/// Returns the state (field 3 of `/proc/<pid>/stat`: `R`, `S`, `Z`...) and the start time
/// (field 22) of process `pid`, where `/proc` tells.
fn proc_stat(pid: u32) -> Option<(&'static str, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after the last `)`.
    let (_, rest) = stat.rsplit_once(')')?;
    let mut fields = rest.split_whitespace();
    let state = if fields.next()? == "Z" { "Z" } else { "live" };
    Some((state, fields.nth(18)?.parse().ok()?))
}

/// The release lock; dropping it releases it.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Returns whether process `pid` exists. Where `/proc` is missing, every owner counts as alive:
/// refusing is safe, taking a live lock is not.
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

fn read(path: &Path) -> Result<Option<Journal>, Error> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(Error::Corrupt { path: path.to_owned(), message: err.to_string() }),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|err| Error::Corrupt { path: path.to_owned(), message: err.to_string() })
}

#[expect(clippy::expect_used, reason = "a journal holds only strings, numbers and lists: serde_json cannot fail on it")]
fn write(path: &Path, journal: &Journal) -> Result<(), Error> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| fs::Error::Write { path: dir.to_owned(), source })?;
    }
    let text = serde_json::to_string_pretty(journal).expect("a journal always serialises");
    fs::write_atomic(path, format!("{text}\n").as_bytes())?;
    Ok(())
}

fn remove(path: &Path) -> Result<(), Error> {
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(fs::Error::Write { path: path.to_owned(), source: err }.into())
        }
        _ => Ok(()),
    }
}
