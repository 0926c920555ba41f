//! `cargo patch notify VERSION`: send a release's notifications again.

use std::path::Path;

use clap::Args;

use crate::error::CliResult;
use crate::shell::Shell;

/// Send a release's notifications (webhook, e-mail) again
#[derive(Debug, Args)]
#[command(after_long_help = "\
Sends what `release` sent after its push: the release notes to the webhook and the e-mail
recipients of `[workspace.metadata.patch-release.notify]`, with the crates the release's record
says were published. The webhook's URL and the SMTP credentials are read from the environment
variables the configuration names.

Examples:
  cargo patch notify 1.0.1        after fixing the webhook's URL
  cargo patch notify a-v0.2.1")]
pub struct NotifyArgs {
    /// The release: a version (1.0.1) or a tag (v1.0.1)
    #[arg(value_name = "VERSION")]
    pub release: String,
}

/// Some notifications were not sent.
#[derive(Debug, thiserror::Error)]
#[error("{failed} of {total} notification(s) not sent: {}", reasons.join("; "))]
pub struct NotSent {
    pub failed: usize,
    pub total: usize,
    pub reasons: Vec<String>,
    pub tag: String,
}

impl crate::error::Help for NotSent {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        format!("fix the cause, then send them again with `cargo patch notify {}`", self.tag)
    }
}

/// Runs `notify`.
pub fn exec(args: NotifyArgs, manifest_path: Option<&Path>, cwd: &Path, shell: &mut Shell) -> CliResult {
    let NotifyArgs { release } = args;
    let messages = crate::ops::notify::messages(manifest_path, cwd, &release)?;
    let mut reasons = Vec::new();
    for message in &messages {
        shell.status("Notifying", format!("`{}` by {}", message.tag, message.describe()))?;
        match message.send(&crate::notify::env_var) {
            Ok(()) => shell.status("Sent", message.describe())?,
            Err(err) => reasons.push(format!("{}: {err}", message.describe())),
        }
    }
    if !reasons.is_empty() {
        let tag = messages.first().map(|m| m.tag.clone()).unwrap_or(release);
        return Err(anyhow::Error::from(NotSent { failed: reasons.len(), total: messages.len(), reasons, tag }).into());
    }
    Ok(())
}
