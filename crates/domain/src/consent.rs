//! Consent directives: what a person has said about sharing their record,
//! per organisation, per category, per purpose. A refusal is the default the
//! partnership works from; only a lawful override (break-glass) goes past it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::category::DataCategory;
use crate::ids::{ConsentId, OrganisationId, PersonId, UserId};
use crate::purpose::Purpose;
use crate::text::{bounded, TextError};
use crate::vocabulary;

crate::vocabulary::schema!(ConsentEffect);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum ConsentEffect {
    Permit,
    Deny,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a consent effect; expected one of: permit, deny")]
pub struct ConsentEffectError {
    input: String,
}

impl ConsentEffect {
    pub const ALL: [Self; 2] = [Self::Permit, Self::Deny];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Permit => "permit",
            Self::Deny => "deny",
        }
    }
    pub fn parse(input: &str) -> Result<Self, ConsentEffectError> {
        vocabulary::lookup(&Self::ALL, Self::as_str, input).ok_or_else(|| ConsentEffectError {
            input: input.to_owned(),
        })
    }
}

impl TryFrom<String> for ConsentEffect {
    type Error = ConsentEffectError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ConsentEffect> for &'static str {
    fn from(value: ConsentEffect) -> Self {
        value.as_str()
    }
}

crate::vocabulary::schema!(RecordedVia);

/// How the person's choice reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum RecordedVia {
    InPerson,
    Phone,
    OwnAccount,
    Letter,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a way of recording consent; expected one of: {}", vocabulary::expected(&RecordedVia::ALL, RecordedVia::as_str))]
pub struct RecordedViaError {
    input: String,
}

impl RecordedVia {
    pub const ALL: [Self; 4] = [Self::InPerson, Self::Phone, Self::OwnAccount, Self::Letter];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InPerson => "in-person",
            Self::Phone => "phone",
            Self::OwnAccount => "own-account",
            Self::Letter => "letter",
        }
    }
    pub fn parse(input: &str) -> Result<Self, RecordedViaError> {
        vocabulary::lookup(&Self::ALL, Self::as_str, input).ok_or_else(|| RecordedViaError {
            input: input.to_owned(),
        })
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::InPerson => "in person",
            Self::Phone => "by phone",
            Self::OwnAccount => "through their own account",
            Self::Letter => "by letter",
        }
    }
}

impl TryFrom<String> for RecordedVia {
    type Error = RecordedViaError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<RecordedVia> for &'static str {
    fn from(value: RecordedVia) -> Self {
        value.as_str()
    }
}

/// What a directive covers. An empty field covers everything: a directive
/// with only an organisation covers every category for every purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConsentScope {
    pub organisation: Option<OrganisationId>,
    pub category: Option<DataCategory>,
    pub purpose: Option<Purpose>,
}

