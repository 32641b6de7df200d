//! Searches are paged (`_count`, `_offset`, `next` and `previous` links)
//! over only what the caller may see: the pages together are the whole
//! search, and a stranger's pages are the pages for no one. A search by
//! patient narrows by `status` and by `date`.

use serde_json::Value;

use super::{as_if, garys_contact, get, STRANGERS};
use crate::fixtures::{person_id, GARY};
use crate::harness::TestApp;

fn ids(bundle: &Value) -> Vec<String> {
    bundle["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["resource"]["id"].as_str().unwrap().to_owned())
        .collect()
}

fn link(bundle: &Value, relation: &str) -> Option<String> {
    bundle["link"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["relation"] == relation)
        .map(|l| l["url"].as_str().unwrap().to_owned())
}

/// `url` (absolute, as a link gives it) below the test server.
fn path_of(app: &TestApp, url: &str) -> String {
    url.strip_prefix(&app.url("")).unwrap_or(url).to_owned()
}

async fn a_search_pages_through_what_the_caller_may_see(app: TestApp) {
    for kind in [
        "crisis-line-call",
        "admission",
        "discharge",
        "crisis-line-call",
        "advice-given",
    ] {
        garys_contact(&app, kind).await;
    }
    let gary = person_id(&app, GARY).await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let search = format!("/fhir/Encounter?patient=Patient/{gary}");
    let whole = get(&app, &nurse, &search).await.json();
    assert_eq!(whole["total"], 5);
    assert!(link(&whole, "next").is_none());

    let mut pages = Vec::new();
    let mut next = Some(format!("{search}&_count=2"));
    while let Some(path) = next {
        let page = get(&app, &nurse, &path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.text);
        let page = page.json();
        assert_eq!(page["total"], 5, "every page counts the whole search");
        assert!(ids(&page).len() <= 2);
        next = link(&page, "next").map(|url| path_of(&app, &url));
        pages.push(page);
    }
    assert_eq!(pages.len(), 3);
    assert!(link(&pages[0], "previous").is_none());
    let previous = link(&pages[2], "previous").unwrap();
    assert!(previous.contains("_offset=2"), "{previous}");
    assert_eq!(
        get(&app, &nurse, &path_of(&app, &previous)).await.json(),
        pages[1]
    );
    let paged: Vec<String> = pages.iter().flat_map(ids).collect();
    assert_eq!(
        paged,
        ids(&whole),
        "the pages are the whole search, in order"
    );

    let counted = get(&app, &nurse, &format!("{search}&_count=0"))
        .await
        .json();
    assert_eq!(counted["total"], 5);
    assert!(counted.get("entry").is_none());
    for wrong in ["_count=x", "_count=500", "_offset=-1", "_count=1&_count=2"] {
        let refused = get(&app, &nurse, &format!("{search}&{wrong}")).await;
        assert_eq!(refused.status, 400, "{wrong}: {}", refused.text);
    }
    // A read takes no page.
    let one = &ids(&whole)[0];
    let read = get(&app, &nurse, &format!("/fhir/Encounter/{one}?_count=1")).await;
    assert_eq!(read.status, 400, "{}", read.text);

    // To a stranger, each page is the page for no one.
    let nobody = uuid::Uuid::new_v4().to_string();
    for (who, purpose) in STRANGERS {
        let token = app.token_for(who, purpose).await;
        for page in ["&_count=2", "&_count=2&_offset=2", "&_count=0"] {
            let on_gary = get(&app, &token, &format!("{search}{page}")).await;
            let on_nobody = get(
                &app,
                &token,
                &format!("/fhir/Encounter?patient=Patient/{nobody}{page}"),
            )
            .await;
            assert_eq!(
                as_if(&on_gary, &gary.to_string(), &nobody),
                on_nobody.comparable(),
                "{who} {page}"
            );
        }
    }
}

async fn a_search_narrows_by_status_and_date(app: TestApp) {
    for kind in ["admission", "crisis-line-call"] {
        garys_contact(&app, kind).await;
    }
    let gary = person_id(&app, GARY).await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let search = format!("/fhir/Encounter?patient=Patient/{gary}");
    for (status, found) in [
        ("in-progress", 1),
        ("finished", 1),
        ("finished,in-progress", 2),
        ("cancelled", 0),
    ] {
        let answer = get(&app, &nurse, &format!("{search}&status={status}")).await;
        assert_eq!(answer.status, 200, "{status}: {}", answer.text);
        let answer = answer.json();
        assert_eq!(answer["total"], found, "{status}");
        for id in ids(&answer) {
            let read = get(&app, &nurse, &format!("/fhir/Encounter/{id}"))
                .await
                .json();
            assert!(status.split(',').any(|s| read["status"] == s), "{status}");
        }
    }
    let flags = get(
        &app,
        &nurse,
        &format!("/fhir/Flag?patient=Patient/{gary}&status=active"),
    )
    .await
    .json();
    assert_eq!(flags["total"], 2);
    // And by the day it happened.
    let today = concordat_server::Clock::now(&app.clock).date_naive();
    let tomorrow = today.succ_opt().unwrap();
    for (date, found) in [
        (today.to_string(), 2),
        (format!("ge{today}"), 2),
        (format!("le{today}"), 2),
        (format!("gt{today}"), 0),
        (format!("ge{tomorrow}"), 0),
    ] {
        let answer = get(&app, &nurse, &format!("{search}&date={date}")).await;
        assert_eq!(answer.status, 200, "{date}: {}", answer.text);
        assert_eq!(answer.json()["total"], found, "{date}");
    }
    let wrong = get(&app, &nurse, &format!("{search}&date=yesterday")).await;
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.issue(), "invalid");
    // A type without a status is not narrowed by one.
    let refused = get(
        &app,
        &nurse,
        &format!("/fhir/RelatedPerson?patient=Patient/{gary}&status=active"),
    )
    .await;
    assert_eq!(refused.status, 400);
}

crate::on_both_stores!(
    a_search_pages_through_what_the_caller_may_see,
    a_search_narrows_by_status_and_date,
);
