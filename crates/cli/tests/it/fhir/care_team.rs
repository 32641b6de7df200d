//! `CareTeam`, `Practitioner` and `PractitionerRole` over FHIR: the
//! person's care teams as a record read shows them, audited, and the staff
//! they name — resolvable by id, never a person's own account or a system.

use super::{assert_gary_meets_no_one, audited, get, STRANGERS};
use crate::fixtures::{person_id, user, GARY};
use crate::harness::TestApp;

async fn the_care_team_names_its_members_and_its_lead(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;

    let before = audited(&app, gary).await;
    let found = get(
        &app,
        &nurse,
        &format!("/fhir/CareTeam?patient=Patient/{gary}"),
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.text);
    assert_eq!(
        audited(&app, gary).await,
        before + 1,
        "the search is audited"
    );
    let found = found.json();
    assert_eq!(found["total"], 1, "{found}");
    let team = &found["entry"][0]["resource"];
    assert_eq!(team["subject"]["reference"], format!("Patient/{gary}"));
    let participants = team["participant"].as_array().unwrap();
    assert_eq!(participants.len(), 2, "{team}");
    let leads: Vec<&serde_json::Value> = participants
        .iter()
        .filter(|p| p["role"][0]["coding"][0]["code"] == "lead-professional")
        .collect();
    assert_eq!(leads.len(), 1, "one lead professional: {team}");

    let id = team["id"].as_str().unwrap();
    let read = get(&app, &nurse, &format!("/fhir/CareTeam/{id}")).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(&read.json(), team, "read and search agree");
    assert_eq!(audited(&app, gary).await, before + 2, "the read is audited");

    // Each member resolves, as who they are and what they do where.
    let gp = user(&app, "gp").await;
    let member = participants
        .iter()
        .find(|p| p["member"]["reference"] == format!("Practitioner/{}", gp.id()))
        .expect("the GP is on Gary's care team");
    let practitioner = get(&app, &nurse, &format!("/fhir/Practitioner/{}", gp.id())).await;
    assert_eq!(practitioner.status, 200, "{}", practitioner.text);
    let practitioner = practitioner.json();
    assert_eq!(practitioner["name"][0]["text"], member["member"]["display"]);
    assert_eq!(practitioner["active"], true);
    let role = get(&app, &nurse, &format!("/fhir/PractitionerRole/{}", gp.id()))
        .await
        .json();
    assert_eq!(
        role["practitioner"]["reference"],
        format!("Practitioner/{}", gp.id())
    );
    assert_eq!(
        role["organization"]["reference"],
        member["onBehalfOf"]["reference"]
    );
    assert_eq!(role["code"][0]["coding"][0]["code"], "gp");
}

async fn a_care_team_is_no_one_to_a_stranger(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let found = get(
        &app,
        &nurse,
        &format!("/fhir/CareTeam?patient=Patient/{gary}"),
    )
    .await
    .json();
    let id = found["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (who, purpose) in STRANGERS {
        let token = app.token_for(who, purpose).await;
        assert_gary_meets_no_one(&app, &token, "CareTeam", &id, "patient").await;
    }
}

async fn only_staff_resolve_as_practitioners(app: TestApp) {
    let token = app.token_for("police", "ETREAT").await;
    let absent = get(
        &app,
        &token,
        &format!("/fhir/Practitioner/{}", uuid::Uuid::new_v4()),
    )
    .await;
    assert_eq!(absent.status, 404);
    // A person's own account and a partner's system are no practitioners:
    // the same answer as no one.
    for username in ["person", "northshire-ed"] {
        let account = user(&app, username).await;
        for kind in ["Practitioner", "PractitionerRole"] {
            let answer = get(&app, &token, &format!("/fhir/{kind}/{}", account.id())).await;
            assert_eq!(
                answer.comparable(),
                absent.comparable(),
                "{username} {kind}"
            );
        }
    }
    let nurse = user(&app, "crisis.nurse").await;
    let seen = get(&app, &token, &format!("/fhir/Practitioner/{}", nurse.id())).await;
    assert_eq!(seen.status, 200, "{}", seen.text);
    assert_eq!(
        get(&app, "", &format!("/fhir/Practitioner/{}", nurse.id()))
            .await
            .status,
        401
    );
    // Staff cannot be browsed.
    let browse = get(&app, &token, "/fhir/Practitioner").await;
    assert_eq!(browse.status, 404);
    assert_eq!(browse.issue(), "not-supported");
}

crate::on_both_stores!(
    the_care_team_names_its_members_and_its_lead,
    a_care_team_is_no_one_to_a_stranger,
    only_staff_resolve_as_practitioners,
);
