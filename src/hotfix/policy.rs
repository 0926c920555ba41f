//! The hotfix policy (SPEC `check`, rules 1-9) as data: each rule reads the facts of a hotfix
//! branch and returns violations; text and JSON are rendered from the same list.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;

use glob::Pattern;

use crate::conventional::{self, ConventionalCommit, GitMessage};
use crate::git::diff::FileDiff;
use crate::git::history::CommitInfo;
use crate::workspace::config::HotfixConfig;

/// A rule of the hotfix policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    CommitType,
    DiffBudget,
    CrateScope,
    Manifest,
    FormatChurn,
    NoMerge,
    Paths,
    RegressionTest,
    Api,
    /// The commit-msg lint: Conventional Commits form, header length, blank line.
    Conventional,
    /// pre-push: a release tag must name the version its commit's manifests carry.
    ReleaseTag,
}

impl Rule {
    /// Returns the rule's name, as errors and JSON show it.
    pub fn name(self) -> &'static str {
        match self {
            Self::CommitType => "commit-type",
            Self::DiffBudget => "diff-budget",
            Self::CrateScope => "crate-scope",
            Self::Manifest => "manifest",
            Self::FormatChurn => "format-churn",
            Self::NoMerge => "no-merge",
            Self::Paths => "paths",
            Self::RegressionTest => "regression-test",
            Self::Api => "api",
            Self::Conventional => "conventional",
            Self::ReleaseTag => "release-tag",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One broken rule: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub rule: Rule,
    /// A commit (short id), a file, or `file:line`.
    pub location: Option<String>,
    pub message: String,
    pub help: String,
}

/// A workspace member, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crate {
    pub name: String,
    /// Its directory relative to the repository root, `/`-terminated (empty at the root).
    pub dir: String,
    /// Whether a release moves it (tagged, published): a member none moves (an unpublished test
    /// suite, an `xtask`) ships nothing, so a hotfix may touch it.
    pub released: bool,
}

/// A `Cargo.toml` the branch changes: its text at the base and at the head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestChange {
    pub path: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A package version a release commit moves by more than a patch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseBump {
    pub commit: String,
    pub path: String,
    pub from: semver::Version,
    pub to: semver::Version,
}

/// Everything the rules judge, gathered by `ops::check`.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub config: &'a HotfixConfig,
    /// The changelog file name(s) whose changes do not count against the budget.
    pub changelogs: Vec<String>,
    /// `base..head`, newest first.
    pub commits: &'a [CommitInfo],
    pub files: &'a [FileDiff],
    pub crates: &'a [Crate],
    pub manifests: &'a [ManifestChange],
    /// `(commit, path)`: a package version changed outside a release commit.
    pub version_changes: &'a [(String, String)],
    /// The release commits the rules let through: recognised by their header, not breaking, and
    /// changing only versions, `Cargo.lock` and changelogs.
    pub release_commits: &'a HashSet<String>,
    /// The versions those release commits move past a patch (a hotfix releases a patch).
    pub release_bumps: &'a [ReleaseBump],
    /// The files only those release commits change (their version bumps are not the fix).
    pub release_only_paths: &'a HashSet<String>,
    /// `(merge, parent)`: merges bringing in a parent that is not on the release line.
    pub outside_merges: &'a [(String, String)],
    /// Per `.rs` file changed, the line ranges (1-based, inclusive) of test code at the head.
    pub test_code: &'a BTreeMap<String, Vec<(usize, usize)>>,
    /// Violations of rule 9, from cargo-semver-checks.
    pub api: Vec<Violation>,
}

pub use crate::release_commit::is_release_commit;

/// Returns every violation of rules 1-9, in rule order.
pub fn evaluate(facts: &Facts<'_>) -> Vec<Violation> {
    let mut violations = Vec::new();
    commit_types(facts, &mut violations);
    diff_budget(facts, &mut violations);
    crate_scope(facts, &mut violations);
    manifests(facts, &mut violations);
    format_churn(facts, &mut violations);
    no_merge(facts, &mut violations);
    paths(facts, &mut violations);
    regression_test(facts, &mut violations);
    violations.extend(facts.api.iter().cloned());
    violations
}

