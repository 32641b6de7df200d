//! The crisis pages in a real browser (headless Chromium through
//! chromedriver; see `browser.rs` for how it is found and when these tests
//! skip): a crisis nurse drafting a plan and recording both agreements on a
//! desktop, and a police officer on a phone looking the person up and
//! recording a street-triage contact. Screenshots of each step go to the
//! artifacts folder.

use serde_json::json;

use crate::browser::{Browser, Screen};
use crate::crisis_pages::{agree_a_plan_through_the_pages, LOOKUP_PAGE_BUDGET};
use crate::fixtures::{person_id, signed_in, GARY, LEAH};
use crate::harness::{TestApp, DEMO_PASSWORD};

async fn a_crisis_nurse_drafts_a_plan_and_records_both_agreements(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    Browser::run_in(
        &app,
        "crisis-plan",
        "nurse",
        Screen::Desktop,
        |browser| async move {
            browser.sign_in("crisis.nurse", DEMO_PASSWORD).await;
            browser.open(&format!("/persons/{gary}/crisis-plan")).await;
            assert_eq!(browser.text_of("main h1").await, "Crisis plan");
            browser
                .find("#edit-plan")
                .await
                .click()
                .await
                .expect("open the edit form");

            for (field, text) in [
                (
                    "#what_helps",
                    "Sit with me somewhere quiet\nLet me ring my sister",
                ),
                ("#what_does_not_help", "Shouting or crowding round me"),
            ] {
                browser.find(field).await.clear().await.expect("clear");
                browser.type_into(field, text).await;
            }
            browser.screenshot("edit").await;
            browser.click_button("Save the draft").await;
            browser
                .wait_for_path(&format!(
                    "/persons/{gary}/crisis-plan?done=saved&purpose=TREAT"
                ))
                .await;
            let draft = browser.text_of("#draft").await;
            assert!(draft.contains("Let me ring my sister"), "{draft}");

            // The person agreed, sitting with the nurse; then the nurse.
            browser
                .find(r#"input[name="via"][value="in-person"]"#)
                .await
                .click()
                .await
                .expect("choose in person");
            browser
                .find("#person-agreement button")
                .await
                .click()
                .await
                .expect("record the person's agreement");
            browser
                .wait_for_path(&format!(
                    "/persons/{gary}/crisis-plan?done=agreed&purpose=TREAT"
                ))
                .await;
            browser.click_button("Record my agreement").await;
            // Same address as before the click: wait for the new page.
            let agreed = browser
                .wait_for_text("#agreed", "Agreed by Priya Shah")
                .await;
            assert!(
                agreed.contains("Agreed 3 March 2026, review due 3 September 2026."),
                "{agreed}"
            );
            assert!(agreed.contains("Let me ring my sister"), "{agreed}");
            assert!(
                agreed.contains("Agreed by the person in person"),
                "{agreed}"
            );
            assert!(agreed.contains("Agreed by Priya Shah"), "{agreed}");
            browser.screenshot("agreed").await;
        },
    )
    .await;
}

async fn a_police_officer_looks_up_a_plan_on_a_phone_and_records_street_triage(app: TestApp) {
    // The plan the officer will read, agreed by the care team beforehand.
    let gary = person_id(&app, GARY).await;
    let nurse = signed_in(&app, "crisis.nurse").await;
    let helps = "Sit with me somewhere quiet";
    let not_helps = "Shouting or crowding round me";
    agree_a_plan_through_the_pages(&app, &nurse, gary, helps, not_helps).await;

    Browser::run_in(&app, "crisis-lookup", "police-phone", Screen::Phone, |browser| async move {
        browser.sign_in("police", DEMO_PASSWORD).await;
        browser
            .find(r#"a[href="/crisis-lookup"]"#)
            .await
            .click()
            .await
            .expect("open the look-up");
        browser.wait_for_path("/crisis-lookup").await;
        browser.assert_fits_the_phone().await;
        browser.screenshot("form").await;

        browser.type_into("#nhs_number", GARY).await;
        browser.type_into("#reason", "Distressed on the bridge").await;
        browser.click_button("Look up").await;
        browser.find("#summary").await;
        assert_eq!(browser.text_of("#what-helps + p").await, helps);
        assert_eq!(browser.text_of("#what-does-not-help + p").await, not_helps);
        browser.assert_fits_the_phone().await;

        // Readable and tappable: 18px type at least, nothing to tap under
        // 44px tall.
        let measured = browser
            .client
            .execute(
                r#"const small = [...document.querySelectorAll(
                     'main button, main input:not([type=radio]):not([type=hidden]), main textarea, main a.button, main a[href^="tel:"]')]
                   .filter(e => e.getBoundingClientRect().height < 44)
                   .map(e => e.outerHTML.slice(0, 80));
                   return [parseFloat(getComputedStyle(document.body).fontSize), small];"#,
                vec![],
            )
            .await
            .expect("measure type and targets");
        let font = measured[0].as_f64().expect("font size");
        assert!(font >= 18.0, "the base type is {font}px");
        assert_eq!(measured[1], json!([]), "targets under 44px tall");

        // The page as delivered: its HTML and its one stylesheet.
        let weight = browser
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   const html = new TextEncoder().encode(document.documentElement.outerHTML).length;
                   const sheets = [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href);
                   Promise.all(sheets.map(h => fetch(h).then(r => r.arrayBuffer()).then(b => b.byteLength)))
                     .then(sizes => done([html, sizes.reduce((a, b) => a + b, 0), document.scripts.length]));"#,
                vec![],
            )
            .await
            .expect("weigh the page");
        let html = weight[0].as_u64().expect("HTML bytes");
        let css = weight[1].as_u64().expect("CSS bytes");
        eprintln!("crisis look-up result in the browser: {} bytes (HTML {html}, CSS {css})", html + css);
        assert!((html + css) < LOOKUP_PAGE_BUDGET as u64, "the page weighs {} bytes", html + css);
        assert_eq!(weight[2], json!(0), "no JavaScript");
        browser.screenshot("summary").await;

        browser
            .find(r#"input[name="kind"][value="street-triage"]"#)
            .await
            .click()
            .await
            .expect("choose street triage");
        browser.type_into("#outcome", "Taken home; sister present").await;
        browser.screenshot("record").await;
        browser.click_button("Record the contact").await;
        browser.wait_for_path("/crisis-lookup?recorded=street-triage").await;
        let recorded = browser.text_of("#recorded").await;
        assert!(recorded.contains("Recorded: street triage."), "{recorded}");
        browser.assert_fits_the_phone().await;
        browser.screenshot("recorded").await;
    })
    .await;
}

