//! The only writer to stdout and stderr.
//!
//! Results (tables, diffs) go to stdout; status lines, warnings and errors to stderr, in cargo's
//! shape: a right-aligned verb, `warning:`, `error:` then `Caused by:` then `help:`. Colour only
//! when asked or when the stream is a terminal and `NO_COLOR` is unset.

use std::fmt::Display;
use std::io::{self, IsTerminal, Write};

/// How much to print on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

const GREEN: &str = "\x1b[1;32m";
const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const CYAN: &str = "\x1b[1;36m";
const PLAIN_RED: &str = "\x1b[31m";
const PLAIN_GREEN: &str = "\x1b[32m";
const RESET: &str = "\x1b[0m";

/// The terminal.
pub struct Shell {
    verbosity: Verbosity,
    stdout_color: bool,
    stderr_color: bool,
    /// The spinner of a long step, on a terminal only; stderr lines are printed above it.
    progress: Option<indicatif::ProgressBar>,
    /// Set once stdout turned out to be a closed pipe (`cargo patch bump | true`): later
    /// results are dropped and the command carries on, so what it writes does not depend on
    /// whether anybody reads its report.
    stdout_closed: bool,
}

impl Shell {
    /// Returns a shell that colours each stream according to `color`.
    pub fn new(verbosity: Verbosity, color: ColorChoice) -> Self {
        let decide = |is_terminal: bool| match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && color_allowed_by_env(),
        };
        Self {
            verbosity,
            stdout_color: decide(io::stdout().is_terminal()),
            stderr_color: decide(io::stderr().is_terminal()),
            progress: None,
            stdout_closed: false,
        }
    }

    fn paint(&self, color: &str, text: &str) -> String {
        if self.stderr_color { format!("{color}{text}{RESET}") } else { text.to_owned() }
    }

    /// Writes a cargo-style status line (`    Updating foo`) unless quiet.
    pub fn status(&mut self, verb: &str, message: impl Display) -> io::Result<()> {
        if self.verbosity == Verbosity::Quiet {
            return Ok(());
        }
        let verb = self.paint(GREEN, &format!("{verb:>12}"));
        self.err_line(&format!("{verb} {message}"))
    }

    /// Returns whether `-v` was given.
    pub fn is_verbose(&self) -> bool {
        self.verbosity >= Verbosity::Verbose
    }

    /// Writes a status line only with `-v`.
    pub fn verbose(&mut self, verb: &str, message: impl Display) -> io::Result<()> {
        if self.verbosity < Verbosity::Verbose {
            return Ok(());
        }
        self.status(verb, message)
    }

    /// Writes `warning: ...` unless quiet.
    pub fn warn(&mut self, message: impl Display) -> io::Result<()> {
        if self.verbosity == Verbosity::Quiet {
            return Ok(());
        }
        let label = self.paint(YELLOW, "warning");
        self.err_line(&format!("{label}: {message}"))
    }

    /// Writes `note: ...` unless quiet.
    pub fn note(&mut self, message: impl Display) -> io::Result<()> {
        if self.verbosity == Verbosity::Quiet {
            return Ok(());
        }
        let label = self.paint(CYAN, "note");
        self.err_line(&format!("{label}: {message}"))
    }

    /// Shows a spinner with `message` until [`Shell::stop_progress`]; only when stderr is a
    /// terminal and output is not quiet (a log file gets the status lines alone).
    pub fn start_progress(&mut self, message: impl Display) {
        self.stop_progress();
        if self.verbosity == Verbosity::Quiet || !io::stderr().is_terminal() {
            return;
        }
        let spinner = indicatif::ProgressBar::new_spinner().with_message(message.to_string());
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            spinner.set_style(style);
        }
        spinner.enable_steady_tick(std::time::Duration::from_millis(120));
        self.progress = Some(spinner);
    }

    /// Removes the spinner, if one is shown.
    pub fn stop_progress(&mut self) {
        if let Some(spinner) = self.progress.take() {
            spinner.finish_and_clear();
        }
    }

    /// Writes a line of a command's output to stderr (above the spinner, when one is shown).
    pub fn output_line(&mut self, line: &str) -> io::Result<()> {
        self.err_line(line)
    }

    /// Writes a line to stderr. A failure is ignored (`2>/dev/full`): stderr carries messages
    /// about the work, not its result, so it must not turn work that was done into an exit 1,
    /// and there is nowhere left to report it.
    fn err_line(&self, line: &str) -> io::Result<()> {
        match &self.progress {
            Some(spinner) => spinner.println(line),
            None => {
                let _ = writeln!(io::stderr().lock(), "{line}");
            }
        }
        Ok(())
    }

    /// Writes an error with its causes and `help:` lines; never fails (there is nowhere left to report).
    pub fn error(&mut self, error: &anyhow::Error, help: &[String]) {
        self.stop_progress();
        let mut text = format!("{}: {}\n", self.paint(RED, "error"), shortened(&error.to_string()));
        let causes: Vec<String> = error.chain().skip(1).map(ToString::to_string).collect();
        if !causes.is_empty() {
            text.push_str("\nCaused by:\n");
            for cause in causes {
                for line in cause.lines() {
                    let indent = if line.is_empty() { "" } else { "  " };
                    text.push_str(&format!("{indent}{}\n", shortened(line)));
                }
            }
        }
        for line in help {
            text.push_str(&format!("{}: {line}\n", self.paint(CYAN, "help")));
        }
        let _ = io::stderr().lock().write_all(text.as_bytes());
    }

    /// Writes a rule violation in rustc's shape: `error[rule]: message`, `  --> location`,
    /// `  = help: ...`; never fails.
    pub fn violation(&mut self, rule: &str, location: Option<&str>, message: &str, help: &str) {
        let message = shortened(message);
        let mut text = format!("{}: {message}\n", self.paint(RED, &format!("error[{rule}]")));
        if let Some(location) = location {
            text.push_str(&format!("  {} {}\n", self.paint(CYAN, "-->"), shortened(location)));
        }
        text.push_str(&format!("  {} {help}\n", self.paint(CYAN, "= help:")));
        let _ = io::stderr().lock().write_all(text.as_bytes());
    }

    /// Asks a yes/no question; `Ok(None)` when nobody can answer: stdin or stderr is not a
    /// terminal (inside a git hook stdin is /dev/null while stderr may still be a terminal, and
    /// dialoguer would then prompt through /dev/tty: deps-notes), or `CI` is set.
    pub fn confirm(&mut self, prompt: &str) -> io::Result<Option<bool>> {
        if !attended() {
            return Ok(None);
        }
        let answer = dialoguer::Confirm::new().with_prompt(prompt).default(false).interact_opt();
        Ok(Some(answer.map_err(io::Error::other)?.unwrap_or(false)))
    }

    /// Returns `text` as the user left it in their editor (`$VISUAL`, else `$EDITOR`, else `vi`,
    /// run through `sh` so `code --wait` works), the file named with `suffix`; `Ok(None)` when
    /// nobody is at a terminal to edit it (as for [`Shell::confirm`]).
    pub fn edit(&mut self, text: &str, suffix: &str) -> io::Result<Option<String>> {
        if !attended() {
            return Ok(None);
        }
        let editor = std::env::var_os("VISUAL")
            .or_else(|| std::env::var_os("EDITOR"))
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| "vi".into());
        let file = tempfile::Builder::new().prefix("cargo-patch-").suffix(suffix).tempfile()?;
        std::io::Write::write_all(&mut file.as_file(), text.as_bytes())?;
        let mut script = editor.clone();
        script.push(" \"$1\"");
        let status = std::process::Command::new("sh").arg("-c").arg(&script).arg("sh").arg(file.path()).status()?;
        if !status.success() {
            return Err(io::Error::other(format!("the editor `{}` exited with {status}", editor.to_string_lossy())));
        }
        std::fs::read_to_string(file.path()).map(Some)
    }

    /// Writes a result to stdout. A closed pipe is not an error (nobody reads the rest; the
    /// command still does its work); any other failure is (`>/dev/full`: the result was lost).
    pub fn print(&mut self, text: &str) -> io::Result<()> {
        if self.stdout_closed {
            return Ok(());
        }
        let mut out = io::stdout().lock();
        match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {
                self.stdout_closed = true;
                Ok(())
            }
            other => other,
        }
    }

    /// Writes a table to stdout: a header row, then rows, columns padded to the widest cell.
    pub fn table(&mut self, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
        let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
        for row in rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let render = |cells: Vec<&str>| {
            let last = cells.len().saturating_sub(1);
            let mut line = String::new();
            for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
                if i == last {
                    line.push_str(cell);
                } else {
                    let pad = width - cell.chars().count();
                    line.push_str(&format!("{cell}{}  ", " ".repeat(pad)));
                }
            }
            line.push('\n');
            line
        };
        let mut text = render(header.to_vec());
        for row in rows {
            text.push_str(&render(row.iter().map(String::as_str).collect()));
        }
        self.print(&text)
    }

    /// Writes a unified diff to stdout, coloured like `git diff` when stdout is a terminal.
    pub fn diff(&mut self, diff: &str) -> io::Result<()> {
        if !self.stdout_color {
            return self.print(diff);
        }
        let mut text = String::with_capacity(diff.len() * 2);
        for line in diff.split_inclusive('\n') {
            let color = match line.as_bytes().first() {
                Some(b'+') if !line.starts_with("+++") => PLAIN_GREEN,
                Some(b'-') if !line.starts_with("---") => PLAIN_RED,
                Some(b'@') => CYAN,
                _ => "",
            };
            if color.is_empty() {
                text.push_str(line);
            } else {
                let body = line.trim_end_matches('\n');
                text.push_str(&format!("{color}{body}{RESET}\n"));
            }
        }
        self.print(&text)
    }
}

