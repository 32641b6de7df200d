//! The consent page itself (`GET /persons/{id}/consent`): each choice in
//! words with who recorded it, when and how, whether it is in force, the
//! form for a new one (as it was sent, with its errors, after a failed
//! change) and what each nominated carer may be told.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, NaiveTime, Utc};
use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use serde::Deserialize;

use crate::auth::session::SignedIn;
use crate::consent::{self, NewDirective, Overview, PROFESSIONAL_PURPOSES, STAFF_VIA};
use crate::error::ServiceError;
use crate::pages::error::PageError;
use crate::pages::extract::{PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::words::{long_date, sentence, when};
use crate::permissions::ConsentSteward;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/persons/{id}/consent", get(view))
}

struct ChoiceRow {
    id: String,
    summary: String,
    deny: bool,
    recorded: String,
    capacity_note: Option<String>,
    expires: Option<String>,
    status: String,
    in_force: bool,
    withdrawable: bool,
}

struct Opt {
    value: String,
    label: String,
    chosen: bool,
}

struct TopicBox {
    value: &'static str,
    label: &'static str,
    checked: bool,
    /// Ticked by a best-interests decision rather than by the person.
    in_best_interests: bool,
}

struct CarerRow {
    id: String,
    name: String,
    relationship: &'static str,
    topics: Vec<TopicBox>,
    updated: Option<String>,
    error: Option<String>,
    /// Their own sign-in: none until invited.
    account: Option<CarerAccountRow>,
}

struct CarerAccountRow {
    username: String,
    /// "since 6 December 2026" once their access is withdrawn.
    withdrawn: Option<String>,
}

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage {
    chrome: Chrome,
    person_id: String,
    own: bool,
    person_name: String,
    notice: Option<&'static str>,
    error: Option<String>,
    choices: Vec<ChoiceRow>,
    effect: String,
    organisations: Vec<Opt>,
    categories: Vec<Opt>,
    purposes: Vec<Opt>,
    vias: Vec<Opt>,
    capacity_note: String,
    expires_at: String,
    faults: Faults,
    carers: Vec<CarerRow>,
    /// What the agreements share before any choice, said first.
    defaults: Vec<consent::DefaultSharing>,
}

#[derive(Debug, Deserialize)]
pub struct ConsentQuery {
    done: Option<String>,
}

#[derive(Deserialize, Default)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct ChoiceForm {
    #[serde(default)]
    pub(crate) csrf_token: String,
    #[serde(flatten)]
    pub(crate) choice: NewDirective,
}

pub(crate) fn person_id(raw: &str) -> PersonId {
    PersonId::named(raw)
}

fn opt(value: &str, label: &str, chosen: &str) -> Opt {
    Opt {
        value: value.to_owned(),
        label: label.to_owned(),
        chosen: value == chosen,
    }
}

pub(crate) fn failure(e: ServiceError) -> PageError {
    match e {
        ServiceError::Denied { reason, .. } => PageError::Forbidden(sentence(&reason)),
        other => other.into(),
    }
}

/// The page's purpose: the person keeps their own choices for their own
/// access; the care team keeps them for direct care.
pub(crate) fn choices_viewer(session: &SignedIn) -> crate::authorisation::Viewer {
    session.viewer(if session.user.role() == Role::Person {
        Purpose::OwnAccess
    } else {
        Purpose::DirectCare
    })
}

/// When a choice stops: a choice made "until" a date stops at midnight
/// after it, which reads better as the end of that date.
fn until(at: DateTime<Utc>) -> String {
    match at.date_naive().pred_opt() {
        Some(day) if at.time() == NaiveTime::MIN => format!("the end of {}", long_date(day)),
        _ => when(at),
    }
}

fn choice_row(d: consent::DirectiveView, own: bool) -> ChoiceRow {
    let status = match (d.withdrawn_at, d.expires_at, d.in_force) {
        (Some(at), _, _) => format!("Withdrawn {}", when(at)),
        (None, Some(at), false) => format!("Expired {}", when(at)),
        _ => "In force".to_owned(),
    };
    let recorded = if own && d.via == "own-account" {
        format!("You recorded this yourself, {}.", when(d.recorded_at))
    } else {
        let org = if d.recorded_by_organisation.is_empty() {
            String::new()
        } else {
            format!(" ({})", d.recorded_by_organisation)
        };
        format!(
            "Recorded by {}{org} {}, {}.",
            d.recorded_by,
            d.via_label,
            when(d.recorded_at)
        )
    };
    ChoiceRow {
        recorded,
        withdrawable: d.withdrawn_at.is_none(),
        id: d.id,
        summary: d.summary,
        deny: d.effect == "deny",
        capacity_note: d.capacity_note,
        expires: d.expires_at.map(until),
        in_force: d.in_force,
        status,
    }
}

/// What the page says back after an attempt: the new-choice form as it was
/// sent and its errors, a notice of success, or a failure (beside the
/// carer it was about, or at the top).
#[derive(Default)]
pub(crate) struct Feedback {
    pub(crate) form: ChoiceForm,
    pub(crate) faults: Faults,
    pub(crate) notice: Option<&'static str>,
    pub(crate) failed: Option<(Option<String>, String)>,
}

