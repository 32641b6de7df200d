//! Professional messages as pages: the threads the user takes part in
//! (`/threads`), one thread with its read receipts, a reply form and
//! acknowledgement buttons (`/threads/{id}`), and a new thread about a
//! person (`/persons/{id}/threads/new`). Everything goes through
//! [`crate::messages`], so each read and write is decided and audited.

pub mod list;
pub mod new;
pub mod thread;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(list::router())
        .merge(thread::router())
        .merge(new::router())
}
