//! Writing the next version of a crisis plan
//! (`/persons/{id}/crisis-plan/edit`): a text box per section, rows for the
//! people and professionals to contact (blank rows are dropped), and the
//! version the writer started from, so that a change saved meanwhile by
//! someone else is never overwritten. Whatever goes wrong, the form comes
//! back with everything the writer typed.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::crisis_plan::{
    ContactHours, ContactInput, PlanSections, Section, SectionsInput, CONTACTS_MAX,
};
use concordat_domain::ids::PersonId;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::authorisation::Viewer;
use crate::crisis::plans;
use crate::error::ServiceError;
use crate::pages::crisis_plan::plan_fields::{field_name, input_of, sent, text_of};
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::reader::{own, person_of, viewer};
use crate::pages::words::sentence;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/persons/{id}/crisis-plan/edit", get(form).post(save))
}

/// Blank rows offered after the people already listed.
const BLANK_ROWS: usize = 2;

struct TextField {
    name: String,
    label: &'static str,
    hint: Option<&'static str>,
    value: String,
    error: Option<String>,
}

struct Opt {
    value: &'static str,
    label: &'static str,
    chosen: bool,
}

/// One row of people (or professionals) to contact, as typed.
struct ContactRow {
    index: usize,
    input: ContactInput,
    hours: Vec<Opt>,
    errors: BTreeMap<String, String>,
}

impl ContactRow {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

#[derive(Template)]
#[template(path = "crisis_plan_edit.html")]
struct EditPage {
    chrome: Chrome,
    person_id: String,
    own: bool,
    purpose_code: &'static str,
    based_on: String,
    error: Option<String>,
    texts: Vec<TextField>,
    people: Vec<ContactRow>,
    professionals: Vec<ContactRow>,
    list_errors: Vec<String>,
    /// Every fault above the form, each linking to its field.
    faults: Faults,
}

/// The element a service's field fault is shown against: a section's box,
/// a contact row's input (`p0-name`, `s1-hours`), or a list's fieldset.
fn anchor(field: &str) -> String {
    for (list, letter) in [("people_to_contact", 'p'), ("professional_contacts", 's')] {
        if let Some(rest) = field.strip_prefix(list).and_then(|r| r.strip_prefix('[')) {
            if let Some((index, part)) = rest.split_once("].") {
                let part = if part == "when_to_call" { "when" } else { part };
                return format!("{letter}{index}-{part}");
            }
        }
    }
    field.to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_fault_links_to_the_box_it_is_about() {
        assert_eq!(super::anchor("what_helps"), "what_helps");
        assert_eq!(super::anchor("people_to_contact[0].phone"), "p0-phone");
        assert_eq!(
            super::anchor("people_to_contact[2].when_to_call"),
            "p2-when"
        );
        assert_eq!(super::anchor("professional_contacts[1].hours"), "s1-hours");
        assert_eq!(
            super::anchor("professional_contacts"),
            "professional_contacts"
        );
    }
}

#[derive(Debug, Deserialize)]
pub struct EditQuery {
    purpose: Option<String>,
}

fn hint(section: Section) -> Option<&'static str> {
    match section {
        Section::EarlyWarningSigns => Some("What others may notice when things are getting worse."),
        Section::WhatHelps => Some("In the person's words: what calms, what to say, what to do."),
        Section::WhatDoesNotHelp => {
            Some("What makes things worse: people in crisis say this matters most.")
        }
        Section::PracticalArrangements => Some("Children, pets, home, work."),
        Section::TreatmentPreferences => {
            Some("Preferred hospital, medication preferences, who may or may not visit.")
        }
        _ => None,
    }
}

/// The rows of one list: those typed (with their errors) and a few blank.
fn rows(list: &str, typed: &[ContactInput], errors: &BTreeMap<String, String>) -> Vec<ContactRow> {
    let blanks = BLANK_ROWS.min(CONTACTS_MAX.saturating_sub(typed.len()));
    typed
        .iter()
        .cloned()
        .chain(std::iter::repeat_with(ContactInput::default).take(blanks))
        .enumerate()
        .map(|(index, input)| {
            let prefix = format!("{list}[{index}].");
            let errors = errors
                .iter()
                .filter_map(|(f, m)| Some((f.strip_prefix(&prefix)?.to_owned(), m.clone())))
                .collect();
            ContactRow {
                index,
                hours: ContactHours::ALL
                    .iter()
                    .map(|h| Opt {
                        value: h.as_str(),
                        label: h.label(),
                        chosen: input.hours.trim() == h.as_str(),
                    })
                    .collect(),
                input,
                errors,
            }
        })
        .collect()
}

