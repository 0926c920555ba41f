//! Changelogs: which git-cliff configuration applies, the releases of history (see
//! [`releases`]), and rendering through git-cliff-core, whole or prepended to an existing file.

mod fields;
pub mod notes;
mod process;
pub mod releases;
mod render;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use git_cliff_core::config::Config;
use git_cliff_core::release::Release;
use glob::Pattern;

use crate::conventional::{self, ConventionalCommit};
use crate::git::history::Repository;

pub use releases::Selection;

/// The configuration used when the workspace has no `cliff.toml`.
pub const DEFAULT_CONFIG: &str = include_str!("../../templates/cliff.toml");

/// Where the changelog configuration comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// A git-cliff file: output must equal git-cliff's.
    Cliff(PathBuf),
    /// Our Keep a Changelog template (severity, critical fixes first, cherry-picks once).
    Default,
}

/// A changelog configuration that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("failed to read the changelog configuration `{}`: {message}", path.display())]
    Config { path: PathBuf, message: String },
    #[error("failed to render the changelog: {0}")]
    Render(String),
    #[error("failed to render the changelog with `{}`: {message}", path.display())]
    Template { path: PathBuf, message: String },
}

impl crate::error::Help for Error {
    type Lines = Option<String>;

    fn help(&self) -> Self::Lines {
        match self {
            Self::Config { .. } => {
                Some("fix the file (it is read as git-cliff reads it), or pass another with `--config`".into())
            }
            Self::Render(_) | Self::Template { .. } => {
                Some("check the templates of the changelog configuration".into())
            }
        }
    }
}

/// Returns the configuration file to use: `explicit`, else the first of git-cliff's file names
/// found in `root`, else, as git-cliff looks next, a `Cargo.toml` holding git-cliff tables
/// (`[workspace.metadata.git-cliff.*]` or `[package.metadata.git-cliff.*]`): the one in `cwd`
/// (git-cliff reads only that one), else the root's.
pub fn find_config(explicit: Option<&Path>, root: &Path, cwd: &Path) -> ConfigSource {
    if let Some(path) = explicit {
        return ConfigSource::Cliff(path.to_owned());
    }
    let files = git_cliff_core::CONFIG_FILES.iter().map(|name| root.join(name)).find(|path| path.is_file());
    let manifest =
        || [cwd, root].into_iter().map(|dir| dir.join("Cargo.toml")).find(|path| manifest_config(path).is_some());
    files.or_else(manifest).map_or(ConfigSource::Default, ConfigSource::Cliff)
}

/// Returns the git-cliff configuration a manifest holds, as git-cliff reads it: the whole file
/// with every `[workspace.metadata.git-cliff.` / `[package.metadata.git-cliff.` table header
/// turned into a top-level one (`[changelog]`, `[git]`); `None` when it has no such table or
/// cannot be read.
fn manifest_config(path: &Path) -> Option<String> {
    #[expect(clippy::expect_used, reason = "a constant pattern")]
    static TABLES: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?m)^\[(?:workspace|package)\.metadata\.git\-cliff\.").expect("a valid regex")
    });
    let contents = crate::fs::read_bounded(path, "a manifest", crate::fs::TEXT_LIMIT).ok()?;
    TABLES.is_match(&contents).then(|| TABLES.replace_all(&contents, "[").into_owned())
}

/// Reads `source` as git-cliff does (its defaults, the file, then `GIT_CLIFF__*` variables).
pub fn load_config(source: &ConfigSource) -> Result<Config, Error> {
    match source {
        ConfigSource::Cliff(path) => {
            // Refuse a FIFO, a device or a huge file before git-cliff-core reads it unbounded.
            if let Err(err) = crate::fs::read_bounded(path, "a changelog configuration", crate::fs::TEXT_LIMIT) {
                let message = match err {
                    crate::fs::Error::Read { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                        "no such file".to_owned()
                    }
                    crate::fs::Error::Read { source, .. } => source.to_string(),
                    other => other.to_string(),
                };
                return Err(Error::Config { path: path.clone(), message });
            }
            let is_manifest = path.file_name().is_some_and(|name| name == "Cargo.toml");
            is_manifest
                .then(|| manifest_config(path).map(|contents| Config::from_str(&contents)))
                .flatten()
                .unwrap_or_else(|| Config::load(path))
                .map_err(|err| Error::Config { path: path.clone(), message: err.to_string() })
        }
        ConfigSource::Default => {
            let mut config = Config::from_str(DEFAULT_CONFIG)
                .map_err(|err| Error::Config { path: "templates/cliff.toml".into(), message: err.to_string() })?;
            // The embedded git-cliff defaults would add their own footer.
            config.changelog.footer = None;
            Ok(config)
        }
    }
}

/// What to describe and how.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub selection: Selection,
    /// Extra path filters (`-p CRATE` adds the crate's directory).
    pub include_paths: Vec<Pattern>,
    /// The current directory's files, when run below the repository root: git-cliff's include
    /// path when neither the config nor `include_paths` names one.
    pub current_dir: Option<Pattern>,
    /// The release tags, for the default configuration (a `cliff.toml` sets its own).
    pub tag_pattern: Option<regex::Regex>,
    /// Render the sections only (for `--prepend`, which keeps the file's own header).
    pub without_header_and_footer: bool,
}

