//! Webhooks managed from the pages: an administrator registers an endpoint
//! (its secret made by the server and shown once), sends it a test event
//! that arrives signed, makes a new secret that signs from then on, and
//! removes it; an internal address is refused; another organisation's lead
//! and a practitioner can touch none of it. Each change is in the audit.

use crate::fixtures::*;
use crate::harness::TestApp;
use crate::receivers::{sign, HookReceiver};
use crate::webhooks::local_receivers;

/// The secret shown once on `html`.
fn shown_secret(html: &str) -> String {
    let marker = r#"id="secret" class="wide" value=""#;
    let start = html.find(marker).expect("the secret is shown") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

/// The last hit's type, and whether it was signed with `secret`.
fn last_hit(receiver: &HookReceiver, secret: &str) -> (String, bool) {
    let hit = receiver.hits().last().cloned().expect("a delivery arrived");
    let header = |name: &str| hit.headers[name].to_str().unwrap().to_owned();
    let signed = header("x-concordat-signature")
        == sign(secret, &header("x-concordat-timestamp"), &hit.body);
    let body: serde_json::Value = serde_json::from_str(&hit.body).unwrap();
    (body["type"].as_str().unwrap_or_default().to_owned(), signed)
}

async fn an_admin_registers_tests_rotates_and_removes_an_endpoint(app: TestApp) {
    // The receiver checks no signature of its own here: the secret is the
    // server's to make, and the test checks it.
    let receiver = HookReceiver::start("unknown to the receiver", 0).await;
    let admin = signed_in(&app, "admin").await;
    let (status, html) = page(&app, &admin, "/admin/webhooks").await;
    assert_eq!(status, 200, "{html}");
    assert!(!html.contains("POST /api/v1/webhooks"), "{html}");
    let csrf = csrf_token(&html);

    // An address inside the network is refused, beside the field.
    let inside = post_form(
        &app,
        &admin,
        "/admin/webhooks",
        &[
            ("csrf_token", &csrf),
            ("url", "http://169.254.169.254/latest/meta-data"),
        ],
    )
    .await;
    assert_eq!(inside.status(), 400);
    let html = inside.text().await.unwrap();
    assert!(html.contains(r##"<a href="#url">"##), "{html}");
    assert!(
        html.contains("169.254.169.254"),
        "what was typed stays: {html}"
    );

    let registered = post_form(
        &app,
        &admin,
        "/admin/webhooks",
        &[("csrf_token", &csrf), ("url", &receiver.url)],
    )
    .await;
    assert_eq!(registered.status(), 200);
    let shown = registered.text().await.unwrap();
    assert!(shown.contains("The endpoint is registered"), "{shown}");
    let first = shown_secret(&shown);
    assert!(first.len() >= 32, "{first}");
    let (_, html) = page(&app, &admin, "/admin/webhooks").await;
    assert!(!html.contains(&first), "the secret is never shown again");
    let test = form_action(&html, "/admin/webhooks/");
    let id = test
        .trim_start_matches("/admin/webhooks/")
        .split('/')
        .next()
        .unwrap()
        .to_owned();

    let tested = post_form(
        &app,
        &admin,
        &format!("/admin/webhooks/{id}/test"),
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(tested.status(), 303);
    assert_eq!(location(&tested), "/admin/webhooks?done=tested");
    app.run_jobs().await;
    assert_eq!(last_hit(&receiver, &first), ("test".to_owned(), true));

    // A new secret signs from now on; the old one no longer does.
    let rotated = post_form(
        &app,
        &admin,
        &format!("/admin/webhooks/{id}/secret"),
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(rotated.status(), 200);
    let second = shown_secret(&rotated.text().await.unwrap());
    assert_ne!(first, second);
    post_form(
        &app,
        &admin,
        &format!("/admin/webhooks/{id}/test"),
        &[("csrf_token", &csrf)],
    )
    .await;
    app.run_jobs().await;
    assert_eq!(last_hit(&receiver, &second), ("test".to_owned(), true));
    assert!(!last_hit(&receiver, &first).1);

    // Another organisation's lead, and a practitioner, touch none of it.
    let other = signed_in(&app, "police.ig").await;
    let (_, theirs) = page(&app, &other, "/admin/webhooks").await;
    let other_csrf = csrf_token(&theirs);
    for step in ["test", "secret", "remove"] {
        let refused = post_form(
            &app,
            &other,
            &format!("/admin/webhooks/{id}/{step}"),
            &[("csrf_token", &other_csrf)],
        )
        .await;
        assert_eq!(refused.status(), 404, "{step}");
    }
    let gp = signed_in(&app, "gp").await;
    let (_, home) = page(&app, &gp, "/").await;
    let refused = post_form(
        &app,
        &gp,
        &format!("/admin/webhooks/{id}/remove"),
        &[("csrf_token", &csrf_token(&home))],
    )
    .await;
    assert_eq!(refused.status(), 403);

    let removed = post_form(
        &app,
        &admin,
        &format!("/admin/webhooks/{id}/remove"),
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(removed.status(), 303);
    let (_, html) = page(&app, &admin, "/admin/webhooks?done=removed").await;
    assert!(html.contains("The endpoint is removed"), "{html}");
    assert!(
        !html.contains(&format!("/admin/webhooks/{id}/test")),
        "{html}"
    );
    let gone = post_form(
        &app,
        &admin,
        &format!("/admin/webhooks/{id}/test"),
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(gone.status(), 404);

    // Registered, two tests, a new secret, removed: each in the audit.
    let audited = count(
        &app,
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'administration'",
    )
    .await;
    assert_eq!(audited, 5);
}

crate::on_both_stores!(local with local_receivers:
    an_admin_registers_tests_rotates_and_removes_an_endpoint,
);
