//! `[workspace.metadata.patch-release]` (or `[package.metadata.patch-release]` for a lone crate) as
//! a typed `Config` with SPEC's defaults. The table used to be `metadata.patch`, which the
//! unrelated crates.io tool `cargo-patch` also reads: that one is still read, with a deprecation
//! warning, but only when it holds our keys ([`find_table`]).
//!
//! Read from the root manifest's spans rather than from `cargo metadata`'s JSON, so an unknown key
//! or a wrong type is reported with its file and line.

use std::path::PathBuf;

use toml_edit::{Item, TableLike, Value};

use super::manifest::Manifest;
use crate::replace::{Count, Origin, Replacement};

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("unknown key `{key}` in `[{table}]` of `{}` (line {line})", path.display())]
    UnknownKey { path: PathBuf, line: usize, table: String, key: String, known: Vec<&'static str> },
    #[error("`{table}.{key}` in `{}` (line {line}) must be {expected}", path.display())]
    WrongType { path: PathBuf, line: usize, table: String, key: String, expected: &'static str },
    #[error("`{table}.{key}` in `{}` (line {line}): `{glob}` is not a valid glob: {message}", path.display())]
    InvalidGlob { path: PathBuf, line: usize, table: String, key: String, glob: String, message: &'static str },
    #[error("`{table}.search` in `{}` (line {line}) is not a valid regular expression: {message}", path.display())]
    InvalidRegex { path: PathBuf, line: usize, table: String, message: String },
    #[error("`{table}` in `{}` (line {line}) {problem}", path.display())]
    BadReplacement { path: PathBuf, line: usize, table: String, problem: &'static str },
    #[error("`{table}.{key}` in `{}` (line {line}) {problem}", path.display())]
    BadNotify { path: PathBuf, line: usize, table: String, key: String, problem: &'static str, help: &'static str },
}

impl crate::error::Help for Error {
    type Lines = Option<String>;

    fn help(&self) -> Self::Lines {
        match self {
            Self::UnknownKey { known, .. } => Some(format!("known keys: {}", known.join(", "))),
            Self::InvalidGlob { .. } => {
                Some("write globs as `.github/**` or `src/*.rs`; `[`, `]` and `**` must be complete".into())
            }
            Self::InvalidRegex { .. } => Some(
                "write `search` in the `regex` crate's syntax, in a literal string ('...') so backslashes stay as typed"
                    .into(),
            ),
            Self::BadReplacement { .. } => Some(
                "give each replacement `file`, `search` and `replace`, and at most `exactly` or `min`/`max` (min <= max)"
                    .into(),
            ),
            Self::BadNotify { help, .. } => Some((*help).to_owned()),
            Self::WrongType { .. } => {
                Some("see the Configuration section of cargo-patch's README for every key, its type and default".into())
            }
        }
    }
}

/// Hotfix policy, `[workspace.metadata.patch-release.hotfix]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HotfixConfig {
    pub allowed_types: Vec<String>,
    pub max_files: u64,
    pub max_lines: u64,
    pub max_crates: u64,
    pub allow_dependency_changes: bool,
    pub forbid_paths: Vec<String>,
    pub require_test: bool,
    pub semver_checks: bool,
}

impl Default for HotfixConfig {
    fn default() -> Self {
        Self {
            allowed_types: ["fix", "perf", "revert", "test", "docs", "security"].map(String::from).to_vec(),
            max_files: 10,
            max_lines: 200,
            max_crates: 1,
            allow_dependency_changes: false,
            forbid_paths: vec![".github/**".to_owned()],
            require_test: true,
            semver_checks: false,
        }
    }
}

/// The project's cargo-patch configuration; every key optional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `None` means "by versioning mode": `v{version}` or `{crate}-v{version}`.
    pub tag_format: Option<String>,
    /// `None` means "by release": `release/v{major}.{minor}`, or `release/{crate}-v{major}.{minor}`
    /// for a crate tagged on its own (independent crates at the same minor must not share a line).
    pub release_branch: Option<String>,
    pub hotfix_branch: String,
    pub remote: String,
    pub changelog: String,
    pub changelog_per_crate: bool,
    pub release_commit_message: String,
    pub verify: Vec<String>,
    pub release_window: String,
    /// The commit types the commit-msg hook accepts on every branch (lower-case).
    pub allowed_types: Vec<String>,
    /// Versioned crates that are never tagged or published (as `release = false` on the crate).
    pub release_exclude: Vec<String>,
    /// The most tags one push carries (a release of more pushes in batches).
    pub max_tags_per_push: u64,
    /// `[[...patch-release.replace]]`: version strings the release rewrites, once, from the root.
    pub replace: Vec<Replacement>,
    /// Commands run after the release's files are written; their changes join the release commit.
    pub pre_release_commit: Vec<String>,
    /// Commands run after the release is pushed and published.
    pub post_release: Vec<String>,
    /// Whether a release checks that its published crates build for a dependent.
    pub verify_published: bool,
    /// The longest wait for the registry's index to serve a published version (seconds).
    pub verify_published_timeout: u64,
    /// `[...patch-release.notify]`: the webhook and the e-mail announcing a release.
    pub notify: crate::notify::Config,
    pub hotfix: HotfixConfig,
    /// Whether the root manifest holds a configuration table (else all of this is the defaults).
    pub configured: bool,
}

impl Config {
    /// Returns the release branch of `version`'s line (of `crate_name`, when the name has
    /// `{crate}`): the one place `release-branch` is expanded. `own_line`: the crate is released
    /// on its own beside other units, so the default line names it.
    pub fn release_branch_of(&self, version: &semver::Version, crate_name: Option<&str>, own_line: bool) -> String {
        let pattern = match (&self.release_branch, crate_name) {
            (Some(pattern), _) => pattern.as_str(),
            (None, Some(_)) if own_line => DEFAULT_CRATE_RELEASE_BRANCH,
            (None, _) => DEFAULT_RELEASE_BRANCH,
        };
        pattern
            .replace("{major}", &version.major.to_string())
            .replace("{minor}", &version.minor.to_string())
            .replace("{crate}", crate_name.unwrap_or_default())
    }

    /// Returns the hotfix branch of `slug` (for `crate_name`, when the name has `{crate}`).
    pub fn hotfix_branch_of(&self, slug: &str, crate_name: Option<&str>) -> String {
        self.hotfix_branch.replace("{slug}", slug).replace("{crate}", crate_name.unwrap_or_default())
    }

    /// Returns the fixed start of every release branch's name (`release/` for `release/v{major}.{minor}`).
    pub fn release_branch_prefix(&self) -> &str {
        self.release_branch.as_deref().unwrap_or(DEFAULT_RELEASE_BRANCH).split('{').next().unwrap_or_default()
    }

    /// Returns the fixed start of every hotfix branch's name (`hotfix/` for `hotfix/{slug}`).
    pub fn hotfix_branch_prefix(&self) -> &str {
        self.hotfix_branch.split('{').next().unwrap_or_default()
    }
}

/// Returns the configuration table of a root manifest: a workspace's wins, a lone crate keeps its
/// own under `[package]`.
fn patch_table(root: &Manifest) -> Option<FoundTable<'_>> {
    find_table(root.root(), "workspace", TOP_KEYS).or_else(|| find_table(root.root(), "package", TOP_KEYS))
}