/// A changelog ready to print.
pub struct Rendered {
    pub text: String,
    /// The configured header, to find where a new section goes.
    pub header: Option<String>,
    /// The configured footer, which an Unreleased section being replaced stops before.
    pub footer: Option<String>,
    /// Tags skipped because they do not match the tag pattern (shown with `-v`).
    pub unmatched_tags: Vec<String>,
}

/// Renders the changelog of `request` from `repo`.
pub fn render(repo: &Repository, source: &ConfigSource, request: &Request) -> anyhow::Result<Rendered> {
    let mut config = load_config(source)?;
    if let Some(pattern) = &request.tag_pattern {
        config.git.tag_pattern = Some(pattern.clone());
    }
    let header = config.changelog.header.clone();
    let footer = config.changelog.footer.clone();
    if request.without_header_and_footer {
        config.changelog.header = None;
        config.changelog.footer = None;
    }
    skip_cliffignored(repo, &mut config);
    let built = releases::build(repo, &config, &request.selection, render::previous_commits_read(&config))?;
    let mut release_list = built.releases;
    let mut include = config.git.include_paths.clone();
    include.extend(request.include_paths.iter().cloned());
    if include.is_empty() {
        include.extend(request.current_dir.clone());
    }
    if !include.is_empty() || !config.git.exclude_paths.is_empty() {
        let kept = releases::commits_touching(repo, &built.commits, &include, &config.git.exclude_paths)?;
        releases::filter_commits(&mut release_list, |id| kept.contains(id));
    }
    crate::parallel::drop_beside(built.commits);
    if *source == ConfigSource::Default {
        annotate_for_default_template(&mut release_list);
    }
    let name = match source {
        ConfigSource::Cliff(path) => path.clone(),
        ConfigSource::Default => PathBuf::from("templates/cliff.toml"),
    };
    let in_config = |message: String| Error::Template { path: name.clone(), message };
    // As `Changelog::new` does: the templates parse, then the commits are processed.
    let templates = render::Templates::parse(&config).map_err(|err| in_config(err.to_string()))?;
    let release_list = process::releases(release_list, &config).map_err(|err| in_config(err.to_string()))?;
    let text = render::generate(&templates, release_list, &config).map_err(|err| match err {
        Error::Render(message) => in_config(message),
        other => other,
    })?;
    Ok(Rendered { text, header, footer, unmatched_tags: built.unmatched_tags })
}

/// Returns `existing` with `section` inserted under its header (or, when the header is not
/// found, before the first `## ` release heading, else at the end), or `None` when `section` is
/// already there, so running `--prepend` twice adds nothing.
pub fn prepend(existing: &str, section: &str, header: Option<&str>) -> Option<String> {
    let section_body = section.trim();
    if section_body.is_empty() || existing.contains(section_body) {
        return None;
    }
    let after_header =
        header.map(str::trim_end).filter(|h| !h.is_empty()).and_then(|h| existing.find(h).map(|i| i + h.len()));
    let insert_at = match after_header {
        // After the header and the blank lines that follow it.
        Some(end) => end + existing[end..].len() - existing[end..].trim_start_matches(['\n', '\r']).len(),
        None => release_heading(existing).unwrap_or(existing.len()),
    };
    let mut out = String::with_capacity(existing.len() + section.len() + 2);
    out.push_str(&existing[..insert_at]);
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
    }
    out.push_str(section_body);
    out.push_str(if insert_at < existing.len() { "\n\n" } else { "\n" });
    out.push_str(&existing[insert_at..]);
    Some(out)
}

/// Returns `existing` with `section` in place of its Unreleased section (the first `## `
/// heading that says "unreleased", up to the next `## ` heading or the footer), else as
/// [`prepend`] puts it; `None` when `section` is already there. The Unreleased part of history
/// is what a new section describes, whether it stays unreleased or is named by `--tag`, so an
/// outdated one is replaced rather than kept beside the new one.
pub fn prepend_replacing_unreleased(
    existing: &str,
    section: &str,
    header: Option<&str>,
    footer: Option<&str>,
) -> Option<String> {
    let section_body = section.trim();
    if section_body.is_empty() || existing.contains(section_body) {
        return None;
    }
    let Some((start, end)) = unreleased_section(existing, footer) else {
        return prepend(existing, section, header);
    };
    let rest = &existing[end..];
    let mut out = String::with_capacity(existing.len() + section.len());
    out.push_str(&existing[..start]);
    out.push_str(section_body);
    out.push_str(if rest.is_empty() { "\n" } else { "\n\n" });
    out.push_str(rest);
    Some(out)
}

/// Returns the byte range of the Unreleased section of `text`: from its heading to the next
/// release heading, or to the footer (or the end) when it is the last section.
fn unreleased_section(text: &str, footer: Option<&str>) -> Option<(usize, usize)> {
    let start = line_offsets(text).find(|(_, line)| is_release_heading(line) && is_unreleased(line))?.0;
    let after_heading = start + text[start..].find('\n').map_or(text.len() - start, |i| i + 1);
    let next_heading = line_offsets(&text[after_heading..]).find(|(_, line)| is_release_heading(line));
    let end = match next_heading {
        Some((offset, _)) => after_heading + offset,
        None => footer
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .and_then(|f| text[after_heading..].find(f))
            .map_or(text.len(), |offset| after_heading + offset),
    };
    Some((start, end))
}

