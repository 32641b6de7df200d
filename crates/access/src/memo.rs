//! Remembered decisions. A decision is a pure function of the request's
//! facts and of where `now` falls among the times in those facts: the
//! policies only ever compare `context.now` with a time copied from a fact
//! (an agreement's start and end, a directive's expiry, an override's grant
//! and expiry), never with arithmetic on either side. So between two
//! consecutive such times every evaluation gives the same answer, and the
//! answer can be reused for an identical request whose `now` falls in the
//! same span. Both `t` and `t + 1 ms` bound a span, so `<`, `<=`, `>` and
//! `==` all flip only at a boundary. The `policies_compare_now_only_with_fact_times`
//! test keeps the policies to that.
//!
//! Nothing here can make a fact stale: the facts are part of the key, and
//! the caller gathers them (or proves them unchanged) for every request.
//! Masks have no time in them at all.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::Mutex;

use crate::decision::Decision;
use crate::mask::{FieldMask, MaskedField};
use crate::request::AccessRequest;
use crate::translate::{date_millis, millis};
use concordat_bounded::BoundedMap;

/// Distinct requests remembered; a request with a couple of agreements
/// takes a few kilobytes. Half of it (a generation) must hold what is in
/// use at once for it to stay remembered: crisis look-ups over a couple of
/// thousand people decide three categories each (see BENCHMARKS.md).
const DECISIONS: usize = 32_768;
const MASKS: usize = 4_096;

#[derive(Debug)]
struct Remembered {
    request: AccessRequest,
    /// The `now`s (Cedar's milliseconds) for which `decision` holds.
    span: Range<i64>,
    decision: Decision,
}

#[derive(Debug)]
struct RememberedMasks {
    request: AccessRequest,
    masks: Vec<FieldMask>,
    withheld: Vec<MaskedField>,
}

/// Entries are found by a hash of part of the request and then compared in
/// full, so two requests that share a hash never share an answer.
#[derive(Debug)]
pub(crate) struct Memo {
    decisions: Mutex<BoundedMap<u64, Vec<Remembered>>>,
    masks: Mutex<BoundedMap<u64, Vec<RememberedMasks>>>,
}

impl Memo {
    pub fn new() -> Self {
        Self::with_capacity(DECISIONS, MASKS)
    }

    /// A memo that remembers nothing, for measuring the evaluation itself.
    pub fn off() -> Self {
        Self::with_capacity(0, 0)
    }

    fn with_capacity(decisions: usize, masks: usize) -> Self {
        Self {
            decisions: Mutex::new(BoundedMap::new(decisions)),
            masks: Mutex::new(BoundedMap::new(masks)),
        }
    }

    pub fn decision(&self, request: &AccessRequest) -> Option<Decision> {
        let now = millis(request.now);
        let mut decisions = self.decisions.lock().unwrap_or_else(|e| e.into_inner());
        decisions
            .get_mut(&request_hash(request))?
            .iter()
            .find(|r| r.span.contains(&now) && same_facts(&r.request, request))
            .map(|r| r.decision.clone())
    }

    pub fn remember_decision(&self, request: &AccessRequest, decision: &Decision) {
        let hash = request_hash(request);
        let entry = Remembered {
            request: request.clone(),
            span: steady_span(request),
            decision: decision.clone(),
        };
        let mut decisions = self.decisions.lock().unwrap_or_else(|e| e.into_inner());
        match decisions.get_mut(&hash) {
            Some(bucket) => {
                // One entry per distinct request: a later span replaces an
                // earlier one.
                bucket.retain(|r| !same_facts(&r.request, request));
                bucket.push(entry);
            }
            None => decisions.insert(hash, vec![entry]),
        }
    }

    pub fn masks(&self, request: &AccessRequest, masks: &[FieldMask]) -> Option<Vec<MaskedField>> {
        let mut remembered = self.masks.lock().unwrap_or_else(|e| e.into_inner());
        remembered
            .get_mut(&masks_hash(request, masks))?
            .iter()
            .find(|r| same_subject(&r.request, request) && r.masks == masks)
            .map(|r| r.withheld.clone())
    }

