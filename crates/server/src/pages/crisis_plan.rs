//! A person's crisis plan as pages: the plan page with the agreed version,
//! the draft in progress and the forms to agree it ([`plan`]), one version
//! or a comparison of two ([`versions`]), writing a draft ([`edit`]) and
//! recording agreement ([`agree`]). Everything is read through
//! [`crate::crisis::plans`], so each page is a decided, audited read.

pub mod agree;
pub mod edit;
pub mod plan;
mod plan_fields;
pub(crate) mod version_view;
pub mod versions;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(plan::router())
        .merge(versions::router())
        .merge(edit::router())
        .merge(agree::router())
}
