//! Commits grouped into releases the way the git-cliff binary groups them (its
//! `process_repository` and `determine_commit_range`), rebuilt on our gix history, with the two
//! boundary fixes SPEC asks for:
//!
//! - only tags reachable from the described commit count, so another release line's tags never
//!   leak in (git-cliff reads every tag in the repository);
//! - path filters (`-p`, `include_paths`, `exclude_paths`) drop commits *after* tags are assigned,
//!   so a release keeps its tag when the tagged commit itself is filtered out (git-cliff #208,
//!   #1122, #1335 filter first and lose the tag).
//!
//! Everything else follows git-cliff step by step, so `Changelog::new` sees the same releases.

use std::collections::{HashMap, HashSet};
use std::time::{SystemTime, UNIX_EPOCH};

use git_cliff_core::commit::{Commit, CommitStatistics, Range, Signature};
use git_cliff_core::config::Config;
use git_cliff_core::release::Release;
use glob::Pattern;

use crate::git::history::{CommitInfo, CommitOrder, Error, Repository, Tag};

/// Which part of history to describe, and how to filter it.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only the commits since the latest tag.
    pub unreleased: bool,
    /// Only the latest release.
    pub latest: bool,
    /// The name of the unreleased part (a tag to be).
    pub tag: Option<String>,
    /// `A..B`, `A..` or a single revision.
    pub range: Option<String>,
}

/// What [`build`] hands to `Changelog::new`.
pub struct Releases {
    /// Oldest first, as `Changelog::new` expects.
    pub releases: Vec<Release<'static>>,
    /// Tags that look like releases but were skipped (reported with `-v`).
    pub unmatched_tags: Vec<String>,
    /// The commits walked, newest first.
    pub commits: Vec<CommitInfo>,
}

