//! `_lastUpdated`: a search by patient narrowed to what changed in a
//! window, read from `meta.lastUpdated`; offered only by the types that
//! say when they changed, and a value that does not read is a 400.

use super::{garys_contact, get};
use crate::fixtures::{person_id, GARY};
use crate::harness::TestApp;

fn ids(bundle: &serde_json::Value) -> Vec<String> {
    bundle["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["resource"]["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_search_narrows_to_what_changed_in_a_window(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    // The test clock starts at 2026-03-03 09:00 UTC.
    let first = garys_contact(&app, "crisis-line-call").await;
    app.clock.advance(chrono::Duration::days(1));
    let second = garys_contact(&app, "admission").await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let search =
        |window: &str| format!("/fhir/Encounter?patient=Patient/{gary}&_lastUpdated={window}");
    for (window, expected) in [
        ("2026-03-03", vec![first.clone()]),
        ("ge2026-03-04", vec![second.clone()]),
        ("gt2026-03-03T09:00:00Z", vec![second.clone()]),
        ("lt2026-03-04", vec![first.clone()]),
        ("2026-03-01", vec![]),
    ] {
        let found = get(&app, &nurse, &search(window)).await;
        assert_eq!(found.status, 200, "{window}: {}", found.text);
        let found = ids(&found.json());
        for id in &expected {
            assert!(found.contains(id), "{window}: {found:?}");
        }
        for id in [&first, &second] {
            assert_eq!(
                found.contains(id),
                expected.contains(id),
                "{window}: {found:?}"
            );
        }
    }
    // Two windows narrow together.
    let both = get(
        &app,
        &nurse,
        &format!("{}&_lastUpdated=lt2026-03-05", search("ge2026-03-04")),
    )
    .await;
    assert_eq!(ids(&both.json()), vec![second.clone()]);
    let bad = get(&app, &nurse, &search("last-week")).await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.issue(), "invalid");
    // A type that does not say when it changed does not offer it.
    let flags = get(
        &app,
        &nurse,
        &format!("/fhir/Flag?patient=Patient/{gary}&_lastUpdated=ge2026-01-01"),
    )
    .await;
    assert_eq!(flags.status, 400);
    assert_eq!(flags.issue(), "not-supported");
}

crate::on_both_stores!(a_search_narrows_to_what_changed_in_a_window);
