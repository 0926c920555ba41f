//! `check`: gather the facts of `base..HEAD` on a hotfix branch and judge them by the policy.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::conventional::ConventionalCommit;
use crate::git::diff::{self, FileDiff};
use crate::git::history::{CommitInfo, CommitOrder, Repository};
use crate::hotfix::policy::{self, Crate, Facts, ManifestChange, ReleaseBump, Rule, Violation};
use crate::release_commit::{ReleaseCommits, only_versions_changed};
use crate::workspace::layout::{Layout, Root};
use crate::workspace::{Config, Manifest};

/// When rule 9 runs `cargo semver-checks` (it builds rustdoc twice: minutes, not milliseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiCheck {
    /// Whenever it is installed (`cargo patch check`).
    WhenInstalled,
    /// Only when `semver-checks = true` requires it (the pre-push hook).
    WhenRequired,
}

/// The verdict on a hotfix branch.
#[derive(Debug, Clone)]
pub struct CheckReport {
    pub branch: Option<String>,
    /// The base as named (tag or ref) and its commit.
    pub base: String,
    pub base_commit: String,
    pub head: String,
    pub violations: Vec<Violation>,
    /// Where the configuration came from when the branch has none of its own (its line
    /// predates it): a release branch or the default branch.
    pub configuration_from: Option<String>,
}

/// Why there is nothing to judge.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error(
        "no base for `{branch}`: it was not started with `cargo patch start` and no release branch shares its history"
    )]
    NoBase { branch: String },
}

impl crate::error::Help for Refused {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        match self {
            Self::NoBase { branch } => format!(
                "pass the release it fixes with `--base v1.2.3`, or record it for the hooks too: \
                 `git config branch.{branch}.patchBase v1.2.3`"
            ),
        }
    }
}

/// Judges the hotfix branch at HEAD (or `tip`) against `base` (default: its recorded base).
pub fn check(
    manifest_path: Option<&Path>,
    cwd: &Path,
    base: Option<&str>,
    tip: Option<(&str, &str)>,
    api: ApiCheck,
) -> anyhow::Result<CheckReport> {
    // The root manifest is all that finding the range needs: the members are read while git
    // diffs it.
    let root = Root::find(manifest_path, cwd)?;
    let repo = Repository::discover(&root.root)?;
    let head_state = repo.head()?;
    let (branch, head) = match tip {
        Some((branch, commit)) => (Some(branch.to_owned()), commit.to_owned()),
        None => match &head_state {
            crate::git::history::Head::Branch { name, commit } => (Some(name.clone()), commit.clone()),
            crate::git::history::Head::Detached { commit } => (None, commit.clone()),
        },
    };
    let explicit = base.is_some();
    let base = match (base, &branch) {
        (Some(base), _) => base.to_owned(),
        (None, Some(branch)) => match repo.config_string(&format!("branch.{branch}.patchBase")) {
            Some(base) => base,
            None => match derived_base(&root.config, &repo, &head)? {
                Some((_, name)) => name,
                None => return Err(Refused::NoBase { branch: branch.clone() }.into()),
            },
        },
        (None, None) => return Err(Refused::NoBase { branch: "HEAD".into() }.into()),
    };
    let mut base_commit = repo.resolve(&base)?;
    // Before anything reads the release branches: a line older than the configuration is judged
    // by the configuration its releases are made with.
    let (configuration_from, borrowed) =
        match borrowed_configuration(&root.config, &root.root_manifest_path, &repo, &base_commit)? {
            Some((place, config)) => (Some(place), Some(config)),
            None => (None, None),
        };
    if !explicit {
        // A hotfix is judged by its own commits: what its release line already held when it was
        // cut was judged when it landed there.
        let config = borrowed.as_ref().unwrap_or(&root.config);
        base_commit = line_point(config, &repo, &base_commit, &head)?.unwrap_or(base_commit);
    }
    let workdir = repo.workdir().to_owned();
    // git's diff runs while the members and history are read: together they cost about the
    // diff alone.
    let pending = diff::Pending::spawn(&workdir, &base_commit, &head)?;
    let mut ws = Layout::from_root(root)?;
    if let Some(config) = borrowed {
        ws.config = config;
    }
    let commits =
        repo.commits(std::slice::from_ref(&head), std::slice::from_ref(&base_commit), CommitOrder::Topological)?;
    let crates = crates(&ws, &workdir);
    let changelogs = vec![ws.config.changelog.clone(), "CHANGELOG.md".into()];
    let releases = ReleaseCommits::new(&ws.config.release_commit_message);
    let touched = CommitPaths::read(&repo, &commits)?;
    let mut release_commits = touched.exempt_releases(&repo, &commits, &releases, &changelogs)?;
    // A commit that only brings the configuration onto an old line passes like a release commit.
    release_commits.extend(configuration_commits(&ws, &repo, &commits, &touched)?);
    let release_only_paths = touched.only_from(&release_commits);
    let versions = version_changes(&repo, &commits, &touched, &release_commits)?;
    let outside_merges = outside_merges(&ws, &repo, &commits, &base_commit)?;
    let files = pending.wait()?;
    let manifests = manifest_changes(&repo, &files, &base_commit, &head)?;
    let test_code = test_code(&repo, &files, &head)?;
    let config = &ws.config.hotfix;
    let api = api_violations(&ws, &files, &crates, &base_commit, api);
    let facts = Facts {
        config,
        changelogs,
        commits: &commits,
        files: &files,
        crates: &crates,
        manifests: &manifests,
        version_changes: &versions.outside,
        release_commits: &release_commits,
        release_bumps: &versions.past_patch,
        release_only_paths: &release_only_paths,
        outside_merges: &outside_merges,
        test_code: &test_code,
        api,
    };
    let violations = policy::evaluate(&facts);
    Ok(CheckReport { branch, base, base_commit, head, violations, configuration_from })
}

