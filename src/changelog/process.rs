//! What git-cliff-core's `Changelog::new` does to the releases before rendering (its
//! `process_commits` and `process_releases`), step for step, but with each release's commits
//! processed on all cores and without its copy of every release: on a long history those two
//! were a fifth of the run (measured at 100k commits). The parity tests compare the output with
//! the git-cliff binary's.

use git_cliff_core::config::Config;
use git_cliff_core::process::CommitProcessor;
use git_cliff_core::release::Release;
use git_cliff_core::summary::Summary;

/// Returns `releases` (oldest first) processed as `Changelog::new` processes them: each
/// release's commits through git-cliff's commit processor (preprocessors, conventional parsing,
/// commit parsers, skips), then, newest first, the releases that are skipped or left empty
/// dropped, each with its statistics.
pub(super) fn releases(
    mut releases: Vec<Release<'static>>,
    config: &Config,
) -> Result<Vec<Release<'static>>, git_cliff_core::error::Error> {
    // Each release is processed on its own (the summary only feeds git-cliff's log lines).
    crate::parallel::try_for_each_mut(&mut releases, 1, |release| {
        CommitProcessor::new(&config.git, &mut Summary::default()).run(&mut release.commits)?;
        for commits in release.submodule_commits.values_mut() {
            CommitProcessor::new(&config.git, &mut Summary::default()).run(commits)?;
        }
        Ok::<_, git_cliff_core::error::Error>(())
    })?;
    Ok(filter_releases(releases, config))
}

/// git-cliff-core's `process_releases`: newest first, without skipped tags' releases and
/// without empty ones (unless `render_always` and the previous release is empty too), each
/// with its statistics; a release whose previous one was skipped gets the one before that.
#[expect(clippy::indexing_slicing, reason = "`at` is a position `position` found in `releases`")]
fn filter_releases(releases: Vec<Release<'static>>, config: &Config) -> Vec<Release<'static>> {
    let skip = config.git.skip_tags.as_ref();
    let mut skipped_tags = Vec::new();
    let mut releases: Vec<Release<'static>> = releases
        .into_iter()
        .rev()
        .filter(|release| {
            if let Some(version) = &release.version
                && skip.is_some_and(|r| r.is_match(version))
            {
                skipped_tags.push(version.clone());
                return false;
            }
            if release.commits.is_empty() {
                return match &release.previous {
                    Some(previous) if previous.commits.is_empty() => config.changelog.render_always,
                    _ => false,
                };
            }
            true
        })
        .map(Release::with_statistics)
        .collect();
    for skipped in &skipped_tags {
        let Some(at) =
            releases.iter().position(|r| r.previous.as_ref().and_then(|p| p.version.as_ref()) == Some(skipped))
        else {
            continue;
        };
        if let Some(older) = releases.get_mut(at + 1) {
            older.previous = None;
            let older = older.clone();
            releases[at].previous = Some(Box::new(older));
        } else {
            releases[at].previous = None;
        }
    }
    releases
}
