//! `/metrics`, on an address of its own: requests by route template and
//! status, access decisions by outcome, the audit writer's batches, the job
//! queue and failed webhook attempts — and no label that names anyone; the
//! record's address serves no metrics; every answer carries a request id of
//! the server's own making.

use concordat_server::ServerConfig;

use crate::fixtures::{count, get_json, person_id, texts, GARY};
use crate::harness::TestApp;
use crate::webhook_destinations::{plain_http, planted};
use crate::webhooks::attendance;

fn with_metrics(config: &mut ServerConfig) {
    plain_http(config);
    config.metrics_addr = Some("127.0.0.1:0".parse().unwrap());
}

async fn scrape(app: &TestApp) -> String {
    let base = app.metrics_base.as_ref().expect("a metrics address");
    let answer = reqwest::get(format!("{base}/metrics")).await.unwrap();
    assert_eq!(answer.status(), 200);
    let kind = answer.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    answer.text().await.unwrap()
}

/// The value of the sample `name{labels}` exactly as written, if present.
fn sample(exposition: &str, series: &str) -> Option<f64> {
    exposition.lines().find_map(|line| {
        let (name, value) = line.rsplit_once(' ')?;
        (name == series).then(|| value.parse().unwrap())
    })
}

/// Every label value in the exposition.
fn label_values(exposition: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in exposition.lines().filter(|l| !l.starts_with('#')) {
        let Some((_, rest)) = line.split_once('{') else {
            continue;
        };
        let Some((labels, _)) = rest.rsplit_once('}') else {
            continue;
        };
        for pair in labels.split("\",") {
            if let Some((_, value)) = pair.split_once("=\"") {
                out.push(value.trim_end_matches('"').to_owned());
            }
        }
    }
    out
}

fn is_uuid_like(value: &str) -> bool {
    value
        .split(|c: char| !c.is_ascii_hexdigit() && c != '-')
        .any(|part| uuid::Uuid::parse_str(part).is_ok())
}

