//! One version of a crisis plan (`/persons/{id}/crisis-plan/versions/{n}`)
//! and a readable comparison of any two (`/persons/{id}/crisis-plan/diff`).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::crisis_plan::LineChange;
use serde::Deserialize;

use crate::auth::session::SignedIn;
use crate::crisis::plans;
use crate::pages::crisis_plan::version_view::{version_view, VersionView};
use crate::pages::error::PageError;
use crate::pages::extract::{PagePath, PageQuery};
use crate::pages::layout::{render, Chrome};
use crate::pages::reader::{own, person_of, viewer};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons/{id}/crisis-plan/versions/{number}", get(version))
        .route("/persons/{id}/crisis-plan/diff", get(diff))
}

#[derive(Template)]
#[template(path = "crisis_plan_version.html")]
struct VersionPage {
    chrome: Chrome,
    person_id: String,
    own: bool,
    purpose_code: &'static str,
    v: VersionView,
    previous: Option<u32>,
}

struct DiffLineView {
    class: &'static str,
    mark: &'static str,
    text: String,
}

struct DiffSectionView {
    title: &'static str,
    lines: Vec<DiffLineView>,
}

#[derive(Template)]
#[template(path = "crisis_plan_diff.html")]
struct DiffPage {
    chrome: Chrome,
    person_id: String,
    own: bool,
    purpose_code: &'static str,
    from: u32,
    to: u32,
    sections: Vec<DiffSectionView>,
}

#[derive(Debug, Deserialize)]
pub struct VersionQuery {
    purpose: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct DiffQuery {
    purpose: Option<String>,
    from: Option<u32>,
    to: Option<u32>,
}

/// `GET /persons/{id}/crisis-plan/versions/{n}`.
pub async fn version(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath((id, number)): PagePath<(String, u32)>,
    PageQuery(query): PageQuery<VersionQuery>,
) -> Result<Response, PageError> {
    let person = person_of(&id);
    let viewer = viewer(&session, query.purpose.as_deref())?;
    let history = plans::history(&state, &viewer, person)
        .await?
        .ok_or(PageError::NotFound)?;
    let v = history.version(number).ok_or(PageError::NotFound)?;
    let today = state.clock.now().date_naive();
    let previous = history
        .versions
        .iter()
        .rev()
        .find(|p| p.number < number)
        .map(|p| p.number);
    let page = VersionPage {
        chrome: Chrome::load(&state, &session).await?,
        person_id: person.to_string(),
        own: own(&session, person),
        purpose_code: viewer.purpose.code(),
        v: version_view(v, today),
        previous,
    };
    Ok(render(&page)?.into_response())
}

/// `GET /persons/{id}/crisis-plan/diff?from=&to=`: what changed between
/// two versions, each line marked in words as well as in colour.
pub async fn diff(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<DiffQuery>,
) -> Result<Response, PageError> {
    let person = person_of(&id);
    let viewer = viewer(&session, query.purpose.as_deref())?;
    let (Some(from), Some(to)) = (query.from, query.to) else {
        return Err(PageError::Invalid(
            "Say which two versions to compare, as from and to.".into(),
        ));
    };
    let history = plans::history(&state, &viewer, person)
        .await?
        .ok_or(PageError::NotFound)?;
    let sections = history
        .diff(from, to)?
        .into_iter()
        .map(|s| DiffSectionView {
            title: s.title,
            lines: s
                .lines
                .into_iter()
                .map(|l| {
                    let (class, mark) = match l.change {
                        LineChange::Kept => ("diff-kept", "Unchanged"),
                        LineChange::Added => ("diff-added", "Added"),
                        LineChange::Removed => ("diff-removed", "Removed"),
                    };
                    DiffLineView {
                        class,
                        mark,
                        text: l.text,
                    }
                })
                .collect(),
        })
        .collect();
    let page = DiffPage {
        chrome: Chrome::load(&state, &session).await?,
        person_id: person.to_string(),
        own: own(&session, person),
        purpose_code: viewer.purpose.code(),
        from,
        to,
        sections,
    };
    Ok(render(&page)?.into_response())
}