/// Takes, into `ws`, the configuration its line is released with when its own root manifest has
/// none (see [`borrowed_configuration`]): the line of the hotfix base when HEAD is on a hotfix
/// branch, else of HEAD. Returns where it came from. `release`, `forward-port`, `rollback` and
/// `notes` read the workspace this way, as `check` and the pre-push hook do, so the way out a
/// release prints (`forward-port`, `rollback`) works on the branch it was made from.
pub fn borrow_line_configuration(
    ws: &mut crate::workspace::Workspace,
    repo: &Repository,
) -> anyhow::Result<Option<String>> {
    let (branch, head) = match repo.head()? {
        crate::git::history::Head::Branch { name, commit } => (Some(name), commit),
        crate::git::history::Head::Detached { commit } => (None, commit),
    };
    let base = match branch {
        Some(branch) => hotfix_base(&ws.config, repo, &branch)?.and_then(|base| repo.resolve(&base).ok()),
        None => None,
    };
    let base = base.unwrap_or(head);
    let Some((place, config)) = borrowed_configuration(&ws.config, &ws.root_manifest_path, repo, &base)? else {
        return Ok(None);
    };
    ws.borrow_config(config);
    Ok(Some(place))
}

/// When the work tree's root manifest (`root_manifest_path`, configured by `config`) has no
/// configuration (the line predates it), returns the configuration of the newest place that has
/// one, with that place's name: a release branch holding `base`, else the default branch
/// (`<remote>/HEAD`, `main`, `master`).
pub fn borrowed_configuration(
    config: &Config,
    root_manifest_path: &Path,
    repo: &Repository,
    base: &str,
) -> anyhow::Result<Option<(String, Config)>> {
    if config.configured {
        return Ok(None);
    }
    let root = crate::fs::canonical(repo.workdir());
    let manifest = crate::fs::canonical(root_manifest_path);
    let rel = manifest.strip_prefix(&root).unwrap_or(&manifest).to_string_lossy().replace('\\', "/");
    let mut places: Vec<(String, String)> = Vec::new();
    for (name, tip) in release_branch_tips(config, repo)? {
        if repo.merge_base(&tip, base)?.as_deref() == Some(base) {
            places.push((name, tip));
        }
    }
    let remote = config.remote.clone();
    for name in [format!("{remote}/HEAD"), "main".into(), "master".into()] {
        if let Ok(tip) = repo.resolve(&name) {
            places.push((name, tip));
        }
    }
    for (name, tip) in places {
        let Some(text) = repo.file_at(&tip, &rel)? else { continue };
        let Ok(there) = Manifest::parse(root_manifest_path.to_owned(), text) else { continue };
        if crate::workspace::config::is_configured(&there) {
            return Ok(Some((name, Config::from_root_manifest(&there)?)));
        }
    }
    Ok(None)
}

