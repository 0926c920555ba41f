//! Notifications as release steps, and `notify VERSION`, which sends them again for a release
//! that is out (after fixing a webhook's URL, say).

use std::path::Path;

use crate::changelog::notes::ReleaseNotes;
use crate::git::history::Repository;
use crate::notify::{self, Message, MessageKind, Published};
use crate::plan::journal::{CrateRecord, StepKind, StepRecord};
use crate::workspace::Workspace;

/// Adds a step per notification of each release in `notes`, after the last publish and before
/// the `post-release` hooks; `published` are the crates the release publishes (none with
/// `--no-publish`), on `registry` (`None`: crates.io).
pub fn add_steps(
    config: &notify::Config,
    notes: &[ReleaseNotes],
    published: &[CrateRecord],
    registry: Option<&str>,
    steps: &mut Vec<StepRecord>,
) {
    let published: Vec<Published> = published.iter().map(|c| Published::new(&c.name, &c.version, registry)).collect();
    let at = steps.iter().position(|s| matches!(s.kind, StepKind::PostRelease(_))).unwrap_or(steps.len());
    let records: Vec<StepRecord> = notify::messages(config, notes, &published)
        .into_iter()
        .map(|message| StepRecord::new(step_of(message)))
        .collect();
    steps.splice(at..at, records);
}

fn step_of(message: Message) -> StepKind {
    match message.kind {
        MessageKind::Webhook { .. } => StepKind::NotifyWebhook(Box::new(message)),
        MessageKind::Email { .. } => StepKind::NotifyEmail(Box::new(message)),
    }
}

/// Nothing is configured to send.
#[derive(Debug, thiserror::Error)]
#[error("no notification is configured in `[workspace.metadata.patch-release.notify]`")]
pub struct NothingToSend;

impl crate::error::Help for NothingToSend {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        "set `webhook-url-env` or `email-to` there (see the README's Configuration section)".into()
    }
}

/// Returns the messages announcing the release `wanted` (a version or a tag), as the release
/// sent them: its notes, and the crates its record says were published, where.
pub fn messages(manifest_path: Option<&Path>, cwd: &Path, wanted: &str) -> anyhow::Result<Vec<Message>> {
    let ws = Workspace::load(manifest_path, cwd)?;
    let repo = Repository::discover(&ws.root)?;
    let released = crate::ops::released::find(&ws, &repo, Some(wanted))?;
    let notes = crate::ops::notes::notes(manifest_path, cwd, Some(&released.tag), released.crate_name.as_deref())?;
    let published: Vec<Published> = released
        .record
        .iter()
        .flat_map(|record| {
            record.published().into_iter().map(|c| Published::new(&c.name, &c.version, record.registry.as_deref()))
        })
        .collect();
    let messages = notify::messages(&ws.config.notify, std::slice::from_ref(&notes), &published);
    if messages.is_empty() {
        return Err(NothingToSend.into());
    }
    Ok(messages)
}
