//! Versions and requirements: what a bump level does to a version, and whether (and how) a
//! dependency requirement must change when the crate it names moves to a new version.
//!
//! Pure functions on `semver` types and requirement text, so every rule is unit-tested here and the
//! manifest code only splices the strings this module returns.

use std::fmt;
use std::str::FromStr;

use semver::{BuildMetadata, Prerelease, Version, VersionReq};

/// A pre-release channel, in the order a release moves through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreRelease {
    Alpha,
    Beta,
    Rc,
}

impl PreRelease {
    /// Returns the identifier used in the version (`alpha` in `1.2.4-alpha.1`).
    pub fn identifier(self) -> &'static str {
        match self {
            Self::Alpha => "alpha",
            Self::Beta => "beta",
            Self::Rc => "rc",
        }
    }
}

/// A relative bump, as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BumpLevel {
    Major,
    Minor,
    Patch,
    /// Drops the pre-release part: `1.2.4-rc.1` -> `1.2.4`.
    Release,
    /// Enters or advances a pre-release: `1.2.3` -> `1.2.4-alpha.1` -> `1.2.4-alpha.2`.
    Pre(PreRelease),
}

impl fmt::Display for BumpLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::Major => "major",
            Self::Minor => "minor",
            Self::Patch => "patch",
            Self::Release => "release",
            Self::Pre(pre) => pre.identifier(),
        };
        f.write_str(name)
    }
}

/// What `bump` was asked for: a level applied to each crate's version, or one exact version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetVersion {
    Level(BumpLevel),
    Exact(Version),
}

impl fmt::Display for TargetVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Level(level) => level.fmt(f),
            Self::Exact(version) => version.fmt(f),
        }
    }
}

impl FromStr for TargetVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let level = match s {
            "major" => BumpLevel::Major,
            "minor" => BumpLevel::Minor,
            "patch" => BumpLevel::Patch,
            "release" => BumpLevel::Release,
            "alpha" => BumpLevel::Pre(PreRelease::Alpha),
            "beta" => BumpLevel::Pre(PreRelease::Beta),
            "rc" => BumpLevel::Pre(PreRelease::Rc),
            _ => {
                let trimmed = s.strip_prefix('v').unwrap_or(s);
                return Version::parse(trimmed).map(Self::Exact).map_err(|err| {
                    format!(
                        "`{s}` is neither a level (major, minor, patch, release, alpha, beta, rc) \
                         nor a semver version like `1.2.3` ({err})"
                    )
                });
            }
        };
        Ok(Self::Level(level))
    }
}

/// Why a version or requirement cannot be moved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("`{to}` is lower than the current version `{from}`")]
    Downgrade { from: Version, to: Version },
    #[error("`{version}` is not a pre-release, so there is nothing to release")]
    NotPreRelease { version: Version },
    #[error("requirement `{req}` does not allow `{version}` and cargo-patch will not guess how to widen it")]
    UnsupportedRequirement { req: String, version: Version },
    #[error("`{req}` is not a valid version requirement")]
    InvalidRequirement { req: String },
    #[error(
        "`{version}` has no next {part} version: {part} is already 18446744073709551615, the largest semver allows"
    )]
    AtLimit { version: Version, part: &'static str },
}

impl crate::error::Help for Error {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        match self {
            Self::Downgrade { from, .. } => format!("pass a version above `{from}`, or a level such as `patch`"),
            Self::NotPreRelease { .. } => {
                "`release` finishes a pre-release; use `patch`, `minor` or `major` for a new version".into()
            }
            Self::UnsupportedRequirement { version, .. } => {
                format!("edit the requirement by hand so it allows `{version}`, then run the command again")
            }
            Self::InvalidRequirement { .. } => "write it as cargo expects, e.g. `1.2.3`, `^1.2` or `=1.2.3`".into(),
            Self::AtLimit { .. } => {
                "pass the new version itself, e.g. `cargo patch bump 1.0.0` for another number".into()
            }
        }
    }
}

impl TargetVersion {
    /// Returns the version `current` moves to, or `None` when it is already there.
    ///
    /// Levels follow cargo-release and npm: a pre-release is finished by the level it was
    /// heading for (`2.0.0-rc.1` + major = `2.0.0`), and levels drop build metadata.
    pub fn apply(&self, current: &Version) -> Result<Option<Version>, Error> {
        let next = match self {
            Self::Exact(version) => version.clone(),
            Self::Level(level) => level.apply(current)?,
        };
        match next.cmp_precedence(current).then_with(|| next.cmp(current)) {
            std::cmp::Ordering::Less => Err(Error::Downgrade { from: current.clone(), to: next }),
            std::cmp::Ordering::Equal => Ok(None),
            std::cmp::Ordering::Greater => Ok(Some(next)),
        }
    }
}

