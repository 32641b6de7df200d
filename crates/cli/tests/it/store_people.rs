//! Storing people, their identifiers, carers and care teams, on both stores.

use chrono::{NaiveDate, Utc};
use concordat_domain::care_team::{CareTeam, CareTeamMember};
use concordat_domain::identifier::{Identifier, IdentifierSystem};
use concordat_domain::ids::{CareTeamId, PersonId, RelatedPersonId};
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::person::{Address, BirthDate, Person, PersonName, Postcode};
use concordat_domain::related_person::{RelatedPerson, Relationship};
use concordat_domain::user::Username;
use concordat_store::{care_teams, persons, users, StoreError};

use crate::harness::TestApp;

fn person(nhs: &str, family: &str) -> Person {
    Person::new(
        PersonId::new(),
        PersonName::new("Sam", family).unwrap(),
        BirthDate::new(
            NaiveDate::from_ymd_opt(1990, 2, 3).unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(),
        )
        .unwrap(),
        Some(
            Address::new(
                ["1 Test Street"],
                "Northbridge",
                Postcode::parse("ns1 2ab").unwrap(),
            )
            .unwrap(),
        ),
        None,
        vec![
            Identifier::nhs(NhsNumber::parse(nhs).unwrap()),
            Identifier::new("urn:concordat:nspol:person", "NSP-77").unwrap(),
        ],
    )
    .unwrap()
}

async fn a_person_is_found_again_by_nhs_number_with_every_identifier(app: TestApp) {
    let sam = person("9990001111", "Tester");
    let mut tx = app.store.write().await.unwrap();
    persons::insert_person(&mut tx, &sam, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut conn = app.store.read().await.unwrap();
    let found =
        persons::person_by_nhs_number(&mut conn, &NhsNumber::parse("999 000 1111").unwrap())
            .await
            .unwrap()
            .expect("found by NHS number");
    assert_eq!(found, sam);
    assert_eq!(found.address().unwrap().postcode().as_str(), "NS1 2AB");
    let by_police_id = persons::person_by_identifier(
        &mut conn,
        &IdentifierSystem::parse("urn:concordat:nspol:person").unwrap(),
        "NSP-77",
    )
    .await
    .unwrap();
    assert_eq!(by_police_id.map(|p| p.id()), Some(sam.id()));

    // Several numbers at once, as look-ups asking together read them: each
    // answered in its place, a number no one has with no one, and the
    // versions the same for all.
    let gary = NhsNumber::parse(crate::fixtures::GARY).unwrap();
    let nobody = NhsNumber::parse("999 123 4578").unwrap();
    let sams = NhsNumber::parse("999 000 1111").unwrap();
    let asked = [gary, nobody, sams, gary];
    let found = persons::persons_with_versions_by_nhs_numbers(&mut conn, &asked)
        .await
        .unwrap();
    let numbers: Vec<Option<NhsNumber>> = found
        .iter()
        .map(|(p, _)| p.as_ref().and_then(Person::nhs_number))
        .collect();
    assert_eq!(numbers, [Some(gary), None, Some(sams), Some(gary)]);
    assert!(found[1].1.person.is_none());
    assert!(found
        .iter()
        .all(|(_, v)| v.partnership == found[0].1.partnership));
}

async fn one_nhs_number_cannot_name_two_people_and_nothing_is_half_written(app: TestApp) {
    let mut conn = app.store.read().await.unwrap();
    let before = persons::count_persons(&mut conn).await.unwrap();
    drop(conn);
    // 999 000 0018 is the demo's Daniel Reid.
    let imposter = person("9990000018", "Imposter");
    let mut tx = app.store.write().await.unwrap();
    let err = persons::insert_person(&mut tx, &imposter, Utc::now())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Duplicate { what: "identifier", value } if value == "9990000018"),
        "{err:?}"
    );
    drop(tx); // rolled back
    let mut conn = app.store.read().await.unwrap();
    assert_eq!(persons::count_persons(&mut conn).await.unwrap(), before);
    let daniel = persons::person_by_nhs_number(&mut conn, &NhsNumber::parse("9990000018").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(daniel.name().full(), "Daniel Reid");
}

async fn carers_and_care_teams_are_kept_with_the_person(app: TestApp) {
    let sam = person("9990002223", "Carer-Test");
    let mut conn = app.store.read().await.unwrap();
    let nurse = users::user_by_username(&mut conn, &Username::parse("crisis.nurse").unwrap())
        .await
        .unwrap()
        .unwrap();
    let gp = users::user_by_username(&mut conn, &Username::parse("gp").unwrap())
        .await
        .unwrap()
        .unwrap();
    drop(conn);
    let mother = RelatedPerson::new(
        RelatedPersonId::new(),
        sam.id(),
        PersonName::new("Jan", "Carer-Test").unwrap(),
        Relationship::Mother,
        None,
        None,
        true,
    );
    let team = CareTeam::new(
        CareTeamId::new(),
        sam.id(),
        "Care team for Sam",
        vec![
            CareTeamMember::new(nurse.id(), nurse.organisation_id(), "Key worker").unwrap(),
            CareTeamMember::new(gp.id(), gp.organisation_id(), "GP").unwrap(),
        ],
        nurse.id(),
    )
    .unwrap();
    let mut tx = app.store.write().await.unwrap();
    persons::insert_person(&mut tx, &sam, Utc::now())
        .await
        .unwrap();
    persons::insert_related_person(&mut tx, &mother)
        .await
        .unwrap();
    care_teams::insert_care_team(&mut tx, &team, chrono::Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut conn = app.store.read().await.unwrap();
    let related = persons::related_persons_of(&mut conn, sam.id())
        .await
        .unwrap();
    assert_eq!(related, vec![mother]);
    let teams = care_teams::care_teams_of_person(&mut conn, sam.id())
        .await
        .unwrap();
    assert_eq!(teams.len(), 1);
    assert_eq!(teams[0].lead(), nurse.id());
    assert!(teams[0].has_member(gp.id()));
    assert!(
        care_teams::is_care_team_member(&mut conn, sam.id(), gp.id())
            .await
            .unwrap()
    );
    assert!(
        !care_teams::is_care_team_member(&mut conn, PersonId::new(), gp.id())
            .await
            .unwrap()
    );
}

async fn the_demo_partnership_holds_the_scenario_people_and_the_persons_own_account(app: TestApp) {
    let mut conn = app.store.read().await.unwrap();
    for nhs in ["9990000018", "9990000026", "9990000034", "9990000042"] {
        let found = persons::person_by_nhs_number(&mut conn, &NhsNumber::parse(nhs).unwrap())
            .await
            .unwrap();
        assert!(found.is_some(), "scenario person {nhs}");
    }
    assert_eq!(persons::count_persons(&mut conn).await.unwrap(), 44);
    let daniel = persons::person_by_nhs_number(&mut conn, &NhsNumber::parse("9990000018").unwrap())
        .await
        .unwrap()
        .unwrap();
    let carers = persons::related_persons_of(&mut conn, daniel.id())
        .await
        .unwrap();
    assert!(carers
        .iter()
        .any(|c| c.relationship() == Relationship::Mother && c.nominated_carer()));
    let own = users::user_by_username(&mut conn, &Username::parse("person").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(own.person_id(), Some(daniel.id()));
}

crate::on_both_stores!(
    a_person_is_found_again_by_nhs_number_with_every_identifier,
    one_nhs_number_cannot_name_two_people_and_nothing_is_half_written,
    carers_and_care_teams_are_kept_with_the_person,
    the_demo_partnership_holds_the_scenario_people_and_the_persons_own_account,
);
