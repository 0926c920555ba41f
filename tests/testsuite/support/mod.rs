//! Test support: real workspaces in temp dirs, the built `cargo-patch`, hermetic git and cargo.

use std::path::{Path, PathBuf};
use std::process::Command;

use snapbox::cmd::Command as SnapCommand;
use snapbox::{Assert, Redactions};
use tempfile::TempDir;

pub(crate) mod cases;
pub(crate) mod rate_limit;
pub(crate) mod registry;
pub(crate) mod servers;
pub(crate) mod tools;

/// Returns the path of the built binary under test.
pub(crate) fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_cargo-patch"))
}

/// Returns `PATH` with the binary's directory first, so `cargo patch` finds `cargo-patch`.
pub(crate) fn path_with_bin() -> std::ffi::OsString {
    let bin_dir = bin().parent().expect("the binary has a directory").to_owned();
    let mut paths = vec![bin_dir];
    paths.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    std::env::join_paths(paths).expect("PATH entries are valid")
}

/// A workspace in a temp dir.
pub(crate) struct Project {
    dir: TempDir,
    root: PathBuf,
}

impl Project {
    /// Returns an empty project.
    pub(crate) fn new() -> Self {
        let dir = tempfile::Builder::new().prefix("cargo-patch-test-").tempdir().expect("temp dir");
        let root = dir.path().join("ws");
        std::fs::create_dir_all(&root).expect("create ws");
        std::fs::write(dir.path().join(".gitconfig"), "[user]\n\tname = Test\n\temail = test@example.com\n")
            .expect("write gitconfig");
        Self { dir, root }
    }

    /// Returns a project holding a copy of `fixture`.
    pub(crate) fn from_fixture(fixture: &Path) -> Self {
        let project = Self::new();
        copy_dir(fixture, project.root());
        project
    }

    /// Returns the directory the workspace lives in (`ws/` inside the temp dir, so the temp dir
    /// can hold the git config and bare remotes beside it).
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Returns the temp dir holding the workspace, git's home and any bare remote.
    pub(crate) fn home(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file, creating its directory.
    pub(crate) fn write(&self, rel: &str, contents: &str) -> &Self {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create dir");
        std::fs::write(path, contents).expect("write file");
        self
    }

    /// Returns a file's contents.
    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// Returns every file under the root (but `target/` and `.git/`) with its bytes.
    pub(crate) fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        files_under(self.root())
            .into_iter()
            .map(|rel| {
                let bytes = std::fs::read(self.root().join(&rel)).expect("read");
                (rel, bytes)
            })
            .collect()
    }

    /// Returns `cargo-patch` ready to run in the project root.
    pub(crate) fn cargo_patch(&self) -> SnapCommand {
        self.hermetic(SnapCommand::new(bin()))
    }

