//! When the audit log cannot be written, no personal data is shown or
//! changed: every surface answers 503 in its own shape, says to try again,
//! names no one and shows nothing of the record — and serves again by
//! itself once the fault clears, with no restart.

use crate::fixtures::{page, person_id, signed_in, GARY};
use crate::harness::{StoreKind, TestApp};

/// Makes the audit log refuse every entry, as a full disk or a read-only
/// audit file would; `false` takes the fault away.
async fn audit_refuses(app: &TestApp, refusing: bool) {
    let statements: &[&str] = match (app.kind, refusing) {
        (StoreKind::Sqlite, true) => &[
            "CREATE TRIGGER audit.refuse_all BEFORE INSERT ON audit_log \
             BEGIN SELECT RAISE(ABORT, 'disk full'); END",
        ],
        (StoreKind::Sqlite, false) => &["DROP TRIGGER audit.refuse_all"],
        (StoreKind::Postgres, true) => &[
            "CREATE FUNCTION refuse_all() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
            "CREATE TRIGGER refuse_all BEFORE INSERT ON audit_log FOR EACH ROW \
             EXECUTE FUNCTION refuse_all()",
        ],
        (StoreKind::Postgres, false) => &["DROP TRIGGER refuse_all ON audit_log"],
    };
    let mut conn = app.store.read().await.unwrap();
    for sql in statements {
        sqlx::raw_sql(sql).execute(&mut *conn).await.unwrap();
    }
}

async fn no_audit_no_record_on_any_surface_until_the_fault_clears(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let gp = app.token_for("gp", "TREAT").await;
    let browser = signed_in(&app, "gp").await;
    let json_path = format!("/api/v1/persons/{gary}");
    let fhir_path = format!("/fhir/Patient/{gary}");
    let page_path = format!("/persons/{gary}");
    assert_eq!(app.get_with_token(&json_path, &gp).await.status(), 200);

    audit_refuses(&app, true).await;

    let json = app.get_with_token(&json_path, &gp).await;
    assert_eq!(json.status(), 503);
    assert_eq!(json.headers()["retry-after"], "60");
    assert_eq!(json.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = json.json().await.unwrap();
    assert_eq!(problem["type"], "/problems/unavailable");
    assert!(
        problem["detail"].as_str().unwrap().contains("try again"),
        "{problem}"
    );

    let fhir = app.get_with_token(&fhir_path, &gp).await;
    assert_eq!(fhir.status(), 503);
    assert_eq!(fhir.headers()["retry-after"], "60");
    let outcome: serde_json::Value = fhir.json().await.unwrap();
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    assert_eq!(outcome["issue"][0]["code"], "transient");

    let (status, html) = page(&app, &browser, &page_path).await;
    assert_eq!(status, 503);
    assert!(html.contains("try again"), "{html}");

    // A stranger learns nothing either: Gary and no one answer alike.
    let police = app.token_for("police", "ETREAT").await;
    let on_gary = app.get_with_token(&json_path, &police).await;
    let nobody = format!("/api/v1/persons/{}", uuid::Uuid::new_v4());
    let on_nobody = app.get_with_token(&nobody, &police).await;
    assert_eq!(
        (on_gary.status().as_u16(), on_nobody.status().as_u16()),
        (503, 503)
    );
    assert_eq!(
        on_gary.text().await.unwrap(),
        on_nobody.text().await.unwrap()
    );

    // Nothing of Gary anywhere, and not the cause either.
    for body in [problem.to_string(), outcome.to_string(), html] {
        assert!(!body.contains("Gary"), "{body}");
        assert!(!body.contains(GARY), "{body}");
        assert!(
            !body.contains("disk full"),
            "the cause is for the log: {body}"
        );
    }

    audit_refuses(&app, false).await;
    assert_eq!(app.get_with_token(&json_path, &gp).await.status(), 200);
    assert_eq!(app.get_with_token(&fhir_path, &gp).await.status(), 200);
    let (status, html) = page(&app, &browser, &page_path).await;
    assert_eq!(status, 200);
    assert!(html.contains("Gary"));
}

crate::on_both_stores!(no_audit_no_record_on_any_surface_until_the_fault_clears);
