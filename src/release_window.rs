//! `release-window`: when releases may happen, e.g. `"Tue,Wed 14:00-16:00 UTC"` or
//! `"Mon-Fri 09:00-17:00"`. Times are UTC (the only zone a config shared across a team can mean
//! the same thing in); an empty window is always open.

/// Why a window cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("`release-window = \"{text}\"` is not a window: {reason}")]
pub struct Error {
    text: String,
    reason: String,
}

impl crate::error::Help for Error {
    type Lines = String;

    fn help(&self) -> Self::Lines {
        "write days then a UTC time range, e.g. \"Tue,Wed 14:00-16:00 UTC\" or \"Mon-Fri 09:00-17:00\"; empty: any time"
            .into()
    }
}

const DAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// The days (Monday = 0) and the minutes of the day `[start, end)` a release may happen in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseWindow {
    days: [bool; 7],
    start: u32,
    end: u32,
}

impl ReleaseWindow {
    /// Returns the window `text` describes.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let fail = |reason: &str| Error { text: text.to_owned(), reason: reason.to_owned() };
        let mut words: Vec<&str> = text.split_whitespace().collect();
        if words.is_empty() {
            return Ok(Self { days: [true; 7], start: 0, end: 24 * 60 });
        }
        if words.last().is_some_and(|w| w.eq_ignore_ascii_case("utc")) {
            words.pop();
        }
        let (days, times) = match words.as_slice() {
            [days, times] => (Some(*days), *times),
            [times] if times.contains(':') => (None, *times),
            [days] => (Some(*days), "00:00-24:00"),
            _ => return Err(fail("expected days, a time range and optionally `UTC`")),
        };
        let days = match days {
            None => [true; 7],
            Some(days) => parse_days(days)
                .ok_or_else(|| fail("days are `Mon`..`Sun`, comma-separated or a range like `Mon-Fri`"))?,
        };
        let (start, end) = times.split_once('-').ok_or_else(|| fail("the time range needs a `-`"))?;
        let start = minutes(start).ok_or_else(|| fail("times are `HH:MM`, 00:00 to 24:00"))?;
        let end = minutes(end).ok_or_else(|| fail("times are `HH:MM`, 00:00 to 24:00"))?;
        if end <= start {
            return Err(fail("the range must end after it starts"));
        }
        Ok(Self { days, start, end })
    }

    /// Returns whether `unix_seconds` falls in the window.
    pub fn is_open(&self, unix_seconds: i64) -> bool {
        let days = unix_seconds.div_euclid(86_400);
        // 1970-01-01 was a Thursday (index 3 from Monday).
        let weekday = usize::try_from((days + 3).rem_euclid(7)).unwrap_or(0);
        let minute = u32::try_from(unix_seconds.rem_euclid(86_400) / 60).unwrap_or(0);
        self.days.get(weekday).copied().unwrap_or(false) && (self.start..self.end).contains(&minute)
    }
}

fn day(name: &str) -> Option<usize> {
    let name = name.trim().to_ascii_lowercase();
    if name.len() < 3 {
        return None;
    }
    DAYS.iter().position(|d| d.starts_with(&name))
}

fn parse_days(text: &str) -> Option<[bool; 7]> {
    let mut days = [false; 7];
    for part in text.split(',') {
        match part.split_once('-') {
            Some((from, to)) => {
                let (from, to) = (day(from)?, day(to)?);
                let mut d = from;
                loop {
                    if let Some(slot) = days.get_mut(d) {
                        *slot = true;
                    }
                    if d == to {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => {
                if let Some(slot) = days.get_mut(day(part)?) {
                    *slot = true;
                }
            }
        }
    }
    Some(days)
}

fn minutes(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-24 was a Tuesday.
    const TUESDAY_NOON: i64 = 1795478400 + 12 * 3600;

    #[test]
    fn windows() {
        let cases: &[(&str, i64, bool)] = &[
            ("", TUESDAY_NOON, true),
            ("Tue,Wed 14:00-16:00 UTC", TUESDAY_NOON, false),
            ("Tue,Wed 14:00-16:00 UTC", TUESDAY_NOON + 2 * 3600, true),
            ("Tue,Wed 14:00-16:00 UTC", TUESDAY_NOON + 4 * 3600, false),
            ("Mon-Fri 09:00-17:00", TUESDAY_NOON, true),
            ("Sat-Mon 00:00-24:00", TUESDAY_NOON, false),
            ("Fri-Tue", TUESDAY_NOON, true),
            ("11:00-13:00 UTC", TUESDAY_NOON, true),
            ("tuesday 12:00-12:01", TUESDAY_NOON, true),
        ];
        for (text, at, open) in cases {
            assert_eq!(ReleaseWindow::parse(text).unwrap().is_open(*at), *open, "{text}");
        }
    }

    #[test]
    fn bad_windows_are_errors() {
        for text in ["Tue 16:00-14:00", "Tux 10:00-11:00", "Tue 10-11", "Tue 10:00-11:00 CET", "Tue 25:00-26:00"] {
            assert!(ReleaseWindow::parse(text).is_err(), "{text}");
        }
    }
}