async fn a_police_officer_meets_a_refusal_and_breaks_glass_on_a_phone(app: TestApp) {
    Browser::run_in(
        &app,
        "crisis-lookup",
        "police-break-glass",
        Screen::Phone,
        |browser| async move {
            browser.sign_in("police", DEMO_PASSWORD).await;
            browser.open("/crisis-lookup").await;
            browser.type_into("#nhs_number", LEAH).await;
            browser
                .type_into("#reason", "Threatening to jump from the bridge")
                .await;
            browser.click_button("Look up").await;
            let matched = browser.text_of("#matched").await;
            assert!(
                matched.contains("999 000 0042 matched one person"),
                "{matched}"
            );
            browser.assert_fits_the_phone().await;
            browser.screenshot("refused").await;

            // The offer is open, the reason already in the justification.
            let written = browser
                .client
                .execute(
                    "return document.querySelector('#justification').value;",
                    vec![],
                )
                .await
                .expect("read the justification");
            assert_eq!(written, json!("Threatening to jump from the bridge"));
            browser
                .find(r#"input[name="lawful_basis"][value="vital-interests"]"#)
                .await
                .click()
                .await
                .expect("choose the lawful basis");
            browser.screenshot("break-glass").await;
            browser.click_button("Use emergency access").await;
            browser.find("#summary").await;
            let notice = browser.text_of("#emergency-access").await;
            assert!(notice.starts_with("Emergency access until "), "{notice}");
            browser.find("#what-helps").await;
            browser.assert_fits_the_phone().await;
            browser.screenshot("summary").await;

            // Another look-up, by surname and a date of birth typed as
            // people in the UK write it: 23 1 1979.
            browser.open("/crisis-lookup").await;
            browser.type_into("#surname", "Holt").await;
            browser.type_into("#birth_date-day", "23").await;
            browser.type_into("#birth_date-month", "1").await;
            browser.type_into("#birth_date-year", "1979").await;
            browser
                .type_into("#reason", "Distressed at the station")
                .await;
            browser.assert_fits_the_phone().await;
            browser.screenshot("by-date-of-birth").await;
            browser.click_button("Look up").await;
            browser.find("#summary").await;
            let who = browser.text_of(".who-found").await;
            assert!(who.starts_with("Gary Holt"), "{who}");
        },
    )
    .await;
}

/// The contrast ratio of an `rgb(r, g, b)` colour against white (WCAG).
fn contrast_on_white(rgb: &str) -> f64 {
    crate::accessibility::contrast(rgb, "rgb(255, 255, 255)")
}

async fn a_mistyped_look_up_says_what_is_wrong_first_and_focuses_it(app: TestApp) {
    Browser::run_in(&app, "crisis-lookup", "police-error", Screen::Phone, |browser| async move {
        browser.sign_in("police", DEMO_PASSWORD).await;
        browser.open("/crisis-lookup").await;
        browser.type_into("#nhs_number", "999 000 0019").await;
        browser.type_into("#reason", "Distressed on the bridge").await;
        browser.click_button("Look up").await;
        browser.find("#error-summary").await;
        let state = browser
            .client
            .execute(
                r#"const field = document.querySelector('#nhs_number');
                   const link = document.querySelector('#error-summary a');
                   return [document.title, document.activeElement.id,
                           link.getAttribute('href'), link.textContent,
                           field.getAttribute('aria-invalid'), field.getAttribute('aria-describedby'),
                           document.querySelector('#nhs_number-error').textContent];"#,
                vec![],
            )
            .await
            .expect("read the error state");
        assert!(state[0].as_str().unwrap().starts_with("Error: "), "{state:?}");
        assert_eq!(state[1], json!("error-summary"), "the summary has the focus");
        assert_eq!(state[2], json!("#nhs_number"));
        assert!(!state[3].as_str().unwrap().contains('`'), "{state:?}");
        assert_eq!(state[4], json!("true"));
        assert_eq!(state[5], json!("nhs_number-error"));
        assert_eq!(state[3], state[6], "the summary says what the field says");
        browser.assert_fits_the_phone().await;
        browser.screenshot("error").await;

        // Following the link puts the reader on the field; its focus ring
        // stands out from the white page by at least 3 : 1.
        browser.find("#error-summary a").await.click().await.expect("follow the link");
        browser.find("#nhs_number").await.click().await.expect("focus the field");
        let ring = browser
            .client
            .execute(
                "const s = getComputedStyle(document.activeElement); \
                 return [document.activeElement.id, s.outlineColor, s.outlineStyle, s.outlineWidth];",
                vec![],
            )
            .await
            .expect("read the focus ring");
        assert_eq!(ring[0], json!("nhs_number"));
        assert_ne!(ring[2], json!("none"));
        let ratio = contrast_on_white(ring[1].as_str().unwrap());
        assert!(ratio >= 3.0, "the focus ring is {ratio:.1} : 1 on white ({ring:?})");
        browser.screenshot("focused").await;
    })
    .await;
}

crate::on_both_stores!(
    a_mistyped_look_up_says_what_is_wrong_first_and_focuses_it,
    a_crisis_nurse_drafts_a_plan_and_records_both_agreements,
    a_police_officer_looks_up_a_plan_on_a_phone_and_records_street_triage,
    a_police_officer_meets_a_refusal_and_breaks_glass_on_a_phone,
);
