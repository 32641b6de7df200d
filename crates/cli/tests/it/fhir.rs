//! The HL7 FHIR R4 surface end to end, on both stores: what each resource
//! says (`resources`), that access holds exactly as on the JSON API and
//! that nothing tells a stranger whether someone exists (`access`), the
//! surface's own rules — formats, parameters, the CapabilityStatement
//! against the router (`conformance`), and an independent R4 validator and
//! a third-party FHIR client (`tools`); and, each with its own access,
//! the person's consent directives (`consent`), the crisis look-up as
//! an operation (`crisis_summary`), their contacts with
//! services (`encounter`), the partnership's organisations
//! (`organization`), referrals as requests and tasks (`referral`),
//! professional messages (`communication`), the audit log
//! (`audit_event`), the information sharing agreements (`contract`),
//! the care team with the staff it names (`care_team`) and the carers
//! (`related_person`); `$everything` (`everything`); contacts reported by source systems
//! (`reported`); Bulk Data `$export` and the caseloads it exports as
//! groups (`export`); Patients searched by name, date of birth and postcode
//! (`patient_search`); searches narrowed by `_lastUpdated` (`last_updated`);
//! `_include` and `_revinclude` (`include`); searches posted as forms
//! (`post_search`); and every search paged (`paging`).

mod access;
mod audit_event;
mod care_team;
mod communication;
mod conformance;
mod consent;
mod contract;
mod crisis_summary;
mod encounter;
mod everything;
mod export;
mod include;
mod last_updated;
mod measure_report;
mod organization;
mod paging;
mod patient_search;
mod post_search;
mod referral;
mod related_person;
mod reported;
mod resources;
mod tools;

use concordat_domain::category::DataCategory;
use concordat_domain::consent::ConsentScope;
use concordat_domain::ids::PersonId;
use concordat_domain::purpose::Purpose;

use crate::existence::report::PER_REQUEST_HEADERS;
use crate::fixtures::{person_id, post_json, record_refusal, user, GARY};
use crate::harness::TestApp;

/// An answer, read whole: status, headers and the JSON body.
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("{e}: {}", self.text))
    }

    /// The first issue's code of an OperationOutcome, checking the
    /// answer is one.
    pub fn issue(&self) -> String {
        let body = self.json();
        assert_eq!(body["resourceType"], "OperationOutcome", "{body}");
        body["issue"][0]["code"].as_str().unwrap().to_owned()
    }

    /// Headers and body, less the `date` header: what must be identical
    /// between a stranger's answer and the answer for no one.
    pub fn comparable(&self) -> (u16, Vec<(String, String)>, String) {
        let mut headers: Vec<(String, String)> = self
            .headers
            .iter()
            .filter(|(k, _)| !PER_REQUEST_HEADERS.contains(&k.as_str()))
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        headers.sort();
        (self.status, headers, self.text.clone())
    }
}

/// `answer` with `searched` written as `instead`: a search's self link
/// echoes what was asked, which the caller knows already.
pub fn as_if(
    answer: &Answer,
    searched: &str,
    instead: &str,
) -> (u16, Vec<(String, String)>, String) {
    let (status, headers, text) = answer.comparable();
    (status, headers, text.replace(searched, instead))
}

