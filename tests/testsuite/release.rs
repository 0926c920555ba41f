//! `release` end to end on a two-crate hotfix workspace with a local bare remote: the happy path,
//! and a fault at every step. Before the push, a failure must leave files, refs, index and remote
//! exactly as they were; at or after it, the journal stays and `--resume` finishes the release.
//! Publishing to a real registry is covered in `release_registry`.
#![cfg(unix)]

use std::path::PathBuf;
use std::process::Output;

use crate::support::{Project, assert_code, describe, text};

/// A workspace `a` + `b` (b depends on a) at 1.0.0, tagged and pushed, with `hotfix/add-bug`
/// started from v1.0.0 and one critical fix committed on it through the installed hooks.
pub(crate) struct Release {
    pub(crate) project: Project,
    pub(crate) remote: PathBuf,
    /// Extra environment for every `cargo-patch` run (a test registry's).
    pub(crate) env: Vec<(String, std::ffi::OsString)>,
}

pub(crate) const ROOT_MANIFEST: &str = "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n\n\
[workspace.package]\nversion = \"1.0.0\" # one version for both\nedition = \"2021\"\n\n\
[workspace.metadata.patch-release]\n";

/// The configuration of most tests: nothing slow to verify.
pub(crate) const QUICK: &str = "verify = [\"true\"]\n";

impl Release {
    /// Returns the workspace with `config` as its `[workspace.metadata.patch-release]`, and `dependency`
    /// appended to `b`'s requirement on `a` (`, registry = "..."` for a test registry).
    pub(crate) fn with(config: &str, dependency: &str) -> Self {
        Self::with_files(config, dependency, &[])
    }

    /// Returns [`Release::with`] whose first commit also holds `files` (path, contents), written
    /// over the standard ones (a crate's manifest with its own table, say).
    pub(crate) fn with_files(config: &str, dependency: &str, files: &[(&str, String)]) -> Self {
        let project = Project::new();
        let remote = project.home().join("remote.git");
        project.git(&["init", "-q", "--bare", "-b", "main", remote.to_str().unwrap()]);
        project
            .write(".gitignore", "/target\n")
            .write("Cargo.toml", &format!("{ROOT_MANIFEST}{config}"))
            .write(
                "a/Cargo.toml",
                "[package]\nname = \"a\"\nversion.workspace = true\nedition.workspace = true\ndescription = \"a\"\nlicense = \"MIT\"\n",
            )
            .write("a/src/lib.rs", "/// Adds.\npub fn add(x: i32, y: i32) -> i32 {\n    x - y\n}\n")
            .write(
                "b/Cargo.toml",
                &format!(
                    "[package]\nname = \"b\"\nversion.workspace = true\nedition.workspace = true\ndescription = \"b\"\nlicense = \"MIT\"\n\n[dependencies]\na = {{ path = \"../a\", version = \"1.0.0\"{dependency} }}\n"
                ),
            )
            .write("b/src/lib.rs", "/// Twice.\npub fn twice(x: i32) -> i32 {\n    a::add(x, x)\n}\n");
        for (path, contents) in files {
            project.write(path, contents);
        }
        project.generate_lockfile();
        project.commit_all();
        project.git(&["tag", "v1.0.0"]);
        project.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
        project.git(&["push", "-q", "origin", "main", "v1.0.0"]);
        let release = Self { project, remote, env: Vec::new() };
        release.ok(&["hooks", "install"]);
        release.ok(&["start", "add-bug"]);
        release.project.write(
            "a/src/lib.rs",
            "/// Adds.\npub fn add(x: i32, y: i32) -> i32 {\n    x + y\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn adds() {\n        assert_eq!(super::add(1, 2), 3);\n    }\n}\n",
        );
        release.project.git(&["commit", "-q", "-am", "fix(a): add adds\n\nSeverity: critical"]);
        release
    }

    pub(crate) fn new() -> Self {
        Self::with(QUICK, "")
    }

    /// Runs `cargo-patch ARGS` and returns its output.
    pub(crate) fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = self.project.command(crate::support::bin());
        command.args(args).env("PATH", crate::support::path_with_bin());
        command.env_remove("CARGO_PATCH_FAIL_STEP").env_remove("CARGO_PATCH_FAIL_WRITE");
        command.envs(self.env.iter().map(|(key, value)| (key, value)));
        for (key, value) in env {
            command.env(key, value);
        }
        command.output().expect("run cargo-patch")
    }

    /// Runs `cargo-patch ARGS` and asserts it succeeds.
    pub(crate) fn ok(&self, args: &[&str]) -> Output {
        let output = self.run(args, &[]);
        assert_code(&output, 0, &format!("cargo-patch {args:?}"));
        output
    }

    /// Returns everything a release could change: every file's bytes, every ref, the index and
    /// work tree status, and the remote's refs.
    pub(crate) fn state(&self) -> String {
        let files: Vec<String> = self
            .project
            .snapshot()
            .into_iter()
            .map(|(path, bytes)| format!("{}: {}", path.display(), text(&bytes)))
            .collect();
        format!(
            "{}\n--- refs\n{}--- status\n{}--- remote\n{}--- HEAD\n{}",
            files.join("\n"),
            self.project.git(&["for-each-ref", "--format=%(refname) %(objectname)"]),
            self.project.git(&["status", "--porcelain", "--untracked-files=all"]),
            self.project.git(&["ls-remote", self.remote.to_str().unwrap()]),
            self.project.git(&["symbolic-ref", "HEAD"]),
        )
    }

    /// Makes the remote log how many refs each push carries, one line per push, as a forge's
    /// push events see them; returns the log's path.
    pub(crate) fn log_pushes(&self) -> PathBuf {
        log_pushes(&self.remote, &self.project.home().join("pushes.log"))
    }

    /// Makes the remote refuse every push (a pre-receive hook saying "remote says no"); returns
    /// the hook's path, so a test can lift the refusal.
    pub(crate) fn refuse_pushes(&self) -> PathBuf {
        let hook = self.remote.join("hooks/pre-receive");
        std::fs::write(&hook, "#!/bin/sh\necho 'remote says no' >&2\nexit 1\n").unwrap();
        std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        hook
    }

    pub(crate) fn journal(&self) -> PathBuf {
        self.project.root().join(".git/cargo-patch/release.json")
    }

    pub(crate) fn remote_refs(&self) -> String {
        self.project.git(&["ls-remote", self.remote.to_str().unwrap()])
    }
}

fn stderr(output: &Output) -> String {
    text(&output.stderr)
}

