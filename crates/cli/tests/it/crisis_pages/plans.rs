//! Crisis plans through the pages: drafted, compared and agreed, the edit form
//! keeping what was typed, the person proposing changes.

use super::*;

async fn a_plan_drafted_and_agreed_through_the_pages_shows_its_review_date(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let nurse = signed_in(&app, "crisis.nurse").await;
    let (status, before) = page(&app, &nurse, &format!("/persons/{gary}/crisis-plan")).await;
    assert_eq!(status, 200, "{before}");

    agree_a_plan_through_the_pages(
        &app,
        &nurse,
        gary,
        "Sit with me somewhere quiet\nLet me ring my sister",
        "Shouting or crowding round me",
    )
    .await;

    let (status, plan) = page(&app, &nurse, &format!("/persons/{gary}/crisis-plan")).await;
    assert_eq!(status, 200);
    let agreed = &plan[plan.find(r#"id="agreed""#).unwrap()..];
    assert!(
        agreed.contains("Agreed 3 March 2026, review due 3 September 2026."),
        "{plan}"
    );
    assert!(agreed.contains("Let me ring my sister"), "{plan}");
    assert!(
        plan.contains(
            "Agreed by the person in person, 3 March 2026, 09:00 GMT. Recorded by Priya Shah."
        ),
        "{plan}"
    );
    assert!(
        plan.contains("Agreed by Priya Shah, 3 March 2026"),
        "{plan}"
    );
    assert!(!plan.contains("Draft in progress"), "{plan}");

    // The version before is kept, and the change reads line by line.
    let diff_link = first_diff_link(&plan);
    let (status, diff) = page(&app, &nurse, &diff_link.replace("&amp;", "&")).await;
    assert_eq!(status, 200, "{diff}");
    assert!(
        diff.contains(r#"<span class="diff-mark">Added</span> <ins>Let me ring my sister</ins>"#),
        "{diff}"
    );
    assert!(diff.contains("What does NOT help"), "{diff}");
}

/// The first "What changed" link of the history.
fn first_diff_link(html: &str) -> String {
    let marker = "/crisis-plan/diff?";
    let at = html.find(marker).expect("a diff link");
    let start = html[..at].rfind('"').unwrap() + 1;
    let end = html[at..].find('"').unwrap() + at;
    html[start..end].to_owned()
}

async fn the_edit_form_keeps_the_text_on_a_conflict_and_on_a_mistake(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let nurse = signed_in(&app, "crisis.nurse").await;
    let colleague = signed_in(&app, "crisis.nurse").await;
    let edit = format!("/persons/{gary}/crisis-plan/edit");
    let (_, form) = page(&app, &nurse, &edit).await;
    let csrf = csrf_token(&form);
    let opened_at = based_on(&form);

    // A colleague saves first, from the same version.
    let (_, theirs) = page(&app, &colleague, &edit).await;
    let first = post_form(
        &app,
        &colleague,
        &edit,
        &[
            ("csrf_token", &csrf_token(&theirs)),
            ("based_on", &opened_at),
            ("what_helps", "A cup of tea"),
        ],
    )
    .await;
    assert_eq!(first.status(), 303);

    let mine = "Talk to me slowly; I need time to answer";
    let stale = post_form(
        &app,
        &nurse,
        &edit,
        &[
            ("csrf_token", &csrf),
            ("based_on", &opened_at),
            ("what_helps", mine),
            ("people_to_contact[0].name", "Karen Holt"),
            ("people_to_contact[0].relationship", "Sister"),
            ("people_to_contact[0].phone", "07700 900 461"),
        ],
    )
    .await;
    assert_eq!(stale.status(), 409);
    let html = stale.text().await.unwrap();
    assert!(html.contains("is now the latest"), "{html}");
    assert!(html.contains(mine), "the text typed is kept: {html}");
    assert!(html.contains(r#"value="Karen Holt""#), "{html}");
    let latest = based_on(&html);
    assert_ne!(
        latest, opened_at,
        "the form now builds on the newest version"
    );

    // A mistake beside its field, with everything else kept.
    let wrong = post_form(
        &app,
        &nurse,
        &edit,
        &[
            ("csrf_token", &csrf),
            ("based_on", &latest),
            ("what_helps", mine),
            ("people_to_contact[0].name", ""),
            ("people_to_contact[1].name", "Karen Holt"),
            ("people_to_contact[1].relationship", "Sister"),
            ("people_to_contact[1].phone", "not a number"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), 400);
    let html = wrong.text().await.unwrap();
    assert!(html.contains("is not a valid phone number"), "{html}");
    assert!(html.contains(mine), "{html}");
    assert!(html.contains(r#"value="not a number""#), "{html}");

    // Saving again on the newest version keeps both.
    let saved = post_form(
        &app,
        &nurse,
        &edit,
        &[
            ("csrf_token", &csrf),
            ("based_on", &latest),
            ("what_helps", mine),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    let (_, plan) = page(&app, &nurse, &location(&saved)).await;
    assert!(plan.contains(mine), "{plan}");
    let (_, theirs) = page(
        &app,
        &nurse,
        &format!("/persons/{gary}/crisis-plan/versions/{latest}"),
    )
    .await;
    assert!(
        theirs.contains("A cup of tea"),
        "the colleague's version stays: {theirs}"
    );
}

async fn a_persons_proposal_is_agreed_on_their_side_as_they_make_it(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let own = signed_in(&app, "person").await;
    let (status, mine) = page(&app, &own, "/my/crisis-plan").await;
    assert_eq!(status, 303, "{mine}");
    let (status, plan) = page(&app, &own, &format!("/persons/{daniel}/crisis-plan")).await;
    assert_eq!(status, 200, "{plan}");
    assert!(plan.contains("Propose changes"), "{plan}");

    let edit = format!("/persons/{daniel}/crisis-plan/edit");
    let (_, form) = page(&app, &own, &edit).await;
    let csrf = csrf_token(&form);
    let sent = post_form(
        &app,
        &own,
        &edit,
        &[
            ("csrf_token", &csrf),
            ("based_on", &based_on(&form)),
            ("what_helps", "My dog Biscuit with me"),
        ],
    )
    .await;
    assert_eq!(sent.status(), 303);
    let (_, plan) = page(&app, &own, &location(&sent)).await;
    assert!(plan.contains("Your proposal is saved"), "{plan}");
    assert!(
        plan.contains("This is a proposal from the person"),
        "{plan}"
    );
    // Proposing it was agreeing to it: what is left is the care team's.
    assert!(
        plan.contains("Agreed by the person through their own account"),
        "{plan}"
    );
    assert!(!plan.contains("I agree to this version"), "{plan}");
    assert!(!plan.contains("Record my agreement"), "{plan}");
}

crate::on_both_stores!(
    a_plan_drafted_and_agreed_through_the_pages_shows_its_review_date,
    the_edit_form_keeps_the_text_on_a_conflict_and_on_a_mistake,
    a_persons_proposal_is_agreed_on_their_side_as_they_make_it,
);
