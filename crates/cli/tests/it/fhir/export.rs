//! Bulk Data `$export`: asynchronous (kick-off, status, manifest, NDJSON
//! files, cancel), holding exactly what the asker may read — each person
//! decided and audited — found by no one else, carried on from where it
//! stood by another node after a restart, and gone when its time is up.

use std::collections::{BTreeMap, BTreeSet};

use concordat_server::ServerConfig;
use serde_json::Value;

use super::tools::validate;
use super::{consents_and_contacts_for_gary, get, get_with, Answer, STRANGERS};
use crate::fixtures::{count, person_id, texts, user, GARY};
use crate::harness::TestApp;

const ASYNC: [(&str, &str); 1] = [("prefer", "respond-async")];

/// Kicks off the export at `path` for `token`; its status address.
async fn kick_off(app: &TestApp, token: &str, path: &str) -> String {
    let answer = get_with(app, token, path, &ASYNC).await;
    assert_eq!(answer.status, 202, "{path}: {}", answer.text);
    let location = answer.headers["content-location"].to_str().unwrap();
    location
        .strip_prefix(&app.base)
        .expect("the status is on this server")
        .to_owned()
}

/// Runs the scheduler until the export at `status` is complete; the
/// manifest.
async fn finished(app: &TestApp, token: &str, status: &str) -> Value {
    for _ in 0..50 {
        let standing = get(app, token, status).await;
        match standing.status {
            200 => {
                assert!(standing.headers.contains_key("expires"));
                return standing.json();
            }
            202 => {
                assert!(standing.headers.contains_key("x-progress"));
                app.run_jobs().await;
            }
            other => panic!("{other}: {}", standing.text),
        }
    }
    panic!("the export did not finish");
}

/// Every resource in the manifest's files, by type, each file read with
/// `token` and checked against its entry.
async fn exported(app: &TestApp, token: &str, manifest: &Value) -> BTreeMap<String, Vec<Value>> {
    assert_eq!(manifest["requiresAccessToken"], true);
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for file in manifest["output"].as_array().unwrap() {
        let url = file["url"].as_str().unwrap();
        let path = url.strip_prefix(&app.base).unwrap();
        let read = get_with(app, token, path, &[("accept", "application/fhir+ndjson")]).await;
        assert_eq!(read.status, 200, "{path}: {}", read.text);
        assert_eq!(read.headers["content-type"], "application/fhir+ndjson");
        let lines: Vec<Value> = read
            .text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len() as u64, file["count"].as_u64().unwrap());
        for line in lines {
            assert_eq!(line["resourceType"], file["type"]);
            out.entry(file["type"].as_str().unwrap().to_owned())
                .or_default()
                .push(line);
        }
    }
    out
}

/// The ids of every person in the store.
async fn everyone(app: &TestApp) -> Vec<String> {
    let mut conn = app.store.read().await.unwrap();
    let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM persons ORDER BY id")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    rows.into_iter().map(|(id,)| id).collect()
}

