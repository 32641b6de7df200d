//! Agreements through the JSON API: signing, who may manage them, amendments,
//! the lifecycle, invalid terms and unknown ids.
//!
//! A little over 400 lines: the lifecycle's steps (draft, sign, amend, suspend,
//! resume, end) are one journey the tests walk in order, sharing the helpers of
//! `agreements.rs`.

use super::*;

// ---------------------------------------------------------------- JSON API

async fn an_agreement_is_active_only_once_every_party_has_signed_for_itself(app: TestApp) {
    let mut terms = street_triage_terms();
    terms["parties"] = json!(["NMHT", "NSPOL", "NSASC"]);
    let id = draft(&app, "ig.lead", &terms).await;
    let body = agreement(&app, &id).await;
    assert_eq!(body["status"], "draft");
    assert_eq!(body["version"], 1);
    assert_eq!(
        codes(&body["awaiting_signatures"]),
        ["NMHT", "NSPOL", "NSASC"]
    );
    assert_eq!(body["parties"][1]["name"], "Northshire Police");
    assert_eq!(body["terms"]["purposes"], json!(["TREAT", "ETREAT"]));

    let first = sign_as(&app, "ig.lead", &id).await;
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["status"], "draft");
    assert_eq!(first["parties"][0]["signed_by"], "ig.lead");
    assert_eq!(codes(&first["awaiting_signatures"]), ["NSPOL", "NSASC"]);

    // Signing twice for the same organisation changes nothing.
    let again = sign_as(&app, "ig.lead", &id).await;
    assert_eq!(again.status(), 409);
    let again = problem(again).await;
    assert_eq!(again["type"], "/problems/conflict");
    assert!(
        again["detail"].as_str().unwrap().contains("already signed"),
        "{again}"
    );

    // An ig-lead of an organisation outside the agreement may read it but
    // not sign it.
    let outsider = sign_as(&app, "neds.ig", &id).await;
    assert_eq!(outsider.status(), 403);
    let outsider = problem(outsider).await;
    assert!(
        outsider["detail"]
            .as_str()
            .unwrap()
            .contains("is not a party to this agreement"),
        "{outsider}"
    );
    let neds = ig_token(&app, "neds.ig").await;
    let read = app
        .get_with_token(&format!("/api/v1/agreements/{id}"), &neds)
        .await;
    assert_eq!(read.status(), 200);

    assert_eq!(sign_as(&app, "police.ig", &id).await.status(), 200);
    assert_eq!(agreement(&app, &id).await["status"], "draft");
    let last: Value = sign_as(&app, "council.ig", &id).await.json().await.unwrap();
    assert_eq!(last["status"], "active");
    assert_eq!(codes(&last["awaiting_signatures"]), Vec::<&str>::new());

    let listed = agreement_ids(&app).await;
    assert!(listed.contains(&id));
}

async fn only_information_governance_leads_manage_agreements(app: TestApp) {
    let id = draft(&app, "ig.lead", &street_triage_terms()).await;
    let before = agreement_ids(&app).await;

    for username in ["gp", "police", "crisis.nurse"] {
        let token = app.token_for(username, "TREAT").await;
        let list = app.get_with_token("/api/v1/agreements", &token).await;
        assert_eq!(list.status(), 403, "{username}");
        let list = problem(list).await;
        assert_eq!(list["type"], "/problems/forbidden");
        assert!(
            list["detail"]
                .as_str()
                .unwrap()
                .contains("information governance"),
            "{list}"
        );
        let create = post(
            &app,
            "/api/v1/agreements",
            &token,
            Some(&street_triage_terms()),
        )
        .await;
        assert_eq!(create.status(), 403, "{username}");
        let sign = post(&app, &format!("/api/v1/agreements/{id}/sign"), &token, None).await;
        assert_eq!(sign.status(), 403, "{username}");
        let suspend = post(&app, &format!("/api/v1/agreements/{id}/end"), &token, None).await;
        assert_eq!(suspend.status(), 403, "{username}");
    }

    // Administrators and commissioners oversee agreements but do not make them.
    for username in ["admin", "commissioner"] {
        let token = app.token_for(username, "TREAT").await;
        assert_eq!(
            app.get_with_token("/api/v1/agreements", &token)
                .await
                .status(),
            200
        );
        let create = post(
            &app,
            "/api/v1/agreements",
            &token,
            Some(&street_triage_terms()),
        )
        .await;
        assert_eq!(create.status(), 403, "{username}");
        assert!(problem(create).await["detail"]
            .as_str()
            .unwrap()
            .contains("only an information governance lead"));
    }

    assert_eq!(agreement_ids(&app).await, before);
    assert_eq!(agreement(&app, &id).await["status"], "draft");
}