/// The most characters of one line of an error that are shown: a message or a location can
/// quote the input, and a 10 MB one-line commit message must not become 20 MB on stderr.
const SHOWN_CHARS: usize = 300;

/// Returns `text` with every line longer than [`SHOWN_CHARS`] cut there, saying how much was left out.
fn shortened(text: &str) -> std::borrow::Cow<'_, str> {
    if text.lines().all(|line| line.len() <= SHOWN_CHARS) {
        return text.into();
    }
    let lines: Vec<String> = text
        .lines()
        .map(|line| match line.char_indices().nth(SHOWN_CHARS) {
            Some((cut, _)) => format!("{}... ({} more characters)", &line[..cut], line[cut..].chars().count()),
            None => line.to_owned(),
        })
        .collect();
    lines.join("\n").into()
}

/// Returns whether the environment allows colour (<https://no-color.org>, `TERM=dumb`).
#[expect(clippy::disallowed_methods, reason = "colour is decided once, here, from the environment")]
fn color_allowed_by_env() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    !no_color && !dumb
}

/// Returns whether someone is at a terminal to answer: stdin and stderr are terminals (inside a
/// git hook stdin is /dev/null while stderr may still be one, and dialoguer would then prompt
/// through /dev/tty: deps-notes), and `CI` is unset.
fn attended() -> bool {
    io::stdin().is_terminal() && io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}
