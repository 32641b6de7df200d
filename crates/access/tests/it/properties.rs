//! Properties that hold for any facts, checked on random ones: a refusal
//! without break-glass never yields access; an agreement that is ended,
//! suspended, draft or unsigned never yields access; without a current
//! relationship there is no access (except the person's own); the sharing
//! choices are seen by the person and their care team only; a source system
//! never reads and writes nothing but contacts.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use concordat_access::{
    AccessAction, AccessRequest, AgreementFacts, BreakGlassFacts, ConsentFacts, Relationship,
};
use concordat_domain::agreement::{AgreementStatus, RoleGrant};
use concordat_domain::break_glass::OverrideBasis;
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{ConsentEffect, ConsentScope};
use concordat_domain::ids::{AgreementId, ConsentId, OrganisationId};
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use proptest::prelude::*;
use proptest::sample::select;

use crate::support::*;

fn organisation() -> impl Strategy<Value = OrganisationId> {
    select(vec![police(), trust(), gp_practice()])
}

/// A moment within a few days of "now", to the minute.
fn around_now() -> impl Strategy<Value = DateTime<Utc>> {
    (-5 * 24 * 60..5 * 24 * 60i64).prop_map(|m| now() + Duration::minutes(m))
}

fn grant() -> impl Strategy<Value = RoleGrant> {
    (
        select(Role::ALL.to_vec()),
        prop::collection::btree_set(select(DataCategory::ALL.to_vec()), 0..5),
        prop::collection::btree_set(select(DataCategory::ALL.to_vec()), 0..3),
    )
        .prop_map(|(role, read, write)| RoleGrant { role, read, write })
}

fn agreement() -> impl Strategy<Value = AgreementFacts> {
    (
        select(AgreementStatus::ALL.to_vec()),
        any::<bool>(),
        prop::collection::vec(organisation(), 0..3),
        -400..30i64,
        prop::option::of(-30..400i64),
        prop::collection::btree_set(select(Purpose::ALL.to_vec()), 0..5),
        prop::collection::vec(grant(), 0..5),
    )
        .prop_map(|(status, signed, parties, start, end, purposes, grants)| {
            let today = now().date_naive();
            AgreementFacts {
                id: AgreementId::new(),
                title: "random".into(),
                status,
                signed_by_every_party: signed,
                parties,
                starts_on: today + Duration::days(start),
                ends_on: end.map(|e| today + Duration::days(e)),
                purposes,
                grants,
            }
        })
}

fn scope() -> impl Strategy<Value = ConsentScope> {
    (
        prop::option::of(organisation()),
        prop::option::of(select(DataCategory::ALL.to_vec())),
        prop::option::of(select(Purpose::ALL.to_vec())),
    )
        .prop_map(|(organisation, category, purpose)| ConsentScope {
            organisation,
            category,
            purpose,
        })
}

fn directive() -> impl Strategy<Value = ConsentFacts> {
    (
        select(vec![ConsentEffect::Permit, ConsentEffect::Deny]),
        scope(),
        prop::option::of(around_now()),
    )
        .prop_map(|(effect, scope, expires_at)| ConsentFacts {
            id: ConsentId::new(),
            effect,
            scope,
            expires_at,
            organisation_name: None,
            holds_in_crisis: false,
        })
}

fn relationship() -> impl Strategy<Value = Relationship> {
    (0..5u8, any::<bool>()).prop_map(|(kind, ended)| {
        let r = match kind {
            0 => Relationship::care_team(),
            1 => Relationship::referral(),
            2 => Relationship::contact(),
            3 => Relationship::source_report(),
            _ => crisis_look_up(),
        };
        if ended {
            r.ended()
        } else {
            r
        }
    })
}

/// Any request, with any facts.
fn any_request() -> impl Strategy<Value = AccessRequest> {
    (
        (
            select(Role::ALL.to_vec()),
            organisation(),
            any::<bool>(),
            select(AccessAction::ALL.to_vec()),
            select(DataCategory::ALL.to_vec()),
            select(Purpose::ALL.to_vec()),
        ),
        prop::collection::vec(agreement(), 0..3),
        prop::collection::vec(directive(), 0..4),
        prop::collection::vec(relationship(), 0..3),
        prop::option::of((around_now(), 1..120i64, select(OverrideBasis::ALL.to_vec()))),
    )
        .prop_map(
            |(
                (role, org, own, action, category, purpose),
                agreements,
                consents,
                relationships,
                glass,
            )| {
                let mut r = request(actor(role, org), action, category, purpose);
                if !own {
                    r.person = someone_else();
                }
                r.agreements = agreements;
                r.consents = consents;
                r.relationships = relationships;
                r.break_glass = glass.map(|(granted_at, minutes, basis)| BreakGlassFacts {
                    user: r.user.id,
                    person: r.person,
                    basis,
                    granted_at,
                    expires_at: granted_at + Duration::minutes(minutes),
                });
                r
            },
        )
}

