//! `cargo patch bump`: fixture cases (`bump/cases/<case>/{args, code, in/, out/}`, compared byte
//! for byte) and scenarios that need git, several runs or a broken input.

use std::path::Path;

use snapbox::str;

use crate::support::{Project, assert_trees_eq};

// One test per case; each one's expected tree was derived by hand from SPEC's rules.
crate::support::cases::fixture_tests!(super::run_case, "bump/cases", {
    explicit_version: "explicit-version",
    hand_explicit_version: "hand-explicit-version",
    hand_independent_one_crate: "hand-independent-one-crate",
    hand_independent_upgrade_dependents: "hand-independent-upgrade-dependents",
    hand_mixed: "hand-mixed",
    hand_prerelease_enter: "hand-prerelease-enter",
    hand_prerelease_to_beta: "hand-prerelease-to-beta",
    hand_refuse_downgrade: "hand-refuse-downgrade",
    hand_refuse_exclude_inherited: "hand-refuse-exclude-inherited",
    hand_refuse_rc_to_alpha: "hand-refuse-rc-to-alpha",
    hand_refuse_release_not_prerelease: "hand-refuse-release-not-prerelease",
    hand_release_from_rc: "hand-release-from-rc",
    hand_root_package_workspace: "hand-root-package-workspace",
    hand_single_crate: "hand-single-crate",
    hand_unified_all_forms: "hand-unified-all-forms",
    hand_unified_patch_keeps_reqs: "hand-unified-patch-keeps-reqs",
    hand_zero_x_rules: "hand-zero-x-rules",
    independent_major_one_crate: "independent-major-one-crate",
    independent_patch_upgrade_dependents: "independent-patch-upgrade-dependents",
    independent_workspace_exclude: "independent-workspace-exclude",
    mixed_patch_workspace: "mixed-patch-workspace",
    prerelease_enter: "prerelease-enter",
    prerelease_to_beta: "prerelease-to-beta",
    refuse_downgrade: "refuse-downgrade",
    refuse_exclude_inherited: "refuse-exclude-inherited",
    refuse_rc_to_alpha: "refuse-rc-to-alpha",
    refuse_release_not_prerelease: "refuse-release-not-prerelease",
    release_from_rc: "release-from-rc",
    root_package_workspace: "root-package-workspace",
    single_crate_crlf: "single-crate-crlf",
    unified_all_forms: "unified-all-forms",
    unified_one_member_moves_all: "unified-one-member-moves-all",
    unified_patch_keeps_reqs: "unified-patch-keeps-reqs",
    zero_x_minor_breaks: "zero-x-minor-breaks",
    zero_x_rules: "zero-x-rules",
});

