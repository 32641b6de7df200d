//! The access decision end to end, over HTTP, on both stores: refusals and
//! break-glass, the 404 that hides whether a person exists, revocation that
//! takes effect on the very next request, masks, and the person's own log.

use chrono::Duration;
use concordat_domain::consent::ConsentScope;
use concordat_domain::ids::{PersonId, UserId};
use concordat_domain::organisation::OrganisationCode;
use concordat_domain::role::Role;
use concordat_domain::user::{DisplayName, User, Username};
use concordat_store::{agreements, organisations, users};
use sqlx::Row;

use crate::fixtures::{open_street_triage, person_id, record_refusal, user, DANIEL, LEAH};
use crate::harness::{demo_password_hash, problem, TestApp};

async fn audit_count(app: &TestApp) -> i64 {
    let mut conn = app.store.read().await.unwrap();
    sqlx::query("SELECT COUNT(*) AS n FROM audit_log")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .get::<i64, _>("n")
}

async fn claim_break_glass(
    app: &TestApp,
    token: &str,
    basis: &str,
    justification: &str,
) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/break-glass"))
        .bearer_auth(token)
        .json(&serde_json::json!({
            "nhs_number": LEAH, "lawful_basis": basis, "justification": justification
        }))
        .send()
        .await
        .unwrap()
}

async fn review_queue(app: &TestApp, token: &str) -> serde_json::Value {
    app.get_with_token("/api/v1/break-glass/reviews", token)
        .await
        .json()
        .await
        .unwrap()
}

async fn read_by_nhs(app: &TestApp, token: &str, nhs: &str) -> reqwest::Response {
    app.get_with_token(&format!("/api/v1/persons?nhs_number={nhs}"), token)
        .await
}

async fn a_refusal_is_respected_until_break_glass_and_only_for_its_window(app: TestApp) {
    let leah = person_id(&app, LEAH).await;
    let police = user(&app, "police").await;
    open_street_triage(&app, leah, &police).await;
    let token = app.token_for("police", "ETREAT").await;

    // Refused: the denial names the rule and the organisation.
    let denied = read_by_nhs(&app, &token, LEAH).await;
    assert_eq!(denied.status(), 403);
    let body = problem(denied).await;
    assert_eq!(body["type"], "/problems/access-denied");
    assert_eq!(body["rule"], "consent-refused");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("Northshire Police"),
        "{body}"
    );

    // A justification is required.
    let short = claim_break_glass(&app, &token, "prevention-of-harm", "urgent").await;
    assert_eq!(short.status(), 400);
    assert_eq!(problem(short).await["errors"][0]["field"], "justification");

    let claimed = claim_break_glass(
        &app,
        &token,
        "prevention-of-harm",
        "Threatening to jump from the bridge; need her crisis plan and risks now",
    )
    .await;
    assert_eq!(claimed.status(), 201);

    // For the window: allowed, marked as break-glass, still only what police
    // are granted, and the address mask still holds.
    let during = read_by_nhs(&app, &token, LEAH).await;
    assert_eq!(during.status(), 200);
    let record: serde_json::Value = during.json().await.unwrap();
    assert_eq!(record["break_glass"], true);
    assert_eq!(record["demographics"]["family_name"], "Morgan");
    assert_eq!(record["demographics"]["address"]["withheld"], true);
    assert!(record.get("care_team").is_none());
    assert_eq!(record["withheld"][0]["category"], "care-team");
    assert_eq!(record["withheld"][0]["rule"], "agreement-required");

    // After it: refused again.
    app.clock.advance(Duration::minutes(31));
    assert_eq!(read_by_nhs(&app, &token, LEAH).await.status(), 403);

    // The person's own access log shows the override, with its reason.
    give_leah_her_own_account(&app, leah, &police).await;
    let own = app.token_for("leah.morgan", "PATRQT").await;
    let log: serde_json::Value = app
        .get_with_token("/api/v1/me/access-log", &own)
        .await
        .json()
        .await
        .unwrap();
    let entries = log.as_array().unwrap();
    let override_seen = entries
        .iter()
        .find(|e| e["break_glass"] == true && e["action"] == "read")
        .expect("the break-glass read is in the person's log");
    assert_eq!(override_seen["who"], "PC Sam Whitaker");
    assert_eq!(override_seen["organisation"], "Northshire Police");
    assert!(override_seen["why"].as_str().unwrap().contains("bridge"));
    assert!(
        entries.iter().all(|e| e["who"] != "Leah Morgan"),
        "own reads are not listed"
    );

    // The police force's information governance lead is told and reviews it.
    let ig = app.token_for("police.ig", "TREAT").await;
    let queue: serde_json::Value = review_queue(&app, &ig).await;
    let pending = queue.as_array().unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["username"], "police");
    assert_eq!(pending[0]["overdue"], false);
    let id = pending[0]["id"].as_str().unwrap().to_owned();
    let reviewed = app
        .client
        .post(app.url(&format!("/api/v1/break-glass/{id}/review")))
        .bearer_auth(&ig)
        .json(&serde_json::json!({"appropriate": true, "note": "Risk to life; proportionate."}))
        .send()
        .await
        .unwrap();
    assert_eq!(reviewed.status(), 204);
    let after: serde_json::Value = review_queue(&app, &ig).await;
    assert!(after.as_array().unwrap().is_empty());
    let mut conn = app.store.read().await.unwrap();
    let ig_user = user(&app, "police.ig").await;
    let unread = concordat_store::notifications::unread_count(&mut conn, ig_user.id())
        .await
        .unwrap();
    assert_eq!(unread, 1);
}

