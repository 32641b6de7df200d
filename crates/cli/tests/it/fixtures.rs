//! Helpers the integration tests share: signing in through the form with its
//! CSRF token, reading pages, finding the demo's people and users, and
//! setting up the relationships a test needs.

use chrono::Duration;
use concordat_domain::consent::{ConsentDirective, ConsentEffect, ConsentScope, RecordedVia};
use concordat_domain::contact_event::ContactKind;
use concordat_domain::ids::{ConsentId, PersonId};
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::user::{User, Username};
use concordat_store::relationships::{CareRelationship, RelationshipKind};
use concordat_store::{consent, persons, relationships, users};
use sqlx::Row;

use crate::harness::{TestApp, DEMO_PASSWORD};

pub const LEAH: &str = "9990000042";
pub const DANIEL: &str = "9990000018";
/// Calls 999 often; an agreed crisis plan and two active flags.
pub const GARY: &str = "9990000034";
/// A first crisis plan still in draft.
pub const CHLOE: &str = "9990000026";

/// The hidden CSRF token in a page's form.
pub fn csrf_token(html: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    let end = html[start..].find('"').expect("closing quote") + start;
    html[start..end].to_owned()
}

/// The first `action="…"` of a form posting to a path that starts `prefix`.
pub fn form_action(html: &str, prefix: &str) -> String {
    let marker = format!(r#"action="{prefix}"#);
    let start = html.find(&marker).expect("page has the form") + r#"action=""#.len();
    let end = html[start..].find('"').expect("closing quote") + start;
    html[start..end].to_owned()
}

/// A browser signed in as a demo user.
pub async fn signed_in(app: &TestApp, username: &str) -> reqwest::Client {
    let client = app.new_client();
    let form = client.get(app.url("/sign-in")).send().await.unwrap();
    let token = csrf_token(&form.text().await.unwrap());
    let response = client
        .post(app.url("/sign-in"))
        .form(&[
            ("username", username),
            ("password", DEMO_PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "{username} signs in");
    client
}

pub async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let response = client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

pub async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client.post(app.url(path)).form(form).send().await.unwrap()
}

/// The record page found by NHS number through the find form (a POST, so
/// that the number never reaches an address), read for `purpose` if given.
pub async fn find_by_nhs(
    app: &TestApp,
    client: &reqwest::Client,
    nhs: &str,
    purpose: Option<&str>,
) -> (u16, String) {
    let (_, form) = page(app, client, "/persons").await;
    let csrf = csrf_token(&form);
    let mut fields = vec![("csrf_token", csrf.as_str()), ("nhs_number", nhs)];
    fields.extend(purpose.map(|p| ("purpose", p)));
    let response = post_form(app, client, "/persons", &fields).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

pub fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

pub async fn person_id(app: &TestApp, nhs: &str) -> PersonId {
    let mut conn = app.store.read().await.unwrap();
    persons::person_by_nhs_number(&mut conn, &NhsNumber::parse(nhs).unwrap())
        .await
        .unwrap()
        .expect("scenario person")
        .id()
}

pub async fn user(app: &TestApp, username: &str) -> User {
    let mut conn = app.store.read().await.unwrap();
    users::user_by_username(&mut conn, &Username::parse(username).unwrap())
        .await
        .unwrap()
        .expect("demo user")
}

/// Records, in person, the person's refusal of whatever `scope` covers.
pub async fn record_refusal(
    app: &TestApp,
    person: PersonId,
    scope: ConsentScope,
    by: &User,
) -> ConsentDirective {
    let refusal = ConsentDirective::new(
        ConsentId::new(),
        person,
        ConsentEffect::Deny,
        scope,
        by.id(),
        concordat_server::Clock::now(&app.clock),
        RecordedVia::InPerson,
        None,
        None,
    )
    .unwrap();
    let mut tx = app.store.write().await.unwrap();
    consent::insert_directive(&mut tx, &refusal).await.unwrap();
    tx.commit().await.unwrap();
    refusal
}

/// Street triage in progress: the police have a live contact with the person.
pub async fn open_street_triage(app: &TestApp, person: PersonId, officer: &User) {
    open_contact(app, person, officer, None, Duration::hours(4)).await;
}

/// A contact `officer` attended, of `kind` if given, open for `lasts`:
/// what their organisation's record of it leaves.
pub async fn open_contact(
    app: &TestApp,
    person: PersonId,
    officer: &User,
    kind: Option<ContactKind>,
    lasts: Duration,
) {
    let now = concordat_server::Clock::now(&app.clock);
    let mut tx = app.store.write().await.unwrap();
    relationships::insert_relationship(
        &mut tx,
        &CareRelationship {
            id: uuid::Uuid::new_v4(),
            person,
            organisation: officer.organisation_id(),
            user: Some(officer.id()),
            team: None,
            contact_kind: kind,
            kind: RelationshipKind::ActiveContact,
            reason: kind
                .map_or("street triage in progress", ContactKind::label)
                .into(),
            started_at: now,
            ends_at: now + lasts,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

pub async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.store.read().await.unwrap();
    sqlx::query(sql)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .get::<i64, _>("n")
}

/// The text column `column` of every row `sql` selects, in its order.
pub async fn texts(app: &TestApp, sql: &str, column: &str) -> Vec<String> {
    let mut conn = app.store.read().await.unwrap();
    sqlx::query(sql)
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>(column))
        .collect()
}

/// Daniel's record read `times` times by his GP through the API: audit
/// entries enough to fill pages.
pub async fn gp_reads_daniel(app: &TestApp, times: usize) {
    let token = app.token_for("gp", "TREAT").await;
    for _ in 0..times {
        let read = app
            .get_with_token(&format!("/api/v1/persons?nhs_number={DANIEL}"), &token)
            .await;
        assert_eq!(read.status(), 200);
    }
}

/// `POST`s `body` as JSON with `token`.
pub async fn post_json(
    app: &TestApp,
    token: &str,
    path: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Posts `body` as `token` to `path` and to `unknown` (the same route for
/// an id that names nothing): both must answer 404 with the same detail,
/// so the first tells the caller nothing of what `path` names.
pub async fn posts_alike_as_for_nothing(
    app: &TestApp,
    token: &str,
    path: &str,
    unknown: &str,
    body: serde_json::Value,
) {
    let real = post_json(app, token, path, body.clone()).await;
    let none = post_json(app, token, unknown, body).await;
    assert_eq!((real.status().as_u16(), none.status().as_u16()), (404, 404));
    let (real, none): (serde_json::Value, serde_json::Value) =
        (real.json().await.unwrap(), none.json().await.unwrap());
    assert_eq!(real["detail"], none["detail"]);
}

/// `GET /api/v1/crisis-lookup` for the person with NHS number `nhs`,
/// giving `reason` (spaces encoded).
pub fn crisis_look_up_path(nhs: &str, reason: &str) -> String {
    format!(
        "/api/v1/crisis-lookup?nhs_number={nhs}&reason={}",
        reason.replace(' ', "%20")
    )
}

/// `GET`s `path` with `token` and reads the JSON answer, whatever its status.
pub async fn get_json(app: &TestApp, token: &str, path: &str) -> (u16, serde_json::Value) {
    let response = app.get_with_token(path, token).await;
    let status = response.status().as_u16();
    (
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    )
}