async fn metrics_count_by_route_and_outcome_and_name_no_one(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let gp = app.token_for("gp", "TREAT").await;
    let police = app.token_for("police", "ETREAT").await;
    let (status, _) = get_json(&app, &gp, &format!("/api/v1/persons/{gary}")).await;
    assert_eq!(status, 200);
    // A stranger's read of Gary and of no one: both the 404 for no one.
    let (status, _) = get_json(&app, &police, &format!("/api/v1/persons/{gary}")).await;
    assert_eq!(status, 404);
    let nobody = uuid::Uuid::new_v4();
    let (status, _) = get_json(&app, &gp, &format!("/api/v1/persons/{nobody}")).await;
    assert_eq!(status, 404);
    let lost = app.get(&format!("/no/such/page/{GARY}")).await;
    assert_eq!(lost.status(), 404);
    // A webhook planted inside the network, refused at delivery.
    planted(&app, "http://127.0.0.1:9/hook").await;
    attendance(&app, "METRICS-1").await;
    app.run_jobs().await;

    // Two refreshes waiting: one ten minutes late, one not yet due.
    let now = concordat_server::Clock::now(&app.clock);
    {
        let mut tx = app.store.write().await.unwrap();
        for (step, run_at) in [
            (1, now - chrono::Duration::minutes(10)),
            (2, now + chrono::Duration::hours(1)),
        ] {
            let kind = concordat_server::outcomes::job::KIND;
            concordat_store::jobs::schedule(&mut tx, kind, "metrics", step, run_at, "", now)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }

    let exposition = scrape(&app).await;
    let route = "route=\"/api/v1/persons/{id}\"";
    let read_ok = format!("concordat_http_requests_total{{method=\"GET\",{route},status=\"200\"}}");
    let read_404 =
        format!("concordat_http_requests_total{{method=\"GET\",{route},status=\"404\"}}");
    assert_eq!(sample(&exposition, &read_ok), Some(1.0), "{exposition}");
    assert_eq!(sample(&exposition, &read_404), Some(2.0), "{exposition}");
    let unmatched =
        "concordat_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}";
    assert_eq!(sample(&exposition, unmatched), Some(1.0), "{exposition}");
    let timed = format!("concordat_http_request_duration_seconds_count{{method=\"GET\",{route}}}");
    assert_eq!(sample(&exposition, &timed), Some(3.0), "{exposition}");

    let decided = |category: &str, outcome: &str| {
        sample(
            &exposition,
            &format!(
                "concordat_access_decisions_total{{action=\"read\",category=\"{category}\",outcome=\"{outcome}\"}}"
            ),
        )
        .unwrap_or(0.0)
    };
    assert!(decided("demographics", "allowed") >= 1.0, "{exposition}");
    assert!(decided("demographics", "denied") >= 2.0, "{exposition}");

    // Every audit entry written went through a counted batch.
    let entries = count(&app, "SELECT COUNT(*) AS n FROM audit_log").await as f64;
    let batched = sample(
        &exposition,
        "concordat_audit_batch_entries_sum{outcome=\"committed\"}",
    )
    .unwrap();
    assert!(
        batched >= 1.0 && batched <= entries,
        "{batched} of {entries}"
    );
    assert!(
        sample(
            &exposition,
            "concordat_audit_commit_duration_seconds_count{outcome=\"committed\"}"
        )
        .unwrap()
            >= 1.0
    );

    let refused = "concordat_webhook_failed_attempts_total{class=\"address-refused\"}";
    assert_eq!(sample(&exposition, refused), Some(1.0), "{exposition}");

    // The queue as the store holds it, kind by kind.
    let kinds = texts(
        &app,
        "SELECT DISTINCT kind FROM jobs WHERE status = 'pending' ORDER BY kind",
        "kind",
    )
    .await;
    assert!(!kinds.is_empty(), "the partnership has jobs waiting");
    let late = "concordat_jobs_oldest_due_seconds{kind=\"outcomes-refresh\"}";
    assert_eq!(sample(&exposition, late), Some(600.0), "{exposition}");
    for kind in &kinds {
        let waiting = count(
            &app,
            &format!("SELECT COUNT(*) AS n FROM jobs WHERE status = 'pending' AND kind = '{kind}'"),
        )
        .await as f64;
        let series = format!("concordat_jobs_waiting{{kind=\"{kind}\"}}");
        assert_eq!(sample(&exposition, &series), Some(waiting), "{kind}");
    }

    // No label names a person, an account or anything typed by a caller.
    let usernames = texts(&app, "SELECT username FROM users", "username").await;
    for value in label_values(&exposition) {
        assert!(!is_uuid_like(&value), "an id in a label: {value}");
        assert!(!value.contains(GARY), "an NHS number in a label: {value}");
        assert!(
            !usernames.contains(&value),
            "a username as a label: {value}"
        );
    }
    assert!(!exposition.contains(&gary.to_string()));
}

async fn the_records_address_serves_no_metrics_and_ids_are_the_servers(app: TestApp) {
    let gp = app.token_for("gp", "TREAT").await;
    let beside = app.get_with_token("/metrics", &gp).await;
    assert_eq!(beside.status(), 404);
    assert!(!beside
        .text()
        .await
        .unwrap()
        .contains("concordat_http_requests"));

    // A caller's own request id is not taken: the answer names one of the
    // server's making.
    let answer = app
        .client
        .get(app.url("/health/live"))
        .header("x-request-id", GARY)
        .send()
        .await
        .unwrap();
    let id = answer.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_ne!(id, GARY);
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    let again = app.get("/health/live").await;
    assert_ne!(again.headers()["x-request-id"].to_str().unwrap(), id);
}

crate::on_both_stores!(with_metrics with with_metrics:
    metrics_count_by_route_and_outcome_and_name_no_one,
    the_records_address_serves_no_metrics_and_ids_are_the_servers,
);
