//! A real HTTP proxy in front of the test registry's API that answers uploads the way crates.io
//! does once its rate limit is reached: a burst of uploads, then HTTP 429 with crates.io's body
//! ("Please try again after <HTTP date> ...") until the wait has passed, then one more upload,
//! and so on. Everything else (and every accepted upload) goes to ktra unchanged.
//!
//! One request per connection: the proxy answers with `Connection: close`, so cargo (curl) opens
//! a new connection for its next request.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The upload endpoint of the registry web API.
const UPLOAD: &str = "/api/v1/crates/new";

#[derive(Default)]
struct State {
    accepted: usize,
    refused: usize,
    /// When the next upload is accepted (Unix seconds), once the burst is spent.
    next_allowed: Option<u64>,
}

/// A running rate-limiting proxy.
pub(crate) struct RateLimit {
    port: u16,
    state: Arc<Mutex<State>>,
}

impl RateLimit {
    /// Starts the proxy in front of the API on `upstream` (a port on 127.0.0.1): `burst` uploads
    /// pass, then one per `wait`.
    pub(crate) fn start(upstream: u16, burst: usize, wait: Duration) -> Self {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind the proxy");
        let port = listener.local_addr().expect("the proxy's address").port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let state = Arc::clone(&shared);
                std::thread::spawn(move || {
                    let _ = serve(stream, upstream, burst, wait, &state);
                });
            }
        });
        Self { port, state }
    }

    /// Returns the proxy's URL, for the index's `api`.
    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Returns how many uploads went through and how many were answered 429.
    pub(crate) fn counts(&self) -> (usize, usize) {
        let state = self.state.lock().unwrap();
        (state.accepted, state.refused)
    }
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// Answers one request: an upload over the limit gets 429, anything else is relayed.
fn serve(client: TcpStream, upstream: u16, burst: usize, wait: Duration, state: &Mutex<State>) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut head = Vec::new();
    let mut length = 0usize;
    let mut expects_continue = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let lower = line.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
        if lower.starts_with("expect:") && lower.contains("100-continue") {
            expects_continue = true;
            continue;
        }
        if lower.starts_with("connection:") {
            continue;
        }
        if line == "\r\n" {
            break;
        }
        head.push(line);
    }
    let mut client = client;
    if expects_continue {
        client.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let request_line = head.first().cloned().unwrap_or_default();
    if request_line.starts_with("PUT ") && request_line.contains(UPLOAD) {
        let refused_until = {
            let mut state = state.lock().unwrap();
            let now = now();
            let allowed = state.accepted < burst || state.next_allowed.is_some_and(|at| now >= at);
            if allowed {
                state.accepted += 1;
                if state.accepted > burst {
                    // The one upload the wait bought; the next waits again.
                    state.next_allowed = None;
                }
                None
            } else {
                state.refused += 1;
                Some(*state.next_allowed.get_or_insert(now + wait.as_secs()))
            }
        };
        if let Some(until) = refused_until {
            let body = serde_json::json!({ "errors": [{ "detail": format!(
                "You have published too many new crates in a short period of time. Please try again after {} or \
                 email help@crates.io to have your limit increased.",
                http_date(until)
            ) }] })
            .to_string();
            let response = format!(
                "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json; charset=utf-8\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            return client.write_all(response.as_bytes());
        }
    }
    let mut upstream = TcpStream::connect((Ipv4Addr::LOCALHOST, upstream))?;
    for line in &head {
        upstream.write_all(line.as_bytes())?;
    }
    upstream.write_all(b"Connection: close\r\n\r\n")?;
    upstream.write_all(&body)?;
    let mut response = Vec::new();
    upstream.read_to_end(&mut response)?;
    client.write_all(&response)
}

/// Returns `seconds` as an HTTP date (`Tue, 01 Dec 2026 13:30:00 GMT`), as crates.io writes it.
fn http_date(seconds: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let days = i64::try_from(seconds / 86_400).unwrap();
    let time = seconds % 86_400;
    // Civil from days (Howard Hinnant), written out again here so the test does not trust the
    // product's own date code.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        DAYS[usize::try_from(days % 7).unwrap()],
        MONTHS[usize::try_from(month - 1).unwrap()],
        time / 3600,
        time / 60 % 60,
        time % 60
    )
}

#[test]
fn formats_http_dates() {
    assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    assert_eq!(http_date(1_764_028_800 + 13 * 3600 + 5 * 60 + 7), "Tue, 25 Nov 2025 13:05:07 GMT");
}
