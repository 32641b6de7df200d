//! Carers' own accounts, on both stores: the demo's Margaret Reid signs in
//! as `carer` and sees what Daniel lets her (that he is on Willow Ward and
//! when he will leave, what helps him) and nothing else; writes to his
//! care team, who are asked to answer within two days and escalate if they
//! do not; loses an item on her next request once Daniel withdraws it, and
//! everything once he withdraws her access; her reads are in his access
//! log. An attacker with a carer's account learns nothing of anyone else.

use chrono::Duration;
use concordat_domain::ids::{PersonId, RelatedPersonId};
use concordat_store::persons;
use serde_json::{json, Value};

use crate::fixtures::{
    count, csrf_token, get_json, page, person_id, post_form, post_json, signed_in, texts, DANIEL,
    LEAH,
};
use crate::harness::TestApp;

pub(crate) async fn nominated_carer_of(app: &TestApp, daniel: PersonId) -> RelatedPersonId {
    let mut conn = app.store.read().await.unwrap();
    persons::related_persons_of(&mut conn, daniel)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.nominated_carer())
        .expect("Daniel's mother")
        .id()
}

fn item<'a>(home: &'a Value, name: &str) -> &'a Value {
    home["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"] == name)
        .unwrap_or_else(|| panic!("no item {name} in {home}"))
}

