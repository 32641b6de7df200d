//! The person's own copy of their record: `/my/copy`, a page to read and
//! print, and `/my/copy.json`, the same as a file to keep or pass on.
//! Both come from [`crate::own_copy`], so what the page shows is what the
//! file holds.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::purpose::Purpose;

use crate::auth::session::SignedIn;
use crate::own_copy::{own_copy, OwnCopy};
use crate::pages::crisis_plan::version_view::{version_view, VersionView};
use crate::pages::error::PageError;
use crate::pages::layout::{render, Chrome};
use crate::pages::persons::{demographics, Demographics};
use crate::pages::words::when;
use crate::record::views::CareTeamView;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/my/copy", get(show))
        .route("/my/copy.json", get(download))
}

/// One line of the access log, as the copy prints it.
struct LogLine {
    who: String,
    from: String,
    when: String,
    what: String,
    why: String,
}

#[derive(Template)]
#[template(path = "my_copy.html")]
struct CopyPage {
    chrome: Chrome,
    made: String,
    demographics: Option<Demographics>,
    care_teams: Option<Vec<CareTeamView>>,
    /// Newest first.
    versions: Vec<VersionView>,
    log: Vec<LogLine>,
}

/// `GET /my/copy`.
pub async fn show(State(state): State<AppState>, session: SignedIn) -> Result<Response, PageError> {
    let copy = own_copy(&state, &session.viewer(Purpose::OwnAccess)).await?;
    let today = state.clock.now().date_naive();
    let page = CopyPage {
        chrome: Chrome::load(&state, &session).await?,
        made: when(copy.made_at),
        demographics: copy.record.demographics.map(demographics),
        care_teams: copy.record.care_team,
        versions: copy
            .crisis_plan
            .iter()
            .rev()
            .map(|v| version_view(v, today))
            .collect(),
        log: copy
            .access_log
            .into_iter()
            .map(|item| LogLine {
                who: item.who,
                from: format!("{}, {}", item.role, item.organisation),
                when: when(item.at),
                what: item.what.join("; "),
                why: item.purpose,
            })
            .collect(),
    };
    Ok(render(&page)?.into_response())
}

/// `GET /my/copy.json`: the copy as a file, never kept by a cache.
pub async fn download(
    State(state): State<AppState>,
    session: SignedIn,
) -> Result<Response, PageError> {
    let copy: OwnCopy = own_copy(&state, &session.viewer(Purpose::OwnAccess)).await?;
    let body = serde_json::to_vec_pretty(&copy)
        .map_err(|e| PageError::Internal(format!("own copy: {e}")))?;
    let name = format!(
        "attachment; filename=\"my-record-{}.json\"",
        copy.made_at.date_naive()
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, name),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}
