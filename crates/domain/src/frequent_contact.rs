//! Frequent contact across agencies: a person whose emergency contacts —
//! 999 and NHS 111 calls, emergency department attendances, section 136
//! detentions, street triage, crisis line calls — pass a threshold over a
//! rolling month or year, counted across every partner that reported them.
//!
//! Being identified can lead to help and to nothing else. The only next
//! steps that exist are an offer of support, a crisis plan review and a
//! multi-agency case; there is no field for withholding, delaying or
//! downgrading a response, and words proposing one are refused wherever a
//! reviewer writes ([`check_words`]). An entry lasts until it is reviewed
//! or, unreviewed, until [`REVIEW_WITHIN`] has passed: nobody stays on the
//! list because nobody looked.

use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeSet;

use crate::contact_event::ContactKind;
use crate::ids::OrganisationId;
use crate::vocabulary::closed_vocabulary;

closed_vocabulary! {
    /// What identification may lead to: help, and nothing else.
    pub enum NextStep, error NextStepError = "a next step" {
        OfferSupport = "offer-support", "An offer of support";
        CarePlanReview = "care-plan-review", "A review of the crisis plan";
        MultiAgencyCase = "multi-agency-case", "A multi-agency case";
    }
}

closed_vocabulary! {
    /// Where an entry on the list stands.
    pub enum EntryStatus, error EntryStatusError = "an entry's status" {
        Identified = "identified", "Identified, waiting for review";
        Reviewed = "reviewed", "Reviewed";
        Ended = "ended", "Ended at review";
        Expired = "expired", "Ended: not reviewed in time";
    }
}

impl EntryStatus {
    /// Still on the list.
    pub fn is_current(self) -> bool {
        matches!(self, Self::Identified | Self::Reviewed)
    }
}

/// The rolling month and year the contacts are counted over.
pub const MONTH: Duration = Duration::days(30);
pub const YEAR: Duration = Duration::days(365);

/// How long an entry lasts without a review, and at most between reviews.
pub const REVIEW_WITHIN: Duration = Duration::days(90);

/// The most characters a reviewer's note or a person's words may hold.
pub const WORDS_MAX_CHARS: usize = 2_000;

impl ContactKind {
    /// Whether this kind of contact counts towards frequent contact: an
    /// emergency contact with one of the partnership's services.
    pub fn counts_as_emergency_contact(self) -> bool {
        matches!(
            self,
            Self::Call999
                | Self::Call111
                | Self::EdAttendance
                | Self::Section136
                | Self::StreetTriage
                | Self::CrisisLineCall
        )
    }
}

/// More contacts than this in a month, or than this in a year, is frequent
/// contact. The default is NHS England's definition of high intensity
/// use: more than 5 in a month or more than 20 in 12 months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threshold {
    in_a_month: u32,
    in_a_year: u32,
}

impl Default for Threshold {
    fn default() -> Self {
        Self {
            in_a_month: 5,
            in_a_year: 20,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThresholdError {
    #[error("the monthly threshold must be at least 1 contact")]
    MonthZero,
    #[error(
        "the yearly threshold ({year}) must be at least the monthly one ({month}): a year holds \
         every month"
    )]
    YearBelowMonth { month: u32, year: u32 },
}

impl Threshold {
    pub fn new(in_a_month: u32, in_a_year: u32) -> Result<Self, ThresholdError> {
        if in_a_month == 0 {
            return Err(ThresholdError::MonthZero);
        }
        if in_a_year < in_a_month {
            return Err(ThresholdError::YearBelowMonth {
                month: in_a_month,
                year: in_a_year,
            });
        }
        Ok(Self {
            in_a_month,
            in_a_year,
        })
    }

    pub fn in_a_month(self) -> u32 {
        self.in_a_month
    }

    pub fn in_a_year(self) -> u32 {
        self.in_a_year
    }

    /// Whether `count` passes either threshold.
    pub fn is_passed_by(self, count: &Count) -> bool {
        count.last_month > self.in_a_month || count.last_year > self.in_a_year
    }
}

/// One contact as the count needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contact {
    pub kind: ContactKind,
    pub occurred_at: DateTime<Utc>,
    pub organisation: Option<OrganisationId>,
}

