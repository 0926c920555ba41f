//! `cargo patch init`: configuration, CHANGELOG.md, hooks and the GitHub workflow, once.

use std::path::Path;

use crate::support::tools::{ZIZMOR, actionlint};
use crate::support::{Project, describe, text};

fn solo() -> Project {
    let project = Project::new();
    project.write("Cargo.toml", "[package]\nname = \"solo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n# keep me\n");
    project.write("src/lib.rs", "");
    project.git(&["init", "-q", "-b", "main"]);
    project.git(&["add", "-A"]);
    project.git(&["commit", "-q", "-m", "feat: first"]);
    project
}

#[test]
fn init_twice_changes_nothing_the_second_time() {
    let project = solo();
    let before = project.read("Cargo.toml");
    project.cargo_patch().args(["init", "--yes", "--ci", "github"]).assert().success();
    let manifest = project.read("Cargo.toml");
    assert!(manifest.starts_with(&before), "init must only append to the manifest");
    assert!(
        manifest.contains("[package.metadata.patch-release]\n")
            && manifest.contains("[package.metadata.patch-release.hotfix]\n")
    );
    assert!(project.read("CHANGELOG.md").contains("## [Unreleased]\n\n### Features\n\n- First ("));
    assert!(project.root().join(".github/workflows/cargo-patch.yml").is_file());
    let hooks = project.root().join(".git/hooks");
    assert!(std::fs::read_to_string(hooks.join("commit-msg")).unwrap().contains("# cargo-patch managed hook"));
    // The written configuration is valid and means the defaults: cargo and cargo-patch read it.
    project.cargo().args(["metadata", "--no-deps", "--format-version", "1", "--offline"]).assert().success();
    project.cargo_patch().args(["bump", "patch", "--dry-run", "--allow-dirty"]).assert().success();

    project.git(&["add", "-A"]);
    project.git(&["commit", "-q", "-m", "chore: set up cargo-patch"]);
    project.cargo_patch().args(["init", "--yes", "--ci", "github"]).assert().success();
    assert_eq!(project.git(&["status", "--porcelain"]), "", "the second init changed something");
}

