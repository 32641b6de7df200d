use super::*;
use chrono::NaiveDate;
use concordat_link::synthetic::{Population, RecordsPerPerson};
use concordat_link::Sex;

const AMBULANCE: &str = "https://ambulance.example/patient";

/// 2,000 synthetic people as the store would list them, each with an NHS
/// number and an ambulance service's own identifier.
fn people() -> Vec<LinkageRow> {
    let population = Population::generate(7, 2_000, &RecordsPerPerson::default());
    population
        .people()
        .iter()
        .enumerate()
        .map(|(i, p)| LinkageRow {
            person: PersonId::new(),
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            birth_date: NaiveDate::from_ymd_opt(
                p.birth_date.year(),
                p.birth_date.month(),
                p.birth_date.day(),
            )
            .unwrap(),
            postcode: p.postcodes.first().cloned(),
            phone: p.phone.clone(),
            sex: Some(
                match p.sex {
                    Sex::Female => "female",
                    Sex::Male => "male",
                    Sex::Other => "other",
                }
                .to_owned(),
            ),
            identifiers: vec![
                (AMBULANCE.to_owned(), format!("A-{i}")),
                (
                    concordat_domain::identifier::NHS_NUMBER_SYSTEM.to_owned(),
                    p.nhs_number.clone(),
                ),
            ],
        })
        .collect()
}

/// What a sender would know of `row`: everything but the NHS number.
fn described(row: &LinkageRow) -> HeldDetails {
    HeldDetails {
        given_name: Some(row.given_name.clone()),
        family_name: Some(row.family_name.clone()),
        birth_date: Some(row.birth_date),
        postcode: row.postcode.clone(),
        phone: None,
        sex: row.sex.clone(),
        identifier: None,
    }
}

fn thresholds() -> Thresholds {
    Thresholds::default()
}

#[test]
fn an_event_that_agrees_with_one_person_in_everything_is_linked_to_them() {
    let people = people();
    let scored = score(&[described(&people[7])], &people, thresholds()).unwrap();
    assert_eq!(scored[0].outcome, Outcome::Link(people[7].person));
    assert_eq!(scored[0].candidates[0].0, people[7].person);
    let evidence = &scored[0].candidates[0].1;
    assert!(evidence.probability >= 0.999, "{evidence:?}");
    assert_eq!(evidence.fields.len(), 7, "every field is explained");
    assert!(evidence
        .fields
        .iter()
        .any(|f| f.field == "family name" && f.weight > 0.0));
}

#[test]
fn an_event_like_no_one_is_left_unmatched_with_no_candidates() {
    let people = people();
    let nobody = HeldDetails {
        given_name: Some("Zebedee".into()),
        family_name: Some("Quaxworthy".into()),
        birth_date: NaiveDate::from_ymd_opt(1903, 2, 2),
        postcode: Some("ZE9 9ZZ".into()),
        ..HeldDetails::default()
    };
    let scored = score(&[nobody, described(&people[3])], &people, thresholds()).unwrap();
    assert_eq!(scored[0].outcome, Outcome::Unmatched);
    assert!(scored[0].candidates.is_empty());
    assert_eq!(scored[1].outcome, Outcome::Link(people[3].person));
}

#[test]
fn two_people_alike_in_everything_are_for_a_reviewer_never_a_guess() {
    let mut people = people();
    let mut twin = people[11].clone();
    twin.person = PersonId::new();
    twin.identifiers = Vec::new();
    people.push(twin.clone());
    let scored = score(&[described(&people[11])], &people, thresholds()).unwrap();
    assert_eq!(scored[0].outcome, Outcome::Review);
    let named: Vec<PersonId> = scored[0].candidates.iter().map(|c| c.0).collect();
    assert!(named.contains(&people[11].person) && named.contains(&twin.person));
}

#[test]
fn an_identifier_of_the_same_system_that_disagrees_is_never_linked_without_review() {
    let people = people();
    let mut details = described(&people[20]);
    details.identifier = Some((AMBULANCE.to_owned(), "A-999999".to_owned()));
    let scored = score(&[details], &people, thresholds()).unwrap();
    assert_eq!(scored[0].outcome, Outcome::Review);
    assert_eq!(scored[0].candidates[0].0, people[20].person);
}

#[test]
fn with_no_one_known_every_event_is_unmatched() {
    let details = described(&people()[0]);
    let scored = score(&[details], &[], thresholds()).unwrap();
    assert_eq!(scored[0].outcome, Outcome::Unmatched);
}