/// Returns the releases of `selection` in `repo`, grouped as git-cliff groups them under `config`;
/// each release's `previous` copy holds all its commits only with `previous_commits` (a template
/// reads them: copying every commit once more is a tenth of a long history's run).
#[expect(
    clippy::indexing_slicing,
    clippy::expect_used,
    reason = "`releases` starts with one open release and only grows"
)]
pub fn build(
    repo: &Repository,
    config: &Config,
    selection: &Selection,
    previous_commits: bool,
) -> Result<Releases, Error> {
    let head = repo.head()?;
    repo.require_full_history()?;
    let range = selection.range.as_deref().map(|r| parse_range(repo, r, head.commit())).transpose()?;
    let described = range.as_ref().map_or(head.commit(), |r| r.tip.as_str()).to_owned();

    // Tags matching `tag_pattern`, reachable from the described commit, oldest commit first (by
    // name with `topo_order`).
    let pattern = config.git.tag_pattern.as_ref();
    let every_tag = repo.tags()?;
    let (matching, unmatched_tags): (Vec<Tag>, Vec<Tag>) =
        every_tag.iter().cloned().partition(|t| pattern.is_none_or(|p| p.is_match(&t.name)));
    let order = if config.git.topo_order_commits { CommitOrder::Topological } else { CommitOrder::Time };
    // Without a range, given or implied, the commits described are all those reachable: one
    // walk answers both (on a long history the walk is a tenth of the run).
    let whole_history =
        range.is_none() && !selection.unreleased && !selection.latest && config.git.limit_tags.is_none_or(|n| n == 0);
    let mut walked = whole_history.then(|| repo.commits(std::slice::from_ref(&described), &[], order)).transpose()?;
    let walked_from_tip;
    let reachable: HashSet<&str> = match &walked {
        Some(commits) => commits.iter().map(|c| c.id.as_str()).collect(),
        None => {
            walked_from_tip = repo.reachable(&described)?;
            walked_from_tip.iter().map(String::as_str).collect()
        }
    };
    let mut tags: Vec<Tag> = matching.into_iter().filter(|t| reachable.contains(t.commit.as_str())).collect();
    if config.git.topo_order {
        // git-cliff keeps the order git lists tags in (by ref name) instead of sorting them by
        // commit time; that order picks the range of `--latest` and `--unreleased`.
        tags.sort_by(|a, b| a.name.cmp(&b.name));
    } else {
        tags.sort_by_key(|t| t.commit_time);
    }
    let all_tags = TagMap::from(tags);

    let range = match range {
        Some(range) => Some(range),
        None => implied_range(&all_tags, selection, head.commit(), config.git.limit_tags),
    };
    let commits = match (&range, walked.take()) {
        (Some(range), _) => repo.commits(std::slice::from_ref(&range.tip), &range.hidden, order)?,
        (None, Some(commits)) => commits,
        (None, None) => repo.commits(&[head.commit().to_owned()], &[], order)?,
    };
    let kept = kept_commits(repo, &commits, config.git.limit_commits)?;
    let mut tags = retained_tags(&all_tags, config);

    // `--tag`: name the newest commit's release, unless it already carries a tag.
    let mut tagged_now: Option<i64> = None;
    let mut untagged_name = None;
    if let Some(name) = &selection.tag {
        match commits.iter().zip(&kept).find_map(|(c, &k)| k.then_some(c)) {
            Some(newest) => match tags.get(&newest.id) {
                Some(_) => tagged_now = Some(newest.committer.time),
                None => {
                    let message = every_tag.iter().find(|t| &t.name == name).and_then(|t| t.message.clone());
                    tags.insert(Tag {
                        name: name.clone(),
                        commit: newest.id.clone(),
                        commit_time: newest.committer.time,
                        message,
                    });
                }
            },
            None => untagged_name = Some(name.clone()),
        }
    }

    let with_statistics = config.uses_commit_statistics().unwrap_or(true);
    let repository = repo.workdir().to_string_lossy().trim_end_matches('/').to_owned();
    let mut releases = vec![Release::default()];
    if let Some(name) = untagged_name {
        releases[0].version = Some(name);
        releases[0].timestamp = Some(now());
    }
    let mut previous = Release::default();
    let mut first_tag: Option<Tag> = None;
    let ordered = in_release_order(&commits, &kept, &tags);
    // Each release takes the commits up to its tagged one: room for them is made once.
    let mut sizes = ordered.split_inclusive(|c| tags.get(&c.id).is_some()).map(<[_]>::len);
    releases[0].commits.reserve_exact(sizes.next().unwrap_or(0));
    let mut newest_untagged = None;
    for &info in &ordered {
        let mut commit = to_cliff_commit(info);
        if with_statistics {
            let (files_changed, additions, deletions) = repo.line_stats(info)?;
            commit.statistics = CommitStatistics {
                files_changed: usize::try_from(files_changed).unwrap_or(usize::MAX),
                additions: usize::try_from(additions).unwrap_or(usize::MAX),
                deletions: usize::try_from(deletions).unwrap_or(usize::MAX),
            };
        }
        let release = releases.last_mut().expect("there is always an open release");
        release.commits.push(commit);
        newest_untagged = Some(info);
        if let Some(tag) = tags.get(&info.id) {
            newest_untagged = None;
            release.repository = Some(repository.clone());
            release.commit_id = Some(info.id.clone());
            release.version = Some(tag.name.clone());
            release.message.clone_from(&tag.message);
            release.timestamp = Some(if selection.tag.as_deref() == Some(tag.name.as_str()) {
                tagged_now.unwrap_or_else(now)
            } else {
                info.committer.time
            });
            first_tag.get_or_insert_with(|| tag.clone());
            previous.previous = None;
            release.previous = Some(Box::new(previous));
            let commits = std::mem::take(&mut release.commits);
            previous = release.clone();
            // Without `previous_commits`, one commit says whether it had any, which decides
            // whether an empty release after it is kept (`process_releases`).
            previous.commits =
                if previous_commits { commits.clone() } else { commits.first().cloned().into_iter().collect() };
            release.commits = commits;
            let mut next = Release::default();
            next.commits.reserve_exact(sizes.next().unwrap_or(0));
            releases.push(next);
        }
    }
    // The open release, when it has commits, is of this repository and ends at its newest.
    if let Some(info) = newest_untagged {
        let release = releases.last_mut().expect("there is always an open release");
        release.repository = Some(repository.clone());
        release.commit_id = Some(info.id.clone());
    }
    if releases.len() > 1 {
        previous.previous = None;
        releases.last_mut().expect("not empty").previous = Some(Box::new(previous));
    }
    if config.git.sort_commits.eq_ignore_ascii_case("newest") {
        for release in &mut releases {
            release.commits.reverse();
        }
    }
    link_first_release(&mut releases[0], &tags, first_tag.as_ref());
    let newest_first = config.git.sort_commits.eq_ignore_ascii_case("newest");
    for release in &mut releases {
        if let (Some(first), Some(last)) = (release.commits.first(), release.commits.last()) {
            release.commit_range = Some(if newest_first { Range::new(last, first) } else { Range::new(first, last) });
        }
    }
    Ok(Releases { releases, unmatched_tags: unmatched_tags.into_iter().map(|t| t.name).collect(), commits })
}

