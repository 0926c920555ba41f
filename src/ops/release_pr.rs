//! `release --pr` and `release --finish`: a release through a pull request, for branches the
//! tool may not push (a protected `main`, a protected release line).
//!
//! `--pr` plans the release exactly as `release` does (the same checks, versions, changelog and
//! notes), then commits it on a branch `release-pr/<tag>` made from HEAD and pushes that branch
//! only. The forge's merge of the pull request (after review and CI) puts the release commit on
//! the protected branch. `--finish`, run on the merged branch (by CI, on the merge), finds that
//! release commit, tags exactly it, pushes the tags and publishes, journaled as `release` is.
//! Neither half ever pushes the protected branch.

use std::collections::HashSet;
use std::path::Path;

use crate::git::history::{Head, Repository};
use crate::ops::bump::BumpPlan;
use crate::ops::release::{self, BranchKind, NewTag, ReleaseOptions, ReleasePlan};
use crate::plan::Plan;
use crate::plan::journal::{CrateRecord, Journal, StepKind, StepRecord, TagRecord};
use crate::release_commit::ReleaseCommits;
use crate::workspace::{Unit, Workspace};

/// The prefix of the branches `release --pr` pushes.
pub const BRANCH_PREFIX: &str = "release-pr/";

/// One reason `release --pr` or `release --finish` cannot go ahead.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("branch `{branch}` already exists{}", if *remote { " on the remote" } else { "" })]
    BranchExists { branch: String, remote: bool },
    #[error("`{remote}` has no branch `{base}` for the pull request to merge into")]
    NoBase { remote: String, base: String },
    #[error("HEAD ({head}) is not a release commit, nor a merge of one with the same tree")]
    NoReleaseCommit { head: String },
    #[error("the release commit {commit} changes no unreleased version: every tag it would make exists")]
    NothingToFinish { commit: String },
    #[error(transparent)]
    Release(release::Problem),
}

impl crate::ops::Problem for Problem {
    fn help(&self) -> String {
        match self {
            Self::BranchExists { branch, remote: false } => format!(
                "a release pull request is open: merge it and run `cargo patch release --finish`, or delete the branch (`git branch -D {branch}`)"
            ),
            Self::BranchExists { branch, remote: true } => format!(
                "a release pull request is open: merge it and run `cargo patch release --finish`, or delete the branch (`git push origin --delete {branch}`)"
            ),
            Self::NoBase { remote, base } => {
                format!("push the branch first (`git push {remote} {base}`), then open the release pull request")
            }
            Self::NoReleaseCommit { .. } => "run it on the merged release pull request (the commit `release --pr` made, or the merge of it); to release without a pull request, run `cargo patch release`".into(),
            Self::NothingToFinish { .. } => {
                "the release is finished already (`git tag --points-at HEAD`); `cargo patch release --resume` finishes one that stopped".into()
            }
            Self::Release(problem) => crate::ops::Problem::help(problem),
        }
    }
}

/// `release --pr` or `release --finish` was refused; nothing was changed.
pub type Refused = crate::ops::Refused<Problem>;

/// The pull request `release --pr` prepares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequest {
    /// `release-pr/<tag>`, made from HEAD, holding the release commit.
    pub branch: String,
    /// The branch it merges into: the current one, or the release branch of a hotfix.
    pub base: String,
    /// The branch HEAD was on, which the user is put back on.
    pub original: String,
    pub title: String,
    /// The release notes of every tag.
    pub body: String,
}

/// Everything `release --pr` would do.
#[derive(Debug)]
pub struct PrPlan {
    /// The release, with the commit on the pull request's branch and only that branch pushed.
    pub release: ReleasePlan,
    pub pr: PullRequest,
}

