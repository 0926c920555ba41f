//! `bump`: which versions move, which requirements must follow, and the file edits that do it.
//!
//! Reads only. Every problem is collected before refusing, so one run (or one `--dry-run`)
//! shows all of them.

use crate::error::Help;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use semver::Version;

use crate::plan::{Plan, Step};
use crate::version::{self, TargetVersion};
use crate::workspace::manifest::{self, Edit, Manifest, PackageVersion};
use crate::workspace::{self, Member, Selection, Workspace, lockfile};

/// What the user asked `bump` to do, in domain terms.
#[derive(Debug, Clone)]
pub struct BumpOptions {
    pub target: TargetVersion,
    /// Per-crate targets, with why (`bump auto`); a crate listed here ignores `target`.
    pub per_crate: BTreeMap<String, (TargetVersion, String)>,
    pub selection: Selection,
    /// Rewrite every requirement on a bumped crate, not only those the new version breaks.
    pub upgrade_dependents: bool,
    /// Edit manifests that have uncommitted changes.
    pub allow_dirty: bool,
}

impl BumpOptions {
    /// Returns the target of `member`.
    fn target_for(&self, member: &Member) -> &TargetVersion {
        self.per_crate.get(&member.name).map_or(&self.target, |(target, _)| target)
    }
}

/// Why a crate's version is in the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The crate was selected and the target applied to it.
    Requested(TargetVersion),
    /// Not selected, but it inherits `[workspace.package] version`, which a selected crate moves.
    SharesWorkspaceVersion { with: String },
    /// Already at the requested version: nothing to do.
    AlreadyAt,
    /// Selected by `bump auto`, at the level its commits call for.
    FromCommits(String),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Requested(TargetVersion::Exact(_)) => f.write_str("requested version"),
            Self::Requested(TargetVersion::Level(level)) => write!(f, "{level} bump"),
            Self::SharesWorkspaceVersion { with } => {
                write!(f, "shares the workspace version with `{with}`")
            }
            Self::AlreadyAt => f.write_str("already at that version"),
            Self::FromCommits(why) => f.write_str(why),
        }
    }
}

/// One crate's version change (`new == old` when `reason` is `AlreadyAt`).
#[derive(Debug, Clone)]
pub struct VersionChange {
    pub name: String,
    pub old: Version,
    pub new: Version,
    pub reason: Reason,
}

/// One requirement rewritten because its crate moved.
#[derive(Debug, Clone)]
pub struct RequirementChange {
    /// The manifest holding the requirement, relative to the workspace root.
    pub manifest: PathBuf,
    pub line: usize,
    pub table: String,
    pub dependency: String,
    pub old: String,
    pub new: String,
}

/// Everything `bump` would do.
#[derive(Debug)]
pub struct BumpPlan {
    pub versions: Vec<VersionChange>,
    pub requirements: Vec<RequirementChange>,
    pub plan: Plan,
}

/// One reason the bump cannot go ahead.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("cannot bump `{name}`: {source}")]
    Version { name: String, source: version::Error },
    #[error("`{name}` has no `version` in `{}`", path.display())]
    MissingVersion { name: String, path: PathBuf },
    #[error("`{name}` inherits `[workspace.package] version`, which is bumped for `{with}`, so it cannot be excluded")]
    ExcludedInherits { name: String, with: String },
    #[error("the requirement on `{dependency}` in `{}` (line {line}): {source}", path.display())]
    Requirement { dependency: String, path: PathBuf, line: usize, source: version::Error },
    #[error("uncommitted changes in {}", crate::git::file_list(files))]
    Dirty { files: Vec<String> },
    #[error("`{name}` has no `version` and is not published, so cargo-patch does not version it")]
    NotVersioned { name: String },
    #[error("cannot tell whether the files to write have uncommitted changes: {0}")]
    DirtyCheck(crate::git::Error),
}

