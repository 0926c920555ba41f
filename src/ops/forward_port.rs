//! `forward-port`: carry a hotfix release back to the main line. A new branch
//! `forward-port/<tag>` from the default branch gets the release's fix commits cherry-picked with
//! `-x` (so changelogs list each fix once: the trailer names the original) and the release's
//! changelog section, so neither the fix nor its record is lost.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::changelog;
use crate::git::history::Repository;
use crate::ops::released::{self, Released};
use crate::plan::repo::{self, RepoPlan, RepoStep};
use crate::version::TargetVersion;
use crate::workspace::{Selection, Workspace};
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
    /// The release's commits the default branch has already (an ancestor, or the same patch).
    pub already: Vec<(String, String)>,
    /// The changelog and the section to prepend to it, when the release's changelog has one.
    pub changelog: Option<(PathBuf, String)>,
    /// The branch, created at `onto` and checked out.
    pub repo: RepoPlan,
    pub root: PathBuf,
}

/// Why the forward-port cannot go ahead.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("no default branch: `{remote}/HEAD` is not set and neither `main` nor `master` exists")]
    NoDefaultBranch { remote: String },
    #[error(
        "cherry-picking {} `{subject}` onto `{branch}` conflicts; left: {}",
        crate::git::short_id(commit),
        left_list(left)
    )]
    Conflict { commit: String, subject: String, branch: String, left: Vec<String> },
    #[error("no forward-port is stopped at a conflict")]
    NothingToContinue,
}

fn left_list(left: &[String]) -> String {
    if left.is_empty() {
        "nothing".into()
    } else {
        left.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
    }
}

impl crate::error::Help for Refused {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        match self {
            Self::NoDefaultBranch { remote } => format!("run `git remote set-head {remote} --auto`"),
            Self::Conflict { .. } => "resolve the conflict and `git add` the files (or leave the commit out with \
                 `git cherry-pick --skip`: one the main line does not need), then run \
                 `cargo patch forward-port --continue` (it finishes the pick, the picks left and the changelog)"
                .into(),
            Self::NothingToContinue => "start one with `cargo patch forward-port [VERSION]`".into(),
        }
    }
}

/// What `apply` reports as it goes.
#[derive(Debug)]
pub enum Event<'a> {
    Branched {
        branch: &'a str,
        onto: &'a str,
    },
    Picked {
        commit: &'a str,
        subject: &'a str,
    },
    /// The pick changed nothing: the main line has the change already.
    AlreadyThere {
        commit: &'a str,
        subject: &'a str,
    },
    /// The user left the conflicting pick out (`git cherry-pick --skip`).
    LeftOut {
        commit: &'a str,
        subject: &'a str,
    },
    Changelog(&'a Path),
    /// The main line's version moved up to the release's.
    Version {
        version: &'a str,
    },
}

/// A forward-port stopped at a conflict, kept under the git directory for `--continue`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stopped {
    pub branch: String,
    pub tag: String,
    pub version: String,
    pub crate_name: Option<String>,
    /// The pick that conflicted, then the picks left, as (commit, subject).
    pub picks: Vec<(String, String)>,
    pub changelog: Option<(PathBuf, String)>,
    pub root: PathBuf,
    /// HEAD before the pick that conflicted: still there on `--continue`, the pick was skipped.
    #[serde(default)]
    pub head: Option<String>,
}

/// Returns where a stopped forward-port is kept.
fn stopped_path(repo: &Repository) -> PathBuf {
    repo.common_dir().join("cargo-patch/forward-port.json")
}

