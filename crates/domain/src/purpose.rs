//! Purposes of use: why a record is being read or written. Every access
//! request names one, every audit entry records it, and each maps to a
//! standard HL7 v3 ActReason code so other systems understand our audit and
//! tokens without a translation table.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::vocabulary;

/// The HL7 v3 ActReason code system, for FHIR `Coding.system`.
pub const ACT_REASON_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Purpose {
    DirectCare,
    /// Emergency treatment or crisis response.
    Emergency,
    /// Safeguarding and protection from harm.
    Safeguarding,
    /// Service planning and commissioning: de-identified aggregates only.
    Commissioning,
    /// The person reading their own record.
    OwnAccess,
    /// A carer the person invited, seeing what the person lets them.
    CarerAccess,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a purpose of use; expected one of: {}", vocabulary::expected(&Purpose::ALL, Purpose::as_str))]
pub struct PurposeError {
    input: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a purpose of use code; expected one of: {}", vocabulary::expected(&Purpose::ALL, Purpose::code))]
pub struct PurposeCodeError {
    input: String,
}

impl Purpose {
    pub const ALL: [Self; 6] = [
        Self::DirectCare,
        Self::Emergency,
        Self::Safeguarding,
        Self::Commissioning,
        Self::OwnAccess,
        Self::CarerAccess,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DirectCare => "direct-care",
            Self::Emergency => "emergency",
            Self::Safeguarding => "safeguarding",
            Self::Commissioning => "commissioning",
            Self::OwnAccess => "own-access",
            Self::CarerAccess => "carer-access",
        }
    }

    pub fn parse(input: &str) -> Result<Self, PurposeError> {
        vocabulary::lookup(&Self::ALL, Self::as_str, input).ok_or_else(|| PurposeError {
            input: input.to_owned(),
        })
    }

    /// The HL7 v3 ActReason code (in [`ACT_REASON_SYSTEM`]).
    pub fn code(self) -> &'static str {
        match self {
            Self::DirectCare => "TREAT",
            Self::Emergency => "ETREAT",
            // ActReason has no code named "safeguarding"; PATSFTY (patient
            // safety) is the purpose-of-use code for acting to protect the
            // person from harm, which is what a safeguarding disclosure is.
            Self::Safeguarding => "PATSFTY",
            // HOPERAT (healthcare operations) rather than PUBHLTH: partnership
            // commissioning plans services; it is not public-health reporting.
            Self::Commissioning => "HOPERAT",
            Self::OwnAccess => "PATRQT",
            // "Family requested": a family member or carer the person
            // authorised, asking for what the person lets them see.
            Self::CarerAccess => "FAMRQT",
        }
    }

    /// Reads an ActReason code, ignoring case: tokens and FHIR clients send
    /// these in whatever case their library produces.
    pub fn parse_code(input: &str) -> Result<Self, PurposeCodeError> {
        Self::ALL
            .into_iter()
            .find(|p| p.code().eq_ignore_ascii_case(input))
            .ok_or_else(|| PurposeCodeError {
                input: input.to_owned(),
            })
    }

    /// What the purpose is for, as a person reads it about their own
    /// record: "for care, emergencies and crises".
    pub fn plain(self) -> &'static str {
        match self {
            Self::DirectCare => "care",
            Self::Emergency => "emergencies and crises",
            Self::Safeguarding => "keeping people safe from harm",
            Self::Commissioning => "planning services",
            Self::OwnAccess => "the person's own use",
            Self::CarerAccess => "a carer they chose",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::DirectCare => "Direct care",
            Self::Emergency => "Emergency treatment or crisis response",
            Self::Safeguarding => "Safeguarding and protection from harm",
            Self::Commissioning => "Service planning and commissioning",
            Self::OwnAccess => "The person's own access",
            Self::CarerAccess => "A carer's access, as the person chose",
        }
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Purpose {
    type Err = PurposeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Purpose {
    type Error = PurposeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Purpose> for &'static str {
    fn from(value: Purpose) -> Self {
        value.as_str()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::vocabulary::testing;

    #[test]
    fn purposes_are_well_formed() {
        testing::assert_well_formed(
            &Purpose::ALL,
            Purpose::as_str,
            Purpose::parse,
            Purpose::label,
        );
    }

    #[test]
    fn codes_are_the_hl7_act_reasons() {
        let codes: Vec<&str> = Purpose::ALL.iter().map(|p| p.code()).collect();
        assert_eq!(
            codes,
            ["TREAT", "ETREAT", "PATSFTY", "HOPERAT", "PATRQT", "FAMRQT"]
        );
        assert_eq!(Purpose::parse_code("etreat"), Ok(Purpose::Emergency));
        assert_eq!(Purpose::parse_code("PatSfty"), Ok(Purpose::Safeguarding));
    }

    #[test]
    fn unknown_code_lists_the_choices() {
        let err = Purpose::parse_code("PUBHLTH").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`PUBHLTH` is not a purpose of use code; expected one of: TREAT, ETREAT, PATSFTY, HOPERAT, PATRQT, FAMRQT"
        );
        assert!(Purpose::parse_code("direct-care").is_err());
        assert!(Purpose::parse("TREAT").is_err());
    }

    proptest! {
        #[test]
        fn parse_code_is_exactly_case_insensitive_code_match(input in "[A-Za-z]{0,8}|\\PC{0,8}") {
            let expected = Purpose::ALL.into_iter().find(|p| p.code() == input.to_ascii_uppercase());
            prop_assert_eq!(Purpose::parse_code(&input).ok(), expected);
        }

        #[test]
        fn code_round_trips_in_any_case(purpose in prop::sample::select(Purpose::ALL.to_vec()), lower in any::<bool>()) {
            let code = if lower { purpose.code().to_ascii_lowercase() } else { purpose.code().to_owned() };
            prop_assert_eq!(Purpose::parse_code(&code), Ok(purpose));
        }

        #[test]
        fn parse_accepts_only_the_kebab_names(input in "[a-z-]{0,14}|\\PC{0,10}") {
            prop_assert!(testing::parse_accepts_only_names(&Purpose::ALL, Purpose::as_str, Purpose::parse, &input));
        }
    }
}
