//! Advance choices as pages: the person's document with every earlier
//! version and the form that records a new one (`/persons/{id}/advance-choices`),
//! and the person's own (`/my/advance-choices`). Everything goes through
//! [`crate::advance_choices`].

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::advance_choice::{ChoiceEffect, CrisisKind, MAX_CHOICES};
use concordat_domain::category::DataCategory;
use concordat_domain::ids::OrganisationId;
use concordat_domain::purpose::Purpose;
use concordat_domain::text::lowercase_first;
use serde::Deserialize;

use crate::advance_choices::{self as service, AdvanceChoices, ChoiceInput, DocumentInput};
use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::authorisation::Viewer;
use crate::error::ServiceError;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::reader::{person_of, viewer};
use crate::pages::words::{long_date, when};
use crate::AppState;

/// Rows of the form: the choices in force and room for more.
const FORM_ROWS: usize = 6;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons/{id}/advance-choices", get(show).post(record))
        .route("/my/advance-choices", get(mine))
}

/// One version, as shown.
struct Version {
    number: i64,
    in_force: bool,
    statement: String,
    choices: Vec<String>,
    witnessed: String,
    review_by: String,
    replaced: String,
}

fn versions(
    documents: &[AdvanceChoices],
    names: &[(OrganisationId, String)],
    today: chrono::NaiveDate,
) -> Vec<Version> {
    documents
        .iter()
        .map(|d| Version {
            number: d.version,
            in_force: d.superseded_at.is_none(),
            statement: d.statement.clone(),
            choices: d
                .choices
                .iter()
                .map(|c| service::sentence(c, names))
                .collect(),
            witnessed: format!("{}, {}", d.witnessed_by_name, when(d.witnessed_at)),
            review_by: if d.review_by < today {
                format!("{} (overdue)", long_date(d.review_by))
            } else {
                long_date(d.review_by)
            },
            replaced: d.superseded_at.map(when).unwrap_or_default(),
        })
        .collect()
}

/// A row of the form, as sent or as in force.
#[derive(Debug, Clone, Default)]
struct Row {
    effect: String,
    during: String,
    organisation: String,
    category: String,
    purpose: String,
}

#[derive(Deserialize, Default)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct ChoicesForm {
    #[serde(default)]
    csrf_token: String,
    purpose: Option<String>,
    #[serde(default)]
    statement: String,
    #[serde(default)]
    witnessed_by: String,
    #[serde(default)]
    review_by: String,
    /// `effect_1`, `during_1`, … for each row.
    #[serde(flatten)]
    rows: HashMap<String, String>,
}

impl ChoicesForm {
    fn rows(&self) -> Vec<Row> {
        let field = |name: &str, i: usize| {
            self.rows
                .get(&format!("{name}_{i}"))
                .cloned()
                .unwrap_or_default()
        };
        (1..=FORM_ROWS)
            .map(|i| Row {
                effect: field("effect", i),
                during: field("during", i),
                organisation: field("organisation", i),
                category: field("category", i),
                purpose: field("purpose", i),
            })
            .collect()
    }
}

struct Pick {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "advance_choices.html")]
struct ChoicesPage {
    chrome: Chrome,
    person_id: String,
    purpose_code: &'static str,
    versions: Vec<Version>,
    statement: String,
    witnessed_by: String,
    review_by: String,
    rows: Vec<(usize, Row)>,
    effects: Vec<Pick>,
    crises: Vec<Pick>,
    organisations: Vec<Pick>,
    categories: Vec<Pick>,
    purposes: Vec<Pick>,
    notice: Option<&'static str>,
    faults: Faults,
}

#[derive(Debug, Deserialize)]
pub struct ChoicesQuery {
    purpose: Option<String>,
    done: Option<String>,
}

