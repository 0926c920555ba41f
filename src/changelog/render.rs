//! Rendering processed releases exactly as git-cliff-core's `Changelog::generate` does, but
//! without its linear-but-heavy costs on long histories (measured: 83 % of a 100k-commit run):
//!
//! - every release body is rendered on its own, so bodies render on all cores;
//! - each commit in a body's context holds only the fields the template can read (see
//!   [`CommitFields`]): Tera copies commits whole many times per commit;
//! - the header and footer get `releases` serialised whole, every commit included, even when
//!   they only print versions and dates: when their text never names `commits` (nor dumps the
//!   context), the commits are left out of that context. Likewise the copy of the previous
//!   release inside each body's context loses its commits when no template reads them.
//!
//! The output is byte for byte the same: the parity tests compare it with the git-cliff binary.

use std::collections::HashMap;
use std::sync::LazyLock;

use git_cliff_core::config::Config;
use git_cliff_core::release::{Release, Releases};
use git_cliff_core::template::Template;
use regex::Regex;

use super::Error;
use super::fields::{CommitFields, Pruned};

/// The header, body and footer templates, parsed once.
pub(super) struct Templates {
    header: Option<Template>,
    body: Template,
    body_text: String,
    footer: Option<Template>,
}

impl Templates {
    /// Returns the templates of `config`, parsed in the order `Changelog::new` parses them (so
    /// the first error is the same).
    pub(super) fn parse(config: &Config) -> Result<Self, git_cliff_core::error::Error> {
        let trim = config.changelog.trim;
        let parse = |name: &str, text: &Option<String>| text.clone().map(|t| Template::new(name, t, trim)).transpose();
        let header = parse("header", &config.changelog.header)?;
        let body = Template::new("body", config.changelog.body.clone(), trim)?;
        let footer = parse("footer", &config.changelog.footer)?;
        Ok(Self { header, body, body_text: config.changelog.body.clone(), footer })
    }
}

/// Renders `releases` (newest first, processed): header, each release, footer, then markdown
/// formatting if configured.
pub(super) fn generate(
    templates: &Templates,
    mut releases: Vec<Release<'static>>,
    config: &Config,
) -> Result<String, Error> {
    let render_error = |err: git_cliff_core::error::Error| Error::Render(err.to_string());
    let texts: Vec<&str> =
        [config.changelog.header.as_deref(), Some(config.changelog.body.as_str()), config.changelog.footer.as_deref()]
            .into_iter()
            .flatten()
            .collect();
    let context = additional_context(config)?;
    let postprocessors = &config.changelog.postprocessors;

    if !previous_commits_read(config) {
        for release in &mut releases {
            if let Some(previous) = release.previous.as_mut() {
                previous.commits = Vec::new();
            }
        }
    }
    let remote_data = texts.iter().any(|t| reads_remote_data(t));
    let bodies = render_bodies(templates, &releases, &context, postprocessors, remote_data)?;

    let whole = |text: &Option<String>| text.as_deref().is_some_and(reads_commits);
    if !whole(&config.changelog.header) && !whole(&config.changelog.footer) {
        let commits: Vec<_> = releases.iter_mut().map(|release| std::mem::take(&mut release.commits)).collect();
        crate::parallel::drop_beside(commits);
    }
    let with_remote_data = if remote_data {
        let all: Vec<serde_json::Value> = releases.iter().map(with_empty_remote_data).collect::<Result<_, _>>()?;
        Some(serde_json::json!({ "releases": all }))
    } else {
        None
    };
    let releases = Releases { releases: &releases };
    let render_whole = |template: &Template| match &with_remote_data {
        Some(releases) => template.render(releases, Some(&context), postprocessors),
        None => template.render(&releases, Some(&context), postprocessors),
    };
    let mut output = String::new();
    if let Some(header) = &templates.header {
        output.push_str(&render_whole(header).map_err(render_error)?);
        output.push('\n');
        let marker = &config.changelog.header_marker;
        if !header.variables.is_empty() && !marker.is_empty() {
            output.push_str(marker);
            output.push('\n');
        }
    }
    bodies.iter().for_each(|b| output.push_str(b));
    if let Some(footer) = &templates.footer {
        output.push_str(&render_whole(footer).map_err(render_error)?);
        output.push('\n');
    }
    if config.changelog.format {
        output = git_cliff_core::markdown::format_markdown(&output).map_err(render_error)?;
    }
    Ok(output)
}

