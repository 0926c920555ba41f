//! The commit-msg hook on the edge cases real history has (issue 14, observations 5-7): git's
//! own messages, git's cleanup modes and comment characters, merges, reftable repositories.

use std::process::{Command, Output};

use crate::support::{Project, assert_code, describe, path_with_bin, text};

/// A one-crate workspace, committed on `main`, with the hooks installed.
fn hooked(init: &[&str]) -> Project {
    let project = Project::new();
    project.write("Cargo.toml", "[package]\nname = \"solo\"\nversion = \"1.2.3\"\nedition = \"2021\"\n");
    project.write("src/lib.rs", "");
    project.git(&[&["init", "-q", "-b", "main"], init].concat());
    project.commit_all();
    let output = project.cargo_patch().args(["hooks", "install"]).output().unwrap();
    assert_code(&output, 0, "hooks install");
    project
}

/// `git ARGS` with the installed hooks able to find `cargo-patch`, and no editor unless given.
fn git(project: &Project, args: &[&str]) -> Command {
    let mut command = project.command("git");
    command.env("PATH", path_with_bin()).env_remove("GIT_EDITOR").args(args);
    command
}

/// Changes a file and runs `git commit ARGS`; hooks fire.
fn commit(project: &Project, args: &[&str]) -> Output {
    let n = project.git(&["rev-list", "--count", "HEAD"]);
    project.write("src/lib.rs", &format!("// change {}\n", n.trim()));
    project.git(&["add", "-A"]);
    git(project, &[&["commit", "-q"], args].concat()).output().unwrap()
}

fn assert_accepted(output: &Output, what: &str) {
    assert_code(output, 0, what);
}

fn assert_refused(output: &Output, needle: &str, what: &str) {
    assert_ne!(output.status.code(), Some(0), "{what} was accepted; {}", describe(output));
    let stderr = text(&output.stderr);
    assert!(stderr.contains(needle), "{what}: `{needle}` not in stderr:\n{stderr}");
}