fn subject(message: &str) -> &str {
    message.lines().next().unwrap_or_default()
}

/// Rule 1: every commit conventional, of an allowed type, and not breaking.
fn commit_types(facts: &Facts<'_>, out: &mut Vec<Violation>) {
    for commit in facts.commits.iter().filter(|c| c.parents.len() < 2 && !facts.release_commits.contains(&c.id)) {
        if let Some((message, help)) = type_problem(&commit.message, &facts.config.allowed_types) {
            let location = Some(format!("{} {}", crate::git::short_id(&commit.id), subject(&commit.message)));
            out.push(Violation { rule: Rule::CommitType, location, message, help });
        }
    }
}

/// Returns what rule 1 finds wrong with a hotfix commit's `message` (as message and help), if
/// anything. git's own `Revert "..."`/`Reapply "..."` message, which the commit-msg hook lets through, counts as
/// type `revert`, so a `git revert` the hook accepted is not refused at push time.
fn type_problem(message: &str, allowed_types: &[String]) -> Option<(String, String)> {
    let allowed = |kind: &str| allowed_types.iter().any(|t| t.eq_ignore_ascii_case(kind));
    let listed = allowed_types.join(", ");
    if conventional::git_message(message) == Some(GitMessage::Revert) && allowed("revert") {
        return None;
    }
    match ConventionalCommit::parse(message) {
        Err(err) => Some((
            format!("not a conventional commit: {err}"),
            format!("reword it as `fix: ...` (allowed types: {listed})"),
        )),
        Ok(c) if c.breaking => Some((
            format!("`{}` is a breaking change, which a patch release may not carry", subject(message)),
            "move the breaking change to the main line; a hotfix must stay compatible".into(),
        )),
        Ok(c) if !allowed(&c.kind) => Some((
            format!("type `{}` is not allowed on a hotfix branch", c.kind),
            format!("use one of: {listed}; a `{}` belongs on the main line", c.kind),
        )),
        Ok(_) => None,
    }
}

/// Files that count against the budget: not Cargo.lock, not a changelog, not a manifest only a
/// release commit changes.
fn counted<'f>(facts: &'f Facts<'_>) -> impl Iterator<Item = &'f FileDiff> {
    facts.files.iter().filter(|f| {
        let name = f.path.rsplit('/').next().unwrap_or(&f.path);
        name != "Cargo.lock"
            && !facts.changelogs.iter().any(|c| c == &f.path || c == name)
            && !facts.release_only_paths.contains(&f.path)
    })
}

/// Rule 2: changed lines and files within the budget.
fn diff_budget(facts: &Facts<'_>, out: &mut Vec<Violation>) {
    let files: Vec<&FileDiff> = counted(facts).collect();
    let lines: usize = files.iter().map(|f| f.added_lines() + f.removed_lines()).sum();
    let (max_lines, max_files) = (facts.config.max_lines, facts.config.max_files);
    if u64::try_from(lines).unwrap_or(u64::MAX) > max_lines {
        let largest = files.iter().max_by_key(|f| f.added_lines() + f.removed_lines()).map(|f| f.path.clone());
        out.push(Violation {
            rule: Rule::DiffBudget,
            location: largest,
            message: format!("{lines} changed lines (added + removed) exceed `hotfix.max-lines = {max_lines}`"),
            help: "keep the fix minimal and move the rest to the main line, or raise `hotfix.max-lines`".into(),
        });
    }
    if u64::try_from(files.len()).unwrap_or(u64::MAX) > max_files {
        out.push(Violation {
            rule: Rule::DiffBudget,
            location: None,
            message: format!("{} changed files exceed `hotfix.max-files = {max_files}`", files.len()),
            help: "keep the fix minimal and move the rest to the main line, or raise `hotfix.max-files`".into(),
        });
    }
}

/// Who owns a changed file, for crate-scope and regression-test.
struct Owner<'c> {
    krate: &'c Crate,
    /// The file belongs to a separate test package under the crate's `tests/`.
    in_test_package: bool,
}

