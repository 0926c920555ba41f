//! Release units on the shapes real workspaces have: a shared version beside independent and
//! unpublished crates, independent versions with a one-crate hotfix, unversioned example members,
//! a root crate tagged `v*` beside `name-v*` members, release branches that never merge back,
//! and a hotfix checked from a second clone. Every test runs real git, a bare remote and the
//! built binary.
#![cfg(unix)]

use std::path::PathBuf;
use std::process::Output;

use crate::support::{Project, assert_code, describe, text};

/// A workspace in a repository with a bare remote `origin`.
struct Repo {
    project: Project,
    remote: PathBuf,
    /// Extra environment for every `cargo-patch` run (a test registry's).
    env: Vec<(String, std::ffi::OsString)>,
}

impl Repo {
    /// Returns a repository holding `files`, committed, with `tags` on that commit, pushed.
    fn new(files: &[(&str, &str)], tags: &[&str]) -> Self {
        let project = Project::new();
        project.write(".gitignore", "/target\n");
        for (path, contents) in files {
            project.write(path, contents);
        }
        project.generate_lockfile();
        project.commit_all();
        for tag in tags {
            project.git(&["tag", tag]);
        }
        let remote = project.home().join("remote.git");
        project.git(&["init", "-q", "--bare", "-b", "main", remote.to_str().unwrap()]);
        project.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
        project.git(&["push", "-q", "origin", "main", "--tags"]);
        Self { project, remote, env: Vec::new() }
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut command = self.project.command(crate::support::bin());
        command.args(args).env("PATH", crate::support::path_with_bin());
        command.env_remove("CARGO_PATCH_FAIL_STEP").env_remove("CARGO_PATCH_FAIL_WRITE");
        command.envs(self.env.iter().map(|(key, value)| (key, value)));
        command.output().expect("run cargo-patch")
    }

    fn ok(&self, args: &[&str]) -> Output {
        let output = self.run(args);
        assert_code(&output, 0, &format!("cargo-patch {args:?}"));
        output
    }

    /// Commits `files` with `message`.
    fn commit(&self, message: &str, files: &[(&str, &str)]) {
        for (path, contents) in files {
            self.project.write(path, contents);
        }
        self.project.git(&["add", "-A"]);
        self.project.git(&["commit", "-q", "-m", message]);
    }

    fn tags(&self) -> Vec<String> {
        self.project.git(&["tag", "-l"]).lines().map(str::to_owned).collect()
    }

    fn remote_refs(&self) -> String {
        self.project.git(&["ls-remote", self.remote.to_str().unwrap()])
    }
}

fn lib(name: &str, version: &str) -> String {
    let version =
        if version == "workspace" { "version.workspace = true".to_owned() } else { format!("version = \"{version}\"") };
    format!(
        "[package]\nname = \"{name}\"\n{version}\nedition = \"2021\"\ndescription = \"{name}\"\nlicense = \"MIT\"\n"
    )
}

const SRC: &str = "/// Adds.\npub fn add(x: i32, y: i32) -> i32 {\n    x - y\n}\n";
const FIXED: &str = "/// Adds.\npub fn add(x: i32, y: i32) -> i32 {\n    x + y\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn adds() {\n        assert_eq!(super::add(1, 2), 3);\n    }\n}\n";

/// The mixed workspace of the issue: `core-a` and `core-b` share 1.2.3, `indie` has its own
/// 0.4.1, `tool` is unpublished at 0.1.0 and never released (`release = false`), and tags are
/// `v{version}`.
fn mixed() -> Repo {
    let root = "[workspace]\nmembers = [\"core-a\", \"core-b\", \"indie\", \"tool\"]\nresolver = \"2\"\n\n\
                [workspace.package]\nversion = \"1.2.3\"\n\n[workspace.metadata.patch-release]\ntag-format = \"v{version}\"\nverify = []\n";
    let tool =
        format!("{}publish = false\n\n[package.metadata.patch-release]\nrelease = false\n", lib("tool", "0.1.0"));
    Repo::new(
        &[
            ("Cargo.toml", root),
            ("core-a/Cargo.toml", &lib("core-a", "workspace")),
            ("core-a/src/lib.rs", SRC),
            ("core-b/Cargo.toml", &lib("core-b", "workspace")),
            ("core-b/src/lib.rs", SRC),
            ("indie/Cargo.toml", &lib("indie", "0.4.1")),
            ("indie/src/lib.rs", SRC),
            ("tool/Cargo.toml", &tool),
            ("tool/src/lib.rs", SRC),
        ],
        &["v1.2.3", "indie-v0.4.1"],
    )
}

