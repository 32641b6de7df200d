//! Identifiers that agencies give a person — the NHS number, a police
//! reference, a local authority case number — as a (system, value) pair, as
//! FHIR does. Linking one person's records across agencies starts from these,
//! so an NHS number is always checked and stored in one normal form.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::nhs_number::{NhsNumber, NhsNumberError};
use crate::text::{bounded, TextError};

/// The FHIR identifier system for NHS numbers in England.
pub const NHS_NUMBER_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";

/// The namespace an identifier value belongs to, usually a URI. Not parsed as
/// a URI: partners use URNs and local conventions, and all we need is that
/// two spellings of one system compare equal, so no whitespace is allowed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdentifierSystem {
    system: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error(transparent)]
    System(TextError),
    #[error("`{input}` is not a valid identifier system: it must not contain whitespace")]
    SystemWhitespace { input: String },
    #[error(transparent)]
    Value(TextError),
    #[error(transparent)]
    NhsNumber(#[from] NhsNumberError),
}

impl IdentifierSystem {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, IdentifierError> {
        let system = bounded("system", raw, Self::MAX_CHARS).map_err(IdentifierError::System)?;
        if system.chars().any(char::is_whitespace) {
            return Err(IdentifierError::SystemWhitespace { input: system });
        }
        Ok(Self { system })
    }

    /// The NHS number system.
    pub fn nhs_number() -> Self {
        Self {
            system: NHS_NUMBER_SYSTEM.to_owned(),
        }
    }

    pub fn is_nhs_number(&self) -> bool {
        self.system == NHS_NUMBER_SYSTEM
    }

    pub fn as_str(&self) -> &str {
        &self.system
    }
}

impl fmt::Display for IdentifierSystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.system)
    }
}

impl TryFrom<String> for IdentifierSystem {
    type Error = IdentifierError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<IdentifierSystem> for String {
    fn from(value: IdentifierSystem) -> Self {
        value.system
    }
}

/// One identifier of a person in one agency's system.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "IdentifierRecord")]
pub struct Identifier {
    system: IdentifierSystem,
    // INVARIANT: when `system` is the NHS number system, `value` is a valid
    // NHS number in its ten-digit form.
    value: String,
}

impl Identifier {
    pub const MAX_VALUE_CHARS: usize = 100;

    pub fn new(system: &str, value: &str) -> Result<Self, IdentifierError> {
        let system = IdentifierSystem::parse(system)?;
        let value =
            bounded("value", value, Self::MAX_VALUE_CHARS).map_err(IdentifierError::Value)?;
        let value = if system.is_nhs_number() {
            NhsNumber::parse(&value)?.as_str().to_owned()
        } else {
            value
        };
        Ok(Self { system, value })
    }

    pub fn nhs(number: NhsNumber) -> Self {
        Self {
            system: IdentifierSystem::nhs_number(),
            value: number.as_str().to_owned(),
        }
    }