impl BumpLevel {
    fn apply(self, current: &Version) -> Result<Version, Error> {
        let stable = Version::new(current.major, current.minor, current.patch);
        let is_pre = !current.pre.is_empty();
        let next = |n: u64, part| next_number(current, n, part);
        Ok(match self {
            Self::Major if is_pre && current.minor == 0 && current.patch == 0 => stable,
            Self::Major => Version::new(next(current.major, "major")?, 0, 0),
            Self::Minor if is_pre && current.patch == 0 => stable,
            Self::Minor => Version::new(current.major, next(current.minor, "minor")?, 0),
            Self::Patch if is_pre => stable,
            Self::Patch => Version::new(current.major, current.minor, next(current.patch, "patch")?),
            Self::Release if is_pre => stable,
            Self::Release => {
                return Err(Error::NotPreRelease { version: current.clone() });
            }
            Self::Pre(channel) => next_pre_release(current, channel)?,
        })
    }
}

/// Returns whether `to` is a patch release after `from`: newer, with the same major and minor
/// (a pre-release of the next patch counts, as `bump` and a hotfix's `release` make them).
pub fn is_patch_step(from: &Version, to: &Version) -> bool {
    to > from && to.major == from.major && to.minor == from.minor
}

/// Returns `n + 1`, or `AtLimit` naming `part` of `current` when `n` is `u64::MAX` (a wrap
/// would turn a bump into a downgrade).
pub fn next_number(current: &Version, n: u64, part: &'static str) -> Result<u64, Error> {
    n.checked_add(1).ok_or_else(|| Error::AtLimit { version: current.clone(), part })
}

/// Returns the next pre-release on `channel`; a backwards move (rc -> alpha) is left for the
/// caller's downgrade check to refuse.
#[expect(clippy::expect_used, reason = "`<alphanumeric id>.<number>` is always a valid pre-release")]
fn next_pre_release(current: &Version, channel: PreRelease) -> Result<Version, Error> {
    let id = channel.identifier();
    let (patch, number) = if current.pre.is_empty() {
        (next_number(current, current.patch, "patch")?, 1)
    } else {
        let number = match current.pre.as_str().split_once('.') {
            Some((head, n)) if head == id => match n.parse::<u64>() {
                Ok(n) => next_number(current, n, "pre-release")?,
                Err(_) => 1,
            },
            _ => 1,
        };
        (current.patch, number)
    };
    Ok(Version {
        major: current.major,
        minor: current.minor,
        patch,
        pre: Prerelease::new(&format!("{id}.{number}")).expect("`<id>.<number>` is a valid pre-release"),
        build: BuildMetadata::EMPTY,
    })
}

/// Returns the text that replaces requirement `req` once the crate it names is at `new`, or
/// `None` when `req` stays as it is.
///
/// A requirement that still allows `new` is kept unless `upgrade_all` is set. A rewrite keeps the
/// operator, the spacing and the precision (`~1.2` -> `~2.0`, `0.4` -> `0.5`, `1.*` -> `2.*`);
/// a pre-release target is always written in full, since `1.3` cannot name `1.3.0-alpha.1`.
/// Ranges (`>=`, `<`, several comparators) are never guessed at, as in cargo-edit.
pub fn updated_requirement(req: &str, new: &Version, upgrade_all: bool) -> Result<Option<String>, Error> {
    let parsed = VersionReq::parse(req).map_err(|_| Error::InvalidRequirement { req: req.to_owned() })?;
    let satisfied = parsed.matches(new);
    if satisfied && !upgrade_all {
        return Ok(None);
    }
    let unsupported = || Error::UnsupportedRequirement { req: req.to_owned(), version: new.clone() };
    let Some(comparator) = SingleComparator::split(req) else {
        return if satisfied { Ok(None) } else { Err(unsupported()) };
    };
    if comparator.is_range() {
        return if satisfied { Ok(None) } else { Err(unsupported()) };
    }
    let Some(body) = comparator.rewritten_body(new) else {
        return Err(unsupported());
    };
    let rewritten = format!("{}{}{}", &req[..comparator.body_start], body, &req[comparator.body_end..]);
    let still_valid = VersionReq::parse(&rewritten).is_ok_and(|r| r.matches(new));
    if !still_valid {
        return Err(unsupported());
    }
    Ok((rewritten != req).then_some(rewritten))
}

