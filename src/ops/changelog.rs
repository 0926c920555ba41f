//! `changelog`: pick the configuration, the tags and paths of the request, render, and plan the
//! write for `-o` and `--prepend`.

use std::path::{Path, PathBuf};

use glob::Pattern;
use semver::Version;

use crate::changelog::{self, ConfigSource, Request, Selection};
use crate::git::history::Repository;
use crate::plan::{Plan, Step};
use crate::release_tag::TagFormat;
use crate::workspace::layout::Layout;
use crate::workspace::{self, Member, Unit, Workspace};

/// What the user asked `changelog` to do, in domain terms.
#[derive(Debug, Clone, Default)]
pub struct ChangelogOptions {
    pub selection: Selection,
    /// Only the commits that touch these crates (their releases keep their boundaries); the
    /// crates of one release unit.
    pub packages: Vec<String>,
    /// A git-cliff configuration file to use instead of the workspace's.
    pub config: Option<PathBuf>,
    /// Write here instead of printing (`-` prints).
    pub output: Option<PathBuf>,
    /// Insert the new section into this file under its header.
    pub prepend: Option<PathBuf>,
    /// Run below the repository root with a git-cliff configuration that names no paths (and no
    /// `-p`), describe only the commits under the current directory, as git-cliff does.
    pub current_dir_only: bool,
}

/// The changelog, and the file writes it asks for.
pub struct ChangelogOutcome {
    /// What to print (empty when everything goes to files).
    pub stdout: String,
    pub plan: Plan,
    /// Where paths in the plan are shown from.
    pub root: PathBuf,
    pub unmatched_tags: Vec<String>,
    pub config: ConfigSource,
    /// Why `cargo metadata` failed, when the workspace was read from its manifests instead.
    pub cargo_failed: Option<String>,
}

/// A request that cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("`--tag {0}` is a bare version, but the tag format `{{crate}}-v{{version}}` needs a crate")]
    TagNeedsCrate(String),
    #[error("`-o` and `--prepend` name the same file `{}`", .0.display())]
    SameFile(PathBuf),
    #[error("`{flag}` refuses to replace `{}`: it is {kind}, not a regular file", path.display())]
    NotAFile { flag: &'static str, path: PathBuf, kind: &'static str },
}

impl crate::error::Help for Refused {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        match self {
            Self::TagNeedsCrate(_) => "pass `-p CRATE`, or the whole tag name (e.g. `--tag my-crate-v1.2.3`)".into(),
            Self::SameFile(_) => "`--prepend` already writes the file; drop `-o`".into(),
            Self::NotAFile { flag: "-o", .. } => {
                "name a regular file, or pass `-o -` to write to standard output".into()
            }
            Self::NotAFile { .. } => "name a regular file (or a symbolic link to one)".into(),
        }
    }
}

/// Renders the changelog `options` ask for and plans its writes.
pub fn run(manifest_path: Option<&Path>, cwd: &Path, options: &ChangelogOptions) -> anyhow::Result<ChangelogOutcome> {
    if let (Some(output), Some(prepend)) = (&options.output, &options.prepend)
        && crate::fs::same_file(&cwd.join(output), &cwd.join(prepend))
    {
        return Err(Refused::SameFile(prepend.clone()).into());
    }
    let loaded = load_workspace(manifest_path, cwd, !options.packages.is_empty())?;
    let root = match &loaded {
        Loaded::Workspace(ws) => Some(ws.root.as_path()),
        Loaded::Manifests(layout, _) => Some(layout.root.as_path()),
        Loaded::Nothing => None,
    };
    let repo = Repository::discover(root.unwrap_or(cwd))?;
    let (scope, cargo_failed) = match &loaded {
        Loaded::Workspace(ws) => (Scope::of(ws, &options.packages)?, None),
        Loaded::Manifests(layout, why) => {
            (Scope { root: layout.root.clone(), units: &layout.units, members: Vec::new() }, Some(why.clone()))
        }
        Loaded::Nothing => (Scope { root: repo.workdir().to_owned(), units: &[], members: Vec::new() }, None),
    };
    let mut outcome = render_in(&scope, &repo, cwd, options)?;
    outcome.cargo_failed = cargo_failed;
    Ok(outcome)
}

