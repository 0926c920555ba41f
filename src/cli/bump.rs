//! `cargo patch bump`: parse, plan, print, and apply unless `--dry-run`.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use clap::Args;

use super::args::PackageSelectionArgs;
use crate::error::CliResult;
use crate::ops::bump::{BumpOptions, BumpPlan};
use crate::ops::{self, Context};
use crate::plan;
use crate::shell::Shell;
use crate::version::{BumpLevel, TargetVersion};

/// Set new versions and update every requirement and Cargo.lock to match
#[derive(Debug, Args)]
#[command(after_long_help = "\
LEVEL is one of:
  major, minor, patch   the next version at that level (a pre-release is finished first)
  auto                  each crate's level from the conventional commits since its last release
                        tag that touch its directory (Cargo's rules: on 0.y.z a breaking change
                        is minor); crates sharing the workspace version take the highest
  alpha, beta, rc       enter or advance a pre-release: 1.2.3 -> 1.2.4-alpha.1 -> 1.2.4-alpha.2
  release               drop the pre-release part: 1.2.4-rc.1 -> 1.2.4
  VERSION               an exact semver version, e.g. 2.0.0 (never lower than the current one)

Only the version strings change: comments, spacing, quoting and line endings stay byte for byte.

Examples:
  cargo patch bump patch --dry-run          the diff of a patch bump of the current crate
  cargo patch bump minor -p engine          one crate, and every requirement it breaks
  cargo patch bump auto --workspace         each crate at the level its commits call for")]
pub struct BumpArgs {
    /// major, minor, patch, auto, release, alpha, beta, rc, or an exact version like 1.2.3
    #[arg(value_name = "LEVEL|VERSION")]
    pub target: BumpTarget,

    #[command(flatten)]
    pub selection: PackageSelectionArgs,

    /// Print the change as a diff and write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Edit manifests even when they have uncommitted changes
    #[arg(long)]
    pub allow_dirty: bool,

    /// Rewrite every requirement on a bumped crate, not only those the new version breaks
    #[arg(long)]
    pub upgrade_dependents: bool,
}

/// The bump argument: a target for every selected crate, or `auto`.
#[derive(Debug, Clone)]
pub enum BumpTarget {
    Auto,
    Target(TargetVersion),
}

impl FromStr for BumpTarget {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "auto" {
            return Ok(Self::Auto);
        }
        s.parse().map(Self::Target).map_err(|err: String| err.replace("patch, release", "patch, auto, release"))
    }
}

/// Runs `bump`.
pub fn exec(args: BumpArgs, manifest_path: Option<&Path>, cwd: std::path::PathBuf, shell: &mut Shell) -> CliResult {
    let BumpArgs { target, selection, dry_run, allow_dirty, upgrade_dependents } = args;
    // Taken before planning: a bump (or a release) running meanwhile finishes first, and this one
    // plans from what it wrote, so neither result is lost.
    let _lock = if dry_run { None } else { lock(manifest_path, &cwd, shell)? };
    let context = Context::load(manifest_path, cwd)?;
    let mut options = BumpOptions {
        target: TargetVersion::Level(BumpLevel::Patch),
        per_crate: BTreeMap::new(),
        selection: selection.into(),
        upgrade_dependents,
        allow_dirty,
    };
    match target {
        BumpTarget::Target(target) => options.target = target,
        BumpTarget::Auto => {
            let auto = ops::bump::plan_auto(&context.workspace, &options)?;
            for level in &auto.levels {
                shell.verbose("Commits", format!("`{}`: {}", level.name, level.explanation()))?;
                for subject in &level.subjects {
                    shell.verbose("", format!("  {subject}"))?;
                }
            }
            let Some(bump) = auto.bump else {
                let since = match auto.levels.as_slice() {
                    [one] => one.since.as_ref().map(|t| format!(" since {t}")).unwrap_or_default(),
                    _ => " since their last release".to_owned(),
                };
                shell.note(format!("no conventional commit touches the selected crates{since}; nothing to bump"))?;
                return Ok(());
            };
            return finish(bump, &context, dry_run, shell);
        }
    }
    let bump = ops::bump::plan(&context.workspace, &options)?;
    finish(bump, &context, dry_run, shell)
}

/// Takes the repository's release lock, waiting while another bump or a release holds it;
/// `None` outside a git repository.
fn lock(manifest_path: Option<&Path>, cwd: &Path, shell: &mut Shell) -> anyhow::Result<Option<plan::journal::Lock>> {
    let manifest = manifest_path.map(|path| cwd.join(path));
    let dir = manifest.as_deref().and_then(Path::parent).unwrap_or(cwd);
    let Ok(repo) = crate::git::history::Repository::discover(dir) else { return Ok(None) };
    let store = plan::journal::Store::new(repo.common_dir());
    let mut waiting = |pid: u32| {
        let _ = shell.status("Blocking", format!("waiting for process {pid} (a release or a bump) to finish"));
    };
    Ok(Some(store.lock_waiting(&mut waiting)?))
}

/// Prints the bump's table and diff, and writes it unless `dry_run`.
fn finish(bump: BumpPlan, context: &Context, dry_run: bool, shell: &mut Shell) -> CliResult {
    print_table(&bump, shell)?;
    if bump.plan.is_empty() {
        shell.note("nothing to change")?;
        return Ok(());
    }
    if dry_run {
        print_requirements(&bump, "Would update", shell)?;
        shell.diff(&plan::render::unified_diff(&bump.plan, &context.workspace.root))?;
        shell.warn("aborting due to dry run; nothing was written")?;
        return Ok(());
    }
    plan::apply::apply(&bump.plan).map_err(anyhow::Error::from)?;
    print_requirements(&bump, "Updated", shell)?;
    let files = bump.plan.steps.len();
    shell.status("Wrote", format!("{files} file{}", if files == 1 { "" } else { "s" }))?;
    Ok(())
}

/// Writes one status line per rewritten requirement.
fn print_requirements(bump: &BumpPlan, verb: &str, shell: &mut Shell) -> std::io::Result<()> {
    for req in &bump.requirements {
        let place = format!("{}:{} [{}]", req.manifest.display(), req.line, req.table);
        shell.status(
            verb,
            format!("requirement on `{}` in {place}: \"{}\" -> \"{}\"", req.dependency, req.old, req.new),
        )?;
    }
    Ok(())
}

/// Writes the result table: crate, old -> new, why.
fn print_table(bump: &BumpPlan, shell: &mut Shell) -> std::io::Result<()> {
    let rows: Vec<Vec<String>> = bump
        .versions
        .iter()
        .map(|change| {
            let version = if change.old == change.new {
                change.old.to_string()
            } else {
                format!("{} -> {}", change.old, change.new)
            };
            vec![change.name.clone(), version, change.reason.to_string()]
        })
        .collect();
    shell.table(&["crate", "version", "why"], &rows)
}
