//! The referral and message pages over real HTTP on both stores: forms that
//! keep what was typed on a mistake, who sees what, read receipts and
//! acknowledgement from the page.

use crate::fixtures::{csrf_token, location, page, person_id, post_form, signed_in, DANIEL, GARY};
use crate::harness::TestApp;
use crate::referrals::team;

async fn a_message_thread_is_started_read_and_acknowledged_from_the_pages(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let community = team(&app, "North Community Mental Health Team")
        .await
        .to_string();
    let gp = signed_in(&app, "gp").await;
    let (status, form) = page(&app, &gp, &format!("/persons/{daniel}/threads/new")).await;
    assert_eq!(status, 200);
    let token = csrf_token(&form);

    // A mistake keeps the message typed.
    let bad = post_form(
        &app,
        &gp,
        &format!("/persons/{daniel}/threads"),
        &[
            ("csrf_token", &token),
            ("subject", "Medication"),
            ("to_team_id", &community),
            ("body", "He has stopped his olanzapine."),
            ("acknowledge_within_hours", "soon"),
        ],
    )
    .await;
    assert_eq!(bad.status(), 400);
    let html = bad.text().await.unwrap();
    assert!(html.contains("Give the hours as a whole number."));
    assert!(html.contains("He has stopped his olanzapine."));

    let sent = post_form(
        &app,
        &gp,
        &format!("/persons/{daniel}/threads"),
        &[
            ("csrf_token", &token),
            ("subject", "Medication"),
            ("to_team_id", &community),
            ("body", "He has stopped his olanzapine."),
            ("acknowledge_within_hours", "8"),
        ],
    )
    .await;
    assert_eq!(sent.status(), 303);
    let thread = location(&sent);
    let (_, html) = page(&app, &gp, &thread).await;
    assert!(html.contains("Not read yet"));
    assert!(
        !html.contains(">Acknowledge</button>"),
        "the sender cannot acknowledge"
    );

    let practitioner = signed_in(&app, "mh.practitioner").await;
    let (_, list) = page(&app, &practitioner, "/threads").await;
    assert!(list.contains("Medication"));
    let (_, html) = page(&app, &practitioner, &thread).await;
    let ack = crate::fixtures::form_action(&html, &format!("{thread}/messages/"));
    let acked = post_form(
        &app,
        &practitioner,
        &ack,
        &[("csrf_token", &csrf_token(&html))],
    )
    .await;
    assert_eq!(acked.status(), 303);

    let (_, html) = page(&app, &gp, &thread).await;
    assert!(html.contains("Read by Tom Ellis"), "{html}");
    assert!(html.contains("Acknowledged "));

    // Someone outside the thread gets nothing.
    let police = signed_in(&app, "police").await;
    let (status, _) = page(&app, &police, &thread).await;
    assert_eq!(status, 404);
}

