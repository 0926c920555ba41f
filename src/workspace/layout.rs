//! The workspace as its manifests describe it, read without `cargo metadata`: for `check` and
//! the hooks, which answer on every push and must cost milliseconds (`cargo metadata` alone
//! takes 40-90 ms). Members come from `[workspace] members` globs minus `exclude`, as cargo
//! expands them; versions are not resolved, so commands that change versions use [`Workspace`].
//!
//! [`Workspace`]: super::Workspace

use std::path::{Path, PathBuf};

use super::config::Config;
use super::manifest::Manifest;
use super::{Error, VersioningMode, find_manifest, load_manifest};

/// A member as the layout knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutMember {
    pub name: String,
    pub dir: PathBuf,
    pub manifest_path: PathBuf,
    pub publish: bool,
}

/// The workspace's shape and configuration.
#[derive(Debug)]
pub struct Layout {
    pub root: PathBuf,
    pub root_manifest_path: PathBuf,
    pub members: Vec<LayoutMember>,
    pub config: Config,
    pub mode: VersioningMode,
    /// The release units, as [`Workspace::units`](super::Workspace::units) has them.
    pub units: Vec<super::Unit>,
}

/// The workspace's root manifest and configuration: what is known before the members are read.
pub struct Root {
    pub root: PathBuf,
    pub root_manifest_path: PathBuf,
    pub config: Config,
    manifest: Manifest,
}

impl Root {
    /// Finds the root of the workspace of `manifest_path` (or of the nearest `Cargo.toml` above
    /// `cwd`): the nearest manifest with a `[workspace]` table at or above it.
    pub fn find(manifest_path: Option<&Path>, cwd: &Path) -> Result<Self, Error> {
        let start = match manifest_path {
            Some(path) => cwd.join(path),
            None => find_manifest(cwd)?,
        };
        let start_dir = start.parent().unwrap_or(cwd).to_owned();
        let root_manifest_path = start_dir
            .ancestors()
            .map(|dir| dir.join("Cargo.toml"))
            .filter(|path| path.is_file())
            .find(|path| std::fs::read_to_string(path).is_ok_and(|text| declares_workspace(&text)))
            .unwrap_or(start);
        let manifest = load_manifest(&root_manifest_path)?;
        let root = root_manifest_path.parent().unwrap_or(cwd).to_owned();
        let config = Config::from_root_manifest(&manifest)?;
        Ok(Self { root, root_manifest_path, config, manifest })
    }
}

impl Layout {
    /// Reads the workspace of `manifest_path` (or of the nearest `Cargo.toml` above `cwd`):
    /// the nearest manifest with a `[workspace]` table at or above it is the root.
    pub fn read(manifest_path: Option<&Path>, cwd: &Path) -> Result<Self, Error> {
        Self::from_root(Root::find(manifest_path, cwd)?)
    }

    /// Reads the members of the workspace `root` found.
    pub fn from_root(root: Root) -> Result<Self, Error> {
        let Root { root, root_manifest_path, config, manifest: root_manifest } = root;
        let mut members = Vec::new();
        let mut unit_members = Vec::new();
        let shared_version =
            root_manifest.workspace_version().ok().flatten().and_then(|v| semver::Version::parse(&v.value).ok());
        for dir in member_dirs(&root_manifest, &root) {
            let manifest_path = dir.join("Cargo.toml");
            let manifest =
                if manifest_path == root_manifest_path { None } else { Some(load_manifest(&manifest_path)?) };
            let manifest = manifest.as_ref().unwrap_or(&root_manifest);
            let Some(package) = manifest.root().get("package").and_then(|p| p.as_table_like()) else { continue };
            let Some(name) = package.get("name").and_then(|n| n.as_str()) else { continue };
            let publish = package.get("publish").is_none_or(|p| match (p.as_bool(), p.as_array()) {
                (Some(flag), _) => flag,
                (_, Some(registries)) => !registries.is_empty(),
                _ => true,
            });
            let (source, version) = match package.get("version") {
                None => (super::VersionSource::Missing, None),
                Some(v) if v.is_str() => {
                    (super::VersionSource::Own, v.as_str().and_then(|v| semver::Version::parse(v).ok()))
                }
                Some(_) => (super::VersionSource::Shared, shared_version.clone()),
            };
            let own = super::config::MemberConfig::from_manifest(manifest)?;
            unit_members.push(super::UnitMember {
                name: name.to_owned(),
                dir: dir.clone(),
                version: version.unwrap_or_else(|| semver::Version::new(0, 0, 0)),
                source,
                publish,
                release: own.release.unwrap_or(publish) && !config.release_exclude.iter().any(|e| e == name),
                tag_format: own.tag_format,
                is_root: manifest_path == root_manifest_path,
            });
            members.push(LayoutMember { name: name.to_owned(), dir, manifest_path, publish });
        }
        members.sort_by(|a, b| a.name.cmp(&b.name));
        let units = super::units::units(&unit_members, config.tag_format.as_deref());
        let mode = if units.len() > 1 { VersioningMode::Independent } else { VersioningMode::Unified };
        Ok(Self { root, root_manifest_path, members, config, mode, units })
    }

    /// Returns the tag format of the first unit's new tags (see [`super::Workspace::tag_format`]).
    pub fn tag_format(&self) -> &str {
        self.units.first().map_or_else(|| super::tag_format(&self.config, self.mode), |u| u.format().as_str())
    }

    /// Returns the member called `name`.
    pub fn member(&self, name: &str) -> Option<&LayoutMember> {
        self.members.iter().find(|m| m.name == name)
    }
}

/// Whether a manifest's text has a `[workspace]` table (a cheap test before parsing).
fn declares_workspace(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        line == "[workspace]"
            || line.starts_with("[workspace.")
            || line.starts_with("workspace.")
            || line.starts_with("workspace =")
    })
}

/// The member directories: the root package (if any), then `members` globs minus `exclude`.
fn member_dirs(root: &Manifest, root_dir: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    // What `dirs` holds, for a lookup per candidate rather than a scan of the list.
    let mut seen = std::collections::HashSet::new();
    if root.root().get("package").is_some() {
        dirs.push(root_dir.to_owned());
        seen.insert(root_dir.to_owned());
    }
    let workspace = root.root().get("workspace").and_then(|w| w.as_table_like());
    let list = |key: &str| -> Vec<String> {
        workspace
            .and_then(|w| w.get(key))
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    let excluded: std::collections::HashSet<PathBuf> =
        list("exclude").iter().map(|e| super::super::fs::normalize(&root_dir.join(e))).collect();
    for pattern in list("members") {
        let full = root_dir.join(&pattern);
        // Most workspaces list their members: a literal one is its own path (a glob would stat
        // every component of it, a thousand calls for 70 members). The root's own path is never
        // a pattern, whatever characters it holds.
        let matches: Vec<PathBuf> = if !pattern.contains(['*', '?', '[']) {
            vec![full]
        } else {
            let escaped = format!("{}/{pattern}", glob::Pattern::escape(&root_dir.to_string_lossy()));
            match glob::glob(&escaped) {
                Ok(paths) => paths.filter_map(Result::ok).collect(),
                Err(_) => vec![full],
            }
        };
        for dir in matches.into_iter().map(|d| super::super::fs::normalize(&d)) {
            if !excluded.contains(&dir) && !seen.contains(&dir) && dir.join("Cargo.toml").is_file() {
                seen.insert(dir.clone());
                dirs.push(dir);
            }
        }
    }
    dirs
}
