//! Wellbeing after a traumatic incident in Chromium, on a phone, on both
//! stores: PC Sam Whitaker records the suicide attempt he attended an
//! hour ago and is offered both checks; his wellbeing lead finds him on
//! her page and records the first check as raised, with support taken up
//! (after first sending it without a band); he declines the follow-up;
//! his line manager is told only that support was offered; a colleague
//! with no part in it, and the ambulance service's wellbeing lead, see
//! none of it. Screenshots of each step.

use chrono::Duration;
use concordat_server::Clock as _;

use crate::browser::{Browser, Screen};
use crate::fixtures::{page, signed_in, texts};
use crate::harness::{TestApp, DEMO_PASSWORD};

/// The incident's id, once it is recorded (there is only one).
async fn the_incident(app: &TestApp) -> String {
    let ids = texts(app, "SELECT id FROM traumatic_incidents", "id").await;
    assert_eq!(ids.len(), 1, "{ids:?}");
    ids[0].clone()
}

async fn an_officer_records_an_incident_and_only_he_and_his_wellbeing_lead_see_the_checks(
    app: TestApp,
) {
    // The test's clock reads 3 March 2026, 09:00: GMT, so UK time is UTC.
    let an_hour_ago = (app.clock.now() - Duration::hours(1))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    Browser::run_in(
        &app,
        "wellbeing",
        "officer",
        Screen::Phone,
        |browser| async move {
            browser.sign_in("police", DEMO_PASSWORD).await;
            browser
                .find(r#"main .actions a[href="/wellbeing"]"#)
                .await
                .click()
                .await
                .expect("open wellbeing from home");
            browser.wait_for_path("/wellbeing").await;
            let main = browser.text_of("main").await;
            assert!(
                main.contains("Only you and your organisation's wellbeing lead see what is here."),
                "{main}"
            );
            assert!(main.contains("You have not recorded attending"), "{main}");
            browser
                .find(r#"input[name="kind"][value="suicide-attempt"]"#)
                .await
                .click()
                .await
                .expect("choose a suicide attempt");
            // The phone's own date and time picker is typed into
            // differently in every locale: set the field as it would.
            browser
                .client
                .execute(
                    "document.getElementById('occurred_at').value = arguments[0];",
                    vec![serde_json::json!(an_hour_ago)],
                )
                .await
                .expect("say when it happened");
            browser.click_button("Record the incident").await;
            browser.wait_for_text("#done", "Recorded.").await;
            let mine = browser.text_of("#mine").await;
            assert!(
                mine.contains("A suicide attempt, 3 March 2026, 08:00 GMT"),
                "{mine}"
            );
            assert!(mine.contains("The check about 72 hours after"), "{mine}");
            assert!(mine.contains("Due 6 March 2026."), "{mine}");
            assert!(mine.contains("The follow-up about a month after"), "{mine}");
            assert!(mine.contains("Due 31 March 2026."), "{mine}");
            let states = browser
                .client
                .execute(
                    "return [...document.querySelectorAll('#mine .status')].map(e => e.textContent);",
                    vec![],
                )
                .await
                .expect("read the checks' states");
            assert_eq!(states, serde_json::json!(["Offered", "Offered"]), "{mine}");
            browser.button("Opt out of further checks").await;
            browser.assert_fits_the_phone().await;
            browser.screenshot("recorded").await;
        },
    )
    .await;
    let incident = the_incident(&app).await;

    let id = incident.clone();
    Browser::run_in(
        &app,
        "wellbeing",
        "lead",
        Screen::Phone,
        |browser| async move {
            browser.sign_in("wellbeing.lead", DEMO_PASSWORD).await;
            // Her home offers the wellbeing page first.
            let first = browser.find("main .actions a").await;
            assert_eq!(
                first.attr("href").await.unwrap().as_deref(),
                Some("/wellbeing")
            );
            first.click().await.expect("open wellbeing from home");
            browser.wait_for_path("/wellbeing").await;
            let whose = format!("#attendance-{id}-police");
            let his = browser.text_of(&whose).await;
            assert!(his.contains("PC Sam Whitaker"), "{his}");
            let staff = browser.text_of("#staff").await;
            assert!(staff.contains("A suicide attempt"), "{staff}");

            // Sent without a band: asked for one, beside the question.
            let band = format!("#check-{id}-police-72-hours");
            let form = format!("form:has({band})");
            browser
                .find(&format!("{whose} details summary"))
                .await
                .click()
                .await
                .expect("open the first check's form");
            browser
                .find(&format!("{form} button[type=submit]"))
                .await
                .click()
                .await
                .expect("send the check without a band");
            let problem = browser.text_of("#error-summary").await;
            assert!(
                problem.contains("Choose what the check found: low, raised or high."),
                "{problem}"
            );

            browser
                .find(&format!(r#"{band} input[value="raised"]"#))
                .await
                .click()
                .await
                .expect("choose raised");
            browser
                .find(&format!(r#"{form} input[name="support_taken_up"]"#))
                .await
                .click()
                .await
                .expect("tick support taken up");
            browser
                .find(&format!("{form} button[type=submit]"))
                .await
                .click()
                .await
                .expect("record the check");
            browser
                .wait_for_text("#done", "The check is recorded.")
                .await;
            let his = browser.text_of(&whose).await;
            assert!(his.contains("Band: raised. Support taken up."), "{his}");
            browser.assert_fits_the_phone().await;
            browser.screenshot("check-recorded").await;
        },
    )
    .await;

    let id = incident.clone();
    Browser::run_in(
        &app,
        "wellbeing",
        "officer-again",
        Screen::Phone,
        |browser| async move {
            browser.sign_in("police", DEMO_PASSWORD).await;
            browser.open("/wellbeing").await;
            let his = browser.text_of(&format!("#incident-{id}")).await;
            assert!(his.contains("Band: raised. Support taken up."), "{his}");
            browser.click_button("Decline this check").await;
            browser
                .wait_for_text("#done", "The check is recorded as declined.")
                .await;
            let his = browser.text_of(&format!("#incident-{id}")).await;
            assert!(his.to_lowercase().contains("declined"), "{his}");
            assert!(
                !browser
                    .text_of("main")
                    .await
                    .contains("Opt out of further checks"),
                "nothing is left to opt out of"
            );
            browser.assert_fits_the_phone().await;
            browser.screenshot("declined").await;
        },
    )
    .await;

    let id = incident.clone();
    Browser::run_in(
        &app,
        "wellbeing",
        "line-manager",
        Screen::Phone,
        |browser| async move {
            browser.sign_in("sgt.hill", DEMO_PASSWORD).await;
            browser.open("/wellbeing").await;
            let managed = browser.text_of("#managed").await;
            assert_eq!(
                managed,
                "Support was offered to PC Sam Whitaker on 3 March 2026."
            );
            assert!(!managed.to_lowercase().contains("suicide"), "{managed}");
            let main = browser.text_of("main").await.to_lowercase();
            for never in ["raised", "declined", "band:", "support taken up"] {
                assert!(
                    !main.contains(never),
                    "the line manager reads {never:?}: {main}"
                );
            }
            let source = browser.client.source().await.expect("the page's source");
            assert!(!source.contains(&id), "the incident is not on the page");
            browser.find("#no-checks").await;
            browser.assert_fits_the_phone().await;
            browser
                .client
                .execute(
                    "document.getElementById('managed').scrollIntoView();",
                    vec![],
                )
                .await
                .expect("scroll to the people he manages");
            browser
                .screenshot("told-only-that-support-was-offered")
                .await;
        },
    )
    .await;

    let id = incident.clone();
    Browser::run_in(
        &app,
        "wellbeing",
        "colleague",
        Screen::Phone,
        |browser| async move {
            browser.sign_in("pc.ahmed", DEMO_PASSWORD).await;
            browser.open("/wellbeing").await;
            let main = browser.text_of("main").await;
            assert!(!main.contains("Whitaker"), "{main}");
            assert!(!main.contains("People you manage"), "{main}");
            let source = browser.client.source().await.expect("the page's source");
            assert!(!source.contains(&id), "the incident is not on the page");
            browser.find("#no-checks").await;
            browser.screenshot("sees-nothing").await;
        },
    )
    .await;

    // Nor does another organisation's wellbeing lead.
    let other_lead = signed_in(&app, "amb.wellbeing").await;
    let (status, html) = page(&app, &other_lead, "/wellbeing").await;
    assert_eq!(status, 200);
    assert!(!html.contains(&incident), "{html}");
    assert!(!html.contains("Whitaker"), "{html}");
}

crate::on_both_stores!(
    an_officer_records_an_incident_and_only_he_and_his_wellbeing_lead_see_the_checks
);
