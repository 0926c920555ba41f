//! The command-line shape: help, version, exit codes, and both invocation forms.

use snapbox::str;

use crate::support::Project;

#[test]
fn help_lists_commands_and_global_flags() {
    Project::new().cargo_patch().arg("--help").assert().success().stdout_eq(str![[r#"
Carry a Rust workspace through a disciplined patch and release process

Usage: cargo patch [OPTIONS] <COMMAND>

Commands:
  bump              Set new versions and update every requirement and Cargo.lock to match
  changelog         Write the changelog from conventional commits (git-cliff compatible)
  notes             Print the release notes of one release (default: the latest)
  start             Cut `hotfix/<SLUG>` from the release line of the latest stable release
  check             Judge the hotfix branch at HEAD by the hotfix policy (rules 1-9)
  release           Release the workspace: bump, changelog, commit, tag, push, publish
  notify            Send a release's notifications (webhook, e-mail) again
  verify-published  Check that a release's published crates build for a dependent
  forward-port      Cherry-pick a release's fixes onto the default branch, with its changelog section
  rollback          Yank a bad release and start `hotfix/rollback-<tag>` with its fixes reverted
  hooks             Install, remove or show the commit-msg and pre-push hooks
  hook              Run a hook's check (called by the installed hook scripts)
  init              Set up cargo-patch in this workspace: configuration, CHANGELOG.md, git hooks
  demo              Show the whole patch process on a throwaway workspace, command by command
  completions       Print shell completions for bash, zsh, fish, powershell or elvish
  man               Print the man page (roff) of cargo-patch or of one of its commands
  status            Show versions, the latest stable release, unreleased changes and the suggested next version
  help              Print this message or the help of the given subcommand(s)

Options:
      --manifest-path <PATH>  Path to Cargo.toml
  -v, --verbose...            Use verbose output (can be repeated)
  -q, --quiet                 Do not print cargo-patch log messages
      --color <WHEN>          Coloring [default: auto] [possible values: auto, always, never]
  -h, --help                  Print help
  -V, --version               Print version

"#]]);
}

#[test]
fn bump_help_explains_levels() {
    Project::new().cargo_patch().args(["bump", "--help"]).assert().success().stdout_eq(str![[r#"
Set new versions and update every requirement and Cargo.lock to match

Usage: cargo patch bump [OPTIONS] <LEVEL|VERSION>

Arguments:
  <LEVEL|VERSION>
          major, minor, patch, auto, release, alpha, beta, rc, or an exact version like 1.2.3

Options:
      --manifest-path <PATH>
          Path to Cargo.toml

  -p, --package <SPEC>
          Package to act on (can be repeated)

  -v, --verbose...
          Use verbose output (can be repeated)

      --workspace
          Act on every package in the workspace

      --exclude <SPEC>
          Exclude a package from `--workspace` (can be repeated)

  -q, --quiet
          Do not print cargo-patch log messages

      --color <WHEN>
          Coloring
          
          [default: auto]
          [possible values: auto, always, never]

      --dry-run
          Print the change as a diff and write nothing

      --allow-dirty
          Edit manifests even when they have uncommitted changes

      --upgrade-dependents
          Rewrite every requirement on a bumped crate, not only those the new version breaks

  -h, --help
          Print help (see a summary with '-h')

  -V, --version
          Print version

LEVEL is one of:
  major, minor, patch   the next version at that level (a pre-release is finished first)
  auto                  each crate's level from the conventional commits since its last release
                        tag that touch its directory (Cargo's rules: on 0.y.z a breaking change
                        is minor); crates sharing the workspace version take the highest
  alpha, beta, rc       enter or advance a pre-release: 1.2.3 -> 1.2.4-alpha.1 -> 1.2.4-alpha.2
  release               drop the pre-release part: 1.2.4-rc.1 -> 1.2.4
  VERSION               an exact semver version, e.g. 2.0.0 (never lower than the current one)

Only the version strings change: comments, spacing, quoting and line endings stay byte for byte.

Examples:
  cargo patch bump patch --dry-run          the diff of a patch bump of the current crate
  cargo patch bump minor -p engine          one crate, and every requirement it breaks
  cargo patch bump auto --workspace         each crate at the level its commits call for

"#]]);
}

#[test]
fn version_flag() {
    Project::new()
        .cargo_patch()
        .arg("--version")
        .assert()
        .success()
        .stdout_eq(format!("cargo-patch {}\n", env!("CARGO_PKG_VERSION")));
}

/// The binary is linked without relocations to apply at start (build.rs): the hooks run on every
/// commit and push, and a PIE's start-up relocations cost half of `--version`.
#[test]
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn the_binary_starts_without_relocating_itself() {
    if option_env!("CARGO_PATCH_PIE").is_some_and(|v| !v.is_empty() && v != "0") {
        return;
    }
    use std::io::Read as _;
    let mut header = [0; 18];
    std::fs::File::open(crate::support::bin()).unwrap().read_exact(&mut header).unwrap();
    // ELF `e_type` (little-endian, offset 16): 2 is a fixed-address executable, 3 a PIE.
    assert_eq!(header[16..], [2, 0], "cargo-patch is not linked with -no-pie");
}

#[test]
fn usage_errors_exit_2() {
    let project = Project::new();
    let cases: &[&[&str]] = &[
        &[],
        &["bump"],
        &["bump", "automatic"],
        &["changelog", "--unreleased", "--latest"],
        &["changelog", "--range"],
        &["bump", "1.2"],
        &["bump", "patch", "--exclude", "a"],
        &["bump", "patch", "-p", "a", "--workspace"],
        &["bump", "patch", "--color", "sometimes"],
        &["frobnicate"],
    ];
    for args in cases {
        project.cargo_patch().args(*args).assert().code(2);
    }
}

#[test]
fn invalid_level_says_what_is_accepted() {
    Project::new().cargo_patch().args(["bump", "1.2"]).assert().code(2).stderr_eq(str![[r#"
error: invalid value '1.2' for '<LEVEL|VERSION>': `1.2` is neither a level (major, minor, patch, auto, release, alpha, beta, rc) nor a semver version like `1.2.3` (unexpected end of input while parsing minor version number)

For more information, try '--help'.

"#]]);
}

#[test]
fn runs_as_a_cargo_subcommand() {
    let project = Project::new();
    project.write("Cargo.toml", "[package]\nname = \"solo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
    project.write("src/lib.rs", "");
    project.cargo().args(["patch", "bump", "patch", "--dry-run"]).assert().success().stdout_eq(str![[r#"
crate  version         why
solo   0.1.0 -> 0.1.1  patch bump
--- a/Cargo.toml
+++ b/Cargo.toml
@@ -1,4 +1,4 @@
 [package]
 name = "solo"
-version = "0.1.0"
+version = "0.1.1"
 edition = "2021"

"#]]);
    project.cargo_patch().args(["patch", "bump", "patch"]).assert().success();
    assert!(project.read("Cargo.toml").contains("version = \"0.1.1\""));
}

#[test]
fn outside_a_workspace_is_a_clear_error() {
    Project::new().cargo_patch().args(["bump", "patch"]).assert().code(1).stderr_eq(str![[r#"
error: could not find `Cargo.toml` in `[ROOT]/ws` or any parent directory
help: run the command inside a Cargo workspace, or pass `--manifest-path`

"#]]);
}

#[test]
fn bash_completions_load_and_complete_subcommands() {
    let project = Project::new();
    let output = project.command(crate::support::bin()).args(["completions", "bash"]).output().unwrap();
    assert!(output.status.success());
    project.write("completions.bash", &String::from_utf8(output.stdout).unwrap());
    // Bash calls the function `complete -p WORD` names with the command, the current word and the
    // one before, COMP_WORDS and COMP_CWORD set; this does the same for each line. Cargo's own
    // completion is loaded first (a stand-in: the real one needs bash-completion), so the
    // wrapper for `cargo patch` must leave every other `cargo ...` to it.
    let script = r#"
_cargo() { COMPREPLY=("cargo's own completion"); }
complete -F _cargo cargo
source ./completions.bash
source ./completions.bash
complete -p cargo-patch >/dev/null || exit 3
complete_words() {
    COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
    "$(complete -p "$1" | sed -n 's/.*-F \([^ ]*\).*/\1/p')" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    echo "${COMPREPLY[*]}"
}
complete_words cargo-patch ch
complete_words cargo-patch hooks ""
complete_words cargo-patch changelog --unr
complete_words cargo patch ch
complete_words cargo patch hooks ""
complete_words cargo patch changelog --unr
complete_words cargo build --rel
"#;
    let output = project.command("bash").args(["-c", script]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    for form in [0, 3] {
        assert_eq!(lines[form], "changelog check", "{stdout}");
        assert!(lines[form + 1].contains("install uninstall status"), "{stdout}");
        assert_eq!(lines[form + 2], "--unreleased", "{stdout}");
    }
    assert_eq!(lines[6], "cargo's own completion", "{stdout}");
}

#[test]
fn man_page_and_other_shells_render() {
    let project = Project::new();
    project.cargo_patch().arg("man").assert().success().stdout_eq(str![[r#"
...
.TH cargo-patch 1  "cargo-patch [..]" 
...
"#]]);
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        project.cargo_patch().args(["completions", shell]).assert().success();
    }
    project.cargo_patch().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn every_command_help_shows_an_example() {
    let output = Project::new().cargo_patch().arg("--help").output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    let commands: Vec<&str> = help
        .split("Commands:\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .collect();
    assert!(commands.len() >= 15, "{commands:?}");
    for command in commands {
        let output = Project::new().cargo_patch().args([command, "--help"]).output().unwrap();
        let help = String::from_utf8(output.stdout).unwrap();
        assert!(help.contains("\nExamples:\n  cargo patch "), "`{command} --help` shows no example:\n{help}");
    }
}

#[test]
fn every_man_page_the_main_page_names_exists() {
    let project = Project::new();
    let run = |args: &[&str]| {
        let output = project.cargo_patch().args(args).output().unwrap();
        assert!(output.status.success(), "cargo patch {args:?}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    let list = run(&["man", "--list"]);
    let pages: Vec<&str> = list.lines().collect();
    assert!(pages.contains(&"bump") && pages.contains(&"hooks-install"), "{list}");
    let mut named = 0;
    for page in std::iter::once(None).chain(pages.iter().map(Some)) {
        let roff = match page {
            None => run(&["man"]),
            Some(page) => run(&["man", page]),
        };
        if let Some(page) = page {
            assert!(roff.contains(&format!(".TH cargo-patch-{page} 1")), "{page}:\n{roff}");
        }
        // References look like `cargo\-patch\-hooks\-install(1)` in roff.
        for (at, _) in roff.match_indices("cargo\\-patch\\-") {
            let rest = &roff[at + "cargo\\-patch\\-".len()..];
            let Some(end) = rest.find("(1)") else { continue };
            let name = rest[..end].replace("\\-", "-");
            if name.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                assert!(pages.contains(&name.as_str()), "{page:?} names cargo-patch-{name}(1), which has no page");
                named += 1;
            }
        }
    }
    assert!(named >= pages.len() - 1, "only {named} page references found");
    project.cargo_patch().args(["man", "nope"]).assert().code(2);
}