/// Returns the plan of `release --pr`: the release `options` ask for, committed on
/// `release-pr/<tag>` instead of the current branch, with no tag, no publish and only that
/// branch pushed.
pub fn plan_pr(manifest_path: Option<&Path>, cwd: &Path, options: &ReleaseOptions) -> anyhow::Result<PrPlan> {
    let mut plan = release::plan(manifest_path, cwd, options)?;
    let journal = &mut plan.journal;
    let base = match (&plan.kind, &journal.release_branch) {
        (BranchKind::Hotfix { .. }, Some(release_branch)) => release_branch.name.clone(),
        _ => journal.branch.clone(),
    };
    let first_tag = journal.tags.first().map_or("release", |t| t.name.as_str());
    let branch = format!("{BRANCH_PREFIX}{first_tag}");
    let dir = journal.workdir.clone();
    let mut problems = Vec::new();
    let reference = format!("refs/heads/{branch}");
    if crate::git::run(&dir, &["rev-parse", "--verify", "--quiet", &reference]).is_ok() {
        problems.push(Problem::BranchExists { branch: branch.clone(), remote: false });
    }
    if crate::git::run(&dir, &["ls-remote", "--exit-code", "--heads", &journal.remote, &reference]).is_ok() {
        problems.push(Problem::BranchExists { branch: branch.clone(), remote: true });
    }
    // The release plan fetched the base; a pull request needs it on the remote.
    let tracking = format!("refs/remotes/{}/{base}", journal.remote);
    if crate::git::run(&dir, &["rev-parse", "--verify", "--quiet", &tracking]).is_err() {
        problems.push(Problem::NoBase { remote: journal.remote.clone(), base: base.clone() });
    }
    if !problems.is_empty() {
        return Err(Refused { problems }.into());
    }
    let pr = PullRequest {
        branch: branch.clone(),
        base,
        original: std::mem::replace(&mut journal.branch, branch),
        title: journal.commit_message.lines().next().unwrap_or_default().to_owned(),
        body: journal.tags.iter().map(|t| t.message.trim_end()).collect::<Vec<_>>().join("\n\n"),
    };
    // The release commit goes on the new branch; only it is pushed; tags and publishing wait
    // for `--finish`, after the merge.
    journal.release_branch = None;
    journal.push_refs = vec![reference];
    journal.publish.clear();
    journal.steps.retain(|s| {
        matches!(s.kind, StepKind::Verify(_) | StepKind::WriteFiles | StepKind::PreReleaseCommit(_) | StepKind::Commit)
    });
    journal.steps.push(StepRecord::new(StepKind::Push(journal.push_refs.clone())));
    Ok(PrPlan { release: plan, pr })
}

/// Makes the pull request's branch at HEAD and switches to it (the work tree stays as it is), so
/// the release commit goes on it.
pub fn enter_branch(dir: &Path, pr: &PullRequest) -> anyhow::Result<()> {
    crate::git::run(dir, &["switch", "--quiet", "--create", &pr.branch])?;
    Ok(())
}

/// Switches back to the branch the user was on; with `delete`, removes the pull request's branch
/// (its release commit was undone, so it points at the user's commit and holds nothing).
pub fn leave_branch(dir: &Path, pr: &PullRequest, delete: bool) -> anyhow::Result<()> {
    crate::git::run(dir, &["switch", "--quiet", &pr.original])?;
    if delete {
        crate::git::run(dir, &["branch", "--quiet", "-D", &pr.branch])?;
    }
    Ok(())
}

/// How the pull request gets opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// `gh pr create` opened it; its address.
    ByGh(String),
    /// The forge's page that opens it (GitHub, GitLab, Gitea/Forgejo, Bitbucket).
    Url(String),
    /// A remote whose forge is not known: the user opens it there.
    Manual,
}