async fn an_amendment_is_a_new_unsigned_version_with_its_history(app: TestApp) {
    let id = draft(&app, "ig.lead", &street_triage_terms()).await;
    sign_as(&app, "ig.lead", &id).await;
    sign_as(&app, "police.ig", &id).await;
    assert_eq!(agreement(&app, &id).await["status"], "active");

    let mut changed = street_triage_terms();
    changed["title"] = json!("Street triage information sharing (2026 revision)");
    changed["grants"][0]["read"] = json!(["crisis-plan", "risk", "care-team"]);
    let police = ig_token(&app, "police.ig").await;
    let path = format!("/api/v1/agreements/{id}");
    let amended = send(&app, reqwest::Method::PUT, &path, &police, Some(&changed)).await;
    assert_eq!(amended.status(), 200);
    let amended: Value = amended.json().await.unwrap();
    assert_eq!(amended["version"], 2);
    assert_eq!(amended["status"], "draft");
    assert_eq!(codes(&amended["awaiting_signatures"]), ["NMHT", "NSPOL"]);
    assert!(amended["parties"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["signed"] == false));
    assert_eq!(
        amended["terms"]["grants"][0]["read"],
        json!(["crisis-plan", "risk", "care-team"])
    );

    // Only a party's ig-lead amends.
    let neds = ig_token(&app, "neds.ig").await;
    let outsider = send(&app, reqwest::Method::PUT, &path, &neds, Some(&changed)).await;
    assert_eq!(outsider.status(), 403);

    let history = app
        .get_with_token(&format!("{path}/history"), &police)
        .await;
    assert_eq!(history.status(), 200);
    let history: Value = history.json().await.unwrap();
    let events: Vec<(&str, i64, &str, &str)> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["event"].as_str().unwrap(),
                e["version"].as_i64().unwrap(),
                e["status"].as_str().unwrap(),
                e["changed_by"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            ("created", 1, "draft", "ig.lead"),
            ("signed", 1, "draft", "ig.lead"),
            ("signed", 1, "active", "police.ig"),
            ("amended", 2, "draft", "police.ig"),
        ]
    );
    assert_eq!(
        history["events"][0]["terms"]["title"],
        "Street triage information sharing"
    );
    assert_eq!(history["events"][3]["changed_by_organisation"], "NSPOL");
}

async fn suspension_resumption_and_ending_follow_the_lifecycle(app: TestApp) {
    let id = draft(&app, "ig.lead", &street_triage_terms()).await;
    let token = ig_token(&app, "ig.lead").await;
    let step = |action: &'static str| {
        let path = format!("/api/v1/agreements/{id}/{action}");
        let token = token.clone();
        let app = &app;
        async move { post(app, &path, &token, None).await }
    };

    let suspend_draft = step("suspend").await;
    assert_eq!(suspend_draft.status(), 409);
    let conflict = problem(suspend_draft).await;
    assert_eq!(conflict["type"], "/problems/conflict");
    assert_eq!(
        conflict["detail"],
        "an agreement can be suspended only when it is active; it is draft"
    );
    assert_eq!(step("resume").await.status(), 409);

    sign_as(&app, "ig.lead", &id).await;
    sign_as(&app, "police.ig", &id).await;
    let signing_active = sign_as(&app, "police.ig", &id).await;
    assert_eq!(signing_active.status(), 409);

    let suspended: Value = step("suspend").await.json().await.unwrap();
    assert_eq!(suspended["status"], "suspended");
    assert_eq!(step("suspend").await.status(), 409);
    // The other party may resume what it takes part in.
    let police = ig_token(&app, "police.ig").await;
    let resumed = post(
        &app,
        &format!("/api/v1/agreements/{id}/resume"),
        &police,
        None,
    )
    .await;
    assert_eq!(resumed.status(), 200);
    assert_eq!(resumed.json::<Value>().await.unwrap()["status"], "active");
    // An outsider may not end it.
    let neds = ig_token(&app, "neds.ig").await;
    let outsider = post(&app, &format!("/api/v1/agreements/{id}/end"), &neds, None).await;
    assert_eq!(outsider.status(), 403);

    let ended: Value = step("end").await.json().await.unwrap();
    assert_eq!(ended["status"], "ended");
    for action in ["resume", "suspend", "end", "sign"] {
        assert_eq!(step(action).await.status(), 409, "{action} after the end");
    }
    let amend = send(
        &app,
        reqwest::Method::PUT,
        &format!("/api/v1/agreements/{id}"),
        &token,
        Some(&street_triage_terms()),
    )
    .await;
    assert_eq!(amend.status(), 409);

    let history: Value = app
        .get_with_token(&format!("/api/v1/agreements/{id}/history"), &token)
        .await
        .json()
        .await
        .unwrap();
    let events: Vec<&str> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "created",
            "signed",
            "signed",
            "suspended",
            "resumed",
            "ended"
        ]
    );
    let seqs: Vec<i64> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5, 6]);
}

