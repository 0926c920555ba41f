//! `release` and `rollback` against a real cargo registry (ktra, on 127.0.0.1, with a bare git
//! index): publishing in dependency order, skipping a version the registry already has, the
//! registry going down mid-release (then `--resume`), and yanking on rollback.
#![cfg(unix)]

use crate::release::{QUICK, Release};
use crate::support::registry::Registry;
use crate::support::{assert_code, describe, text};
use tempfile::TempDir;

/// The hotfix workspace of `release`, whose `b` takes `a` from the test registry, which its
/// committed `.cargo/config.toml` names. The temp dir holds the registry's data.
fn with_registry() -> (Release, Registry, TempDir) {
    let dir = tempfile::Builder::new().prefix("cargo-patch-registry-").tempdir().unwrap();
    let registry = Registry::start(dir.path());
    let config = format!("[registries.ktra]\nindex = \"{}\"\n", registry.index_url());
    let mut r = Release::with_files(QUICK, ", registry = \"ktra\"", &[(".cargo/config.toml", config)]);
    r.env = registry.cargo_env();
    (r, registry, dir)
}

#[test]
fn publishes_in_dependency_order_and_rollback_yanks_both_crates() {
    let (r, registry, _dir) = with_registry();
    let output = r.ok(&["release", "--yes", "--registry", "ktra"]);
    let err = text(&output.stderr);
    // `b` needs `a` 1.0.1 in the registry, so a wrong order fails for real; the log shows it too.
    let (a, b) = (err.find("Published `a`").unwrap(), err.find("Published `b`").unwrap());
    assert!(a < b, "{}", describe(&output));
    assert_eq!(registry.versions("a"), [("1.0.1".to_owned(), false)]);
    assert_eq!(registry.versions("b"), [("1.0.1".to_owned(), false)]);
    assert!(r.remote_refs().contains("refs/tags/v1.0.1"));

    // The release is bad: yank both, and start the revert.
    let output = r.ok(&["rollback", "1.0.1", "--yes"]);
    assert!(text(&output.stderr).contains("Yanked `a` 1.0.1"), "{}", describe(&output));
    assert_eq!(registry.versions("a"), [("1.0.1".to_owned(), true)]);
    assert_eq!(registry.versions("b"), [("1.0.1".to_owned(), true)]);
    assert_eq!(r.project.git(&["symbolic-ref", "--short", "HEAD"]).trim(), "hotfix/rollback-v1.0.1");
    assert!(r.project.read("a/src/lib.rs").contains("x - y"), "the fix is reverted");

    // A false alarm after all.
    r.ok(&["rollback", "1.0.1", "--undo-yank", "--yes"]);
    assert_eq!(registry.versions("a"), [("1.0.1".to_owned(), false)]);
    assert_eq!(registry.versions("b"), [("1.0.1".to_owned(), false)]);
}

#[test]
fn the_registry_down_during_publish_is_finished_by_resume() {
    let (r, mut registry, _dir) = with_registry();
    registry.stop();
    let output = r.run(&["release", "--yes", "--registry", "ktra"], &[]);
    assert_code(&output, 1, "registry down");
    let err = text(&output.stderr);
    assert!(err.contains("could not publish `a`") && err.contains("left: publish `a`, publish `b`"), "{err}");
    assert!(err.contains("cargo patch release --resume"), "{err}");
    // Everything up to the push is done and kept.
    assert!(r.remote_refs().contains("refs/tags/v1.0.1"));
    assert!(r.journal().exists());

    // What the remote has cannot be taken back by an abort.
    let output = r.run(&["release", "--abort"], &[]);
    assert_code(&output, 1, "abort after the push");
    assert!(text(&output.stderr).contains("cannot be aborted: it has already done `push`"), "{}", describe(&output));
    assert!(r.journal().exists());

    registry.restart();
    let output = r.ok(&["release", "--resume"]);
    assert!(text(&output.stderr).contains("Published `b`"), "{}", describe(&output));
    assert_eq!(registry.versions("a"), [("1.0.1".to_owned(), false)]);
    assert_eq!(registry.versions("b"), [("1.0.1".to_owned(), false)]);
    assert!(!r.journal().exists());
}

