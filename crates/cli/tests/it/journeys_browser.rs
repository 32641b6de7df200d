//! Journeys in a real browser (headless Chromium), with screenshots kept:
//! information governance searching the audit by NHS number across two
//! pages; an administrator adding a user who signs in with the one-time
//! link; and Daniel, on his phone, seeing an officer's reason for looking
//! and the notice of a break-glass on his record.

use chrono::Duration;
use concordat_domain::category::DataCategory;
use concordat_domain::consent::ConsentScope;
use concordat_domain::purpose::Purpose;
use serde_json::json;

use crate::browser::{Browser, Screen};
use crate::fixtures::*;
use crate::harness::{TestApp, DEMO_PASSWORD};

/// No NHS number in the browser's address.
async fn address_is_clean(browser: &Browser) {
    let here = browser.client.current_url().await.expect("the address");
    assert!(!here.as_str().contains(DANIEL), "{here}");
    assert!(!here.as_str().contains("999%20000"), "{here}");
}

async fn information_governance_pages_through_a_persons_audit_by_nhs_number(app: TestApp) {
    gp_reads_daniel(&app, 60).await;
    Browser::run_in(
        &app,
        "journeys",
        "ig-audit",
        Screen::Desktop,
        |browser| async move {
            browser.sign_in("ig.lead", DEMO_PASSWORD).await;
            browser.open("/governance/audit").await;
            browser.type_into("#person", "999 000 0018").await;
            browser.click_button("Search").await;
            let first = browser
                .wait_for_text("#entries + p", "Entries 1 to 50")
                .await;
            assert!(first.contains("newest first"), "{first}");
            let table = browser.text_of("#audit-results").await;
            assert!(table.contains("Daniel Reid"), "{table}");
            assert!(table.contains("GP, Riverside Surgery"), "{table}");
            address_is_clean(&browser).await;
            browser.screenshot("page-1").await;

            browser.click_button("Older entries").await;
            browser.wait_for_text("#entries + p", "Entries 51 to").await;
            address_is_clean(&browser).await;
            browser.screenshot("page-2").await;
            browser.click_button("Back to the newest").await;
            browser
                .wait_for_text("#entries + p", "Entries 1 to 50")
                .await;
        },
    )
    .await;
}

