//! The workspace: members, their manifests and versions, publishability, versioning mode and
//! configuration, from `cargo metadata --no-deps` (never the network) plus the manifests' text.

pub mod config;
pub mod layout;
pub mod lockfile;
pub mod manifest;
pub mod units;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use semver::Version;

pub use config::Config;
pub use manifest::{Manifest, PackageVersion};
pub use units::{Unit, UnitMember, VersionSource};

/// Why the workspace cannot be loaded or a selection resolved.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("could not find `Cargo.toml` in `{}` or any parent directory", dir.display())]
    ManifestNotFound { dir: PathBuf },
    #[error("`cargo metadata` could not load the workspace of `{}`", manifest.display())]
    Metadata {
        manifest: PathBuf,
        #[source]
        source: CargoMessage,
    },
    #[error("failed to run `cargo metadata`")]
    CargoNotRun(#[source] cargo_metadata::Error),
    #[error("package `{name}` is not a member of the workspace")]
    NotAMember { name: String, members: Vec<String> },
    #[error("no package is selected")]
    NothingSelected,
    #[error(transparent)]
    Manifest(#[from] manifest::Error),
    #[error(transparent)]
    Config(#[from] config::Error),
    #[error(transparent)]
    Fs(#[from] crate::fs::Error),
}

/// Cargo's own error text, shown as the cause.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CargoMessage(String);

impl CargoMessage {
    /// What to do about this failure of `cargo metadata`.
    fn help(&self) -> String {
        let text = &self.0;
        if text.contains("toolchain") && text.contains("is not installed") {
            // rustup's, for the toolchain `rust-toolchain.toml` pins: no manifest is at fault.
            "install the toolchain the workspace pins (`rustup toolchain install`, run in the workspace), then run \
             the command again"
                .into()
        } else if text.lines().any(|line| line.trim_start().starts_with("help:")) {
            "do as cargo's help above says, then run the command again".into()
        } else {
            "fix the manifest cargo names above, then run the command again".into()
        }
    }
}

impl crate::error::Help for Error {
    type Lines = Option<String>;

    fn help(&self) -> Self::Lines {
        match self {
            Self::ManifestNotFound { .. } => {
                Some("run the command inside a Cargo workspace, or pass `--manifest-path`".into())
            }
            Self::Metadata { source, .. } => Some(source.help()),
            Self::NotAMember { members, .. } => Some(format!("the members are: {}", members.join(", "))),
            Self::NothingSelected => {
                Some("name packages with `-p`, or use `--workspace` with fewer `--exclude`".into())
            }
            Self::Manifest(err) => err.help(),
            Self::Config(err) => err.help(),
            Self::CargoNotRun(_) | Self::Fs(_) => None,
        }
    }
}

/// How release versions and tags are organised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersioningMode {
    /// One version for the workspace (every member inherits it, or a single crate): tags `v{version}`.
    Unified,
    /// Each crate its own version: tags `{crate}-v{version}`.
    Independent,
}

/// Returns the fields crates.io refuses a crate without that `package` lacks: a `description`,
/// and a `license` or a `license-file`. None for a crate whose `publish` list leaves crates.io
/// out: it is never published there.
fn missing_metadata(package: &cargo_metadata::Package) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if package.publish.as_ref().is_some_and(|registries| !registries.iter().any(|r| r == "crates-io")) {
        return missing;
    }
    if package.description.as_deref().is_none_or(|d| d.trim().is_empty()) {
        missing.push("description");
    }
    if package.license.as_deref().is_none_or(|l| l.trim().is_empty()) && package.license_file.is_none() {
        missing.push("license");
    }
    missing
}

/// One workspace member.
#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub version: Version,
    pub manifest_path: PathBuf,
    /// The directory holding the manifest.
    pub dir: PathBuf,
    /// `false` for `publish = false`: versioned, never published.
    pub publish: bool,
    /// Whether the version comes from `[workspace.package] version`.
    pub inherits_version: bool,
    /// Where its version comes from (`Missing`: cargo's 0.0.0).
    pub source: VersionSource,
    /// `false` for `release = false` (or `release-exclude`): versioned, never tagged or published.
    pub release: bool,
    /// The crate's own `tag-format`, if it sets one.
    pub tag_format: Option<String>,
    /// The crate's own replacements, run from its directory when it is released.
    pub replace: Vec<crate::replace::Replacement>,
    /// Whether this is the package of the root manifest.
    pub is_root: bool,
    /// The fields crates.io requires that the manifest lacks (`description`, `license`).
    pub missing_metadata: Vec<&'static str>,
}

impl Member {
    fn unit_member(&self) -> UnitMember {
        UnitMember {
            name: self.name.clone(),
            dir: self.dir.clone(),
            version: self.version.clone(),
            source: self.source,
            publish: self.publish,
            release: self.release,
            tag_format: self.tag_format.clone(),
            is_root: self.is_root,
        }
    }

    /// Returns whether cargo-patch versions this member: it has a version or is published.
    /// Unversioned, unpublished members (`examples/*`, `xtask`) are not ours.
    pub fn is_versioned(&self) -> bool {
        self.source != VersionSource::Missing || self.publish
    }
}

