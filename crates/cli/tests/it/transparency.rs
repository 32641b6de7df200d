//! The public page of how the partnership shares information (`/sharing`):
//! no sign-in, made from the agreements in force, and changing the moment
//! one is suspended.

use crate::fixtures::{page, post_json, texts};
use crate::harness::TestApp;

crate::on_both_stores!(
    anyone_reads_what_is_shared_from_the_agreements_in_force,
    a_suspended_agreement_leaves_the_page_at_once,
);

async fn anyone_reads_what_is_shared_from_the_agreements_in_force(app: TestApp) {
    let anyone = app.new_client();
    let (status, html) = page(&app, &anyone, "/sharing").await;
    assert_eq!(status, 200, "no sign-in needed");
    let in_force = texts(
        &app,
        "SELECT title FROM agreements WHERE status = 'active' ORDER BY title",
        "title",
    )
    .await;
    assert!(!in_force.is_empty(), "the demo has agreements in force");
    for title in &in_force {
        assert!(html.contains(&askama_escape(title)), "{title} is listed");
    }
    assert!(html.contains("Northshire Police"), "{html}");
    // What the police never see is said in words.
    let police = &html[html
        .find("<h3>Northshire Police</h3>")
        .expect("the police's section")..];
    let police = &police[..police.find("</section>").unwrap()];
    assert!(police.contains("They never see:"), "{police}");
    assert!(police.contains("Clinical notes"), "{police}");
    assert!(html.contains("Article 6"), "the lawful basis");
    assert!(html.contains("Who may see my record"), "how to say no");
    // Every page, signed in or not, links to it.
    let (_, sign_in) = page(&app, &anyone, "/sign-in").await;
    assert!(sign_in.contains(r#"href="/sharing""#));
}

/// Titles as the page writes them (the demo's have no `&`, `<` or quotes,
/// but an apostrophe would be escaped).
fn askama_escape(text: &str) -> String {
    text.replace('&', "&#38;").replace('\'', "&#39;")
}

async fn a_suspended_agreement_leaves_the_page_at_once(app: TestApp) {
    let anyone = app.new_client();
    let token = app.token_for("ig.lead", "TREAT").await;
    let active = texts(
        &app,
        "SELECT id FROM agreements WHERE status = 'active' ORDER BY title",
        "id",
    )
    .await;
    let mut suspended = None;
    for id in active {
        let answer = post_json(
            &app,
            &token,
            &format!("/api/v1/agreements/{id}/suspend"),
            serde_json::json!({}),
        )
        .await;
        if answer.status() == 200 {
            suspended = Some(id);
            break;
        }
    }
    let id = suspended.expect("the IG lead is party to an agreement in force");
    let title = texts(
        &app,
        &format!("SELECT title FROM agreements WHERE id = '{id}'"),
        "title",
    )
    .await
    .remove(0);
    let (_, html) = page(&app, &anyone, "/sharing").await;
    assert!(!html.contains(&askama_escape(&title)), "{title} is gone");
    let resumed = post_json(
        &app,
        &token,
        &format!("/api/v1/agreements/{id}/resume"),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(resumed.status(), 200);
    let (_, html) = page(&app, &anyone, "/sharing").await;
    assert!(html.contains(&askama_escape(&title)), "{title} is back");
}
