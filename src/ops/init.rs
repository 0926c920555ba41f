//! `init`: the documented default configuration appended to the root manifest, CHANGELOG.md from
//! history when missing, the hooks, and (`--ci github`) a workflow. Each part is skipped when it
//! is already there, so running `init` twice changes nothing.

use std::path::{Path, PathBuf};

use crate::changelog::{self, ConfigSource, Request};
use crate::git::history::Repository;
use crate::plan::{Plan, Step};
use crate::workspace::config::documented_toml;
use crate::workspace::layout::Layout;

/// The workflow `--ci github` writes.
pub const GITHUB_WORKFLOW: &str = include_str!("../../templates/github-workflow.yml");

/// Where `--ci github` writes it, relative to the workspace root.
pub const GITHUB_WORKFLOW_PATH: &str = ".github/workflows/cargo-patch.yml";

/// What `init` sets up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InitParts {
    pub config: bool,
    pub changelog: bool,
    pub hooks: bool,
    pub github_workflow: bool,
}

/// The files `init` would write, and whether the hooks still need installing.
pub struct InitPlan {
    pub plan: Plan,
    pub root: PathBuf,
    /// Parts already in place (reported, not redone).
    pub already: Vec<String>,
    pub install_hooks: bool,
}

/// Plans `init` for the workspace at `cwd`.
pub fn plan(manifest_path: Option<&Path>, cwd: &Path, parts: InitParts) -> anyhow::Result<InitPlan> {
    let layout = Layout::read(manifest_path, cwd)?;
    let mut plan = Plan::default();
    let mut already = Vec::new();
    let manifest_text = crate::fs::read_to_string(&layout.root_manifest_path)?;
    if parts.config {
        let doc: toml_edit::DocumentMut = manifest_text.parse()?;
        let table = if doc.get("workspace").is_some() { "workspace" } else { "package" };
        if let Some(found) = crate::workspace::config::find_table(doc.as_table(), table, &[]) {
            already.push(format!("`[{}]` in Cargo.toml", found.name));
        } else {
            let mut after = manifest_text.clone();
            if !after.is_empty() && !after.ends_with('\n') {
                after.push('\n');
            }
            after.push('\n');
            after.push_str(&documented_toml(table));
            plan.steps.push(Step::WriteFile { path: layout.root_manifest_path.clone(), before: manifest_text, after });
        }
    }
    if parts.changelog {
        let path = layout.root.join(&layout.config.changelog);
        if path.exists() {
            already.push(format!("`{}`", layout.config.changelog));
        } else {
            plan.steps.push(Step::WriteFile { path, before: String::new(), after: changelog_text(&layout.root)? });
        }
    }
    if parts.github_workflow {
        let path = layout.root.join(GITHUB_WORKFLOW_PATH);
        let current = crate::fs::read_or_empty(&path)?;
        if current.is_empty() {
            plan.steps.push(Step::WriteFile { path, before: String::new(), after: GITHUB_WORKFLOW.to_owned() });
        } else {
            already.push(format!("`{GITHUB_WORKFLOW_PATH}`"));
        }
    }
    Ok(InitPlan { plan, root: layout.root, already, install_hooks: parts.hooks })
}

/// The changelog of the history so far, with the default template (or the workspace's
/// cliff.toml); just the header when there is no history yet.
fn changelog_text(root: &Path) -> anyhow::Result<String> {
    let source = changelog::find_config(None, root, root);
    let repo = Repository::discover(root).ok().filter(|repo| repo.head().is_ok());
    let Some(repo) = repo else {
        // No history yet: the header, and the sections come with the first release.
        let config = changelog::load_config(&source)?;
        return Ok(config.changelog.header.unwrap_or_default());
    };
    let rendered = changelog::render(&repo, &source, &Request::default())?;
    if source == ConfigSource::Default { Ok(rendered.text.trim_end().to_owned() + "\n") } else { Ok(rendered.text) }
}
