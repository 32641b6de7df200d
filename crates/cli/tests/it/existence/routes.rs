//! What a probe is, how its request is made from its route pattern, the
//! routes knowingly left out, and the check that the table of probes
//! (`probes.rs`) and [`SKIPPED`] together cover every route of the JSON API
//! (`api::router` in crates/server/src/api.rs), the pages
//! (`pages::router` in crates/server/src/pages.rs) and `app.rs` — read
//! from their source, so a new route cannot be forgotten.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use super::probes::probes;
use super::world::Target;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Surface {
    /// Under `/api/v1`, with a bearer token bound to a purpose.
    Api,
    /// The pages (and the few routes `app.rs` adds), with a signed-in
    /// session and its CSRF token.
    Page,
}

/// What a request is built from besides its target.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The caller's username: a source system's events carry it as their
    /// source.
    pub username: &'static str,
    /// The caller is a person's own account, whose well-formed bodies
    /// differ (no `via`; the person's own agreement).
    pub own_account: bool,
    /// The kind of contact an event reports: one the caller is registered
    /// for, if it is a source system.
    pub event_kind: &'static str,
    pub neds_team: String,
    pub gpmkt_team: String,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    None,
    Json(Value),
    Ndjson(String),
    /// A form; the sweep adds the session's CSRF token.
    Form(Vec<(String, String)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: &'static str,
    /// With its query string.
    pub path: String,
    pub body: Body,
}

/// One route, called the same way for every target.
#[derive(Debug, Clone)]
pub struct Probe {
    pub surface: Surface,
    pub method: &'static str,
    /// As routed (the API's without its `/api/v1` prefix). The request's
    /// path is this with each `{…}` filled from the target.
    pub pattern: &'static str,
    /// Which of several probes of one route this is; fills `{action}`.
    pub variant: &'static str,
    /// A page that reads for the purpose given in its query or form:
    /// probed once per purpose, with `purpose=…` added. Other page routes
    /// are probed once; the API's purpose is its token's.
    pub takes_purpose: bool,
    /// The crisis look-up, which tells a crisis role asking for emergency
    /// treatment that a plan exists, by design: not probed for them.
    pub look_up: bool,
    /// A contact event, which a registered source system sends about
    /// someone it has just seen: its report is its relationship with the
    /// person, by design, so an allowed report is not compared.
    pub report: bool,
    query: fn(&Target, &Ctx) -> String,
    body: fn(&Target, &Ctx) -> Body,
    /// Fixed fields added to a page's form.
    fields: Vec<(&'static str, &'static str)>,
}

/// A probe of `route` ("GET /persons/{id}") on the API.
pub fn api(route: &'static str) -> Probe {
    Probe::new(Surface::Api, route)
}

/// A probe of `route` on the pages.
pub fn page(route: &'static str) -> Probe {
    Probe::new(Surface::Page, route)
}

impl Probe {
    fn new(surface: Surface, route: &'static str) -> Self {
        let (method, pattern) = route.split_once(' ').expect("METHOD /pattern");
        Self {
            surface,
            method,
            pattern,
            variant: "",
            takes_purpose: false,
            look_up: false,
            report: false,
            query: |_, _| String::new(),
            body: |_, _| Body::None,
            fields: Vec::new(),
        }
    }

    pub fn variant(self, variant: &'static str) -> Self {
        Self { variant, ..self }
    }

    pub fn purpose(self) -> Self {
        Self {
            takes_purpose: true,
            ..self
        }
    }

    pub fn look_up(self) -> Self {
        Self {
            look_up: true,
            ..self
        }
    }

    pub fn report(self) -> Self {
        Self {
            report: true,
            ..self
        }
    }

    pub fn query(self, query: fn(&Target, &Ctx) -> String) -> Self {
        Self { query, ..self }
    }

    pub fn body(self, body: fn(&Target, &Ctx) -> Body) -> Self {
        Self { body, ..self }
    }

    pub fn field(mut self, name: &'static str, value: &'static str) -> Self {
        self.fields.push((name, value));
        self
    }

