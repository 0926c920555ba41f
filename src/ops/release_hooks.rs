//! A release's hook steps, from `pre-release-commit` and `post-release`, each with the release's
//! values in its environment (the same ones the replacements fill in).

use crate::plan::journal::{StepKind, StepRecord};
use crate::release_hook::HookRun;
use crate::replace::Values;
use crate::workspace::Workspace;

/// Adds the release hooks to `steps`: each `pre-release-commit` command right after the files are
/// written (before the commit; none when the steps write no files, as `--finish`'s), each
/// `post-release` command at the end.
pub fn add(ws: &Workspace, values: Option<&Values>, steps: &mut Vec<StepRecord>) {
    let Some(values) = values else { return };
    let run = |command: &String| HookRun::new(command, values, &ws.root);
    if let Some(at) = steps.iter().position(|s| s.kind == StepKind::WriteFiles).map(|i| i + 1) {
        let pre: Vec<StepRecord> =
            ws.config.pre_release_commit.iter().map(|c| StepRecord::new(StepKind::PreReleaseCommit(run(c)))).collect();
        steps.splice(at..at, pre);
    }
    steps.extend(ws.config.post_release.iter().map(|c| StepRecord::new(StepKind::PostRelease(run(c)))));
}
