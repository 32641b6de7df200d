//! Working days: deadlines such as "five working days" skip weekends and
//! bank holidays. The holidays are a setting (a deployment in Scotland or
//! Northern Ireland has others); [`ENGLAND_AND_WALES`] is the default.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};

/// Bank holidays in England and Wales, 2026 and 2027.
pub const ENGLAND_AND_WALES: [NaiveDate; 16] = [
    date(2026, 1, 1),
    date(2026, 4, 3),
    date(2026, 4, 6),
    date(2026, 5, 4),
    date(2026, 5, 25),
    date(2026, 8, 31),
    date(2026, 12, 25),
    date(2026, 12, 28),
    date(2027, 1, 1),
    date(2027, 3, 26),
    date(2027, 3, 29),
    date(2027, 5, 3),
    date(2027, 5, 31),
    date(2027, 8, 30),
    date(2027, 12, 27),
    date(2027, 12, 28),
];

const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("not a date"),
    }
}

/// When the working day starts, for work that arrives out of hours.
pub const DAY_STARTS: NaiveTime = match NaiveTime::from_hms_opt(9, 0, 0) {
    Some(t) => t,
    None => panic!("not a time"),
};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    holidays: BTreeSet<NaiveDate>,
}

impl WorkingCalendar {
    pub fn new(holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        Self {
            holidays: holidays.into_iter().collect(),
        }
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }

    /// `days` working days after `from`, at the same time of day. Work that
    /// arrives on a day off counts from the start of the next working day.
    pub fn add_working_days(&self, from: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        let mut day = from.date_naive();
        let mut time = from.time();
        if !self.is_working_day(day) {
            while !self.is_working_day(day) {
                day += Duration::days(1);
            }
            time = DAY_STARTS;
        }
        let mut left = days;
        while left > 0 {
            day += Duration::days(1);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day.and_time(time).and_utc()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    #[test]
    fn five_working_days_from_a_wednesday_skip_the_weekend() {
        let calendar = WorkingCalendar::new(ENGLAND_AND_WALES);
        // Wednesday 4 March 2026, 14:00 → Wednesday 11 March, 14:00.
        assert_eq!(
            calendar.add_working_days(at(2026, 3, 4, 14), 5),
            at(2026, 3, 11, 14)
        );
    }

    #[test]
    fn bank_holidays_do_not_count() {
        let calendar = WorkingCalendar::new(ENGLAND_AND_WALES);
        // Thursday 2 April 2026: Good Friday and Easter Monday are holidays.
        assert_eq!(
            calendar.add_working_days(at(2026, 4, 2, 10), 1),
            at(2026, 4, 7, 10)
        );
        // Christmas 2026: Friday 25th and Monday 28th (Boxing Day's
        // substitute) are both holidays.
        assert_eq!(
            calendar.add_working_days(at(2026, 12, 24, 16), 1),
            at(2026, 12, 29, 16)
        );
        // Without the holidays the same sum lands on Good Friday.
        assert_eq!(
            WorkingCalendar::default().add_working_days(at(2026, 4, 2, 10), 1),
            at(2026, 4, 3, 10)
        );
    }

    #[test]
    fn work_arriving_at_the_weekend_counts_from_monday_morning() {
        let calendar = WorkingCalendar::new(ENGLAND_AND_WALES);
        // Saturday 7 March 2026, 23:00 → counted from Monday 9 March 09:00.
        assert_eq!(
            calendar.add_working_days(at(2026, 3, 7, 23), 1),
            at(2026, 3, 10, 9)
        );
        assert_eq!(
            calendar.add_working_days(at(2026, 3, 7, 23), 0),
            at(2026, 3, 9, 9)
        );
    }

    #[test]
    fn every_listed_holiday_is_a_weekday() {
        for day in ENGLAND_AND_WALES {
            assert!(
                !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
                "{day}"
            );
        }
    }
}