    /// "GET /api/v1/persons/{id} (by NHS number)".
    pub fn route(&self) -> String {
        let prefix = match self.surface {
            Surface::Api => "/api/v1",
            Surface::Page => "",
        };
        let variant = if self.variant.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.variant)
        };
        format!("{} {prefix}{}{variant}", self.method, self.pattern)
    }

    /// The request about `target`, for a page asked to read for `purpose`
    /// (`""`: none given).
    pub fn request(&self, target: &Target, ctx: &Ctx, purpose: &str) -> Request {
        let mut path = match self.surface {
            Surface::Api => "/api/v1".to_owned(),
            Surface::Page => String::new(),
        };
        path.push_str(&self.path(target));
        let mut query = (self.query)(target, ctx);
        let mut body = (self.body)(target, ctx);
        if self.surface == Surface::Page && self.method == "POST" && body == Body::None {
            body = Body::Form(Vec::new());
        }
        if let Body::Form(pairs) = &mut body {
            for (name, value) in &self.fields {
                pairs.push(((*name).into(), (*value).into()));
            }
        }
        if self.takes_purpose && !purpose.is_empty() {
            match &mut body {
                Body::Form(pairs) => pairs.push(("purpose".into(), purpose.into())),
                _ if query.is_empty() => query = format!("purpose={purpose}"),
                _ => query = format!("{query}&purpose={purpose}"),
            }
        }
        if !query.is_empty() {
            path = format!("{path}?{query}");
        }
        Request {
            method: self.method,
            path,
            body,
        }
    }

    /// The pattern with each parameter filled from `target`: `{id}` by
    /// what the segment before it names.
    fn path(&self, target: &Target) -> String {
        let mut out = String::new();
        let mut previous = "";
        for segment in self.pattern.split('/').skip(1) {
            let value = match (segment, previous) {
                ("{id}", "persons") => target.person.clone(),
                ("{id}", "referrals") => target.referral.clone(),
                ("{id}", "threads") => target.thread.clone(),
                ("{id}", "break-glass") => target.break_glass.clone(),
                ("{id}", "deliveries") => target.delivery.clone(),
                ("{consent_id}", _) => target.consent.clone(),
                ("{related_person_id}", _) => target.carer.clone(),
                ("{flag_id}", _) => target.flag.clone(),
                ("{message_id}", _) => target.message.clone(),
                ("{number}", _) => target.version.to_string(),
                ("{action}", _) => self.variant.to_owned(),
                (s, _) if s.starts_with('{') => {
                    panic!("the sweep cannot fill `{s}` after `{previous}`")
                }
                (s, _) => s.to_owned(),
            };
            out.push('/');
            out.push_str(&value);
            previous = segment;
        }
        out
    }
}

const AGREEMENT: &str = "an information sharing agreement: it holds no one's personal data";
const AUDIT_SEARCH: &str = "information governance's search of the audit log (IG leads only): \
                            it filters the log by a person id, and the log holds this sweep's \
                            own refused probes of both kinds of id, so what it lists tells what \
                            was asked, not who exists";