/// Opens the pull request with `gh pr create` when `gh` is installed and logged in, else returns
/// the forge's page that opens it, from the remote's URL.
pub fn open(dir: &Path, remote: &str, pr: &PullRequest) -> Opened {
    let gh_ready = std::process::Command::new("gh")
        .args(["auth", "status"])
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if gh_ready {
        let created = std::process::Command::new("gh")
            .args(["pr", "create", "--base", &pr.base, "--head", &pr.branch, "--title", &pr.title, "--body", &pr.body])
            .current_dir(dir)
            .stdin(std::process::Stdio::null())
            .output();
        if let Ok(out) = created
            && out.status.success()
        {
            return Opened::ByGh(String::from_utf8_lossy(&out.stdout).trim().to_owned());
        }
    }
    let url = crate::git::run(dir, &["remote", "get-url", remote]).unwrap_or_default();
    compare_url(url.trim(), &pr.base, &pr.branch).map_or(Opened::Manual, Opened::Url)
}

/// Returns the page of the forge behind `remote_url` that opens a pull request from `head` into
/// `base`, for GitHub, GitLab, Gitea/Forgejo (Codeberg) and Bitbucket; `None` for other hosts.
pub fn compare_url(remote_url: &str, base: &str, head: &str) -> Option<String> {
    // `https://host/owner/repo.git`, `ssh://git@host/owner/repo.git`, `git@host:owner/repo.git`.
    let rest = remote_url
        .strip_prefix("https://")
        .or_else(|| remote_url.strip_prefix("http://"))
        .or_else(|| remote_url.strip_prefix("ssh://"))
        .map(|r| r.split_once('/').map(|(host, path)| (host.to_owned(), path.to_owned())))
        .unwrap_or_else(|| {
            let (host, path) = remote_url.split_once(':')?;
            (!host.contains('/')).then(|| (host.to_owned(), path.to_owned()))
        })?;
    let (host, path) = rest;
    let host = host.rsplit('@').next()?.split(':').next()?.to_lowercase();
    let path = path.trim_end_matches('/').trim_end_matches(".git").trim_start_matches('/');
    if path.is_empty() {
        return None;
    }
    let site = format!("https://{host}/{path}");
    if host == "github.com" || host.starts_with("github.") {
        Some(format!("{site}/compare/{base}...{head}?expand=1"))
    } else if host == "gitlab.com" || host.starts_with("gitlab.") {
        Some(format!(
            "{site}/-/merge_requests/new?merge_request%5Bsource_branch%5D={head}&merge_request%5Btarget_branch%5D={base}"
        ))
    } else if host == "codeberg.org" || host.starts_with("gitea.") || host.starts_with("forgejo.") {
        Some(format!("{site}/compare/{base}...{head}"))
    } else if host == "bitbucket.org" {
        Some(format!("{site}/pull-requests/new?source={head}&dest={base}"))
    } else {
        None
    }
}

