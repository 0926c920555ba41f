//! `release --edit`: the new changelog section opens in `$EDITOR` (on a terminal: `script` gives
//! the run one), and the edited text is what the changelog commits and the tag holds; without a
//! terminal the release refuses before anything changes.
#![cfg(unix)]

use crate::release::Release;
use crate::support::{assert_code, describe, path_with_bin, text};

#[test]
fn the_edited_section_is_committed_and_tagged() {
    let r = Release::new();
    let editor = r.project.home().join("editor.sh");
    std::fs::write(&editor, "#!/bin/sh\nsed -i 's/Add adds/Add adds, as it always should have (edited)/' \"$1\"\n")
        .unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let bin = crate::support::bin();
    let mut command = r.project.command("script");
    command
        .args(["-q", "-e", "-c", &format!("'{}' release --edit --yes --no-publish", bin.display()), "/dev/null"])
        .env("PATH", path_with_bin())
        .env("EDITOR", &editor)
        .env_remove("VISUAL")
        .env_remove("CI");
    let output = command.output().unwrap();
    assert_code(&output, 0, "release --edit on a terminal");
    assert!(text(&output.stdout).contains("Edited"), "{}", describe(&output));

    let changelog = r.project.git(&["show", "v1.0.1:CHANGELOG.md"]);
    assert!(changelog.contains("as it always should have (edited)"), "{changelog}");
    assert!(changelog.starts_with("# Changelog\n"), "the rest of the file is kept: {changelog}");
    let message = r.project.git(&["tag", "-l", "--format=%(contents)", "v1.0.1"]);
    assert!(message.contains("as it always should have (edited)"), "the tag holds the edited text: {message}");
    assert_eq!(r.project.git(&["status", "--porcelain"]), "");
}

#[test]
fn edit_without_a_terminal_refuses_before_anything_changes() {
    let r = Release::new();
    let before = r.state();
    let output = r.run(&["release", "--edit", "--yes", "--no-publish"], &[("EDITOR", "false")]);
    assert_code(&output, 1, "no terminal");
    let err = text(&output.stderr);
    assert!(err.contains("`--edit` needs a terminal to open the editor in"), "{}", describe(&output));
    assert!(err.contains("help: run it from a terminal, or leave out `--edit`"), "{err}");
    assert_eq!(r.state(), before);
    assert!(!r.journal().exists());
}
