//! Which fields of each commit a body template can read, and a release serialised for that
//! template with only those fields.
//!
//! Tera clones a commit whole on every lookup inside a loop over a filter's output (the
//! `group_by` every git-cliff template uses), and `group_by` clones each commit twice more, so
//! the fields no template can read are most of a long history's rendering. The fields left out
//! are never converted: [`Pruned`] serialises the release through git-cliff-core's own
//! `Serialize` impls and drops the unread commit fields as they pass, so the context Tera gets
//! is the same as git-cliff's but for fields the template cannot see.

use std::cell::RefCell;
use std::sync::LazyLock;

use git_cliff_core::commit::Commit;
use git_cliff_core::release::Release;
use regex::Regex;
use serde::ser::{self, Impossible, Serialize, SerializeSeq, SerializeStruct, Serializer};

/// Which fields of each commit a body template can read.
///
/// A field can be read only by its name, so one the text never names is left out; unless the
/// template can see the fields it does not name: by dumping the context, counting an object's
/// keys (`length`), looping over them (`for key, value in ...`, except over `group_by`'s
/// groups), looking one up by a computed name (`commit[name]`, `get(key=name)`) or comparing
/// two values that may be whole commits (`a == b`, `a in b`).
pub(super) enum CommitFields<'t> {
    Any,
    Named(&'t str),
}

impl<'t> CommitFields<'t> {
    pub(super) fn read_by(text: &'t str) -> Self {
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
        if super::render::dumps_context(text)
            || SEES_ALL.is_match(&code)
            || names_compared
            || !KEY_VALUE_LOOP.captures_iter(&code).all(over_groups)
        {
            return Self::Any;
        }
        Self::Named(text)
    }

    /// Removes from every commit of `release` (a release as JSON) the fields no template reads.
    pub(super) fn prune(&self, release: &mut serde_json::Value) {
        let Self::Named(text) = self else { return };
        let commits = release.get_mut("commits").and_then(serde_json::Value::as_array_mut);
        for commit in commits.into_iter().flatten().filter_map(serde_json::Value::as_object_mut) {
            commit.retain(|field, _| text.contains(field.as_str()));
        }
    }
}

/// A release that serialises as git-cliff-core serialises it, but with each of its commits
/// holding only the fields a template whose text is `named` names (see [`CommitFields`]).
pub(super) struct Pruned<'a, 'r> {
    release: &'a Release<'r>,
    commits: Commits<'a, 'r>,
}

impl<'a, 'r> Pruned<'a, 'r> {
    pub(super) fn new(release: &'a Release<'r>, named: &'a str) -> Self {
        Self { release, commits: Commits { commits: &release.commits, named, kept: RefCell::default() } }
    }
}

impl Serialize for Pruned<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.release.serialize(Fields { inner: serializer, keep: &|_| true, commits: Some(&self.commits) })
    }
}

/// A release's commits, each with only the fields `named` names.
struct Commits<'a, 'r> {
    commits: &'a [Commit<'r>],
    named: &'a str,
    /// Whether each field name seen so far is kept: decided once per release, not per commit.
    kept: RefCell<Vec<(&'static str, bool)>>,
}

impl Commits<'_, '_> {
    fn keeps(&self, field: &'static str) -> bool {
        let mut kept = self.kept.borrow_mut();
        if let Some(&(_, keep)) = kept.iter().find(|(name, _)| *name == field) {
            return keep;
        }
        let keep = self.named.contains(field);
        kept.push((field, keep));
        keep
    }
}

impl Serialize for Commits<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.commits.len()))?;
        for commit in self.commits {
            seq.serialize_element(&OneCommit { commit, of: self })?;
        }
        seq.end()
    }
}

/// One commit of [`Commits`].
struct OneCommit<'a, 'r> {
    commit: &'a Commit<'r>,
    of: &'a Commits<'a, 'r>,
}

impl Serialize for OneCommit<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.commit.serialize(Fields { inner: serializer, keep: &|field| self.of.keeps(field), commits: None })
    }
}

/// A serializer for one struct: the fields `keep` refuses are skipped, and a `commits` field is
/// replaced by `commits` when it is given. Anything but a struct is refused.
struct Fields<'k, S> {
    inner: S,
    keep: &'k dyn Fn(&'static str) -> bool,
    commits: Option<&'k Commits<'k, 'k>>,
}

struct FieldsOf<'k, S: SerializeStruct> {
    inner: S,
    keep: &'k dyn Fn(&'static str) -> bool,
    commits: Option<&'k Commits<'k, 'k>>,
}

