//! Synthetic people: the named people of the source stories, and as many
//! others as asked for, each with a valid test-range NHS number, an address in
//! a fictional county, sometimes a carer, and a care team. One file at about
//! 400 lines: the named and the generated people are built by the same
//! helpers, so that they stay alike.

use chrono::NaiveDate;
use concordat_domain::care_team::{CareTeam, CareTeamMember};
use concordat_domain::identifier::Identifier;
use concordat_domain::ids::{CareTeamId, OrganisationId, PersonId, RelatedPersonId, UserId};
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::person::{Address, BirthDate, Person, PersonName, Postcode};
use concordat_domain::related_person::{RelatedPerson, Relationship};
use concordat_domain::text::{EmailAddress, PhoneNumber};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use super::names;

/// A staff member who can sit on care teams.
#[derive(Debug, Clone, Copy)]
pub struct StaffMember {
    pub user: UserId,
    pub organisation: OrganisationId,
}

/// Staff by the part they play in care teams.
#[derive(Debug, Clone, Default)]
pub struct CareStaff {
    pub crisis: Vec<StaffMember>,
    pub community: Vec<StaffMember>,
    pub ward: Vec<StaffMember>,
    pub gps: Vec<StaffMember>,
    pub social_workers: Vec<StaffMember>,
    pub eating_disorder: Vec<StaffMember>,
    pub support_workers: Vec<StaffMember>,
    /// The named demo sign-ins, which the scenario people's care teams use.
    pub crisis_nurse: Option<StaffMember>,
    pub mh_practitioner: Option<StaffMember>,
    pub gp: Option<StaffMember>,
}

/// One person and everything recorded with them.
#[derive(Debug, Clone)]
pub struct GeneratedPerson {
    pub person: Person,
    pub related: Vec<RelatedPerson>,
    pub care_team: CareTeam,
}

/// A person from the source stories, with a fixed NHS number.
#[derive(Debug, Clone)]
pub struct ScenarioPerson {
    pub nhs_number: &'static str,
    pub story: &'static str,
    pub generated: GeneratedPerson,
}

/// Ids derived from the generator's stream, so the same seed gives the same ids.
fn next_uuid(rng: &mut ChaCha8Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.gen()).into_uuid()
}

/// Hands out valid NHS numbers in the test range 999 100 000x upwards, in order.
#[derive(Debug)]
pub struct NhsNumbers {
    next_first_nine: u32,
}

impl Default for NhsNumbers {
    fn default() -> Self {
        Self {
            next_first_nine: 999_100_000,
        }
    }
}

impl Iterator for NhsNumbers {
    type Item = NhsNumber;
    fn next(&mut self) -> Option<NhsNumber> {
        while self.next_first_nine < 1_000_000_000 {
            let candidate = self.next_first_nine;
            self.next_first_nine += 1;
            if let Some(number) = NhsNumber::from_first_nine(candidate) {
                return Some(number);
            }
        }
        None
    }
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    items.choose(rng).unwrap_or(&items[0])
}

fn address(rng: &mut ChaCha8Rng) -> anyhow::Result<Address> {
    let (town, district) = *pick(rng, names::TOWNS);
    let letters = names::POSTCODE_LETTERS;
    let postcode = format!(
        "{district} {}{}{}",
        rng.gen_range(1..=9),
        *pick(rng, letters) as char,
        *pick(rng, letters) as char
    );
    let street = format!("{} {}", rng.gen_range(1..=180), pick(rng, names::STREETS));
    Ok(Address::new([street], town, Postcode::parse(&postcode)?)?)
}

fn phone(rng: &mut ChaCha8Rng) -> anyhow::Result<PhoneNumber> {
    // 07700 900000–900999: Ofcom's range for drama, never a real mobile.
    Ok(PhoneNumber::parse(&format!(
        "07700 900{:03}",
        rng.gen_range(0..1000)
    ))?)
}

fn member(staff: StaffMember, responsibility: &str) -> anyhow::Result<CareTeamMember> {
    Ok(CareTeamMember::new(
        staff.user,
        staff.organisation,
        responsibility,
    )?)
}

