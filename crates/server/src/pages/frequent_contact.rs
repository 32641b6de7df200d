//! Frequent contact as pages: the list for the team that offers support
//! (`/frequent-contact`), one entry with its review (`/frequent-contact/{id}`),
//! the person's own page with a way to ask for a review
//! (`/my/frequent-contact`), and the list's make-up for governance
//! (`/frequent-contact/make-up`). Everything goes through
//! [`crate::frequent_contact`].

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::frequent_contact::NextStep;
use concordat_domain::purpose::Purpose;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::error::ServiceError;
use crate::frequent_contact::make_up::Breakdown;
use crate::frequent_contact::{self as service, Entry, Listed, MakeUp, Outcome, Review};
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::paging::{Pager, Paging};
use crate::pages::words::{long_date, nhs_spaced, when};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/frequent-contact", get(list))
        .route("/frequent-contact/make-up", get(make_up))
        .route("/frequent-contact/{id}", get(entry).post(review))
        .route("/my/frequent-contact", get(mine).post(ask))
}

/// An entry as the pages show it.
struct Row {
    id: String,
    person_id: String,
    name: String,
    nhs_number: String,
    counted: String,
    status: &'static str,
    /// The status in the person's own words.
    own_status: &'static str,
    waiting: bool,
    current: bool,
    identified: String,
    review_by: String,
    next_step: Option<&'static str>,
    note: String,
    reviewed: Option<String>,
    asked: Option<String>,
    asked_words: String,
}

fn row(entry: &Entry) -> Row {
    Row {
        id: entry.id.to_string(),
        person_id: entry.person.to_string(),
        name: String::new(),
        nhs_number: String::new(),
        counted: entry.count.describe(),
        status: entry.status.label(),
        own_status: own_words(entry.status),
        waiting: entry.status == concordat_domain::frequent_contact::EntryStatus::Identified,
        current: entry.status.is_current(),
        identified: long_date(entry.identified_at.date_naive()),
        review_by: long_date(entry.review_by.date_naive()),
        next_step: entry.next_step.map(NextStep::label),
        note: entry.note.clone(),
        reviewed: entry
            .reviewed_at
            .map(|at| format!("{} by {}", when(at), entry.reviewer_name)),
        asked: entry.asked_review_at.map(when),
        asked_words: entry.asked_words.clone(),
    }
}

/// Where an entry stands, as the person is told it.
fn own_words(status: concordat_domain::frequent_contact::EntryStatus) -> &'static str {
    use concordat_domain::frequent_contact::EntryStatus as S;
    match status {
        S::Identified => "You are on the list. The support team will look at it soon",
        S::Reviewed => "You are on the list, and the support team has looked at it",
        S::Ended => "The support team took you off the list",
        S::Expired => "This has ended: nobody looked at it in time",
    }
}

fn listed_row(listed: &Listed) -> Row {
    Row {
        name: listed.person.name().full(),
        nhs_number: listed
            .person
            .nhs_number()
            .map(|n| nhs_spaced(&n.to_string()))
            .unwrap_or_default(),
        ..row(&listed.entry)
    }
}

#[derive(Template)]
#[template(path = "frequent_contact.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    pager: Pager,
}

#[derive(Debug, Deserialize)]
pub struct PageOnly {
    page: Option<String>,
}

/// `GET /frequent-contact`, a page at a time.
pub async fn list(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<PageOnly>,
) -> Result<Response, PageError> {
    let paging = Paging::parse(query.page.as_deref());
    let viewer = session.viewer(Purpose::DirectCare);
    let (listed, more) = service::current(&state, &viewer, paging.offset(), paging.limit()).await?;
    let pager = Pager::new("/frequent-contact", Vec::new(), paging, listed.len(), more);
    let page = ListPage {
        chrome: Chrome::load(&state, &session).await?,
        rows: listed.iter().map(listed_row).collect(),
        pager,
    };
    Ok(render(&page)?.into_response())
}

/// A choice on the review form.
struct Choice {
    value: &'static str,
    label: &'static str,
    checked: bool,
}