/// A refusal that covers `r`: each scope field left open or matching, and
/// not expired.
fn covering_refusal(r: &AccessRequest, fields: [bool; 3], expires_in: Option<i64>) -> ConsentFacts {
    ConsentFacts {
        id: ConsentId::new(),
        effect: ConsentEffect::Deny,
        scope: ConsentScope {
            organisation: fields[0].then_some(r.user.organisation),
            category: fields[1].then_some(r.category),
            purpose: fields[2].then_some(r.purpose),
        },
        expires_at: expires_in.map(|m| r.now + Duration::minutes(m)),
        organisation_name: None,
        holds_in_crisis: false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn without_break_glass_a_covering_refusal_never_yields_access(
        mut r in any_request(),
        fields in any::<[bool; 3]>(),
        expires_in in prop::option::of(1..10_000i64),
        at in any::<prop::sample::Index>(),
    ) {
        prop_assume!(r.user.role != Role::Person);
        // A refusal never hides the sharing choices from the care team.
        prop_assume!(r.category.is_shared());
        r.break_glass = None;
        let refusal = covering_refusal(&r, fields, expires_in);
        let position = at.index(r.consents.len() + 1);
        r.consents.insert(position, refusal);

        let decision = engine().decide(&r);

        prop_assert!(!decision.is_allowed(), "{}", decision.explanation());
        prop_assert!(decision.determined_by("consent-refused"));
    }

    #[test]
    fn an_ended_suspended_draft_or_unsigned_agreement_never_yields_access(
        mut r in any_request(),
        lapse in prop::collection::vec(0..4u8, 3),
    ) {
        for (agreement, how) in r.agreements.iter_mut().zip(lapse) {
            match how {
                0 => agreement.status = AgreementStatus::Ended,
                1 => agreement.status = AgreementStatus::Suspended,
                2 => agreement.status = AgreementStatus::Draft,
                _ => agreement.signed_by_every_party = false,
            }
        }

        let decision = engine().decide(&r);

        // The person's own access, and the care team's keeping of the
        // sharing choices, are under no agreement.
        let unshared = r.user.role == Role::Person || !r.category.is_shared();
        prop_assert!(!decision.is_allowed() || unshared);
        prop_assert_eq!(decision.agreement(), None);
    }

    #[test]
    fn without_a_current_relationship_there_is_no_access_except_ones_own(mut r in any_request()) {
        r.relationships = r.relationships.into_iter().map(Relationship::ended).collect();

        let decision = engine().decide(&r);

        if decision.is_allowed() {
            prop_assert_eq!(r.user.role, Role::Person);
            prop_assert_eq!(r.user.person, Some(r.person));
            prop_assert_eq!(r.purpose, Purpose::OwnAccess);
        }
    }

    #[test]
    fn access_by_a_professional_is_always_under_an_agreement_in_force(r in any_request()) {
        let decision = engine().decide(&r);

        if decision.is_allowed() && r.user.role != Role::Person && r.category.is_shared() {
            let id = decision.agreement().expect("allowed under an agreement");
            let agreement = r.agreements.iter().find(|a| a.id == id).unwrap();
            let today = r.now.date_naive();
            prop_assert_eq!(agreement.status, AgreementStatus::Active);
            prop_assert!(agreement.signed_by_every_party);
            prop_assert!(agreement.parties.contains(&r.user.organisation));
            prop_assert!(agreement.starts_on <= today && agreement.ends_on.is_none_or(|e| today < e));
            prop_assert!(agreement.purposes.contains(&r.purpose));
        }
    }

    #[test]
    fn the_sharing_choices_are_seen_by_the_person_and_their_care_team_only(
        mut r in any_request(),
    ) {
        r.category = DataCategory::Consent;

        let decision = engine().decide(&r);

        if decision.is_allowed() {
            let own = r.user.role == Role::Person && r.user.person == Some(r.person);
            prop_assert!(own || r.relationships.contains(&Relationship::care_team()));
            prop_assert!(r.purpose != Purpose::Commissioning);
        }
    }

    #[test]
    fn a_source_system_never_reads_and_writes_only_contacts(mut r in any_request()) {
        r.user.role = Role::SourceSystem;
        r.user.person = None;

        let decision = engine().decide(&r);

        if decision.is_allowed() {
            prop_assert_eq!(r.action, AccessAction::Write);
            prop_assert_eq!(r.category, DataCategory::Contacts);
        }
    }

    #[test]
    fn the_order_of_the_facts_does_not_change_the_outcome(r in any_request()) {
        let mut reversed = r.clone();
        reversed.agreements.reverse();
        reversed.consents.reverse();
        reversed.relationships.reverse();

        let (a, b) = (engine().decide(&r), engine().decide(&reversed));

        prop_assert_eq!(a.is_allowed(), b.is_allowed());
        prop_assert_eq!(a.via_break_glass(), b.via_break_glass());
        let rules = |d: &concordat_access::Decision| -> BTreeSet<String> {
            d.reasons().iter().map(|r| r.policy.clone()).collect()
        };
        if !a.is_allowed() {
            prop_assert_eq!(rules(&a), rules(&b));
        }
    }
}
