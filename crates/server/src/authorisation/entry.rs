//! The audit entries the door writes: one per decided request, one per act
//! that is not a decided read or write, and the words they share (who
//! acted, on what grounds).

use chrono::{DateTime, Utc};
use concordat_access::Decision;
use concordat_domain::carer::{CarerItem, ShareBasis};
use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;
use concordat_domain::user::User;
use concordat_store::audit::{Actor, AuditAction, AuditEntry, Outcome};

use super::gather::Facts;
use super::viewer::Viewer;
use crate::state::AppState;

/// One audit entry for the whole request: the categories shown (or, when
/// nothing was, those asked for) and every reason, allowed or denied.
pub(crate) fn audit_entry(
    viewer: &Viewer,
    person: PersonId,
    action: AuditAction,
    decisions: &[(DataCategory, Decision)],
    now: chrono::DateTime<chrono::Utc>,
) -> AuditEntry {
    let allowed: Vec<DataCategory> = decisions
        .iter()
        .filter(|(_, d)| d.is_allowed())
        .map(|(c, _)| *c)
        .collect();
    let outcome = if allowed.is_empty() {
        Outcome::Denied
    } else {
        Outcome::Allowed
    };
    let mut categories: Vec<DataCategory> = if allowed.is_empty() {
        decisions.iter().map(|(c, _)| *c).collect()
    } else {
        allowed
    };
    // A carer's items may share a category; the entry names each once.
    let mut seen = Vec::with_capacity(categories.len());
    categories.retain(|c| {
        let first = !seen.contains(c);
        seen.push(*c);
        first
    });
    let mut reasons = Vec::new();
    let mut policy_ids = Vec::new();
    for (category, decision) in decisions {
        let verdict = if decision.is_allowed() {
            "allowed"
        } else {
            "denied"
        };
        reasons.push(format!(
            "{}: {verdict}: {}",
            category.as_str(),
            decision.explanation()
        ));
        for reason in decision.reasons() {
            if !policy_ids.contains(&reason.policy) {
                policy_ids.push(reason.policy.clone());
            }
        }
    }
    AuditEntry {
        occurred_at: now,
        actor: Some(actor(&viewer.user)),
        purpose: Some(viewer.purpose),
        person: Some(person),
        action,
        categories,
        outcome,
        reasons,
        policy_ids,
        break_glass: decisions
            .iter()
            .any(|(_, d)| d.is_allowed() && d.via_break_glass()),
    }
}

/// An audit entry for an act of `viewer`'s that is not a decided read or
/// write of categories (a search of the audit, a refused claim, a look-up
/// that opened no record): who, for what purpose, about whom, with what
/// outcome and why, at the clock's now.
pub fn act_entry(
    state: &AppState,
    viewer: &Viewer,
    person: Option<PersonId>,
    action: AuditAction,
    outcome: Outcome,
    reasons: Vec<String>,
) -> AuditEntry {
    AuditEntry {
        occurred_at: state.clock.now(),
        actor: Some(actor(&viewer.user)),
        purpose: Some(viewer.purpose),
        person,
        action,
        categories: Vec::new(),
        outcome,
        reasons,
        policy_ids: Vec::new(),
        break_glass: false,
    }
}

/// The entry an administrative change leaves in the audit (an account, a
/// webhook): who did it and what, about no one's record.
pub fn administration_entry(user: &User, what: String, now: DateTime<Utc>) -> AuditEntry {
    AuditEntry {
        occurred_at: now,
        actor: Some(actor(user)),
        purpose: None,
        person: None,
        action: AuditAction::Administration,
        categories: Vec::new(),
        outcome: Outcome::Allowed,
        reasons: vec![what],
        policy_ids: Vec::new(),
        break_glass: false,
    }
}

/// Records an administrative change by `user` (see
/// [`administration_entry`]) now.
pub async fn record_administration(
    state: &AppState,
    user: &User,
    what: String,
) -> Result<(), crate::error::ServiceError> {
    state
        .audit
        .record(administration_entry(user, what, state.clock.now()))
        .await?;
    Ok(())
}

/// The relationships that made an allowed access legitimate, as audit
/// reasons: the person's access log shows them as the reason for access.
pub(crate) fn grounds(facts: &Facts) -> impl Iterator<Item = String> + '_ {
    facts.grounds.iter().map(|g| format!("{GROUND_PREFIX}{g}"))
}

/// What let a carer see the items allowed them, as audit reasons the
/// person's access log shows: one for each basis ("nominated carer: the
/// person chose to let them see admission, discharge").
pub(crate) fn carer_grounds(
    decided: &[(CarerItem, Option<ShareBasis>)],
) -> impl Iterator<Item = String> + '_ {
    ShareBasis::ALL.into_iter().filter_map(move |basis| {
        let named: Vec<&str> = decided
            .iter()
            .filter(|(_, on)| *on == Some(basis))
            .map(|(item, _)| item.as_str())
            .collect();
        (!named.is_empty()).then(|| {
            format!(
                "{GROUND_PREFIX}nominated carer: {} see {}",
                basis.label(),
                named.join(", ")
            )
        })
    })
}

/// How an audit reason naming a relationship begins.
pub const GROUND_PREFIX: &str = "relationship: ";

pub fn actor(user: &User) -> Actor {
    Actor {
        user_id: user.id(),
        username: user.username().clone(),
        organisation_id: user.organisation_id(),
        role: user.role(),
    }
}
