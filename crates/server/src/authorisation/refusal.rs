//! How a request ends when nothing may be shown or done: as if there were
//! no such person, or denied by a named rule; and how the door itself can
//! fail. A leaf, so the error vocabulary can name these without reaching
//! the door.

use concordat_access::Decision;
use concordat_domain::category::DataCategory;
use concordat_store::audit::AuditError;
use concordat_store::StoreError;

/// How a request that may show or do nothing ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Answered as if there were no such person.
    NotFound,
    /// Denied by `rule`, explained by `reason`.
    Denied { reason: String, rule: String },
}

impl Refused {
    /// Why nothing at all may be shown or done, if so: the user must not
    /// learn the person exists, or every category was denied by a rule.
    pub fn of(decisions: &[(DataCategory, Decision)]) -> Option<Self> {
        if decisions.iter().any(|(_, d)| d.is_allowed()) {
            return None;
        }
        if no_relationship(decisions) {
            return Some(Self::NotFound);
        }
        let denial = decisions.first().map(|(_, d)| d);
        Some(Self::Denied {
            reason: denial.map(Decision::explanation).unwrap_or_default(),
            rule: denial.map(Decision::denying_rule).unwrap_or_default(),
        })
    }
}

/// Whether every category was denied to a user who has no business with
/// this person at all: no current relationship, or (for a person's own
/// account) a record that is not theirs, or (for a carer's) a person
/// they do not care for — whatever other rule also denied
/// it (a wrong purpose, no agreement, a refusal). Such a user must not
/// learn that the person exists, so the caller answers exactly as if there
/// were no one.
///
/// INVARIANT: the test is that the rule holds among the denial's reasons,
/// not that it is the one named first: "commissioning sees no records" is
/// read before "relationship required", and a stranger with a
/// commissioning token must still meet the answer for no one.
pub fn no_relationship(decisions: &[(DataCategory, Decision)]) -> bool {
    use concordat_access::policy_ids::{
        CARER_OF_THIS_PERSON_ONLY, OWN_RECORD_ONLY, RELATIONSHIP_REQUIRED,
    };
    !decisions.is_empty()
        && decisions.iter().all(|(_, d)| {
            !d.is_allowed()
                && (d.determined_by(RELATIONSHIP_REQUIRED)
                    || d.determined_by(OWN_RECORD_ONLY)
                    || d.determined_by(CARER_OF_THIS_PERSON_ONLY))
        })
}

#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The audit entry could not be written, so nothing may be shown.
    #[error(transparent)]
    Audit(#[from] AuditError),
}