/// Returns whether `root` configures cargo-patch at all (else every key is its default).
pub fn is_configured(root: &Manifest) -> bool {
    patch_table(root).is_some()
}

/// Returns whether two texts of a root manifest differ only in their configuration tables.
pub fn only_configuration_differs(before: &str, after: &str) -> bool {
    let without = |text: &str| -> Option<String> {
        let mut doc: toml_edit::DocumentMut = text.parse().ok()?;
        for parent in ["workspace", "package"] {
            if let Some(metadata) =
                doc.get_mut(parent).and_then(|p| p.get_mut("metadata")).and_then(Item::as_table_like_mut)
            {
                metadata.remove(TABLE_KEY);
                metadata.remove(LEGACY_KEY);
            }
        }
        Some(doc.to_string().split_whitespace().collect())
    };
    before != after && without(before).is_some_and(|b| Some(b) == without(after))
}

/// A member's own settings, from its `[package.metadata.patch-release]`: only the keys that are about
/// that one crate. Other keys are left to whatever else reads the table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberConfig {
    pub tag_format: Option<String>,
    /// `release = false`: versioned, never tagged or published.
    pub release: Option<bool>,
    /// `[[package.metadata.patch-release.replace]]`: rewritten when this crate is released, from
    /// its directory.
    pub replace: Vec<Replacement>,
}

impl MemberConfig {
    /// Returns the settings in `manifest`'s `[package.metadata.patch-release]`.
    pub fn from_manifest(manifest: &Manifest) -> Result<Self, Error> {
        let Some(found) = find_table(manifest.root(), "package", MEMBER_KEYS) else { return Ok(Self::default()) };
        found.warn_if_legacy();
        let Some(table) = found.item.as_table_like() else { return Ok(Self::default()) };
        let reader = Reader { manifest };
        let name = found.name.as_str();
        Ok(Self {
            tag_format: reader.string(name, table, "tag-format")?,
            release: reader.bool(name, table, "release")?,
            replace: reader.replacements(name, table)?,
        })
    }
}

/// The types of the Conventional Commits ecosystem (commitlint's config-conventional), plus
/// `security`.
const ALLOWED_TYPES: [&str; 12] =
    ["feat", "fix", "docs", "style", "refactor", "perf", "test", "build", "ci", "chore", "revert", "security"];

impl Default for Config {
    fn default() -> Self {
        Self {
            tag_format: None,
            release_branch: None,
            hotfix_branch: "hotfix/{slug}".into(),
            remote: "origin".into(),
            changelog: "CHANGELOG.md".into(),
            changelog_per_crate: false,
            release_commit_message: "chore(release): {tag}".into(),
            verify: vec!["cargo test --workspace --locked".into()],
            release_window: String::new(),
            allowed_types: ALLOWED_TYPES.map(String::from).to_vec(),
            release_exclude: Vec::new(),
            max_tags_per_push: 3,
            replace: Vec::new(),
            pre_release_commit: Vec::new(),
            post_release: Vec::new(),
            verify_published: true,
            verify_published_timeout: 600,
            notify: crate::notify::Config::default(),
            hotfix: HotfixConfig::default(),
            configured: false,
        }
    }
}

/// The release branch of a release tagged for the workspace (or a lone crate).
const DEFAULT_RELEASE_BRANCH: &str = "release/v{major}.{minor}";
/// The release branch of a crate tagged on its own; it has the same fixed start as the other.
const DEFAULT_CRATE_RELEASE_BRANCH: &str = "release/{crate}-v{major}.{minor}";

/// One documented key: its TOML line as `init` writes it, and what it does. The README's
/// configuration reference is rendered from the same list (a test keeps them equal).
pub struct Documented {
    /// `key = value`, commented out (`# key = ...`) when the default is "detected".
    pub line: &'static str,
    pub doc: &'static str,
}

