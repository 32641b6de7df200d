//! Rule `advance-choice-lifts-refusal`: the person's advance choice lifts a
//! standing refusal while the crisis it names is in progress, for what its
//! scope covers; it grants nothing by itself, never lifts a refusal made to
//! hold even in a crisis, and stops lifting when the crisis ends.

use concordat_access::{
    policy_ids, AccessAction, AccessEngine, AccessRequest, AdvanceChoiceFacts, ConsentFacts,
    Decision, Relationship,
};
use concordat_domain::advance_choice::CrisisKind;
use concordat_domain::break_glass::OverrideBasis;
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{ConsentEffect, ConsentScope};
use concordat_domain::contact_event::ContactKind;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;

use crate::support::*;

/// The police officer's crisis-plan read, refused by the person's standing
/// refusal of the police, whose advance choice lets the police see it
/// during a section 136, while the person is in the crises of `contact`.
fn refused_police_read(contact: ContactKind, ended: bool) -> AccessRequest {
    let mut request = police_crisis_look_up();
    request.consents.push(refuses_police());
    request
        .advance_choices
        .push(police_may_see_during_section_136());
    request.crises = crises_of(contact, ended);
    request
}

/// "If I am in any crisis, anyone may see anything."
fn anything_in_any_crisis() -> AdvanceChoiceFacts {
    advance_choice(CrisisKind::AnyCrisis, ConsentScope::default())
}

/// The person's refusal to share their crisis plan with anyone.
fn refuses_the_crisis_plan() -> ConsentFacts {
    consent(
        ConsentEffect::Deny,
        ConsentScope {
            category: Some(DataCategory::CrisisPlan),
            ..Default::default()
        },
    )
}

fn assert_refused(decision: &Decision) {
    assert!(!decision.is_allowed(), "{}", decision.explanation());
    assert_eq!(
        decision.denied_by().unwrap().policy,
        policy_ids::CONSENT_REFUSED,
        "{}",
        decision.explanation()
    );
}

#[test]
fn a_police_officer_refused_by_the_person_sees_the_crisis_plan_during_the_section_136_they_chose() {
    let request = refused_police_read(ContactKind::Section136, false);

    let decision = engine().decide(&request);

    assert!(decision.is_allowed(), "{}", decision.explanation());
    assert_eq!(
        policies(&decision),
        [
            policy_ids::SHARED_UNDER_AGREEMENT,
            policy_ids::ADVANCE_CHOICE
        ]
    );
    assert_eq!(
        decision.reasons()[1].text,
        format!(
            "the person's advance choice, witnessed on {WITNESSED_ON}, lets this be seen while they are detained under section 136"
        )
    );
    assert!(!decision.via_break_glass());
    assert_eq!(decision.agreement(), Some(crisis_agreement().id));
}

#[test]
fn a_choice_for_section_136_lifts_nothing_during_an_admission_or_street_triage() {
    for contact in [ContactKind::Admission, ContactKind::StreetTriage] {
        let decision = engine().decide(&refused_police_read(contact, false));

        assert_refused(&decision);
        assert_eq!(
            decision.denied_by().unwrap().text,
            "the person has refused sharing with Northshire Police",
            "{contact:?}"
        );
    }
}

#[test]
fn a_choice_lifts_nothing_once_the_crisis_has_ended() {
    assert_refused(&engine().decide(&refused_police_read(ContactKind::Section136, true)));
}

#[test]
fn a_choice_lifts_nothing_when_the_person_is_in_no_crisis() {
    let mut request = refused_police_read(ContactKind::Section136, false);
    request.crises.clear();
    assert_refused(&engine().decide(&request));

    // A contact that is no crisis puts the person in none.
    assert_refused(&engine().decide(&refused_police_read(ContactKind::AdviceGiven, false)));
}

