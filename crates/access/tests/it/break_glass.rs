//! Rule `break-glass`: a live override lifts the person's refusal, and only
//! that; it is marked so the audit flags it. The journey of issue 3: a
//! police officer refused, breaking the glass, allowed for the window only.

use chrono::Duration;
use concordat_access::policy_ids;
use concordat_domain::break_glass::OverrideBasis;
use concordat_domain::category::DataCategory;
use concordat_domain::role::Role;

use crate::support::*;

#[test]
fn a_police_officer_refused_by_the_person_breaks_the_glass_for_the_window_only() {
    let mut request = police_crisis_look_up();
    request.consents.push(refuses_police());
    assert_eq!(
        engine().decide(&request).denied_by().unwrap().policy,
        policy_ids::CONSENT_REFUSED
    );

    request.break_glass = Some(break_glass(
        Role::PoliceOfficer,
        OverrideBasis::PreventionOfHarm,
    ));
    let decision = engine().decide(&request);

    assert!(decision.is_allowed(), "{}", decision.explanation());
    assert!(decision.via_break_glass());
    assert_eq!(
        policies(&decision),
        ["shared-under-agreement", "break-glass"]
    );
    assert_eq!(
        decision.reasons()[1].text,
        "emergency access (break-glass) for prevention of serious harm"
    );

    request.now += Duration::minutes(20);
    let after = engine().decide(&request);
    assert!(!after.is_allowed(), "the override expired");
    assert!(!after.via_break_glass());
}

#[test]
fn an_override_not_yet_granted_lifts_nothing() {
    let mut request = police_crisis_look_up();
    request.consents.push(refuses_police());
    let mut grant = break_glass(Role::PoliceOfficer, OverrideBasis::VitalInterests);
    grant.granted_at = request.now + Duration::seconds(1);
    request.break_glass = Some(grant);

    assert!(!engine().decide(&request).is_allowed());
}

#[test]
fn an_override_made_by_someone_else_or_for_someone_else_lifts_nothing() {
    let mut request = police_crisis_look_up();
    request.consents.push(refuses_police());

    request.break_glass = Some(break_glass(Role::Paramedic, OverrideBasis::VitalInterests));
    assert!(!engine().decide(&request).is_allowed(), "another user's");

    let mut grant = break_glass(Role::PoliceOfficer, OverrideBasis::VitalInterests);
    grant.person = someone_else();
    request.break_glass = Some(grant);
    assert!(
        !engine().decide(&request).is_allowed(),
        "for another person"
    );
}

#[test]
fn breaking_the_glass_does_not_replace_the_agreement_or_the_relationship() {
    let mut request = police_crisis_look_up();
    request.break_glass = Some(break_glass(
        Role::PoliceOfficer,
        OverrideBasis::Safeguarding,
    ));

    request.category = DataCategory::Clinical;
    assert_eq!(
        engine().decide(&request).denied_by().unwrap().policy,
        policy_ids::AGREEMENT_REQUIRED,
        "police still see only what police are granted"
    );

    request.category = DataCategory::CrisisPlan;
    request.relationships.clear();
    assert_eq!(
        engine().decide(&request).denied_by().unwrap().policy,
        policy_ids::RELATIONSHIP_REQUIRED
    );
}

#[test]
fn access_while_an_override_is_live_is_marked_even_without_a_refusal() {
    let mut request = police_crisis_look_up();
    request.break_glass = Some(break_glass(
        Role::PoliceOfficer,
        OverrideBasis::VitalInterests,
    ));

    let decision = engine().decide(&request);

    assert!(decision.is_allowed());
    assert!(decision.via_break_glass());
    assert_eq!(
        decision.reasons()[1].text,
        "emergency access (break-glass) for vital interests (to protect life)"
    );
}