#[test]
fn releases_a_hotfix_end_to_end() {
    let r = Release::new();
    let fix = r.project.git(&["rev-parse", "HEAD"]).trim().to_owned();
    let output = r.ok(&["release", "--yes", "--no-publish"]);

    // Versions, lock file and changelog, in one release commit on the hotfix branch.
    let manifest = r.project.read("Cargo.toml");
    assert!(manifest.contains("version = \"1.0.1\" # one version for both"), "{manifest}");
    assert!(r.project.read("Cargo.lock").contains("name = \"a\"\nversion = \"1.0.1\""));
    let changelog = r.project.read("CHANGELOG.md");
    assert!(changelog.starts_with("# Changelog\n"), "{changelog}");
    assert!(changelog.contains("## [1.0.1]") && changelog.contains("Add adds"), "{changelog}");
    assert_eq!(r.project.git(&["log", "-1", "--format=%s"]).trim(), "chore(release): v1.0.1");
    assert_eq!(r.project.git(&["rev-parse", "HEAD~1"]).trim(), fix);
    assert_eq!(r.project.git(&["status", "--porcelain"]), "");

    // The release branch is fast-forwarded to it, and the annotated tag holds the notes verbatim.
    let release_commit = r.project.git(&["rev-parse", "HEAD"]);
    assert_eq!(r.project.git(&["rev-parse", "release/v1.0"]), release_commit);
    assert_eq!(r.project.git(&["cat-file", "-t", "v1.0.1"]).trim(), "tag");
    let message = r.project.git(&["tag", "-l", "--format=%(contents)", "v1.0.1"]);
    assert!(message.starts_with("## v1.0.1 ("), "{message}");
    assert!(message.contains("### Highlights") && message.contains("**[CRITICAL]**"), "{message}");
    assert!(message.contains("cargo update -p a --precise 1.0.1"), "{message}");
    // The notes are printed at the end, too.
    assert!(text(&output.stdout).contains("## v1.0.1 ("), "{}", describe(&output));

    // Branch and tag reached the remote together.
    let remote = r.remote_refs();
    assert!(remote.contains(&format!("{}\trefs/heads/release/v1.0", release_commit.trim())), "{remote}");
    assert!(remote.contains("refs/tags/v1.0.1"), "{remote}");

    // The journal became the release's record; no lock is left.
    assert!(!r.journal().exists());
    assert!(!r.project.root().join(".git/cargo-patch/release.lock").exists());
    let record = std::fs::read_to_string(r.project.root().join(".git/cargo-patch/releases/v1.0.1.json")).unwrap();
    assert!(record.contains(&fix), "the record lists the fix commit: {record}");

    // `cargo metadata` accepts the edited workspace, and `check` still passes on the hotfix branch.
    r.project.assert_cargo_accepts_lock();
    r.ok(&["check"]);
}

#[test]
fn dry_run_and_refusals_change_nothing() {
    let r = Release::new();
    let before = r.state();

    let output = r.run(&["release", "--dry-run"], &[]);
    assert_code(&output, 0, "dry run");
    assert!(text(&output.stdout).contains("+version = \"1.0.1\" # one version for both"), "{}", describe(&output));
    assert!(stderr(&output).contains("git push --atomic origin refs/heads/release/v1.0 refs/tags/v1.0.1"));
    assert_eq!(r.state(), before, "dry run");

    // No TTY and no --yes.
    let output = r.run(&["release"], &[]);
    assert_code(&output, 1, "no tty");
    assert!(stderr(&output).contains("pass `--yes`"), "{}", describe(&output));
    assert_eq!(r.state(), before, "no tty");

    // Only a patch leaves a hotfix branch.
    let output = r.run(&["release", "minor", "--yes"], &[]);
    assert_code(&output, 1, "minor on a hotfix branch");
    assert!(stderr(&output).contains("only a patch release"), "{}", describe(&output));
    assert_eq!(r.state(), before, "minor");

    // A dirty tree.
    r.project.write("a/src/extra.rs", "// scratch\n");
    let output = r.run(&["release", "--yes"], &[]);
    assert_code(&output, 1, "dirty tree");
    assert!(stderr(&output).contains("uncommitted changes in `a/src/extra.rs`"), "{}", describe(&output));
    std::fs::remove_file(r.project.root().join("a/src/extra.rs")).unwrap();
    assert_eq!(r.state(), before, "dirty");
}

#[test]
fn a_closed_release_window_refuses() {
    // Wednesday 2026-12-02 23:59:59 UTC, one second before the window opens (the debug build's
    // test clock): a clock read twice, or in local time, would see Thursday.
    let wednesday_night = [("CARGO_PATCH_NOW", "1796255999")];
    let window = format!("{QUICK}release-window = \"Thu-Sun 00:00-24:00 UTC\"\n");
    let r = Release::with(&window, "");
    let before = r.state();
    let output = r.run(&["release", "--yes", "--no-publish"], &wednesday_night);
    assert_code(&output, 1, "closed window");
    assert!(stderr(&output).contains("outside the release window"), "{}", describe(&output));
    assert_eq!(r.state(), before);
    // One second later it is open.
    let output = r.run(&["release", "--dry-run"], &[("CARGO_PATCH_NOW", "1796256000")]);
    assert_code(&output, 0, "open window");
}

#[test]
fn every_failure_up_to_the_push_undoes_every_local_step() {
    for step in ["verify", "write-files", "commit", "move-branch", "tag", "push"] {
        let r = Release::new();
        let before = r.state();
        let output = r.run(&["release", "--yes", "--no-publish"], &[("CARGO_PATCH_FAIL_STEP", step)]);
        assert_code(&output, 1, step);
        let err = stderr(&output);
        assert!(err.contains("injected failure"), "{step}: {}", describe(&output));
        // A failed push the remote never received (asked with `git ls-remote`) is undone too.
        assert!(err.contains("the release was undone"), "{step}: {err}");
        assert_eq!(r.state(), before, "{step}: the repository must be exactly as it was");
        assert!(!r.journal().exists(), "{step}: no journal after an undo");
        // And the same release then goes through.
        r.ok(&["release", "--yes", "--no-publish"]);
    }
}

#[test]
fn a_failing_verify_command_or_a_tag_that_appears_meanwhile_undoes_the_release() {
    let r = Release::with("verify = [\"echo checking; exit 3\"]\n", "");
    let before = r.state();
    let output = r.run(&["release", "--yes", "--no-publish"], &[]);
    assert_code(&output, 1, "failing verify");
    assert!(stderr(&output).contains("`echo checking; exit 3` failed"), "{}", describe(&output));
    assert!(stderr(&output).contains("checking"), "verify output is streamed: {}", describe(&output));
    assert_eq!(r.state(), before);

    // A verify command that tags the version behind our back: the tag step finds it and undoes
    // everything else, leaving that foreign tag alone.
    let r = Release::with("verify = [\"git tag v1.0.1\"]\n", "");
    let head = r.project.git(&["rev-parse", "HEAD"]);
    let before = r.state();
    let output = r.run(&["release", "--yes", "--no-publish"], &[]);
    assert_code(&output, 1, "tag appears");
    assert!(stderr(&output).contains("tag `v1.0.1` appeared while the release ran"), "{}", describe(&output));
    assert_eq!(r.project.git(&["rev-parse", "v1.0.1"]), head, "the foreign tag is kept");
    r.project.git(&["tag", "-d", "v1.0.1"]);
    assert_eq!(r.state(), before);
}

