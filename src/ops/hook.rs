//! What the installed hooks run: `hook commit-msg` and `hook pre-push`.
//!
//! commit-msg runs on every commit, so it reads only what it needs straight from the files git
//! keeps (`.git/HEAD`, the config, the root `Cargo.toml`): no `cargo metadata`, no history walk.
//! pre-push loads the workspace only when a hotfix branch or a release tag is pushed.

use std::path::Path;

use semver::Version;

use crate::conventional::{self, ConventionalCommit, GitMessage};
use crate::git::files::{GitEnv, GitFiles};
use crate::git::history::Repository;
use crate::git::message::{self, Cleanup};
use crate::hotfix::policy::{Rule, Violation};
use crate::ops::check::{self, ApiCheck};
use crate::release_commit::ReleaseCommits;
use crate::workspace::config::Config;
use crate::workspace::layout::Layout;
use crate::workspace::manifest::Manifest;

/// The largest commit message the hook reads (far past any real one; `/dev/zero` stops here).
const MESSAGE_LIMIT: u64 = 1 << 20;

/// The longest header the lint accepts.
const MAX_HEADER: usize = 100;

/// Judges the commit message in `file`; `cwd` is where git runs the hook (the work tree root),
/// `env` the git variables of the hook's environment.
pub fn commit_msg(file: &Path, cwd: &Path, env: &GitEnv) -> anyhow::Result<Vec<Violation>> {
    let raw = crate::fs::read_bytes_bounded(file, "a commit message", MESSAGE_LIMIT)?;
    let raw = String::from_utf8_lossy(&raw);
    let git = GitFiles::find(cwd, env);
    let get = |name: &str| git.as_ref().and_then(|g| g.get(name));
    let comment =
        message::comment_prefix(get("core.commentstring").or_else(|| get("core.commentchar")).as_deref(), &raw);
    // git sets `GIT_EDITOR=:` for its hooks when it opened no editor (`builtin/commit.c`).
    let editor_used = env.editor.as_deref() != Some(std::ffi::OsStr::new(":"));
    let mode = Cleanup::resolve(env.cleanup_flag.as_deref(), get("commit.cleanup").as_deref(), editor_used);
    let message = message::clean(&raw, &comment, mode);
    let merging = git.as_ref().is_some_and(GitFiles::merging);
    match conventional::git_message(&message) {
        Some(GitMessage::Revert | GitMessage::Fixup) => return Ok(Vec::new()),
        Some(GitMessage::Merge) if merging => return Ok(Vec::new()),
        _ if message.trim().is_empty() => return Ok(Vec::new()),
        _ => {}
    }
    let header = message.lines().next().unwrap_or_default();
    let conventional = |text: String| {
        Violation {
        rule: Rule::Conventional,
        location: Some(header.to_owned()),
        message: text,
        help: "write `type(scope): description`, e.g. `fix(parser): reject empty input`; bypass once with `git commit --no-verify`"
            .into(),
    }
    };
    let mut violations = Vec::new();
    if header.chars().count() > MAX_HEADER {
        violations
            .push(conventional(format!("the header is {} characters long, over {MAX_HEADER}", header.chars().count())));
    }
    if message.lines().nth(1).is_some_and(|l| !l.trim().is_empty()) {
        violations.push(conventional("the body must be separated from the header by a blank line".into()));
    }
    let parsed = match ConventionalCommit::parse(&message) {
        Ok(parsed) => parsed,
        Err(_) if conventional::git_message(&message) == Some(GitMessage::Merge) => {
            violations.push(conventional(
                "`Merge ...` is git's message for a merge commit, and this commit merges nothing".into(),
            ));
            return Ok(violations);
        }
        Err(err) => {
            violations.push(conventional(format!("not a conventional commit: {err}")));
            return Ok(violations);
        }
    };
    // The parser lower-cases the type; the header still holds it as written.
    if !header.starts_with(&parsed.kind) {
        let written = &header[..parsed.kind.len()];
        violations.push(conventional(format!("the type `{written}` must be lower-case: `{}`", parsed.kind)));
    }
    let config = root_config(cwd);
    // `cargo patch release` makes this commit itself, whatever `allowed-types` lists; a breaking
    // one is judged like any other (`check` also judges what it changes).
    if !parsed.breaking && ReleaseCommits::new(&config.release_commit_message).is_release(&message) {
        return Ok(violations);
    }
    if !config.allowed_types.contains(&parsed.kind) {
        violations.push(Violation {
            rule: Rule::CommitType,
            location: Some(header.to_owned()),
            message: format!("type `{}` is not one of the allowed types", parsed.kind),
            help: format!(
                "use one of: {} (`allowed-types` in `[workspace.metadata.patch-release]`); bypass once with `git commit --no-verify`",
                config.allowed_types.join(", ")
            ),
        });
        return Ok(violations);
    }
    let Some(git) = git else { return Ok(violations) };
    let Some(branch) = git.branch() else { return Ok(violations) };
    let prefix = config.hotfix_branch_prefix().to_owned();
    let on_hotfix =
        (!prefix.is_empty() && branch.starts_with(&prefix)) || git.get(&format!("branch.{branch}.patchbase")).is_some();
    if !on_hotfix {
        return Ok(violations);
    }
    let allowed = &config.hotfix.allowed_types;
    let bypass = "; bypass once with `git commit --no-verify`";
    if parsed.breaking {
        violations.push(Violation {
            rule: Rule::CommitType,
            location: Some(header.to_owned()),
            message: format!("a breaking change cannot go on hotfix branch `{branch}`"),
            help: format!("keep the patch compatible; breaking changes belong on the main line{bypass}"),
        });
    } else if !allowed.iter().any(|t| t.eq_ignore_ascii_case(&parsed.kind)) {
        violations.push(Violation {
            rule: Rule::CommitType,
            location: Some(header.to_owned()),
            message: format!("type `{}` is not allowed on hotfix branch `{branch}`", parsed.kind),
            help: format!("use one of: {}; a `{}` belongs on the main line{bypass}", allowed.join(", "), parsed.kind),
        });
    }
    Ok(violations)
}

