//! Dates of birth: a real calendar date, not in the future, not before 1900.
//! Age matters in crisis care (a child means safeguarding duties apply), so
//! [`BirthDate::age_on`] lives here too.

use std::fmt;

use chrono::{Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BirthDate {
    date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BirthDateError {
    #[error("`{input}` is not a valid date: expected YYYY-MM-DD, such as `1990-04-23`")]
    NotADate { input: String },
    #[error("`{date}` is not a valid birth date: it is in the future")]
    InFuture { date: NaiveDate },
    #[error("`{date}` is not a valid birth date: it is before 1900-01-01")]
    TooEarly { date: NaiveDate },
}

impl BirthDate {
    /// Anything earlier is a data-entry error (or a placeholder such as
    /// 1800-01-01) rather than a living person.
    pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
        Some(date) => date,
        None => panic!("1900-01-01 is a date"),
    };

    /// `today` is passed in, not read from a clock, so the rule is testable
    /// and the caller decides whose "today" it is.
    pub fn new(date: NaiveDate, today: NaiveDate) -> Result<Self, BirthDateError> {
        if date < Self::EARLIEST {
            return Err(BirthDateError::TooEarly { date });
        }
        if date > today {
            return Err(BirthDateError::InFuture { date });
        }
        Ok(Self { date })
    }

    /// Parses strictly `YYYY-MM-DD` (zero-padded) and applies [`Self::new`].
    pub fn parse_on(raw: &str, today: NaiveDate) -> Result<Self, BirthDateError> {
        let input = raw.trim();
        let b = input.as_bytes();
        // chrono alone would accept "1990-4-3" and "+1990-04-03".
        let shaped = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        let date = shaped
            .then(|| NaiveDate::parse_from_str(input, "%Y-%m-%d").ok())
            .flatten()
            .ok_or_else(|| BirthDateError::NotADate {
                input: input.to_owned(),
            })?;
        Self::new(date, today)
    }

    /// [`Self::parse_on`] judged against the system clock — for forms, FHIR
    /// and storage, where no other clock is to hand. The one ambient read in
    /// this crate, and harmless: dates only move from future to past, so a
    /// date accepted once stays acceptable. Tomorrow in UTC is allowed because
    /// the UK date runs an hour ahead of UTC in summer.
    pub fn parse(raw: &str) -> Result<Self, BirthDateError> {
        let utc_today = Utc::now().date_naive();
        Self::parse_on(raw, utc_today.succ_opt().unwrap_or(utc_today))
    }

    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// Age in completed years on `today`; 0 before the date. Someone born on
    /// 29 February turns a year older on 1 March in non-leap years, as in UK law.
    pub fn age_on(&self, today: NaiveDate) -> u32 {
        today.years_since(self.date).unwrap_or(0)
    }

    /// `YYYY-MM-DD`.
    pub fn to_iso(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}",
            self.date.year(),
            self.date.month(),
            self.date.day()
        )
    }
}

impl fmt::Display for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso())
    }
}

impl std::str::FromStr for BirthDate {
    type Err = BirthDateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for BirthDate {
    type Error = BirthDateError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<BirthDate> for String {
    fn from(value: BirthDate) -> Self {
        value.to_iso()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    const TODAY: (i32, u32, u32) = (2026, 11, 24);

    fn today() -> NaiveDate {
        ymd(TODAY.0, TODAY.1, TODAY.2)
    }

    #[test]
    fn accepts_today_and_1900_01_01_but_not_beyond() {
        assert!(BirthDate::new(today(), today()).is_ok());
        assert!(BirthDate::new(BirthDate::EARLIEST, today()).is_ok());
        assert_eq!(
            BirthDate::new(ymd(1899, 12, 31), today())
                .unwrap_err()
                .to_string(),
            "`1899-12-31` is not a valid birth date: it is before 1900-01-01"
        );
        assert_eq!(
            BirthDate::new(ymd(2026, 11, 25), today())
                .unwrap_err()
                .to_string(),
            "`2026-11-25` is not a valid birth date: it is in the future"
        );
    }

    #[test]
    fn parsing_is_strict_about_the_format() {
        assert_eq!(
            BirthDate::parse_on(" 1990-04-23 ", today()).unwrap().date(),
            ymd(1990, 4, 23)
        );
        for bad in [
            "1990-4-23",
            "23/04/1990",
            "1990-02-30",
            "+990-04-23",
            "19900423",
            "",
            "1990-04-23T00:00",
        ] {
            assert!(
                matches!(
                    BirthDate::parse_on(bad, today()),
                    Err(BirthDateError::NotADate { .. })
                ),
                "{bad:?} should be refused"
            );
        }
    }

    #[test]
    fn parse_uses_the_clock_and_refuses_far_future_dates() {
        assert!(BirthDate::parse("1990-04-23").is_ok());
        assert!(matches!(
            BirthDate::parse("2999-01-01"),
            Err(BirthDateError::InFuture { .. })
        ));
    }

    #[test]
    fn serialises_as_iso_date() {
        let d = BirthDate::parse("1990-04-23").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"1990-04-23\"");
        assert_eq!(
            serde_json::from_str::<BirthDate>("\"1990-04-23\"").unwrap(),
            d
        );
        assert!(serde_json::from_str::<BirthDate>("\"1850-01-01\"").is_err());
    }

    #[test]
    fn age_counts_completed_years_and_leap_day_birthdays_turn_on_1_march() {
        let leap = BirthDate::new(ymd(2008, 2, 29), today()).unwrap();
        assert_eq!(leap.age_on(ymd(2026, 2, 28)), 17);
        assert_eq!(leap.age_on(ymd(2026, 3, 1)), 18);
        assert_eq!(leap.age_on(ymd(2008, 2, 29)), 0);
        assert_eq!(leap.age_on(ymd(2000, 1, 1)), 0);
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (1850i32..2100, 1u32..=12, 1u32..=31)
            .prop_filter_map("not a date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
    }

    proptest! {
        #[test]
        fn accepted_exactly_between_1900_and_today(date in any_date(), today in any_date()) {
            let ok = date >= ymd(1900, 1, 1) && date <= today;
            prop_assert_eq!(BirthDate::new(date, today).is_ok(), ok);
        }

        #[test]
        fn iso_text_round_trips(date in any_date()) {
            prop_assume!(date >= BirthDate::EARLIEST && date <= today());
            let birth = BirthDate::new(date, today()).unwrap();
            prop_assert_eq!(BirthDate::parse_on(&birth.to_string(), today()), Ok(birth));
        }

        #[test]
        fn age_is_the_number_of_birthdays_passed(date in any_date(), later in any_date()) {
            prop_assume!(date >= BirthDate::EARLIEST && later >= date);
            let birth = BirthDate::new(date, later).unwrap();
            let (by, bm, bd) = (date.year(), date.month(), date.day());
            let (ty, tm, td) = (later.year(), later.month(), later.day());
            let had_birthday_this_year = (tm, td) >= (bm, bd);
            let expected = ty - by - i32::from(!had_birthday_this_year);
            prop_assert_eq!(i64::from(birth.age_on(later)), i64::from(expected));
        }
    }
}
