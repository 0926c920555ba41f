//! Release notes: the model of one release's notes, composed from history, and its markdown,
//! text and JSON renderings (`notes` prints them; `release` writes them into the tag).

use std::fmt::Write as _;

use semver::Version;
use serde_json::json;

use crate::changes::{self, Change, Range, Section};
use crate::git::history::{Error, Repository};
use crate::workspace::units::Owners;

/// The notes of one release.
#[derive(Debug, Clone)]
pub struct ReleaseNotes {
    pub tag: String,
    pub version: Version,
    /// The release these notes start from, if any.
    pub previous: Option<String>,
    /// The committer time of the tagged commit.
    pub timestamp: i64,
    /// Critical fixes first, then breaking changes.
    pub highlights: Vec<Change>,
    /// Every change, by section in display order.
    pub sections: Vec<(Section, Vec<Change>)>,
    /// The crates a user upgrades, at `version`.
    pub crates: Vec<String>,
}

/// What the notes of one release are composed from.
pub struct Release<'a> {
    pub tag: &'a str,
    pub version: &'a Version,
    /// The release before it on its line, as (tag, commit).
    pub previous: Option<(&'a str, &'a str)>,
    pub timestamp: i64,
    /// Only the commits of these crates (a unit of a workspace with several).
    pub scope: Option<&'a [String]>,
    pub crates: Vec<String>,
}

/// Returns the notes of each of `releases` (in order): its user-facing changes since its
/// previous release, up to `tip` (the commit they are, or will be, tagged on, or an ancestor with
/// the same changes); `owners` says which crate owns a file.
///
/// One walk over history serves them all ([`changes::since_each`]).
pub fn compose(
    repo: &Repository,
    owners: &Owners,
    tip: &str,
    releases: Vec<Release<'_>>,
) -> Result<Vec<ReleaseNotes>, Error> {
    let ranges: Vec<Range<'_>> =
        releases.iter().map(|r| Range { since: r.previous.map(|(_, commit)| commit), crates: r.scope }).collect();
    let changes = changes::since_each(repo, tip, owners, &ranges)?;
    Ok(releases.into_iter().zip(changes).map(|(release, all)| notes_of(release, all)).collect())
}

/// Returns the notes of `release`, whose changes are `all`.
fn notes_of(release: Release<'_>, all: Vec<Change>) -> ReleaseNotes {
    // Release notes are for users: internal changes appear only when they break something.
    let all: Vec<Change> = all.into_iter().filter(|c| c.section() != Section::Other || c.breaking).collect();
    ReleaseNotes {
        tag: release.tag.to_owned(),
        version: release.version.clone(),
        previous: release.previous.map(|(tag, _)| tag.to_owned()),
        timestamp: release.timestamp,
        highlights: highlights(&all),
        sections: sections(all),
        crates: release.crates,
    }
}

/// Critical fixes first, then breaking changes.
fn highlights(all: &[Change]) -> Vec<Change> {
    let critical = all.iter().filter(|c| c.is_critical());
    let breaking = all.iter().filter(|c| c.breaking && !c.is_critical());
    critical.chain(breaking).cloned().collect()
}

/// Changes by section, critical fixes first within a section, newest first otherwise.
pub fn sections(all: Vec<Change>) -> Vec<(Section, Vec<Change>)> {
    let mut sections: Vec<(Section, Vec<Change>)> = Vec::new();
    for change in all {
        let section = change.section();
        match sections.iter_mut().find(|(s, _)| *s == section) {
            Some((_, changes)) => changes.push(change),
            None => sections.push((section, vec![change])),
        }
    }
    sections.sort_by_key(|(section, _)| *section);
    for (_, changes) in &mut sections {
        changes.sort_by_key(|c| !c.is_critical());
    }
    sections
}

fn short(id: &str) -> &str {
    &id[..id.len().min(7)]
}

