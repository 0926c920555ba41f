//! The repository's history, read in-process with gix: HEAD, tags, the commits of a range and the
//! paths a commit changes. Callers see our own types only (STYLE habit 13); gix stays in here.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use gix::ObjectId;
use gix::bstr::{BStr, ByteSlice};
use gix::revision::walk::Sorting;
use gix::traverse::commit::simple::CommitTimeOrder;

/// A failure to read history, with what the user can do about it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("`{}` is not inside a git repository", dir.display())]
    NotARepository { dir: PathBuf, message: String },
    #[error("the repository at `{}` has no commits yet (branch `{branch}` is unborn)", dir.display())]
    Unborn { dir: PathBuf, branch: String },
    #[error("the repository at `{}` is a shallow clone: its history is incomplete", dir.display())]
    Shallow { dir: PathBuf },
    #[error("`{rev}` does not name a commit in this repository")]
    BadRevision { rev: String, message: String },
    #[error("failed to read {what} from the git repository: {message}")]
    Read { what: String, message: String },
}

impl crate::error::Help for Error {
    type Lines = Option<String>;

    fn help(&self) -> Self::Lines {
        match self {
            Self::NotARepository { .. } => Some("run the command inside a git work tree, or `git init` one".into()),
            Self::Unborn { .. } => Some("make a first commit, then run the command again".into()),
            Self::Shallow { .. } => {
                Some("run `git fetch --unshallow` (in CI: check out with `fetch-depth: 0`) and try again".into())
            }
            Self::BadRevision { .. } => Some("name a tag, branch or commit that `git rev-parse` accepts".into()),
            Self::Read { .. } => None,
        }
    }
}

/// Wraps a gix error as [`Error::Read`] of `what`.
fn read_error(what: &str) -> impl FnOnce(gix::Error) -> Error + '_ {
    move |err| Error::Read { what: what.into(), message: err.to_string() }
}

/// Who made a commit, and when (seconds since the epoch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub name: String,
    pub email: String,
    pub time: i64,
}

/// One commit, as the history commands need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// The full hex id.
    pub id: String,
    /// The message without leading blank lines and trailing whitespace (as libgit2 gives it).
    pub message: String,
    pub author: Signature,
    pub committer: Signature,
    pub parents: Vec<String>,
}

impl CommitInfo {
    /// Returns the first line of the message.
    pub fn subject(&self) -> &str {
        self.message.lines().next().unwrap_or_default()
    }
}

/// A tag peeled to the commit it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The tag's name (an annotated tag's own name, as git-cliff reads it).
    pub name: String,
    /// The full hex id of the tagged commit.
    pub commit: String,
    /// The committer time of the tagged commit.
    pub commit_time: i64,
    /// An annotated tag's message without its signature, trimmed; `None` for a lightweight tag.
    pub message: Option<String>,
}

/// Where HEAD points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head {
    Branch { name: String, commit: String },
    Detached { commit: String },
}

impl Head {
    /// Returns the commit HEAD names.
    pub fn commit(&self) -> &str {
        match self {
            Self::Branch { commit, .. } | Self::Detached { commit } => commit,
        }
    }
}

/// The object cache of a [`Repository`]: enough for the trees of a few consecutive commits of a
/// big workspace.
const OBJECT_CACHE_BYTES: usize = 16 * 1024 * 1024;

/// The delta-base cache of a [`Repository`], git's `core.deltaBaseCacheLimit` default.
const PACK_CACHE_BYTES: usize = 96 * 1024 * 1024;

/// Sets the caches history reading needs: tree diffs of consecutive commits read the same trees
/// again (keep recent objects), and the delta bases they are rebuilt from (git's
/// `core.deltaBaseCacheLimit` does the same).
fn set_caches(repo: &mut gix::Repository) {
    repo.object_cache_size_if_unset(OBJECT_CACHE_BYTES);
    repo.objects.set_pack_cache(|| Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(PACK_CACHE_BYTES)));
}

/// A repository opened once per run.
pub struct Repository {
    pub(super) repo: gix::Repository,
    dir: PathBuf,
    /// The files each commit (by id) changes, once read (see `changed_paths_of`).
    pub(super) changed_paths: std::cell::RefCell<HashMap<String, Vec<String>>>,
    /// The commits each commit reaches, once walked (see `reachable`).
    reachable: std::cell::RefCell<HashMap<ObjectId, Rc<HashSet<String>>>>,
    /// Each tag ref (name, target) peeled, once (see `tags`).
    peeled_tags: std::cell::RefCell<HashMap<(String, ObjectId), Option<Tag>>>,
}