async fn the_referral_form_keeps_what_was_typed_and_explains_refusals(app: TestApp) {
    let gp = signed_in(&app, "gp").await;
    let (_, form) = page(&app, &gp, "/referrals/new").await;
    let token = csrf_token(&form);
    let crisis = team(&app, "Crisis Resolution and Home Treatment Team")
        .await
        .to_string();
    // Only teams that take referrals are offered: someone there works with
    // people, and an agreement covers the GP's organisation and theirs.
    assert!(form.contains(&format!(r#"value="{crisis}""#)), "{form}");
    for not_offered in [
        "Information Governance",
        "Control Room",
        "Riverside Surgery Clinicians",
    ] {
        let id = team(&app, not_offered).await.to_string();
        assert!(!form.contains(&id), "{not_offered} is offered: {form}");
    }
    let bad = post_form(
        &app,
        &gp,
        "/referrals",
        &[
            ("csrf_token", &token),
            ("nhs_number", "1234"),
            ("to_team_id", &crisis),
            ("urgency", "urgent"),
            ("reason", "Not sleeping for a week"),
        ],
    )
    .await;
    assert_eq!(bad.status(), 400);
    let html = bad.text().await.unwrap();
    assert!(html.contains("Not sleeping for a week"));
    assert!(html.contains("NHS number"));
    // The error summary leads to the field, which says what is wrong.
    assert!(html.contains("<title>Error: Make a referral"), "{html}");
    assert!(html.contains(r##"<li><a href="#nhs_number">"##), "{html}");
    assert!(html.contains(r#"id="nhs_number-error""#), "{html}");
    assert!(
        html.contains(r#"aria-invalid="true" aria-describedby="nhs_number-hint nhs_number-error""#),
        "{html}"
    );

    // The police have no agreement covering referrals to the charity.
    let police = signed_in(&app, "police").await;
    let (_, form) = page(&app, &police, "/referrals/new").await;
    let charity = team(&app, "Employment Support").await.to_string();
    let refused = post_form(
        &app,
        &police,
        "/referrals",
        &[
            ("csrf_token", &csrf_token(&form)),
            ("nhs_number", DANIEL),
            ("to_team_id", &charity),
            ("urgency", "routine"),
            ("reason", "Would like help back to work"),
        ],
    )
    .await;
    assert_ne!(refused.status(), 303);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("Would like help back to work"),
        "what was typed is kept"
    );
}

/// The GP's urgent referral of Daniel to the crisis team, sent through the
/// API: its id.
async fn daniels_referral(app: &TestApp) -> String {
    referral_of(app, DANIEL).await
}

/// The GP's urgent referral of the person with `nhs_number` to the crisis
/// team, sent through the API: its id.
async fn referral_of(app: &TestApp, nhs_number: &str) -> String {
    let gp = app.token_for("gp", "TREAT").await;
    let crisis = team(app, "Crisis Resolution and Home Treatment Team").await;
    let sent = crate::fixtures::post_json(
        app,
        &gp,
        "/api/v1/referrals",
        serde_json::json!({
            "nhs_number": nhs_number, "to_team_id": crisis.to_string(), "urgency": "urgent",
            "reason": "Not sleeping since discharge"
        }),
    )
    .await;
    assert_eq!(sent.status(), 201);
    sent.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn the_person_sees_where_their_referrals_stand(app: TestApp) {
    daniels_referral(&app).await;
    let own = signed_in(&app, "person").await;
    let (status, html) = page(&app, &own, "/my/referrals").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Crisis Resolution and Home Treatment Team"),
        "{html}"
    );
    assert!(html.contains("Sent, waiting for acknowledgement"));
    // They were told in their inbox, with where to follow it.
    let (_, inbox) = page(&app, &own, "/inbox").await;
    assert!(
        inbox.contains(
            "Riverside Surgery referred you to Crisis Resolution and Home Treatment Team"
        ),
        "{inbox}"
    );
    assert!(inbox.contains(r#"href="/my/referrals""#), "{inbox}");
    // The reason is the professionals' to share; the person sees where it
    // stands.
    let gp_page = signed_in(&app, "gp").await;
    let (status, _) = page(&app, &gp_page, "/my/referrals").await;
    assert_eq!(status, 403);
}

/// The `<button>` that submits the action form `value` on `html`.
fn button_of(html: &str, value: &str) -> String {
    let form = html
        .find(&format!(r#"id="act-{value}""#))
        .unwrap_or_else(|| panic!("no {value} form: {html}"));
    let button = form + html[form..].find("<button").expect("a button");
    let end = button + html[button..].find('>').expect("the tag ends");
    html[button..=end].to_owned()
}

async fn a_referrals_next_steps_say_what_they_mean_and_only_moving_on_is_green(app: TestApp) {
    let id = daniels_referral(&app).await;
    let path = format!("/referrals/{id}");

    // The sender may only cancel: a secondary button, its note asked for
    // in words.
    let gp_page = signed_in(&app, "gp").await;
    let (status, sender) = page(&app, &gp_page, &path).await;
    assert_eq!(status, 200, "{sender}");
    assert!(
        button_of(&sender, "cancel").contains(r#"class="secondary""#),
        "{sender}"
    );
    assert!(!sender.contains(r#"class="primary""#), "{sender}");
    assert!(sender.contains("Why you are cancelling it"), "{sender}");
    assert!(sender.contains("Withdraw the referral"), "{sender}");

    // The receiving team: acknowledging is the green step, declining and
    // redirecting are not, and each says what it means.
    let nurse = signed_in(&app, "crisis.nurse").await;
    let (_, receiver) = page(&app, &nurse, &path).await;
    assert!(
        button_of(&receiver, "acknowledge").contains(r#"class="primary""#),
        "{receiver}"
    );
    for step in ["accept", "decline", "redirect"] {
        assert!(
            button_of(&receiver, step).contains(r#"class="secondary""#),
            "{step}"
        );
    }
    assert_eq!(
        receiver.matches(r#"class="primary""#).count(),
        1,
        "{receiver}"
    );
    assert!(receiver.contains("you decide later"), "{receiver}");
    assert!(receiver.contains("Why you are declining it"), "{receiver}");
    assert!(
        receiver.contains("Why it should go to that team"),
        "{receiver}"
    );
    assert!(!receiver.contains(">Why</label>"), "{receiver}");
}

/// The inbox item of `html` that links to `link`.
fn inbox_item<'a>(html: &'a str, link: &str) -> &'a str {
    let at = html
        .find(&format!(r#"href="{link}""#))
        .unwrap_or_else(|| panic!("no item for {link}: {html}"));
    let start = html[..at].rfind("<li>").expect("an item");
    let end = at + html[at..].find("</li>").expect("its end");
    &html[start..end]
}

async fn once_acknowledged_the_receivers_inbox_no_longer_asks_for_it(app: TestApp) {
    let id = daniels_referral(&app).await;
    let link = format!("/referrals/{id}");
    let nurse = signed_in(&app, "crisis.nurse").await;
    let (_, inbox) = page(&app, &nurse, "/inbox").await;
    let item = inbox_item(&inbox, &link);
    assert!(item.contains("New"), "{item}");
    assert!(item.contains("Acknowledge by"), "{item}");

    // A colleague in the team acknowledges it: the nurse's item says so.
    let (_, detail) = page(&app, &nurse, &link).await;
    let acknowledged = post_form(
        &app,
        &nurse,
        &format!("{link}/act"),
        &[
            ("csrf_token", &csrf_token(&detail)),
            ("action", "acknowledge"),
            ("note", ""),
        ],
    )
    .await;
    assert_eq!(acknowledged.status(), 303);
    let (_, inbox) = page(&app, &nurse, "/inbox").await;
    let item = inbox_item(&inbox, &link);
    assert!(!item.contains("New"), "{item}");
    assert!(!item.contains("Acknowledge by"), "{item}");
    assert!(item.contains("Acknowledged by"), "{item}");
    assert!(item.contains("Respond by"), "{item}");
}

/// The rows of the referral table `id` on `html`.
fn table_rows(html: &str, id: &str) -> usize {
    let Some(start) = html.find(&format!(r#"<table id="{id}""#)) else {
        return 0;
    };
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    table.matches("<tr id=\"referral-").count()
}

async fn referral_lists_and_the_inbox_page_twenty_five_at_a_time(app: TestApp) {
    for _ in 0..30 {
        daniels_referral(&app).await;
    }
    let gp = signed_in(&app, "gp").await;
    let (status, first) = page(&app, &gp, "/referrals").await;
    assert_eq!(status, 200);
    assert_eq!(table_rows(&first, "outbox"), 25, "{first}");
    assert!(first.contains(r#"href="/referrals?outbox=2""#), "{first}");
    let (_, second) = page(&app, &gp, "/referrals?outbox=2").await;
    assert_eq!(table_rows(&second, "outbox"), 5, "{second}");
    assert!(second.contains(r#"href="/referrals?outbox=1""#), "{second}");

    let nurse = signed_in(&app, "crisis.nurse").await;
    let (_, inbox) = page(&app, &nurse, "/referrals").await;
    assert_eq!(table_rows(&inbox, "inbox"), 25, "{inbox}");
    let (_, next) = page(&app, &nurse, "/referrals?inbox=2").await;
    assert_eq!(table_rows(&next, "inbox"), 5, "{next}");

    // Her inbox of notifications pages too: thirty told, twenty-five shown.
    let (_, told) = page(&app, &nurse, "/inbox").await;
    assert_eq!(told.matches("<li>").count(), 25, "{told}");
    assert!(told.contains(r#"href="/inbox?page=2""#), "{told}");
    let (_, rest) = page(&app, &nurse, "/inbox?page=2").await;
    assert!(rest.matches("<li>").count() >= 5, "{rest}");
    assert!(rest.contains(r#"href="/inbox?page=1""#), "{rest}");
}

async fn the_message_threads_page_twenty_five_at_a_time(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let gp = app.token_for("gp", "TREAT").await;
    for n in 0..30 {
        let started = crate::fixtures::post_json(
            &app,
            &gp,
            &format!("/api/v1/persons/{daniel}/threads"),
            serde_json::json!({
                "subject": format!("Discharge question {n}"),
                "to_usernames": ["dr.singh"],
                "body": "Can we talk about his discharge?"
            }),
        )
        .await;
        assert_eq!(started.status(), 201);
    }
    let pages = signed_in(&app, "gp").await;
    let (_, first) = page(&app, &pages, "/threads").await;
    assert_eq!(first.matches("Discharge question").count(), 25, "{first}");
    assert!(first.contains(r#"href="/threads?page=2""#), "{first}");
    let (_, second) = page(&app, &pages, "/threads?page=2").await;
    assert_eq!(second.matches("Discharge question").count(), 5, "{second}");
}

/// A search form's fields sent as a POST.
async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(String, String)],
) -> reqwest::Response {
    client
        .post(app.url(path))
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// The referral search form's fields on `html`, with `fields` added.
fn search_form(html: &str, fields: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut form = vec![("csrf_token".to_owned(), csrf_token(html))];
    form.extend(
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    form
}

async fn the_referral_lists_are_searched_by_name_and_by_whether_still_open(app: TestApp) {
    for _ in 0..27 {
        daniels_referral(&app).await;
    }
    let garys = referral_of(&app, GARY).await;
    let declined = daniels_referral(&app).await;
    let nurse_api = app.token_for("crisis.nurse", "TREAT").await;
    let acted = crate::fixtures::post_json(
        &app,
        &nurse_api,
        &format!("/api/v1/referrals/{declined}/decline"),
        serde_json::json!({"note": "Seen by the home treatment team already"}),
    )
    .await;
    assert_eq!(acted.status(), 200);

    let gp = signed_in(&app, "gp").await;
    let (_, all) = page(&app, &gp, "/referrals").await;
    assert!(all.contains(r#"id="referral-search""#), "{all}");
    // By name: Gary's one referral, sent in the form and not in the address.
    let fields = search_form(&all, &[("name", "holt")]);
    let found = send(&app, &gp, "/referrals/search", &fields).await;
    assert_eq!(found.status(), 200);
    assert!(found.url().query().is_none(), "{}", found.url());
    let html = found.text().await.unwrap();
    assert_eq!(table_rows(&html, "outbox"), 1, "{html}");
    assert!(html.contains(&format!("referral-{garys}")), "{html}");
    assert!(html.contains("whose name starts “holt”"), "{html}");
    // Daniel's 28 page by buttons that carry the name along.
    let fields = search_form(&all, &[("name", "Reid")]);
    let html = send(&app, &gp, "/referrals/search", &fields)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(table_rows(&html, "outbox"), 25, "{html}");
    assert!(!html.contains(&format!("referral-{garys}")), "{html}");
    assert!(
        html.contains(r#"<button type="submit" name="outbox" value="2""#),
        "{html}"
    );
    assert!(html.contains(r#"name="name" value="Reid""#), "{html}");
    let fields = search_form(&html, &[("name", "Reid"), ("outbox", "2")]);
    let second = send(&app, &gp, "/referrals/search", &fields)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(table_rows(&second, "outbox"), 3, "{second}");
    // Only those still open: the declined one drops out.
    let fields = search_form(&all, &[("name", "Reid"), ("open", "yes"), ("outbox", "2")]);
    let open = send(&app, &gp, "/referrals/search", &fields)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(table_rows(&open, "outbox"), 2, "{open}");
    assert!(!open.contains(&format!("referral-{declined}")), "{open}");
    assert!(open.contains("Showing open referrals"), "{open}");
    // A name nobody referred has the words for nothing found.
    let fields = search_form(&all, &[("name", "Okonkwo")]);
    let none = send(&app, &gp, "/referrals/search", &fields)
        .await
        .text()
        .await
        .unwrap();
    assert!(none.contains("No referral you sent matches."), "{none}");
    // The receiving team's inbox narrows the same way.
    let nurse = signed_in(&app, "crisis.nurse").await;
    let (_, inbox) = page(&app, &nurse, "/referrals").await;
    let fields = search_form(&inbox, &[("name", "Gary")]);
    let html = send(&app, &nurse, "/referrals/search", &fields)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(table_rows(&html, "inbox"), 1, "{html}");
    // Without the session's token the search is refused.
    let forged = send(
        &app,
        &nurse,
        "/referrals/search",
        &[
            ("csrf_token".to_owned(), "x".to_owned()),
            ("name".to_owned(), "Gary".to_owned()),
        ],
    )
    .await;
    assert_eq!(forged.status(), 403);
}

async fn the_message_threads_are_found_by_name_or_subject(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let gary = person_id(&app, GARY).await;
    let gp = app.token_for("gp", "TREAT").await;
    for (person, n) in (0..28).map(|n| (&daniel, n)).chain([(&gary, 99)]) {
        let started = crate::fixtures::post_json(
            &app,
            &gp,
            &format!("/api/v1/persons/{person}/threads"),
            serde_json::json!({
                "subject": format!("Discharge question {n}"),
                "to_usernames": ["dr.singh"],
                "body": "Can we talk about the discharge?"
            }),
        )
        .await;
        assert_eq!(started.status(), 201);
    }
    let pages = signed_in(&app, "gp").await;
    let (_, all) = page(&app, &pages, "/threads").await;
    // Each thread says whom it is about.
    assert!(all.contains("about Daniel Reid"), "{all}");
    let by = |words: &str, page: Option<&str>| {
        let mut fields = search_form(&all, &[("words", words)]);
        if let Some(p) = page {
            fields.push(("page".to_owned(), p.to_owned()));
        }
        fields
    };
    let html = send(&app, &pages, "/threads", &by("holt", None))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(html.matches("Discharge question").count(), 1, "{html}");
    assert!(html.contains("Discharge question 99"), "{html}");
    assert!(html.contains("about Gary Holt"), "{html}");
    // A subject's words, anywhere in it.
    let html = send(&app, &pages, "/threads", &by("question 1", None))
        .await
        .text()
        .await
        .unwrap();
    // 1 and 10 to 19.
    assert_eq!(html.matches("Discharge question").count(), 11, "{html}");
    // Daniel's 28 page with the words kept in the form.
    let first = send(&app, &pages, "/threads", &by("daniel", None))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(first.matches("Discharge question").count(), 25, "{first}");
    assert!(first.contains(r#"name="words" value="daniel""#), "{first}");
    let rest = send(&app, &pages, "/threads", &by("daniel", Some("2")))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(rest.matches("Discharge question").count(), 3, "{rest}");
    let none = send(&app, &pages, "/threads", &by("Okonkwo", None))
        .await
        .text()
        .await
        .unwrap();
    assert!(none.contains("No thread you are part of matches"), "{none}");
    // A wildcard typed is matched as itself, not as anything.
    let wild = send(&app, &pages, "/threads", &by("%", None))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(wild.matches("Discharge question").count(), 0, "{wild}");
    // Someone not part of any thread finds none of them, whatever the words.
    let other = signed_in(&app, "police").await;
    let (_, theirs) = page(&app, &other, "/threads").await;
    let fields = vec![
        ("csrf_token".to_owned(), csrf_token(&theirs)),
        ("words".to_owned(), "Discharge".to_owned()),
    ];
    let html = send(&app, &other, "/threads", &fields)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(html.matches("Discharge question").count(), 0, "{html}");
}

crate::on_both_stores!(
    the_referral_lists_are_searched_by_name_and_by_whether_still_open,
    the_message_threads_are_found_by_name_or_subject,
    the_message_threads_page_twenty_five_at_a_time,
    referral_lists_and_the_inbox_page_twenty_five_at_a_time,
    once_acknowledged_the_receivers_inbox_no_longer_asks_for_it,
    a_referrals_next_steps_say_what_they_mean_and_only_moving_on_is_green,
    a_message_thread_is_started_read_and_acknowledged_from_the_pages,
    the_referral_form_keeps_what_was_typed_and_explains_refusals,
    the_person_sees_where_their_referrals_stand,
);
