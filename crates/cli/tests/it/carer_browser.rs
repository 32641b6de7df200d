//! The carer's and the person's journeys in headless Chromium, on a phone,
//! with screenshots kept: Daniel's mother signs in, finds when he will
//! leave hospital and what helps him, and writes to his care team; Daniel
//! stops one item and then all of it from his own sharing page; she sees
//! the change on her next visit.

use crate::browser::{Browser, Screen};
use crate::harness::{TestApp, DEMO_PASSWORD};

async fn a_carer_reads_and_writes_and_the_person_stops_it_on_their_phones(app: TestApp) {
    Browser::run_in(
        &app,
        "carers",
        "mother-reads-and-writes",
        Screen::Phone,
        |browser| async move {
            browser.sign_in("carer", DEMO_PASSWORD).await;
            browser
                .find(r#"main a[href="/carer"]"#)
                .await
                .click()
                .await
                .expect("open what Daniel shares");
            let leaving = browser
                .wait_for_text("main", "expected to leave hospital on")
                .await;
            assert!(leaving.contains("What helps in a crisis"), "{leaving}");
            assert!(leaving.contains("Not shared with you"), "{leaving}");
            browser.assert_fits_the_phone().await;
            browser.screenshot("what-daniel-shares").await;

            browser.click_button("Send").await;
            browser
                .wait_for_text("#body-error", "Write your message first.")
                .await;
            browser
                .type_into("#body", "Is Daniel still coming home on Tuesday?")
                .await;
            browser.click_button("Send").await;
            let sent = browser
                .wait_for_text("#thread", "Is Daniel still coming home on Tuesday?")
                .await;
            assert!(sent.contains("asked to answer by"), "{sent}");
            browser.screenshot("message-sent").await;
        },
    )
    .await;

    Browser::run_in(
        &app,
        "carers",
        "daniel-stops-sharing",
        Screen::Phone,
        |browser| async move {
            browser.sign_in("person", DEMO_PASSWORD).await;
            browser.open("/my/consent").await;
            browser.wait_for_text("main", "signs in as carer").await;
            // One item off: what helps him.
            browser
                .find(r#"input[name="may_tell"][value="what-helps"]"#)
                .await
                .click()
                .await
                .expect("untick what helps");
            browser.click_button("Save for Margaret Reid").await;
            browser
                .wait_for_text("main", "What your carer may be told is saved.")
                .await;
            browser.screenshot("one-item-off").await;
            browser
                .click_button("Stop Margaret Reid seeing anything")
                .await;
            browser
                .wait_for_text("main", "can no longer see anything here")
                .await;
            browser.assert_fits_the_phone().await;
            browser.screenshot("access-stopped").await;
        },
    )
    .await;

    Browser::run_in(
        &app,
        "carers",
        "mother-after",
        Screen::Phone,
        |browser| async move {
            browser.sign_in("carer", DEMO_PASSWORD).await;
            browser.open("/carer").await;
            let after = browser
                .wait_for_text("#withdrawn", "stopped sharing with you")
                .await;
            assert!(!after.contains("expected to leave"), "{after}");
            let main = browser.text_of("main").await;
            assert!(!main.contains("expected to leave hospital"), "{main}");
            assert!(!main.contains("A walk outside"), "{main}");
            browser.screenshot("nothing-shared").await;
        },
    )
    .await;
}

crate::on_both_stores!(a_carer_reads_and_writes_and_the_person_stops_it_on_their_phones,);
