//! Dates of birth, graded by the ways people and forms get them wrong: one
//! digit mistyped or two swapped, day and month the other way round (a US
//! form, or a guess), right month and year with the day forgotten, and a
//! date half-remembered within a year.

use crate::compare::{one_keying_error, MISSING};
use crate::record::BirthDate;

pub const EXACT: u8 = 1;
pub const ONE_KEYING_ERROR: u8 = 2;
pub const DAY_MONTH_SWAPPED: u8 = 3;
pub const SAME_MONTH_AND_YEAR: u8 = 4;
pub const WITHIN_A_YEAR: u8 = 5;
pub const DIFFERENT: u8 = 6;

pub fn levels() -> &'static [&'static str] {
    &[
        "missing",
        "exact",
        "one digit off or two swapped",
        "day and month swapped",
        "same month and year",
        "within a year",
        "different",
    ]
}

pub fn compare(a: Option<BirthDate>, b: Option<BirthDate>) -> u8 {
    let (Some(a), Some(b)) = (a, b) else {
        return MISSING;
    };
    if a == b {
        EXACT
    } else if one_keying_error(&a.digits(), &b.digits()) {
        ONE_KEYING_ERROR
    } else if a.year() == b.year() && a.day() == b.month() && a.month() == b.day() {
        DAY_MONTH_SWAPPED
    } else if a.year() == b.year() && a.month() == b.month() {
        SAME_MONTH_AND_YEAR
    } else if (a.as_naive() - b.as_naive()).num_days().abs() <= 365 {
        WITHIN_A_YEAR
    } else {
        DIFFERENT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(a: &str, b: &str) -> u8 {
        compare(BirthDate::parse(a).ok(), BirthDate::parse(b).ok())
    }

    #[test]
    fn each_level() {
        assert_eq!(level("1980-03-04", "1980-03-04"), EXACT);
        assert_eq!(level("1980-03-04", "1980-03-07"), ONE_KEYING_ERROR);
        assert_eq!(level("1980-03-14", "1980-03-11"), ONE_KEYING_ERROR);
        assert_eq!(level("1989-03-04", "1998-03-04"), ONE_KEYING_ERROR);
        assert_eq!(level("1980-03-04", "1980-04-03"), DAY_MONTH_SWAPPED);
        assert_eq!(level("1980-03-04", "1980-03-27"), SAME_MONTH_AND_YEAR);
        assert_eq!(level("1980-03-04", "1979-07-19"), WITHIN_A_YEAR);
        assert_eq!(level("1980-03-04", "1975-11-30"), DIFFERENT);
        assert_eq!(level("1980-03-04", ""), MISSING);
    }
}