/// Renders each release's body, in order, on all cores; with `remote_data`, each release carries
/// the empty remote data git-cliff `--offline` gives it.
fn render_bodies(
    templates: &Templates,
    releases: &[Release<'_>],
    context: &HashMap<String, serde_json::Value>,
    postprocessors: &[git_cliff_core::config::TextProcessor],
    remote_data: bool,
) -> Result<Vec<String>, Error> {
    let (body, fields) = (&templates.body, CommitFields::read_by(&templates.body_text));
    crate::parallel::try_map(releases, 1, |release| {
        let rendered = match (remote_data, &fields) {
            (false, CommitFields::Any) => body.render(release, Some(context), postprocessors),
            (false, CommitFields::Named(named)) => {
                body.render(&Pruned::new(release, named), Some(context), postprocessors)
            }
            (true, _) => {
                let mut value = if remote_data { with_empty_remote_data(release)? } else { to_json(release)? };
                fields.prune(&mut value);
                body.render(&value, Some(context), postprocessors)
            }
        };
        rendered.map_err(|e| Error::Render(e.to_string()))
    })
}

fn to_json(release: &Release<'_>) -> Result<serde_json::Value, Error> {
    serde_json::to_value(release).map_err(|e| Error::Render(e.to_string()))
}

/// The forges git-cliff's released binary is built for (its `github`, `gitlab`, `gitea`,
/// `bitbucket` and `azure_devops` features): each adds `<forge>.contributors` to every release
/// and `<forge>` (a contributor) to every commit. git-cliff-core without those features (ours:
/// they pull in an HTTP client) has neither field, so a template that names one would fail.
const FORGES: [&str; 5] = ["github", "gitlab", "gitea", "bitbucket", "azure_devops"];

/// Returns `release` as its template sees it in git-cliff `--offline`: every forge's remote data
/// present and empty, in the release, its commits and its `previous` copy.
fn with_empty_remote_data(release: &Release<'_>) -> Result<serde_json::Value, Error> {
    let to_value = |v: serde_json::Result<serde_json::Value>| v.map_err(|e| Error::Render(e.to_string()));
    let contributor = to_value(serde_json::to_value(git_cliff_core::contributor::RemoteContributor::default()))?;
    let mut value = to_value(serde_json::to_value(release))?;
    let fill = |release: &mut serde_json::Value| {
        let Some(fields) = release.as_object_mut() else { return };
        for forge in FORGES {
            fields.entry(forge).or_insert_with(|| serde_json::json!({ "contributors": [] }));
        }
        for commit in fields.get_mut("commits").and_then(serde_json::Value::as_array_mut).into_iter().flatten() {
            if let Some(commit) = commit.as_object_mut() {
                for forge in FORGES {
                    commit.entry(forge).or_insert_with(|| contributor.clone());
                }
            }
        }
    };
    if let Some(previous) = value.get_mut("previous") {
        fill(previous);
    }
    fill(&mut value);
    Ok(value)
}

/// Whether a template may read a forge's remote data: it names a forge, or it can see the
/// fields it does not name (it counts or lists them).
fn reads_remote_data(text: &str) -> bool {
    FORGES.iter().any(|forge| text.contains(forge)) || matches!(CommitFields::read_by(text), CommitFields::Any)
}

/// The context git-cliff-core adds to every template (`Changelog::build` and
/// `add_remote_context`): the parser groups in order, and the remote settings.
fn additional_context(config: &Config) -> Result<HashMap<String, serde_json::Value>, Error> {
    let to_value = |v: serde_json::Result<serde_json::Value>| v.map_err(|e| Error::Render(e.to_string()));
    let mut seen = std::collections::HashSet::new();
    let groups: Vec<String> =
        config.git.commit_parsers.iter().filter_map(|p| p.group.clone()).filter(|g| seen.insert(g.clone())).collect();
    Ok(HashMap::from([
        ("commit_parsers_groups".to_owned(), to_value(serde_json::to_value(groups))?),
        ("remote".to_owned(), to_value(serde_json::to_value(config.remote.clone()))?),
    ]))
}

/// Whether a template may read the whole context, so that nothing may be left out of it.
pub(super) fn dumps_context(text: &str) -> bool {
    text.contains("__tera_context") || text.contains("json_encode")
}

/// Whether a header or footer template may read the commits of `releases`.
fn reads_commits(text: &str) -> bool {
    dumps_context(text) || text.contains("commits")
}

/// Whether a template of `config` may read the commits of a release's `previous` copy.
pub(super) fn previous_commits_read(config: &Config) -> bool {
    [config.changelog.header.as_deref(), Some(config.changelog.body.as_str()), config.changelog.footer.as_deref()]
        .into_iter()
        .flatten()
        .any(reads_previous_commits)
}

/// Whether a template may read the commits of a release's `previous` copy.
fn reads_previous_commits(text: &str) -> bool {
    #[expect(clippy::expect_used, reason = "a constant pattern")]
    static PREVIOUS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"previous\W*commits|=\s*(release\s*\.\s*)?previous\b"#).expect("a valid regex"));
    dumps_context(text) || PREVIOUS.is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_stay_in_the_context_whenever_a_template_may_read_them() {
        assert!(!reads_commits("{% for r in releases %}[{{ r.version }}]: {{ r.previous.version }}{% endfor %}"));
        assert!(reads_commits("{% for r in releases %}{{ r.commits | length }}{% endfor %}"));
        assert!(reads_commits("{{ releases | json_encode() }}"));
        assert!(!reads_previous_commits("{{ previous.version }}"));
        assert!(reads_previous_commits("{{ previous.commits | length }}"));
        assert!(reads_previous_commits(r#"{{ previous["commits"] }}"#));
        assert!(reads_previous_commits("{% set p = previous %}{{ p.commits }}"));
        assert!(reads_previous_commits("{{ __tera_context }}"));
    }
}
