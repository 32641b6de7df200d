//! What a probe is and how its request is made from its route pattern.
//! The table of probes is `probes.rs`; `route_table.rs` checks that it and
//! the routes knowingly left out cover every route the server has.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

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
    /// A user of another organisation: whom a probe adds to a case.
    pub singh_id: String,
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
                ("{id}", "cases") => target.case.clone(),
                ("{action}", "actions") => target.case_action.clone(),
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
