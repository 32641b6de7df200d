//! The record linkage compares: what one agency knows about a person, in
//! normal form. Every field may be missing, because agencies record what
//! they were told, and a missing field is no evidence either way.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::{nickname, normalise, soundex};

/// One agency's record of a person, normalised when it is built.
///
/// Identifiers must identify the person in the issuing system (an NHS
/// number, a police PNC id, a hospital number), never an event such as an
/// incident reference: two records of one person with different incident
/// references would look like a conflict.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    given: Option<String>,
    family: Option<String>,
    birth_date: Option<BirthDate>,
    postcode: Option<String>,
    phone: Option<String>,
    sex: Option<Sex>,
    // INVARIANT: sorted by system then value, without duplicates.
    identifiers: Vec<Identifier>,
    // Derived once here so that comparing millions of pairs does not
    // repeat the work.
    given_groups: &'static [u16],
    family_soundex: Option<[u8; 4]>,
    given_soundex: Option<[u8; 4]>,
}

impl Record {
    /// An empty builder; every field is optional.
    pub fn builder() -> RecordBuilder {
        RecordBuilder::default()
    }

    pub fn given_name(&self) -> Option<&str> {
        self.given.as_deref()
    }

    pub fn family_name(&self) -> Option<&str> {
        self.family.as_deref()
    }

    pub fn birth_date(&self) -> Option<BirthDate> {
        self.birth_date
    }

    /// The postcode in Royal Mail's form ("CT9 1AA") when it is shaped like
    /// a UK postcode, otherwise upper case without spaces.
    pub fn postcode(&self) -> Option<&str> {
        self.postcode.as_deref()
    }

    /// The phone number's national digits.
    pub fn phone(&self) -> Option<&str> {
        self.phone.as_deref()
    }

    pub fn sex(&self) -> Option<Sex> {
        self.sex
    }

    /// Identifiers, sorted by system then value.
    pub fn identifiers(&self) -> &[Identifier] {
        &self.identifiers
    }

    pub(crate) fn given_groups(&self) -> &'static [u16] {
        self.given_groups
    }

    pub(crate) fn family_soundex(&self) -> Option<[u8; 4]> {
        self.family_soundex
    }

    pub(crate) fn given_soundex(&self) -> Option<[u8; 4]> {
        self.given_soundex
    }
}

/// Builds a [`Record`] from values as an agency typed them. Values that are
/// empty after normalisation are treated as missing.
#[derive(Debug, Clone, Default)]
pub struct RecordBuilder {
    record: Record,
}

impl RecordBuilder {
    pub fn given_name(mut self, raw: &str) -> Self {
        self.record.given = normalise::name(raw);
        self
    }

    pub fn family_name(mut self, raw: &str) -> Self {
        self.record.family = normalise::name(raw);
        self
    }

    pub fn birth_date(mut self, date: BirthDate) -> Self {
        self.record.birth_date = Some(date);
        self
    }

    pub fn postcode(mut self, raw: &str) -> Self {
        self.record.postcode = normalise::postcode(raw);
        self
    }

    pub fn phone(mut self, raw: &str) -> Self {
        self.record.phone = normalise::phone(raw);
        self
    }

    pub fn sex(mut self, sex: Sex) -> Self {
        self.record.sex = Some(sex);
        self
    }

    /// Adds an identifier from `system`; ignored when either part is empty.
    pub fn identifier(mut self, system: &str, value: &str) -> Self {
        if let (Some(system), Some(value)) = (
            normalise::identifier_system(system),
            normalise::identifier_value(value),
        ) {
            self.record.identifiers.push(Identifier { system, value });
        }
        self
    }

    pub fn build(mut self) -> Record {
        let r = &mut self.record;
        r.identifiers.sort();
        r.identifiers.dedup();
        r.given_groups = r.given.as_deref().map_or(&[], nickname::groups);
        r.family_soundex = r.family.as_deref().and_then(soundex::soundex);
        r.given_soundex = r.given.as_deref().and_then(soundex::soundex);
        self.record
    }
}

