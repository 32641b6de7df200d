//! Capacity and best interests as pages: a person's records with the
//! forms to record an assessment and a best-interests decision
//! (`/persons/{id}/capacity`), the person's own (`/my/capacity`), and
//! information governance's view of all (`/governance/capacity`).
//! Everything goes through [`crate::capacity`].

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::capacity::CapacityOutcome;
use concordat_domain::carer::CarerItem;
use concordat_domain::purpose::Purpose;
use serde::Deserialize;

use crate::auth::session::SignedIn;
use crate::capacity::{self as service, AssessmentInput, BestInterestsInput, Records};
use crate::error::ServiceError;
use crate::pages::error::PageError;
use crate::pages::extract::{Fields, PageForm, PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::reader::{person_of, viewer};
use crate::pages::words::{long_date, when};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons/{id}/capacity", get(show).post(record))
        .route("/my/capacity", get(mine))
        .route("/governance/capacity", get(governance))
}

struct AssessmentRow {
    id: String,
    person_id: String,
    decision: String,
    outcome: &'static str,
    lacks: bool,
    reasons: String,
    by: String,
    at: String,
    told: String,
}

struct DecisionRow {
    person_id: String,
    consulted: String,
    known_wishes: String,
    shared_what: String,
    shared_with: String,
    why: String,
    by: String,
    at: String,
    told: String,
    /// "Margaret Reid can see: …", when the decision let a carer see items.
    carer: Option<String>,
}

struct Rows {
    assessments: Vec<AssessmentRow>,
    decisions: Vec<DecisionRow>,
}

fn rows(records: &Records) -> Rows {
    Rows {
        assessments: records
            .assessments
            .iter()
            .map(|a| AssessmentRow {
                id: a.id.to_string(),
                person_id: a.person.to_string(),
                decision: a.decision.clone(),
                outcome: a.outcome.label(),
                lacks: a.outcome == CapacityOutcome::LacksCapacity,
                reasons: a.reasons.clone(),
                by: a.assessed_by_name.clone(),
                at: when(a.assessed_at),
                told: long_date(a.told_from.date_naive()),
            })
            .collect(),
        decisions: records
            .best_interests
            .iter()
            .map(|d| DecisionRow {
                person_id: d.person.to_string(),
                consulted: d.consulted.clone(),
                known_wishes: d.known_wishes.clone(),
                shared_what: d.shared_what.clone(),
                shared_with: d.shared_with.clone(),
                why: d.why.clone(),
                by: d.decided_by_name.clone(),
                at: when(d.decided_at),
                told: long_date(d.told_from.date_naive()),
                carer: d.carer_share.as_ref().map(|share| {
                    let name = records
                        .carer_names
                        .get(&share.carer)
                        .cloned()
                        .unwrap_or_else(|| "A carer".to_owned());
                    let items: Vec<&str> = share.items.iter().map(|i| i.label()).collect();
                    format!("{name} can see {}.", words_list(&items))
                }),
            })
            .collect(),
    }
}

/// "a, b and c".
fn words_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn carers(records: &Records) -> Vec<(String, String)> {
    records
        .nominated_carers
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect()
}

fn carer_items() -> Vec<(&'static str, &'static str)> {
    CarerItem::CHOSEN
        .into_iter()
        .map(|item| (item.as_str(), item.label()))
        .collect()
}

fn lacking(records: &Records) -> bool {
    records
        .assessments
        .iter()
        .any(|a| a.outcome == CapacityOutcome::LacksCapacity)
}

/// What was sent, to show again beside its faults. Built from the posted
/// pairs, since the carer's items are ticked boxes of one name.
#[derive(Debug, Default)]
pub struct CapacityForm {
    purpose: Option<String>,
    /// `assessment` or `best-interests`: which form was sent.
    form: String,
    decision: String,
    outcome: String,
    reasons: String,
    assessment: String,
    consulted: String,
    known_wishes: String,
    shared_what: String,
    shared_with: String,
    why: String,
    tell_person_on: String,
    /// A nominated carer the decision lets see items, or empty.
    carer: String,
    carer_items: Vec<String>,
}

impl CapacityForm {
    fn from(fields: Fields) -> Self {
        Self {
            purpose: fields.get("purpose"),
            form: fields.one("form"),
            decision: fields.one("decision"),
            outcome: fields.one("outcome"),
            reasons: fields.one("reasons"),
            assessment: fields.one("assessment"),
            consulted: fields.one("consulted"),
            known_wishes: fields.one("known_wishes"),
            shared_what: fields.one("shared_what"),
            shared_with: fields.one("shared_with"),
            why: fields.one("why"),
            tell_person_on: fields.one("tell_person_on"),
            carer: fields.one("carer"),
            carer_items: fields.all("carer_items"),
        }
    }

    fn ticked(&self, item: &str) -> bool {
        self.carer_items.iter().any(|i| i == item)
    }
}

