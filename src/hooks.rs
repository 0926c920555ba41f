//! Installing the git hooks of `hooks/` (embedded in the binary) into the directory git really
//! runs hooks from, next to whatever hooks are already there.
//!
//! A foreign hook is never lost: it moves to `<hook>.cargo-patch-chained` (a rename keeps its
//! bytes and mode) and our script runs it first; `uninstall` moves it back.

use std::path::{Path, PathBuf};

use crate::git;

/// The line that marks a script as ours.
pub const MARKER: &str = "# cargo-patch managed hook";

/// Where a foreign hook is kept while ours runs it.
pub const CHAINED_SUFFIX: &str = ".cargo-patch-chained";

/// The hooks we install, with their scripts (`@CARGO_PATCH@` is the binary, shell-quoted).
pub const HOOKS: [(&str, &str); 2] =
    [("commit-msg", include_str!("../hooks/commit-msg")), ("pre-push", include_str!("../hooks/pre-push"))];

/// A hook's state in the hooks directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookState {
    NotInstalled,
    Installed,
    /// Ours, running a foreign hook first.
    InstalledChained,
    /// Ours, from another cargo-patch binary or version: `install` rewrites it.
    Outdated,
    /// Somebody else's: `install` chains it.
    Foreign,
}

impl std::fmt::Display for HookState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NotInstalled => "not installed",
            Self::Installed => "installed",
            Self::InstalledChained => "installed (chains a foreign hook)",
            Self::Outdated => "installed (outdated: run `cargo patch hooks install`)",
            Self::Foreign => "foreign hook",
        })
    }
}

/// A hooks operation that could not be done; nothing was changed for that hook.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Git(#[from] git::Error),
    #[error(transparent)]
    Fs(#[from] crate::fs::Error),
    #[error("failed to {what} `{}`", path.display())]
    Io { what: &'static str, path: PathBuf, source: std::io::Error },
    #[error("`{}` and `{}` both exist, and only one foreign hook can be chained", hook.display(), chained.display())]
    ChainTaken { hook: PathBuf, chained: PathBuf },
    #[error("the hooks in `{}` are managed by {}", dir.display(), manager.name())]
    Managed { dir: PathBuf, manager: Manager },
    #[error("{failure}; these hooks were installed and could not be taken back: {}", left.join(", "))]
    Partial { failure: Box<Error>, left: Vec<String> },
}

impl crate::error::Help for Error {
    type Lines = Option<String>;

    fn help(&self) -> Self::Lines {
        match self {
            Self::Git(err) => Some(err.help()),
            Self::Io { .. } => None,
            Self::Fs(err) => err.help(),
            Self::Partial { .. } => Some("run `cargo patch hooks uninstall` to remove them".into()),
            Self::Managed { manager, .. } => Some(manager.wiring()),
            Self::ChainTaken { .. } => {
                Some("merge the two hooks into one by hand, or pass `--force` to replace the chained one".into())
            }
        }
    }
}

fn io<'p>(what: &'static str, path: &'p Path) -> impl FnOnce(std::io::Error) -> Error + 'p {
    move |source| Error::Io { what, path: path.to_owned(), source }
}

/// Returns the directory git runs hooks from for the repository at `dir`: `core.hooksPath`,
/// the common directory of a linked worktree, a submodule's own git directory.
pub fn hooks_dir(dir: &Path) -> Result<PathBuf, Error> {
    let out = git::run(dir, &["rev-parse", "--path-format=absolute", "--git-path", "hooks"])?;
    Ok(PathBuf::from(out.trim_end_matches(['\n', '\r'])))
}

/// Returns our script for `hook`, calling `binary`.
pub fn script(template: &str, binary: &Path) -> String {
    template.replace("@CARGO_PATCH@", &shell_quote(&binary.to_string_lossy()))
}

/// Quotes `text` as one POSIX shell word that expands to nothing but itself.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Returns the state of each of our hooks in `dir`.
pub fn status(dir: &Path, binary: &Path) -> Vec<(&'static str, HookState)> {
    HOOKS
        .iter()
        .map(|(name, template)| {
            let path = dir.join(name);
            let chained = dir.join(format!("{name}{CHAINED_SUFFIX}")).exists();
            let state = match std::fs::read_to_string(&path) {
                Err(_) if !path.exists() => HookState::NotInstalled,
                Ok(text) if text == script(template, binary) && chained => HookState::InstalledChained,
                Ok(text) if text == script(template, binary) => HookState::Installed,
                Ok(text) if text.contains(MARKER) => HookState::Outdated,
                _ => HookState::Foreign,
            };
            (*name, state)
        })
        .collect()
}

/// What `install` or `uninstall` did to one hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub hook: &'static str,
    pub action: &'static str,
}