/// Removes, from every release, the commits `keep` rejects. Tags were assigned on the whole
/// history, so each release keeps its boundary and its tag.
pub fn filter_commits(releases: &mut [Release<'static>], mut keep: impl FnMut(&str) -> bool) {
    for release in releases {
        release.commits.retain(|c| keep(&c.id));
    }
}

/// Returns the ids of the `commits` that change a path the filters accept, as git-cliff's
/// `should_retain_commit` decides it.
pub fn commits_touching(
    repo: &Repository,
    commits: &[CommitInfo],
    include: &[Pattern],
    exclude: &[Pattern],
) -> Result<HashSet<String>, Error> {
    let include: Vec<Pattern> = include.iter().map(normalize_pattern).collect();
    let exclude: Vec<Pattern> = exclude.iter().map(normalize_pattern).collect();
    let accepted = |path: &String| {
        let path = std::path::Path::new(path);
        (include.is_empty() || include.iter().any(|p| p.matches_path(path)))
            && !exclude.iter().any(|p| p.matches_path(path))
    };
    let paths = repo.changed_paths_of(commits)?;
    Ok(commits.iter().zip(paths).filter(|(_, paths)| paths.iter().any(accepted)).map(|(c, _)| c.id.clone()).collect())
}

/// git-cliff's pattern normalisation: `dir/` means `dir/**`, and a leading `./` is dropped.
fn normalize_pattern(pattern: &Pattern) -> Pattern {
    let text = pattern.as_str();
    let text = text.strip_prefix("./").unwrap_or(text);
    let text = if text.ends_with('/') { format!("{text}**") } else { text.to_owned() };
    Pattern::new(&text).unwrap_or_else(|_| pattern.clone())
}

/// Returns the `kept` ones of `commits` (newest first) in the order releases are built from:
/// each commit goes to the oldest tag (in tag order) that reaches it, tagged groups oldest first,
/// each group in walk order with its tagged commit last, then the commits no tag reaches
/// (git-cliff 2.14's `commit_tag_ownership`; only tags on kept commits are boundaries).
/// git-cliff runs one revision walk per tag, hiding every older tag, which costs tags x history;
/// here each walked commit is visited once. Reachability follows every walked commit, kept or
/// not, and a path between two walked commits never leaves the walk.
#[expect(clippy::indexing_slicing, reason = "every index is a position in `commits` (from `index`) or in `tags.order`")]
fn in_release_order<'c>(commits: &'c [CommitInfo], kept: &[bool], tags: &TagMap) -> Vec<&'c CommitInfo> {
    let index: HashMap<&str, usize> = commits.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
    let mut owner: Vec<Option<usize>> = vec![None; commits.len()];
    let mut stack = Vec::new();
    for (tag_number, tag_commit) in tags.order.iter().enumerate() {
        let Some(&start) = index.get(tag_commit.as_str()).filter(|&&i| kept[i]) else { continue };
        stack.push(start);
        while let Some(i) = stack.pop() {
            if owner[i].is_some() {
                continue;
            }
            owner[i] = Some(tag_number);
            stack.extend(commits[i].parents.iter().filter_map(|p| index.get(p.as_str()).copied()));
        }
    }
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); tags.len()];
    let mut unreleased = Vec::new();
    for i in (0..commits.len()).rev().filter(|&i| kept[i]) {
        match owner[i] {
            Some(tag_number) => groups[tag_number].push(i),
            None => unreleased.push(i),
        }
    }
    let mut ordered = Vec::with_capacity(commits.len());
    for (group, tag_commit) in groups.iter_mut().zip(&tags.order) {
        if let Some(pos) = group.iter().position(|&i| &commits[i].id == tag_commit) {
            let tagged = group.remove(pos);
            group.push(tagged);
        }
        ordered.extend(group.iter().map(|&i| &commits[i]));
    }
    ordered.extend(unreleased.into_iter().map(|i| &commits[i]));
    ordered
}

