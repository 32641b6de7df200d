//! The parts of a person's record as they are sent out, one per data
//! category, built only from what the access decision allowed. A field
//! withheld by a mask is sent as `{"withheld": true, "reason": …}`, never
//! silently left out.

use chrono::NaiveDate;
use concordat_domain::care_team::CareTeam;
use concordat_domain::organisation::Organisation;
use concordat_domain::person::Person;
use concordat_domain::user::User;
use serde::Serialize;

/// A value, or the fact that it is withheld from this reader and why.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Masked<T> {
    Shown(T),
    Withheld { withheld: bool, reason: String },
}

impl<T> Masked<T> {
    pub fn withheld(reason: &str) -> Self {
        Masked::Withheld {
            withheld: true,
            reason: reason.to_owned(),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AddressView {
    pub lines: Vec<String>,
    pub town: String,
    pub postcode: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IdentifierView {
    pub system: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DemographicsView {
    pub given_name: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
    pub nhs_number: Option<String>,
    pub identifiers: Vec<IdentifierView>,
    pub address: Option<Masked<AddressView>>,
    pub phone: Option<Masked<String>>,
    /// As the person describes themselves: `female`, `male`, `other` or
    /// `unknown`; absent when not recorded.
    pub sex: Option<&'static str>,
    /// The NHS ethnic category the person gave; absent when not recorded.
    pub ethnic_category: Option<EthnicCategoryView>,
}

/// An NHS ethnic category: its code (`A`–`S`, or `Z` for not stated) and
/// its words.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EthnicCategoryView {
    pub code: &'static str,
    pub label: &'static str,
}

/// `mask(field)` says why a field is withheld from this reader, if it is.
pub fn demographics(person: &Person, mask: impl Fn(&str) -> Option<String>) -> DemographicsView {
    let address = person.address().map(|a| match mask("address") {
        Some(reason) => Masked::withheld(&reason),
        None => Masked::Shown(AddressView {
            lines: a.lines().to_vec(),
            town: a.town().to_owned(),
            postcode: a.postcode().as_str().to_owned(),
        }),
    });
    let phone = person.phone().map(|p| match mask("phone") {
        Some(reason) => Masked::withheld(&reason),
        None => Masked::Shown(p.as_str().to_owned()),
    });
    DemographicsView {
        given_name: person.name().given().to_owned(),
        family_name: person.name().family().to_owned(),
        birth_date: person.birth_date().date(),
        nhs_number: person.nhs_number().map(|n| n.as_str().to_owned()),
        identifiers: person
            .identifiers()
            .iter()
            .map(|i| IdentifierView {
                system: i.system().as_str().to_owned(),
                value: i.value().to_owned(),
            })
            .collect(),
        address,
        phone,
        sex: person.sex().map(|s| s.as_str()),
        ethnic_category: person.ethnic_category().map(|c| EthnicCategoryView {
            code: c.as_str(),
            label: c.label(),
        }),
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CareTeamMemberView {
    pub user_id: String,
    pub name: String,
    pub role: &'static str,
    pub organisation_id: String,
    pub organisation: String,
    pub responsibility: String,
    pub lead: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CareTeamView {
    pub id: String,
    pub name: String,
    pub members: Vec<CareTeamMemberView>,
}

/// A care team with names and organisations filled in from `users` and
/// `organisations`; members no longer on record are left out.
pub fn care_team(team: &CareTeam, users: &[User], organisations: &[Organisation]) -> CareTeamView {
    let members = team
        .members()
        .iter()
        .filter_map(|m| {
            let user = users.iter().find(|u| u.id() == m.user_id())?;
            let org = organisations
                .iter()
                .find(|o| o.id() == m.organisation_id())
                .map(|o| o.name().to_owned())
                .unwrap_or_default();
            Some(CareTeamMemberView {
                user_id: user.id().to_string(),
                name: user.display_name().as_str().to_owned(),
                role: user.role().label(),
                organisation_id: m.organisation_id().to_string(),
                organisation: org,
                responsibility: m.responsibility().to_owned(),
                lead: m.user_id() == team.lead(),
            })
        })
        .collect();
    CareTeamView {
        id: team.id().to_string(),
        name: team.name().to_owned(),
        members,
    }
}
