//! Access over FHIR holds exactly as on the JSON API, for every resource
//! about a person (Patient, CarePlan, Flag, Consent, Encounter): the care
//! team reads, a refusal with a relationship is explained, a stranger — or
//! one the person refused and who has no relationship — meets the answer
//! for no one, a purpose of use is bound, and every read and search is
//! audited, denials too. With the attacks a valid staff account would try.

use concordat_domain::consent::ConsentScope;

use super::{
    as_if, assert_gary_meets_no_one, audited, by_nhs, consents_and_contacts_for_gary, get, plan_of,
};
use crate::fixtures::{person_id, record_refusal, user, GARY};
use crate::harness::TestApp;

/// A valid NHS number no one has.
const NOBODY_NHS: &str = "9990001111";

/// Every read and search of Gary's record by `token`, each beside the
/// same request for no one: they must not differ.
async fn assert_meets_the_answer_for_no_one(app: &TestApp, token: &str) {
    let (person, plan) = plan_of(app, GARY).await;
    let gary = person.to_string();
    let nobody = uuid::Uuid::new_v4().to_string();
    let flag = {
        let mut conn = app.store.read().await.unwrap();
        concordat_store::flags::flags_of(&mut conn, person)
            .await
            .unwrap()[0]
            .id
            .to_string()
    };
    for (exists, absent) in [
        (
            format!("/fhir/Patient/{gary}"),
            format!("/fhir/Patient/{nobody}"),
        ),
        (
            format!("/fhir/CarePlan/{plan}"),
            format!("/fhir/CarePlan/{nobody}"),
        ),
        (
            format!("/fhir/CarePlan/{plan}/_history/1"),
            format!("/fhir/CarePlan/{nobody}/_history/1"),
        ),
        (
            format!("/fhir/CarePlan/{plan}/_history"),
            format!("/fhir/CarePlan/{nobody}/_history"),
        ),
        (format!("/fhir/Flag/{flag}"), format!("/fhir/Flag/{nobody}")),
    ] {
        let (on_exists, on_absent) = (
            get(app, token, &exists).await,
            get(app, token, &absent).await,
        );
        assert_eq!(on_exists.status, 404, "{exists}: {}", on_exists.text);
        assert_eq!(on_exists.issue(), "not-found");
        assert_eq!(on_exists.comparable(), on_absent.comparable(), "{exists}");
    }
    // Gary's consent directive and contact, from the store: a stranger
    // cannot list them.
    let (directive, contact) = {
        let mut conn = app.store.read().await.unwrap();
        let directives = concordat_store::consent::directives_of(&mut conn, person)
            .await
            .unwrap();
        let contacts = concordat_store::contact_events::events_of(&mut conn, person, 1)
            .await
            .unwrap();
        (directives[0].id().to_string(), contacts[0].id.to_string())
    };
    assert_gary_meets_no_one(app, token, "Consent", &directive, "patient").await;
    assert_gary_meets_no_one(app, token, "Encounter", &contact, "subject").await;
    let malformed = get(app, token, "/fhir/Patient/not-an-id").await;
    let absent = get(app, token, &format!("/fhir/Patient/{nobody}")).await;
    assert_eq!(malformed.comparable(), absent.comparable());

    let searched = get(app, token, &by_nhs(GARY)).await;
    let no_one = get(app, token, &by_nhs(NOBODY_NHS)).await;
    assert_eq!(searched.status, 200);
    assert_eq!(searched.json()["total"], 0);
    assert_eq!(as_if(&searched, GARY, NOBODY_NHS), no_one.comparable());
    for search in [
        "/fhir/CarePlan?patient=Patient/",
        "/fhir/Flag?subject=Patient/",
    ] {
        let on_exists = get(app, token, &format!("{search}{gary}")).await;
        let on_absent = get(app, token, &format!("{search}{nobody}")).await;
        assert_eq!(on_exists.json()["total"], 0, "{search}");
        assert_eq!(
            as_if(&on_exists, &gary, &nobody),
            on_absent.comparable(),
            "{search}"
        );
    }
}