/// A synthetic person; `rng` decides everything, so a fixed seed gives the
/// same partnership every time.
pub fn synthetic_person(
    rng: &mut ChaCha8Rng,
    nhs_number: NhsNumber,
    staff: &CareStaff,
    today: NaiveDate,
) -> anyhow::Result<GeneratedPerson> {
    let id = PersonId::from_uuid(next_uuid(rng));
    let female = rng.gen_bool(0.5);
    let given = if female {
        pick(rng, names::GIVEN_FEMALE)
    } else {
        pick(rng, names::GIVEN_MALE)
    };
    let family = *pick(rng, names::SURNAMES);
    let born = NaiveDate::from_ymd_opt(
        rng.gen_range(1940..=2007),
        rng.gen_range(1..=12),
        rng.gen_range(1..=28),
    )
    .ok_or_else(|| anyhow::anyhow!("generated an impossible date"))?;
    let person = Person::new(
        id,
        PersonName::new(given, family)?,
        BirthDate::new(born, today)?,
        Some(address(rng)?),
        rng.gen_bool(0.9).then(|| phone(rng)).transpose()?,
        vec![Identifier::nhs(nhs_number)],
    )?;

    let mut related = Vec::new();
    if rng.gen_bool(0.4) {
        let relationship = *pick(
            rng,
            &[
                Relationship::Mother,
                Relationship::Father,
                Relationship::Partner,
                Relationship::Sibling,
                Relationship::Friend,
            ],
        );
        let carer_names = if rng.gen_bool(0.5) {
            names::GIVEN_FEMALE
        } else {
            names::GIVEN_MALE
        };
        let carer_given = pick(rng, carer_names);
        let carer_family = if matches!(relationship, Relationship::Friend | Relationship::Partner) {
            *pick(rng, names::SURNAMES)
        } else {
            family
        };
        related.push(RelatedPerson::new(
            RelatedPersonId::from_uuid(next_uuid(rng)),
            id,
            PersonName::new(carer_given, carer_family)?,
            relationship,
            Some(phone(rng)?),
            None,
            rng.gen_bool(0.7),
        ));
    }

    let lead = *pick(rng, &staff.community);
    let mut members = vec![
        member(lead, "Care coordinator")?,
        member(*pick(rng, &staff.gps), "GP")?,
    ];
    if rng.gen_bool(0.3) {
        members.push(member(*pick(rng, &staff.crisis), "Crisis team")?);
    }
    if rng.gen_bool(0.15) {
        members.push(member(*pick(rng, &staff.social_workers), "Social worker")?);
    }
    let care_team = CareTeam::new(
        CareTeamId::from_uuid(next_uuid(rng)),
        id,
        &format!("Care team for {given} {family}"),
        members,
        lead.user,
    )?;
    Ok(GeneratedPerson {
        person,
        related,
        care_team,
    })
}

fn required(member: Option<StaffMember>, who: &str) -> anyhow::Result<StaffMember> {
    member.ok_or_else(|| anyhow::anyhow!("the demo partnership has no {who}"))
}