impl Repository {
    /// Opens the repository that contains `dir`.
    pub fn discover(dir: &Path) -> Result<Self, Error> {
        let mut repo = gix::discover(dir)
            .map_err(|err| Error::NotARepository { dir: dir.to_owned(), message: err.to_string() })?;
        set_caches(&mut repo);
        Ok(Self {
            repo,
            dir: dir.to_owned(),
            changed_paths: Default::default(),
            reachable: Default::default(),
            peeled_tags: Default::default(),
        })
    }

    /// Returns the root of the work tree (the git directory for a bare repository).
    pub fn workdir(&self) -> &Path {
        self.repo.workdir().unwrap_or_else(|| self.repo.git_dir())
    }

    /// Returns where HEAD points; an unborn branch is an error, since there is no history to read.
    pub fn head(&self) -> Result<Head, Error> {
        let head = self.repo.head().map_err(read_error("HEAD"))?;
        if let gix::head::Kind::Unborn(branch) = &head.kind {
            return Err(Error::Unborn { dir: self.dir.clone(), branch: branch.shorten().to_string() });
        }
        let commit = self.repo.head_id().map_err(read_error("HEAD"))?.detach().to_string();
        Ok(match head.referent_name() {
            Some(name) => Head::Branch { name: name.shorten().to_string(), commit },
            None => Head::Detached { commit },
        })
    }

    /// Refuses a shallow clone: its missing history would silently shorten every answer.
    pub fn require_full_history(&self) -> Result<(), Error> {
        if self.repo.is_shallow().map_err(read_error("the shallow file"))? {
            return Err(Error::Shallow { dir: self.dir.clone() });
        }
        Ok(())
    }

    /// Returns the full id of the commit `rev` names (`v1.2.3`, `HEAD~2`, a hash...).
    pub fn resolve(&self, rev: &str) -> Result<String, Error> {
        let bad = |message: String| Error::BadRevision { rev: rev.into(), message };
        let spec = format!("{rev}^{{commit}}");
        let id = self.repo.rev_parse_single(spec.as_str()).map_err(|err| bad(err.to_string()))?;
        Ok(id.detach().to_string())
    }

    /// Returns every tag that leads to a commit, sorted by name; tags of trees or blobs are skipped.
    pub fn tags(&self) -> Result<Vec<Tag>, Error> {
        let what = "tags";
        let platform =
            self.repo.references().map_err(|err| Error::Read { what: what.into(), message: err.to_string() })?;
        let iter = platform.tags().map_err(|err| Error::Read { what: what.into(), message: err.to_string() })?;
        let mut tags = Vec::new();
        for reference in iter {
            let mut reference = reference.map_err(|err| Error::Read { what: what.into(), message: err.to_string() })?;
            let ref_name = reference.name().shorten().to_string();
            let Some(target) = reference.target().try_id().map(ToOwned::to_owned) else { continue };
            // What a ref names never changes: each is peeled once per run, however many times
            // the refs are listed (a release's plan lists them once per new tag).
            let key = (ref_name, target);
            if let Some(known) = self.peeled_tags.borrow().get(&key) {
                tags.extend(known.clone());
                continue;
            }
            let (ref_name, target) = &key;
            let tag = self.peel_tag(&mut reference, ref_name, *target)?;
            tags.extend(tag.clone());
            self.peeled_tags.borrow_mut().insert(key, tag);
        }
        tags.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(tags)
    }

    /// Returns the tag `ref_name` (pointing at `target`) peeled to its commit, or `None` when it
    /// names no commit (or a malformed tag object, which is said once).
    fn peel_tag(
        &self,
        reference: &mut gix::Reference<'_>,
        ref_name: &str,
        target: ObjectId,
    ) -> Result<Option<Tag>, Error> {
        let object = self
            .repo
            .find_object(target)
            .map_err(|err| Error::Read { what: format!("tag `{ref_name}`"), message: err.to_string() })?;
        // The ref names the tag: `git tag NEW OLD` leaves the old name inside the object.
        let message = match object.kind {
            gix::object::Kind::Commit => None,
            gix::object::Kind::Tag => match object.try_to_tag_ref() {
                Ok(tag) => Some(tag_message(tag.message)),
                Err(err) => {
                    crate::diagnostics::warn(format!(
                        "skipped tag `{ref_name}`: its tag object {target} is malformed ({err}); \
                         recreate it with `git tag -f -a {ref_name} <commit>`"
                    ));
                    return Ok(None);
                }
            },
            _ => return Ok(None),
        };
        let Ok(commit) = reference.peel_to_commit() else { return Ok(None) };
        let commit_time = commit.time().map(|t| t.seconds).unwrap_or_default();
        Ok(Some(Tag { name: ref_name.to_owned(), commit: commit.id.to_string(), commit_time, message }))
    }

