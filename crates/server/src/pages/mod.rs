//! The HTML pages. Server-rendered, usable without JavaScript, built for a
//! phone as much as a desk: every page works at 320 px wide.

pub mod agreements;
pub mod directory;
pub mod error;
pub mod home;
pub mod layout;
pub mod sign_in;
pub mod users;

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;
pub use error::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/directory", get(directory::directory))
        .route("/users", get(users::list))
        .route(
            "/agreements",
            get(agreements::list).post(agreements::create),
        )
        .route("/agreements/new", get(agreements::new_form))
        .route("/agreements/{id}", get(agreements::view))
        .route(
            "/agreements/{id}/edit",
            get(agreements::edit_form).post(agreements::amend),
        )
        .route("/agreements/{id}/sign", post(agreements::sign))
        .route("/agreements/{id}/suspend", post(agreements::suspend))
        .route("/agreements/{id}/resume", post(agreements::resume))
        .route("/agreements/{id}/end", post(agreements::end))
        .route("/static/app.css", get(layout::stylesheet))
}