fn ids(resources: &[Value]) -> BTreeSet<String> {
    resources
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn an_export_holds_exactly_what_the_asker_may_read(app: TestApp) {
    consents_and_contacts_for_gary(&app).await;
    let gary = person_id(&app, GARY).await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let last_before = count(&app, "SELECT COALESCE(MAX(seq), 0) AS n FROM audit_log").await;

    let status = kick_off(&app, &nurse, "/fhir/Patient/$export").await;
    let manifest = finished(&app, &nurse, &status).await;
    assert!(manifest["request"]
        .as_str()
        .unwrap()
        .ends_with("/fhir/Patient/$export"));
    let files = exported(&app, &nurse, &manifest).await;
    // Each person covered was decided and audited as one look, as it was
    // read: one entry a person, whatever the types.
    let looked_at = texts(
        &app,
        &format!(
            "SELECT person_id FROM audit_log WHERE seq > {last_before} \
             AND person_id IS NOT NULL ORDER BY person_id"
        ),
        "person_id",
    )
    .await;
    let once: BTreeSet<&String> = looked_at.iter().collect();
    assert_eq!(
        once.len(),
        looked_at.len(),
        "one entry a person: {looked_at:?}"
    );

    // The Patients are exactly the people a read shows the nurse, each as
    // the read shows them.
    let mut readable = BTreeSet::new();
    for id in everyone(&app).await {
        let read = get(&app, &nurse, &format!("/fhir/Patient/{id}")).await;
        if read.status == 200 {
            let exported = files["Patient"].iter().find(|p| p["id"] == id.as_str());
            assert_eq!(exported, Some(&read.json()), "{id}");
            readable.insert(id);
        }
    }
    assert!(!readable.is_empty());
    assert_eq!(ids(&files["Patient"]), readable);
    // Gary's record is in it as his own searches show it.
    for kind in ["CarePlan", "Encounter", "Consent"] {
        let search = get(
            &app,
            &nurse,
            &format!("/fhir/{kind}?patient=Patient/{gary}"),
        )
        .await;
        let shown: Vec<Value> = search.json()["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["resource"].clone())
            .collect();
        assert!(!shown.is_empty(), "{kind}");
        for resource in &shown {
            assert!(files[kind].contains(resource), "{kind}: {resource}");
        }
    }
    // No resource names anyone the nurse may not read.
    for resource in files.values().flatten() {
        let text = resource.to_string();
        for id in everyone(&app).await {
            if text.contains(&format!("Patient/{id}")) {
                assert!(readable.contains(&id), "{text}");
            }
        }
    }
    // Everyone exported was among those looked at.
    for id in &readable {
        assert!(once.contains(&id), "{id} exported without its audit entry");
    }
    // Every line is valid FHIR R4, as an independent validator judges it.
    let all: Vec<Value> = files.values().flatten().cloned().collect();
    validate(&all);
}

async fn a_person_exports_their_own_record_and_no_one_else(app: TestApp) {
    let own = app.token_for("person", "PATRQT").await;
    let status = kick_off(&app, &own, "/fhir/Patient/$export?_type=Patient,CarePlan").await;
    let manifest = finished(&app, &own, &status).await;
    let files = exported(&app, &own, &manifest).await;
    assert_eq!(files["Patient"].len(), 1, "{files:?}");
    assert!(files.keys().all(|k| k == "Patient" || k == "CarePlan"));
    let me = user(&app, "person").await.person_id().unwrap();
    assert_eq!(files["Patient"][0]["id"], me.to_string());
}

async fn the_system_export_adds_the_organisations(app: TestApp) {
    let gp = app.token_for("gp", "TREAT").await;
    let status = kick_off(&app, &gp, "/fhir/$export?_type=Organization,Patient").await;
    let manifest = finished(&app, &gp, &status).await;
    let files = exported(&app, &gp, &manifest).await;
    let listed = get(&app, &gp, "/fhir/Organization?_count=100").await.json();
    assert_eq!(
        files["Organization"].len() as u64,
        listed["total"].as_u64().unwrap()
    );
    assert!(!files["Patient"].is_empty());
}

async fn no_one_else_finds_an_export_or_its_files(app: TestApp) {
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let status = kick_off(&app, &nurse, "/fhir/Patient/$export").await;
    let manifest = finished(&app, &nurse, &status).await;
    let file = manifest["output"][0]["url"].as_str().unwrap();
    let file = file.strip_prefix(&app.base).unwrap().to_owned();
    let id = status.rsplit('/').next().unwrap().to_owned();
    let nobody = uuid::Uuid::new_v4();
    let mut others: Vec<String> = Vec::new();
    for (who, purpose) in STRANGERS {
        others.push(app.token_for(who, purpose).await);
    }
    // The asker under another purpose is someone else too.
    others.push(app.token_for("crisis.nurse", "ETREAT").await);
    for token in &others {
        let theirs = get(&app, token, &status).await;
        let none = get(&app, token, &format!("/fhir/bulk-status/{nobody}")).await;
        assert_eq!(theirs.status, 404, "{}", theirs.text);
        assert_eq!(theirs.comparable().2, none.comparable().2);
        let read = get(&app, token, &file).await;
        let no_file = get(&app, token, &format!("/fhir/bulk-files/{nobody}/0")).await;
        assert_eq!(read.status, 404);
        assert_eq!(read.text, no_file.text);
        let cancelled = app
            .client
            .delete(app.url(&status))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(cancelled.status(), 404);
    }
    // Without a token, nothing at all.
    assert_eq!(get(&app, "", &status).await.status, 401);
    assert_eq!(get(&app, "", &file).await.status, 401);
    assert_eq!(get(&app, "", "/fhir/Patient/$export").await.status, 401);
    // The asker still has it.
    assert_eq!(get(&app, &nurse, &status).await.status, 200);
    assert!(status.ends_with(&id));
}

async fn a_kick_off_says_what_it_cannot_do(app: TestApp) {
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let synchronous = get(&app, &nurse, "/fhir/Patient/$export").await;
    assert_eq!(synchronous.status, 400);
    assert_eq!(synchronous.issue(), "not-supported");
    for (path, issue) in [
        ("/fhir/Patient/$export?_type=Observation", "invalid"),
        ("/fhir/Patient/$export?_type=Organization", "invalid"),
        ("/fhir/Patient/$export?_since=last-week", "invalid"),
        (
            "/fhir/Patient/$export?_typeFilter=Flag%3Fstatus%3Dactive",
            "not-supported",
        ),
        ("/fhir/$export?_outputFormat=text/csv", "not-supported"),
        ("/fhir/$export?_format=xml", "not-supported"),
    ] {
        let answer = get_with(&app, &nurse, path, &ASYNC).await;
        assert!(
            matches!(answer.status, 400 | 406),
            "{path}: {}",
            answer.text
        );
        assert_eq!(answer.issue(), issue, "{path}");
    }
    // Nothing was begun by any of them.
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM bulk_exports").await,
        0
    );
}

async fn a_cancelled_export_stops_and_its_files_go(app: TestApp) {
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let running = kick_off(&app, &nurse, "/fhir/Patient/$export").await;
    let cancel = |path: String| {
        let request = app.client.delete(app.url(&path)).bearer_auth(&nurse);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(cancel(running.clone()).await, 202);
    assert_eq!(get(&app, &nurse, &running).await.status, 404);
    assert_eq!(cancel(running.clone()).await, 404);
    app.run_jobs().await;
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM bulk_export_files").await,
        0
    );

    // A complete one, deleted, takes its files with it.
    let done = kick_off(&app, &nurse, "/fhir/Patient/$export").await;
    let manifest = finished(&app, &nurse, &done).await;
    let file = manifest["output"][0]["url"].as_str().unwrap();
    let file = file.strip_prefix(&app.base).unwrap().to_owned();
    assert_eq!(cancel(done.clone()).await, 202);
    assert_eq!(get(&app, &nurse, &file).await.status, 404);
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM bulk_export_files").await,
        0
    );
}

