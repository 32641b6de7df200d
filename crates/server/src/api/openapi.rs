//! The JSON API's OpenAPI 3.1 description, served at
//! `GET /api/v1/openapi.json`. It is made from the same handler list the
//! router is made from (each feature's `router()` registers its handlers
//! with `utoipa_axum::routes!`), so a route cannot be served without being
//! described. This module owns what is common to every operation: the
//! document's header, the bearer scheme, the problem-details responses and
//! the answers every operation may give whatever it does.
//!
//! The description names no one and is the same for every caller, so it is
//! served without a token: it is built once, when the router is, and every
//! request gets those same bytes.

use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Extension;
use concordat_domain::purpose::Purpose;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, InfoBuilder, ObjectBuilder, OpenApi, OpenApiBuilder, RefOr, Response,
    ResponseBuilder, Type,
};
use utoipa::{PartialSchema, ToResponse, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::Problem;
use crate::AppState;

/// Where the JSON API is nested; the document's paths include it.
pub const BASE: &str = "/api/v1";

/// The name the bearer scheme goes by in the document.
const BEARER: &str = "bearer";

/// The finished document as served: its JSON, built once.
#[derive(Debug, Clone)]
pub struct Document(Bytes);

impl Document {
    /// The finished description of the routes (relative to [`BASE`]) that
    /// the router serves.
    pub fn new(routes: OpenApi) -> Self {
        let json = serde_json::to_vec_pretty(&complete(routes))
            .unwrap_or_else(|e| unreachable!("an OpenAPI document always serialises: {e}"));
        Self(Bytes::from(json))
    }
}

/// The document, from the description of the routes (relative to [`BASE`])
/// that the router serves.
pub fn complete(routes: OpenApi) -> OpenApi {
    let mut doc = base().nest(BASE, routes);
    finish(&mut doc);
    doc
}

/// The document's own route, registered like every other.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(document))
}

/// This document: the JSON API's operations, their parameters, bodies and
/// answers.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "openapi",
    tag = "meta",
    security(()),
    responses(
        (status = 200, description = "The OpenAPI 3.1 description of `/api/v1`",
         content_type = "application/json", body = serde_json::Value),
    )
)]
pub async fn document(Extension(doc): Extension<Document>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], doc.0)
}

/// The header, the bearer scheme (required unless an operation says
/// otherwise) and the problem-details responses the operations refer to.
fn base() -> OpenApi {
    let mut doc = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Concordat JSON API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Records shared between the organisations around a person in a \
                     mental-health crisis, under consent and information sharing \
                     agreements. Every error is an RFC 9457 problem details document.",
                ))
                .build(),
        )
        .security(Some([SecurityRequirement::new(
            BEARER,
            Vec::<String>::new(),
        )]))
        .build();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(bearer_description()))
                .build(),
        ),
    );
    let mut schemas = vec![(Problem::name().into_owned(), Problem::schema())];
    Problem::schemas(&mut schemas);
    components.schemas.extend(schemas);
    for (name, response) in [
        Invalid::response(),
        Unauthenticated::response(),
        Forbidden::response(),
        NotFound::response(),
        Conflict::response(),
        TooManyRequests::response(),
        BodyTooLarge::response(),
        Internal::response(),
    ] {
        components.responses.insert(name.into(), response);
    }
    doc
}

/// How to get a token, and the purposes of use one can be bound to, from
/// the domain's own list.
fn bearer_description() -> String {
    let purposes = Purpose::ALL
        .iter()
        .map(|p| format!("`{}` ({})", p.code(), p.label().to_lowercase()))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "A token from `POST {BASE}/auth/token`, bound to the purpose of use it was \
         asked for; every access decision is made for that purpose. Purposes: {purposes}."
    )
}

/// Adds the answers an operation can give whatever it does: 401 to every
/// operation that takes a token, 413 to every one that reads a body, 500
/// to all. Operations list the rest themselves.
fn finish(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            let responses = &mut operation.responses.responses;
            // INVARIANT: an operation that says nothing about security
            // takes the document's default, the bearer token.
            if operation.security.is_none() {
                responses.insert("401".into(), reference(Unauthenticated::response().0));
            }
            if operation.request_body.is_some() {
                responses.insert("413".into(), reference(BodyTooLarge::response().0));
            }
            responses.insert("500".into(), reference(Internal::response().0));
        }
    }
}

