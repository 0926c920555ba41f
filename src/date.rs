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

#[cfg(test)]
mod tests {
    #[test]
    fn formats_dates() {
        assert_eq!(super::ymd(0), "1970-01-01");
        assert_eq!(super::ymd(951_782_400), "2000-02-29");
        assert_eq!(super::ymd(1_764_028_800), "2025-11-25");
        assert_eq!(super::ymd(-86_400), "1969-12-31");
        assert_eq!(super::ymd_hm(1_764_028_800 + 13 * 3600 + 5 * 60), "2025-11-25 13:05");
    }
}
