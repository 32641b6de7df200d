use std::collections::BTreeSet;

use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn cats(list: &[DataCategory]) -> BTreeSet<DataCategory> {
    list.iter().copied().collect()
}

fn terms(parties: Vec<OrganisationId>) -> Terms {
    Terms {
        title: "Northshire crisis care sharing agreement".into(),
        tier: AgreementTier::Coordinate,
        parties,
        purposes: [Purpose::DirectCare, Purpose::Emergency]
            .into_iter()
            .collect(),
        grants: vec![RoleGrant {
            role: Role::PoliceOfficer,
            read: cats(&[DataCategory::CrisisPlan, DataCategory::Risk]),
            write: BTreeSet::new(),
        }],
        lawful_basis: LawfulBasis::new(
            "Article 6(1)(e) public task",
            "Article 9(2)(h) health or social care",
            "Schedule 1 Part 1 paragraph 2",
        )
        .unwrap(),
        starts_on: date(2026, 1, 1),
        ends_on: Some(date(2028, 1, 1)),
        review_on: date(2027, 1, 1),
    }
}

fn signature(org: OrganisationId) -> Signature {
    Signature {
        organisation: org,
        signed_by: UserId::new(),
        signed_at: Utc.with_ymd_and_hms(2026, 1, 2, 9, 0, 0).unwrap(),
    }
}

#[test]
fn an_agreement_becomes_active_only_when_every_party_has_signed() {
    let (a, b, c) = (
        OrganisationId::new(),
        OrganisationId::new(),
        OrganisationId::new(),
    );
    let draft = Agreement::draft(AgreementId::new(), terms(vec![a, b, c])).unwrap();
    let one = draft.sign(signature(a)).unwrap();
    assert_eq!(one.status(), AgreementStatus::Draft);
    let two = one.sign(signature(b)).unwrap();
    assert_eq!(two.status(), AgreementStatus::Draft);
    assert_eq!(two.awaiting(), vec![c]);
    let all = two.sign(signature(c)).unwrap();
    assert_eq!(all.status(), AgreementStatus::Active);
    assert!(all.is_fully_signed());
}

#[test]
fn only_parties_sign_and_only_once() {
    let (a, b) = (OrganisationId::new(), OrganisationId::new());
    let draft = Agreement::draft(AgreementId::new(), terms(vec![a, b])).unwrap();
    assert_eq!(
        draft.sign(signature(OrganisationId::new())).unwrap_err(),
        AgreementError::NotAParty
    );
    let signed = draft.sign(signature(a)).unwrap();
    assert_eq!(
        signed.sign(signature(a)).unwrap_err(),
        AgreementError::AlreadySigned
    );
}

#[test]
fn amending_makes_a_new_unsigned_draft_version() {
    let (a, b) = (OrganisationId::new(), OrganisationId::new());
    let active = Agreement::draft(AgreementId::new(), terms(vec![a, b]))
        .unwrap()
        .sign(signature(a))
        .unwrap()
        .sign(signature(b))
        .unwrap();
    let mut changed = terms(vec![a, b]);
    changed.title = "Amended".into();
    let amended = active.amend(changed).unwrap();
    assert_eq!(amended.version(), 2);
    assert_eq!(amended.status(), AgreementStatus::Draft);
    assert!(amended.signatures().is_empty());
}

#[test]
fn suspension_resumption_and_ending_follow_the_lifecycle() {
    let (a, b) = (OrganisationId::new(), OrganisationId::new());
    let draft = Agreement::draft(AgreementId::new(), terms(vec![a, b])).unwrap();
    assert!(matches!(
        draft.suspend(),
        Err(AgreementError::WrongStatus { .. })
    ));
    let active = draft
        .sign(signature(a))
        .unwrap()
        .sign(signature(b))
        .unwrap();
    let suspended = active.suspend().unwrap();
    assert_eq!(suspended.status(), AgreementStatus::Suspended);
    assert_eq!(
        suspended.resume().unwrap().status(),
        AgreementStatus::Active
    );
    let ended = suspended.end().unwrap();
    assert!(matches!(
        ended.resume(),
        Err(AgreementError::WrongStatus { .. })
    ));
    assert!(matches!(
        ended.sign(signature(a)),
        Err(AgreementError::WrongStatus { .. })
    ));
}