    /// Returns the commits reachable from `tips` but not from `hidden`, newest first in `order`.
    pub fn commits(&self, tips: &[String], hidden: &[String], order: CommitOrder) -> Result<Vec<CommitInfo>, Error> {
        let by_time = self.commits_by_time(tips, hidden)?;
        Ok(match order {
            CommitOrder::Time => by_time,
            CommitOrder::Topological => topological(by_time, |c| &c.id, |c| &c.parents),
        })
    }

    /// Returns the commits reachable from `tips` but not from `hidden`, newest commit time first.
    fn commits_by_time(&self, tips: &[String], hidden: &[String]) -> Result<Vec<CommitInfo>, Error> {
        let what = "commits";
        let walk = self
            .repo
            .rev_walk(self.ids(tips)?)
            .sorting(Sorting::ByCommitTime(CommitTimeOrder::NewestFirst))
            .with_hidden(self.ids(hidden)?)
            .all()
            .map_err(read_error(what))?;
        // The walk reads each commit (into the object cache); decoding it into our own types
        // takes as long again, so past a hook's few commits that runs on another core meanwhile.
        let objects = walk.map(|info| {
            let info = info.map_err(|err| Error::Read { what: what.into(), message: err.to_string() })?;
            let object = info.object().map_err(read_error(what))?;
            Ok(object.detach())
        });
        crate::parallel::map_beside(objects, 256, |commit| {
            let decoded = gix::objs::CommitRef::from_bytes(&commit.data, commit.id.kind())
                .map_err(|err| Error::Read { what: what.into(), message: err.to_string() })?;
            Ok(decoded_info(commit.id, &decoded))
        })
    }

    /// Returns the commit `id` as [`CommitInfo`].
    pub(super) fn commit_info(&self, id: ObjectId) -> Result<CommitInfo, Error> {
        let commit = self.repo.find_commit(id).map_err(read_error("commits"))?;
        commit_info(id, &commit)
    }

    /// Returns the local branches whose name starts with `prefix`, with the commit each names.
    pub fn branches(&self, prefix: &str) -> Result<Vec<(String, String)>, Error> {
        let read = |err: &dyn std::fmt::Display| Error::Read { what: "branches".into(), message: err.to_string() };
        let platform = self.repo.references().map_err(|e| read(&e))?;
        let mut branches = Vec::new();
        for reference in platform.local_branches().map_err(|e| read(&e))? {
            let mut reference = reference.map_err(|e| read(&e))?;
            let name = reference.name().shorten().to_string();
            if !name.starts_with(prefix) {
                continue;
            }
            if let Ok(commit) = reference.peel_to_commit() {
                branches.push((name, commit.id.to_string()));
            }
        }
        branches.sort();
        Ok(branches)
    }

    /// Returns the remote-tracking branches of `remote` whose name (without `remote/`) starts with
    /// `prefix`, as (name without the remote, commit).
    pub fn remote_branches(&self, remote: &str, prefix: &str) -> Result<Vec<(String, String)>, Error> {
        let read = |err: &dyn std::fmt::Display| Error::Read { what: "branches".into(), message: err.to_string() };
        let platform = self.repo.references().map_err(|e| read(&e))?;
        let mut branches = Vec::new();
        let start = format!("{remote}/");
        for reference in platform.remote_branches().map_err(|e| read(&e))? {
            let mut reference = reference.map_err(|e| read(&e))?;
            let name = reference.name().shorten().to_string();
            let Some(name) = name.strip_prefix(&start).filter(|n| n.starts_with(prefix) && *n != "HEAD") else {
                continue;
            };
            let name = name.to_owned();
            if let Ok(commit) = reference.peel_to_commit() {
                branches.push((name, commit.id.to_string()));
            }
        }
        branches.sort();
        Ok(branches)
    }

    /// Returns the git directory shared by every worktree (where refs and the release journal live).
    pub fn common_dir(&self) -> &Path {
        self.repo.common_dir()
    }

