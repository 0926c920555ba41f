//! `cargo patch status`: versions, releases, unreleased changes, hotfix branches and hooks.

use std::fmt::Write as _;
use std::path::Path;

use clap::{Args, ValueEnum};
use serde_json::json;

use crate::changes::Change;
use crate::error::CliResult;
use crate::git::history::Head;
use crate::ops::status::{self, Status};
use crate::shell::Shell;
use crate::workspace::VersioningMode;

/// Show versions, the latest stable release, unreleased changes and the suggested next version
#[derive(Debug, Args)]
#[command(after_long_help = "\
Examples:
  cargo patch status
  cargo patch status --format json | jq '.crates[] | select(.next)'")]
pub struct StatusArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = StatusFormat::Text)]
    pub format: StatusFormat,
}

/// `--format` values of `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    Text,
    Json,
}

/// Runs `status`.
pub fn exec(args: StatusArgs, manifest_path: Option<&Path>, cwd: &Path, shell: &mut Shell) -> CliResult {
    let StatusArgs { format } = args;
    let status = status::status(manifest_path, cwd)?;
    match format {
        StatusFormat::Text => text(&status, shell)?,
        StatusFormat::Json => shell.print(&format!("{:#}\n", to_json(&status)))?,
    }
    Ok(())
}

fn head_name(head: &Head) -> String {
    match head {
        Head::Branch { name, .. } => name.clone(),
        Head::Detached { commit } => format!("detached at {}", &commit[..commit.len().min(7)]),
    }
}

/// How many unreleased changes `status` lists without `-v`; past that, only breaking and
/// critical ones.
const LISTED_IN_FULL: usize = 30;

fn text(status: &Status, shell: &mut Shell) -> std::io::Result<()> {
    let mode = match status.mode {
        VersioningMode::Unified => "unified",
        VersioningMode::Independent => "independent",
    };
    shell.print(&format!("On {} ({mode} versions, tags `{}`)\n\n", head_name(&status.head), status.tag_format))?;
    let rows: Vec<Vec<String>> = status
        .crates
        .iter()
        .map(|c| {
            let critical = c.unreleased.iter().filter(|ch| ch.is_critical()).count();
            let changes = match (c.unreleased.len(), critical) {
                (0, _) if c.level.is_some() => "manifest changed".to_owned(),
                (0, _) => "none".to_owned(),
                (n, 0) => format!("{n}"),
                (n, k) => format!("{n} ({k} critical)"),
            };
            vec![
                c.name.clone(),
                c.version.to_string(),
                c.latest_stable.clone().unwrap_or_else(|| "-".into()),
                changes,
                c.level.map_or_else(|| "-".into(), |l| l.to_string()),
                c.next.as_ref().map_or_else(|| "-".into(), ToString::to_string),
            ]
        })
        .collect();
    shell.table(&["crate", "version", "latest stable", "unreleased", "level", "next"], &rows)?;
    let mut out = String::new();
    // A big workspace has hundreds of unreleased changes: past a screenful, only those that need
    // a look (breaking, critical) are listed, unless `-v` asks for all.
    let total: usize = status.crates.iter().map(|c| c.unreleased.len()).sum();
    let all = total <= LISTED_IN_FULL || shell.is_verbose();
    let listed = |change: &&Change| all || change.breaking || change.is_critical();
    for c in status.crates.iter() {
        let changes: Vec<&Change> = c.unreleased.iter().filter(listed).collect();
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\nUnreleased in {}:", c.name);
        for change in changes {
            let severity = change.severity.map(|s| format!(" [{s}]")).unwrap_or_default();
            let breaking = if change.breaking { " [BREAKING]" } else { "" };
            let _ = writeln!(
                out,
                "  {:<5} {}:{severity}{breaking} {}",
                change.level(&c.version),
                change.kind,
                change.summary()
            );
        }
    }
    if !all {
        let shown: usize = status.crates.iter().map(|c| c.unreleased.iter().filter(listed).count()).sum();
        let crates = status.crates.iter().filter(|c| !c.unreleased.is_empty()).count();
        let (hidden, plural) = (total - shown, |n: usize| if n == 1 { "" } else { "s" });
        let _ = writeln!(
            out,
            "\n{hidden} other unreleased change{} in {crates} crate{} not listed; `cargo patch status -v` lists them",
            plural(hidden),
            plural(crates)
        );
    }
    out.push_str("\nHotfix branches:");
    if status.hotfix_branches.is_empty() {
        out.push_str(" none\n");
    } else {
        out.push('\n');
        for branch in &status.hotfix_branches {
            let base = if branch.base.is_empty() { "no release".to_owned() } else { branch.base.join(", ") };
            let _ = writeln!(out, "  {} (from {base})", branch.name);
        }
    }
    let hooks: Vec<String> = status
        .hooks
        .iter()
        .map(|(hook, on)| format!("{hook} {}", if *on { "installed" } else { "not installed" }))
        .collect();
    let _ = writeln!(out, "Hooks: {}", hooks.join(", "));
    if let Some((tags, left)) = &status.unfinished_release {
        let left = left.join(", ");
        let _ = match (status.release_running, status.release_pushed) {
            (Some(pid), _) => {
                writeln!(out, "Release {tags} is running (process {pid}): left: {left}; wait for it to finish")
            }
            (None, Some(true)) => {
                writeln!(out, "Unfinished release {tags}: left: {left}; run `cargo patch release --resume`")
            }
            (None, None) => writeln!(
                out,
                "Unfinished release {tags}: left: {left}; the remote cannot be asked whether its push arrived: \
                 run `cargo patch release --resume` once it can"
            ),
            (None, Some(false)) => writeln!(
                out,
                "Unfinished release {tags}: left: {left}; run `cargo patch release --resume`, or `--abort` to undo it"
            ),
        };
    }
    shell.print(&out)
}

/// The JSON schema is documented in the README (section "Status").
fn to_json(status: &Status) -> serde_json::Value {
    json!({
        "head": head_name(&status.head),
        "mode": match status.mode { VersioningMode::Unified => "unified", VersioningMode::Independent => "independent" },
        "tag_format": status.tag_format,
        "crates": status.crates.iter().map(|c| json!({
            "name": c.name,
            "version": c.version.to_string(),
            "publish": c.publish,
            "latest_stable": c.latest_stable,
            "level": c.level.map(|l| l.to_string()),
            "next": c.next.as_ref().map(ToString::to_string),
            "unreleased": c.unreleased.iter().map(|ch| json!({
                "id": ch.id,
                "type": ch.kind,
                "scope": ch.scope,
                "description": ch.description,
                "breaking": ch.breaking,
                "severity": ch.severity.map(|s| s.to_string()),
                "level": ch.level(&c.version).to_string(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "hotfix_branches": status.hotfix_branches.iter().map(|b| json!({ "name": b.name, "base": b.base })).collect::<Vec<_>>(),
        "hooks": status.hooks.iter().map(|(hook, on)| json!({ "hook": hook, "installed": on })).collect::<Vec<_>>(),
        "unfinished_release": status.unfinished_release.as_ref().map(|(tags, left)| json!({
            "tags": tags,
            "left": left,
            "running_pid": status.release_running,
            "pushed": status.release_pushed,
        })),
    })
}
