//! `/sharing`: how the partnership shares information, for anyone — no
//! sign-in — in plain words, made from the agreements in force today.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use axum::Router;

use crate::pages::error::PageError;
use crate::pages::layout::render;
use crate::pages::words::long_date;
use crate::transparency::{self, Statement};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/sharing", get(show))
}

#[derive(Template)]
#[template(path = "sharing.html")]
struct SharingPage {
    statement: Statement,
}

impl SharingPage {
    fn day(&self, date: &chrono::NaiveDate) -> String {
        long_date(*date)
    }
}

/// `GET /sharing`.
pub async fn show(State(state): State<AppState>) -> Result<Html<String>, PageError> {
    let statement = transparency::current(&state).await?;
    render(&SharingPage { statement })
}
