//! The partnership's outcomes in a shared currency, for commissioners and
//! the partnership board: monthly figures counted from what Concordat
//! already records ([`concordat_domain::outcomes`]), kept by the scheduler
//! ([`job`]) and rebuilt on demand ([`refresh::rebuild`]), published only
//! as aggregates with small numbers suppressed ([`dashboard`]). Nothing
//! here reads or names a person: the dashboard reads the kept figures and
//! nothing else.

pub mod dashboard;
pub mod download;
pub mod job;
pub mod published;
pub mod refresh;

pub use dashboard::{dashboard, may_see, Dashboard, Published, KEPT_MONTHS};
