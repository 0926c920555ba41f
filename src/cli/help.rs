//! The `help:` lines of a failed command: the help of every typed error in its chain.
//!
//! anyhow keeps an error's concrete type but can only be asked about one named type at a time,
//! so the types are listed here, in the layer that may know every module. Each listed type must
//! implement [`Help`] (the compiler checks that), and a test fails when a typed error of the
//! crate is missing from the list, so no help is lost silently.

use crate::error::Help;
use crate::{changelog, cli, git, hooks, hotfix, ops, plan, release_window, version, workspace};

/// Returns the `help:` lines for an error: those of every typed error in its chain, without
/// repeats.
pub fn help_lines(error: &anyhow::Error) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let taken_back = error.downcast_ref::<plan::TakenBack>().map(Help::help_lines);
    // A context is not a cause of the chain that can be downcast: it is asked for by its type.
    for line in error.chain().flat_map(help_of).chain(taken_back.into_iter().flatten()) {
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines
}

macro_rules! typed_errors {
    ($($ty:ty),+ $(,)?) => {
        /// Returns the help of `cause` when it is one of the typed errors.
        fn help_of(cause: &(dyn std::error::Error + 'static)) -> Vec<String> {
            $(if let Some(e) = cause.downcast_ref::<$ty>() {
                return Help::help_lines(e);
            })+
            Vec::new()
        }

        /// The listed types, as written, for the completeness test.
        #[cfg(test)]
        const LISTED: &[&str] = &[$(stringify!($ty)),+];
    };
}

typed_errors!(
    ops::bump::Refused,
    ops::changelog::Refused,
    ops::notes::Refused,
    ops::start::Refused,
    ops::check::Refused,
    ops::hook::BadPushLine,
    ops::release::Refused,
    ops::release_pr::Refused,
    cli::release::NotConfirmed,
    cli::notify::NotSent,
    cli::release::ReleasedWithProblems,
    cli::verify_published::DoesNotBuild,
    ops::verify_published::NothingPublished,
    ops::release_edit::NotEditable,
    ops::notify::NothingToSend,
    cli::demo::NotEmpty,
    cli::completions::NoManPage,
    ops::rollback::Refused,
    ops::released::Unready,
    ops::forward_port::Refused,
    plan::journal::Error,
    plan::transaction::Failure,
    release_window::Error,
    hotfix::slug::InvalidSlug,
    workspace::Error,
    workspace::manifest::Error,
    workspace::config::Error,
    version::Error,
    plan::apply::Error,
    plan::repo::Error,
    plan::TakenBack,
    crate::fs::Error,
    git::history::Error,
    changelog::Error,
    hooks::Error,
    git::Error,
);

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Typed errors that never reach `main` on their own, with the reason.
    const NOT_LISTED: &[(&str, &str)] = &[
        ("ops::bump::Problem", "reported inside `ops::bump::Refused`"),
        ("ops::release::Problem", "reported inside `ops::release::Refused`"),
        ("ops::release_pr::Problem", "reported inside `ops::release_pr::Refused`"),
        ("conventional::ParseError", "reported as a rule violation, never as an error"),
        ("notify::Error", "reported inside `cli::notify::NotSent`, or as a release step's note"),
        ("published::Error", "reported inside `cli::verify_published::DoesNotBuild`, or as a release step's note"),
        ("workspace::CargoMessage", "cargo's own text, the cause under `workspace::Error`, whose help covers it"),
    ];

    /// Returns `(module path, type name)` of every `#[derive(.., thiserror::Error)]` type and of
    /// every `Help` impl and `ops::Refused` alias in `src/`, read from the sources.
    fn declared() -> (Vec<String>, Vec<String>) {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut errors = Vec::new();
        let mut helped = Vec::new();
        let mut stack = vec![src.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let rel = path.strip_prefix(&src).unwrap().with_extension("");
                let mut module: Vec<String> = rel.iter().map(|c| c.to_string_lossy().into_owned()).collect();
                if module.last().is_some_and(|m| m == "mod" || m == "lib") {
                    module.pop();
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let named = |name: &str| {
                    let mut parts = module.clone();
                    parts.push(name.to_owned());
                    parts.join("::")
                };
                let mut lines = text.lines().peekable();
                while let Some(line) = lines.next() {
                    let word = |prefix: &str| {
                        line.trim().strip_prefix(prefix).map(|rest| {
                            rest.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap().to_owned()
                        })
                    };
                    if line.trim_start().starts_with("#[derive(") && line.contains("thiserror::Error") {
                        // The declaration follows the derive, after any other attributes.
                        let decl = lines.by_ref().map(str::trim).find(|l| !l.starts_with("#[")).unwrap();
                        let name = decl.split_whitespace().find(|w| *w != "pub" && *w != "enum" && *w != "struct");
                        errors.push(named(name.unwrap().split(['<', '{', '(', ';']).next().unwrap()));
                    } else if let Some(name) = word("impl crate::error::Help for ") {
                        helped.push(named(&name));
                    } else if let Some(name) = word("pub type ").filter(|_| line.contains("crate::ops::Refused<")) {
                        helped.push(named(&name));
                    }
                }
            }
        }
        (errors, helped)
    }

    #[test]
    fn every_typed_error_is_listed() {
        let listed: Vec<String> = super::LISTED.iter().map(|t| t.trim_start_matches("crate::").to_owned()).collect();
        let (errors, helped) = declared();
        for error in &errors {
            let excused = NOT_LISTED.iter().any(|(name, _)| name == error);
            assert!(
                excused || helped.contains(error) || error == "ops::Refused",
                "`{error}` derives thiserror::Error but does not implement `error::Help`"
            );
        }
        for name in helped.iter().filter(|n| *n != "ops::Refused") {
            assert!(listed.contains(name), "`{name}` implements `error::Help` but is not listed in cli/help.rs");
        }
    }
}
