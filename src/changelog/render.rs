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
    mut releases: Vec<Release<'_>>,
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

    if texts.iter().all(|t| !reads_previous_commits(t)) {
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
        for release in &mut releases {
            release.commits = Vec::new();
        }
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
            _ => {
                let mut value = if remote_data { with_empty_remote_data(release)? } else { to_json(release)? };
                fields.prune(&mut value);
                body.render(&value, Some(context), postprocessors)
            }
        };
        rendered.map_err(|e| Error::Render(e.to_string()))
    })
}

/// Which fields of each commit a body template can read.
///
/// Tera clones a commit whole on every lookup inside a loop over a filter's output (the
/// `group_by` every git-cliff template uses), and `group_by` clones each commit twice more, so
/// the fields no template can read are most of a long history's rendering. A field can be read
/// only by its name, so one the text never names is left out; unless the template can see the
/// fields it does not name: by dumping the context, counting an object's keys (`length`),
/// looping over them (`for key, value in ...`, except over `group_by`'s groups), looking one up
/// by a computed name (`commit[name]`, `get(key=name)`) or comparing two values that may be
/// whole commits (`a == b`, `a in b`).
enum CommitFields<'t> {
    Any,
    Named(&'t str),
}

impl<'t> CommitFields<'t> {
    fn read_by(text: &'t str) -> Self {
        #[expect(clippy::expect_used, reason = "constant patterns")]
        static SEES_ALL: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"\|\s*length\b|\[\s*[A-Za-z_]|\bkey\s*=\s*[A-Za-z_]").expect("a valid regex"));
        #[expect(clippy::expect_used, reason = "constant patterns")]
        static KEY_VALUE_LOOP: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"\bfor\s+\w+\s*,\s*\w+\s+in\s+([^%]*)").expect("a valid regex"));
        // Two names compared (`a == b`, `a != b`, `a in b`), or a loop (`for a in b`).
        #[expect(clippy::expect_used, reason = "constant patterns")]
        static COMPARED: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(\bfor\s+\w+(?:\s*,\s*\w+)?|[A-Za-z_][\w.]*)\s*(?:==|!=|\s+in\s+)\s*([A-Za-z_]\w*)")
                .expect("a valid regex")
        });
        // Tera's tags and expressions, not the text around them (`## [Unreleased]`).
        #[expect(clippy::expect_used, reason = "constant patterns")]
        static CODE: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}").expect("a valid regex"));
        let code: String = CODE.find_iter(text).map(|m| m.as_str()).collect::<Vec<_>>().join("\n");
        let over_groups = |c: regex::Captures<'_>| c.get(1).is_some_and(|m| m.as_str().contains("group_by"));
        let literal = |word: &str| matches!(word, "true" | "false" | "none" | "True" | "False");
        let names_compared = COMPARED.captures_iter(&code).any(|c| {
            let left = c.get(1).map_or("", |m| m.as_str());
            !left.starts_with("for") && !literal(left) && c.get(2).is_some_and(|m| !literal(m.as_str()))
        });
        if dumps_context(text)
            || SEES_ALL.is_match(&code)
            || names_compared
            || !KEY_VALUE_LOOP.captures_iter(&code).all(over_groups)
        {
            return Self::Any;
        }
        Self::Named(text)
    }

    /// Removes from every commit of `release` (a release as JSON) the fields no template reads.
    fn prune(&self, release: &mut serde_json::Value) {
        let Self::Named(text) = self else { return };
        let commits = release.get_mut("commits").and_then(serde_json::Value::as_array_mut);
        for commit in commits.into_iter().flatten().filter_map(serde_json::Value::as_object_mut) {
            commit.retain(|field, _| text.contains(field.as_str()));
        }
    }
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
fn dumps_context(text: &str) -> bool {
    text.contains("__tera_context") || text.contains("json_encode")
}

/// Whether a header or footer template may read the commits of `releases`.
fn reads_commits(text: &str) -> bool {
    dumps_context(text) || text.contains("commits")
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

    #[test]
    fn commit_fields_are_left_out_only_when_no_template_can_see_them() {
        let named = |text| matches!(CommitFields::read_by(text), CommitFields::Named(_));
        let bench = r#"{% for group, commits in commits | group_by(attribute="group") %}
            {% for commit in commits %}{% if commit.scope == "x" %}{{ commit.message }}{% endif %}{% endfor %}
            {% for footer in commit.footers | filter(attribute="token", value="Severity") %}{% endfor %}
            {% endfor %}"#;
        assert!(named(bench));
        assert!(named("## [Unreleased] {{ commit.message }} in this [release]"));
        assert!(named("{% for commit in commits %}{% if commit.breaking == true %}!{% endif %}{% endfor %}"));
        assert!(named(r#"{% if "fix" in commit.message %}{% endif %}"#));
        assert!(!named("{{ commits | json_encode() }}"));
        assert!(!named("{{ commits | first | length }}"));
        assert!(!named("{% for key, value in commit %}{{ key }}{% endfor %}"));
        assert!(!named("{{ commit[field] }}"));
        assert!(!named("{{ commit | get(key=field) }}"));
        assert!(!named("{% if commit == previous.commits.0 %}{% endif %}"));
        assert!(!named("{% if commit in seen %}{% endif %}"));
        let mut release =
            serde_json::json!({ "version": "v1", "commits": [{ "id": "a", "message": "m", "author": {} }] });
        CommitFields::Named("{{ commit.message }}").prune(&mut release);
        assert_eq!(release, serde_json::json!({ "version": "v1", "commits": [{ "message": "m" }] }));
    }
}
