//! Multi-agency cases as pages: a person's cases and opening one
//! (`/persons/{id}/cases`, linked from their record), the case page with
//! its members, lead, actions, meetings and closure (`/cases/{id}`, one
//! form per act, each posting to its own address), the professional's own
//! open cases (`/cases`), and the person's own page (`/my/case`).
//! Everything goes through [`crate::cases`].

mod case_page;
mod forms;
mod list;
mod mine;
mod person;

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/persons/{id}/cases", get(person::list).post(person::open))
        .route("/cases", get(list::show))
        .route("/cases/{id}", get(case_page::show))
        .route("/cases/{id}/members", post(forms::add_member))
        .route("/cases/{id}/members/remove", post(forms::remove_member))
        .route("/cases/{id}/lead", post(forms::set_lead))
        .route("/cases/{id}/actions", post(forms::add_action))
        .route("/cases/{id}/actions/{action}/done", post(forms::mark_done))
        .route("/cases/{id}/meetings", post(forms::record_meeting))
        .route("/cases/{id}/close", post(forms::close))
        .route("/my/case", get(mine::show))
}
