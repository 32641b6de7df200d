//! The person at the centre of the partnership — a service user — with the
//! parts of their record every agency recognises them by: name, date of
//! birth, address, phone and the identifiers agencies have given them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::identifier::{Identifier, IdentifierSystem};
use crate::ids::PersonId;
use crate::nhs_number::NhsNumber;
use crate::text::PhoneNumber;

mod address;
mod birth_date;
pub mod demography;
mod name;
mod postcode;

pub use address::{Address, AddressError};
pub use birth_date::{BirthDate, BirthDateError};
pub use demography::{EthnicCategory, Sex};
pub use name::PersonName;
pub use postcode::{Postcode, PostcodeError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonError {
    #[error("a person may have only one identifier in system `{system}`")]
    DuplicateIdentifierSystem { system: IdentifierSystem },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PersonRecord")]
pub struct Person {
    id: PersonId,
    name: PersonName,
    birth_date: BirthDate,
    address: Option<Address>,
    phone: Option<PhoneNumber>,
    // INVARIANT: at most one identifier per system. Two NHS numbers on one
    // record would mean two people merged by mistake; record linkage must see
    // that as a conflict, not pick one.
    identifiers: Vec<Identifier>,
    /// Recorded only to see whether services treat groups differently;
    /// never part of a decision about the person.
    #[serde(skip_serializing_if = "Option::is_none")]
    sex: Option<Sex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ethnic_category: Option<EthnicCategory>,
}

impl Person {
    pub fn new(
        id: PersonId,
        name: PersonName,
        birth_date: BirthDate,
        address: Option<Address>,
        phone: Option<PhoneNumber>,
        identifiers: Vec<Identifier>,
    ) -> Result<Self, PersonError> {
        for (i, identifier) in identifiers.iter().enumerate() {
            if identifiers[..i]
                .iter()
                .any(|earlier| earlier.system() == identifier.system())
            {
                return Err(PersonError::DuplicateIdentifierSystem {
                    system: identifier.system().clone(),
                });
            }
        }
        Ok(Self {
            id,
            name,
            birth_date,
            address,
            phone,
            identifiers,
            sex: None,
            ethnic_category: None,
        })
    }

    /// The same person with their sex and ethnic category as recorded.
    #[must_use]
    pub fn with_demography(
        self,
        sex: Option<Sex>,
        ethnic_category: Option<EthnicCategory>,
    ) -> Self {
        Self {
            sex,
            ethnic_category,
            ..self
        }
    }

    pub fn sex(&self) -> Option<Sex> {
        self.sex
    }

    pub fn ethnic_category(&self) -> Option<EthnicCategory> {
        self.ethnic_category
    }

    pub fn id(&self) -> PersonId {
        self.id
    }

    pub fn name(&self) -> &PersonName {
        &self.name
    }

    pub fn birth_date(&self) -> BirthDate {
        self.birth_date
    }

    pub fn address(&self) -> Option<&Address> {
        self.address.as_ref()
    }

    pub fn phone(&self) -> Option<&PhoneNumber> {
        self.phone.as_ref()
    }

    pub fn identifiers(&self) -> &[Identifier] {
        &self.identifiers
    }

    /// The identifier this person has in `system`, if any.
    pub fn identifier(&self, system: &IdentifierSystem) -> Option<&Identifier> {
        self.identifiers
            .iter()
            .find(|identifier| identifier.system() == system)
    }

    pub fn nhs_number(&self) -> Option<NhsNumber> {
        self.identifiers.iter().find_map(Identifier::nhs_number)
    }

    /// The same person with one more identifier; refused if they already
    /// have one in that system.
    pub fn with_identifier(&self, identifier: Identifier) -> Result<Self, PersonError> {
        let mut identifiers = self.identifiers.clone();
        identifiers.push(identifier);
        Ok(Self::new(
            self.id,
            self.name.clone(),
            self.birth_date,
            self.address.clone(),
            self.phone.clone(),
            identifiers,
        )?
        .with_demography(self.sex, self.ethnic_category))
    }
}

impl fmt::Display for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.name, f)
    }
}