async fn an_admin_adds_a_user_who_signs_in_with_the_link(app: TestApp) {
    Browser::run_in(
        &app,
        "journeys",
        "admin-adds-user",
        Screen::Desktop,
        |browser| async move {
            browser.sign_in("admin", DEMO_PASSWORD).await;
            browser.open("/users").await;
            browser
                .find(r#"a[href="/users/new"]"#)
                .await
                .click()
                .await
                .expect("add a user");
            browser.type_into("#username", "jo.bloggs").await;
            browser.type_into("#display_name", "Jo Bloggs").await;
            browser
                .find(r#"#organisation option[value="NMHT"]"#)
                .await
                .click()
                .await
                .expect("choose the trust");
            browser
                .find(r#"input[name="role"][value="crisis-clinician"]"#)
                .await
                .click()
                .await
                .expect("choose the role");
            browser.screenshot("form").await;
            browser.click_button("Add the user").await;
            let made = browser.wait_for_text("#made", "Jo Bloggs is added").await;
            assert!(made.contains("It works once"), "{made}");
            let link = browser
                .client
                .execute("return document.querySelector('#link').value;", vec![])
                .await
                .expect("read the link");
            let link = link.as_str().expect("a link").to_owned();
            let path = &link[link.find("/set-password/").expect("the link's path")..];
            browser.screenshot("link").await;
            browser.click_button("Sign out").await;
            browser.wait_for_path("/sign-in?signed_out=1").await;

            // Jo, with the link.
            browser.open(path).await;
            browser
                .type_into("#password", "correct horse battery staple")
                .await;
            browser
                .type_into("#again", "correct horse battery staple")
                .await;
            browser.screenshot("set-password").await;
            browser.click_button("Set my password").await;
            browser.wait_for_path("/sign-in?password_set=1").await;
            let told = browser.text_of("[role=status]").await;
            assert!(told.contains("Your password is set"), "{told}");
            browser
                .sign_in("jo.bloggs", "correct horse battery staple")
                .await;
            let header = browser.text_of("header").await;
            assert!(header.contains("Jo Bloggs"), "{header}");
            browser.screenshot("signed-in").await;
        },
    )
    .await;
}

async fn daniel_sees_an_officers_reason_and_a_break_glass_notice_on_his_phone(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let reason = "Found on the bridge, distressed, asked for his plan";
    let police = app.token_for("police", "ETREAT").await;
    let (status, _) = get_json(&app, &police, &crisis_look_up_path(DANIEL, reason)).await;
    assert_eq!(status, 200);
    open_street_triage(&app, daniel, &user(&app, "police").await).await;
    let justification = "Standing on the parapet, will not give his name";
    let claimed = post_json(
        &app,
        &police,
        "/api/v1/break-glass",
        json!({"nhs_number": DANIEL, "lawful_basis": "vital-interests", "justification": justification}),
    )
    .await;
    assert_eq!(claimed.status(), 201);
    app.clock.advance(Duration::minutes(31));
    app.run_jobs().await;

    Browser::run_in(
        &app,
        "journeys",
        "person-notices",
        Screen::Phone,
        |browser| async move {
            browser.sign_in("person", DEMO_PASSWORD).await;
            browser.open("/inbox").await;
            let inbox = browser.text_of("#notifications").await;
            assert!(
                inbox.contains("Someone used emergency access to your record"),
                "{inbox}"
            );
            assert!(inbox.contains(justification), "{inbox}");
            browser.assert_fits_the_phone().await;
            browser.screenshot("inbox").await;

            browser.open("/my/access-log").await;
            let log = browser.text_of("main").await;
            assert!(log.contains(reason), "the officer's reason: {log}");
            assert!(!log.contains("PATRQT"), "{log}");
            browser.assert_fits_the_phone().await;
            browser.screenshot("access-log").await;
        },
    )
    .await;
}

async fn a_crisis_clinician_meets_a_part_refused_plan_and_breaks_glass(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let nurse = user(&app, "crisis.nurse").await;
    // Gary said his crisis plan is not to go to the trust's crisis line in
    // an emergency: the rest of what a look-up shows still is.
    let scope = ConsentScope {
        organisation: Some(nurse.organisation_id()),
        category: Some(DataCategory::CrisisPlan),
        purpose: Some(Purpose::Emergency),
    };
    record_refusal(&app, gary, scope, &nurse).await;
    Browser::run_in(
        &app,
        "journeys",
        "clinician-part-refused",
        Screen::Desktop,
        |browser| async move {
            browser.sign_in("crisis.nurse", DEMO_PASSWORD).await;
            browser.open("/crisis-lookup").await;
            browser.type_into("#nhs_number", GARY).await;
            browser
                .type_into(
                    "#reason",
                    "Called the crisis line, says he has taken tablets",
                )
                .await;
            browser.click_button("Look up").await;
            let summary = browser.text_of("#summary").await;
            assert!(
                summary.contains("A crisis plan exists but is not shared with you"),
                "{summary}"
            );
            browser.screenshot("part-refused").await;
            browser
                .find("#break-glass summary")
                .await
                .click()
                .await
                .expect("open the offer");
            browser
                .find(r#"input[name="lawful_basis"][value="vital-interests"]"#)
                .await
                .click()
                .await
                .expect("choose the lawful basis");
            browser.screenshot("break-glass").await;
            browser.click_button("Use emergency access").await;
            let notice = browser.text_of("#emergency-access").await;
            assert!(notice.starts_with("Emergency access until "), "{notice}");
            browser.find("#what-helps").await;
            browser.screenshot("plan-shown").await;
        },
    )
    .await;
}

/// The audit search at 200 % zoom on a laptop: its results and the users
/// list stack rather than run off the side.
async fn the_audit_and_the_lists_reflow_at_twice_the_size(app: TestApp) {
    gp_reads_daniel(&app, 3).await;
    Browser::run_in(
        &app,
        "journeys",
        "zoomed",
        Screen::DesktopZoomed,
        |browser| async move {
            let width = browser
                .client
                .execute("return window.innerWidth;", vec![])
                .await
                .expect("the viewport");
            assert_eq!(width, json!(640), "200 % of a 1280px window");
            browser.sign_in("ig.lead", DEMO_PASSWORD).await;
            browser.open("/governance/audit").await;
            browser.type_into("#person", "Daniel Reid").await;
            browser.click_button("Search").await;
            browser.find("#audit-results").await;
            browser.assert_no_sideways_scrolling().await;
            browser.screenshot("audit").await;
            for path in [
                "/users",
                "/governance/break-glass",
                "/agreements",
                "/crisis-plans/coverage",
            ] {
                browser.open(path).await;
                browser.assert_no_sideways_scrolling().await;
            }
        },
    )
    .await;
}

/// The commissioner finds, from home, who is on the frequent contact list:
/// figures by age, sex and ethnic group, small ones hidden, nobody named.
async fn a_commissioner_sees_who_is_on_the_frequent_contact_list(app: TestApp) {
    crate::frequent_contact::seeded(&app).await;
    Browser::run_in(
        &app,
        "journeys",
        "make-up",
        Screen::Desktop,
        |browser| async move {
            browser.sign_in("commissioner", DEMO_PASSWORD).await;
            browser
                .find(r#"a[href="/frequent-contact/make-up"]"#)
                .await
                .click()
                .await
                .expect("open the make-up from home");
            let tables = browser.text_of("main").await;
            assert!(tables.contains("Ethnic group"), "{tables}");
            assert!(tables.contains("*"), "{tables}");
            assert!(
                tables.contains("All\t25") || tables.contains("All 25"),
                "{tables}"
            );
            assert!(!tables.contains("Gary"), "{tables}");
            assert!(!tables.contains("Holt"), "{tables}");
            browser.screenshot("make-up").await;
        },
    )
    .await;
}

crate::on_both_stores!(
    a_commissioner_sees_who_is_on_the_frequent_contact_list,
    the_audit_and_the_lists_reflow_at_twice_the_size,
    a_crisis_clinician_meets_a_part_refused_plan_and_breaks_glass,
    information_governance_pages_through_a_persons_audit_by_nhs_number,
    an_admin_adds_a_user_who_signs_in_with_the_link,
    daniel_sees_an_officers_reason_and_a_break_glass_notice_on_his_phone,
);