/// The files a crate at the repository root owns: its sources and manifest. Everything else at the
/// root (docs, CI, tool configuration) belongs to no crate and needs no test.
const ROOT_CRATE_FILES: [&str; 6] = ["src/", "tests/", "benches/", "examples/", "build.rs", "Cargo.toml"];

/// Returns the crate that owns `path`: the deepest crate directory that contains it, except that
/// a test package living under another crate's `tests/` counts as that crate's tests.
fn crate_of<'c>(crates: &'c [Crate], path: &str) -> Option<Owner<'c>> {
    let deepest = crates.iter().filter(|c| path.starts_with(&c.dir)).max_by_key(|c| c.dir.len())?;
    if deepest.dir.is_empty() && !ROOT_CRATE_FILES.iter().any(|f| path.starts_with(f)) {
        return None;
    }
    let parent = crates
        .iter()
        .filter(|p| p.dir.len() < deepest.dir.len() && deepest.dir.starts_with(&format!("{}tests/", p.dir)))
        .max_by_key(|p| p.dir.len());
    Some(match parent {
        Some(parent) => Owner { krate: parent, in_test_package: true },
        None => Owner { krate: deepest, in_test_package: false },
    })
}

/// Rule 3: the changes stay within `max-crates` crates (of those a release moves).
fn crate_scope(facts: &Facts<'_>, out: &mut Vec<Violation>) {
    let touched: BTreeSet<&str> = counted(facts)
        .filter_map(|f| crate_of(facts.crates, &f.path))
        .filter(|o| o.krate.released)
        .map(|o| o.krate.name.as_str())
        .collect();
    if u64::try_from(touched.len()).unwrap_or(u64::MAX) > facts.config.max_crates {
        out.push(Violation {
            rule: Rule::CrateScope,
            location: None,
            message: format!(
                "the change touches {} crates ({}), more than `hotfix.max-crates = {}`",
                touched.len(),
                touched.iter().copied().collect::<Vec<_>>().join(", "),
                facts.config.max_crates
            ),
            help: "fix one crate per hotfix, or raise `hotfix.max-crates`".into(),
        });
    }
}

/// Rule 4: no dependency, feature, edition or rust-version change; versions move only in the
/// release commit.
fn manifests(facts: &Facts<'_>, out: &mut Vec<Violation>) {
    for change in facts.manifests.iter().filter(|c| !facts.release_only_paths.contains(&c.path)) {
        let parse = |text: &Option<String>| text.as_deref().and_then(|t| t.parse::<toml_edit::DocumentMut>().ok());
        let (before, after) = (parse(&change.before), parse(&change.after));
        let (Some(before), Some(after)) = (before, after) else { continue };
        for (key, what) in guarded_keys(&before, &after) {
            let dependency = what == "dependencies";
            if dependency && facts.config.allow_dependency_changes {
                continue;
            }
            out.push(Violation {
                rule: Rule::Manifest,
                location: Some(change.path.clone()),
                message: format!("`{key}` changes, and a hotfix may not change {what}"),
                help: if dependency {
                    "revert the change, or set `hotfix.allow-dependency-changes = true` for a fix(deps) or security hotfix".into()
                } else {
                    format!("revert the change to `{key}`; it belongs on the main line")
                },
            });
        }
    }
    for (commit, path) in facts.version_changes {
        out.push(Violation {
            rule: Rule::Manifest,
            location: Some(format!("{} {path}", crate::git::short_id(commit))),
            message: "a package version changes outside the release commit".into(),
            help: "leave versions to `cargo patch release`, which bumps them in its own commit".into(),
        });
    }
    for bump in facts.release_bumps {
        let ReleaseBump { commit, path, from, to } = bump;
        out.push(Violation {
            rule: Rule::Manifest,
            location: Some(format!("{} {path}", crate::git::short_id(commit))),
            message: format!("the release commit moves the version from {from} to {to}, which is no patch release"),
            help: format!(
                "a hotfix releases the next patch, {}.{}.{}: `cargo patch release` sets it",
                from.major,
                from.minor,
                from.patch.saturating_add(u64::from(from.pre.is_empty()))
            ),
        });
    }
}

