//! What every signed-in page shares: the header naming who is signed in,
//! their unread notifications and the sign-out form, the stylesheet and
//! the icon, and rendering.

use askama::Template;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;

use concordat_domain::role::Role;

use crate::auth::session::SignedIn;
use crate::pages::error::PageError;
use crate::AppState;

/// The static files, compressed for a client that accepts it. Pages are
/// not: a compressed page that carries both a secret (the CSRF token, a
/// record) and what the client sent would let an observer of its size
/// guess the secret a byte at a time (BREACH).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/app.css", get(stylesheet))
        .route("/static/favicon.svg", get(favicon))
        .layer(tower_http::compression::CompressionLayer::new())
}

/// The page header for a signed-in user.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub display_name: String,
    pub role_label: &'static str,
    pub organisation: String,
    pub csrf_token: String,
    /// Notifications not yet read, shown beside the link to the inbox.
    pub unread: i64,
}

impl Chrome {
    /// A header without the unread count (shown as none); pages use
    /// [`Chrome::load`], which fills it in.
    pub fn new(session: &SignedIn, organisation: &str) -> Self {
        Self {
            display_name: session.user.display_name().as_str().to_owned(),
            // A person signed in to their own record is not told their
            // "role": only staff are.
            role_label: match session.user.role() {
                Role::Person => "",
                role => role.label(),
            },
            organisation: organisation.to_owned(),
            csrf_token: session.csrf_token.clone(),
            unread: 0,
        }
    }

    /// The header with the user's organisation and unread count.
    pub async fn load(state: &AppState, session: &SignedIn) -> Result<Self, PageError> {
        let standing = crate::inbox::standing(state, &session.user).await?;
        Ok(Self {
            unread: standing.unread,
            ..Self::new(session, &standing.organisation)
        })
    }
}

/// A telephone number as shown, and as dialled from a `tel:` link.
#[derive(Debug, Clone)]
pub struct Phone {
    pub shown: String,
    pub dial: String,
}

impl From<&concordat_domain::text::PhoneNumber> for Phone {
    fn from(p: &concordat_domain::text::PhoneNumber) -> Self {
        let dial = if p.as_str().trim_start().starts_with('+') {
            format!("+{}", p.digits())
        } else {
            p.digits()
        };
        Self {
            shown: p.as_str().to_owned(),
            dial,
        }
    }
}

pub fn render(page: &impl Template) -> Result<Html<String>, PageError> {
    page.render()
        .map(Html)
        .map_err(|e| PageError::Internal(format!("template: {e}")))
}

const STYLESHEET: &str = include_str!("../../static/app.css");

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}

const FAVICON: &str = include_str!("../../static/favicon.svg");

/// The tab's icon: Concordat's own, nothing personal, cacheable.
pub async fn favicon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON,
    )
}
