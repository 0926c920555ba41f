//! `[[...patch-release.replace]]`: version strings outside the manifests, rewritten in the release
//! commit (the workspace's from the root, a crate's from its directory), shown in `--dry-run`, and
//! a wrong match count refused before anything is written.
#![cfg(unix)]

use crate::release::{QUICK, Release};
use crate::support::{assert_code, describe, text};

const A_MANIFEST: &str = "[package]\nname = \"a\"\nversion.workspace = true\nedition.workspace = true\n\
description = \"a\"\nlicense = \"MIT\"\n\n\
[[package.metadata.patch-release.replace]]\nfile = \"*.md\"\nsearch = 'a = \"[0-9.]+\"'\n\
replace = 'a = \"{version}\" # {crate} {tag}, was {prev_version}'\n";

const README: &str = "# engine\n\n```toml\nengine = \"1.0.0\"\n```\n\nReleased 2020-01-01.\n";

fn with_replacements(extra: &str) -> Release {
    let config = format!(
        "{QUICK}\n[[workspace.metadata.patch-release.replace]]\nfile = \"README.md\"\n\
         search = '(engine) = \"[0-9.]+\"'\nreplace = '$1 = \"{{version}}\"'\n{extra}\n\
         [[workspace.metadata.patch-release.replace]]\nfile = \"README.md\"\n\
         search = 'Released [0-9-]+'\nreplace = 'Released {{date}}'\nexactly = 1\n"
    );
    Release::with_files(
        &config,
        "",
        &[
            ("README.md", README.to_owned()),
            ("a/Cargo.toml", A_MANIFEST.to_owned()),
            ("a/README.md", "Use it:\n\n    a = \"1.0.0\"\n".to_owned()),
        ],
    )
}

#[test]
fn replacements_are_in_the_dry_run_diff_and_the_release_commit() {
    let r = with_replacements("");
    let before = r.state();
    let output = r.run(&["release", "--dry-run"], &[]);
    assert_code(&output, 0, "dry run");
    let diff = text(&output.stdout);
    assert!(diff.contains("-engine = \"1.0.0\"\n+engine = \"1.0.1\""), "{}", describe(&output));
    assert!(diff.contains("+    a = \"1.0.1\" # a v1.0.1, was 1.0.0"), "{}", describe(&output));
    assert_eq!(r.state(), before, "a dry run writes nothing");

    r.ok(&["release", "--yes", "--no-publish"]);
    let readme = r.project.read("README.md");
    assert!(readme.contains("engine = \"1.0.1\""), "{readme}");
    // `{date}` is the release's (today, UTC).
    let days = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() / 86_400;
    let (year, _) = (1970 + days * 400 / 146_097, ());
    assert!(readme.contains(&format!("Released {year}-")) && !readme.contains("2020-01-01"), "{readme}");
    assert_eq!(r.project.read("a/README.md"), "Use it:\n\n    a = \"1.0.1\" # a v1.0.1, was 1.0.0\n");
    // Both files are in the release commit, which the tag points at; nothing is left over.
    let changed = r.project.git(&["show", "--name-only", "--format=", "v1.0.1"]);
    assert!(changed.lines().any(|l| l == "README.md") && changed.lines().any(|l| l == "a/README.md"), "{changed}");
    assert_eq!(r.project.git(&["status", "--porcelain"]), "");
    assert!(r.remote_refs().contains("refs/tags/v1.0.1"));
    // The release commit stays exempt from the hotfix policy: it changed only what the
    // configuration told it to.
    let output = r.run(&["check"], &[]);
    assert_code(&output, 0, "check after the release");
}

#[test]
fn a_wrong_match_count_refuses_the_release_before_anything_is_written() {
    let r = with_replacements(
        "exactly = 2\n\n[[workspace.metadata.patch-release.replace]]\nfile = \"docs/*.txt\"\nsearch = 'x'\nreplace = 'y'\n",
    );
    let before = r.state();
    for args in [&["release", "--dry-run"][..], &["release", "--yes", "--no-publish"]] {
        let output = r.run(args, &[]);
        assert_code(&output, 1, "wrong count");
        let err = text(&output.stderr);
        assert!(
            err.contains("replacement `(engine) = \"[0-9.]+\"` (`Cargo.toml` line 12) matched `README.md` 1 time, expected exactly 2"),
            "{}",
            describe(&output)
        );
        assert!(err.contains("matched `docs/*.txt` 0 times, expected at least 1"), "{err}");
        assert!(err.contains("help: fix the file or the replacement's `search`"), "{err}");
        assert_eq!(r.state(), before, "{args:?} changed something");
        assert!(!r.journal().exists());
    }
}