/// Which members a command acts on, as the user chose them.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub packages: Vec<String>,
    pub workspace: bool,
    pub exclude: Vec<String>,
}

/// A loaded workspace with every member manifest parsed once.
pub struct Workspace {
    pub root: PathBuf,
    pub root_manifest_path: PathBuf,
    /// cargo's target directory (`build.target-dir`, else `<root>/target`).
    pub target_dir: PathBuf,
    /// Sorted by name.
    pub members: Vec<Member>,
    pub config: Config,
    pub mode: VersioningMode,
    default_members: Vec<String>,
    /// The member whose manifest the command was pointed at, if any.
    current: Option<String>,
    manifests: BTreeMap<PathBuf, Manifest>,
    units: Vec<Unit>,
}

impl Workspace {
    /// Returns the workspace of `manifest_path`, or of the nearest `Cargo.toml` above `cwd`.
    pub fn load(manifest_path: Option<&Path>, cwd: &Path) -> Result<Self, Error> {
        let invoked = match manifest_path {
            Some(path) => cwd.join(path),
            None => find_manifest(cwd)?,
        };
        let metadata =
            cargo_metadata::MetadataCommand::new().no_deps().manifest_path(&invoked).current_dir(cwd).exec().map_err(
                |err| match err {
                    cargo_metadata::Error::CargoMetadata { stderr } => {
                        Error::Metadata { manifest: invoked.clone(), source: CargoMessage(cargo_error_text(&stderr)) }
                    }
                    other => Error::CargoNotRun(other),
                },
            )?;
        let root = PathBuf::from(metadata.workspace_root.clone());
        let root_manifest_path = root.join("Cargo.toml");
        let mut manifests = BTreeMap::new();
        let mut members = Vec::new();
        for package in metadata.workspace_packages() {
            let manifest_path = PathBuf::from(package.manifest_path.clone());
            let manifest = load_manifest(&manifest_path)?;
            let source = match manifest.package_version()? {
                Some(PackageVersion::Inherited) => VersionSource::Shared,
                Some(PackageVersion::Own(_)) => VersionSource::Own,
                Some(PackageVersion::Missing) | None => VersionSource::Missing,
            };
            let own = config::MemberConfig::from_manifest(&manifest)?;
            let dir = manifest_path.parent().map(Path::to_owned).unwrap_or_default();
            let publish = package.publish.as_ref().is_none_or(|registries| !registries.is_empty());
            members.push(Member {
                name: package.name.to_string(),
                version: package.version.clone(),
                is_root: dir == root,
                dir,
                publish,
                inherits_version: source == VersionSource::Shared,
                source,
                // An unpublished crate is versioned, but released (tagged) only when it asks for it
                // with `release = true` (an application, say).
                release: own.release.unwrap_or(publish),
                tag_format: own.tag_format,
                replace: own.replace,
                manifest_path: manifest_path.clone(),
                missing_metadata: missing_metadata(package),
            });
            manifests.insert(manifest_path, manifest);
        }
        let root_manifest = match manifests.remove(&root_manifest_path) {
            Some(manifest) => manifest,
            None => load_manifest(&root_manifest_path)?,
        };
        let config = Config::from_root_manifest(&root_manifest)?;
        manifests.insert(root_manifest_path.clone(), root_manifest);
        members.sort_by(|a, b| a.name.cmp(&b.name));
        for member in &mut members {
            member.release &= !config.release_exclude.contains(&member.name);
        }
        let units =
            units::units(&members.iter().map(Member::unit_member).collect::<Vec<_>>(), config.tag_format.as_deref());
        let mode = if units.len() > 1 { VersioningMode::Independent } else { VersioningMode::Unified };
        let current = current_member(&members, &invoked);
        // Cargo older than 1.71 does not report default members: then every member is one.
        let default_members = if metadata.workspace_default_members.is_available() {
            metadata.workspace_default_packages().iter().map(|p| p.name.to_string()).collect()
        } else {
            members.iter().map(|m| m.name.clone()).collect()
        };
        let target_dir = PathBuf::from(metadata.target_directory.clone());
        Ok(Self {
            root,
            root_manifest_path,
            target_dir,
            members,
            config,
            mode,
            default_members,
            current,
            manifests,
            units,
        })
    }

    /// Takes `config` in place of the root manifest's, which must have none (a release line that
    /// predates the configuration borrows the one its releases are made with): the units, their
    /// tag formats and the excluded crates follow it.
    pub fn borrow_config(&mut self, config: Config) {
        for member in &mut self.members {
            member.release &= !config.release_exclude.contains(&member.name);
        }
        self.units = units::units(
            &self.members.iter().map(Member::unit_member).collect::<Vec<_>>(),
            config.tag_format.as_deref(),
        );
        self.mode = if self.units.len() > 1 { VersioningMode::Independent } else { VersioningMode::Unified };
        self.config = config;
    }