impl<S: SerializeStruct> SerializeStruct for FieldsOf<'_, S> {
    type Ok = S::Ok;
    type Error = S::Error;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), S::Error> {
        match self.commits {
            Some(commits) if key == "commits" => self.inner.serialize_field(key, commits),
            _ if (self.keep)(key) => self.inner.serialize_field(key, value),
            _ => Ok(()),
        }
    }

    fn end(self) -> Result<S::Ok, S::Error> {
        self.inner.end()
    }
}

/// The methods of [`Fields`] for what is not a struct: each refuses.
macro_rules! not_a_struct {
    ($($method:ident($($arg:ty),*) -> $ret:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ret, S::Error> {
            Err(ser::Error::custom(concat!("a struct was expected, not ", stringify!($method))))
        })*
    };
}

impl<'k, S: Serializer> Serializer for Fields<'k, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Impossible<S::Ok, S::Error>;
    type SerializeTuple = Impossible<S::Ok, S::Error>;
    type SerializeTupleStruct = Impossible<S::Ok, S::Error>;
    type SerializeTupleVariant = Impossible<S::Ok, S::Error>;
    type SerializeMap = Impossible<S::Ok, S::Error>;
    type SerializeStruct = FieldsOf<'k, S::SerializeStruct>;
    type SerializeStructVariant = Impossible<S::Ok, S::Error>;

    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Self::SerializeStruct, S::Error> {
        let inner = self.inner.serialize_struct(name, len)?;
        Ok(FieldsOf { inner, keep: self.keep, commits: self.commits })
    }

    not_a_struct! {
        serialize_bool(bool) -> S::Ok;
        serialize_i8(i8) -> S::Ok;
        serialize_i16(i16) -> S::Ok;
        serialize_i32(i32) -> S::Ok;
        serialize_i64(i64) -> S::Ok;
        serialize_u8(u8) -> S::Ok;
        serialize_u16(u16) -> S::Ok;
        serialize_u32(u32) -> S::Ok;
        serialize_u64(u64) -> S::Ok;
        serialize_f32(f32) -> S::Ok;
        serialize_f64(f64) -> S::Ok;
        serialize_char(char) -> S::Ok;
        serialize_str(&str) -> S::Ok;
        serialize_bytes(&[u8]) -> S::Ok;
        serialize_none() -> S::Ok;
        serialize_unit() -> S::Ok;
        serialize_unit_struct(&'static str) -> S::Ok;
        serialize_unit_variant(&'static str, u32, &'static str) -> S::Ok;
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<S::Ok, S::Error> {
        Err(ser::Error::custom("a struct was expected, not an option"))
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, _: &T) -> Result<S::Ok, S::Error> {
        Err(ser::Error::custom("a struct was expected, not a newtype struct"))
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<S::Ok, S::Error> {
        Err(ser::Error::custom("a struct was expected, not a newtype variant"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_pruned_release_is_the_release_without_the_fields_left_out() {
        let commit = |id: &str, message: &str| {
            let mut commit = Commit::new(id.to_owned(), message.to_owned());
            commit.author.name = Some("A. Author".to_owned());
            commit.into_conventional().unwrap_or_else(|_| Commit::new(id.to_owned(), message.to_owned()))
        };
        let previous =
            Release { version: Some("v0.9.0".into()), commits: vec![commit("p", "fix: old")], ..Default::default() };
        let release = Release {
            version: Some("v1.0.0".into()),
            commits: vec![
                commit("a", "feat(api)!: new call\n\nBody.\n\nSeverity: critical\nBREAKING CHANGE: gone"),
                commit("b", "not conventional"),
            ],
            previous: Some(Box::new(previous)),
            timestamp: Some(7),
            ..Default::default()
        };
        for named in [
            "{{ commit.message }} {{ commit.scope }} {{ commit.footers }} {{ commit.breaking }}",
            "",
            "{{ commit.id }}",
        ] {
            let mut expected = serde_json::to_value(&release).unwrap();
            CommitFields::Named(named).prune(&mut expected);
            assert_eq!(serde_json::to_value(Pruned::new(&release, named)).unwrap(), expected, "{named}");
        }
        // Nothing else but commits loses a field: the previous release keeps its commits whole.
        let pruned = serde_json::to_value(Pruned::new(&release, "")).unwrap();
        assert_eq!(pruned["previous"], serde_json::to_value(&release.previous).unwrap());
        assert_eq!(pruned["commits"], serde_json::json!([{}, {}]));
    }
}
