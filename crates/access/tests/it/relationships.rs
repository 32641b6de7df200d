//! Rule `relationship-required`: a professional needs a current relationship
//! with the person — care team, open referral or task, active contact, or a
//! crisis look-up made by a crisis role.

use concordat_access::{policy_ids, AccessAction, LookUpReason, Relationship};
use concordat_domain::category::DataCategory;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;

use crate::support::*;

fn clinician_reading_clinical(relationships: Vec<Relationship>) -> concordat_access::Decision {
    let mut request = request(
        actor(Role::CrisisClinician, trust()),
        AccessAction::Read,
        DataCategory::Clinical,
        Purpose::DirectCare,
    );
    request.agreements.push(crisis_agreement());
    request.relationships = relationships;
    engine().decide(&request)
}

#[test]
fn each_kind_of_current_relationship_is_enough() {
    for relationship in [
        Relationship::care_team(),
        Relationship::referral(),
        Relationship::contact(),
        Relationship::case_member(),
        crisis_look_up(),
    ] {
        let decision = clinician_reading_clinical(vec![relationship.clone()]);
        assert!(
            decision.is_allowed(),
            "{relationship:?}: {}",
            decision.explanation()
        );
    }
}

#[test]
fn no_relationship_is_denied_in_words() {
    let decision = clinician_reading_clinical(vec![]);

    let reason = decision.denied_by().unwrap();
    assert_eq!(reason.policy, policy_ids::RELATIONSHIP_REQUIRED);
    assert_eq!(
        reason.text,
        "you have no current relationship with this person"
    );
}

#[test]
fn ended_relationships_grant_nothing() {
    let decision = clinician_reading_clinical(vec![
        Relationship::care_team().ended(),
        Relationship::referral().ended(),
        Relationship::contact().ended(),
        crisis_look_up().ended(),
    ]);

    assert_eq!(policies(&decision), [policy_ids::RELATIONSHIP_REQUIRED]);
}

#[test]
fn one_current_relationship_among_ended_ones_is_enough() {
    let decision = clinician_reading_clinical(vec![
        Relationship::care_team().ended(),
        Relationship::referral(),
    ]);

    assert!(decision.is_allowed());
}

#[test]
fn only_a_crisis_role_may_rely_on_a_crisis_look_up() {
    let mut request = request(
        actor(Role::Gp, gp_practice()),
        AccessAction::Read,
        DataCategory::CrisisPlan,
        Purpose::DirectCare,
    );
    request.agreements.push(crisis_agreement());
    request.relationships.push(crisis_look_up());

    let decision = engine().decide(&request);

    assert_eq!(policies(&decision), [policy_ids::RELATIONSHIP_REQUIRED]);
    request.relationships = vec![Relationship::care_team()];
    assert!(engine().decide(&request).is_allowed());
}

#[test]
fn a_crisis_look_up_cannot_be_described_without_its_reason() {
    assert!(LookUpReason::parse("   ").is_err());
    assert_eq!(
        LookUpReason::parse(" ambulance call: chest pain, history of overdose ")
            .unwrap()
            .as_str(),
        "ambulance call: chest pain, history of overdose"
    );
}

#[test]
fn a_match_review_shows_demographics_and_nothing_else() {
    let reviewer = |category| {
        let mut request = request(
            actor(Role::CrisisClinician, trust()),
            AccessAction::Read,
            category,
            Purpose::DirectCare,
        );
        request.agreements.push(crisis_agreement());
        request.relationships = vec![Relationship::match_review()];
        engine().decide(&request)
    };

    let demographics = reviewer(DataCategory::Demographics);
    assert!(demographics.is_allowed(), "{}", demographics.explanation());
    for category in [
        DataCategory::Clinical,
        DataCategory::CrisisPlan,
        DataCategory::Risk,
        DataCategory::Contacts,
    ] {
        let decision = reviewer(category);
        assert!(!decision.is_allowed(), "{category:?}");
        assert_eq!(
            decision.denied_by().unwrap().policy,
            policy_ids::RELATIONSHIP_REQUIRED
        );
    }
}

#[test]
fn an_ended_case_membership_or_match_review_grants_nothing() {
    for relationship in [Relationship::case_member(), Relationship::match_review()] {
        let decision = clinician_reading_clinical(vec![relationship.ended()]);
        assert!(!decision.is_allowed());
    }
}