#[test]
fn independent_crates_at_the_same_minor_get_release_lines_of_their_own() {
    let r = independent("");
    r.ok(&["start", "fix-a", "--from", "a-v1.0.0"]);
    r.commit("fix(a): add adds", &[("a/src/lib.rs", FIXED)]);
    let output = r.ok(&["release", "--dry-run", "--no-publish"]);
    assert!(text(&output.stderr).contains("fast-forward `release/a-v1.0`"), "{}", describe(&output));
    r.project.git(&["switch", "-q", "main"]);
    // `b` is at 1.0 too: its hotfix line is not `a`'s.
    let output = r.ok(&["start", "fix-b", "--from", "b-v1.0.0"]);
    assert!(text(&output.stderr).contains("branch `release/b-v1.0` at `b-v1.0.0`"), "{}", describe(&output));
    let branches = r.project.git(&["branch", "--list", "release/*"]);
    assert_eq!(
        branches.split_whitespace().filter(|b| *b != "*").collect::<Vec<_>>(),
        ["release/a-v1.0", "release/b-v1.0"]
    );
}

#[test]
fn notes_of_a_per_crate_tag_need_no_package() {
    let r = independent("");
    r.commit("fix(b): add adds", &[("b/src/lib.rs", FIXED)]);
    r.project.git(&["tag", "b-v1.0.1"]);
    // The tag names its crate; only a bare version needs `-p`.
    let output = r.ok(&["notes", "b-v1.0.1"]);
    let notes = text(&output.stdout);
    assert!(notes.contains("b-v1.0.1") && notes.contains("add adds"), "{}", describe(&output));
    let output = r.run(&["notes", "1.0.1"]);
    assert_code(&output, 1, "a bare version of per-crate tags");
    assert!(text(&output.stderr).contains("pass `-p CRATE`"), "{}", describe(&output));
}