/// The pieces of a one-comparator requirement's text: `  >= 1.2.3 ` -> op `>=`, body `1.2.3`.
struct SingleComparator<'a> {
    op: &'a str,
    body: &'a str,
    body_start: usize,
    body_end: usize,
}

impl<'a> SingleComparator<'a> {
    fn split(req: &'a str) -> Option<Self> {
        if req.contains(',') {
            return None;
        }
        let op_start = req.len() - req.trim_start().len();
        let after_ws = &req[op_start..];
        let op_len = after_ws.len() - after_ws.trim_start_matches(['=', '<', '>', '~', '^']).len();
        let op = &after_ws[..op_len];
        let rest = &after_ws[op_len..];
        let body_start = op_start + op_len + (rest.len() - rest.trim_start().len());
        let body = req[body_start..].trim_end();
        Some(Self { op, body, body_start, body_end: body_start + body.len() })
    }

    fn is_range(&self) -> bool {
        self.op.starts_with(['<', '>'])
    }

    /// Returns the body for `new` at this body's precision, or `None` when it cannot say it.
    fn rewritten_body(&self, new: &Version) -> Option<String> {
        let numbers = self.body.split(['-', '+']).next().unwrap_or_default();
        let parts: Vec<&str> = numbers.split('.').collect();
        let wildcard_at = parts.iter().position(|p| matches!(*p, "*" | "x" | "X"));
        if !new.pre.is_empty() {
            if wildcard_at.is_some() {
                return None;
            }
            return Some(format!("{}.{}.{}-{}", new.major, new.minor, new.patch, new.pre));
        }
        let fields = [new.major, new.minor, new.patch];
        let precision = wildcard_at.unwrap_or(parts.len()).min(3);
        if precision == 0 {
            return None;
        }
        let mut out: Vec<String> = fields.iter().take(precision).map(u64::to_string).collect();
        if let Some(at) = wildcard_at {
            out.extend(parts.iter().skip(at).map(|p| (*p).to_owned()));
        }
        Some(out.join("."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_steps_keep_major_and_minor() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert!(is_patch_step(&v("1.2.3"), &v("1.2.4")));
        assert!(is_patch_step(&v("1.2.3"), &v("1.2.4-rc.1")));
        assert!(is_patch_step(&v("0.0.3"), &v("0.0.4")));
        for (from, to) in [("1.2.3", "1.3.0"), ("1.2.3", "2.0.0"), ("1.2.3", "1.2.3"), ("1.2.4", "1.2.3")] {
            assert!(!is_patch_step(&v(from), &v(to)), "{from} -> {to}");
        }
    }

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    fn bump(target: &str, current: &str) -> Result<Option<String>, Error> {
        let target: TargetVersion = target.parse().unwrap();
        target.apply(&v(current)).map(|o| o.map(|v| v.to_string()))
    }

    #[test]
    fn levels() {
        let cases = [
            ("major", "1.2.3", "2.0.0"),
            ("minor", "1.2.3", "1.3.0"),
            ("patch", "1.2.3", "1.2.4"),
            ("major", "0.4.1", "1.0.0"),
            ("minor", "0.4.1", "0.5.0"),
            ("patch", "0.0.3", "0.0.4"),
            ("major", "2.0.0-rc.1", "2.0.0"),
            ("major", "2.1.0-rc.1", "3.0.0"),
            ("minor", "1.3.0-beta.2", "1.3.0"),
            ("minor", "1.3.1-beta.2", "1.4.0"),
            ("patch", "1.2.4-rc.1", "1.2.4"),
            ("release", "1.2.4-rc.1", "1.2.4"),
            ("patch", "1.2.3+build.7", "1.2.4"),
            ("2.0.0", "1.2.3", "2.0.0"),
            ("v2.0.0", "1.2.3", "2.0.0"),
        ];
        for (target, current, expected) in cases {
            assert_eq!(bump(target, current), Ok(Some(expected.to_owned())), "{target} on {current}");
        }
    }

    #[test]
    fn pre_release_stepping() {
        let steps = [
            ("alpha", "1.2.3", "1.2.4-alpha.1"),
            ("alpha", "1.2.4-alpha.1", "1.2.4-alpha.2"),
            ("beta", "1.2.4-alpha.2", "1.2.4-beta.1"),
            ("beta", "1.2.4-beta.1", "1.2.4-beta.2"),
            ("rc", "1.2.4-beta.2", "1.2.4-rc.1"),
            ("release", "1.2.4-rc.1", "1.2.4"),
            ("alpha", "1.2.4-alpha", "1.2.4-alpha.1"),
            ("rc", "0.0.3", "0.0.4-rc.1"),
        ];
        for (target, current, expected) in steps {
            assert_eq!(bump(target, current), Ok(Some(expected.to_owned())), "{target} on {current}");
        }
    }

    #[test]
    fn refusals() {
        assert!(matches!(bump("alpha", "1.2.4-rc.1"), Err(Error::Downgrade { .. })));
        assert!(matches!(bump("alpha", "1.2.4-dev.1"), Err(Error::Downgrade { .. })));
        assert!(matches!(bump("1.0.0", "1.2.3"), Err(Error::Downgrade { .. })));
        assert!(matches!(bump("1.2.3-rc.1", "1.2.3"), Err(Error::Downgrade { .. })));
        assert!(matches!(bump("release", "1.2.3"), Err(Error::NotPreRelease { .. })));
        assert_eq!(bump("1.2.3", "1.2.3"), Ok(None));
        for bad in ["auto", "1.2", "", "v", "01.2.3", "major "] {
            assert!(bad.parse::<TargetVersion>().is_err(), "{bad:?}");
        }
    }

    fn req(text: &str, new: &str, all: bool) -> Result<Option<String>, Error> {
        updated_requirement(text, &v(new), all)
    }

    #[test]
    fn requirements_kept_while_satisfied() {
        let kept = [
            ("0.4", "0.4.2"),
            ("^0.4.1", "0.4.9"),
            ("~0.4.1", "0.4.2"),
            ("1.2", "1.9.0"),
            ("1", "1.9.0"),
            ("1.*", "1.3.0"),
            (">=1.2", "3.0.0"),
            (">=1.2, <2", "1.5.0"),
            ("*", "7.0.0"),
        ];
        for (text, new) in kept {
            assert_eq!(req(text, new, false), Ok(None), "{text} with {new}");
        }
    }

    #[test]
    fn requirements_rewritten_keeping_operator_and_precision() {
        let cases = [
            ("=1.2.3", "2.0.0", "=2.0.0"),
            ("~1.2", "2.0.0", "~2.0"),
            ("0.4", "1.0.0", "1.0"),
            ("0.4", "0.5.0", "0.5"),
            ("^1.2.3", "2.0.0", "^2.0.0"),
            ("1", "2.0.0", "2"),
            ("1.*", "2.0.0", "2.*"),
            ("1.2.*", "1.3.0", "1.3.*"),
            ("0.0.3", "0.0.4", "0.0.4"),
            ("^0.0.3", "0.0.4", "^0.0.4"),
            ("= 1.2.3", "1.2.4", "= 1.2.4"),
            (" ~ 0.4.1 ", "0.5.0", " ~ 0.5.0 "),
            ("1.2", "1.3.0-alpha.1", "1.3.0-alpha.1"),
            ("=1.2.4-alpha.2", "1.2.4-beta.1", "=1.2.4-beta.1"),
            ("~1.2.3", "1.2.4-alpha.1", "~1.2.4-alpha.1"),
        ];
        for (text, new, expected) in cases {
            assert_eq!(req(text, new, false), Ok(Some(expected.to_owned())), "{text} with {new}");
        }
    }

    #[test]
    fn upgrade_all_rewrites_satisfied_requirements() {
        assert_eq!(req("0.4.1", "0.4.2", true), Ok(Some("0.4.2".to_owned())));
        assert_eq!(req("~1.2", "1.2.9", true), Ok(None));
        assert_eq!(req("1", "1.5.0", true), Ok(None));
        assert_eq!(req("1.2", "1.5.0", true), Ok(Some("1.5".to_owned())));
        assert_eq!(req(">=1.2", "1.5.0", true), Ok(None));
    }

    #[test]
    fn ranges_are_refused_when_broken() {
        for (text, new) in [(">=1.2, <2", "2.0.0"), ("<2", "2.0.0"), (">=1.2", "2.0.0-rc.1"), ("1.*", "2.0.0-rc.1")] {
            assert!(matches!(req(text, new, false), Err(Error::UnsupportedRequirement { .. })), "{text} with {new}");
        }
        assert!(matches!(req("not a req", "1.0.0", false), Err(Error::InvalidRequirement { .. })));
    }
}
