//! Issue 15: hostile inputs and environments. No panic, no clobbered file, an exit status that
//! tells the truth. Each test names the observation of the issue it reproduces.

use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::time::Duration;

use crate::support::Project;

/// Long enough for a slow CI machine, short enough that a hang fails the test instead of the run.
const HANG: Duration = Duration::from_secs(30);

/// Returns a git repository with one conventional commit.
fn repo_with_a_commit() -> Project {
    let project = Project::new();
    project.git(&["init", "-q", "-b", "main"]);
    project.git(&["commit", "-q", "--allow-empty", "-m", "feat: one"]);
    project
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

fn is_fifo(path: &Path) -> bool {
    std::fs::symlink_metadata(path).unwrap().file_type().is_fifo()
}

/// Observation 1: `-o` and `--prepend` replaced a FIFO (and would a device) by a regular file,
/// and `-o /dev/stdout | cat` hung reading the pipe.
#[test]
fn changelog_refuses_to_replace_a_special_file() {
    let project = repo_with_a_commit();
    let root = project.root();
    mkfifo(&root.join("fifo"));
    std::os::unix::fs::symlink("fifo", root.join("link-to-fifo")).unwrap();
    std::fs::create_dir(root.join("dir")).unwrap();
    for flag in ["-o", "--prepend"] {
        for (name, kind) in [("fifo", "a FIFO"), ("link-to-fifo", "a FIFO"), ("dir", "a directory")] {
            let output = project.cargo_patch().args(["changelog", flag, name]).timeout(HANG).output().unwrap();
            crate::support::assert_code(&output, 1, &format!("changelog {flag} {name}"));
            let expected = format!(
                "error: `{flag}` refuses to replace `{}`: it is {kind}, not a regular file\nhelp: ",
                root.canonicalize().unwrap().join(name).display()
            );
            let stderr = crate::support::text(&output.stderr);
            assert!(stderr.starts_with(&expected), "{flag} {name}: {stderr}");
        }
    }
    assert!(is_fifo(&root.join("fifo")), "the FIFO is still a FIFO");
    assert!(std::fs::symlink_metadata(root.join("link-to-fifo")).unwrap().file_type().is_symlink());
    assert!(root.join("dir").is_dir());

    // Standard output as a pipe is a FIFO too: refused at once, with the way that works.
    project.cargo_patch().args(["changelog", "-o", "/dev/stdout"]).timeout(HANG).assert().code(1).stderr_eq(
        snapbox::str![[r#"
error: `-o` refuses to replace `/dev/stdout`: it is a FIFO, not a regular file
help: name a regular file, or pass `-o -` to write to standard output

"#]],
    );
    let printed = project.cargo_patch().arg("changelog").output().unwrap();
    project
        .cargo_patch()
        .args(["changelog", "-o", "-"])
        .assert()
        .success()
        .stdout_eq(printed.stdout.clone())
        .stderr_eq("");
    assert!(!root.join("-").exists(), "`-o -` writes no file named `-`");

    // A symlink to a regular file is written through: the link stays, its target changes.
    std::fs::write(root.join("real.md"), "old\n").unwrap();
    std::os::unix::fs::symlink("real.md", root.join("CHANGELOG.md")).unwrap();
    project.cargo_patch().args(["changelog", "-o", "CHANGELOG.md"]).assert().success();
    assert!(std::fs::symlink_metadata(root.join("CHANGELOG.md")).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read(root.join("real.md")).unwrap(), printed.stdout);
}

/// Observation 2: with an outdated `## [Unreleased]` section, `--prepend` added a second one.
#[test]
fn prepend_replaces_an_outdated_unreleased_section() {
    let project = repo_with_a_commit();
    project.cargo_patch().args(["changelog", "--prepend", "CHANGELOG.md"]).assert().success();
    project.git(&["add", "CHANGELOG.md"]);
    project.git(&["commit", "-q", "-m", "fix: two"]);
    project.cargo_patch().args(["changelog", "--prepend", "CHANGELOG.md"]).assert().success();
    let text = project.read("CHANGELOG.md");
    assert_eq!(text.matches("## [Unreleased]").count(), 1, "{text}");
    assert!(text.contains("- One") && text.contains("- Two"), "{text}");
    project.cargo_patch().args(["changelog", "--prepend", "CHANGELOG.md"]).assert().success().stderr_eq(snapbox::str![
        [r#"
note: the changelog is up to date; nothing to write

"#]
    ]);
    assert_eq!(project.read("CHANGELOG.md"), text);
}

/// Returns a workspace of `a` depending on `b` by path, with `extra` appended to the root manifest.
fn two_crates(extra: &str) -> Project {
    let project = Project::new();
    project
        .write("Cargo.toml", &format!("[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n{extra}"))
        .write(
            "a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nb = { path = \"../b\", version = \"0.1.0\" }\n",
        )
        .write("a/src/lib.rs", "")
        .write("b/Cargo.toml", "[package]\nname = \"b\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
        .write("b/src/lib.rs", "");
    project.generate_lockfile();
    project.commit_all();
    project
}

/// Observation 4: `[patch.*]` and `[replace]` entries on a bumped member kept the old version;
/// the bump exited 0, then cargo failed with "patch `b` version mismatch".
#[test]
fn bump_rewrites_patch_and_replace_entries_on_the_member() {
    let patched = two_crates(concat!(
        "\n[patch.crates-io]\nb = { path = \"b\", version = \"0.1.0\" } # keep\n",
        "\n[patch.'https://example.com/index.git']\nb = { path = \"./b\", version = \"=0.1.0\" }\n",
    ));
    patched.cargo_patch().args(["bump", "minor", "-p", "b"]).assert().success();
    let root = patched.read("Cargo.toml");
    assert!(root.contains("b = { path = \"b\", version = \"0.2.0\" } # keep\n"), "{root}");
    assert!(root.contains("b = { path = \"./b\", version = \"=0.2.0\" }\n"), "{root}");
    patched.assert_cargo_accepts_lock();

    let replaced = two_crates("\n[replace]\n\"b:0.1.0\" = { path = \"b\" }\n'b@0.1.0' = { path = \"elsewhere\" }\n");
    replaced.cargo_patch().args(["bump", "minor", "-p", "b"]).assert().success();
    let root = replaced.read("Cargo.toml");
    assert!(root.contains("\n\"b:0.2.0\" = { path = \"b\" }\n"), "{root}");
    assert!(
        root.contains("\n'b@0.1.0' = { path = \"elsewhere\" }\n"),
        "a replacement by another path is not ours: {root}"
    );
}

/// Returns the write end of a pipe nobody reads, so the first write fails with EPIPE, every
/// time (a FIFO opened read-write keeps the write-only open from blocking, then goes away).
fn closed_pipe(dir: &Path) -> std::fs::File {
    let fifo = dir.join("closed-pipe");
    mkfifo(&fifo);
    let reader = std::fs::OpenOptions::new().read(true).write(true).open(&fifo).unwrap();
    let writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    drop(reader);
    writer
}

/// Observation 5: `bump | true` exited 0 and wrote nothing; `bump 2>/dev/full` exited 1 after
/// writing everything; `hooks install` exited 1 after installing `commit-msg`.
#[test]
fn the_exit_status_matches_what_was_written() {
    let project = two_crates("");
    let output = project
        .command(crate::support::bin())
        .args(["bump", "minor", "-p", "b"])
        .stdout(closed_pipe(project.home()))
        .output()
        .unwrap();
    crate::support::assert_code(&output, 0, "bump | true");
    assert!(project.read("b/Cargo.toml").contains("version = \"0.2.0\""), "a closed stdout still bumps");
    project.commit_all();

    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let output =
        project.command(crate::support::bin()).args(["bump", "minor", "-p", "b"]).stderr(full).output().unwrap();
    crate::support::assert_code(&output, 0, "bump 2>/dev/full");
    assert!(project.read("b/Cargo.toml").contains("version = \"0.3.0\""), "{}", project.read("b/Cargo.toml"));

    // A results command whose result is lost fails.
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let output = project.command(crate::support::bin()).arg("changelog").stdout(full).output().unwrap();
    crate::support::assert_code(&output, 1, "changelog >/dev/full");

    // `hooks install` refuses the second hook before it writes the first.
    let hooks = project.root().join(".git/hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    for name in ["pre-push", "pre-push.cargo-patch-chained"] {
        std::fs::write(hooks.join(name), "#!/bin/sh\necho foreign\n").unwrap();
    }
    project.cargo_patch().args(["hooks", "install"]).assert().code(1);
    assert!(!hooks.join("commit-msg").exists(), "commit-msg was installed by a failed `hooks install`");
    assert_eq!(std::fs::read_to_string(hooks.join("pre-push")).unwrap(), "#!/bin/sh\necho foreign\n");
}

/// Observation 6: a panic in a worker thread exited 101 with no output at all.
#[test]
fn a_panic_in_a_worker_thread_is_reported() {
    if std::thread::available_parallelism().map_or(1, std::num::NonZero::get) < 2 {
        return; // one core: the work runs on the main thread, whose panic was always reported
    }
    let project = repo_with_a_commit();
    project.git(&["tag", "v0.1.0"]);
    project.git(&["commit", "-q", "--allow-empty", "-m", "fix: two"]);
    project.git(&["tag", "v0.1.1"]);
    let output = project.cargo_patch().arg("changelog").env("CARGO_PATCH_PANIC", "worker").output().unwrap();
    crate::support::assert_code(&output, 101, "a panicking worker");
    let stderr = crate::support::text(&output.stderr);
    assert!(stderr.starts_with("error: cargo-patch panicked: injected panic (CARGO_PATCH_PANIC=worker)\n"), "{stderr}");
    assert!(stderr.contains("\nhelp: this is a bug; please report it at "), "{stderr}");
    assert_eq!(stderr.matches("error:").count(), 1, "one report for the run: {stderr}");
}

/// Observation 7: `commit-msg` on a FIFO hung, `/dev/zero` as a message or config grew until
/// memory ran out, and a 10 MB one-line message printed 20 MB to stderr.
#[test]
fn inputs_that_never_end_are_refused() {
    let project = repo_with_a_commit();
    mkfifo(&project.root().join("fifo"));
    let hook = |file: &str| project.cargo_patch().args(["hook", "commit-msg", file]).timeout(HANG).output().unwrap();
    for (file, expected) in [
        ("fifo", "error: `[ROOT]/ws/fifo` is a FIFO, not a regular file\n"),
        ("/dev/zero", "error: `/dev/zero` is a character device, not a regular file\n"),
    ] {
        let output = hook(file);
        crate::support::assert_code(&output, 1, file);
        let root = project.home().canonicalize().unwrap();
        let expected = expected.replace("[ROOT]", &root.display().to_string());
        assert!(crate::support::text(&output.stderr).starts_with(&expected), "{}", crate::support::describe(&output));
    }
    project.write("huge", &"x".repeat((1 << 20) + 1));
    project.cargo_patch().args(["hook", "commit-msg", "huge"]).assert().code(1).stderr_eq(snapbox::str![[r#"
error: `[ROOT]/ws/huge` is larger than 1 MiB, the limit for a commit message
help: check that this is the file you meant

"#]]);
    // Under the limit, a one-line message is judged, but what is shown of it is cut short.
    project.write("long", &format!("feat: {}\n", "x".repeat(900_000)));
    let output = hook("long");
    crate::support::assert_code(&output, 1, "a 900 kB header");
    assert!(output.stderr.len() < 2_000, "{} bytes on stderr", output.stderr.len());
    assert!(
        crate::support::text(&output.stderr).contains("... (899706 more characters)"),
        "{}",
        crate::support::describe(&output)
    );

    project.cargo_patch().args(["changelog", "--config", "/dev/zero"]).timeout(HANG).assert().code(1).stderr_eq(
        snapbox::str![[r#"
error: failed to read the changelog configuration `/dev/zero`: `/dev/zero` is a character device, not a regular file
help: fix the file (it is read as git-cliff reads it), or pass another with `--config`

"#]],
    );
}

/// Returns a one-crate workspace whose root manifest is `manifest`, committed.
fn one_crate(manifest: &str) -> Project {
    let project = Project::new();
    project.write("Cargo.toml", manifest).write("src/lib.rs", "");
    project.commit_all();
    project
}

/// Observation 8: versions at the u64 limit wrapped; an invalid `forbid-paths` glob was
/// ignored; a multi-line version string became a one-line string; a wrong `GIT_DIR` turned
/// the dirty-tree check off.
#[test]
fn values_at_the_edge() {
    let max = u64::MAX;
    let project = one_crate(&format!("[package]\nname = \"edge\"\nversion = \"1.{max}.{max}\"\nedition = \"2021\"\n"));
    for (level, part) in [("patch", "patch"), ("minor", "minor")] {
        let output = project.cargo_patch().args(["bump", level]).output().unwrap();
        crate::support::assert_code(&output, 1, level);
        let stderr = crate::support::text(&output.stderr);
        assert!(stderr.contains(&format!("has no next {part} version: {part} is already {max}")), "{stderr}");
    }
    project.cargo_patch().args(["bump", "major"]).assert().success();
    assert!(project.read("Cargo.toml").contains("version = \"2.0.0\""));

    let glob = one_crate(concat!(
        "[package]\nname = \"edge\"\nversion = \"1.0.0\"\nedition = \"2021\"\n\n",
        "[package.metadata.patch-release.hotfix]\nforbid-paths = [\"ok/**\", \"[bad\"]\n",
    ));
    glob.git(&["switch", "-q", "-c", "hotfix/x"]);
    glob.cargo_patch().args(["check", "--base", "HEAD"]).assert().code(1).stderr_eq(snapbox::str![[r#"
error: `package.metadata.patch-release.hotfix.forbid-paths` in `[ROOT]/ws/Cargo.toml` (line 7): `[bad` is not a valid glob: invalid range pattern
help: write globs as `.github/**` or `src/*.rs`; `[`, `]` and `**` must be complete

"#]]);

    let multi = one_crate("[package]\nname = \"edge\"\nversion = \"\"\"\n1.0.0\"\"\"\nedition = \"2021\"\n");
    multi.cargo_patch().args(["bump", "patch"]).assert().success();
    assert_eq!(
        multi.read("Cargo.toml"),
        "[package]\nname = \"edge\"\nversion = \"\"\"\n1.0.1\"\"\"\nedition = \"2021\"\n"
    );

    let dirty = one_crate("[package]\nname = \"edge\"\nversion = \"1.0.0\"\nedition = \"2021\"\n");
    dirty.write("Cargo.toml", "[package]\nname = \"edge\"\nversion = \"1.0.0\"\nedition = \"2021\"\n# mine\n");
    let output =
        dirty.cargo_patch().args(["bump", "patch"]).env("GIT_DIR", dirty.home().join("nowhere")).output().unwrap();
    crate::support::assert_code(&output, 1, "bump with a wrong GIT_DIR");
    assert!(
        crate::support::text(&output.stderr).contains("not a git repository: "),
        "{}",
        crate::support::describe(&output)
    );
    assert!(dirty.read("Cargo.toml").ends_with("# mine\n"), "the uncommitted edit is kept");
    assert!(dirty.read("Cargo.toml").contains("version = \"1.0.0\""));
}

/// Observation 10: pre-push passed the sha fields of its input to `git diff` unchecked, so a
/// hand-fed `--output=FILE` made git write outside the repository.
#[test]
fn pre_push_refuses_what_is_not_an_object_id() {
    let project = two_crates("");
    project.git(&["switch", "-q", "-c", "hotfix/x"]);
    let base = project.git(&["rev-parse", "HEAD"]);
    project.git(&["config", "branch.hotfix/x.patchBase", base.trim()]);
    let outside = project.home().join("written-by-git");
    let zeros = "0".repeat(40);
    let line = format!("refs/heads/hotfix/x --output={} refs/heads/hotfix/x {zeros}\n", outside.display());
    let output = project.cargo_patch().args(["hook", "pre-push", "origin", "url"]).stdin(line).output().unwrap();
    crate::support::assert_code(&output, 1, "a forged pre-push line");
    let stderr = crate::support::text(&output.stderr);
    assert!(stderr.starts_with("error: line 1 of the pre-push input: `--output="), "{stderr}");
    // The diff would run in the background: give a stray git the time to write.
    std::thread::sleep(Duration::from_millis(500));
    assert!(!outside.exists(), "git wrote {}", outside.display());

    for bad in [
        format!("refs/heads/hotfix/x {} refs/heads/hotfix/x", base.trim()),
        format!("a {} b {}", "g".repeat(40), zeros),
    ] {
        project.cargo_patch().args(["hook", "pre-push", "origin", "url"]).stdin(format!("{bad}\n")).assert().code(1);
    }
    // What git really writes still passes.
    let real = format!("refs/heads/hotfix/x {} refs/heads/hotfix/x {zeros}\n", base.trim());
    project.cargo_patch().args(["hook", "pre-push", "origin", "url"]).stdin(real).assert().success();
}

/// Observation 11: every git failure suggested "or pass `--allow-dirty`", also from commands
/// without that flag; `init --dry-run` said it would install the hooks a hook manager owns.
#[test]
fn help_lines_fit_the_command_that_failed() {
    let project = Project::new();
    project
        .write("Cargo.toml", "[package]\nname = \"edge\"\nversion = \"1.0.0\"\nedition = \"2021\"\n")
        .write("src/lib.rs", "");
    let output = project.cargo_patch().args(["hooks", "install"]).output().unwrap();
    crate::support::assert_code(&output, 1, "hooks install outside git");
    let stderr = crate::support::text(&output.stderr);
    assert!(stderr.contains("\nhelp: make sure `git status` works in this directory\n"), "{stderr}");
    assert!(!stderr.contains("--allow-dirty"), "{stderr}");
    project.commit_all();
    let output =
        project.cargo_patch().args(["bump", "patch"]).env("GIT_DIR", project.home().join("nowhere")).output().unwrap();
    let stderr = crate::support::text(&output.stderr);
    assert!(stderr.contains("or pass `--allow-dirty` to skip the check\n"), "bump has the flag: {stderr}");

    // husky owns the hooks: the dry run and the run say the same.
    project.git(&["config", "core.hooksPath", ".husky"]);
    let dry = project.cargo_patch().args(["init", "--yes", "--dry-run"]).output().unwrap();
    crate::support::assert_code(&dry, 0, "init --dry-run");
    let dry_err = crate::support::text(&dry.stderr);
    assert!(dry_err.contains("note: the hooks are managed by husky: "), "{dry_err}");
    assert!(!dry_err.contains("Would"), "{dry_err}");
    let real = project.cargo_patch().args(["init", "--yes"]).output().unwrap();
    crate::support::assert_code(&real, 0, "init");
    assert!(crate::support::text(&real.stderr).contains("note: the hooks are managed by husky: "));
    assert!(!project.root().join(".husky/commit-msg").exists());
}

/// Observation 9: a manifest bumped as root became owned by root, and a hard link was split.
#[test]
fn a_bumped_manifest_keeps_its_owner_and_its_hard_links() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let project = two_crates("");
    let manifest = project.root().join("b/Cargo.toml");
    let is_root = std::process::Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
    if is_root {
        std::os::unix::fs::chown(&manifest, Some(4242), Some(4343)).unwrap();
    }
    std::fs::set_permissions(&manifest, std::fs::Permissions::from_mode(0o640)).unwrap();
    project.cargo_patch().args(["bump", "minor", "-p", "b"]).assert().success();
    let after = std::fs::metadata(&manifest).unwrap();
    assert!(project.read("b/Cargo.toml").contains("version = \"0.2.0\""));
    assert_eq!(after.mode() & 0o777, 0o640);
    if is_root {
        assert_eq!((after.uid(), after.gid()), (4242, 4343), "owner and group are kept");
    }
    project.commit_all();

    // A hard link would be split by the rename: refused, both names unchanged.
    let other = project.home().join("linked-Cargo.toml");
    std::fs::hard_link(&manifest, &other).unwrap();
    let before = project.snapshot();
    let output = project.cargo_patch().args(["bump", "minor", "-p", "b"]).output().unwrap();
    crate::support::assert_code(&output, 1, "bump of a hard-linked manifest");
    let stderr = crate::support::text(&output.stderr);
    assert!(stderr.contains("b/Cargo.toml` has 2 hard links, which replacing it would split\n"), "{stderr}");
    assert_eq!(project.snapshot(), before, "nothing was written");
    assert_eq!(std::fs::metadata(&manifest).unwrap().ino(), std::fs::metadata(&other).unwrap().ino());
}

/// Returns a git repository holding a workspace of `count` crates, each with its own version.
fn many_crates(count: usize) -> Project {
    let project = Project::new();
    let members: Vec<String> = (0..count).map(|i| format!("\"c{i}\"")).collect();
    project.write("Cargo.toml", &format!("[workspace]\nmembers = [{}]\nresolver = \"2\"\n", members.join(", ")));
    for i in 0..count {
        project
            .write(
                &format!("c{i}/Cargo.toml"),
                &format!("[package]\nname = \"c{i}\"\nversion = \"1.0.0\"\nedition = \"2021\"\n"),
            )
            .write(&format!("c{i}/src/lib.rs"), "");
    }
    project.generate_lockfile();
    project.commit_all();
    project
}

/// Returns every file under the project whose name is a temp file of an atomic write.
fn temp_files(project: &Project) -> Vec<String> {
    project
        .snapshot()
        .into_iter()
        .map(|(path, _)| path.display().to_string())
        .filter(|path| path.contains(".cargo-patch-") && path.ends_with(".tmp"))
        .collect()
}

#[test]
fn a_signal_during_the_rename_phase_waits_for_it_to_finish() {
    use std::os::unix::process::ExitStatusExt;
    let project = many_crates(12);
    // SIGTERM arrives while the seventh of 13 files (12 manifests and Cargo.lock) is replaced.
    let output = project
        .cargo_patch()
        .args(["bump", "minor", "--workspace"])
        .env("CARGO_PATCH_SIGNAL_AT_WRITE", "6")
        .output()
        .unwrap();
    assert_eq!(output.status.signal(), Some(15), "the signal still ends the process: {output:?}");
    for i in 0..12 {
        assert!(project.read(&format!("c{i}/Cargo.toml")).contains("version = \"1.1.0\""), "c{i} bumped too");
    }
    assert!(project.read("Cargo.lock").contains("1.1.0"));
    assert_eq!(temp_files(&project), Vec::<String>::new(), "no temp file left");
}

#[test]
fn a_bump_waits_for_the_lock_another_holds() {
    let project = many_crates(2);
    // A live process holds the repository's lock, as a running release or bump would (pid and
    // start time, read from /proc here the way the kernel reports it).
    let mut holder = std::process::Command::new("sleep").arg("2").spawn().unwrap();
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", holder.id())).unwrap();
    let started = stat.rsplit_once(')').unwrap().1.split_whitespace().nth(19).unwrap().to_owned();
    let lock = project.root().join(".git/cargo-patch/release.lock");
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
    std::fs::write(&lock, format!("{} {started}", holder.id())).unwrap();
    let output = project.cargo_patch().args(["bump", "patch", "--workspace"]).output().unwrap();
    holder.wait().unwrap();
    assert!(output.status.success(), "{output:?}");
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains(&format!("Blocking waiting for process {} (a release or a bump) to finish", holder.id())),
        "{err}"
    );
    assert!(project.read("c0/Cargo.toml").contains("version = \"1.0.1\""));
    assert!(!lock.exists(), "released after the bump");
}
