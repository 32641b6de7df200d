//! A date of birth typed as people in the UK write it — day, month, year
//! in three boxes — finds the person; a date that is not one is said in
//! words beside its boxes, what was typed kept.

use crate::fixtures::*;
use crate::harness::TestApp;

async fn a_date_of_birth_typed_day_month_year_finds_the_person(app: TestApp) {
    let police = signed_in(&app, "police").await;
    let (_, form) = page(&app, &police, "/crisis-lookup").await;
    // Three boxes, not the browser's own date control.
    assert!(!form.contains(r#"type="date""#), "{form}");
    for part in ["birth_date-day", "birth_date-month", "birth_date-year"] {
        assert!(form.contains(&format!(r#"name="{part}""#)), "{part}");
    }
    let csrf = csrf_token(&form);
    let found = post_form(
        &app,
        &police,
        "/crisis-lookup",
        &[
            ("csrf_token", &csrf),
            ("surname", "Holt"),
            ("birth_date-day", "23"),
            ("birth_date-month", "1"),
            ("birth_date-year", "1979"),
            ("reason", "Distressed on the bridge"),
        ],
    )
    .await;
    assert_eq!(found.status(), 200);
    let html = found.text().await.unwrap();
    assert!(html.contains("Gary Holt"), "{html}");

    let wrong = post_form(
        &app,
        &police,
        "/crisis-lookup",
        &[
            ("csrf_token", &csrf),
            ("surname", "Holt"),
            ("birth_date-day", "23"),
            ("birth_date-month", "13"),
            ("birth_date-year", "1979"),
            ("reason", "Distressed on the bridge"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), 400);
    let html = wrong.text().await.unwrap();
    assert!(
        html.contains("Enter a real date of birth, for example 14 5 1991."),
        "{html}"
    );
    assert!(!html.contains('`'), "{html}");
    // What was typed is kept, and the boxes are marked as at fault.
    assert!(html.contains(r#"name="birth_date-month" class="w2" inputmode="numeric" maxlength="2" autocomplete="off" value="13" aria-invalid="true""#), "{html}");
    assert!(
        html.contains(r#"aria-describedby="birth_date-hint birth_date-error""#),
        "{html}"
    );
}

/// A search sent by GET takes its dates in three boxes too: the audit
/// search's `from` and `to`.
async fn a_searchs_dates_typed_in_boxes_narrow_it(app: TestApp) {
    let ig = signed_in(&app, "ig.lead").await;
    let (status, html) = page(
        &app,
        &ig,
        "/governance/audit?from-day=3&from-month=3&from-year=2026&to-day=3&to-month=3&to-year=2026",
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(!html.contains(r#"type="date""#), "{html}");
    assert!(html.contains(r#"name="from-year" class="w4" inputmode="numeric" maxlength="4" autocomplete="off" value="2026""#), "{html}");
    assert!(html.contains(r#"name="to-day" class="w2" inputmode="numeric" maxlength="2" autocomplete="off" value="3""#), "{html}");
    // Today's entries are found (the search itself is one).
    assert!(!html.contains("No entries match."), "{html}");
    // A day before the test's clock: nothing.
    let (_, before) = page(
        &app,
        &ig,
        "/governance/audit?to-day=1&to-month=1&to-year=2020",
    )
    .await;
    assert!(before.contains("No entries match."), "{before}");
}

/// Times read as the UK's clocks do: GMT in winter, BST in summer.
async fn times_show_in_gmt_in_winter_and_bst_in_summer(app: TestApp) {
    let look_up = |reason: &'static str| {
        let app = &app;
        async move {
            let police = signed_in(app, "police").await;
            let (_, form) = page(app, &police, "/crisis-lookup").await;
            let csrf = csrf_token(&form);
            let found = post_form(
                app,
                &police,
                "/crisis-lookup",
                &[
                    ("csrf_token", &csrf),
                    ("nhs_number", DANIEL),
                    ("reason", reason),
                ],
            )
            .await;
            assert_eq!(found.status(), 200);
        }
    };
    // The test clock starts at 09:00 UTC on 3 March 2026: GMT.
    look_up("Distressed at the station in March").await;
    // 140 days on, 09:00 UTC on 21 July 2026: 10:00 BST.
    app.clock.advance(chrono::Duration::days(140));
    look_up("Distressed at the station in July").await;
    let daniel = signed_in(&app, "person").await;
    let (_, log) = page(&app, &daniel, "/my/access-log").await;
    assert!(log.contains("3 March 2026, 09:00 GMT"), "{log}");
    assert!(log.contains("21 July 2026, 10:00 BST"), "{log}");
    assert!(!log.contains("UTC"), "{log}");
}

crate::on_both_stores!(
    a_date_of_birth_typed_day_month_year_finds_the_person,
    a_searchs_dates_typed_in_boxes_narrow_it,
    times_show_in_gmt_in_winter_and_bst_in_summer,
);
