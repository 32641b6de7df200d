//! The information governance pages: searching the audit
//! (`/governance/audit`) and reviewing emergency overrides
//! (`/governance/break-glass`). For information governance leads only
//! ([`crate::permissions::govern_access`]); both go through
//! [`crate::governance`], as the JSON API does.

pub mod audit;
pub mod break_glass;
mod governor;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(audit::router())
        .merge(break_glass::router())
}
