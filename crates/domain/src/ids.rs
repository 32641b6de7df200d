//! Typed identifiers: one generic [`Id<T>`] over a UUID, with a marker type per
//! concept so a `PersonId` can never be passed where a `UserId` is wanted. The
//! markers are empty enums — they exist only at compile time.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

/// The marker types that give each [`Id`] its meaning.
pub mod markers {
    #[derive(Debug)]
    pub enum Organisation {}
    #[derive(Debug)]
    pub enum Team {}
    #[derive(Debug)]
    pub enum User {}
    #[derive(Debug)]
    pub enum Person {}
    #[derive(Debug)]
    pub enum RelatedPerson {}
    #[derive(Debug)]
    pub enum CareTeam {}
    #[derive(Debug)]
    pub enum Agreement {}
    #[derive(Debug)]
    pub enum Consent {}
    #[derive(Debug)]
    pub enum Session {}
    #[derive(Debug)]
    pub enum CrisisPlan {}
    #[derive(Debug)]
    pub enum Flag {}
    #[derive(Debug)]
    pub enum Referral {}
    #[derive(Debug)]
    pub enum Message {}
    #[derive(Debug)]
    pub enum ContactEvent {}
    #[derive(Debug)]
    pub enum AdvanceChoices {}
}

pub type OrganisationId = Id<markers::Organisation>;
pub type TeamId = Id<markers::Team>;
pub type UserId = Id<markers::User>;
pub type PersonId = Id<markers::Person>;
pub type RelatedPersonId = Id<markers::RelatedPerson>;
pub type CareTeamId = Id<markers::CareTeam>;
pub type AgreementId = Id<markers::Agreement>;
pub type ConsentId = Id<markers::Consent>;
pub type SessionId = Id<markers::Session>;
pub type CrisisPlanId = Id<markers::CrisisPlan>;
pub type FlagId = Id<markers::Flag>;
pub type ReferralId = Id<markers::Referral>;
pub type MessageId = Id<markers::Message>;
pub type ContactEventId = Id<markers::ContactEvent>;
/// One version of a person's advance choice document.
pub type AdvanceChoicesId = Id<markers::AdvanceChoices>;

/// The identity of one `T`. `PhantomData<fn() -> T>` rather than
/// `PhantomData<T>` so the id is `Send`, `Sync` and covariant whatever `T` is,
/// and every trait below is written by hand so none of them asks anything of
/// `T` (a derive would demand `T: Clone` and so on of the empty markers).
pub struct Id<T> {
    uuid: Uuid,
    marker: PhantomData<fn() -> T>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not a valid id: expected a UUID such as `0190b3a4-7c1e-7d2f-8a6b-1c2d3e4f5a6b`"
)]
pub struct IdError {
    input: String,
}

impl IdError {
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl<T> Id<T> {
    /// A fresh id. Version 7 UUIDs start with the time, so ids made later sort
    /// later and database indexes stay compact.
    #[expect(
        clippy::new_without_default,
        reason = "a random default value would surprise; ask for one by name"
    )]
    pub fn new() -> Self {
        Self::from_uuid(Uuid::now_v7())
    }

    pub fn from_uuid(uuid: Uuid) -> Self {
        Self {
            uuid,
            marker: PhantomData,
        }
    }

    /// Accepts any textual UUID form the `uuid` crate reads (hyphenated,
    /// simple, braced, URN); [`Display`](fmt::Display) always gives the
    /// hyphenated lowercase form.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        Uuid::try_parse(input)
            .map(Self::from_uuid)
            .map_err(|_| IdError {
                input: input.to_owned(),
            })
    }

    pub fn as_uuid(&self) -> Uuid {
        self.uuid
    }

    /// The id that names nothing stored (the nil UUID). A reference that
    /// names no one — an id that does not read, an NHS number no one has —
    /// stands as this, so it takes the same path, and gets the same answer,
    /// as one the caller may not know of.
    pub fn nobody() -> Self {
        Self::from_uuid(Uuid::nil())
    }

    /// The id `input` names, or [`Id::nobody`] when it does not read.
    pub fn named(input: &str) -> Self {
        Self::parse(input).unwrap_or_else(|_| Self::nobody())
    }
}

impl<T> Clone for Id<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Id<T> {}

impl<T> PartialEq for Id<T> {
    fn eq(&self, other: &Self) -> bool {
        self.uuid == other.uuid
    }
}

