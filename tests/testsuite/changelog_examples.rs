//! Every example configuration git-cliff ships, against the real git-cliff `--offline`: the
//! templates that read remote data (`github.contributors`, `commit.remote`, the GitLab and Azure
//! DevOps variants) must render it empty, as git-cliff does offline, not fail.

use std::path::Path;

use crate::support::Project;
use crate::support::tools::GIT_CLIFF;

crate::support::cases::fixture_tests!(super::renders_as_git_cliff_offline, "changelog/examples", {
    azure_devops_keepachangelog: "azure-devops-keepachangelog",
    cocogitto: "cocogitto",
    detailed: "detailed",
    github: "github",
    github_keepachangelog: "github-keepachangelog",
    gitlab: "gitlab",
    gitlab_keepachangelog: "gitlab-keepachangelog",
    introspection: "introspection",
    keepachangelog: "keepachangelog",
    minimal: "minimal",
    previous: "previous",
    scoped: "scoped",
    scopesorted: "scopesorted",
    statistics: "statistics",
    unconventional: "unconventional",
});

fn renders_as_git_cliff_offline(example: &Path) {
    let history = crate::support::cases::fixture_dir("changelog/histories/01-basic-conventional/setup.sh");
    let project = Project::new();
    let output = project.command("bash").arg(&history).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let config = example.join("cliff.toml");
    for args in [&[][..], &["--latest"], &["--unreleased"]] {
        let theirs =
            project.command(GIT_CLIFF.path()).arg("--offline").arg("--config").arg(&config).args(args).output();
        let ours =
            project.command(crate::support::bin()).args(["changelog", "--config"]).arg(&config).args(args).output();
        let (theirs, ours) = (theirs.unwrap(), ours.unwrap());
        assert!(theirs.status.success(), "git-cliff {args:?}: {}", String::from_utf8_lossy(&theirs.stderr));
        assert!(ours.status.success(), "cargo-patch {args:?}: {}", String::from_utf8_lossy(&ours.stderr));
        let (theirs, ours) = (String::from_utf8(theirs.stdout).unwrap(), String::from_utf8(ours.stdout).unwrap());
        let diff =
            similar::TextDiff::from_lines(&theirs, &ours).unified_diff().header("git-cliff", "cargo-patch").to_string();
        assert!(theirs == ours, "{} {args:?} differs:\n{diff}", example.display());
    }
}
