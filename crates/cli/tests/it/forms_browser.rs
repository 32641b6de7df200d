//! Every form's error path in Chromium, as GOV.UK's error summary and
//! error message patterns ask: sent with a mistake, the page comes back
//! with its title starting "Error:", the summary at the top focused, its
//! first link leading to the field at fault, and that field marked invalid
//! and described by its message. Screenshots of each are kept.

use serde_json::{json, Value};

use crate::browser::{Browser, Screen};
use crate::fixtures::*;
use crate::harness::{TestApp, DEMO_PASSWORD};

/// What the page shows after a failed submission, read in the browser.
const READ_FAULTS: &str = r"
    const summary = document.getElementById('error-summary');
    if (!summary) { return null; }
    const link = summary.querySelector('a');
    const target = link && document.getElementById(link.getAttribute('href').slice(1));
    const ids = el => (el && el.getAttribute('aria-describedby') || '').split(' ');
    const messages = el => ids(el)
        .map(id => document.getElementById(id))
        .filter(m => m && m.classList.contains('field-error'))
        .map(m => m.textContent.trim());
    let message = [];
    let invalid = false;
    if (target) {
        if (target.classList.contains('field-error')) {
            // A fault of the whole form is its own message.
            message = [target.textContent.trim()];
            invalid = true;
        } else {
            const group = target.closest('fieldset');
            message = messages(target).concat(messages(group));
            invalid = target.getAttribute('aria-invalid') === 'true'
                || (target.tagName === 'FIELDSET' && message.length > 0)
                || (group !== null && target.getAttribute('aria-invalid') === 'true');
        }
    }
    return {
        focused: document.activeElement ? document.activeElement.id : '',
        title: document.title,
        link: link ? link.textContent.trim() : '',
        target: !!target,
        invalid: invalid,
        message: message.join(' '),
    };
";

/// Checks the page the browser is on after a failed submission of `what`.
async fn shows_its_faults(browser: &Browser, what: &str) {
    browser.find("#error-summary").await;
    let seen: Value = browser
        .client
        .execute(READ_FAULTS, vec![])
        .await
        .expect("read the faults");
    assert!(!seen.is_null(), "{what}: no error summary");
    assert_eq!(seen["focused"], json!("error-summary"), "{what}: {seen}");
    let title = seen["title"].as_str().unwrap_or_default();
    assert!(title.starts_with("Error: "), "{what}: {seen}");
    assert!(
        seen["target"].as_bool().unwrap_or(false),
        "{what}: the link leads nowhere: {seen}"
    );
    assert!(
        seen["invalid"].as_bool().unwrap_or(false),
        "{what}: not marked invalid: {seen}"
    );
    let message = seen["message"].as_str().unwrap_or_default();
    assert!(
        !message.is_empty(),
        "{what}: the field has no message: {seen}"
    );
    assert!(!message.contains('`'), "{what}: {message}");
    let step: String = what
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    browser.screenshot(&step).await;
}

async fn a_practitioners_forms_say_what_is_wrong(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    Browser::run_in(&app, "forms", "gp", Screen::Desktop, |browser| async move {
        browser.sign_in("gp", DEMO_PASSWORD).await;

        browser
            .open(&format!("/persons/{daniel}/threads/new"))
            .await;
        browser.click_button("Send").await;
        shows_its_faults(&browser, "new message").await;

        browser
            .open(&format!("/persons/{daniel}/flags?purpose=TREAT"))
            .await;
        browser.click_button("Raise the flag").await;
        shows_its_faults(&browser, "raise a flag").await;

        browser
            .open(&format!("/persons/{daniel}/crisis-plan/edit?purpose=TREAT"))
            .await;
        browser.type_into("#p0-name", "Margaret Reid").await;
        browser.type_into("#p0-relationship", "Mother").await;
        browser.type_into("#p0-phone", "not a phone number").await;
        browser.click_button("Save the draft").await;
        shows_its_faults(&browser, "crisis plan").await;

        browser.open(&format!("/persons/{daniel}/consent")).await;
        browser.click_button("Save this choice").await;
        shows_its_faults(&browser, "sharing choice").await;

        browser.open("/referrals/new").await;
        browser.click_button("Send the referral").await;
        shows_its_faults(&browser, "referral").await;

        browser.open("/persons").await;
        browser.type_into("#nhs_number", "999 000 001").await;
        browser.click_button("Find").await;
        shows_its_faults(&browser, "find a record").await;

        // A thread, then an empty reply to it.
        browser
            .open(&format!("/persons/{daniel}/threads/new"))
            .await;
        browser.type_into("#subject", "Discharge plan").await;
        browser.type_into("#to_username", "dr.singh").await;
        browser
            .type_into("#body", "Can we talk about his discharge?")
            .await;
        browser.click_button("Send").await;
        browser.find("#reply").await;
        browser.click_button("Send").await;
        shows_its_faults(&browser, "empty reply").await;
    })
    .await;
}