/// `[workspace.metadata.patch-release]`, as `init` writes it.
pub const DOCUMENTED: &[Documented] = &[
    Documented {
        line: "# tag-format = \"v{version}\"",
        doc: "Release tags; default: \"v{version}\" for one shared version, \"{crate}-v{version}\" for independent versions",
    },
    Documented {
        line: "# release-branch = \"release/v{major}.{minor}\"",
        doc: "The maintenance line each release belongs to; hotfixes start from it; default: \"release/v{major}.{minor}\", \"release/{crate}-v{major}.{minor}\" for a crate tagged on its own",
    },
    Documented {
        line: "hotfix-branch = \"hotfix/{slug}\"",
        doc: "Branches `cargo patch start <slug>` creates; the hooks enforce the hotfix policy on them",
    },
    Documented { line: "remote = \"origin\"", doc: "Where releases are pushed" },
    Documented { line: "changelog = \"CHANGELOG.md\"", doc: "The changelog `cargo patch release` prepends to" },
    Documented { line: "changelog-per-crate = false", doc: "One changelog per crate instead of one for the workspace" },
    Documented {
        line: "release-commit-message = \"chore(release): {tag}\"",
        doc: "The commit that carries a release's version bump",
    },
    Documented {
        line: "verify = [\"cargo test --workspace --locked\"]",
        doc: "Commands that must pass before a release",
    },
    Documented {
        line: "release-window = \"\"",
        doc: "When releases may happen, e.g. \"Tue,Wed 14:00-16:00 UTC\"; empty: any time",
    },
    Documented {
        line: "allowed-types = [\"feat\", \"fix\", \"docs\", \"style\", \"refactor\", \"perf\", \"test\", \"build\", \"ci\", \"chore\", \"revert\", \"security\"]",
        doc: "Commit types the commit-msg hook accepts on every branch (lower-case; `hotfix.allowed-types` narrows them on hotfix branches)",
    },
    Documented {
        line: "release-exclude = []",
        doc: "Crates that are versioned but never tagged or published (or `release = false` in the crate's own table)",
    },
    Documented {
        line: "max-tags-per-push = 3",
        doc: "The most tags one push carries; more go in further pushes (forges send no events for larger pushes)",
    },
    Documented {
        line: "pre-release-commit = []",
        doc: "Commands run after the release's files are written (env NEW_VERSION PREV_VERSION CRATE_NAME TAG DRY_RUN); their changes join the release commit",
    },
    Documented {
        line: "post-release = []",
        doc: "Commands run after the release is pushed and published (same environment)",
    },
    Documented {
        line: "verify-published = true",
        doc: "After publishing, wait for the registry's index, then `cargo check` a scratch project depending on `=X.Y.Z` of each crate",
    },
    Documented {
        line: "verify-published-timeout = 600",
        doc: "The longest wait, in seconds, for the index to serve the new versions",
    },
];

/// `[workspace.metadata.patch-release.hotfix]`, as `init` writes it.
pub const DOCUMENTED_HOTFIX: &[Documented] = &[
    Documented {
        line: "allowed-types = [\"fix\", \"perf\", \"revert\", \"test\", \"docs\", \"security\"]",
        doc: "Commit types a hotfix branch accepts",
    },
    Documented { line: "max-files = 10", doc: "Changed files a hotfix may touch (Cargo.lock and changelogs excluded)" },
    Documented { line: "max-lines = 200", doc: "Changed lines, added + removed (Cargo.lock and changelogs excluded)" },
    Documented { line: "max-crates = 1", doc: "Crates a hotfix may touch (of those a release moves)" },
    Documented {
        line: "allow-dependency-changes = false",
        doc: "true lets a hotfix change dependency requirements (fix(deps), security)",
    },
    Documented { line: "forbid-paths = [\".github/**\"]", doc: "Globs a hotfix may not touch" },
    Documented {
        line: "require-test = true",
        doc: "A fix must add or change a test of the crate it fixes (or of a test package no release moves)",
    },
    Documented {
        line: "semver-checks = false",
        doc: "true: cargo-semver-checks must pass (it runs in `check` whenever installed)",
    },
];

/// `[[...patch-release.replace]]`, as `init` writes it: an example, commented out (there is none
/// by default).
const REPLACE_EXAMPLE: &str = "
# Version strings outside the manifests, rewritten in the release commit; repeat the table for each
# (a crate's own go in its manifest's `package.metadata.patch-release.replace`, files from its directory)
# [[{table}.metadata.patch-release.replace]]
# file = \"README.md\"                # a glob, from the workspace root; each file it matches is checked
# search = 'engine = \"[0-9.]+\"'     # a regular expression (`regex` crate syntax)
# replace = 'engine = \"{version}\"'  # also {prev_version} {crate} {tag} {date}; $1 is a capture group
# min = 1                           # matches each file must hold; or max = N, or exactly = N
# prerelease = false                # true: also rewrite for pre-releases (1.1.0-rc.1)
";

/// `[workspace.metadata.patch-release.notify]`, as `init` writes it: nothing is sent by default.
pub const DOCUMENTED_NOTIFY: &[Documented] = &[
    Documented {
        line: "# webhook-url-env = \"RELEASE_WEBHOOK_URL\"",
        doc: "The environment variable holding the webhook's URL (never the URL: it is a secret); unset: no webhook",
    },
    Documented {
        line: "webhook-format = \"json\"",
        doc: "\"json\": the `notes --format json` document with the crates; \"slack\": Slack's incoming-webhook `text` + `blocks`",
    },
    Documented { line: "email-to = []", doc: "Who gets the release notes by e-mail; empty: no e-mail" },
    Documented {
        line: "# email-from = \"Releases <releases@example.com>\"",
        doc: "The sender (required with `email-to`)",
    },
    Documented {
        line: "email-subject = \"{tag} released\"",
        doc: "The subject; {tag}, {version} and {crate} are filled in",
    },
    Documented { line: "smtp-host = \"localhost\"", doc: "The SMTP server" },
    Documented { line: "smtp-port = 587", doc: "Its port (default 465 with `smtp-tls = \"implicit\"`)" },
    Documented {
        line: "smtp-tls = \"opportunistic\"",
        doc: "\"opportunistic\": STARTTLS when offered (required off this machine once credentials are set); \"starttls\": always; \"implicit\": TLS from the start",
    },
    Documented {
        line: "smtp-username-env = \"SMTP_USERNAME\"",
        doc: "The environment variable holding the SMTP user name; no login unless it and the password's are set",
    },
    Documented {
        line: "smtp-password-env = \"SMTP_PASSWORD\"",
        doc: "The environment variable holding the SMTP password",
    },
];

/// Returns the commented configuration `init` appends under `table` (`workspace` or `package`).
pub fn documented_toml(table: &str) -> String {
    let mut out = format!("[{table}.metadata.{TABLE_KEY}]\n");
    let render = |out: &mut String, keys: &[Documented]| {
        for key in keys {
            out.push_str(&format!("# {}\n{}\n", key.doc, key.line));
        }
    };
    render(&mut out, DOCUMENTED);
    out.push_str(&REPLACE_EXAMPLE.replace("{table}", table));
    out.push_str(&format!("\n[{table}.metadata.{TABLE_KEY}.hotfix]\n"));
    render(&mut out, DOCUMENTED_HOTFIX);
    out.push_str(&format!("\n[{table}.metadata.{TABLE_KEY}.notify]\n"));
    render(&mut out, DOCUMENTED_NOTIFY);
    out
}

