//! Warnings that arise below `ops` (a malformed tag skipped while reading history) and must still
//! reach the user: collected here, printed through the shell by `cli` once the command has run,
//! so the domain layers never write to the terminal.

use std::sync::Mutex;

static PENDING: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Records a warning; the same text twice (history is read more than once) is kept once.
pub fn warn(message: String) {
    if let Ok(mut pending) = PENDING.lock()
        && !pending.contains(&message)
    {
        pending.push(message);
    }
}

/// Returns the warnings recorded so far, and forgets them.
pub fn take() -> Vec<String> {
    PENDING.lock().map(|mut pending| std::mem::take(&mut *pending)).unwrap_or_default()
}
