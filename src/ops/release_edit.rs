//! `release --edit`: the new changelog section, as the user edits it before the commit. The
//! edited text is what the changelog gets, what the tag holds as its message and what the e-mail
//! sends.

use std::path::Path;

use crate::notify::MessageKind;
use crate::plan::journal::{Journal, StepKind};
use crate::workspace::Workspace;

/// Why `--edit` cannot be used for this release.
#[derive(Debug, thiserror::Error)]
pub enum NotEditable {
    #[error("`--edit` edits one changelog section, and this release makes {tags} tags")]
    SeveralTags { tags: usize },
    #[error("`--edit` edits the workspace's changelog, and `changelog-per-crate` writes one per crate")]
    PerCrate,
    #[error("the release writes no new section to `{}`", path.display())]
    NoSection { path: std::path::PathBuf },
    #[error("`--edit` needs a terminal to open the editor in")]
    NoTerminal,
    #[error("the edited release notes are empty")]
    Empty,
}

impl crate::error::Help for NotEditable {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        match self {
            Self::SeveralTags { .. } | Self::PerCrate | Self::NoSection { .. } => {
                "release without `--edit`, then edit the changelog in a commit of its own".into()
            }
            Self::NoTerminal => "run it from a terminal, or leave out `--edit` (in CI, say)".into(),
            Self::Empty => "nothing was changed; run the release again and keep some text".into(),
        }
    }
}

/// The new changelog section of a release, where it sits in the changelog's new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Which of the journal's files is the changelog.
    file: usize,
    /// The bytes before and after the section in the new text (whole lines).
    prefix: usize,
    suffix: usize,
    /// The section, as it would be committed.
    pub text: String,
}

/// Returns the new section of the workspace's changelog in `journal`.
pub fn section(manifest_path: Option<&Path>, cwd: &Path, journal: &Journal) -> anyhow::Result<Section> {
    let ws = Workspace::load(manifest_path, cwd)?;
    if ws.config.changelog_per_crate {
        return Err(NotEditable::PerCrate.into());
    }
    if journal.tags.len() != 1 {
        return Err(NotEditable::SeveralTags { tags: journal.tags.len() }.into());
    }
    let path = ws.root.join(&ws.config.changelog);
    let no_section = || NotEditable::NoSection { path: path.clone() };
    let (file, record) =
        journal.files.iter().enumerate().find(|(_, f)| crate::fs::same_file(&f.path, &path)).ok_or_else(no_section)?;
    let (before, after) = (record.before.as_deref().unwrap_or_default(), record.after.as_str());
    let (prefix, suffix) = inserted(before, after);
    let text = after.get(prefix..after.len() - suffix).unwrap_or_default().to_owned();
    if text.trim().is_empty() {
        return Err(no_section().into());
    }
    Ok(Section { file, prefix, suffix, text })
}

/// Returns the whole lines before and after what `after` inserts into `before`, in bytes.
fn inserted(before: &str, after: &str) -> (usize, usize) {
    let common = before.bytes().zip(after.bytes()).take_while(|(a, b)| a == b).count();
    // Back to the start of a line, so the section is whole lines.
    let prefix = after[..common].rfind('\n').map_or(0, |i| i + 1);
    let room = (after.len() - prefix).min(before.len().saturating_sub(prefix));
    let common = before.bytes().rev().zip(after.bytes().rev()).take(room).take_while(|(a, b)| a == b).count();
    let start = after.len() - common;
    // Forward to the start of a line.
    let suffix = match after[start..].find('\n') {
        _ if start == prefix || after[..start].ends_with('\n') => common,
        Some(i) => common - (i + 1).min(common),
        None => 0,
    };
    (prefix, suffix)
}

/// Puts `edited` in place of `section`: in the changelog, as the tag's message and as the
/// e-mail's body.
pub fn apply(journal: &mut Journal, section: &Section, edited: &str) -> Result<(), NotEditable> {
    if edited.trim().is_empty() {
        return Err(NotEditable::Empty);
    }
    let mut edited = edited.to_owned();
    if section.text.ends_with('\n') && !edited.ends_with('\n') {
        edited.push('\n');
    }
    if let Some(record) = journal.files.get_mut(section.file) {
        let after = &record.after;
        let (head, tail) = (after.get(..section.prefix), after.get(after.len() - section.suffix..));
        record.after = format!("{}{edited}{}", head.unwrap_or_default(), tail.unwrap_or_default());
    }
    let notes = format!("{}\n", edited.trim_end());
    if let Some(tag) = journal.tags.first_mut() {
        tag.message = notes.clone();
    }
    for step in &mut journal.steps {
        if let StepKind::NotifyEmail(message) = &mut step.kind
            && let MessageKind::Email { body, .. } = &mut message.kind
        {
            body.clone_from(&notes);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::inserted;

    #[test]
    fn finds_the_inserted_lines() {
        let cases = [
            (
                "# Changelog\n\n## [1.0.0]\n- a\n",
                "# Changelog\n\n## [1.0.1]\n- b\n\n## [1.0.0]\n- a\n",
                "## [1.0.1]\n- b\n\n",
            ),
            ("", "# Changelog\n\n## [1.0.1]\n", "# Changelog\n\n## [1.0.1]\n"),
            ("# Changelog\n", "# Changelog\n\n## [1.0.1]\n- b\n", "\n## [1.0.1]\n- b\n"),
        ];
        for (before, after, section) in cases {
            let (prefix, suffix) = inserted(before, after);
            assert_eq!(&after[prefix..after.len() - suffix], section, "{before:?} -> {after:?}");
            assert_eq!(format!("{}{}", &after[..prefix], &after[after.len() - suffix..]), before);
        }
    }
}