#[test]
fn a_version_already_in_the_registry_is_skipped() {
    let (r, registry, _dir) = with_registry();
    // The release stops before its first publish...
    let output = r.run(&["release", "--yes", "--registry", "ktra"], &[("CARGO_PATCH_FAIL_STEP", "publish")]);
    assert_code(&output, 1, "stopped at publish");
    // ...someone publishes `a` 1.0.1 by hand meanwhile...
    let mut publish = r.project.command(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    publish.args(["publish", "-p", "a", "--registry", "ktra"]).envs(r.env.iter().map(|(k, v)| (k, v)));
    let output = publish.output().unwrap();
    assert_code(&output, 0, "publish a by hand");
    // ...and the resumed release skips it instead of failing.
    let output = r.ok(&["release", "--resume"]);
    let err = text(&output.stderr);
    assert!(err.contains("Published `a` (already in the registry; skipped)"), "{}", describe(&output));
    assert!(err.contains("Published `b`"), "{err}");
    assert_eq!(registry.versions("a"), [("1.0.1".to_owned(), false)]);
    assert_eq!(registry.versions("b"), [("1.0.1".to_owned(), false)]);
}

#[test]
fn a_failure_before_the_push_publishes_nothing() {
    for step in ["verify", "write-files", "commit", "move-branch", "package", "tag", "push"] {
        let (r, registry, _dir) = with_registry();
        let before = r.state();
        let output = r.run(&["release", "--yes", "--registry", "ktra"], &[("CARGO_PATCH_FAIL_STEP", step)]);
        assert_code(&output, 1, step);
        assert!(registry.versions("a").is_empty() && registry.versions("b").is_empty(), "{step}: nothing published");
        assert_eq!(r.state(), before, "{step}: files, refs, index and remote as they were");
        assert!(!r.project.root().join(".git/cargo-patch/tree").exists(), "{step}: no release tree left");
    }
}

#[test]
fn rollback_of_a_release_stopped_before_its_publish_yanks_from_its_registry() {
    let (r, mut registry, _dir) = with_registry();
    registry.stop();
    let output = r.run(&["release", "--yes", "--registry", "ktra"], &[]);
    assert_code(&output, 1, "registry down");
    registry.restart();
    // The release is pushed but unfinished: its journal, not a record, knows the registry.
    let output = r.ok(&["rollback", "1.0.1", "--dry-run"]);
    let plan = text(&output.stderr);
    assert!(
        plan.contains("yank `a` 1.0.1 in `ktra`") && plan.contains("yank `b` 1.0.1 in `ktra`"),
        "{}",
        describe(&output)
    );
}

/// Returns the file names in the `.crate` (a gzipped tar) at `path`, and its `.cargo_vcs_info.json`.
fn crate_contents(path: &std::path::Path) -> (Vec<String>, String) {
    let list = std::process::Command::new("tar").arg("-tzf").arg(path).output().unwrap();
    assert_code(&list, 0, "tar -t");
    let names: Vec<String> = text(&list.stdout).lines().map(str::to_owned).collect();
    let info = names.iter().find(|n| n.ends_with("/.cargo_vcs_info.json")).expect("a .cargo_vcs_info.json").clone();
    let read = std::process::Command::new("tar").arg("-xzOf").arg(path).arg(&info).output().unwrap();
    assert_code(&read, 0, "tar -x");
    (names, text(&read.stdout))
}

#[test]
fn a_crate_that_cannot_be_packaged_is_never_tagged() {
    let (r, registry, _dir) = with_registry();
    // On the main line: `a` includes a file its `exclude` leaves out of the package. It builds
    // (and passes verify) in the work tree; only `cargo package` shows the package cannot.
    r.project.git(&["switch", "-q", "main"]);
    r.project
        .write("a/notes.txt", "notes\n")
        .write(
            "a/Cargo.toml",
            "[package]\nname = \"a\"\nversion.workspace = true\nedition.workspace = true\ndescription = \"a\"\nlicense = \"MIT\"\nexclude = [\"notes.txt\"]\n",
        )
        .write("a/src/lib.rs", "/// The notes.\npub const NOTES: &str = include_str!(\"../notes.txt\");\n");
    r.project.git(&["add", "-A"]);
    r.project.git(&["commit", "-q", "-m", "fix(a): ship the notes"]);
    let before = r.state();
    let output = r.run(&["release", "--yes", "--registry", "ktra"], &[]);
    assert_code(&output, 1, "unpackageable crate");
    let err = text(&output.stderr);
    assert!(err.contains("could not package the crates to publish; the release was undone"), "{}", describe(&output));
    assert!(err.contains("notes.txt"), "cargo's reason is shown: {err}");
    assert_eq!(r.state(), before, "no tag, no commit, nothing pushed");
    assert!(!r.journal().exists(), "nothing is left to resume or abort");
    assert!(registry.versions("a").is_empty() && registry.versions("b").is_empty());
}

#[test]
fn resume_publishes_the_tagged_tree_not_the_work_tree() {
    let (r, mut registry, _dir) = with_registry();
    registry.stop();
    let output = r.run(&["release", "--yes", "--registry", "ktra"], &[]);
    assert_code(&output, 1, "registry down");
    // Meanwhile the branch moves on, and the work tree holds a file the tag does not.
    r.project.write("a/later.txt", "after the tag\n");
    r.project.git(&["add", "-A"]);
    r.project.git(&["commit", "-q", "--no-verify", "-m", "docs(a): a note written after the tag"]);
    r.project.write("a/untracked.txt", "never committed\n");
    registry.restart();
    let output = r.ok(&["release", "--resume"]);
    assert!(text(&output.stderr).contains("Published `a`"), "{}", describe(&output));
    let tagged = r.project.git(&["rev-parse", "v1.0.1^{commit}"]).trim().to_owned();
    for krate in ["a", "b"] {
        let (names, vcs_info) = crate_contents(&registry.crate_file(krate, "1.0.1"));
        assert!(vcs_info.contains(&format!("\"sha1\": \"{tagged}\"")), "{krate} is built from the tag: {vcs_info}");
        assert!(!vcs_info.contains("\"dirty\""), "{krate} from a clean tree: {vcs_info}");
        assert!(!names.iter().any(|n| n.contains("later.txt") || n.contains("untracked.txt")), "{names:?}");
    }
    assert!(!r.project.root().join(".git/cargo-patch/tree").exists(), "the release tree is removed");
}

#[test]
fn resume_takes_the_flags_of_the_first_run_and_can_finish_without_publishing() {
    let (r, mut registry, _dir) = with_registry();
    registry.stop();
    let output = r.run(&["release", "--yes", "--registry", "ktra"], &[]);
    assert_code(&output, 1, "registry down");
    registry.restart();
    // A CI script passes the same flags to every run: a different registry is refused, naming
    // the recorded one; the same one is accepted.
    let output = r.run(&["release", "--resume", "--registry", "crates-io"], &[]);
    assert_code(&output, 1, "another registry");
    assert!(text(&output.stderr).contains("`ktra`"), "{}", describe(&output));
    // `--no-publish` finishes the pushed release without publishing, and says so.
    let output = r.ok(&["release", "--resume", "--registry", "ktra", "--no-publish"]);
    assert!(text(&output.stderr).contains("not published (--no-publish)"), "{}", describe(&output));
    assert!(r.remote_refs().contains("refs/tags/v1.0.1"));
    assert!(!r.journal().exists(), "the release is finished");
    assert!(registry.versions("a").is_empty(), "nothing was published");
    let record = std::fs::read_to_string(r.project.root().join(".git/cargo-patch/releases/v1.0.1.json")).unwrap();
    assert!(record.contains("not published (--no-publish)"), "{record}");
}

/// A workspace of `crates` on `main`, released once (`v1.0.0`, or `{crate}-v1.0.0` when
/// `independent`) and pushed, with one fix to every crate since; it publishes to a test registry
/// whose API sits behind a proxy that lets `burst` uploads through, then one every `wait`.
fn rate_limited(
    crates: &[&str],
    independent: bool,
    burst: usize,
    wait: std::time::Duration,
) -> (Release, Registry, crate::support::rate_limit::RateLimit, TempDir) {
    let dir = tempfile::Builder::new().prefix("cargo-patch-registry-").tempdir().unwrap();
    let mut registry = Registry::start(dir.path());
    let limit = crate::support::rate_limit::RateLimit::start(registry.port(), burst, wait);
    registry.set_api(&limit.url());
    let project = crate::support::Project::new();
    let remote = project.home().join("remote.git");
    project.git(&["init", "-q", "--bare", "-b", "main", remote.to_str().unwrap()]);
    let members: Vec<String> = crates.iter().map(|c| format!("\"{c}\"")).collect();
    let shared = if independent { "" } else { "\n[workspace.package]\nversion = \"1.0.0\"\nedition = \"2021\"\n" };
    project
        .write(".gitignore", "/target\n")
        .write(".cargo/config.toml", &format!("[registries.ktra]\nindex = \"{}\"\n", registry.index_url()))
        .write(
            "Cargo.toml",
            &format!(
                "[workspace]\nmembers = [{}]\nresolver = \"2\"\n{shared}\n[workspace.metadata.patch-release]\nverify = [\"true\"]\n",
                members.join(", ")
            ),
        );
    let package = if independent {
        "version = \"1.0.0\"\nedition = \"2021\""
    } else {
        "version.workspace = true\nedition.workspace = true"
    };
    for c in crates {
        project
            .write(
                &format!("{c}/Cargo.toml"),
                &format!("[package]\nname = \"{c}\"\n{package}\ndescription = \"{c}\"\nlicense = \"MIT\"\n"),
            )
            .write(&format!("{c}/src/lib.rs"), "//! A crate.\n");
    }
    project.generate_lockfile();
    project.commit_all();
    let tags: Vec<String> =
        if independent { crates.iter().map(|c| format!("{c}-v1.0.0")).collect() } else { vec!["v1.0.0".into()] };
    for tag in &tags {
        project.git(&["tag", tag]);
    }
    project.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    project.git(&["push", "-q", "origin", "main", "--tags"]);
    for c in crates {
        project.write(&format!("{c}/src/lib.rs"), "//! A crate, fixed.\n");
    }
    project.git(&["commit", "-q", "-am", "fix: say each crate is fixed"]);
    let r = Release { project, remote, env: registry.cargo_env() };
    (r, registry, limit, dir)
}

#[test]
fn a_rate_limited_publish_waits_and_completes_unattended() {
    // Two uploads pass, then one every two seconds, answered 429 as crates.io answers.
    let crates = ["c1", "c2", "c3", "c4"];
    let (r, registry, limit, _dir) = rate_limited(&crates, false, 2, std::time::Duration::from_secs(2));
    let output = r.ok(&["release", "--yes", "--registry", "ktra"]);
    let err = text(&output.stderr);
    assert!(
        err.contains("Waiting") && err.contains("for the registry's rate limit (HTTP 429)"),
        "{}",
        describe(&output)
    );
    for c in crates {
        assert_eq!(registry.versions(c), [("1.0.1".to_owned(), false)], "{c} is published");
    }
    let (accepted, refused) = limit.counts();
    assert_eq!(accepted, 4, "every crate uploaded once");
    assert!(refused >= 2, "c3 and c4 each waited: {refused} refusals");
    assert!(!r.journal().exists(), "finished, with no `--resume` by hand");
}

#[test]
fn abandon_closes_a_pushed_release_that_cannot_publish() {
    let (r, mut registry, _dir) = with_registry();
    registry.stop();
    let output = r.run(&["release", "--yes", "--registry", "ktra"], &[]);
    assert_code(&output, 1, "registry down");
    // Another release is blocked while this one is unfinished...
    assert_code(&r.run(&["release", "--dry-run", "--registry", "ktra"], &[]), 1, "blocked");
    let output = r.ok(&["release", "--abandon"]);
    let err = text(&output.stderr);
    assert!(err.contains("Abandoned release `v1.0.1`: not done: publish `a`, publish `b`"), "{}", describe(&output));
    assert!(err.contains("git worktree add <dir> v1.0.1"), "{err}");
    assert!(!r.journal().exists());
    assert!(r.remote_refs().contains("refs/tags/v1.0.1"), "the tag stays");
    let record = std::fs::read_to_string(r.project.root().join(".git/cargo-patch/releases/v1.0.1.json")).unwrap();
    assert!(record.contains("abandoned (--abandon)"), "{record}");
    // ...and no longer.
    let output = r.run(&["release", "--resume"], &[]);
    assert_code(&output, 1, "nothing left to resume");
    registry.restart();
    assert!(registry.versions("a").is_empty(), "nothing published behind the user's back");
}

/// Every step of a release to the registry, in order, as `CARGO_PATCH_KILL_AFTER` names them
/// (`publish` is the first crate's).
const STEPS: [&str; 8] = ["verify", "write-files", "commit", "move-branch", "package", "tag", "push", "publish"];

#[test]
fn a_release_killed_after_any_step_is_finished_by_resume_or_undone_by_abort() {
    for (index, step) in STEPS.iter().enumerate() {
        let pushed = index >= STEPS.iter().position(|s| *s == "push").unwrap();
        // Killed right after the step acted, before the journal recorded it.
        let (r, registry, _dir) = with_registry();
        let output = r.run(&["release", "--yes", "--registry", "ktra"], &[("CARGO_PATCH_KILL_AFTER", step)]);
        assert_code(&output, 137, step);
        // `status` names the ways that work: only `--resume` once something reached the remote.
        let status = text(&r.ok(&["status"]).stdout);
        assert!(status.contains("cargo patch release --resume"), "{step}: {status}");
        assert_eq!(status.contains("--abort"), !pushed, "{step}: {status}");

        let output = r.ok(&["release", "--resume"]);
        assert!(!r.journal().exists(), "{step}: finished: {}", describe(&output));
        // The tag is on the pushed branch, and what was published was built from the tag.
        let tagged = r.project.git(&["rev-parse", "v1.0.1^{commit}"]).trim().to_owned();
        let remote = r.remote.to_str().unwrap().to_owned();
        let on_remote = r.project.git(&["ls-remote", &remote, "refs/tags/v1.0.1^{}", "refs/heads/release/v1.0"]);
        assert!(on_remote.contains(&format!("{tagged}\trefs/tags/v1.0.1^{{}}")), "{step}: {on_remote}");
        assert!(on_remote.contains(&format!("{tagged}\trefs/heads/release/v1.0")), "{step}: {on_remote}");
        for krate in ["a", "b"] {
            assert_eq!(registry.versions(krate), [("1.0.1".to_owned(), false)], "{step}: {krate} published once");
            let (_, vcs_info) = crate_contents(&registry.crate_file(krate, "1.0.1"));
            assert!(vcs_info.contains(&format!("\"sha1\": \"{tagged}\"")), "{step}: {krate}: {vcs_info}");
        }

        if !pushed {
            // The same kill, then `--abort`: refs, index, work tree and remote as they were.
            let (r, registry, _dir) = with_registry();
            let before = r.state();
            let output = r.run(&["release", "--yes", "--registry", "ktra"], &[("CARGO_PATCH_KILL_AFTER", step)]);
            assert_code(&output, 137, step);
            r.ok(&["release", "--abort"]);
            assert_eq!(r.state(), before, "{step}: --abort leaves everything as it was");
            assert!(!r.journal().exists(), "{step}: nothing left to resume");
            assert!(registry.versions("a").is_empty(), "{step}: nothing published");
        }
    }
}

#[test]
fn twelve_independent_crates_push_three_tags_at_a_time_and_publish_past_a_rate_limit() {
    let crates: Vec<String> = (1..=12).map(|n| format!("c{n:02}")).collect();
    let names: Vec<&str> = crates.iter().map(String::as_str).collect();
    // Five uploads pass, then one a second.
    let (r, registry, limit, _dir) = rate_limited(&names, true, 5, std::time::Duration::from_secs(1));
    // The remote logs how many refs each push carries, as a forge's push events see them.
    let log = r.log_pushes();

    let output = r.ok(&["release", "--yes", "--registry", "ktra"]);
    // The default `max-tags-per-push` is 3: the branch with three tags, then three at a time.
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "4\n3\n3\n3\n", "{}", describe(&output));
    let remote = r.remote_refs();
    for c in &names {
        assert!(remote.contains(&format!("refs/tags/{c}-v1.0.1")), "{remote}");
        assert_eq!(registry.versions(c), [("1.0.1".to_owned(), false)], "{c} is published");
    }
    let (accepted, refused) = limit.counts();
    assert_eq!(accepted, 12, "every crate uploaded once");
    assert!(refused >= 7, "the seven past the burst each waited: {refused} refusals");
    assert!(!r.journal().exists(), "finished unattended: {}", describe(&output));
}

