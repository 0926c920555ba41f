//! The webhook: its two bodies and the POST, retried with backoff.
//!
//! A 5xx answer, a 429 or an unreachable server is tried again (three attempts by default, 1 s
//! then 2 s apart); any other 4xx is final: the URL or the body is wrong, and sending it again
//! would not help.

use std::time::Duration;

use serde_json::json;

use super::{Error, Published};
use crate::changelog::notes::{self, ReleaseNotes};

/// Returns the `notes --format json` document of `release`, with `crates` added.
pub fn json_body(release: &ReleaseNotes, crates: &[&Published]) -> String {
    let mut document = notes::to_json(release);
    if let Some(object) = document.as_object_mut() {
        object.insert("crates".into(), json!(crates));
    }
    format!("{document:#}")
}

/// Slack caps a section's text at 3000 characters.
const SLACK_SECTION_LIMIT: usize = 3000;

/// Returns Slack's incoming-webhook message: `text` (the notification's one line) and `blocks`,
/// the highlights first (a critical fix marked), then the crates.
pub fn slack_body(release: &ReleaseNotes, crates: &[&Published]) -> String {
    let critical = release.highlights.iter().any(crate::changes::Change::is_critical);
    let headline = if critical {
        format!(":rotating_light: {} released: it carries a CRITICAL fix", release.tag)
    } else {
        format!("{} released", release.tag)
    };
    let mut blocks = vec![json!({"type": "header", "text": {"type": "plain_text", "text": truncate(&headline, 150)}})];
    if !release.highlights.is_empty() {
        let lines: Vec<String> = release.highlights.iter().map(|c| format!("• {}", slack_line(c))).collect();
        blocks.push(section(&format!("*Highlights*\n{}", lines.join("\n"))));
    }
    for (title, changes) in &release.sections {
        let lines: Vec<String> = changes.iter().map(|c| format!("• {}", slack_line(c))).collect();
        blocks.push(section(&format!("*{}*\n{}", title.title(), lines.join("\n"))));
    }
    if !crates.is_empty() {
        let links: Vec<String> = crates
            .iter()
            .map(|c| match &c.url {
                Some(url) => format!("<{url}|{} {}>", c.name, c.version),
                None => format!("{} {} (`{}`)", c.name, c.version, c.registry),
            })
            .collect();
        blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn", "text": links.join(" · ")}]}));
    }
    format!("{:#}", json!({"text": headline, "blocks": blocks}))
}

fn section(text: &str) -> serde_json::Value {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SLACK_SECTION_LIMIT)}})
}

fn slack_line(change: &crate::changes::Change) -> String {
    let mut out = String::new();
    if change.is_critical() {
        out.push_str(":rotating_light: *CRITICAL* ");
    } else if let Some(severity) = change.severity {
        out.push_str(&format!("[{severity}] "));
    }
    if change.breaking {
        out.push_str("*BREAKING* ");
    }
    if let Some(scope) = &change.scope {
        out.push_str(&format!("*{scope}:* "));
    }
    out.push_str(&change.description);
    out
}

fn truncate(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(limit.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// How a POST is retried.
#[derive(Debug, Clone)]
pub struct Retry {
    pub attempts: u32,
    /// The wait before the second attempt; it doubles after each.
    pub first_wait: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self { attempts: 3, first_wait: Duration::from_secs(1) }
    }
}

/// POSTs `body` (JSON) to `url`, retrying as `retry` says.
pub fn post(url: &str, body: &str, retry: &Retry) -> Result<(), Error> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(20)))
        .http_status_as_error(false)
        .user_agent(concat!("cargo-patch/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut wait = retry.first_wait;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let last = attempt >= retry.attempts.max(1);
        match agent.post(url).header("Content-Type", "application/json").send(body) {
            Ok(response) if response.status().is_success() => return Ok(()),
            Ok(mut response) => {
                let status = response.status().as_u16();
                let transient = status == 429 || status >= 500;
                if last || !transient {
                    let text = response.body_mut().read_to_string().unwrap_or_default();
                    return Err(Error::Status { status, attempts: attempt, body: truncate(text.trim(), 200) });
                }
            }
            Err(err) if last => return Err(Error::Unreachable { attempts: attempt, message: err.to_string() }),
            Err(_) => {}
        }
        std::thread::sleep(wait);
        wait *= 2;
    }
}