async fn crisis_and_receiving_forms_say_what_is_wrong(app: TestApp) {
    let gp = app.token_for("gp", "TREAT").await;
    let crisis = crate::referrals::team(&app, "Crisis Resolution and Home Treatment Team").await;
    let sent = post_json(
        &app,
        &gp,
        "/api/v1/referrals",
        json!({
            "nhs_number": DANIEL, "to_team_id": crisis.to_string(), "urgency": "urgent",
            "reason": "Not sleeping since discharge"
        }),
    )
    .await;
    assert_eq!(sent.status(), 201);
    let referral = sent.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let leah = person_id(&app, LEAH).await;
    Browser::run_in(
        &app,
        "forms",
        "crisis",
        Screen::Phone,
        |browser| async move {
            browser.sign_in("crisis.nurse", DEMO_PASSWORD).await;
            browser.open(&format!("/referrals/{referral}")).await;
            browser.click_button("Decline").await;
            shows_its_faults(&browser, "decline a referral").await;

            browser.open("/crisis-lookup").await;
            browser.type_into("#nhs_number", DANIEL).await;
            browser.click_button("Look up").await;
            shows_its_faults(&browser, "look-up without a reason").await;
            browser.assert_fits_the_phone().await;

            browser
                .open(&format!("/persons/{leah}/break-glass?purpose=ETREAT"))
                .await;
            browser.click_button("Use emergency access").await;
            shows_its_faults(&browser, "break-glass").await;
        },
    )
    .await;
}

async fn governance_and_administration_forms_say_what_is_wrong(app: TestApp) {
    Browser::run_in(
        &app,
        "forms",
        "governance",
        Screen::Desktop,
        |browser| async move {
            browser.sign_in("ig.lead", DEMO_PASSWORD).await;
            browser.open("/agreements/new").await;
            browser.click_button("Save draft").await;
            shows_its_faults(&browser, "new agreement").await;

            browser.open("/governance/audit").await;
            browser.type_into("#person", "999 000 001").await;
            browser.click_button("Search").await;
            shows_its_faults(&browser, "audit search").await;
            browser.click_button("Sign out").await;

            browser.sign_in("admin", DEMO_PASSWORD).await;
            browser.open("/users/new").await;
            browser.click_button("Add the user").await;
            shows_its_faults(&browser, "add a user").await;
            browser.click_button("Sign out").await;

            browser.open("/sign-in").await;
            browser.type_into("#username", "gp").await;
            browser.type_into("#password", "not the password").await;
            browser.click_button("Sign in").await;
            shows_its_faults(&browser, "sign in").await;
        },
    )
    .await;
}

