//! The dry-run view of a plan: a unified diff per file, paths relative to the workspace root.

use std::path::Path;

use super::{Plan, Step};

/// Returns the unified diff of every file the plan writes, like `git diff` would show it.
pub fn unified_diff(plan: &Plan, root: &Path) -> String {
    let mut out = String::new();
    for step in &plan.steps {
        let Step::WriteFile { path, before, after } = step;
        let shown = path.strip_prefix(root).unwrap_or(path).display().to_string();
        let diff = similar::TextDiff::from_lines(before.as_str(), after.as_str());
        let text =
            diff.unified_diff().context_radius(3).header(&format!("a/{shown}"), &format!("b/{shown}")).to_string();
        out.push_str(&text);
    }
    out
}
