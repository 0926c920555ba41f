//! History at scale: what `status` prints when a workspace has many unreleased changes.

use snapbox::str;

use crate::support::Project;

/// A released crate `solo` at 1.0.0, then `fixes` plain fixes, a critical fix and a breaking
/// change, all unreleased.
fn many_unreleased(fixes: usize) -> Project {
    let project = Project::new();
    project.write("Cargo.toml", "[package]\nname = \"solo\"\nversion = \"1.0.0\"\nedition = \"2021\"\n");
    project.write("src/lib.rs", "");
    project.commit_all();
    project.git(&["tag", "v1.0.0"]);
    let mut messages: Vec<String> = (1..=fixes).map(|n| format!("fix: edge case {n}")).collect();
    messages.push("fix: crash on load\n\nSeverity: critical".into());
    messages.push("feat!: new config format".into());
    for (n, message) in messages.iter().enumerate() {
        project.write("src/lib.rs", &format!("// change {n}\n"));
        project.git(&["commit", "-q", "-a", "-m", message]);
    }
    project
}

#[test]
fn status_lists_only_breaking_and_critical_changes_past_a_screenful() {
    let project = many_unreleased(40);
    project.cargo_patch().arg("status").assert().success().stdout_eq(str![[r#"
On main (unified versions, tags `v{version}`)

crate  version  latest stable  unreleased       level  next
solo   1.0.0    v1.0.0         42 (1 critical)  major  2.0.0

Unreleased in solo:
  major feat: [BREAKING] new config format
  patch fix: [critical] crash on load

40 other unreleased changes in 1 crate not listed; `cargo patch status -v` lists them

Hotfix branches: none
Hooks: commit-msg not installed, pre-push not installed

"#]]);
    let verbose = project.cargo_patch().args(["status", "-v"]).output().unwrap();
    let text = String::from_utf8(verbose.stdout).unwrap();
    assert!(text.contains("  patch fix: edge case 1\n") && text.contains("  patch fix: edge case 40\n"), "{text}");
    assert!(!text.contains("not listed"), "{text}");
}

#[test]
fn status_lists_every_change_of_a_small_history() {
    let project = many_unreleased(3);
    let output = project.cargo_patch().arg("status").output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("  patch fix: edge case 3\n"), "{text}");
    assert!(!text.contains("not listed"), "{text}");
}

/// Two crates tagged at 1.0.0, then a fix of `a` on a merged branch and a feature of `b` on main.
#[test]
fn one_walk_counts_each_crate_from_its_own_tag_through_merges() {
    let project = Project::new();
    project.write("Cargo.toml", "[workspace]\nmembers = [\"a\", \"b\", \"a/plugin\"]\nresolver = \"2\"\n");
    for (dir, name) in [("a", "a"), ("b", "b"), ("a/plugin", "a-plugin")] {
        let manifest = format!("[package]\nname = \"{name}\"\nversion = \"1.0.0\"\nedition = \"2021\"\n");
        project.write(&format!("{dir}/Cargo.toml"), &manifest);
        project.write(&format!("{dir}/src/lib.rs"), "");
    }
    project.commit_all();
    for tag in ["a-v1.0.0", "b-v1.0.0", "a-plugin-v1.0.0"] {
        project.git(&["tag", tag]);
    }
    project.git(&["switch", "-q", "-c", "side"]);
    project.write("a/src/lib.rs", "// fixed\n");
    project.git(&["commit", "-q", "-a", "-m", "fix(a): off by one"]);
    project.git(&["switch", "-q", "main"]);
    project.write("b/src/lib.rs", "// new\n");
    project.git(&["commit", "-q", "-a", "-m", "feat(b): new api"]);
    // The plugin lives inside `a`'s directory: its files are its own, not `a`'s.
    project.write("a/plugin/src/lib.rs", "// faster\n");
    project.git(&["commit", "-q", "-a", "-m", "perf(plugin): faster"]);
    project.git(&["merge", "-q", "--no-ff", "-m", "Merge branch 'side'", "side"]);
    project.cargo_patch().args(["bump", "auto", "--workspace", "--dry-run"]).assert().success().stdout_eq(str![[r#"
crate     version         why
a         1.0.0 -> 1.0.1  patch: 1 commit since a-v1.0.0
a-plugin  1.0.0 -> 1.0.1  patch: 1 commit since a-plugin-v1.0.0
b         1.0.0 -> 1.1.0  minor: 1 commit since b-v1.0.0
...
"#]]);
}

/// gfx-rs/wgpu's shape: crates sharing the workspace version, each tagged `{crate}-v{version}`
/// on the same release commit.
#[test]
fn status_names_each_crate_of_a_shared_version_by_its_own_tag() {
    let project = Project::new();
    project.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"wgpu\", \"wgpu-info\", \"wgpu-core\"]\nresolver = \"2\"\n\n[workspace.package]\nversion = \"22.0.0\"\n\n[workspace.metadata.patch-release]\ntag-format = \"{crate}-v{version}\"\n",
    );
    for name in ["wgpu", "wgpu-info", "wgpu-core"] {
        project.write(
            &format!("{name}/Cargo.toml"),
            &format!("[package]\nname = \"{name}\"\nversion.workspace = true\nedition = \"2021\"\n"),
        );
        project.write(&format!("{name}/src/lib.rs"), "");
    }
    project.commit_all();
    for tag in ["wgpu-v22.0.0", "wgpu-info-v22.0.0", "wgpu-core-v22.0.0"] {
        project.git(&["tag", tag]);
    }
    project.write("wgpu/src/lib.rs", "// fixed\n");
    project.git(&["commit", "-q", "-am", "fix(wgpu): keep the surface alive"]);
    let output = project.cargo_patch().args(["status", "--format", "json"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let status: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let crates = status["crates"].as_array().unwrap();
    for name in ["wgpu", "wgpu-info", "wgpu-core"] {
        let krate = crates.iter().find(|c| c["name"] == name).unwrap();
        assert_eq!(krate["latest_stable"], format!("{name}-v22.0.0"), "{status}");
    }
}