impl ConsentScope {
    pub fn covers(
        &self,
        organisation: OrganisationId,
        category: DataCategory,
        purpose: Purpose,
    ) -> bool {
        self.organisation.is_none_or(|o| o == organisation)
            && self.category.is_none_or(|c| c == category)
            && self.purpose.is_none_or(|p| p == purpose)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentDirective {
    id: ConsentId,
    person_id: PersonId,
    effect: ConsentEffect,
    scope: ConsentScope,
    recorded_by: UserId,
    recorded_at: DateTime<Utc>,
    via: RecordedVia,
    /// e.g. "has capacity for this decision; discussed on the ward".
    capacity_note: Option<String>,
    expires_at: Option<DateTime<Utc>>,
    /// Set when the person changes their mind; the directive then no longer applies.
    withdrawn_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsentError {
    #[error(transparent)]
    Text(#[from] TextError),
    #[error("the expiry must be after the time it was recorded")]
    ExpiresBeforeRecorded,
}

impl ConsentDirective {
    #[expect(clippy::too_many_arguments, reason = "one argument per recorded fact")]
    pub fn new(
        id: ConsentId,
        person_id: PersonId,
        effect: ConsentEffect,
        scope: ConsentScope,
        recorded_by: UserId,
        recorded_at: DateTime<Utc>,
        via: RecordedVia,
        capacity_note: Option<&str>,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<Self, ConsentError> {
        if expires_at.is_some_and(|e| e <= recorded_at) {
            return Err(ConsentError::ExpiresBeforeRecorded);
        }
        Ok(Self {
            id,
            person_id,
            effect,
            scope,
            recorded_by,
            recorded_at,
            via,
            capacity_note: capacity_note
                .filter(|n| !n.trim().is_empty())
                .map(|n| bounded("capacity_note", n, 500))
                .transpose()?,
            expires_at,
            withdrawn_at: None,
        })
    }

    /// Marks a stored directive as withdrawn at `at`.
    pub fn withdrawn(mut self, at: DateTime<Utc>) -> Self {
        self.withdrawn_at = Some(at);
        self
    }

    pub fn id(&self) -> ConsentId {
        self.id
    }
    pub fn person_id(&self) -> PersonId {
        self.person_id
    }
    pub fn effect(&self) -> ConsentEffect {
        self.effect
    }
    pub fn scope(&self) -> &ConsentScope {
        &self.scope
    }
    pub fn recorded_by(&self) -> UserId {
        self.recorded_by
    }
    pub fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
    }
    pub fn via(&self) -> RecordedVia {
        self.via
    }
    pub fn capacity_note(&self) -> Option<&str> {
        self.capacity_note.as_deref()
    }
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.expires_at
    }
    pub fn withdrawn_at(&self) -> Option<DateTime<Utc>> {
        self.withdrawn_at
    }

    /// In force at `now`: recorded, not withdrawn, not expired.
    pub fn in_force(&self, now: DateTime<Utc>) -> bool {
        self.recorded_at <= now
            && self.withdrawn_at.is_none_or(|w| w > now)
            && self.expires_at.is_none_or(|e| e > now)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn directive(scope: ConsentScope, expires: Option<DateTime<Utc>>) -> ConsentDirective {
        ConsentDirective::new(
            ConsentId::new(),
            PersonId::new(),
            ConsentEffect::Deny,
            scope,
            UserId::new(),
            Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap(),
            RecordedVia::InPerson,
            Some("has capacity for this decision"),
            expires,
        )
        .unwrap()
    }

    #[test]
    fn an_empty_scope_covers_everything_and_each_field_narrows_it() {
        let police = OrganisationId::new();
        let other = OrganisationId::new();
        let all = ConsentScope::default();
        assert!(all.covers(other, DataCategory::Clinical, Purpose::Emergency));
        let org = ConsentScope {
            organisation: Some(police),
            ..Default::default()
        };
        assert!(org.covers(police, DataCategory::CrisisPlan, Purpose::Emergency));
        assert!(!org.covers(other, DataCategory::CrisisPlan, Purpose::Emergency));
        let cat = ConsentScope {
            category: Some(DataCategory::Clinical),
            ..Default::default()
        };
        assert!(!cat.covers(police, DataCategory::CrisisPlan, Purpose::Emergency));
        let purpose = ConsentScope {
            purpose: Some(Purpose::DirectCare),
            ..Default::default()
        };
        assert!(!purpose.covers(police, DataCategory::CrisisPlan, Purpose::Emergency));
    }

    #[test]
    fn a_directive_is_in_force_until_it_expires_or_is_withdrawn() {
        let recorded = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
        let d = directive(ConsentScope::default(), Some(recorded + Duration::days(30)));
        assert!(!d.in_force(recorded - Duration::seconds(1)));
        assert!(d.in_force(recorded));
        assert!(!d.in_force(recorded + Duration::days(30)));
        let w = d.withdrawn(recorded + Duration::days(1));
        assert!(w.in_force(recorded + Duration::hours(23)));
        assert!(!w.in_force(recorded + Duration::days(2)));
    }

    #[test]
    fn an_expiry_before_recording_is_refused() {
        let recorded = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
        let err = ConsentDirective::new(
            ConsentId::new(),
            PersonId::new(),
            ConsentEffect::Deny,
            ConsentScope::default(),
            UserId::new(),
            recorded,
            RecordedVia::Phone,
            None,
            Some(recorded),
        )
        .unwrap_err();
        assert_eq!(err, ConsentError::ExpiresBeforeRecorded);
    }
}
