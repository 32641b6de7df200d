//! Break-glass: a practitioner's explicit, justified override of a person's
//! refusal, on a lawful basis, for a short time. Every use is reviewed by
//! information governance and shown to the person, unless showing it would
//! cause harm, in which case the deferral itself is recorded with a reason
//! and a date.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{PersonId, UserId};
use crate::text::{bounded, TextError};
use crate::vocabulary;

crate::vocabulary::schema!(OverrideBasis);

/// The lawful bases on which a refusal may be overridden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum OverrideBasis {
    /// UK GDPR Art 6(1)(d) / 9(2)(c): to protect someone's life.
    VitalInterests,
    /// DPA 2018 Sch 1 para 18: safeguarding an individual at risk.
    Safeguarding,
    /// Prevention of serious harm to the person or others.
    PreventionOfHarm,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a lawful basis for break-glass; expected one of: {}", vocabulary::expected(&OverrideBasis::ALL, OverrideBasis::as_str))]
pub struct OverrideBasisError {
    input: String,
}

impl OverrideBasis {
    pub const ALL: [Self; 3] = [
        Self::VitalInterests,
        Self::Safeguarding,
        Self::PreventionOfHarm,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VitalInterests => "vital-interests",
            Self::Safeguarding => "safeguarding",
            Self::PreventionOfHarm => "prevention-of-harm",
        }
    }
    pub fn parse(input: &str) -> Result<Self, OverrideBasisError> {
        vocabulary::lookup(&Self::ALL, Self::as_str, input).ok_or_else(|| OverrideBasisError {
            input: input.to_owned(),
        })
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::VitalInterests => "vital interests (to protect life)",
            Self::Safeguarding => "safeguarding an adult or child at risk",
            Self::PreventionOfHarm => "prevention of serious harm",
        }
    }
}

impl TryFrom<String> for OverrideBasis {
    type Error = OverrideBasisError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OverrideBasis> for &'static str {
    fn from(value: OverrideBasis) -> Self {
        value.as_str()
    }
}

/// Why the glass was broken, in the practitioner's words. Long enough to
/// mean something to the reviewer and to the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Justification(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JustificationError {
    #[error(transparent)]
    Text(#[from] TextError),
    #[error("the justification must say why in at least {min} characters; it has {actual}")]
    TooShort { min: usize, actual: usize },
}

impl Justification {
    pub const MIN_CHARS: usize = 20;
    pub const MAX_CHARS: usize = 2000;

    pub fn parse(raw: &str) -> Result<Self, JustificationError> {
        let text = bounded("justification", raw, Self::MAX_CHARS)?;
        let actual = text.chars().count();
        if actual < Self::MIN_CHARS {
            return Err(JustificationError::TooShort {
                min: Self::MIN_CHARS,
                actual,
            });
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Justification {
    type Error = JustificationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Justification> for String {
    fn from(value: Justification) -> Self {
        value.0
    }
}

/// The governance review of one use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub reviewer: UserId,
    pub appropriate: bool,
    pub note: String,
    pub reviewed_at: DateTime<Utc>,
}

/// A decision to withhold a use from the person's access log for a while.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deferral {
    pub deferred_by: UserId,
    pub reason: String,
    pub until: NaiveDate,
}

/// One use of break-glass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakGlass {
    pub id: uuid::Uuid,
    pub user: UserId,
    pub person: PersonId,
    pub basis: OverrideBasis,
    pub justification: Justification,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub review: Option<Review>,
    pub deferral: Option<Deferral>,
}

impl BreakGlass {
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.granted_at <= now && now < self.expires_at
    }

    /// Reviews are due within this many days of the use.
    pub const REVIEW_WITHIN_DAYS: i64 = 7;

    pub fn review_overdue(&self, now: DateTime<Utc>) -> bool {
        self.review.is_none()
            && now - self.granted_at > chrono::Duration::days(Self::REVIEW_WITHIN_DAYS)
    }

    /// Whether the person may see this use in their access log on `today`.
    pub fn visible_to_person(&self, today: NaiveDate) -> bool {
        self.deferral.as_ref().is_none_or(|d| today >= d.until)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    #[test]
    fn a_justification_must_say_something() {
        assert!(matches!(
            Justification::parse("urgent"),
            Err(JustificationError::TooShort { min: 20, actual: 6 })
        ));
        assert!(Justification::parse("   ").is_err());
        assert!(Justification::parse(
            "Found unconscious at the roadside; need allergies and contacts"
        )
        .is_ok());
    }

    #[test]
    fn a_grant_is_live_only_within_its_window_and_deferral_hides_it_until_its_date() {
        let granted = Utc.with_ymd_and_hms(2026, 3, 3, 2, 0, 0).unwrap();
        let mut use_ = BreakGlass {
            id: uuid::Uuid::new_v4(),
            user: UserId::new(),
            person: PersonId::new(),
            basis: OverrideBasis::VitalInterests,
            justification: Justification::parse("Person unconscious, need the crisis plan now")
                .unwrap(),
            granted_at: granted,
            expires_at: granted + Duration::minutes(30),
            review: None,
            deferral: None,
        };
        assert!(use_.is_live(granted + Duration::minutes(29)));
        assert!(!use_.is_live(granted + Duration::minutes(30)));
        assert!(use_.visible_to_person(granted.date_naive()));
        assert!(!use_.review_overdue(granted + Duration::days(7)));
        assert!(use_.review_overdue(granted + Duration::days(8)));
        use_.deferral = Some(Deferral {
            deferred_by: UserId::new(),
            reason: "disclosure would put the person at risk from their partner".into(),
            until: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        });
        assert!(!use_.visible_to_person(NaiveDate::from_ymd_opt(2026, 5, 31).unwrap()));
        assert!(use_.visible_to_person(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()));
    }
}
