//! The roles a user can hold. A role decides which categories an agreement
//! grants and whether crisis look-up is open at 3 a.m.; it is never checked
//! with an `if` in a handler — the access crate reads it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::vocabulary;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Role {
    CrisisClinician,
    MentalHealthPractitioner,
    Gp,
    PoliceOfficer,
    Paramedic,
    EdClinician,
    Nhs111Advisor,
    SocialWorker,
    SupportWorker,
    IgLead,
    Commissioner,
    /// Looks after the wellbeing of their organisation's staff after
    /// traumatic incidents (trauma-risk checks); sees no one's record.
    WellbeingLead,
    Admin,
    /// The person themselves, signed in to see their own record.
    Person,
    /// A carer or family member the person invited to sign in: they see
    /// only what the person lets them, item by item.
    Carer,
    /// A partner's registered system (a hospital's patient administration
    /// system, an ambulance service's dispatch) that reports contacts. It
    /// signs in only to the API, reports the kinds of contact its
    /// organisation can truthfully report, and reads nothing.
    SourceSystem,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a role; expected one of: {}", vocabulary::expected(&Role::ALL, Role::as_str))]
pub struct RoleError {
    input: String,
}

impl Role {
    pub const ALL: [Self; 16] = [
        Self::CrisisClinician,
        Self::MentalHealthPractitioner,
        Self::Gp,
        Self::PoliceOfficer,
        Self::Paramedic,
        Self::EdClinician,
        Self::Nhs111Advisor,
        Self::SocialWorker,
        Self::SupportWorker,
        Self::IgLead,
        Self::Commissioner,
        Self::WellbeingLead,
        Self::Admin,
        Self::Person,
        Self::Carer,
        Self::SourceSystem,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CrisisClinician => "crisis-clinician",
            Self::MentalHealthPractitioner => "mental-health-practitioner",
            Self::Gp => "gp",
            Self::PoliceOfficer => "police-officer",
            Self::Paramedic => "paramedic",
            Self::EdClinician => "ed-clinician",
            Self::Nhs111Advisor => "nhs-111-advisor",
            Self::SocialWorker => "social-worker",
            Self::SupportWorker => "support-worker",
            Self::IgLead => "ig-lead",
            Self::Commissioner => "commissioner",
            Self::WellbeingLead => "wellbeing-lead",
            Self::Admin => "admin",
            Self::Person => "person",
            Self::Carer => "carer",
            Self::SourceSystem => "source-system",
        }
    }

    pub fn parse(input: &str) -> Result<Self, RoleError> {
        vocabulary::lookup(&Self::ALL, Self::as_str, input).ok_or_else(|| RoleError {
            input: input.to_owned(),
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::CrisisClinician => "Crisis clinician",
            Self::MentalHealthPractitioner => "Mental health practitioner",
            Self::Gp => "GP",
            Self::PoliceOfficer => "Police officer",
            Self::Paramedic => "Paramedic",
            Self::EdClinician => "Emergency department clinician",
            Self::Nhs111Advisor => "NHS 111 advisor",
            Self::SocialWorker => "Social worker",
            Self::SupportWorker => "Support worker",
            Self::IgLead => "Information governance lead",
            Self::Commissioner => "Commissioner",
            Self::WellbeingLead => "Wellbeing lead",
            Self::Admin => "Administrator",
            Self::Person => "Person (own record)",
            Self::Carer => "Carer or family member",
            Self::SourceSystem => "Source system",
        }
    }

    /// The roles that answer a crisis out of hours and may make a crisis
    /// look-up without a prior relationship to the person (the reason is
    /// recorded instead).
    pub fn is_crisis_role(self) -> bool {
        matches!(
            self,
            Self::PoliceOfficer
                | Self::Paramedic
                | Self::EdClinician
                | Self::CrisisClinician
                | Self::Nhs111Advisor
        )
    }

    /// Roles that work with people directly. Governance, commissioning and
    /// administration roles do not, and neither does the person themselves,
    /// their carer or a partner's system.
    pub fn is_practitioner(self) -> bool {
        !matches!(
            self,
            Self::IgLead
                | Self::Commissioner
                | Self::WellbeingLead
                | Self::Admin
                | Self::Person
                | Self::Carer
                | Self::SourceSystem
        )
    }

    /// Whether the role acts for an organisation of the partnership, so that
    /// agreements, relationships and the person's refusals govern what it
    /// sees. The person and the carers they invite are not: what they see is
    /// the person's own choice.
    pub fn is_professional(self) -> bool {
        !matches!(self, Self::Person | Self::Carer)
    }

    /// Roles an information sharing agreement can name in a grant:
    /// practitioners, and source systems (which report contacts only).
    pub fn is_grantable(self) -> bool {
        self.is_practitioner() || self == Self::SourceSystem
    }

    /// Whether the role belongs to a system rather than someone: it signs in
    /// to the API only, never to the pages.
    pub fn is_system(self) -> bool {
        self == Self::SourceSystem
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = RoleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Role {
    type Error = RoleError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Role> for &'static str {
    fn from(value: Role) -> Self {
        value.as_str()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::vocabulary::testing;

    #[test]
    fn roles_are_well_formed() {
        testing::assert_well_formed(&Role::ALL, Role::as_str, Role::parse, Role::label);
        assert_eq!(Role::Nhs111Advisor.as_str(), "nhs-111-advisor");
        assert_eq!(Role::Person.label(), "Person (own record)");
    }

    #[test]
    fn crisis_roles_are_exactly_the_five_front_line_ones() {
        let crisis: Vec<&str> = Role::ALL
            .iter()
            .filter(|r| r.is_crisis_role())
            .map(|r| r.as_str())
            .collect();
        assert_eq!(
            crisis,
            [
                "crisis-clinician",
                "police-officer",
                "paramedic",
                "ed-clinician",
                "nhs-111-advisor"
            ]
        );
    }

    #[test]
    fn non_practitioners_are_governance_commissioning_admin_the_person_carers_and_systems() {
        let others: Vec<&str> = Role::ALL
            .iter()
            .filter(|r| !r.is_practitioner())
            .map(|r| r.as_str())
            .collect();
        assert_eq!(
            others,
            [
                "ig-lead",
                "commissioner",
                "wellbeing-lead",
                "admin",
                "person",
                "carer",
                "source-system"
            ]
        );
    }

    #[test]
    fn unknown_role_lists_the_choices() {
        let err = Role::parse("doctor").unwrap_err();
        assert!(err
            .to_string()
            .starts_with("`doctor` is not a role; expected one of: crisis-clinician, "));
        assert!(err
            .to_string()
            .ends_with(", admin, person, carer, source-system"));
    }

    proptest! {
        #[test]
        fn every_crisis_role_is_a_practitioner(role in prop::sample::select(Role::ALL.to_vec())) {
            prop_assert!(!role.is_crisis_role() || role.is_practitioner());
        }

        #[test]
        fn parse_accepts_only_the_kebab_names(input in "[a-z0-9-]{0,28}|\\PC{0,10}") {
            prop_assert!(testing::parse_accepts_only_names(&Role::ALL, Role::as_str, Role::parse, &input));
        }
    }
}
