//! Conventional Commits 1.0.0: the header, breaking changes, footers, `Severity:` and the
//! `(cherry picked from commit X)` trailer, plus the bump level Cargo's rules give.
//!
//! Hand-written rather than regex-based: the commit-msg hook parses one message per commit and
//! must cost no more than starting the process.

use std::fmt;

use semver::Version;

/// A parsed conventional commit message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConventionalCommit {
    /// The type, lower-cased (`feat`, `fix`, ...).
    pub kind: String,
    pub scope: Option<String>,
    pub description: String,
    /// `!` in the header or a `BREAKING CHANGE:`/`BREAKING-CHANGE:` footer.
    pub breaking: bool,
    pub footers: Vec<Footer>,
}

/// One footer (`Token: value` or `Token #value`); a value may span several lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Footer {
    pub token: String,
    pub value: String,
}

/// How serious a fix is, from its `Severity:` footer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Minor,
    Major,
    Critical,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Minor => "minor",
            Self::Major => "major",
            Self::Critical => "critical",
        })
    }
}

/// Why a message is not a conventional commit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the message is empty")]
    Empty,
    #[error(
        "a conventional header is `type(scope): description`, e.g. `fix(parser): handle empty input` or `docs: update the readme`"
    )]
    NoType,
    #[error("the type `{0}` may contain only letters, digits, `_` and `-`")]
    BadType(String),
    #[error("the scope is not closed with `)`")]
    UnclosedScope,
    #[error("the scope is empty")]
    EmptyScope,
    #[error("the type must be followed by `: ` (a colon and a space)")]
    NoSeparator,
    #[error("the description after `: ` is empty")]
    EmptyDescription,
}

/// The semver level a change calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Patch,
    Minor,
    Major,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Patch => "patch",
            Self::Minor => "minor",
            Self::Major => "major",
        })
    }
}

impl Level {
    /// Returns the bump target of this level.
    pub fn target(self) -> crate::version::TargetVersion {
        use crate::version::BumpLevel;
        crate::version::TargetVersion::Level(match self {
            Self::Major => BumpLevel::Major,
            Self::Minor => BumpLevel::Minor,
            Self::Patch => BumpLevel::Patch,
        })
    }
}

impl ConventionalCommit {
    /// Parses `message` (comment lines must already be stripped).
    pub fn parse(message: &str) -> Result<Self, ParseError> {
        let message = message.trim_start_matches(['\n', '\r']);
        let (header, rest) = message.split_once('\n').unwrap_or((message, ""));
        let header = header.trim_end_matches('\r');
        if header.trim().is_empty() {
            return Err(ParseError::Empty);
        }
        let type_end = header.find(['(', '!', ':']).ok_or(ParseError::NoType)?;
        let kind = &header[..type_end];
        // Plain English (`Update APPS.md (#108)`) has no type at all, rather than a bad one.
        if kind.is_empty() || kind.contains(char::is_whitespace) {
            return Err(ParseError::NoType);
        }
        if !kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return Err(ParseError::BadType(kind.to_owned()));
        }
        let mut after = &header[type_end..];
        let mut scope = None;
        if let Some(open) = after.strip_prefix('(') {
            let close = open.find(')').ok_or(ParseError::UnclosedScope)?;
            let inner = open[..close].trim();
            if inner.is_empty() {
                return Err(ParseError::EmptyScope);
            }
            scope = Some(inner.to_owned());
            after = &open[close + 1..];
        }
        let bang = after.starts_with('!');
        if bang {
            after = &after[1..];
        }
        let description = after.strip_prefix(": ").ok_or(ParseError::NoSeparator)?.trim();
        if description.is_empty() {
            return Err(ParseError::EmptyDescription);
        }
        let footers = parse_footers(rest);
        let breaking = bang || footers.iter().any(|f| BREAKING_TOKENS.contains(&f.token.as_str()));
        Ok(Self { kind: kind.to_ascii_lowercase(), scope, description: description.to_owned(), breaking, footers })
    }

    /// Returns the fix's severity from a `Severity:` footer (case-insensitive), if any.
    pub fn severity(&self) -> Option<Severity> {
        // Only the first line: `git cherry-pick -x` appends its trailer right after the footers.
        self.footers.iter().filter(|f| f.token.eq_ignore_ascii_case("severity")).find_map(|f| {
            let value = f.value.lines().next().unwrap_or_default().trim();
            match value.to_ascii_lowercase().as_str() {
                "critical" => Some(Severity::Critical),
                "major" => Some(Severity::Major),
                "minor" => Some(Severity::Minor),
                _ => {
                    crate::diagnostics::warn(format!(
                        "`{}: {value}` is not a severity, so it is ignored: use critical, major or minor",
                        f.token
                    ));
                    None
                }
            }
        })
    }

    /// Returns the level this change calls for on a crate at `current` (Cargo's compatibility
    /// rules: on 0.y.z a breaking change is minor, on 0.0.z everything is a patch).
    pub fn level(&self, current: &Version) -> Level {
        level_of(&self.kind, self.breaking, current)
    }
}