/// A hook manager that owns the hooks directory: we wire into its configuration instead of
/// replacing its scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Manager {
    Husky,
    PreCommit,
    Lefthook,
}

impl Manager {
    pub fn name(self) -> &'static str {
        match self {
            Self::Husky => "husky",
            Self::PreCommit => "the pre-commit framework",
            Self::Lefthook => "lefthook",
        }
    }

    /// Returns how to run our hooks through the manager (the README has the full snippets).
    pub fn wiring(self) -> String {
        let how = match self {
            Self::Husky => {
                "add `cargo-patch hook commit-msg \"$1\"` to .husky/commit-msg and `cargo-patch hook pre-push \"$@\"` to .husky/pre-push"
            }
            Self::PreCommit => {
                "add the `cargo-patch-commit-msg` and `cargo-patch-pre-push` hooks to .pre-commit-config.yaml"
            }
            Self::Lefthook => {
                "add `cargo-patch hook commit-msg {1}` (commit-msg) and `cargo-patch hook pre-push {1} {2}` with `use_stdin: true` (pre-push) to lefthook.yml"
            }
        };
        format!("{how} (README: \"Hook managers\"), or pass `--force` to chain its scripts anyway")
    }
}

/// Returns the manager that owns `dir`, if one does: husky points `core.hooksPath` at `.husky`;
/// pre-commit and lefthook write their own marked scripts.
pub fn manager(dir: &Path) -> Option<Manager> {
    if dir.components().any(|c| c.as_os_str() == ".husky") {
        return Some(Manager::Husky);
    }
    HOOKS.iter().find_map(|(name, _)| {
        let text = std::fs::read_to_string(dir.join(name)).ok()?;
        if text.contains(MARKER) {
            None
        } else if text.contains("pre-commit.com") {
            Some(Manager::PreCommit)
        } else if text.contains("lefthook") {
            Some(Manager::Lefthook)
        } else {
            None
        }
    })
}

/// How `install` treats what it finds.
#[derive(Debug, Clone, Copy, Default)]
pub struct InstallOptions {
    /// Replace a hook already chained by an earlier install, and chain a hook manager's scripts.
    pub force: bool,
    /// Return the changes without making them.
    pub dry_run: bool,
}

/// Installs our hooks into `dir`; a foreign hook is chained, ours is left or refreshed. Every
/// refusal is found before anything is changed, and a failure part way undoes the hooks already
/// installed (or says which could not be undone).
pub fn install(dir: &Path, binary: &Path, options: InstallOptions) -> Result<Vec<Change>, Error> {
    let InstallOptions { force, dry_run } = options;
    if !force && let Some(manager) = manager(dir) {
        return Err(Error::Managed { dir: dir.to_owned(), manager });
    }
    // STEP 1: decide every hook's change, refusing before anything is written.
    let mut planned = Vec::new();
    for ((name, template), (_, state)) in HOOKS.iter().zip(status(dir, binary)) {
        let path = dir.join(name);
        crate::fs::check_regular(&path)?;
        let chained = dir.join(format!("{name}{CHAINED_SUFFIX}"));
        let kind = match state {
            HookState::Installed | HookState::InstalledChained => continue,
            HookState::Outdated => Install::Refresh(crate::fs::read_to_string(&path)?),
            HookState::NotInstalled => Install::New,
            HookState::Foreign if chained.exists() && !force => return Err(Error::ChainTaken { hook: path, chained }),
            HookState::Foreign => Install::Chain(chained),
        };
        planned.push(PlannedHook { name, script: script(template, binary), path, kind });
    }
    let changes = planned.iter().map(|hook| Change { hook: hook.name, action: hook.kind.action() }).collect();
    if dry_run {
        return Ok(changes);
    }
    // STEP 2: install them in order; on failure, take back the ones already installed.
    std::fs::create_dir_all(dir).map_err(io("create", dir))?;
    for (index, hook) in planned.iter().enumerate() {
        if let Err(failure) = hook.apply() {
            let left: Vec<String> = planned
                .iter()
                .take(index)
                .rev()
                .filter(|done| done.undo().is_err())
                .map(|done| done.name.to_owned())
                .collect();
            return Err(if left.is_empty() { failure } else { Error::Partial { failure: Box::new(failure), left } });
        }
    }
    Ok(changes)
}