/// The commits that change nothing but the root manifest's configuration tables.
fn configuration_commits(
    ws: &Layout,
    repo: &Repository,
    commits: &[CommitInfo],
    touched: &CommitPaths,
) -> anyhow::Result<Vec<String>> {
    let root = crate::fs::canonical(repo.workdir());
    let manifest = crate::fs::canonical(&ws.root_manifest_path);
    let rel = manifest.strip_prefix(&root).unwrap_or(&manifest).to_string_lossy().replace('\\', "/");
    let mut found = Vec::new();
    for commit in commits.iter().filter(|c| c.parents.len() == 1) {
        if touched.by_commit.get(&commit.id).map(Vec::as_slice) != Some(std::slice::from_ref(&rel)) {
            continue;
        }
        let Some(parent) = commit.parents.first() else { continue };
        let before = repo.file_at(parent, &rel)?.unwrap_or_default();
        let after = repo.file_at(&commit.id, &rel)?.unwrap_or_default();
        if crate::workspace::config::only_configuration_differs(&before, &after) {
            found.push(commit.id.clone());
        }
    }
    Ok(found)
}

/// Returns the base of a hotfix branch that has none recorded (a second clone, CI): the merge
/// base of `head` with the release branch, local or the remote's tracking branch, that shares the
/// most recent history with it, as (commit, name). The name is a tag on that commit when there is
/// one (so every clone names the base alike), else the release branch.
pub fn derived_base(config: &Config, repo: &Repository, head: &str) -> anyhow::Result<Option<(String, String)>> {
    let prefix = config.release_branch_prefix();
    let remote = &config.remote;
    let local = repo.branches(prefix)?;
    let tracking =
        repo.remote_branches(remote, prefix)?.into_iter().map(|(name, tip)| (format!("{remote}/{name}"), tip));
    let mut best: Option<(i64, String, String)> = None;
    for (name, tip) in local.into_iter().chain(tracking) {
        let Some(base) = repo.merge_base(head, &tip)? else { continue };
        let when = repo.commit_time(&base)?;
        if best.as_ref().is_none_or(|(t, _, _)| when > *t) {
            best = Some((when, base, name));
        }
    }
    let Some((_, base, branch)) = best else { return Ok(None) };
    let tag = repo.tags()?.into_iter().find(|t| t.commit == base).map(|t| t.name);
    Ok(Some((base, tag.unwrap_or(branch))))
}

/// Returns the release branches, local and the remote's tracking ones (`origin/release/v1.2`),
/// with the commit each points at.
fn release_branch_tips(config: &Config, repo: &Repository) -> anyhow::Result<Vec<(String, String)>> {
    let prefix = config.release_branch_prefix();
    let remote = &config.remote;
    let mut tips = repo.branches(prefix)?;
    let tracking = repo.remote_branches(remote, prefix)?;
    tips.extend(tracking.into_iter().map(|(name, tip)| (format!("{remote}/{name}"), tip)));
    // Under a `release-branch` with no fixed prefix every branch matches: hotfix branches (the one
    // being judged among them) are never release lines.
    let hotfix = config.hotfix_branch_prefix();
    tips.retain(|(name, _)| {
        let name = name.strip_prefix(&format!("{remote}/")).unwrap_or(name);
        hotfix.is_empty() || !name.starts_with(hotfix)
    });
    Ok(tips)
}