    pub fn remember_masks(
        &self,
        request: &AccessRequest,
        masks: &[FieldMask],
        withheld: &[MaskedField],
    ) {
        let hash = masks_hash(request, masks);
        let entry = RememberedMasks {
            request: request.clone(),
            masks: masks.to_vec(),
            withheld: withheld.to_vec(),
        };
        let mut remembered = self.masks.lock().unwrap_or_else(|e| e.into_inner());
        match remembered.get_mut(&hash) {
            Some(bucket) => {
                bucket.retain(|r| !(same_subject(&r.request, request) && r.masks == masks));
                bucket.push(entry);
            }
            None => remembered.insert(hash, vec![entry]),
        }
    }
}

/// Whether two requests carry the same facts, whatever their `now`.
fn same_facts(a: &AccessRequest, b: &AccessRequest) -> bool {
    // Destructured so that a field added to the request cannot be left out.
    let AccessRequest {
        user,
        person,
        action,
        category,
        purpose,
        now: _,
        agreements,
        consents,
        relationships,
        break_glass,
        advance_choices,
        crises,
        carer_item,
        carer_items,
    } = a;
    *user == b.user
        && *person == b.person
        && *action == b.action
        && *category == b.category
        && *purpose == b.purpose
        && *agreements == b.agreements
        && *consents == b.consents
        && *relationships == b.relationships
        && *break_glass == b.break_glass
        && *advance_choices == b.advance_choices
        && *crises == b.crises
        && *carer_item == b.carer_item
        && *carer_items == b.carer_items
}

/// Whether two requests ask about the same person for the same user: all a
/// mask looks at besides the masks themselves.
fn same_subject(a: &AccessRequest, b: &AccessRequest) -> bool {
    a.user == b.user && a.person == b.person
}

/// A hash of enough of the request to spread it; equality is checked in full.
fn request_hash(request: &AccessRequest) -> u64 {
    let mut h = DefaultHasher::new();
    request.user.id.hash(&mut h);
    request.person.hash(&mut h);
    request.action.hash(&mut h);
    request.category.hash(&mut h);
    request.purpose.hash(&mut h);
    for a in &request.agreements {
        a.id.hash(&mut h);
    }
    for c in &request.consents {
        c.id.hash(&mut h);
    }
    request.relationships.len().hash(&mut h);
    request.advance_choices.len().hash(&mut h);
    request.crises.hash(&mut h);
    request.carer_item.hash(&mut h);
    request.carer_items.hash(&mut h);
    request
        .break_glass
        .as_ref()
        .map(|g| g.granted_at)
        .hash(&mut h);
    h.finish()
}

fn masks_hash(request: &AccessRequest, masks: &[FieldMask]) -> u64 {
    let mut h = DefaultHasher::new();
    request.user.id.hash(&mut h);
    request.person.hash(&mut h);
    for m in masks {
        m.field.hash(&mut h);
    }
    h.finish()
}

/// Every time in the request's facts that the policies may compare `now`
/// with, as Cedar sees it.
// INVARIANT: every time `translate` hands to Cedar, except `now` itself.
fn fact_times(request: &AccessRequest) -> Vec<i64> {
    let mut times = Vec::new();
    for a in &request.agreements {
        times.push(date_millis(a.starts_on));
        times.extend(a.ends_on.map(date_millis));
    }
    times.extend(
        request
            .consents
            .iter()
            .filter_map(|c| c.expires_at.map(millis)),
    );
    if let Some(g) = &request.break_glass {
        times.push(millis(g.granted_at));
        times.push(millis(g.expires_at));
    }
    times
}

