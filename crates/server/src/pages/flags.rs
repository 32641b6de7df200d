//! A person's safety flags as a page (`/persons/{id}/flags`): each flag with
//! its status for today (an expired flag is shown as expired, never as
//! active) and an overdue review marked, a form to raise one, and a form
//! under each flag still in force to review it. Everything goes through
//! [`crate::crisis::flags`], so each read and change is decided and audited.

pub mod changes;
pub mod page;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().merge(page::router()).merge(changes::router())
}
