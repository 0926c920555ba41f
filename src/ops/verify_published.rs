//! Post-release verification: the release's step that checks the published crates build for a
//! dependent, and `verify-published VERSION`, which runs the same check later.

use std::path::Path;

use crate::git::history::Repository;
use crate::plan::journal::{StepKind, StepRecord};
use crate::published::Crate;
use crate::workspace::Workspace;

/// Adds the verification right after the last publish, when the configuration asks for it.
pub fn add_step(ws: &Workspace, steps: &mut Vec<StepRecord>) {
    let Some(last) = steps.iter().rposition(|s| matches!(s.kind, StepKind::Publish(_))) else { return };
    if ws.config.verify_published {
        steps.insert(last + 1, StepRecord::new(StepKind::VerifyPublished(ws.config.verify_published_timeout)));
    }
}

/// What `verify-published` checks: the release's crates, where they were published.
#[derive(Debug)]
pub struct Target {
    pub tag: String,
    pub crates: Vec<Crate>,
    pub registry: Option<String>,
    pub workspace: std::path::PathBuf,
    pub timeout: std::time::Duration,
}

/// The release has no record of anything published.
#[derive(Debug, thiserror::Error)]
#[error("release `{tag}` published nothing that its record knows of")]
pub struct NothingPublished {
    pub tag: String,
}

impl crate::error::Help for NothingPublished {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        "a release made with `--no-publish` (or by another tool) has no crates to check".into()
    }
}

/// Returns what to check for the release `wanted` (a version or a tag), from its record.
pub fn target(manifest_path: Option<&Path>, cwd: &Path, wanted: &str) -> anyhow::Result<Target> {
    let ws = Workspace::load(manifest_path, cwd)?;
    let repo = Repository::discover(&ws.root)?;
    let released = crate::ops::released::find(&ws, &repo, Some(wanted))?;
    let record = released.record.as_ref();
    let crates: Vec<Crate> = record
        .map(|r| {
            r.published().into_iter().map(|c| Crate { name: c.name.clone(), version: c.version.clone() }).collect()
        })
        .unwrap_or_default();
    if crates.is_empty() {
        return Err(NothingPublished { tag: released.tag }.into());
    }
    Ok(Target {
        tag: released.tag,
        crates,
        registry: record.and_then(|r| r.registry.clone()),
        workspace: ws.root.clone(),
        timeout: std::time::Duration::from_secs(ws.config.verify_published_timeout),
    })
}
