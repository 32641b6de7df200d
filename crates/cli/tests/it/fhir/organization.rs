//! `Organization` over FHIR: the partnership's organisations, for any
//! signed-in caller and no one else.

use super::get;
use crate::fixtures::user;
use crate::harness::TestApp;

async fn organisations_are_read_and_searched_by_name_with_a_token(app: TestApp) {
    let police = user(&app, "police").await;
    let id = police.organisation_id().to_string();
    let token = app.token_for("charity.worker", "TREAT").await;

    let all = get(&app, &token, "/fhir/Organization").await;
    assert_eq!(all.status, 200, "{}", all.text);
    let all = all.json();
    let listed = all["entry"].as_array().unwrap();
    assert!(listed.len() >= 5, "{all}");
    let read = get(&app, &token, &format!("/fhir/Organization/{id}")).await;
    assert_eq!(read.status, 200, "{}", read.text);
    let org = read.json();
    assert_eq!(org["resourceType"], "Organization");
    assert_eq!(
        org["identifier"][0]["system"],
        "urn:concordat:fhir:identifier:organisation-code"
    );
    assert_eq!(org["identifier"][0]["value"], "NSPOL");
    assert_eq!(org["type"][0]["coding"][0]["code"], "govt");
    assert_eq!(org["type"][0]["coding"][1]["code"], "police");
    assert!(
        listed.iter().any(|e| e["resource"] == org),
        "read and search agree"
    );

    let name = org["name"].as_str().unwrap();
    let start: String = name.chars().take(6).collect::<String>().to_lowercase();
    let by_name = get(&app, &token, &format!("/fhir/Organization?name={start}"))
        .await
        .json();
    let names: Vec<&str> = by_name["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"]["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&name), "{names:?}");
    assert!(names.iter().all(|n| n.to_lowercase().starts_with(&start)));
    let none = get(&app, &token, "/fhir/Organization?name=zzzz-no-such").await;
    assert_eq!(none.json()["total"], 0);

    let absent = get(
        &app,
        &token,
        &format!("/fhir/Organization/{}", uuid::Uuid::new_v4()),
    )
    .await;
    assert_eq!(absent.status, 404);
    assert_eq!(absent.issue(), "not-found");
    let unknown = get(&app, &token, "/fhir/Organization?type=prov").await;
    assert_eq!(unknown.status, 400);
}

async fn organisations_need_a_token(app: TestApp) {
    let police = user(&app, "police").await;
    for path in [
        "/fhir/Organization".to_owned(),
        format!("/fhir/Organization/{}", police.organisation_id()),
    ] {
        let none = get(&app, "", &path).await;
        assert_eq!(none.status, 401, "{path}");
        assert_eq!(none.issue(), "login");
    }
}

crate::on_both_stores!(
    organisations_are_read_and_searched_by_name_with_a_token,
    organisations_need_a_token,
);