impl crate::ops::Problem for Problem {
    fn help(&self) -> String {
        match self {
            Self::Version { source, .. } => source.help(),
            Self::MissingVersion { path, .. } => {
                format!("add `version = \"0.1.0\"` under `[package]` in `{}`", path.display())
            }
            Self::ExcludedInherits { name, .. } => format!(
                "give `{name}` its own `version` in its manifest, or exclude every crate that inherits the workspace version"
            ),
            Self::Requirement { source, .. } => source.help(),
            Self::Dirty { .. } => "commit or stash them first, or pass `--allow-dirty`".into(),
            Self::NotVersioned { name } => {
                format!("add `version = \"0.1.0\"` under `[package]` of `{name}` to version it")
            }
            Self::DirtyCheck(source) => format!("{}, or pass `--allow-dirty` to skip the check", source.help()),
        }
    }
}

/// The bump was refused; nothing was changed.
pub type Refused = crate::ops::Refused<Problem>;

/// Returns the plan for `options`, or every reason it cannot be done.
pub fn plan(ws: &Workspace, options: &BumpOptions) -> anyhow::Result<BumpPlan> {
    let mut selected = ws.select(&options.selection)?;
    // Members without a version that are never published (`examples/*`, `xtask`) are not ours:
    // skipped when the whole workspace is meant, an error when named.
    if let Some(member) = selected.iter().find(|m| !m.is_versioned() && options.selection.packages.contains(&m.name)) {
        return Err(Refused { problems: vec![Problem::NotVersioned { name: member.name.clone() }] }.into());
    }
    selected.retain(|m| m.is_versioned());
    if selected.is_empty() {
        return Err(workspace::Error::NothingSelected.into());
    }
    let mut planner = Planner::new(ws);
    // STEP 1: the shared workspace version moves when any selected crate inherits it.
    if let Some(first) = selected.iter().find(|m| m.inherits_version) {
        planner.bump_workspace_version(options.target_for(first), &selected, first, &options.selection.exclude)?;
    }
    // STEP 2: crates with their own version.
    for member in selected.iter().filter(|m| !m.inherits_version) {
        planner.bump_own_version(options.target_for(member), member)?;
    }
    // STEP 3: requirements the new versions break (or all, with `--upgrade-dependents`).
    planner.follow_requirements(options.upgrade_dependents)?;
    // STEP 4: Cargo.lock.
    planner.update_lockfile()?;
    let PlannerOutput { mut versions, requirements, plan, mut problems } = planner.finish()?;
    for change in &mut versions {
        if let (Reason::Requested(_), Some((_, why))) = (&change.reason, options.per_crate.get(&change.name)) {
            change.reason = Reason::FromCommits(why.clone());
        }
    }
    // STEP 5: never mix our edits into the user's uncommitted ones.
    if !options.allow_dirty && !plan.is_empty() {
        let paths: Vec<PathBuf> = plan.steps.iter().map(|Step::WriteFile { path, .. }| path.clone()).collect();
        let uncommitted = crate::git::uncommitted_files(&ws.root, &paths)
            .map_err(|source| Refused { problems: vec![Problem::DirtyCheck(source)] })?;
        if let Some(files) = uncommitted.filter(|f| !f.is_empty()) {
            problems.push(Problem::Dirty { files });
        }
    }
    if !problems.is_empty() {
        return Err(Refused { problems }.into());
    }
    Ok(BumpPlan { versions, requirements, plan })
}

/// Returns the plan for `options` (which names its crates in `per_crate`), with every released
/// crate whose requirement on a bumped crate must be rewritten bumped too, as a patch: a
/// manifest that changes after its version was tagged must not go out under that version.
pub fn plan_following_dependents(ws: &Workspace, options: &BumpOptions) -> anyhow::Result<BumpPlan> {
    let mut options = options.clone();
    loop {
        let plan = plan(ws, &options)?;
        let behind = dependents_left_behind(ws, &plan);
        if behind.is_empty() {
            return Ok(plan);
        }
        for (name, why) in behind {
            options.per_crate.insert(name.clone(), (TargetVersion::Level(version::BumpLevel::Patch), why));
            options.selection.packages.push(name);
        }
    }
}

