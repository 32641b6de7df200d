//! `POST /fhir/{Type}/_search`: a search whose parameters come in a form
//! body (`application/x-www-form-urlencoded`), as FHIR allows for searches
//! too long or too private for a URL — an NHS number kept out of proxy
//! logs, say. The body's parameters join the query's and the request goes
//! to the type's own search, as the `GET` it stands for: the same
//! parameters refused, the same decision and audit, the same Bundle, whose
//! `self` link is the `GET` address.

use axum::body::Body;
use axum::extract::{OriginalUri, Request, State};
use axum::http::{header, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use tower::ServiceExt as _;

use super::outcome::FhirError;
use crate::AppState;

/// The largest form body a search takes.
const BODY_LIMIT: usize = 64 * 1024;

/// Answers a `POST …/_search` with `search`, the type's `GET` search.
pub async fn post_search(
    State(state): State<AppState>,
    request: Request,
    search: fn() -> MethodRouter<AppState>,
) -> Response {
    match as_get(request).await {
        Ok(request) => match search().with_state(state).oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        },
        Err(error) => error.into_response(),
    }
}

/// The `GET` a `POST …/_search` stands for: its form body appended to its
/// query, at the address without `/_search`.
async fn as_get(request: Request) -> Result<Request, FhirError> {
    let (mut parts, body) = request.into_parts();
    let form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    if form.as_deref() != Some("application/x-www-form-urlencoded") {
        return Err(FhirError::Unsupported(
            "a search sent by POST is a form: `application/x-www-form-urlencoded`".into(),
        ));
    }
    let bytes = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| FhirError::invalid("body", format!("at most {BODY_LIMIT} bytes")))?;
    let form = std::str::from_utf8(&bytes)
        .map_err(|_| FhirError::invalid("body", "the form is not UTF-8 text"))?
        .trim();
    let original = parts
        .extensions
        .get::<OriginalUri>()
        .map_or_else(|| parts.uri.clone(), |o| o.0.clone());
    let path = original.path().trim_end_matches("/_search").to_owned();
    let query: Vec<&str> = [original.query().unwrap_or_default(), form]
        .into_iter()
        .filter(|q| !q.is_empty())
        .collect();
    let address = if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    };
    let uri: Uri = address
        .parse()
        .map_err(|_| FhirError::invalid("body", "the form does not make a query"))?;
    parts.method = Method::GET;
    parts.uri = uri.clone();
    parts.extensions.insert(OriginalUri(uri));
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    Ok(Request::from_parts(parts, Body::empty()))
}
