//! Safety flags (FHIR Flag-shaped): short warnings that travel with the
//! person — a risk, a safeguarding concern, a communication need, an address
//! withheld. Each has a severity, who raised it and on what basis, a review
//! date, and a status. A flag past its end date is expired and is shown as
//! expired, never as active. Flags are the `risk` category of the record.

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::Serialize;

use crate::ids::{FlagId, OrganisationId, PersonId, UserId};
use crate::text::{bounded, paragraphs, TextError, TextErrorKind};
use crate::vocabulary::closed_vocabulary;

closed_vocabulary! {
    pub enum FlagCategory, error FlagCategoryError = "a flag category" {
        RiskToSelf = "risk-to-self", "Risk to self";
        RiskToOthers = "risk-to-others", "Risk to others";
        RiskFromOthers = "risk-from-others", "Risk from others";
        Safeguarding = "safeguarding", "Safeguarding";
        Communication = "communication", "Communication and access needs";
        AddressWithheld = "address-withheld", "Address withheld";
    }
}

closed_vocabulary! {
    pub enum Severity, error SeverityError = "a severity" {
        Low = "low", "Low";
        Moderate = "moderate", "Moderate";
        High = "high", "High";
    }
}

closed_vocabulary! {
    /// What is stored: a flag is active until someone makes it inactive.
    pub enum FlagState, error FlagStateError = "a flag state" {
        Active = "active", "Active";
        Inactive = "inactive", "Inactive";
    }
}

closed_vocabulary! {
    /// What is shown: the stored state, with expiry applied for today.
    pub enum FlagStatus, error FlagStatusError = "a flag status" {
        Active = "active", "Active";
        Inactive = "inactive", "Inactive";
        Expired = "expired", "Expired";
    }
}

/// Three months, unless the person raising the flag says otherwise.
pub const DEFAULT_REVIEW_MONTHS: u32 = 3;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SafetyFlag {
    pub id: FlagId,
    pub person: PersonId,
    pub category: FlagCategory,
    pub severity: Severity,
    /// One line: "Autistic: explain before touching; avoid sirens".
    pub summary: String,
    /// On what basis it was raised: an incident, an assessment, the person.
    pub basis: String,
    pub raised_by: UserId,
    pub raised_by_name: String,
    pub organisation: OrganisationId,
    pub raised_at: DateTime<Utc>,
    pub review_on: NaiveDate,
    /// The last day the flag applies, if it is time-limited.
    pub ends_on: Option<NaiveDate>,
    pub state: FlagState,
    pub closed_reason: Option<String>,
}

impl SafetyFlag {
    pub fn status(&self, today: NaiveDate) -> FlagStatus {
        match (self.state, self.ends_on) {
            (FlagState::Inactive, _) => FlagStatus::Inactive,
            (FlagState::Active, Some(end)) if end < today => FlagStatus::Expired,
            (FlagState::Active, _) => FlagStatus::Active,
        }
    }

    pub fn review_overdue(&self, today: NaiveDate) -> bool {
        self.status(today) == FlagStatus::Active && self.review_on < today
    }
}

