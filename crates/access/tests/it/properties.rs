//! Properties that hold for any facts, checked on random ones: a refusal
//! without break-glass never yields access unless an advance choice lifts
//! it; an agreement that is ended, suspended, draft or unsigned never
//! yields access; without a current relationship there is no access (except
//! the person's own); the sharing choices are seen by the person and their
//! care team only; a source system never reads and writes nothing but
//! contacts. And advance choices only ever lift a refusal, never one made
//! to hold in a crisis, and only while a crisis is in progress. A carer
//! sees only an item the person lets them see, as part of its own
//! category, and writes only to their thread; for a carer nothing counts
//! but the person's choices, and for anyone else those choices count for
//! nothing. A remembered decision is never given for other choices.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use chrono::{DateTime, Duration, Utc};
use concordat_access::{
    policy_ids, AccessAction, AccessEngine, AccessRequest, AdvanceChoiceFacts, AgreementFacts,
    BreakGlassFacts, ConsentFacts, Crisis, Decision, Relationship,
};
use concordat_domain::advance_choice::CrisisKind;
use concordat_domain::agreement::{AgreementStatus, RoleGrant};
use concordat_domain::break_glass::OverrideBasis;
use concordat_domain::carer::CarerItem;
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{ConsentEffect, ConsentScope};
use concordat_domain::ids::{AdvanceChoicesId, AgreementId, ConsentId, OrganisationId};
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
        any::<bool>(),
    )
        .prop_map(|(effect, scope, expires_at, holds)| ConsentFacts {
            id: ConsentId::new(),
            effect,
            scope,
            expires_at,
            organisation_name: None,
            // Only a refusal is made to hold in a crisis.
            holds_in_crisis: holds && effect == ConsentEffect::Deny,
        })
}

/// The choices of one advance choices document, numbered as in it.
fn advance_choices() -> impl Strategy<Value = Vec<AdvanceChoiceFacts>> {
    let document = AdvanceChoicesId::new();
    prop::collection::vec((select(CrisisKind::ALL.to_vec()), scope()), 0..3).prop_map(
        move |choices| {
            choices
                .into_iter()
                .enumerate()
                .map(|(position, (during, scope))| AdvanceChoiceFacts {
                    document,
                    position,
                    during,
                    scope,
                    witnessed_on: day(2025, 11, 14),
                })
                .collect()
        },
    )
}

fn crises() -> impl Strategy<Value = Vec<Crisis>> {
    prop::collection::vec(
        (select(CrisisKind::ALL.to_vec()), any::<bool>())
            .prop_map(|(kind, ended)| Crisis { kind, ended }),
        0..3,
    )
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

/// What a carer asks for, and what the person lets them see: any item or
/// none, and any of the items.
fn carer_facts() -> impl Strategy<Value = (Option<CarerItem>, Vec<CarerItem>)> {
    (
        prop::option::of(select(CarerItem::ALL.to_vec())),
        prop::collection::btree_set(select(CarerItem::ALL.to_vec()), 0..4),
    )
        .prop_map(|(item, told)| (item, told.into_iter().collect()))
}

/// Any request, with any facts. Whoever asks, the request may carry a
/// carer's item and choices: they must count for nothing but a carer's.
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
        advance_choices(),
        crises(),
        carer_facts(),
    )
        .prop_map(
            |(
                (role, org, own, action, category, purpose),
                agreements,
                consents,
                relationships,
                glass,
                advance_choices,
                crises,
                (carer_item, carer_items),
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
                r.advance_choices = advance_choices;
                r.crises = crises;
                r.carer_item = carer_item;
                r.carer_items = carer_items;
                r
            },
        )
}

/// A carer's request, mostly brought within reach of being allowed — for
/// carer access, about the person they care for, asking for an item of the
/// category asked for that the person lets them see — each three times in
/// four, with any professional's facts beside.
fn carer_in_reach() -> impl Strategy<Value = AccessRequest> {
    (
        any_request(),
        [prop::bool::weighted(0.75); 4],
        select(CarerItem::ALL.to_vec()),
    )
        .prop_map(|(mut r, [purpose, own, told, writes_the_thread], item)| {
            r.user = actor(Role::Carer, r.user.organisation);
            if purpose {
                r.purpose = Purpose::CarerAccess;
            }
            if own {
                r.person = person();
            }
            if told {
                r.carer_item = Some(item);
                r.category = item.category();
                if !r.carer_items.contains(&item) {
                    r.carer_items.push(item);
                }
            }
            if r.action == AccessAction::Write && writes_the_thread {
                r.carer_item = Some(CarerItem::Messages);
                r.category = DataCategory::Messages;
            }
            r
        })
}