#[test]
fn a_push_refused_by_the_remote_is_undone() {
    let r = Release::new();
    let hook = r.refuse_pushes();
    let before = r.state();
    let output = r.run(&["release", "--yes", "--no-publish"], &[]);
    assert_code(&output, 1, "refused push");
    let err = stderr(&output);
    assert!(err.contains("could not push; the release was undone") && err.contains("remote says no"), "{err}");
    // The remote has none of it (asked, not assumed): nothing is left half done.
    assert_eq!(r.state(), before, "tag, commit, files and remote as they were");
    assert!(!r.journal().exists());
    std::fs::remove_file(&hook).unwrap();
    let output = r.ok(&["release", "--yes", "--no-publish"]);
    assert!(stderr(&output).contains("Pushed"), "{}", describe(&output));
    assert!(r.remote_refs().contains("refs/tags/v1.0.1"));
}

#[test]
fn an_unfinished_release_is_shown_and_blocks_another_until_resumed() {
    let r = Release::new();
    r.ok(&["release", "--yes", "--no-push", "--no-publish"]);
    let output = r.ok(&["status"]);
    assert!(
        text(&output.stdout).contains("Unfinished release `v1.0.1`: left: push; run `cargo patch release --resume`"),
        "{}",
        describe(&output)
    );
    let output = r.run(&["release", "--yes"], &[]);
    assert_code(&output, 1, "unfinished");
    assert!(stderr(&output).contains("release `v1.0.1` is unfinished (done: "), "{}", describe(&output));
    let output = r.ok(&["release", "--resume"]);
    assert!(stderr(&output).contains("Pushed"), "{}", describe(&output));
    assert!(r.remote_refs().contains("refs/tags/v1.0.1"));
    assert!(!r.journal().exists());
    let output = r.run(&["release", "--resume"], &[]);
    assert_code(&output, 1, "nothing to resume");
}

#[test]
fn no_push_stops_before_the_push_and_resume_pushes() {
    let r = Release::new();
    let remote_before = r.remote_refs();
    let output = r.ok(&["release", "--yes", "--no-push", "--no-publish"]);
    assert!(stderr(&output).contains("--resume"), "{}", describe(&output));
    assert_eq!(r.remote_refs(), remote_before);
    assert!(r.journal().exists());
    r.ok(&["release", "--resume"]);
    assert!(r.remote_refs().contains("refs/tags/v1.0.1"));
}

#[test]
fn a_second_release_during_the_first_is_refused() {
    // The verify command starts a second release while the first holds the lock.
    let log = "../second.log";
    let verify = format!("verify = [\"cargo-patch release --yes --no-publish > {log} 2>&1; test $? -eq 1\"]");
    let r = Release::with(&format!("{verify}\n"), "");
    r.ok(&["release", "--yes", "--no-publish"]);
    let second = std::fs::read_to_string(r.project.home().join("second.log")).unwrap();
    assert!(second.contains("another release is running"), "{second}");
    assert!(r.remote_refs().contains("refs/tags/v1.0.1"), "the first release went through");
}

#[test]
fn rollback_reverts_only_the_fixes_and_dates_the_branch_cut_after_the_branch_is_gone() {
    let r = Release::new();
    commit_file(&r, "a/README.md", "# a\n\nAdds numbers.\n", "docs(a): say what it does");
    r.ok(&["release", "--yes", "--no-publish"]);
    // The hotfix branch is merged and deleted, as most teams do: its reflog is gone.
    r.project.git(&["switch", "-q", "release/v1.0"]);
    r.project.git(&["branch", "-D", "hotfix/add-bug"]);

    r.ok(&["rollback", "v1.0.1", "--no-yank", "--yes"]);
    let log = r.project.git(&["log", "--format=%s", "release/v1.0..HEAD"]);
    assert!(log.contains("revert: fix(a): add adds"), "{log}");
    assert!(!log.contains("docs(a)"), "a docs change is no fix to revert: {log}");
    assert!(r.project.root().join("a/README.md").exists());
    let retro = r.project.read("docs/retrospectives/v1.0.1.md");
    assert!(retro.contains("branch `hotfix/add-bug` cut"), "{retro}");
    assert!(!retro.contains("fix committed: ") || !retro.contains("docs(a)"), "{retro}");
}

#[test]
fn rollback_reverts_the_fixes_on_a_new_hotfix_branch_with_a_retrospective() {
    let r = Release::new();
    r.ok(&["release", "--yes", "--no-publish"]);
    let fix = r.project.git(&["rev-parse", "HEAD~1"]).trim().to_owned();
    let released_lib = r.project.read("a/src/lib.rs");

    let before = r.state();
    let output = r.run(&["rollback", "1.0.1", "--no-yank", "--dry-run"], &[]);
    assert_code(&output, 0, "dry run");
    assert!(stderr(&output).contains(&format!("git revert {}", &fix[..7])), "{}", describe(&output));
    assert_eq!(r.state(), before, "a dry run changes nothing");

    r.ok(&["rollback", "v1.0.1", "--no-yank", "--yes"]);
    assert_eq!(r.project.git(&["symbolic-ref", "--short", "HEAD"]).trim(), "hotfix/rollback-v1.0.1");
    assert_eq!(r.project.git(&["config", "branch.hotfix/rollback-v1.0.1.patchBase"]).trim(), "v1.0.1");
    // Started from the release branch; the fix is reverted, the version bump is not.
    let log = r.project.git(&["log", "--format=%s%n%b", "release/v1.0..HEAD"]);
    assert!(log.contains("revert: fix(a): add adds") && log.contains(&format!("This reverts commit {fix}.")), "{log}");
    assert!(r.project.read("a/src/lib.rs").contains("x - y"), "the fix is reverted");
    assert_ne!(r.project.read("a/src/lib.rs"), released_lib);
    assert!(r.project.read("Cargo.toml").contains("version = \"1.0.1\""), "the release's version stays");
    // A critical fix: the retrospective skeleton with its timeline from the journal.
    let retro = r.project.read("docs/retrospectives/v1.0.1.md");
    for line in
        ["# Retrospective: v1.0.1", "tagged `v1.0.1`", "pushed to `origin`", "fix committed:", "## What we change"]
    {
        assert!(retro.contains(line), "missing {line:?} in:\n{retro}");
    }
    // The branch passes the policy, so the revert can be released as the next patch.
    r.ok(&["check"]);
    let output = r.run(&["rollback", "1.0.1", "--no-yank", "--yes"], &[]);
    assert_code(&output, 1, "a second rollback");
    assert!(stderr(&output).contains("already exists"), "{}", describe(&output));
}