fn choices(chosen: &str) -> Vec<Choice> {
    NextStep::ALL
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .chain([("end", "Take them off the list")])
        .map(|(value, label)| Choice {
            value,
            label,
            checked: value == chosen,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "frequent_contact_entry.html")]
struct EntryPage {
    chrome: Chrome,
    row: Row,
    current: bool,
    choices: Vec<Choice>,
    note: String,
    notice: Option<&'static str>,
    faults: Faults,
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

fn entry_id(raw: &str) -> Result<uuid::Uuid, PageError> {
    uuid::Uuid::parse_str(raw).map_err(|_| PageError::NotFound)
}

/// `GET /frequent-contact/{id}`.
pub async fn entry(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<DoneQuery>,
) -> Result<Response, PageError> {
    let viewer = session.viewer(Purpose::DirectCare);
    let listed = service::entry(&state, &viewer, entry_id(&id)?).await?;
    let page = EntryPage {
        chrome: Chrome::load(&state, &session).await?,
        current: listed.entry.status.is_current(),
        row: listed_row(&listed),
        choices: choices(""),
        note: String::new(),
        notice: (query.done.as_deref() == Some("reviewed"))
            .then_some("The review is saved, and the person is told."),
        faults: Faults::new(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct ReviewForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

/// `POST /frequent-contact/{id}`: the review.
pub async fn review(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<ReviewForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let id = entry_id(&id)?;
    let viewer = session.viewer(Purpose::DirectCare);
    let outcome = match form.outcome.as_str() {
        "end" => Some(Outcome::End),
        other => NextStep::parse(other).ok().map(Outcome::Continue),
    };
    let result = match outcome {
        Some(outcome) => {
            let input = Review {
                outcome,
                note: form.note.clone(),
            };
            service::review(&state, &viewer, id, input)
                .await
                .map(|_| ())
        }
        None => Err(ServiceError::invalid(
            "outcome",
            "Choose what happens next: an offer of support, a crisis plan review, a \
             multi-agency case, or taking them off the list",
        )),
    };
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/frequent-contact/{id}?done=reviewed")).into_response())
        }
        Err(ServiceError::Invalid(fields)) => {
            let listed = service::entry(&state, &viewer, id).await?;
            let page = EntryPage {
                chrome: Chrome::load(&state, &session).await?,
                current: listed.entry.status.is_current(),
                row: listed_row(&listed),
                choices: choices(&form.outcome),
                note: form.note,
                notice: None,
                faults: Faults::from_service(&fields, &["outcome", "note"], "review"),
            };
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "frequent_contact_make_up.html")]
struct MakeUpPage {
    chrome: Chrome,
    tables: Vec<Breakdown>,
}

/// `GET /frequent-contact/make-up`.
pub async fn make_up(
    State(state): State<AppState>,
    session: SignedIn,
) -> Result<Response, PageError> {
    let viewer = session.viewer(Purpose::DirectCare);
    let MakeUp {
        by_age,
        by_sex,
        by_ethnic_group,
    } = service::make_up(&state, &viewer).await?;
    let page = MakeUpPage {
        tables: vec![by_age, by_sex, by_ethnic_group],
        chrome: Chrome::load(&state, &session).await?,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "my_frequent_contact.html")]
struct MinePage {
    chrome: Chrome,
    rows: Vec<Row>,
    current: bool,
    words: String,
    notice: Option<&'static str>,
    faults: Faults,
}

async fn mine_page(
    state: &AppState,
    session: &SignedIn,
    words: String,
    notice: Option<&'static str>,
    faults: Faults,
) -> Result<MinePage, PageError> {
    let viewer = session.viewer(Purpose::OwnAccess);
    let entries = service::mine(state, &viewer).await?;
    Ok(MinePage {
        chrome: Chrome::load(state, session).await?,
        current: entries.iter().any(|e| e.status.is_current()),
        rows: entries.iter().map(row).collect(),
        words,
        notice,
        faults,
    })
}

/// `GET /my/frequent-contact`.
pub async fn mine(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<DoneQuery>,
) -> Result<Response, PageError> {
    let notice = (query.done.as_deref() == Some("asked")).then_some(
        "We have asked the support team to look at it again. We will tell you what they decide.",
    );
    let page = mine_page(&state, &session, String::new(), notice, Faults::new()).await?;
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
    words: String,
}

/// `POST /my/frequent-contact`: the person asks for a review.
pub async fn ask(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(form): PageForm<AskForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let viewer = session.viewer(Purpose::OwnAccess);
    match service::ask_for_review(&state, &viewer, &form.words).await {
        Ok(_) => Ok(Redirect::to("/my/frequent-contact?done=asked").into_response()),
        Err(ServiceError::Invalid(fields)) => {
            let faults = Faults::from_service(&fields, &["words"], "ask");
            let page = mine_page(&state, &session, form.words, None, faults).await?;
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