#[derive(Template)]
#[template(path = "capacity.html")]
struct CapacityPage {
    chrome: Chrome,
    person_id: String,
    purpose_code: &'static str,
    rows: Rows,
    /// Whether any assessment found the person lacked capacity, so a
    /// best-interests decision can be recorded on it.
    any_lacking: bool,
    /// The person's nominated carers, whom the decision may let see items.
    carers: Vec<(String, String)>,
    /// Each item a carer may see: its name and, in the person's words,
    /// what it is.
    items: Vec<(&'static str, &'static str)>,
    sent: CapacityForm,
    notice: Option<&'static str>,
    faults: Faults,
}

#[derive(Debug, Deserialize)]
pub struct CapacityQuery {
    purpose: Option<String>,
    done: Option<String>,
}

/// `GET /persons/{id}/capacity`.
pub async fn show(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<CapacityQuery>,
) -> Result<Response, PageError> {
    let viewer = viewer(&session, query.purpose.as_deref())?;
    let person = person_of(&id);
    let records = service::of_person(&state, &viewer, person).await?;
    let page = CapacityPage {
        chrome: Chrome::load(&state, &session).await?,
        person_id: person.to_string(),
        purpose_code: viewer.purpose.code(),
        any_lacking: lacking(&records),
        carers: carers(&records),
        items: carer_items(),
        rows: rows(&records),
        sent: CapacityForm::default(),
        notice: (query.done.as_deref() == Some("recorded")).then_some("Recorded."),
        faults: Faults::new(),
    };
    Ok(render(&page)?.into_response())
}

/// `POST /persons/{id}/capacity`: an assessment or a best-interests
/// decision, as `form` says.
pub async fn record(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = CapacityForm::from(Fields(pairs).checked(&session)?);
    let viewer = viewer(&session, form.purpose.as_deref())?;
    let person = person_of(&id);
    let result = if form.form == "best-interests" {
        let input = BestInterestsInput {
            assessment: form.assessment.clone(),
            consulted: form.consulted.clone(),
            known_wishes: form.known_wishes.clone(),
            shared_what: form.shared_what.clone(),
            shared_with: form.shared_with.clone(),
            why: form.why.clone(),
            tell_person_on: form.tell_person_on.clone(),
            carer: form.carer.clone(),
            carer_items: form.carer_items.clone(),
        };
        service::decide_best_interests(&state, &viewer, person, &input)
            .await
            .map(|_| ())
    } else {
        let input = AssessmentInput {
            decision: form.decision.clone(),
            outcome: form.outcome.clone(),
            reasons: form.reasons.clone(),
            tell_person_on: form.tell_person_on.clone(),
        };
        service::assess(&state, &viewer, person, &input)
            .await
            .map(|_| ())
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "/persons/{person}/capacity?purpose={}&done=recorded",
            viewer.purpose.code()
        ))
        .into_response()),
        Err(ServiceError::Invalid(fields)) => {
            let records = service::of_person(&state, &viewer, person).await?;
            let on_form: &[&str] = if form.form == "best-interests" {
                &[
                    "assessment",
                    "consulted",
                    "known_wishes",
                    "shared_what",
                    "shared_with",
                    "why",
                    "carer",
                    "carer_items",
                    "tell_person_on",
                ]
            } else {
                &["decision", "outcome", "reasons", "tell_person_on"]
            };
            let page = CapacityPage {
                chrome: Chrome::load(&state, &session).await?,
                person_id: person.to_string(),
                purpose_code: viewer.purpose.code(),
                any_lacking: lacking(&records),
                carers: carers(&records),
                items: carer_items(),
                rows: rows(&records),
                faults: Faults::from_service(&fields, on_form, "record"),
                sent: form,
                notice: None,
            };
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "my_capacity.html")]
struct MinePage {
    chrome: Chrome,
    rows: Rows,
}

/// `GET /my/capacity`.
pub async fn mine(State(state): State<AppState>, session: SignedIn) -> Result<Response, PageError> {
    let Some(person) = session.user.person_id() else {
        return Err(PageError::Forbidden(
            "This page is for a person's own account.".into(),
        ));
    };
    let viewer = session.viewer(Purpose::OwnAccess);
    let records = service::of_person(&state, &viewer, person).await?;
    let page = MinePage {
        chrome: Chrome::load(&state, &session).await?,
        rows: rows(&records),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "governance_capacity.html")]
struct GovernancePage {
    chrome: Chrome,
    rows: Rows,
}

/// `GET /governance/capacity`.
pub async fn governance(
    State(state): State<AppState>,
    session: SignedIn,
) -> Result<Response, PageError> {
    let viewer = session.viewer(Purpose::DirectCare);
    let records = service::for_governance(&state, &viewer).await?;
    let page = GovernancePage {
        chrome: Chrome::load(&state, &session).await?,
        rows: rows(&records),
    };
    Ok(render(&page)?.into_response())
}
