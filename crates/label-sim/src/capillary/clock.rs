//! Dates as Capillary writes them, from the system clock, without a date crate: ISO 8601
//! timestamps in UTC and `yyyy-MM-dd` days.

use std::time::{SystemTime, UNIX_EPOCH};

/// The org's timezone in Capillary's examples is IST (UTC+05:30): an assignment that expires
/// on a day ends at 23:59:59 IST, which is this time of that day in UTC.
const END_OF_DAY_UTC: &str = "T18:29:59Z";

fn unix_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// Days since 1970-01-01, today (UTC).
pub fn today() -> i64 {
    unix_seconds().div_euclid(86_400)
}

/// Now, as `2026-06-04T10:42:24Z`.
pub fn now_iso() -> String {
    let seconds = unix_seconds();
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let time = seconds.rem_euclid(86_400);
    let (hour, minute, second) = (time / 3600, time % 3600 / 60, time % 60);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

/// A strict `yyyy-MM-dd` (a real calendar day) as days since 1970-01-01.
pub fn parse_day(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let days = days_from_civil(year, month, day);
    (civil_from_days(days) == (year, month, day)).then_some(days)
}

/// The day an ISO 8601 timestamp (`2027-12-31T23:59:59+05:30`) falls on, read from its date
/// part: precise enough to tell a past date from a future one.
pub fn parse_timestamp_day(text: &str) -> Option<i64> {
    let (date, time) = text.split_once('T')?;
    (time.len() >= 8).then_some(())?;
    parse_day(date)
}

/// The end of a `yyyy-MM-dd` day in the org's timezone, as Capillary answers an expiry date.
pub fn end_of_day(day: &str) -> String {
    format!("{day}{END_OF_DAY_UTC}")
}

// Howard Hinnant's algorithms for the proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_and_only_real_days_parse() {
        assert_eq!(parse_day("1970-01-01"), Some(0));
        assert_eq!(parse_day("2000-03-01"), Some(11_017));
        assert_eq!(
            parse_day("2024-02-29").map(civil_from_days),
            Some((2024, 2, 29))
        );
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "2026-1-01",
            "26-01-01",
            "2026-01-01Z",
            "+026-01-01",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
        assert_eq!(
            parse_timestamp_day("2027-12-31T23:59:59+05:30"),
            parse_day("2027-12-31")
        );
        assert_eq!(parse_timestamp_day("2027-12-31"), None);
    }

    #[test]
    fn now_is_a_utc_timestamp_of_today() {
        let now = now_iso();
        assert_eq!(now.len(), 20, "{now}");
        assert_eq!(parse_timestamp_day(&now), Some(today()));
        assert_eq!(end_of_day("2027-06-04"), "2027-06-04T18:29:59Z");
    }
}