/// Every other routed method and pattern — none takes an identifier under
/// test — and why it is left out.
pub const SKIPPED: &[(Surface, &str, &str)] = &[
    (
        Surface::Api,
        "POST /auth/token",
        "the caller's own credentials",
    ),
    (Surface::Api, "POST /auth/revoke", "the caller's own token"),
    (Surface::Api, "GET /me", "the caller's own account"),
    (
        Surface::Api,
        "GET /me/access-log",
        "the person's own access log",
    ),
    (
        Surface::Api,
        "GET /me/referrals",
        "the person's own referrals",
    ),
    (Surface::Api, "GET /audit", AUDIT_SEARCH),
    (
        Surface::Api,
        "GET /crisis-plans/overdue",
        "the caller's caseload",
    ),
    (
        Surface::Api,
        "GET /crisis-plans/coverage",
        "figures by team",
    ),
    (
        Surface::Api,
        "GET /crisis-plans/coverage.csv",
        "figures by team",
    ),
    (Surface::Api, "GET /webhooks", "the caller's organisation's"),
    (
        Surface::Api,
        "POST /webhooks",
        "the caller's organisation's",
    ),
    (
        Surface::Api,
        "GET /webhooks/deliveries",
        "the caller's organisation's",
    ),
    (
        Surface::Api,
        "GET /referrals",
        "the caller's team's inbox or outbox",
    ),
    (Surface::Api, "GET /threads", "the caller's own threads"),
    (
        Surface::Api,
        "GET /break-glass/reviews",
        "the reviewer's organisation's",
    ),
    (
        Surface::Api,
        "PUT /agreements/{id}/service-levels",
        AGREEMENT,
    ),
    (Surface::Api, "GET /agreements", AGREEMENT),
    (Surface::Api, "POST /agreements", AGREEMENT),
    (Surface::Api, "GET /agreements/{id}", AGREEMENT),
    (Surface::Api, "PUT /agreements/{id}", AGREEMENT),
    (Surface::Api, "POST /agreements/{id}/sign", AGREEMENT),
    (Surface::Api, "POST /agreements/{id}/suspend", AGREEMENT),
    (Surface::Api, "POST /agreements/{id}/resume", AGREEMENT),
    (Surface::Api, "POST /agreements/{id}/end", AGREEMENT),
    (Surface::Api, "GET /agreements/{id}/history", AGREEMENT),
    (Surface::Page, "GET /health", "a health check"),
    (Surface::Page, "GET /health/live", "a health check"),
    (Surface::Page, "GET /", "the caller's home page"),
    (Surface::Page, "GET /sign-in", "names no one"),
    (
        Surface::Page,
        "POST /sign-in",
        "the caller's own credentials",
    ),
    (Surface::Page, "POST /sign-out", "the caller's own session"),
    (Surface::Page, "GET /directory", "the partnership's teams"),
    (Surface::Page, "GET /users", "the partnership's staff"),
    (
        Surface::Page,
        "GET /admin/webhooks",
        "the caller's organisation's",
    ),
    (Surface::Page, "GET /agreements", AGREEMENT),
    (Surface::Page, "POST /agreements", AGREEMENT),
    (Surface::Page, "GET /agreements/new", AGREEMENT),
    (Surface::Page, "GET /agreements/{id}", AGREEMENT),
    (Surface::Page, "GET /agreements/{id}/edit", AGREEMENT),
    (Surface::Page, "POST /agreements/{id}/edit", AGREEMENT),
    (Surface::Page, "POST /agreements/{id}/sign", AGREEMENT),
    (Surface::Page, "POST /agreements/{id}/suspend", AGREEMENT),
    (Surface::Page, "POST /agreements/{id}/resume", AGREEMENT),
    (Surface::Page, "POST /agreements/{id}/end", AGREEMENT),
    (
        Surface::Page,
        "GET /crisis-lookup",
        "the form; `?recorded=` names a kind of contact",
    ),
    (
        Surface::Page,
        "GET /crisis-plans/overdue",
        "the caller's caseload",
    ),
    (
        Surface::Page,
        "GET /crisis-plans/coverage",
        "figures by team",
    ),
    (
        Surface::Page,
        "GET /crisis-plans/coverage.csv",
        "figures by team",
    ),
    (
        Surface::Page,
        "GET /my/crisis-plan",
        "the person's own plan",
    ),
    (
        Surface::Page,
        "GET /my/referrals",
        "the person's own referrals",
    ),
    (
        Surface::Page,
        "GET /my/access-log",
        "the person's own access log",
    ),
    (Surface::Page, "GET /my/record", "the person's own record"),
    (Surface::Page, "GET /my/consent", "the person's own choices"),
    (Surface::Page, "GET /governance/audit", AUDIT_SEARCH),
    (
        Surface::Page,
        "GET /governance/break-glass",
        "the reviewer's organisation's",
    ),
    (
        Surface::Page,
        "GET /referrals",
        "the caller's team's inbox and own outbox",
    ),
    (Surface::Page, "GET /threads", "the caller's own threads"),
    (
        Surface::Page,
        "GET /inbox",
        "the caller's own notifications",
    ),
    (
        Surface::Page,
        "POST /inbox/read",
        "the caller's own notifications",
    ),
    (Surface::Page, "GET /static/app.css", "the stylesheet"),
];

