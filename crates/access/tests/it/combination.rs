//! How rules combine: a forbid wins, the decisive rule is named first, the
//! reasons of a denial hold whichever agreement is used, and a request the
//! engine cannot evaluate is denied.

use concordat_access::{policy_ids, Outcome, RuleEffect};
use concordat_domain::agreement::AgreementStatus;
use concordat_domain::ids::AgreementId;

use crate::support::*;

#[test]
fn every_forbidding_rule_is_recorded_and_the_first_read_is_named() {
    let mut request = police_crisis_look_up();
    request.relationships.clear();
    request.agreements[0].status = AgreementStatus::Suspended;
    request.consents.push(refuses_police());

    let decision = engine().decide(&request);

    assert_eq!(decision.outcome(), Outcome::Denied);
    assert_eq!(
        policies(&decision),
        [
            policy_ids::RELATIONSHIP_REQUIRED,
            policy_ids::AGREEMENT_REQUIRED,
            policy_ids::CONSENT_REFUSED
        ]
    );
    assert_eq!(
        decision.denied_by().unwrap().policy,
        policy_ids::RELATIONSHIP_REQUIRED
    );
    assert!(decision
        .reasons()
        .iter()
        .all(|r| r.effect == RuleEffect::Forbid));
}

#[test]
fn a_denial_names_what_blocks_under_every_agreement_not_one_that_merely_lapsed() {
    let mut request = police_crisis_look_up();
    let mut lapsed = crisis_agreement();
    lapsed.id = AgreementId::new();
    lapsed.status = AgreementStatus::Ended;
    request.agreements.insert(0, lapsed);
    request.consents.push(refuses_police());

    let decision = engine().decide(&request);

    assert_eq!(policies(&decision), [policy_ids::CONSENT_REFUSED]);
}

#[test]
fn an_allowed_decision_lists_only_permits() {
    let decision = engine().decide(&police_crisis_look_up());

    assert_eq!(decision.denied_by(), None);
    assert!(decision
        .reasons()
        .iter()
        .all(|r| r.effect == RuleEffect::Permit));
}

#[test]
fn a_change_of_facts_applies_to_the_very_next_request() {
    let mut request = police_crisis_look_up();
    assert!(engine().decide(&request).is_allowed());

    request.consents.push(refuses_police());
    assert!(!engine().decide(&request).is_allowed());

    request.consents.clear();
    request.agreements[0].status = AgreementStatus::Suspended;
    assert!(!engine().decide(&request).is_allowed());
}

#[test]
fn the_engine_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<concordat_access::AccessEngine>();
}
