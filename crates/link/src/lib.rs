//! Probabilistic record linkage (Fellegi–Sunter): deciding which agencies'
//! records are one person when they share no reliable identifier — names
//! spelt differently, dates of birth half-remembered, NHS numbers missing.
//! Nothing here does I/O; records arrive in memory and results leave as
//! values.
//!
//! The parts, in the order a run uses them:
//! - [`record`] and [`normalise`]: what is compared, in normal form;
//! - [`blocking`]: which pairs are compared at all;
//! - [`compare`]: each field's comparison levels;
//! - [`estimate`], [`training`] and [`frequency`]: the model's parameters,
//!   from the data;
//! - [`model`]: a pair's match weight and its explanation;
//! - [`decision`]: link, review or leave, with the identifier safeguard;
//! - [`linkage`]: a whole run, and one incoming record's candidates;
//! - [`cluster`], [`evaluate`]: grouping linked pairs and measuring them;
//! - [`synthetic`]: people and their records with known truth.

pub mod blocking;
pub mod cluster;
pub mod compare;
pub mod decision;
pub mod estimate;
pub mod evaluate;
pub mod frequency;
pub mod linkage;
pub mod model;
pub mod normalise;
pub mod record;
pub mod synthetic;
pub mod training;

mod nickname;
mod soundex;

pub use blocking::{BlockIndex, Blocking, BlockingRule};
pub use compare::{compare, Field, Pattern};
pub use decision::{Decision, ReviewReason, ThresholdError, Thresholds};
pub use linkage::{
    candidates_for, link, Candidate, Linkage, Population, ScoredPair, Settings, Task,
};
pub use model::{Explanation, FieldEvidence, Model};
pub use record::{BirthDate, Identifier, Record, Sex};
