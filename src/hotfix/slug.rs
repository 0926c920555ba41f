//! Hotfix slugs: the `<slug>` of `hotfix/<slug>`, safe as a ref name, a path and a shell word.

/// A slug that cannot be used, with a usable suggestion when one exists.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid slug {slug:?}: use lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit")]
pub struct InvalidSlug {
    pub slug: String,
    pub suggestion: Option<String>,
}

impl crate::error::Help for InvalidSlug {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        match &self.suggestion {
            Some(s) => format!("try `cargo patch start {s}`"),
            None => "name the fix in a few words, e.g. `cargo patch start login-crash`".into(),
        }
    }
}

/// Returns `slug` if it is a valid hotfix slug: `[a-z0-9][a-z0-9._-]*`, at most 64 bytes, no
/// `..`, not ending in `.` or `.lock` (git's ref rules), so it never needs quoting anywhere.
pub fn validate(slug: &str) -> Result<&str, InvalidSlug> {
    if is_valid(slug) { Ok(slug) } else { Err(InvalidSlug { slug: slug.to_owned(), suggestion: suggest(slug) }) }
}

fn is_valid(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 64
        && slug.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        && !slug.contains("..")
        && !slug.ends_with('.')
        && !slug.ends_with(".lock")
}

/// Returns a valid slug close to `text`: ASCII-folded, lowercased, runs of other characters as
/// one `-`.
fn suggest(text: &str) -> Option<String> {
    let mut out = String::new();
    for c in text.chars().flat_map(fold) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches(['-', '.']).chars().take(64).collect();
    let out = out.trim_end_matches('-').to_owned();
    is_valid(&out).then_some(out)
}

/// Folds common accented Latin letters to ASCII (`ü` -> `u`), so a suggestion keeps the words.
fn fold(c: char) -> Option<char> {
    const FROM: &str = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝ";
    const TO: &str = "aaaaaaceeeeiiiinooooouuuuyyaaaaaaceeeeiiiinooooouuuuy";
    match FROM.chars().position(|f| f == c) {
        Some(i) => TO.chars().nth(i),
        None if c.is_ascii() => Some(c),
        None => Some('-'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_slugs_and_suggests_for_the_rest() {
        for ok in ["login-crash", "cve-2024.1", "a", "fix_42"] {
            assert_eq!(validate(ok), Ok(ok));
        }
        let cases = [
            ("Login Crash", Some("login-crash")),
            ("$(touch pwned)", Some("touch-pwned")),
            ("`rm -rf`", Some("rm-rf")),
            ("fix-ünïcode", Some("fix-unicode")),
            ("a..b", Some("a-b")),
            ("-lead", Some("lead")),
            ("x.lock", Some("x-lock")),
            ("line\nbreak", Some("line-break")),
            ("'\"", None),
        ];
        for (bad, suggestion) in cases {
            let err = validate(bad).unwrap_err();
            assert_eq!(err.suggestion.as_deref(), suggestion, "{bad:?}");
        }
    }
}
