//! Notifications against real servers on 127.0.0.1: a recording HTTP server and aiosmtpd. A
//! release announces itself once by each; a fault between the two, then `--resume`, sends
//! neither twice; a webhook that keeps failing leaves the release done, and `notify` resends.
#![cfg(unix)]

use crate::release::{QUICK, Release};
use crate::support::servers::{HttpRecorder, SmtpServer};
use crate::support::{assert_code, describe, text};

const README: &str = "# a\n\n```toml\na = \"1.0.0\"\n```\n\nReleased 2020-01-01.\n";

/// The issue's whole scenario: two replacements, a pre-release-commit hook, a webhook and an e-mail.
fn release_with(http: &HttpRecorder, smtp: &SmtpServer, format: &str) -> (Release, Vec<(String, String)>) {
    let config = format!(
        "{QUICK}pre-release-commit = [\"echo \\\"$NEW_VERSION\\\" > VERSION.txt\"]\n\n\
         [[workspace.metadata.patch-release.replace]]\nfile = \"README.md\"\nsearch = 'a = \"[0-9.]+\"'\n\
         replace = 'a = \"{{version}}\"'\n\n\
         [[workspace.metadata.patch-release.replace]]\nfile = \"README.md\"\nsearch = 'Released [0-9-]+'\n\
         replace = 'Released {{date}}'\n\n\
         [workspace.metadata.patch-release.notify]\nwebhook-url-env = \"RELEASE_WEBHOOK_URL\"\n\
         webhook-format = \"{format}\"\nemail-to = [\"team@example.com\", \"ops@example.com\"]\n\
         email-from = \"Releases <releases@example.com>\"\nsmtp-host = \"127.0.0.1\"\nsmtp-port = {}\n",
        smtp.port()
    );
    let r = Release::with_files(&config, "", &[("README.md", README.to_owned())]);
    let env = vec![("RELEASE_WEBHOOK_URL".to_owned(), http.url("/hooks/release"))];
    (r, env)
}

fn run(r: &Release, args: &[&str], env: &[(String, String)], extra: &[(&str, &str)]) -> std::process::Output {
    let mut all: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    all.extend_from_slice(extra);
    r.run(args, &all)
}