/// Tags keyed by commit, in insertion order; a second tag on a commit replaces the first's
/// value but keeps its place (as git-cliff's `IndexMap` does).
#[derive(Debug, Clone, Default)]
struct TagMap {
    order: Vec<String>,
    by_commit: HashMap<String, Tag>,
}

impl From<Vec<Tag>> for TagMap {
    fn from(tags: Vec<Tag>) -> Self {
        let mut map = Self::default();
        tags.into_iter().for_each(|t| map.insert(t));
        map
    }
}

impl TagMap {
    fn insert(&mut self, tag: Tag) {
        if !self.by_commit.contains_key(&tag.commit) {
            self.order.push(tag.commit.clone());
        }
        self.by_commit.insert(tag.commit.clone(), tag);
    }

    fn get(&self, commit: &str) -> Option<&Tag> {
        self.by_commit.get(commit)
    }

    fn len(&self) -> usize {
        self.order.len()
    }

    fn index(&self, i: usize) -> Option<&Tag> {
        self.order.get(i).and_then(|c| self.by_commit.get(c))
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.order.iter().position(|c| self.by_commit.get(c).is_some_and(|t| t.name == name))
    }

    fn retain(&mut self, mut keep: impl FnMut(&Tag) -> bool) {
        let by_commit = &mut self.by_commit;
        self.order.retain(|c| {
            let kept = keep(&by_commit[c]);
            if !kept {
                by_commit.remove(c);
            }
            kept
        });
    }
}

/// The tags that close releases: `skip_tags` stay (their commits are dropped later by
/// `Changelog::new`), `ignore_tags` and tags `count_tags` rejects go.
fn retained_tags(tags: &TagMap, config: &Config) -> TagMap {
    let mut tags = tags.clone();
    let git = &config.git;
    tags.retain(|tag| {
        if git.skip_tags.as_ref().is_some_and(|r| r.is_match(&tag.name)) {
            return true;
        }
        let counted = git.count_tags.as_ref().is_none_or(|r| r.is_match(&tag.name));
        let ignored = git.ignore_tags.as_ref().is_some_and(|r| !r.as_str().trim().is_empty() && r.is_match(&tag.name));
        counted && !ignored
    });
    tags
}

/// A parsed `--range`.
struct CommitRange {
    tip: String,
    hidden: Vec<String>,
}

fn parse_range(repo: &Repository, text: &str, head: &str) -> Result<CommitRange, Error> {
    let resolve = |rev: &str| if rev.is_empty() || rev == "HEAD" { Ok(head.to_owned()) } else { repo.resolve(rev) };
    Ok(match text.split_once("..") {
        Some((from, to)) => CommitRange { tip: resolve(to)?, hidden: vec![resolve(from)?] },
        None => CommitRange { tip: resolve(text)?, hidden: Vec::new() },
    })
}