#[test]
fn a_choice_for_any_crisis_is_lifted_by_any_crisis_in_progress() {
    for contact in [
        ContactKind::Section136,
        ContactKind::Admission,
        ContactKind::StreetTriage,
        ContactKind::Call999,
        ContactKind::CrisisLineCall,
    ] {
        let mut request = refused_police_read(contact, false);
        request.advance_choices[0].during = CrisisKind::AnyCrisis;

        let decision = engine().decide(&request);

        assert!(
            decision.is_allowed(),
            "{contact:?}: {}",
            decision.explanation()
        );
        assert_eq!(
            decision.reasons()[1].text,
            format!(
                "the person's advance choice, witnessed on {WITNESSED_ON}, lets this be seen while they are in a crisis"
            )
        );
        request.crises = crises_of(contact, true);
        assert_refused(&engine().decide(&request));
    }
}

#[test]
fn a_choice_for_an_admission_is_lifted_while_the_person_is_in_hospital() {
    let mut request = refused_police_read(ContactKind::Admission, false);
    request.advance_choices[0].during = CrisisKind::Admission;

    let decision = engine().decide(&request);

    assert!(decision.is_allowed(), "{}", decision.explanation());
    assert_eq!(
        decision.reasons()[1].text,
        format!(
            "the person's advance choice, witnessed on {WITNESSED_ON}, lets this be seen while they are in hospital"
        )
    );

    request.crises = crises_of(ContactKind::Section136, false);
    assert_refused(&engine().decide(&request));
}

#[test]
fn a_choice_lifts_a_refusal_only_for_the_organisation_category_and_purpose_it_names() {
    let lifted = |scope: ConsentScope| {
        let mut request = refused_police_read(ContactKind::Section136, false);
        request.advance_choices[0].scope = scope;
        engine().decide(&request)
    };

    // Each field matching, or left open, lifts.
    let everything_named = ConsentScope {
        organisation: Some(police()),
        category: Some(DataCategory::CrisisPlan),
        purpose: Some(Purpose::Emergency),
    };
    assert!(lifted(everything_named).is_allowed());
    assert!(lifted(ConsentScope::default()).is_allowed());

    for (what, scope) in [
        (
            "another organisation",
            ConsentScope {
                organisation: Some(trust()),
                ..everything_named
            },
        ),
        (
            "another category",
            ConsentScope {
                category: Some(DataCategory::Risk),
                ..everything_named
            },
        ),
        (
            "another purpose",
            ConsentScope {
                purpose: Some(Purpose::DirectCare),
                ..everything_named
            },
        ),
    ] {
        let decision = lifted(scope);
        assert!(!decision.is_allowed(), "{what}");
        assert_eq!(policies(&decision), [policy_ids::CONSENT_REFUSED], "{what}");
    }
}

#[test]
fn a_refusal_made_to_hold_even_in_a_crisis_is_never_lifted() {
    let mut request = refused_police_read(ContactKind::Section136, false);
    request.consents = vec![holding_in_crisis(refuses_police())];
    request.advance_choices.push(AdvanceChoiceFacts {
        position: 1,
        ..anything_in_any_crisis()
    });

    let decision = engine().decide(&request);

    assert_eq!(policies(&decision), [policy_ids::CONSENT_REFUSED]);
    assert_eq!(
        decision.explanation(),
        "the person has refused sharing with Northshire Police even in a crisis, in their advance choices"
    );
}

#[test]
fn a_choice_lifts_a_standing_refusal_but_not_one_beside_it_made_to_hold_in_a_crisis() {
    let crisis_plan_even_in_crisis = holding_in_crisis(refuses_the_crisis_plan());
    for consents in [
        vec![refuses_police(), crisis_plan_even_in_crisis.clone()],
        vec![crisis_plan_even_in_crisis.clone(), refuses_police()],
    ] {
        let mut request = refused_police_read(ContactKind::Section136, false);
        request.consents = consents;

        let decision = engine().decide(&request);

        // Only the refusal that holds is left standing in the way.
        assert_eq!(policies(&decision), [policy_ids::CONSENT_REFUSED]);
        assert_eq!(
            decision.explanation(),
            "the person has refused sharing their crisis plan even in a crisis, in their advance choices"
        );
    }
}