#[test]
fn a_release_announces_itself_once_by_webhook_and_once_by_email() {
    let home = tempfile::tempdir().unwrap();
    let (http, smtp) = (HttpRecorder::start(), SmtpServer::start(home.path()));
    let (r, env) = release_with(&http, &smtp, "json");
    let output = run(&r, &["release", "--yes", "--no-publish"], &env, &[]);
    assert_code(&output, 0, "release");

    // The release commit holds the replaced strings and the hook's file.
    assert_eq!(r.project.git(&["show", "v1.0.1:VERSION.txt"]), "1.0.1\n");
    let readme = r.project.git(&["show", "v1.0.1:README.md"]);
    assert!(readme.contains("a = \"1.0.1\"") && !readme.contains("2020-01-01"), "{readme}");

    // One well-formed POST: the notes document, with the (here: no) published crates.
    let requests = http.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let post = &requests[0];
    assert_eq!((post.method.as_str(), post.path.as_str()), ("POST", "/hooks/release"));
    assert_eq!(post.header("content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_str(&post.body).unwrap();
    assert_eq!(body["tag"], "v1.0.1");
    assert_eq!(body["version"], "1.0.1");
    assert_eq!(body["previous"], "v1.0.0");
    assert_eq!(body["highlights"][0]["severity"], "critical", "{body:#}");
    assert_eq!(body["crates"], serde_json::json!([]), "nothing was published");

    // One message, to both recipients, the text notes as its body.
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let mail = &messages[0];
    assert!(mail.contains("Subject: v1.0.1 released"), "{mail}");
    assert!(mail.contains("team@example.com") && mail.contains("ops@example.com"), "{mail}");
    assert!(mail.contains("From: Releases <releases@example.com>"), "{mail}");
    assert!(mail.contains("Highlights:") && mail.contains("[CRITICAL]"), "{mail}");

    // The record keeps both, and the retrospective's timeline (a critical fix) shows them.
    let record = std::fs::read_to_string(r.project.root().join(".git/cargo-patch/releases/v1.0.1.json")).unwrap();
    assert!(record.contains("notify-webhook") && record.contains("notify-email"), "{record}");
    run(&r, &["rollback", "v1.0.1", "--no-yank", "--yes"], &env, &[]);
    let retro = r.project.read("docs/retrospectives/v1.0.1.md");
    assert!(retro.contains("announced by webhook (JSON, URL from `RELEASE_WEBHOOK_URL`)"), "{retro}");
    assert!(retro.contains("announced by e-mail to team@example.com, ops@example.com"), "{retro}");
    assert!(retro.contains("pre-release-commit hook: `echo"), "{retro}");
}

#[test]
fn a_fault_between_the_two_notifications_then_resume_sends_neither_twice() {
    let home = tempfile::tempdir().unwrap();
    let (http, smtp) = (HttpRecorder::start(), SmtpServer::start(home.path()));
    let (r, env) = release_with(&http, &smtp, "slack");
    let output = run(&r, &["release", "--yes", "--no-publish"], &env, &[("CARGO_PATCH_FAIL_STEP", "notify-email")]);
    assert_code(&output, 1, "fault before the e-mail");
    assert!(text(&output.stderr).contains("--resume"), "{}", describe(&output));
    assert!(r.journal().exists());
    assert_eq!((http.requests().len(), smtp.messages().len()), (1, 0));

    run(&r, &["release", "--resume"], &env, &[]);
    assert!(!r.journal().exists(), "finished");
    assert_eq!((http.requests().len(), smtp.messages().len()), (1, 1), "each sent exactly once");
    // Slack's format: `text` and `blocks`, the critical fix marked in the highlights.
    let body: serde_json::Value = serde_json::from_str(&http.requests()[0].body).unwrap();
    assert!(body["text"].as_str().unwrap().contains("CRITICAL"), "{body:#}");
    let highlights = body["blocks"][1]["text"]["text"].as_str().unwrap();
    assert!(highlights.starts_with("*Highlights*") && highlights.contains(":rotating_light: *CRITICAL*"), "{body:#}");

    // A resume after the end has nothing left: neither is sent again.
    let output = run(&r, &["release", "--resume"], &env, &[]);
    assert_code(&output, 1, "nothing to resume");
    assert_eq!((http.requests().len(), smtp.messages().len()), (1, 1));
}

#[test]
fn a_failing_webhook_is_retried_then_reported_the_release_stays_done_and_notify_resends() {
    let home = tempfile::tempdir().unwrap();
    let (http, smtp) = (HttpRecorder::start(), SmtpServer::start(home.path()));
    let (r, env) = release_with(&http, &smtp, "json");
    http.answer(&[503]);
    let output = run(&r, &["release", "--yes", "--no-publish"], &env, &[]);
    assert_code(&output, 1, "webhook down");
    let err = text(&output.stderr);
    assert!(
        err.contains("1 of 2 notification(s) not sent") && err.contains("503 after 3 attempt(s)"),
        "{}",
        describe(&output)
    );
    assert!(err.contains("cargo patch notify v1.0.1"), "{err}");
    assert_eq!(http.requests().len(), 3, "three attempts");
    assert_eq!(smtp.messages().len(), 1, "the e-mail went anyway");
    // The release is done: no journal, its record written, the tag on the remote.
    assert!(!r.journal().exists());
    assert!(r.remote_refs().contains("refs/tags/v1.0.1"));

    // Once the server is back, `notify` sends both again.
    http.answer(&[200]);
    let output = run(&r, &["notify", "1.0.1"], &env, &[]);
    assert_code(&output, 0, "notify");
    assert_eq!((http.requests().len(), smtp.messages().len()), (4, 2));
    let body: serde_json::Value = serde_json::from_str(&http.requests()[3].body).unwrap();
    assert_eq!(body["tag"], "v1.0.1");

    // An SMTP server that offers no STARTTLS gets no mail when the configuration requires it.
    let manifest = r.project.read("Cargo.toml").replace("smtp-port =", "smtp-tls = \"starttls\"\nsmtp-port =");
    r.project.write("Cargo.toml", &manifest);
    let output = run(&r, &["notify", "1.0.1"], &env, &[]);
    assert_code(&output, 1, "STARTTLS required");
    let err = text(&output.stderr);
    assert!(err.contains("1 of 2 notification(s) not sent: e-mail to team@example.com"), "{}", describe(&output));
    assert_eq!(err.matches("STARTTLS is not supported").count(), 1, "said once: {err}");
    assert_eq!(smtp.messages().len(), 2, "no message without STARTTLS");
    r.project.git(&["checkout", "Cargo.toml"]);

    // Without the URL's variable, `notify` says which one it needs.
    let output = r.run(&["notify", "1.0.1"], &[]);
    assert_code(&output, 1, "no URL");
    assert!(
        text(&output.stderr).contains("the webhook's URL variable `RELEASE_WEBHOOK_URL` is not set"),
        "{}",
        describe(&output)
    );
}