const TOP_KEYS: &[&str] = &[
    "tag-format",
    "release-branch",
    "hotfix-branch",
    "remote",
    "changelog",
    "changelog-per-crate",
    "release-commit-message",
    "verify",
    "release-window",
    "allowed-types",
    "release-exclude",
    "max-tags-per-push",
    "replace",
    "pre-release-commit",
    "post-release",
    "verify-published",
    "verify-published-timeout",
    "notify",
    "hotfix",
];
const NOTIFY_KEYS: &[&str] = &[
    "webhook-url-env",
    "webhook-format",
    "email-to",
    "email-from",
    "email-subject",
    "smtp-host",
    "smtp-port",
    "smtp-tls",
    "smtp-username-env",
    "smtp-password-env",
];
const HOTFIX_KEYS: &[&str] = &[
    "allowed-types",
    "max-files",
    "max-lines",
    "max-crates",
    "allow-dependency-changes",
    "forbid-paths",
    "require-test",
    "semver-checks",
];

/// The key under `[workspace.metadata]` and `[package.metadata]` that holds the configuration.
pub const TABLE_KEY: &str = "patch-release";
/// Where the configuration was before: the crates.io `cargo-patch` (another tool, which applies
/// patch files) reads `[package.metadata.patch]` too, with a sub-table per patched crate.
const LEGACY_KEY: &str = "patch";
/// The keys a member's own table may hold.
const MEMBER_KEYS: &[&str] = &["tag-format", "release", "replace"];
/// The keys of one replacement.
const REPLACE_KEYS: &[&str] = &["file", "search", "replace", "min", "max", "exactly", "prerelease"];

/// The configuration table found under `[<parent>.metadata]`.
#[derive(Debug)]
pub struct FoundTable<'a> {
    /// Its dotted name, as errors and messages show it (`workspace.metadata.patch-release`).
    pub name: String,
    pub item: &'a Item,
    /// Whether it is the deprecated `metadata.patch`.
    pub legacy: bool,
}

impl FoundTable<'_> {
    /// Records the deprecation warning for a legacy table (once per run).
    fn warn_if_legacy(&self) {
        if self.legacy {
            let new = self.name.replace(&format!(".{LEGACY_KEY}"), &format!(".{TABLE_KEY}"));
            crate::diagnostics::warn(format!(
                "`[{}]` is deprecated: rename it `[{new}]` (the unrelated crates.io tool `cargo-patch` reads \
                 `[package.metadata.patch]` too)",
                self.name
            ));
        }
    }
}

/// Returns the configuration under `[<parent>.metadata]` of the manifest whose root table is
/// `root`: `patch-release`, else the legacy `patch` unless it is the other tool's (no key of
/// `ours`, and nothing but sub-tables, one per patched crate). The one place that decides which
/// table is the configuration.
pub fn find_table<'a>(root: &'a toml_edit::Table, parent: &str, ours: &[&str]) -> Option<FoundTable<'a>> {
    let metadata = root.get(parent).and_then(Item::as_table_like)?.get("metadata").and_then(Item::as_table_like)?;
    if let Some(item) = metadata.get(TABLE_KEY) {
        return Some(FoundTable { name: format!("{parent}.metadata.{TABLE_KEY}"), item, legacy: false });
    }
    let item = metadata.get(LEGACY_KEY)?;
    let the_other_tools = item.as_table_like().is_some_and(|table| {
        !table.is_empty() && table.iter().all(|(key, value)| !ours.contains(&key) && value.is_table_like())
    });
    (!the_other_tools).then(|| FoundTable { name: format!("{parent}.metadata.{LEGACY_KEY}"), item, legacy: true })
}

impl Config {
    /// Returns the configuration of the workspace whose root manifest is `root`.
    pub fn from_root_manifest(root: &Manifest) -> Result<Self, Error> {
        let Some(found) = patch_table(root) else {
            return Ok(Self::default());
        };
        found.warn_if_legacy();
        let FoundTable { name, item, .. } = found;
        let reader = Reader { manifest: root };
        let table = reader.table(&name, item)?;
        reader.check_keys(&name, table, TOP_KEYS)?;
        let defaults = Self::default();
        let mut config = Self {
            configured: true,
            tag_format: reader.string(&name, table, "tag-format")?,
            release_branch: reader.string(&name, table, "release-branch")?,
            hotfix_branch: reader.string(&name, table, "hotfix-branch")?.unwrap_or(defaults.hotfix_branch),
            remote: reader.string(&name, table, "remote")?.unwrap_or(defaults.remote),
            changelog: reader.string(&name, table, "changelog")?.unwrap_or(defaults.changelog),
            changelog_per_crate: reader
                .bool(&name, table, "changelog-per-crate")?
                .unwrap_or(defaults.changelog_per_crate),
            release_commit_message: reader
                .string(&name, table, "release-commit-message")?
                .unwrap_or(defaults.release_commit_message),
            verify: reader.strings(&name, table, "verify")?.unwrap_or(defaults.verify),
            release_window: reader.string(&name, table, "release-window")?.unwrap_or(defaults.release_window),
            allowed_types: reader.strings(&name, table, "allowed-types")?.unwrap_or(defaults.allowed_types),
            release_exclude: reader.strings(&name, table, "release-exclude")?.unwrap_or(defaults.release_exclude),
            max_tags_per_push: reader.count(&name, table, "max-tags-per-push")?.unwrap_or(defaults.max_tags_per_push),
            replace: reader.replacements(&name, table)?,
            pre_release_commit: reader.strings(&name, table, "pre-release-commit")?.unwrap_or_default(),
            post_release: reader.strings(&name, table, "post-release")?.unwrap_or_default(),
            verify_published: reader.bool(&name, table, "verify-published")?.unwrap_or(defaults.verify_published),
            verify_published_timeout: reader
                .count(&name, table, "verify-published-timeout")?
                .unwrap_or(defaults.verify_published_timeout),
            notify: match table.get("notify") {
                Some(item) => reader.notify(&format!("{name}.notify"), item)?,
                None => defaults.notify,
            },
            hotfix: defaults.hotfix,
        };
        if let Some(item) = table.get("hotfix") {
            let name = format!("{name}.hotfix");
            let table = reader.table(&name, item)?;
            reader.check_keys(&name, table, HOTFIX_KEYS)?;
            let h = &mut config.hotfix;
            let r = &reader;
            if let Some(v) = r.strings(&name, table, "allowed-types")? {
                h.allowed_types = v
            }
            if let Some(v) = r.count(&name, table, "max-files")? {
                h.max_files = v
            }
            if let Some(v) = r.count(&name, table, "max-lines")? {
                h.max_lines = v
            }
            if let Some(v) = r.count(&name, table, "max-crates")? {
                h.max_crates = v
            }
            if let Some(v) = r.bool(&name, table, "allow-dependency-changes")? {
                h.allow_dependency_changes = v
            }
            if let Some(v) = r.globs(&name, table, "forbid-paths")? {
                h.forbid_paths = v
            }
            if let Some(v) = r.bool(&name, table, "require-test")? {
                h.require_test = v
            }
            if let Some(v) = r.bool(&name, table, "semver-checks")? {
                h.semver_checks = v
            }
        }
        Ok(config)
    }
}

