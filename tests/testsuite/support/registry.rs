//! A real local cargo registry for the release tests: ktra 0.7.0 on 127.0.0.1, serving a git index
//! kept in a bare repository, so `cargo publish` and `cargo yank` run for real and the tests can read
//! the index back.
//!
//! Kept apart from the rest of `support` because it owns a server process: the port, the readiness
//! wait, the stop/restart for "registry down" tests and the kill on drop all live here.
//!
//! ktra's own quirks this module works around (ktra 0.7.0 source, `src/main.rs`, `src/config.rs`,
//! `src/index_manager.rs`):
//! - there is no `--port` flag (`main.rs` reads `PORT` but never declares it), so the port goes in
//!   the config file (`[server_config] port`);
//! - ktra never writes `config.json`: the index must already hold it, and ktra clones the index into
//!   a work tree of its own at the first start, fetches and merges it at every start, and pushes each
//!   publish or yank back to the bare repository;
//! - when its port is taken, ktra panics only after cloning the index, so a retry on a new port must
//!   push a new `config.json` on top, which the next start merges;
//! - its log is coloured whatever the output is (tracing-subscriber 0.2), so messages strip it;
//! - it answers its own errors with HTTP 200 and an `errors` array (`src/error.rs`).

use std::ffi::OsString;
use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::{Project, describe};

/// The name the tests give the registry in cargo's configuration (`--registry ktra`).
const NAME: &str = "ktra";

/// What ktra (warp 0.3) logs when its port is taken.
const PORT_TAKEN: &str = "Address already in use";

/// The user the registry creates at its first start; its token publishes and yanks.
const USER: &str = "tester";

