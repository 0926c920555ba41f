//! Notifications: telling people a release is out, by a webhook (JSON, or Slack's
//! incoming-webhook format) and by e-mail over SMTP, from `[workspace.metadata.patch-release.notify]`.
//!
//! A [`Message`] is built whole when the release is planned (the body, the recipients, the
//! subject) and kept in the journal, so `--resume` sends exactly what was planned; only the
//! secrets (the webhook's URL, the SMTP credentials) stay out of it: they are read from the
//! environment variables the configuration names, when the message is sent.

pub mod email;
pub mod webhook;

use serde::{Deserialize, Serialize};

use crate::changelog::notes::ReleaseNotes;

/// `[...patch-release.notify]`: where releases are announced; nothing by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    pub webhook: Option<WebhookConfig>,
    pub email: Option<EmailConfig>,
}

/// The webhook: the variable holding its URL, and the body's format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookConfig {
    pub url_env: String,
    pub format: WebhookFormat,
}

/// What the webhook receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WebhookFormat {
    /// The `notes --format json` document, with the crates and their registry pages.
    Json,
    /// Slack's incoming-webhook message: `text` and `blocks`.
    Slack,
}

/// The e-mail: who gets it, from whom, and the SMTP server it goes through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailConfig {
    pub to: Vec<String>,
    pub from: String,
    /// `{tag}`, `{version}` and `{crate}` are filled in.
    pub subject: String,
    pub smtp: Smtp,
}

/// How to reach the SMTP server; the credentials are named, never held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    /// The variables holding the user name and the password; no authentication unless both are set.
    pub username_env: String,
    pub password_env: String,
}

/// When the connection is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SmtpTls {
    /// STARTTLS when the server offers it, else plain (a relay on localhost).
    Opportunistic,
    /// STARTTLS, or no mail.
    Starttls,
    /// TLS from the first byte (port 465).
    Implicit,
}

/// One notification, ready to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The release it announces.
    pub tag: String,
    pub kind: MessageKind,
}

/// What is sent, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageKind {
    Webhook { url_env: String, format: WebhookFormat, body: String },
    Email { email: EmailConfig, subject: String, body: String },
}

/// A crate a release published, with its page on the registry when it is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Published {
    pub name: String,
    pub version: String,
    /// `crates-io`, or the `--registry` name.
    pub registry: String,
    /// The crate's page (crates.io's), when the registry has a known one.
    pub url: Option<String>,
}

impl Published {
    /// Returns the crate `name` at `version` on `registry` (`None`: crates.io).
    pub fn new(name: &str, version: &str, registry: Option<&str>) -> Self {
        Self {
            name: name.to_owned(),
            version: version.to_owned(),
            registry: registry.unwrap_or("crates-io").to_owned(),
            url: registry.is_none().then(|| format!("https://crates.io/crates/{name}/{version}")),
        }
    }
}

/// Why a notification was not sent.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the webhook's URL variable `{name}` is not set")]
    NoUrl { name: String },
    #[error("the webhook answered {status} after {attempts} attempt(s): {body}")]
    Status { status: u16, attempts: u32, body: String },
    #[error("the webhook could not be reached after {attempts} attempt(s): {message}")]
    Unreachable { attempts: u32, message: String },
    #[error("the e-mail could not be built: {message}")]
    Email { message: String },
    #[error("the SMTP server `{host}:{port}` did not take the e-mail: {message}")]
    Smtp { host: String, port: u16, message: String },
}

impl Message {
    /// Returns what the message is, for the plan and the report: "webhook (slack)", "e-mail to a, b".
    pub fn describe(&self) -> String {
        match &self.kind {
            MessageKind::Webhook { format: WebhookFormat::Json, url_env, .. } => {
                format!("webhook (JSON, URL from `{url_env}`)")
            }
            MessageKind::Webhook { format: WebhookFormat::Slack, url_env, .. } => {
                format!("webhook (Slack, URL from `{url_env}`)")
            }
            MessageKind::Email { email, .. } => format!("e-mail to {}", email.to.join(", ")),
        }
    }

    /// Sends the message; `env` reads a variable (the webhook's URL, the SMTP credentials).
    pub fn send(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<(), Error> {
        match &self.kind {
            MessageKind::Webhook { url_env, body, .. } => {
                let url =
                    env(url_env).filter(|u| !u.is_empty()).ok_or_else(|| Error::NoUrl { name: url_env.clone() })?;
                webhook::post(&url, body, &webhook::Retry::default())
            }
            MessageKind::Email { email, subject, body } => email::send(email, subject, body, env),
        }
    }
}

/// How a journal step's note starts when its notification was not sent.
pub const NOT_SENT: &str = "not sent: ";

/// Returns the environment variable `name` (a webhook URL, an SMTP credential): read when a
/// message is sent, so no secret is ever written to the journal.
#[expect(clippy::disallowed_methods, reason = "secrets are read where they are used, never kept in the context")]
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Returns the messages `config` asks for, one per target for each release in `notes`.
pub fn messages(config: &Config, notes: &[ReleaseNotes], published: &[Published]) -> Vec<Message> {
    let mut out = Vec::new();
    for release in notes {
        let crates: Vec<&Published> = published.iter().filter(|p| release.crates.contains(&p.name)).collect();
        if let Some(hook) = &config.webhook {
            let body = match hook.format {
                WebhookFormat::Json => webhook::json_body(release, &crates),
                WebhookFormat::Slack => webhook::slack_body(release, &crates),
            };
            out.push(Message {
                tag: release.tag.clone(),
                kind: MessageKind::Webhook { url_env: hook.url_env.clone(), format: hook.format, body },
            });
        }
        if let Some(email) = &config.email {
            let name = release.crates.first().cloned().unwrap_or_default();
            let subject = email
                .subject
                .replace("{tag}", &release.tag)
                .replace("{version}", &release.version.to_string())
                .replace("{crate}", &name);
            let body = email::body(release, &crates);
            out.push(Message {
                tag: release.tag.clone(),
                kind: MessageKind::Email { email: email.clone(), subject, body },
            });
        }
    }
    out
}