    /// Returns the directory git runs hooks from (`core.hooksPath`, else `.git/hooks`).
    pub fn hooks_dir(&self) -> PathBuf {
        let configured = self.repo.config_snapshot().trusted_path("core.hooksPath").ok().flatten();
        match configured {
            Some(path) if path.is_absolute() => path,
            Some(path) => self.workdir().join(path),
            None => self.repo.git_dir().join("hooks"),
        }
    }

    /// Returns the committer time of `commit`.
    pub fn commit_time(&self, commit: &str) -> Result<i64, Error> {
        let read = |message: String| Error::Read { what: format!("commit {commit}"), message };
        let commit = self.repo.find_commit(self.id(commit)?).map_err(|e| read(e.to_string()))?;
        Ok(commit.time().map_err(|e| read(e.to_string()))?.seconds)
    }

    /// Returns a string from git's configuration (`branch.<name>.patchBase`...).
    pub fn config_string(&self, key: &str) -> Option<String> {
        self.repo.config_snapshot().string(key).map(|v| v.to_string())
    }

    /// Returns the best common ancestor of two commits, if they have one.
    pub fn merge_base(&self, a: &str, b: &str) -> Result<Option<String>, Error> {
        let base = self
            .repo
            .merge_base(self.id(a)?, self.id(b)?)
            .map_err(|err| Error::Read { what: "a merge base".into(), message: err.to_string() })?;
        Ok(base.map(|id| id.detach().to_string()))
    }

    /// Returns the text of `path` (relative to the root, `/`-separated) at `commit`, or `None`
    /// when the commit has no such file.
    pub fn file_at(&self, commit: &str, path: &str) -> Result<Option<String>, Error> {
        let read = |message: String| Error::Read { what: format!("`{path}` at {commit}"), message };
        let tree = self
            .repo
            .find_commit(self.id(commit)?)
            .map_err(|e| read(e.to_string()))?
            .tree()
            .map_err(|e| read(e.to_string()))?;
        let Some(entry) = tree.lookup_entry_by_path(path).map_err(|e| read(e.to_string()))? else { return Ok(None) };
        let object = entry.object().map_err(|e| read(e.to_string()))?;
        Ok(Some(String::from_utf8_lossy(&object.data).into_owned()))
    }

    /// Returns the ids of every commit reachable from `tip`, walked once per run: what a commit
    /// reaches never changes, and a release's plan asks it of HEAD once per new tag.
    pub fn reachable(&self, tip: &str) -> Result<Rc<HashSet<String>>, Error> {
        let id = self.id(tip)?;
        if let Some(known) = self.reachable.borrow().get(&id) {
            return Ok(Rc::clone(known));
        }
        let walk = self.repo.rev_walk([id]).all().map_err(read_error("commits"))?;
        let ids: HashSet<String> = walk
            .map(|info| {
                info.map(|i| i.id.to_string())
                    .map_err(|err| Error::Read { what: "commits".into(), message: err.to_string() })
            })
            .collect::<Result<_, _>>()?;
        let ids = Rc::new(ids);
        self.reachable.borrow_mut().insert(id, Rc::clone(&ids));
        Ok(ids)
    }

    /// Returns `(files changed, lines added, lines removed)` of `commit` against its first
    /// parent, as `git diff --numstat` counts them.
    pub fn line_stats(&self, commit: &CommitInfo) -> Result<(u64, u64, u64), Error> {
        let (old, new) = self.trees(commit)?;
        let read =
            |err: gix::Error| Error::Read { what: format!("the diff of {}", commit.id), message: err.to_string() };
        let stats = old
            .changes()
            .map_err(read)?
            .options(|o| {
                o.track_rewrites(None);
            })
            .stats(&new)
            .map_err(read)?;
        Ok((stats.files_changed, stats.lines_added, stats.lines_removed))
    }

    /// Returns the trees of `commit`'s first parent (empty for a root commit) and of `commit`.
    pub(super) fn trees(&self, commit: &CommitInfo) -> Result<(gix::Tree<'_>, gix::Tree<'_>), Error> {
        let read =
            |err: gix::Error| Error::Read { what: format!("the tree of {}", commit.id), message: err.to_string() };
        let tree_of = |id: &str| -> Result<gix::Tree<'_>, Error> {
            let id = self.id(id)?;
            self.repo.find_commit(id).map_err(read)?.tree().map_err(read)
        };
        let new = tree_of(&commit.id)?;
        let old = match commit.parents.first() {
            Some(parent) => tree_of(parent)?,
            None => self.repo.empty_tree(),
        };
        Ok((old, new))
    }

    pub(super) fn id(&self, hex: &str) -> Result<ObjectId, Error> {
        ObjectId::from_hex(hex.as_bytes())
            .map_err(|err| Error::BadRevision { rev: hex.into(), message: err.to_string() })
    }

    fn ids(&self, hexes: &[String]) -> Result<Vec<ObjectId>, Error> {
        hexes.iter().map(|h| self.id(h)).collect()
    }
}