#[test]
fn forward_port_carries_the_fix_and_its_changelog_to_main() {
    let r = Release::new();
    r.ok(&["release", "--yes", "--no-publish"]);
    let fix = r.project.git(&["rev-parse", "HEAD~1"]).trim().to_owned();
    r.project.git(&["switch", "-q", "main"]);
    r.project.write("CHANGELOG.md", "# Changelog\n\n## [1.0.0]\n\n- first\n");
    r.project.git(&["add", "CHANGELOG.md"]);
    r.project.git(&["commit", "-q", "-m", "docs: changelog"]);
    let main = r.project.git(&["rev-parse", "main"]);

    r.ok(&["forward-port"]);
    assert_eq!(r.project.git(&["symbolic-ref", "--short", "HEAD"]).trim(), "forward-port/v1.0.1");
    assert_eq!(r.project.git(&["rev-parse", "main"]), main, "main itself is untouched");
    let log = r.project.git(&["log", "--format=%s%n%b", "main..HEAD"]);
    assert!(log.contains(&format!("(cherry picked from commit {fix})")), "{log}");
    assert!(!log.lines().any(|l| l == "chore(release): v1.0.1"), "the release commit stays on its line: {log}");
    assert!(r.project.read("Cargo.toml").contains("version = \"1.0.1\""), "main's version follows the release");
    assert!(r.project.read("a/src/lib.rs").contains("x + y"));
    let changelog = r.project.read("CHANGELOG.md");
    let new = changelog.find("## [1.0.1]").expect("the release's section");
    assert!(new < changelog.find("## [1.0.0]").unwrap(), "{changelog}");
    assert!(changelog.starts_with("# Changelog\n\n## [1.0.1]"), "{changelog}");
    // The cherry-pick is listed once by the changelog of the main line.
    let output = r.ok(&["changelog", "--unreleased"]);
    assert_eq!(text(&output.stdout).matches("Add adds").count(), 1, "{}", describe(&output));
}

#[test]
fn forward_port_does_not_pick_again_what_the_main_line_has() {
    let r = Release::new();
    // A note written on main, then carried to the hotfix (the same patch), then changed on main:
    // picking it again would conflict. tokio merges its LTS lines forward, the same situation.
    r.project.git(&["switch", "-q", "main"]);
    commit_file(&r, "a/NOTES.md", "first\n", "docs(a): notes");
    let note = r.project.git(&["rev-parse", "HEAD"]).trim().to_owned();
    r.project.write("a/NOTES.md", "second\n");
    r.project.git(&["commit", "-q", "-am", "docs(a): notes, revised"]);
    r.project.git(&["switch", "-q", "hotfix/add-bug"]);
    r.project.git(&["cherry-pick", &note]);
    r.ok(&["release", "--yes", "--no-publish"]);
    r.project.git(&["switch", "-q", "main"]);

    let output = r.ok(&["forward-port"]);
    let err = stderr(&output);
    assert!(err.contains("docs(a): notes (the main line has it already)"), "{}", describe(&output));
    let log = r.project.git(&["log", "--format=%s", "main..HEAD"]);
    assert!(log.contains("fix(a): add adds"), "{log}");
    assert!(!log.lines().any(|l| l == "docs(a): notes"), "not picked again: {log}");
    assert_eq!(r.project.read("a/NOTES.md"), "second\n", "the main line's version stays");
}

