//! Whether a published release can be used: wait (bounded) until the registry's index serves each
//! new version, then `cargo check` a scratch project that depends on exactly those versions.
//!
//! The scratch project lives in a temp dir outside the workspace, so nothing of the workspace
//! helps it build (its `[env]`, `rustflags`, feature unification with other members): it builds
//! as a stranger's project would. Only how to reach the registry is carried over (the
//! `[registries]`, `[registry]`, `[source]`, `[net]` and `[http]` tables of the workspace's
//! `.cargo/config.toml` files); cargo's own home configuration applies as usual.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use toml_edit::{DocumentMut, Item, Table};

/// How a release step's note starts when the check failed.
pub const FAILED: &str = "failed: ";

/// A published crate to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crate {
    pub name: String,
    pub version: String,
}

/// Why the published release failed its check.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the registry's index did not serve {} within {} s: {last}", list(crates), waited.as_secs())]
    NotInIndex { crates: Vec<Crate>, waited: Duration, last: String },
    #[error("a project depending on {} does not build:\n{output}", list(crates))]
    DoesNotBuild { crates: Vec<Crate>, output: String },
    #[error("failed to set up or run the scratch project: {message}")]
    Setup { message: String },
}

fn list(crates: &[Crate]) -> String {
    crates.iter().map(|c| format!("`{} = \"={}\"`", c.name, c.version)).collect::<Vec<_>>().join(", ")
}

/// How the check runs.
pub struct Options<'a> {
    pub cargo: &'a std::ffi::OsStr,
    /// `--registry`; `None`: crates.io.
    pub registry: Option<&'a str>,
    /// The workspace root, whose `.cargo/config.toml` files say how to reach the registry.
    pub workspace: &'a Path,
    /// The longest wait for the index.
    pub timeout: Duration,
}

/// Checks that `crates` can be depended on; `progress` hears each line of progress and output.
pub fn verify(crates: &[Crate], options: &Options<'_>, progress: &mut dyn FnMut(&str)) -> Result<(), Error> {
    let setup = |err: std::io::Error| Error::Setup { message: err.to_string() };
    let scratch = tempfile::Builder::new().prefix("cargo-patch-verify-").tempdir().map_err(setup)?;
    write_project(scratch.path(), crates, options).map_err(setup)?;
    // STEP 1: the index serves every version (resolving the exact requirements says so).
    let started = Instant::now();
    let mut wait = Duration::from_secs(1);
    loop {
        let (ok, printed) = cargo(options, scratch.path(), &["generate-lockfile"], &mut |_| {})?;
        if ok {
            break;
        }
        let last = printed.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default().trim().to_owned();
        if started.elapsed() + wait > options.timeout {
            return Err(Error::NotInIndex { crates: crates.to_vec(), waited: started.elapsed(), last });
        }
        progress(&format!(
            "waiting for the registry's index to serve {} ({} s so far)",
            list(crates),
            started.elapsed().as_secs()
        ));
        std::thread::sleep(wait);
        wait = (wait * 2).min(Duration::from_secs(15));
    }
    // STEP 2: a dependent builds.
    let (ok, printed) = cargo(options, scratch.path(), &["check", "--quiet"], progress)?;
    if !ok {
        let skip = printed.lines().count().saturating_sub(12);
        let output = printed.lines().skip(skip).collect::<Vec<_>>().join("\n");
        return Err(Error::DoesNotBuild { crates: crates.to_vec(), output });
    }
    Ok(())
}

/// Writes the scratch project: a library depending on `=version` of each crate, its own
/// workspace, with the registry's configuration.
fn write_project(dir: &Path, crates: &[Crate], options: &Options<'_>) -> std::io::Result<()> {
    let mut manifest = String::from(
        "[package]\nname = \"cargo-patch-verify-published\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\n",
    );
    for c in crates {
        let registry = options.registry.map(|r| format!(", registry = \"{r}\"")).unwrap_or_default();
        manifest.push_str(&format!("{} = {{ version = \"={}\"{registry} }}\n", c.name, c.version));
    }
    crate::fs::write_atomic(&dir.join("Cargo.toml"), manifest.as_bytes()).map_err(std::io::Error::other)?;
    std::fs::create_dir_all(dir.join("src"))?;
    crate::fs::write_atomic(&dir.join("src/lib.rs"), b"").map_err(std::io::Error::other)?;
    let config = registry_config(options.workspace);
    if !config.is_empty() {
        std::fs::create_dir_all(dir.join(".cargo"))?;
        crate::fs::write_atomic(&dir.join(".cargo/config.toml"), config.to_string().as_bytes())
            .map_err(std::io::Error::other)?;
    }
    Ok(())
}

