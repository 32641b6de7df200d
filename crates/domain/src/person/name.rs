//! A person's name as they give it: given and family names. Free text within
//! bounds — names do not follow rules worth enforcing.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::{bounded, TextError};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PersonNameRecord")]
pub struct PersonName {
    given: String,
    family: String,
}

impl PersonName {
    pub const MAX_CHARS: usize = 100;

    pub fn new(given: &str, family: &str) -> Result<Self, TextError> {
        Ok(Self {
            given: bounded("given name", given, Self::MAX_CHARS)?,
            family: bounded("family name", family, Self::MAX_CHARS)?,
        })
    }

    pub fn given(&self) -> &str {
        &self.given
    }

    pub fn family(&self) -> &str {
        &self.family
    }

    /// "Given Family".
    pub fn full(&self) -> String {
        format!("{} {}", self.given, self.family)
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.given, self.family)
    }
}

#[derive(Deserialize)]
struct PersonNameRecord {
    given: String,
    family: String,
}

impl TryFrom<PersonNameRecord> for PersonName {
    type Error = TextError;
    fn try_from(r: PersonNameRecord) -> Result<Self, Self::Error> {
        Self::new(&r.given, &r.family)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn full_name_joins_given_and_family() {
        let name = PersonName::new(" Siân ", " O'Neill-Jones ").unwrap();
        assert_eq!(name.full(), "Siân O'Neill-Jones");
        assert_eq!(name.to_string(), name.full());
        assert_eq!(
            PersonName::new("", "Jones").unwrap_err().to_string(),
            "`given name` must not be empty"
        );
        assert_eq!(
            PersonName::new("Sam", "").unwrap_err().to_string(),
            "`family name` must not be empty"
        );
    }

    #[test]
    fn json_is_validated() {
        let name = PersonName::new("Sam", "Jones").unwrap();
        let json = serde_json::to_value(&name).unwrap();
        assert_eq!(json, serde_json::json!({"given": "Sam", "family": "Jones"}));
        assert_eq!(serde_json::from_value::<PersonName>(json).unwrap(), name);
        assert!(serde_json::from_value::<PersonName>(
            serde_json::json!({"given": "", "family": "Jones"})
        )
        .is_err());
    }

    proptest! {
        #[test]
        fn valid_exactly_when_both_parts_are_valid_bounded_text(given in "\\PC{0,105}", family in "\\PC{0,105}") {
            let ok = bounded("g", &given, 100).is_ok() && bounded("f", &family, 100).is_ok();
            let result = PersonName::new(&given, &family);
            prop_assert_eq!(result.is_ok(), ok);
            if let Ok(name) = result {
                prop_assert_eq!(name.full(), format!("{} {}", given.trim(), family.trim()));
            }
        }
    }
}
