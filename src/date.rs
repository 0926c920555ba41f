//! Calendar dates from Unix timestamps, for release headers (UTC, proleptic Gregorian).

/// Returns `YYYY-MM-DD` (UTC) of `seconds` since the Unix epoch.
pub fn ymd(seconds: i64) -> String {
    // Howard Hinnant's days-from-civil inverse: exact for every i64 day count we can meet.
    let days = seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Returns `YYYY-MM-DD HH:MM` (UTC) of `seconds` since the Unix epoch.
pub fn ymd_hm(seconds: i64) -> String {
    let minutes = seconds.rem_euclid(86_400) / 60;
    format!("{} {:02}:{:02}", ymd(seconds), minutes / 60, minutes % 60)
}

/// Returns the Unix time of an HTTP date (RFC 9110 IMF-fixdate, `Tue, 01 Dec 2026 13:30:00 GMT`,
/// the form crates.io's "try again after" uses), or `None` when `text` is not one.
pub fn parse_http(text: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (_weekday, rest) = text.trim().split_once(", ")?;
    let mut parts = rest.split(' ');
    let day: i64 = parts.next()?.parse().ok()?;
    let month = parts.next()?;
    let month = i64::try_from(MONTHS.iter().position(|m| *m == month)? + 1).ok()?;
    let year: i64 = parts.next()?.parse().ok()?;
    let mut clock = parts.next()?.split(':').map(|p| p.parse::<i64>().ok());
    let (hour, minute, second) = (clock.next()??, clock.next()??, clock.next()??);
    if parts.next()? != "GMT" || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // Howard Hinnant's days-from-civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_http_dates() {
        assert_eq!(super::parse_http("Tue, 25 Nov 2025 13:05:00 GMT"), Some(1_764_028_800 + 13 * 3600 + 5 * 60));
        assert_eq!(super::parse_http("Tue, 29 Feb 2000 00:00:00 GMT"), Some(951_782_400));
        assert_eq!(super::parse_http("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(super::parse_http("Tue, 25 Nov 2025 13:05:00 UTC"), None);
        assert_eq!(super::parse_http("25 Nov 2025"), None);
        assert_eq!(super::parse_http("Tue, 25 Foo 2025 13:05:00 GMT"), None);
    }

    #[test]
    fn formats_dates() {
        assert_eq!(super::ymd(0), "1970-01-01");
        assert_eq!(super::ymd(951_782_400), "2000-02-29");
        assert_eq!(super::ymd(1_764_028_800), "2025-11-25");
        assert_eq!(super::ymd(-86_400), "1969-12-31");
        assert_eq!(super::ymd_hm(1_764_028_800 + 13 * 3600 + 5 * 60), "2025-11-25 13:05");
    }
}
