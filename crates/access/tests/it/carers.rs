//! Rules `carer-told`, `carer-of-this-person-only`,
//! `carers-see-only-what-they-are-told` and `carer-access-is-the-carers`: a
//! carer the person invited reads exactly the items the person lets them,
//! each as part of its own category, writes only to their thread with the
//! care team, and nothing once the person withdraws them; agreements,
//! relationships, refusals of organisations and break-glass neither open
//! nor close anything for them; and nobody else may give carer access as
//! the purpose.

use concordat_access::{policy_ids, AccessAction, AccessEngine, AccessRequest, Decision};
use concordat_domain::break_glass::OverrideBasis;
use concordat_domain::carer::CarerItem;
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{ConsentEffect, ConsentScope};
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;

use crate::support::*;

const CARER_ACCESS_IS_THE_CARERS: &str = "carer-access-is-the-carers";

fn assert_told(decision: &Decision) {
    assert!(decision.is_allowed(), "{}", decision.explanation());
    assert_eq!(policies(decision), [policy_ids::CARER_TOLD]);
    assert_eq!(
        decision.explanation(),
        "the person has chosen to let you see this"
    );
    assert_eq!(decision.agreement(), None);
    assert!(!decision.via_break_glass());
}

fn assert_not_told(decision: &Decision) {
    assert!(!decision.is_allowed(), "{}", decision.explanation());
    assert_eq!(
        policies(decision),
        [policy_ids::CARERS_SEE_ONLY_WHAT_THEY_ARE_TOLD]
    );
    assert_eq!(
        decision.explanation(),
        "a carer sees only what the person has chosen to let them see, and writes only to the care team"
    );
}

/// Everything the person can let a carer see, and the thread.
fn told_everything() -> Vec<CarerItem> {
    CarerItem::ALL.to_vec()
}

#[test]
fn a_carer_reads_each_item_the_person_chose_and_no_other() {
    for chosen in CarerItem::ALL {
        for asked in CarerItem::ALL {
            let decision = engine().decide(&carer_reads(asked, &[chosen]));

            if asked == chosen {
                assert_told(&decision);
            } else {
                assert_not_told(&decision);
            }
        }
    }
}

#[test]
fn a_carer_reads_an_item_only_as_part_of_its_own_category() {
    for item in CarerItem::ALL {
        for category in DataCategory::ALL {
            let mut request = carer_reads(item, &told_everything());
            request.category = category;

            let decision = engine().decide(&request);

            if category == item.category() {
                assert_told(&decision);
            } else {
                assert_not_told(&decision);
            }
        }
    }
    // "What helps" is part of the crisis plan, not of the contacts.
    let mut request = carer_reads(CarerItem::WhatHelps, &[CarerItem::WhatHelps]);
    request.category = DataCategory::Contacts;
    assert_not_told(&engine().decide(&request));
}

#[test]
fn a_carer_never_sees_the_clinical_record() {
    for item in CarerItem::ALL {
        let mut request = carer_reads(item, &told_everything());
        request.category = DataCategory::Clinical;
        for action in AccessAction::ALL {
            request.action = action;
            assert_not_told(&engine().decide(&request));
        }
    }
}

#[test]
fn a_carer_asking_for_no_item_is_told_nothing() {
    for category in DataCategory::ALL {
        let mut request = carer_reads(CarerItem::Admission, &told_everything());
        request.carer_item = None;
        request.category = category;

        assert_not_told(&engine().decide(&request));
    }
}

#[test]
fn a_carer_writes_only_to_their_thread_with_the_care_team() {
    for item in CarerItem::ALL {
        let mut request = carer_reads(item, &told_everything());
        request.action = AccessAction::Write;

        let decision = engine().decide(&request);

        if item == CarerItem::Messages {
            assert_told(&decision);
        } else {
            assert_not_told(&decision);
        }
    }
}

