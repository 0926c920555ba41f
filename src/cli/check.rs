//! `cargo patch check`: the hotfix policy's verdict on `base..HEAD`.

use std::path::Path;

use clap::{Args, ValueEnum};
use serde_json::json;

use crate::error::{CliError, CliResult, exit_code};
use crate::hotfix::policy::Violation;
use crate::ops::check::{self, ApiCheck};
use crate::shell::Shell;

/// Judge the hotfix branch at HEAD by the hotfix policy (rules 1-9)
#[derive(Debug, Args)]
#[command(after_long_help = "\
Rules: commit-type, diff-budget, crate-scope, manifest, format-churn, no-merge, paths,
regression-test, api (configured under [workspace.metadata.patch-release.hotfix]). Exit status 1 when
any rule is broken.

Examples:
  cargo patch check
  cargo patch check --base v1.2.3 --format json")]
pub struct CheckArgs {
    /// The release the branch fixes (default: the recorded base, else the merge base with its
    /// release branch)
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

/// `--format` values of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

/// Runs `check`.
pub fn exec(args: CheckArgs, manifest_path: Option<&Path>, cwd: &Path, shell: &mut Shell) -> CliResult {
    let CheckArgs { base, format } = args;
    let report = check::check(manifest_path, cwd, base.as_deref(), None, ApiCheck::WhenInstalled)?;
    let branch = report.branch.clone().unwrap_or_else(|| "HEAD".into());
    if let Some(place) = &report.configuration_from {
        shell.note(borrowed_note(&branch, place))?;
    }
    match format {
        CheckFormat::Json => {
            let value = json!({
                "branch": report.branch,
                "base": report.base,
                "base_commit": report.base_commit,
                "head": report.head,
                "configuration_from": report.configuration_from,
                "violations": report.violations.iter().map(violation_json).collect::<Vec<_>>(),
            });
            shell.print(&format!("{value:#}\n"))?;
        }
        CheckFormat::Text => {
            print_violations(&report.violations, shell);
            if report.violations.is_empty() {
                shell.status("Checked", format!("`{branch}` against `{}`: every rule holds", report.base))?;
            }
        }
    }
    if report.violations.is_empty() {
        return Ok(());
    }
    if format == CheckFormat::Text {
        let count = report.violations.len();
        let error = anyhow::anyhow!(
            "`{branch}` breaks the hotfix policy ({count} violation{} against `{}`)",
            if count == 1 { "" } else { "s" },
            report.base
        );
        shell.error(&error, &[]);
    }
    Err(CliError { error: None, code: exit_code::FAILURE })
}

/// Prints each violation in rustc's shape.
pub fn print_violations(violations: &[Violation], shell: &mut Shell) {
    for v in violations {
        shell.violation(v.rule.name(), v.location.as_deref(), &v.message, &v.help);
    }
}

fn violation_json(v: &Violation) -> serde_json::Value {
    json!({ "rule": v.rule.name(), "location": v.location, "message": v.message, "help": v.help })
}

/// Says that `branch` is judged (or released) with the configuration of `place`.
pub fn borrowed_note(branch: &str, place: &str) -> String {
    format!(
        "`{branch}` has no cargo-patch configuration of its own (its line predates it): using the configuration of `{place}`"
    )
}
