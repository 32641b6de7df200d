//! Referrals in a real browser (headless Chromium): a GP refers a person to
//! the crisis team and sees the team acknowledge it; a referral nobody
//! acknowledges shows as escalated once its deadline has passed.

use chrono::Duration;
use serde_json::json;

use crate::browser::{Browser, Screen};
use crate::fixtures::{post_json, DANIEL};
use crate::harness::{TestApp, DEMO_PASSWORD};
use crate::referrals::team;

async fn send_through_the_form(browser: &Browser, crisis: &str, reason: &str) -> String {
    browser.open("/referrals/new").await;
    browser.type_into("#nhs_number", DANIEL).await;
    browser
        .find(&format!("#to_team_id option[value=\"{crisis}\"]"))
        .await
        .click()
        .await
        .expect("choose the crisis team");
    browser
        .find(r#"input[name="urgency"][value="urgent"]"#)
        .await
        .click()
        .await
        .expect("choose urgent");
    browser.type_into("#reason", reason).await;
    browser.click_button("Send the referral").await;
    let notice = browser.text_of("p.notice").await;
    assert!(notice.contains("The referral is sent"), "{notice}");
    let here = browser.client.current_url().await.expect("current URL");
    here.path().trim_start_matches("/referrals/").to_owned()
}

async fn a_gp_refers_to_the_crisis_team_and_sees_it_acknowledged_then_escalated(app: TestApp) {
    let crisis = team(&app, "Crisis Resolution and Home Treatment Team")
        .await
        .to_string();
    let app_ref = &app;
    Browser::run_in(
        &app,
        "referral",
        "gp",
        Screen::Desktop,
        |browser| async move {
            let app = app_ref;
            browser.sign_in("gp", DEMO_PASSWORD).await;
            let first = send_through_the_form(
                &browser,
                &crisis,
                "Low mood and not sleeping; asks for help",
            )
            .await;
            browser.screenshot("sent").await;
            assert_eq!(
                browser
                    .find("#status")
                    .await
                    .attr("data-status")
                    .await
                    .unwrap()
                    .as_deref(),
                Some("sent")
            );

            // The crisis team acknowledges it (from its own system, over the API).
            let nurse = app.token_for("crisis.nurse", "TREAT").await;
            let acked = post_json(
                app,
                &nurse,
                &format!("/api/v1/referrals/{first}/acknowledge"),
                json!({}),
            )
            .await;
            assert_eq!(acked.status(), 200);
            browser.open(&format!("/referrals/{first}")).await;
            assert_eq!(browser.text_of("#status").await, "Acknowledged");
            let timeline = browser.text_of("#timeline").await;
            assert!(timeline.contains("Acknowledged — "), "{timeline}");
            assert!(timeline.contains("Priya Shah"), "{timeline}");
            browser.screenshot("acknowledged").await;

            // A second referral nobody acknowledges.
            let second =
                send_through_the_form(&browser, &crisis, "Has stopped eating; family worried")
                    .await;
            app.clock.advance(Duration::hours(25));
            assert_eq!(app.run_jobs().await, 1);
            // A day on, the GP signs in again.
            browser.sign_in("gp", DEMO_PASSWORD).await;
            browser.open("/referrals").await;
            let row = browser
                .text_of(&format!("#outbox #referral-{second}"))
                .await;
            assert!(row.contains("Escalated"), "{row}");
            assert!(row.contains("Overdue"), "{row}");
            let acknowledged = browser.text_of(&format!("#outbox #referral-{first}")).await;
            assert!(!acknowledged.contains("Escalated"), "{acknowledged}");
            browser.screenshot("escalated").await;
            browser.open(&format!("/referrals/{second}")).await;
            let escalated = browser.text_of("#escalated").await;
            assert!(
                escalated.contains("Escalated to the duty contact"),
                "{escalated}"
            );
        },
    )
    .await;
}

/// The GP sends a referral; the crisis nurse, in her own browser on her
/// phone, finds it in her inbox, acknowledges it and accepts it; each side
/// sees where it stands.
async fn a_referral_is_acknowledged_and_accepted_as_both_sides_see_it(app: TestApp) {
    let crisis = team(&app, "Crisis Resolution and Home Treatment Team")
        .await
        .to_string();
    let sent = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let out = sent.clone();
    Browser::run_in(
        &app,
        "referral",
        "sender",
        Screen::Desktop,
        |browser| async move {
            browser.sign_in("gp", DEMO_PASSWORD).await;
            let id = send_through_the_form(&browser, &crisis, "Low mood since discharge").await;
            *out.lock().unwrap() = id;
        },
    )
    .await;
    let id = sent.lock().unwrap().clone();
    Browser::run_in(
        &app,
        "referral",
        "receiver",
        Screen::Phone,
        |browser| async move {
            browser.sign_in("crisis.nurse", DEMO_PASSWORD).await;
            browser.open("/inbox").await;
            browser
                .find(&format!(r#"#notifications a[href="/referrals/{id}"]"#))
                .await
                .click()
                .await
                .expect("open the referral from the inbox");
            browser.click_button("Acknowledge").await;
            browser.wait_for_text("#status", "Acknowledged").await;
            browser.screenshot("acknowledged").await;
            browser.click_button("Accept").await;
            browser.wait_for_text("#status", "Accepted").await;
            browser.assert_fits_the_phone().await;
            browser.screenshot("accepted").await;
            // The inbox no longer asks her to acknowledge it.
            browser.open("/inbox").await;
            let inbox = browser.text_of("#notifications").await;
            assert!(!inbox.contains("Acknowledge by"), "{inbox}");
            // She finds it again in her team's list by his name, among
            // those still open.
            browser.open("/referrals").await;
            browser.type_into("#name", "Reid").await;
            browser
                .find(r#"input[name="open"]"#)
                .await
                .click()
                .await
                .expect("tick only those still open");
            browser.click_button("Find").await;
            let narrowed = browser.text_of("#narrowed").await;
            assert!(narrowed.contains("open referrals"), "{narrowed}");
            let row = browser.text_of(&format!("#inbox #referral-{id}")).await;
            assert!(row.contains("Daniel Reid"), "{row}");
            let here = browser.client.current_url().await.expect("current URL");
            assert_eq!(here.query(), None, "{here}");
            browser.assert_fits_the_phone().await;
            browser.screenshot("found-by-name").await;
        },
    )
    .await;
    let id = sent.lock().unwrap().clone();
    Browser::run_in(
        &app,
        "referral",
        "sender-sees",
        Screen::Desktop,
        |browser| async move {
            browser.sign_in("gp", DEMO_PASSWORD).await;
            browser.open("/inbox").await;
            let inbox = browser.text_of("#notifications").await;
            assert!(inbox.contains("accepted"), "{inbox}");
            browser.open(&format!("/referrals/{id}")).await;
            assert_eq!(browser.text_of("#status").await, "Accepted");
            let timeline = browser.text_of("#timeline").await;
            assert!(timeline.contains("Acknowledged — "), "{timeline}");
            assert!(timeline.contains("Accepted — "), "{timeline}");
            browser.screenshot("accepted").await;
        },
    )
    .await;
}

crate::on_both_stores!(
    a_gp_refers_to_the_crisis_team_and_sees_it_acknowledged_then_escalated,
    a_referral_is_acknowledged_and_accepted_as_both_sides_see_it,
);
