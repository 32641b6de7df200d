//! The look-up page for a crisis role and its refusal for anyone else, the
//! overdue list, and coverage as a page and as CSV.

use super::*;

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
        html.contains(&format!(r#"action="/persons/{leah}/break-glass""#)),
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

/// The names in the overdue table of `html`, in order.
fn overdue_names(html: &str) -> Vec<String> {
    let Some(table) = html.find(r#"id="overdue""#) else {
        return Vec::new();
    };
    html[table..]
        .split("/crisis-plan\">")
        .skip(1)
        .map(|rest| rest[..rest.find('<').unwrap()].to_owned())
        .collect()
}

async fn a_long_overdue_list_pages_and_is_searched_by_name_in_a_form(app: TestApp) {
    // The practitioner joins every care team with an agreed plan (as the
    // service's duty worker), and every plan's review date passes.
    {
        let practitioner = user(&app, "mh.practitioner").await;
        let mut tx = app.store.write().await.unwrap();
        let teams: Vec<String> = sqlx::query(
            "SELECT ct.id FROM care_teams ct JOIN crisis_plans p ON p.person_id = ct.person_id \
             WHERE p.agreed_version IS NOT NULL AND ct.id NOT IN \
             (SELECT care_team_id FROM care_team_members WHERE user_id = $1)",
        )
        .bind(practitioner.id().to_string())
        .fetch_all(&mut *tx)
        .await
        .unwrap()
        .iter()
        .map(|r| sqlx::Row::get::<String, _>(r, "id"))
        .collect();
        for team in teams {
            sqlx::query(
                "INSERT INTO care_team_members (care_team_id, user_id, organisation_id, \
                 responsibility) VALUES ($1, $2, $3, 'Duty worker')",
            )
            .bind(team)
            .bind(practitioner.id().to_string())
            .bind(practitioner.organisation_id().to_string())
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        for change in [
            "UPDATE persons SET access_version = access_version + 1",
            "UPDATE access_version SET version = version + 1 WHERE id = 1",
        ] {
            sqlx::query(change).execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
    app.clock.advance(Duration::days(500));
    let practitioner = signed_in(&app, "mh.practitioner").await;
    let (status, first) = page(&app, &practitioner, "/crisis-plans/overdue").await;
    assert_eq!(status, 200, "{first}");
    let names = overdue_names(&first);
    assert_eq!(names.len(), 25, "{first}");
    assert!(first.contains("1 to 25."), "{first}");
    assert!(first.contains(r#"name="page" value="2""#), "{first}");
    assert!(!first.contains("Previous page"), "{first}");

    let csrf = csrf_token(&first);
    let second = post_form(
        &app,
        &practitioner,
        "/crisis-plans/overdue",
        &[("csrf_token", &csrf), ("name", ""), ("page", "2")],
    )
    .await;
    assert_eq!(second.status(), 200);
    let second = second.text().await.unwrap();
    assert!(second.contains("26 to "), "{second}");
    assert!(second.contains("Previous page"), "{second}");
    let more = overdue_names(&second);
    assert!(!more.is_empty());
    assert!(
        more.iter().all(|n| !names.contains(n)),
        "page two repeats page one"
    );

    // By name: only those whose name starts so, and the name stays out of
    // the address (the form is a POST).
    let family = names[0].rsplit(' ').next().unwrap().to_owned();
    assert!(first.contains(r#"<form method="post" action="/crisis-plans/overdue""#));
    let found = post_form(
        &app,
        &practitioner,
        "/crisis-plans/overdue",
        &[("csrf_token", &csrf), ("name", &family.to_lowercase())],
    )
    .await;
    let found = found.text().await.unwrap();
    let matched = overdue_names(&found);
    assert!(!matched.is_empty(), "{found}");
    assert!(
        matched.iter().all(|n| n
            .split(' ')
            .any(|part| part.to_lowercase().starts_with(&family.to_lowercase()))),
        "{matched:?}"
    );
    let nobody = post_form(
        &app,
        &practitioner,
        "/crisis-plans/overdue",
        &[("csrf_token", &csrf), ("name", "Zzyzx")],
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(nobody.contains("whose name starts “Zzyzx”"), "{nobody}");
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
    the_look_up_page_finds_the_plan_and_records_the_contact,
    the_look_up_page_refuses_a_role_that_is_not_a_crisis_role,
    the_overdue_page_lists_a_plan_once_its_review_date_has_passed,
    coverage_is_a_page_and_a_csv_download,
    a_long_overdue_list_pages_and_is_searched_by_name_in_a_form,
);