/// A person's emergency contacts over the rolling month and year to a
/// moment, and how many partners reported them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    pub last_month: u32,
    pub last_year: u32,
    /// Organisations that reported a contact in the year.
    pub agencies: u32,
}

impl Count {
    /// Counts the emergency contacts among `contacts` that happened in the
    /// month and the year up to `now` (a contact in the future, recorded
    /// ahead by mistake, counts for neither).
    pub fn of(contacts: impl IntoIterator<Item = Contact>, now: DateTime<Utc>) -> Self {
        let mut count = Self::default();
        let mut agencies = BTreeSet::new();
        for contact in contacts {
            if !contact.kind.counts_as_emergency_contact() || contact.occurred_at > now {
                continue;
            }
            let ago = now - contact.occurred_at;
            if ago < YEAR {
                count.last_year += 1;
                agencies.extend(contact.organisation);
                if ago < MONTH {
                    count.last_month += 1;
                }
            }
        }
        count.agencies = u32::try_from(agencies.len()).unwrap_or(u32::MAX);
        count
    }

    /// "7 in the last month, 23 in the last year, from 4 services".
    pub fn describe(&self) -> String {
        let services = match self.agencies {
            1 => "1 service".to_owned(),
            n => format!("{n} services"),
        };
        format!(
            "{} in the last month, {} in the last year, from {services}",
            self.last_month, self.last_year
        )
    }
}

/// When an entry made or reviewed at `at` ends unless reviewed again.
pub fn review_by(at: DateTime<Utc>) -> DateTime<Utc> {
    at + REVIEW_WITHIN
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WordsError {
    #[error(
        "being in frequent contact can lead only to support — an offer of support, a crisis \
         plan review or a multi-agency case — never to withholding, delaying or downgrading a \
         response; these words propose that (“{0}”)"
    )]
    ProposesWithholding(String),
    #[error("say “frequent contact”: “{0}” is not a word we use about people")]
    NotNeutral(String),
    #[error("at most {WORDS_MAX_CHARS} characters")]
    TooLong,
}

/// What words proposing a lesser response say, in lower case with
/// apostrophes made plain: each is refused wherever it appears.
const WITHHOLDING: [&str; 30] = [
    "do not attend",
    "dont attend",
    "not to attend",
    "should not attend",
    "shouldnt attend",
    "need not attend",
    "no need to attend",
    "not be attended",
    "should not convey",
    "should not respond",
    "do not respond",
    "dont respond",
    "no response",
    "do not convey",
    "dont convey",
    "not to be conveyed",
    "do not send",
    "dont send",
    "withhold",
    "downgrade",
    "deprioriti",
    "lower priority",
    "lower the priority",
    "delay the response",
    "delay response",
    "delay attendance",
    "delayed response",
    "ignore calls",
    "ignore her calls",
    "ignore his calls",
];

/// Words about people that stigmatise them.
const NOT_NEUTRAL: [&str; 4] = [
    "frequent flyer",
    "frequent flier",
    "frequent caller",
    "time waster",
];

