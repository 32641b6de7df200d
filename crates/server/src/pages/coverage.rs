//! The crisis plans a care team must look after: the overdue list
//! (`/crisis-plans/overdue`), agreed plans past their review date for
//! people on the reader's caseload, and the coverage audit
//! (`/crisis-plans/coverage`, and `coverage.csv`) for a team or the whole
//! partnership, from [`crate::crisis::coverage`].

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::crisis::coverage::{self, CoverageReport, Scope};
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PageQuery};
use crate::pages::layout::{render, Chrome};
use crate::pages::paging::{Pager, Paging};
use crate::pages::words::long_date;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/crisis-plans/overdue", get(overdue).post(overdue_search))
        .route("/crisis-plans/coverage", get(report))
        .route("/crisis-plans/coverage.csv", get(csv))
}

struct OverdueRow {
    person_id: String,
    name: String,
    version: u32,
    agreed_on: String,
    overdue_since: String,
}

#[derive(Template)]
#[template(path = "crisis_overdue.html")]
struct OverduePage {
    chrome: Chrome,
    rows: Vec<OverdueRow>,
    /// The name the list is narrowed to, if any.
    name: String,
    pager: Pager,
}

#[derive(Debug, Deserialize)]
pub struct PageOnly {
    page: Option<String>,
}

/// The overdue list's search and page, as sent.
#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct OverdueForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "crisis_coverage.html")]
struct CoveragePage {
    chrome: Chrome,
    scope_code: &'static str,
    report: CoverageReport,
    as_of: String,
    other_scope: Option<(&'static str, &'static str)>,
}

#[derive(Debug, Deserialize)]
pub struct ScopeQuery {
    scope: Option<String>,
}

/// `GET /crisis-plans/overdue`, a page at a time (`?page=`).
pub async fn overdue(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<PageOnly>,
) -> Result<Response, PageError> {
    let paging = Paging::parse(query.page.as_deref());
    overdue_page(&state, &session, String::new(), paging).await
}

/// `POST /crisis-plans/overdue`: narrowed to a name, or another page of it
/// (a name is sent in the form, never in the address).
pub async fn overdue_search(
    State(state): State<AppState>,
    session: SignedIn,
    PageForm(form): PageForm<OverdueForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let paging = Paging::parse(form.page.as_deref());
    overdue_page(&state, &session, form.name.trim().to_owned(), paging).await
}

async fn overdue_page(
    state: &AppState,
    session: &SignedIn,
    name: String,
    paging: Paging,
) -> Result<Response, PageError> {
    let query = coverage::OverdueQuery {
        name: Some(name.clone()).filter(|n| !n.is_empty()),
        offset: paging.offset(),
        limit: paging.limit(),
    };
    let list = coverage::overdue(state, &session.viewer(Purpose::DirectCare), &query).await?;
    let pager = Pager::new(
        "/crisis-plans/overdue",
        vec![("name", name.clone())],
        paging,
        list.plans.len(),
        list.more,
    );
    let page = OverduePage {
        chrome: Chrome::load(state, session).await?,
        rows: list
            .plans
            .into_iter()
            .map(|p| OverdueRow {
                person_id: p.person.to_string(),
                name: format!("{} {}", p.given_name, p.family_name),
                version: p.agreed_version,
                agreed_on: long_date(p.agreed_on),
                overdue_since: long_date(p.review_due),
            })
            .collect(),
        name,
        pager,
    };
    Ok(render(&page)?.into_response())
}

/// Governance and commissioning look at the whole partnership; everyone
/// else at their own team, unless they ask otherwise.
fn scope_of(session: &SignedIn, raw: Option<&str>) -> Result<(Scope, &'static str), PageError> {
    let wide = matches!(
        session.user.role(),
        Role::IgLead | Role::Admin | Role::Commissioner
    );
    let team = || {
        session.user.team_id().map(Scope::Team).ok_or_else(|| {
            PageError::Forbidden(
                "You are not in a team, so there is no team caseload to count.".into(),
            )
        })
    };
    match raw.map(str::trim) {
        Some("team") => Ok((team()?, "team")),
        Some("partnership") => Ok((Scope::Partnership, "partnership")),
        None | Some("") if wide => Ok((Scope::Partnership, "partnership")),
        None | Some("") => Ok((team()?, "team")),
        Some(other) => Err(PageError::Invalid(format!(
            "`{other}` is not a scope; choose team or partnership."
        ))),
    }
}

/// `GET /crisis-plans/coverage?scope=team|partnership`.
pub async fn report(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<ScopeQuery>,
) -> Result<Response, PageError> {
    let (scope, scope_code) = scope_of(&session, query.scope.as_deref())?;
    let viewer = session.viewer(Purpose::DirectCare);
    let report = coverage::report(&state, &viewer, scope).await?;
    // Offer the other scope only to those who may see it.
    let other_scope = match scope {
        Scope::Partnership => session
            .user
            .team_id()
            .filter(|t| coverage::may_see(&viewer, Scope::Team(*t)).is_ok())
            .map(|_| ("team", "My team's caseload")),
        Scope::Team(_) => coverage::may_see(&viewer, Scope::Partnership)
            .is_ok()
            .then_some(("partnership", "The whole partnership")),
    };
    let page = CoveragePage {
        chrome: Chrome::load(&state, &session).await?,
        scope_code,
        as_of: long_date(report.as_of),
        report,
        other_scope,
    };
    Ok(render(&page)?.into_response())
}

/// `GET /crisis-plans/coverage.csv?scope=…`: the same figures to download.
pub async fn csv(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<ScopeQuery>,
) -> Result<Response, PageError> {
    let (scope, scope_code) = scope_of(&session, query.scope.as_deref())?;
    let report = coverage::report(&state, &session.viewer(Purpose::DirectCare), scope).await?;
    let body =
        coverage::to_csv(&report).map_err(|e| PageError::Internal(format!("coverage CSV: {e}")))?;
    let disposition = format!(
        "attachment; filename=\"crisis-plan-coverage-{scope_code}-{}.csv\"",
        report.as_of
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}
