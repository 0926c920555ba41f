//! Flag groups shared by commands, converted once into domain values (`Selection`, `Verbosity`).

use std::path::PathBuf;

use clap::{ArgAction, Args, ValueEnum};

use crate::shell;
use crate::workspace::Selection;

/// Flags every command takes; they may appear before or after the subcommand.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Path to Cargo.toml
    #[arg(long, global = true, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,

    /// Use verbose output (can be repeated)
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,

    /// Do not print cargo-patch log messages
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Coloring
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = Color::Auto)]
    pub color: Color,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl GlobalArgs {
    /// Returns the verbosity the flags ask for.
    pub fn verbosity(&self) -> shell::Verbosity {
        match (self.quiet, self.verbose) {
            (true, _) => shell::Verbosity::Quiet,
            (false, 0) => shell::Verbosity::Normal,
            (false, _) => shell::Verbosity::Verbose,
        }
    }

    /// Returns the colour choice the flags ask for.
    pub fn color(&self) -> shell::ColorChoice {
        match self.color {
            Color::Auto => shell::ColorChoice::Auto,
            Color::Always => shell::ColorChoice::Always,
            Color::Never => shell::ColorChoice::Never,
        }
    }
}

/// `-p/--package`, `--workspace`, `--exclude`, as in cargo.
#[derive(Debug, Args)]
pub struct PackageSelectionArgs {
    /// Package to act on (can be repeated)
    #[arg(short, long = "package", value_name = "SPEC")]
    pub package: Vec<String>,

    /// Act on every package in the workspace
    #[arg(long, alias = "all", conflicts_with = "package")]
    pub workspace: bool,

    /// Exclude a package from `--workspace` (can be repeated)
    #[arg(long, value_name = "SPEC", requires = "workspace")]
    pub exclude: Vec<String>,
}

impl From<PackageSelectionArgs> for Selection {
    fn from(args: PackageSelectionArgs) -> Self {
        let PackageSelectionArgs { package, workspace, exclude } = args;
        Self { packages: package, workspace, exclude }
    }
}
