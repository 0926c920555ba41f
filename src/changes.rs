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

/// Returns the changes reachable from `tip` but not from `hidden`, newest first; with `dir`,
/// only those that change a file under it.
pub fn between(
    repo: &Repository,
    tip: &str,
    hidden: &[String],
    scope: Option<&Scope<'_>>,
) -> Result<Vec<Change>, Error> {
    let commits = match scope {
        None => repo.commits(&[tip.to_owned()], hidden, CommitOrder::Topological)?,
        Some(scope) => {
            let owned =
                |path: &String| scope.owners.owner(path).is_some_and(|owner| scope.crates.iter().any(|c| c == owner));
            let walked = repo.commits_with_paths(tip, hidden)?;
            walked.into_iter().filter(|w| w.paths.iter().any(owned)).map(|w| w.info).collect()
        }
    };
    Ok(from_commits(&commits))
}

/// The commits of some crates: those changing a file one of `crates` owns (the longest member
/// directory containing it; a root crate owns what no other member does).
pub struct Scope<'a> {
    pub owners: &'a Owners,
    pub crates: &'a [String],
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
