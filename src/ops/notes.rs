//! `notes`: the release notes of one release, from the commits between it and the release
//! before it on the same line (only tags reachable from the release count).

use std::path::Path;

use semver::Version;

use crate::changelog::notes::{self, ReleaseNotes};
use crate::git::history::Repository;
use crate::release_tag::ReleaseTag;
use crate::workspace::{Selection, Workspace};

/// Why there are no notes to show.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("no release tag of the form `{format}` is reachable from HEAD or on a release branch")]
    NoRelease { format: String },
    #[error("no release `{wanted}` is reachable from HEAD or on a release branch")]
    UnknownRelease { wanted: String, known: Vec<String> },
    #[error("releases are tagged per crate (`{format}`), so the crate must be named")]
    NeedsCrate { format: String },
    #[error("`{name}` has no `version` and is not published: it has no releases")]
    NotVersioned { name: String },
}

impl crate::error::Help for Refused {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        match self {
            Self::NoRelease { .. } => "tag a release first (`cargo patch release`), or set `tag-format`".into(),
            Self::UnknownRelease { known, .. } if known.is_empty() => "tag a release first".into(),
            Self::UnknownRelease { known, .. } => {
                format!("the releases reachable from HEAD or on its release branches are: {}", known.join(", "))
            }
            Self::NeedsCrate { .. } => "pass `-p CRATE`".into(),
            Self::NotVersioned { .. } => "name a crate with a `version`".into(),
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
    let mut ws = Workspace::load(manifest_path, cwd)?;
    let repo = Repository::discover(&ws.root)?;
    let head = repo.head()?;
    crate::ops::check::borrow_line_configuration(&mut ws, &repo)?;
    repo.require_full_history()?;
    // The unit the notes are of: the named crate's, else the workspace's only (or shared) one.
    let unit = match package {
        Some(name) => {
            let selected = ws.select(&Selection { packages: vec![name.into()], ..Default::default() })?;
            // `select` refuses a name that is not a member, so it found one.
            let member = selected.first().map_or(name, |m| m.name.as_str());
            ws.unit_of(member).ok_or_else(|| Refused::NotVersioned { name: member.to_owned() })?
        }
        None => match ws.units() {
            [one] => one,
            [first, ..] if first.shared => first,
            units => {
                // A tag name says whose release it is.
                let tags = wanted.map(|_| repo.tags()).transpose()?.unwrap_or_default();
                let named = tags.iter().find(|t| Some(t.name.as_str()) == wanted);
                let found = named.and_then(|tag| crate::workspace::units::release_of_tag(units, tag));
                found.map(|(unit, _)| unit).ok_or_else(|| Refused::NeedsCrate { format: ws.tag_format().into() })?
            }
        },
    };
    let format = unit.format().as_str();
    let tags = crate::ops::unreleased::visible_tags(&ws, &repo, head.commit())?;
    let mut releases = unit.releases(&tags);
    if let Some(name) = package {
        releases.retain(|r| r.crate_name.as_deref().is_none_or(|c| c == name));
    }
    if wanted.is_none() {
        // The latest release of this line: none above the manifest's version (a newer line's
        // release is not this line's, though its tag is visible).
        releases.retain(|r| r.version <= unit.version);
    }
    let (release, previous) = locate(&repo, &mut releases, wanted, format)?;
    // In a workspace of several units, only the unit's own commits belong in its notes.
    let owners = ws.owners(&crate::fs::canonical(repo.workdir()));
    let scope_crates: Vec<String> = match package {
        Some(name) if unit.format().names_crate() => vec![name.to_owned()],
        _ => unit.crates.clone(),
    };
    let scope = (ws.units().len() > 1).then_some(scope_crates.as_slice());
    let crates = match (package, unit.format().names_crate()) {
        (Some(name), true) => vec![name.to_owned()],
        _ => unit.released_crates.iter().filter(|c| ws.member(c).is_some_and(|m| m.publish)).cloned().collect(),
    };
    let notes = notes::Release {
        tag: &release.tag.name,
        version: &release.version,
        previous: previous.as_ref().map(|p| (p.tag.name.as_str(), p.tag.commit.as_str())),
        timestamp: release.tag.commit_time,
        scope,
        crates,
    };
    let composed = notes::compose(&repo, &owners, &release.tag.commit, vec![notes])?;
    #[expect(clippy::expect_used, reason = "`compose` returns the notes of each release it is given")]
    let notes = composed.into_iter().next().expect("one release, so one notes");
    Ok(notes)
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