/// Checks a reviewer's note or a plan's words: nothing that proposes
/// withholding, delaying or downgrading a response, and no stigmatising
/// label.
pub fn check_words(text: &str) -> Result<(), WordsError> {
    if text.chars().count() > WORDS_MAX_CHARS {
        return Err(WordsError::TooLong);
    }
    let plain: String = text
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, '\'' | '’'))
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(found) = WITHHOLDING.iter().find(|p| plain.contains(*p)) {
        return Err(WordsError::ProposesWithholding((*found).to_owned()));
    }
    if let Some(found) = NOT_NEUTRAL.iter().find(|p| plain.contains(*p)) {
        return Err(WordsError::NotNeutral((*found).to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap() + Duration::days(i64::from(day))
    }

    fn contact(kind: ContactKind, day: u32, org: u128) -> Contact {
        Contact {
            kind,
            occurred_at: at(day),
            organisation: Some(OrganisationId::from_uuid(uuid::Uuid::from_u128(org))),
        }
    }

    #[test]
    fn only_emergency_contacts_count() {
        let counted: Vec<_> = ContactKind::ALL
            .into_iter()
            .filter(|k| k.counts_as_emergency_contact())
            .collect();
        assert_eq!(
            counted,
            [
                ContactKind::StreetTriage,
                ContactKind::Section136,
                ContactKind::Call999,
                ContactKind::Call111,
                ContactKind::EdAttendance,
                ContactKind::CrisisLineCall,
            ]
        );
    }

    #[test]
    fn contacts_are_counted_over_a_rolling_month_and_year_across_agencies() {
        let now = at(400);
        let contacts = [
            contact(ContactKind::Call999, 399, 1),
            contact(ContactKind::EdAttendance, 371, 2),
            // 30 days ago exactly: out of the month, in the year.
            contact(ContactKind::Call111, 370, 3),
            contact(ContactKind::CrisisLineCall, 36, 4),
            // 365 days ago: out of both.
            contact(ContactKind::Section136, 35, 5),
            // Not an emergency contact.
            contact(ContactKind::Discharge, 399, 6),
            // In the future.
            contact(ContactKind::Call999, 401, 7),
        ];
        let count = Count::of(contacts, now);
        assert_eq!(
            count,
            Count {
                last_month: 2,
                last_year: 4,
                agencies: 4
            }
        );
        assert_eq!(
            count.describe(),
            "2 in the last month, 4 in the last year, from 4 services"
        );
    }

    #[test]
    fn the_threshold_is_more_than_five_in_a_month_or_twenty_in_a_year() {
        let t = Threshold::default();
        let count = |last_month, last_year| Count {
            last_month,
            last_year,
            agencies: 1,
        };
        assert!(!t.is_passed_by(&count(5, 20)));
        assert!(t.is_passed_by(&count(6, 6)));
        assert!(t.is_passed_by(&count(0, 21)));
        assert_eq!(Threshold::new(0, 20), Err(ThresholdError::MonthZero));
        assert_eq!(
            Threshold::new(6, 5),
            Err(ThresholdError::YearBelowMonth { month: 6, year: 5 })
        );
        assert_eq!(Threshold::new(5, 20), Ok(t));
    }

    #[test]
    fn words_that_propose_a_lesser_response_are_refused() {
        for bad in [
            "Police should NOT attend unless a weapon is mentioned",
            "Ambulance: don't convey, advice only",
            "Downgrade her calls to category 4",
            "Consider a delayed response to his calls",
            "Withhold an ambulance after 10pm",
            "Deprioritise 111 callbacks",
        ] {
            let refused = check_words(bad);
            assert!(
                matches!(refused, Err(WordsError::ProposesWithholding(_))),
                "{bad}: {refused:?}"
            );
        }
        assert!(matches!(
            check_words("A known frequent flyer"),
            Err(WordsError::NotNeutral(_))
        ));
        for good in [
            "Offered a meeting with the community team; Gary would like his sister there.",
            "Crisis plan review booked for 12 March; the response to calls stays as it is.",
            "Gary did not attend his appointment on 3 March.",
            "",
        ] {
            assert_eq!(check_words(good), Ok(()), "{good}");
        }
        assert_eq!(
            check_words(&"x".repeat(WORDS_MAX_CHARS + 1)),
            Err(WordsError::TooLong)
        );
    }

    #[test]
    fn an_entry_unreviewed_for_ninety_days_ends() {
        assert_eq!(review_by(at(0)), at(90));
        assert!(EntryStatus::Identified.is_current());
        assert!(EntryStatus::Reviewed.is_current());
        assert!(!EntryStatus::Expired.is_current());
        assert!(!EntryStatus::Ended.is_current());
    }

    #[test]
    fn vocabularies_are_well_formed() {
        crate::vocabulary::testing::assert_well_formed(
            &NextStep::ALL,
            NextStep::as_str,
            NextStep::parse,
            NextStep::label,
        );
        crate::vocabulary::testing::assert_well_formed(
            &EntryStatus::ALL,
            EntryStatus::as_str,
            EntryStatus::parse,
            EntryStatus::label,
        );
    }
}