    pub fn system(&self) -> &IdentifierSystem {
        &self.system
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    /// The NHS number, when this identifier is one.
    pub fn nhs_number(&self) -> Option<NhsNumber> {
        if self.system.is_nhs_number() {
            NhsNumber::parse(&self.value).ok()
        } else {
            None
        }
    }
}

impl fmt::Display for Identifier {
    /// `system|value`, the FHIR token search form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}|{}", self.system, self.value)
    }
}

#[derive(Deserialize)]
struct IdentifierRecord {
    system: String,
    value: String,
}

impl TryFrom<IdentifierRecord> for Identifier {
    type Error = IdentifierError;
    fn try_from(r: IdentifierRecord) -> Result<Self, Self::Error> {
        Self::new(&r.system, &r.value)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const POLICE: &str = "urn:concordat:northshire-police:person-ref";

    #[test]
    fn nhs_identifiers_are_checked_and_normalised() {
        let id = Identifier::new(NHS_NUMBER_SYSTEM, " 999 000 0018 ").unwrap();
        assert_eq!(id.value(), "9990000018");
        assert_eq!(
            id.nhs_number(),
            Some(NhsNumber::parse("9990000018").unwrap())
        );
        assert_eq!(
            id,
            Identifier::nhs(NhsNumber::parse("999-000-0018").unwrap())
        );
        assert_eq!(
            id.to_string(),
            "https://fhir.nhs.uk/Id/nhs-number|9990000018"
        );
        let err = Identifier::new(NHS_NUMBER_SYSTEM, "9990000019").unwrap_err();
        assert!(matches!(
            err,
            IdentifierError::NhsNumber(NhsNumberError::InvalidCheckDigit { .. })
        ));
        assert_eq!(
            err.to_string(),
            "`9990000019` is not a valid NHS number: the check digit does not match"
        );
    }

    #[test]
    fn other_identifiers_keep_their_value() {
        let id = Identifier::new(POLICE, " NP/2026/0042 ").unwrap();
        assert_eq!(id.system().as_str(), POLICE);
        assert_eq!(id.value(), "NP/2026/0042");
        assert_eq!(id.nhs_number(), None);
    }

    #[test]
    fn systems_and_values_are_validated() {
        assert_eq!(
            Identifier::new("", "x").unwrap_err().to_string(),
            "`system` must not be empty"
        );
        assert_eq!(
            Identifier::new("urn:a b", "x").unwrap_err().to_string(),
            "`urn:a b` is not a valid identifier system: it must not contain whitespace"
        );
        assert!(Identifier::new(&"u".repeat(201), "x").is_err());
        assert_eq!(
            Identifier::new(POLICE, " ").unwrap_err().to_string(),
            "`value` must not be empty"
        );
        assert!(Identifier::new(POLICE, &"v".repeat(101)).is_err());
        assert!(Identifier::new(POLICE, "a\u{0}b").is_err());
    }

    #[test]
    fn json_round_trips_and_is_validated() {
        let id = Identifier::nhs(NhsNumber::parse("9990000034").unwrap());
        let json = serde_json::to_value(&id).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"system": NHS_NUMBER_SYSTEM, "value": "9990000034"})
        );
        assert_eq!(serde_json::from_value::<Identifier>(json).unwrap(), id);
        let bad = serde_json::json!({"system": NHS_NUMBER_SYSTEM, "value": "9990000035"});
        assert!(serde_json::from_value::<Identifier>(bad).is_err());
    }

    proptest! {
        #[test]
        fn any_written_form_of_a_valid_nhs_number_is_stored_as_ten_digits(n in 0u32..1_000_000_000, spaced in any::<bool>()) {
            prop_assume!(NhsNumber::from_first_nine(n).is_some());
            let number = NhsNumber::from_first_nine(n).unwrap();
            let written = if spaced { number.formatted() } else { number.as_str().to_owned() };
            let id = Identifier::new(NHS_NUMBER_SYSTEM, &written).unwrap();
            prop_assert_eq!(id.value(), number.as_str());
            prop_assert_eq!(id.nhs_number(), Some(number));
        }

        #[test]
        fn under_the_nhs_system_only_valid_numbers_are_accepted(value in "[0-9]{10}") {
            let valid = NhsNumber::parse(&value).is_ok();
            prop_assert_eq!(Identifier::new(NHS_NUMBER_SYSTEM, &value).is_ok(), valid);
        }

        #[test]
        fn other_systems_accept_any_clean_bounded_value(value in "\\PC{0,110}") {
            let result = Identifier::new(POLICE, &value);
            prop_assert_eq!(result.is_ok(), bounded("value", &value, 100).is_ok());
            if let Ok(id) = result {
                prop_assert_eq!(id.value(), value.trim());
                prop_assert_eq!(id.nhs_number(), None);
            }
        }

        #[test]
        fn a_system_with_whitespace_is_refused(head in "[a-z:]{1,10}", ws in "[ \t\u{a0}\u{2003}]", tail in "[a-z]{1,10}") {
            let system = format!("{head}{ws}{tail}");
            prop_assert!(IdentifierSystem::parse(&system).is_err());
        }
    }
}