#[test]
fn status_proposes_no_next_version_for_a_crate_no_release_moves() {
    let r = mixed();
    r.commit("fix(tool): add adds", &[("tool/src/lib.rs", FIXED)]);
    r.commit("fix(indie): add adds", &[("indie/src/lib.rs", FIXED)]);
    let output = r.ok(&["status", "--format", "json"]);
    let status: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let krate = |name: &str| status["crates"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap().clone();
    // `tool` (unpublished, `release = false`) has a change, but no release will move it.
    assert_eq!(krate("tool")["level"], "patch", "{status}");
    assert_eq!(krate("tool")["next"], serde_json::Value::Null, "{status}");
    assert_eq!(krate("indie")["next"], "0.4.2", "{status}");
}

#[test]
fn a_one_crate_hotfix_of_a_mixed_workspace_releases_only_its_unit() {
    let r = mixed();
    r.ok(&["hooks", "install"]);
    r.ok(&["start", "crash"]);
    r.commit("fix(core-a): add adds", &[("core-a/src/lib.rs", FIXED)]);
    r.ok(&["release", "--yes", "--no-publish"]);

    // Exactly the shared unit moved, under its own tag.
    let mut tags = r.tags();
    tags.sort();
    assert_eq!(tags, ["indie-v0.4.1", "v1.2.3", "v1.2.4"]);
    let root = r.project.read("Cargo.toml");
    assert!(root.contains("version = \"1.2.4\""), "{root}");
    assert!(r.project.read("indie/Cargo.toml").contains("version = \"0.4.1\""));
    assert!(r.project.read("tool/Cargo.toml").contains("version = \"0.1.0\""));
    assert_eq!(r.project.git(&["log", "-1", "--format=%s"]).trim(), "chore(release): v1.2.4");
    let message = r.project.git(&["tag", "-l", "--format=%(contents)", "v1.2.4"]);
    assert!(message.contains("cargo update -p core-a --precise 1.2.4"), "{message}");
    assert!(message.contains("cargo update -p core-b --precise 1.2.4"), "{message}");
    assert!(!message.contains("0.1.1") && !message.contains("indie") && !message.contains("tool"), "{message}");
    assert!(r.remote_refs().contains("refs/tags/v1.2.4"));
    r.project.assert_cargo_accepts_lock();
}

#[test]
fn a_change_to_the_independent_crate_of_a_mixed_workspace_is_tagged_as_that_crate() {
    let r = mixed();
    r.commit("fix(indie): add adds", &[("indie/src/lib.rs", FIXED)]);
    r.ok(&["release", "--yes", "--no-publish"]);
    let mut tags = r.tags();
    tags.sort();
    assert_eq!(tags, ["indie-v0.4.1", "indie-v0.4.2", "v1.2.3"]);
    assert!(r.project.read("Cargo.toml").contains("version = \"1.2.3\""));
    assert!(r.project.read("indie/Cargo.toml").contains("version = \"0.4.2\""));
    assert_eq!(r.project.git(&["log", "-1", "--format=%s"]).trim(), "chore(release): indie-v0.4.2");
    let changelog = r.project.read("CHANGELOG.md");
    assert!(changelog.contains("## [indie-v0.4.2]") || changelog.contains("## [0.4.2]"), "{changelog}");
    // Naming a crate that is never released is a clear refusal.
    let refused = r.run(&["release", "-p", "tool", "--dry-run"]);
    assert_code(&refused, 1, "release -p tool");
    assert!(text(&refused.stderr).contains("`tool` is not released"), "{}", describe(&refused));
}

/// Three crates with their own versions, each tagged `{crate}-v1.0.0`.
fn independent(config: &str) -> Repo {
    independent_with(config, &[])
}

/// [`independent`], whose first commit also holds `extra` files.
fn independent_with(config: &str, extra: &[(&str, &str)]) -> Repo {
    independent_tagged(config, extra, &["a-v1.0.0", "b-v1.0.0", "c-v1.0.0"])
}

/// [`independent_with`], its first commit tagged `tags` only.
fn independent_tagged(config: &str, extra: &[(&str, &str)], tags: &[&str]) -> Repo {
    let root = format!(
        "[workspace]\nmembers = [\"a\", \"b\", \"c\"]\nresolver = \"2\"\n\n[workspace.metadata.patch-release]\nverify = []\n{config}"
    );
    let (a, b, c) = (lib("a", "1.0.0"), lib("b", "1.0.0"), lib("c", "1.0.0"));
    let mut files: Vec<(&str, &str)> = extra.to_vec();
    files.extend([
        ("Cargo.toml", root.as_str()),
        ("a/Cargo.toml", a.as_str()),
        ("a/src/lib.rs", SRC),
        ("b/Cargo.toml", b.as_str()),
        ("b/src/lib.rs", SRC),
        ("c/Cargo.toml", c.as_str()),
        ("c/src/lib.rs", SRC),
    ]);
    Repo::new(&files, tags)
}

#[test]
fn a_one_crate_hotfix_of_independent_crates_publishes_that_crate_alone() {
    let dir = tempfile::Builder::new().prefix("cargo-patch-registry-").tempdir().unwrap();
    let registry = crate::support::registry::Registry::start(dir.path());
    let config = format!("[registries.ktra]\nindex = \"{}\"\n", registry.index_url());
    let mut r = independent_with("", &[(".cargo/config.toml", &config)]);
    r.env = registry.cargo_env();
    r.ok(&["hooks", "install"]);
    r.ok(&["start", "fix-c", "--from", "c-v1.0.0"]);
    r.commit("fix(c): add adds", &[("c/src/lib.rs", FIXED)]);
    let output = r.ok(&["release", "--yes", "--registry", "ktra"]);
    assert!(text(&output.stderr).contains("Published `c`"), "{}", describe(&output));
    assert_eq!(registry.versions("c"), [("1.0.1".to_owned(), false)]);
    assert!(registry.versions("a").is_empty() && registry.versions("b").is_empty(), "only `c` is published");
}

#[test]
fn a_one_crate_hotfix_of_independent_crates_releases_that_crate_alone() {
    let r = independent("release-branch = \"release/{crate}/v{major}.{minor}\"\n");
    r.ok(&["hooks", "install"]);
    r.ok(&["start", "fix-c", "--from", "c-v1.0.0"]);
    r.commit("fix(c): add adds", &[("c/src/lib.rs", FIXED)]);

    let dry = r.ok(&["release", "--dry-run"]);
    let plan = text(&dry.stderr);
    assert!(plan.contains("c-v1.0.1"), "{}", describe(&dry));
    assert!(!plan.contains("a-v1.0.1") && !plan.contains("b-v1.0.1"), "{}", describe(&dry));
    assert!(plan.contains("cargo publish `c` 1.0.1"), "{}", describe(&dry));
    assert!(!plan.contains("cargo publish `a`") && !plan.contains("cargo publish `b`"), "{}", describe(&dry));
    assert!(!plan.contains("{crate}"), "{}", describe(&dry));

    r.ok(&["release", "--yes", "--no-publish"]);
    let mut tags = r.tags();
    tags.sort();
    assert_eq!(tags, ["a-v1.0.0", "b-v1.0.0", "c-v1.0.0", "c-v1.0.1"]);
    assert!(r.project.read("a/Cargo.toml").contains("version = \"1.0.0\""));
    assert!(r.project.read("b/Cargo.toml").contains("version = \"1.0.0\""));
    assert!(r.project.read("c/Cargo.toml").contains("version = \"1.0.1\""));
    assert_eq!(r.project.git(&["log", "-1", "--format=%s"]).trim(), "chore(release): c-v1.0.1");
    let changelog = r.project.read("CHANGELOG.md");
    assert!(changelog.contains("## [c-v1.0.1]") && changelog.contains("Add adds"), "{changelog}");
    assert!(!changelog.contains("a-v1.0.1") && !changelog.contains("No user-facing changes"), "{changelog}");
    let message = r.project.git(&["tag", "-l", "--format=%(contents)", "c-v1.0.1"]);
    assert!(message.contains("cargo update -p c --precise 1.0.1"), "{message}");
    // The release branch is the crate's own, expanded; none is named `{crate}` literally.
    let remote = r.remote_refs();
    assert!(remote.contains("refs/heads/release/c/v1.0"), "{remote}");
    assert!(!remote.contains("{crate}") && !r.project.git(&["branch", "-a"]).contains("{crate}"), "{remote}");
}

#[test]
fn unversioned_unpublished_members_are_not_released() {
    let mut members = vec!["\"core\"".to_owned()];
    let mut files: Vec<(String, String)> =
        vec![("core/Cargo.toml".into(), lib("core", "1.0.0")), ("core/src/lib.rs".into(), SRC.into())];
    for i in 0..32 {
        members.push(format!("\"examples/ex{i}\""));
        files.push((
            format!("examples/ex{i}/Cargo.toml"),
            format!("[package]\nname = \"ex{i}\"\nedition = \"2021\"\npublish = false\n"),
        ));
        files.push((format!("examples/ex{i}/src/main.rs"), "fn main() {}\n".into()));
    }
    let root = format!(
        "[workspace]\nmembers = [{}]\nresolver = \"2\"\n\n[workspace.metadata.patch-release]\nverify = []\n",
        members.join(", ")
    );
    files.push(("Cargo.toml".into(), root));
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    let r = Repo::new(&refs, &["core-v1.0.0"]);
    r.commit("fix(core): add adds", &[("core/src/lib.rs", FIXED)]);
    r.commit("fix(ex3): say hello", &[("examples/ex3/src/main.rs", "fn main() { println!(\"hi\"); }\n")]);

    let bump = r.ok(&["bump", "--workspace", "patch", "--dry-run"]);
    let table = text(&bump.stdout);
    assert!(table.contains("core   1.0.0 -> 1.0.1") && !table.contains("ex3 "), "{}", describe(&bump));
    let auto = r.ok(&["bump", "auto", "--workspace", "--dry-run"]);
    assert!(
        text(&auto.stdout).contains("1.0.0 -> 1.0.1") && !text(&auto.stdout).contains("ex3 "),
        "{}",
        describe(&auto)
    );
    let refused = r.run(&["bump", "patch", "-p", "ex3", "--dry-run"]);
    assert_code(&refused, 1, "naming an unversioned example");
    assert!(text(&refused.stderr).contains("ex3"), "{}", describe(&refused));

    let dry = r.ok(&["release", "--dry-run"]);
    let plan = text(&dry.stderr);
    assert!(plan.contains("core-v1.0.1"), "{}", describe(&dry));
    assert!(!plan.contains("ex3") && !plan.contains("ex0"), "{}", describe(&dry));
    r.ok(&["release", "--yes", "--no-publish"]);
    assert!(r.tags().contains(&"core-v1.0.1".to_owned()));
}

#[test]
fn a_root_crate_tagged_v_beside_members_tagged_by_name_shows_each_true_latest_release() {
    let root = format!(
        "{}\n[workspace]\nmembers = [\"member\"]\nresolver = \"2\"\n\n[workspace.metadata.patch-release]\nverify = []\n",
        lib("root", "0.8.0")
    );
    let r = Repo::new(
        &[
            ("Cargo.toml", &root),
            ("src/lib.rs", SRC),
            ("member/Cargo.toml", &lib("member", "0.3.0")),
            ("member/src/lib.rs", SRC),
        ],
        &["root-v0.8.0", "member-v0.3.0"],
    );
    // Years of history later, the root crate is released as `v{version}` (cargo-release's default).
    for minor in 9..12 {
        let version = format!("0.{minor}.0");
        r.commit(&format!("feat: work towards {version}"), &[("src/lib.rs", &format!("{SRC}// {minor}\n"))]);
        r.commit(&format!("chore(release): v{version}"), &[("Cargo.toml", &root.replace("0.8.0", &version))]);
        r.project.git(&["tag", &format!("v{version}")]);
    }
    r.commit("fix: one unreleased fix", &[("src/lib.rs", FIXED)]);

    let output = r.ok(&["status", "--format", "json"]);
    let status: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let crates = status["crates"].as_array().unwrap();
    let get = |name: &str| crates.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("{name} in {status}"));
    assert_eq!(get("root")["latest_stable"], "v0.11.0", "{status}");
    assert_eq!(get("member")["latest_stable"], "member-v0.3.0", "{status}");
    assert_eq!(get("root")["unreleased"].as_array().unwrap().len(), 1, "{status}");
    // A new release of the root crate keeps its convention.
    let dry = r.ok(&["release", "--dry-run"]);
    assert!(text(&dry.stderr).contains("v0.11.1") && !text(&dry.stderr).contains("root-v0.11.1"), "{}", describe(&dry));
    // The pre-push hook reads the root crate's `v*` tags as its releases: a tag whose version is
    // not the manifest's is refused.
    r.ok(&["hooks", "install"]);
    r.project.git(&["tag", "v0.99.0"]);
    let push = r.project.command("git").args(["push", "-q", "origin", "v0.99.0"]).output().unwrap();
    assert_code(&push, 1, "pushing a tag the manifest does not match");
    assert!(text(&push.stderr).contains("release tag `v0.99.0` names 0.99.0"), "{}", describe(&push));
}