/// Judges what git is about to push: `lines` are git's `<local ref> <local sha> <remote ref>
/// <remote sha>` lines.
pub fn pre_push(manifest_path: Option<&Path>, cwd: &Path, env: &GitEnv, lines: &str) -> anyhow::Result<Vec<Violation>> {
    let mut pushes: Vec<(&str, &str)> = Vec::new();
    for (index, line) in lines.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [local_ref, local_sha, _remote_ref, remote_sha] = fields[..] else {
            if fields.is_empty() {
                continue;
            }
            return Err(BadPushLine::Fields { line: index + 1, found: fields.len() }.into());
        };
        // The ids go to `git diff` and `git rev-parse`: anything but an object id is refused.
        for id in [local_sha, remote_sha] {
            if !is_object_id(id) {
                return Err(BadPushLine::ObjectId { line: index + 1, id: id.to_owned() }.into());
            }
        }
        // A deletion pushes nothing to judge.
        if !local_sha.bytes().all(|b| b == b'0') {
            pushes.push((local_ref, local_sha));
        }
    }
    let git = GitFiles::find(cwd, env);
    let config = root_config(cwd);
    let prefix = config.hotfix_branch_prefix().to_owned();
    let is_hotfix = |branch: &str| {
        (!prefix.is_empty() && branch.starts_with(&prefix))
            || git.as_ref().is_some_and(|g| g.get(&format!("branch.{branch}.patchbase")).is_some())
    };
    let mut violations = Vec::new();
    let mut tags = Vec::new();
    for (local_ref, sha) in pushes {
        if let Some(branch) = local_ref.strip_prefix("refs/heads/").filter(|b| is_hotfix(b)) {
            let report = check::check(manifest_path, cwd, None, Some((branch, sha)), ApiCheck::WhenRequired)?;
            violations.extend(report.violations.into_iter().map(|mut v| {
                v.help.push_str("; bypass once with `git push --no-verify`");
                v
            }));
        } else if let Some(tag) = local_ref.strip_prefix("refs/tags/") {
            tags.push((tag, sha));
        }
    }
    if !tags.is_empty() {
        violations.extend(release_tags(manifest_path, cwd, &tags)?);
    }
    Ok(violations)
}

/// A line of pre-push input that is not what git writes.
#[derive(Debug, thiserror::Error)]
pub enum BadPushLine {
    #[error("line {line} of the pre-push input has {found} fields, not 4")]
    Fields { line: usize, found: usize },
    #[error("line {line} of the pre-push input: `{id}` is not an object id")]
    ObjectId { line: usize, id: String },
}

impl crate::error::Help for BadPushLine {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        "git writes `<local ref> <local sha> <remote ref> <remote sha>` lines, with 40 or 64 hex digits per id; \
         let `git push` run the hook"
            .into()
    }
}

