//! What every FHIR request and answer shares on the wire: the format
//! asked for (FHIR JSON only; `Accept` and `_format` honoured), the caller
//! (a bearer token bound to a purpose, as on the JSON API), the query's
//! parameters, the server's own address for links, and resources sent
//! back with their media type and version headers.

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::outcome::FhirError;
use super::terms::FHIR_JSON;
use crate::auth::bearer;
use crate::authorisation::Viewer;
use crate::{extract, AppState};

/// The query parameter that overrides `Accept`.
pub const FORMAT_PARAM: &str = "_format";

/// Whether `_format=raw` names JSON. A `+` in a query string reads as a
/// space, so `application/fhir+json` sent unencoded arrives as
/// `application/fhir json`.
fn format_is_json(raw: &str) -> bool {
    let media = raw.split(';').next().unwrap_or_default().trim();
    matches!(
        media.to_ascii_lowercase().as_str(),
        "json" | "application/json" | "application/fhir+json" | "application/fhir json"
    )
}

/// Whether an `Accept` header admits FHIR JSON: absent, or naming it, JSON
/// or a wildcard that covers it with a non-zero quality.
fn accept_admits_json(headers: &HeaderMap) -> bool {
    let Some(accept) = headers.get(header::ACCEPT) else {
        return true;
    };
    let Ok(accept) = accept.to_str() else {
        return false;
    };
    if accept.trim().is_empty() {
        return true;
    }
    accept.split(',').any(|range| {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let refused = parts.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        !refused
            && matches!(
                media.as_str(),
                "application/fhir+json" | "application/json" | "application/*" | "*/*"
            )
    })
}

/// Refuses, before anything else is read, a request for a format other
/// than FHIR JSON.
pub fn negotiate(headers: &HeaderMap, params: &[(String, String)]) -> Result<(), FhirError> {
    let formats: Vec<&str> = params
        .iter()
        .filter(|(k, _)| k == FORMAT_PARAM)
        .map(|(_, v)| v.as_str())
        .collect();
    let acceptable = match formats.as_slice() {
        [] => accept_admits_json(headers),
        [one] => format_is_json(one),
        _ => false,
    };
    if acceptable {
        Ok(())
    } else {
        Err(FhirError::NotAcceptable(
            "this server answers in FHIR JSON only: ask for `application/fhir+json` \
             (or `_format=json`)"
                .into(),
        ))
    }
}

/// A FHIR request that needs no caller (`/metadata`): the format checked
/// and the query read.
#[derive(Debug)]
pub struct FhirAsk {
    /// The query's parameters in order, `_format` left out.
    pub params: Vec<(String, String)>,
    /// This server's FHIR base, absolute (`http://host/fhir`).
    pub base: String,
    /// The address asked for, absolute: a search's `self` link.
    pub asked: String,
}

impl FromRequestParts<AppState> for FhirAsk {
    type Rejection = FhirError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, FhirError> {
        let query = parts.uri.query().unwrap_or_default();
        let all: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        negotiate(&parts.headers, &all)?;
        let origin = crate::extract::origin(state, &parts.headers);
        let full = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.clone(), |o| o.0.clone());
        let asked = format!(
            "{origin}{}",
            full.path_and_query().map_or("/", |p| p.as_str())
        );
        Ok(Self {
            params: all.into_iter().filter(|(k, _)| k != FORMAT_PARAM).collect(),
            base: format!("{origin}/fhir"),
            asked,
        })
    }
}

/// A FHIR request about the record: the format checked, then the caller
/// known (a bearer token, as on the JSON API), the query read.
#[derive(Debug)]
pub struct FhirRequest {
    pub viewer: Viewer,
    pub params: Vec<(String, String)>,
    pub base: String,
    pub asked: String,
}

impl FromRequestParts<AppState> for FhirRequest {
    type Rejection = FhirError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, FhirError> {
        let ask = FhirAsk::from_request_parts(parts, state).await?;
        let caller = bearer::caller(state, &parts.headers).await?;
        Ok(Self {
            viewer: caller.viewer(),
            params: ask.params,
            base: ask.base,
            asked: ask.asked,
        })
    }
}

