//! A team inside a partner organisation — a crisis team, a ward, street
//! triage — with the duty number partners ring when they need an answer.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{OrganisationId, TeamId};
use crate::text::{bounded, PhoneNumber, TextError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TeamRecord")]
pub struct Team {
    id: TeamId,
    organisation_id: OrganisationId,
    name: String,
    /// Optional because not every team runs a duty line; escalations then go
    /// to the organisation instead.
    duty_phone: Option<PhoneNumber>,
    /// A control room, a governance or a commissioning team takes none.
    #[serde(default = "yes")]
    takes_referrals: bool,
}

fn yes() -> bool {
    true
}

impl Team {
    pub const MAX_NAME_CHARS: usize = 120;

    pub fn new(
        id: TeamId,
        organisation_id: OrganisationId,
        name: &str,
        duty_phone: Option<PhoneNumber>,
    ) -> Result<Self, TextError> {
        let name = bounded("name", name, Self::MAX_NAME_CHARS)?;
        Ok(Self {
            id,
            organisation_id,
            name,
            duty_phone,
            takes_referrals: true,
        })
    }

    /// The same team, taking referrals or not.
    #[must_use]
    pub fn taking_referrals(mut self, takes: bool) -> Self {
        self.takes_referrals = takes;
        self
    }

    pub fn takes_referrals(&self) -> bool {
        self.takes_referrals
    }

    pub fn id(&self) -> TeamId {
        self.id
    }

    pub fn organisation_id(&self) -> OrganisationId {
        self.organisation_id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn duty_phone(&self) -> Option<&PhoneNumber> {
        self.duty_phone.as_ref()
    }
}

impl fmt::Display for Team {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

#[derive(Deserialize)]
struct TeamRecord {
    id: TeamId,
    organisation_id: OrganisationId,
    name: String,
    duty_phone: Option<PhoneNumber>,
    #[serde(default = "yes")]
    takes_referrals: bool,
}

impl TryFrom<TeamRecord> for Team {
    type Error = TextError;
    fn try_from(r: TeamRecord) -> Result<Self, Self::Error> {
        Self::new(r.id, r.organisation_id, &r.name, r.duty_phone)
            .map(|t| t.taking_referrals(r.takes_referrals))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn team_keeps_its_duty_phone() {
        let phone = PhoneNumber::parse("01632 960111").unwrap();
        let team = Team::new(
            TeamId::new(),
            OrganisationId::new(),
            " Crisis Resolution ",
            Some(phone.clone()),
        )
        .unwrap();
        assert_eq!(team.name(), "Crisis Resolution");
        assert_eq!(team.duty_phone(), Some(&phone));
    }

    #[test]
    fn team_round_trips_through_json_and_json_is_validated() {
        let team = Team::new(TeamId::new(), OrganisationId::new(), "Street Triage", None).unwrap();
        let json = serde_json::to_value(&team).unwrap();
        assert_eq!(serde_json::from_value::<Team>(json.clone()).unwrap(), team);
        let mut long = json.clone();
        long["name"] = "x".repeat(121).into();
        assert!(serde_json::from_value::<Team>(long).is_err());
        let mut bad_phone = json;
        bad_phone["duty_phone"] = "999".into();
        assert!(serde_json::from_value::<Team>(bad_phone).is_err());
    }

    proptest! {
        #[test]
        fn team_name_obeys_the_bounded_rule(name in "\\PC{0,130}") {
            let result = Team::new(TeamId::new(), OrganisationId::new(), &name, None);
            prop_assert_eq!(result.is_ok(), bounded("name", &name, 120).is_ok());
            if let Ok(team) = result {
                prop_assert_eq!(team.name(), name.trim());
            }
        }
    }
}