fn write_message(project: &Project, message: &str) -> String {
    let path = project.home().join("message.txt");
    std::fs::write(&path, message).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn git_reapply_message_is_accepted() {
    let project = hooked(&[]);
    let id = project.git(&["rev-parse", "HEAD"]);
    let message = format!("Reapply \"chore: fixture\"\n\nThis reverts commit {}.", id.trim());
    assert_accepted(&commit(&project, &["-m", &message]), "git's Reapply message");
}

#[test]
fn a_message_git_records_is_linted_even_when_it_starts_with_the_comment_char() {
    let project = hooked(&[]);
    // Without an editor git's cleanup is `whitespace`: it records `#123 ...` as the header.
    let output = commit(&project, &["-m", "#123 fix the parser"]);
    assert_refused(&output, "error[conventional]", "`-m \"#123 ...\"`");
    let file = write_message(&project, "# a comment\nfix: real header\n");
    assert_refused(&commit(&project, &["-F", &file]), "error[conventional]", "`-F` with default cleanup");
    // `--cleanup=strip` and `commit.cleanup = strip` drop comment lines, as git does.
    assert_accepted(&commit(&project, &["--cleanup=strip", "-F", &file]), "`--cleanup=strip -F`");
    project.git(&["config", "commit.cleanup", "strip"]);
    assert_accepted(&commit(&project, &["-F", &file]), "`commit.cleanup = strip`");
    let recorded = project.git(&["log", "-1", "--format=%B"]);
    assert_eq!(recorded.trim_end(), "fix: real header");
}

#[test]
fn a_merge_subject_is_accepted_only_on_a_merge() {
    let project = hooked(&[]);
    assert_refused(&commit(&project, &["-m", "Merge branch 'topic'"]), "merges nothing", "a Merge subject");
    project.git(&["switch", "-q", "-c", "topic"]);
    project.write("topic.txt", "x\n");
    project.git(&["add", "-A"]);
    project.git(&["commit", "-q", "-m", "feat: topic"]);
    project.git(&["switch", "-q", "main"]);
    assert_accepted(&commit(&project, &["-m", "fix: on main meanwhile"]), "a fix on main");
    let merged = git(&project, &["merge", "--no-ff", "--no-edit", "topic"]).output().unwrap();
    assert_accepted(&merged, "a real merge");
    assert_eq!(project.git(&["log", "-1", "--format=%s"]).trim(), "Merge branch 'topic'");
}

#[test]
fn core_comment_char_is_read_from_the_global_config() {
    let project = hooked(&[]);
    let global = project.home().join(".gitconfig");
    let mut config = std::fs::read_to_string(&global).unwrap();
    config.push_str("[core]\n\tcommentChar = \";\"\n");
    std::fs::write(&global, config).unwrap();
    // `#` is text now: git records this line as the header.
    let file = write_message(&project, "# not a comment now\n\nfix: the real header?\n; a comment\n");
    assert_refused(&commit(&project, &["--cleanup=strip", "-F", &file]), "error[conventional]", "a `#` header");
    let file = write_message(&project, "; a comment\nfix: semicolon comments\n");
    assert_accepted(&commit(&project, &["--cleanup=strip", "-F", &file]), "a `;` comment");
    project.git(&["switch", "-q", "-c", "hotfix/comments"]);
    // `git commit -v` under `;`: the scissors line is `; ---- >8 ----`, what follows is the diff.
    let editor = project.home().join("editor.sh");
    std::fs::write(&editor, "#!/bin/sh\n{ printf 'fix: x\\n\\nBREAKING CHANGE: it breaks\\n'; cat \"$1\"; } > \"$1.new\" && mv \"$1.new\" \"$1\"\n").unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    project.write("src/lib.rs", "// verbose\n");
    project.git(&["add", "-A"]);
    let output = git(&project, &["commit", "-q", "-v"]).env("GIT_EDITOR", &editor).output().unwrap();
    assert_refused(&output, "error[commit-type]", "a breaking change through `git commit -v`");
}

#[test]
fn the_branch_is_found_in_a_reftable_repository() {
    let project = hooked(&["--ref-format=reftable"]);
    assert_eq!(std::fs::read_to_string(project.root().join(".git/HEAD")).unwrap(), "ref: refs/heads/.invalid\n");
    project.git(&["switch", "-q", "-c", "hotfix/reftable"]);
    assert_refused(&commit(&project, &["-m", "feat: sneak a feature in"]), "error[commit-type]", "feat on a hotfix");
    assert_accepted(&commit(&project, &["-m", "fix: a fix"]), "a fix on a hotfix");
}

#[test]
fn a_plain_english_subject_is_shown_what_a_conventional_header_looks_like() {
    let project = hooked(&[]);
    let output = commit(&project, &["-m", "Update APPS.md (#108)"]);
    assert_refused(&output, "a conventional header is `type(scope): description`", "a plain English subject");
    assert!(!text(&output.stderr).contains("the type `"), "{}", describe(&output));
}

#[test]
fn every_branch_takes_only_the_allowed_lower_case_types() {
    let project = hooked(&[]);
    assert_refused(&commit(&project, &["-m", "wip: half done"]), "type `wip` is not one of the allowed types", "wip");
    assert_refused(&commit(&project, &["-m", "Fix: the parser"]), "must be lower-case: `fix`", "Fix");
    for message in ["feat: a", "style: b", "build: c", "ci: d", "chore: e", "security: f"] {
        assert_accepted(&commit(&project, &["-m", message]), message);
    }
    let manifest = project.read("Cargo.toml");
    project.write(
        "Cargo.toml",
        &format!("{manifest}\n[package.metadata.patch-release]\nallowed-types = [\"feat\", \"fix\", \"wip\"]\n"),
    );
    assert_accepted(&commit(&project, &["-m", "wip: now allowed"]), "a configured type");
    assert_refused(&commit(&project, &["-m", "docs: not listed"]), "type `docs` is not one of", "docs");
    // On a hotfix branch the stricter hotfix list still applies.
    project.git(&["switch", "-q", "-c", "hotfix/x"]);
    assert_refused(&commit(&project, &["-m", "feat: no"]), "not allowed on hotfix branch", "feat on a hotfix");
}

#[test]
fn the_configuration_is_found_however_the_root_manifest_writes_it() {
    let project = hooked(&[]);
    project.git(&["switch", "-q", "-c", "fix/x"]);
    let manifest = project.read("Cargo.toml");
    let layouts = [
        // After other tables: only the `patch` tables are read.
        "\n[patch.crates-io]\nserde = { path = \"serde\" }\n\n[package.metadata.patch-release]\nhotfix-branch = \"fix/{slug}\"\n\n[package.metadata.docs]\nx = 1\n",
        // As a key of `[package.metadata]`, which is read with the configuration tables.
        "\n[package.metadata]\npatch-release = { hotfix-branch = \"fix/{slug}\" }\n",
        // Beside a multi-line array whose lines open with `[`: the whole manifest is read.
        "\n[package.metadata]\nmatrix = [\n    [\"a\", \"b\"],\n]\npatch-release = { hotfix-branch = \"fix/{slug}\" }\n",
        // As dotted keys under `[package]`.
        "",
    ];
    for (i, extra) in layouts.iter().enumerate() {
        let text = if extra.is_empty() {
            manifest.replace("[package]\n", "[package]\nmetadata.patch-release.hotfix-branch = \"fix/{slug}\"\n")
        } else {
            format!("{manifest}{extra}")
        };
        project.write("Cargo.toml", &text);
        let output = commit(&project, &["-m", &format!("feat: layout {i}")]);
        assert_refused(&output, "not allowed on hotfix branch `fix/x`", &format!("layout {i}"));
    }
}

#[test]
fn an_unknown_severity_is_warned_about_with_the_known_ones() {
    let project = hooked(&[]);
    project.git(&["tag", "-a", "v1.2.3", "-m", "Release v1.2.3"]);
    let output = commit(&project, &["-m", "fix: a crash\n\nSeverity: high"]);
    assert_accepted(&output, "a fix with an unknown severity");
    let output = project.cargo_patch().arg("status").output().unwrap();
    assert_code(&output, 0, "status");
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("`Severity: high` is not a severity, so it is ignored: use critical, major or minor"),
        "{}",
        describe(&output)
    );
}

#[test]
fn a_release_commit_passes_whatever_the_allowed_types() {
    let project = hooked(&[]);
    let manifest = project.read("Cargo.toml");
    project.write(
        "Cargo.toml",
        &format!("{manifest}\n[package.metadata.patch-release]\nallowed-types = [\"feat\", \"fix\"]\n"),
    );
    assert_refused(&commit(&project, &["-m", "chore: tidy"]), "type `chore` is not one of", "chore");
    assert_accepted(&commit(&project, &["-m", "chore(release): v1.2.4"]), "the release commit");
}