#[test]
fn with_two_refusals_a_choice_that_covers_the_request_lifts_both() {
    let mut request = refused_police_read(ContactKind::Section136, false);
    request.consents.push(refuses_the_crisis_plan());

    let decision = engine().decide(&request);

    assert!(decision.is_allowed(), "{}", decision.explanation());
    assert_eq!(
        policies(&decision),
        [
            policy_ids::SHARED_UNDER_AGREEMENT,
            policy_ids::ADVANCE_CHOICE
        ]
    );
}

#[test]
fn the_choice_that_lifts_the_refusal_is_the_one_named() {
    let mut request = refused_police_read(ContactKind::Section136, false);
    request.advance_choices[0].scope.category = Some(DataCategory::Risk);
    let mut crisis_plan = advance_choice(
        CrisisKind::AnyCrisis,
        ConsentScope {
            category: Some(DataCategory::CrisisPlan),
            ..Default::default()
        },
    );
    crisis_plan.position = 1;
    crisis_plan.witnessed_on = day(2026, 1, 9);
    request.advance_choices.push(crisis_plan);

    let decision = engine().decide(&request);

    assert!(decision.is_allowed(), "{}", decision.explanation());
    assert_eq!(
        decision.reasons()[1].text,
        "the person's advance choice, witnessed on 9 January 2026, lets this be seen while they are in a crisis"
    );
}

#[test]
fn a_choice_does_not_stand_in_for_an_agreement_or_a_relationship() {
    let mut request = refused_police_read(ContactKind::Section136, false);
    request.agreements.clear();
    let decision = engine().decide(&request);
    assert!(!decision.is_allowed());
    assert_eq!(
        decision.denied_by().unwrap().policy,
        policy_ids::AGREEMENT_REQUIRED
    );

    let mut request = refused_police_read(ContactKind::Section136, false);
    request.category = DataCategory::Clinical;
    let decision = engine().decide(&request);
    assert!(!decision.is_allowed(), "police are not granted clinical");
    assert_eq!(
        decision.denied_by().unwrap().policy,
        policy_ids::AGREEMENT_REQUIRED
    );

    let mut request = refused_police_read(ContactKind::Section136, false);
    request.relationships.clear();
    let decision = engine().decide(&request);
    assert!(!decision.is_allowed());
    assert_eq!(
        decision.denied_by().unwrap().policy,
        policy_ids::RELATIONSHIP_REQUIRED
    );
    assert!(!decision.determined_by(policy_ids::ADVANCE_CHOICE));
}

/// A denial for want of a relationship or an agreement is named by that
/// rule first. The refusal a choice would lift is still listed after it:
/// the engine counts a refusal as lifted only when the evaluation with the
/// choice allows (a break-glass override's lifted refusal is not listed).
/// If that changes, this list loses `consent-refused`.
#[test]
fn a_denial_for_another_reason_is_named_by_that_reason_first() {
    let mut request = refused_police_read(ContactKind::Section136, false);
    request.relationships.clear();
    assert_eq!(
        policies(&engine().decide(&request)),
        [
            policy_ids::RELATIONSHIP_REQUIRED,
            policy_ids::CONSENT_REFUSED
        ]
    );

    let mut request = refused_police_read(ContactKind::Section136, false);
    request.agreements.clear();
    assert_eq!(
        policies(&engine().decide(&request)),
        [policy_ids::AGREEMENT_REQUIRED, policy_ids::CONSENT_REFUSED]
    );
}