async fn page(
    state: &AppState,
    session: &SignedIn,
    viewer: &Viewer,
    person: concordat_domain::ids::PersonId,
    sent: Option<&ChoicesForm>,
) -> Result<ChoicesPage, PageError> {
    let documents = service::of_person(state, viewer, person).await?;
    let names = service::organisation_names(state, &documents).await?;
    let organisations = crate::directory::organisations(state).await?;
    let in_force = documents.iter().find(|d| d.superseded_at.is_none());
    let mut rows: Vec<Row> = match sent {
        Some(form) => form.rows(),
        None => in_force
            .map(|d| {
                d.choices
                    .iter()
                    .map(|c| Row {
                        effect: c.effect.as_str().to_owned(),
                        during: c.during.map(|k| k.as_str().to_owned()).unwrap_or_default(),
                        organisation: c
                            .scope
                            .organisation
                            .map(|o| o.to_string())
                            .unwrap_or_default(),
                        category: c
                            .scope
                            .category
                            .map(|k| k.as_str().to_owned())
                            .unwrap_or_default(),
                        purpose: c
                            .scope
                            .purpose
                            .map(|p| p.as_str().to_owned())
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    rows.resize(FORM_ROWS.max(rows.len()).min(MAX_CHOICES), Row::default());
    let any = |label: &str| Pick {
        value: String::new(),
        label: label.to_owned(),
    };
    Ok(ChoicesPage {
        chrome: Chrome::load(state, session).await?,
        person_id: person.to_string(),
        purpose_code: viewer.purpose.code(),
        versions: versions(&documents, &names, state.clock.now().date_naive()),
        statement: sent.map_or_else(
            || in_force.map(|d| d.statement.clone()).unwrap_or_default(),
            |f| f.statement.clone(),
        ),
        witnessed_by: sent.map_or_else(
            || session.user.username().as_str().to_owned(),
            |f| f.witnessed_by.clone(),
        ),
        review_by: sent.map(|f| f.review_by.clone()).unwrap_or_default(),
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, r)| (i + 1, r))
            .collect(),
        effects: std::iter::once(any("No choice in this row"))
            .chain(ChoiceEffect::ALL.iter().map(|e| Pick {
                value: e.as_str().to_owned(),
                label: e.label().to_owned(),
            }))
            .collect(),
        crises: std::iter::once(any("No crisis (a refusal)"))
            .chain(CrisisKind::ALL.iter().map(|k| Pick {
                value: k.as_str().to_owned(),
                label: lowercase_first(k.label()),
            }))
            .collect(),
        organisations: std::iter::once(any("Any organisation"))
            .chain(organisations.iter().map(|o| Pick {
                value: o.id().to_string(),
                label: o.name().to_owned(),
            }))
            .collect(),
        categories: std::iter::once(any("The whole record"))
            .chain(
                DataCategory::ALL
                    .iter()
                    .filter(|c| **c != DataCategory::Consent)
                    .map(|c| Pick {
                        value: c.as_str().to_owned(),
                        label: c.label().to_owned(),
                    }),
            )
            .collect(),
        purposes: std::iter::once(any("Any purpose"))
            .chain(Purpose::ALL.iter().map(|p| Pick {
                value: p.as_str().to_owned(),
                label: p.label().to_owned(),
            }))
            .collect(),
        notice: None,
        faults: Faults::new(),
    })
}

/// `GET /persons/{id}/advance-choices`.
pub async fn show(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<ChoicesQuery>,
) -> Result<Response, PageError> {
    let viewer = viewer(&session, query.purpose.as_deref())?;
    let person = person_of(&id);
    let mut page = page(&state, &session, &viewer, person, None).await?;
    page.notice = (query.done.as_deref() == Some("recorded"))
        .then_some("Recorded. This version is now in force.");
    Ok(render(&page)?.into_response())
}

/// `POST /persons/{id}/advance-choices`: a new version. Rows with no
/// choice picked are left out.
pub async fn record(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<ChoicesForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let viewer = viewer(&session, form.purpose.as_deref())?;
    let person = person_of(&id);
    let input = DocumentInput {
        statement: form.statement.clone(),
        choices: form
            .rows()
            .into_iter()
            .filter(|r| !r.effect.trim().is_empty())
            .map(|r| ChoiceInput {
                effect: r.effect,
                during: r.during,
                organisation: r.organisation,
                category: r.category,
                purpose: r.purpose,
            })
            .collect(),
        witnessed_by: form.witnessed_by.clone(),
        review_by: form.review_by.clone(),
    };
    match service::record(&state, &viewer, person, &input).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/persons/{person}/advance-choices?purpose={}&done=recorded",
            viewer.purpose.code()
        ))
        .into_response()),
        Err(ServiceError::Invalid(fields)) => {
            let mut page = page(&state, &session, &viewer, person, Some(&form)).await?;
            page.faults = Faults::from_service(
                &fields,
                &["statement", "choices", "witnessed_by", "review_by"],
                "record",
            );
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "my_advance_choices.html")]
struct MinePage {
    chrome: Chrome,
    versions: Vec<Version>,
}

/// `GET /my/advance-choices`.
pub async fn mine(State(state): State<AppState>, session: SignedIn) -> Result<Response, PageError> {
    let Some(person) = session.user.person_id() else {
        return Err(PageError::Forbidden(
            "This page is for a person's own account.".into(),
        ));
    };
    let viewer = session.viewer(Purpose::OwnAccess);
    let documents = service::of_person(&state, &viewer, person).await?;
    let names = service::organisation_names(&state, &documents).await?;
    let page = MinePage {
        chrome: Chrome::load(&state, &session).await?,
        versions: versions(&documents, &names, state.clock.now().date_naive()),
    };
    Ok(render(&page)?.into_response())
}
