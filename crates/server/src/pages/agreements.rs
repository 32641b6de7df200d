//! The information sharing agreement pages: the list, one agreement in plain
//! English (who shares, for what, which role sees which categories, on what
//! lawful basis, who has signed and who is still to), the form that drafts
//! or amends one, and the sign / suspend / resume / end buttons — each shown
//! only to someone [`crate::permissions`] lets press it. Every change goes
//! through [`crate::agreements`], as the JSON API's do.

pub mod drafting;
mod form;
pub mod list;
mod refusals;
pub mod signing;
pub mod view;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(list::router())
        .merge(view::router())
        .merge(signing::router())
        .merge(drafting::router())
}
