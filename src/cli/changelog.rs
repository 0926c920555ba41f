//! `cargo patch changelog`: parse, render, print or write.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::changelog::{ConfigSource, Selection};
use crate::error::CliResult;
use crate::ops::changelog::{self, ChangelogOptions};
use crate::plan;
use crate::shell::Shell;

/// Write the changelog from conventional commits (git-cliff compatible)
#[derive(Debug, Args)]
#[command(after_long_help = "\
With a cliff.toml in the workspace root (or --config FILE) the output is byte for byte what
git-cliff prints, except that only tags reachable from the described commit count and a path
filter never removes a release's tag. Without one, a Keep a Changelog template is used.

Examples:
  cargo patch changelog                          the whole history
  cargo patch changelog --unreleased --tag 1.2.4 name the unreleased part
  cargo patch changelog --latest --prepend CHANGELOG.md
  cargo patch changelog -p my-crate --range v1.0.0..v1.1.0")]
pub struct ChangelogArgs {
    /// Only the commits since the latest release
    #[arg(long, short = 'u', conflicts_with_all = ["latest", "range"])]
    pub unreleased: bool,

    /// Only the latest release
    #[arg(long, short = 'l', conflicts_with = "range")]
    pub latest: bool,

    /// Name the unreleased part: a tag, or a bare version formatted with `tag-format`
    #[arg(long, value_name = "VERSION|TAG")]
    pub tag: Option<String>,

    /// Only the commits of a range, e.g. v1.0.0..v1.1.0 (A.. means A..HEAD)
    #[arg(long, value_name = "A..B")]
    pub range: Option<String>,

    /// Only the commits that touch this crate; its releases keep their boundaries
    #[arg(short, long = "package", value_name = "CRATE")]
    pub package: Option<String>,

    /// A git-cliff configuration file (default: cliff.toml in the workspace root)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Write the changelog to FILE instead of standard output (`-` is standard output); FILE
    /// must be a regular file or a symbolic link to one
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Insert the new section into FILE under its header (default range: --unreleased); idempotent
    #[arg(long, value_name = "FILE")]
    pub prepend: Option<PathBuf>,

    /// Print what would be written as a diff, and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Runs `changelog`.
pub fn exec(args: ChangelogArgs, manifest_path: Option<&Path>, cwd: &Path, shell: &mut Shell) -> CliResult {
    let ChangelogArgs { unreleased, latest, tag, range, package, config, output, prepend, dry_run } = args;
    let options = ChangelogOptions {
        selection: Selection { unreleased, latest, tag, range },
        packages: package.into_iter().collect(),
        config,
        output,
        prepend,
        current_dir_only: true,
    };
    let outcome = changelog::run(manifest_path, cwd, &options)?;
    if let Some(why) = &outcome.cargo_failed {
        shell.warn(format!("read the workspace from its manifests: `cargo metadata` failed ({why})"))?;
    }
    if let ConfigSource::Cliff(path) = &outcome.config {
        shell.verbose("Using", format!("git-cliff configuration `{}`", path.display()))?;
    }
    if !outcome.unmatched_tags.is_empty() {
        shell.verbose("Skipped", format!("tags that are not releases: {}", outcome.unmatched_tags.join(", ")))?;
    }
    shell.print(&outcome.stdout)?;
    if outcome.plan.is_empty() {
        if options.prepend.is_some() || options.output.as_deref().is_some_and(|path| !changelog::is_stdout(path)) {
            shell.note("the changelog is up to date; nothing to write")?;
        }
        return Ok(());
    }
    if dry_run {
        shell.diff(&plan::render::unified_diff(&outcome.plan, &outcome.root))?;
        shell.warn("aborting due to dry run; nothing was written")?;
        return Ok(());
    }
    plan::apply::apply(&outcome.plan).map_err(anyhow::Error::from)?;
    for plan::Step::WriteFile { path, .. } in &outcome.plan.steps {
        shell.status("Wrote", path.strip_prefix(&outcome.root).unwrap_or(path).display())?;
    }
    Ok(())
}