/// Returns the keys of `[dependencies]`-like tables, `[features]`, `edition` and `rust-version`
/// whose values differ, with what kind of setting each is.
fn guarded_keys(before: &toml_edit::DocumentMut, after: &toml_edit::DocumentMut) -> Vec<(String, &'static str)> {
    let mut keys = BTreeMap::new();
    collect(before.as_table(), "", &mut keys, 0);
    let mut after_keys = BTreeMap::new();
    collect(after.as_table(), "", &mut after_keys, 0);
    let mut changed = Vec::new();
    for key in keys.keys().chain(after_keys.keys()).collect::<BTreeSet<_>>() {
        let (old, new) = (keys.get(key), after_keys.get(key));
        if old.map(|(v, _)| v) != new.map(|(v, _)| v) {
            let what = old.or(new).map_or("dependencies", |(_, w)| *w);
            changed.push((key.clone(), what));
        }
    }
    changed
}

/// Walks `table`, recording each guarded value under its dotted key, normalised.
fn collect(table: &toml_edit::Table, prefix: &str, out: &mut BTreeMap<String, (String, &'static str)>, depth: usize) {
    for (key, item) in table.iter() {
        let path = if prefix.is_empty() { key.to_owned() } else { format!("{prefix}.{key}") };
        let kind = match key {
            "dependencies" | "dev-dependencies" | "build-dependencies" => Some("dependencies"),
            "features" => Some("features"),
            "edition" if prefix.is_empty() || prefix.ends_with("package") => Some("the edition"),
            "rust-version" if prefix.is_empty() || prefix.ends_with("package") => Some("the rust-version"),
            _ => None,
        };
        match (kind, item) {
            (Some(kind), toml_edit::Item::Table(t)) => {
                for (name, value) in t.iter() {
                    out.insert(format!("{path}.{name}"), (normalise(value), kind));
                }
            }
            (Some(kind), value) => {
                out.insert(path, (normalise(value), kind));
            }
            // `[package.metadata.*]` belongs to tools (docs.rs `features`, ...), not to cargo.
            (None, toml_edit::Item::Table(_)) if key == "metadata" => {}
            (None, toml_edit::Item::Table(t)) if depth < 4 => collect(t, &path, out, depth + 1),
            _ => {}
        }
    }
}

/// Returns a value's text without its formatting or comments, so reformatting is not a change.
fn normalise(item: &toml_edit::Item) -> String {
    let text = match item {
        toml_edit::Item::Value(value) => {
            let mut value = value.clone();
            value.decor_mut().clear();
            if let Some(table) = value.as_inline_table_mut() {
                table.fmt();
            } else if let Some(array) = value.as_array_mut() {
                array.fmt();
            }
            value.to_string()
        }
        toml_edit::Item::Table(table) => {
            let mut table = table.clone();
            table.fmt();
            table.to_string()
        }
        other => other.to_string(),
    };
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Rule 5: no hunk that only changes whitespace or formatting.
fn format_churn(facts: &Facts<'_>, out: &mut Vec<Violation>) {
    let squash = |lines: &[String]| lines.iter().map(|l| without_layout(l)).collect::<String>();
    for file in counted(facts).filter(|f| !f.binary) {
        for hunk in &file.hunks {
            let only_whitespace = squash(&hunk.removed) == squash(&hunk.added);
            let blank_lines = squash(&hunk.removed).is_empty() && squash(&hunk.added).is_empty();
            // A hunk of only new blank lines is layout, not a fix, and is churn too.
            if only_whitespace || blank_lines {
                out.push(Violation {
                    rule: Rule::FormatChurn,
                    location: Some(format!("{}:{}", file.path, hunk.new_start.max(1))),
                    message: "this hunk only changes whitespace or formatting".into(),
                    help: "revert it: reformatting belongs on the main line, not in a patch release".into(),
                });
            }
        }
    }
}

/// Returns `line` without the whitespace formatting may change: whitespace inside string and
/// char literals is content and stays (`"a  b"` differs from `"a b"`).
fn without_layout(line: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == '\\' {
                    out.extend(chars.next());
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '"' => {
                out.push(c);
                quote = Some('"');
            }
            // `' '` or `'\t'`, not a lifetime (`'a`), which has no closing quote.
            None if c == '\'' => {
                out.push(c);
                let ahead: Vec<char> = chars.clone().take(2).collect();
                if ahead.first() == Some(&'\\') || ahead.get(1) == Some(&'\'') {
                    quote = Some('\'');
                }
            }
            None if c.is_whitespace() => {}
            None => out.push(c),
        }
    }
    out
}

/// Rule 6: no merge that brings in history from outside the release line.
fn no_merge(facts: &Facts<'_>, out: &mut Vec<Violation>) {
    for (merge, parent) in facts.outside_merges {
        let subject =
            facts.commits.iter().find(|c| &c.id == merge).map(|c| subject(&c.message).to_owned()).unwrap_or_default();
        out.push(Violation {
            rule: Rule::NoMerge,
            location: Some(format!("{} {subject}", crate::git::short_id(merge))),
            message: format!("this merge brings in {}, which is not on the release line", crate::git::short_id(parent)),
            help: "rebuild the branch without the merge (cherry-pick the fix onto the release line)".into(),
        });
    }
}

/// Rule 7: nothing under `forbid-paths`.
fn paths(facts: &Facts<'_>, out: &mut Vec<Violation>) {
    let patterns: Vec<(String, Pattern)> =
        facts.config.forbid_paths.iter().filter_map(|p| Pattern::new(p).ok().map(|pat| (p.clone(), pat))).collect();
    for file in facts.files {
        if let Some((text, _)) = patterns.iter().find(|(_, p)| p.matches(&file.path)) {
            out.push(Violation {
                rule: Rule::Paths,
                location: Some(file.path.clone()),
                message: format!("`{}` matches `hotfix.forbid-paths` entry `{text}`", file.path),
                help: "revert the change to this file; it cannot ship in a patch release".into(),
            });
        }
    }
}

/// Rule 8: a branch that fixes something adds or changes a test for each crate it fixes.
fn regression_test(facts: &Facts<'_>, out: &mut Vec<Violation>) {
    if !facts.config.require_test {
        return;
    }
    let fixes = facts
        .commits
        .iter()
        .filter_map(|c| ConventionalCommit::parse(&c.message).ok())
        .any(|c| c.kind == "fix" || c.kind == "security");
    if !fixes {
        return;
    }
    let is_test = |file: &FileDiff, krate: &Crate| {
        let inside = &file.path[krate.dir.len()..];
        inside.starts_with("tests/")
            || facts.test_code.get(&file.path).is_some_and(|ranges| {
                file.hunks.iter().any(|h| {
                    let (first, last) = (h.new_start.max(1), h.new_start + h.added.len().saturating_sub(1));
                    ranges.iter().any(|&(start, end)| first <= end && last.max(first) >= start)
                })
            })
    };
    let mut fixed: BTreeMap<&str, bool> = BTreeMap::new();
    // A test added to a member no release moves (the workspace's own test suite, as wgpu's
    // `tests/` package is) tests the crates the branch fixes.
    let mut in_test_suite = false;
    for file in counted(facts) {
        let Some(Owner { krate, in_test_package }) = crate_of(facts.crates, &file.path) else { continue };
        let test = in_test_package || is_test(file, krate);
        if krate.released {
            *fixed.entry(&krate.name).or_insert(false) |= test;
        } else {
            in_test_suite |= test;
        }
    }
    for (name, _) in fixed.into_iter().filter(|(_, tested)| !tested && !in_test_suite) {
        out.push(Violation {
            rule: Rule::RegressionTest,
            location: Some(name.to_owned()),
            message: format!("the fix in `{name}` adds or changes no test"),
            help: format!(
                "add a regression test under `tests/` or in a `#[cfg(test)]` module of `{name}` (or in a test package \
                 no release moves), or set `hotfix.require-test = false`"
            ),
        });
    }
}

/// Returns the line ranges (1-based, inclusive) of test code in a Rust file: items under
/// `#[test]`, `#[cfg(test)]` or another `...test]` attribute, found by brace matching.
pub fn test_ranges(source: &str) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = source.lines().collect();
    let mut ranges = Vec::new();
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        let line = line.trim_start();
        let attribute = line.starts_with("#[") && (line.contains("test]") || line.contains("cfg(test)"));
        if attribute && let Some(end) = item_end(&lines, i) {
            ranges.push((i + 1, end + 1));
            i = end + 1;
            continue;
        }
        i += 1;
    }
    ranges
}