#[test]
fn release_branches_that_never_merge_back_still_count_on_main() {
    let root = lib("app", "1.0.0");
    let r = Repo::new(&[("Cargo.toml", &root), ("src/lib.rs", SRC)], &["v1.0.0"]);
    for i in 0..5 {
        r.commit(&format!("feat: feature {i}"), &[(&format!("src/f{i}.rs"), "// f\n")]);
    }
    // The 1.1 line is cut from main, bumped and tagged there; main moves on to 1.2.0-dev.
    r.project.git(&["switch", "-q", "-c", "release/v1.1"]);
    r.commit("chore(release): v1.1.0", &[("Cargo.toml", &root.replace("1.0.0", "1.1.0"))]);
    r.project.git(&["tag", "v1.1.0"]);
    r.project.git(&["push", "-q", "origin", "release/v1.1", "v1.1.0"]);
    r.project.git(&["switch", "-q", "main"]);
    r.commit("chore: start 1.2.0 development", &[("Cargo.toml", &root.replace("1.0.0", "1.2.0-dev"))]);
    r.commit("fix: a fix after the cut", &[("src/lib.rs", FIXED)]);
    // Only the remote-tracking branch is left locally: a fresh clone looks like this.
    r.project.git(&["fetch", "-q", "origin"]);
    r.project.git(&["branch", "-D", "release/v1.1"]);

    let output = r.ok(&["status", "--format", "json"]);
    let status: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let app = &status["crates"][0];
    assert_eq!(app["latest_stable"], "v1.1.0", "{status}");
    assert_eq!(app["unreleased"].as_array().unwrap().len(), 2, "only the two commits after the cut: {status}");
    let notes = r.ok(&["notes"]);
    assert!(text(&notes.stdout).contains("v1.1.0"), "{}", describe(&notes));
}