fn run_case(case: &Path) {
    let name = case.file_name().unwrap().to_string_lossy();
    let args: Vec<String> = std::fs::read_to_string(case.join("args"))
        .unwrap_or_else(|e| panic!("{name}: args: {e}"))
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let code: i32 =
        std::fs::read_to_string(case.join("code")).map_or(0, |c| c.trim().parse().expect("code is a number"));
    let project = Project::from_fixture(&case.join("in"));
    let output = project.cargo_patch().args(&args).output().expect("run cargo-patch");
    assert_eq!(
        output.status.code(),
        Some(code),
        "{name}: exit status\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_trees_eq(&case.join("out"), project.root());
    if code == 0 {
        project.assert_cargo_accepts_lock();
    }
}

const APP_AND_ENGINE: &[(&str, &str)] = &[
    ("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n"),
    (
        "crates/engine/Cargo.toml",
        "[package]\nname = \"engine\"\nversion = \"1.2.3\" # the engine\nedition = \"2021\"\n",
    ),
    ("crates/engine/src/lib.rs", ""),
    (
        "crates/app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nengine = { path = \"../engine\", version = \"=1.2.3\" }\n",
    ),
    ("crates/app/src/lib.rs", ""),
];

fn app_and_engine() -> Project {
    let project = Project::new();
    for (path, contents) in APP_AND_ENGINE {
        project.write(path, contents);
    }
    project.generate_lockfile();
    project
}

fn version_of(project: &Project, krate: &str) -> String {
    let manifest = project.read(&format!("crates/{krate}/Cargo.toml"));
    let doc: toml_edit::DocumentMut = manifest.parse().unwrap();
    doc["package"]["version"].as_str().unwrap().to_owned()
}

#[test]
fn pre_release_stepping_through_to_release() {
    let project = app_and_engine();
    let steps = [
        ("alpha", "1.2.4-alpha.1"),
        ("alpha", "1.2.4-alpha.2"),
        ("beta", "1.2.4-beta.1"),
        ("rc", "1.2.4-rc.1"),
        ("release", "1.2.4"),
    ];
    for (level, expected) in steps {
        project.cargo_patch().args(["bump", level, "-p", "engine"]).assert().success();
        assert_eq!(version_of(&project, "engine"), expected, "after `bump {level}`");
        // The pin follows each step, so the lock stays consistent all the way.
        assert!(project.read("crates/app/Cargo.toml").contains(&format!("version = \"={expected}\"")));
        project.assert_cargo_accepts_lock();
    }
    assert!(project.read("crates/engine/Cargo.toml").contains("version = \"1.2.4\" # the engine\n"));
}

#[test]
fn table_and_requirement_lines() {
    let project = app_and_engine();
    project
        .cargo_patch()
        .args(["bump", "minor", "-p", "engine"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
crate   version         why
engine  1.2.3 -> 1.3.0  minor bump

"#]])
        .stderr_eq(str![[r#"
     Updated requirement on `engine` in crates/app/Cargo.toml:7 [dependencies]: "=1.2.3" -> "=1.3.0"
       Wrote 3 files

"#]]);
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let project = app_and_engine();
    project.commit_all();
    let before = project.snapshot();
    project
        .cargo_patch()
        .args(["bump", "major", "--workspace", "--dry-run"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
crate   version         why
app     0.1.0 -> 1.0.0  major bump
engine  1.2.3 -> 2.0.0  major bump
--- a/crates/app/Cargo.toml
+++ b/crates/app/Cargo.toml
@@ -1,7 +1,7 @@
 [package]
 name = "app"
-version = "0.1.0"
+version = "1.0.0"
 edition = "2021"
 
 [dependencies]
-engine = { path = "../engine", version = "=1.2.3" }
+engine = { path = "../engine", version = "=2.0.0" }
--- a/crates/engine/Cargo.toml
+++ b/crates/engine/Cargo.toml
@@ -1,4 +1,4 @@
 [package]
 name = "engine"
-version = "1.2.3" # the engine
+version = "2.0.0" # the engine
 edition = "2021"
--- a/Cargo.lock
+++ b/Cargo.lock
@@ -4,11 +4,11 @@
 
 [[package]]
 name = "app"
-version = "0.1.0"
+version = "1.0.0"
 dependencies = [
  "engine",
 ]
 
 [[package]]
 name = "engine"
-version = "1.2.3"
+version = "2.0.0"

"#]])
        .stderr_eq(str![[r#"
Would update requirement on `engine` in crates/app/Cargo.toml:7 [dependencies]: "=1.2.3" -> "=2.0.0"
warning: aborting due to dry run; nothing was written

"#]]);
    assert_eq!(project.snapshot(), before);
    assert_eq!(project.git(&["status", "--porcelain"]), "");
}

#[test]
fn dirty_manifest_is_refused_unless_allowed() {
    let project = app_and_engine();
    project.commit_all();
    project.write("crates/app/Cargo.toml", &format!("{}# local edit\n", project.read("crates/app/Cargo.toml")));
    let before = project.snapshot();
    project.cargo_patch().args(["bump", "patch", "--workspace"]).assert().code(1).stderr_eq(str![[r#"
error: uncommitted changes in `crates/app/Cargo.toml`
help: commit or stash them first, or pass `--allow-dirty`

"#]]);
    assert_eq!(project.snapshot(), before);
    project.cargo_patch().args(["bump", "patch", "--workspace", "--allow-dirty"]).assert().success();
    assert!(project.read("crates/app/Cargo.toml").ends_with("# local edit\n"));
    assert_eq!(version_of(&project, "app"), "0.1.1");
}

#[test]
fn clean_repository_is_bumped_and_untracked_manifest_counts_as_dirty() {
    let project = app_and_engine();
    project.commit_all();
    project.cargo_patch().args(["bump", "patch", "-p", "app"]).assert().success();
    assert_eq!(version_of(&project, "app"), "0.1.1");
    project.git(&["commit", "-qam", "chore: bump"]);
    project.write("crates/extra/Cargo.toml", "[package]\nname = \"extra\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
    project.write("crates/extra/src/lib.rs", "");
    project.cargo_patch().args(["bump", "patch", "-p", "extra"]).assert().code(1).stderr_eq(str![[r#"
error: uncommitted changes in `crates/extra/Cargo.toml`
help: commit or stash them first, or pass `--allow-dirty`

"#]]);
}

#[test]
fn malformed_manifest_names_file_and_line() {
    let project = app_and_engine();
    project.write("crates/app/Cargo.toml", "[package]\nname = \"app\"\nversion = \"0.1.0\nedition = \"2021\"\n");
    let before = project.snapshot();
    project.cargo_patch().args(["bump", "patch", "--workspace"]).assert().code(1).stderr_eq(str![[r#"
error: `cargo metadata` could not load the workspace of `[ROOT]/ws/Cargo.toml`

Caused by:
  invalid basic string, expected `"`
   --> crates/app/Cargo.toml:3:17
    |
  3 | version = "0.1.0
    |                 ^
  error: failed to load manifest for workspace member `[ROOT]/ws/crates/app`
  referenced via `crates/*` by workspace at `[ROOT]/ws/Cargo.toml`
help: fix the manifest cargo names above, then run the command again

"#]]);
    assert_eq!(project.snapshot(), before);
}

#[test]
fn a_pinned_toolchain_that_is_not_installed_is_named_with_what_installs_it() {
    // As a maintainer's shell runs it (and a git hook): `cargo` is rustup's proxy, which reads
    // the workspace's `rust-toolchain.toml` (the `CARGO` and `RUSTUP_TOOLCHAIN` that `cargo test`
    // passes down would bypass it).
    let rustup_cargo = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .map(|home| home.join("bin/cargo"))
        .filter(|cargo| cargo.exists())
        .expect("rustup's cargo proxy: the suite runs under rustup");
    let project = app_and_engine();
    project.write("rust-toolchain.toml", "[toolchain]\nchannel = \"1.2.3\"\n");
    project.commit_all();
    let before = project.snapshot();
    let path = std::env::join_paths(
        std::iter::once(rustup_cargo.parent().unwrap().to_owned())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    project
        .cargo_patch()
        .args(["bump", "patch", "--workspace"])
        .env_remove("CARGO")
        .env_remove("RUSTUP_TOOLCHAIN")
        .env("PATH", path)
        .env("RUSTUP_AUTO_INSTALL", "0")
        .env("RUST_BACKTRACE", "1")
        .assert()
        .code(1)
        .stderr_eq(str![[r#"
error: `cargo metadata` could not load the workspace of `[ROOT]/ws/Cargo.toml`

Caused by:
  toolchain '1.2.3-[..]' is not installed
  help: run `rustup toolchain install` to install it
help: install the toolchain the workspace pins (`rustup toolchain install`, run in the workspace), then run the command again

"#]]);
    assert_eq!(project.snapshot(), before);
}

#[test]
fn non_semver_manifest_version_is_named() {
    let project = app_and_engine();
    project.write("crates/engine/Cargo.toml", "[package]\nname = \"engine\"\nversion = \"1.2\"\nedition = \"2021\"\n");
    project.cargo_patch().args(["bump", "patch", "--workspace"]).assert().code(1).stderr_eq(str![[r#"
error: `cargo metadata` could not load the workspace of `[ROOT]/ws/Cargo.toml`

Caused by:
  unexpected end of input while parsing minor version number
   --> crates/engine/Cargo.toml:3:11
    |
  3 | version = "1.2"
    |           ^^^^^
  error: failed to load manifest for workspace member `[ROOT]/ws/crates/app`
  referenced via `crates/*` by workspace at `[ROOT]/ws/Cargo.toml`

  Caused by:
    failed to load manifest for dependency `engine`
help: fix the manifest cargo names above, then run the command again

"#]]);
}

#[test]
fn unknown_package_lists_members() {
    let project = app_and_engine();
    let before = project.snapshot();
    for args in [["bump", "patch", "-p", "nope"].as_slice(), &["bump", "patch", "--workspace", "--exclude", "nope"]] {
        project.cargo_patch().args(args).assert().code(1).stderr_eq(str![[r#"
error: package `nope` is not a member of the workspace
help: the members are: app, engine

"#]]);
    }
    assert_eq!(project.snapshot(), before);
}

#[test]
fn unknown_config_key_names_file_and_line() {
    let project = app_and_engine();
    project.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n\n[workspace.metadata.patch-release]\nremote = \"origin\"\nmax-line = 3\n",
    );
    project.cargo_patch().args(["bump", "patch", "--workspace"]).assert().code(1).stderr_eq(str![[r#"
error: unknown key `max-line` in `[workspace.metadata.patch-release]` of `[ROOT]/ws/Cargo.toml` (line 7)
help: known keys: tag-format, release-branch, hotfix-branch, remote, changelog, changelog-per-crate, release-commit-message, verify, release-window, allowed-types, release-exclude, max-tags-per-push, replace, pre-release-commit, post-release, verify-published, verify-published-timeout, notify, hotfix

"#]]);
    project.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.metadata.patch-release.hotfix]\nmax-lines = \"200\"\n",
    );
    project.cargo_patch().args(["bump", "patch", "--workspace"]).assert().code(1).stderr_eq(str![[r#"
error: `workspace.metadata.patch-release.hotfix.max-lines` in `[ROOT]/ws/Cargo.toml` (line 5) must be a whole number, 0 or more
help: see the Configuration section of cargo-patch's README for every key, its type and default

"#]]);
}

#[test]
fn failed_write_restores_every_file() {
    let project = app_and_engine();
    let before = project.snapshot();
    // The second of three replacements fails: the first must be put back.
    project
        .cargo_patch()
        .args(["bump", "major", "--workspace"])
        .env("CARGO_PATCH_FAIL_WRITE", "1")
        .assert()
        .code(1)
        .stderr_eq(str![[r#"
error: failed to write `[ROOT]/ws/crates/engine/Cargo.toml`

Caused by:
  injected failure (CARGO_PATCH_FAIL_WRITE)
help: nothing was changed; fix the cause above and run the command again

"#]]);
    assert_eq!(project.snapshot(), before);
}

#[test]
fn current_package_is_selected_from_its_directory() {
    let project = app_and_engine();
    project
        .cargo_patch()
        .args(["bump", "patch"])
        .current_dir(project.root().join("crates/engine/src"))
        .assert()
        .success();
    assert_eq!(version_of(&project, "engine"), "1.2.4");
    assert_eq!(version_of(&project, "app"), "0.1.0");
}

#[test]
fn virtual_root_without_selection_takes_default_members() {
    let project = app_and_engine();
    project.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\ndefault-members = [\"crates/app\"]\nresolver = \"2\"\n",
    );
    project.cargo_patch().args(["bump", "minor"]).assert().success();
    assert_eq!(version_of(&project, "app"), "0.2.0");
    assert_eq!(version_of(&project, "engine"), "1.2.3");
}

#[test]
fn range_requirement_is_refused_with_its_location() {
    let project = app_and_engine();
    project.write(
        "crates/app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nengine = { path = \"../engine\", version = \">=1.2, <2\" }\n",
    );
    let before = project.snapshot();
    project.cargo_patch().args(["bump", "major", "-p", "engine"]).assert().code(1).stderr_eq(str![[r#"
error: the requirement on `engine` in `[ROOT]/ws/crates/app/Cargo.toml` (line 7): requirement `>=1.2, <2` does not allow `2.0.0` and cargo-patch will not guess how to widen it
help: edit the requirement by hand so it allows `2.0.0`, then run the command again

"#]]);
    assert_eq!(project.snapshot(), before);
}

#[test]
fn every_problem_is_reported_at_once() {
    let project = app_and_engine();
    project.cargo_patch().args(["bump", "release", "--workspace"]).assert().code(1).stderr_eq(str![[r#"
error: 2 problems, nothing was changed:
  - cannot bump `app`: `0.1.0` is not a pre-release, so there is nothing to release
  - cannot bump `engine`: `1.2.3` is not a pre-release, so there is nothing to release
help: `release` finishes a pre-release; use `patch`, `minor` or `major` for a new version

"#]]);
}

#[test]
fn same_version_changes_nothing() {
    let project = app_and_engine();
    let before = project.snapshot();
    project
        .cargo_patch()
        .args(["bump", "1.2.3", "-p", "engine"])
        .assert()
        .success()
        .stdout_eq(str![[r#"
crate   version  why
engine  1.2.3    already at that version

"#]])
        .stderr_eq(str![[r#"
note: nothing to change

"#]]);
    assert_eq!(project.snapshot(), before);
}

#[test]
fn registry_dependency_named_like_a_member_is_left_alone() {
    let project = Project::new();
    project.write("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n");
    project
        .write("crates/engine/Cargo.toml", "[package]\nname = \"engine\"\nversion = \"1.2.3\"\nedition = \"2021\"\n");
    project.write("crates/engine/src/lib.rs", "");
    // `engine = "1"` here would come from the registry, not from the workspace member.
    let app = "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nengine = \"1\"\n";
    project.write("crates/app/Cargo.toml", app);
    project.write("crates/app/src/lib.rs", "");
    project.cargo_patch().args(["bump", "major", "-p", "engine"]).assert().success();
    assert_eq!(project.read("crates/app/Cargo.toml"), app);
    assert_eq!(version_of(&project, "engine"), "2.0.0");
}

#[test]
fn symlinked_manifest_is_written_through() {
    let project = app_and_engine();
    let real = project.home().join("engine-Cargo.toml");
    std::fs::rename(project.root().join("crates/engine/Cargo.toml"), &real).unwrap();
    std::os::unix::fs::symlink(&real, project.root().join("crates/engine/Cargo.toml")).unwrap();
    project.cargo_patch().args(["bump", "patch", "-p", "engine"]).assert().success();
    let link = std::fs::symlink_metadata(project.root().join("crates/engine/Cargo.toml")).unwrap();
    assert!(link.file_type().is_symlink(), "the symlink must survive");
    assert!(std::fs::read_to_string(&real).unwrap().contains("version = \"1.2.4\""));
}

#[test]
fn excluding_every_crate_is_an_error() {
    let project = app_and_engine();
    project
        .cargo_patch()
        .args(["bump", "patch", "--workspace", "--exclude", "app", "--exclude", "engine"])
        .assert()
        .code(1)
        .stderr_eq(str![[r#"
error: no package is selected
help: name packages with `-p`, or use `--workspace` with fewer `--exclude`

"#]]);
}