/// The checked content of a new flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagTerms {
    pub category: FlagCategory,
    pub severity: Severity,
    pub summary: String,
    pub basis: String,
    pub review_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlagTermsError {
    #[error(transparent)]
    Text(#[from] TextError),
    #[error("the review date must be after today")]
    ReviewNotInFuture,
    #[error("the end date must not be before today")]
    EndsInPast,
}

impl FlagTerms {
    /// `review_on` defaults to three months from today.
    pub fn new(
        category: FlagCategory,
        severity: Severity,
        summary: &str,
        basis: &str,
        review_on: Option<NaiveDate>,
        ends_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Self, FlagTermsError> {
        let summary = bounded("summary", summary, 200)?;
        let basis = required_paragraphs("basis", basis, 2_000)?;
        let review_on = review_on.unwrap_or_else(|| default_review_on(today));
        if review_on <= today {
            return Err(FlagTermsError::ReviewNotInFuture);
        }
        if ends_on.is_some_and(|end| end < today) {
            return Err(FlagTermsError::EndsInPast);
        }
        Ok(Self {
            category,
            severity,
            summary,
            basis,
            review_on,
            ends_on,
        })
    }
}

pub fn default_review_on(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(Months::new(DEFAULT_REVIEW_MONTHS))
        .unwrap_or(NaiveDate::MAX)
}

/// Like [`paragraphs`], but something must be written.
pub fn required_paragraphs(
    field: &'static str,
    raw: &str,
    max_chars: usize,
) -> Result<String, TextError> {
    let text = paragraphs(field, raw, max_chars)?;
    if text.is_empty() {
        return Err(TextError::new(field, TextErrorKind::Empty));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn flag(ends_on: Option<NaiveDate>, state: FlagState) -> SafetyFlag {
        SafetyFlag {
            id: FlagId::new(),
            person: PersonId::new(),
            category: FlagCategory::RiskToSelf,
            severity: Severity::High,
            summary: "Ligature risk".into(),
            basis: "Incident on 1 March".into(),
            raised_by: UserId::new(),
            raised_by_name: "Sam Nurse".into(),
            organisation: OrganisationId::new(),
            raised_at: DateTime::default(),
            review_on: date(2026, 6, 1),
            ends_on,
            state,
            closed_reason: None,
        }
    }

    #[test]
    fn a_flag_past_its_end_date_is_expired_never_active() {
        let f = flag(Some(date(2026, 5, 1)), FlagState::Active);
        assert_eq!(f.status(date(2026, 5, 1)), FlagStatus::Active);
        assert_eq!(f.status(date(2026, 5, 2)), FlagStatus::Expired);
        assert!(!f.review_overdue(date(2026, 7, 1)));
    }

    #[test]
    fn an_inactive_flag_stays_inactive_whatever_its_dates() {
        let f = flag(Some(date(2026, 5, 1)), FlagState::Inactive);
        assert_eq!(f.status(date(2026, 4, 1)), FlagStatus::Inactive);
        assert_eq!(f.status(date(2026, 6, 1)), FlagStatus::Inactive);
    }

    #[test]
    fn an_active_flag_past_its_review_date_is_overdue() {
        let f = flag(None, FlagState::Active);
        assert!(!f.review_overdue(date(2026, 6, 1)));
        assert!(f.review_overdue(date(2026, 6, 2)));
    }

    #[test]
    fn terms_default_the_review_and_refuse_dates_that_make_no_sense() {
        let today = date(2026, 3, 1);
        let terms = FlagTerms::new(
            FlagCategory::Communication,
            Severity::Low,
            "Uses BSL; needs an interpreter",
            "Told us at assessment",
            None,
            None,
            today,
        )
        .unwrap();
        assert_eq!(terms.review_on, date(2026, 6, 1));
        let refuse = |review, ends| {
            FlagTerms::new(
                FlagCategory::Communication,
                Severity::Low,
                "x",
                "y",
                review,
                ends,
                today,
            )
            .unwrap_err()
        };
        assert_eq!(refuse(Some(today), None), FlagTermsError::ReviewNotInFuture);
        assert_eq!(
            refuse(None, Some(date(2026, 2, 28))),
            FlagTermsError::EndsInPast
        );
        assert!(matches!(
            FlagTerms::new(
                FlagCategory::Communication,
                Severity::Low,
                "x",
                "  ",
                None,
                None,
                today
            ),
            Err(FlagTermsError::Text(_))
        ));
    }

    #[test]
    fn vocabularies_are_well_formed() {
        use crate::vocabulary::testing::assert_well_formed;
        assert_well_formed(
            &FlagCategory::ALL,
            FlagCategory::as_str,
            FlagCategory::parse,
            FlagCategory::label,
        );
        assert_well_formed(
            &Severity::ALL,
            Severity::as_str,
            Severity::parse,
            Severity::label,
        );
        assert_well_formed(
            &FlagStatus::ALL,
            FlagStatus::as_str,
            FlagStatus::parse,
            FlagStatus::label,
        );
    }
}
