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

mod break_glass;
mod dates;
mod flags;
mod lookup_and_coverage;
mod plans;