    /// Returns `cargo` ready to run in the project root (`cargo patch` finds the binary under test).
    pub(crate) fn cargo(&self) -> SnapCommand {
        self.hermetic(SnapCommand::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())))
    }

    fn hermetic(&self, command: SnapCommand) -> SnapCommand {
        let mut redactions = Redactions::new();
        let root = self.home().canonicalize().expect("canonical root");
        redactions.insert("[ROOT]", root).expect("valid redaction");
        command
            .with_assert(Assert::new().action_env("SNAPSHOTS").redact_with(redactions))
            .current_dir(self.root())
            .envs(git_env(self.home()))
            .env("PATH", path_with_bin())
            .env_remove("CARGO_PATCH_FAIL_WRITE")
            .env_remove("NO_COLOR")
    }

    /// Returns `program` ready to run in the project root with the hermetic git environment.
    pub(crate) fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        command.current_dir(self.root()).envs(git_env(self.home())).env_remove("NO_COLOR");
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("GIT_CLIFF__") {
                command.env_remove(key);
            }
        }
        command
    }

    /// Runs git in the project with a hermetic environment; panics on failure.
    pub(crate) fn git(&self, args: &[&str]) -> String {
        let output = self.command("git").args(args).output().expect("run git");
        assert!(output.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Makes the project a git repository with everything committed.
    pub(crate) fn commit_all(&self) -> &Self {
        if !self.root().join(".git").exists() {
            self.git(&["init", "-q", "-b", "main"]);
        }
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", "chore: fixture"]);
        self
    }

    /// Asserts `cargo metadata --locked --offline` accepts the workspace (lock in sync).
    pub(crate) fn assert_cargo_accepts_lock(&self) {
        self.run_cargo(&["metadata", "--locked", "--offline", "--format-version", "1"]);
    }

    /// Runs `cargo generate-lockfile --offline` (path-only workspaces need no network).
    pub(crate) fn generate_lockfile(&self) {
        self.run_cargo(&["generate-lockfile", "--offline"]);
    }

    fn run_cargo(&self, args: &[&str]) {
        let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args(args)
            .current_dir(self.root())
            .output()
            .expect("run cargo");
        assert!(output.status.success(), "cargo {args:?} failed:\n{}", String::from_utf8_lossy(&output.stderr));
    }
}

/// The environment that keeps git away from the developer's configuration.
fn git_env(home: &Path) -> Vec<(&'static str, std::ffi::OsString)> {
    vec![
        ("GIT_CONFIG_NOSYSTEM", "1".into()),
        ("GIT_CONFIG_GLOBAL", home.join(".gitconfig").into_os_string()),
        ("HOME", home.as_os_str().to_owned()),
        ("GIT_AUTHOR_NAME", "Test".into()),
        ("GIT_AUTHOR_EMAIL", "test@example.com".into()),
        ("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z".into()),
        ("GIT_COMMITTER_NAME", "Test".into()),
        ("GIT_COMMITTER_EMAIL", "test@example.com".into()),
        ("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z".into()),
    ]
}

/// Copies a directory tree.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for rel in files_under(from) {
        let target = to.join(&rel);
        std::fs::create_dir_all(target.parent().expect("has a parent")).expect("create dir");
        std::fs::copy(from.join(&rel), target).expect("copy file");
    }
}

/// Returns the files under `dir`, relative and sorted, skipping `target/` and `.git/`.
pub(crate) fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let entry = entry.expect("dir entry");
            let path = entry.path();
            let name = entry.file_name();
            if name == "target" || name == ".git" {
                continue;
            }
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                out.push(path.strip_prefix(base).expect("under base").to_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Asserts two trees hold the same files with the same bytes, showing a diff for each difference.
pub(crate) fn assert_trees_eq(expected: &Path, actual: &Path) {
    let expected_files = files_under(expected);
    let actual_files = files_under(actual);
    assert_eq!(expected_files, actual_files, "the trees hold different files");
    let mut problems = String::new();
    for rel in expected_files {
        let want = std::fs::read(expected.join(&rel)).expect("read expected");
        let got = std::fs::read(actual.join(&rel)).expect("read actual");
        if want != got {
            let want = String::from_utf8_lossy(&want);
            let got = String::from_utf8_lossy(&got);
            let diff = similar::TextDiff::from_lines(want.as_ref(), got.as_ref());
            problems.push_str(&format!(
                "{} differs (- expected, + actual):\n{}\n",
                rel.display(),
                diff.unified_diff().context_radius(2)
            ));
        }
    }
    assert!(problems.is_empty(), "{problems}");
}

/// Returns bytes as text, lossily (for messages).
pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Describes a finished command for an assertion message: its exit code and both streams.
pub(crate) fn describe(output: &std::process::Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        text(&output.stdout),
        text(&output.stderr)
    )
}

/// Asserts a command exited with `code`.
pub(crate) fn assert_code(output: &std::process::Output, code: i32, what: &str) {
    assert_eq!(output.status.code(), Some(code), "{what}: {}", describe(output));
}
