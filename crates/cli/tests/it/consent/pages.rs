//! Sharing choices in the pages, as the person makes them.

use super::*;

async fn a_person_chooses_who_may_see_their_record_in_the_pages(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let margaret = nominated_carer(&app, daniel).await;
    let person = signed_in(&app, "person").await;
    let shortcut = person.get(app.url("/my/consent")).send().await.unwrap();
    assert_eq!(shortcut.status(), 303);
    let consent_page = format!("/persons/{daniel}/consent");
    assert_eq!(location(&shortcut), consent_page);
    let (status, html) = page(&app, &person, &consent_page).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Who may see my record"), "{html}");
    assert!(html.contains("You have not made any choices yet"), "{html}");
    assert!(html.contains("Margaret Reid"), "{html}");
    // What is shared by default comes before the choice to change it: each
    // organisation, what its staff's roles are granted, and why.
    let defaults = html
        .find("What is shared unless you say no")
        .expect("defaults");
    assert!(defaults < html.find("Make a new choice").unwrap(), "{html}");
    let police = html[defaults..]
        .split("<dt>")
        .find(|d| d.starts_with("Northshire Police</dt>"))
        .unwrap_or_else(|| panic!("the police's default: {html}"));
    assert!(police.contains("Crisis plan"), "{police}");
    assert!(police.contains("emergencies and crises"), "{police}");
    assert!(
        !html[defaults..].contains("<dt>Joint Commissioning"),
        "{html}"
    );
    let csrf = csrf_token(&html);

    // A new choice, in the person's words.
    let saved = post_form(
        &app,
        &person,
        &consent_page,
        &[
            ("csrf_token", &csrf),
            ("effect", "deny"),
            ("organisation", "NSPOL"),
            ("category", ""),
            ("purpose", ""),
            ("expires_at", ""),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(location(&saved), format!("{consent_page}?done=recorded"));
    let (_, html) = page(&app, &person, &format!("{consent_page}?done=recorded")).await;
    assert!(html.contains("Your choice is saved."), "{html}");
    assert!(
        html.contains("No: Everything in the record: not to be shared with Northshire Police"),
        "{html}"
    );
    assert!(html.contains("You recorded this yourself"), "{html}");

    // A form missing its answer comes back saying what to do.
    let incomplete = post_form(
        &app,
        &person,
        &consent_page,
        &[("csrf_token", &csrf), ("organisation", "GPRIV")],
    )
    .await;
    assert_eq!(incomplete.status(), 400);
    let html = incomplete.text().await.unwrap();
    assert!(html.contains("Choose whether to share or not."), "{html}");
    assert!(
        html.contains(r#"<option value="GPRIV" selected>"#),
        "{html}"
    );

    // What Margaret may be told.
    let carer_path = format!("/persons/{daniel}/carers/{margaret}/sharing");
    let ticked = post_form(
        &app,
        &person,
        &carer_path,
        &[("csrf_token", &csrf), ("may_tell", "discharge")],
    )
    .await;
    assert_eq!(ticked.status(), 303);
    let (_, html) = page(&app, &person, &consent_page).await;
    assert!(html.contains(r#"value="discharge" checked"#), "{html}");
    assert!(!html.contains(r#"value="admission" checked"#), "{html}");
    let odd = post_form(
        &app,
        &person,
        &carer_path,
        &[("csrf_token", &csrf), ("may_tell", "lunch")],
    )
    .await;
    assert_eq!(odd.status(), 400);
    assert!(odd.text().await.unwrap().contains("Lunch is not something"));

    // Withdrawn through its button.
    let withdraw = form_action(&html, &format!("/persons/{daniel}/consent/"));
    let withdrawn = post_form(&app, &person, &withdraw, &[("csrf_token", &csrf)]).await;
    assert_eq!(withdrawn.status(), 303);
    let (_, html) = page(&app, &person, &consent_page).await;
    assert!(html.contains("Withdrawn"), "{html}");

    // The care team sees the same choices; someone else sees no one.
    let practitioner = signed_in(&app, "mh.practitioner").await;
    let (status, html) = page(&app, &practitioner, &consent_page).await;
    assert_eq!(status, 200);
    assert!(html.contains("Sharing choices: Daniel Reid"), "{html}");
    assert!(html.contains("How they told you"), "{html}");
    let police = signed_in(&app, "police").await;
    let (status, _) = page(&app, &police, &consent_page).await;
    assert_eq!(status, 404);
}

crate::on_both_stores!(a_person_chooses_who_may_see_their_record_in_the_pages,);