/// Installs a `pre-commit` hook in the fixture's repository running `script`.
fn pre_commit_hook(r: &Release, script: &str) {
    let hook = r.project.root().join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(&hook, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::process::Command::new("chmod").arg("+x").arg(&hook).status().unwrap();
}

#[test]
fn forward_port_and_rollback_that_fail_half_way_leave_the_repository_as_it_was() {
    let config = |r: &Release| r.project.git(&["config", "--local", "--list"]);
    // forward-port: the picks are made, then the changelog commit is refused by a hook.
    let r = Release::new();
    r.ok(&["release", "--yes", "--no-publish"]);
    r.project.git(&["switch", "-q", "main"]);
    pre_commit_hook(
        &r,
        "git diff --cached --name-only | grep -q CHANGELOG && { echo 'pre-commit: no changelog edits' >&2; exit 1; }; exit 0",
    );
    let (before, config_before) = (r.state(), config(&r));
    let output = r.run(&["forward-port"], &[]);
    assert_code(&output, 1, "a refused changelog commit");
    let err = stderr(&output);
    assert!(err.contains("pre-commit: no changelog edits"), "{}", describe(&output));
    assert!(err.contains("`cargo patch forward-port` failed; what it had done was taken back"), "{err}");
    assert_eq!(r.state(), before, "refs, HEAD, index and files as they were");
    assert_eq!(config(&r), config_before);
    assert!(!r.project.root().join(".git/cargo-patch/forward-port.json").exists(), "nothing to --continue");
    std::fs::remove_file(r.project.root().join(".git/hooks/pre-commit")).unwrap();
    r.ok(&["forward-port"]);

    // rollback: the branch is cut and its base recorded, then the revert commit is refused.
    let r = Release::new();
    r.ok(&["release", "--yes", "--no-publish"]);
    pre_commit_hook(&r, "echo 'pre-commit says no' >&2; exit 1");
    let (before, config_before) = (r.state(), config(&r));
    let output = r.run(&["rollback", "v1.0.1", "--no-yank", "--yes"], &[]);
    assert_code(&output, 1, "a refused revert commit");
    let err = stderr(&output);
    assert!(err.contains("pre-commit says no"), "{}", describe(&output));
    assert!(err.contains("`cargo patch rollback` failed; what it had done was taken back"), "{err}");
    assert!(err.contains("help: fix the cause below and run `cargo patch rollback` again"), "{err}");
    assert_eq!(r.state(), before, "refs, HEAD, index and files as they were: {err}");
    assert_eq!(config(&r), config_before, "no base recorded for a branch that is gone");

    // A lock git left behind is named before anything, the yanks included, is done.
    std::fs::remove_file(r.project.root().join(".git/hooks/pre-commit")).unwrap();
    std::fs::write(r.project.root().join(".git/config.lock"), "").unwrap();
    let output = r.run(&["rollback", "v1.0.1", "--no-yank", "--dry-run"], &[]);
    assert_code(&output, 1, "a stale config.lock");
    assert!(stderr(&output).contains("config.lock` exists"), "{}", describe(&output));
    assert_eq!(r.state(), before);
}

#[test]
fn forward_port_picks_what_it_can_stops_at_a_conflict_and_continues() {
    let r = Release::new();
    commit_file(&r, "a/src/more.rs", "//! More, fixed.\n", "fix(a): more without a bug");
    commit_file(&r, "a/NOTES.md", "notes\n", "docs(a): notes");
    r.ok(&["release", "--yes", "--no-publish"]);
    // Main wrote the same file meanwhile: the second pick conflicts there.
    r.project.git(&["switch", "-q", "main"]);
    commit_file(&r, "a/src/more.rs", "//! More, on main.\n", "refactor(a): more on main");

    let output = r.run(&["forward-port"], &[]);
    assert_code(&output, 1, "a conflicting pick");
    let err = stderr(&output);
    assert!(err.contains("Picked") && err.contains("add adds"), "{}", describe(&output));
    assert!(err.contains("more without a bug") && err.contains("conflicts"), "{}", describe(&output));
    assert!(err.contains("left:") && err.contains("docs(a): notes"), "{}", describe(&output));
    assert!(err.contains("cargo patch forward-port --continue"), "{}", describe(&output));

    // The user resolves the conflict as git asks, then continues.
    r.project.write("a/src/more.rs", "//! More, fixed.\n");
    r.project.git(&["add", "a/src/more.rs"]);
    let output = r.ok(&["forward-port", "--continue"]);
    assert!(stderr(&output).contains("docs(a): notes"), "{}", describe(&output));
    let log = r.project.git(&["log", "--format=%s", "main..HEAD"]);
    for subject in ["fix(a): add adds", "fix(a): more without a bug", "docs(a): notes", "docs(changelog): add v1.0.1"] {
        assert!(log.contains(subject), "missing {subject:?} in {log}");
    }
    assert_eq!(r.project.git(&["status", "--porcelain"]), "", "nothing left half-done");
    // The main line now knows 1.0.1 is released: its manifest is at 1.0.1, and `status` proposes
    // nothing already tagged (the picks are the release's own fixes).
    assert!(r.project.read("Cargo.toml").contains("version = \"1.0.1\""), "{}", r.project.read("Cargo.toml"));
    let status = r.ok(&["status", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    for krate in value["crates"].as_array().unwrap() {
        assert_ne!(krate["next"], "1.0.1", "{value}");
        assert_eq!(krate["latest_stable"], "v1.0.1", "{value}");
        let unreleased = krate["unreleased"].to_string();
        assert!(!unreleased.contains("add adds") && !unreleased.contains("notes"), "released already: {value}");
    }
    let output = r.run(&["forward-port", "--continue"], &[]);
    assert_code(&output, 1, "nothing left to continue");
}

#[test]
fn forward_port_says_a_pick_left_out_with_git_cherry_pick_skip_was_not_picked() {
    // gfx-rs/wgpu's shape: the release line has a commit of its own (there, for a crate the main
    // line no longer has) that conflicts on the main line and does not belong there.
    let r = Release::new();
    commit_file(&r, "a/src/more.rs", "//! More, for the release line only.\n", "fix(a): more for the line");
    r.ok(&["release", "--yes", "--no-publish"]);
    r.project.git(&["switch", "-q", "main"]);
    commit_file(&r, "a/src/more.rs", "//! More, on main.\n", "refactor(a): more on main");
    let main_file = r.project.read("a/src/more.rs");

    let output = r.run(&["forward-port"], &[]);
    assert_code(&output, 1, "a conflicting pick");
    let err = stderr(&output);
    assert!(err.contains("more for the line") && err.contains("conflicts"), "{}", describe(&output));
    assert!(err.contains("or leave the commit out with `git cherry-pick --skip`"), "{}", describe(&output));

    r.project.git(&["cherry-pick", "--skip"]);
    let output = r.ok(&["forward-port", "--continue"]);
    let err = stderr(&output);
    assert!(err.contains("more for the line (left out with `git cherry-pick --skip`)"), "{}", describe(&output));
    assert!(!err.lines().any(|l| l.contains("Picked") && l.contains("more for the line")), "{err}");
    let log = r.project.git(&["log", "--format=%s", "main..HEAD"]);
    assert!(log.contains("fix(a): add adds") && !log.contains("more for the line"), "{log}");
    assert_eq!(r.project.read("a/src/more.rs"), main_file, "the main line's file stays");
    assert_eq!(r.project.git(&["status", "--porcelain"]), "", "nothing left half-done");
}

#[test]
fn releases_from_main_at_the_level_the_commits_call_for() {
    let r = Release::new();
    r.project.git(&["switch", "-q", "main"]);
    r.project.write("b/src/lib.rs", "/// Twice.\npub fn twice(x: i32) -> i32 {\n    a::add(x, x)\n}\n\n/// Thrice.\npub fn thrice(x: i32) -> i32 {\n    3 * x\n}\n");
    r.project.git(&["commit", "-q", "-am", "feat(b): thrice"]);
    let output = r.ok(&["release", "--yes", "--no-publish"]);
    assert!(text(&output.stderr).contains("release `v1.1.0` from branch `main`"), "{}", describe(&output));
    assert!(r.project.read("Cargo.toml").contains("version = \"1.1.0\""));
    // The release commit and tag are on main itself; no release branch moves.
    assert_eq!(r.project.git(&["rev-parse", "v1.1.0^{commit}"]), r.project.git(&["rev-parse", "main"]));
    assert_eq!(r.project.git(&["rev-parse", "release/v1.0"]), r.project.git(&["rev-parse", "v1.0.0^{commit}"]));
    let remote = r.remote_refs();
    assert!(remote.contains("refs/tags/v1.1.0"), "{remote}");
    assert!(remote.contains(&format!("{}\trefs/heads/main", r.project.git(&["rev-parse", "main"]).trim())), "{remote}");
}

#[test]
fn independent_versions_release_only_the_changed_crate_under_its_own_tag() {
    let project = Project::new();
    let remote = project.home().join("remote.git");
    project.git(&["init", "-q", "--bare", "-b", "main", remote.to_str().unwrap()]);
    project
        .write(".gitignore", "/target\n")
        .write(
            "Cargo.toml",
            &format!(
                "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n\n[workspace.metadata.patch-release]\n{QUICK}"
            ),
        )
        .write("a/Cargo.toml", "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
        .write("a/src/lib.rs", "")
        .write("b/Cargo.toml", "[package]\nname = \"b\"\nversion = \"0.3.0\"\nedition = \"2021\"\n")
        .write("b/src/lib.rs", "");
    project.generate_lockfile();
    project.commit_all();
    project.git(&["tag", "a-v0.1.0"]);
    project.git(&["tag", "b-v0.3.0"]);
    project.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    project.git(&["push", "-q", "origin", "main", "--tags"]);
    project.write("a/src/lib.rs", "/// X.\npub fn x() {}\n");
    project.git(&["commit", "-q", "-am", "fix(a): x"]);

    let r = Release { project, remote, env: Vec::new() };
    r.ok(&["release", "--yes", "--no-publish"]);
    assert!(r.project.read("a/Cargo.toml").contains("version = \"0.1.1\""));
    assert!(r.project.read("b/Cargo.toml").contains("version = \"0.3.0\""), "b did not change");
    let message = r.project.git(&["tag", "-l", "--format=%(contents)", "a-v0.1.1"]);
    assert!(message.starts_with("## a-v0.1.1 (") && message.contains("cargo update -p a --precise 0.1.1"), "{message}");
    assert!(!message.contains("-p b"), "{message}");
    assert!(r.remote_refs().contains("refs/tags/a-v0.1.1"));
    assert!(!r.remote_refs().contains("b-v0.3.1"));
}

#[test]
fn a_release_killed_after_its_commit_resumes_without_committing_twice() {
    let r = Release::new();
    // A post-commit hook that kills cargo-patch (git's parent) the first time: the commit exists,
    // the journal does not know it yet, and the lock's owner is gone.
    let hook = r.project.root().join(".git/hooks/post-commit");
    std::fs::write(&hook, "#!/bin/sh\ntest -e ../killed && exit 0\ntouch ../killed\nkill -9 \"$(ps -o ppid= -p \"$PPID\" | tr -d ' ')\"\n").unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let output = r.run(&["release", "--yes", "--no-publish"], &[]);
    assert_eq!(output.status.code(), None, "killed by a signal: {}", describe(&output));
    assert!(r.journal().exists());
    assert!(r.project.root().join(".git/cargo-patch/release.lock").exists(), "the dead process's lock is left");
    assert_eq!(r.project.git(&["log", "-1", "--format=%s"]).trim(), "chore(release): v1.0.1");

    let output = r.run(&["release", "--yes"], &[]);
    assert_code(&output, 1, "a new release while one is unfinished");
    let output = r.ok(&["release", "--resume"]);
    assert!(text(&output.stderr).contains("Committed the release (already done)"), "{}", describe(&output));
    assert_eq!(r.project.git(&["log", "--format=%s", "release/v1.0"]).matches("chore(release)").count(), 1);
    assert!(r.remote_refs().contains("refs/tags/v1.0.1"));
    assert!(!r.project.root().join(".git/cargo-patch/release.lock").exists());
}

#[test]
fn abort_undoes_a_release_that_stopped_before_its_push() {
    let r = Release::new();
    let before = r.state();
    r.ok(&["release", "--yes", "--no-push", "--no-publish"]);
    assert_ne!(r.state(), before, "the local steps stay until the push");

    let output = r.ok(&["release", "--abort"]);
    assert!(stderr(&output).contains("Aborted release `v1.0.1`"), "{}", describe(&output));
    assert_eq!(r.state(), before, "the repository is exactly as it was");
    assert!(!r.journal().exists());
    let output = r.run(&["release", "--abort"], &[]);
    assert_code(&output, 1, "nothing left to abort");
}

#[test]
fn changelog_per_crate_writes_each_released_crates_own_changelog() {
    let r = Release::with(&format!("{QUICK}changelog-per-crate = true\n"), "");
    r.ok(&["release", "--yes", "--no-publish"]);
    let a = r.project.read("a/CHANGELOG.md");
    assert!(a.starts_with("# Changelog\n") && a.contains("## [1.0.1]") && a.contains("Add adds"), "{a}");
    // `b` moved with the shared version but no commit touched it: no section to write.
    assert!(!r.project.root().join("b/CHANGELOG.md").exists());
    assert!(!r.project.root().join("CHANGELOG.md").exists(), "no workspace changelog");
    let files = r.project.git(&["show", "--name-only", "--format=", "HEAD"]);
    assert!(files.contains("a/CHANGELOG.md"), "the release commit holds it: {files}");
}

#[test]
fn a_git_revert_the_hook_accepts_also_passes_check() {
    let r = Release::new();
    // Through the installed commit-msg hook, with git's own `Revert "..."` message.
    r.project.git(&["revert", "--no-edit", "HEAD"]);
    assert!(r.project.git(&["log", "-1", "--format=%s"]).starts_with("Revert \"fix(a): add adds\""));
    r.ok(&["check"]);
}

#[test]
fn a_branch_behind_its_remote_is_refused_before_verify_runs() {
    let r = Release::with("verify = [\"touch verified\"]\n", "");
    // A teammate pushed the release line meanwhile, from their own clone.
    let clone = r.project.home().join("teammate");
    r.project.git(&["clone", "-q", r.remote.to_str().unwrap(), clone.to_str().unwrap()]);
    let git = |args: &[&str]| {
        let out = r.project.command("git").current_dir(&clone).args(args).output().unwrap();
        assert!(out.status.success(), "{}", describe(&out));
    };
    git(&["switch", "-q", "-c", "release/v1.0", "v1.0.0"]);
    git(&["commit", "-q", "--allow-empty", "-m", "fix: the teammate's fix"]);
    git(&["push", "-q", "--no-verify", "origin", "release/v1.0"]);
    let before = r.state();

    let output = r.run(&["release", "--yes", "--no-publish"], &[]);
    assert_code(&output, 1, "behind the remote");
    let err = stderr(&output);
    assert!(err.contains("`origin/release/v1.0` has commits `release/v1.0` lacks"), "{}", describe(&output));
    assert!(err.contains("git rebase origin/release/v1.0"), "{}", describe(&output));
    assert!(!r.project.root().join("verified").exists(), "verify never ran");
    // The fetch updated only the remote-tracking branch; nothing else changed.
    let after = r.state();
    let strip = |s: &str| s.lines().filter(|l| !l.contains("refs/remotes/")).collect::<Vec<_>>().join("\n");
    assert_eq!(strip(&after), strip(&before));
}

#[test]
fn a_failing_commit_step_is_named_in_words() {
    let r = Release::new();
    let output = r.run(&["release", "--yes", "--no-publish"], &[("CARGO_PATCH_FAIL_STEP", "commit")]);
    assert_code(&output, 1, "injected commit failure");
    let err = stderr(&output);
    assert!(err.contains("could not make the release commit"), "{}", describe(&output));
    assert!(!err.contains("could not the release commit"), "{}", describe(&output));
}

#[test]
fn a_missing_git_identity_is_found_before_verify_runs() {
    let r = Release::with("verify = [\"touch verified\"]\n", "");
    let before = r.state();
    // git refuses an empty name at the commit; the plan must find that first.
    let output = r.run(&["release", "--yes", "--no-publish"], &[("GIT_COMMITTER_NAME", ""), ("GIT_AUTHOR_NAME", "")]);
    assert_code(&output, 1, "no identity");
    let err = stderr(&output);
    assert!(err.contains("git has no identity to commit the release with"), "{}", describe(&output));
    assert!(err.contains("git config user.name"), "{}", describe(&output));
    assert!(!r.project.root().join("verified").exists(), "verify never ran");
    assert_eq!(r.state(), before);
}

#[test]
fn a_crate_crates_io_would_refuse_is_found_in_the_plan() {
    let r = Release::new();
    r.project.git(&["switch", "-q", "main"]);
    r.project.write("a/Cargo.toml", "[package]\nname = \"a\"\nversion.workspace = true\nedition.workspace = true\n");
    r.project.git(&["commit", "-q", "-am", "fix(a): drop the metadata"]);
    let before = r.state();
    // Publishing to crates.io (no `--registry`): refused before verify, the commit or the tag.
    let output = r.run(&["release", "--dry-run"], &[]);
    assert_code(&output, 1, "no description, no license");
    let err = stderr(&output);
    assert!(
        err.contains("`a` cannot be published on crates.io: its manifest has no `description` and no `license`"),
        "{}",
        describe(&output)
    );
    assert!(err.contains("add them to `a/Cargo.toml`"), "{err}");
    assert!(!err.contains("`b` cannot be published"), "b has both: {err}");
    assert_eq!(r.state(), before);
    // Not publishing, nothing is missing.
    r.ok(&["release", "--dry-run", "--no-publish"]);
    // Nor when cargo publishes elsewhere without `--registry`: a crate whose `publish` list
    // leaves crates.io out...
    r.project.write(
        "a/Cargo.toml",
        "[package]\nname = \"a\"\nversion.workspace = true\nedition.workspace = true\npublish = [\"ktra\"]\n",
    );
    r.project.git(&["commit", "-q", "-am", "fix(a): publish to ktra only"]);
    r.ok(&["release", "--dry-run"]);
    // ...or a default registry in the workspace's `.cargo/config.toml` (or cargo's variable).
    r.project.write("a/Cargo.toml", "[package]\nname = \"a\"\nversion.workspace = true\nedition.workspace = true\n");
    r.project.write(
        ".cargo/config.toml",
        "[registry]\ndefault = \"ktra\"\n[registries.ktra]\nindex = \"sparse+http://127.0.0.1:9/\"\n",
    );
    r.project.git(&["add", "-A"]);
    r.project.git(&["commit", "-q", "-m", "fix(a): a default registry"]);
    let output = r.ok(&["release", "--dry-run"]);
    assert!(!stderr(&output).contains("crates.io"), "{}", describe(&output));
    let output = r.run(&["release", "--dry-run"], &[("CARGO_REGISTRY_DEFAULT", "crates-io")]);
    assert_code(&output, 1, "crates.io named as the default");
}

/// Returns `state` without the remote's refs (for a test where a teammate changes the remote).
fn local_state(r: &Release) -> String {
    let state = r.state();
    let (local, rest) = state.split_once("--- remote\n").unwrap();
    let head = rest.split_once("--- HEAD\n").unwrap().1;
    format!("{local}--- HEAD\n{head}")
}

#[test]
fn a_kill_after_the_commit_is_aborted_back_to_the_start() {
    let r = Release::new();
    let before = r.state();
    // Killed after `git commit` returned, before the journal recorded the commit.
    let output = r.run(&["release", "--yes", "--no-publish"], &[("CARGO_PATCH_KILL_AFTER", "commit")]);
    assert_code(&output, 137, "killed after the commit");
    assert_ne!(r.state(), before, "the release commit is there");
    let output = r.ok(&["release", "--abort"]);
    assert!(stderr(&output).contains("Undid make the release commit"), "{}", describe(&output));
    assert_eq!(r.state(), before, "the commit is gone too, not only the files under it");
    // And the next release takes the same version.
    let output = r.ok(&["release", "--yes", "--no-publish"]);
    assert!(stderr(&output).contains("Tagged `v1.0.1`"), "{}", describe(&output));
}

#[test]
fn a_kill_after_the_push_arrived_is_finished_not_aborted() {
    let r = Release::new();
    let output = r.run(&["release", "--yes", "--no-publish"], &[("CARGO_PATCH_KILL_AFTER", "push")]);
    assert_code(&output, 137, "killed after the push");
    assert!(r.remote_refs().contains("refs/tags/v1.0.1"), "the remote has the push");
    // The journal never recorded the push; the remote is asked, and the abort refused.
    let output = r.run(&["release", "--abort"], &[]);
    assert_code(&output, 1, "abort after the push arrived");
    let err = stderr(&output);
    assert!(err.contains("cannot be aborted: it has already done `push`"), "{}", describe(&output));
    assert!(err.contains("--resume"), "{err}");
    assert!(r.project.git(&["tag", "--list", "v1.0.1"]).contains("v1.0.1"), "the local tag stays");
    let output = r.ok(&["release", "--resume"]);
    assert!(!stderr(&output).contains("Undid"), "{}", describe(&output));
    assert!(!r.journal().exists(), "finished");
    let record = std::fs::read_to_string(r.project.root().join(".git/cargo-patch/releases/v1.0.1.json")).unwrap();
    assert!(record.contains("found on the remote"), "{record}");
}

#[test]
fn a_resumed_push_that_had_arrived_is_not_pushed_again() {
    let r = Release::new();
    let output = r.run(&["release", "--yes", "--no-publish"], &[("CARGO_PATCH_KILL_AFTER", "push")]);
    assert_code(&output, 137, "killed after the push");
    // The remote now refuses every push: a second push would fail, recognising it does not.
    r.refuse_pushes();
    let output = r.ok(&["release", "--resume"]);
    assert!(stderr(&output).contains("already on the remote"), "{}", describe(&output));
    assert!(!r.journal().exists());
}

#[test]
fn an_abort_that_cannot_ask_the_remote_changes_nothing() {
    let r = Release::new();
    let output = r.run(&["release", "--yes", "--no-publish"], &[("CARGO_PATCH_KILL_AFTER", "push")]);
    assert_code(&output, 137, "killed after the push");
    let moved = r.project.home().join("moved.git");
    std::fs::rename(&r.remote, &moved).unwrap();
    let before = r.project.git(&["for-each-ref"]);
    let output = r.run(&["release", "--abort"], &[]);
    assert_code(&output, 1, "remote unreachable");
    let err = stderr(&output);
    assert!(err.contains("cannot tell whether `origin` received the release's push"), "{}", describe(&output));
    assert!(err.contains("git ls-remote origin"), "{err}");
    assert_eq!(r.project.git(&["for-each-ref"]), before, "nothing undone on a guess");
    assert!(r.journal().exists());
}

#[test]
fn a_push_refused_as_behind_is_undone_with_the_way_to_catch_up() {
    // A teammate pushes the release line while `verify` runs: the preflight fetch saw nothing.
    let r = Release::with("verify = [\"sh ../teammate.sh\"]\n", "");
    let clone = r.project.home().join("teammate");
    r.project.git(&["clone", "-q", r.remote.to_str().unwrap(), clone.to_str().unwrap()]);
    let git = |args: &[&str]| {
        let out = r.project.command("git").current_dir(&clone).args(args).output().unwrap();
        assert!(out.status.success(), "{}", describe(&out));
    };
    git(&["switch", "-q", "-c", "release/v1.0", "v1.0.0"]);
    git(&["commit", "-q", "--allow-empty", "-m", "fix: the teammate's fix"]);
    let script = format!("git -C '{}' push -q --no-verify origin release/v1.0\n", clone.display());
    std::fs::write(r.project.home().join("teammate.sh"), script).unwrap();
    let before = local_state(&r);
    let output = r.run(&["release", "--yes", "--no-publish"], &[]);
    assert_code(&output, 1, "push refused");
    let err = stderr(&output);
    assert!(err.contains("could not push; the release was undone"), "{}", describe(&output));
    assert!(err.contains("(`git pull --rebase origin release/v1.0`), then release again"), "{err}");
    assert!(!err.contains("--resume"), "resuming would push a tag that is not on the branch: {err}");
    assert_eq!(local_state(&r), before, "tag, commit and files undone");
    assert!(!r.journal().exists());
    assert!(!r.remote_refs().contains("v1.0.1"));
}

#[test]
fn resume_refuses_a_branch_rewritten_under_the_release() {
    let r = Release::new();
    r.ok(&["release", "--yes", "--no-push", "--no-publish"]);
    // The user rewrites the release commit (as `git pull --rebase` after a teammate's push would),
    // and the release branch follows it.
    r.project.git(&["commit", "-q", "--amend", "--no-verify", "-m", "chore(release): v1.0.1 (amended)"]);
    r.project.git(&["branch", "-f", "release/v1.0", "HEAD"]);
    let remote_before = r.remote_refs();
    let output = r.run(&["release", "--resume"], &[]);
    assert_code(&output, 1, "rewritten branch");
    let err = stderr(&output);
    assert!(
        err.contains("cannot resume: `release/v1.0` no longer contains the release commit"),
        "{}",
        describe(&output)
    );
    assert!(err.contains("cargo patch release --abort"), "{err}");
    assert_eq!(r.remote_refs(), remote_before, "the tag is not pushed on a commit the branch lacks");
    assert!(r.journal().exists());
    // A tag moved by hand is refused the same way.
    r.project.git(&["branch", "-f", "release/v1.0", "HEAD@{1}"]);
    r.project.git(&["tag", "-f", "-a", "-m", "moved", "v1.0.1", "HEAD"]);
    let output = r.run(&["release", "--resume"], &[]);
    assert_code(&output, 1, "moved tag");
    assert!(stderr(&output).contains("tag `v1.0.1` points at"), "{}", describe(&output));
    assert_eq!(r.remote_refs(), remote_before);
}

#[test]
fn status_during_a_running_release_says_to_wait_not_to_resume() {
    let r = Release::with("verify = [\"cargo-patch status > ../status.txt\"]\n", "");
    r.ok(&["release", "--yes", "--no-publish"]);
    let status = std::fs::read_to_string(r.project.home().join("status.txt")).unwrap();
    assert!(status.contains("Release `v1.0.1` is running (process "), "{status}");
    assert!(status.contains("wait for it to finish") && !status.contains("--resume"), "{status}");
}

#[test]
fn a_lock_whose_pid_was_reused_is_taken_over() {
    let r = Release::new();
    // The lock of a release killed long ago: its pid now belongs to another live process (this
    // test's), which started at another time.
    let lock = r.project.root().join(".git/cargo-patch/release.lock");
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
    std::fs::write(&lock, format!("{} 1", std::process::id())).unwrap();
    let output = r.ok(&["release", "--yes", "--no-publish"]);
    assert!(stderr(&output).contains("Tagged `v1.0.1`"), "{}", describe(&output));
    assert!(!lock.exists());
}

#[test]
fn abandon_refuses_a_release_the_remote_never_saw() {
    let r = Release::new();
    r.ok(&["release", "--yes", "--no-push", "--no-publish"]);
    let output = r.run(&["release", "--abandon"], &[]);
    assert_code(&output, 1, "nothing pushed");
    let err = stderr(&output);
    assert!(err.contains("has not reached the remote: there is nothing to abandon"), "{}", describe(&output));
    assert!(err.contains("cargo patch release --abort"), "{err}");
    assert!(r.journal().exists());
}

#[test]
fn format_json_prints_the_plan_and_then_what_the_release_did() {
    let r = Release::new();
    let before = r.state();
    let output = r.ok(&["release", "--dry-run", "--no-publish", "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is one JSON document");
    assert_eq!(plan["outcome"], "planned");
    assert_eq!(plan["versions"][0]["old"], "1.0.0");
    assert_eq!(plan["versions"][0]["new"], "1.0.1");
    assert_eq!(plan["tags"][0]["name"], "v1.0.1");
    assert_eq!(plan["pushes"][0]["refs"], serde_json::json!(["refs/heads/release/v1.0", "refs/tags/v1.0.1"]));
    assert!(plan["steps"].as_array().unwrap().iter().all(|s| s["done"] == false));
    assert_eq!(r.state(), before, "a dry run changes nothing");

    let output = r.ok(&["release", "--yes", "--no-publish", "--format", "json"]);
    let done: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is one JSON document");
    assert_eq!(done["outcome"], "finished");
    assert_eq!(done["pushes"][0]["done"], true);
    assert_eq!(done["left"], serde_json::json!([]));
    let commit = r.project.git(&["rev-parse", "v1.0.1^{commit}"]);
    assert_eq!(done["commit"], commit.trim());

    // A failure still prints the document, saying what was undone.
    let r = Release::new();
    let output = r.run(&["release", "--yes", "--no-publish", "--format", "json"], &[("CARGO_PATCH_FAIL_STEP", "tag")]);
    assert_code(&output, 1, "injected failure");
    let undone: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is one JSON document");
    assert_eq!(undone["outcome"], "undone");
    assert!(undone["undone"].as_array().unwrap().iter().any(|u| u == "make the release commit"), "{undone:#}");
}

/// Installs a pre-receive hook in the bare `remote` that appends how many refs each push carries
/// to `log`; returns `log`.
pub(crate) fn log_pushes(remote: &std::path::Path, log: &std::path::Path) -> PathBuf {
    let hook = remote.join("hooks/pre-receive");
    std::fs::write(&hook, format!("#!/bin/sh\nwc -l | tr -d ' ' >> '{}'\n", log.display())).unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    log.to_owned()
}

/// Writes `path` in the release fixture's project and commits it with `message`.
fn commit_file(r: &Release, path: &str, contents: &str, message: &str) {
    r.project.write(path, contents);
    r.project.git(&["add", "-A"]);
    r.project.git(&["commit", "-q", "-m", message]);
}
