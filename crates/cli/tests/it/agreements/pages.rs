//! Agreements in the pages: listing, viewing, drafting, signing and amending
//! through forms, CSRF, and who may open them.

use super::*;

// ------------------------------------------------------------------- pages

/// The street-triage terms as the agreement form posts them.
fn street_triage_form(csrf: &str) -> Vec<(&'static str, String)> {
    [
        ("csrf_token", csrf),
        ("title", "Street triage by form"),
        ("tier", "coordinate"),
        ("party", "NMHT"),
        ("party", "NSPOL"),
        ("purpose", "ETREAT"),
        ("read:police-officer", "crisis-plan"),
        ("read:police-officer", "risk"),
        ("write:police-officer", "contacts"),
        ("article_6", "Article 6(1)(e) public task"),
        ("article_9", "Article 9(2)(h) health or social care"),
        ("dpa_schedule_1", "Schedule 1 Part 1 paragraph 2"),
        ("starts_on", "2026-01-01"),
        ("ends_on", ""),
        ("review_on", "2026-09-01"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

async fn an_ig_lead_lists_views_drafts_and_signs_agreements_in_the_pages(app: TestApp) {
    let lead = signed_in(&app, "ig.lead").await;
    let (status, home) = page(&app, &lead, "/").await;
    assert_eq!(status, 200);
    assert!(
        home.contains(r#"href="/agreements""#),
        "the home page links to them"
    );

    let (status, new) = page(&app, &lead, "/agreements/new").await;
    assert_eq!(status, 200);
    let csrf = csrf_token(&new);
    let response = lead
        .post(app.url("/agreements"))
        .form(&street_triage_form(&csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with("?done=created"), "{location}");
    let view_path = location.split('?').next().unwrap().to_owned();

    let (status, list) = page(&app, &lead, "/agreements").await;
    assert_eq!(status, 200);
    assert!(list.contains("Street triage by form"), "{list}");
    assert!(list.contains(&format!(r#"href="{view_path}""#)));

    let (status, view) = page(&app, &lead, &location).await;
    assert_eq!(status, 200);
    assert!(view.contains("The draft is saved"), "{view}");
    assert!(view.contains("Coordinated care"));
    assert!(view.contains("Emergency treatment or crisis response"));
    assert!(view.contains("Police officer"));
    assert!(
        view.contains("Crisis plan; Risk and safety flags"),
        "{view}"
    );
    assert!(view.contains("No end date"));
    assert!(view.contains("Still to sign:</strong> Northshire Mental Health NHS Foundation Trust, Northshire Police"), "{view}");
    assert!(view.contains("Sign for Northshire Mental Health NHS Foundation Trust"));
    assert!(!view.contains(">Suspend<"), "a draft cannot be suspended");

    let response = lead
        .post(app.url(&format!("{view_path}/sign")))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let (_, signed) = page(&app, &lead, &format!("{view_path}?done=signed")).await;
    assert!(signed.contains("You have signed this version"), "{signed}");
    assert!(signed.contains("Signed by Ruth Okafor on "), "{signed}");
    assert!(
        !signed.contains("Sign for"),
        "signed once, no second button"
    );

    let police = signed_in(&app, "police.ig").await;
    let (_, theirs) = page(&app, &police, &view_path).await;
    let police_csrf = csrf_token(&theirs);
    assert!(theirs.contains("Sign for Northshire Police"));
    police
        .post(app.url(&format!("{view_path}/sign")))
        .form(&[("csrf_token", police_csrf.as_str())])
        .send()
        .await
        .unwrap();
    let (_, active) = page(&app, &police, &view_path).await;
    assert!(active.contains("In force"), "{active}");
    assert!(active.contains(">Suspend<"));

    // An ig-lead outside the agreement sees it, with no buttons to press.
    let outsider = signed_in(&app, "neds.ig").await;
    let (status, outside) = page(&app, &outsider, &view_path).await;
    assert_eq!(status, 200);
    for button in ["Sign for", ">Suspend<", ">Amend<", "End the agreement"] {
        assert!(!outside.contains(button), "{button}");
    }
}

async fn a_form_that_breaks_a_rule_comes_back_with_the_rule_and_what_was_typed(app: TestApp) {
    let lead = signed_in(&app, "ig.lead").await;
    let (_, new) = page(&app, &lead, "/agreements/new").await;
    let csrf = csrf_token(&new);
    let mut form = street_triage_form(&csrf);
    for (key, value) in &mut form {
        if *key == "tier" {
            *value = "exchange".into();
        }
        if *key == "review_on" {
            *value = "2025-01-01".into();
        }
    }
    let response = lead
        .post(app.url("/agreements"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let html = response.text().await.unwrap();
    // The summary first, each fault a link to its part of the form.
    assert!(html.contains("<title>Error: "), "{html}");
    assert!(html.contains("There is a problem"), "{html}");
    assert!(html.contains(r##"<a href="#grants">"##), "{html}");
    assert!(
        html.contains("exchange tier does not allow sharing crisis-plan"),
        "{html}"
    );
    assert!(
        html.contains(r#"value="Street triage by form""#),
        "the title is kept"
    );
    assert!(
        html.contains(r#"name="read:police-officer" value="risk" checked"#),
        "ticks are kept"
    );
    assert!(html.contains(r#"name="tier" value="exchange" checked"#));
    // The date typed is kept, in its three boxes.
    assert!(html.contains(r#"name="review_on-year" class="w4" inputmode="numeric" maxlength="4" autocomplete="off" value="2025""#), "{html}");

    let (_, list) = page(&app, &lead, "/agreements").await;
    assert!(!list.contains("Street triage by form"), "nothing was saved");
}

async fn an_ig_lead_amends_an_agreement_through_the_form(app: TestApp) {
    let id = draft(&app, "ig.lead", &street_triage_terms()).await;
    sign_as(&app, "ig.lead", &id).await;
    sign_as(&app, "police.ig", &id).await;
    let lead = signed_in(&app, "ig.lead").await;

    let (status, edit) = page(&app, &lead, &format!("/agreements/{id}/edit")).await;
    assert_eq!(status, 200);
    assert!(edit.contains("Saving makes version 2"), "{edit}");
    assert!(edit.contains(r#"value="Street triage information sharing""#));
    assert!(edit.contains(r#"name="party" value="NSPOL" checked"#));
    assert!(edit.contains(r#"name="write:crisis-clinician" value="crisis-plan" checked"#));
    assert!(edit.contains(r#"name="ends_on-year" class="w4" inputmode="numeric" maxlength="4" autocomplete="off" value="2028""#), "{edit}");
    assert!(edit.contains(r#"name="ends_on-month" class="w2" inputmode="numeric" maxlength="2" autocomplete="off" value="1""#), "{edit}");

    let mut form = street_triage_form(&csrf_token(&edit));
    form.push(("party", "NSASC".to_owned()));
    let response = lead
        .post(app.url(&format!("/agreements/{id}/edit")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let (_, view) = page(
        &app,
        &lead,
        response.headers()["location"].to_str().unwrap(),
    )
    .await;
    assert!(view.contains("Version 2."), "{view}");
    assert!(view.contains("Every party must sign it again"), "{view}");
    let body = agreement(&app, &id).await;
    assert_eq!(body["version"], 2);
    assert_eq!(body["title"], "Street triage by form");
    assert_eq!(
        codes(&body["awaiting_signatures"]),
        ["NMHT", "NSASC", "NSPOL"]
    );

    // An ig-lead outside the agreement cannot open its form.
    let outsider = signed_in(&app, "neds.ig").await;
    let (status, refused) = page(&app, &outsider, &format!("/agreements/{id}/edit")).await;
    assert_eq!(status, 403);
    assert!(
        refused.contains("is not a party to this agreement"),
        "{refused}"
    );
}

async fn agreement_forms_without_the_csrf_token_are_refused(app: TestApp) {
    let id = draft(&app, "ig.lead", &street_triage_terms()).await;
    let lead = signed_in(&app, "ig.lead").await;
    for token in ["", "forged"] {
        let created = lead
            .post(app.url("/agreements"))
            .form(&street_triage_form(token))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 403);
        for action in ["sign", "suspend", "end"] {
            let pressed = lead
                .post(app.url(&format!("/agreements/{id}/{action}")))
                .form(&[("csrf_token", token)])
                .send()
                .await
                .unwrap();
            assert_eq!(pressed.status(), 403, "{action}");
        }
    }
    let (_, list) = page(&app, &lead, "/agreements").await;
    assert!(!list.contains("Street triage by form"));
    let body = agreement(&app, &id).await;
    assert_eq!(body["status"], "draft");
    assert_eq!(body["parties"][0]["signed"], false);
}

async fn staff_without_a_governance_role_cannot_open_the_agreement_pages(app: TestApp) {
    let gp = signed_in(&app, "gp").await;
    let (_, home) = page(&app, &gp, "/").await;
    assert!(!home.contains(r#"href="/agreements""#));
    for path in ["/agreements", "/agreements/new"] {
        let (status, html) = page(&app, &gp, path).await;
        assert_eq!(status, 403, "{path}");
        assert!(html.contains("information governance"), "{html}");
    }
    // An administrator may read them but not draft one.
    let admin = signed_in(&app, "admin").await;
    let (status, list) = page(&app, &admin, "/agreements").await;
    assert_eq!(status, 200);
    assert!(!list.contains("/agreements/new"));
    assert_eq!(page(&app, &admin, "/agreements/new").await.0, 403);
}

crate::on_both_stores!(
    an_ig_lead_lists_views_drafts_and_signs_agreements_in_the_pages,
    a_form_that_breaks_a_rule_comes_back_with_the_rule_and_what_was_typed,
    an_ig_lead_amends_an_agreement_through_the_form,
    agreement_forms_without_the_csrf_token_are_refused,
    staff_without_a_governance_role_cannot_open_the_agreement_pages,
);