/// Returns the level a change of `kind` calls for on a crate at `current`: breaking -> major,
/// `feat` -> minor, else patch, then Cargo's rules (on 0.y.z one step lower, on 0.0.z patch).
pub fn level_of(kind: &str, breaking: bool, current: &Version) -> Level {
    let raw = if breaking {
        Level::Major
    } else if kind == "feat" {
        Level::Minor
    } else {
        Level::Patch
    };
    match (current.major, current.minor, raw) {
        (0, 0, _) => Level::Patch,
        (0, _, Level::Major) => Level::Minor,
        (0, _, Level::Minor) => Level::Patch,
        (_, _, level) => level,
    }
}

/// A message git writes itself, which is not a conventional commit but is let through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GitMessage {
    /// `Merge ...`: only on a merge commit.
    Merge,
    /// `Revert "..."` and, for a revert of a revert, `Reapply "..."`: counts as type `revert`.
    Revert,
    /// `fixup! `, `squash! `, `amend! `: squashed away before the branch lands.
    Fixup,
}

/// Returns which of git's own messages `message` is, if any.
pub fn git_message(message: &str) -> Option<GitMessage> {
    if message.starts_with("Merge ") {
        Some(GitMessage::Merge)
    } else if message.starts_with("Revert \"") || message.starts_with("Reapply \"") {
        Some(GitMessage::Revert)
    } else if ["fixup! ", "squash! ", "amend! "].iter().any(|p| message.starts_with(p)) {
        Some(GitMessage::Fixup)
    } else {
        None
    }
}

/// Returns the commit a `(cherry picked from commit X)` trailer names, if the message has one.
pub fn cherry_picked_from(message: &str) -> Option<&str> {
    message.lines().rev().find_map(|line| {
        let id = line.trim().strip_prefix("(cherry picked from commit ")?.strip_suffix(')')?;
        (id.len() >= 7 && id.bytes().all(|b| b.is_ascii_hexdigit())).then_some(id)
    })
}

/// Returns the footers of a message body (everything after the header line), as the
/// Conventional Commits 1.0.0 grammar and git-conventional (the changelog's parser) read them.
///
/// The footer block opens at the first paragraph whose first line is a footer (`token: value` or
/// `token #value`) and runs to the end of the message: a value spans every line, blank or not, up
/// to the next line that opens a footer. So a `BREAKING CHANGE:` counts when a
/// `Signed-off-by:`/`Co-authored-by:` paragraph follows it, when git's `(cherry picked from
/// commit ...)` note follows it after a blank line, and with CRLF line endings.
fn parse_footers(body: &str) -> Vec<Footer> {
    let mut footers: Vec<Footer> = Vec::new();
    let mut prior_is_empty = true;
    for line in body.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)) {
        let opens = if footers.is_empty() && !prior_is_empty { None } else { footer_start(line) };
        match (opens, footers.last_mut()) {
            (Some((token, value)), _) => footers.push(Footer { token: token.to_owned(), value: value.to_owned() }),
            (None, Some(footer)) => {
                footer.value.push('\n');
                footer.value.push_str(line);
            }
            (None, None) => {}
        }
        prior_is_empty = line.trim().is_empty();
    }
    for footer in &mut footers {
        footer.value = footer.value.trim().to_owned();
    }
    footers
}

/// Returns `(token, value)` when `line` opens a footer: `BREAKING CHANGE` or a token of
/// anything but whitespace, parentheses, `:` and `!` (git-conventional's token, a superset of the
/// specification's `word-with-dashes`), then `:` or ` #`.
fn footer_start(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_end();
    let end = if line.starts_with(BREAKING_PHRASE) {
        BREAKING_PHRASE.len()
    } else {
        line.find(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ':' | '!')).unwrap_or(line.len())
    };
    if end == 0 {
        return None;
    }
    let (token, rest) = line.split_at(end);
    if let Some(value) = rest.strip_prefix(':') {
        return Some((token, value.trim_start()));
    }
    rest.strip_prefix(" #").map(|_| (token, &rest[1..]))
}