fn shared(home: &Value) -> Vec<String> {
    home["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["shared"] == true)
        .map(|i| i["item"].as_str().unwrap().to_owned())
        .collect()
}

async fn put(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.client
        .put(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Daniel's mother signs in, sees the expected discharge date and nothing
/// he did not allow, writes to the ward and gets an answer.
async fn daniels_mother_sees_what_he_allows_and_the_care_team_answers(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let carer = app.token_for("carer", "FAMRQT").await;
    let (status, home) = get_json(&app, &carer, "/api/v1/carer").await;
    assert_eq!(status, 200, "{home}");
    assert_eq!(home["given_name"], "Daniel");
    assert_eq!(shared(&home), ["admission", "discharge", "what-helps"]);
    let leaves = (concordat_server::Clock::now(&app.clock) + Duration::days(2))
        .date_naive()
        .format("%A %-d %B %Y")
        .to_string();
    assert_eq!(
        item(&home, "discharge")["lines"][0],
        format!("Daniel is expected to leave hospital on {leaves}.")
    );
    assert!(item(&home, "admission")["lines"][0]
        .as_str()
        .unwrap()
        .contains("on Willow Ward"));
    // What he did not allow is not there, not even in part.
    for withheld in ["crisis-contact", "who-to-call"] {
        assert_eq!(item(&home, withheld)["shared"], false);
        assert_eq!(item(&home, withheld)["lines"], json!([]));
    }
    let text = home.to_string();
    for never in ["Crisis line", "01632 960 000", "clinical"] {
        assert!(!text.contains(never), "{never} in {text}");
    }

    // She writes to the care team; they are asked to answer within 2 days.
    let sent = post_json(
        &app,
        &carer,
        "/api/v1/carer/messages",
        json!({"body": "Is Daniel still coming home on Tuesday? I can collect him."}),
    )
    .await;
    assert_eq!(sent.status(), 201);
    let sent: Value = sent.json().await.unwrap();
    let due = concordat_server::Clock::now(&app.clock) + Duration::hours(48);
    assert_eq!(
        sent["answer_due"].as_str().unwrap(),
        due.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    );

    // His GP, on his care team, finds it, acknowledges and answers.
    let gp = app.token_for("gp", "TREAT").await;
    let (_, threads) = get_json(&app, &gp, "/api/v1/threads").await;
    let thread = threads
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["person_id"] == daniel.to_string())
        .unwrap_or_else(|| panic!("no thread in {threads}"))
        .clone();
    assert_eq!(thread["subject"], "From Margaret Reid, a carer");
    let id = thread["id"].as_str().unwrap();
    let acknowledged = post_json(
        &app,
        &gp,
        &format!(
            "/api/v1/threads/{id}/messages/{}/acknowledge",
            sent["id"].as_str().unwrap()
        ),
        json!({}),
    )
    .await;
    assert_eq!(acknowledged.status(), 200);
    let answered = post_json(
        &app,
        &gp,
        &format!("/api/v1/threads/{id}/messages"),
        json!({"body": "Yes, Tuesday after lunch. The ward will ring you."}),
    )
    .await;
    assert_eq!(answered.status(), 201);

    let (_, home) = get_json(&app, &carer, "/api/v1/carer").await;
    let messages = home["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2, "{home}");
    assert!(messages[0]["acknowledged_at"].is_string());
    assert_eq!(messages[1]["from"], "Dr Helen Carter");
    assert_eq!(
        messages[1]["body"],
        "Yes, Tuesday after lunch. The ward will ring you."
    );

    // Her reads are in his access log, as a carer's, with what she saw.
    let own = app.token_for("person", "PATRQT").await;
    let (status, log) = get_json(&app, &own, "/api/v1/me/access-log").await;
    assert_eq!(status, 200);
    let hers: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["who"] == "Margaret Reid")
        .collect();
    assert!(hers.len() >= 3, "{log}");
    assert!(hers.iter().all(|e| e["purpose_code"] == "FAMRQT"), "{log}");
    assert!(hers.iter().any(|e| e["action"] == "write"), "{log}");
    // Each read says what let her see it: his own choice.
    let because = |e: &Value| -> Vec<String> {
        e["because"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_str().unwrap().to_owned())
            .collect()
    };
    let read = hers
        .iter()
        .find(|e| e["action"] == "read")
        .unwrap_or_else(|| panic!("{log}"));
    let grounds = because(read);
    assert!(
        grounds.iter().any(
            |g| g.starts_with("nominated carer: the person chose to let them see ")
                && g.contains("admission")
        ),
        "{read}"
    );
    assert!(
        !grounds.iter().any(|g| g.contains("best interests")),
        "{read}"
    );
}

/// A message the care team leaves unanswered escalates as any does.
async fn an_unanswered_carer_message_escalates(app: TestApp) {
    let carer = app.token_for("carer", "FAMRQT").await;
    let sent = post_json(
        &app,
        &carer,
        "/api/v1/carer/messages",
        json!({"body": "Nobody has called me back."}),
    )
    .await;
    assert_eq!(sent.status(), 201);
    let id = sent.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let step = format!("SELECT escalation_step AS n FROM messages WHERE id = '{id}'");
    app.clock.advance(Duration::hours(47));
    app.run_jobs().await;
    assert_eq!(count(&app, &step).await, 0);
    app.clock.advance(Duration::hours(2));
    app.run_jobs().await;
    assert_eq!(count(&app, &step).await, 1);
}

/// Daniel withdraws one item: his mother loses it on her next request.
/// He withdraws her access: she sees nothing and cannot write, and both
/// refusals are audited. He gives it back: she sees again what he chose.
async fn withdrawing_counts_from_her_next_request(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let mother = nominated_carer_of(&app, daniel).await;
    let carer = app.token_for("carer", "FAMRQT").await;
    let own = app.token_for("person", "PATRQT").await;
    let (_, before) = get_json(&app, &carer, "/api/v1/carer").await;
    assert!(shared(&before).contains(&"what-helps".to_owned()));

    let sharing = format!("/api/v1/persons/{daniel}/carers/{mother}/sharing");
    let changed = put(
        &app,
        &own,
        &sharing,
        json!({"may_tell": ["admission", "discharge"]}),
    )
    .await;
    assert_eq!(changed.status(), 200);
    let (_, after) = get_json(&app, &carer, "/api/v1/carer").await;
    assert_eq!(shared(&after), ["admission", "discharge"]);
    assert_eq!(item(&after, "what-helps")["lines"], json!([]));

    let access = format!("/api/v1/persons/{daniel}/carers/{mother}/access");
    let withdrawn = put(&app, &own, &access, json!({"withdrawn": true})).await;
    assert_eq!(withdrawn.status(), 200);
    let view: Value = withdrawn.json().await.unwrap();
    assert!(view["account"]["withdrawn_at"].is_string(), "{view}");
    let denied_before = count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{daniel}' \
             AND purpose = 'FAMRQT' AND outcome = 'denied'"
        ),
    )
    .await;
    let (status, nothing) = get_json(&app, &carer, "/api/v1/carer").await;
    assert_eq!(status, 200);
    assert!(nothing["withdrawn_at"].is_string());
    assert!(shared(&nothing).is_empty(), "{nothing}");
    assert_eq!(nothing["messages"], json!([]));
    let write = post_json(
        &app,
        &carer,
        "/api/v1/carer/messages",
        json!({"body": "Hello?"}),
    )
    .await;
    assert_eq!(write.status(), 403);
    let denied_after = count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{daniel}' \
             AND purpose = 'FAMRQT' AND outcome = 'denied'"
        ),
    )
    .await;
    assert_eq!(denied_after, denied_before + 2);
    let threads = format!(
        "SELECT COUNT(*) AS n FROM message_threads WHERE person_id = '{daniel}' \
         AND subject LIKE 'From Margaret%'"
    );
    assert_eq!(count(&app, &threads).await, 0);

    let restored = put(&app, &own, &access, json!({"withdrawn": false})).await;
    assert_eq!(restored.status(), 200);
    let (_, again) = get_json(&app, &carer, "/api/v1/carer").await;
    assert_eq!(shared(&again), ["admission", "discharge"]);
}

