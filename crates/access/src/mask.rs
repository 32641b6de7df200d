//! Field masks: a field of a person's record (an address, say) withheld from
//! everyone except named roles, whatever the categories allow — for someone
//! fleeing domestic abuse. The rule itself is in `policies/70-masks.cedar`,
//! so information governance reviews it with the others; this module gives
//! the caller the list of fields to withhold, each with words to show in its
//! place, since a masked field is marked as withheld, never silently absent.
//!
//! Masks are asked about once per field after the record decision: they
//! shape what an allowed read shows, they do not decide whether it happens.

use concordat_domain::role::Role;

/// A field withheld from everyone but `visible_to` (and the person).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMask {
    /// The field's name as the caller renders it ("address").
    pub field: String,
    pub visible_to: Vec<Role>,
}

impl FieldMask {
    pub fn new(field: &str, visible_to: &[Role]) -> Self {
        Self {
            field: field.to_owned(),
            visible_to: visible_to.to_vec(),
        }
    }
}

/// A field the user may not see, and the words to show in its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaskedField {
    pub field: String,
    /// "withheld: address is shown only to crisis clinicians and GPs".
    pub reason: String,
}