/// Returns the released crates whose manifests `plan` rewrites (directly, or through a
/// `[workspace.dependencies]` entry they inherit) but whose versions it leaves, with why.
fn dependents_left_behind(ws: &Workspace, plan: &BumpPlan) -> Vec<(String, String)> {
    let moved = |name: &str| plan.versions.iter().any(|v| v.name == name && v.new != v.old);
    let root_manifest = relative(&ws.root_manifest_path, &ws.root);
    let mut out: Vec<(String, String)> = Vec::new();
    for change in &plan.requirements {
        let inherits = |m: &&Member| {
            let entries = ws.manifest_of(m).dependencies().unwrap_or_default();
            entries.iter().any(|e| e.inherited && e.package == change.dependency)
        };
        let owners = ws.members.iter().filter(|m| {
            m.manifest_path == ws.root.join(&change.manifest)
                || change.manifest == root_manifest && change.table == "workspace.dependencies" && inherits(m)
        });
        for member in owners {
            if !member.release
                || !member.is_versioned()
                || moved(&member.name)
                || out.iter().any(|(n, _)| n == &member.name)
            {
                continue;
            }
            let why = format!("patch: its requirement on `{}` moves to \"{}\"", change.dependency, change.new);
            out.push((member.name.clone(), why));
        }
    }
    out
}

/// What `bump auto` found: each crate's level, and the bump (`None`: nothing to bump).
pub struct AutoPlan {
    pub levels: Vec<crate::ops::unreleased::CrateLevel>,
    pub bump: Option<BumpPlan>,
}

/// Returns the bump `auto` calls for: each selected crate that is released (not `release =
/// false`) at the level of its commits since its last release, and its dependents after it.
pub fn plan_auto(ws: &Workspace, options: &BumpOptions) -> anyhow::Result<AutoPlan> {
    let selected: Vec<&Member> = ws.select(&options.selection)?.into_iter().filter(|m| m.is_versioned()).collect();
    let named = |m: &&Member| options.selection.packages.contains(&m.name);
    let released: Vec<&Member> = selected.into_iter().filter(|m| m.release || named(m)).collect();
    let repo = crate::git::history::Repository::discover(&ws.root)?;
    let tags = crate::ops::unreleased::visible_tags(ws, &repo, repo.head()?.commit())?;
    let levels = crate::ops::unreleased::levels(ws, &repo, &tags, &released)?;
    let per_crate: BTreeMap<String, (TargetVersion, String)> =
        levels.iter().filter_map(|l| Some((l.name.clone(), (l.target()?, l.explanation())))).collect();
    if per_crate.is_empty() {
        return Ok(AutoPlan { levels, bump: None });
    }
    let options = BumpOptions {
        selection: Selection { packages: per_crate.keys().cloned().collect(), ..Default::default() },
        per_crate,
        ..options.clone()
    };
    Ok(AutoPlan { bump: Some(plan_following_dependents(ws, &options)?), levels })
}

/// The planner's results once every step ran.
struct PlannerOutput {
    versions: Vec<VersionChange>,
    requirements: Vec<RequirementChange>,
    plan: Plan,
    problems: Vec<Problem>,
}

struct Planner<'a> {
    ws: &'a Workspace,
    versions: Vec<VersionChange>,
    requirements: Vec<RequirementChange>,
    edits: BTreeMap<PathBuf, Vec<Edit>>,
    problems: Vec<Problem>,
    lock: Option<Manifest>,
}

impl<'a> Planner<'a> {
    fn new(ws: &'a Workspace) -> Self {
        Self {
            ws,
            versions: Vec::new(),
            requirements: Vec::new(),
            edits: BTreeMap::new(),
            problems: Vec::new(),
            lock: None,
        }
    }