/// Builds the page around `overview`.
async fn page(
    state: &AppState,
    session: &SignedIn,
    person: PersonId,
    overview: Overview,
    feedback: Feedback,
) -> Result<ConsentPage, PageError> {
    let Feedback {
        form,
        faults,
        notice,
        failed,
    } = feedback;
    let general = failed
        .as_ref()
        .filter(|(id, _)| id.is_none())
        .map(|(_, m)| m.clone());
    let chrome = Chrome::load(state, session).await?;
    let (orgs, person_name) = (
        &overview.choices.organisations,
        overview.person_name.clone(),
    );
    let own = overview.steward == ConsentSteward::OwnAccount;
    let form = form.choice;
    let value = |v: &Option<String>| v.as_deref().unwrap_or_default().trim().to_owned();
    let (chosen_org, chosen_cat, chosen_purpose, chosen_via) = (
        value(&form.organisation),
        value(&form.category),
        value(&form.purpose),
        value(&form.via),
    );
    let (carer_error_id, carer_error) = match failed {
        Some((Some(id), message)) => (Some(id), Some(message)),
        _ => (None, None),
    };
    let mut organisations = vec![opt("", "Every organisation", &chosen_org)];
    organisations.extend(
        orgs.iter()
            .map(|o| opt(o.code().as_str(), o.name(), &chosen_org)),
    );
    let mut categories = vec![opt("", "Everything in the record", &chosen_cat)];
    categories.extend(
        DataCategory::SHARED
            .iter()
            .map(|c| opt(c.as_str(), c.label(), &chosen_cat)),
    );
    let mut purposes = vec![opt("", "Any reason", &chosen_purpose)];
    purposes.extend(
        PROFESSIONAL_PURPOSES
            .iter()
            .map(|p| opt(p.code(), p.label(), &chosen_purpose)),
    );
    Ok(ConsentPage {
        chrome,
        person_id: person.to_string(),
        own,
        person_name,
        notice,
        error: general,
        choices: overview
            .choices
            .directives
            .into_iter()
            .map(|d| choice_row(d, own))
            .collect(),
        effect: form.effect.trim().to_owned(),
        organisations,
        categories,
        purposes,
        vias: STAFF_VIA
            .iter()
            .map(|v| opt(v.as_str(), &sentence(v.label()), &chosen_via))
            .collect(),
        capacity_note: value(&form.capacity_note),
        expires_at: value(&form.expires_at),
        faults,
        defaults: overview.defaults.clone(),
        carers: overview
            .choices
            .carers
            .into_iter()
            .map(|c| CarerRow {
                error: (carer_error_id.as_deref() == Some(c.related_person_id.as_str()))
                    .then(|| carer_error.clone())
                    .flatten(),
                updated: c.updated_at.map(|at| {
                    format!(
                        "Last changed by {} on {}.",
                        c.updated_by.clone().unwrap_or_default(),
                        when(at)
                    )
                }),
                account: c.account.map(|a| CarerAccountRow {
                    username: a.username,
                    withdrawn: a.withdrawn_at.map(|at| long_date(at.date_naive())),
                }),
                id: c.related_person_id,
                name: c.name,
                relationship: c.relationship,
                topics: c
                    .topics
                    .iter()
                    .map(|t| TopicBox {
                        value: t.topic,
                        label: t.label,
                        checked: t.may_tell,
                        in_best_interests: t.shared_by.is_some(),
                    })
                    .collect(),
            })
            .collect(),
    })
}

fn notice_for(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "recorded" => Some("Your choice is saved. It applies from now on."),
        "withdrawn" => Some("The choice is withdrawn. It no longer applies."),
        "carers" => Some("What your carer may be told is saved."),
        "carer-withdrawn" => {
            Some("Your carer can no longer see anything here. This applies from now on.")
        }
        "carer-restored" => Some("Your carer can again see what is ticked for them."),
        _ => None,
    }
}

/// `GET /persons/{id}/consent`.
pub async fn view(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<ConsentQuery>,
) -> Result<Response, PageError> {
    let person = person_id(&id);
    let overview = consent::overview(&state, &choices_viewer(&session), person)
        .await
        .map_err(failure)?;
    let notice = notice_for(query.done.as_deref());
    let feedback = Feedback {
        notice,
        ..Feedback::default()
    };
    let page = page(&state, &session, person, overview, feedback).await?;
    Ok(render(&page)?.into_response())
}

/// The page again after a failed change, with what went wrong.
pub(crate) async fn again(
    state: &AppState,
    session: &SignedIn,
    person: PersonId,
    status: StatusCode,
    feedback: Feedback,
) -> Result<Response, PageError> {
    let overview = consent::overview(state, &choices_viewer(session), person)
        .await
        .map_err(failure)?;
    let page = page(state, session, person, overview, feedback).await?;
    Ok((status, render(&page)?).into_response())
}
