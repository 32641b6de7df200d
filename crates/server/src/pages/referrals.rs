//! Referrals as pages: the team's inbox and the user's outbox with
//! deadlines and overdue or escalated ones marked (`/referrals`), a new
//! referral (`/referrals/new`), and one referral with its timeline and what
//! the reader may do next (`/referrals/{id}`). Everything goes through
//! [`crate::referrals`], so each read and change is decided and audited.

pub mod detail;
pub mod lists;
pub mod sending;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(lists::router())
        .merge(sending::router())
        .merge(detail::router())
}