#[test]
fn terms_that_break_a_rule_are_refused() {
    let (a, b) = (OrganisationId::new(), OrganisationId::new());
    let mut one_party = terms(vec![a]);
    one_party.parties = vec![a];
    assert_eq!(
        one_party.validated().unwrap_err(),
        AgreementError::TooFewParties
    );
    assert_eq!(
        terms(vec![a, a]).validated().unwrap_err(),
        AgreementError::DuplicateParty
    );

    let mut clinical = terms(vec![a, b]);
    clinical.grants[0].read.insert(DataCategory::Clinical);
    assert!(matches!(
        clinical.validated().unwrap_err(),
        AgreementError::CategoryBeyondTier {
            tier: "coordinate",
            category: "clinical"
        }
    ));

    let mut backwards = terms(vec![a, b]);
    backwards.ends_on = Some(date(2025, 1, 1));
    assert_eq!(
        backwards.validated().unwrap_err(),
        AgreementError::EndsBeforeStart
    );

    let mut late_review = terms(vec![a, b]);
    late_review.review_on = date(2029, 1, 1);
    assert_eq!(
        late_review.validated().unwrap_err(),
        AgreementError::ReviewOutsideTerm
    );

    let mut commissioning = terms(vec![a, b]);
    commissioning.purposes.insert(Purpose::Commissioning);
    assert_eq!(
        commissioning.validated().unwrap_err(),
        AgreementError::CommissioningGrantsRecords
    );

    let mut own = terms(vec![a, b]);
    own.purposes.insert(Purpose::OwnAccess);
    assert_eq!(
        own.validated().unwrap_err(),
        AgreementError::OwnAccessIsNotShared
    );

    for role in [Role::IgLead, Role::Admin, Role::Person, Role::Commissioner] {
        let mut governance = terms(vec![a, b]);
        governance.grants[0].role = role;
        assert_eq!(
            governance.validated().unwrap_err(),
            AgreementError::NotAPractitionerRole(role.as_str())
        );
    }

    let mut twice = terms(vec![a, b]);
    twice.grants.push(twice.grants[0].clone());
    assert_eq!(
        twice.validated().unwrap_err(),
        AgreementError::DuplicateRoleGrant("police-officer")
    );
}

#[test]
fn the_term_runs_from_the_start_date_up_to_the_end_date() {
    let (a, b) = (OrganisationId::new(), OrganisationId::new());
    let agreement = Agreement::draft(AgreementId::new(), terms(vec![a, b])).unwrap();
    assert!(!agreement.in_term(date(2025, 12, 31)));
    assert!(agreement.in_term(date(2026, 1, 1)));
    assert!(agreement.in_term(date(2027, 12, 31)));
    assert!(!agreement.in_term(date(2028, 1, 1)));
}

#[test]
fn the_exchange_tier_shares_no_crisis_plans_and_integrate_shares_everything() {
    assert!(!AgreementTier::Exchange.allows(DataCategory::CrisisPlan));
    assert!(AgreementTier::Exchange.allows(DataCategory::Referrals));
    assert!(AgreementTier::Coordinate.allows(DataCategory::CrisisPlan));
    assert!(!AgreementTier::Coordinate.allows(DataCategory::Clinical));
    for category in DataCategory::SHARED {
        assert!(AgreementTier::Integrate.allows(category));
    }
    for tier in AgreementTier::ALL {
        assert!(!tier.allows(DataCategory::Consent), "{tier:?}");
    }
}

#[test]
fn vocabularies_are_well_formed() {
    crate::vocabulary::testing::assert_well_formed(
        &AgreementTier::ALL,
        AgreementTier::as_str,
        AgreementTier::parse,
        AgreementTier::label,
    );
    crate::vocabulary::testing::assert_well_formed(
        &AgreementStatus::ALL,
        AgreementStatus::as_str,
        AgreementStatus::parse,
        AgreementStatus::label,
    );
}

proptest! {
    /// Whatever order the parties sign in, the agreement is active exactly
    /// when the last of them has signed.
    #[test]
    fn active_exactly_when_all_parties_signed(n in 2usize..6, order in proptest::collection::vec(any::<u8>(), 6)) {
        let parties: Vec<_> = (0..n).map(|_| OrganisationId::new()).collect();
        let mut agreement = Agreement::draft(AgreementId::new(), terms(parties.clone())).unwrap();
        let mut signing = parties.clone();
        signing.sort_by_key(|p| order[parties.iter().position(|q| q == p).unwrap()]);
        for (i, party) in signing.iter().enumerate() {
            agreement = agreement.sign(signature(*party)).unwrap();
            prop_assert_eq!(agreement.status() == AgreementStatus::Active, i + 1 == n);
        }
    }
}

#[test]
fn an_agreement_is_in_force_only_when_active_signed_and_in_its_term() {
    let (a, b) = (OrganisationId::new(), OrganisationId::new());
    let draft = Agreement::draft(AgreementId::new(), terms(vec![a, b])).unwrap();
    let today = date(2026, 6, 1);
    assert!(!draft.in_force(today), "a draft");
    let half = draft.sign(signature(a)).unwrap();
    assert!(!half.in_force(today), "awaiting a signature");
    let active = half.sign(signature(b)).unwrap();
    assert!(active.in_force(today));
    assert!(!active.in_force(date(2025, 12, 31)), "before its term");
    assert!(!active.in_force(date(2028, 1, 1)), "after its term");
    assert!(!active.suspend().unwrap().in_force(today), "suspended");
    assert!(!active.end().unwrap().in_force(today), "ended");
}