fn reference(name: &str) -> RefOr<Response> {
    RefOr::Ref(utoipa::openapi::Ref::from_response_name(name))
}

/// A problem-details answer, `application/problem+json` with the
/// `Problem` schema.
fn problem(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        "application/problem+json",
        ContentBuilder::new()
            .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                Problem::name(),
            ))))
            .build(),
    )
}

/// The problem-details responses, each referred to by name from the
/// operations (`response = Invalid`).
macro_rules! problem_response {
    ($name:ident, $description:expr) => {
        problem_response!($name, $description, |r| r);
    };
    ($name:ident, $description:expr, $extra:expr) => {
        #[derive(Debug)]
        pub struct $name;

        impl<'s> ToResponse<'s> for $name {
            fn response() -> (&'s str, RefOr<Response>) {
                let add: fn(ResponseBuilder) -> ResponseBuilder = $extra;
                (stringify!($name), add(problem($description)).build().into())
            }
        }
    };
}

problem_response!(
    Invalid,
    "The request is not valid: a body that is not the expected JSON \
     (`/problems/malformed-body`), or values that break a rule, each field at \
     fault named in `errors` (`/problems/invalid-input`)"
);
problem_response!(
    Unauthenticated,
    "No bearer token, or one that is unknown, expired or revoked \
     (`/problems/unauthenticated`)",
    |r| r.header(
        "WWW-Authenticate",
        HeaderBuilder::new()
            .schema(string())
            .description(Some("`Bearer`"))
            .build()
    )
);
problem_response!(
    Forbidden,
    "The caller may not do this (`/problems/forbidden`), or the access decision \
     refused it for the token's purpose, naming the deciding `rule` \
     (`/problems/access-denied`)"
);
problem_response!(
    NotFound,
    "Nothing there, or nothing the caller may know of (`/problems/not-found`)"
);
problem_response!(
    Conflict,
    "The request conflicts with what is already recorded (`/problems/conflict`)"
);
problem_response!(
    TooManyRequests,
    "Too many failed sign-ins for this account: locked for a while \
     (`/problems/sign-in-locked`)",
    |r| r.header(
        "Retry-After",
        HeaderBuilder::new()
            .schema(ObjectBuilder::new().schema_type(Type::Integer).build())
            .description(Some("Seconds until sign-in may be tried again"))
            .build()
    )
);
problem_response!(
    BodyTooLarge,
    "The body is larger than this address accepts (`/problems/body-too-large`)"
);
problem_response!(
    Internal,
    "Something went wrong on the server's side; the cause is logged, never \
     shown (`/problems/internal`)"
);

fn string() -> utoipa::openapi::schema::Object {
    ObjectBuilder::new().schema_type(Type::String).build()
}

/// A string that is one of `words`: for the handful of query and body
/// values a handler matches itself rather than parsing into a domain type.
fn one_of(words: &[&str]) -> utoipa::openapi::schema::Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(words.iter().copied()))
        .build()
}

pub fn review_filters() -> utoipa::openapi::schema::Object {
    one_of(&["pending", "all"])
}

pub fn coverage_scopes() -> utoipa::openapi::schema::Object {
    one_of(&["team", "partnership"])
}

pub fn referral_boxes() -> utoipa::openapi::schema::Object {
    one_of(&["inbox", "outbox"])
}

pub fn agreeing_parties() -> utoipa::openapi::schema::Object {
    one_of(&["person", "professional"])
}

/// The purposes of use a token can be asked for, as the token request's
/// `purpose` takes them.
pub fn purpose_codes() -> utoipa::openapi::schema::Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(Purpose::ALL.iter().map(|p| p.code())))
        .description(Some("The purpose of use the token is bound to"))
        .build()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// A route added with axum's own `route` (or a nested service) would be
    /// served without being described: the JSON API's sources register
    /// handlers only through `utoipa_axum::routes!`.
    #[test]
    fn no_api_route_is_registered_behind_the_document() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![src.join("api.rs")];
        for entry in std::fs::read_dir(src.join("api")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("openapi.rs") {
                files.push(path);
            }
        }
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for bypass in [".route(", ".route_service(", ".nest(", ".nest_service("] {
                assert!(
                    !text.contains(bypass),
                    "{} calls `{bypass}`: register handlers with `routes!`",
                    file.display()
                );
            }
        }
    }
}
