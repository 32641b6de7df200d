//! The crisis pages over real HTTP on both stores, through their forms as a
//! person would use them: a plan drafted, compared and agreed by both
//! parties; the edit form keeping what was typed on a conflict and on a
//! mistake; flags raised, expired and reviewed; the look-up page for a
//! crisis role (and its refusal for anyone else), small enough for a phone
//! on a poor signal; the overdue list and the coverage audit as a page and
//! as CSV.

use chrono::Duration;
use concordat_domain::ids::PersonId;

use crate::fixtures::*;
use crate::harness::TestApp;

/// The most a look-up page may weigh, HTML and stylesheet together.
pub const LOOKUP_PAGE_BUDGET: usize = 50 * 1024;

/// The value of the hidden `based_on` field of the edit form.
fn based_on(html: &str) -> String {
    let marker = r#"name="based_on" value=""#;
    let start = html.find(marker).expect("the edit form has based_on") + marker.len();
    let end = html[start..].find('"').expect("closing quote") + start;
    html[start..end].to_owned()
}

/// Writes a new draft of `person`'s plan through the edit form, as
/// `client` (on the care team), and has it agreed by the person (in person)
/// and by the professional: the plan page's own forms, end to end.
pub async fn agree_a_plan_through_the_pages(
    app: &TestApp,
    client: &reqwest::Client,
    person: PersonId,
    what_helps: &str,
    what_does_not_help: &str,
) {
    let edit = format!("/persons/{person}/crisis-plan/edit");
    let (status, form) = page(app, client, &edit).await;
    assert_eq!(status, 200, "{form}");
    let csrf = csrf_token(&form);
    let based_on = based_on(&form);
    let saved = post_form(
        app,
        client,
        &edit,
        &[
            ("csrf_token", &csrf),
            ("purpose", "TREAT"),
            ("based_on", &based_on),
            ("early_warning_signs", "Stops answering the phone"),
            ("what_helps", what_helps),
            ("what_does_not_help", what_does_not_help),
            ("people_to_contact[0].name", "Karen Holt"),
            ("people_to_contact[0].relationship", "Sister"),
            ("people_to_contact[0].phone", "07700 900 461"),
            ("people_to_contact[0].when_to_call", "Any time"),
            ("people_to_contact[1].name", ""),
            ("people_to_contact[1].relationship", ""),
            ("people_to_contact[1].phone", ""),
            ("people_to_contact[1].when_to_call", ""),
            ("professional_contacts[0].name", "Crisis team"),
            ("professional_contacts[0].service", "Northshire crisis line"),
            ("professional_contacts[0].phone", "01632 960 111"),
            ("professional_contacts[0].hours", "out-of-hours"),
            ("professional_contacts[1].hours", ""),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303, "{}", saved.text().await.unwrap());
    let (_, plan) = page(app, client, &location(&saved)).await;
    assert!(plan.contains("Draft in progress"), "{plan}");
    let version = form_value(&plan, "version");
    let agree = format!("/persons/{person}/crisis-plan/agree");
    for (party, via) in [("person", "in-person"), ("professional", "in-person")] {
        let agreed = post_form(
            app,
            client,
            &agree,
            &[
                ("csrf_token", &csrf),
                ("purpose", "TREAT"),
                ("version", &version),
                ("party", party),
                ("via", via),
                ("review_due", ""),
            ],
        )
        .await;
        assert_eq!(agreed.status(), 303, "{}", agreed.text().await.unwrap());
    }
}

/// The value of the first hidden field called `name`.
fn form_value(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker).expect("the field") + marker.len();
    let end = html[start..].find('"').expect("closing quote") + start;
    html[start..end].to_owned()
}

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
            "Agreed by the person in person, 3 March 2026, 09:00 UTC; recorded by Priya Shah."
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

