//! `cargo patch notes`: release notes as markdown (a forge release), text (mail, chat) or json.

use std::path::Path;

use clap::{Args, ValueEnum};

use crate::changelog::notes::{markdown, text, to_json};
use crate::error::CliResult;
use crate::ops::notes;
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