/// Returns whether `id` is a full SHA-1 or SHA-256 object id (hex; 40 or 64 digits).
fn is_object_id(id: &str) -> bool {
    matches!(id.len(), 40 | 64) && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Release tags whose version differs from the manifests of the commit they tag.
fn release_tags(manifest_path: Option<&Path>, cwd: &Path, tags: &[(&str, &str)]) -> anyhow::Result<Vec<Violation>> {
    let ws = Layout::read(manifest_path, cwd)?;
    let repo = Repository::discover(&ws.root)?;
    let root = crate::fs::canonical(repo.workdir());
    let relative = |path: &Path| {
        crate::fs::canonical(path).strip_prefix(&root).map(|p| p.to_string_lossy().replace('\\', "/")).ok()
    };
    let mut violations = Vec::new();
    for (name, sha) in tags {
        let tag =
            crate::git::history::Tag { name: (*name).to_owned(), commit: String::new(), commit_time: 0, message: None };
        // The unit whose tag this is, and the manifest that holds its version.
        let found = crate::workspace::units::release_of_tag(&ws.units, &tag);
        let Some((unit, release)) = found else { continue };
        let commit = repo.resolve(sha)?;
        let manifest = match (unit.shared, release.crate_name.as_deref().or(unit.crates.first().map(String::as_str))) {
            (false, Some(krate)) => ws.member(krate).and_then(|m| relative(&m.manifest_path)),
            _ => relative(&ws.root_manifest_path),
        };
        let Some(manifest) = manifest else { continue };
        let text = repo.file_at(&commit, &manifest)?;
        let root_text = repo.file_at(&commit, relative(&ws.root_manifest_path).as_deref().unwrap_or("Cargo.toml"))?;
        let found = text.as_deref().and_then(|t| version_in(t, root_text.as_deref()));
        if found.as_ref() != Some(&release.version) {
            let found = found.map_or_else(|| "no version".to_owned(), |v| format!("version {v}"));
            violations.push(Violation {
                rule: Rule::ReleaseTag,
                location: Some(format!("{name} -> {manifest}")),
                message: format!("release tag `{name}` names {}, but `{manifest}` at that commit has {found}", release.version),
                help: "tag the release commit that sets this version (`cargo patch release` does), or delete the tag; bypass once with `git push --no-verify`".into(),
            });
        }
    }
    Ok(violations)
}

/// Returns the package version a manifest declares (following `version.workspace = true` to
/// the root manifest's `[workspace.package]`).
fn version_in(manifest: &str, root: Option<&str>) -> Option<Version> {
    let doc: toml_edit::DocumentMut = manifest.parse().ok()?;
    let workspace_version = |doc: &toml_edit::DocumentMut| {
        doc.get("workspace")?.get("package")?.get("version")?.as_str().and_then(|v| Version::parse(v).ok())
    };
    match doc.get("package").and_then(|p| p.get("version")) {
        Some(item) if item.is_str() => item.as_str().and_then(|v| Version::parse(v).ok()),
        Some(_) => root.and_then(|r| r.parse().ok()).and_then(|r: toml_edit::DocumentMut| workspace_version(&r)),
        None => workspace_version(&doc),
    }
}

/// The configuration of the workspace whose root manifest is `cwd/Cargo.toml`, or the defaults.
///
/// Only the `[*.metadata.patch-release]` tables (and `[*.metadata]`, which may hold them) are
/// parsed when they can be cut out of the text, so the cost does not grow with the manifest (a
/// 160 KB root manifest is common in large workspaces); a cut that does not parse falls back to
/// the whole manifest.
fn root_config(cwd: &Path) -> Config {
    let path = cwd.join("Cargo.toml");
    let Ok(text) = crate::fs::read_to_string(&path) else { return Config::default() };
    let manifest = match crate::workspace::config::patch_tables(&text) {
        Some(tables) => Manifest::parse(path.clone(), tables).or_else(|_| Manifest::parse(path, text)),
        None => Manifest::parse(path, text),
    };
    manifest.ok().and_then(|m| Config::from_root_manifest(&m).ok()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_versions_and_inherited_versions() {
        let root = "[workspace]\nmembers = [\"a\"]\n[workspace.package]\nversion = \"1.2.4\"\n";
        assert_eq!(version_in(root, None), Some(Version::new(1, 2, 4)));
        assert_eq!(
            version_in("[package]\nname = \"a\"\nversion.workspace = true\n", Some(root)),
            Some(Version::new(1, 2, 4))
        );
        assert_eq!(version_in("[package]\nname = \"a\"\nversion = \"0.3.0\"\n", None), Some(Version::new(0, 3, 0)));
    }

    #[test]
    fn the_whole_manifest_is_read_when_the_cut_tables_do_not_parse() {
        // A line of a multi-line array that opens with `[` reads as a table header to the cut.
        let text = "[workspace]\nmembers = []\n\n[workspace.metadata]\nmatrix = [\n    [\"a\", \"b\"],\n]\npatch = { remote = \"upstream\" }\n";
        let dir = tempfile::tempdir().unwrap();
        crate::fs::write_atomic(&dir.path().join("Cargo.toml"), text.as_bytes()).unwrap();
        assert_eq!(root_config(dir.path()).remote, "upstream");
    }
}
