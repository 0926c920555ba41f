//! `start`: cut `hotfix/<slug>` from the release line of the latest stable release (or
//! `--from`), creating the release branch at its tag when missing, and record the base.

use std::path::{Path, PathBuf};

use semver::Version;

use crate::git::history::Repository;
use crate::git::{self};
use crate::hotfix::slug;
use crate::release_tag::{self, ReleaseTag, TagFormat};
use crate::workspace::Workspace;

/// What `start` did.
#[derive(Debug, Clone)]
pub struct Started {
    pub hotfix_branch: String,
    pub release_branch: String,
    /// Whether the release branch was created at the base tag.
    pub created_release_branch: bool,
    pub base: String,
    pub next_version: Version,
}

/// Why `start` refused; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("no stable release tag of the form `{format}` exists")]
    NoRelease { format: String },
    #[error("`{tag}` is not a release tag of the form `{format}`")]
    NotARelease { tag: String, format: String },
    #[error("releases are tagged per crate (`{format}`), so the base must be named")]
    NeedsBase { format: String },
    #[error("the next patch of `{base}`, `{next}`, is already tagged")]
    PatchTaken { base: String, next: String, newest: String },
    #[error("branch `{0}` already exists")]
    BranchExists(String),
    #[error("uncommitted changes in {}", crate::git::file_list(files))]
    Dirty { files: Vec<String> },
}

impl crate::error::Help for Refused {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        match self {
            Self::NoRelease { .. } => "tag the release to fix first, or name it with `--from TAG`".into(),
            Self::NotARelease { .. } => "pass a release tag, e.g. `--from v1.2.3` (see `git tag`)".into(),
            Self::NeedsBase { .. } => "pass the release to fix with `--from`, e.g. `--from my-crate-v1.2.3`".into(),
            Self::PatchTaken { newest, .. } => format!("start from the newest patch of that line: `--from {newest}`"),
            Self::BranchExists(name) => format!("check it out (`git switch {name}`), or choose another slug"),
            Self::Dirty { .. } => "commit or stash them first".into(),
        }
    }
}

/// Starts hotfix `slug` from `from` (default: the latest stable release); with `dry_run`, only
/// says what it would do.
pub fn start(
    manifest_path: Option<&Path>,
    cwd: &Path,
    slug: &str,
    from: Option<&str>,
    dry_run: bool,
) -> anyhow::Result<Started> {
    let slug = slug::validate(slug)?;
    let ws = Workspace::load(manifest_path, cwd)?;
    let repo = Repository::discover(&ws.root)?;
    repo.head()?;
    let workdir: PathBuf = repo.workdir().to_owned();
    let format = TagFormat::new(ws.tag_format());
    let tags = repo.tags()?;
    let base = base_release(&format, &tags, from, ws.tag_format())?;

    // The next patch of this line must still be free.
    let mut next = base.version.clone();
    next.patch = crate::version::next_number(&base.version, next.patch, "patch")?;
    next.pre = semver::Prerelease::EMPTY;
    let (line, _) = release_tag::releases(&format, &tags, base.crate_name.as_deref());
    let same_line = |r: &&ReleaseTag| r.version.major == base.version.major && r.version.minor == base.version.minor;
    if line.iter().any(|r| r.version == next) {
        let newest = line.iter().filter(same_line).max_by(|a, b| a.version.cmp(&b.version)).map(|r| r.tag.name.clone());
        return Err(Refused::PatchTaken {
            base: base.tag.name.clone(),
            next: format.format(base.crate_name.as_deref().unwrap_or_default(), &next),
            newest: newest.unwrap_or_default(),
        }
        .into());
    }
    // Untracked files travel with a branch switch; tracked changes would land on the hotfix.
    let status = git::run(&workdir, &["status", "--porcelain=v1", "--untracked-files=no"])?;
    let files: Vec<String> = status.lines().map(|l| l.get(3..).unwrap_or_default().to_owned()).collect();
    if !files.is_empty() {
        return Err(Refused::Dirty { files }.into());
    }

    let release_branch = ws
        .config
        .release_branch
        .replace("{major}", &base.version.major.to_string())
        .replace("{minor}", &base.version.minor.to_string())
        .replace("{crate}", base.crate_name.as_deref().unwrap_or_default());
    let hotfix_branch = ws.config.hotfix_branch.replace("{slug}", slug);
    let exists = |name: &str| repo.resolve(&format!("refs/heads/{name}")).is_ok();
    if exists(&hotfix_branch) {
        return Err(Refused::BranchExists(hotfix_branch).into());
    }
    let created_release_branch = !exists(&release_branch);
    let started = Started {
        hotfix_branch: hotfix_branch.clone(),
        release_branch: release_branch.clone(),
        created_release_branch,
        base: base.tag.name.clone(),
        next_version: next,
    };
    if dry_run {
        return Ok(started);
    }
    if created_release_branch {
        git::run(&workdir, &["branch", "--no-track", "--", &release_branch, &base.tag.commit])?;
    }
    let switched = git::run(&workdir, &["switch", "--no-track", "-c", &hotfix_branch, &release_branch])
        .and_then(|_| git::run(&workdir, &["config", &format!("branch.{hotfix_branch}.patchBase"), &base.tag.name]));
    if let Err(err) = switched {
        // Leave no half-made line behind.
        if created_release_branch {
            let _ = git::run(&workdir, &["branch", "-D", "--", &release_branch]);
        }
        return Err(err.into());
    }
    Ok(started)
}

/// Returns the release to start from: `from`, or the highest stable release.
fn base_release(
    format: &TagFormat,
    tags: &[crate::git::history::Tag],
    from: Option<&str>,
    format_text: &str,
) -> Result<ReleaseTag, Refused> {
    match from {
        Some(name) => tags
            .iter()
            .find(|t| t.name == name)
            .and_then(|t| format.parse(t, None))
            .ok_or_else(|| Refused::NotARelease { tag: name.into(), format: format_text.into() }),
        None if format.names_crate() => Err(Refused::NeedsBase { format: format_text.into() }),
        None => {
            let (releases, _) = release_tag::releases(format, tags, None);
            release_tag::latest_stable(&releases)
                .cloned()
                .ok_or_else(|| Refused::NoRelease { format: format_text.into() })
        }
    }
}