    fn bump_workspace_version(
        &mut self,
        target: &TargetVersion,
        selected: &[&Member],
        first: &Member,
        excluded: &[String],
    ) -> Result<(), manifest::Error> {
        let root = self.ws.root_manifest();
        let Some(literal) = root.workspace_version()? else {
            // Cargo refuses `version.workspace = true` without it, so metadata would have failed.
            self.problems
                .push(Problem::MissingVersion { name: "workspace.package".into(), path: root.path().to_owned() });
            return Ok(());
        };
        for name in excluded {
            if self.ws.member(name).is_some_and(|m| m.inherits_version) {
                self.problems.push(Problem::ExcludedInherits { name: name.clone(), with: first.name.clone() });
            }
        }
        let inheriting = self.ws.members.iter().filter(|m| m.inherits_version);
        let new = match target.apply(&first.version) {
            Ok(new) => new,
            Err(source) => {
                self.problems.push(Problem::Version { name: first.name.clone(), source });
                return Ok(());
            }
        };
        if let Some(new) = &new {
            self.edit(root, root.replace_string(&literal, &new.to_string()));
        }
        for member in inheriting {
            let reason = match &new {
                None => Reason::AlreadyAt,
                Some(_) if selected.iter().any(|s| s.name == member.name) => Reason::Requested(target.clone()),
                Some(_) => Reason::SharesWorkspaceVersion { with: first.name.clone() },
            };
            self.record(member, new.clone(), reason);
        }
        Ok(())
    }

    fn bump_own_version(&mut self, target: &TargetVersion, member: &Member) -> Result<(), manifest::Error> {
        let manifest = self.ws.manifest_of(member);
        let literal = match manifest.package_version()? {
            Some(PackageVersion::Own(literal)) => literal,
            _ => {
                self.problems
                    .push(Problem::MissingVersion { name: member.name.clone(), path: member.manifest_path.clone() });
                return Ok(());
            }
        };
        match target.apply(&member.version) {
            Ok(new) => {
                if let Some(new) = &new {
                    self.edit(manifest, manifest.replace_string(&literal, &new.to_string()));
                }
                let reason = if new.is_some() { Reason::Requested(target.clone()) } else { Reason::AlreadyAt };
                self.record(member, new, reason);
            }
            Err(source) => self.problems.push(Problem::Version { name: member.name.clone(), source }),
        }
        Ok(())
    }

    fn record(&mut self, member: &Member, new: Option<Version>, reason: Reason) {
        self.versions.push(VersionChange {
            name: member.name.clone(),
            old: member.version.clone(),
            new: new.unwrap_or_else(|| member.version.clone()),
            reason,
        });
    }

    fn edit(&mut self, manifest: &Manifest, edit: Edit) {
        self.edits.entry(manifest.path().to_owned()).or_default().push(edit);
    }

    /// Returns the moved crates: name -> (old, new, directory).
    fn moved(&self) -> BTreeMap<String, (Version, Version, PathBuf)> {
        self.versions
            .iter()
            .filter(|c| c.reason != Reason::AlreadyAt)
            .filter_map(|c| {
                let dir = self.ws.member(&c.name)?.dir.clone();
                Some((c.name.clone(), (c.old.clone(), c.new.clone(), dir)))
            })
            .collect()
    }

    fn follow_requirements(&mut self, upgrade_all: bool) -> Result<(), manifest::Error> {
        let moved = self.moved();
        if moved.is_empty() {
            return Ok(());
        }
        for manifest in self.ws.manifests() {
            let base = manifest.path().parent().unwrap_or(Path::new(""));
            // `[patch.*]` entries pointing at a member are requirements on it too: cargo refuses a
            // patch whose `version` no longer matches the crate it points at.
            for entry in manifest.dependencies()?.into_iter().chain(manifest.patches()?) {
                let (Some((_, new, dir)), Some(path), Some(literal)) =
                    (moved.get(&entry.package), &entry.path, &entry.version)
                else {
                    continue;
                };
                // Only a path dependency on the member itself; a same-named registry crate is not ours.
                if !crate::fs::same_file(&base.join(path), dir) {
                    continue;
                }
                let line = manifest.line_of(literal.span.start);
                match version::updated_requirement(&literal.value, new, upgrade_all) {
                    Ok(None) => {}
                    Ok(Some(text)) => {
                        self.requirements.push(RequirementChange {
                            manifest: relative(manifest.path(), &self.ws.root),
                            line,
                            table: entry.table.clone(),
                            dependency: entry.package.clone(),
                            old: literal.value.clone(),
                            new: text.clone(),
                        });
                        self.edit(manifest, manifest.replace_string(literal, &text));
                    }
                    Err(source) => self.problems.push(Problem::Requirement {
                        dependency: entry.package.clone(),
                        path: manifest.path().to_owned(),
                        line,
                        source,
                    }),
                }
            }
            self.follow_replacements(manifest, &moved);
        }
        Ok(())
    }