#[test]
fn a_bump_writes_the_lock_as_cargo_would_when_the_registry_has_a_package_of_the_same_name() {
    let dir = tempfile::Builder::new().prefix("cargo-patch-registry-").tempdir().unwrap();
    let registry = Registry::start(dir.path());
    let cargo = || std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let package =
        "[package]\nname = \"a\"\nversion = \"1.0.0\"\nedition = \"2021\"\ndescription = \"a\"\nlicense = \"MIT\"\n";
    // `a` 1.0.0 is published; the workspace holds its own `a` at 1.0.0 and, through `b`, the
    // published one too (clap's lock holds its `clap_builder` and crates.io's, the same way).
    let published = crate::support::Project::new();
    published.write("Cargo.toml", package).write("src/lib.rs", "//! a\n");
    crate::support::registry::write_cargo_config(published.root(), &registry);
    let mut publish = published.command(cargo());
    publish.args(["publish", "--registry", "ktra", "--no-verify", "--allow-dirty"]).envs(registry.cargo_env());
    assert_code(&publish.output().unwrap(), 0, "publish a 1.0.0");

    let project = crate::support::Project::new();
    project
        .write("Cargo.toml", "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n")
        .write("a/Cargo.toml", package)
        .write("a/src/lib.rs", "//! a\n")
        .write(
            "b/Cargo.toml",
            "[package]\nname = \"b\"\nversion = \"1.0.0\"\nedition = \"2021\"\n\n[dependencies]\n\
             a = { path = \"../a\", version = \"1.0.0\" }\nold-a = { package = \"a\", version = \"=1.0.0\", registry = \"ktra\" }\n",
        )
        .write("b/src/lib.rs", "//! b\n");
    crate::support::registry::write_cargo_config(project.root(), &registry);
    let run_cargo = |args: &[&str]| {
        let mut command = project.command(cargo());
        command.args(args).envs(registry.cargo_env());
        let output = command.output().unwrap();
        assert_code(&output, 0, &format!("cargo {args:?}"));
    };
    run_cargo(&["generate-lockfile"]);
    assert!(project.read("Cargo.lock").contains("\"a 1.0.0 (registry+"), "{}", project.read("Cargo.lock"));

    let mut bump = project.command(crate::support::bin());
    bump.args(["patch", "bump", "patch", "-p", "a", "--allow-dirty"]).envs(registry.cargo_env());
    assert_code(&bump.output().unwrap(), 0, "bump a");
    let ours = project.read("Cargo.lock");
    // Cargo, free to rewrite the lock, leaves every byte as the bump wrote it.
    run_cargo(&["metadata", "--format-version", "1"]);
    assert_eq!(project.read("Cargo.lock"), ours, "cargo rewrote the lock after the bump");
    assert!(ours.contains("\"a 1.0.1\"") && ours.contains("\"a 1.0.0\""), "{ours}");
}
