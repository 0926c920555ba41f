//! The files git keeps for a repository, read directly: what the commit-msg hook needs (HEAD, a
//! merge in progress, a few config keys) costs no process and no repository open.
//!
//! Config is read in git's order (system, global, repository, worktree, then `GIT_CONFIG_COUNT`
//! and `git -c` from the environment git hands its hooks); the last value wins, as in git.
//! `[include]` files are not followed.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The environment variables git's config lookup depends on, read once by the caller.
#[derive(Debug, Clone, Default)]
pub struct GitEnv {
    pub git_dir: Option<OsString>,
    pub home: Option<OsString>,
    pub xdg_config_home: Option<OsString>,
    pub config_nosystem: bool,
    pub config_system: Option<OsString>,
    pub config_global: Option<OsString>,
    /// `GIT_CONFIG_KEY_<n>`/`GIT_CONFIG_VALUE_<n>` pairs, in order.
    pub config_pairs: Vec<(String, String)>,
    /// `GIT_CONFIG_PARAMETERS` (`git -c key=value`).
    pub config_parameters: Option<String>,
    /// `GIT_EDITOR`: git sets it to `:` for a hook when no editor was opened.
    pub editor: Option<OsString>,
    /// The `--cleanup` mode of the `git commit` that runs this hook, when it can be seen.
    pub cleanup_flag: Option<String>,
}

impl GitEnv {
    /// Returns the variables of this process's environment.
    pub fn from_process() -> Self {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let text = |name: &str| var(name).map(|v| v.to_string_lossy().into_owned());
        let count: usize = text("GIT_CONFIG_COUNT").and_then(|c| c.parse().ok()).unwrap_or(0);
        let config_pairs = (0..count)
            .filter_map(|i| Some((text(&format!("GIT_CONFIG_KEY_{i}"))?, text(&format!("GIT_CONFIG_VALUE_{i}"))?)))
            .collect();
        Self {
            git_dir: var("GIT_DIR"),
            home: var("HOME"),
            xdg_config_home: var("XDG_CONFIG_HOME"),
            config_nosystem: text("GIT_CONFIG_NOSYSTEM").is_some_and(|v| !matches!(v.as_str(), "0" | "false")),
            config_system: var("GIT_CONFIG_SYSTEM"),
            config_global: var("GIT_CONFIG_GLOBAL"),
            config_pairs,
            config_parameters: text("GIT_CONFIG_PARAMETERS"),
            editor: var("GIT_EDITOR"),
            cleanup_flag: cleanup_flag_of_ancestors(),
        }
    }
}

/// Returns `None`: without `/proc` the flag cannot be seen, and the config and git's default
/// decide.
#[cfg(not(target_os = "linux"))]
fn cleanup_flag_of_ancestors() -> Option<String> {
    None
}

/// Returns the `--cleanup=<mode>` of the nearest `git` among this process's ancestors (the hook
/// script's parent), read from `/proc`; `None` when it was not given.
#[cfg(target_os = "linux")]
fn cleanup_flag_of_ancestors() -> Option<String> {
    let mut pid = std::os::unix::process::parent_id();
    for _ in 0..4 {
        let argv = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        let args: Vec<String> = argv.split(|b| *b == 0).map(|a| String::from_utf8_lossy(a).into_owned()).collect();
        let program = args.first().map(|a| a.rsplit('/').next().unwrap_or(a).to_owned()).unwrap_or_default();
        if program == "git" || program.starts_with("git-") {
            let mut found = None;
            for (i, arg) in args.iter().enumerate() {
                if let Some(mode) = arg.strip_prefix("--cleanup=") {
                    found = Some(mode.to_owned());
                } else if arg == "--cleanup" {
                    found = args.get(i + 1).cloned();
                }
            }
            return found;
        }
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // The fields after the parenthesised command name: state, then the parent's id.
        pid = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()?;
    }
    None
}

/// One `key = value` of a config file, with its section (`core`, `branch "main"`) resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    /// `section.key` or `section.subsection.key`; section and key lower-cased, as git compares.
    name: String,
    value: String,
}

/// The files git keeps for the repository around a directory.
#[derive(Debug, Clone)]
pub struct GitFiles {
    git_dir: PathBuf,
    work_dir: PathBuf,
    entries: Vec<Entry>,
}

