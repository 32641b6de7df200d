//! Who is looking at a page: the browser's session
//! ([`crate::auth::session::signed_in`]); anyone else is sent to sign in.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::auth::session::{self, SignedIn};
use crate::pages::error::PageError;
use crate::AppState;

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        Ok(session::signed_in(state, &parts.headers).await?)
    }
}