/// The form as it is to be shown: what it holds, and what is wrong.
#[derive(Default)]
struct Filled {
    based_on: Option<u32>,
    input: SectionsInput,
    errors: BTreeMap<String, String>,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    session: &SignedIn,
    viewer: &Viewer,
    person: PersonId,
    filled: Filled,
) -> Result<EditPage, PageError> {
    let Filled {
        based_on,
        input,
        errors,
        error,
    } = filled;
    Ok(EditPage {
        chrome: Chrome::load(state, session).await?,
        person_id: person.to_string(),
        own: own(session, person),
        purpose_code: viewer.purpose.code(),
        based_on: based_on.map(|n| n.to_string()).unwrap_or_default(),
        error,
        texts: Section::ALL
            .iter()
            .filter(|s| !matches!(s, Section::PeopleToContact | Section::ProfessionalContacts))
            .map(|&s| {
                let name = field_name(s);
                TextField {
                    label: s.label(),
                    hint: hint(s),
                    value: text_of(&input, &name),
                    error: errors.get(&name).cloned(),
                    name,
                }
            })
            .collect(),
        people: rows("people_to_contact", &input.people_to_contact, &errors),
        professionals: rows(
            "professional_contacts",
            &input.professional_contacts,
            &errors,
        ),
        list_errors: ["people_to_contact", "professional_contacts"]
            .iter()
            .filter_map(|l| errors.get(*l).cloned())
            .collect(),
        faults: {
            let mut faults = Faults::new();
            for (field, message) in &errors {
                faults.add(&anchor(field), message);
            }
            faults
        },
    })
}

/// Only the person and their care team write the plan; anyone else is told
/// so before typing anything.
async fn require_writer(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    history: Option<&plans::PlanHistory>,
) -> Result<(), PageError> {
    let writes = match history {
        Some(h) => h.sees_drafts,
        None => crate::crisis::sees_drafts(state, viewer, person).await?,
    };
    if writes {
        Ok(())
    } else {
        Err(PageError::Forbidden(
            "Only the person and their care team write the person's crisis plan.".into(),
        ))
    }
}

/// `GET /persons/{id}/crisis-plan/edit`: the form, filled with the latest
/// version.
pub async fn form(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<EditQuery>,
) -> Result<Response, PageError> {
    let person = person_of(&id);
    let viewer = viewer(&session, query.purpose.as_deref())?;
    let history = plans::history(&state, &viewer, person).await?;
    require_writer(&state, &viewer, person, history.as_ref()).await?;
    let latest = history.as_ref().and_then(|h| h.latest());
    let filled = Filled {
        based_on: latest.map(|v| v.number),
        input: latest.map(input_of).unwrap_or_default(),
        ..Filled::default()
    };
    let page = page(&state, &session, &viewer, person, filled).await?;
    Ok(render(&page)?.into_response())
}

/// `POST /persons/{id}/crisis-plan/edit`: saves the next version.
pub async fn save(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let sent = sent(pairs)?;
    csrf::check(Some(&session.csrf_token), &sent.csrf_token)?;
    let person = person_of(&id);
    let viewer = viewer(&session, sent.purpose.as_deref())?;
    let (status, errors, error, based_on) = match PlanSections::parse(sent.input.clone()) {
        Err(problems) => {
            let errors = problems
                .into_iter()
                .map(|p| {
                    let message = if p.field.ends_with(".hours") {
                        "Choose when they can be reached.".to_owned()
                    } else {
                        sentence(&p.message)
                    };
                    (p.field, message)
                })
                .collect();
            (
                StatusCode::BAD_REQUEST,
                errors,
                Some("Some of the plan needs changing before it can be saved; see below.".into()),
                sent.based_on,
            )
        }
        Ok(sections) => {
            match plans::save_draft(&state, &viewer, person, sent.based_on, sections).await {
                Ok(_) => {
                    let done = if own(&session, person) {
                        "proposed"
                    } else {
                        "saved"
                    };
                    return Ok(Redirect::to(&format!(
                        "/persons/{person}/crisis-plan?done={done}&purpose={}",
                        viewer.purpose.code()
                    ))
                    .into_response());
                }
                Err(ServiceError::Conflict(message)) => {
                    // Their text is kept and the form now builds on the
                    // latest version: saving again makes it the next one,
                    // and the version saved meanwhile stays in the history.
                    let latest = plans::history(&state, &viewer, person)
                        .await?
                        .and_then(|h| h.latest().map(|v| v.number));
                    let next = match latest {
                        Some(n) => format!(
                            " Your text is below. Read version {n} first; saving again makes \
                             your text the next version."
                        ),
                        None => String::new(),
                    };
                    (
                        StatusCode::CONFLICT,
                        BTreeMap::new(),
                        Some(format!("{}{next}", sentence(&message))),
                        latest,
                    )
                }
                Err(ServiceError::Invalid(fields)) => (
                    StatusCode::BAD_REQUEST,
                    fields
                        .into_iter()
                        .map(|e| (e.field, sentence(&e.message)))
                        .collect(),
                    Some(
                        "Some of the plan needs changing before it can be saved; see below.".into(),
                    ),
                    sent.based_on,
                ),
                Err(other) => return Err(other.into()),
            }
        }
    };
    let filled = Filled {
        based_on,
        input: sent.input,
        errors,
        error,
    };
    let page = page(&state, &session, &viewer, person, filled).await?;
    Ok((status, render(&page)?).into_response())
}