impl GitFiles {
    /// Finds `$GIT_DIR`, or the `.git` directory (or `gitdir:` file) at or above `cwd`, and
    /// reads every config file git would.
    pub fn find(cwd: &Path, env: &GitEnv) -> Option<Self> {
        let (git_dir, work_dir) = match &env.git_dir {
            Some(dir) => (cwd.join(dir), cwd.to_owned()),
            None => cwd.ancestors().find_map(|dir| {
                let dot_git = dir.join(".git");
                if dot_git.is_dir() {
                    return Some((dot_git, dir.to_owned()));
                }
                let text = std::fs::read_to_string(&dot_git).ok()?;
                let target = text.strip_prefix("gitdir:")?.trim();
                Some((dir.join(target), dir.to_owned()))
            })?,
        };
        let common_dir = match std::fs::read_to_string(git_dir.join("commondir")) {
            Ok(text) => git_dir.join(text.trim()),
            Err(_) => git_dir.clone(),
        };
        let mut entries = Vec::new();
        for path in global_config_paths(env) {
            entries.extend(read_config(&path));
        }
        entries.extend(read_config(&common_dir.join("config")));
        let mut files = Self { git_dir, work_dir, entries };
        if files.get("extensions.worktreeconfig").is_some_and(|v| is_true(&v)) {
            let worktree = read_config(&files.git_dir.join("config.worktree"));
            files.entries.extend(worktree);
        }
        files.entries.extend(env.config_pairs.iter().map(|(k, v)| Entry { name: normalise_name(k), value: v.clone() }));
        if let Some(parameters) = &env.config_parameters {
            files.entries.extend(parse_parameters(parameters));
        }
        Some(files)
    }

    /// Returns the last value of `name` (`core.commentChar`, `branch.main.patchBase`): section
    /// and key compare case-insensitively, a subsection exactly, as in git.
    pub fn get(&self, name: &str) -> Option<String> {
        let name = normalise_name(name);
        self.entries.iter().rev().find(|e| e.name == name).map(|e| e.value.clone())
    }

    /// Returns the branch HEAD is on, if any. The files backend keeps HEAD in `HEAD`; other ref
    /// storage (reftable leaves a placeholder there) is asked through `git symbolic-ref`.
    pub fn branch(&self) -> Option<String> {
        let files_backend = self.get("extensions.refstorage").is_none_or(|s| s.eq_ignore_ascii_case("files"));
        let head = if files_backend {
            std::fs::read_to_string(self.git_dir.join("HEAD")).ok()?.trim().strip_prefix("ref: ")?.to_owned()
        } else {
            let output = std::process::Command::new("git")
                .arg("-C")
                .arg(&self.work_dir)
                .args(["symbolic-ref", "-q", "HEAD"])
                .output()
                .ok()?;
            output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())?
        };
        head.strip_prefix("refs/heads/").map(str::to_owned)
    }

    /// Returns whether a merge is being concluded (git keeps `MERGE_HEAD` until the commit).
    pub fn merging(&self) -> bool {
        self.git_dir.join("MERGE_HEAD").is_file()
    }
}

/// Returns whether a config value is git's true.
fn is_true(value: &str) -> bool {
    matches!(value.to_ascii_lowercase().as_str(), "true" | "yes" | "on" | "1" | "")
}

/// The system and global config files, in the order git reads them.
fn global_config_paths(env: &GitEnv) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    if !env.config_nosystem {
        paths.push(env.config_system.as_ref().map_or_else(|| PathBuf::from("/etc/gitconfig"), PathBuf::from));
    }
    if let Some(global) = &env.config_global {
        paths.push(PathBuf::from(global));
        return paths;
    }
    let xdg = env
        .xdg_config_home
        .as_ref()
        .map(PathBuf::from)
        .or_else(|| env.home.as_ref().map(|h| Path::new(h).join(".config")));
    paths.extend(xdg.map(|dir| dir.join("git/config")));
    paths.extend(env.home.as_ref().map(|home| Path::new(home).join(".gitconfig")));
    paths
}