fn line_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n').scan(0, |offset, line| {
        let at = *offset;
        *offset += line.len();
        Some((at, line))
    })
}

fn is_release_heading(line: &str) -> bool {
    line.starts_with("## ")
}

fn is_unreleased(heading: &str) -> bool {
    heading.to_ascii_lowercase().contains("unreleased")
}

/// Returns the offset of the first line that starts a release section (`## `).
fn release_heading(text: &str) -> Option<usize> {
    line_offsets(text).find(|(_, line)| is_release_heading(line)).map(|(offset, _)| offset)
}

/// `.cliffignore` lists commits to leave out; git-cliff turns each into a skip parser.
fn skip_cliffignored(repo: &Repository, config: &mut Config) {
    let Ok(contents) = std::fs::read_to_string(repo.workdir().join(git_cliff_core::IGNORE_FILE)) else { return };
    for sha in contents.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        config.git.commit_parsers.insert(
            0,
            git_cliff_core::config::CommitParser { sha: Some(sha.to_owned()), skip: Some(true), ..Default::default() },
        );
    }
}

/// Prepares commits for the default template: severity in `extra.severity`, critical fixes
/// first within each release, and a cherry-picked commit left out when its original is listed.
fn annotate_for_default_template(releases: &mut [Release<'static>]) {
    let listed: Vec<String> = releases.iter().flat_map(|r| &r.commits).map(|c| c.id.clone()).collect();
    for release in releases {
        release.commits.retain(|commit| {
            conventional::cherry_picked_from(&commit.message)
                .is_none_or(|original| !listed.iter().any(|id| id != &commit.id && id.starts_with(original)))
        });
        for commit in &mut release.commits {
            let severity = ConventionalCommit::parse(&commit.message).ok().and_then(|c| c.severity());
            commit.extra = Some(serde_json::json!({ "severity": severity.map(|s| s.to_string()) }));
        }
        release.commits.sort_by_key(|commit| {
            let critical = commit.extra.as_ref().and_then(|e| e["severity"].as_str()) == Some("critical");
            !critical
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepend_is_idempotent() {
        let header = "# Changelog\n";
        let existing = "# Changelog\n\n## [1.0.0]\n- a\n";
        let once = prepend(existing, "## [1.0.1]\n- b\n", Some(header)).unwrap();
        assert_eq!(once, "# Changelog\n\n## [1.0.1]\n- b\n\n## [1.0.0]\n- a\n");
        assert_eq!(prepend(&once, "## [1.0.1]\n- b\n", Some(header)), None);
        assert_eq!(prepend("", "## [1.0.1]\n", None).unwrap(), "## [1.0.1]\n");
        // A header written by hand: the new section goes before the first release.
        let own = "# Changes\n\nIntro.\n\n## [1.0.0]\n- a\n";
        let once = prepend(own, "## [1.0.1]\n- b\n", Some(header)).unwrap();
        assert_eq!(once, "# Changes\n\nIntro.\n\n## [1.0.1]\n- b\n\n## [1.0.0]\n- a\n");
        assert_eq!(prepend("# Changes\n", "## [1.0.1]\n", Some(header)).unwrap(), "# Changes\n\n## [1.0.1]\n");
    }

    #[test]
    fn an_outdated_unreleased_section_is_replaced() {
        let header = Some("# Changelog\n");
        let existing = "# Changelog\n\n## [Unreleased]\n- a\n\n## [1.0.0]\n- z\n";
        let new = "## [Unreleased]\n- b\n- a\n";
        let once = prepend_replacing_unreleased(existing, new, header, None).unwrap();
        assert_eq!(once, "# Changelog\n\n## [Unreleased]\n- b\n- a\n\n## [1.0.0]\n- z\n");
        assert_eq!(prepend_replacing_unreleased(&once, new, header, None), None);
        // Named by `--tag`, the same commits replace the Unreleased section too.
        let tagged = prepend_replacing_unreleased(existing, "## [1.0.1]\n- a\n", header, None).unwrap();
        assert_eq!(tagged, "# Changelog\n\n## [1.0.1]\n- a\n\n## [1.0.0]\n- z\n");
        // The last section stops before the footer.
        let last = "# Changelog\n\n## [unreleased]\n- a\n\n<!-- footer -->\n";
        let replaced = prepend_replacing_unreleased(last, new, header, Some("<!-- footer -->\n")).unwrap();
        assert_eq!(replaced, "# Changelog\n\n## [Unreleased]\n- b\n- a\n\n<!-- footer -->\n");
        // No Unreleased section: inserted as `prepend` does.
        let plain = "# Changelog\n\n## [1.0.0]\n- z\n";
        assert_eq!(prepend_replacing_unreleased(plain, new, header, None), prepend(plain, new, header));
    }
}