/// The range `--unreleased` and `--latest` imply (git-cliff's `determine_commit_range`).
fn implied_range(tags: &TagMap, selection: &Selection, head: &str, limit_tags: Option<usize>) -> Option<CommitRange> {
    let between = |from: &Tag, to: &Tag| CommitRange { tip: to.commit.clone(), hidden: vec![from.commit.clone()] };
    if selection.unreleased {
        return tags
            .len()
            .checked_sub(1)
            .and_then(|i| tags.index(i))
            .map(|last| CommitRange { tip: head.to_owned(), hidden: vec![last.commit.clone()] });
    }
    if !selection.latest {
        // `limit_tags`: only the last N releases.
        let limit = limit_tags.filter(|&n| n > 0)?;
        let from = tags.index(tags.len().saturating_sub(limit))?;
        let to = tags.index(tags.len().checked_sub(1)?)?;
        return Some(if from.commit == to.commit {
            CommitRange { tip: to.commit.clone(), hidden: Vec::new() }
        } else {
            between(from, to)
        });
    }
    match tags.len() {
        0 => None,
        // A lone tag: everything up to it, as git-cliff does.
        1 => tags.index(0).map(|only| CommitRange { tip: only.commit.clone(), hidden: Vec::new() }),
        n => match (tags.index(n - 2), tags.index(n - 1)) {
            (Some(from), Some(to)) => Some(between(from, to)),
            _ => None,
        },
    }
}

/// Sets `previous` on the oldest release when the range starts after a tag (git-cliff does, so
/// templates can print `previous.version` for `--unreleased` and `--latest`).
fn link_first_release(first: &mut Release<'static>, tags: &TagMap, first_tag: Option<&Tag>) {
    if first.previous.as_ref().and_then(|p| p.version.as_ref()).is_some() {
        return;
    }
    let earlier = match first_tag {
        Some(tag) => tags.position(&tag.name).and_then(|i| i.checked_sub(1)).and_then(|i| tags.index(i)),
        None => tags.len().checked_sub(1).and_then(|i| tags.index(i)),
    };
    if let Some(tag) = earlier {
        first.previous = Some(Box::new(Release {
            commit_id: Some(tag.commit.clone()),
            version: Some(tag.name.clone()),
            timestamp: Some(tag.commit_time),
            ..Default::default()
        }));
    }
}

/// Returns which of `commits` (newest first) are described: not those `.git-blame-ignore-revs`
/// lists, nor commits that change only that file, and at most `limit` (git-cliff's
/// `limit_commits`, newest first).
fn kept_commits(repo: &Repository, commits: &[CommitInfo], limit: Option<usize>) -> Result<Vec<bool>, Error> {
    const FILE: &str = ".git-blame-ignore-revs";
    let mut kept = vec![true; commits.len()];
    let contents = std::fs::read_to_string(repo.workdir().join(FILE)).unwrap_or_default();
    let ignored: Vec<&str> = contents.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    if !ignored.is_empty() {
        let paths = repo.changed_paths_of(commits)?;
        for ((commit, paths), keep) in commits.iter().zip(paths).zip(&mut kept) {
            *keep = !ignored.iter().any(|id| commit.id.starts_with(id)) && paths != [FILE];
        }
    }
    if let Some(limit) = limit {
        let mut seen = 0;
        for keep in kept.iter_mut().filter(|k| **k) {
            seen += 1;
            *keep = seen <= limit;
        }
    }
    Ok(kept)
}

fn to_cliff_commit(info: &CommitInfo) -> Commit<'static> {
    let signature = |s: &crate::git::history::Signature| Signature {
        name: Some(s.name.clone()),
        email: Some(s.email.clone()),
        timestamp: s.time,
    };
    Commit {
        id: info.id.clone(),
        message: info.message.clone(),
        author: signature(&info.author),
        committer: signature(&info.committer),
        merge_commit: info.parents.len() > 1,
        ..Default::default()
    }
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
