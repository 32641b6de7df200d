//! The person's own access: a person reads their own record for "own
//! access", and nothing else; professionals cannot give that purpose.

use concordat_access::{policy_ids, AccessAction};
use concordat_domain::category::DataCategory;
use concordat_domain::consent::ConsentScope;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;

use crate::support::*;

fn own_read(category: DataCategory) -> concordat_access::AccessRequest {
    request(
        actor(Role::Person, police()),
        AccessAction::Read,
        category,
        Purpose::OwnAccess,
    )
}

#[test]
fn a_person_reads_every_category_of_their_own_record_without_agreement_or_relationship() {
    for category in DataCategory::ALL {
        let decision = engine().decide(&own_read(category));
        assert!(decision.is_allowed(), "{category}");
        assert_eq!(decision.explanation(), "you are reading your own record");
        assert_eq!(decision.agreement(), None);
    }
}

#[test]
fn a_persons_refusals_do_not_hide_their_record_from_them() {
    let mut request = own_read(DataCategory::Clinical);
    request.consents.push(crate::support::consent(
        concordat_domain::consent::ConsentEffect::Deny,
        ConsentScope::default(),
    ));

    assert!(engine().decide(&request).is_allowed());
}

#[test]
fn a_person_cannot_read_someone_elses_record() {
    let mut request = own_read(DataCategory::CrisisPlan);
    request.person = someone_else();

    let decision = engine().decide(&request);

    assert_eq!(policies(&decision), [policy_ids::OWN_RECORD_ONLY]);
    assert_eq!(
        decision.explanation(),
        "a person may read only their own record, and change only their own crisis plan, sharing choices and how they describe themselves, for their own access"
    );
}

#[test]
fn a_person_reads_only_for_own_access_and_writes_only_their_crisis_plan() {
    let mut request = own_read(DataCategory::CrisisPlan);
    request.purpose = Purpose::DirectCare;
    assert_eq!(
        policies(&engine().decide(&request)),
        [policy_ids::OWN_RECORD_ONLY]
    );

    request.purpose = Purpose::OwnAccess;
    request.action = AccessAction::Write;
    let decision = engine().decide(&request);
    assert!(decision.is_allowed());
    assert_eq!(policies(&decision), [policy_ids::OWN_PLAN]);

    let mut clinical = own_read(DataCategory::Clinical);
    clinical.action = AccessAction::Write;
    assert_eq!(
        policies(&engine().decide(&clinical)),
        [policy_ids::OWN_RECORD_ONLY]
    );

    request.person = someone_else();
    assert_eq!(
        policies(&engine().decide(&request)),
        [policy_ids::OWN_RECORD_ONLY]
    );
}

#[test]
fn a_person_describes_themselves_and_nobody_else() {
    let mut request = own_read(DataCategory::Demographics);
    request.action = AccessAction::Write;
    let decision = engine().decide(&request);
    assert!(decision.is_allowed(), "{}", decision.explanation());
    assert_eq!(policies(&decision), [policy_ids::OWN_DESCRIPTION]);

    request.person = someone_else();
    assert_eq!(
        policies(&engine().decide(&request)),
        [policy_ids::OWN_RECORD_ONLY]
    );
}

#[test]
fn a_professional_cannot_claim_own_access() {
    let mut request = police_crisis_look_up();
    request.purpose = Purpose::OwnAccess;
    request.agreements[0].purposes.insert(Purpose::OwnAccess);

    let decision = engine().decide(&request);

    assert_eq!(
        decision.denied_by().unwrap().text,
        "only the person themselves may give own access as the purpose"
    );
}
