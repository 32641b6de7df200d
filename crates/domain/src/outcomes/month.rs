//! A calendar month as the partnership counts it: in UK time, so a 999
//! call at half past midnight on 1 July (BST) falls in July.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::London;

/// One month, written `2026-12` on the wire and "December 2026" on pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    first: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a month; write it as year and month, such as 2026-12")]
pub struct MonthError(String);

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|first| Self { first })
    }

    /// `2026-12`.
    pub fn parse(input: &str) -> Result<Self, MonthError> {
        let bad = || MonthError(input.to_owned());
        let (year, month) = input.split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        Self::new(year, month).ok_or_else(bad)
    }

    /// The month `at` falls in, in UK time.
    pub fn of(at: DateTime<Utc>) -> Self {
        let local = at.with_timezone(&London).date_naive();
        Self {
            first: local.with_day(1).unwrap_or(local),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        self.first
    }

    pub fn next(self) -> Self {
        let (y, m) = if self.first.month() == 12 {
            (self.first.year() + 1, 1)
        } else {
            (self.first.year(), self.first.month() + 1)
        };
        Self::new(y, m).unwrap_or(self)
    }

    pub fn previous(self) -> Self {
        let (y, m) = if self.first.month() == 1 {
            (self.first.year() - 1, 12)
        } else {
            (self.first.year(), self.first.month() - 1)
        };
        Self::new(y, m).unwrap_or(self)
    }

    /// Midnight on the first, UK time, as an instant.
    pub fn starts_at(self) -> DateTime<Utc> {
        let midnight = self.first.and_hms_opt(0, 0, 0).unwrap_or_default();
        London
            .from_local_datetime(&midnight)
            .earliest()
            .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
    }

    /// When the next month starts.
    pub fn ends_at(self) -> DateTime<Utc> {
        self.next().starts_at()
    }

    /// `count` months ending with this one, oldest first.
    pub fn trailing(self, count: usize) -> Vec<Self> {
        let mut months = Vec::with_capacity(count);
        let mut m = self;
        for _ in 0..count {
            months.push(m);
            m = m.previous();
        }
        months.reverse();
        months
    }

    /// Every month from `self` to `last`, both included.
    pub fn through(self, last: Self) -> Vec<Self> {
        let mut months = Vec::new();
        let mut m = self;
        while m <= last {
            months.push(m);
            m = m.next();
        }
        months
    }

    /// "December 2026".
    pub fn label(self) -> String {
        self.first.format("%B %Y").to_string()
    }

    /// "Dec 26", for a chart's axis.
    pub fn short(self) -> String {
        self.first.format("%b %y").to_string()
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.first.format("%Y-%m"))
    }
}

impl serde::Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_read_and_write_as_year_and_month() {
        let m = Month::parse("2026-12").unwrap();
        assert_eq!(m.to_string(), "2026-12");
        assert_eq!(m.label(), "December 2026");
        assert_eq!(m.next().to_string(), "2027-01");
        assert_eq!(m.next().previous(), m);
        for bad in [
            "2026-13", "2026-1", "26-12", "2026/12", "", "2026-00", "abcd-ef",
        ] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_month_starts_at_uk_midnight() {
        // 30 June 2026 23:30 UTC is 00:30 on 1 July in BST.
        let at = Utc.with_ymd_and_hms(2026, 6, 30, 23, 30, 0).unwrap();
        assert_eq!(Month::of(at).to_string(), "2026-07");
        let july = Month::parse("2026-07").unwrap();
        assert_eq!(
            july.starts_at(),
            Utc.with_ymd_and_hms(2026, 6, 30, 23, 0, 0).unwrap()
        );
        // January is GMT.
        let january = Month::parse("2027-01").unwrap();
        assert_eq!(
            january.starts_at(),
            Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap()
        );
        assert_eq!(july.ends_at(), Month::parse("2026-08").unwrap().starts_at());
    }

    #[test]
    fn trailing_months_end_with_this_one() {
        let m = Month::parse("2026-02").unwrap();
        let months: Vec<String> = m.trailing(3).iter().map(Month::to_string).collect();
        assert_eq!(months, ["2025-12", "2026-01", "2026-02"]);
        assert_eq!(Month::parse("2025-11").unwrap().through(m).len(), 4);
    }
}