/// A person's identifier in one issuing system, in normal form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Identifier {
    system: String,
    value: String,
}

impl Identifier {
    pub fn system(&self) -> &str {
        &self.system
    }

    pub fn value(&self) -> &str {
        &self.value
    }
}

/// Sex as recorded. Unknown is a missing value, not a third option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Female,
    Male,
    /// Recorded, but neither female nor male.
    Other,
}

/// A calendar date of birth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BirthDate {
    date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BirthDateError {
    #[error("`{input}` is not a date of birth: expected YYYY-MM-DD or YYYYMMDD")]
    Shape { input: String },
    #[error("`{input}` is not a date in the calendar")]
    NotInCalendar { input: String },
}

impl BirthDate {
    /// The date `year`-`month`-`day`, if it is in the calendar and the year
    /// has four digits.
    pub fn new(year: i32, month: u32, day: u32) -> Result<Self, BirthDateError> {
        NaiveDate::from_ymd_opt(year, month, day)
            .filter(|_| (1000..=9999).contains(&year))
            .map(|date| Self { date })
            .ok_or_else(|| BirthDateError::NotInCalendar {
                input: format!("{year:04}-{month:02}-{day:02}"),
            })
    }

    /// Parses `YYYY-MM-DD` or `YYYYMMDD`.
    pub fn parse(raw: &str) -> Result<Self, BirthDateError> {
        let digits: String = raw.trim().chars().filter(|c| *c != '-').collect();
        let shape = || BirthDateError::Shape {
            input: raw.to_owned(),
        };
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(shape());
        }
        let year = digits[0..4].parse().map_err(|_| shape())?;
        let month = digits[4..6].parse().map_err(|_| shape())?;
        let day = digits[6..8].parse().map_err(|_| shape())?;
        Self::new(year, month, day).map_err(|_| BirthDateError::NotInCalendar {
            input: raw.to_owned(),
        })
    }

    pub fn year(self) -> i32 {
        self.date.year()
    }

    pub fn month(self) -> u32 {
        self.date.month()
    }

    pub fn day(self) -> u32 {
        self.date.day()
    }

    pub fn as_naive(self) -> NaiveDate {
        self.date
    }

    /// The eight digits YYYYMMDD, for comparing as typed.
    pub(crate) fn digits(self) -> [u8; 8] {
        let mut out = [0u8; 8];
        let value = self.year() as u32 * 10_000 + self.month() * 100 + self.day();
        let mut rest = value;
        for slot in out.iter_mut().rev() {
            *slot = (rest % 10) as u8;
            rest /= 10;
        }
        out
    }
}

impl fmt::Display for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.date.format("%Y-%m-%d"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_normalised_when_built() {
        let r = Record::builder()
            .given_name(" bill ")
            .family_name("O'Brien")
            .postcode("ct91aa")
            .phone("+44 7700 900123")
            .identifier(" nhs ", "943 476 5919")
            .identifier("nhs", "9434765919")
            .build();
        assert_eq!(r.given_name(), Some("BILL"));
        assert_eq!(r.family_name(), Some("OBRIEN"));
        assert_eq!(r.postcode(), Some("CT9 1AA"));
        assert_eq!(r.phone(), Some("07700900123"));
        assert_eq!(r.identifiers().len(), 1);
        assert!(!r.given_groups().is_empty());
    }

    #[test]
    fn birth_dates_parse_in_both_shapes_and_refuse_impossible_days() {
        assert_eq!(BirthDate::parse("1980-03-04"), BirthDate::new(1980, 3, 4));
        assert_eq!(BirthDate::parse("19800304"), BirthDate::new(1980, 3, 4));
        assert!(matches!(
            BirthDate::parse("19800231"),
            Err(BirthDateError::NotInCalendar { .. })
        ));
        assert!(matches!(
            BirthDate::parse("1980-3-4"),
            Err(BirthDateError::Shape { .. })
        ));
        assert_eq!(
            BirthDate::new(1980, 3, 4).unwrap().digits(),
            [1, 9, 8, 0, 0, 3, 0, 4]
        );
    }
}