/// Returns the line where the braces of the item starting at `start` close. Braces inside
/// string literals, `'{'` and line comments do not count.
fn item_end(lines: &[&str], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut opened = false;
    let mut in_string = false;
    for (offset, line) in lines.iter().skip(start).enumerate() {
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if in_string => {
                    chars.next();
                }
                '"' => in_string = !in_string,
                _ if in_string => {}
                '/' if chars.peek() == Some(&'/') => break,
                '\'' => {
                    // A char literal like '{' (a lifetime `'a` has no closing quote).
                    let mut ahead = chars.clone();
                    if ahead.next().is_some() && ahead.next() == Some('\'') {
                        chars = ahead;
                    }
                }
                '{' => {
                    depth += 1;
                    opened = true;
                }
                '}' => depth = depth.saturating_sub(1),
                ';' if !opened && depth == 0 && offset > 0 => return Some(start + offset),
                _ => {}
            }
        }
        if opened && depth == 0 {
            return Some(start + offset);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_whitespace_outside_literals() {
        assert_eq!(without_layout("  let x = \"a  b\";"), "letx=\"a  b\";");
        assert_eq!(without_layout("f(' ', '\\'', x)  // c"), "f(' ','\\'',x)//c");
        assert_eq!(without_layout("fn f<'a>(x: &'a str)"), "fnf<'a>(x:&'astr)");
        assert_ne!(without_layout("\"a b\""), without_layout("\"ab\""));
    }

    #[test]
    fn commit_types_on_a_hotfix_branch() {
        let allowed: Vec<String> = ["fix", "revert", "test"].map(String::from).to_vec();
        let judged = |message: &str| type_problem(message, &allowed).map(|(m, _)| m);
        assert_eq!(judged("fix(a): off by one"), None);
        assert_eq!(judged("Revert \"fix(a): off by one\"\n\nThis reverts commit abc."), None);
        assert_eq!(judged("feat: more").unwrap(), "type `feat` is not allowed on a hotfix branch");
        assert!(judged("fix!: api").unwrap().contains("breaking change"));
        assert!(judged("whatever").unwrap().starts_with("not a conventional commit"));
        let no_revert: Vec<String> = vec!["fix".into()];
        assert!(type_problem("Revert \"fix: x\"", &no_revert).is_some(), "only where `revert` is allowed");
    }

    #[test]
    fn finds_test_code() {
        let source = "fn a() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {\n        assert!(true);\n    }\n}\nfn b() {}\n";
        assert_eq!(test_ranges(source), [(3, 9)]);
        assert_eq!(test_ranges("#[test]\nfn x() { let s = \"{\"; }\n"), [(1, 2)]);
        assert_eq!(test_ranges("#[test]\nfn y() {\n    let c = '{'; // }\n}\nfn z() {}\n"), [(1, 4)]);
    }

    #[test]
    fn dependency_edits_are_found_but_formatting_is_not() {
        let before: toml_edit::DocumentMut =
            "[package]\nname = \"a\"\nedition = \"2021\"\n[dependencies]\nserde = \"1\"\nx = { path = \"x\" }\n"
                .parse()
                .unwrap();
        let reformatted: toml_edit::DocumentMut =
            "[package]\nname = \"a\"\nedition = \"2021\"\n\n[dependencies]\nserde =   \"1\"\nx = {path=\"x\"}\n"
                .parse()
                .unwrap();
        assert!(guarded_keys(&before, &reformatted).is_empty());
        let changed: toml_edit::DocumentMut =
            "[package]\nname = \"a\"\nedition = \"2024\"\n[dependencies]\nserde = \"1.0.200\"\nx = { path = \"x\" }\nrand = \"0.9\"\n"
                .parse()
                .unwrap();
        let keys: Vec<String> = guarded_keys(&before, &changed).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["dependencies.rand", "dependencies.serde", "package.edition"]);
    }
}