#[test]
fn once_the_person_withdraws_a_carer_they_see_and_write_nothing() {
    for item in CarerItem::ALL {
        for action in AccessAction::ALL {
            let mut request = carer_reads(item, &[]);
            request.action = action;

            assert_not_told(&engine().decide(&request));
        }
    }
}

#[test]
fn a_carer_sees_nothing_about_anyone_but_the_person_they_care_for() {
    let mut request = carer_reads(CarerItem::WhoToCall, &told_everything());
    request.person = someone_else();

    let decision = engine().decide(&request);

    assert!(!decision.is_allowed());
    assert_eq!(policies(&decision), [policy_ids::CARER_OF_THIS_PERSON_ONLY]);
    assert_eq!(decision.explanation(), "you are a carer of someone else");

    // A carer's account that is linked to no one is a carer of no one.
    let mut unlinked = carer_reads(CarerItem::WhoToCall, &told_everything());
    unlinked.user.carer_of = None;
    assert_eq!(
        policies(&engine().decide(&unlinked)),
        [policy_ids::CARER_OF_THIS_PERSON_ONLY]
    );
}

#[test]
fn a_carer_asks_only_for_carer_access() {
    for purpose in Purpose::ALL {
        let mut request = carer_reads(CarerItem::WhatHelps, &told_everything());
        request.purpose = purpose;

        let decision = engine().decide(&request);

        match purpose {
            Purpose::CarerAccess => assert_told(&decision),
            // The person's own purpose is theirs, and named first.
            Purpose::OwnAccess => assert_eq!(
                policies(&decision),
                [
                    "own-access-is-the-persons",
                    policy_ids::CARERS_SEE_ONLY_WHAT_THEY_ARE_TOLD
                ]
            ),
            Purpose::Commissioning => assert_eq!(
                policies(&decision),
                [
                    policy_ids::CARERS_SEE_ONLY_WHAT_THEY_ARE_TOLD,
                    policy_ids::COMMISSIONING
                ]
            ),
            Purpose::DirectCare | Purpose::Emergency | Purpose::Safeguarding => {
                assert_not_told(&decision)
            }
        }
    }
}

#[test]
fn no_one_but_a_carer_may_give_carer_access() {
    // Everything else in place: a crisis look-up, and an agreement that
    // names carer access among its purposes.
    let mut request = police_crisis_look_up();
    request.purpose = Purpose::CarerAccess;
    request.agreements[0].purposes.insert(Purpose::CarerAccess);
    request.carer_item = Some(CarerItem::WhoToCall);
    request.carer_items = told_everything();

    let decision = engine().decide(&request);

    assert!(!decision.is_allowed());
    assert_eq!(policies(&decision), [CARER_ACCESS_IS_THE_CARERS]);
    assert_eq!(
        decision.explanation(),
        "only a carer the person invited may give carer access as the purpose"
    );

    for role in Role::ALL.into_iter().filter(|r| *r != Role::Carer) {
        request.user = actor(role, police());
        let decision = engine().decide(&request);
        assert!(!decision.is_allowed(), "{role}");
        assert!(decision.determined_by(CARER_ACCESS_IS_THE_CARERS), "{role}");
    }
}

#[test]
fn agreements_and_relationships_open_nothing_for_a_carer() {
    // An agreement in force that grants carers everything, for carer
    // access, and a place in the care team.
    let mut request = carer_reads(CarerItem::WhatHelps, &[CarerItem::WhoToCall]);
    let mut agreement = crisis_agreement();
    agreement.parties.push(request.user.organisation);
    agreement.purposes.insert(Purpose::CarerAccess);
    agreement
        .grants
        .push(grant(Role::Carer, &DataCategory::ALL, &DataCategory::ALL));
    request.agreements.push(agreement);
    request
        .relationships
        .push(concordat_access::Relationship::care_team());

    assert_not_told(&engine().decide(&request));

    request.category = DataCategory::Clinical;
    assert_not_told(&engine().decide(&request));

    request.category = DataCategory::Consent;
    assert_not_told(&engine().decide(&request));
}

