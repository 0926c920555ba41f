//! `cargo patch notes`: release notes as markdown (a forge release), text (mail, chat) or json.

use std::fmt::Write as _;
use std::path::Path;

use clap::{Args, ValueEnum};
use serde_json::json;

use crate::changes::Change;
use crate::error::CliResult;
use crate::ops::notes::{self, ReleaseNotes};
use crate::shell::Shell;

/// Print the release notes of one release (default: the latest)
#[derive(Debug, Args)]
#[command(after_long_help = "\
Only tags reachable from the release count, so another release line never leaks in.

Examples:
  cargo patch notes                    the latest release, as markdown
  cargo patch notes 1.2.4 --format text
  cargo patch notes -p my-crate --format json")]
pub struct NotesArgs {
    /// The release: a version (1.2.4) or a tag (v1.2.4)
    #[arg(value_name = "VERSION")]
    pub release: Option<String>,

    /// The crate, when releases are tagged per crate
    #[arg(short, long = "package", value_name = "CRATE")]
    pub package: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = NotesFormat::Markdown)]
    pub format: NotesFormat,
}

/// `--format` values of `notes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NotesFormat {
    Markdown,
    Text,
    Json,
}

/// Runs `notes`.
pub fn exec(args: NotesArgs, manifest_path: Option<&Path>, cwd: &Path, shell: &mut Shell) -> CliResult {
    let NotesArgs { release, package, format } = args;
    let notes = notes::notes(manifest_path, cwd, release.as_deref(), package.as_deref())?;
    let text = match format {
        NotesFormat::Markdown => markdown(&notes),
        NotesFormat::Text => text(&notes),
        NotesFormat::Json => format!("{:#}\n", to_json(&notes)),
    };
    shell.print(&text)?;
    Ok(())
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

fn markdown(notes: &ReleaseNotes) -> String {
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

fn text(notes: &ReleaseNotes) -> String {
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

/// The JSON schema is documented in the README (section "Release notes").
fn to_json(notes: &ReleaseNotes) -> serde_json::Value {
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