/// The footer tokens that mark a breaking change (Conventional Commits 1.0.0, items 12 and 16).
const BREAKING_PHRASE: &str = "BREAKING CHANGE";
const BREAKING_TOKENS: [&str; 2] = [BREAKING_PHRASE, "BREAKING-CHANGE"];

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn parses_headers() {
        let c = ConventionalCommit::parse("fix(parser)!: handle empty input\n\nbody").unwrap();
        assert_eq!((c.kind.as_str(), c.scope.as_deref(), c.breaking), ("fix", Some("parser"), true));
        assert_eq!(c.description, "handle empty input");
        let c = ConventionalCommit::parse("Feat: add x").unwrap();
        assert_eq!((c.kind.as_str(), c.scope, c.breaking), ("feat", None, false));
        assert_eq!(ConventionalCommit::parse("update readme"), Err(ParseError::NoType));
        assert_eq!(ConventionalCommit::parse("fix:no space"), Err(ParseError::NoSeparator));
        assert_eq!(ConventionalCommit::parse("fix(: x"), Err(ParseError::UnclosedScope));
        assert_eq!(ConventionalCommit::parse("fix: "), Err(ParseError::EmptyDescription));
        assert_eq!(ConventionalCommit::parse("fi x: y"), Err(ParseError::NoType));
        assert_eq!(ConventionalCommit::parse("Update APPS.md (#108)"), Err(ParseError::NoType));
        assert_eq!(ConventionalCommit::parse("fe.at: y"), Err(ParseError::BadType("fe.at".into())));
        assert_eq!(ConventionalCommit::parse("\n"), Err(ParseError::Empty));
    }

    #[test]
    fn reads_footers_severity_and_breaking_changes() {
        let msg = "fix: overflow\n\nLong body.\n\nSeverity: Critical\nReviewed-by: Z\nRefs #123\nBREAKING CHANGE: the API\n  changed";
        let c = ConventionalCommit::parse(msg).unwrap();
        assert!(c.breaking);
        assert_eq!(c.severity(), Some(Severity::Critical));
        assert_eq!(c.footers.len(), 4);
        assert_eq!(c.footers[2], Footer { token: "Refs".into(), value: "#123".into() });
        assert_eq!(c.footers[3].value, "the API\n  changed");
        // A paragraph that opens with prose is body, whatever follows.
        let c = ConventionalCommit::parse("fix: x\n\nThis is prose\nRefs: #1").unwrap();
        assert!(c.footers.is_empty());
        // A value continues until the next token.
        let c = ConventionalCommit::parse("fix: x\n\nNote: spans\nsecond line").unwrap();
        assert_eq!(c.footers, [Footer { token: "Note".into(), value: "spans\nsecond line".into() }]);
    }

    #[test]
    fn levels_follow_cargo_rules() {
        let feat = ConventionalCommit::parse("feat: x").unwrap();
        let fix = ConventionalCommit::parse("fix: x").unwrap();
        let breaking = ConventionalCommit::parse("fix!: x").unwrap();
        assert_eq!(
            [feat.level(&v("1.2.3")), fix.level(&v("1.2.3")), breaking.level(&v("1.2.3"))],
            [Level::Minor, Level::Patch, Level::Major]
        );
        assert_eq!([feat.level(&v("0.4.1")), breaking.level(&v("0.4.1"))], [Level::Patch, Level::Minor]);
        assert_eq!(breaking.level(&v("0.0.3")), Level::Patch);
    }

    #[test]
    fn breaking_footers_count_anywhere_in_the_footer_block() {
        let id = "0123456789abcdef0123456789abcdef01234567";
        for msg in [
            "feat: x\n\nBREAKING CHANGE: gone\n\nSigned-off-by: A <a@b>".to_owned(),
            "feat: x\n\nBody.\n\nBREAKING-CHANGE: gone\n\nCo-authored-by: B <b@c>\nSigned-off-by: A <a@b>".into(),
            format!("feat: x\n\nBREAKING CHANGE: gone\n\n(cherry picked from commit {id})"),
            "feat: x\r\n\r\nBody.\r\n\r\nBREAKING CHANGE: gone\r\n".into(),
            "feat: x\r\n\r\nBREAKING CHANGE: gone\r\n\r\nSigned-off-by: A <a@b>\r\n".into(),
            "feat: x\n\nRefs: #1\nBREAKING CHANGE: gone".into(),
        ] {
            assert!(ConventionalCommit::parse(&msg).unwrap().breaking, "{msg:?}");
        }
        for msg in [
            "feat: x\n\nProse that mentions\nBREAKING CHANGE: in the middle of a paragraph",
            "feat: x\n\nBREAKING CHANGES: not the token",
            "feat: x\n\n  BREAKING CHANGE: indented",
        ] {
            assert!(!ConventionalCommit::parse(msg).unwrap().breaking, "{msg:?}");
        }
        let c = ConventionalCommit::parse("fix: x\r\n\r\nSeverity: critical\r\n").unwrap();
        assert_eq!(c.severity(), Some(Severity::Critical));
    }

    #[test]
    fn finds_cherry_pick_trailers() {
        let msg = "fix: x\n\nSeverity: critical\n(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)";
        assert_eq!(ConventionalCommit::parse(msg).unwrap().severity(), Some(Severity::Critical));
        assert_eq!(cherry_picked_from(msg), Some("0123456789abcdef0123456789abcdef01234567"));
        assert_eq!(cherry_picked_from("fix: x\n\n(cherry picked from commit zz)"), None);
    }

    /// Generated messages shaped like real history: a header, then paragraphs of prose, footers,
    /// sign-offs and git's cherry-pick note, in any order, with LF or CRLF line endings.
    mod generated {
        use proptest::prelude::*;

        use super::super::ConventionalCommit;

        fn prose() -> impl Strategy<Value = String> {
            "[A-Za-z][a-z ,.()]{0,30}"
        }

        fn footer() -> impl Strategy<Value = String> {
            let token = prop_oneof![
                Just("BREAKING CHANGE".to_owned()),
                Just("BREAKING-CHANGE".to_owned()),
                Just("Signed-off-by".to_owned()),
                Just("Co-authored-by".to_owned()),
                Just("Severity".to_owned()),
                Just("Refs".to_owned()),
                "[A-Za-z][A-Za-z-]{0,10}",
            ];
            (token, prop_oneof![Just(": "), Just(" #")], "[a-z0-9<@][a-z0-9 <>@.]{0,20}")
                .prop_map(|(token, separator, value)| format!("{token}{separator}{value}"))
        }

        fn paragraph() -> impl Strategy<Value = String> {
            prop_oneof![
                prop::collection::vec(prose(), 1..4).prop_map(|lines| lines.join("\n")),
                prop::collection::vec(footer(), 1..4).prop_map(|lines| lines.join("\n")),
                (footer(), prose()).prop_map(|(f, p)| format!("{f}\n{p}")),
                (prose(), footer()).prop_map(|(p, f)| format!("{p}\n{f}")),
                footer().prop_map(|f| format!("  {f}")),
                "[0-9a-f]{40}".prop_map(|id| format!("(cherry picked from commit {id})")),
            ]
        }

        fn message() -> impl Strategy<Value = String> {
            let header = ("[a-z]{1,8}", proptest::option::of("[a-z]{1,6}"), any::<bool>(), "[A-Za-z][A-Za-z ]{0,20}");
            let gap = prop_oneof![Just("\n\n"), Just("\n\n\n")];
            (header, prop::collection::vec((gap, paragraph()), 0..5), any::<bool>(), any::<bool>()).prop_map(
                |((kind, scope, bang, description), paragraphs, crlf, trailing_newline)| {
                    let scope = scope.map(|s| format!("({s})")).unwrap_or_default();
                    let mut text = format!("{kind}{scope}{}: {description}", if bang { "!" } else { "" });
                    for (gap, paragraph) in paragraphs {
                        text.push_str(gap);
                        text.push_str(&paragraph);
                    }
                    if trailing_newline {
                        text.push('\n');
                    }
                    if crlf { text.replace('\n', "\r\n") } else { text }
                },
            )
        }

        /// Returns whether git-cliff-core, which renders the changelog, reads `message` as breaking.
        fn changelog_breaking(message: &str) -> Option<bool> {
            let commit = git_cliff_core::commit::Commit::new("0".repeat(40), message.to_owned());
            commit.into_conventional().ok().and_then(|c| c.conv.map(|conv| conv.breaking()))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            #[test]
            fn agrees_with_the_changelog_on_breaking(message in message()) {
                let ours = ConventionalCommit::parse(&message).ok().map(|c| c.breaking);
                prop_assert_eq!(ours, changelog_breaking(&message), "{:?}", message);
            }

            #[test]
            fn never_panics(message in "(?s).{0,200}", pieces in prop::collection::vec(paragraph(), 0..4)) {
                let _ = ConventionalCommit::parse(&message).map(|c| c.severity());
                let _ = super::super::cherry_picked_from(&message);
                let joined = pieces.join("\r");
                let _ = ConventionalCommit::parse(&format!("fix: x\n{joined}")).map(|c| c.severity());
            }
        }
    }
}
