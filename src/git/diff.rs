//! The change a hotfix branch makes, file by file and hunk by hunk, from `git diff -U0`.
//!
//! The git CLI rather than gix here: the rules need the hunks' lines (format churn, test code),
//! git's own diff (its `diff` attributes, binary detection) is what reviewers see, and one
//! process costs the same as the `git diff --numstat` floor the pre-push budget is measured against.

use std::path::Path;
use std::process::Command;

use crate::git;

/// One hunk: the lines it removes and adds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hunk {
    /// First line of the hunk in the new file (1-based; for a pure removal, the line before it).
    pub new_start: usize,
    pub removed: Vec<String>,
    pub added: Vec<String>,
}

/// One changed file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileDiff {
    /// The path after the change (`/`-separated, relative to the repository root).
    pub path: String,
    /// The path before the change, when it differs (additions: `/dev/null` is `None`).
    pub old_path: Option<String>,
    pub binary: bool,
    pub hunks: Vec<Hunk>,
}

impl FileDiff {
    pub fn added_lines(&self) -> usize {
        self.hunks.iter().map(|h| h.added.len()).sum()
    }

    pub fn removed_lines(&self) -> usize {
        self.hunks.iter().map(|h| h.removed.len()).sum()
    }
}

/// Returns the files `base..head` changes, with their hunks.
pub fn between(workdir: &Path, base: &str, head: &str) -> Result<Vec<FileDiff>, git::Error> {
    Pending::spawn(workdir, base, head)?.wait()
}

/// A `git diff` running in the background while the caller reads history.
pub struct Pending {
    child: std::process::Child,
    workdir: std::path::PathBuf,
    range: String,
}

impl Pending {
    /// Starts `git diff -U0 base head`.
    pub fn spawn(workdir: &Path, base: &str, head: &str) -> Result<Self, git::Error> {
        let args = [
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--no-renames",
            "--no-textconv",
            "-U0",
            "--src-prefix=a/",
            "--dst-prefix=b/",
        ];
        let child = Command::new("git")
            .arg("-C")
            .arg(workdir)
            .args(["-c", "core.quotePath=false"])
            .args(args)
            .arg(base)
            .arg(head)
            .arg("--")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(|source| git::Error::Spawn { args: "diff".into(), dir: workdir.to_owned(), source })?;
        Ok(Self { child, workdir: workdir.to_owned(), range: format!("{base} {head}") })
    }

    /// Waits for the diff and parses it.
    pub fn wait(self) -> Result<Vec<FileDiff>, git::Error> {
        let Self { child, workdir, range } = self;
        let output = child.wait_with_output().map_err(|source| git::Error::Spawn {
            args: "diff".into(),
            dir: workdir.clone(),
            source,
        })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
            return Err(git::Error::Failed { args: format!("diff {range}"), dir: workdir, stderr });
        }
        Ok(parse(&String::from_utf8_lossy(&output.stdout)))
    }
}

/// Parses `git diff -U0` output.
fn parse(patch: &str) -> Vec<FileDiff> {
    let mut files: Vec<FileDiff> = Vec::new();
    for line in patch.lines() {
        if line.starts_with("diff --git ") {
            files.push(FileDiff::default());
            continue;
        }
        let Some(file) = files.last_mut() else { continue };
        // Headers come before the first hunk; inside hunks `--- x` is a removed line `-- x`.
        let in_header = file.hunks.is_empty();
        if let Some(path) = line.strip_prefix("--- ").filter(|_| in_header) {
            file.old_path = path_of(path, "a/");
        } else if let Some(path) = line.strip_prefix("+++ ").filter(|_| in_header) {
            if let Some(path) = path_of(path, "b/") {
                file.path = path;
            }
        } else if line.starts_with("Binary files ") && in_header {
            file.binary = true;
            if file.path.is_empty() {
                file.path = binary_path(line);
            }
        } else if let Some(header) = line.strip_prefix("@@ ") {
            file.hunks.push(Hunk { new_start: hunk_start(header), ..Hunk::default() });
        } else if let Some(hunk) = file.hunks.last_mut() {
            if let Some(removed) = line.strip_prefix('-') {
                hunk.removed.push(removed.to_owned());
            } else if let Some(added) = line.strip_prefix('+') {
                hunk.added.push(added.to_owned());
            }
        }
    }
    for file in &mut files {
        if file.path.is_empty() {
            // A deletion: `+++ /dev/null`.
            file.path = file.old_path.clone().unwrap_or_default();
        }
        if file.old_path.as_deref() == Some(file.path.as_str()) {
            file.old_path = None;
        }
    }
    files
}

/// Returns the path of a `--- a/x` or `+++ b/x` line, `None` for `/dev/null`.
fn path_of(text: &str, prefix: &str) -> Option<String> {
    let text = text.strip_suffix('\t').unwrap_or(text);
    let text = unquote(text);
    text.strip_prefix(prefix).map(str::to_owned)
}

/// Undoes git's C-style quoting of unusual paths (`"a/x\ty"`); with `core.quotePath=false`
/// only control characters, `"` and `\` are quoted.
fn unquote(text: &str) -> std::borrow::Cow<'_, str> {
    let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) else { return text.into() };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out.into()
}

/// `Binary files a/x and b/y differ`: the new path, or the old one for a deletion.
fn binary_path(line: &str) -> String {
    let rest = line.trim_start_matches("Binary files ").trim_end_matches(" differ");
    match rest.split_once(" and ") {
        Some((old, new)) => path_of(new, "b/").or_else(|| path_of(old, "a/")).unwrap_or_default(),
        None => String::new(),
    }
}

/// The new-file start line of `-a,b +c,d @@ ...`.
fn hunk_start(header: &str) -> usize {
    header
        .split_whitespace()
        .find_map(|part| part.strip_prefix('+'))
        .and_then(|range| range.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_files_hunks_and_binaries() {
        let patch = "diff --git a/src/lib.rs b/src/lib.rs\nindex 1..2 100644\n--- a/src/lib.rs\n+++ b/src/lib.rs\n\
@@ -3,2 +3,2 @@ fn x\n-old\n--- sql comment\n+new\n+more\n@@ -10,0 +12 @@\n+tail\n\
diff --git a/gone.txt b/gone.txt\ndeleted file mode 100644\n--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n\
diff --git a/logo.png b/logo.png\nnew file mode 100644\nBinary files /dev/null and b/logo.png differ\n\
diff --git \"a/we\\\"ird\" \"b/we\\\"ird\"\n--- \"a/we\\\"ird\"\n+++ \"b/we\\\"ird\"\n@@ -1 +1 @@\n-a\n+b\n";
        let files = parse(patch);
        assert_eq!(files.len(), 4);
        assert_eq!((files[0].path.as_str(), files[0].added_lines(), files[0].removed_lines()), ("src/lib.rs", 3, 2));
        assert_eq!(files[0].hunks[1].new_start, 12);
        assert_eq!((files[1].path.as_str(), files[1].removed_lines()), ("gone.txt", 1));
        assert!(files[2].binary && files[2].path == "logo.png");
        assert_eq!(files[3].path, "we\"ird");
    }
}