    /// Rewrites the version of each `[replace]` spec that names a moved member's old version
    /// and points at that member, so the replacement keeps applying.
    fn follow_replacements(&mut self, manifest: &Manifest, moved: &BTreeMap<String, (Version, Version, PathBuf)>) {
        let base = manifest.path().parent().unwrap_or(Path::new(""));
        for replacement in manifest.replacements() {
            let (Some((old, new, dir)), Some(path)) = (moved.get(&replacement.package), &replacement.path) else {
                continue;
            };
            if replacement.version.value != old.to_string() || !crate::fs::same_file(&base.join(path), dir) {
                continue;
            }
            self.requirements.push(RequirementChange {
                manifest: relative(manifest.path(), &self.ws.root),
                line: manifest.line_of(replacement.version.span.start),
                table: "replace".into(),
                dependency: replacement.package.clone(),
                old: replacement.version.value.clone(),
                new: new.to_string(),
            });
            self.edit(manifest, Edit { span: replacement.version.span.clone(), text: new.to_string() });
        }
    }

    /// Returns each member whose version moves, with its old and new version.
    fn moved_versions(&self) -> BTreeMap<String, (Version, Version)> {
        self.moved().into_iter().map(|(name, (old, new, _))| (name, (old, new))).collect()
    }

    fn update_lockfile(&mut self) -> Result<(), workspace::Error> {
        let path = self.ws.root.join("Cargo.lock");
        if !path.is_file() {
            return Ok(());
        }
        let moved = self.moved_versions();
        if moved.is_empty() {
            return Ok(());
        }
        let lock = Manifest::parse(path.clone(), crate::fs::read_to_string(&path)?)?;
        let edits = lockfile::version_edits(&lock, &moved)?;
        if !edits.is_empty() {
            self.edits.insert(path, edits);
            self.lock = Some(lock);
        }
        Ok(())
    }

    /// Returns the results, with one `WriteFile` per changed file: manifests by path, then the lock.
    fn finish(mut self) -> anyhow::Result<PlannerOutput> {
        let mut steps = Vec::new();
        let lock_path = self.lock.as_ref().map(|l| l.path().to_owned());
        for (path, edits) in std::mem::take(&mut self.edits) {
            let source = if Some(&path) == lock_path.as_ref() {
                self.lock.as_ref()
            } else {
                self.ws.manifests().find(|m| m.path() == path)
            };
            let source = source.ok_or_else(|| anyhow::anyhow!("internal error: no text for `{}`", path.display()))?;
            let mut after = manifest::apply_edits(source.text(), edits);
            if Some(&path) == lock_path.as_ref() {
                after = lockfile::as_cargo_writes(&after, &self.moved_versions());
            }
            // A splice of a valid literal cannot break the file; prove it before writing anything.
            Manifest::parse(path.clone(), after.clone()).map_err(|err| {
                anyhow::anyhow!("internal error: the edited `{}` does not parse: {err}", path.display())
            })?;
            steps.push(Step::WriteFile { path, before: source.text().to_owned(), after });
        }
        // Cargo.lock last: it records the manifests' versions.
        steps.sort_by_key(|Step::WriteFile { path, .. }| Some(path) == lock_path.as_ref());
        self.versions.sort_by(|a, b| a.name.cmp(&b.name));
        self.requirements.sort_by(|a, b| (&a.manifest, a.line).cmp(&(&b.manifest, b.line)));
        Ok(PlannerOutput {
            versions: self.versions,
            requirements: self.requirements,
            plan: Plan { steps },
            problems: self.problems,
        })
    }
}

fn relative(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_owned()
}
