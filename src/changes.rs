//! The changes of a range of history as `status` and `notes` show them: conventional commits
//! only, release commits left out, and a cherry-picked commit listed once.

use semver::Version;

use crate::conventional::{self, ConventionalCommit, Level, Severity};

use crate::git::history::{CommitInfo, CommitOrder, Error, Repository};
use crate::workspace::units::Owners;

/// One conventional change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub id: String,
    pub kind: String,
    pub scope: Option<String>,
    pub description: String,
    pub breaking: bool,
    pub severity: Option<Severity>,
}

impl Change {
    /// Returns its conventional header with its short id: `feat(x)!: new api (1a2b3c4)`.
    pub fn header(&self) -> String {
        let scope = self.scope.as_ref().map(|s| format!("({s})")).unwrap_or_default();
        let bang = if self.breaking { "!" } else { "" };
        let short = crate::git::short_id(&self.id);
        format!("{}{scope}{bang}: {} ({short})", self.kind, self.description)
    }

    /// Returns the section a change is listed under, in the order sections are shown.
    pub fn section(&self) -> Section {
        match self.kind.as_str() {
            "feat" => Section::Features,
            "fix" => Section::Fixes,
            "perf" => Section::Performance,
            "security" => Section::Security,
            "revert" => Section::Reverts,
            _ => Section::Other,
        }
    }

    /// Returns the level this change calls for on a crate at `current` (Cargo's rules).
    pub fn level(&self, current: &Version) -> Level {
        conventional::level_of(&self.kind, self.breaking, current)
    }

    /// Returns whether this is a fix marked `Severity: critical`.
    pub fn is_critical(&self) -> bool {
        self.severity == Some(Severity::Critical)
    }

    /// Returns the one-line form: `**scope:** description`.
    pub fn summary(&self) -> String {
        match &self.scope {
            Some(scope) => format!("{scope}: {}", self.description),
            None => self.description.clone(),
        }
    }
}

/// Where a change is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Features,
    Fixes,
    Performance,
    Security,
    Reverts,
    Other,
}

impl Section {
    pub fn title(self) -> &'static str {
        match self {
            Self::Features => "Features",
            Self::Fixes => "Bug Fixes",
            Self::Performance => "Performance",
            Self::Security => "Security",
            Self::Reverts => "Reverts",
            Self::Other => "Other Changes",
        }
    }
}

/// A unit's stretch of history: the commits since its previous release, of its own crates.
#[derive(Debug, Clone, Copy)]
pub struct Range<'a> {
    /// The commit of the previous release, whose history is left out (`None`: the whole history).
    pub since: Option<&'a str>,
    /// Only the commits changing a file one of these crates owns (the longest member directory
    /// containing it; a root crate owns what no other member does); `None`: every commit.
    pub crates: Option<&'a [String]>,
}

/// Returns the changes of each of `ranges` (in order) up to `tip`, newest first (no parent
/// before its children), as [`from_commits`] lists them; `owners` says which crate owns a file.
///
/// One walk over history serves every range (see [`Repository::walk`]; range `i` is lane `i`,
/// whose base is its `since`), not one walk per release.
pub fn since_each(
    repo: &Repository,
    tip: &str,
    owners: &Owners,
    ranges: &[Range<'_>],
) -> Result<Vec<Vec<Change>>, Error> {
    if let [Range { since, crates: None }] = ranges {
        // One unit owns every commit: no commit's files are needed, so none is diffed.
        let hidden: Vec<String> = since.iter().map(|commit| (*commit).to_owned()).collect();
        let commits = repo.commits(&[tip.to_owned()], &hidden, CommitOrder::Topological)?;
        return Ok(vec![from_commits(&commits)]);
    }
    let bases: Vec<(usize, String)> =
        ranges.iter().enumerate().filter_map(|(lane, r)| Some((lane, r.since?.to_owned()))).collect();
    let walked = repo.walk(tip, ranges.len(), &bases, |_, _| Ok(Vec::new()))?;
    let mut commits: Vec<Vec<CommitInfo>> = vec![Vec::new(); ranges.len()];
    for commit in walked {
        // Each commit's files are mapped to their owners once, for every range.
        let owners_of: Vec<&str> = commit.paths.iter().filter_map(|p| owners.owner(p)).collect();
        for (lane, (range, listed)) in ranges.iter().zip(&mut commits).enumerate() {
            let owned = range.crates.is_none_or(|crates| owners_of.iter().any(|o| crates.iter().any(|c| c == o)));
            if owned && !commit.is_below(lane) {
                listed.push(commit.info.clone());
            }
        }
    }
    Ok(commits.iter().map(|listed| from_commits(listed)).collect())
}

/// Returns the conventional changes among `commits`: release commits ([`crate::release_commit`]) left
/// out, and a commit cherry-picked from another one in the list left out too.
pub fn from_commits(commits: &[CommitInfo]) -> Vec<Change> {
    let listed = |id: &str, original: &str| commits.iter().any(|c| c.id != id && c.id.starts_with(original));
    commits
        .iter()
        .filter(|c| conventional::cherry_picked_from(&c.message).is_none_or(|original| !listed(&c.id, original)))
        .filter_map(|c| {
            let parsed = ConventionalCommit::parse(&c.message).ok()?;
            if crate::release_commit::is_release_commit(&c.message) && !parsed.breaking {
                return None;
            }
            let severity = parsed.severity();
            Some(Change {
                id: c.id.clone(),
                kind: parsed.kind,
                scope: parsed.scope,
                description: parsed.description,
                breaking: parsed.breaking,
                severity,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::history::Signature;

    fn commit(id: &str, message: &str) -> CommitInfo {
        let who = Signature { name: "a".into(), email: "a@b".into(), time: 0 };
        CommitInfo { id: id.into(), message: message.into(), author: who.clone(), committer: who, parents: Vec::new() }
    }

    #[test]
    fn keeps_conventional_changes_once() {
        let commits = [
            commit("aaaa1111", "fix: crash\n\nSeverity: critical\n(cherry picked from commit bbbb2222)"),
            commit("bbbb2222", "fix: crash\n\nSeverity: critical"),
            commit("cccc3333", "chore(release): v1.0.1"),
            commit("dddd4444", "Merge branch 'x'"),
            commit("eeee5555", "feat(ui)!: new look"),
        ];
        let changes = from_commits(&commits);
        let ids: Vec<&str> = changes.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["bbbb2222", "eeee5555"]);
        assert!(changes[0].is_critical());
        assert_eq!(changes[1].level(&Version::new(1, 0, 0)), Level::Major);
        assert_eq!(changes[1].summary(), "ui: new look");
    }
}
