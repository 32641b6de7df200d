//! `AuditEvent` over FHIR: the person finds who accessed their record and
//! why, information governance searches what its organisation answers for
//! (itself audited), and no one else reads the log.

use serde_json::Value;

use super::get;
use crate::fixtures::{person_id, DANIEL, GARY};
use crate::harness::TestApp;

/// The GP reads Daniel's record, over FHIR.
async fn gp_reads_daniel(app: &TestApp) {
    let daniel = person_id(app, DANIEL).await;
    let gp = app.token_for("gp", "TREAT").await;
    let read = get(app, &gp, &format!("/fhir/Patient/{daniel}")).await;
    assert_eq!(read.status, 200, "{}", read.text);
}

fn entries(bundle: &Value) -> Vec<Value> {
    bundle["entry"]
        .as_array()
        .map(|all| all.iter().map(|e| e["resource"].clone()).collect())
        .unwrap_or_default()
}

async fn the_person_finds_who_accessed_their_record_and_why(app: TestApp) {
    gp_reads_daniel(&app).await;
    let daniel = person_id(&app, DANIEL).await;
    let own = app.token_for("person", "PATRQT").await;

    let found = get(&app, &own, "/fhir/AuditEvent").await;
    assert_eq!(found.status, 200, "{}", found.text);
    let events = entries(&found.json());
    assert_eq!(events.len(), 1, "{}", found.text);
    let event = &events[0];
    assert_eq!(event["outcome"], "0");
    assert_eq!(event["action"], "R");
    assert_eq!(event["subtype"][0]["code"], "read");
    assert_eq!(
        event["entity"][0]["what"]["reference"],
        format!("Patient/{daniel}")
    );
    let agent = &event["agent"][0];
    assert_eq!(agent["requestor"], true);
    assert_eq!(agent["who"]["display"], "Dr Helen Carter");
    assert_eq!(agent["purposeOfUse"][0]["coding"][0]["code"], "TREAT");
    assert_eq!(event["agent"][1]["who"]["display"], "Riverside Surgery");
    assert!(
        event["outcomeDesc"].as_str().unwrap().contains("care team"),
        "why the GP could: {event}"
    );

    // Named explicitly, the same; naming anyone else finds nothing, as no
    // one does; other filters are governance's.
    let named = get(
        &app,
        &own,
        &format!("/fhir/AuditEvent?patient=Patient/{daniel}"),
    )
    .await;
    assert_eq!(entries(&named.json()), events);
    let gary = person_id(&app, GARY).await;
    for other in [gary.to_string(), uuid::Uuid::new_v4().to_string()] {
        let found = get(
            &app,
            &own,
            &format!("/fhir/AuditEvent?patient=Patient/{other}"),
        )
        .await;
        assert_eq!(found.status, 200);
        assert_eq!(found.json()["total"], 0, "{other}");
    }
    let filtered = get(&app, &own, "/fhir/AuditEvent?outcome=4").await;
    assert_eq!(filtered.status, 400, "{}", filtered.text);
}

async fn governance_searches_the_audit_and_no_one_else_reads_it(app: TestApp) {
    gp_reads_daniel(&app).await;
    let daniel = person_id(&app, DANIEL).await;
    let ig = app.token_for("ig.lead", "TREAT").await;

    let found = get(
        &app,
        &ig,
        &format!("/fhir/AuditEvent?patient=Patient/{daniel}&altid=gp&outcome=0"),
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.text);
    let events = entries(&found.json());
    assert!(!events.is_empty(), "{}", found.text);
    for event in &events {
        assert_eq!(event["agent"][0]["altId"], "gp", "{event}");
        assert_eq!(event["outcome"], "0");
        assert_eq!(
            event["entity"][0]["what"]["reference"],
            format!("Patient/{daniel}")
        );
    }
    assert!(events[0]["agent"][0]["policy"][0]
        .as_str()
        .unwrap()
        .starts_with("urn:concordat:policy:"));

    // The search itself is on the record, with its filters.
    let searches = get(&app, &ig, "/fhir/AuditEvent?altid=ig.lead")
        .await
        .json();
    assert!(
        entries(&searches)
            .iter()
            .any(|e| e["subtype"][1]["code"] == "audit-search"
                && e["outcomeDesc"].as_str().unwrap().contains("user=gp")),
        "{searches}"
    );

    let today = concordat_server::Clock::now(&app.clock).date_naive();
    let tomorrow = today.succ_opt().unwrap();
    for (date, some) in [
        (format!("{today}"), true),
        (format!("ge{today}"), true),
        (format!("ge{tomorrow}"), false),
        (format!("lt{today}"), false),
    ] {
        let found = get(&app, &ig, &format!("/fhir/AuditEvent?altid=gp&date={date}")).await;
        assert_eq!(found.status, 200, "{date}: {}", found.text);
        assert_eq!(!entries(&found.json()).is_empty(), some, "{date}");
    }
    for bad in ["outcome=1", "date=yesterday", "altid=nobody-here"] {
        let refused = get(&app, &ig, &format!("/fhir/AuditEvent?{bad}")).await;
        assert_eq!(refused.status, 400, "{bad}: {}", refused.text);
        assert_eq!(refused.issue(), "invalid", "{bad}");
    }

    // A clinician, even one who read the record, does not read the log.
    let gp = app.token_for("gp", "TREAT").await;
    let refused = get(&app, &gp, "/fhir/AuditEvent").await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(refused.issue(), "forbidden");
    assert_eq!(get(&app, "", "/fhir/AuditEvent").await.status, 401);
}

crate::on_both_stores!(
    the_person_finds_who_accessed_their_record_and_why,
    governance_searches_the_audit_and_no_one_else_reads_it,
);