/// `GET`s `path` with `token` (none if empty) and the headers given.
pub async fn get_with(app: &TestApp, token: &str, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = app.client.get(app.url(path));
    if !token.is_empty() {
        request = request.bearer_auth(token);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("GET");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    Answer {
        status,
        headers,
        text: response.text().await.unwrap(),
    }
}

pub async fn get(app: &TestApp, token: &str, path: &str) -> Answer {
    get_with(app, token, path, &[]).await
}

/// The Patient search for the person with NHS number `nhs`.
pub fn by_nhs(nhs: &str) -> String {
    format!("/fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C{nhs}")
}

/// The id of the crisis plan of the person with NHS number `nhs`.
pub async fn plan_of(app: &TestApp, nhs: &str) -> (PersonId, String) {
    let person = person_id(app, nhs).await;
    let mut conn = app.store.read().await.unwrap();
    let header = concordat_store::crisis_plans::plan_of_person(&mut conn, person, false)
        .await
        .unwrap()
        .expect("the scenario person has a plan");
    (person, header.id.to_string())
}

/// Audit entries about `person` so far.
pub async fn audited(app: &TestApp, person: PersonId) -> i64 {
    crate::fixtures::count(
        app,
        &format!("SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{person}'"),
    )
    .await
}

/// Gary's address withheld from all but GPs, recorded by his GP.
pub async fn mask_garys_address_but_for_gps(app: &TestApp) {
    let gary = person_id(app, GARY).await;
    let gp = user(app, "gp").await;
    let mut tx = app.store.write().await.unwrap();
    let mask = concordat_store::masks::FieldMaskRecord {
        id: uuid::Uuid::new_v4(),
        person: gary,
        field: "address".into(),
        visible_to: vec![concordat_domain::role::Role::Gp],
        reason: "known to his GP only".into(),
    };
    concordat_store::masks::insert_mask(
        &mut tx,
        &mask,
        gp.id(),
        concordat_server::Clock::now(&app.clock),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// Gary's refusal, recorded by his crisis nurse, of sharing his crisis
/// plan with the police for emergency treatment: its id.
pub async fn garys_refusal(app: &TestApp) -> String {
    let gary = person_id(app, GARY).await;
    let police = user(app, "police").await;
    let nurse = user(app, "crisis.nurse").await;
    let scope = ConsentScope {
        organisation: Some(police.organisation_id()),
        category: Some(DataCategory::CrisisPlan),
        purpose: Some(Purpose::Emergency),
    };
    record_refusal(app, gary, scope, &nurse)
        .await
        .id()
        .to_string()
}

/// A contact of `kind` recorded on Gary's record by his crisis nurse: its id.
pub async fn garys_contact(app: &TestApp, kind: &str) -> String {
    let gary = person_id(app, GARY).await;
    let token = app.token_for("crisis.nurse", "TREAT").await;
    let recorded = post_json(
        app,
        &token,
        &format!("/api/v1/persons/{gary}/contacts"),
        serde_json::json!({"kind": kind, "reason": "Gary rang the crisis team",
                           "outcome": "Plan followed; stayed at home"}),
    )
    .await;
    assert_eq!(recorded.status(), 201, "{kind}");
    recorded.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Gary's refusal of sharing his crisis plan with the police in an
/// emergency, and two contacts (a crisis line call, an admission) recorded
/// by his crisis nurse.
pub async fn consents_and_contacts_for_gary(app: &TestApp) {
    garys_refusal(app).await;
    for kind in ["crisis-line-call", "admission"] {
        garys_contact(app, kind).await;
    }
}

/// Callers with no relationship to Gary, each with a purpose they may
/// claim: a stranger clinician, the police, another person's own account.
pub const STRANGERS: [(&str, &str); 3] = [
    ("dr.wood", "TREAT"),
    ("police", "ETREAT"),
    ("person", "PATRQT"),
];

/// The read of `resource` `id` (one of Gary's) and the search of Gary's by
/// `param`, by `token`, each beside the same request for no one: they
/// must not differ.
pub async fn assert_gary_meets_no_one(
    app: &TestApp,
    token: &str,
    resource: &str,
    id: &str,
    param: &str,
) {
    let gary = person_id(app, GARY).await.to_string();
    let nobody = uuid::Uuid::new_v4().to_string();
    let read = get(app, token, &format!("/fhir/{resource}/{id}")).await;
    assert_eq!(read.status, 404, "{resource}: {}", read.text);
    let absent = get(app, token, &format!("/fhir/{resource}/{nobody}")).await;
    assert_eq!(read.comparable(), absent.comparable(), "{resource}");
    let malformed = get(app, token, &format!("/fhir/{resource}/not-an-id")).await;
    assert_eq!(malformed.comparable(), absent.comparable(), "{resource}");
    let search = format!("/fhir/{resource}?{param}=Patient/");
    let on_gary = get(app, token, &format!("{search}{gary}")).await;
    let on_nobody = get(app, token, &format!("{search}{nobody}")).await;
    assert_eq!(on_gary.json()["total"], 0, "{resource}");
    assert_eq!(
        as_if(&on_gary, &gary, &nobody),
        on_nobody.comparable(),
        "{resource}"
    );
}

/// The person's own purpose claimed by Gary's crisis nurse: refused with
/// the rule named on the JSON API's `api` (a path below `/api/v1/persons/
/// {gary}`), and so on the read of `resource` `id` and the search of
/// Gary's.
pub async fn assert_claimed_purpose_refused(app: &TestApp, api: &str, resource: &str, id: &str) {
    let gary = person_id(app, GARY).await;
    let claimed = app.token_for("crisis.nurse", "PATRQT").await;
    let on_api = app
        .client
        .get(app.url(&format!("/api/v1/persons/{gary}/{api}")))
        .bearer_auth(&claimed)
        .send()
        .await
        .unwrap();
    assert_eq!(on_api.status(), 403, "{api}");
    assert!(on_api
        .text()
        .await
        .unwrap()
        .contains("own-access-is-the-persons"));
    for path in [
        format!("/fhir/{resource}/{id}"),
        format!("/fhir/{resource}?patient=Patient/{gary}"),
    ] {
        let refused = get(app, &claimed, &path).await;
        assert_eq!(refused.status, 403, "{path}: {}", refused.text);
        assert_eq!(refused.issue(), "forbidden");
        assert!(
            refused.text.contains("own-access-is-the-persons"),
            "{}",
            refused.text
        );
    }
}