/// What a changelog reads of the workspace: its root, its release units (their tags mark the
/// releases) and the members `-p` names.
struct Scope<'w> {
    root: PathBuf,
    units: &'w [Unit],
    members: Vec<&'w Member>,
}

impl<'w> Scope<'w> {
    /// Returns the scope of `ws` with the members `packages` names.
    fn of(ws: &'w Workspace, packages: &[String]) -> anyhow::Result<Self> {
        let members = match packages {
            [] => Vec::new(),
            _ => ws.select(&workspace::Selection { packages: packages.to_vec(), ..Default::default() })?,
        };
        Ok(Self { root: ws.root.clone(), units: ws.units(), members })
    }
}

/// Renders the changelog `options` ask for in `scope` and `repo`, and plans its writes.
fn render_in(
    scope: &Scope<'_>,
    repo: &Repository,
    cwd: &Path,
    options: &ChangelogOptions,
) -> anyhow::Result<ChangelogOutcome> {
    let root = scope.root.clone();
    let source = changelog::find_config(options.config.as_deref().map(|c| cwd.join(c)).as_deref(), &root, cwd);

    let rendered = render_scoped(scope, repo, cwd, options, options.prepend.is_some())?;
    let mut plan = Plan::default();
    if let Some(path) = &options.prepend {
        let path = cwd.join(path);
        let before = read_target("--prepend", &path)?;
        if let Some(after) = insert_section(&before, &rendered) {
            plan.steps.push(Step::WriteFile { path, before, after });
        }
    }
    let to_stdout = match &options.output {
        Some(path) if is_stdout(path) => true,
        Some(path) => {
            let path = cwd.join(path);
            let before = read_target("-o", &path)?;
            if before != rendered.text {
                plan.steps.push(Step::WriteFile { path, before, after: rendered.text.clone() });
            }
            false
        }
        None => options.prepend.is_none(),
    };
    let stdout = if to_stdout { rendered.text } else { String::new() };
    Ok(ChangelogOutcome {
        stdout,
        plan,
        root,
        unmatched_tags: rendered.unmatched_tags,
        config: source,
        cargo_failed: None,
    })
}

/// Returns `existing` (a changelog's text; empty when the file is new, which then starts with the
/// configured header) with the `rendered` section in place of its Unreleased one, or above the
/// newest release; `None` when the section is there already.
pub fn insert_section(existing: &str, rendered: &changelog::Rendered) -> Option<String> {
    let header = rendered.header.as_deref();
    let base = if existing.is_empty() {
        header.map(|h| format!("{}\n", h.trim_end())).unwrap_or_default()
    } else {
        existing.to_owned()
    };
    changelog::prepend_replacing_unreleased(&base, &rendered.text, header, rendered.footer.as_deref())
}

/// Returns whether `-o PATH` means standard output.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Returns what the file `flag` names holds now (empty when it does not exist yet), refusing a
/// special file: the new text replaces it by a rename, which would turn a FIFO, a device or
/// `/dev/stdout` into a regular file (and reading a FIFO never ends).
fn read_target(flag: &'static str, path: &Path) -> anyhow::Result<String> {
    match crate::fs::read_or_empty(path) {
        Err(crate::fs::Error::NotRegular { path, kind }) => Err(Refused::NotAFile { flag, path, kind }.into()),
        other => Ok(other?),
    }
}

/// Returns the changelog `options.selection` asks for, rendered (without header and footer when
/// `section_only`: the part a prepend inserts).
pub fn render_section(
    ws: &Workspace,
    repo: &Repository,
    cwd: &Path,
    options: &ChangelogOptions,
    section_only: bool,
) -> anyhow::Result<changelog::Rendered> {
    render_scoped(&Scope::of(ws, &options.packages)?, repo, cwd, options, section_only)
}