/// Returns where `head` left its release line when that is past `base`: the newest merge base of
/// `head` with a release branch that contains `base`.
fn line_point(config: &Config, repo: &Repository, base: &str, head: &str) -> anyhow::Result<Option<String>> {
    let mut best: Option<(i64, String)> = None;
    for (_, tip) in release_branch_tips(config, repo)? {
        if repo.merge_base(&tip, base)?.as_deref() != Some(base) {
            continue;
        }
        let Some(point) = repo.merge_base(head, &tip)? else { continue };
        if point == base || repo.merge_base(&point, base)?.as_deref() != Some(base) {
            continue;
        }
        let when = repo.commit_time(&point)?;
        if best.as_ref().is_none_or(|(t, _)| when > *t) {
            best = Some((when, point));
        }
    }
    Ok(best.map(|(_, point)| point))
}

/// Returns the release a hotfix branch fixes: the base `start` recorded, else for a branch named
/// like `hotfix-branch` the one [`derived_base`] finds.
pub fn hotfix_base(config: &Config, repo: &Repository, branch: &str) -> anyhow::Result<Option<String>> {
    if let Some(base) = repo.config_string(&format!("branch.{branch}.patchBase")) {
        return Ok(Some(base));
    }
    let prefix = config.hotfix_branch_prefix();
    if prefix.is_empty() || !branch.starts_with(prefix) {
        return Ok(None);
    }
    let head = repo.resolve(&format!("refs/heads/{branch}"))?;
    Ok(derived_base(config, repo, &head)?.map(|(_, name)| name))
}

/// The workspace members, with directories relative to the repository root.
fn crates(ws: &Layout, workdir: &Path) -> Vec<Crate> {
    let root = crate::fs::canonical(workdir);
    // Members lie under the workspace root as written: only the root is resolved (resolving a
    // path costs a system call per component, a thousand for 70 members).
    let ws_root = crate::fs::normalize(&ws.root);
    let ws_resolved = crate::fs::canonical(&ws.root);
    ws.members
        .iter()
        .map(|m| {
            let dir = match m.dir.strip_prefix(&ws_root) {
                Ok(inside) => ws_resolved.join(inside),
                Err(_) => crate::fs::canonical(&m.dir),
            };
            let relative = dir.strip_prefix(&root).unwrap_or(&dir).to_string_lossy().replace('\\', "/");
            let dir = if relative.is_empty() { relative } else { format!("{relative}/") };
            let released = ws.units.iter().any(|u| u.released_crates.contains(&m.name));
            Crate { name: m.name.clone(), dir, released }
        })
        .collect()
}

fn manifest_changes(
    repo: &Repository,
    files: &[FileDiff],
    base: &str,
    head: &str,
) -> anyhow::Result<Vec<ManifestChange>> {
    let mut changes = Vec::new();
    for file in files.iter().filter(|f| is_manifest(&f.path)) {
        let before = repo.file_at(base, &file.path)?;
        let after = repo.file_at(head, &file.path)?;
        changes.push(ManifestChange { path: file.path.clone(), before, after });
    }
    Ok(changes)
}

/// The files each single-parent commit of the range changes, read once.
struct CommitPaths {
    by_commit: BTreeMap<String, Vec<String>>,
}

fn is_manifest(path: &str) -> bool {
    path == "Cargo.toml" || path.ends_with("/Cargo.toml")
}

impl CommitPaths {
    fn read(repo: &Repository, commits: &[CommitInfo]) -> anyhow::Result<Self> {
        let mut by_commit = BTreeMap::new();
        for commit in commits.iter().filter(|c| c.parents.len() == 1) {
            by_commit.insert(commit.id.clone(), repo.changed_paths(commit)?);
        }
        Ok(Self { by_commit })
    }