/// The engine with no remembered decisions: each request decided afresh.
fn unremembering() -> &'static AccessEngine {
    static ENGINE: OnceLock<AccessEngine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        AccessEngine::new()
            .expect("the built-in policies are valid")
            .without_memo()
    })
}

/// `r` without any of the facts a professional's access turns on.
fn without_professional_facts(r: &AccessRequest) -> AccessRequest {
    AccessRequest {
        agreements: Vec::new(),
        consents: Vec::new(),
        relationships: Vec::new(),
        break_glass: None,
        advance_choices: Vec::new(),
        crises: Vec::new(),
        ..r.clone()
    }
}

/// Whether `choice` covers `r` and the crisis it waits for is in progress:
/// whether it may lift a standing refusal of `r`.
fn lifts(choice: &AdvanceChoiceFacts, r: &AccessRequest) -> bool {
    let scope = &choice.scope;
    scope.organisation.is_none_or(|o| o == r.user.organisation)
        && scope.category.is_none_or(|c| c == r.category)
        && scope.purpose.is_none_or(|p| p == r.purpose)
        && r.crises.contains(&Crisis {
            kind: choice.during,
            ended: false,
        })
}

fn without_advance_choices(r: &AccessRequest) -> AccessRequest {
    AccessRequest {
        advance_choices: Vec::new(),
        ..r.clone()
    }
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

/// Any request, mostly brought within reach of being allowed — an agreement
/// in force that covers it, a current relationship — with a standing
/// refusal that covers it, and an advance choice that would lift that
/// refusal in a crisis now in progress, each three times in four. Without
/// these, a random request is almost never allowed, and the properties of
/// advance choices would never meet a refusal they lift (in 2,000 cases,
/// none did).
fn in_reach() -> impl Strategy<Value = AccessRequest> {
    (
        any_request(),
        [prop::bool::weighted(0.75); 4],
        any::<[bool; 3]>(),
        any::<[bool; 3]>(),
        select(CrisisKind::ALL.to_vec()),
        any::<prop::sample::Index>(),
    )
        .prop_map(
            |(mut r, [agree, relate, refuse, choose], refusal, choice, during, at)| {
                if agree {
                    r.agreements.insert(
                        at.index(r.agreements.len() + 1),
                        AgreementFacts {
                            id: AgreementId::new(),
                            title: "covering".into(),
                            status: AgreementStatus::Active,
                            signed_by_every_party: true,
                            parties: vec![r.user.organisation],
                            starts_on: r.now.date_naive() - Duration::days(30),
                            ends_on: None,
                            purposes: BTreeSet::from([r.purpose]),
                            grants: vec![RoleGrant {
                                role: r.user.role,
                                read: BTreeSet::from([r.category]),
                                write: BTreeSet::from([r.category]),
                            }],
                        },
                    );
                }
                if relate {
                    r.relationships.push(Relationship::care_team());
                }
                if refuse {
                    let standing = covering_refusal(&r, refusal, None);
                    r.consents.insert(at.index(r.consents.len() + 1), standing);
                }
                if choose {
                    let scope = ConsentScope {
                        organisation: choice[0].then_some(r.user.organisation),
                        category: choice[1].then_some(r.category),
                        purpose: choice[2].then_some(r.purpose),
                    };
                    let lifting = AdvanceChoiceFacts {
                        document: r
                            .advance_choices
                            .first()
                            .map_or_else(AdvanceChoicesId::new, |c| c.document),
                        position: r.advance_choices.len(),
                        during,
                        scope,
                        witnessed_on: day(2025, 11, 14),
                    };
                    r.advance_choices
                        .insert(at.index(r.advance_choices.len() + 1), lifting);
                    r.crises.push(Crisis {
                        kind: during,
                        ended: false,
                    });
                }
                r
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn without_break_glass_a_covering_refusal_yields_access_only_as_an_advance_choice_lets(
        mut r in in_reach(),
        fields in any::<[bool; 3]>(),
        expires_in in prop::option::of(1..10_000i64),
        holds_in_crisis in any::<bool>(),
        at in any::<prop::sample::Index>(),
    ) {
        prop_assume!(r.user.role.is_professional());
        // A refusal never hides the sharing choices from the care team.
        prop_assume!(r.category.is_shared());
        r.break_glass = None;
        let refusal = ConsentFacts {
            holds_in_crisis,
            ..covering_refusal(&r, fields, expires_in)
        };
        let position = at.index(r.consents.len() + 1);
        r.consents.insert(position, refusal);

        let decision = engine().decide(&r);

        if decision.is_allowed() {
            prop_assert!(!holds_in_crisis);
            prop_assert!(r.advance_choices.iter().any(|c| lifts(c, &r)));
            prop_assert!(decision.determined_by(policy_ids::ADVANCE_CHOICE));
        } else {
            prop_assert!(decision.determined_by(policy_ids::CONSENT_REFUSED));
        }
    }

    #[test]
    fn a_refusal_made_to_hold_in_a_crisis_is_never_lifted(
        mut r in in_reach(),
        fields in any::<[bool; 3]>(),
        expires_in in prop::option::of(1..10_000i64),
        at in any::<prop::sample::Index>(),
        lifting in (select(CrisisKind::ALL.to_vec()), any::<prop::sample::Index>()),
    ) {
        prop_assume!(r.user.role.is_professional());
        prop_assume!(r.category.is_shared());
        r.break_glass = None;
        let refusal = ConsentFacts {
            holds_in_crisis: true,
            ..covering_refusal(&r, fields, expires_in)
        };
        let position = at.index(r.consents.len() + 1);
        r.consents.insert(position, refusal);
        // Among the person's choices, one that would lift a standing
        // refusal now.
        let (during, place) = lifting;
        let position = place.index(r.advance_choices.len() + 1);
        r.advance_choices.insert(position, AdvanceChoiceFacts {
            document: AdvanceChoicesId::new(),
            position: 0,
            during,
            scope: ConsentScope::default(),
            witnessed_on: day(2025, 11, 14),
        });
        r.crises.push(Crisis { kind: during, ended: false });

        let decision = engine().decide(&r);

        prop_assert!(!decision.is_allowed(), "{}", decision.explanation());
        prop_assert!(decision.determined_by(policy_ids::CONSENT_REFUSED));
        prop_assert!(!decision.determined_by(policy_ids::ADVANCE_CHOICE));
    }

    #[test]
    fn advance_choices_never_allow_a_denial_not_named_by_a_refusal(r in in_reach()) {
        let without = engine().decide(&without_advance_choices(&r));

        let decision = engine().decide(&r);

        if !without.is_allowed() && !without.determined_by(policy_ids::CONSENT_REFUSED) {
            // Not only still denied: nothing of the decision changes.
            prop_assert_eq!(decision, without);
        }
    }

    #[test]
    fn advance_choices_only_ever_lift_a_refusal(r in in_reach()) {
        let without = engine().decide(&without_advance_choices(&r));

        let decision = engine().decide(&r);

        if without.is_allowed() {
            prop_assert_eq!(decision, without);
        } else if !decision.is_allowed() {
            // Still denied; a refusal lifted may have left the reasons, and
            // nothing else has.
            let kept = |d: &Decision| -> Vec<String> {
                d.reasons()
                    .iter()
                    .filter(|r| r.policy != policy_ids::CONSENT_REFUSED)
                    .map(|r| r.text.clone())
                    .collect()
            };
            prop_assert_eq!(kept(&decision), kept(&without));
            for reason in decision.reasons() {
                prop_assert!(without.reasons().contains(reason), "{reason:?}");
            }
        } else {
            prop_assert!(without.determined_by(policy_ids::CONSENT_REFUSED));
            prop_assert!(decision.determined_by(policy_ids::ADVANCE_CHOICE));
            prop_assert!(!decision.via_break_glass());
            prop_assert!(r.user.role.is_professional() && r.category.is_shared());
            prop_assert!(r.advance_choices.iter().any(|c| lifts(c, &r)));
        }
    }

    #[test]
    fn outside_a_crisis_advance_choices_change_nothing(
        r in in_reach(),
        clear in any::<bool>(),
    ) {
        let mut over = r.clone();
        if clear {
            over.crises.clear();
        } else {
            for crisis in &mut over.crises {
                crisis.ended = true;
            }
        }

        // The crises alone, without the choices, change nothing either.
        prop_assert_eq!(
            engine().decide(&over),
            engine().decide(&without_advance_choices(&r))
        );
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

        // The person's own access, their carers', and the care team's
        // keeping of the sharing choices, are under no agreement.
        let unshared = !r.user.role.is_professional() || !r.category.is_shared();
        prop_assert!(!decision.is_allowed() || unshared);
        prop_assert_eq!(decision.agreement(), None);
    }

    #[test]
    fn without_a_current_relationship_only_the_person_and_their_carers_have_access(
        mut r in any_request(),
    ) {
        r.relationships = r.relationships.into_iter().map(Relationship::ended).collect();

        let decision = engine().decide(&r);

        if decision.is_allowed() {
            let (own, cares) = match r.user.role {
                Role::Person => (r.user.person, Purpose::OwnAccess),
                Role::Carer => (r.user.carer_of, Purpose::CarerAccess),
                other => return Err(TestCaseError::fail(format!("{other} allowed"))),
            };
            prop_assert_eq!(own, Some(r.person));
            prop_assert_eq!(r.purpose, cares);
        }
    }

    #[test]
    fn access_by_a_professional_is_always_under_an_agreement_in_force(r in any_request()) {
        let decision = engine().decide(&r);

        if decision.is_allowed() && r.user.role.is_professional() && r.category.is_shared() {
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
        reversed.advance_choices.reverse();
        reversed.crises.reverse();

        let (a, b) = (engine().decide(&r), engine().decide(&reversed));

        prop_assert_eq!(a.is_allowed(), b.is_allowed());
        prop_assert_eq!(a.via_break_glass(), b.via_break_glass());
        let rules = |d: &Decision| -> BTreeSet<String> {
            d.reasons().iter().map(|r| r.policy.clone()).collect()
        };
        if !a.is_allowed() {
            prop_assert_eq!(rules(&a), rules(&b));
        }
    }

    #[test]
    fn a_carer_sees_only_an_item_the_person_lets_them_and_writes_only_to_their_thread(
        r in carer_in_reach(),
    ) {
        let decision = engine().decide(&r);

        if decision.is_allowed() {
            let item = r.carer_item.expect("an item asked for");
            prop_assert_eq!(r.purpose, Purpose::CarerAccess);
            prop_assert_eq!(r.user.carer_of, Some(r.person));
            prop_assert!(r.carer_items.contains(&item));
            prop_assert_eq!(item.category(), r.category);
            prop_assert!(r.action == AccessAction::Read || item == CarerItem::Messages);
            prop_assert_eq!(policies(&decision), [policy_ids::CARER_TOLD]);
            prop_assert_eq!(decision.agreement(), None);
            prop_assert!(!decision.via_break_glass());
        } else if r.user.carer_of == Some(r.person) {
            prop_assert!(
                decision.determined_by(policy_ids::CARERS_SEE_ONLY_WHAT_THEY_ARE_TOLD),
                "{}",
                decision.explanation()
            );
        } else {
            prop_assert!(decision.determined_by(policy_ids::CARER_OF_THIS_PERSON_ONLY));
        }
    }

    #[test]
    fn for_a_carer_nothing_counts_but_the_persons_choices(r in carer_in_reach()) {
        prop_assert_eq!(
            engine().decide(&r),
            engine().decide(&without_professional_facts(&r))
        );
    }

    #[test]
    fn a_carers_item_and_choices_count_for_nothing_for_anyone_else(r in in_reach()) {
        prop_assume!(r.user.role != Role::Carer);
        let without = AccessRequest {
            carer_item: None,
            carer_items: Vec::new(),
            ..r.clone()
        };

        prop_assert_eq!(engine().decide(&r), engine().decide(&without));
    }

    #[test]
    fn a_remembered_decision_is_never_given_for_other_carer_facts(
        r in carer_in_reach(),
        (carer_item, carer_items) in carer_facts(),
    ) {
        let other = AccessRequest {
            carer_item,
            carer_items,
            ..r.clone()
        };
        engine().decide(&r);

        prop_assert_eq!(engine().decide(&other), unremembering().decide(&other));
    }
}