async fn break_glass_review_forms_say_what_is_wrong(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    open_street_triage(&app, daniel, &user(&app, "police").await).await;
    let police = app.token_for("police", "ETREAT").await;
    let claimed = post_json(
        &app,
        &police,
        "/api/v1/break-glass",
        json!({
            "nhs_number": DANIEL, "lawful_basis": "vital-interests",
            "justification": "Standing on the parapet, will not give his name"
        }),
    )
    .await;
    assert_eq!(claimed.status(), 201);
    Browser::run_in(
        &app,
        "forms",
        "reviews",
        Screen::Desktop,
        |browser| async move {
            browser.sign_in("police.ig", DEMO_PASSWORD).await;
            browser.open("/governance/break-glass").await;
            browser.click_button("Record the review").await;
            shows_its_faults(&browser, "break-glass review").await;
            // Afresh, so the review's summary is not taken for the deferral's.
            browser.open("/governance/break-glass").await;
            browser
                .find("details summary")
                .await
                .click()
                .await
                .expect("open the deferral");
            browser.click_button("Defer").await;
            shows_its_faults(&browser, "defer disclosure").await;
        },
    )
    .await;
}

/// The support team's review of someone in frequent contact, on a phone:
/// no next step chosen, then words proposing a lesser response, each
/// refused with its fault; then a review that offers support. And the
/// person's request for a review, sent empty.
async fn frequent_contact_forms_say_what_is_wrong(app: TestApp) {
    crate::frequent_contact::seeded(&app).await;
    crate::frequent_contact::daniel_on_the_list(&app).await;
    Browser::run_in(
        &app,
        "forms",
        "frequent-contact",
        Screen::Phone,
        |browser| async move {
            browser.sign_in("mh.practitioner", DEMO_PASSWORD).await;
            browser.open("/").await;
            browser
                .find(r#"a[href="/frequent-contact"]"#)
                .await
                .click()
                .await
                .expect("open the list from home");
            browser.screenshot("frequent-contact-list").await;
            browser.assert_fits_the_phone().await;
            browser
                .find("#frequent-contact tbody a")
                .await
                .click()
                .await
                .expect("open the first entry");
            let entry = browser
                .client
                .current_url()
                .await
                .expect("the entry's address");
            let entry = entry.path().to_owned();
            browser.click_button("Save the review").await;
            shows_its_faults(&browser, "frequent contact review without a next step").await;
            // Each error path from a fresh page, so that the summary found is
            // the new one.
            browser.open(&entry).await;
            browser
                .find(r#"input[name="outcome"][value="offer-support"]"#)
                .await
                .click()
                .await
                .expect("choose an offer of support");
            browser
                .type_into("#note", "Ambulance should not attend after midnight")
                .await;
            browser.click_button("Save the review").await;
            shows_its_faults(&browser, "frequent contact review proposing less").await;
            let note = browser.text_of("#note-error").await;
            assert!(note.contains("never to withholding"), "{note}");
            browser.open(&entry).await;
            browser
                .find(r#"input[name="outcome"][value="offer-support"]"#)
                .await
                .click()
                .await
                .expect("choose an offer of support");
            browser
                .type_into("#note", "Offered a meeting with the community team")
                .await;
            browser.click_button("Save the review").await;
            let done = browser.text_of("#done").await;
            assert!(done.contains("the person is told"), "{done}");
            let status = browser.text_of("#status").await;
            assert!(
                status.contains("An offer of support") || status.contains("an offer of support"),
                "{status}"
            );
            browser.assert_fits_the_phone().await;
            browser.screenshot("frequent-contact-reviewed").await;
        },
    )
    .await;
    Browser::run_in(
        &app,
        "forms",
        "frequent-contact-own",
        Screen::Phone,
        |browser| async move {
            browser.sign_in("person", DEMO_PASSWORD).await;
            browser.open("/my/frequent-contact").await;
            let words = browser.text_of("main").await;
            assert!(
                words.contains("you will always get the same response"),
                "{words}"
            );
            browser.assert_fits_the_phone().await;
            browser.screenshot("frequent-contact-own").await;
            browser.click_button("Ask for a review").await;
            shows_its_faults(&browser, "frequent contact review request").await;
        },
    )
    .await;
}

crate::on_both_stores!(
    frequent_contact_forms_say_what_is_wrong,
    break_glass_review_forms_say_what_is_wrong,
    a_practitioners_forms_say_what_is_wrong,
    crisis_and_receiving_forms_say_what_is_wrong,
    governance_and_administration_forms_say_what_is_wrong,
);