/// Returns only the configuration tables (`[workspace.metadata.patch-release]`,
/// `[package.metadata.patch-release]`, the legacy `metadata.patch` ones, their sub-tables, and
/// `[workspace.metadata]`/`[package.metadata]`, which may hold them as keys) of a root manifest's
/// `text`, cut out line by line, or `None` when the configuration may be written another way
/// (dotted `metadata.*` keys under `[workspace]` or `[package]`, multi-line strings) and the whole
/// manifest must be parsed. A cut that does not parse (a line of a multi-line array that opens
/// with `[`) is the caller's cue to parse the whole manifest.
pub fn patch_tables(text: &str) -> Option<String> {
    if text.contains("\"\"\"") || text.contains("\'\'\'") {
        return None;
    }
    let mut out = String::new();
    let mut keep = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            let name: String = trimmed
                .split(']')
                .next()
                .unwrap_or_default()
                .chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '[' | '"' | '\''))
                .collect();
            let (table, rest) = name.split_once('.').unwrap_or((&name, ""));
            let ours = matches!(table, "workspace" | "package");
            // `[workspace.metadata]` may hold `patch-release = {...}` or dotted keys: kept whole.
            keep = ours
                && (rest == "metadata"
                    || [TABLE_KEY, LEGACY_KEY].iter().any(|key| {
                        rest.strip_prefix("metadata.")
                            .and_then(|r| r.strip_prefix(key))
                            .is_some_and(|r| r.is_empty() || r.starts_with('.'))
                    }));
        } else if !keep && trimmed.starts_with("metadata") {
            // `metadata.patch-release.remote = ...` under `[workspace]` or `[package]`.
            return None;
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    Some(out)
}

/// Typed reads from the config table, each error naming the key, file and line.
struct Reader<'a> {
    manifest: &'a Manifest,
}

impl<'a> Reader<'a> {
    fn wrong_type(&self, table: &str, key: &str, item: &Item, expected: &'static str) -> Error {
        let offset = item.span().or_else(|| item.as_value().and_then(Value::span)).map_or(0, |s| s.start);
        Error::WrongType {
            path: self.manifest.path().to_owned(),
            line: self.manifest.line_of(offset),
            table: table.to_owned(),
            key: key.to_owned(),
            expected,
        }
    }