#[test]
fn a_pushed_hotfix_is_checked_the_same_from_a_fresh_clone() {
    let r = Repo::new(&[("Cargo.toml", &lib("app", "1.0.0")), ("src/lib.rs", SRC)], &["v1.0.0"]);
    r.commit("feat: newer work on main", &[("src/new.rs", "// new\n")]);
    r.ok(&["start", "crash"]);
    r.commit("fix: add adds", &[("src/lib.rs", FIXED)]);
    let mine = r.ok(&["check", "--format", "json"]);
    r.project.git(&["push", "-q", "origin", "hotfix/crash", "release/v1.0"]);

    // A colleague (or CI) clones and checks the branch: no local config, no local release branch.
    let clone = r.project.home().join("clone");
    r.project.git(&["clone", "-q", r.remote.to_str().unwrap(), clone.to_str().unwrap()]);
    let mut command = r.project.command(crate::support::bin());
    command.current_dir(&clone).env("PATH", crate::support::path_with_bin());
    let git = |args: &[&str]| {
        let out = r.project.command("git").current_dir(&clone).args(args).output().unwrap();
        assert!(out.status.success(), "{}", describe(&out));
    };
    git(&["switch", "-q", "hotfix/crash"]);
    let theirs = command.args(["check", "--format", "json"]).output().unwrap();
    assert_code(&theirs, 0, "check in a fresh clone");
    let strip = |o: &Output| {
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v.as_object_mut().unwrap().remove("root");
        v
    };
    assert_eq!(strip(&theirs), strip(&mine), "{}\n{}", describe(&theirs), describe(&mine));
}