async fn the_care_team_reads_every_resource_and_each_read_is_audited(app: TestApp) {
    let (gary, plan) = plan_of(&app, GARY).await;
    let token = app.token_for("crisis.nurse", "TREAT").await;
    let before = audited(&app, gary).await;
    for path in [
        format!("/fhir/Patient/{gary}"),
        by_nhs(GARY),
        format!("/fhir/CarePlan/{plan}"),
        format!("/fhir/CarePlan/{plan}/_history/1"),
        format!("/fhir/CarePlan/{plan}/_history"),
        format!("/fhir/CarePlan?patient=Patient/{gary}"),
        format!("/fhir/Flag?subject=Patient/{gary}"),
    ] {
        let answer = get(&app, &token, &path).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.text);
    }
    assert_eq!(audited(&app, gary).await, before + 7, "one entry per read");
}

async fn a_stranger_meets_the_answer_for_no_one_and_is_audited(app: TestApp) {
    consents_and_contacts_for_gary(&app).await;
    let gary = person_id(&app, GARY).await;
    // Dr Wood (Hillview) has nothing to do with Gary.
    let token = app.token_for("dr.wood", "TREAT").await;
    let before = audited(&app, gary).await;
    assert_meets_the_answer_for_no_one(&app, &token).await;
    // Gary's seven reads and five searches, each audited as a denial.
    assert_eq!(audited(&app, gary).await, before + 12);
    let denied = crate::fixtures::count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{gary}' AND outcome = 'denied'"
        ),
    )
    .await;
    assert!(denied >= 12, "{denied}");
}

/// Every demo sign-in and purpose with no relationship to Gary: whoever
/// reads his Patient and meets the answer for no one meets it on every
/// other read and search too.
async fn no_caller_without_a_relationship_learns_whether_gary_exists(app: TestApp) {
    consents_and_contacts_for_gary(&app).await;
    let gary = person_id(&app, GARY).await;
    let mut compared = 0;
    for username in [
        "police",
        "paramedic",
        "ed.clinician",
        "social.worker",
        "charity.worker",
        "commissioner",
        "ig.lead",
        "admin",
        "person",
        "gp",
        "mh.practitioner",
        "dr.wood",
    ] {
        for purpose in ["TREAT", "ETREAT", "PATSFTY", "HOPERAT", "PATRQT"] {
            let issued = app
                .request_token(username, crate::harness::DEMO_PASSWORD, purpose)
                .await;
            if issued.status() != 200 {
                continue;
            }
            let token = issued.json::<serde_json::Value>().await.unwrap()["access_token"]
                .as_str()
                .unwrap()
                .to_owned();
            let read = get(&app, &token, &format!("/fhir/Patient/{gary}")).await;
            if read.status == 404 {
                assert_meets_the_answer_for_no_one(&app, &token).await;
                compared += 1;
            }
        }
    }
    assert!(compared >= 10, "only {compared} callers compared");
}

async fn a_refused_organisation_without_a_relationship_learns_nothing(app: TestApp) {
    consents_and_contacts_for_gary(&app).await;
    let gary = person_id(&app, GARY).await;
    let wood = user(&app, "dr.wood").await;
    let scope = ConsentScope {
        organisation: Some(wood.organisation_id()),
        ..ConsentScope::default()
    };
    record_refusal(&app, gary, scope, &wood).await;
    let token = app.token_for("dr.wood", "TREAT").await;
    assert_meets_the_answer_for_no_one(&app, &token).await;
}

