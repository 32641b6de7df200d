//! `Patient/{id}/$everything`: the person and everything about them the
//! caller may see, decided and audited as one look at the record, nothing
//! of anyone else; for a stranger, the answer for no one.

use std::collections::BTreeSet;

use serde_json::Value;

use super::communication::garys_thread;
use super::referral::garys_referral;
use super::{audited, consents_and_contacts_for_gary, get, STRANGERS};
use crate::fixtures::{crisis_look_up_path, get_json, person_id, texts, GARY};
use crate::harness::TestApp;

fn resources(bundle: &Value) -> Vec<Value> {
    bundle["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["resource"].clone())
        .collect()
}

fn kinds(bundle: &Value) -> BTreeSet<String> {
    resources(bundle)
        .iter()
        .map(|r| r["resourceType"].as_str().unwrap().to_owned())
        .collect()
}

/// Every reference to a Patient anywhere in `value`.
fn patients(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::String(s) if s.starts_with("Patient/") => {
            out.insert(s.clone());
        }
        Value::Array(all) => all.iter().for_each(|v| patients(v, out)),
        Value::Object(map) => map.values().for_each(|v| patients(v, out)),
        _ => {}
    }
}

async fn everything_is_what_each_search_shows_and_no_one_else(app: TestApp) {
    consents_and_contacts_for_gary(&app).await;
    garys_referral(&app).await;
    garys_thread(&app).await;
    let gary = person_id(&app, GARY).await;
    let gp = app.token_for("gp", "TREAT").await;

    let before = audited(&app, gary).await;
    let all = get(&app, &gp, &format!("/fhir/Patient/{gary}/$everything")).await;
    assert_eq!(all.status, 200, "{}", all.text);
    let all = all.json();
    assert_eq!(all["type"], "searchset");
    assert_eq!(
        audited(&app, gary).await,
        before + 1,
        "one look, one audit entry"
    );
    let entry = texts(
        &app,
        &format!(
            "SELECT categories FROM audit_log WHERE person_id = '{gary}' \
             ORDER BY seq DESC LIMIT 1"
        ),
        "categories",
    )
    .await;
    for category in [
        "demographics",
        "crisis-plan",
        "risk",
        "consent",
        "care-team",
        "contacts",
        "referrals",
        "messages",
    ] {
        assert!(
            entry[0].split(',').any(|c| c == category),
            "{category}: {entry:?}"
        );
    }
    let found = resources(&all);
    assert_eq!(found[0]["resourceType"], "Patient");
    assert_eq!(found[0]["id"], gary.to_string());
    for kind in [
        "CarePlan",
        "Flag",
        "Encounter",
        "CareTeam",
        "ServiceRequest",
        "Task",
        "Communication",
    ] {
        assert!(kinds(&all).contains(kind), "{kind}: {:?}", kinds(&all));
    }
    // Each part is exactly what its own search shows.
    for kind in [
        "CarePlan",
        "Flag",
        "Encounter",
        "CareTeam",
        "ServiceRequest",
        "Communication",
    ] {
        let search = get(&app, &gp, &format!("/fhir/{kind}?patient=Patient/{gary}"))
            .await
            .json();
        let in_everything: Vec<Value> = found
            .iter()
            .filter(|r| r["resourceType"] == kind)
            .cloned()
            .collect();
        assert_eq!(in_everything, resources(&search), "{kind}");
    }
    let mut named = BTreeSet::new();
    patients(&all, &mut named);
    assert_eq!(
        named,
        BTreeSet::from([format!("Patient/{gary}")]),
        "nothing of anyone else"
    );

    // Paged as any search.
    let page = get(
        &app,
        &gp,
        &format!("/fhir/Patient/{gary}/$everything?_count=3"),
    )
    .await
    .json();
    assert_eq!(page["total"], all["total"]);
    assert_eq!(resources(&page), found[..3].to_vec());
    let unknown = get(
        &app,
        &gp,
        &format!("/fhir/Patient/{gary}/$everything?_type=Flag"),
    )
    .await;
    assert_eq!(unknown.status, 400);
}

async fn everything_shows_a_crisis_role_only_what_its_look_up_allows(app: TestApp) {
    consents_and_contacts_for_gary(&app).await;
    let gary = person_id(&app, GARY).await;
    let police = app.token_for("police", "ETREAT").await;
    let (status, _) = get_json(
        &app,
        &police,
        &crisis_look_up_path(GARY, "found on the bridge, asked for his plan"),
    )
    .await;
    assert_eq!(status, 200);
    let all = get(&app, &police, &format!("/fhir/Patient/{gary}/$everything")).await;
    assert_eq!(all.status, 200, "{}", all.text);
    let all = all.json();
    let seen = kinds(&all);
    assert!(seen.contains("Patient"), "{seen:?}");
    for hidden in [
        "Consent",
        "Encounter",
        "ServiceRequest",
        "Communication",
        "RelatedPerson",
    ] {
        assert!(!seen.contains(hidden), "{hidden}: {seen:?}");
    }
}

async fn everything_is_no_one_to_a_stranger(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let nobody = uuid::Uuid::new_v4();
    for (who, purpose) in STRANGERS {
        let token = app.token_for(who, purpose).await;
        let on_gary = get(&app, &token, &format!("/fhir/Patient/{gary}/$everything")).await;
        let on_nobody = get(&app, &token, &format!("/fhir/Patient/{nobody}/$everything")).await;
        let malformed = get(&app, &token, "/fhir/Patient/not-an-id/$everything").await;
        assert_eq!(on_gary.status, 404, "{who}: {}", on_gary.text);
        assert_eq!(on_gary.comparable(), on_nobody.comparable(), "{who}");
        assert_eq!(malformed.comparable(), on_nobody.comparable(), "{who}");
    }
}

crate::on_both_stores!(
    everything_is_what_each_search_shows_and_no_one_else,
    everything_shows_a_crisis_role_only_what_its_look_up_allows,
    everything_is_no_one_to_a_stranger,
);
