//! How dates and times are written for people: "3 March 2026" and
//! "3 March 2026, 09:00 UTC". One place, so every page, notification and
//! message says a time the same way.

use chrono::{DateTime, NaiveDate, Utc};

/// "3 March 2026".
pub fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// "3 March 2026, 09:00 UTC".
pub fn when(at: DateTime<Utc>) -> String {
    at.format("%-d %B %Y, %H:%M UTC").to_string()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn dates_and_times_read_as_words() {
        let at = Utc.with_ymd_and_hms(2026, 3, 3, 9, 5, 0).unwrap();
        assert_eq!(long_date(at.date_naive()), "3 March 2026");
        assert_eq!(when(at), "3 March 2026, 09:05 UTC");
    }
}