/// Returns the plan of `release --finish`: tag the merged release commit, push the tags and
/// publish the crates they name. The release commit is HEAD, or (a merge commit's merge) a
/// parent of HEAD with HEAD's tree, so what is published is exactly what is tagged.
pub fn plan_finish(manifest_path: Option<&Path>, cwd: &Path, options: &ReleaseOptions) -> anyhow::Result<ReleasePlan> {
    let ws = Workspace::load(manifest_path, cwd)?;
    let repo = Repository::discover(&ws.root)?;
    repo.require_full_history()?;
    // CI checks out the merge detached, as often as on the branch.
    let (branch, head) = match repo.head()? {
        Head::Branch { name, commit } => (name, commit),
        Head::Detached { commit } => ("HEAD".to_owned(), commit),
    };
    let dir = repo.workdir().to_owned();
    let mut problems = Vec::new();
    if let Some(files) = crate::git::uncommitted_files(&ws.root, &[])?.filter(|f| !f.is_empty()) {
        problems.push(Problem::Release(release::Problem::Dirty { files }));
    }
    problems.extend(release::identity_problem(&repo).map(Problem::Release));
    let remote = ws.config.remote.clone();
    if crate::git::run(&dir, &["remote", "get-url", &remote]).is_err() {
        problems.push(Problem::Release(release::Problem::NoRemote { remote: remote.clone() }));
    }
    let Some(commit) = release_commit(&dir, &ReleaseCommits::new(&ws.config.release_commit_message), &head)? else {
        problems.push(Problem::NoReleaseCommit { head });
        return Err(Refused { problems }.into());
    };
    let visible = crate::ops::unreleased::visible_tags(&ws, &repo, &commit)?;
    let tags = unmade_tags(&ws, &repo, &visible, &commit)?;
    if tags.is_empty() {
        problems.push(Problem::NothingToFinish { commit: commit.clone() });
    }
    if !problems.is_empty() {
        return Err(Refused { problems }.into());
    }
    let notes = release::release_notes(&ws, &repo, &commit, &visible, &tags, options.now)?;
    let publish: Vec<CrateRecord> = release::publish_order(&ws, &tags)
        .into_iter()
        .map(|(name, version)| CrateRecord { name, version: version.to_string() })
        .collect();
    let push_refs: Vec<String> = tags.iter().map(|t| format!("refs/tags/{}", t.name)).collect();
    let mut steps: Vec<StepKind> = Vec::new();
    if options.publish && !publish.is_empty() {
        // Before the tags, as `release` does: a crate that cannot be published tags nothing.
        steps.push(StepKind::Package);
    }
    steps.extend(tags.iter().map(|t| StepKind::Tag(t.name.clone())));
    steps.extend(release::pushes(&ws, &[], &push_refs));
    if options.publish {
        steps.extend(publish.iter().map(|c| StepKind::Publish(c.name.clone())));
    }
    let fixes = release::fix_commits(&repo, &commit, notes.first().and_then(|n| n.previous.as_deref()))?;
    let mut steps: Vec<StepRecord> = steps.into_iter().map(StepRecord::new).collect();
    // The release is out once `--finish` is done: that is when its post-release hooks run and it
    // is announced. The previous version comes from the notes' previous release.
    let bump = BumpPlan { versions: Vec::new(), requirements: Vec::new(), plan: Plan::default() };
    let mut values = crate::ops::replace::release_values(&bump, &tags, options.now);
    if let (Some(values), Some(previous)) = (values.as_mut(), notes.first().and_then(|n| n.previous.as_deref())) {
        let all = repo.tags()?;
        let found = ws.units().iter().flat_map(|u| u.releases(&all)).find(|r| r.tag.name == previous);
        values.prev_version = found.map(|r| r.version.to_string()).unwrap_or_default();
    }
    crate::ops::release_hooks::add(&ws, values.as_ref(), &mut steps);
    crate::ops::verify_published::add_step(&ws, &mut steps);
    let published = if options.publish { publish.as_slice() } else { &[] };
    crate::ops::notify::add_steps(&ws.config.notify, &notes, published, options.registry.as_deref(), &mut steps);
    let journal = Journal {
        started_at: options.now,
        branch_started: None,
        workdir: dir.clone(),
        branch,
        head_before: head,
        base: None,
        release_branch: None,
        files: Vec::new(),
        commit_message: crate::git::run(&dir, &["log", "-1", "--format=%B", &commit])?.trim_end().to_owned(),
        commit: Some(commit),
        tags: tags
            .iter()
            .zip(&notes)
            .map(|(tag, n)| TagRecord { name: tag.name.clone(), message: crate::changelog::notes::markdown(n) })
            .collect(),
        remote,
        push_refs,
        registry: options.registry.clone(),
        publish: if options.publish { publish } else { Vec::new() },
        workspace_dir: release::workspace_dir(&ws, &repo),
        target_dir: Some(ws.target_dir.clone()),
        fix_commits: fixes.into_iter().map(|c| c.id).collect(),
        critical: notes.iter().any(|n| n.highlights.iter().any(crate::changes::Change::is_critical)),
        steps,
    };
    let (kind, files, root) = (BranchKind::Other, Plan::default(), ws.root.clone());
    let crates_io = release::to_crates_io(&ws, options);
    Ok(ReleasePlan { journal, kind, bump, files, notes, root, crates_io, configuration_from: None })
}