async fn a_refusal_is_explained_to_a_caller_who_knows_the_person(app: TestApp) {
    let (gary, plan) = plan_of(&app, GARY).await;
    let nurse = user(&app, "crisis.nurse").await;
    let scope = ConsentScope {
        organisation: Some(nurse.organisation_id()),
        ..ConsentScope::default()
    };
    record_refusal(&app, gary, scope, &nurse).await;
    let token = app.token_for("crisis.nurse", "TREAT").await;
    for path in [
        format!("/fhir/Patient/{gary}"),
        by_nhs(GARY),
        format!("/fhir/CarePlan/{plan}"),
        format!("/fhir/CarePlan?patient=Patient/{gary}"),
        format!("/fhir/Flag?patient=Patient/{gary}"),
    ] {
        let refused = get(&app, &token, &path).await;
        assert_eq!(refused.status, 403, "{path}: {}", refused.text);
        assert_eq!(refused.issue(), "forbidden");
        assert!(refused.text.contains("consent-refused"), "{}", refused.text);
    }
}

async fn a_purpose_is_bound_to_the_token(app: TestApp) {
    consents_and_contacts_for_gary(&app).await;
    let (gary, plan) = plan_of(&app, GARY).await;
    // The person's own purpose, claimed by a professional on Gary's care team.
    let claimed = app.token_for("crisis.nurse", "PATRQT").await;
    let refused = get(&app, &claimed, &format!("/fhir/CarePlan/{plan}")).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert!(
        refused.text.contains("own-access-is-the-persons"),
        "{}",
        refused.text
    );
    let refused = get(&app, &claimed, &format!("/fhir/Patient/{gary}")).await;
    assert_eq!(refused.status, 403);
    // The same purpose, claimed by a stranger, answers as for no one.
    let stranger = app.token_for("dr.wood", "PATRQT").await;
    assert_meets_the_answer_for_no_one(&app, &stranger).await;
}

async fn no_token_no_answer(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let none = get(&app, "", &format!("/fhir/Patient/{gary}")).await;
    assert_eq!(none.status, 401);
    assert_eq!(none.issue(), "login");
    assert_eq!(none.headers["www-authenticate"], "Bearer");
    let forged = get(&app, "not-a-token", &by_nhs(GARY)).await;
    assert_eq!(forged.status, 401);
    assert_eq!(forged.comparable().2, {
        let unknown = get(&app, "another-forgery", &by_nhs(NOBODY_NHS)).await;
        unknown.comparable().2
    });
}

async fn another_persons_plan_version_is_not_read_by_its_id(app: TestApp) {
    // Daniel's own account, reading Gary's plan by the ids a leak gave him.
    let (_, gary_plan) = plan_of(&app, GARY).await;
    let own = app.token_for("person", "PATRQT").await;
    let nobody = uuid::Uuid::new_v4();
    for (theirs, absent) in [
        (
            format!("/fhir/CarePlan/{gary_plan}/_history/1"),
            format!("/fhir/CarePlan/{nobody}/_history/1"),
        ),
        (
            format!("/fhir/CarePlan/{gary_plan}"),
            format!("/fhir/CarePlan/{nobody}"),
        ),
    ] {
        let on_theirs = get(&app, &own, &theirs).await;
        assert_eq!(on_theirs.status, 404);
        assert_eq!(
            on_theirs.comparable(),
            get(&app, &own, &absent).await.comparable()
        );
    }
    // A version id that is not a number names no version.
    let odd = get(
        &app,
        &own,
        &format!("/fhir/CarePlan/{gary_plan}/_history/one"),
    )
    .await;
    assert_eq!(odd.status, 404);
}

crate::on_both_stores!(
    the_care_team_reads_every_resource_and_each_read_is_audited,
    a_stranger_meets_the_answer_for_no_one_and_is_audited,
    no_caller_without_a_relationship_learns_whether_gary_exists,
    a_refused_organisation_without_a_relationship_learns_nothing,
    a_refusal_is_explained_to_a_caller_who_knows_the_person,
    a_purpose_is_bound_to_the_token,
    no_token_no_answer,
    another_persons_plan_version_is_not_read_by_its_id,
);