async fn files_are_gone_when_their_time_is_up(app: TestApp) {
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let status = kick_off(&app, &nurse, "/fhir/Patient/$export").await;
    let manifest = finished(&app, &nurse, &status).await;
    let file = manifest["output"][0]["url"].as_str().unwrap();
    let file = file.strip_prefix(&app.base).unwrap().to_owned();
    app.clock.advance(chrono::Duration::hours(23));
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    assert_eq!(get(&app, &nurse, &file).await.status, 200);
    app.clock.advance(chrono::Duration::hours(2));
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    assert_eq!(get(&app, &nurse, &status).await.status, 404);
    assert_eq!(get(&app, &nurse, &file).await.status, 404);
    app.run_jobs().await;
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM bulk_exports").await,
        0
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM bulk_export_files").await,
        0
    );
}

async fn a_team_caseload_is_a_group_its_organisation_may_export(app: TestApp) {
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let groups = get(&app, &nurse, "/fhir/Group").await;
    assert_eq!(groups.status, 200, "{}", groups.text);
    let groups = groups.json();
    let entries = groups["entry"].as_array().expect("the nurse's teams");
    let group = entries[0]["resource"].clone();
    let id = group["id"].as_str().unwrap().to_owned();
    assert_eq!(group["resourceType"], "Group");
    assert!(group.get("member").is_none(), "a group names no one");
    let read = get(&app, &nurse, &format!("/fhir/Group/{id}")).await;
    assert_eq!(read.json(), group);
    validate(&[group.clone(), groups.clone()]);

    let status = kick_off(&app, &nurse, &format!("/fhir/Group/{id}/$export")).await;
    let manifest = finished(&app, &nurse, &status).await;
    let files = exported(&app, &nurse, &manifest).await;
    for patient in files.get("Patient").into_iter().flatten() {
        let pid = patient["id"].as_str().unwrap();
        assert_eq!(
            get(&app, &nurse, &format!("/fhir/Patient/{pid}"))
                .await
                .status,
            200
        );
    }

    // To another organisation the group is no group at all.
    let police = app.token_for("police", "ETREAT").await;
    let nobody = uuid::Uuid::new_v4();
    for path in [
        format!("/fhir/Group/{id}"),
        format!("/fhir/Group/{id}/$export"),
    ] {
        let theirs = get_with(&app, &police, &path, &ASYNC).await;
        let none = get_with(
            &app,
            &police,
            &path.replace(&id, &nobody.to_string()),
            &ASYNC,
        )
        .await;
        assert_eq!(theirs.status, 404, "{path}: {}", theirs.text);
        assert_eq!(theirs.text, none.text);
    }
    let own = app.token_for("person", "PATRQT").await;
    let listed = get(&app, &own, "/fhir/Group").await.json();
    assert_eq!(listed["total"], 0);
}

