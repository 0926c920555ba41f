//! `cargo patch changelog` against the real git-cliff binary: each history under
//! `changelog/histories/` is built with real git, then both tools describe it with the same
//! `cliff.toml` and every argument line of its `args` file; the outputs must be byte for byte equal.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::Project;

/// The git-cliff release the parity tests pin (`.ci/run` installs it).
const GIT_CLIFF_VERSION: &str = "git-cliff 2.14.2";

fn histories() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testsuite/changelog/histories")
}

/// Returns the git-cliff binary, after checking it is the pinned release.
fn git_cliff() -> PathBuf {
    let bin = std::env::var_os("GIT_CLIFF").map_or_else(|| PathBuf::from("git-cliff"), PathBuf::from);
    let version = Command::new(&bin).arg("--version").output().unwrap_or_else(|err| {
        panic!("the parity tests need git-cliff ({err}); install it with `pip install git-cliff==2.14.2`")
    });
    let version = String::from_utf8_lossy(&version.stdout).trim().to_owned();
    assert_eq!(version, GIT_CLIFF_VERSION, "install the pinned release: `pip install git-cliff==2.14.2`");
    bin
}

/// Builds the history of `fixture` in a new project with its `setup.sh`.
fn build_history(fixture: &Path) -> Project {
    let project = Project::new();
    let output = project.command("bash").arg(fixture.join("setup.sh")).output().unwrap();
    assert!(
        output.status.success(),
        "{}: setup.sh failed:\n{}",
        fixture.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    project
}

fn stdout_of(what: &str, output: &Output) -> String {
    assert!(output.status.success(), "{what} failed:\n{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn output_equals_git_cliff_on_every_history() {
    let git_cliff = git_cliff();
    let mut fixtures: Vec<PathBuf> =
        std::fs::read_dir(histories()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    fixtures.sort();
    assert!(fixtures.len() >= 8, "the parity corpus shrank to {} histories", fixtures.len());
    let mut failures = Vec::new();
    let mut compared = 0;
    for fixture in &fixtures {
        let project = build_history(fixture);
        let config = fixture.join("cliff.toml");
        let args = std::fs::read_to_string(fixture.join("args")).unwrap();
        for line in args.lines() {
            let ours: Vec<&str> = line.split_whitespace().collect();
            let theirs: Vec<&str> = ours.iter().copied().filter(|a| *a != "--range").collect();
            let expected = stdout_of(
                &format!("git-cliff {line}"),
                &project.command(&git_cliff).arg("--config").arg(&config).args(&theirs).output().unwrap(),
            );
            let actual = stdout_of(
                &format!("cargo-patch changelog {line}"),
                &project
                    .command(crate::support::bin())
                    .arg("changelog")
                    .arg("--config")
                    .arg(&config)
                    .args(&ours)
                    .output()
                    .unwrap(),
            );
            compared += 1;
            if expected != actual {
                let name = fixture.file_name().unwrap().to_string_lossy();
                let diff = similar::TextDiff::from_lines(&expected, &actual)
                    .unified_diff()
                    .header("git-cliff", "cargo-patch")
                    .to_string();
                failures.push(format!("{name} [{line}]:\n{diff}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {compared} outputs differ:\n{}", failures.len(), failures.join("\n"));
}
