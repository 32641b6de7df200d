//! How dates and times are written for people: "3 March 2026" and
//! "3 March 2026, 09:00 UTC". One place, so every page, notification and
//! message says a time the same way.

use chrono::{DateTime, NaiveDate, Utc};

/// "3 March 2026".
pub fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// "3 March 2026, 09:00 GMT": a moment as people in the UK read it, in
/// Europe/London's time (GMT in winter, BST in summer), named so.
pub fn when(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::London)
        .format("%-d %B %Y, %H:%M %Z")
        .to_string()
}

/// "03:42": the time of day in the UK (Europe/London: GMT in winter,
/// BST in summer), as people there read a clock.
pub fn uk_clock(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::London)
        .format("%H:%M")
        .to_string()
}

/// A moment as typed: RFC 3339 (`2026-12-03T02:40:00Z`), or a UK clock
/// time as a form's date-and-time field sends it (`2026-12-03T02:40`,
/// Europe/London). In the hour the clocks go back, the first of the two
/// moments; in the hour they skip, none.
pub fn parse_moment(input: &str) -> Option<DateTime<Utc>> {
    let input = input.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(input) {
        return Some(at.with_timezone(&Utc));
    }
    let local = chrono::NaiveDateTime::parse_from_str(input, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(input, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    local
        .and_local_timezone(chrono_tz::Europe::London)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn dates_and_times_read_as_words() {
        let at = Utc.with_ymd_and_hms(2026, 3, 3, 9, 5, 0).unwrap();
        assert_eq!(long_date(at.date_naive()), "3 March 2026");
        assert_eq!(when(at), "3 March 2026, 09:05 GMT");
        let summer = Utc.with_ymd_and_hms(2026, 7, 14, 2, 42, 0).unwrap();
        assert_eq!(when(summer), "14 July 2026, 03:42 BST");
        // The clocks go back at 01:00 UTC on the last Sunday of October.
        let back = Utc.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap();
        assert_eq!(when(back), "25 October 2026, 01:00 GMT");
        assert_eq!(
            when(back - chrono::Duration::minutes(1)),
            "25 October 2026, 01:59 BST"
        );
    }

    #[test]
    fn a_typed_moment_reads_as_uk_time_unless_it_says_otherwise() {
        let summer = Utc.with_ymd_and_hms(2026, 7, 14, 2, 42, 0).unwrap();
        assert_eq!(parse_moment("2026-07-14T03:42"), Some(summer));
        assert_eq!(parse_moment("2026-07-14T02:42:00Z"), Some(summer));
        let winter = Utc.with_ymd_and_hms(2026, 12, 3, 2, 40, 0).unwrap();
        assert_eq!(parse_moment(" 2026-12-03T02:40 "), Some(winter));
        assert_eq!(parse_moment("2026-03-29T01:30"), None, "the skipped hour");
        assert_eq!(
            parse_moment("2026-10-25T01:30"),
            Some(Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap())
        );
        assert_eq!(parse_moment("3 December"), None);
    }

    #[test]
    fn the_uk_clock_is_gmt_in_winter_and_bst_in_summer() {
        let winter = Utc.with_ymd_and_hms(2026, 1, 15, 3, 42, 0).unwrap();
        assert_eq!(uk_clock(winter), "03:42");
        let summer = Utc.with_ymd_and_hms(2026, 7, 15, 2, 42, 0).unwrap();
        assert_eq!(uk_clock(summer), "03:42");
        // The clocks go forward at 01:00 UTC on the last Sunday of March.
        let before = Utc.with_ymd_and_hms(2026, 3, 29, 0, 59, 0).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
        assert_eq!(uk_clock(before), "00:59");
        assert_eq!(uk_clock(after), "02:00");
    }
}
