//! The offer of emergency access (break-glass) where a refusal stops a
//! crisis role: the lawful bases to choose from, the justification
//! started from the look-up's reason, and where to go once it is granted
//! (back to the person's crisis summary). Shared by the look-up, which
//! offers it, and the break-glass page, which claims it.

use concordat_domain::break_glass::{Justification, OverrideBasis};
use concordat_domain::role::Role;

use crate::pages::words::sentence;
use crate::permissions;

/// Where a claim made from a look-up returns: the crisis summary.
pub const THEN_CRISIS_SUMMARY: &str = "crisis-summary";

/// A lawful basis, as a radio button.
#[derive(Debug)]
pub struct Basis {
    pub value: &'static str,
    pub label: String,
    pub chosen: bool,
}

/// Every lawful basis, `chosen` marked.
pub fn bases(chosen: Option<&str>) -> Vec<Basis> {
    OverrideBasis::ALL
        .iter()
        .map(|b| Basis {
            value: b.as_str(),
            label: sentence(b.label()).trim_end_matches('.').to_owned(),
            chosen: Some(b.as_str()) == chosen,
        })
        .collect()
}

/// The form offered beside a refusal, for a role that may break glass.
#[derive(Debug)]
pub struct Offer {
    pub person_id: String,
    /// The look-up's reason: carried back into the summary, and the start
    /// of the justification.
    pub reason: String,
    pub bases: Vec<Basis>,
    pub min_chars: usize,
    pub minutes: i64,
    /// Shown open (the whole record was refused) or closed (a part was).
    pub open: bool,
}

impl Offer {
    /// The offer for `person_id` to a user of `role`, if the role may
    /// break glass at all.
    pub fn to(role: Role, person_id: &str, reason: &str, minutes: i64, open: bool) -> Option<Self> {
        permissions::break_glass(role).ok()?;
        Some(Self {
            person_id: person_id.to_owned(),
            reason: reason.to_owned(),
            bases: bases(None),
            min_chars: Justification::MIN_CHARS,
            minutes,
            open,
        })
    }
}