/// Returns [`render_section`] in `scope`.
fn render_scoped(
    scope: &Scope<'_>,
    repo: &Repository,
    cwd: &Path,
    options: &ChangelogOptions,
    section_only: bool,
) -> anyhow::Result<changelog::Rendered> {
    let source = changelog::find_config(options.config.as_deref().map(|c| cwd.join(c)).as_deref(), &scope.root, cwd);
    let members = &scope.members;
    // The tags of the crates' unit mark the releases; without crates, the first unit's (the
    // shared version's, when there is one).
    let unit = match members.first() {
        Some(member) => scope.units.iter().find(|u| u.has(&member.name)),
        None => scope.units.first(),
    };
    let format = TagFormat::new(unit.map_or("v{version}", |u| u.format().as_str()));
    let mut selection = options.selection.clone();
    if section_only && !selection.unreleased && !selection.latest && selection.range.is_none() {
        selection.unreleased = true;
    }
    if let Some(tag) = &selection.tag
        && let Ok(version) = Version::parse(tag)
    {
        let crate_name = members.first().map(|m| m.name.as_str());
        if format.names_crate() && crate_name.is_none() {
            return Err(Refused::TagNeedsCrate(tag.clone()).into());
        }
        selection.tag = Some(format.format(crate_name.unwrap_or_default(), &version));
    }
    let include_paths = members.iter().map(|m| crate_dir_pattern(repo.workdir(), &m.dir)).collect::<Result<_, _>>()?;
    let tag_pattern = (source == ConfigSource::Default).then(|| match unit {
        Some(unit) => unit.tag_pattern(),
        None => format.pattern(None),
    });
    let current_dir = match &source {
        ConfigSource::Cliff(_) if options.current_dir_only && members.is_empty() => current_dir_pattern(repo, cwd)?,
        _ => None,
    };
    let request =
        Request { selection, include_paths, current_dir, tag_pattern, without_header_and_footer: section_only };
    changelog::render(repo, &source, &request)
}

/// The workspace a changelog describes, as far as it could be loaded.
enum Loaded {
    Workspace(Workspace),
    /// `cargo metadata` failed (the message says why): the manifests alone give the tag formats.
    Manifests(Layout, String),
    /// A plain git repository.
    Nothing,
}

/// Loads the workspace when there is one; a plain git repository is fine, and so is a workspace
/// `cargo metadata` fails on (a pinned toolchain that is not installed), unless a crate is named.
fn load_workspace(manifest_path: Option<&Path>, cwd: &Path, required: bool) -> anyhow::Result<Loaded> {
    match Workspace::load(manifest_path, cwd) {
        Ok(ws) => Ok(Loaded::Workspace(ws)),
        Err(workspace::Error::ManifestNotFound { .. }) if manifest_path.is_none() && !required => Ok(Loaded::Nothing),
        Err(err @ (workspace::Error::Metadata { .. } | workspace::Error::CargoNotRun(_))) if !required => {
            match Layout::read(manifest_path, cwd) {
                Ok(layout) => {
                    // cargo's own first line says why; the rest is its backtrace and advice.
                    let why = anyhow::Error::from(err).root_cause().to_string();
                    Ok(Loaded::Manifests(layout, why.lines().next().unwrap_or_default().trim().to_owned()))
                }
                Err(_) => Err(err.into()),
            }
        }
        Err(err) => Err(err.into()),
    }
}

/// Returns git-cliff's include path for a run below the repository root: `<dir>/**/*`, `dir`
/// being `cwd` relative to the root; `None` at the root.
fn current_dir_pattern(repo: &Repository, cwd: &Path) -> anyhow::Result<Option<Pattern>> {
    let root = crate::fs::canonical(repo.workdir());
    let here = crate::fs::canonical(cwd);
    match here.strip_prefix(&root) {
        Ok(relative) if !relative.as_os_str().is_empty() => {
            Ok(Some(Pattern::new(&format!("{}/**/*", glob_of(relative)))?))
        }
        _ => Ok(None),
    }
}

/// Returns the glob of every file under `dir`, relative to the repository root.
fn crate_dir_pattern(repo_root: &Path, dir: &Path) -> anyhow::Result<Pattern> {
    let root = crate::fs::canonical(repo_root);
    let dir = crate::fs::canonical(dir);
    let relative = dir.strip_prefix(&root).unwrap_or(&dir);
    let text = if relative.as_os_str().is_empty() { "**".to_owned() } else { format!("{}/**", glob_of(relative)) };
    Ok(Pattern::new(&text)?)
}

/// Returns a relative path as a glob matching exactly it (`/`-separated, metacharacters escaped).
fn glob_of(relative: &Path) -> String {
    Pattern::escape(&relative.to_string_lossy().replace('\\', "/"))
}
