//! Corrections as pages: the person's own requests and the form to ask
//! (`/my/corrections`), and for the record's owner the requests to answer
//! (`/corrections`) and one with its answer (`/corrections/{id}`).
//! Everything goes through [`crate::corrections`].

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::correction::{CorrectionPart, CorrectionStatus};
use concordat_domain::purpose::Purpose;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::corrections::{self as service, Asking, Correction, Owned};
use crate::error::ServiceError;
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::words::{long_date, when};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/my/corrections", get(mine).post(ask))
        .route("/corrections", get(owned))
        .route("/corrections/{id}", get(one).post(answer))
}

/// A request as the pages show it.
struct Row {
    id: String,
    part: &'static str,
    what_is_wrong: String,
    should_say: String,
    asked: String,
    answer_by: String,
    open: bool,
    corrected: bool,
    status: &'static str,
    answer: String,
    answered: Option<String>,
    name: String,
}

fn row(c: &Correction) -> Row {
    Row {
        id: c.id.to_string(),
        part: c.part.label(),
        what_is_wrong: c.what_is_wrong.clone(),
        should_say: c.should_say.clone(),
        asked: long_date(c.asked_at.date_naive()),
        answer_by: long_date(c.answer_by),
        open: c.status == CorrectionStatus::Open,
        corrected: c.status == CorrectionStatus::Corrected,
        status: c.status.label(),
        answer: c.answer.clone(),
        answered: c.answered_at.map(when),
        name: String::new(),
    }
}

fn owned_row(o: &Owned) -> Row {
    Row {
        name: o.person.name().full(),
        ..row(&o.correction)
    }
}

/// A choice of part on the person's form.
struct PartChoice {
    value: &'static str,
    label: &'static str,
    checked: bool,
}

fn parts(chosen: &str) -> Vec<PartChoice> {
    CorrectionPart::ALL
        .iter()
        .map(|p| PartChoice {
            value: p.as_str(),
            label: p.label(),
            checked: p.as_str() == chosen,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "my_corrections.html")]
struct MinePage {
    chrome: Chrome,
    rows: Vec<Row>,
    parts: Vec<PartChoice>,
    what_is_wrong: String,
    should_say: String,
    notice: Option<&'static str>,
    cannot: Option<String>,
    faults: Faults,
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

async fn mine_page(
    state: &AppState,
    session: &SignedIn,
    form: Option<&AskForm>,
    faults: Faults,
    cannot: Option<String>,
) -> Result<MinePage, PageError> {
    let viewer = session.viewer(Purpose::OwnAccess);
    let all = service::mine(state, &viewer).await?;
    Ok(MinePage {
        chrome: Chrome::load(state, session).await?,
        rows: all.iter().map(row).collect(),
        parts: parts(form.map_or("", |f| f.part.as_str())),
        what_is_wrong: form.map(|f| f.what_is_wrong.clone()).unwrap_or_default(),
        should_say: form.map(|f| f.should_say.clone()).unwrap_or_default(),
        notice: None,
        cannot,
        faults,
    })
}

/// `GET /my/corrections`.
pub async fn mine(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<DoneQuery>,
) -> Result<Response, PageError> {
    let mut page = mine_page(&state, &session, None, Faults::new(), None).await?;
    if query.done.as_deref() == Some("asked") {
        page.notice = Some("We have sent your request. We will tell you the answer.");
    }
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct AskForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    part: String,
    #[serde(default)]
    what_is_wrong: String,
    #[serde(default)]
    should_say: String,
}

/// `POST /my/corrections`: the request.
pub async fn ask(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(form): PageForm<AskForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let viewer = session.viewer(Purpose::OwnAccess);
    let asking = Asking {
        part: form.part.clone(),
        what_is_wrong: form.what_is_wrong.clone(),
        should_say: form.should_say.clone(),
    };
    match service::ask(&state, &viewer, &asking).await {
        Ok(_) => Ok(Redirect::to("/my/corrections?done=asked").into_response()),
        Err(ServiceError::Invalid(fields)) => {
            let faults = Faults::from_service(
                &fields,
                &["part", "what_is_wrong", "should_say"],
                "correction",
            );
            let page = mine_page(&state, &session, Some(&form), faults, None).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(ServiceError::Conflict(why)) => {
            let page = mine_page(&state, &session, Some(&form), Faults::new(), Some(why)).await?;
            Ok((StatusCode::CONFLICT, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "corrections.html")]
struct OwnedPage {
    chrome: Chrome,
    rows: Vec<Row>,
}

/// `GET /corrections`.
pub async fn owned(
    State(state): State<AppState>,
    session: SignedIn,
) -> Result<Response, PageError> {
    let viewer = session.viewer(Purpose::DirectCare);
    let all = service::owned(&state, &viewer).await?;
    let page = OwnedPage {
        chrome: Chrome::load(&state, &session).await?,
        rows: all.iter().map(owned_row).collect(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "correction.html")]
struct OnePage {
    chrome: Chrome,
    row: Row,
    person_id: String,
    outcome: String,
    answer: String,
    notice: Option<&'static str>,
    faults: Faults,
}

/// `GET /corrections/{id}`.
pub async fn one(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<DoneQuery>,
) -> Result<Response, PageError> {
    let viewer = session.viewer(Purpose::DirectCare);
    let found = service::one(&state, &viewer, &id).await?;
    let page = OnePage {
        chrome: Chrome::load(&state, &session).await?,
        row: owned_row(&found),
        person_id: found.person.id().to_string(),
        outcome: String::new(),
        answer: String::new(),
        notice: (query.done.as_deref() == Some("answered"))
            .then_some("Answered: the person is told."),
        faults: Faults::new(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct AnswerForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    answer: String,
}

/// `POST /corrections/{id}`: the answer.
pub async fn answer(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<AnswerForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let viewer = session.viewer(Purpose::DirectCare);
    let corrected = match form.outcome.as_str() {
        "corrected" => Some(true),
        "not-corrected" => Some(false),
        _ => None,
    };
    match service::answer(&state, &viewer, &id, corrected, &form.answer).await {
        Ok(c) => Ok(Redirect::to(&format!("/corrections/{}?done=answered", c.id)).into_response()),
        Err(ServiceError::Invalid(fields)) => {
            let found = service::one(&state, &viewer, &id).await?;
            let page = OnePage {
                chrome: Chrome::load(&state, &session).await?,
                row: owned_row(&found),
                person_id: found.person.id().to_string(),
                outcome: form.outcome,
                answer: form.answer,
                notice: None,
                faults: Faults::from_service(&fields, &["outcome", "answer"], "answer"),
            };
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
