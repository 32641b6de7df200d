//! Rule `agreement-required`: an active, fully signed, in-date agreement
//! naming the user's organisation must cover the purpose, and grant the
//! role the category for the action asked.

use chrono::Duration;
use concordat_access::{policy_ids, AccessAction};
use concordat_domain::agreement::AgreementStatus;
use concordat_domain::category::DataCategory;
use concordat_domain::purpose::Purpose;

use crate::support::*;

#[test]
fn police_officer_with_a_crisis_look_up_reads_the_crisis_plan_under_the_agreement() {
    let request = police_crisis_look_up();

    let decision = engine().decide(&request);

    assert!(decision.is_allowed(), "{}", decision.explanation());
    assert_eq!(policies(&decision), ["shared-under-agreement"]);
    assert_eq!(
        decision.explanation(),
        "shared under the information sharing agreement “Northshire crisis care”"
    );
    assert_eq!(decision.agreement(), Some(crisis_agreement().id));
    assert!(!decision.via_break_glass());
}

#[test]
fn a_category_the_role_is_not_granted_is_denied_in_words() {
    let mut request = police_crisis_look_up();
    request.category = DataCategory::Clinical;
    request.purpose = Purpose::DirectCare;

    let decision = engine().decide(&request);

    assert!(!decision.is_allowed());
    let reason = decision.denied_by().unwrap();
    assert_eq!(reason.policy, policy_ids::AGREEMENT_REQUIRED);
    assert_eq!(
        reason.text,
        "no active information sharing agreement covers police officers reading clinical for direct care"
    );
}

#[test]
fn an_agreement_that_is_not_active_grants_nothing() {
    for status in [
        AgreementStatus::Draft,
        AgreementStatus::Suspended,
        AgreementStatus::Ended,
    ] {
        let mut request = police_crisis_look_up();
        request.agreements[0].status = status;

        let decision = engine().decide(&request);

        assert_eq!(
            policies(&decision),
            [policy_ids::AGREEMENT_REQUIRED],
            "{status:?}"
        );
    }
}

#[test]
fn an_active_agreement_not_signed_by_every_party_grants_nothing() {
    let mut request = police_crisis_look_up();
    request.agreements[0].signed_by_every_party = false;

    assert!(engine()
        .decide(&request)
        .determined_by(policy_ids::AGREEMENT_REQUIRED));
}

#[test]
fn an_agreement_applies_from_its_first_day_until_its_end_date() {
    let mut request = police_crisis_look_up();
    let today = request.now.date_naive();

    request.agreements[0].starts_on = today;
    request.agreements[0].ends_on = Some(today + Duration::days(1));
    assert!(engine().decide(&request).is_allowed(), "first and last day");

    request.agreements[0].starts_on = today + Duration::days(1);
    request.agreements[0].ends_on = None;
    assert!(!engine().decide(&request).is_allowed(), "not started yet");

    request.agreements[0].starts_on = today - Duration::days(365);
    request.agreements[0].ends_on = Some(today);
    assert!(!engine().decide(&request).is_allowed(), "ended at midnight");
}

#[test]
fn an_agreement_the_users_organisation_is_not_party_to_grants_nothing() {
    let mut request = police_crisis_look_up();
    request.agreements[0].parties = vec![trust(), gp_practice()];

    assert!(!engine().decide(&request).is_allowed());
}

#[test]
fn an_agreement_must_name_the_purpose_given() {
    let mut request = police_crisis_look_up();
    request.agreements[0].purposes.remove(&Purpose::Emergency);

    let decision = engine().decide(&request);

    assert_eq!(
        decision.denied_by().unwrap().text,
        "no active information sharing agreement covers police officers reading crisis plan for emergency treatment or crisis response"
    );
}

#[test]
fn reading_and_writing_are_granted_separately() {
    let mut request = police_crisis_look_up();
    request.category = DataCategory::Contacts;
    request.action = AccessAction::Write;
    assert!(
        engine().decide(&request).is_allowed(),
        "police write contacts"
    );

    request.category = DataCategory::CrisisPlan;
    let decision = engine().decide(&request);
    assert!(
        !decision.is_allowed(),
        "police may read but not write the plan"
    );
    assert!(decision
        .denied_by()
        .unwrap()
        .text
        .contains("police officers writing crisis plan"));
}

#[test]
fn one_covering_agreement_is_enough_and_is_the_one_recorded() {
    let mut request = police_crisis_look_up();
    let mut suspended = crisis_agreement();
    suspended.status = AgreementStatus::Suspended;
    suspended.id = concordat_domain::ids::AgreementId::new();
    suspended.title = "Old street triage pilot".into();
    request.agreements.insert(0, suspended);

    let decision = engine().decide(&request);

    assert!(decision.is_allowed());
    assert_eq!(decision.agreement(), Some(crisis_agreement().id));
}

#[test]
fn no_agreement_at_all_is_denied_by_the_agreement_rule() {
    let mut request = police_crisis_look_up();
    request.agreements.clear();

    assert_eq!(
        policies(&engine().decide(&request)),
        [policy_ids::AGREEMENT_REQUIRED]
    );
}

#[test]
fn commissioning_never_reaches_a_record_even_if_an_agreement_names_it() {
    let mut request = police_crisis_look_up();
    request.agreements[0]
        .purposes
        .insert(Purpose::Commissioning);
    request.purpose = Purpose::Commissioning;

    let decision = engine().decide(&request);

    assert_eq!(
        decision.denied_by().unwrap().policy,
        policy_ids::COMMISSIONING
    );
    assert_eq!(
        decision.denied_by().unwrap().text,
        "commissioning uses de-identified figures only, never a person's record"
    );
}
