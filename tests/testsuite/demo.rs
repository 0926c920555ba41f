//! `demo`: the whole process on a throwaway workspace must end with a pushed release tag, and must
//! never touch a directory that holds something.

use crate::support::{Project, assert_code, describe, text};

#[test]
fn demo_ends_with_a_pushed_release_tag() {
    let project = Project::new();
    let dir = project.home().join("demo");
    let output = project.command(crate::support::bin()).arg("demo").arg(&dir).output().unwrap();
    assert_code(&output, 0, "demo");
    let stdout = text(&output.stdout);
    for typed in [
        "$ cargo patch init --yes",
        "$ cargo patch start greeting-comma",
        "$ cargo patch check",
        "$ cargo patch release --yes",
    ] {
        assert!(stdout.contains(typed), "missing {typed:?}: {}", describe(&output));
    }
    assert!(
        text(&output.stderr).contains("error[commit-type]"),
        "the feature commit is refused: {}",
        describe(&output)
    );
    let remote = project.git(&["ls-remote", dir.join("remote.git").to_str().unwrap()]);
    assert!(remote.contains("refs/tags/v1.0.1") && remote.contains("refs/heads/release/v1.0"), "{remote}");
    let tag = project.git(&["-C", dir.join("workspace").to_str().unwrap(), "cat-file", "-t", "v1.0.1"]);
    assert_eq!(tag.trim(), "tag");
    let lib = std::fs::read_to_string(dir.join("workspace/greeter/src/lib.rs")).unwrap();
    assert!(lib.contains("Hello, {name}!") && !lib.contains("farewell"), "{lib}");

    // Running it again into the same directory is refused, and changes nothing.
    let before = project.git(&["-C", dir.join("workspace").to_str().unwrap(), "rev-parse", "HEAD"]);
    let output = project.command(crate::support::bin()).arg("demo").arg(&dir).output().unwrap();
    assert_code(&output, 1, "non-empty dir");
    assert!(text(&output.stderr).contains("is not empty"), "{}", describe(&output));
    assert_eq!(project.git(&["-C", dir.join("workspace").to_str().unwrap(), "rev-parse", "HEAD"]), before);
}