struct Scenario<'a> {
    nhs_number: &'static str,
    given: &'a str,
    family: &'a str,
    born: (i32, u32, u32),
    address: (&'a str, &'a str, &'a str),
    carer: Option<(&'a str, &'a str, Relationship, &'a str)>,
    team: Vec<(StaffMember, &'a str)>,
}

/// The people of the source stories: NHS number (from the range reserved for
/// testing) and what their story is. Documentation and tests name them.
pub const SCENARIO_STORIES: [(&str, &str); 4] = [
    (
        "9990000018",
        "about to be discharged from Willow Ward; his mother is his nominated carer",
    ),
    (
        "9990000026",
        "a young woman with orthorexia; her community team has no eating-disorder expertise",
    ),
    (
        "9990000034",
        "calls 999 often; known to police, ambulance and the emergency department",
    ),
    (
        "9990000042",
        "has refused to have information shared with the police",
    ),
];

fn story_of(nhs_number: &str) -> &'static str {
    SCENARIO_STORIES
        .iter()
        .find(|(n, _)| *n == nhs_number)
        .map_or("", |(_, story)| story)
}

/// The people of the source stories, with the NHS numbers the documentation
/// and tests name.
pub fn scenario_people(
    rng: &mut ChaCha8Rng,
    staff: &CareStaff,
    today: NaiveDate,
) -> anyhow::Result<Vec<ScenarioPerson>> {
    let nurse = required(staff.crisis_nurse, "crisis nurse")?;
    let practitioner = required(staff.mh_practitioner, "mental health practitioner")?;
    let gp = required(staff.gp, "GP")?;
    let ward = *staff
        .ward
        .first()
        .ok_or_else(|| anyhow::anyhow!("no ward staff"))?;
    let scenarios = [
        Scenario {
            nhs_number: "9990000018",
            given: "Daniel",
            family: "Reid",
            born: (1991, 5, 14),
            address: ("12 Orchard Way", "Northbridge", "NS2 4HT"),
            carer: Some((
                "Margaret",
                "Reid",
                Relationship::Mother,
                "margaret.reid@example.org",
            )),
            team: vec![
                (ward, "Named nurse, Willow Ward"),
                (practitioner, "Care coordinator"),
                (gp, "GP"),
            ],
        },
        Scenario {
            nhs_number: "9990000026",
            given: "Chloe",
            family: "Bennett",
            born: (2004, 9, 2),
            address: ("3 Meadow View", "Ashcombe", "NS4 7QB"),
            carer: None,
            team: vec![(practitioner, "Care coordinator"), (gp, "GP")],
        },
        Scenario {
            nhs_number: "9990000034",
            given: "Gary",
            family: "Holt",
            born: (1979, 1, 23),
            address: ("Flat 4, 88 Station Road", "Kingsmere", "NS5 2DL"),
            carer: None,
            team: vec![(nurse, "Crisis team key worker"), (gp, "GP")],
        },
        Scenario {
            nhs_number: "9990000042",
            given: "Leah",
            family: "Morgan",
            born: (1996, 11, 30),
            address: ("27 Willow Drive", "Fairleigh", "NS7 5RU"),
            carer: Some((
                "Jordan",
                "Ellis",
                Relationship::Partner,
                "jordan.ellis@example.org",
            )),
            team: vec![
                (practitioner, "Care coordinator"),
                (nurse, "Crisis team"),
                (gp, "GP"),
            ],
        },
    ];
    scenarios
        .into_iter()
        .map(|s| scenario_person(rng, s, today))
        .collect()
}

fn scenario_person(
    rng: &mut ChaCha8Rng,
    s: Scenario<'_>,
    today: NaiveDate,
) -> anyhow::Result<ScenarioPerson> {
    let id = PersonId::from_uuid(next_uuid(rng));
    let (y, m, d) = s.born;
    let born = NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| anyhow::anyhow!("bad date"))?;
    let (line, town, postcode) = s.address;
    let person = Person::new(
        id,
        PersonName::new(s.given, s.family)?,
        BirthDate::new(born, today)?,
        Some(Address::new([line], town, Postcode::parse(postcode)?)?),
        Some(phone(rng)?),
        vec![Identifier::nhs(NhsNumber::parse(s.nhs_number)?)],
    )?;
    let related = s
        .carer
        .map(
            |(given, family, relationship, email)| -> anyhow::Result<_> {
                Ok(RelatedPerson::new(
                    RelatedPersonId::from_uuid(next_uuid(rng)),
                    id,
                    PersonName::new(given, family)?,
                    relationship,
                    Some(phone(rng)?),
                    Some(EmailAddress::parse(email)?),
                    true,
                ))
            },
        )
        .transpose()?
        .into_iter()
        .collect();
    let lead = s.team[0].0.user;
    let members = s
        .team
        .iter()
        .map(|(staff, role)| member(*staff, role))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let care_team = CareTeam::new(
        CareTeamId::from_uuid(next_uuid(rng)),
        id,
        &format!("Care team for {} {}", s.given, s.family),
        members,
        lead,
    )?;
    Ok(ScenarioPerson {
        nhs_number: s.nhs_number,
        story: story_of(s.nhs_number),
        generated: GeneratedPerson {
            person,
            related,
            care_team,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nhs_numbers_are_valid_distinct_and_in_the_test_range() {
        let numbers: Vec<_> = NhsNumbers::default().take(1000).collect();
        let distinct: std::collections::HashSet<_> =
            numbers.iter().map(|n| n.as_str().to_owned()).collect();
        assert_eq!(distinct.len(), 1000);
        for n in &numbers {
            assert!(n.as_str().starts_with("999"));
            assert!(NhsNumber::parse(n.as_str()).is_ok());
        }
    }
}
