//! The kinds of partner organisation, as a closed list: agreements and
//! outcome reports group partners by kind, so a free-text kind would split one
//! group into many spellings.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::vocabulary;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum OrganisationKind {
    NhsTrust,
    GpPractice,
    Police,
    Ambulance,
    EmergencyDepartment,
    LocalAuthority,
    Charity,
    SpecialistService,
    Nhs111,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not an organisation kind; expected one of: {}",
    vocabulary::expected(&OrganisationKind::ALL, OrganisationKind::as_str)
)]
pub struct OrganisationKindError {
    input: String,
}

impl OrganisationKind {
    pub const ALL: [Self; 9] = [
        Self::NhsTrust,
        Self::GpPractice,
        Self::Police,
        Self::Ambulance,
        Self::EmergencyDepartment,
        Self::LocalAuthority,
        Self::Charity,
        Self::SpecialistService,
        Self::Nhs111,
    ];

    /// The kebab-case name used in storage, JSON and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NhsTrust => "nhs-trust",
            Self::GpPractice => "gp-practice",
            Self::Police => "police",
            Self::Ambulance => "ambulance",
            Self::EmergencyDepartment => "emergency-department",
            Self::LocalAuthority => "local-authority",
            Self::Charity => "charity",
            Self::SpecialistService => "specialist-service",
            Self::Nhs111 => "nhs-111",
        }
    }

    pub fn parse(input: &str) -> Result<Self, OrganisationKindError> {
        vocabulary::lookup(&Self::ALL, Self::as_str, input).ok_or_else(|| OrganisationKindError {
            input: input.to_owned(),
        })
    }

    /// Whether the organisation's teams are mental health teams: those
    /// that hold a caseload and see someone after a stay in hospital.
    pub fn provides_mental_health_care(self) -> bool {
        matches!(self, Self::NhsTrust | Self::SpecialistService)
    }

    /// How people name the kind, for pages.
    pub fn label(self) -> &'static str {
        match self {
            Self::NhsTrust => "NHS trust",
            Self::GpPractice => "GP practice",
            Self::Police => "Police",
            Self::Ambulance => "Ambulance service",
            Self::EmergencyDepartment => "Emergency department",
            Self::LocalAuthority => "Local authority",
            Self::Charity => "Charity",
            Self::SpecialistService => "Specialist service",
            Self::Nhs111 => "NHS 111",
        }
    }
}

impl fmt::Display for OrganisationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for OrganisationKind {
    type Err = OrganisationKindError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for OrganisationKind {
    type Error = OrganisationKindError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OrganisationKind> for &'static str {
    fn from(value: OrganisationKind) -> Self {
        value.as_str()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::vocabulary::testing;

    #[test]
    fn kinds_are_well_formed() {
        testing::assert_well_formed(
            &OrganisationKind::ALL,
            OrganisationKind::as_str,
            OrganisationKind::parse,
            OrganisationKind::label,
        );
        assert_eq!(OrganisationKind::Nhs111.as_str(), "nhs-111");
        assert_eq!(OrganisationKind::GpPractice.label(), "GP practice");
    }

    #[test]
    fn unknown_kind_lists_the_choices() {
        let err = OrganisationKind::parse("hospital").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`hospital` is not an organisation kind; expected one of: nhs-trust, gp-practice, police, \
             ambulance, emergency-department, local-authority, charity, specialist-service, nhs-111"
        );
    }

    proptest! {
        #[test]
        fn parse_accepts_only_the_kebab_names(input in "[a-z0-9-]{0,22}|\\PC{0,10}") {
            prop_assert!(testing::parse_accepts_only_names(&OrganisationKind::ALL, OrganisationKind::as_str, OrganisationKind::parse, &input));
        }
    }
}