    /// Returns the release branch of `version`'s line, for `crate_name` when its unit is one of
    /// several (then the default line names the crate).
    pub fn release_branch_of(&self, version: &Version, crate_name: Option<&str>) -> String {
        self.config.release_branch_of(version, crate_name, self.units.len() > 1)
    }

    /// Returns the parsed manifests: the root's and every member's.
    pub fn manifests(&self) -> impl Iterator<Item = &Manifest> {
        self.manifests.values()
    }

    /// Returns the root manifest.
    #[expect(clippy::indexing_slicing, reason = "`load` reads the root manifest and every member's into `manifests`")]
    pub fn root_manifest(&self) -> &Manifest {
        &self.manifests[&self.root_manifest_path]
    }

    /// Returns the manifest of `member`.
    #[expect(clippy::indexing_slicing, reason = "`load` reads the root manifest and every member's into `manifests`")]
    pub fn manifest_of(&self, member: &Member) -> &Manifest {
        &self.manifests[&member.manifest_path]
    }

    /// Returns the release units (see [`units`]), the shared version first.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// Returns the unit `name` belongs to (`None` for a member cargo-patch does not version).
    pub fn unit_of(&self, name: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.has(name))
    }

    /// Returns which member owns a path relative to `repo_root` (the work tree's root).
    pub fn owners(&self, repo_root: &Path) -> units::Owners {
        units::Owners::new(repo_root, self.members.iter().map(|m| (m.name.as_str(), m.dir.as_path())))
    }

    /// Returns the member named `name`.
    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.name == name)
    }

    /// Returns the members `selection` names, the way cargo selects packages: `-p` names them,
    /// `--workspace` takes all but `--exclude`, and neither takes the current package (or the
    /// default members at a virtual root). A name that is not a member is an error, for
    /// `--exclude` too: a typo there would act on a crate the user meant to spare.
    pub fn select(&self, selection: &Selection) -> Result<Vec<&Member>, Error> {
        let member_names = || self.members.iter().map(|m| m.name.clone()).collect();
        for name in selection.packages.iter().chain(&selection.exclude) {
            if self.member(name).is_none() {
                return Err(Error::NotAMember { name: name.clone(), members: member_names() });
            }
        }
        let chosen: Vec<&Member> = if !selection.packages.is_empty() {
            self.members.iter().filter(|m| selection.packages.contains(&m.name)).collect()
        } else if selection.workspace {
            self.members.iter().filter(|m| !selection.exclude.contains(&m.name)).collect()
        } else if let Some(current) = &self.current {
            self.members.iter().filter(|m| &m.name == current).collect()
        } else {
            self.members.iter().filter(|m| self.default_members.contains(&m.name)).collect()
        };
        if chosen.is_empty() {
            return Err(Error::NothingSelected);
        }
        Ok(chosen)
    }
}

fn load_manifest(path: &Path) -> Result<Manifest, Error> {
    let text = crate::fs::read_to_string(path)?;
    Ok(Manifest::parse(path.to_owned(), text)?)
}

fn find_manifest(cwd: &Path) -> Result<PathBuf, Error> {
    cwd.ancestors()
        .map(|dir| dir.join("Cargo.toml"))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| Error::ManifestNotFound { dir: cwd.to_owned() })
}

/// Returns cargo's error without its own `error: ` prefix, so it reads as our cause.
fn cargo_error_text(stderr: &str) -> String {
    // rustup prints its own backtrace under `RUST_BACKTRACE`: the user needs the message only.
    let text = stderr.split("\nStack backtrace:").next().unwrap_or(stderr).trim();
    text.strip_prefix("error: ").unwrap_or(text).to_owned()
}

/// Returns the member whose manifest is `invoked`. Paths are compared lexically; symlinks are
/// resolved only when that finds nothing and `invoked` goes through one, so the common case (a
/// virtual root, which is no member) costs no syscall per member.
fn current_member(members: &[Member], invoked: &Path) -> Option<String> {
    let wanted = crate::fs::normalize(invoked);
    let found = members.iter().find(|m| crate::fs::normalize(&m.manifest_path) == wanted).or_else(|| {
        let invoked = crate::fs::canonical(invoked);
        if invoked == wanted {
            return None;
        }
        members.iter().find(|m| crate::fs::canonical(&m.manifest_path) == invoked)
    });
    found.map(|m| m.name.clone())
}

/// Returns the tag format of releases: `tag-format` when set, else the mode's default
/// (`v{version}` unified, `{crate}-v{version}` independent).
fn tag_format(config: &Config, mode: VersioningMode) -> &str {
    match (&config.tag_format, mode) {
        (Some(format), _) => format,
        (None, VersioningMode::Unified) => "v{version}",
        (None, VersioningMode::Independent) => "{crate}-v{version}",
    }
}

impl Workspace {
    /// Returns the tag format of the first unit's new tags (the shared version's, when there is
    /// one), for display; each unit has its own (see [`Unit::formats`]).
    pub fn tag_format(&self) -> &str {
        self.units.first().map_or_else(|| tag_format(&self.config, self.mode), |u| u.format().as_str())
    }
}
