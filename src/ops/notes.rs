//! `notes`: the release notes of one release, from the commits between it and the release
//! before it on the same line (only tags reachable from the release count).

use std::path::Path;

use semver::Version;

use crate::changelog::notes::{self, ReleaseNotes};
use crate::git::history::Repository;
use crate::release_tag::{self, ReleaseTag, TagFormat};
use crate::workspace::{Selection, Workspace};

/// Why there are no notes to show.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("no release tag of the form `{format}` is reachable from HEAD")]
    NoRelease { format: String },
    #[error("no release `{wanted}` is reachable from HEAD")]
    UnknownRelease { wanted: String, known: Vec<String> },
    #[error("releases are tagged per crate (`{format}`), so the crate must be named")]
    NeedsCrate { format: String },
}

impl Refused {
    /// Returns what the user can do about it.
    pub fn help(&self) -> String {
        match self {
            Self::NoRelease { .. } => "tag a release first (`cargo patch release`), or set `tag-format`".into(),
            Self::UnknownRelease { known, .. } if known.is_empty() => "tag a release first".into(),
            Self::UnknownRelease { known, .. } => format!("the releases reachable from HEAD are: {}", known.join(", ")),
            Self::NeedsCrate { .. } => "pass `-p CRATE`".into(),
        }
    }
}

/// Returns the notes of `wanted` (a version or a tag; default: the highest release).
pub fn notes(
    manifest_path: Option<&Path>,
    cwd: &Path,
    wanted: Option<&str>,
    package: Option<&str>,
) -> anyhow::Result<ReleaseNotes> {
    let ws = Workspace::load(manifest_path, cwd)?;
    let repo = Repository::discover(&ws.root)?;
    let head = repo.head()?;
    repo.require_full_history()?;
    let format = TagFormat::new(ws.tag_format());
    if format.names_crate() && package.is_none() {
        return Err(Refused::NeedsCrate { format: ws.tag_format().into() }.into());
    }
    let member = match package {
        Some(name) => Some(ws.select(&Selection { packages: vec![name.into()], ..Default::default() })?[0].clone()),
        None => None,
    };
    let crate_name = member.as_ref().map(|m| m.name.clone());
    let reachable = repo.reachable(head.commit())?;
    let tags: Vec<_> = repo.tags()?.into_iter().filter(|t| reachable.contains(&t.commit)).collect();
    let (mut releases, _) = release_tag::releases(&format, &tags, crate_name.as_deref());
    let (release, previous) = locate(&repo, &mut releases, wanted, ws.tag_format())?;
    // Per-crate tags describe one crate: only its commits belong in its notes.
    let dir = member.as_ref().filter(|_| format.names_crate()).map(|m| m.dir.as_path());
    let crates = match &crate_name {
        Some(name) => vec![name.clone()],
        None => {
            ws.members.iter().filter(|m| m.publish && m.version == release.version).map(|m| m.name.clone()).collect()
        }
    };
    let release = notes::Release {
        tag: &release.tag.name,
        version: &release.version,
        tip: &release.tag.commit,
        previous: previous.as_ref().map(|p| (p.tag.name.as_str(), p.tag.commit.as_str())),
        timestamp: release.tag.commit_time,
        dir,
        crates,
    };
    Ok(notes::compose(&repo, release)?)
}

/// Returns the release `wanted` names among `releases` (a version or a tag; default: the
/// highest), and the release before it on its own line: the highest lower version reachable from
/// it (another line's release never counts).
pub fn locate(
    repo: &Repository,
    releases: &mut [ReleaseTag],
    wanted: Option<&str>,
    tag_format: &str,
) -> anyhow::Result<(ReleaseTag, Option<ReleaseTag>)> {
    releases.sort_by(|a, b| a.version.cmp(&b.version));
    let release = match wanted {
        None => releases.last().ok_or_else(|| Refused::NoRelease { format: tag_format.into() })?,
        Some(wanted) => find(releases, wanted).ok_or_else(|| Refused::UnknownRelease {
            wanted: wanted.into(),
            known: releases.iter().map(|r| r.tag.name.clone()).collect(),
        })?,
    };
    // Highest version first, so the first ancestor found is the answer: one merge-base walk down
    // to the nearest release, not a walk of the whole history.
    let lower = releases.iter().rev().filter(|r| r.version < release.version && r.tag.commit != release.tag.commit);
    let mut previous = None;
    for candidate in lower {
        if repo.merge_base(&candidate.tag.commit, &release.tag.commit)?.as_deref() == Some(&candidate.tag.commit) {
            previous = Some(candidate.clone());
            break;
        }
    }
    Ok((release.clone(), previous))
}

/// Finds a release by tag name or version (`1.2.3` or `v1.2.3`).
fn find<'a>(releases: &'a [ReleaseTag], wanted: &str) -> Option<&'a ReleaseTag> {
    let version = Version::parse(wanted.strip_prefix('v').unwrap_or(wanted)).ok();
    releases.iter().find(|r| r.tag.name == wanted || Some(&r.version) == version.as_ref())
}