#[derive(Deserialize)]
struct PersonRecord {
    id: PersonId,
    name: PersonName,
    birth_date: BirthDate,
    address: Option<Address>,
    phone: Option<PhoneNumber>,
    #[serde(default)]
    identifiers: Vec<Identifier>,
    #[serde(default)]
    sex: Option<Sex>,
    #[serde(default)]
    ethnic_category: Option<EthnicCategory>,
}

impl TryFrom<PersonRecord> for Person {
    type Error = PersonError;
    fn try_from(r: PersonRecord) -> Result<Self, Self::Error> {
        Self::new(
            r.id,
            r.name,
            r.birth_date,
            r.address,
            r.phone,
            r.identifiers,
        )
        .map(|person| person.with_demography(r.sex, r.ethnic_category))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::identifier::NHS_NUMBER_SYSTEM;

    fn person(identifiers: Vec<Identifier>) -> Result<Person, PersonError> {
        let address = Address::new(
            ["12 Harbour Row"],
            "Northshire",
            Postcode::parse("NS1 4AB").unwrap(),
        )
        .unwrap();
        Person::new(
            PersonId::new(),
            PersonName::new("Alex", "Morgan").unwrap(),
            BirthDate::parse("1990-04-23").unwrap(),
            Some(address),
            Some(PhoneNumber::parse("07700 900123").unwrap()),
            identifiers,
        )
    }

    fn nhs(raw: &str) -> Identifier {
        Identifier::nhs(NhsNumber::parse(raw).unwrap())
    }

    #[test]
    fn nhs_number_comes_from_the_nhs_identifier() {
        let police = Identifier::new("urn:northshire-police", "NP-42").unwrap();
        let p = person(vec![police.clone(), nhs("9990000018")]).unwrap();
        assert_eq!(
            p.nhs_number().map(|n| n.formatted()),
            Some("999 000 0018".to_owned())
        );
        assert_eq!(p.identifier(police.system()), Some(&police));
        assert_eq!(person(vec![police]).unwrap().nhs_number(), None);
        assert_eq!(p.to_string(), "Alex Morgan");
    }

    #[test]
    fn two_identifiers_in_one_system_are_refused() {
        let err = person(vec![nhs("9990000018"), nhs("9990000026")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("a person may have only one identifier in system `{NHS_NUMBER_SYSTEM}`")
        );
        let p = person(vec![nhs("9990000018")]).unwrap();
        assert!(p.with_identifier(nhs("9990000026")).is_err());
        let linked = p
            .with_identifier(Identifier::new("urn:la:case", "C1").unwrap())
            .unwrap();
        assert_eq!(linked.identifiers().len(), 2);
    }

    #[test]
    fn person_json_round_trips_and_is_validated() {
        let p = person(vec![nhs("9990000018")]).unwrap();
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["birth_date"], "1990-04-23");
        assert_eq!(json["identifiers"][0]["value"], "9990000018");
        assert_eq!(serde_json::from_value::<Person>(json.clone()).unwrap(), p);
        let mut duplicated = json;
        duplicated["identifiers"] = serde_json::json!([
            {"system": NHS_NUMBER_SYSTEM, "value": "9990000018"},
            {"system": NHS_NUMBER_SYSTEM, "value": "9990000026"},
        ]);
        assert!(serde_json::from_value::<Person>(duplicated).is_err());
    }

    proptest! {
        #[test]
        fn valid_exactly_when_identifier_systems_are_distinct(systems in prop::collection::vec(0usize..4, 0..6)) {
            let identifiers: Vec<Identifier> = systems
                .iter()
                .enumerate()
                .map(|(i, s)| Identifier::new(&format!("urn:agency:{s}"), &format!("v{i}")).unwrap())
                .collect();
            let distinct = systems.iter().collect::<std::collections::HashSet<_>>().len() == systems.len();
            let result = person(identifiers.clone());
            prop_assert_eq!(result.is_ok(), distinct);
            if let Ok(p) = result {
                prop_assert_eq!(p.identifiers(), identifiers.as_slice());
            }
        }
    }
}
