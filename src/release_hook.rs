//! Release hooks: the user's commands a release runs at two points, `pre-release-commit` (after
//! the files are written; what they change joins the release commit) and `post-release` (after
//! the push and the publish), each with the release in its environment.
//!
//! The environment uses cargo-release's names (`NEW_VERSION`, `PREV_VERSION`, `CRATE_NAME`, `TAG`,
//! `DRY_RUN`, `WORKSPACE_ROOT`), so a hook script written for it runs unchanged.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::replace::Values;

/// One hook command, with the environment it runs with (written down at planning, so a resumed
/// release runs it exactly as planned).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct HookRun {
    pub command: String,
    pub env: Vec<(String, String)>,
}

impl HookRun {
    /// Returns the run of `command` for the release `values` describe, in `root`.
    pub fn new(command: &str, values: &Values, root: &Path) -> Self {
        let env = [
            ("NEW_VERSION", values.version.to_string()),
            ("PREV_VERSION", values.prev_version.clone()),
            ("CRATE_NAME", values.crate_name.clone()),
            ("TAG", values.tag.clone()),
            // A dry run lists the hooks but runs none, so a hook that runs is never in one.
            ("DRY_RUN", "false".to_owned()),
            ("WORKSPACE_ROOT", root.display().to_string()),
        ];
        Self { command: command.to_owned(), env: env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect() }
    }

    /// Returns the environment as `KEY=value` words, for the plan.
    pub fn env_line(&self) -> String {
        let shown = ["NEW_VERSION", "PREV_VERSION", "CRATE_NAME", "TAG"];
        let words: Vec<String> =
            self.env.iter().filter(|(k, _)| shown.contains(&k.as_str())).map(|(k, v)| format!("{k}={v}")).collect();
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_carries_cargo_releases_names() {
        let values = Values {
            version: "1.0.1".parse().unwrap(),
            prev_version: "1.0.0".into(),
            crate_name: "a".into(),
            tag: "v1.0.1".into(),
            date: "2026-12-01".into(),
        };
        let run = HookRun::new("./bump-docs.sh", &values, Path::new("/ws"));
        let get = |key: &str| run.env.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        assert_eq!(
            [get("NEW_VERSION"), get("PREV_VERSION"), get("CRATE_NAME"), get("TAG"), get("DRY_RUN")],
            [Some("1.0.1"), Some("1.0.0"), Some("a"), Some("v1.0.1"), Some("false")]
        );
        assert_eq!(get("WORKSPACE_ROOT"), Some("/ws"));
        assert_eq!(run.env_line(), "NEW_VERSION=1.0.1 PREV_VERSION=1.0.0 CRATE_NAME=a TAG=v1.0.1");
    }
}
