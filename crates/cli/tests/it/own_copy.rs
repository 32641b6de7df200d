//! The person's own copy of their record: a page to print and a file to
//! keep, holding the same things — details, care team, every version of
//! the crisis plan, safety flags, contacts with services, who has looked
//! and why — each part read through the access decision for their own
//! access and audited; nobody else has one.

use crate::fixtures::{count, gp_reads_daniel, page, person_id, signed_in, DANIEL};
use crate::harness::TestApp;

crate::on_both_stores!(
    the_person_prints_and_downloads_their_whole_record,
    only_the_person_has_a_copy,
);

async fn own_reads(app: &TestApp) -> i64 {
    let daniel = person_id(app, DANIEL).await;
    count(
        app,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{daniel}' \
             AND purpose = 'PATRQT' AND action = 'read' AND outcome = 'allowed'"
        ),
    )
    .await
}

async fn the_person_prints_and_downloads_their_whole_record(app: TestApp) {
    // His GP has looked, so the access log has something to say; he has
    // asked for his sister's number to be put right.
    gp_reads_daniel(&app, 1).await;
    concordat::demo::corrections::seed_correction(
        &app.store,
        concordat_server::Clock::now(&app.clock),
    )
    .await
    .unwrap();
    // And his care coordinator recorded that he could decide one thing.
    let lead = crate::corrections::daniels_lead(&app).await;
    let staff = app.token_for(&lead, "TREAT").await;
    let daniel = crate::fixtures::person_id(&app, DANIEL).await;
    let assessed = crate::fixtures::post_json(
        &app,
        &staff,
        &format!("/api/v1/persons/{daniel}/capacity/assessments"),
        serde_json::json!({"decision": "Whether to go home today", "outcome": "has-capacity",
                           "reasons": "He weighed it and told us."}),
    )
    .await;
    assert_eq!(assessed.status(), 201);
    let person = signed_in(&app, "person").await;
    let (_, home) = page(&app, &person, "/").await;
    assert!(home.contains(r#"href="/my/copy""#), "offered at home");
    let before = own_reads(&app).await;
    let (status, html) = page(&app, &person, "/my/copy").await;
    assert_eq!(status, 200);
    assert!(html.contains("Daniel Reid"), "{html}");
    assert!(html.contains("999 000 0018"), "{html}");
    assert!(html.contains("What helps"), "the plan: {html}");
    assert!(html.contains("Who has looked at my record"), "{html}");
    assert!(html.contains("<h2>Safety flags</h2>"), "{html}");
    assert!(html.contains("<h2>Contacts with services</h2>"), "{html}");
    assert!(html.contains("<h2>My choices about sharing</h2>"), "{html}");
    assert!(html.contains("<h2>Referrals about me</h2>"), "{html}");
    assert!(html.contains("<h2>Decisions made for me</h2>"), "{html}");
    assert!(html.contains("Whether to go home today"), "{html}");
    assert!(
        html.contains("My sister&#39;s phone number in my plan is an old one."),
        "what he asked to be fixed: {html}"
    );
    assert!(
        html.contains("<strong>Dr Helen Carter</strong><br>GP, Riverside Surgery"),
        "{html}"
    );
    assert!(html.contains(r#"href="/my/copy.json""#), "{html}");
    let after_page = own_reads(&app).await;
    assert!(
        after_page >= before + 4,
        "the record, plan, flags and contacts are each read and audited"
    );

    let file = person.get(app.url("/my/copy.json")).send().await.unwrap();
    assert_eq!(file.status(), 200);
    let headers = file.headers().clone();
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["cache-control"], "no-store");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"my-record-")
            && disposition.ends_with(".json\""),
        "{disposition}"
    );
    let copy: serde_json::Value = file.json().await.unwrap();
    assert_eq!(
        copy["record"]["demographics"]["nhs_number"], DANIEL,
        "{copy}"
    );
    assert!(copy["record"]["care_team"].is_array(), "{copy}");
    let plan = copy["crisis_plan"].as_array().expect("the plan's versions");
    assert!(!plan.is_empty(), "{copy}");
    assert!(plan[0]["sections"].is_object(), "{copy}");
    assert!(copy["safety_flags"].is_array(), "{copy}");
    assert!(copy["contacts"].is_array(), "{copy}");
    assert!(copy["sharing_choices"].is_array(), "{copy}");
    assert!(copy["referrals"].is_array(), "{copy}");
    assert!(copy["cases"].is_array(), "{copy}");
    assert_eq!(
        copy["capacity"]["assessments"][0]["decision"], "Whether to go home today",
        "{copy}"
    );
    assert_eq!(
        copy["corrections"][0]["what_is_wrong"],
        "My sister's phone number in my plan is an old one.",
        "{copy}"
    );
    let log = copy["access_log"].as_array().expect("the access log");
    assert!(
        log.iter().any(|l| l["who"] == "Dr Helen Carter"),
        "his GP's look is in it: {copy}"
    );
    assert!(copy["about"].as_str().unwrap().contains("crisis plan"));
    assert!(
        own_reads(&app).await >= after_page + 4,
        "the file's reads audited too"
    );
}

async fn only_the_person_has_a_copy(app: TestApp) {
    for who in ["gp", "ig.lead", "crisis.nurse"] {
        let staff = signed_in(&app, who).await;
        for path in ["/my/copy", "/my/copy.json"] {
            let (status, _) = page(&app, &staff, path).await;
            assert_eq!(status, 403, "{who} {path}");
        }
    }
    let anyone = app.new_client();
    let response = anyone.get(app.url("/my/copy.json")).send().await.unwrap();
    assert_ne!(response.status(), 200, "no sign-in, no copy");
    assert!(
        response.headers().get("content-disposition").is_none(),
        "nothing to download"
    );
}