    fn table(&self, name: &str, item: &'a Item) -> Result<&'a dyn TableLike, Error> {
        item.as_table_like().ok_or_else(|| {
            let (table, key) = name.rsplit_once('.').unwrap_or(("", name));
            self.wrong_type(table, key, item, "a table")
        })
    }

    fn check_keys(&self, name: &str, table: &dyn TableLike, known: &[&'static str]) -> Result<(), Error> {
        for (key, _) in table.iter() {
            if !known.contains(&key) {
                let offset = table.key(key).and_then(toml_edit::Key::span).map_or(0, |s| s.start);
                return Err(Error::UnknownKey {
                    path: self.manifest.path().to_owned(),
                    line: self.manifest.line_of(offset),
                    table: name.to_owned(),
                    key: key.to_owned(),
                    known: known.to_vec(),
                });
            }
        }
        Ok(())
    }

    fn string(&self, name: &str, table: &dyn TableLike, key: &str) -> Result<Option<String>, Error> {
        table
            .get(key)
            .map(|item| item.as_str().map(str::to_owned).ok_or_else(|| self.wrong_type(name, key, item, "a string")))
            .transpose()
    }

    fn bool(&self, name: &str, table: &dyn TableLike, key: &str) -> Result<Option<bool>, Error> {
        table
            .get(key)
            .map(|item| item.as_bool().ok_or_else(|| self.wrong_type(name, key, item, "`true` or `false`")))
            .transpose()
    }

    fn count(&self, name: &str, table: &dyn TableLike, key: &str) -> Result<Option<u64>, Error> {
        table
            .get(key)
            .map(|item| {
                item.as_integer()
                    .and_then(|n| u64::try_from(n).ok())
                    .ok_or_else(|| self.wrong_type(name, key, item, "a whole number, 0 or more"))
            })
            .transpose()
    }

    /// Returns an array of globs, refusing one that does not compile (a silently dropped
    /// `forbid-paths` entry would forbid nothing).
    fn globs(&self, name: &str, table: &dyn TableLike, key: &str) -> Result<Option<Vec<String>>, Error> {
        let Some(globs) = self.strings(name, table, key)? else { return Ok(None) };
        for glob in &globs {
            if let Err(err) = glob::Pattern::new(glob) {
                let element = table
                    .get(key)
                    .and_then(Item::as_array)
                    .and_then(|array| array.iter().find(|v| v.as_str() == Some(glob.as_str())));
                let offset = element.and_then(Value::span).map_or(0, |s| s.start);
                return Err(Error::InvalidGlob {
                    path: self.manifest.path().to_owned(),
                    line: self.manifest.line_of(offset),
                    table: name.to_owned(),
                    key: key.to_owned(),
                    glob: glob.clone(),
                    message: err.msg,
                });
            }
        }
        Ok(Some(globs))
    }

    /// Returns `[<name>]`, the notify table: a webhook when `webhook-url-env` names a variable, an
    /// e-mail when `email-to` names someone.
    fn notify(&self, name: &str, item: &Item) -> Result<crate::notify::Config, Error> {
        use crate::notify::{EmailConfig, Smtp, SmtpTls, WebhookConfig, WebhookFormat};
        let table = self.table(name, item)?;
        let bad = |key: &str, problem, help| {
            let offset = table.key(key).and_then(toml_edit::Key::span).map_or(0, |s| s.start);
            Error::BadNotify {
                path: self.manifest.path().to_owned(),
                line: self.manifest.line_of(offset),
                table: name.to_owned(),
                key: key.to_owned(),
                problem,
                help,
            }
        };
        if table.contains_key("webhook-url") {
            return Err(bad(
                "webhook-url",
                "would put a secret in the manifest",
                "put the URL in an environment variable and name it: `webhook-url-env = \"RELEASE_WEBHOOK_URL\"`",
            ));
        }
        self.check_keys(name, table, NOTIFY_KEYS)?;
        let one_of = |key: &str, values: &[&str]| -> Result<Option<String>, Error> {
            match (self.string(name, table, key)?, table.get(key)) {
                (Some(v), Some(item)) if !values.contains(&v.as_str()) => Err(self.wrong_type(
                    name,
                    key,
                    item,
                    if values.len() == 2 {
                        "\"json\" or \"slack\""
                    } else {
                        "\"opportunistic\", \"starttls\" or \"implicit\""
                    },
                )),
                (other, _) => Ok(other),
            }
        };
        let format = match one_of("webhook-format", &["json", "slack"])?.as_deref() {
            Some("slack") => WebhookFormat::Slack,
            _ => WebhookFormat::Json,
        };
        let webhook = self
            .string(name, table, "webhook-url-env")?
            .filter(|v| !v.is_empty())
            .map(|url_env| WebhookConfig { url_env, format });
        let to = self.strings(name, table, "email-to")?.unwrap_or_default();
        let tls = match one_of("smtp-tls", &["opportunistic", "starttls", "implicit"])?.as_deref() {
            Some("starttls") => SmtpTls::Starttls,
            Some("implicit") => SmtpTls::Implicit,
            _ => SmtpTls::Opportunistic,
        };
        let port = match table.get("smtp-port") {
            Some(item) => Some(
                item.as_integer()
                    .and_then(|n| u16::try_from(n).ok())
                    .ok_or_else(|| self.wrong_type(name, "smtp-port", item, "a port number, 0 to 65535"))?,
            ),
            None => None,
        };
        let smtp = Smtp {
            host: self.string(name, table, "smtp-host")?.unwrap_or_else(|| "localhost".into()),
            port: port.unwrap_or(if tls == SmtpTls::Implicit { 465 } else { 587 }),
            tls,
            username_env: self.string(name, table, "smtp-username-env")?.unwrap_or_else(|| "SMTP_USERNAME".into()),
            password_env: self.string(name, table, "smtp-password-env")?.unwrap_or_else(|| "SMTP_PASSWORD".into()),
        };
        let email = if to.is_empty() {
            None
        } else {
            let Some(from) = self.string(name, table, "email-from")? else {
                return Err(bad(
                    "email-to",
                    "needs `email-from` too",
                    "set `email-from = \"Releases <releases@example.com>\"`",
                ));
            };
            let subject = self.string(name, table, "email-subject")?.unwrap_or_else(|| "{tag} released".into());
            Some(EmailConfig { to, from, subject, smtp })
        };
        Ok(crate::notify::Config { webhook, email })
    }

    /// Returns the replacements of `replace`: an array of tables (`[[<name>.replace]]`) or an
    /// inline array of inline tables, each checked whole (its regex compiled, its glob parsed).
    fn replacements(&self, name: &str, table: &dyn TableLike) -> Result<Vec<Replacement>, Error> {
        let Some(item) = table.get("replace") else { return Ok(Vec::new()) };
        let entries: Vec<(&dyn TableLike, usize)> = match item {
            Item::ArrayOfTables(tables) => {
                tables.iter().map(|t| (t as &dyn TableLike, t.span().map_or(0, |s| s.start))).collect()
            }
            Item::Value(Value::Array(array)) => array
                .iter()
                .map(|v| match v {
                    Value::InlineTable(t) => Ok((t as &dyn TableLike, t.span().map_or(0, |s| s.start))),
                    _ => Err(self.wrong_type(name, "replace", item, "an array of tables")),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(self.wrong_type(name, "replace", item, "an array of tables")),
        };
        let name = format!("{name}.replace");
        entries.into_iter().map(|(entry, offset)| self.replacement(&name, entry, offset)).collect()
    }

    fn replacement(&self, name: &str, table: &dyn TableLike, offset: usize) -> Result<Replacement, Error> {
        self.check_keys(name, table, REPLACE_KEYS)?;
        let line = self.manifest.line_of(offset);
        let bad = |problem| Error::BadReplacement {
            path: self.manifest.path().to_owned(),
            line,
            table: name.to_owned(),
            problem,
        };
        let (Some(file), Some(search), Some(replace)) = (
            self.string(name, table, "file")?,
            self.string(name, table, "search")?,
            self.string(name, table, "replace")?,
        ) else {
            return Err(bad("needs `file`, `search` and `replace`"));
        };
        if let Err(err) = regex::Regex::new(&search) {
            let message = err.to_string().lines().last().unwrap_or_default().trim().to_owned();
            return Err(Error::InvalidRegex {
                path: self.manifest.path().to_owned(),
                line,
                table: name.to_owned(),
                message,
            });
        }
        if let Err(err) = glob::Pattern::new(&file) {
            return Err(Error::InvalidGlob {
                path: self.manifest.path().to_owned(),
                line,
                table: name.to_owned(),
                key: "file".into(),
                glob: file,
                message: err.msg,
            });
        }
        let (min, max, exactly) =
            (self.count(name, table, "min")?, self.count(name, table, "max")?, self.count(name, table, "exactly")?);
        let count = match (exactly, min, max) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => return Err(bad("sets `exactly` with `min` or `max`")),
            (Some(n), None, None) => Count { min: n, max: Some(n) },
            (None, min, max) => Count { min: min.unwrap_or(if max == Some(0) { 0 } else { 1 }), max },
        };
        if count.max.is_some_and(|max| max < count.min) {
            return Err(bad("sets `max` below `min`"));
        }
        Ok(Replacement {
            file,
            search,
            replace,
            count,
            prerelease: self.bool(name, table, "prerelease")?.unwrap_or(false),
            origin: Origin { manifest: self.manifest.path().to_owned(), line },
        })
    }

    fn strings(&self, name: &str, table: &dyn TableLike, key: &str) -> Result<Option<Vec<String>>, Error> {
        let Some(item) = table.get(key) else {
            return Ok(None);
        };
        let array = item.as_array().ok_or_else(|| self.wrong_type(name, key, item, "an array of strings"))?;
        array
            .iter()
            .map(|v| {
                v.as_str().map(str::to_owned).ok_or_else(|| self.wrong_type(name, key, item, "an array of strings"))
            })
            .collect::<Result<_, _>>()
            .map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Result<Config, Error> {
        let manifest = Manifest::parse(PathBuf::from("Cargo.toml"), text.to_owned()).unwrap();
        Config::from_root_manifest(&manifest)
    }

    #[test]
    fn defaults_when_absent() {
        assert_eq!(config("[workspace]\n").unwrap(), Config::default());
    }

    #[test]
    fn reads_workspace_then_package_tables() {
        let c = config(concat!(
            "[workspace.metadata.patch-release]\ntag-format = \"{crate}-v{version}\"\nverify = []\n",
            "[workspace.metadata.patch-release.hotfix]\nmax-lines = 50\nrequire-test = false\n",
        ))
        .unwrap();
        assert_eq!(c.tag_format.as_deref(), Some("{crate}-v{version}"));
        assert!(c.verify.is_empty());
        assert_eq!((c.hotfix.max_lines, c.hotfix.require_test, c.hotfix.max_files), (50, false, 10));
        let lone =
            config("[package]\nname = \"x\"\n[package.metadata.patch-release]\nremote = \"upstream\"\n").unwrap();
        assert_eq!(lone.remote, "upstream");
    }

    #[test]
    fn unknown_key_and_wrong_type_name_the_line() {
        let err =
            config("[workspace]\n\n[workspace.metadata.patch-release]\ntag-fromat = \"v{version}\"\n").unwrap_err();
        assert!(matches!(&err, Error::UnknownKey { line: 4, key, .. } if key == "tag-fromat"), "{err:?}");
        let err = config("[workspace.metadata.patch-release.hotfix]\nmax-files = \"ten\"\n").unwrap_err();
        assert!(matches!(&err, Error::WrongType { line: 2, key, .. } if key == "max-files"), "{err:?}");
        let err = config("[workspace.metadata.patch-release.hotfix]\nmax-files = -1\n").unwrap_err();
        assert!(matches!(&err, Error::WrongType { .. }), "{err:?}");
        let err = config("[workspace.metadata]\npatch-release = 3\n").unwrap_err();
        assert!(matches!(&err, Error::WrongType { line: 2, .. }), "{err:?}");
        // The legacy table is still ours when it holds our keys, typos included.
        let err = config("[workspace.metadata]\npatch = 3\n").unwrap_err();
        assert!(matches!(&err, Error::WrongType { line: 2, .. }), "{err:?}");
        let err = config("[workspace.metadata.patch]\ntag-fromat = \"v{version}\"\n").unwrap_err();
        assert!(matches!(&err, Error::UnknownKey { key, .. } if key == "tag-fromat"), "{err:?}");
    }

    #[test]
    fn reads_replacements_and_refuses_bad_ones_by_line() {
        let c = config(concat!(
            "[workspace.metadata.patch-release]\n",
            "replace = [{ file = \"Dockerfile\", search = '--version \\S+', replace = '--version {version}', exactly = 1 }]\n",
        ))
        .unwrap();
        assert_eq!(c.replace[0].count, Count { min: 1, max: Some(1) });
        assert_eq!((c.replace[0].search.as_str(), c.replace[0].origin.line), ("--version \\S+", 2));
        let c = config(concat!(
            "[workspace]\n\n[[workspace.metadata.patch-release.replace]]\nfile = \"*.md\"\nsearch = 'x'\nreplace = 'y'\n",
            "[[workspace.metadata.patch-release.replace]]\nfile = \"a\"\nsearch = 'x'\nreplace = 'y'\nmax = 0\nprerelease = true\n",
        ))
        .unwrap();
        assert_eq!(
            (c.replace[0].count, c.replace[0].origin.line, c.replace[0].prerelease),
            (Count::default(), 3, false)
        );
        assert_eq!(
            (c.replace[1].count, c.replace[1].origin.line, c.replace[1].prerelease),
            (Count { min: 0, max: Some(0) }, 7, true)
        );
        let table = "[workspace]\n[[workspace.metadata.patch-release.replace]]\nfile = \"a\"\nreplace = 'y'\n";
        let bad = |extra: &str| config(&format!("{table}{extra}")).unwrap_err();
        assert!(matches!(bad("search = '(x'\n"), Error::InvalidRegex { line: 2, .. }), "{:?}", bad("search = '(x'\n"));
        assert!(matches!(bad(""), Error::BadReplacement { line: 2, .. }));
        assert!(matches!(bad("search = 'x'\nexactly = 1\nmin = 0\n"), Error::BadReplacement { .. }));
        assert!(matches!(bad("search = 'x'\nmin = 3\nmax = 2\n"), Error::BadReplacement { .. }));
        assert!(matches!(bad("search = 'x'\nmni = 3\n"), Error::UnknownKey { line: 6, .. }));
        let err = config("[workspace.metadata.patch-release]\nreplace = \"README.md\"\n").unwrap_err();
        assert!(matches!(err, Error::WrongType { line: 2, .. }), "{err:?}");
    }

    #[test]
    fn reads_the_notify_table_and_keeps_secrets_out_of_it() {
        use crate::notify::{SmtpTls, WebhookFormat};
        let c = config(concat!(
            "[workspace.metadata.patch-release.notify]\nwebhook-url-env = \"HOOK\"\nwebhook-format = \"slack\"\n",
            "email-to = [\"a@example.com\"]\nemail-from = \"r@example.com\"\nsmtp-tls = \"implicit\"\n",
        ))
        .unwrap();
        let webhook = c.notify.webhook.unwrap();
        assert_eq!((webhook.url_env.as_str(), webhook.format), ("HOOK", WebhookFormat::Slack));
        let email = c.notify.email.unwrap();
        assert_eq!(
            (email.smtp.tls, email.smtp.port, email.subject.as_str()),
            (SmtpTls::Implicit, 465, "{tag} released")
        );
        assert_eq!(
            config("[workspace.metadata.patch-release.notify]\n").unwrap().notify,
            crate::notify::Config::default()
        );
        let err = config("[workspace.metadata.patch-release.notify]\nwebhook-url = \"https://hooks/x\"\n").unwrap_err();
        assert!(matches!(&err, Error::BadNotify { line: 2, key, .. } if key == "webhook-url"), "{err:?}");
        let err = config("[workspace.metadata.patch-release.notify]\nemail-to = [\"a@example.com\"]\n").unwrap_err();
        assert!(matches!(&err, Error::BadNotify { key, .. } if key == "email-to"), "{err:?}");
        let err = config("[workspace.metadata.patch-release.notify]\nwebhook-format = \"xml\"\n").unwrap_err();
        assert!(matches!(&err, Error::WrongType { line: 2, .. }), "{err:?}");
        let err = config("[workspace.metadata.patch-release.notify]\nsmtp-port = 70000\n").unwrap_err();
        assert!(matches!(&err, Error::WrongType { line: 2, .. }), "{err:?}");
    }

    #[test]
    fn the_legacy_table_is_read_unless_it_is_the_other_tools() {
        let legacy = config("[workspace.metadata.patch]\nremote = \"upstream\"\n").unwrap();
        assert_eq!(legacy.remote, "upstream");
        let manifest =
            Manifest::parse(PathBuf::from("Cargo.toml"), "[package.metadata.patch]\nremote = \"u\"\n".into()).unwrap();
        let found = find_table(manifest.root(), "package", TOP_KEYS).unwrap();
        assert!(found.legacy && found.name == "package.metadata.patch", "{found:?}");
        // The crates.io `cargo-patch`'s own table: one sub-table per patched crate.
        let theirs = "[package]\nname = \"x\"\n\n[package.metadata.patch.serde]\npatches = [\"fix.patch\"]\n";
        assert_eq!(config(theirs).unwrap(), Config::default());
        let manifest = Manifest::parse(PathBuf::from("Cargo.toml"), theirs.into()).unwrap();
        assert_eq!(MemberConfig::from_manifest(&manifest).unwrap(), MemberConfig::default());
        // The new table wins over the legacy one.
        let both = config(
            "[workspace.metadata.patch]\nremote = \"old\"\n[workspace.metadata.patch-release]\nremote = \"new\"\n",
        );
        assert_eq!(both.unwrap().remote, "new");
    }
}

#[cfg(test)]
mod documented_tests {
    use super::*;

    #[test]
    fn the_patch_tables_alone_give_the_same_configuration() {
        let read = |text: &str| {
            let manifest = Manifest::parse(PathBuf::from("Cargo.toml"), text.to_owned()).unwrap();
            Config::from_root_manifest(&manifest).unwrap()
        };
        for key in [TABLE_KEY, LEGACY_KEY] {
            let text = format!(
                "[workspace]\nmembers = [\"a\"]\n\n[workspace.dependencies]\nserde = \"1\"\n\n\
                 [workspace.metadata.{key}]\nremote = \"upstream\"\n\n[patch.crates-io]\nserde = {{ path = \"x\" }}\n\n\
                 [workspace.metadata.{key}.hotfix]\nmax-files = 3\n\n[workspace.metadata.docs]\nx = 1\n"
            );
            let tables = patch_tables(&text).unwrap();
            assert!(!tables.contains("serde"), "{tables}");
            assert_eq!(read(&tables), read(&text));
            assert_eq!(read(&tables).hotfix.max_files, 3, "{key}");
        }
        // `[workspace.metadata]` is kept whole, with whatever configuration its keys hold.
        let text = "[workspace]\nmembers = [\"a\"]\n\n[workspace.metadata]\nother = true\npatch = { remote = \"x\" }\n\n[workspace.dependencies]\nserde = \"1\"\n";
        let tables = patch_tables(text).unwrap();
        assert!(!tables.contains("serde"), "{tables}");
        assert_eq!(read(&tables), read(text));
        assert_eq!(read(&tables).remote, "x");
        assert_eq!(patch_tables("[workspace]\nmetadata.patch.remote = \"x\"\n"), None);
    }

    #[test]
    fn the_documented_configuration_reads_as_the_defaults() {
        let text = format!("[package]\nname = \"x\"\n\n{}", documented_toml("package"));
        let manifest = Manifest::parse(std::path::PathBuf::from("Cargo.toml"), text).unwrap();
        let read = Config::from_root_manifest(&manifest).unwrap();
        assert!(read.configured, "the table is there");
        // Every value is the default's; only the fact that a table was written differs.
        assert_eq!(Config { configured: false, ..read }, Config::default());
    }
}
