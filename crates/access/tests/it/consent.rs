//! Rule `consent-refused`: a refusal that covers the request (each of its
//! organisation, category and purpose open or matching, not expired)
//! forbids it, and wins over any permission.

use chrono::Duration;
use concordat_access::{policy_ids, ConsentFacts};
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{ConsentDirective, ConsentEffect, ConsentScope, RecordedVia};
use concordat_domain::ids::{ConsentId, UserId};
use concordat_domain::purpose::Purpose;

use crate::support::*;

fn decide_with(consents: Vec<ConsentFacts>) -> concordat_access::Decision {
    let mut request = police_crisis_look_up();
    request.consents = consents;
    engine().decide(&request)
}

fn deny(scope: ConsentScope) -> ConsentFacts {
    consent(ConsentEffect::Deny, scope)
}

#[test]
fn a_refusal_of_the_users_organisation_is_denied_naming_it() {
    let decision = decide_with(vec![refuses_police()]);

    let reason = decision.denied_by().unwrap();
    assert_eq!(reason.policy, policy_ids::CONSENT_REFUSED);
    assert_eq!(
        reason.text,
        "the person has refused sharing with Northshire Police"
    );
}

#[test]
fn a_refusal_of_another_organisation_does_not_apply() {
    let decision = decide_with(vec![deny(ConsentScope {
        organisation: Some(trust()),
        ..Default::default()
    })]);

    assert!(decision.is_allowed());
}

#[test]
fn a_refusal_by_category_or_purpose_applies_only_to_that_category_or_purpose() {
    let crisis_plan = ConsentScope {
        category: Some(DataCategory::CrisisPlan),
        ..Default::default()
    };
    let risk = ConsentScope {
        category: Some(DataCategory::Risk),
        ..Default::default()
    };
    let emergency = ConsentScope {
        purpose: Some(Purpose::Emergency),
        ..Default::default()
    };
    let direct_care = ConsentScope {
        purpose: Some(Purpose::DirectCare),
        ..Default::default()
    };

    assert_eq!(
        decide_with(vec![deny(crisis_plan)])
            .denied_by()
            .unwrap()
            .text,
        "the person has refused sharing their crisis plan"
    );
    assert!(decide_with(vec![deny(risk)]).is_allowed());
    assert_eq!(
        decide_with(vec![deny(emergency)]).denied_by().unwrap().text,
        "the person has refused sharing for emergency treatment or crisis response"
    );
    assert!(decide_with(vec![deny(direct_care)]).is_allowed());
}

#[test]
fn a_refusal_with_every_scope_names_them_all() {
    let decision = decide_with(vec![deny(ConsentScope {
        organisation: Some(police()),
        category: Some(DataCategory::CrisisPlan),
        purpose: Some(Purpose::Emergency),
    })]);

    assert_eq!(
        decision.denied_by().unwrap().text,
        "the person has refused sharing their crisis plan with Northshire Police for emergency treatment or crisis response"
    );
}

#[test]
fn a_refusal_of_everything_says_so() {
    assert_eq!(
        decide_with(vec![deny(ConsentScope::default())]).explanation(),
        "the person has refused sharing their record"
    );
}

#[test]
fn an_expired_refusal_no_longer_applies() {
    let mut expired = refuses_police();
    expired.expires_at = Some(now());
    assert!(decide_with(vec![expired.clone()]).is_allowed());

    expired.expires_at = Some(now() + Duration::seconds(1));
    assert!(!decide_with(vec![expired]).is_allowed());
}

#[test]
fn a_withdrawn_refusal_no_longer_applies() {
    let recorded = now() - Duration::days(30);
    let directive = ConsentDirective::new(
        ConsentId::new(),
        person(),
        ConsentEffect::Deny,
        ConsentScope {
            organisation: Some(police()),
            ..Default::default()
        },
        UserId::new(),
        recorded,
        RecordedVia::InPerson,
        Some("has capacity for this decision"),
        Some(now() + Duration::days(30)),
    )
    .unwrap();
    let in_force = ConsentFacts::from_directive(&directive, Some("Northshire Police".into()));
    assert!(!decide_with(vec![in_force]).is_allowed());

    let withdrawn = directive.withdrawn(now() - Duration::hours(1));
    let facts = ConsentFacts::from_directive(&withdrawn, Some("Northshire Police".into()));
    assert_eq!(facts.expires_at, Some(now() - Duration::hours(1)));
    assert!(decide_with(vec![facts]).is_allowed());
}

#[test]
fn a_refusal_wins_over_a_permission_whatever_their_order() {
    let permit = consent(
        ConsentEffect::Permit,
        ConsentScope {
            organisation: Some(police()),
            ..Default::default()
        },
    );

    assert!(decide_with(vec![permit.clone()]).is_allowed());
    for consents in [
        vec![permit.clone(), refuses_police()],
        vec![refuses_police(), permit],
    ] {
        assert_eq!(
            policies(&decide_with(consents)),
            [policy_ids::CONSENT_REFUSED]
        );
    }
}

#[test]
fn a_permission_does_not_stand_in_for_an_agreement() {
    let mut request = police_crisis_look_up();
    request.agreements.clear();
    request.consents = vec![consent(ConsentEffect::Permit, ConsentScope::default())];

    assert!(!engine().decide(&request).is_allowed());
}

#[test]
fn every_refusal_that_applies_is_recorded() {
    let clinical_for_police = deny(ConsentScope {
        category: Some(DataCategory::CrisisPlan),
        ..Default::default()
    });

    let decision = decide_with(vec![refuses_police(), clinical_for_police]);

    assert_eq!(
        decision.explanation(),
        "the person has refused sharing with Northshire Police; the person has refused sharing their crisis plan"
    );
}