impl<T> Eq for Id<T> {}

impl<T> Hash for Id<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.uuid.hash(state);
    }
}

impl<T> PartialOrd for Id<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Id<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.uuid.cmp(&other.uuid)
    }
}

impl<T> fmt::Debug for Id<T> {
    /// `Id<Person>(0190…)`: the marker's short name makes mixed-up ids easy to
    /// spot in test failures.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let full = std::any::type_name::<T>();
        let short = full.rsplit("::").next().unwrap_or(full);
        write!(f, "Id<{short}>({})", self.uuid.hyphenated())
    }
}

impl<T> fmt::Display for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.uuid.hyphenated(), f)
    }
}

impl<T> FromStr for Id<T> {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl<T> From<Id<T>> for Uuid {
    fn from(id: Id<T>) -> Self {
        id.uuid
    }
}

impl<T> Serialize for Id<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.uuid.hyphenated())
    }
}

impl<'de, T> Deserialize<'de> for Id<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(IdVisitor(PhantomData))
    }
}

struct IdVisitor<T>(PhantomData<fn() -> T>);

impl<T> Visitor<'_> for IdVisitor<T> {
    type Value = Id<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a UUID string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Id::parse(v).map_err(E::custom)
    }
}

/// An id is written as its UUID, whatever it names.
impl<T> utoipa::PartialSchema for Id<T> {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Uuid,
            )))
            .into()
    }
}

impl<T> utoipa::ToSchema for Id<T> {}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn new_ids_are_version_7_and_distinct() {
        let a = PersonId::new();
        let b = PersonId::new();
        assert_ne!(a, b);
        assert_eq!(a.as_uuid().get_version_num(), 7);
    }

    #[test]
    fn display_is_the_hyphenated_uuid_whatever_form_was_parsed() {
        let id = UserId::parse("{0190B3A4-7C1E-7D2F-8A6B-1C2D3E4F5A6B}").unwrap();
        assert_eq!(id.to_string(), "0190b3a4-7c1e-7d2f-8a6b-1c2d3e4f5a6b");
        assert_eq!(
            UserId::parse("0190b3a47c1e7d2f8a6b1c2d3e4f5a6b").unwrap(),
            id
        );
    }

    #[test]
    fn debug_names_the_marker() {
        let id = PersonId::from_uuid(Uuid::nil());
        assert_eq!(
            format!("{id:?}"),
            "Id<Person>(00000000-0000-0000-0000-000000000000)"
        );
    }

    #[test]
    fn invalid_ids_are_rejected_with_the_input_quoted() {
        let err = TeamId::parse("team-7").unwrap_err();
        assert_eq!(err.input(), "team-7");
        assert!(err.to_string().starts_with("`team-7` is not a valid id"));
        assert!("".parse::<TeamId>().is_err());
    }

    #[test]
    fn ids_serialise_as_strings() {
        let id = OrganisationId::from_uuid(Uuid::from_u128(1));
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"00000000-0000-0000-0000-000000000001\"");
        assert_eq!(serde_json::from_str::<OrganisationId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<OrganisationId>("\"nope\"").is_err());
        assert!(serde_json::from_str::<OrganisationId>("1").is_err());
    }

    #[test]
    fn ids_made_later_sort_later() {
        let first = SessionId::new();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let second = SessionId::new();
        assert!(first < second);
    }

    proptest! {
        #[test]
        fn display_and_parse_round_trip(n in any::<u128>()) {
            let id = CareTeamId::from_uuid(Uuid::from_u128(n));
            prop_assert_eq!(CareTeamId::parse(&id.to_string()), Ok(id));
            let json = serde_json::to_string(&id).unwrap();
            prop_assert_eq!(serde_json::from_str::<CareTeamId>(&json).unwrap(), id);
        }

        #[test]
        fn ordering_and_equality_follow_the_uuid(a in any::<u128>(), b in any::<u128>()) {
            let (ia, ib) = (AgreementId::from_uuid(Uuid::from_u128(a)), AgreementId::from_uuid(Uuid::from_u128(b)));
            prop_assert_eq!(ia.cmp(&ib), a.cmp(&b));
            prop_assert_eq!(ia == ib, a == b);
        }

        #[test]
        fn strings_that_are_not_uuids_are_rejected(s in "[g-z ]{1,40}") {
            prop_assert!(ConsentId::parse(&s).is_err());
        }
    }
}
