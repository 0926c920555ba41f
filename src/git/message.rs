//! The message git records from the file it hands the commit-msg hook: `git commit`'s cleanup
//! modes with git's defaults, its comment prefix (`core.commentChar`, also `auto`) and the
//! scissors line of `git commit -v`.
//!
//! git runs the hook before it cleans the message (`builtin/commit.c`), so the hook must clean
//! it the same way: `git commit -m "#123 fix"` records `#123 fix`, because without an editor the
//! default mode is `whitespace`, which keeps comment-looking lines.

/// How git cleans a message (`git commit --cleanup`, `commit.cleanup`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cleanup {
    /// Comment lines dropped as well as whitespace (`strip`; `default` when an editor opened).
    Strip,
    /// Trailing whitespace and surplus blank lines only (`whitespace`; `default` without editor).
    Whitespace,
    /// Nothing changed (`verbatim`).
    Verbatim,
    /// As `whitespace`, and everything from the scissors line on dropped (`scissors` with an editor).
    Scissors,
}

impl Cleanup {
    /// Returns the mode git uses: the `--cleanup` flag, else `commit.cleanup`, else `default`;
    /// `default` is `strip` when an editor was opened and `whitespace` otherwise, and `scissors`
    /// without an editor is `whitespace` (git's `builtin/commit.c`).
    pub fn resolve(flag: Option<&str>, config: Option<&str>, editor_used: bool) -> Self {
        match flag.or(config).unwrap_or("default") {
            "verbatim" => Self::Verbatim,
            "whitespace" => Self::Whitespace,
            "strip" => Self::Strip,
            "scissors" if editor_used => Self::Scissors,
            _ if editor_used => Self::Strip,
            _ => Self::Whitespace,
        }
    }
}

/// The characters `core.commentChar = auto` picks from, in git's order.
const AUTO_CANDIDATES: &str = "#;@!$%^&|:";

/// Returns the comment prefix git uses for `raw`: `core.commentChar`/`commentString`, `#` when
/// unset, and for `auto` the prefix of the template lines git appended (the scissors line, else
/// the last line when it opens with one of git's candidates).
pub fn comment_prefix(configured: Option<&str>, raw: &str) -> String {
    match configured {
        None | Some("") => "#".into(),
        Some("auto") => {
            let scissors = raw.lines().find_map(|l| l.strip_suffix(SCISSORS).filter(|p| !p.is_empty()));
            let last = raw.lines().rev().find(|l| !l.trim().is_empty()).and_then(|l| l.chars().next());
            scissors
                .map(str::to_owned)
                .or_else(|| last.filter(|c| AUTO_CANDIDATES.contains(*c)).map(String::from))
                .unwrap_or_else(|| "#".into())
        }
        Some(prefix) => prefix.to_owned(),
    }
}

/// The scissors line of `git commit -v`, after the comment prefix and a space.
const SCISSORS: &str = " ------------------------ >8 ------------------------";

/// Returns the message git will record from `raw` under `mode` with comment prefix `comment`.
pub fn clean(raw: &str, comment: &str, mode: Cleanup) -> String {
    if mode == Cleanup::Verbatim {
        return raw.to_owned();
    }
    let scissors = format!("{comment}{SCISSORS}");
    let mut lines: Vec<&str> = Vec::new();
    for line in raw.lines() {
        // git truncates at the scissors line in `scissors` mode and whenever it wrote one (-v).
        if line == scissors {
            break;
        }
        if mode == Cleanup::Strip && line.starts_with(comment) {
            continue;
        }
        let line = line.trim_end();
        if !(line.is_empty() && lines.last().is_none_or(|l| l.is_empty())) {
            lines.push(line);
        }
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_messages_as_git_does() {
        let raw = "fix: x\n# Please enter the commit message\n\nbody  \n\n\n\ntrailer: y\n# ------------------------ >8 ------------------------\ndiff --git a b\n";
        assert_eq!(clean(raw, "#", Cleanup::Strip), "fix: x\n\nbody\n\ntrailer: y");
        assert_eq!(clean("; comment\nfeat: y\n", ";", Cleanup::Strip), "feat: y");
        assert_eq!(clean("#123 fix: x\n\n", "#", Cleanup::Whitespace), "#123 fix: x");
        assert_eq!(clean("\n\nfix: x  \n", "#", Cleanup::Verbatim), "\n\nfix: x  \n");
    }

    #[test]
    fn resolves_git_defaults() {
        assert_eq!(Cleanup::resolve(None, None, false), Cleanup::Whitespace);
        assert_eq!(Cleanup::resolve(None, None, true), Cleanup::Strip);
        assert_eq!(Cleanup::resolve(Some("strip"), Some("verbatim"), false), Cleanup::Strip);
        assert_eq!(Cleanup::resolve(None, Some("scissors"), false), Cleanup::Whitespace);
        assert_eq!(comment_prefix(Some("auto"), "#1 x\n; Please enter\n"), ";");
        assert_eq!(comment_prefix(Some("auto"), "x\n@ ------------------------ >8 ------------------------\n"), "@");
        assert_eq!(comment_prefix(None, "x"), "#");
    }
}
