//! Carers, family and friends around a person ([`RelatedPerson`]) and how
//! they are related ([`Relationship`]). What a related person may be told is
//! the person's choice, recorded as consent elsewhere; this module only says
//! who they are and whether the person named them as a carer.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::carer::CarerOf;
use crate::ids::{PersonId, RelatedPersonId};
use crate::person::PersonName;
use crate::text::{EmailAddress, PhoneNumber};
use crate::vocabulary;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Relationship {
    Mother,
    Father,
    Parent,
    Partner,
    Spouse,
    Sibling,
    Child,
    Friend,
    Neighbour,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not a relationship; expected one of: {}",
    vocabulary::expected(&Relationship::ALL, Relationship::as_str)
)]
pub struct RelationshipError {
    input: String,
}

impl Relationship {
    pub const ALL: [Self; 10] = [
        Self::Mother,
        Self::Father,
        Self::Parent,
        Self::Partner,
        Self::Spouse,
        Self::Sibling,
        Self::Child,
        Self::Friend,
        Self::Neighbour,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mother => "mother",
            Self::Father => "father",
            Self::Parent => "parent",
            Self::Partner => "partner",
            Self::Spouse => "spouse",
            Self::Sibling => "sibling",
            Self::Child => "child",
            Self::Friend => "friend",
            Self::Neighbour => "neighbour",
            Self::Other => "other",
        }
    }

    pub fn parse(input: &str) -> Result<Self, RelationshipError> {
        vocabulary::lookup(&Self::ALL, Self::as_str, input).ok_or_else(|| RelationshipError {
            input: input.to_owned(),
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Mother => "Mother",
            Self::Father => "Father",
            Self::Parent => "Parent",
            Self::Partner => "Partner",
            Self::Spouse => "Spouse or civil partner",
            Self::Sibling => "Brother or sister",
            Self::Child => "Son or daughter",
            Self::Friend => "Friend",
            Self::Neighbour => "Neighbour",
            Self::Other => "Other",
        }
    }
}

impl fmt::Display for Relationship {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Relationship {
    type Err = RelationshipError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Relationship {
    type Error = RelationshipError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Relationship> for &'static str {
    fn from(value: Relationship) -> Self {
        value.as_str()
    }
}

/// Someone close to the person. Every part is already a validated type, so
/// construction cannot fail; a related person with no phone or email is still
/// worth recording (they may be reached through the person, or by post).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedPerson {
    id: RelatedPersonId,
    person_id: PersonId,
    name: PersonName,
    relationship: Relationship,
    phone: Option<PhoneNumber>,
    email: Option<EmailAddress>,
    /// The person named them as their carer: they are the ones notified of
    /// admission and discharge when the person has agreed to it.
    nominated_carer: bool,
}

impl RelatedPerson {
    /// The link a carer's account of this related person carries.
    pub fn carer_of(&self) -> CarerOf {
        CarerOf {
            person: self.person_id,
            related_person: self.id,
        }
    }

    pub fn new(
        id: RelatedPersonId,
        person_id: PersonId,
        name: PersonName,
        relationship: Relationship,
        phone: Option<PhoneNumber>,
        email: Option<EmailAddress>,
        nominated_carer: bool,
    ) -> Self {
        Self {
            id,
            person_id,
            name,
            relationship,
            phone,
            email,
            nominated_carer,
        }
    }

    pub fn id(&self) -> RelatedPersonId {
        self.id
    }

    /// The person they are related to.
    pub fn person_id(&self) -> PersonId {
        self.person_id
    }

    pub fn name(&self) -> &PersonName {
        &self.name
    }

    pub fn relationship(&self) -> Relationship {
        self.relationship
    }

    pub fn phone(&self) -> Option<&PhoneNumber> {
        self.phone.as_ref()
    }

    pub fn email(&self) -> Option<&EmailAddress> {
        self.email.as_ref()
    }

    pub fn nominated_carer(&self) -> bool {
        self.nominated_carer
    }
}

impl fmt::Display for RelatedPerson {
    /// "Jo Morgan (mother)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.relationship)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::vocabulary::testing;

    #[test]
    fn relationships_are_well_formed() {
        testing::assert_well_formed(
            &Relationship::ALL,
            Relationship::as_str,
            Relationship::parse,
            Relationship::label,
        );
        let err = Relationship::parse("aunt").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`aunt` is not a relationship; expected one of: mother, father, parent, partner, spouse, sibling, \
             child, friend, neighbour, other"
        );
    }

    #[test]
    fn related_person_round_trips_through_json_with_validated_parts() {
        let carer = RelatedPerson::new(
            RelatedPersonId::new(),
            PersonId::new(),
            PersonName::new("Jo", "Morgan").unwrap(),
            Relationship::Mother,
            Some(PhoneNumber::parse("07700 900456").unwrap()),
            Some(EmailAddress::parse("jo@example.org").unwrap()),
            true,
        );
        assert_eq!(carer.to_string(), "Jo Morgan (mother)");
        assert!(carer.nominated_carer());
        let json = serde_json::to_value(&carer).unwrap();
        assert_eq!(json["relationship"], "mother");
        assert_eq!(
            serde_json::from_value::<RelatedPerson>(json.clone()).unwrap(),
            carer
        );
        let mut bad_email = json.clone();
        bad_email["email"] = "jo".into();
        assert!(serde_json::from_value::<RelatedPerson>(bad_email).is_err());
        let mut bad_name = json;
        bad_name["name"]["given"] = "".into();
        assert!(serde_json::from_value::<RelatedPerson>(bad_name).is_err());
    }

    proptest! {
        #[test]
        fn parse_accepts_only_the_names(input in "[a-z]{0,10}|\\PC{0,10}") {
            prop_assert!(testing::parse_accepts_only_names(&Relationship::ALL, Relationship::as_str, Relationship::parse, &input));
        }
    }
}
