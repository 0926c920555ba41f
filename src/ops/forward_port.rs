//! `forward-port`: carry a hotfix release back to the main line. A new branch
//! `forward-port/<tag>` from the default branch gets the release's fix commits cherry-picked with
//! `-x` (so changelogs list each fix once: the trailer names the original) and the release's
//! changelog section, so neither the fix nor its record is lost.

use std::path::{Path, PathBuf};

use crate::changelog;
use crate::git::history::Repository;
use crate::ops::released::{self, Released};
use crate::workspace::Workspace;
use crate::{fs, git};

/// Everything `forward-port` would do.
#[derive(Debug)]
pub struct ForwardPortPlan {
    pub released: Released,
    pub branch: String,
    /// The default branch it starts from.
    pub onto: String,
    /// Commits to cherry-pick, oldest first, with their subjects.
    pub picks: Vec<(String, String)>,
    /// The changelog and the section to prepend to it, when the release's changelog has one.
    pub changelog: Option<(PathBuf, String)>,
    pub root: PathBuf,
}

/// Why the forward-port cannot go ahead.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("no default branch: `{remote}/HEAD` is not set and neither `main` nor `master` exists")]
    NoDefaultBranch { remote: String },
    #[error("cherry-picking {commit} onto `{branch}` conflicts")]
    Conflict { commit: String, branch: String },
}

impl crate::error::Help for Refused {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        match self {
            Self::NoDefaultBranch { remote } => format!("run `git remote set-head {remote} --auto`"),
            Self::Conflict { .. } => "resolve the conflict, `git cherry-pick --continue`, then run \
                 `cargo patch changelog --prepend CHANGELOG.md` or copy the release's section by hand"
                .into(),
        }
    }
}

/// What `apply` reports as it goes.
#[derive(Debug)]
pub enum Event<'a> {
    Branched { branch: &'a str, onto: &'a str },
    Picked { commit: &'a str, subject: &'a str },
    Changelog(&'a Path),
}

/// Returns the plan of forward-porting the release `wanted` (default: the latest).
pub fn plan(manifest_path: Option<&Path>, cwd: &Path, wanted: Option<&str>) -> anyhow::Result<ForwardPortPlan> {
    let ws = Workspace::load(manifest_path, cwd)?;
    let repo = Repository::discover(&ws.root)?;
    repo.require_full_history()?;
    let released = released::find(&ws, &repo, wanted)?;
    let branch = format!("forward-port/{}", released.tag);
    released::require_new_branch(&ws.root, &repo, &branch)?;
    let onto = default_branch(&ws, &repo)?;
    let picks = released.fixes.iter().map(|c| (c.id.clone(), c.subject().to_owned())).collect();
    let changelog_path = ws.root.join(&ws.config.changelog);
    let relative =
        changelog_path.strip_prefix(repo.workdir()).unwrap_or(&changelog_path).to_string_lossy().into_owned();
    let section =
        repo.file_at(&released.commit, &relative)?.and_then(|text| section_of(&text, &released.version.to_string()));
    Ok(ForwardPortPlan {
        changelog: section.map(|s| (changelog_path, s)),
        released,
        branch,
        onto,
        picks,
        root: ws.root.clone(),
    })
}

/// Returns the default branch: `<remote>/HEAD` when set, else `main` or `master`.
fn default_branch(ws: &Workspace, repo: &Repository) -> anyhow::Result<String> {
    let remote = &ws.config.remote;
    if let Ok(head) = git::run(&ws.root, &["symbolic-ref", "--quiet", &format!("refs/remotes/{remote}/HEAD")]) {
        let name = head.trim().trim_start_matches(&format!("refs/remotes/{remote}/")).to_owned();
        if repo.resolve(&format!("refs/heads/{name}")).is_ok() {
            return Ok(name);
        }
    }
    ["main", "master"]
        .into_iter()
        .find(|name| repo.resolve(&format!("refs/heads/{name}")).is_ok())
        .map(str::to_owned)
        .ok_or_else(|| Refused::NoDefaultBranch { remote: remote.clone() }.into())
}

/// Returns the section of `changelog` whose `## ` heading names `version`, up to the next one.
pub fn section_of(changelog: &str, version: &str) -> Option<String> {
    let mut out = String::new();
    let mut inside = false;
    for line in changelog.split_inclusive('\n') {
        if line.starts_with("## ") {
            if inside {
                break;
            }
            inside = line
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '+'))
                .any(|word| word == version || word.strip_prefix('v') == Some(version));
        }
        if inside {
            out.push_str(line);
        }
    }
    let out = out.trim_end();
    (!out.is_empty()).then(|| format!("{out}\n"))
}

/// Carries out `plan`: the branch, the cherry-picks, then the changelog commit.
pub fn apply(plan: &ForwardPortPlan, on: &mut dyn FnMut(Event<'_>)) -> anyhow::Result<()> {
    let root = plan.root.as_path();
    git::run(root, &["switch", "--quiet", "--no-track", "--create", &plan.branch, &plan.onto])?;
    on(Event::Branched { branch: &plan.branch, onto: &plan.onto });
    for (commit, subject) in &plan.picks {
        if git::run(root, &["cherry-pick", "-x", commit]).is_err() {
            return Err(Refused::Conflict { commit: commit.clone(), branch: plan.branch.clone() }.into());
        }
        on(Event::Picked { commit, subject });
    }
    if let Some((path, section)) = &plan.changelog {
        // A main line without a changelog gets one, with the release's section under a heading.
        let existing = if path.exists() { fs::read_or_empty(path)? } else { "# Changelog\n".to_owned() };
        if let Some(after) = changelog::prepend(&existing, section, None) {
            fs::write_atomic(path, after.as_bytes())?;
            let relative = path.strip_prefix(root).unwrap_or(path).to_string_lossy().into_owned();
            git::run(root, &["add", "--", &relative])?;
            let message = format!("docs(changelog): add {} from its release", plan.released.tag);
            git::run(root, &["commit", "--quiet", "--message", &message])?;
            on(Event::Changelog(path));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::section_of;

    #[test]
    fn finds_a_release_section() {
        let changelog = "# Changelog\n\n## [1.0.10] - 2026-11-26\n\n- x\n\n## [1.0.1] - 2026-11-25\n\n### Bug Fixes\n\n- y\n\n## [1.0.0]\n\n- z\n";
        assert_eq!(section_of(changelog, "1.0.1").unwrap(), "## [1.0.1] - 2026-11-25\n\n### Bug Fixes\n\n- y\n");
        assert_eq!(section_of(changelog, "1.0.0").unwrap(), "## [1.0.0]\n\n- z\n");
        assert_eq!(section_of("## v2.0.0 (2026-01-01)\n- a\n", "2.0.0").unwrap(), "## v2.0.0 (2026-01-01)\n- a\n");
        assert!(section_of(changelog, "1.0").is_none());
    }
}