async fn a_person_proposes_changes_and_agrees_from_their_own_account(app: TestApp) {
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
    assert!(plan.contains("I agree to this version"), "{plan}");
    assert!(!plan.contains("Record my agreement"), "{plan}");

    let agreed = post_form(
        &app,
        &own,
        &format!("/persons/{daniel}/crisis-plan/agree"),
        &[
            ("csrf_token", &csrf),
            ("version", &form_value(&plan, "version")),
            ("party", "person"),
        ],
    )
    .await;
    assert_eq!(agreed.status(), 303);
    let (_, plan) = page(&app, &own, &format!("/persons/{daniel}/crisis-plan")).await;
    assert!(
        plan.contains("Agreed by the person through their own account"),
        "{plan}"
    );
    assert!(!plan.contains("I agree to this version"), "{plan}");
}

async fn flags_are_raised_expire_and_are_reviewed_through_the_page(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let nurse = signed_in(&app, "crisis.nurse").await;
    let flags = format!("/persons/{gary}/flags");
    let (status, html) = page(&app, &nurse, &flags).await;
    assert_eq!(status, 200, "{html}");
    let csrf = csrf_token(&html);

    let basis = "Told us himself at assessment";
    let missing = post_form(
        &app,
        &nurse,
        &flags,
        &[
            ("csrf_token", &csrf),
            ("category", "communication"),
            ("severity", "low"),
            ("summary", ""),
            ("basis", basis),
        ],
    )
    .await;
    assert_eq!(missing.status(), 400);
    let html = missing.text().await.unwrap();
    assert!(html.contains("Must not be empty."), "{html}");
    assert!(html.contains(basis), "{html}");
    assert!(html.contains(r#"value="communication" selected"#), "{html}");

    let summary = "Hard of hearing: face him and speak clearly";
    let raised = post_form(
        &app,
        &nurse,
        &flags,
        &[
            ("csrf_token", &csrf),
            ("category", "communication"),
            ("severity", "low"),
            ("summary", summary),
            ("basis", basis),
            ("ends_on", "2026-03-05"),
        ],
    )
    .await;
    assert_eq!(raised.status(), 303);
    let (_, html) = page(&app, &nurse, &location(&raised)).await;
    let row = flag_row(&html, summary);
    assert!(row.contains(">Active<"), "{row}");

    // Past its end date it is expired, never active.
    app.clock.advance(Duration::days(3));
    let nurse = signed_in(&app, "crisis.nurse").await;
    let (_, html) = page(&app, &nurse, &flags).await;
    let row = flag_row(&html, summary);
    assert!(row.contains(">Expired<"), "{row}");
    assert!(!row.contains(">Active<"), "{row}");

    let review = form_action(row, &format!("/persons/{gary}/flags/"));
    let csrf = csrf_token(&html);
    let no_note = post_form(
        &app,
        &nurse,
        &review,
        &[("csrf_token", &csrf), ("keep", "inactive"), ("note", " ")],
    )
    .await;
    assert_eq!(no_note.status(), 400);
    let reviewed = post_form(
        &app,
        &nurse,
        &review,
        &[
            ("csrf_token", &csrf),
            ("keep", "inactive"),
            ("note", "He has hearing aids now"),
        ],
    )
    .await;
    assert_eq!(reviewed.status(), 303);
    let (_, html) = page(&app, &nurse, &flags).await;
    let row = flag_row(&html, summary);
    assert!(row.contains(">Inactive<"), "{row}");
    assert!(
        row.contains("Made inactive: He has hearing aids now"),
        "{row}"
    );
}

/// The list item of the flag whose summary is `summary`.
fn flag_row<'a>(html: &'a str, summary: &str) -> &'a str {
    let at = html.find(summary).expect("the flag is listed");
    let start = html[..at].rfind("<li id=\"flag-").unwrap();
    let end = html[at..].find("</li>").unwrap() + at;
    &html[start..end]
}

