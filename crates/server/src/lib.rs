//! Concordat's server: the services that hold a partnership's rules, and the
//! surfaces that put them on the wire. Nothing here keeps state between
//! requests beyond what the database holds, so any number of nodes can serve
//! one partnership.
//!
//! # Map
//!
//! Dependencies point down this list, never up:
//!
//! 1. **Surfaces** — translate only: parse the wire into domain types, call
//!    one service function, render its answer or its [`error::ServiceError`].
//!    - [`api`] — the JSON API at `/api/v1`; errors as problem details
//!      (mapped once, in `api/error.rs`).
//!    - [`pages`] — the HTML pages at `/`; errors as the error page (mapped
//!      once, in `pages/error.rs`).
//!    - [`fhir`] — HL7 FHIR R4 at `/fhir`; errors as `OperationOutcome`
//!      (mapped once, in `fhir/outcome.rs`); its router and its
//!      CapabilityStatement are made from one table (`fhir::RESOURCES`).
//!    - [`health`] — `/health/live` and `/health`; and `/metrics` on the
//!      metrics address of its own.
//!    - [`app`] — merges the surfaces' routers and adds the layers every
//!      request passes through.
//!
//!    Each feature file in a surface owns its routes (`fn router()`); the
//!    surface's own file merges them. A new surface goes beside these as
//!    `name.rs` + `name/`, names services and [`extract`] and [`auth`], maps
//!    [`error::ServiceError`] in one place, and is merged in [`app`]. No
//!    surface imports another, and none names `concordat_store`.
//! 2. **Services** — the partnership's acts, speaking no HTTP:
//!    [`crisis`] (plans, flags, contacts, the crisis look-up), [`record`],
//!    [`consent`] and [`advance_choices`], [`carer`] (a carer's own page and
//!    thread), [`referrals`], [`cases`], [`messages`],
//!    [`contact_events`],
//!    [`governance`] (break-glass, access log, audit search), [`agreements`],
//!    [`directory`], [`inbox`], [`webhooks`], [`delivery`], [`escalation`],
//!    and [`scheduler`], which runs their jobs. They fail with
//!    [`error::ServiceError`] and take the caller as an
//!    [`authorisation::Viewer`].
//! 3. **The door and who is asking** — [`authorisation`]: every read or
//!    write of personal data gathers its facts, is decided by the Cedar
//!    policies (the `concordat-access` crate) and audited, here and only
//!    here; [`permissions`] for administrative acts; [`auth`] for sign-in,
//!    sessions, tokens and CSRF, with errors of its own.
//! 4. **Leaves** — [`error`], [`extract`] (reading values at the edge),
//!    [`challenge`] (the headers of an answer refusing a bearer token),
//!    [`config`], [`clock`], [`metrics`] (what an operator watches; no
//!    label names anyone), [`state`] (what every service can reach).
//!
//! Below the server: `concordat-store` (SQL on SQLite and PostgreSQL),
//! `concordat-access` (Cedar), `concordat-domain` (types and rules, no I/O).
//! `scripts/module-cycles` checks that no module here imports one that
//! imports it back.

pub mod accounts;
pub mod advance_choices;
pub mod agreements;
pub mod api;
pub mod app;
pub mod auth;
pub mod authorisation;
pub mod capacity;
pub mod carer;
pub mod cases;
pub mod challenge;
pub mod clock;
pub mod config;
pub mod consent;
pub mod contact_events;
pub mod corrections;
pub mod crisis;
pub mod delivery;
pub mod directory;
pub mod error;
pub mod escalation;
pub mod extract;
pub mod fhir;
pub mod frequent_contact;
pub mod governance;
pub mod health;
pub mod inbox;
pub mod matching;
pub mod messages;
pub mod metrics;
pub mod outcomes;
pub mod own_copy;
pub mod pages;
pub mod partnership;
pub mod permissions;
pub mod record;
pub mod referrals;
pub mod scheduler;
pub mod state;
pub mod told;
pub mod transparency;
pub mod webhooks;
pub mod wellbeing;

pub use app::Application;
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::ServerConfig;
pub use state::AppState;