/// `[CRITICAL] [BREAKING] scope: description`.
fn line(change: &Change, strong: bool) -> String {
    let mut out = String::new();
    let mark = |text: &str| if strong { format!("**[{text}]** ") } else { format!("[{text}] ") };
    if change.is_critical() {
        out.push_str(&mark("CRITICAL"));
    } else if let Some(severity) = change.severity {
        out.push_str(&format!("[{severity}] "));
    }
    if change.breaking {
        out.push_str(&mark("BREAKING"));
    }
    match (&change.scope, strong) {
        (Some(scope), true) => out.push_str(&format!("**{scope}:** {}", change.description)),
        _ => out.push_str(&change.summary()),
    }
    out
}

fn upgrade_commands(notes: &ReleaseNotes) -> Vec<String> {
    notes.crates.iter().map(|name| format!("cargo update -p {name} --precise {}", notes.version)).collect()
}

/// Returns the notes as markdown (a forge release, an annotated tag's message).
pub fn markdown(notes: &ReleaseNotes) -> String {
    let mut out = format!("## {} ({})\n", notes.tag, crate::date::ymd(notes.timestamp));
    if let Some(previous) = &notes.previous {
        let _ = writeln!(out, "\nChanges since {previous}.");
    }
    if !notes.highlights.is_empty() {
        out.push_str("\n### Highlights\n\n");
        for change in &notes.highlights {
            let _ = writeln!(out, "- {} ({})", line(change, true), short(&change.id));
        }
    }
    for (section, changes) in &notes.sections {
        let _ = writeln!(out, "\n### {}\n", section.title());
        for change in changes {
            let _ = writeln!(out, "- {} ({})", line(change, true), short(&change.id));
        }
    }
    if notes.sections.is_empty() {
        out.push_str("\nNo user-facing changes.\n");
    }
    let commands = upgrade_commands(notes);
    if !commands.is_empty() {
        out.push_str("\n### Upgrade\n\n```sh\n");
        commands.iter().for_each(|c| out.push_str(&format!("{c}\n")));
        out.push_str("```\n");
    }
    out
}

/// Returns the notes as plain text (mail, chat).
pub fn text(notes: &ReleaseNotes) -> String {
    let mut out = format!("{} ({})\n", notes.tag, crate::date::ymd(notes.timestamp));
    if let Some(previous) = &notes.previous {
        let _ = writeln!(out, "Changes since {previous}.");
    }
    if !notes.highlights.is_empty() {
        out.push_str("\nHighlights:\n");
        notes.highlights.iter().for_each(|c| out.push_str(&format!("  * {}\n", line(c, false))));
    }
    for (section, changes) in &notes.sections {
        let _ = writeln!(out, "\n{}:", section.title());
        changes.iter().for_each(|c| out.push_str(&format!("  * {} ({})\n", line(c, false), short(&c.id))));
    }
    let commands = upgrade_commands(notes);
    if !commands.is_empty() {
        out.push_str("\nUpgrade:\n");
        commands.iter().for_each(|c| out.push_str(&format!("  {c}\n")));
    }
    out
}

fn change_json(change: &Change) -> serde_json::Value {
    json!({
        "id": change.id,
        "type": change.kind,
        "scope": change.scope,
        "description": change.description,
        "breaking": change.breaking,
        "severity": change.severity.map(|s| s.to_string()),
    })
}

/// Returns the notes as JSON; the schema is documented in the README (section "Release notes").
pub fn to_json(notes: &ReleaseNotes) -> serde_json::Value {
    json!({
        "tag": notes.tag,
        "version": notes.version.to_string(),
        "previous": notes.previous,
        "date": crate::date::ymd(notes.timestamp),
        "highlights": notes.highlights.iter().map(change_json).collect::<Vec<_>>(),
        "sections": notes.sections.iter().map(|(section, changes)| json!({
            "title": section.title(),
            "changes": changes.iter().map(change_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "upgrade": upgrade_commands(notes),
    })
}
