//! The partners: an [`Organisation`] (an NHS trust, a GP practice, a police
//! force…), its [`OrganisationCode`], its [`OrganisationKind`], and the
//! [`Team`]s inside it that people actually ring.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::OrganisationId;
use crate::text::{bounded, TextError};

mod kind;
mod team;

pub use kind::{OrganisationKind, OrganisationKindError};
pub use team::Team;

/// A short code partners know an organisation by ("NMHT"), like an ODS code.
/// Stored uppercase so "nmht" and "NMHT" are one organisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrganisationCode {
    code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not a valid organisation code: it must be 2 to 16 letters, digits or hyphens"
)]
pub struct OrganisationCodeError {
    input: String,
}

impl OrganisationCode {
    pub fn parse(raw: &str) -> Result<Self, OrganisationCodeError> {
        let code = raw.trim().to_ascii_uppercase();
        let valid = (2..=16).contains(&code.len())
            && code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        if valid {
            Ok(Self { code })
        } else {
            Err(OrganisationCodeError {
                input: raw.trim().to_owned(),
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.code
    }
}

impl fmt::Display for OrganisationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)
    }
}

impl std::str::FromStr for OrganisationCode {
    type Err = OrganisationCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for OrganisationCode {
    type Error = OrganisationCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OrganisationCode> for String {
    fn from(value: OrganisationCode) -> Self {
        value.code
    }
}

/// A partner organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "OrganisationRecord")]
pub struct Organisation {
    id: OrganisationId,
    code: OrganisationCode,
    name: String,
    kind: OrganisationKind,
}

impl Organisation {
    pub const MAX_NAME_CHARS: usize = 200;

    pub fn new(
        id: OrganisationId,
        code: OrganisationCode,
        name: &str,
        kind: OrganisationKind,
    ) -> Result<Self, TextError> {
        let name = bounded("name", name, Self::MAX_NAME_CHARS)?;
        Ok(Self {
            id,
            code,
            name,
            kind,
        })
    }

    pub fn id(&self) -> OrganisationId {
        self.id
    }

    pub fn code(&self) -> &OrganisationCode {
        &self.code
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn kind(&self) -> OrganisationKind {
        self.kind
    }
}

impl fmt::Display for Organisation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.code)
    }
}

/// The serialised shape, deserialised first and then validated by
/// [`Organisation::new`] so stored or received JSON cannot bypass the rules.
#[derive(Deserialize)]
struct OrganisationRecord {
    id: OrganisationId,
    code: OrganisationCode,
    name: String,
    kind: OrganisationKind,
}

impl TryFrom<OrganisationRecord> for Organisation {
    type Error = TextError;
    fn try_from(r: OrganisationRecord) -> Result<Self, Self::Error> {
        Self::new(r.id, r.code, &r.name, r.kind)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn nmht() -> Organisation {
        let code = OrganisationCode::parse("nmht").unwrap();
        Organisation::new(
            OrganisationId::new(),
            code,
            " Northshire Mental Health Trust ",
            OrganisationKind::NhsTrust,
        )
        .unwrap()
    }

    #[test]
    fn organisation_keeps_trimmed_name_and_uppercase_code() {
        let org = nmht();
        assert_eq!(org.name(), "Northshire Mental Health Trust");
        assert_eq!(org.code().as_str(), "NMHT");
        assert_eq!(org.kind(), OrganisationKind::NhsTrust);
        assert_eq!(org.to_string(), "Northshire Mental Health Trust (NMHT)");
    }

    #[test]
    fn organisation_name_is_required_and_bounded() {
        let code = OrganisationCode::parse("NMHT").unwrap();
        let err = Organisation::new(
            OrganisationId::new(),
            code.clone(),
            "  ",
            OrganisationKind::Charity,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "`name` must not be empty");
        assert!(Organisation::new(
            OrganisationId::new(),
            code.clone(),
            &"x".repeat(200),
            OrganisationKind::Charity
        )
        .is_ok());
        let err = Organisation::new(
            OrganisationId::new(),
            code,
            &"x".repeat(201),
            OrganisationKind::Charity,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "`name` must be at most 200 characters");
    }

    #[test]
    fn organisation_round_trips_through_json_and_json_is_validated() {
        let org = nmht();
        let json = serde_json::to_value(&org).unwrap();
        assert_eq!(json["code"], "NMHT");
        assert_eq!(json["kind"], "nhs-trust");
        assert_eq!(
            serde_json::from_value::<Organisation>(json.clone()).unwrap(),
            org
        );
        let mut blank = json;
        blank["name"] = " ".into();
        assert!(serde_json::from_value::<Organisation>(blank).is_err());
    }

    #[test]
    fn bad_codes_are_reported_with_the_input() {
        let err = OrganisationCode::parse("N MHT").unwrap_err();
        assert_eq!(err.to_string(), "`N MHT` is not a valid organisation code: it must be 2 to 16 letters, digits or hyphens");
        assert!(OrganisationCode::parse("N").is_err());
        assert!(OrganisationCode::parse(&"A".repeat(17)).is_err());
        assert!(OrganisationCode::parse("NHS_TRUST").is_err());
        assert_eq!(
            OrganisationCode::parse("rx4-01").unwrap().as_str(),
            "RX4-01"
        );
    }

    proptest! {
        #[test]
        fn code_is_accepted_exactly_when_its_uppercase_form_fits_the_pattern(raw in "[ a-zA-Z0-9_.-]{0,20}") {
            let upper = raw.trim().to_ascii_uppercase();
            let fits = upper.len() >= 2 && upper.len() <= 16
                && upper.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
            let parsed = OrganisationCode::parse(&raw);
            prop_assert_eq!(parsed.is_ok(), fits, "{:?}", raw);
            if let Ok(code) = parsed {
                prop_assert_eq!(code.as_str(), upper.as_str());
                prop_assert_eq!(OrganisationCode::parse(code.as_str()), Ok(code.clone()));
            }
        }

        #[test]
        fn code_rejects_non_ascii(prefix in "[A-Z]{1,5}", odd in "[^\\x00-\\x7F]", suffix in "[a-z]{1,3}") {
            let raw = format!("{prefix}{odd}{suffix}");
            prop_assert!(OrganisationCode::parse(&raw).is_err());
        }

        #[test]
        fn organisation_name_obeys_the_bounded_rule(name in "\\PC{0,210}") {
            let code = OrganisationCode::parse("NMHT").unwrap();
            let result = Organisation::new(OrganisationId::new(), code, &name, OrganisationKind::Police);
            prop_assert_eq!(result.is_ok(), bounded("name", &name, 200).is_ok());
        }
    }
}
