//! A person's request to correct something wrong in their record (the
//! right to rectification): what they say is wrong, in which part, and
//! what it should say; the record's owner answers within a calendar month
//! (UK GDPR Article 12(3)), and an unanswered request escalates.

use chrono::{DateTime, Months, NaiveDate, Utc};

use crate::category::DataCategory;
use crate::vocabulary::closed_vocabulary;

closed_vocabulary! {
    /// The part of the record a request is about, in the person's words.
    pub enum CorrectionPart, error CorrectionPartError = "a part of your record" {
        Details = "details", "My details";
        CrisisPlan = "crisis-plan", "My crisis plan";
        Flags = "flags", "Safety notes about me";
        Contacts = "contacts", "My contacts with services";
        Other = "other", "Something else";
    }
}

impl CorrectionPart {
    /// The category the request is about, for the access decision: the
    /// person must be able to read it, and the owner too.
    pub fn category(self) -> DataCategory {
        match self {
            Self::Details | Self::Other => DataCategory::Demographics,
            Self::CrisisPlan => DataCategory::CrisisPlan,
            Self::Flags => DataCategory::Risk,
            Self::Contacts => DataCategory::Contacts,
        }
    }
}

closed_vocabulary! {
    /// Where a request stands.
    pub enum CorrectionStatus, error CorrectionStatusError = "a correction's status" {
        Open = "open", "Waiting for an answer";
        Corrected = "corrected", "Corrected";
        NotCorrected = "not-corrected", "Not changed";
    }
}

/// The most characters of what is wrong, what it should say, or an answer.
pub const TEXT_MAX_CHARS: usize = 2_000;

/// When a request asked at `asked_at` must be answered: a calendar month
/// later (the last day of the next month when it has no such day).
pub fn answer_by(asked_at: DateTime<Utc>) -> NaiveDate {
    let day = asked_at.date_naive();
    day.checked_add_months(Months::new(1)).unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_request_is_answered_within_a_calendar_month() {
        let asked = Utc.with_ymd_and_hms(2026, 3, 3, 9, 0, 0).unwrap();
        assert_eq!(
            answer_by(asked),
            NaiveDate::from_ymd_opt(2026, 4, 3).unwrap()
        );
        let end_of_january = Utc.with_ymd_and_hms(2027, 1, 31, 23, 0, 0).unwrap();
        assert_eq!(
            answer_by(end_of_january),
            NaiveDate::from_ymd_opt(2027, 2, 28).unwrap()
        );
    }

    #[test]
    fn each_part_is_decided_as_its_category() {
        assert_eq!(
            CorrectionPart::CrisisPlan.category(),
            DataCategory::CrisisPlan
        );
        assert_eq!(CorrectionPart::Flags.category(), DataCategory::Risk);
        assert_eq!(CorrectionPart::Other.category(), DataCategory::Demographics);
        assert!(CorrectionPart::parse("details").is_ok());
        assert!(CorrectionPart::parse("everything").is_err());
    }
}
