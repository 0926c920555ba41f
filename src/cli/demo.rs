//! `cargo patch demo`: run the demo script, printing each command as a user would type it.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use clap::Args;

use crate::error::CliResult;
use crate::ops::demo::{self, Program};
use crate::shell::Shell;

/// Show the whole patch process on a throwaway workspace, command by command
#[derive(Debug, Args)]
#[command(after_long_help = "\
Builds a sample workspace with a bug, released as v1.0.0 to a local bare remote, then: init, start
a hotfix, a commit the hook refuses, the fix with its test, check, release (v1.0.1, pushed), and the
release notes. Each step prints the command you would type. Needs only git and cargo, and nothing
leaves the directory.

Examples:
  cargo patch demo                 in a new temporary directory (kept, so you can look around)
  cargo patch demo /tmp/patch-demo")]
pub struct DemoArgs {
    /// Where to build the demo: a new or empty directory [default: a new temporary directory]
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// The demo directory holds something already.
#[derive(Debug, thiserror::Error)]
#[error("`{}` is not empty", .0.display())]
pub struct NotEmpty(PathBuf);

impl crate::error::Help for NotEmpty {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        "name a new or empty directory, or leave DIR out to use a temporary one".into()
    }
}

/// Runs `demo`.
pub fn exec(args: DemoArgs, shell: &mut Shell) -> CliResult {
    let DemoArgs { dir } = args;
    Ok(run(dir, shell)?)
}

fn run(dir: Option<PathBuf>, shell: &mut Shell) -> anyhow::Result<()> {
    let dir = match dir {
        Some(dir) => {
            if std::fs::read_dir(&dir).is_ok_and(|mut entries| entries.next().is_some()) {
                return Err(NotEmpty(dir).into());
            }
            std::fs::create_dir_all(&dir)
                .map_err(|e| anyhow::anyhow!(e).context(format!("failed to create `{}`", dir.display())))?;
            dir
        }
        None => tempfile::Builder::new()
            .prefix("cargo-patch-demo-")
            .tempdir()
            .map_err(|e| anyhow::anyhow!(e).context("failed to create a temporary directory"))?
            .keep(),
    };
    let dir = crate::fs::canonical(&dir);
    let workspace = dir.join("workspace");
    let remote = dir.join("remote.git");
    std::fs::create_dir_all(&workspace)
        .map_err(|e| anyhow::anyhow!(e).context(format!("failed to create `{}`", workspace.display())))?;
    let me = std::env::current_exe().map_err(|e| anyhow::anyhow!(e).context("cannot locate the cargo-patch binary"))?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    shell.print(&format!("# The patch process, in {}\n", workspace.display()))?;
    for (number, step) in demo::script(&remote.to_string_lossy()).into_iter().enumerate() {
        shell.print(&format!("\n## {}. {}\n\n", number + 1, step.title))?;
        for (path, contents) in &step.edits {
            shell.print(&format!("$ $EDITOR {path}\n"))?;
            crate::fs::write_atomic(&workspace.join(path), contents.as_bytes())?;
        }
        let last = step.commands.len().saturating_sub(1);
        for (index, (program, args)) in step.commands.iter().enumerate() {
            let (binary, shown): (&std::ffi::OsStr, &str) = match program {
                Program::Git => ("git".as_ref(), "git"),
                Program::Cargo => (&cargo, "cargo"),
                Program::CargoPatch => (me.as_os_str(), "cargo patch"),
            };
            shell.print(&format!("$ {shown} {}\n", quoted(args)))?;
            let _ = std::io::stdout().flush();
            let succeeded = run_command(binary, args, &workspace)?;
            let expected = !(step.fails && index == last);
            if succeeded != expected {
                let what = if expected { "failed" } else { "was expected to fail, but succeeded" };
                anyhow::bail!("demo step `{shown} {}` {what}", quoted(args));
            }
            if !expected {
                shell.print("(refused, as it should be: the branch only takes patch-level commits)\n")?;
            }
        }
    }
    shell.print(&format!(
        "\nDone: v1.0.1 is tagged in {} and pushed to {}.\nLook around: git -C {} log --oneline --graph --all\n",
        workspace.display(),
        remote.display(),
        quoted(&[workspace.to_string_lossy().into_owned()]),
    ))?;
    Ok(())
}

fn run_command(binary: &std::ffi::OsStr, args: &[String], dir: &Path) -> anyhow::Result<bool> {
    let status = Command::new(binary)
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .status()
        .map_err(|e| anyhow::anyhow!(e).context(format!("failed to run `{}`", binary.to_string_lossy())))?;
    Ok(status.success())
}

/// Returns `args` as a POSIX shell would need them typed.
fn quoted(args: &[String]) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:@,+".contains(c);
    args.iter()
        .map(|arg| {
            if !arg.is_empty() && arg.chars().all(plain) {
                arg.clone()
            } else {
                format!("'{}'", arg.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
