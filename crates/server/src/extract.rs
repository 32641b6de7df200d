//! Reading path segments, query strings and form bodies into typed values at
//! the edge, with one account of what was wrong when a value cannot be read
//! ([`BadInput`]). Each surface wraps these in extractors of its own
//! (`api::extract`, `pages::extract`) and turns a [`BadInput`] into its own
//! error contract — problem details on the API, the error page on the
//! pages — so no request is ever answered with axum's plain-text
//! rejections (issue 11).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

/// What was wrong with a request's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadInput {
    /// A value that does not read as what it must be; `field` names the
    /// parameter (or form field) at fault.
    Value { field: String, message: String },
    /// A path segment that is not even text names nothing there is.
    NamesNothing,
    /// A body that cannot be read as what the address takes.
    Unreadable(String),
    /// A body larger than the address accepts.
    TooLarge,
    /// The route and its handler disagree: the server's mistake.
    Internal(String),
}

/// The path's parameters as `T`, as `axum::extract::Path` reads them.
pub async fn path<T>(parts: &mut Parts) -> Result<T, BadInput>
where
    T: DeserializeOwned + Send,
{
    use axum::extract::path::ErrorKind;
    use axum::extract::rejection::PathRejection;

    let rejection = match axum::extract::Path::<T>::from_request_parts(parts, &()).await {
        Ok(axum::extract::Path(value)) => return Ok(value),
        Err(rejection) => rejection,
    };
    let kind = match rejection {
        PathRejection::FailedToDeserializePathParams(failed) => failed.into_kind(),
        other => return Err(BadInput::Internal(other.body_text())),
    };
    // Parameters read into a tuple are reported by position: name them.
    let names: Vec<String> = match RawPathParams::from_request_parts(parts, &()).await {
        Ok(raw) => raw.iter().map(|(key, _)| key.to_owned()).collect(),
        Err(_) => Vec::new(),
    };
    let name_of = |index: usize| {
        names
            .get(index)
            .cloned()
            .unwrap_or_else(|| "path".to_owned())
    };
    Err(match kind {
        ErrorKind::ParseErrorAtKey {
            key,
            value,
            expected_type,
        } => BadInput::Value {
            field: key,
            message: not_a(&value, expected_type),
        },
        ErrorKind::ParseErrorAtIndex {
            index,
            value,
            expected_type,
        } => BadInput::Value {
            field: name_of(index),
            message: not_a(&value, expected_type),
        },
        ErrorKind::ParseError {
            value,
            expected_type,
        } => BadInput::Value {
            field: name_of(0),
            message: not_a(&value, expected_type),
        },
        ErrorKind::DeserializeError {
            key,
            value,
            message,
        } => BadInput::Value {
            field: key,
            message: format!("`{value}` is not valid here: {message}"),
        },
        ErrorKind::InvalidUtf8InPathParam { .. } => BadInput::NamesNothing,
        other => BadInput::Internal(other.to_string()),
    })
}

/// "`abc` is not a whole number", from the type axum expected.
fn not_a(value: &str, expected_type: &str) -> String {
    let wanted = match expected_type {
        "u8" | "u16" | "u32" | "u64" | "u128" => "a whole number, 0 or more",
        "i8" | "i16" | "i32" | "i64" | "i128" => "a whole number",
        "f32" | "f64" => "a number",
        "bool" => "`true` or `false`",
        "char" => "a single character",
        _ => "a valid value here",
    };
    format!("`{value}` is not {wanted}")
}

/// The query string as `T`, as `axum::extract::Query` reads it.
pub fn query<T: DeserializeOwned>(parts: &Parts) -> Result<T, BadInput> {
    urlencoded(parts.uri.query().unwrap_or_default().as_bytes(), "query")
}

/// A form body as `T`, as `axum::Form` reads one sent by POST.
pub async fn form<T, S>(request: Request, state: &S) -> Result<T, BadInput>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    urlencoded(&form_body(request, state).await?, "form")
}

/// A form's body, checked to be one, unread.
pub async fn form_body<S>(request: Request, state: &S) -> Result<Bytes, BadInput>
where
    S: Send + Sync,
{
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return Err(BadInput::Unreadable(
            "the body must be a form, sent as `application/x-www-form-urlencoded`".into(),
        ));
    }
    bytes(request, state).await
}

/// The whole body, within the route's size limit.
pub async fn bytes<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, BadInput> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                BadInput::TooLarge
            } else {
                BadInput::Unreadable("the body could not be read".into())
            }
        })
}

/// `raw` (`a=1&b=2`) as `T`; an error names the field at fault, or `whole`
/// when the fault is the input as a whole (a field missing).
pub fn urlencoded<T: DeserializeOwned>(raw: &[u8], whole: &str) -> Result<T, BadInput> {
    let pairs = serde_urlencoded::Deserializer::new(form_urlencoded::parse(raw));
    serde_path_to_error::deserialize(pairs).map_err(|error| {
        let field = error.path().to_string();
        let given = form_urlencoded::parse(raw)
            .find(|(key, _)| *key == field)
            .map(|(_, value)| value.into_owned());
        let message = match given {
            Some(value) => format!("`{value}` is not valid here: {}", error.inner()),
            None => error.inner().to_string(),
        };
        BadInput::Value {
            field: if field == "." {
                whole.to_owned()
            } else {
                field
            },
            message,
        }
    })
}

/// `scheme://host` as the client reached this server. The server is
/// behind HTTPS exactly when it sets secure cookies (the setting that also
/// turns on HSTS).
pub fn origin(state: &crate::AppState, headers: &axum::http::HeaderMap) -> String {
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_graphic()))
        .map_or_else(|| state.config.addr.to_string(), str::to_owned);
    format!("{scheme}://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Limit {
        limit: Option<u32>,
        name: Option<String>,
    }

    #[test]
    fn a_query_value_that_does_not_read_names_its_parameter() {
        let read = urlencoded::<Limit>(b"name=x&limit=-1", "query");
        assert_eq!(
            read,
            Err(BadInput::Value {
                field: "limit".into(),
                message: "`-1` is not valid here: invalid digit found in string".into()
            })
        );
        assert_eq!(
            urlencoded::<Limit>(b"limit=5&name=a%20b", "query"),
            Ok(Limit {
                limit: Some(5),
                name: Some("a b".into())
            })
        );
    }

    #[derive(Debug, serde::Deserialize)]
    #[expect(dead_code, reason = "only its reading is tested")]
    struct Needed {
        reason: String,
    }

    #[test]
    fn a_missing_field_is_the_whole_input_at_fault() {
        let Err(BadInput::Value { field, message }) = urlencoded::<Needed>(b"", "form") else {
            panic!("a missing field is refused");
        };
        assert_eq!(field, "form");
        assert!(message.contains("reason"), "{message}");
    }

    #[test]
    fn an_unreadable_path_value_says_what_was_wanted() {
        assert_eq!(
            not_a("abc", "u32"),
            "`abc` is not a whole number, 0 or more"
        );
        assert_eq!(not_a("x", "Uuid"), "`x` is not a valid value here");
    }
}