/// The configuration tables that say how to reach a registry.
const REGISTRY_TABLES: [&str; 5] = ["registries", "registry", "source", "net", "http"];

/// Returns those tables of every `.cargo/config.toml` (or `.cargo/config`) from `workspace` up,
/// the nearer file winning, as cargo merges them.
fn registry_config(workspace: &Path) -> DocumentMut {
    let mut merged = DocumentMut::new();
    let files: Vec<_> = workspace
        .ancestors()
        .flat_map(|dir| [dir.join(".cargo/config.toml"), dir.join(".cargo/config")])
        .filter(|file| file.is_file())
        .collect();
    for file in files.iter().rev() {
        let Ok(doc) = crate::fs::read_to_string(file).map(|t| t.parse::<DocumentMut>()) else { continue };
        let Ok(doc) = doc else { continue };
        for key in REGISTRY_TABLES {
            let Some(table) = doc.get(key).and_then(Item::as_table_like) else { continue };
            let target = merged.entry(key).or_insert_with(|| Item::Table(Table::new()));
            let Some(target) = target.as_table_like_mut() else { continue };
            for (name, value) in table.iter() {
                target.insert(name, value.clone());
            }
        }
    }
    merged
}

/// Returns the registry `cargo publish` uses without `--registry`, when it is not crates.io: the
/// `CARGO_REGISTRY_DEFAULT` variable, else `registry.default` of the nearest `.cargo/config.toml`
/// from `workspace` up, else that of cargo's home.
pub fn default_registry(workspace: &Path) -> Option<String> {
    #[expect(clippy::disallowed_methods, reason = "cargo's own variable, read as cargo reads it")]
    if let Ok(name) = std::env::var("CARGO_REGISTRY_DEFAULT") {
        return Some(name).filter(|n| n != "crates-io");
    }
    let default = |doc: &DocumentMut| doc.get("registry")?.get("default")?.as_str().map(str::to_owned);
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cargo")));
    let home_config = home.into_iter().flat_map(|h| [h.join("config.toml"), h.join("config")]).find(|f| f.is_file());
    let home_default = home_config
        .and_then(|file| crate::fs::read_to_string(&file).ok())
        .and_then(|text| text.parse::<DocumentMut>().ok())
        .and_then(|doc| default(&doc));
    default(&registry_config(workspace)).or(home_default).filter(|n| n != "crates-io")
}

/// Runs `cargo ARGS` in `dir` with its own target dir, each line to `on`; returns whether it
/// succeeded and what it printed.
fn cargo(options: &Options<'_>, dir: &Path, args: &[&str], on: &mut dyn FnMut(&str)) -> Result<(bool, String), Error> {
    let output = Command::new(options.cargo)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .stdin(Stdio::null())
        .output()
        .map_err(|err| Error::Setup { message: format!("failed to run `cargo {}`: {err}", args.join(" ")) })?;
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    printed.lines().for_each(&mut *on);
    Ok((output.status.success(), printed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carries_only_the_registry_configuration_the_nearer_file_winning() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path().join("ws");
        std::fs::create_dir_all(ws.join(".cargo")).unwrap();
        std::fs::create_dir_all(dir.path().join(".cargo")).unwrap();
        crate::fs::write_atomic(
            &dir.path().join(".cargo/config.toml"),
            b"[registries.ktra]\nindex = \"far\"\n[registries.other]\nindex = \"o\"\n[build]\nrustflags = [\"-Dwarnings\"]\n",
        )
        .unwrap();
        crate::fs::write_atomic(
            &ws.join(".cargo/config.toml"),
            b"[registries.ktra]\nindex = \"near\"\n[env]\nX = \"1\"\n",
        )
        .unwrap();
        let config = registry_config(&ws).to_string();
        assert!(config.contains("near") && !config.contains("far") && config.contains("\"o\""), "{config}");
        assert!(!config.contains("rustflags") && !config.contains("[env]"), "{config}");
    }
}
