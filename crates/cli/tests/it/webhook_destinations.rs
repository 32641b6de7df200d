//! Issue 11: webhooks do not reach inside the deployment's network. An
//! address of the machine or its private networks, however the URL spells
//! it, is refused when an administrator registers it; a webhook that
//! points there anyway (its name resolved elsewhere when it was
//! registered) is refused at delivery, with nothing sent; a named network
//! is reachable; no redirect is followed; and the delivery log says what
//! became of an attempt in a class, never in the receiver's words.

use concordat_server::webhooks::Destinations;
use concordat_server::ServerConfig;
use concordat_store::webhooks::{Webhook, WebhookSecret};
use serde_json::json;

use crate::fixtures::{get_json, page, post_json, signed_in, user};
use crate::harness::{problem, TestApp};
use crate::receivers::{HookReceiver, RECEIVER_WORDS};
use crate::webhooks::{attendance, local_receivers};

const SECRET: &str = "northshire-mh-webhook-secret";

/// Plain HTTP allowed and no network named: what is refused is refused
/// for its address alone.
pub fn plain_http(config: &mut ServerConfig) {
    config.delivery.webhooks = Destinations {
        allow_http: true,
        allowed_networks: Vec::new(),
    };
}

/// Every spelling of an internal address the issue names, and more.
fn internal_urls(port: u16) -> Vec<String> {
    let mut urls: Vec<String> = [
        "http://127.0.0.1:{port}/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:22/",
        "http://localhost:5432/",
        "http://LOCALHOST.:{port}/hook",
        "http://api.localhost/",
        "http://0.0.0.0:8080/",
        "http://2130706433/",
        "http://0x7f.1:{port}/hook",
        "http://0177.0.0.1/",
        "http://127.1/",
        "http://[::ffff:127.0.0.1]:{port}/hook",
        "http://[::ffff:a9fe:a9fe]/",
        "http://[::127.0.0.1]/",
        "http://[64:ff9b::7f00:1]/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://10.0.0.5/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://224.0.0.1/",
        "http://255.255.255.255/",
    ]
    .iter()
    .map(|u| u.replace("{port}", &port.to_string()))
    .collect();
    urls.push(format!("https://127.0.0.1:{port}/hook"));
    urls
}

async fn register(app: &TestApp, token: &str, url: &str) -> reqwest::Response {
    post_json(
        app,
        token,
        "/api/v1/webhooks",
        json!({"url": url, "secret": SECRET}),
    )
    .await
}

async fn internal_addresses_are_refused_at_registration_however_spelt(app: TestApp) {
    let admin = app.token_for("admin", "TREAT").await;
    let receiver = HookReceiver::start(SECRET, 0).await;

    for url in internal_urls(receiver.port()) {
        let refused = register(&app, &admin, &url).await;

        assert_eq!(refused.status(), 400, "{url}");
        let problem = problem(refused).await;
        assert_eq!(problem["type"], "/problems/invalid-input");
        assert_eq!(problem["errors"][0]["field"], "url", "{url}");
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("may not reach"), "{url}: {message}");
    }
    let (_, listed) = get_json(&app, &admin, "/api/v1/webhooks").await;
    assert_eq!(listed, json!([]));
}

