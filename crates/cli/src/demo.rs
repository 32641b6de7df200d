//! A synthetic partnership for demonstration, testing and benchmarks: the
//! organisations of one area's crisis-care partnership, their staff, and
//! people with valid test-range NHS numbers. Deterministic: the same options
//! always give the same data.

pub mod advance_choices;
pub mod agreements;
pub mod carers;
pub mod cases;
pub mod contacts;
pub mod corrections;
pub mod held;
pub mod history;
pub mod names;
pub mod partnership;
pub mod people;
pub mod plans;
pub mod seed;
pub mod wellbeing;