const API_ROUTER: &str = include_str!("../../../../server/src/api.rs");
const PAGES_ROUTER: &str = include_str!("../../../../server/src/pages.rs");
const APP: &str = include_str!("../../../../server/src/app.rs");

/// "METHOD /pattern" for every `.route(…)` in `source`: the pattern is its
/// first string literal, the methods are the `get(`, `post(`, … method
/// routers chained in it (`.fallback(…)` ends the last one).
fn routed(source: &str) -> Vec<String> {
    const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
    let mut out = Vec::new();
    for chunk in source.split(".route(").skip(1) {
        let chunk = chunk.split(".fallback(").next().unwrap_or(chunk);
        let pattern = chunk
            .split('"')
            .nth(1)
            .expect("a route's pattern is its first string literal");
        let bytes = chunk.as_bytes();
        for method in METHODS {
            for (at, _) in chunk.match_indices(&format!("{method}(")) {
                let before = at.checked_sub(1).map(|i| bytes[i]);
                if !before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
                    out.push(format!("{} {pattern}", method.to_uppercase()));
                }
            }
        }
    }
    out
}

#[test]
fn every_routed_pattern_is_probed_or_knowingly_skipped() {
    // The app is the API nested at /api/v1, the FHIR surface at /fhir and
    // the pages merged in, with a few routes of its own; a router added any
    // other way fails here. The FHIR routes are made from that surface's
    // table, not written as `.route(…)`: every one of them is called, for
    // the callers with no relationship and beside the answer for no one, by
    // `fhir::access`, and checked against the table by `fhir::conformance`.
    assert_eq!(APP.matches(".nest(").count(), 2, "app.rs nests two routers");
    assert!(APP.contains(r#".nest("/api/v1", api::router())"#));
    assert!(APP.contains(r#".nest("/fhir", crate::fhir::router())"#));
    assert_eq!(
        APP.matches(".merge(").count(),
        1,
        "app.rs merges one router"
    );
    assert!(APP.contains(".merge(pages::router())"));
    let app_routes = APP.split("pub fn router(").nth(1).expect("app::router");
    let mut routes: BTreeSet<(Surface, String)> = BTreeSet::new();
    for (source, surface, at_least) in [
        (API_ROUTER, Surface::Api, 50),
        (PAGES_ROUTER, Surface::Page, 50),
        (app_routes, Surface::Page, 2),
    ] {
        let found = routed(source);
        assert!(
            found.len() >= at_least,
            "the router's source was not read: {found:?}"
        );
        for route in found {
            assert!(
                routes.insert((surface, route.clone())),
                "{route} is routed twice"
            );
        }
    }

    let probed: BTreeSet<(Surface, String)> = probes()
        .iter()
        .map(|p| (p.surface, format!("{} {}", p.method, p.pattern)))
        .collect();
    let skipped: BTreeSet<(Surface, String)> = SKIPPED
        .iter()
        .map(|(surface, route, _)| (*surface, (*route).to_owned()))
        .collect();
    let forgotten: Vec<_> = routes
        .iter()
        .filter(|r| !probed.contains(r) && !skipped.contains(r))
        .collect();
    let stale: Vec<_> = probed
        .union(&skipped)
        .filter(|r| !routes.contains(r))
        .collect();
    let both: Vec<_> = probed.intersection(&skipped).collect();
    assert!(
        forgotten.is_empty() && stale.is_empty() && both.is_empty(),
        "the existence sweep's table is out of step with the routers:\n\
         routed but neither probed nor skipped (add a probe, or a reason to skip it): \
         {forgotten:?}\n\
         probed or skipped but not routed: {stale:?}\n\
         both probed and skipped: {both:?}"
    );
}
