//! The multi-agency case in a real browser, on a phone, with screenshots
//! kept: the ambulance clinical hub's paramedic finds Gary Holt's case from
//! the home page, marks their action done with a note, and the lead nurse
//! sees it done. No page scrolls sideways at phone width.

use crate::browser::{Browser, Screen};
use crate::fixtures::texts;
use crate::harness::{TestApp, DEMO_PASSWORD};

async fn a_paramedic_on_a_phone_finds_the_case_and_marks_their_action_done(app: TestApp) {
    concordat::demo::cases::seed_case(&app.store, concordat_server::Clock::now(&app.clock))
        .await
        .expect("the demo case");
    let action = texts(
        &app,
        "SELECT id FROM case_actions WHERE what LIKE 'Brief the clinical hub%'",
        "id",
    )
    .await
    .remove(0);
    Browser::run_in(
        &app,
        "cases",
        "paramedic-phone",
        Screen::Phone,
        |browser| async move {
            browser.sign_in("paramedic", DEMO_PASSWORD).await;
            browser.open("/").await;
            browser
                .find(r#"a[href="/cases"]"#)
                .await
                .click()
                .await
                .expect("open my cases");
            browser.wait_for_path("/cases").await;
            let listed = browser.text_of("#cases").await;
            assert!(
                listed.contains("Yours next: Brief the clinical hub"),
                "{listed}"
            );
            browser.assert_no_sideways_scrolling().await;
            browser.screenshot("my-cases").await;
            browser
                .find("#cases h2 a")
                .await
                .click()
                .await
                .expect("open the case");
            browser.find("#actions").await;
            browser.assert_no_sideways_scrolling().await;
            browser.screenshot("case").await;
            browser
                .type_into(&format!("#note-{action}"), "Hub briefed at handover")
                .await;
            browser
                .find(&format!("#action-{action} button"))
                .await
                .click()
                .await
                .expect("mark it done");
            browser.find("#done").await;
            let row = browser.text_of(&format!("#action-{action}")).await;
            assert!(row.contains("Hub briefed at handover"), "{row}");
            browser.assert_no_sideways_scrolling().await;
            browser.screenshot("done").await;
        },
    )
    .await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let case = texts(&app, "SELECT id FROM cases", "id").await.remove(0);
    let (_, seen) = crate::fixtures::get_json(&app, &nurse, &format!("/api/v1/cases/{case}")).await;
    let done: Vec<_> = seen["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["done"] == true)
        .collect();
    assert_eq!(done.len(), 2, "the lead sees it done: {seen}");
}

crate::on_both_stores!(a_paramedic_on_a_phone_finds_the_case_and_marks_their_action_done);