/// Leah Morgan's own account, to read her access log.
async fn give_leah_her_own_account(app: &TestApp, leah: PersonId, anyone: &User) {
    let account = User::new(
        UserId::new(),
        Username::parse("leah.morgan").unwrap(),
        DisplayName::parse("Leah Morgan").unwrap(),
        anyone.organisation_id(),
        None,
        Role::Person,
        Some(leah),
        false,
    )
    .unwrap();
    let mut tx = app.store.write().await.unwrap();
    users::insert_user(&mut tx, &account, &demo_password_hash(), chrono::Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn break_glass_entries_in(app: &TestApp, token: &str) -> usize {
    let log: serde_json::Value = app
        .get_with_token("/api/v1/me/access-log", token)
        .await
        .json()
        .await
        .unwrap();
    log.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["break_glass"] == true)
        .count()
}

async fn a_deferred_break_glass_stays_out_of_the_persons_log_until_its_date(app: TestApp) {
    let leah = person_id(&app, LEAH).await;
    let police = user(&app, "police").await;
    open_street_triage(&app, leah, &police).await;
    let token = app.token_for("police", "ETREAT").await;
    let claimed = claim_break_glass(
        &app,
        &token,
        "safeguarding",
        "Reported missing and at risk; need her contacts and risks",
    )
    .await;
    assert_eq!(claimed.status(), 201);
    assert_eq!(read_by_nhs(&app, &token, LEAH).await.status(), 200);
    give_leah_her_own_account(&app, leah, &police).await;
    let own = app.token_for("leah.morgan", "PATRQT").await;
    assert!(
        break_glass_entries_in(&app, &own).await > 0,
        "shown until deferred"
    );

    let ig = app.token_for("police.ig", "TREAT").await;
    let queue: serde_json::Value = review_queue(&app, &ig).await;
    let id = queue[0]["id"].as_str().unwrap().to_owned();
    let defer = |until: String| {
        let app = &app;
        let ig = ig.clone();
        let id = id.clone();
        async move {
            app.client
                .post(app.url(&format!("/api/v1/break-glass/{id}/defer")))
                .bearer_auth(&ig)
                .json(&serde_json::json!({
                    "reason": "Disclosure now would alert the person she is being searched for",
                    "until": until
                }))
                .send()
                .await
                .unwrap()
        }
    };
    let today = concordat_server::Clock::now(&app.clock).date_naive();
    let past = defer(today.to_string()).await;
    assert_eq!(past.status(), 400);
    assert_eq!(problem(past).await["errors"][0]["field"], "until");
    let until = today + Duration::days(30);
    assert_eq!(defer(until.to_string()).await.status(), 204);

    assert_eq!(
        break_glass_entries_in(&app, &own).await,
        0,
        "hidden while deferred"
    );
    app.clock.advance(Duration::days(30));
    let own = app.token_for("leah.morgan", "PATRQT").await;
    assert!(
        break_glass_entries_in(&app, &own).await > 0,
        "shown from the date set"
    );
}

async fn no_relationship_looks_exactly_like_no_one(app: TestApp) {
    // Dr Wood (Hillview) has nothing to do with Daniel Reid.
    let token = app.token_for("dr.wood", "TREAT").await;
    let before = audit_count(&app).await;
    let stranger = read_by_nhs(&app, &token, DANIEL).await;
    assert_eq!(stranger.status(), 404);
    let stranger = stranger.text().await.unwrap();
    // 999 000 1111 is a valid number no one has.
    let nobody = read_by_nhs(&app, &token, "9990001111").await;
    assert_eq!(nobody.status(), 404);
    assert_eq!(nobody.text().await.unwrap(), stranger);
    let random_id = app
        .get_with_token(&format!("/api/v1/persons/{}", uuid::Uuid::new_v4()), &token)
        .await;
    assert_eq!(random_id.status(), 404);
    assert_eq!(random_id.text().await.unwrap(), stranger);
    // Every one of those attempts was audited, as a denial.
    assert_eq!(audit_count(&app).await, before + 3);
    // A malformed NHS number is the caller's mistake, and says so.
    let bad = read_by_nhs(&app, &token, "1234567890").await;
    assert_eq!(bad.status(), 400);
    assert_eq!(problem(bad).await["errors"][0]["field"], "nhs_number");
}

async fn a_refusal_recorded_now_applies_to_the_very_next_request(app: TestApp) {
    let token = app.token_for("mh.practitioner", "TREAT").await;
    let first = read_by_nhs(&app, &token, DANIEL).await;
    assert_eq!(first.status(), 200);
    let record: serde_json::Value = first.json().await.unwrap();
    assert_eq!(record["demographics"]["given_name"], "Daniel");
    assert!(record["care_team"][0]["members"].as_array().unwrap().len() >= 3);

    let daniel = person_id(&app, DANIEL).await;
    let practitioner = user(&app, "mh.practitioner").await;
    let scope = ConsentScope {
        organisation: Some(practitioner.organisation_id()),
        ..ConsentScope::default()
    };
    record_refusal(&app, daniel, scope, &practitioner).await;

    let next = read_by_nhs(&app, &token, DANIEL).await;
    assert_eq!(next.status(), 403);
    assert_eq!(problem(next).await["rule"], "consent-refused");
}

async fn a_suspended_agreement_grants_nothing_on_the_very_next_request(app: TestApp) {
    // Emergency purpose: only the main agreement covers it.
    let token = app.token_for("mh.practitioner", "ETREAT").await;
    assert_eq!(read_by_nhs(&app, &token, DANIEL).await.status(), 200);
    let practitioner = user(&app, "mh.practitioner").await;
    let mut tx = app.store.write().await.unwrap();
    let code = OrganisationCode::parse("NMHT").unwrap();
    let nmht = organisations::organisation_by_code(&mut tx, &code)
        .await
        .unwrap()
        .unwrap();
    for agreement in agreements::agreements_of_organisation(&mut tx, nmht.id())
        .await
        .unwrap()
    {
        if let Ok(suspended) = agreement.suspend() {
            agreements::save_agreement(
                &mut tx,
                &suspended,
                "suspended",
                practitioner.id(),
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        }
    }
    tx.commit().await.unwrap();
    let next = read_by_nhs(&app, &token, DANIEL).await;
    assert_eq!(next.status(), 403);
    assert_eq!(problem(next).await["rule"], "agreement-required");
}

async fn a_person_reads_their_own_record_and_no_one_elses(app: TestApp) {
    let token = app.token_for("person", "PATRQT").await;
    let own = read_by_nhs(&app, &token, DANIEL).await;
    assert_eq!(own.status(), 200);
    let record: serde_json::Value = own.json().await.unwrap();
    assert_eq!(record["demographics"]["nhs_number"], DANIEL);
    assert!(record["demographics"]["address"]["lines"].is_array());
    let other = read_by_nhs(&app, &token, LEAH).await;
    assert_eq!(other.status(), 404);
    // A professional cannot claim the person's own purpose.
    let gp = app.token_for("gp", "PATRQT").await;
    let claimed = read_by_nhs(&app, &gp, DANIEL).await;
    assert_eq!(claimed.status(), 403);
    assert_eq!(problem(claimed).await["rule"], "own-access-is-the-persons");
}

async fn the_persons_log_shows_who_looked_and_why(app: TestApp) {
    let gp = app.token_for("gp", "TREAT").await;
    assert_eq!(read_by_nhs(&app, &gp, DANIEL).await.status(), 200);
    let own = app.token_for("person", "PATRQT").await;
    assert_eq!(read_by_nhs(&app, &own, DANIEL).await.status(), 200);
    let log: serde_json::Value = app
        .get_with_token("/api/v1/me/access-log", &own)
        .await
        .json()
        .await
        .unwrap();
    let entries = log.as_array().unwrap();
    assert_eq!(entries.len(), 1, "{log}");
    assert_eq!(entries[0]["who"], "Dr Helen Carter");
    assert_eq!(entries[0]["organisation"], "Riverside Surgery");
    assert_eq!(entries[0]["break_glass"], false);
    assert!(entries[0]["what"].as_array().unwrap().len() == 2);
    // Professionals have no access log of their own here.
    assert_eq!(
        app.get_with_token("/api/v1/me/access-log", &gp)
            .await
            .status(),
        403
    );
}

async fn governance_searches_the_audit_and_others_cannot(app: TestApp) {
    let gp = app.token_for("gp", "TREAT").await;
    read_by_nhs(&app, &gp, DANIEL).await;
    let ig = app.token_for("ig.lead", "TREAT").await;
    let found: serde_json::Value = app
        .get_with_token("/api/v1/audit?user=gp&outcome=allowed", &ig)
        .await
        .json()
        .await
        .unwrap();
    let items = found.as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items
        .iter()
        .all(|i| i["username"] == "gp" && i["outcome"] == "allowed"));
    let bad = app.get_with_token("/api/v1/audit?outcome=maybe", &ig).await;
    assert_eq!(bad.status(), 400);
    assert_eq!(app.get_with_token("/api/v1/audit", &gp).await.status(), 403);
}

crate::on_both_stores!(
    a_refusal_is_respected_until_break_glass_and_only_for_its_window,
    a_deferred_break_glass_stays_out_of_the_persons_log_until_its_date,
    no_relationship_looks_exactly_like_no_one,
    a_refusal_recorded_now_applies_to_the_very_next_request,
    a_suspended_agreement_grants_nothing_on_the_very_next_request,
    a_person_reads_their_own_record_and_no_one_elses,
    the_persons_log_shows_who_looked_and_why,
    governance_searches_the_audit_and_others_cannot,
);
