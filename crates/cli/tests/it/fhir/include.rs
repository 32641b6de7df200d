//! `_include` and `_revinclude`: what a search asks to be included is
//! decided and audited one resource at a time, left out when refused, and
//! never added beside a page without matches — so a stranger's search is
//! still the answer for no one.

use serde_json::Value;

use super::{as_if, audited, by_nhs, consents_and_contacts_for_gary, get, STRANGERS};
use crate::fixtures::{crisis_look_up_path, get_json, person_id, GARY};
use crate::harness::TestApp;

/// The (mode, type) of each entry.
fn modes(bundle: &Value) -> Vec<(String, String)> {
    bundle["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["search"]["mode"].as_str().unwrap().to_owned(),
                e["resource"]["resourceType"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(m, t)| ((*m).to_owned(), (*t).to_owned()))
        .collect()
}

async fn a_search_includes_its_patient_and_a_patient_search_what_is_about_them(app: TestApp) {
    consents_and_contacts_for_gary(&app).await;
    let gary = person_id(&app, GARY).await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;

    let before = audited(&app, gary).await;
    let flags = get(
        &app,
        &nurse,
        &format!("/fhir/Flag?patient=Patient/{gary}&_include=Flag:patient"),
    )
    .await;
    assert_eq!(flags.status, 200, "{}", flags.text);
    let flags = flags.json();
    assert_eq!(flags["total"], 2, "the included Patient is not counted");
    assert_eq!(
        modes(&flags),
        pairs(&[("match", "Flag"), ("match", "Flag"), ("include", "Patient")])
    );
    assert_eq!(
        audited(&app, gary).await,
        before + 2,
        "the Patient is read in its own right"
    );

    let found = get(
        &app,
        &nurse,
        &format!(
            "{}&_revinclude=Flag:patient&_revinclude=Encounter:patient",
            by_nhs(GARY)
        ),
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.text);
    let found = found.json();
    assert_eq!(found["total"], 1);
    assert_eq!(
        modes(&found),
        pairs(&[
            ("match", "Patient"),
            ("include", "Flag"),
            ("include", "Flag"),
            ("include", "Encounter"),
            ("include", "Encounter"),
        ])
    );

    // Nothing is included beside a page without matches.
    let counted = get(
        &app,
        &nurse,
        &format!("/fhir/Flag?patient=Patient/{gary}&_include=Flag:patient&_count=0"),
    )
    .await
    .json();
    assert!(counted.get("entry").is_none(), "{counted}");

    for refused in [
        format!("/fhir/Flag?patient=Patient/{gary}&_include=CarePlan:patient"),
        format!("/fhir/Flag?patient=Patient/{gary}&_revinclude=Encounter:patient"),
        format!("{}&_include=Patient:general-practitioner", by_nhs(GARY)),
        format!("{}&_revinclude=Observation:patient", by_nhs(GARY)),
        "/fhir/Organization?_include=Organization:partof".to_owned(),
    ] {
        let answer = get(&app, &nurse, &refused).await;
        assert_eq!(answer.status, 400, "{refused}: {}", answer.text);
        assert_eq!(answer.issue(), "not-supported", "{refused}");
    }
}

async fn an_included_resource_the_caller_may_not_see_is_left_out(app: TestApp) {
    consents_and_contacts_for_gary(&app).await;
    let police = app.token_for("police", "ETREAT").await;
    let (status, _) = get_json(
        &app,
        &police,
        &crisis_look_up_path(GARY, "found on the bridge, asked for his plan"),
    )
    .await;
    assert_eq!(status, 200);
    let found = get(
        &app,
        &police,
        &format!(
            "{}&_revinclude=Consent:patient&_revinclude=Encounter:patient",
            by_nhs(GARY)
        ),
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.text);
    assert_eq!(modes(&found.json()), pairs(&[("match", "Patient")]));
}

async fn a_strangers_search_with_inclusions_is_the_answer_for_no_one(app: TestApp) {
    consents_and_contacts_for_gary(&app).await;
    let gary = person_id(&app, GARY).await.to_string();
    let nobody = uuid::Uuid::new_v4().to_string();
    for (who, purpose) in STRANGERS {
        let token = app.token_for(who, purpose).await;
        let flags =
            |person: &str| format!("/fhir/Flag?patient=Patient/{person}&_include=Flag:patient");
        let on_gary = get(&app, &token, &flags(&gary)).await;
        let on_nobody = get(&app, &token, &flags(&nobody)).await;
        assert_eq!(
            as_if(&on_gary, &gary, &nobody),
            on_nobody.comparable(),
            "{who}"
        );
        let revinclude = "&_revinclude=Flag:patient";
        let on_gary = get(&app, &token, &format!("{}{revinclude}", by_nhs(GARY))).await;
        let on_no_one = get(
            &app,
            &token,
            &format!("{}{revinclude}", by_nhs("9990001111")),
        )
        .await;
        assert_eq!(
            as_if(&on_gary, GARY, "9990001111"),
            on_no_one.comparable(),
            "{who}"
        );
    }
}

crate::on_both_stores!(
    a_search_includes_its_patient_and_a_patient_search_what_is_about_them,
    an_included_resource_the_caller_may_not_see_is_left_out,
    a_strangers_search_with_inclusions_is_the_answer_for_no_one,
);