/// Returns the release commit `--finish` tags: HEAD when it is one (a fast-forward, rebase or
/// squash merge keeps the header), else the parent of a merge commit that is one and has HEAD's
/// tree (the merge added nothing to it).
fn release_commit(dir: &Path, commits: &ReleaseCommits, head: &str) -> anyhow::Result<Option<String>> {
    let message = |rev: &str| crate::git::run(dir, &["log", "-1", "--format=%B", rev]);
    if commits.is_release(&message(head)?) {
        return Ok(Some(head.to_owned()));
    }
    let tree = |rev: &str| crate::git::run(dir, &["rev-parse", &format!("{rev}^{{tree}}")]);
    let parents = crate::git::run(dir, &["rev-list", "--parents", "-n1", head])?;
    for parent in parents.split_whitespace().skip(2) {
        if commits.is_release(&message(parent)?) && tree(parent)? == tree(head)? {
            return Ok(Some(parent.to_owned()));
        }
    }
    Ok(None)
}

/// Returns the tags the release commit stands for: those of each unit whose manifest it changed
/// and whose tag of its version does not exist yet.
fn unmade_tags(
    ws: &Workspace,
    repo: &Repository,
    visible: &[crate::git::history::Tag],
    commit: &str,
) -> anyhow::Result<Vec<NewTag>> {
    let dir = repo.workdir();
    // `--root`: a first commit counts as changing everything.
    let changed = crate::git::run(dir, &["diff-tree", "--root", "--no-commit-id", "-r", "--name-only", commit])?;
    let changed: HashSet<&str> = changed.lines().collect();
    let workdir = crate::fs::canonical(dir);
    let relative = |path: &Path| {
        let path = crate::fs::canonical(path);
        path.strip_prefix(&workdir).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default()
    };
    let root_manifest = relative(&ws.root_manifest_path);
    let existing: HashSet<String> = repo.tags()?.into_iter().map(|t| t.name).collect();
    let new_version = |unit: &Unit| {
        let manifests = unit.dirs.iter().map(|d| relative(&d.join("Cargo.toml")));
        let changed_here =
            manifests.chain(unit.shared.then(|| root_manifest.clone())).any(|m| changed.contains(m.as_str()));
        let unmade = unit.tags(&unit.version).iter().any(|t| !existing.contains(t));
        (changed_here && unmade).then(|| unit.version.clone())
    };
    Ok(release::tags_of(ws, visible, &new_version))
}

#[cfg(test)]
mod tests {
    use super::compare_url;

    #[test]
    fn compare_urls_of_the_known_forges() {
        let cases = [
            ("https://github.com/o/r.git", Some("https://github.com/o/r/compare/main...release-pr/v1.0.1?expand=1")),
            ("git@github.com:o/r.git", Some("https://github.com/o/r/compare/main...release-pr/v1.0.1?expand=1")),
            ("ssh://git@github.com/o/r", Some("https://github.com/o/r/compare/main...release-pr/v1.0.1?expand=1")),
            (
                "https://gitlab.com/g/sub/r.git",
                Some(
                    "https://gitlab.com/g/sub/r/-/merge_requests/new?merge_request%5Bsource_branch%5D=release-pr/v1.0.1&merge_request%5Btarget_branch%5D=main",
                ),
            ),
            ("https://codeberg.org/o/r.git", Some("https://codeberg.org/o/r/compare/main...release-pr/v1.0.1")),
            (
                "git@bitbucket.org:o/r.git",
                Some("https://bitbucket.org/o/r/pull-requests/new?source=release-pr/v1.0.1&dest=main"),
            ),
            ("/srv/git/r.git", None),
            ("file:///srv/git/r.git", None),
            ("https://git.example.com/o/r.git", None),
        ];
        for (url, expected) in cases {
            assert_eq!(compare_url(url, "main", "release-pr/v1.0.1").as_deref(), expected, "{url}");
        }
    }
}