async fn invalid_terms_are_refused_with_field_errors_and_change_nothing(app: TestApp) {
    let token = ig_token(&app, "ig.lead").await;
    let before = agreement_ids(&app).await;

    let mut unreadable = street_triage_terms();
    unreadable["tier"] = json!("deep");
    unreadable["parties"] = json!(["NMHT", "NOSUCH"]);
    unreadable["purposes"] = json!(["TREAT", "PUBHLTH"]);
    unreadable["grants"][0]["role"] = json!("detective");
    unreadable["grants"][1]["write"] = json!(["crisis-plan", "gossip"]);
    unreadable["starts_on"] = json!("01/01/2026");
    let response = post(&app, "/api/v1/agreements", &token, Some(&unreadable)).await;
    assert_eq!(response.status(), 400);
    let body = problem(response).await;
    assert_eq!(body["type"], "/problems/invalid-input");
    assert_eq!(
        fields(&body),
        [
            "tier",
            "parties[1]",
            "purposes[1]",
            "grants[0].role",
            "grants[1].write[1]",
            "starts_on"
        ]
    );
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("no organisation with code `NOSUCH`"));

    let cases: [(&str, Value, &str, &str); 6] = [
        (
            "tier",
            json!({"tier": "exchange"}),
            "grants[0]",
            "`exchange` tier does not allow sharing `crisis-plan`",
        ),
        (
            "dates",
            json!({"ends_on": "2025-06-01"}),
            "ends_on",
            "the end date must be after the start date",
        ),
        (
            "review",
            json!({"review_on": "2029-01-01"}),
            "review_on",
            "the review date must fall within the agreement's term",
        ),
        (
            "one party",
            json!({"parties": ["NMHT"]}),
            "parties",
            "at least two parties",
        ),
        (
            "own organisation",
            json!({"parties": ["NSPOL", "NSASC"]}),
            "parties",
            "Northshire Mental Health NHS Foundation Trust, must be one of the parties",
        ),
        (
            "commissioning",
            json!({"purposes": ["TREAT", "HOPERAT"]}),
            "purposes",
            "de-identified aggregates only",
        ),
    ];
    for (case, change, field, message) in cases {
        let mut terms = street_triage_terms();
        for (key, value) in change.as_object().unwrap() {
            terms[key] = value.clone();
        }
        let response = post(&app, "/api/v1/agreements", &token, Some(&terms)).await;
        assert_eq!(response.status(), 400, "{case}");
        let body = problem(response).await;
        assert_eq!(fields(&body), [field], "{case}: {body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(message),
            "{case}: {body}"
        );
    }

    // Not the expected shape at all.
    let mut malformed = street_triage_terms();
    malformed["parties"] = json!("NMHT, NSPOL");
    let response = post(&app, "/api/v1/agreements", &token, Some(&malformed)).await;
    assert_eq!(response.status(), 400);
    assert_eq!(problem(response).await["type"], "/problems/malformed-body");

    assert_eq!(agreement_ids(&app).await, before, "nothing was created");

    // A bad amendment leaves the agreement as it was.
    let id = draft(&app, "ig.lead", &street_triage_terms()).await;
    let mut bad = street_triage_terms();
    bad["review_on"] = json!("2030-01-01");
    let response = send(
        &app,
        reqwest::Method::PUT,
        &format!("/api/v1/agreements/{id}"),
        &token,
        Some(&bad),
    )
    .await;
    assert_eq!(response.status(), 400);
    let unchanged = agreement(&app, &id).await;
    assert_eq!(unchanged["version"], 1);
    assert_eq!(unchanged["review_on"], "2026-12-01");
}

async fn an_unknown_agreement_is_not_found(app: TestApp) {
    let token = ig_token(&app, "ig.lead").await;
    for path in [
        "/api/v1/agreements/0190b3a4-7c1e-7d2f-8a6b-1c2d3e4f5a6b",
        "/api/v1/agreements/not-an-id",
        "/api/v1/agreements/0190b3a4-7c1e-7d2f-8a6b-1c2d3e4f5a6b/history",
    ] {
        let response = app.get_with_token(path, &token).await;
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(problem(response).await["type"], "/problems/not-found");
    }
    let sign = post(
        &app,
        "/api/v1/agreements/0190b3a4-7c1e-7d2f-8a6b-1c2d3e4f5a6b/sign",
        &token,
        None,
    )
    .await;
    assert_eq!(sign.status(), 404);
}

crate::on_both_stores!(
    an_agreement_is_active_only_once_every_party_has_signed_for_itself,
    only_information_governance_leads_manage_agreements,
    an_amendment_is_a_new_unsigned_version_with_its_history,
    suspension_resumption_and_ending_follow_the_lifecycle,
    invalid_terms_are_refused_with_field_errors_and_change_nothing,
    an_unknown_agreement_is_not_found,
);
