//! The access decision, tested through its public API: each rule on its own,
//! field masks, the policy matrix against an independent oracle, and
//! properties that must hold for any facts.

mod advance_choices;
mod agreements;
mod break_glass;
mod carers;
mod combination;
mod consent;
mod masks;
mod matrix;
mod oracle;
mod own_access;
mod properties;
mod relationships;
mod support;
