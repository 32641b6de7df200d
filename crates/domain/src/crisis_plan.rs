//! Crisis plans, made with the person (FHIR CarePlan-shaped). A plan is a
//! line of immutable versions: every change is a new version with its author
//! and time. A version is agreed only when both the person and a
//! professional have agreed to it; the newly agreed version supersedes the
//! one agreed before. The person may propose changes from their own
//! account; a proposal is a draft like any other and replaces nothing until
//! it is agreed. Only the agreed version is shown to a crisis look-up.

mod diff;
mod review;
mod sections;
#[cfg(test)]
mod tests;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

pub use diff::{diff, DiffLine, LineChange, SectionDiff};
pub use review::{default_review_due, standing, ReviewStatus, DEFAULT_REVIEW_MONTHS};
pub use sections::{
    ContactHours, ContactHoursError, ContactInput, PersonalContact, PlanSections,
    ProfessionalContact, Section, SectionError, SectionProblem, SectionsInput, CONTACTS_MAX,
    SECTION_MAX_CHARS,
};

use crate::consent::RecordedVia;
use crate::ids::{CrisisPlanId, PersonId, UserId};
use crate::vocabulary::closed_vocabulary;

closed_vocabulary! {
    pub enum PlanStatus, error PlanStatusError = "a crisis plan status" {
        Draft = "draft", "Draft";
        Agreed = "agreed", "Agreed";
        Superseded = "superseded", "Superseded";
    }
}

/// Who wrote a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Author {
    pub user: Option<UserId>,
    pub name: String,
    /// Written by the person through their own account: a proposal.
    pub is_the_person: bool,
}

/// The person's agreement to a version: how it was given, and who recorded
/// it (themselves, through their own account, or a professional with them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PersonAgreement {
    pub at: DateTime<Utc>,
    pub via: RecordedVia,
    pub recorded_by: UserId,
    pub recorder_name: String,
}

/// A professional's agreement to a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ProfessionalAgreement {
    pub at: DateTime<Utc>,
    pub via: RecordedVia,
    pub user: UserId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PlanVersion {
    pub plan: CrisisPlanId,
    pub person: PersonId,
    pub number: u32,
    pub status: PlanStatus,
    pub sections: PlanSections,
    /// The version this one was written from.
    pub based_on: Option<u32>,
    pub author: Author,
    pub created_at: DateTime<Utc>,
    pub person_agreement: Option<PersonAgreement>,
    pub professional_agreement: Option<ProfessionalAgreement>,
    pub agreed_at: Option<DateTime<Utc>>,
    /// On an agreed version, when it is due for review; on a draft, the
    /// review date a professional asked for when agreeing, if any.
    pub review_due: Option<NaiveDate>,
}

/// Why an agreement could not be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgreeError {
    #[error("version {number} is {}, not a draft; only a draft can be agreed", status.as_str())]
    NotADraft { number: u32, status: PlanStatus },
    #[error("the plan is empty; write at least one section before agreeing it")]
    Empty,
    #[error("the person's agreement to version {0} is already recorded")]
    PersonAlreadyAgreed(u32),
    #[error("a professional's agreement to version {0} is already recorded")]
    ProfessionalAlreadyAgreed(u32),
    #[error("the review date must be after the date of agreement")]
    ReviewBeforeAgreement,
    #[error("only a professional can record a professional's agreement")]
    NotAProfessional,
}

/// Who is agreeing.
#[derive(Debug, Clone)]
pub enum Agreeing {
    Person(PersonAgreement),
    Professional(ProfessionalAgreement),
}

impl PlanVersion {
    pub fn is_proposal(&self) -> bool {
        self.author.is_the_person
    }

    pub fn is_agreed(&self) -> bool {
        self.status == PlanStatus::Agreed
    }

    /// Records one party's agreement. When both the person and a
    /// professional have agreed, the version becomes agreed, dated by the
    /// later of the two, with its review date (`review_due` if given, else
    /// six months on). Returns whether the version is now agreed; the caller
    /// then supersedes the version agreed before.
    pub fn agree(
        &mut self,
        agreeing: Agreeing,
        review_due: Option<NaiveDate>,
    ) -> Result<bool, AgreeError> {
        if self.status != PlanStatus::Draft {
            return Err(AgreeError::NotADraft {
                number: self.number,
                status: self.status,
            });
        }
        if self.sections.is_empty() {
            return Err(AgreeError::Empty);
        }
        let at = match &agreeing {
            Agreeing::Person(a) => a.at,
            Agreeing::Professional(a) => a.at,
        };
        if let Some(due) = review_due.or(self.review_due) {
            if due <= at.date_naive() {
                return Err(AgreeError::ReviewBeforeAgreement);
            }
        }
        match agreeing {
            Agreeing::Person(a) => {
                if self.person_agreement.is_some() {
                    return Err(AgreeError::PersonAlreadyAgreed(self.number));
                }
                self.person_agreement = Some(a);
            }
            Agreeing::Professional(a) => {
                if self.professional_agreement.is_some() {
                    return Err(AgreeError::ProfessionalAlreadyAgreed(self.number));
                }
                self.professional_agreement = Some(a);
            }
        }
        if review_due.is_some() {
            self.review_due = review_due;
        }
        let (Some(person), Some(professional)) =
            (&self.person_agreement, &self.professional_agreement)
        else {
            return Ok(false);
        };
        let agreed_at = person.at.max(professional.at);
        self.status = PlanStatus::Agreed;
        self.agreed_at = Some(agreed_at);
        self.review_due = Some(
            self.review_due
                .unwrap_or_else(|| default_review_due(agreed_at.date_naive())),
        );
        Ok(true)
    }

    /// Where this version stands for review, if it is agreed.
    pub fn review_status(&self, today: NaiveDate) -> Option<ReviewStatus> {
        match (self.status, self.review_due) {
            (PlanStatus::Agreed, Some(due)) => Some(ReviewStatus::of(due, today)),
            _ => None,
        }
    }

    /// "agreed 3 March 2026, review overdue since 3 September 2026".
    pub fn standing(&self, today: NaiveDate) -> Option<String> {
        let agreed = self.agreed_at?;
        Some(standing(agreed.date_naive(), self.review_status(today)?))
    }
}