/// How commits are ordered, newest first (libgit2's revwalk sort modes, which git-cliff uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitOrder {
    /// By committer time.
    Time,
    /// No parent before all its children, as `git rev-list --topo-order` lists them.
    Topological,
}

/// Orders `commits` (newest commit time first) as libgit2's `GIT_SORT_TOPOLOGICAL` does: a
/// commit is emitted once all its children in the set are, from a stack onto which its parents
/// are pushed in order (so a merge's last parent is taken next, as `git rev-list --topo-order`).
#[expect(
    clippy::indexing_slicing,
    reason = "every index is a position in `commits`: `parents` and `children` are built from it"
)]
pub(super) fn topological<T, K: std::hash::Hash + Eq>(
    commits: Vec<T>,
    id: impl Fn(&T) -> &K,
    parents: impl Fn(&T) -> &[K],
) -> Vec<T> {
    let index: HashMap<&K, usize> = commits.iter().enumerate().map(|(i, c)| (id(c), i)).collect();
    let parents: Vec<Vec<usize>> =
        commits.iter().map(|c| parents(c).iter().filter_map(|p| index.get(p).copied()).collect()).collect();
    // It borrows `commits`, which are moved out below.
    drop(index);
    let mut children = vec![0usize; commits.len()];
    for &parent in parents.iter().flatten() {
        children[parent] += 1;
    }
    let mut stack: Vec<usize> = (0..commits.len()).filter(|&i| children[i] == 0).rev().collect();
    let mut order = Vec::with_capacity(commits.len());
    while let Some(next) = stack.pop() {
        order.push(next);
        for &parent in &parents[next] {
            children[parent] -= 1;
            if children[parent] == 0 {
                stack.push(parent);
            }
        }
    }
    let mut slots: Vec<Option<T>> = commits.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// Returns `commit` (whose id is `id`) as [`CommitInfo`].
fn commit_info(id: ObjectId, commit: &gix::Commit<'_>) -> Result<CommitInfo, Error> {
    let what = "commits";
    let commit = commit.decode().map_err(|err| Error::Read { what: what.into(), message: err.to_string() })?;
    Ok(decoded_info(id, &commit))
}

/// Returns the decoded commit `id` as [`CommitInfo`].
fn decoded_info(id: ObjectId, commit: &gix::objs::CommitRef<'_>) -> CommitInfo {
    let signature = |raw: Result<gix::actor::SignatureRef<'_>, _>| -> Signature {
        raw.map(|s: gix::actor::SignatureRef<'_>| {
            let s = s.trim();
            Signature { name: to_string(s.name), email: to_string(s.email), time: s.seconds() }
        })
        .unwrap_or(Signature { name: String::new(), email: String::new(), time: 0 })
    };
    CommitInfo {
        id: id.to_string(),
        message: commit_message(commit.message),
        author: signature(commit.author()),
        committer: signature(commit.committer()),
        parents: commit.parents().map(|p| p.to_string()).collect(),
    }
}

fn to_string(bytes: &BStr) -> String {
    bytes.to_str_lossy().into_owned()
}

/// Returns a commit message as libgit2 (and so git-cliff) reads it: leading newlines dropped,
/// trailing whitespace trimmed.
fn commit_message(raw: &BStr) -> String {
    let text = raw.to_str_lossy();
    text.trim_start_matches('\n').trim_end().to_owned()
}

/// Returns an annotated tag's message without an in-body signature, trimmed.
fn tag_message(raw: &BStr) -> String {
    let text = raw.to_str_lossy();
    let text = match text.find("-----BEGIN ") {
        Some(start) if text[start..].contains("-----END ") => &text[..start],
        _ => &text,
    };
    text.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_read_as_libgit2_reads_them() {
        assert_eq!(commit_message(b"\n\nfeat: x\n\nbody\n\n".as_bstr()), "feat: x\n\nbody");
        let signed = b"release 1.0\n-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n";
        assert_eq!(tag_message(signed.as_bstr()), "release 1.0");
        assert_eq!(tag_message(b"  notes -----BEGIN but no end\n".as_bstr()), "notes -----BEGIN but no end");
    }
}