async fn plain_http_is_refused_unless_the_deployment_allows_it(app: TestApp) {
    let admin = app.token_for("admin", "TREAT").await;

    let refused = register(&app, &admin, "http://hooks.example.org/concordat").await;

    assert_eq!(refused.status(), 400);
    let problem = problem(refused).await;
    assert_eq!(problem["errors"][0]["field"], "url");
    assert!(problem["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("https only"));
    // The same host over HTTPS is accepted: its name resolves to nothing
    // inside (or, here, to nothing yet), and each delivery checks again.
    let accepted = register(&app, &admin, "https://hooks.example.org/concordat").await;
    assert_eq!(accepted.status(), 201);
}

/// Writes a webhook of the demo admin's organisation straight into the
/// store, as if it had been registered while its name pointed elsewhere.
pub async fn planted(app: &TestApp, url: &str) {
    let admin = user(app, "admin").await;
    let mut tx = app.store.write().await.unwrap();
    concordat_store::webhooks::insert_webhook(
        &mut tx,
        &Webhook {
            id: uuid::Uuid::new_v4(),
            organisation: admin.organisation_id(),
            url: url.to_owned(),
            secret: WebhookSecret::new(SECRET.into()),
            created_by: admin.id(),
            created_at: concordat_server::Clock::now(&app.clock),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn a_webhook_pointing_inside_is_refused_at_delivery_and_nothing_reaches_it(app: TestApp) {
    let receiver = HookReceiver::start(SECRET, 0).await;
    let port = receiver.port();
    let inside = [
        format!("http://127.0.0.1:{port}/hook"),
        format!("http://localhost:{port}/hook"),
        format!("http://LOCALHOST.:{port}/hook"),
        format!("http://2130706433:{port}/hook"),
        format!("http://0.0.0.0:{port}/hook"),
        format!("http://[::ffff:127.0.0.1]:{port}/hook"),
        format!("http://[::1]:{port}/hook"),
    ];
    for url in &inside {
        planted(&app, url).await;
    }

    attendance(&app, "SSRF-1").await;
    app.run_jobs().await;

    assert!(receiver.hits().is_empty(), "nothing reached the receiver");
    let admin = app.token_for("admin", "TREAT").await;
    let (status, log) = get_json(&app, &admin, "/api/v1/webhooks/deliveries").await;
    assert_eq!(status, 200);
    let deliveries = log.as_array().unwrap();
    assert_eq!(deliveries.len(), inside.len());
    for delivery in deliveries {
        assert_eq!(delivery["status"], "dead", "{delivery}");
        assert_eq!(delivery["last_error"], "address-refused", "{delivery}");
        assert_eq!(
            delivery["attempts"],
            json!([{
                "attempt": 1,
                "at": delivery["attempts"][0]["at"],
                "outcome": "not-sent",
                "status_code": null,
                "detail": "address-refused",
            }]),
        );
    }
    let browser = signed_in(&app, "admin").await;
    let (_, html) = page(&app, &browser, "/admin/webhooks").await;
    assert!(html.contains("address-refused"), "{html}");
}

async fn a_named_network_is_reachable_by_address_and_by_name(app: TestApp) {
    let admin = app.token_for("admin", "TREAT").await;
    let by_address = HookReceiver::start(SECRET, 0).await;
    let by_name = HookReceiver::start(SECRET, 0).await;
    assert_eq!(register(&app, &admin, &by_address.url).await.status(), 201);
    // The name resolves to 127.0.0.1 (allowed) and ::1 (not): the client
    // connects to the one allowed.
    let named = format!("http://localhost:{}/hook", by_name.port());
    assert_eq!(register(&app, &admin, &named).await.status(), 201);
    // Outside the named network: still refused.
    let beside = register(&app, &admin, "http://127.0.0.2/hook").await;
    assert_eq!(beside.status(), 400);

    attendance(&app, "SSRF-2").await;
    app.run_jobs().await;

    assert_eq!(by_address.hits().len(), 1);
    assert_eq!(by_name.hits().len(), 1);
    assert!(by_name.hits()[0].signature_valid);
}

async fn the_delivery_log_keeps_a_class_never_the_receivers_words(app: TestApp) {
    let admin = app.token_for("admin", "TREAT").await;
    let failing = HookReceiver::start(SECRET, 1).await;
    let beyond = HookReceiver::start(SECRET, 0).await;
    let redirecting = HookReceiver::redirecting_to(&beyond.url).await;
    let gone = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        format!("http://127.0.0.1:{port}/hook")
    };
    for url in [&failing.url, &redirecting.url, &gone] {
        assert_eq!(register(&app, &admin, url).await.status(), 201);
    }

    attendance(&app, "SSRF-3").await;
    app.run_jobs().await;

    assert_eq!(failing.hits()[0].answered, 500);
    assert_eq!(redirecting.hits()[0].answered, 307);
    assert!(beyond.hits().is_empty(), "the redirect was not followed");
    let (_, log) = get_json(&app, &admin, "/api/v1/webhooks/deliveries").await;
    let classes = |url: &str| {
        log.as_array()
            .unwrap()
            .iter()
            .find(|d| d["url"] == url)
            .map(|d| {
                (
                    d["attempts"][0]["detail"].clone(),
                    d["attempts"][0]["status_code"].clone(),
                    d["last_error"].clone(),
                )
            })
            .expect("a delivery to each endpoint")
    };
    assert_eq!(
        classes(&failing.url),
        (
            json!("receiver-rejected"),
            json!(500),
            json!("receiver-rejected")
        )
    );
    assert_eq!(
        classes(&redirecting.url),
        (
            json!("receiver-rejected"),
            json!(307),
            json!("receiver-rejected")
        )
    );
    assert_eq!(
        classes(&gone),
        (json!("unreachable"), json!(null), json!("unreachable"))
    );
    let browser = signed_in(&app, "admin").await;
    let (_, html) = page(&app, &browser, "/admin/webhooks").await;
    assert!(html.contains("receiver-rejected (HTTP 500)"), "{html}");
    assert!(html.contains("unreachable"), "{html}");
    for said in [log.to_string(), html] {
        for words in [
            RECEIVER_WORDS,
            "Internal Server Error",
            "Temporary Redirect",
            "error sending request",
            "onnection refused",
            "tcp connect",
        ] {
            assert!(!said.contains(words), "`{words}` shown: {said}");
        }
    }
}

crate::on_both_stores!(plain_http_is_refused_unless_the_deployment_allows_it);

crate::on_both_stores!(with_plain_http with plain_http:
    internal_addresses_are_refused_at_registration_however_spelt,
    a_webhook_pointing_inside_is_refused_at_delivery_and_nothing_reaches_it,
);

crate::on_both_stores!(with_local_receivers with local_receivers:
    a_named_network_is_reachable_by_address_and_by_name,
    the_delivery_log_keeps_a_class_never_the_receivers_words,
);