/// One hook `install` will write.
struct PlannedHook {
    name: &'static str,
    script: String,
    path: PathBuf,
    kind: Install,
}

/// What installing a hook does to what is there.
enum Install {
    New,
    /// An older script of ours, with its text.
    Refresh(String),
    /// A foreign hook, moved to this path and run first.
    Chain(PathBuf),
}

impl Install {
    fn action(&self) -> &'static str {
        match self {
            Self::New => "installed",
            Self::Refresh(_) => "refreshed",
            Self::Chain(_) => "installed, chaining the hook that was there",
        }
    }
}

impl PlannedHook {
    fn apply(&self) -> Result<(), Error> {
        injected_failure(self.name, &self.path)?;
        if let Install::Chain(chained) = &self.kind {
            std::fs::rename(&self.path, chained).map_err(io("keep the foreign hook", &self.path))?;
        }
        let written = write_executable(&self.path, &self.script);
        if written.is_err()
            && let Install::Chain(chained) = &self.kind
        {
            // Best effort: the error below already says what failed.
            let _ = std::fs::rename(chained, &self.path);
        }
        written
    }

    /// Puts back what was there before [`PlannedHook::apply`].
    fn undo(&self) -> Result<(), Error> {
        match &self.kind {
            Install::New => std::fs::remove_file(&self.path).map_err(io("remove", &self.path)),
            Install::Refresh(before) => write_executable(&self.path, before),
            Install::Chain(chained) => std::fs::rename(chained, &self.path).map_err(io("restore", chained)),
        }
    }
}

/// Removes our hooks from `dir` and puts chained foreign hooks back; foreign hooks stay. With
/// `dry_run`, returns the changes without making them.
pub fn uninstall(dir: &Path, binary: &Path, dry_run: bool) -> Result<Vec<Change>, Error> {
    let mut changes = Vec::new();
    for ((name, _), (_, state)) in HOOKS.iter().zip(status(dir, binary)) {
        let path = dir.join(name);
        let chained = dir.join(format!("{name}{CHAINED_SUFFIX}"));
        let action = match state {
            HookState::NotInstalled | HookState::Foreign => continue,
            HookState::Installed | HookState::Outdated | HookState::InstalledChained if chained.exists() => {
                if !dry_run {
                    std::fs::rename(&chained, &path).map_err(io("restore the chained hook", &chained))?;
                }
                "removed, restoring the hook it chained"
            }
            _ => {
                if !dry_run {
                    std::fs::remove_file(&path).map_err(io("remove", &path))?;
                }
                "removed"
            }
        };
        changes.push(Change { hook: name, action });
    }
    Ok(changes)
}

/// Test hook, debug builds only: `CARGO_PATCH_FAIL_HOOK=<hook>` makes installing that hook fail,
/// so the tests can prove that a failure part way takes back what was done before it.
#[cfg(debug_assertions)]
#[expect(clippy::disallowed_methods, reason = "a debug-only fault injection point, read where it acts")]
fn injected_failure(name: &str, path: &Path) -> Result<(), Error> {
    if std::env::var("CARGO_PATCH_FAIL_HOOK").is_ok_and(|wanted| wanted == name) {
        return Err(io("write", path)(std::io::Error::other("injected failure (CARGO_PATCH_FAIL_HOOK)")));
    }
    Ok(())
}

#[cfg(not(debug_assertions))]
fn injected_failure(_name: &str, _path: &Path) -> Result<(), Error> {
    Ok(())
}

/// Writes `text` atomically to `path` with mode 0755.
fn write_executable(path: &Path, text: &str) -> Result<(), Error> {
    let staged = crate::fs::stage(path, text.as_bytes())?;
    staged.make_executable()?;
    Ok(staged.commit()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_the_binary_as_one_inert_word() {
        assert_eq!(shell_quote("/opt/my tools/cargo-patch"), "'/opt/my tools/cargo-patch'");
        assert_eq!(shell_quote("/tmp/$(touch x)/it's"), r"'/tmp/$(touch x)/it'\''s'");
        for (name, template) in HOOKS {
            assert!(template.starts_with("#!/bin/sh\n") && template.contains(MARKER), "{name}");
        }
    }
}