/// Returns the plan of forward-porting the release `wanted` (default: the latest).
pub fn plan(manifest_path: Option<&Path>, cwd: &Path, wanted: Option<&str>) -> anyhow::Result<ForwardPortPlan> {
    let mut ws = Workspace::load(manifest_path, cwd)?;
    let repo = Repository::discover(&ws.root)?;
    repo.require_full_history()?;
    crate::ops::check::borrow_line_configuration(&mut ws, &repo)?;
    let released = released::find(&ws, &repo, wanted)?;
    let branch = format!("forward-port/{}", released.tag);
    released::require_new_branch(&ws.root, &repo, &branch)?;
    let onto = default_branch(&ws, &repo)?;
    let steps = vec![
        RepoStep::CreateBranch { name: branch.clone(), at: repo.resolve(&format!("refs/heads/{onto}"))? },
        RepoStep::Switch { branch: branch.clone() },
    ];
    let repo_plan = RepoPlan { dir: ws.root.clone(), steps };
    repo::check(&repo_plan)?;
    // What the main line has already (merged forward, or the same change picked there) is not
    // picked again: `git cherry` tells by ancestry and by patch id.
    let mut args = vec!["cherry", onto.as_str(), released.commit.as_str()];
    args.extend(released.previous.as_deref());
    let cherry = git::run(&ws.root, &args)?;
    let missing: std::collections::HashSet<&str> = cherry.lines().filter_map(|l| l.strip_prefix("+ ")).collect();
    let (picks, already): (Vec<_>, Vec<_>) = released
        .fixes
        .iter()
        .map(|c| (c.id.clone(), c.subject().to_owned()))
        .partition(|(id, _)| missing.contains(id.as_str()));
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
        already,
        repo: repo_plan,
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

/// Carries out `plan`: the branch, the cherry-picks, the changelog commit and the main line's
/// version. A conflicting pick stops it, kept for [`resume`].
pub fn apply(plan: &ForwardPortPlan, on: &mut dyn FnMut(Event<'_>)) -> anyhow::Result<()> {
    let applied = repo::apply(&plan.repo)?;
    on(Event::Branched { branch: &plan.branch, onto: &plan.onto });
    let state = Stopped {
        branch: plan.branch.clone(),
        tag: plan.released.tag.clone(),
        version: plan.released.version.to_string(),
        crate_name: plan.released.crate_name.clone(),
        picks: plan.picks.clone(),
        changelog: plan.changelog.clone(),
        root: plan.root.clone(),
        head: None,
    };
    match run(state, false, on) {
        Err(err) if !matches!(err.downcast_ref::<Refused>(), Some(Refused::Conflict { .. })) => {
            Err(applied.undo_after("forward-port", err))
        }
        // A conflict is a stop, kept for `--continue`.
        done => done,
    }
}

/// Finishes the forward-port stopped at a conflict: the pick the user resolved, the picks left,
/// the changelog and the version.
pub fn resume(cwd: &Path, on: &mut dyn FnMut(Event<'_>)) -> anyhow::Result<Stopped> {
    let repo = Repository::discover(cwd)?;
    let path = stopped_path(&repo);
    let text = fs::read_or_empty(&path)?;
    let state: Stopped = serde_json::from_str(&text).map_err(|_| Refused::NothingToContinue)?;
    run(state.clone(), true, on)?;
    Ok(state)
}

/// Runs the picks of `state` (the first one already started when `resuming`), then finishes.
fn run(state: Stopped, resuming: bool, on: &mut dyn FnMut(Event<'_>)) -> anyhow::Result<()> {
    let root = state.root.clone();
    let repo = Repository::discover(&root)?;
    let saved = stopped_path(&repo);
    for (index, (commit, subject)) in state.picks.iter().enumerate() {
        let in_progress = resuming && index == 0;
        let picking = git::run(&root, &["rev-parse", "--quiet", "--verify", "CHERRY_PICK_HEAD"]).is_ok();
        let head = || git::run(&root, &["rev-parse", "HEAD"]).map(|h| h.trim().to_owned()).ok();
        let picked = if in_progress && picking {
            git::run(&root, &["-c", "core.editor=true", "cherry-pick", "--continue"]).map(|_| true)
        } else if in_progress {
            // The user finished the pick with `git cherry-pick --continue` (or a commit) already,
            // or left it out with `git cherry-pick --skip`: then HEAD has not moved.
            Ok(state.head.is_none() || head() != state.head)
        } else {
            git::run(&root, &["cherry-pick", "-x", commit]).map(|_| true)
        };
        match picked {
            Ok(true) => on(Event::Picked { commit, subject }),
            Ok(false) => on(Event::LeftOut { commit, subject }),
            Err(_) if nothing_to_pick(&root) => {
                git::run(&root, &["cherry-pick", "--skip"])?;
                on(Event::AlreadyThere { commit, subject });
            }
            Err(_) => {
                let stopped = Stopped {
                    picks: state.picks.get(index..).unwrap_or_default().to_vec(),
                    head: head(),
                    ..state.clone()
                };
                if let Some(dir) = saved.parent() {
                    std::fs::create_dir_all(dir).map_err(|source| fs::Error::Write { path: dir.to_owned(), source })?;
                }
                #[expect(
                    clippy::expect_used,
                    reason = "the state holds only strings and lists: serde_json cannot fail on it"
                )]
                let json = serde_json::to_string_pretty(&stopped).expect("the state always serialises");
                fs::write_atomic(&saved, json.as_bytes())?;
                let left = state.picks.iter().skip(index + 1).map(|(_, s)| s.clone()).collect();
                let branch = state.branch.clone();
                return Err(Refused::Conflict { commit: commit.clone(), subject: subject.clone(), branch, left }.into());
            }
        }
    }
    finish(&state, on)?;
    if saved.exists() {
        std::fs::remove_file(&saved).map_err(|source| fs::Error::Write { path: saved.clone(), source })?;
    }
    Ok(())
}

/// Returns whether a failed pick failed only because its change is there already (no conflict).
fn nothing_to_pick(root: &Path) -> bool {
    let status = git::run(root, &["status", "--porcelain", "--untracked-files=no"]).unwrap_or_default();
    let unmerged = git::run(root, &["diff", "--name-only", "--diff-filter=U"]).unwrap_or_default();
    status.trim().is_empty() && unmerged.trim().is_empty()
}

/// The changelog commit, then the main line's version raised to the release's when it is below
/// it (so `status` there never proposes a version that is tagged already).
fn finish(state: &Stopped, on: &mut dyn FnMut(Event<'_>)) -> anyhow::Result<()> {
    let root = state.root.as_path();
    if let Some((path, section)) = &state.changelog {
        // A main line without a changelog gets one, with the release's section under a heading.
        let existing = if path.exists() { fs::read_or_empty(path)? } else { "# Changelog\n".to_owned() };
        if let Some(after) = changelog::prepend(&existing, section, None) {
            fs::write_atomic(path, after.as_bytes())?;
            let relative = path.strip_prefix(root).unwrap_or(path).to_string_lossy().into_owned();
            git::run(root, &["add", "--", &relative])?;
            let message = format!("docs(changelog): add {} from its release", state.tag);
            git::run(root, &["commit", "--quiet", "--message", &message])?;
            on(Event::Changelog(path));
        }
    }
    let ws = Workspace::load(None, root)?;
    let unit = match &state.crate_name {
        Some(name) => ws.unit_of(name),
        None => ws.units().first(),
    };
    let (Some(unit), Ok(version)) = (unit, semver::Version::parse(&state.version)) else { return Ok(()) };
    if unit.version >= version {
        return Ok(());
    }
    let options = crate::ops::bump::BumpOptions {
        target: TargetVersion::Exact(version),
        per_crate: Default::default(),
        selection: Selection { packages: unit.crates.clone(), ..Default::default() },
        upgrade_dependents: false,
        allow_dirty: false,
    };
    let bump = crate::ops::bump::plan(&ws, &options)?;
    crate::plan::apply::apply(&bump.plan)?;
    for step in &bump.plan.steps {
        let crate::plan::Step::WriteFile { path, .. } = step;
        let relative = path.strip_prefix(root).unwrap_or(path).to_string_lossy().into_owned();
        git::run(root, &["add", "--", &relative])?;
    }
    let message = format!("chore(release): {} carried to the main line", state.tag);
    git::run(root, &["commit", "--quiet", "--message", &message])?;
    on(Event::Version { version: &state.version });
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
