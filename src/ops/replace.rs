//! A release's replacements as file writes: finds each replacement's files, fills in its values
//! and folds the result into the release's other writes, so the replaced strings go in the same
//! all-or-nothing write (and `--dry-run` diff) as the manifests and the changelog.
//!
//! Reads only. A replacement that matches the wrong number of times is a [`Mismatch`], returned
//! with every other one so the release refuses before it writes or commits anything.

use std::path::{Path, PathBuf};

use crate::ops::bump::BumpPlan;
use crate::ops::release::NewTag;
use crate::plan::Step;
use crate::replace::{Count, Replacement, Values};
use crate::workspace::Workspace;

/// A replacement that matched a file the wrong number of times (or matched no file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The file, relative to the workspace root; or the glob, when it matched no file.
    pub file: String,
    pub search: String,
    pub expected: Count,
    pub found: u64,
    /// The configuring manifest, relative to the workspace root, and the line of the table.
    pub origin: (PathBuf, usize),
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Self { file, search, expected, found, origin: (manifest, line) } = self;
        write!(
            f,
            "replacement `{search}` (`{}` line {line}) matched `{file}` {found} time{}, expected {expected}",
            manifest.display(),
            if *found == 1 { "" } else { "s" },
        )
    }
}

/// Adds the replacements of the release of `tags` to `steps` (a file already written, a
/// manifest or a changelog, is replaced in its new text); returns every mismatch.
pub fn plan(
    ws: &Workspace,
    bump: &BumpPlan,
    tags: &[NewTag],
    now: i64,
    steps: &mut Vec<Step>,
) -> anyhow::Result<Vec<Mismatch>> {
    let mut mismatches = Vec::new();
    let date = crate::date::ymd(now);
    // The workspace's: once, with the first tag's values (the one tag of a unified workspace).
    if let Some(values) = release_values(bump, tags, now) {
        for replacement in &ws.config.replace {
            apply(ws, &ws.root, replacement, &values, steps, &mut mismatches)?;
        }
    }
    // Each released crate's own, from its directory; a lone crate's table is the workspace's too.
    let seen: Vec<_> = ws.config.replace.iter().map(|r| &r.origin).collect();
    for member in ws.members.iter().filter(|m| m.release && !m.replace.is_empty()) {
        let Some(change) = bump.versions.iter().find(|v| v.name == member.name && v.new != v.old) else { continue };
        let covers = |t: &&NewTag| t.crates.contains(&member.name) || t.scope.contains(&member.name);
        let Some(tag) = tags.iter().find(covers).or_else(|| tags.iter().find(|t| t.scope.is_empty())) else {
            continue;
        };
        let values = Values {
            version: change.new.clone(),
            prev_version: change.old.to_string(),
            crate_name: member.name.clone(),
            tag: tag.name.clone(),
            date: date.clone(),
        };
        for replacement in member.replace.iter().filter(|r| !seen.contains(&&r.origin)) {
            apply(ws, &member.dir, replacement, &values, steps, &mut mismatches)?;
        }
    }
    Ok(mismatches)
}

/// Returns what a release's placeholders stand for, workspace-wide: the first new tag's version,
/// name and first crate (the only tag of a one-version workspace), that crate's previous version,
/// and the date; the one home of these values, for the replacements and the release hooks.
pub fn release_values(bump: &BumpPlan, tags: &[NewTag], now: i64) -> Option<Values> {
    let first = tags.first()?;
    let name = first.crates.first().or(first.scope.first()).cloned().unwrap_or_default();
    let prev = bump.versions.iter().find(|v| v.name == name).or(bump.versions.first()).map(|v| v.old.to_string());
    Some(Values {
        version: first.version.clone(),
        prev_version: prev.unwrap_or_default(),
        crate_name: name,
        tag: first.name.clone(),
        date: crate::date::ymd(now),
    })
}

/// Applies one replacement to each file its glob matches under `base`.
fn apply(
    ws: &Workspace,
    base: &Path,
    replacement: &Replacement,
    values: &Values,
    steps: &mut Vec<Step>,
    mismatches: &mut Vec<Mismatch>,
) -> anyhow::Result<()> {
    if !replacement.applies_to(&values.version) {
        return Ok(());
    }
    let relative = |path: &Path| path.strip_prefix(&ws.root).unwrap_or(path).display().to_string();
    let mismatch = |file: String, found| Mismatch {
        file,
        search: replacement.search.clone(),
        expected: replacement.count,
        found,
        origin: (PathBuf::from(relative(&replacement.origin.manifest)), replacement.origin.line),
    };
    let files = files(base, &replacement.file)?;
    if files.is_empty() && !replacement.count.allows(0) {
        mismatches.push(mismatch(relative(&base.join(&replacement.file)), 0));
    }
    for path in files {
        let planned = steps.iter().position(|Step::WriteFile { path: p, .. }| crate::fs::same_file(p, &path));
        let text = match planned {
            Some(index) => match steps.get(index) {
                Some(Step::WriteFile { after, .. }) => after.clone(),
                None => crate::fs::read_to_string(&path)?,
            },
            None => crate::fs::read_to_string(&path)?,
        };
        let (after, found) = replacement.apply(&text, values).map_err(|err| {
            anyhow::anyhow!(err).context(format!("`search` of the replacement at `{}`", relative(&path)))
        })?;
        if !replacement.count.allows(found) {
            mismatches.push(mismatch(relative(&path), found));
            continue;
        }
        match planned {
            Some(index) => {
                if let Some(Step::WriteFile { after: planned, .. }) = steps.get_mut(index) {
                    *planned = after;
                }
            }
            None if after != text => steps.push(Step::WriteFile { path, before: text, after }),
            None => {}
        }
    }
    Ok(())
}

/// Returns the files `glob` matches under `base`, in name order (never inside `.git`).
fn files(base: &Path, glob: &str) -> anyhow::Result<Vec<PathBuf>> {
    let pattern = format!("{}/{glob}", glob::Pattern::escape(&base.to_string_lossy()));
    let walk = glob::glob(&pattern).map_err(|err| anyhow::anyhow!("`{glob}` is not a valid glob: {}", err.msg))?;
    let mut files = Vec::new();
    for entry in walk {
        let path = entry.map_err(|err| {
            anyhow::anyhow!("failed to read `{}` for the replacement `{glob}`: {}", err.path().display(), err.error())
        })?;
        if path.is_file() && !path.components().any(|c| c.as_os_str() == ".git") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}
