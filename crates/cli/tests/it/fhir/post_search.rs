//! `POST /fhir/{Type}/_search`: a search whose parameters come in a form
//! body answers exactly as the `GET` it stands for — the same matches, the
//! same refusals, the same answer for no one.

use super::{as_if, get, Answer, STRANGERS};
use crate::fixtures::{person_id, GARY};
use crate::harness::TestApp;

async fn post(app: &TestApp, token: &str, path: &str, form: &str, media: &str) -> Answer {
    let response = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", media)
        .body(form.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    Answer {
        status,
        headers,
        text: response.text().await.unwrap(),
    }
}

const FORM: &str = "application/x-www-form-urlencoded";

async fn a_search_posted_as_a_form_is_the_search_it_stands_for(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let by_get = get(
        &app,
        &nurse,
        &format!("/fhir/Flag?patient=Patient/{gary}&_count=1"),
    )
    .await;
    let by_post = post(
        &app,
        &nurse,
        "/fhir/Flag/_search?_count=1",
        &format!("patient=Patient%2F{gary}"),
        FORM,
    )
    .await;
    assert_eq!(by_post.status, 200, "{}", by_post.text);
    let (got, posted) = (by_get.json(), by_post.json());
    assert_eq!(posted["total"], got["total"]);
    assert_eq!(posted["entry"], got["entry"]);
    let own = posted["link"][0]["url"].as_str().unwrap();
    assert!(
        own.starts_with(&app.url("/fhir/Flag?")),
        "the GET it stands for: {own}"
    );

    // The NHS number kept out of the address.
    let found = post(
        &app,
        &nurse,
        "/fhir/Patient/_search",
        &format!("identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C{GARY}"),
        FORM,
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.text);
    assert_eq!(found.json()["entry"][0]["resource"]["id"], gary.to_string());

    // A search by name, posted, finds him as the same search asked by GET.
    let by_name = post(&app, &nurse, "/fhir/Patient/_search", "name=Gary", FORM).await;
    assert_eq!(by_name.status, 200, "{}", by_name.text);
    let asked = get(&app, &nurse, "/fhir/Patient?name=Gary").await;
    assert_eq!(by_name.json()["entry"], asked.json()["entry"]);

    for (form, media) in [("phone=0163", FORM), ("patient=x", "application/json")] {
        let refused = post(&app, &nurse, "/fhir/Patient/_search", form, media).await;
        assert_eq!(refused.status, 400, "{form}: {}", refused.text);
        assert_eq!(refused.issue(), "not-supported");
    }
}

async fn a_strangers_posted_search_is_the_answer_for_no_one(app: TestApp) {
    let gary = person_id(&app, GARY).await.to_string();
    let nobody = uuid::Uuid::new_v4().to_string();
    for (who, purpose) in STRANGERS {
        let token = app.token_for(who, purpose).await;
        let on_gary = post(
            &app,
            &token,
            "/fhir/Flag/_search",
            &format!("patient={gary}"),
            FORM,
        )
        .await;
        let on_nobody = post(
            &app,
            &token,
            "/fhir/Flag/_search",
            &format!("patient={nobody}"),
            FORM,
        )
        .await;
        assert_eq!(on_gary.status, 200, "{who}");
        assert_eq!(
            as_if(&on_gary, &gary, &nobody),
            on_nobody.comparable(),
            "{who}"
        );
    }
}

crate::on_both_stores!(
    a_search_posted_as_a_form_is_the_search_it_stands_for,
    a_strangers_posted_search_is_the_answer_for_no_one,
);
