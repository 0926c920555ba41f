//! `demo`: the whole patch process on a throwaway sample workspace, as a script of the commands a
//! user would type. This module only says what the script is; `cli::demo` runs and prints it.

/// The sample crate, with its bug: the greeting has no comma.
pub const BUGGY_LIB: &str = "//! Greetings.\n\n/// Returns the greeting for `name`.\npub fn greet(name: &str) -> String {\n    format!(\"Hello {name}!\")\n}\n";

/// The fix, with its regression test.
pub const FIXED_LIB: &str = "//! Greetings.\n\n/// Returns the greeting for `name`.\npub fn greet(name: &str) -> String {\n    format!(\"Hello, {name}!\")\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn greets_with_a_comma() {\n        assert_eq!(super::greet(\"Ada\"), \"Hello, Ada!\");\n    }\n}\n";

/// A change that does not belong on a hotfix branch.
pub const FEATURE_LIB: &str = "//! Greetings.\n\n/// Returns the greeting for `name`.\npub fn greet(name: &str) -> String {\n    format!(\"Hello {name}!\")\n}\n\n/// Returns the farewell for `name`.\npub fn farewell(name: &str) -> String {\n    format!(\"Bye {name}!\")\n}\n";

const ROOT_MANIFEST: &str = "[workspace]\nmembers = [\"greeter\"]\nresolver = \"2\"\n\n[workspace.package]\nversion = \"1.0.0\"\nedition = \"2021\"\n";

// `publish = false`: the demo must never reach crates.io; `release = true`: it is tagged all the same.
const CRATE_MANIFEST: &str = "[package]\nname = \"greeter\"\nversion.workspace = true\nedition.workspace = true\npublish = false\n\n[package.metadata.patch-release]\nrelease = true\n";

/// Who runs a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Program {
    Git,
    Cargo,
    /// This binary, shown as `cargo patch`.
    CargoPatch,
}

/// One step of the demo.
#[derive(Debug, Clone)]
pub struct DemoStep {
    /// What the step shows, as a heading.
    pub title: &'static str,
    /// Files to write first (relative to the workspace), as a user would edit them.
    pub edits: Vec<(&'static str, &'static str)>,
    pub commands: Vec<(Program, Vec<String>)>,
    /// The last command is meant to fail (a hook refusing a commit).
    pub fails: bool,
}

fn step(title: &'static str, commands: Vec<(Program, &[&str])>) -> DemoStep {
    let commands = commands.into_iter().map(|(p, args)| (p, args.iter().map(|a| (*a).to_owned()).collect())).collect();
    DemoStep { title, edits: Vec::new(), commands, fails: false }
}

/// Returns the demo script; `remote` is the bare repository standing in for the forge.
pub fn script(remote: &str) -> Vec<DemoStep> {
    use Program::{Cargo, CargoPatch, Git};
    let mut sample = step(
        "A sample workspace, released as v1.0.0 with a bug: `greet` forgets the comma",
        vec![
            (Cargo, &["generate-lockfile", "--offline"]),
            (Git, &["init", "--quiet", "--initial-branch=main"]),
            (Git, &["config", "user.name", "cargo-patch demo"]),
            (Git, &["config", "user.email", "demo@cargo-patch.invalid"]),
            (Git, &["add", "--all"]),
            (Git, &["commit", "--quiet", "--message", "feat: greet people"]),
            (Git, &["tag", "v1.0.0"]),
            (Git, &["init", "--quiet", "--bare", remote]),
            (Git, &["remote", "add", "origin", remote]),
            (Git, &["push", "--quiet", "origin", "main", "v1.0.0"]),
        ],
    );
    sample.edits = vec![
        ("Cargo.toml", ROOT_MANIFEST),
        ("greeter/Cargo.toml", CRATE_MANIFEST),
        ("greeter/src/lib.rs", BUGGY_LIB),
        (".gitignore", "/target\n"),
    ];
    let mut refused = step(
        "On a hotfix branch, the commit-msg hook refuses a feature",
        vec![(Git, &["commit", "--all", "--message", "feat: say goodbye too"])],
    );
    refused.edits = vec![("greeter/src/lib.rs", FEATURE_LIB)];
    refused.fails = true;
    let mut fix = step(
        "The fix, with the test that proves it, is accepted",
        vec![(Git, &["commit", "--all", "--message", "fix: greet with a comma\n\nSeverity: major"])],
    );
    fix.edits = vec![("greeter/src/lib.rs", FIXED_LIB)];
    vec![
        sample,
        step(
            "Set up cargo-patch: configuration, CHANGELOG.md, git hooks",
            vec![
                (CargoPatch, &["init", "--yes"]),
                (Git, &["add", "--all"]),
                (Git, &["commit", "--quiet", "--message", "chore: set up cargo-patch"]),
                (Git, &["push", "--quiet", "origin", "main"]),
            ],
        ),
        step("Triage: what is released, what is not", vec![(CargoPatch, &["status"])]),
        step("Cut the hotfix branch from the latest stable release", vec![(CargoPatch, &["start", "greeting-comma"])]),
        refused,
        step("Throw the feature away (it belongs on main)", vec![(Git, &["checkout", "--", "."])]),
        fix,
        step("Judge the branch as the pre-push hook and CI will", vec![(CargoPatch, &["check"])]),
        step(
            "Release: verify, bump, changelog, commit, merge, tag, push (nothing to publish here)",
            vec![(CargoPatch, &["release", "--yes"])],
        ),
        step("Communicate: the release notes", vec![(CargoPatch, &["notes", "--format", "text"])]),
    ]
}
