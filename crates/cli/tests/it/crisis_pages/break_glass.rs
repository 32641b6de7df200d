//! Break-glass at the roadside, through the look-up page's own forms: a
//! refusal says whom the number matched as far as the person allows and
//! offers the lawful way past it; once granted, the officer is back at the
//! person's crisis summary with the look-up's reason, told until when the
//! access lasts; a part refused (the plan) offers the same, closed.

use concordat_domain::category::DataCategory;
use concordat_domain::consent::ConsentScope;
use concordat_domain::purpose::Purpose;

use crate::fixtures::*;
use crate::harness::TestApp;

/// The look-up of `nhs` by `client`, for `reason`: status and page.
async fn look_up(
    app: &TestApp,
    client: &reqwest::Client,
    nhs: &str,
    reason: &str,
) -> (u16, String) {
    let (_, form) = page(app, client, "/crisis-lookup").await;
    let csrf = csrf_token(&form);
    let answer = post_form(
        app,
        client,
        "/crisis-lookup",
        &[
            ("csrf_token", &csrf),
            ("nhs_number", nhs),
            ("reason", reason),
        ],
    )
    .await;
    let status = answer.status().as_u16();
    (status, answer.text().await.unwrap())
}

/// Claims break-glass on `person` from the look-up's offer.
async fn claim(
    app: &TestApp,
    client: &reqwest::Client,
    html: &str,
    person: &str,
    reason: &str,
    justification: &str,
) -> (u16, String) {
    let answer = post_form(
        app,
        client,
        &format!("/persons/{person}/break-glass"),
        &[
            ("csrf_token", &csrf_token(html)),
            ("purpose", "ETREAT"),
            ("then", "crisis-summary"),
            ("lookup_reason", reason),
            ("lawful_basis", "vital-interests"),
            ("justification", justification),
        ],
    )
    .await;
    let status = answer.status().as_u16();
    (status, answer.text().await.unwrap())
}

async fn a_refusal_offers_break_glass_and_it_returns_to_the_crisis_summary(app: TestApp) {
    let leah = person_id(&app, LEAH).await.to_string();
    let police = signed_in(&app, "police").await;
    let reason = "Threatening to jump from the bridge";
    let (status, refused) = look_up(&app, &police, LEAH, reason).await;
    assert_eq!(status, 403, "{refused}");
    // Whom the number matched, as far as her choice allows, and why no more.
    assert!(
        refused.contains("The NHS number 999 000 0042 matched one person."),
        "{refused}"
    );
    assert!(
        !refused.contains("Leah"),
        "her name is not shown: {refused}"
    );
    // The lawful way past it, open, the reason already written.
    assert!(
        refused.contains(r#"<details class="emergency" id="break-glass" open>"#),
        "{refused}"
    );
    assert!(refused.contains(&format!(r#"action="/persons/{leah}/break-glass""#)));
    assert!(refused.contains(&format!(r#"name="lookup_reason" value="{reason}""#)));
    assert!(refused.contains(&format!(">{reason}</textarea>")));

    // Too short a justification: the break-glass page, with the way back
    // to the look-up kept.
    let (status, again) = claim(&app, &police, &refused, &leah, reason, "jump").await;
    assert_eq!(status, 400, "{again}");
    assert!(
        again.contains(r#"name="then" value="crisis-summary""#),
        "{again}"
    );
    assert!(again.contains(r#"href="/crisis-lookup""#), "{again}");

    let (status, summary) = claim(&app, &police, &again, &leah, reason, reason).await;
    assert_eq!(status, 200, "{summary}");
    assert!(summary.contains(r#"id="summary""#), "{summary}");
    assert!(summary.contains("Emergency access until "), "{summary}");
    assert!(
        summary.contains(r#"id="what-helps""#),
        "the plan is shown: {summary}"
    );
    // The look-up was made again with the same reason, and audited so.
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{leah}' \
                 AND reasons LIKE '%crisis look-up: {reason}%'"
            ),
        )
        .await,
        2
    );
    // Nothing more is offered under emergency access.
    assert!(!summary.contains(r#"id="break-glass""#), "{summary}");
}

async fn a_part_refused_offers_break_glass_beside_what_is_shown(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let police_user = user(&app, "police").await;
    let nurse = user(&app, "crisis.nurse").await;
    let scope = ConsentScope {
        organisation: Some(police_user.organisation_id()),
        category: Some(DataCategory::CrisisPlan),
        purpose: Some(Purpose::Emergency),
    };
    record_refusal(&app, gary, scope, &nurse).await;
    let police = signed_in(&app, "police").await;
    let reason = "Found distressed at the station";
    let (status, summary) = look_up(&app, &police, GARY, reason).await;
    assert_eq!(status, 200, "{summary}");
    assert!(
        summary.contains("A crisis plan exists but is not shared with you."),
        "{summary}"
    );
    assert!(
        summary.contains(r#"<details class="emergency" id="break-glass">"#),
        "{summary}"
    );
    let (status, after) = claim(&app, &police, &summary, &gary.to_string(), reason, reason).await;
    assert_eq!(status, 200, "{after}");
    assert!(after.contains("Emergency access until "), "{after}");
    assert!(after.contains(r#"id="what-helps""#), "{after}");
}

async fn the_person_reads_the_reason_an_officer_gave(app: TestApp) {
    let police = signed_in(&app, "police").await;
    let reason = "Found on the railway bridge, asking for his mother";
    let (status, summary) = look_up(&app, &police, DANIEL, reason).await;
    assert_eq!(status, 200, "{summary}");
    let daniel = signed_in(&app, "person").await;
    let (status, log) = page(&app, &daniel, "/my/access-log").await;
    assert_eq!(status, 200, "{log}");
    assert!(log.contains("Looked up in a crisis"), "{log}");
    assert!(log.contains(&format!("Their reason: “{reason}”")), "{log}");
    // The person's own pages speak to them, not in the system's words.
    let own = person_id(&app, DANIEL).await;
    for path in [
        "/my/access-log".to_owned(),
        format!("/persons/{own}"),
        "/".to_owned(),
    ] {
        let (status, html) = page(&app, &daniel, &path).await;
        assert_eq!(status, 200, "{path}: {html}");
        for internal in ["PATRQT", "Audit entry", "Person (own record)"] {
            assert!(!html.contains(internal), "{path} says {internal}: {html}");
        }
    }
}

/// A role that may not look up, sending the look-up's return on its own
/// claim, is taken to the record as any claim is, not refused after the
/// override was granted.
async fn a_claim_by_a_role_that_may_not_look_up_goes_to_the_record(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await.to_string();
    let gp = signed_in(&app, "gp").await;
    let (_, form) = page(&app, &gp, &format!("/persons/{daniel}/break-glass")).await;
    let reason = "Asked to check his plan urgently";
    let (status, body) = claim(
        &app,
        &gp,
        &form,
        &daniel,
        reason,
        "Collapsed in the surgery waiting room",
    )
    .await;
    assert_eq!(status, 303, "{body}");
}

crate::on_both_stores!(
    a_refusal_offers_break_glass_and_it_returns_to_the_crisis_summary,
    a_part_refused_offers_break_glass_beside_what_is_shown,
    the_person_reads_the_reason_an_officer_gave,
    a_claim_by_a_role_that_may_not_look_up_goes_to_the_record,
);