/// The care team invites a nominated carer: an account with the `carer`
/// role and a one-time link; she sets her password with it and signs in.
/// A carer invite for someone who is not the inviter's is refused and
/// makes nothing.
async fn the_care_team_invites_a_carer_who_sets_a_password_and_signs_in(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let mother = nominated_carer_of(&app, daniel).await;
    // The demo's account is hers already: the care team makes a new link.
    let practitioner = app.token_for("mh.practitioner", "TREAT").await;
    let invited = post_json(
        &app,
        &practitioner,
        &format!("/api/v1/persons/{daniel}/carers/{mother}/invitation"),
        json!({}),
    )
    .await;
    assert_eq!(invited.status(), 201);
    let invitation: Value = invited.json().await.unwrap();
    assert_eq!(invitation["username"], "carer");
    let link = invitation["set_password_path"].as_str().unwrap().to_owned();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = client.get(app.url(&link)).send().await.unwrap();
    assert_eq!(form.status(), 200);
    let set = client
        .post(app.url(&link))
        .form(&[
            ("password", "a long new carer password"),
            ("again", "a long new carer password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 303);
    let signed = app
        .request_token("carer", "a long new carer password", "FAMRQT")
        .await;
    assert_eq!(signed.status(), 200);

    // Someone else's carer, and a carer of someone the inviter does not
    // care for: the same answer as for no one, and nothing made.
    let leah = person_id(&app, LEAH).await;
    let users_before = count(&app, "SELECT COUNT(*) AS n FROM users").await;
    let gp = app.token_for("gp", "TREAT").await;
    let stranger = post_json(
        &app,
        &gp,
        &format!("/api/v1/persons/{leah}/carers/{mother}/invitation"),
        json!({}),
    )
    .await;
    assert_eq!(stranger.status(), 404);
    let police = app.token_for("police", "ETREAT").await;
    let outsider = post_json(
        &app,
        &police,
        &format!("/api/v1/persons/{daniel}/carers/{mother}/invitation"),
        json!({}),
    )
    .await;
    assert_eq!(outsider.status(), 404);
    let nobody = post_json(
        &app,
        &police,
        &format!(
            "/api/v1/persons/{}/carers/{mother}/invitation",
            uuid::Uuid::new_v4()
        ),
        json!({}),
    )
    .await;
    assert_eq!(nobody.status(), 404);
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM users").await,
        users_before
    );
}

/// An attacker holding a carer's account: anyone but Daniel answers as no
/// one does; Daniel's record beyond what he chose is refused and audited;
/// no other purpose opens anything; and no one else may claim the carer's
/// purpose.
async fn a_carer_sees_nothing_beyond_the_items_and_no_one_else(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let leah = person_id(&app, LEAH).await;
    let carer = app.token_for("carer", "FAMRQT").await;
    let nobody = uuid::Uuid::new_v4();

    let leahs = app
        .get_with_token(&format!("/api/v1/persons/{leah}"), &carer)
        .await;
    let leahs = (leahs.status().as_u16(), leahs.text().await.unwrap());
    let none = app
        .get_with_token(&format!("/api/v1/persons/{nobody}"), &carer)
        .await;
    let none = (none.status().as_u16(), none.text().await.unwrap());
    assert_eq!(leahs.0, 404);
    assert_eq!(leahs, none);

    // Daniel's record itself, his plan, his consent: refused by name.
    for path in [
        format!("/api/v1/persons/{daniel}"),
        format!("/api/v1/persons/{daniel}/crisis-plan"),
        format!("/api/v1/persons/{daniel}/consent"),
        format!("/api/v1/persons/{daniel}/advance-choices"),
    ] {
        let (status, body) = get_json(&app, &carer, &path).await;
        assert!(status == 403 || status == 404, "{path}: {status} {body}");
        assert!(!body.to_string().contains("Orchard Way"), "{path}: {body}");
    }
    // Another purpose opens nothing more.
    for purpose in ["TREAT", "PATRQT", "ETREAT"] {
        let other = app.token_for("carer", purpose).await;
        let (status, body) = get_json(&app, &other, "/api/v1/carer").await;
        assert_eq!(status, 200, "{body}");
        assert!(shared(&body).is_empty(), "{purpose}: {body}");
    }
    // No one else may act as a carer.
    let police = app.token_for("police", "FAMRQT").await;
    let (status, _) = get_json(&app, &police, "/api/v1/carer").await;
    assert_eq!(status, 403);
    let gp = app.token_for("gp", "FAMRQT").await;
    let (status, _) = get_json(&app, &gp, &format!("/api/v1/persons/{daniel}")).await;
    assert!(status == 403 || status == 404);
    let refused = texts(
        &app,
        &format!(
            "SELECT policy_ids FROM audit_log WHERE person_id = '{daniel}' \
             AND purpose = 'FAMRQT' AND outcome = 'denied'"
        ),
        "policy_ids",
    )
    .await;
    assert!(
        refused
            .iter()
            .any(|p| p.contains("carer-access-is-the-carers")),
        "{refused:?}"
    );
}

/// The pages: she reads them on a phone; Daniel invites, withdraws and
/// gives back from his own sharing page.
async fn the_pages_show_her_what_he_chose_and_let_him_stop_it(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let mother = nominated_carer_of(&app, daniel).await;
    let carer = signed_in(&app, "carer").await;
    let (status, html) = page(&app, &carer, "/carer").await;
    assert_eq!(status, 200);
    assert!(html.contains("What Daniel shares with you"), "{html}");
    assert!(!html.contains("for Daniel's good"), "{html}");
    assert!(
        html.contains("Daniel is expected to leave hospital on"),
        "{html}"
    );
    assert!(html.contains("Not shared with you"), "{html}");
    assert!(html.contains("Who to call in a crisis"), "{html}");

    let token = csrf_token(&html);
    let empty = post_form(
        &app,
        &carer,
        "/carer/messages",
        &[("csrf_token", &token), ("body", " ")],
    )
    .await;
    assert_eq!(empty.status(), 400);
    let body = empty.text().await.unwrap();
    assert!(body.contains("Write your message first."), "{body}");
    let sent = post_form(
        &app,
        &carer,
        "/carer/messages",
        &[("csrf_token", &token), ("body", "Can I visit on Sunday?")],
    )
    .await;
    assert_eq!(sent.status(), 303);
    let (_, html) = page(&app, &carer, "/carer?done=sent").await;
    assert!(html.contains("Can I visit on Sunday?"), "{html}");
    assert!(html.contains("asked to answer by"), "{html}");

    let person = signed_in(&app, "person").await;
    let (_, choices) = page(&app, &person, &format!("/persons/{daniel}/consent")).await;
    assert!(
        choices.contains("signs in as <strong>carer</strong>"),
        "{choices}"
    );
    let token = csrf_token(&choices);
    let stopped = post_form(
        &app,
        &person,
        &format!("/persons/{daniel}/carers/{mother}/access"),
        &[("csrf_token", &token), ("change", "withdraw")],
    )
    .await;
    assert_eq!(stopped.status(), 303);
    let (_, html) = page(&app, &carer, "/carer").await;
    assert!(html.contains("stopped sharing with you"), "{html}");
    assert!(!html.contains("expected to leave hospital"), "{html}");
    assert!(!html.contains("name=\"body\""), "{html}");

    let (_, choices) = page(&app, &person, &format!("/persons/{daniel}/consent")).await;
    assert!(
        choices.contains("cannot see anything here since"),
        "{choices}"
    );
    let restored = post_form(
        &app,
        &person,
        &format!("/persons/{daniel}/carers/{mother}/access"),
        &[("csrf_token", &csrf_token(&choices)), ("change", "restore")],
    )
    .await;
    assert_eq!(restored.status(), 303);
    let (_, html) = page(&app, &carer, "/carer").await;
    assert!(html.contains("expected to leave hospital"), "{html}");

    // His own copy says who his carer is, what she may see, and how.
    let (_, copy) = page(&app, &person, "/my/copy").await;
    assert!(
        copy.contains("Margaret Reid (Mother) may be told that I have been admitted to hospital"),
        "{copy}"
    );
    assert!(copy.contains("They sign in as carer to see it."), "{copy}");
    let (_, json) = page(&app, &person, "/my/copy.json").await;
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["carers"][0]["account"]["username"], "carer", "{json}");

    // A new link, shown once, from the person's own page.
    let (_, choices) = page(&app, &person, &format!("/persons/{daniel}/consent")).await;
    let invited = post_form(
        &app,
        &person,
        &format!("/persons/{daniel}/carers/{mother}/invitation"),
        &[("csrf_token", &csrf_token(&choices))],
    )
    .await;
    assert_eq!(invited.status(), 200);
    let html = invited.text().await.unwrap();
    assert!(html.contains("/set-password/"), "{html}");
    assert!(html.contains("sign in as <strong>carer</strong>"), "{html}");
}

/// While Daniel cannot decide, a best-interests decision lets his mother
/// see whom to call: recorded with his choices for her, shown to him
/// afterwards, and decided for her as any item is. A carer who is not his
/// nominated carer, or no item, is refused naming the field, and nothing
/// is recorded.
async fn a_best_interests_decision_lets_a_carer_see_and_the_person_sees_it_after(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let mother = nominated_carer_of(&app, daniel).await;
    let lead = crate::corrections::daniels_lead(&app).await;
    let staff = app.token_for(&lead, "TREAT").await;
    let base = format!("/api/v1/persons/{daniel}/capacity");
    let lacked = post_json(
        &app,
        &staff,
        &format!("{base}/assessments"),
        json!({
            "decision": "Whether his mother may know whom to call in a crisis",
            "outcome": "lacks-capacity",
            "reasons": "Too unwell today to weigh it up",
        }),
    )
    .await;
    assert_eq!(lacked.status(), 201);
    let lacked: Value = lacked.json().await.unwrap();
    let decision = |carer: String, items: Value| {
        json!({
            "assessment_id": lacked["id"], "consulted": "His mother, his GP",
            "known_wishes": "He has said before he wants his mother involved",
            "shared_what": "Whom to call in a crisis", "shared_with": "His mother",
            "why": "She is with him most evenings",
            "carer_related_person_id": carer, "carer_items": items,
        })
    };
    let decisions =
        format!("SELECT COUNT(*) AS n FROM best_interests_decisions WHERE person_id = '{daniel}'");
    let leah = person_id(&app, LEAH).await;
    let leahs_carer = nominated_carer_of(&app, leah).await;
    for (carer, items, field) in [
        (leahs_carer.to_string(), json!(["who-to-call"]), "carer"),
        ("not-an-id".to_owned(), json!(["who-to-call"]), "carer"),
        (mother.to_string(), json!([]), "carer_items"),
        (mother.to_string(), json!(["diagnosis"]), "carer_items"),
        (mother.to_string(), json!(["messages"]), "carer_items"),
    ] {
        let refused = post_json(
            &app,
            &staff,
            &format!("{base}/best-interests"),
            decision(carer.clone(), items.clone()),
        )
        .await;
        assert_eq!(refused.status(), 400, "{carer} {items}");
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["errors"][0]["field"], field, "{body}");
    }
    assert_eq!(count(&app, &decisions).await, 0);

    let carer = app.token_for("carer", "FAMRQT").await;
    let (_, before) = get_json(&app, &carer, "/api/v1/carer").await;
    assert!(!shared(&before).contains(&"who-to-call".to_owned()));
    let made = post_json(
        &app,
        &staff,
        &format!("{base}/best-interests"),
        decision(mother.to_string(), json!(["who-to-call"])),
    )
    .await;
    assert_eq!(made.status(), 201);
    let made: Value = made.json().await.unwrap();
    assert_eq!(made["carer_items"], json!(["who-to-call"]));
    let (_, after) = get_json(&app, &carer, "/api/v1/carer").await;
    assert!(
        shared(&after).contains(&"who-to-call".to_owned()),
        "{after}"
    );
    assert!(!item(&after, "who-to-call")["lines"]
        .as_array()
        .unwrap()
        .is_empty());

    // Her page says some of it was shared for his good, not by him.
    let margaret = signed_in(&app, "carer").await;
    let (_, hers) = page(&app, &margaret, "/carer").await;
    assert!(
        hers.contains(
            "Some of it was shared for Daniel's good, at a time when Daniel could not choose."
        ),
        "{hers}"
    );
    // Her read names the decision, not Daniel, as what let her see it.
    let own = app.token_for("person", "PATRQT").await;
    let (_, log) = get_json(&app, &own, "/api/v1/me/access-log").await;
    let latest = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["who"] == "Margaret Reid" && e["action"] == "read")
        .unwrap_or_else(|| panic!("{log}"))
        .clone();
    assert!(
        latest["because"].as_array().unwrap().iter().any(|g| g
            == "nominated carer: a decision made in the person's best interests lets them see \
                who-to-call"),
        "{latest}"
    );
    // His care team and he see which item the decision shared; saving
    // the choices unchanged keeps it the decision's, and only his own
    // change makes it his.
    let sharing = format!("/api/v1/persons/{daniel}/carers/{mother}/sharing");
    let shared_by = |view: &Value| -> Vec<(String, Value)> {
        view["topics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["may_tell"] == true)
            .map(|t| {
                (
                    t["topic"].as_str().unwrap().to_owned(),
                    t["shared_by"].clone(),
                )
            })
            .collect()
    };
    let (_, view) = get_json(&app, &staff, &sharing).await;
    let ticked = shared_by(&view);
    assert!(
        ticked.contains(&("who-to-call".to_owned(), json!("best-interests"))),
        "{view}"
    );
    assert!(
        ticked.contains(&("admission".to_owned(), Value::Null)),
        "{view}"
    );
    let person = signed_in(&app, "person").await;
    let (_, choices) = page(&app, &person, &format!("/persons/{daniel}/consent")).await;
    assert!(
        choices.contains(
            "who to call if I am in crisis, from my crisis plan <span class=\"muted\">(shared in your best interests)</span>"
        ),
        "{choices}"
    );
    let names: Vec<String> = ticked.iter().map(|(t, _)| t.clone()).collect();
    let saved = put(&app, &own, &sharing, json!({ "may_tell": names })).await;
    assert_eq!(saved.status(), 200);
    let saved: Value = saved.json().await.unwrap();
    assert_eq!(shared_by(&saved), ticked, "{saved}");
    let without: Vec<String> = names
        .iter()
        .filter(|t| *t != "who-to-call")
        .cloned()
        .collect();
    assert_eq!(
        put(&app, &own, &sharing, json!({ "may_tell": without }))
            .await
            .status(),
        200
    );
    let again = put(&app, &own, &sharing, json!({ "may_tell": names })).await;
    let again: Value = again.json().await.unwrap();
    assert!(
        shared_by(&again).contains(&("who-to-call".to_owned(), Value::Null)),
        "{again}"
    );

    // Daniel sees it in his own account afterwards, and may change it.
    let own = app.token_for("person", "PATRQT").await;
    let (_, mine) = get_json(&app, &own, "/api/v1/me/capacity").await;
    let shared_by_decision = mine["best_interests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["carer_related_person_id"] == mother.to_string())
        .unwrap_or_else(|| panic!("{mine}"))
        .clone();
    assert_eq!(shared_by_decision["carer_items"], json!(["who-to-call"]));
    let person = signed_in(&app, "person").await;
    let (_, html) = page(&app, &person, "/my/capacity").await;
    assert!(
        html.contains("Margaret Reid can see who to call if I am in crisis"),
        "{html}"
    );

    // Someone off his care team cannot share in his best interests.
    let police = app.token_for("police", "ETREAT").await;
    let stranger = post_json(
        &app,
        &police,
        &format!("{base}/best-interests"),
        decision(mother.to_string(), json!(["what-helps"])),
    )
    .await;
    assert_eq!(stranger.status(), 404);
}

crate::on_both_stores!(
    a_best_interests_decision_lets_a_carer_see_and_the_person_sees_it_after,
    daniels_mother_sees_what_he_allows_and_the_care_team_answers,
    an_unanswered_carer_message_escalates,
    withdrawing_counts_from_her_next_request,
    the_care_team_invites_a_carer_who_sets_a_password_and_signs_in,
    a_carer_sees_nothing_beyond_the_items_and_no_one_else,
    the_pages_show_her_what_he_chose_and_let_him_stop_it,
);