/// How long a start may take before the test fails (a first start clones the index).
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a readiness probe waits for an answer (a process other than ktra may hold the port and
/// accept without answering).
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// How many fresh ports a first start tries before giving up (another process may take the free
/// port between our probe and ktra's bind).
const PORT_ATTEMPTS: usize = 5;

/// A running ktra registry and the paths of its data.
///
/// Everything lives under the directory given to [`Registry::start`]:
/// - `index.git`: the bare index repository cargo reads (branch `main`);
/// - `ktra/`: ktra's config, its work clone of the index, its sled database and the crate files;
/// - `ktra.log`: ktra's stdout and stderr, across restarts;
/// - `cargo-home/`: the `CARGO_HOME` of [`Registry::cargo_env`].
pub(crate) struct Registry {
    dir: PathBuf,
    port: u16,
    child: Option<Child>,
    /// Where the running ktra's output starts in `ktra.log`.
    log_start: usize,
    token: String,
}

impl Registry {
    /// Returns a running registry with its data under `dir`, and a user whose token it keeps.
    ///
    /// Creates the bare index `<dir>/index.git` whose first commit on `main` holds `config.json`
    /// (`dl` and `api` on `http://127.0.0.1:PORT`), starts ktra on a free port, waits until it
    /// answers, then creates a user through `POST /ktra/api/v1/new_user/NAME`. Panics with ktra's
    /// log when it does not come up.
    pub(crate) fn start(dir: &Path) -> Registry {
        std::fs::create_dir_all(dir.join("ktra")).expect("create the registry dir");
        let dir = dir.canonicalize().expect("canonical registry dir");
        let index = dir.join("index.git");
        git(&index, &["init", "-q", "--bare", "-b", "main"]);
        let mut registry = Registry { dir, port: 0, child: None, log_start: 0, token: String::new() };
        for attempt in 1.. {
            registry.port = free_port();
            registry.commit_index_config();
            registry.write_ktra_config();
            registry.spawn();
            match registry.wait_until_ready() {
                Ok(()) => break,
                // Another process took the port between the probe and ktra's bind: try a new one.
                Err(_) if attempt < PORT_ATTEMPTS && registry.run_log().contains(PORT_TAKEN) => {
                    registry.stop();
                }
                Err(why) => panic!("{why}"),
            }
        }
        registry.token = registry.new_user();
        registry
    }

    /// Returns the name cargo knows the registry by: `ktra`.
    pub(crate) fn name(&self) -> &str {
        NAME
    }

    /// Returns the index URL for cargo (`file:///.../index.git`).
    pub(crate) fn index_url(&self) -> String {
        format!("file://{}", self.index_dir().display())
    }

    /// Returns the publish token of the registry's user.
    pub(crate) fn token(&self) -> &str {
        &self.token
    }

    /// Returns the environment cargo needs to publish to and yank from this registry.
    ///
    /// - `CARGO_HOME` is private to the registry, so index caches and downloaded crates never touch
    ///   the developer's `~/.cargo` (and no user configuration or credential applies);
    /// - `CARGO_REGISTRIES_KTRA_{INDEX,TOKEN,CREDENTIAL_PROVIDER}` name the registry and its token;
    /// - `NO_PROXY` keeps a proxy set in the environment away from 127.0.0.1;
    /// - `RUSTUP_HOME` keeps rustup's `rustc` proxy working when the test moves `HOME` (rustup sets
    ///   it for processes it starts; this covers a test binary run directly).
    pub(crate) fn cargo_env(&self) -> Vec<(String, OsString)> {
        let mut env: Vec<(String, OsString)> = vec![
            ("CARGO_HOME".into(), self.dir.join("cargo-home").into_os_string()),
            ("CARGO_REGISTRIES_KTRA_INDEX".into(), self.index_url().into()),
            ("CARGO_REGISTRIES_KTRA_TOKEN".into(), self.token().into()),
            ("CARGO_REGISTRIES_KTRA_CREDENTIAL_PROVIDER".into(), "cargo:token".into()),
            ("NO_PROXY".into(), "127.0.0.1,localhost".into()),
            ("no_proxy".into(), "127.0.0.1,localhost".into()),
        ];
        if std::env::var_os("RUSTUP_HOME").is_none()
            && let Some(home) = std::env::var_os("HOME")
            && Path::new(&home).join(".rustup").is_dir()
        {
            env.push(("RUSTUP_HOME".into(), Path::new(&home).join(".rustup").into_os_string()));
        }
        env
    }

    /// Stops the server (kill, then wait); the data stays for [`Registry::restart`].
    pub(crate) fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            child.wait().expect("wait for ktra");
        }
    }

    /// Starts the server again on the same port with the same data; panics with ktra's log when it
    /// does not come up.
    pub(crate) fn restart(&mut self) {
        self.stop();
        self.spawn();
        if let Err(why) = self.wait_until_ready() {
            panic!("{why}");
        }
    }

    /// Returns the versions of `krate` in the index, in publish order, each with its yanked flag.
    ///
    /// Reads `main:<path>` of the bare index (cargo's layout: `1/a`, `2/ab`, `3/a/abc`,
    /// `ab/cd/abcd`); empty when the crate is absent.
    pub(crate) fn versions(&self, krate: &str) -> Vec<(String, bool)> {
        let spec = format!("main:{}", index_path(krate));
        let output = git_output(&self.index_dir(), &["show", &spec]);
        if !output.status.success() {
            let stderr = super::text(&output.stderr);
            assert!(stderr.contains("does not exist"), "git show {spec}: {}", describe(&output));
            return Vec::new();
        }
        super::text(&output.stdout)
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                let entry: serde_json::Value = serde_json::from_str(line).expect("an index line is JSON");
                let vers = entry["vers"].as_str().expect("an index line has `vers`").to_owned();
                (vers, entry["yanked"].as_bool().expect("an index line has `yanked`"))
            })
            .collect()
    }

    /// Returns the `.crate` file the registry received for `krate` `version` (ktra keeps each
    /// upload as `<dl dir>/<crate>/<version>/download`); panics when there is none.
    pub(crate) fn crate_file(&self, krate: &str, version: &str) -> PathBuf {
        let path = self.dir.join("ktra/crates").join(krate).join(version).join("download");
        assert!(path.is_file(), "the registry has no upload of {krate} {version} at {}", path.display());
        path
    }

    fn index_dir(&self) -> PathBuf {
        self.dir.join("index.git")
    }

    fn log_path(&self) -> PathBuf {
        self.dir.join("ktra.log")
    }

    /// Returns ktra's output since the first start, without its colours (for panic messages).
    fn log(&self) -> String {
        strip_ansi(&std::fs::read_to_string(self.log_path()).unwrap_or_default())
    }

    /// Returns the output of the running ktra only.
    fn run_log(&self) -> String {
        let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        strip_ansi(log.get(self.log_start..).unwrap_or_default())
    }

    /// Returns the port ktra's API listens on.
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// Points the index's `api` (where cargo uploads and yanks) at `url`, a proxy in front of
    /// ktra, and restarts ktra so its work clone of the index takes the new `config.json`.
    pub(crate) fn set_api(&mut self, url: &str) {
        self.commit_config(url);
        self.restart();
    }

    /// Commits `config.json` for the current port on top of `main` (the first commit when `main`
    /// is unborn), with plumbing, since the index is bare.
    fn commit_index_config(&self) {
        self.commit_config(&format!("http://127.0.0.1:{}", self.port));
    }

    /// Commits `config.json` with downloads from ktra and the API at `api`.
    fn commit_config(&self, api: &str) {
        let index = self.index_dir();
        let config = serde_json::json!({
            "dl": format!("http://127.0.0.1:{}/dl", self.port),
            "api": api,
        });
        let blob = git_with_stdin(&index, &["hash-object", "-w", "--stdin"], &format!("{config:#}\n"));
        let tree = git_with_stdin(&index, &["mktree"], &format!("100644 blob {blob}\tconfig.json\n"));
        let parent = git_output(&index, &["rev-parse", "--verify", "-q", "main"]);
        let message = format!("config.json for port {}", self.port);
        let commit = if parent.status.success() {
            let parent = super::text(&parent.stdout).trim().to_owned();
            git(&index, &["commit-tree", &tree, "-p", &parent, "-m", &message])
        } else {
            git(&index, &["commit-tree", &tree, "-m", &message])
        };
        git(&index, &["update-ref", "refs/heads/main", &commit]);
    }

    /// Writes `ktra/ktra.toml` (ktra 0.7.0 `src/config.rs`), every path absolute and under `ktra/`,
    /// including the crates.io mirroring cache (a default feature ktra cannot be built without).
    fn write_ktra_config(&self) {
        let ktra = self.dir.join("ktra");
        let config = format!(
            "[index_config]\nremote_url = {remote}\nlocal_path = {local}\nbranch = \"main\"\n\
             name = \"ktra\"\nemail = \"ktra@example.com\"\n\n\
             [crate_files_config]\ndl_dir_path = {crates}\ncache_dir_path = {cache}\ndl_path = [\"dl\"]\n\n\
             [db_config]\ndb_dir_path = {db}\n\n\
             [server_config]\naddress = [127, 0, 0, 1]\nport = {port}\n",
            remote = toml_str(&self.index_dir()),
            local = toml_str(&ktra.join("index")),
            crates = toml_str(&ktra.join("crates")),
            cache = toml_str(&ktra.join("crates-io-cache")),
            db = toml_str(&ktra.join("db")),
            port = self.port,
        );
        std::fs::write(ktra.join("ktra.toml"), config).expect("write ktra.toml");
    }

    /// Starts ktra with its output appended to `ktra.log`.
    fn spawn(&mut self) {
        let ktra = self.dir.join("ktra");
        let log = OpenOptions::new().create(true).append(true).open(self.log_path()).expect("open ktra.log");
        self.log_start = usize::try_from(log.metadata().expect("stat ktra.log").len()).expect("a small log");
        let child = Command::new(super::tools::KTRA.path())
            .arg("--config")
            .arg(ktra.join("ktra.toml"))
            .current_dir(&ktra)
            .env("HOME", &ktra)
            .env("RUST_LOG", "info")
            .env_remove("RUST_BACKTRACE")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone the log handle"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start ktra: {e}"));
        self.child = Some(child);
    }

    /// Waits until ktra answers a search; on failure returns why, with its log.
    fn wait_until_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let child = self.child.as_mut().expect("ktra was started");
            if let Some(status) = child.try_wait().expect("poll ktra") {
                return Err(format!("ktra exited ({status}) before answering on port {}\n{}", self.port, self.log()));
            }
            // warp panics on a taken port; the log says so before the exit status is in.
            if self.run_log().contains(PORT_TAKEN) {
                return Err(format!("ktra could not bind port {}\n{}", self.port, self.log()));
            }
            if let Ok((200, _)) = http(self.port, "GET", "/api/v1/crates?q=ready", None, PROBE_TIMEOUT) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "ktra did not answer on port {} within {READY_TIMEOUT:?}\n{}",
                    self.port,
                    self.log()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Creates the registry's user and returns its token.
    fn new_user(&self) -> String {
        let path = format!("/ktra/api/v1/new_user/{USER}");
        let password = r#"{"password":"correct horse battery staple"}"#;
        let (status, body) = http(self.port, "POST", &path, Some(password), READY_TIMEOUT)
            .unwrap_or_else(|e| panic!("POST {path}: {e}\n{}", self.log()));
        // ktra answers its own errors with 200 and an `errors` array, so check the body too.
        let reply: serde_json::Value = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("POST {path}: {status} {body:?} is not JSON ({e})\n{}", self.log()));
        match reply["token"].as_str() {
            Some(token) if status == 200 => token.to_owned(),
            _ => panic!("POST {path} gave no token: {status} {body}\n{}", self.log()),
        }
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Writes `.cargo/config.toml` in `project_root` naming the registry's index (as a project that
/// publishes to a private registry would).
pub(crate) fn write_cargo_config(project_root: &Path, registry: &Registry) {
    let dir = project_root.join(".cargo");
    std::fs::create_dir_all(&dir).expect("create .cargo");
    let config = format!("[registries.{}]\nindex = \"{}\"\n", registry.name(), registry.index_url());
    std::fs::write(dir.join("config.toml"), config).expect("write .cargo/config.toml");
}

