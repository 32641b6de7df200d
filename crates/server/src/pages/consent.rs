//! "Who may see my record" (`/persons/{id}/consent`): a person's sharing
//! choices in words they can follow — each choice with who recorded it,
//! when and how, a form to make a new one, a button to withdraw one — and
//! what their nominated carers may be told. For the person's own account
//! and their care team; everyone else sees the page for no one. Every
//! change goes through [`crate::consent`], as the JSON API's do, and
//! applies to the very next request.

pub mod changes;
pub mod page;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().merge(page::router()).merge(changes::router())
}