/// `base` 0.3.0 and `dependent` 1.0.0 (requiring `base = "0.3"`), each tagged, and `app`
/// (unpublished, at 0.1.0) depending on `base` too.
fn with_dependent() -> Repo {
    let root = "[workspace]\nmembers = [\"base\", \"dependent\", \"app\"]\nresolver = \"2\"\n\n[workspace.metadata.patch-release]\nverify = []\n";
    let dependent =
        format!("{}\n[dependencies]\nbase = {{ path = \"../base\", version = \"0.3\" }}\n", lib("dependent", "1.0.0"));
    let app = format!(
        "{}publish = false\n\n[dependencies]\nbase = {{ path = \"../base\", version = \"0.3\" }}\n",
        lib("app", "0.1.0")
    );
    Repo::new(
        &[
            ("Cargo.toml", root),
            ("base/Cargo.toml", &lib("base", "0.3.0")),
            ("base/src/lib.rs", SRC),
            ("dependent/Cargo.toml", &dependent),
            ("dependent/src/lib.rs", SRC),
            ("app/Cargo.toml", &app),
            ("app/src/lib.rs", SRC),
        ],
        &["base-v0.3.0", "dependent-v1.0.0", "app-v0.1.0"],
    )
}

#[test]
fn a_dependent_whose_requirement_breaks_is_released_too() {
    let r = with_dependent();
    r.commit("feat(base)!: a new api", &[("base/src/lib.rs", &format!("{SRC}pub fn new() {{}}\n"))]);

    // `bump auto` bumps what it rewrites, says why, and lists the commits behind each level.
    let auto = r.ok(&["bump", "auto", "--workspace", "--dry-run", "-v"]);
    let table = text(&auto.stdout);
    assert!(table.contains("base       0.3.0 -> 0.4.0"), "{}", describe(&auto));
    assert!(
        table.contains("dependent  1.0.0 -> 1.0.1") && table.contains("requirement on `base`"),
        "{}",
        describe(&auto)
    );
    // The unpublished app is not released by default; its manifest follows but its version stays.
    assert!(!table.contains("app        0.1.0 ->"), "{}", describe(&auto));
    assert!(text(&auto.stderr).contains("feat(base)!: a new api"), "{}", describe(&auto));

    r.ok(&["release", "--yes", "--no-publish"]);
    let mut tags = r.tags();
    tags.sort();
    assert_eq!(tags, ["app-v0.1.0", "base-v0.3.0", "base-v0.4.0", "dependent-v1.0.0", "dependent-v1.0.1"]);
    let dependent = r.project.read("dependent/Cargo.toml");
    assert!(dependent.contains("version = \"1.0.1\"") && dependent.contains("version = \"0.4\""), "{dependent}");
    r.project.assert_cargo_accepts_lock();
}

#[test]
fn a_hotfix_is_judged_by_its_own_commits_not_by_what_its_release_branch_already_holds() {
    let r = Repo::new(&[("Cargo.toml", &lib("app", "1.0.0")), ("src/lib.rs", SRC)], &["v1.0.0"]);
    r.ok(&["start", "first"]);
    // The release branch moved on since v1.0.0 (a change landed there without a release, judged
    // when it landed); a hotfix started now must not be charged for it.
    r.project.git(&["switch", "-q", "release/v1.0"]);
    r.commit("feat: landed on the line before", &[("src/extra.rs", "// extra\n")]);
    r.project.git(&["push", "-q", "origin", "release/v1.0"]);
    r.ok(&["start", "second"]);
    let fresh = r.run(&["check"]);
    assert_code(&fresh, 0, "a fresh hotfix with no commits");
    r.commit("fix: add adds", &[("src/lib.rs", FIXED)]);
    let output = r.run(&["check", "--format", "json"]);
    assert_code(&output, 0, "a hotfix with one good fix");
    // An explicit `--base` is taken as given.
    let explicit = r.run(&["check", "--base", "v1.0.0"]);
    assert_code(&explicit, 1, "--base v1.0.0 judges the line's commit too");
}

#[test]
fn a_hotfix_of_a_line_older_than_the_configuration_uses_the_newest_one_and_says_so() {
    let manifest = lib("app", "1.0.0");
    let r = Repo::new(&[("Cargo.toml", &manifest), ("src/lib.rs", SRC)], &["v1.0.0"]);
    // cargo-patch is adopted on main after v1.0.0: this project's hotfixes need no test.
    let config = "\n[package.metadata.patch-release.hotfix]\nrequire-test = false\n";
    r.commit("chore: adopt cargo-patch", &[("Cargo.toml", &format!("{manifest}{config}"))]);
    r.project.git(&["push", "-q", "origin", "main"]);
    r.ok(&["start", "crash"]);
    r.commit("fix: add adds", &[("src/lib.rs", "/// Adds.\npub fn add(x: i32, y: i32) -> i32 {\n    x + y\n}\n")]);
    let output = r.run(&["check"]);
    assert_code(&output, 0, "the fix, judged by main's configuration");
    assert!(text(&output.stderr).contains("configuration of `main`"), "{}", describe(&output));
    // Bringing the configuration onto the line is a commit of its own kind, allowed there.
    r.commit("chore: adopt cargo-patch on this line", &[("Cargo.toml", &format!("{manifest}{config}"))]);
    let output = r.run(&["check"]);
    assert_code(&output, 0, "a configuration-only commit");
    assert!(!text(&output.stderr).contains("configuration of `main`"), "{}", describe(&output));
}