/// The widest span of `now`s around the request's own that crosses no fact
/// time (each `t` and `t + 1`).
fn steady_span(request: &AccessRequest) -> Range<i64> {
    let now = millis(request.now);
    let (mut from, mut until) = (i64::MIN, i64::MAX);
    for t in fact_times(request) {
        for boundary in [t, t.saturating_add(1)] {
            if boundary <= now {
                from = from.max(boundary);
            } else {
                until = until.min(boundary);
            }
        }
    }
    from..until
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};
    use concordat_domain::break_glass::OverrideBasis;
    use concordat_domain::category::DataCategory;
    use concordat_domain::ids::{OrganisationId, PersonId, UserId};
    use concordat_domain::purpose::Purpose;
    use concordat_domain::role::Role;

    use super::*;
    use crate::facts::BreakGlassFacts;
    use crate::policies::FILES;
    use crate::request::{AccessAction, Principal};
    use crate::Relationship;

    fn request() -> AccessRequest {
        let user = UserId::new();
        let person = PersonId::new();
        let now = Utc.with_ymd_and_hms(2026, 3, 3, 3, 0, 0).unwrap();
        AccessRequest {
            user: Principal {
                id: user,
                role: Role::CrisisClinician,
                organisation: OrganisationId::new(),
                person: None,
                carer_of: None,
            },
            person,
            action: AccessAction::Read,
            category: DataCategory::CrisisPlan,
            purpose: Purpose::DirectCare,
            now,
            agreements: Vec::new(),
            consents: Vec::new(),
            relationships: vec![Relationship::care_team()],
            break_glass: Some(BreakGlassFacts {
                user,
                person,
                basis: OverrideBasis::VitalInterests,
                granted_at: now - Duration::minutes(5),
                expires_at: now + Duration::minutes(25),
            }),
            advance_choices: Vec::new(),
            crises: Vec::new(),
            carer_item: None,
            carer_items: Vec::new(),
        }
    }

    #[test]
    fn a_span_ends_at_the_next_fact_time_and_starts_after_the_last() {
        let r = request();
        let g = r.break_glass.clone().unwrap();

        let span = steady_span(&r);

        assert_eq!(span, millis(g.granted_at) + 1..millis(g.expires_at));
    }

    #[test]
    fn a_remembered_decision_is_not_used_past_a_fact_time() {
        let memo = Memo::new();
        let r = request();
        let decision = Decision::denied(Vec::new());
        memo.remember_decision(&r, &decision);

        let mut later = r.clone();
        later.now += Duration::minutes(10);
        let mut expired = r.clone();
        expired.now = r.break_glass.as_ref().unwrap().expires_at;
        let mut other = r.clone();
        other.relationships[0] = Relationship::care_team().ended();

        assert_eq!(memo.decision(&later), Some(decision));
        assert_eq!(memo.decision(&expired), None);
        assert_eq!(memo.decision(&other), None);
    }

    #[test]
    fn a_memo_that_is_off_remembers_nothing() {
        let memo = Memo::off();
        let r = request();
        memo.remember_decision(&r, &Decision::denied(Vec::new()));
        assert_eq!(memo.decision(&r), None);
    }

    /// The memo is sound only while every use of `context.now` compares it,
    /// unchanged, with a time taken from a fact. Arithmetic on either side
    /// (`context.now - 86400000 < …`) would move a boundary off the fact's
    /// time: such a policy needs the memo's spans changed first.
    #[test]
    fn policies_compare_now_only_with_fact_times() {
        let comparison = ["<", "<=", ">", ">=", "=="];
        let arithmetic = ["+", "-", "*"];
        for file in FILES {
            let code: String = file
                .text
                .lines()
                .map(|l| l.split("//").next().unwrap_or(""))
                .collect::<Vec<_>>()
                .join(" ");
            let tokens: Vec<&str> = code
                .split_whitespace()
                .map(|t| t.trim_matches(|c| c == '(' || c == ')'))
                .collect();
            let at = |i: usize| tokens.get(i).copied().unwrap_or_default();
            for (i, token) in tokens.iter().enumerate() {
                if !token.contains("now") {
                    continue;
                }
                assert_eq!(*token, "context.now", "{}: `{token}`", file.name);
                // `fact OP context.now` or `context.now OP fact`.
                let (op, fact, beyond) = if i >= 2 && comparison.contains(&at(i - 1)) {
                    (at(i - 1), at(i - 2), at(i.saturating_sub(3)))
                } else {
                    (at(i + 1), at(i + 2), at(i + 3))
                };
                let near = if comparison.contains(&at(i - 1)) {
                    at(i + 1)
                } else {
                    at(i - 1)
                };
                assert!(
                    comparison.contains(&op),
                    "{}: context.now with `{op}`",
                    file.name
                );
                assert!(
                    fact.starts_with("context.") && fact != "context.now",
                    "{}: context.now compared with `{fact}`",
                    file.name
                );
                assert!(
                    !arithmetic.contains(&beyond) && !arithmetic.contains(&near),
                    "{}: arithmetic beside a comparison with context.now",
                    file.name
                );
            }
        }
    }
}
