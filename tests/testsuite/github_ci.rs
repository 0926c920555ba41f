//! The GitHub workflow `init --ci github` writes, and the Action it uses, run as GitHub runs them:
//! a pull request into a release branch is checked out the way the template asks (its head commit,
//! not the merge commit GitHub makes of it), and the Action's own `check` step judges it.

use std::path::Path;
use std::process::Output;

use crate::support::{Project, assert_code, describe, path_with_bin};

const MANIFEST: &str = "[package]\nname = \"engine\"\nversion = \"1.2.3\"\nedition = \"2021\"\n";
const LIB: &str = "//! The engine.\n\n/// Adds two numbers.\npub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n";
const REGRESSION_TEST: &str = "#[test]\nfn add_saturates() {\n    assert_eq!(engine::add(u32::MAX, 1), u32::MAX);\n}\n";

fn repo_file(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

/// Returns the `run:` command of the Action's step named `name`.
fn action_step_run(name: &str) -> String {
    let action = repo_file("action.yml");
    let step = &action[action.find(&format!("- name: {name}\n")).unwrap_or_else(|| panic!("no step {name:?}"))..];
    let run = step.lines().find_map(|line| line.trim().strip_prefix("run: ")).unwrap();
    run.to_owned()
}

/// Runs the Action's `check` step in the project as the runner would: bash, `BASE` from the
/// `base` input, `cargo-patch` on PATH.
fn action_check(project: &Project, base: &str) -> Output {
    project
        .command("bash")
        .args(["-c", &action_step_run("cargo patch check")])
        .env("BASE", base)
        .env("PATH", path_with_bin())
        .output()
        .unwrap()
}

/// A release `v1.2.3` on `release/v1.2`, and a pull request from `hotfix/saturate` (a clean fix
/// with its regression test) into it, with the refs GitHub creates: `refs/pull/1/head` and
/// `refs/pull/1/merge`, the merge commit of the head into the base.
fn pull_request() -> (Project, String, String) {
    let project = Project::new();
    project.write("Cargo.toml", MANIFEST).write("src/lib.rs", LIB);
    project.generate_lockfile();
    project.commit_all();
    project.git(&["tag", "-a", "v1.2.3", "-m", "Release v1.2.3"]);
    project.git(&["branch", "release/v1.2", "v1.2.3"]);
    project.git(&["checkout", "-q", "-b", "hotfix/saturate", "release/v1.2"]);
    project.write("src/lib.rs", &LIB.replace("a + b", "a.saturating_add(b)"));
    project.write("tests/regression.rs", REGRESSION_TEST);
    project.git(&["add", "-A"]);
    project.git(&["commit", "-q", "-m", "fix: saturate add on overflow"]);
    let head = project.git(&["rev-parse", "HEAD"]).trim().to_owned();
    // The base moved on after the branch was cut, as it does while a pull request waits.
    project.git(&["checkout", "-q", "release/v1.2"]);
    project.write("NOTES.md", "Maintainers: see the README.\n");
    project.git(&["add", "-A"]);
    project.git(&["commit", "-q", "-m", "docs: who maintains this line"]);
    let base = project.git(&["rev-parse", "HEAD"]).trim().to_owned();
    project.git(&["update-ref", "refs/pull/1/head", &head]);
    project.git(&["checkout", "-q", "--detach", &base]);
    project.git(&["merge", "-q", "--no-ff", "-m", &format!("Merge {head} into {base}"), &head]);
    let merge = project.git(&["rev-parse", "HEAD"]).trim().to_owned();
    project.git(&["update-ref", "refs/pull/1/merge", &merge]);
    (project, head, base)
}

#[test]
fn the_template_checks_out_the_pull_requests_head_and_judges_it_against_its_base() {
    let template = repo_file("templates/github-workflow.yml");
    let check_job = &template[template.find("\n  check:\n").unwrap()..template.find("\n  release:\n").unwrap()];
    assert!(check_job.contains("ref: ${{ github.event.pull_request.head.sha }}"), "{check_job}");
    assert!(check_job.contains("fetch-depth: 0"), "{check_job}");
    assert!(check_job.contains("command: check"), "{check_job}");
    assert!(check_job.contains("base: ${{ github.event.pull_request.base.sha }}"), "{check_job}");

    let (project, head, base) = pull_request();
    // What GitHub checks out by default: its merge commit, which the no-merge rule refuses.
    let at_merge = action_check(&project, &base);
    assert_code(&at_merge, 1, "check at GitHub's merge commit");
    assert!(describe(&at_merge).contains("no-merge"), "{}", describe(&at_merge));
    // What the template checks out: the head commit, detached, as actions/checkout leaves it.
    project.git(&["checkout", "-q", "--detach", &head]);
    let at_head = action_check(&project, &base);
    assert_code(&at_head, 0, "check at the pull request's head");
    // And the head is judged by the hotfix policy: a feature pushed to the pull request fails it.
    project.write("src/extra.rs", "//! More.\n");
    project.git(&["add", "-A"]);
    project.git(&["commit", "-q", "-m", "feat: something new"]);
    let with_feature = action_check(&project, &base);
    assert_code(&with_feature, 1, "check of a pull request with a feature");
    assert!(describe(&with_feature).contains("commit-type"), "{}", describe(&with_feature));
}