#[test]
fn a_crate_whose_manifest_changed_since_its_tag_is_not_left_at_that_version() {
    let r = with_dependent();
    // Not a conventional commit, but the manifest `dependent-v1.0.0` names is no longer the one
    // that would go out as 1.0.0.
    let manifest = r.project.read("dependent/Cargo.toml").replace("[dependencies]", "[dependencies]\n# pinned by hand");
    r.commit("Update dependent's manifest", &[("dependent/Cargo.toml", &manifest)]);
    let auto = r.ok(&["bump", "auto", "--workspace", "--dry-run"]);
    let table = text(&auto.stdout);
    assert!(
        table.contains("dependent  1.0.0 -> 1.0.1") && table.contains("manifest changed since dependent-v1.0.0"),
        "{}",
        describe(&auto)
    );
    assert!(!table.contains("base       0.3.0 ->"), "{}", describe(&auto));
    // `status` proposes what `bump auto` and `release` plan (it said "none" and no next version).
    let output = r.ok(&["status"]);
    let status = text(&output.stdout);
    let row = status.lines().find(|l| l.starts_with("dependent ")).unwrap_or_default();
    assert!(row.contains("manifest changed") && row.contains("patch") && row.ends_with("1.0.1"), "{status}");
}

#[test]
fn a_crate_released_without_tags_counts_from_the_commit_that_set_its_version() {
    // `helper` is released with `app` and never tagged (cargo-release's `tag = false`).
    let root = "[workspace]\nmembers = [\"app\", \"helper\"]\nresolver = \"2\"\n";
    let r = Repo::new(
        &[
            ("Cargo.toml", root),
            ("app/Cargo.toml", &lib("app", "1.0.0")),
            ("app/src/lib.rs", SRC),
            ("helper/Cargo.toml", &lib("helper", "1.0.0")),
            ("helper/src/lib.rs", SRC),
        ],
        &["app-v1.0.0"],
    );
    for i in 0..5 {
        r.commit(&format!("feat(helper)!: breaking work {i}"), &[("helper/src/lib.rs", &format!("{SRC}// {i}\n"))]);
    }
    r.commit("chore: Release", &[("helper/Cargo.toml", &lib("helper", "2.0.0"))]);
    r.commit("fix(helper): one fix since", &[("helper/src/lib.rs", FIXED)]);
    let auto = r.ok(&["bump", "auto", "-p", "helper", "--dry-run"]);
    let table = text(&auto.stdout);
    assert!(table.contains("helper  2.0.0 -> 2.0.1") && table.contains("set the version"), "{}", describe(&auto));
}

#[test]
fn tags_are_pushed_in_batches_so_each_gets_its_push_event() {
    let r = independent("max-tags-per-push = 2\n");
    for name in ["a", "b", "c"] {
        r.commit(&format!("fix({name}): add adds"), &[(&format!("{name}/src/lib.rs"), FIXED)]);
    }
    // The remote logs how many refs each push carries, as a forge's push events see them.
    let log = crate::release::log_pushes(&r.remote, &r.project.home().join("pushes.log"));

    let dry = r.ok(&["release", "--dry-run"]);
    let plan = text(&dry.stderr);
    assert!(
        plan.contains("git push --atomic origin refs/heads/main refs/tags/a-v1.0.1 refs/tags/b-v1.0.1\n"),
        "{}",
        describe(&dry)
    );
    assert!(plan.contains("git push --atomic origin refs/tags/c-v1.0.1\n"), "{}", describe(&dry));
    r.ok(&["release", "--yes", "--no-publish"]);
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "3\n1\n", "branch + 2 tags, then the last tag");
    let remote = r.remote_refs();
    for tag in ["a-v1.0.1", "b-v1.0.1", "c-v1.0.1"] {
        assert!(remote.contains(&format!("refs/tags/{tag}")), "{remote}");
    }
}

