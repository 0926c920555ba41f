//! `cargo patch verify-published VERSION`: check, after the fact, that a release's published
//! crates build for a dependent.

use std::path::Path;

use clap::Args;

use crate::error::CliResult;
use crate::shell::Shell;

/// Check that a release's published crates build for a dependent
#[derive(Debug, Args)]
#[command(after_long_help = "\
Waits (at most `verify-published-timeout` seconds) until the registry's index serves each crate
the release published, then runs `cargo check` on a scratch project outside the workspace that
depends on exactly those versions (`name = \"=X.Y.Z\"`), as a stranger's project would. `release`
runs the same check after its last publish.

Examples:
  cargo patch verify-published 1.0.1
  cargo patch verify-published a-v0.2.1")]
pub struct VerifyPublishedArgs {
    /// The release: a version (1.0.1) or a tag (v1.0.1)
    #[arg(value_name = "VERSION")]
    pub release: String,
}

/// The published crates do not build for a dependent.
#[derive(Debug, thiserror::Error)]
#[error("`{tag}` is published, but {cause}")]
pub struct DoesNotBuild {
    pub tag: String,
    pub cause: crate::published::Error,
}

impl crate::error::Help for DoesNotBuild {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        format!(
            "if the release is broken, take it back with `cargo patch rollback {}` (it yanks the crates and starts the revert)",
            self.tag
        )
    }
}

/// Runs `verify-published`.
pub fn exec(args: VerifyPublishedArgs, manifest_path: Option<&Path>, cwd: &Path, shell: &mut Shell) -> CliResult {
    let VerifyPublishedArgs { release } = args;
    let target = crate::ops::verify_published::target(manifest_path, cwd, &release)?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let crates: Vec<String> = target.crates.iter().map(|c| format!("`{}` {}", c.name, c.version)).collect();
    shell.status("Verifying", format!("that {} build for a dependent", crates.join(", ")))?;
    let options = crate::published::Options {
        cargo: &cargo,
        registry: target.registry.as_deref(),
        workspace: &target.workspace,
        timeout: target.timeout,
    };
    let result = crate::published::verify(&target.crates, &options, &mut |line| drop(shell.output_line(line)));
    match result {
        Ok(()) => {
            shell.status("Verified", format!("a project depending on {} builds", crates.join(", ")))?;
            Ok(())
        }
        Err(cause) => Err(anyhow::Error::from(DoesNotBuild { tag: target.tag, cause }).into()),
    }
}
