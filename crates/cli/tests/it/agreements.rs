//! Information sharing agreements managed by information governance leads:
//! through the JSON API, the command line and the pages, on both stores. The
//! demo partnership already holds agreements of its own; these tests make
//! their own and never count on how many there were before.

use std::io::Write as _;
use std::process::{Command, Output};

use serde_json::{json, Value};

use crate::fixtures::{csrf_token, page, signed_in};
use crate::harness::{problem, TestApp};

// ----------------------------------------------------------------- helpers

/// Terms between the mental health trust and the police, as an ig-lead
/// would write them.
fn street_triage_terms() -> Value {
    json!({
        "title": "Street triage information sharing",
        "tier": "coordinate",
        "parties": ["NMHT", "NSPOL"],
        "purposes": ["TREAT", "ETREAT"],
        "grants": [
            {"role": "police-officer", "read": ["crisis-plan", "risk"], "write": ["contacts"]},
            {"role": "crisis-clinician", "read": ["crisis-plan", "risk", "contacts"], "write": ["crisis-plan"]}
        ],
        "lawful_basis": {
            "article_6": "Article 6(1)(e) public task",
            "article_9": "Article 9(2)(h) health or social care",
            "dpa_schedule_1": "Schedule 1 Part 1 paragraph 2"
        },
        "starts_on": "2026-01-01",
        "ends_on": "2028-01-01",
        "review_on": "2026-12-01"
    })
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> reqwest::Response {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.expect("request")
}

async fn post(app: &TestApp, path: &str, token: &str, body: Option<&Value>) -> reqwest::Response {
    send(app, reqwest::Method::POST, path, token, body).await
}

async fn ig_token(app: &TestApp, username: &str) -> String {
    app.token_for(username, "TREAT").await
}

/// Drafts `terms` as `username`; returns the agreement's id.
async fn draft(app: &TestApp, username: &str, terms: &Value) -> String {
    let token = ig_token(app, username).await;
    let response = post(app, "/api/v1/agreements", &token, Some(terms)).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = response.json().await.unwrap();
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/api/v1/agreements/{id}"));
    id
}

async fn sign_as(app: &TestApp, username: &str, id: &str) -> reqwest::Response {
    let token = ig_token(app, username).await;
    post(app, &format!("/api/v1/agreements/{id}/sign"), &token, None).await
}

async fn agreement(app: &TestApp, id: &str) -> Value {
    let token = ig_token(app, "ig.lead").await;
    let response = app
        .get_with_token(&format!("/api/v1/agreements/{id}"), &token)
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn agreement_ids(app: &TestApp) -> Vec<String> {
    let token = ig_token(app, "ig.lead").await;
    let response = app.get_with_token("/api/v1/agreements", &token).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["agreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect()
}

fn codes(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

fn fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .expect("field errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

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

// ------------------------------------------------------------ command line

fn concordat(app: &TestApp, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args(args)
        .arg("--database")
        .arg(app.db_url.expose())
        .output()
        .expect("run concordat")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn the_command_line_drafts_signs_and_changes_agreements(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("terms.json");
    std::fs::File::create(&file)
        .unwrap()
        .write_all(street_triage_terms().to_string().as_bytes())
        .unwrap();
    let file = file.to_str().unwrap();
    let before = stdout(&concordat(&app, &["agreement", "list"]));

    let created = concordat(
        &app,
        &["agreement", "create", "--file", file, "--by", "ig.lead"],
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let said = stdout(&created);
    assert!(
        said.starts_with("Drafted “Street triage information sharing”"),
        "{said}"
    );
    assert!(said.contains("Still to sign: NMHT, NSPOL."), "{said}");
    let id = said
        .split(['(', ')'])
        .nth(1)
        .expect("the id in brackets")
        .to_owned();

    let officer = concordat(&app, &["agreement", "sign", &id, "--by", "police"]);
    assert!(!officer.status.success());
    assert!(
        stderr(&officer).contains("only an information governance lead"),
        "{}",
        stderr(&officer)
    );

    let first = concordat(&app, &["agreement", "sign", &id, "--by", "ig.lead"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("Still to sign: NSPOL."),
        "{}",
        stdout(&first)
    );
    let last = concordat(&app, &["agreement", "sign", &id, "--by", "police.ig"]);
    assert!(stdout(&last).contains("it is active"), "{}", stdout(&last));

    let list = stdout(&concordat(&app, &["agreement", "list"]));
    let line = list.lines().find(|l| l.starts_with(&id)).expect("listed");
    assert!(
        line.contains("active") && line.contains("Street triage"),
        "{line}"
    );
    assert_eq!(list.lines().count(), before.lines().count() + 1);

    let suspend = concordat(&app, &["agreement", "suspend", &id, "--by", "police.ig"]);
    assert!(
        stdout(&suspend).contains("is now suspended"),
        "{}",
        stderr(&suspend)
    );
    let again = concordat(&app, &["agreement", "suspend", &id, "--by", "police.ig"]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("can be suspended only when it is active; it is suspended"),
        "{}",
        stderr(&again)
    );
    let resume = concordat(&app, &["agreement", "resume", &id, "--by", "ig.lead"]);
    assert!(
        stdout(&resume).contains("is now active"),
        "{}",
        stderr(&resume)
    );

    let show = stdout(&concordat(&app, &["agreement", "show", &id]));
    assert!(
        show.contains("Northshire Police — signed by police.ig (NSPOL)"),
        "{show}"
    );
    assert!(
        show.contains("police-officer: reads [crisis-plan, risk] records [contacts]"),
        "{show}"
    );
    for event in ["created", "signed", "suspended", "resumed"] {
        assert!(show.contains(event), "{event} in {show}");
    }
}

async fn the_command_line_refuses_bad_terms_and_writes_nothing(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("terms.json");
    let mut terms = street_triage_terms();
    terms["tier"] = json!("exchange");
    terms["parties"] = json!(["NMHT", "NOSUCH"]);
    std::fs::write(&file, terms.to_string()).unwrap();
    let file = file.to_str().unwrap();
    let before = stdout(&concordat(&app, &["agreement", "list"]));

    let refused = concordat(
        &app,
        &["agreement", "create", "--file", file, "--by", "ig.lead"],
    );
    assert!(!refused.status.success());
    let message = stderr(&refused);
    assert!(
        message.contains("parties[1]: there is no organisation with code `NOSUCH`"),
        "{message}"
    );

    std::fs::write(dir.path().join("broken.json"), "{\"title\": ").unwrap();
    let broken = concordat(
        &app,
        &[
            "agreement",
            "create",
            "--file",
            dir.path().join("broken.json").to_str().unwrap(),
            "--by",
            "ig.lead",
        ],
    );
    assert!(
        stderr(&broken).contains("is not a terms file"),
        "{}",
        stderr(&broken)
    );

    let nobody = concordat(
        &app,
        &["agreement", "create", "--file", file, "--by", "nobody"],
    );
    assert!(
        stderr(&nobody).contains("there is no user `nobody`"),
        "{}",
        stderr(&nobody)
    );

    let unknown = concordat(
        &app,
        &["agreement", "show", "0190b3a4-7c1e-7d2f-8a6b-1c2d3e4f5a6b"],
    );
    assert!(
        stderr(&unknown).contains("there is no agreement"),
        "{}",
        stderr(&unknown)
    );

    assert_eq!(stdout(&concordat(&app, &["agreement", "list"])), before);
}

// ------------------------------------------------------------------- pages

/// The street-triage terms as the agreement form posts them.
fn street_triage_form(csrf: &str) -> Vec<(&'static str, String)> {
    [
        ("csrf_token", csrf),
        ("title", "Street triage by form"),
        ("tier", "coordinate"),
        ("party", "NMHT"),
        ("party", "NSPOL"),
        ("purpose", "ETREAT"),
        ("read:police-officer", "crisis-plan"),
        ("read:police-officer", "risk"),
        ("write:police-officer", "contacts"),
        ("article_6", "Article 6(1)(e) public task"),
        ("article_9", "Article 9(2)(h) health or social care"),
        ("dpa_schedule_1", "Schedule 1 Part 1 paragraph 2"),
        ("starts_on", "2026-01-01"),
        ("ends_on", ""),
        ("review_on", "2026-09-01"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

async fn an_ig_lead_lists_views_drafts_and_signs_agreements_in_the_pages(app: TestApp) {
    let lead = signed_in(&app, "ig.lead").await;
    let (status, home) = page(&app, &lead, "/").await;
    assert_eq!(status, 200);
    assert!(
        home.contains(r#"href="/agreements""#),
        "the home page links to them"
    );

    let (status, new) = page(&app, &lead, "/agreements/new").await;
    assert_eq!(status, 200);
    let csrf = csrf_token(&new);
    let response = lead
        .post(app.url("/agreements"))
        .form(&street_triage_form(&csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("?done=created"), "{location}");
    let view_path = location.split('?').next().unwrap().to_owned();

    let (status, list) = page(&app, &lead, "/agreements").await;
    assert_eq!(status, 200);
    assert!(list.contains("Street triage by form"), "{list}");
    assert!(list.contains(&format!(r#"href="{view_path}""#)));

    let (status, view) = page(&app, &lead, &location).await;
    assert_eq!(status, 200);
    assert!(view.contains("The draft is saved"), "{view}");
    assert!(view.contains("Coordinated care"));
    assert!(view.contains("Emergency treatment or crisis response"));
    assert!(view.contains("Police officer"));
    assert!(
        view.contains("Crisis plan; Risk and safety flags"),
        "{view}"
    );
    assert!(view.contains("No end date"));
    assert!(view.contains("Still to sign:</strong> Northshire Mental Health NHS Foundation Trust, Northshire Police"), "{view}");
    assert!(view.contains("Sign for Northshire Mental Health NHS Foundation Trust"));
    assert!(!view.contains(">Suspend<"), "a draft cannot be suspended");

    let response = lead
        .post(app.url(&format!("{view_path}/sign")))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let (_, signed) = page(&app, &lead, &format!("{view_path}?done=signed")).await;
    assert!(signed.contains("You have signed this version"), "{signed}");
    assert!(signed.contains("Signed by Ruth Okafor on "), "{signed}");
    assert!(
        !signed.contains("Sign for"),
        "signed once, no second button"
    );

    let police = signed_in(&app, "police.ig").await;
    let (_, theirs) = page(&app, &police, &view_path).await;
    let police_csrf = csrf_token(&theirs);
    assert!(theirs.contains("Sign for Northshire Police"));
    police
        .post(app.url(&format!("{view_path}/sign")))
        .form(&[("csrf_token", police_csrf.as_str())])
        .send()
        .await
        .unwrap();
    let (_, active) = page(&app, &police, &view_path).await;
    assert!(active.contains("In force"), "{active}");
    assert!(active.contains(">Suspend<"));

    // An ig-lead outside the agreement sees it, with no buttons to press.
    let outsider = signed_in(&app, "neds.ig").await;
    let (status, outside) = page(&app, &outsider, &view_path).await;
    assert_eq!(status, 200);
    for button in ["Sign for", ">Suspend<", ">Amend<", "End the agreement"] {
        assert!(!outside.contains(button), "{button}");
    }
}

async fn a_form_that_breaks_a_rule_comes_back_with_the_rule_and_what_was_typed(app: TestApp) {
    let lead = signed_in(&app, "ig.lead").await;
    let (_, new) = page(&app, &lead, "/agreements/new").await;
    let csrf = csrf_token(&new);
    let mut form = street_triage_form(&csrf);
    for (key, value) in &mut form {
        if *key == "tier" {
            *value = "exchange".into();
        }
        if *key == "review_on" {
            *value = "2025-01-01".into();
        }
    }
    let response = lead
        .post(app.url("/agreements"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let html = response.text().await.unwrap();
    assert!(html.contains("The agreement was not saved"), "{html}");
    assert!(
        html.contains("the `exchange` tier does not allow sharing `crisis-plan`"),
        "{html}"
    );
    assert!(
        html.contains(r#"value="Street triage by form""#),
        "the title is kept"
    );
    assert!(
        html.contains(r#"name="read:police-officer" value="risk" checked"#),
        "ticks are kept"
    );
    assert!(html.contains(r#"name="tier" value="exchange" checked"#));
    assert!(html.contains(r#"value="2025-01-01""#));

    let (_, list) = page(&app, &lead, "/agreements").await;
    assert!(!list.contains("Street triage by form"), "nothing was saved");
}

async fn an_ig_lead_amends_an_agreement_through_the_form(app: TestApp) {
    let id = draft(&app, "ig.lead", &street_triage_terms()).await;
    sign_as(&app, "ig.lead", &id).await;
    sign_as(&app, "police.ig", &id).await;
    let lead = signed_in(&app, "ig.lead").await;

    let (status, edit) = page(&app, &lead, &format!("/agreements/{id}/edit")).await;
    assert_eq!(status, 200);
    assert!(edit.contains("Saving makes version 2"), "{edit}");
    assert!(edit.contains(r#"value="Street triage information sharing""#));
    assert!(edit.contains(r#"name="party" value="NSPOL" checked"#));
    assert!(edit.contains(r#"name="write:crisis-clinician" value="crisis-plan" checked"#));
    assert!(edit.contains(r#"value="2028-01-01""#));

    let mut form = street_triage_form(&csrf_token(&edit));
    form.push(("party", "NSASC".to_owned()));
    let response = lead
        .post(app.url(&format!("/agreements/{id}/edit")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let (_, view) = page(
        &app,
        &lead,
        response.headers()["location"].to_str().unwrap(),
    )
    .await;
    assert!(view.contains("Version 2."), "{view}");
    assert!(view.contains("Every party must sign it again"), "{view}");
    let body = agreement(&app, &id).await;
    assert_eq!(body["version"], 2);
    assert_eq!(body["title"], "Street triage by form");
    assert_eq!(
        codes(&body["awaiting_signatures"]),
        ["NMHT", "NSASC", "NSPOL"]
    );

    // An ig-lead outside the agreement cannot open its form.
    let outsider = signed_in(&app, "neds.ig").await;
    let (status, refused) = page(&app, &outsider, &format!("/agreements/{id}/edit")).await;
    assert_eq!(status, 403);
    assert!(
        refused.contains("is not a party to this agreement"),
        "{refused}"
    );
}

async fn agreement_forms_without_the_csrf_token_are_refused(app: TestApp) {
    let id = draft(&app, "ig.lead", &street_triage_terms()).await;
    let lead = signed_in(&app, "ig.lead").await;
    for token in ["", "forged"] {
        let created = lead
            .post(app.url("/agreements"))
            .form(&street_triage_form(token))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 403);
        for action in ["sign", "suspend", "end"] {
            let pressed = lead
                .post(app.url(&format!("/agreements/{id}/{action}")))
                .form(&[("csrf_token", token)])
                .send()
                .await
                .unwrap();
            assert_eq!(pressed.status(), 403, "{action}");
        }
    }
    let (_, list) = page(&app, &lead, "/agreements").await;
    assert!(!list.contains("Street triage by form"));
    let body = agreement(&app, &id).await;
    assert_eq!(body["status"], "draft");
    assert_eq!(body["parties"][0]["signed"], false);
}

async fn staff_without_a_governance_role_cannot_open_the_agreement_pages(app: TestApp) {
    let gp = signed_in(&app, "gp").await;
    let (_, home) = page(&app, &gp, "/").await;
    assert!(!home.contains(r#"href="/agreements""#));
    for path in ["/agreements", "/agreements/new"] {
        let (status, html) = page(&app, &gp, path).await;
        assert_eq!(status, 403, "{path}");
        assert!(html.contains("information governance"), "{html}");
    }
    // An administrator may read them but not draft one.
    let admin = signed_in(&app, "admin").await;
    let (status, list) = page(&app, &admin, "/agreements").await;
    assert_eq!(status, 200);
    assert!(!list.contains("/agreements/new"));
    assert_eq!(page(&app, &admin, "/agreements/new").await.0, 403);
}

crate::on_both_stores!(
    an_agreement_is_active_only_once_every_party_has_signed_for_itself,
    only_information_governance_leads_manage_agreements,
    an_amendment_is_a_new_unsigned_version_with_its_history,
    suspension_resumption_and_ending_follow_the_lifecycle,
    invalid_terms_are_refused_with_field_errors_and_change_nothing,
    an_unknown_agreement_is_not_found,
    the_command_line_drafts_signs_and_changes_agreements,
    the_command_line_refuses_bad_terms_and_writes_nothing,
    an_ig_lead_lists_views_drafts_and_signs_agreements_in_the_pages,
    a_form_that_breaks_a_rule_comes_back_with_the_rule_and_what_was_typed,
    an_ig_lead_amends_an_agreement_through_the_form,
    agreement_forms_without_the_csrf_token_are_refused,
    staff_without_a_governance_role_cannot_open_the_agreement_pages,
);