#[test]
fn the_tag_of_the_manifests_version_counts_even_when_a_later_commit_carries_it() {
    let r = Repo::new(&[("Cargo.toml", &lib("app", "1.0.0")), ("src/lib.rs", SRC)], &[]);
    let cut = r.project.git(&["rev-parse", "HEAD"]).trim().to_owned();
    r.commit("docs: a note before tagging", &[("NOTES.md", "notes\n")]);
    r.project.git(&["tag", "v1.0.0"]);
    // A branch from before the tagged commit, at the same version: 1.0.0 is released already.
    r.project.git(&["switch", "-q", "-c", "old", &cut]);
    let output = r.ok(&["status", "--format", "json"]);
    let status: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(status["crates"][0]["latest_stable"], "v1.0.0", "{status}");
    assert_eq!(status["crates"][0]["unreleased"].as_array().unwrap().len(), 0, "{status}");
    let refused = r.run(&["release", "--dry-run"]);
    assert_code(&refused, 1, "nothing to release");
    assert!(text(&refused.stderr).contains("nothing to release"), "{}", describe(&refused));
}

/// Units released at once whose previous releases differ: `a` was tagged long ago (since then: a
/// fix, another merged from a branch and cherry-picked `-x` onto main, and `b`'s release commit,
/// which touches `a`'s directory too), `b` was released since, `c` never was (its notes hold its
/// whole history). Each tag's
/// notes hold exactly its own unit's changes since its own release, newest first.
#[test]
fn a_release_of_several_units_notes_each_since_its_own_previous_release() {
    let mut r = independent_tagged("", &[], &["b-v1.0.0"]);
    r.env.push(("CARGO_PATCH_NOW".into(), "1767225600".into()));
    let head = |r: &Repo| r.project.git(&["rev-parse", "--short=7", "HEAD"]).trim().to_owned();
    r.commit("feat(a): ancient api", &[("a/src/lib.rs", &format!("{SRC}// ancient\n"))]);
    r.commit("fix(c): early fix", &[("c/src/lib.rs", FIXED)]);
    let early_fix = head(&r);
    r.project.git(&["tag", "a-v1.0.0"]);
    r.commit("fix(a): old fix", &[("a/src/lib.rs", FIXED)]);
    let old_fix = head(&r);
    r.commit("feat(c): first api", &[("c/src/lib.rs", &format!("{SRC}// api\n"))]);
    let first_api = head(&r);
    r.commit("fix(b): released fix", &[("b/src/lib.rs", FIXED)]);
    r.commit(
        "chore(release): b-v1.0.1",
        &[("b/Cargo.toml", &lib("b", "1.0.1")), ("a/CHANGELOG.md", "# Changelog\n"), ("CHANGELOG.md", "# Changelog\n")],
    );
    r.project.git(&["tag", "b-v1.0.1"]);
    r.project.git(&["switch", "-q", "-c", "side"]);
    r.commit("fix(a): picked fix", &[("a/src/pick.rs", "// picked\n")]);
    let picked = head(&r);
    r.project.git(&["switch", "-q", "main"]);
    r.project.git(&["cherry-pick", "-x", "side"]);
    r.commit("fix(b): new fix", &[("b/src/lib.rs", &format!("{FIXED}// new\n"))]);
    let new_fix = head(&r);
    r.commit("perf(c)!: faster api", &[("c/src/lib.rs", &format!("{SRC}// faster\n"))]);
    let faster = head(&r);
    r.project.git(&["merge", "-q", "--no-ff", "-m", "Merge branch 'side'", "side"]);

    let output = r.ok(&["release", "--dry-run", "--no-publish", "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let notes: Vec<(&str, &str)> = plan["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t["notes"].as_str().unwrap()))
        .collect();
    let upgrade =
        |name: &str, version: &str| format!("### Upgrade\n\n```sh\ncargo update -p {name} --precise {version}\n```\n");
    assert_eq!(
        notes,
        [
            (
                "a-v1.0.1",
                format!(
                    "## a-v1.0.1 (2026-01-01)\n\nChanges since a-v1.0.0.\n\n### Bug Fixes\n\n\
                     - **a:** picked fix ({picked})\n- **a:** old fix ({old_fix})\n\n{}",
                    upgrade("a", "1.0.1")
                )
                .as_str()
            ),
            (
                "b-v1.0.2",
                format!(
                    "## b-v1.0.2 (2026-01-01)\n\nChanges since b-v1.0.1.\n\n### Bug Fixes\n\n\
                     - **b:** new fix ({new_fix})\n\n{}",
                    upgrade("b", "1.0.2")
                )
                .as_str()
            ),
            (
                "c-v2.0.0",
                format!(
                    "## c-v2.0.0 (2026-01-01)\n\n### Highlights\n\n- **[BREAKING]** **c:** faster api ({faster})\n\n\
                     ### Features\n\n- **c:** first api ({first_api})\n\n### Bug Fixes\n\n\
                     - **c:** early fix ({early_fix})\n\n### Performance\n\n\
                     - **[BREAKING]** **c:** faster api ({faster})\n\n{}",
                    upgrade("c", "2.0.0")
                )
                .as_str()
            ),
        ],
        "{}",
        describe(&output)
    );
}