#[test]
fn without_a_refusal_advance_choices_change_nothing() {
    let with_choices = |mut request: AccessRequest| {
        let plain = engine().decide(&request);
        request.advance_choices.push(anything_in_any_crisis());
        request.crises = crises_of(ContactKind::Section136, false);
        (plain, engine().decide(&request))
    };

    let allowed = police_crisis_look_up();
    let mut permitted = police_crisis_look_up();
    permitted.consents.push(consent(
        ConsentEffect::Permit,
        ConsentScope {
            organisation: Some(police()),
            ..Default::default()
        },
    ));
    let mut refusing_someone_else = police_crisis_look_up();
    refusing_someone_else.consents.push(consent(
        ConsentEffect::Deny,
        ConsentScope {
            organisation: Some(trust()),
            ..Default::default()
        },
    ));
    let mut unrelated = police_crisis_look_up();
    unrelated.relationships.clear();
    let mut not_granted = police_crisis_look_up();
    not_granted.category = DataCategory::Clinical;

    for request in [
        allowed,
        permitted,
        refusing_someone_else,
        unrelated,
        not_granted,
    ] {
        let (plain, chosen) = with_choices(request);
        assert_eq!(plain, chosen);
    }
}

#[test]
fn break_glass_still_lifts_a_refusal_and_is_marked_as_before() {
    let mut request = refused_police_read(ContactKind::Section136, false);
    request.consents = vec![holding_in_crisis(refuses_police())];
    request.break_glass = Some(break_glass(
        Role::PoliceOfficer,
        OverrideBasis::VitalInterests,
    ));

    let decision = engine().decide(&request);

    assert!(decision.is_allowed(), "{}", decision.explanation());
    assert!(decision.via_break_glass());
    assert_eq!(
        policies(&decision),
        [policy_ids::SHARED_UNDER_AGREEMENT, policy_ids::BREAK_GLASS]
    );
}

#[test]
fn the_persons_own_access_and_the_sharing_choices_are_untouched_by_advance_choices() {
    let in_crisis = |mut request: AccessRequest| {
        request
            .consents
            .push(consent(ConsentEffect::Deny, ConsentScope::default()));
        let plain = engine().decide(&request);
        request.advance_choices.push(anything_in_any_crisis());
        request.crises = crises_of(ContactKind::Section136, false);
        (plain, engine().decide(&request))
    };

    let own = request(
        actor(Role::Person, police()),
        AccessAction::Read,
        DataCategory::CrisisPlan,
        Purpose::OwnAccess,
    );
    let (plain, chosen) = in_crisis(own);
    assert!(chosen.is_allowed());
    assert_eq!(plain, chosen);

    let mut care_teams_choices = police_crisis_look_up();
    care_teams_choices.category = DataCategory::Consent;
    care_teams_choices.relationships = vec![Relationship::care_team()];
    let (plain, chosen) = in_crisis(care_teams_choices);
    assert!(chosen.is_allowed());
    assert_eq!(plain, chosen);

    let mut others_choices = police_crisis_look_up();
    others_choices.category = DataCategory::Consent;
    let (plain, chosen) = in_crisis(others_choices);
    assert_eq!(
        chosen.denied_by().unwrap().policy,
        policy_ids::SHARING_CHOICES
    );
    assert_eq!(plain, chosen);
}

#[test]
fn a_remembered_decision_follows_the_crisis_as_it_opens_and_ends() {
    // One engine, with its own memo, for every step.
    let engine = AccessEngine::new().unwrap();
    let mut request = refused_police_read(ContactKind::Section136, false);

    assert!(engine.decide(&request).is_allowed());
    assert!(engine.decide(&request).is_allowed(), "remembered");

    request.crises = crises_of(ContactKind::Section136, true);
    assert_refused(&engine.decide(&request));

    request.crises = crises_of(ContactKind::Section136, false);
    assert!(engine.decide(&request).is_allowed());

    request.crises.clear();
    assert_refused(&engine.decide(&request));

    request.crises = crises_of(ContactKind::Section136, false);
    request.advance_choices[0].during = CrisisKind::Admission;
    assert_refused(&engine.decide(&request));
}
