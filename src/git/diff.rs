//! The change a hotfix branch makes, file by file and hunk by hunk, from `git diff --raw -z -p
//! -U0`: the NUL-separated raw records list the files (a mode-only change, an empty new file and a
//! name with ` and ` or a tab in it have no `---`/`+++` lines to read a path from), the patch
//! their hunks.
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
    /// Starts `git diff --raw -z -p -U0 base head`.
    pub fn spawn(workdir: &Path, base: &str, head: &str) -> Result<Self, git::Error> {
        let args = [
            "diff",
            "--raw",
            "-z",
            "-p",
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
            // Revisions come from hook input: never let one be read as an option (`--output=`).
            .arg("--end-of-options")
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
        Ok(parse(&output.stdout))
    }
}

/// Parses `git diff --raw -z -p -U0` output: the NUL-separated raw records name every changed
/// file exactly (mode-only changes, empty files and any byte in a name included), then the patch
/// gives each its hunks, one `diff --git` section per record, in the same order. Any bytes are
/// accepted (public for the fuzz target): what does not fit the format is skipped.
pub fn parse(output: &[u8]) -> Vec<FileDiff> {
    let mut files: Vec<FileDiff> = Vec::new();
    let mut rest = output;
    // `:<old mode> <new mode> <old id> <new id> <status>\0<path>\0`, one path with `--no-renames`.
    while rest.first() == Some(&b':') {
        let mut fields = rest.splitn(3, |b| *b == 0);
        let (Some(_meta), Some(path)) = (fields.next(), fields.next()) else { break };
        files.push(FileDiff { path: String::from_utf8_lossy(path).into_owned(), ..FileDiff::default() });
        rest = fields.next().unwrap_or_default();
    }
    let patch = String::from_utf8_lossy(rest.strip_prefix(b"\0").unwrap_or(rest));
    let mut section = None;
    for line in patch.lines() {
        if line.starts_with("diff --git ") {
            section = Some(section.map_or(0, |i| i + 1));
            continue;
        }
        let Some(file) = section.and_then(|i| files.get_mut(i)) else { continue };
        if line.starts_with("Binary files ") && file.hunks.is_empty() {
            file.binary = true;
        } else if let Some(header) = line.strip_prefix("@@ ")
            && !file.binary
        {
            // A binary file's section has no text hunks (git prints none after `Binary files`).
            file.hunks.push(Hunk { new_start: hunk_start(header), ..Hunk::default() });
        } else if let Some(hunk) = file.hunks.last_mut() {
            if let Some(removed) = line.strip_prefix('-') {
                hunk.removed.push(removed.to_owned());
            } else if let Some(added) = line.strip_prefix('+') {
                hunk.added.push(added.to_owned());
            }
        }
    }
    files
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
        let raw = ":100644 100644 1 2 M\0src/lib.rs\0:100644 000000 1 0 D\0gone.txt\0:100644 100755 1 1 M\0ci.sh\0\
:000000 100644 0 e A\0a and b.png\0:000000 100644 0 e A\0tab\tname\0\0";
        let patch = "diff --git a/src/lib.rs b/src/lib.rs\nindex 1..2 100644\n--- a/src/lib.rs\n+++ b/src/lib.rs\n\
@@ -3,2 +3,2 @@ fn x\n-old\n--- sql comment\n+new\n+more\n@@ -10,0 +12 @@\n+tail\n\
diff --git a/gone.txt b/gone.txt\ndeleted file mode 100644\n--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n\
diff --git a/ci.sh b/ci.sh\nold mode 100644\nnew mode 100755\n\
diff --git a/a and b.png b/a and b.png\nnew file mode 100644\nBinary files /dev/null and b/a and b.png differ\n\
diff --git \"a/tab\\tname\" \"b/tab\\tname\"\nnew file mode 100644\n";
        let files = parse(format!("{raw}{patch}").as_bytes());
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["src/lib.rs", "gone.txt", "ci.sh", "a and b.png", "tab\tname"]);
        assert_eq!((files[0].added_lines(), files[0].removed_lines()), (3, 2));
        assert_eq!(files[0].hunks[1].new_start, 12);
        assert_eq!(files[1].removed_lines(), 1);
        assert!(files[2].hunks.is_empty() && !files[2].binary);
        assert!(files[3].binary);
    }

    #[test]
    fn a_binary_file_has_no_hunks_whatever_follows() {
        // Found by the `diff` fuzz target: a hunk header after `Binary files` is not a hunk.
        let files = parse(b":000000 100644 0 e A\0a.png\0\0diff --git a/a.png b/a.png\nBinary files /dev/null and b/a.png differ\n@@ -1 +1 @@\n+x\n");
        assert!(files[0].binary);
        assert!(files[0].hunks.is_empty());
    }
}