async fn an_export_stops_when_its_askers_account_is_disabled(app: TestApp) {
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    kick_off(&app, &nurse, "/fhir/Patient/$export").await;
    {
        let mut tx = app.store.write().await.unwrap();
        let name = concordat_domain::user::Username::parse("crisis.nurse").unwrap();
        concordat_store::users::set_disabled(&mut tx, &name, true)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    app.run_jobs().await;
    // Nothing was read for an account that can no longer read: no file,
    // and the export says it failed (kept until its files would expire).
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM bulk_export_files").await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM bulk_exports WHERE status = 'failed'"
        )
        .await,
        1
    );
    app.clock.advance(chrono::Duration::hours(25));
    app.run_jobs().await;
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM bulk_exports").await,
        0
    );
}

crate::on_both_stores!(
    an_export_stops_when_its_askers_account_is_disabled,
    an_export_holds_exactly_what_the_asker_may_read,
    a_person_exports_their_own_record_and_no_one_else,
    the_system_export_adds_the_organisations,
    no_one_else_finds_an_export_or_its_files,
    a_kick_off_says_what_it_cannot_do,
    a_cancelled_export_stops_and_its_files_go,
    files_are_gone_when_their_time_is_up,
    a_team_caseload_is_a_group_its_organisation_may_export,
);

/// Two people a batch, one batch a step: a step leaves the export part
/// done, as a node stopped mid-export would.
fn in_small_steps(config: &mut ServerConfig) {
    config.export.batch = 2;
    config.export.step = std::time::Duration::ZERO;
}

async fn another_node_carries_an_export_on_from_where_it_stood(app: TestApp) {
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let status = kick_off(&app, &nurse, "/fhir/Patient/$export?_type=Patient").await;
    assert_eq!(app.run_jobs().await, 1);
    let part_done = get(&app, &nurse, &status).await;
    assert_eq!(part_done.status, 202);
    let progress = part_done.headers["x-progress"].to_str().unwrap().to_owned();
    assert!(progress.starts_with("2 of "), "{progress}");
    let total: usize = progress
        .trim_start_matches("2 of ")
        .trim_end_matches(" people")
        .parse()
        .unwrap();
    assert!(total > 2, "{progress}");

    // This node stops; another, on the same store, runs the scheduler.
    let other = app.another_node().await;
    let mut answer: Option<Answer> = None;
    for _ in 0..100 {
        let standing = super::get(&app, &nurse, &status).await;
        if standing.status == 200 {
            answer = Some(standing);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    drop(other);
    let manifest = answer.expect("the other node finished the export").json();
    let files = exported(&app, &nurse, &manifest).await;
    // Each person once, however many steps it took.
    let patients = &files["Patient"];
    assert_eq!(ids(patients).len(), patients.len());
    assert!(manifest["output"].as_array().unwrap().len() > 1);
}

crate::on_both_stores!(small_steps with in_small_steps:
    another_node_carries_an_export_on_from_where_it_stood,
);
