//! The e-mail: the text notes as a plain-text body, sent over SMTP with lettre (rustls, no
//! OpenSSL), STARTTLS whenever the server offers it.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{SmtpTransport, Transport};

use super::{EmailConfig, Error, Published, SmtpTls};
use crate::changelog::notes::{self, ReleaseNotes};

/// Returns the body: the text notes, then where the crates are.
pub fn body(release: &ReleaseNotes, crates: &[&Published]) -> String {
    let mut out = notes::text(release);
    if !crates.is_empty() {
        out.push_str("\nPublished:\n");
        for c in crates {
            let place = c.url.clone().unwrap_or_else(|| format!("registry `{}`", c.registry));
            out.push_str(&format!("  {} {}: {place}\n", c.name, c.version));
        }
    }
    out
}

/// Sends one message to every recipient of `email`.
pub fn send(email: &EmailConfig, subject: &str, body: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<(), Error> {
    let invalid = |what: &str, err: &dyn std::fmt::Display| Error::Email { message: format!("{what}: {err}") };
    let mut builder = lettre::Message::builder()
        .from(email.from.parse().map_err(|err| invalid(&format!("`from` `{}`", email.from), &err))?)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN);
    for to in &email.to {
        builder = builder.to(to.parse().map_err(|err| invalid(&format!("`to` `{to}`"), &err))?);
    }
    let message = builder.body(body.to_owned()).map_err(|err| invalid("the message", &err))?;
    let smtp = &email.smtp;
    let credentials = match (env(&smtp.username_env), env(&smtp.password_env)) {
        (Some(user), Some(password)) if !user.is_empty() => Some(Credentials::new(user, password)),
        _ => None,
    };
    let failed = |message: String| Error::Smtp { host: smtp.host.clone(), port: smtp.port, message };
    let parameters = TlsParameters::new(smtp.host.clone()).map_err(|err| failed(err.to_string()))?;
    let loopback = smtp.host == "localhost" || smtp.host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    let tls = match smtp.tls {
        // Credentials never cross the network in the clear: off this machine, STARTTLS is required.
        SmtpTls::Opportunistic if credentials.is_some() && !loopback => Tls::Required(parameters),
        SmtpTls::Opportunistic => Tls::Opportunistic(parameters),
        SmtpTls::Starttls => Tls::Required(parameters),
        SmtpTls::Implicit => Tls::Wrapper(parameters),
    };
    let mut transport = SmtpTransport::builder_dangerous(smtp.host.as_str())
        .port(smtp.port)
        .tls(tls)
        .timeout(Some(Duration::from_secs(30)));
    if let Some(credentials) = credentials {
        transport = transport.credentials(credentials);
    }
    transport.build().send(&message).map(drop).map_err(|err| {
        let mut text = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(cause) = source {
            // lettre's own message often repeats its cause's.
            let cause_text = cause.to_string();
            if !text.contains(&cause_text) {
                text.push_str(&format!(": {cause_text}"));
            }
            source = cause.source();
        }
        failed(text)
    })
}