async fn the_look_up_page_finds_the_plan_and_records_the_contact(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let nurse = signed_in(&app, "crisis.nurse").await;
    let helps = "Sit with me somewhere quiet";
    let not_helps = "Shouting or crowding round me";
    agree_a_plan_through_the_pages(&app, &nurse, gary, helps, not_helps).await;

    let police = signed_in(&app, "police").await;
    let (status, form) = page(&app, &police, "/crisis-lookup").await;
    assert_eq!(status, 200, "{form}");
    let csrf = csrf_token(&form);

    // No reason: asked for one, with the number kept.
    let no_reason = post_form(
        &app,
        &police,
        "/crisis-lookup",
        &[("csrf_token", &csrf), ("nhs_number", GARY), ("reason", " ")],
    )
    .await;
    assert_eq!(no_reason.status(), 400);
    let html = no_reason.text().await.unwrap();
    assert!(html.contains(r#"id="reason-error""#), "{html}");
    assert!(html.contains(&format!(r#"value="{GARY}""#)), "{html}");

    let found = post_form(
        &app,
        &police,
        "/crisis-lookup",
        &[
            ("csrf_token", &csrf),
            ("nhs_number", GARY),
            ("reason", "Distressed on the bridge"),
        ],
    )
    .await;
    assert_eq!(found.status(), 200);
    let css = app.get("/static/app.css").await.text().await.unwrap();
    let html = found.text().await.unwrap();
    assert!(html.contains(helps), "{html}");
    assert!(html.contains(not_helps), "{html}");
    assert!(html.contains("What does NOT help"), "{html}");
    assert!(
        html.contains("Crisis plan agreed 3 March 2026, review due 3 September 2026."),
        "{html}"
    );
    assert!(html.contains(r#"href="tel:07700900461""#), "{html}");
    assert!(!html.contains("<script"), "no JavaScript");
    let weight = html.len() + css.len();
    eprintln!(
        "crisis look-up page: {weight} bytes (HTML {}, CSS {})",
        html.len(),
        css.len()
    );
    assert!(
        weight < LOOKUP_PAGE_BUDGET,
        "the page weighs {weight} bytes"
    );

    let contacts = form_action(&html, &format!("/persons/{gary}/contacts"));
    let note = "Sister came to collect him";
    let no_outcome = post_form(
        &app,
        &police,
        &contacts,
        &[
            ("csrf_token", &csrf),
            ("purpose", "ETREAT"),
            ("kind", "street-triage"),
            ("reason", "Found on the bridge"),
            ("outcome", ""),
            ("note", note),
        ],
    )
    .await;
    assert_eq!(no_outcome.status(), 400);
    let html = no_outcome.text().await.unwrap();
    assert!(html.contains(note), "{html}");
    assert!(html.contains(r#"value="street-triage" checked"#), "{html}");

    let recorded = post_form(
        &app,
        &police,
        &contacts,
        &[
            ("csrf_token", &csrf),
            ("purpose", "ETREAT"),
            ("kind", "street-triage"),
            ("reason", "Found on the bridge"),
            ("outcome", "Taken home"),
            ("note", note),
        ],
    )
    .await;
    assert_eq!(recorded.status(), 303);
    let (_, done) = page(&app, &police, &location(&recorded)).await;
    assert!(done.contains("Recorded: street triage."), "{done}");
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) AS n FROM contact_events WHERE person_id = '{gary}' AND outcome = 'Taken home'")
        )
        .await,
        1
    );

    // Leah refused sharing with the police: the plan is not shown, the way
    // forward is.
    let refused = post_form(
        &app,
        &police,
        "/crisis-lookup",
        &[
            ("csrf_token", &csrf),
            ("nhs_number", LEAH),
            ("reason", "Threatening to jump"),
        ],
    )
    .await;
    assert_eq!(refused.status(), 403);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("A crisis plan exists; sharing was refused — use break-glass if there is a lawful basis."),
        "{html}"
    );
    let leah = person_id(&app, LEAH).await;
    assert!(
        html.contains(&format!("/persons/{leah}/break-glass?purpose=ETREAT")),
        "{html}"
    );
}

async fn the_look_up_page_refuses_a_role_that_is_not_a_crisis_role(app: TestApp) {
    let gp = signed_in(&app, "gp").await;
    let (status, html) = page(&app, &gp, "/crisis-lookup").await;
    assert_eq!(status, 403);
    assert!(
        html.contains("The crisis look-up is for crisis roles"),
        "{html}"
    );
    let (_, home) = page(&app, &gp, "/").await;
    assert!(!home.contains(r#"href="/crisis-lookup""#), "{home}");
    let csrf = csrf_token(&home);
    let posted = post_form(
        &app,
        &gp,
        "/crisis-lookup",
        &[
            ("csrf_token", &csrf),
            ("nhs_number", GARY),
            ("reason", "curious"),
        ],
    )
    .await;
    assert_eq!(posted.status(), 403);
}

async fn the_overdue_page_lists_a_plan_once_its_review_date_has_passed(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let nurse = signed_in(&app, "crisis.nurse").await;
    agree_a_plan_through_the_pages(&app, &nurse, gary, "Quiet", "Crowds").await;
    let link = format!(r#"href="/persons/{gary}/crisis-plan""#);
    let (status, before) = page(&app, &nurse, "/crisis-plans/overdue").await;
    assert_eq!(status, 200, "{before}");
    assert!(!before.contains(&link), "not due yet: {before}");

    app.clock.advance(Duration::days(200));
    let nurse = signed_in(&app, "crisis.nurse").await;
    let (_, after) = page(&app, &nurse, "/crisis-plans/overdue").await;
    let row = &after[after.find(&link).expect("Gary is listed")..];
    assert!(row.contains("3 September 2026"), "{after}");
    let (_, plan) = page(&app, &nurse, &format!("/persons/{gary}/crisis-plan")).await;
    assert!(
        plan.contains("Agreed 3 March 2026, review overdue since 3 September 2026."),
        "{plan}"
    );
}

async fn coverage_is_a_page_and_a_csv_download(app: TestApp) {
    let ig = signed_in(&app, "ig.lead").await;
    let (status, html) = page(&app, &ig, "/crisis-plans/coverage").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Crisis plan coverage: the partnership"),
        "{html}"
    );

    let csv = ig
        .get(app.url("/crisis-plans/coverage.csv?scope=partnership"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = csv.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"crisis-plan-coverage-partnership-"),
        "{disposition}"
    );
    let body = csv.text().await.unwrap();
    let mut lines = body.lines();
    assert_eq!(
        lines.next(),
        Some("scope,as_of,people,agreed_in_date,agreed_in_date_percent,review_overdue,draft_only,says_what_does_not_help,says_what_does_not_help_percent")
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("the partnership,2026-03-03,"),
        "{body}"
    );

    // A practitioner sees their own team's, not the partnership's.
    let practitioner = signed_in(&app, "mh.practitioner").await;
    let (status, _) = page(
        &app,
        &practitioner,
        "/crisis-plans/coverage?scope=partnership",
    )
    .await;
    assert_eq!(status, 403);
    let (status, html) = page(&app, &practitioner, "/crisis-plans/coverage").await;
    assert_eq!(status, 200, "{html}");
}

crate::on_both_stores!(
    a_plan_drafted_and_agreed_through_the_pages_shows_its_review_date,
    the_edit_form_keeps_the_text_on_a_conflict_and_on_a_mistake,
    a_person_proposes_changes_and_agrees_from_their_own_account,
    flags_are_raised_expire_and_are_reviewed_through_the_page,
    the_look_up_page_finds_the_plan_and_records_the_contact,
    the_look_up_page_refuses_a_role_that_is_not_a_crisis_role,
    the_overdue_page_lists_a_plan_once_its_review_date_has_passed,
    coverage_is_a_page_and_a_csv_download,
);
