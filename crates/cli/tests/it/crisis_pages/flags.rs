//! Safety flags through the page: raised, expired and reviewed.

use super::*;

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

crate::on_both_stores!(flags_are_raised_expire_and_are_reviewed_through_the_page,);
