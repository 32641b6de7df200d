//! Concordat's HTTP surfaces: the JSON API at `/api/v1`, the HTML pages at `/`,
//! health checks, and sign-in for both. Handlers authenticate and parse at the
//! edge, then call the store; nothing here keeps state between requests beyond
//! what the database holds, so any number of nodes can serve one partnership.

pub mod agreements;
pub mod api;
pub mod app;
pub mod auth;
pub mod authorisation;
pub mod clock;
pub mod config;
pub mod consent;
pub mod contact_events;
pub mod crisis;
pub mod delivery;
pub mod directory;
pub mod error;
pub mod escalation;
pub mod extract;
pub mod governance;
pub mod health;
pub mod inbox;
pub mod messages;
pub mod pages;
pub mod permissions;
pub mod record;
pub mod referrals;
pub mod scheduler;
pub mod state;
pub mod webhooks;

pub use app::Application;
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::ServerConfig;
pub use state::AppState;