/// Returns `section[.subsection].key` with section and key lower-cased.
fn normalise_name(name: &str) -> String {
    let (section, rest) = name.split_once('.').unwrap_or((name, ""));
    match rest.rsplit_once('.') {
        Some((sub, key)) => format!("{}.{sub}.{}", section.to_ascii_lowercase(), key.to_ascii_lowercase()),
        None => format!("{}.{}", section.to_ascii_lowercase(), rest.to_ascii_lowercase()),
    }
}

fn read_config(path: &Path) -> Vec<Entry> {
    std::fs::read_to_string(path).map(|text| parse_config(&text)).unwrap_or_default()
}

/// Returns the entries of a config file: `[section]`, `[section "sub"]`, `[section.sub]`,
/// `key = value` and bare `key` (true); comments after `#`/`;` outside quotes dropped.
fn parse_config(text: &str) -> Vec<Entry> {
    let mut section = String::new();
    let mut entries = Vec::new();
    for line in text.lines() {
        let mut line = line.trim();
        if let Some(header) = line.strip_prefix('[') {
            let Some((inside, rest)) = header.split_once(']') else { continue };
            section = match inside.split_once(char::is_whitespace) {
                Some((name, sub)) => {
                    let sub = sub.trim().trim_matches('"').replace("\\\"", "\"").replace("\\\\", "\\");
                    format!("{}.{sub}", name.to_ascii_lowercase())
                }
                None => match inside.split_once('.') {
                    Some((name, sub)) => format!("{}.{}", name.to_ascii_lowercase(), sub.to_ascii_lowercase()),
                    None => inside.to_ascii_lowercase(),
                },
            };
            line = rest.trim();
        }
        if line.is_empty() || line.starts_with(['#', ';']) || section.is_empty() {
            continue;
        }
        let (key, value) = line.split_once('=').map_or((line, "true".to_owned()), |(k, v)| (k, config_value(v)));
        entries.push(Entry { name: format!("{section}.{}", key.trim().to_ascii_lowercase()), value });
    }
    entries
}

/// Returns a config value without its quotes, escapes and trailing comment.
fn config_value(raw: &str) -> String {
    let mut value = String::new();
    let (mut quoted, mut chars) = (false, raw.trim().chars());
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' => match chars.next() {
                Some('n') => value.push('\n'),
                Some('t') => value.push('\t'),
                Some(other) => value.push(other),
                None => {}
            },
            '#' | ';' if !quoted => break,
            _ => value.push(c),
        }
    }
    if quoted { value } else { value.trim_end().to_owned() }
}

/// Returns the entries of `GIT_CONFIG_PARAMETERS`: `'key'='value'` (or `'key=value'`) items.
fn parse_parameters(text: &str) -> Vec<Entry> {
    let mut words: Vec<String> = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                let mut word = String::new();
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
                if let Some(last) = words.last_mut().filter(|w| w.ends_with('=')) {
                    last.push_str(&word);
                } else {
                    words.push(word);
                }
            }
            '\\' => {
                if let (Some(escaped), Some(last)) = (chars.next(), words.last_mut()) {
                    last.push(escaped);
                }
            }
            '=' => {
                if let Some(last) = words.last_mut() {
                    last.push('=');
                }
            }
            _ => {}
        }
    }
    words
        .iter()
        .filter_map(|w| w.split_once('='))
        .map(|(k, v)| Entry { name: normalise_name(k), value: v.to_owned() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_config_as_git_does() {
        let text = "[core]\n\tcommentChar = \";\" # why\n[branch \"hotfix/A\"]\n\tpatchBase = v1.2.3\n[Extensions]\n\tworktreeConfig\n";
        let entries = parse_config(text);
        assert_eq!(entries[0], Entry { name: "core.commentchar".into(), value: ";".into() });
        assert_eq!(entries[1], Entry { name: "branch.hotfix/A.patchbase".into(), value: "v1.2.3".into() });
        assert_eq!(entries[2], Entry { name: "extensions.worktreeconfig".into(), value: "true".into() });
        assert_eq!(normalise_name("branch.hotfix/A.patchBase"), "branch.hotfix/A.patchbase");
    }

    #[test]
    fn reads_git_c_parameters() {
        let entries = parse_parameters("'core.commentChar'=';' 'user.name=A B'");
        assert_eq!(entries[0], Entry { name: "core.commentchar".into(), value: ";".into() });
        assert_eq!(entries[1], Entry { name: "user.name".into(), value: "A B".into() });
    }
}