    /// Returns the release commits the policy lets through: recognised by their header, not
    /// breaking, and changing nothing but versions, `Cargo.lock` and changelogs.
    fn exempt_releases(
        &self,
        repo: &Repository,
        commits: &[CommitInfo],
        releases: &ReleaseCommits,
        changelogs: &[String],
    ) -> anyhow::Result<HashSet<String>> {
        let mut exempt = HashSet::new();
        for commit in commits.iter().filter(|c| c.parents.len() == 1 && releases.is_release(&c.message)) {
            if ConventionalCommit::parse(&commit.message).is_ok_and(|c| c.breaking) {
                continue;
            }
            let mut only_releases = true;
            for path in self.by_commit.get(&commit.id).into_iter().flatten() {
                let name = path.rsplit('/').next().unwrap_or(path);
                only_releases &= name == "Cargo.lock"
                    || changelogs.iter().any(|c| c == path || c == name)
                    || (is_manifest(path) && {
                        let before = match commit.parents.first() {
                            Some(parent) => repo.file_at(parent, path)?,
                            None => None,
                        };
                        let after = repo.file_at(&commit.id, path)?;
                        matches!((before, after), (Some(b), Some(a)) if only_versions_changed(&b, &a))
                    });
            }
            if only_releases {
                exempt.insert(commit.id.clone());
            }
        }
        Ok(exempt)
    }

    /// Returns the files that only the commits in `ids` change.
    fn only_from(&self, ids: &HashSet<String>) -> HashSet<String> {
        let (theirs, others): (Vec<_>, Vec<_>) = self.by_commit.iter().partition(|(id, _)| ids.contains(*id));
        let others: HashSet<&String> = others.into_iter().flat_map(|(_, paths)| paths).collect();
        theirs.into_iter().flat_map(|(_, paths)| paths).filter(|p| !others.contains(p)).cloned().collect()
    }
}

/// The package versions (`[package]` and `[workspace.package]`) the range's commits change.
struct VersionChanges {
    /// `(commit, manifest)` for each change outside an exempt release commit.
    outside: Vec<(String, String)>,
    /// Each version an exempt release commit moves by more than a patch (it passes the rules, so
    /// its versions are judged here).
    past_patch: Vec<ReleaseBump>,
}

fn version_changes(
    repo: &Repository,
    commits: &[CommitInfo],
    touched: &CommitPaths,
    exempt: &HashSet<String>,
) -> anyhow::Result<VersionChanges> {
    // Both versions as written (a change to `version.workspace = true` counts too), and parsed.
    let versions = |text: Option<String>| -> Option<(String, [Option<semver::Version>; 2])> {
        let doc: toml_edit::DocumentMut = text?.parse().ok()?;
        let package = doc.get("package").and_then(|p| p.get("version"));
        let workspace = doc.get("workspace").and_then(|w| w.get("package")).and_then(|p| p.get("version"));
        let written = format!("{:?}{:?}", package.map(ToString::to_string), workspace.map(ToString::to_string));
        let parse = |item: Option<&toml_edit::Item>| item?.as_str().and_then(|v| semver::Version::parse(v).ok());
        Some((written.split_whitespace().collect(), [parse(package), parse(workspace)]))
    };
    let (mut outside, mut past_patch) = (Vec::new(), Vec::new());
    for commit in commits.iter().filter(|c| c.parents.len() == 1) {
        let Some(parent) = commit.parents.first() else { continue };
        let release = exempt.contains(&commit.id);
        for path in touched.by_commit.get(&commit.id).into_iter().flatten().filter(|p| is_manifest(p)) {
            let before = versions(repo.file_at(parent, path)?);
            let after = versions(repo.file_at(&commit.id, path)?);
            let (Some((written_before, before)), Some((written_after, after))) = (before, after) else { continue };
            if !release && written_before != written_after {
                outside.push((commit.id.clone(), path.clone()));
            }
            for (from, to) in before.into_iter().zip(after).filter(|_| release) {
                if let (Some(from), Some(to)) = (from, to)
                    && from != to
                    && !crate::version::is_patch_step(&from, &to)
                {
                    past_patch.push(ReleaseBump { commit: commit.id.clone(), path: path.clone(), from, to });
                }
            }
        }
    }
    Ok(VersionChanges { outside, past_patch })
}