#[test]
fn init_whose_hooks_cannot_be_installed_leaves_every_file_as_it_was() {
    // A refusal the hooks' plan can see is found before any file is written.
    let project = solo();
    let hooks = project.root().join(".git/hooks");
    std::fs::create_dir_all(hooks.join("commit-msg")).unwrap();
    let before = project.snapshot();
    let output = project.cargo_patch().args(["init", "--yes", "--ci", "github"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(text(&output.stderr).contains("not a regular file"), "{}", describe(&output));
    assert_eq!(project.snapshot(), before, "no file written");

    // A hooks directory git cannot resolve is an error, found before anything is written (it
    // used to be taken for "not a git repository yet", with exit status 0 and no hooks).
    let project = solo();
    let hooks = project.root().join(".git/hooks");
    std::fs::remove_dir_all(&hooks).unwrap();
    std::os::unix::fs::symlink(project.root().join("src/lib.rs/hooks"), &hooks).unwrap();
    let before = project.snapshot();
    let output = project.cargo_patch().args(["init", "--yes"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(!text(&output.stderr).contains("not a git repository"), "{}", describe(&output));
    assert_eq!(project.snapshot(), before, "no file written");

    // A failure only the install meets (the second hook cannot be written): the first hook, the
    // manifest, CHANGELOG.md and the workflow are all taken back.
    let project = solo();
    let before = project.snapshot();
    let output = project
        .cargo_patch()
        .args(["init", "--yes", "--ci", "github"])
        .env("CARGO_PATCH_FAIL_HOOK", "pre-push")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let err = text(&output.stderr);
    assert!(err.contains("`cargo patch init` failed; what it had done was taken back"), "{}", describe(&output));
    assert!(err.contains("injected failure"), "{err}");
    assert!(!err.contains("Wrote"), "nothing is reported written: {err}");
    assert_eq!(project.snapshot(), before, "the files are as they were");
    assert!(!project.root().join(".git/hooks/commit-msg").exists(), "the first hook is taken back");
    assert!(!project.root().join(".github").join("workflows/cargo-patch.yml").exists());
}

#[test]
fn init_dry_run_writes_nothing() {
    let project = solo();
    let before = project.snapshot();
    project.cargo_patch().args(["init", "--dry-run", "--ci", "github"]).assert().success();
    assert_eq!(project.snapshot(), before);
    assert!(!project.root().join(".git/hooks/commit-msg").exists());
}

#[test]
fn the_workflow_template_passes_actionlint() {
    let workflow = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/github-workflow.yml");
    let output = actionlint().arg(&workflow).output().unwrap();
    assert!(output.status.success(), "actionlint: {}", String::from_utf8_lossy(&output.stdout));
    // And it can fail: an untrusted expression in a script is refused.
    let project = Project::new();
    project.write(
        "bad.yml",
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.head_ref }}\n",
    );
    let output = actionlint().arg(project.root().join("bad.yml")).output().unwrap();
    assert!(!output.status.success());
}

/// Runs zizmor offline, with every audit (the pedantic persona), on `files` of `project`.
fn zizmor(project: &Project, files: &[&str]) -> std::process::Output {
    project
        .command(ZIZMOR.path())
        .args(["--offline", "--persona", "pedantic", "--no-progress"])
        .args(files)
        .env("XDG_CACHE_HOME", project.home().join("cache"))
        .output()
        .unwrap()
}

#[test]
fn the_workflow_template_and_the_action_pass_zizmor() {
    let project = Project::new();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let template = std::fs::read_to_string(repo.join("templates/github-workflow.yml")).unwrap();
    project.write(".github/workflows/cargo-patch.yml", &template);
    project.write("action.yml", &std::fs::read_to_string(repo.join("action.yml")).unwrap());
    let output = zizmor(&project, &[".github/workflows/cargo-patch.yml", "action.yml"]);
    assert!(output.status.success(), "zizmor: {}", describe(&output));
    assert!(text(&output.stdout).contains("No findings"), "zizmor: {}", describe(&output));
    // And it can fail: the template as it was (an unpinned action, credentials persisted).
    project.write(
        ".github/workflows/old.yml",
        "on: pull_request\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n",
    );
    let output = zizmor(&project, &[".github/workflows/old.yml"]);
    assert!(!output.status.success(), "zizmor passed an unpinned action: {}", describe(&output));
}

#[test]
fn the_readme_configuration_reference_is_what_init_writes() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let project = solo();
    project.cargo_patch().args(["init", "--yes"]).assert().success();
    let manifest = project.read("Cargo.toml");
    let written = &manifest[manifest.find("[package.metadata.patch-release]").unwrap()..];
    let documented = written.replace("[package.", "[workspace.");
    assert!(
        readme.contains(&format!("```toml\n{documented}```")),
        "README.md's configuration block differs from:\n{documented}"
    );
}

#[test]
fn the_other_cargo_patchs_table_is_left_alone_and_our_old_table_is_read_with_a_warning() {
    // The crates.io `cargo-patch` (patch files for dependencies) configures a crate like this.
    let project = Project::new();
    project.write(
        "Cargo.toml",
        "[package]\nname = \"solo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.patch.serde]\npatches = [\"serde.patch\"]\n",
    );
    project.write("src/lib.rs", "");
    project.cargo_patch().args(["bump", "patch", "--dry-run"]).assert().success();

    // Our configuration under its old name still applies, with a deprecation warning.
    let project = Project::new();
    project.write(
        "Cargo.toml",
        "[package]\nname = \"solo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.patch]\ntag-format = \"solo@{version}\"\n",
    );
    project.write("src/lib.rs", "");
    let output = project.cargo_patch().args(["bump", "patch", "--dry-run"]).output().unwrap();
    assert!(output.status.success(), "{}", describe(&output));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("`[package.metadata.patch]` is deprecated: rename it `[package.metadata.patch-release]`"),
        "{stderr}"
    );
}