/// The path's parameters. Ids are read as text and looked up as given,
/// so an id that is not well-formed answers as an absent one would.
#[derive(Debug)]
pub struct FhirPath<T>(pub T);

impl<T, S> FromRequestParts<S> for FhirPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = FhirError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, FhirError> {
        Ok(Self(extract::path(parts).await?))
    }
}

/// A FHIR JSON body: a resource or a Bundle, sent as
/// `application/fhir+json` (or `application/json`).
#[derive(Debug)]
pub struct FhirJson(pub Value);

impl<S: Send + Sync> axum::extract::FromRequest<S> for FhirJson {
    type Rejection = FhirError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, FhirError> {
        let media = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase()
            });
        if !matches!(
            media.as_deref(),
            Some("application/fhir+json" | "application/json")
        ) {
            return Err(FhirError::UnsupportedMediaType);
        }
        let bytes = extract::bytes(request, state).await?;
        let body = serde_json::from_slice(&bytes)
            .map_err(|e| FhirError::invalid("body", format!("the body is not JSON: {e}")))?;
        Ok(Self(body))
    }
}

/// An instant as FHIR writes it: UTC, to the second.
pub fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A resource (or Bundle, or CapabilityStatement) as answered, with its
/// version as an `ETag` and its last change as `Last-Modified` where known.
#[derive(Debug)]
pub struct FhirBody {
    pub body: Value,
    pub version: Option<String>,
    pub last_modified: Option<DateTime<Utc>>,
}

impl FhirBody {
    pub fn of(body: Value) -> Self {
        Self {
            body,
            version: None,
            last_modified: None,
        }
    }
}

impl IntoResponse for FhirBody {
    fn into_response(self) -> Response {
        let bytes = match serde_json::to_vec(&self.body) {
            Ok(bytes) => bytes,
            Err(e) => return FhirError::Internal(format!("serialising: {e}")).into_response(),
        };
        let mut response = bytes.into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
        if let Some(etag) = self
            .version
            .and_then(|v| HeaderValue::from_str(&format!("W/\"{v}\"")).ok())
        {
            headers.insert(header::ETAG, etag);
        }
        if let Some(modified) = self.last_modified.and_then(|at| {
            HeaderValue::from_str(&at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()).ok()
        }) {
            headers.insert(header::LAST_MODIFIED, modified);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    fn format(value: &str) -> Vec<(String, String)> {
        vec![(FORMAT_PARAM.to_owned(), value.to_owned())]
    }

    #[test]
    fn json_is_answered_whatever_spelling_asks_for_it() {
        for value in [
            "application/fhir+json",
            "application/json",
            "application/fhir+json; fhirVersion=4.0",
            "text/html, */*;q=0.1",
            "application/*",
        ] {
            assert!(negotiate(&accept(value), &[]).is_ok(), "{value}");
        }
        assert!(negotiate(&HeaderMap::new(), &[]).is_ok());
        for value in [
            "json",
            "application/json",
            "application/fhir+json",
            "application/fhir json",
        ] {
            assert!(
                negotiate(&HeaderMap::new(), &format(value)).is_ok(),
                "{value}"
            );
        }
    }

    #[test]
    fn xml_and_other_formats_are_not_acceptable() {
        for value in ["application/fhir+xml", "text/html", "application/json;q=0"] {
            assert!(negotiate(&accept(value), &[]).is_err(), "{value}");
        }
        for value in ["xml", "application/fhir+xml", "html", "ttl"] {
            assert!(
                negotiate(&HeaderMap::new(), &format(value)).is_err(),
                "{value}"
            );
        }
        // `_format` overrides `Accept`, both ways.
        assert!(negotiate(&accept("application/fhir+xml"), &format("json")).is_ok());
        assert!(negotiate(&accept("application/fhir+json"), &format("xml")).is_err());
    }
}