/// `(merge, parent)` for each merge parent that is not on the release line (reachable from the
/// release branch of the base, or from the base when there is none).
fn outside_merges(
    ws: &Layout,
    repo: &Repository,
    commits: &[CommitInfo],
    base: &str,
) -> anyhow::Result<Vec<(String, String)>> {
    let merges: Vec<&CommitInfo> = commits.iter().filter(|c| c.parents.len() > 1).collect();
    if merges.is_empty() {
        return Ok(Vec::new());
    }
    let prefix = ws.config.release_branch_prefix();
    let mut line: HashSet<String> = (*repo.reachable(base)?).clone();
    for (_, tip) in repo.branches(prefix)? {
        if repo.merge_base(&tip, base)?.as_deref() == Some(base) {
            line.extend(repo.reachable(&tip)?.iter().cloned());
        }
    }
    Ok(merges
        .into_iter()
        .flat_map(|m| m.parents.iter().skip(1).filter(|p| !line.contains(*p)).map(|p| (m.id.clone(), p.clone())))
        .collect())
}

/// The test-code line ranges of each changed Rust file, at the head.
fn test_code(
    repo: &Repository,
    files: &[FileDiff],
    head: &str,
) -> anyhow::Result<BTreeMap<String, Vec<(usize, usize)>>> {
    let mut ranges = BTreeMap::new();
    for file in files.iter().filter(|f| f.path.ends_with(".rs") && !f.binary) {
        if let Some(text) = repo.file_at(head, &file.path)? {
            ranges.insert(file.path.clone(), policy::test_ranges(&text));
        }
    }
    Ok(ranges)
}

/// Rule 9: `cargo semver-checks` against the base, for each publishable crate the branch touches.
fn api_violations(ws: &Layout, files: &[FileDiff], crates: &[Crate], base: &str, when: ApiCheck) -> Vec<Violation> {
    let required = ws.config.hotfix.semver_checks;
    if !required && when == ApiCheck::WhenRequired {
        return Vec::new();
    }
    // Looked up on PATH rather than asked (`cargo semver-checks --version` costs a cargo start).
    let installed = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join("cargo-semver-checks").is_file()));
    if !installed {
        return if required {
            vec![Violation {
                rule: Rule::Api,
                location: None,
                message: "`hotfix.semver-checks = true` requires cargo-semver-checks, which is not installed".into(),
                help: "install it with `cargo install cargo-semver-checks --locked`, or set `hotfix.semver-checks = false`".into(),
            }]
        } else {
            Vec::new()
        };
    }
    let touched: Vec<&Crate> = crates
        .iter()
        .filter(|c| files.iter().any(|f| f.path.starts_with(&c.dir)))
        .filter(|c| ws.member(&c.name).is_some_and(|m| m.publish))
        .collect();
    let mut violations = Vec::new();
    for krate in touched {
        let manifest: PathBuf = ws.root_manifest_path.clone();
        let output = Command::new("cargo")
            .args([
                "semver-checks",
                "check-release",
                "--release-type",
                "patch",
                "--baseline-rev",
                base,
                "-p",
                &krate.name,
            ])
            .arg("--manifest-path")
            .arg(&manifest)
            .output();
        let Ok(output) = output else { continue };
        if !output.status.success() {
            let text = String::from_utf8_lossy(&output.stdout);
            let summary =
                text.lines().filter(|l| l.contains("FAIL") || l.contains("Summary")).collect::<Vec<_>>().join("; ");
            violations.push(Violation {
                rule: Rule::Api,
                location: Some(krate.name.clone()),
                message: format!("cargo-semver-checks finds changes a patch release may not carry: {summary}"),
                help: "keep the public API as it was; run `cargo semver-checks --baseline-rev <base>` for details"
                    .into(),
            });
        }
    }
    violations
}