/// Returns the path of a crate's file in a cargo index
/// (<https://doc.rust-lang.org/cargo/reference/registry-index.html#index-files>).
fn index_path(krate: &str) -> String {
    let name = krate.to_ascii_lowercase();
    match name.len() {
        1 => format!("1/{name}"),
        2 => format!("2/{name}"),
        3 => format!("3/{}/{name}", &name[..1]),
        _ => format!("{}/{}/{name}", &name[..2], &name[2..4]),
    }
}

/// Returns a port that was free a moment ago on 127.0.0.1.
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// Sends one HTTP/1.1 request to 127.0.0.1 and returns the status and the body.
fn http(port: u16, method: &str, path: &str, body: Option<&str>, timeout: Duration) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
    stream.set_read_timeout(Some(timeout))?;
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    Ok((status, body.to_owned()))
}

/// Returns `text` without terminal colour sequences (ktra's log always has them).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("\x1b[") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find(|c: char| c.is_ascii_alphabetic()).map_or(after.len(), |i| i + 1);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Returns a path as a TOML basic string.
fn toml_str(path: &Path) -> String {
    toml_edit::Value::from(path_str(path)).to_string().trim().to_owned()
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

/// Runs git on a bare repository with no user configuration; panics on failure; returns stdout
/// trimmed.
fn git(git_dir: &Path, args: &[&str]) -> String {
    let output = git_output(git_dir, args);
    assert!(output.status.success(), "git {args:?}: {}", describe(&output));
    super::text(&output.stdout).trim().to_owned()
}

/// Like [`git`], feeding `stdin`.
fn git_with_stdin(git_dir: &Path, args: &[&str], stdin: &str) -> String {
    let mut child = git_command(git_dir, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run git");
    child.stdin.take().expect("piped stdin").write_all(stdin.as_bytes()).expect("write git's stdin");
    let output = child.wait_with_output().expect("wait for git");
    assert!(output.status.success(), "git {args:?}: {}", describe(&output));
    super::text(&output.stdout).trim().to_owned()
}

fn git_output(git_dir: &Path, args: &[&str]) -> Output {
    git_command(git_dir, args).output().expect("run git")
}

fn git_command(git_dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new("git");
    command
        .arg("--git-dir")
        .arg(git_dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z");
    command
}

/// Runs cargo in `project` against `registry`; returns its output.
fn cargo(project: &Project, registry: &Registry, args: &[&str]) -> Output {
    project
        .command(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(args)
        .envs(registry.cargo_env())
        .output()
        .expect("run cargo")
}

/// Asserts a cargo run succeeded, showing its output otherwise.
fn assert_ok(output: &Output, what: &str) {
    assert!(output.status.success(), "{what}: {}", describe(output));
}

/// Writes a publishable library crate at `dir` with `deps` as its `[dependencies]` body.
fn write_crate(project: &Project, dir: &str, version: &str, deps: &str) {
    project.write(
        &format!("{dir}/Cargo.toml"),
        &format!(
            "[package]\nname = \"{dir}\"\nversion = \"{version}\"\nedition = \"2021\"\n\
             description = \"A test crate\"\nlicense = \"MIT\"\n\n[dependencies]\n{deps}"
        ),
    );
    project.write(&format!("{dir}/src/lib.rs"), "//! A test crate.\n");
}

/// ktra takes a real `cargo publish`, `yank` and `yank --undo`, refuses uploads while stopped, and
/// keeps its index, users and tokens across a restart.
#[test]
fn ktra_registry_takes_publish_and_yank_and_survives_a_restart() {
    let project = Project::new();
    let mut registry = Registry::start(&project.home().join("registry"));
    project.write("Cargo.toml", "[workspace]\nmembers = [\"alpha\", \"beta\"]\nresolver = \"2\"\n");
    project.write(".gitignore", "/target\n");
    write_crate(&project, "alpha", "0.1.0", "");
    write_crate(
        &project,
        "beta",
        "0.1.0",
        "alpha = { path = \"../alpha\", version = \"0.1.0\", registry = \"ktra\" }\n",
    );
    write_cargo_config(project.root(), &registry);
    project.commit_all();

    assert_eq!(registry.versions("alpha"), []);
    assert_ok(&cargo(&project, &registry, &["publish", "-p", "alpha", "--registry", "ktra"]), "publish alpha");
    assert_ok(&cargo(&project, &registry, &["publish", "-p", "beta", "--registry", "ktra"]), "publish beta");
    assert_eq!(registry.versions("alpha"), [("0.1.0".to_owned(), false)]);
    assert_eq!(registry.versions("beta"), [("0.1.0".to_owned(), false)]);

    let yank = ["yank", "--version", "0.1.0", "--registry", "ktra", "alpha"];
    assert_ok(&cargo(&project, &registry, &yank), "yank alpha");
    assert_eq!(registry.versions("alpha"), [("0.1.0".to_owned(), true)]);
    assert_ok(&cargo(&project, &registry, &[&yank[..], &["--undo"]].concat()), "unyank alpha");
    assert_eq!(registry.versions("alpha"), [("0.1.0".to_owned(), false)]);

    registry.stop();
    write_crate(&project, "alpha", "0.2.0", "");
    project.git(&["commit", "-q", "-am", "chore: alpha 0.2.0"]);
    let publish = ["publish", "-p", "alpha", "--registry", "ktra", "--no-verify"];
    let down = cargo(&project, &registry, &publish);
    assert!(!down.status.success(), "publish with the registry down succeeded: {}", describe(&down));
    assert!(super::text(&down.stderr).contains("failed to publish alpha v0.2.0"), "{}", describe(&down));
    assert_eq!(registry.versions("alpha"), [("0.1.0".to_owned(), false)]);

    registry.restart();
    assert_ok(&cargo(&project, &registry, &publish), "publish alpha 0.2.0 after the restart");
    assert_eq!(registry.versions("alpha"), [("0.1.0".to_owned(), false), ("0.2.0".to_owned(), false)]);
}