#[test]
fn neither_a_missing_agreement_nor_a_missing_relationship_closes_anything_for_a_carer() {
    let request = carer_reads(CarerItem::Discharge, &[CarerItem::Discharge]);
    assert!(request.agreements.is_empty() && request.relationships.is_empty());

    assert_told(&engine().decide(&request));
}

#[test]
fn a_refusal_of_organisations_closes_nothing_for_a_carer() {
    let mut request = carer_reads(CarerItem::Admission, &[CarerItem::Admission]);
    // Refusing the organisation the carer's account belongs to, and then
    // refusing everything to everyone.
    request.consents.push(consent(
        ConsentEffect::Deny,
        ConsentScope {
            organisation: Some(request.user.organisation),
            ..Default::default()
        },
    ));
    assert_told(&engine().decide(&request));

    request.consents = vec![consent(ConsentEffect::Deny, ConsentScope::default())];
    assert_told(&engine().decide(&request));

    // Nor does a permission open anything the person did not choose.
    request.consents = vec![consent(ConsentEffect::Permit, ConsentScope::default())];
    request.carer_items.clear();
    assert_not_told(&engine().decide(&request));
}

#[test]
fn break_glass_gives_a_carer_nothing() {
    let mut request = carer_reads(CarerItem::CrisisContact, &[CarerItem::WhoToCall]);
    request.break_glass = Some(break_glass(Role::Carer, OverrideBasis::VitalInterests));

    assert_not_told(&engine().decide(&request));

    // What they are told is not marked as an emergency override either.
    request.carer_items = vec![CarerItem::CrisisContact];
    assert_told(&engine().decide(&request));
}

#[test]
fn the_persons_own_access_is_unchanged_by_what_their_carer_is_told() {
    for category in DataCategory::ALL {
        let mut request = request(
            actor(Role::Person, police()),
            AccessAction::Read,
            category,
            Purpose::OwnAccess,
        );
        request.carer_items = told_everything();

        let decision = engine().decide(&request);

        assert!(decision.is_allowed(), "{category}");
        assert_eq!(policies(&decision), ["own-record"]);
    }

    // The person does not give carer access as their own purpose.
    let mut as_carer = carer_reads(CarerItem::WhatHelps, &told_everything());
    as_carer.user = actor(Role::Person, police());
    let decision = engine().decide(&as_carer);
    assert_eq!(
        policies(&decision),
        [policy_ids::OWN_RECORD_ONLY, CARER_ACCESS_IS_THE_CARERS]
    );
}

#[test]
fn a_change_in_what_the_person_lets_a_carer_see_applies_to_the_very_next_request() {
    // An engine of its own, so that the first answer is certainly
    // remembered when the second request comes.
    let engine = AccessEngine::new().expect("the built-in policies are valid");
    let told = carer_reads(CarerItem::WhatHelps, &[CarerItem::WhatHelps]);
    assert_told(&engine.decide(&told));
    assert_told(&engine.decide(&told));

    let withdrawn = AccessRequest {
        carer_items: Vec::new(),
        ..told.clone()
    };
    assert_not_told(&engine.decide(&withdrawn));

    let changed = AccessRequest {
        carer_items: vec![CarerItem::WhoToCall],
        ..told.clone()
    };
    assert_not_told(&engine.decide(&changed));

    // The same choices, another item of the same category.
    let other_item = AccessRequest {
        carer_item: Some(CarerItem::WhoToCall),
        ..told.clone()
    };
    assert_not_told(&engine.decide(&other_item));

    let chosen_again = AccessRequest {
        carer_items: vec![CarerItem::WhoToCall, CarerItem::WhatHelps],
        ..withdrawn
    };
    assert_told(&engine.decide(&chosen_again));
}
