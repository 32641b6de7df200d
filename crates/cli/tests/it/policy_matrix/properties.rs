//! Property tests at the fact level, through the engine: the rules
//! stated plainly over facts, and properties of any random world.

use chrono::Duration;
use concordat_access::{
    policy_ids, AccessAction, AdvanceChoiceFacts, BreakGlassFacts, ConsentFacts, Crisis,
    Relationship, RelationshipKind,
};
use concordat_domain::advance_choice::CrisisKind;
use concordat_domain::agreement::AgreementStatus;
use concordat_domain::carer::{CarerItem, ShareBasis};
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{ConsentEffect, ConsentScope};
use concordat_domain::ids::{AdvanceChoicesId, ConsentId};
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use proptest::prelude::*;

use super::oracle::answers_crises;
use super::random_worlds::{
    a_professional_role, an_agreement_that_does_not_count, another_person, any_carer_item,
    any_crisis_kind, any_role, any_world, in_progress, organisation, relationship_of_kind,
    someone_else, today, RandomWorld,
};
use super::world::now;

/// A person reads their own record, and writes their own crisis plan,
/// sharing choices and description, for their own access; nothing else.
fn persons_own(w: &RandomWorld) -> bool {
    w.own_record
        && w.purpose == Purpose::OwnAccess
        && (w.action == AccessAction::Read
            || (w.action == AccessAction::Write
                && matches!(
                    w.category,
                    DataCategory::CrisisPlan | DataCategory::Consent | DataCategory::Demographics
                )))
}

/// A carer reads an item the person lets them see, as part of the category
/// it belongs to, about the person they care for, for carer access; and
/// writes only to their thread with the care team.
fn carers_own(w: &RandomWorld) -> bool {
    w.own_record
        && w.purpose == Purpose::CarerAccess
        && w.carer_item.is_some_and(|item| {
            w.facts.carer_items.iter().any(|(i, _)| *i == item)
                && item.category() == w.category
                && (w.action == AccessAction::Read || item == CarerItem::Messages)
        })
}

/// The rules, stated over facts as plainly as over the matrix's world.
fn allowed_by_the_rules(w: &RandomWorld) -> bool {
    if w.role == Role::Person {
        return persons_own(w);
    }
    if w.role == Role::Carer {
        return carers_own(w);
    }
    if matches!(
        w.purpose,
        Purpose::OwnAccess | Purpose::Commissioning | Purpose::CarerAccess
    ) {
        return false;
    }
    let org = organisation(w.organisation);
    let related = w.facts.relationships.iter().any(|r| {
        !r.ended
            && match r.kind {
                RelationshipKind::CareTeam
                | RelationshipKind::Referral
                | RelationshipKind::Contact
                | RelationshipKind::CaseMember => true,
                RelationshipKind::MatchReview => w.category == DataCategory::Demographics,
                RelationshipKind::CrisisLookUp { .. } => answers_crises(w.role),
                RelationshipKind::SourceReport => w.role == Role::SourceSystem,
            }
    });
    if w.role == Role::SourceSystem
        && !(w.action == AccessAction::Write && w.category == DataCategory::Contacts)
    {
        return false;
    }
    // The sharing choices: the care team's, under no agreement, and no
    // refusal hides them from it.
    if w.category == DataCategory::Consent {
        return w
            .facts
            .relationships
            .iter()
            .any(|r| !r.ended && r.kind == RelationshipKind::CareTeam);
    }
    let covered = w.facts.agreements.iter().any(|a| {
        a.status == AgreementStatus::Active
            && a.signed_by_every_party
            && a.parties.contains(&org)
            && a.starts_on <= today()
            && a.ends_on.is_none_or(|end| today() < end)
            && a.purposes.contains(&w.purpose)
            && a.grants.iter().any(|g| {
                g.role == w.role
                    && match w.action {
                        AccessAction::Read => g.read.contains(&w.category),
                        AccessAction::Write => g.write.contains(&w.category),
                    }
            })
    });
    // A refusal stands unless the person's advance choices lift it: a
    // refusal made to hold even in a crisis never is.
    let refused = w
        .facts
        .consents
        .iter()
        .any(|c| refuses(w, c) && !lifted(w, c));
    related && covered && (!refused || w.break_glass_live())
}

/// Whether a scope (a refusal's or an advance choice's) covers the request:
/// each of its organisation, category and purpose left open or matching.
fn scope_covers(w: &RandomWorld, scope: &ConsentScope) -> bool {
    scope
        .organisation
        .is_none_or(|o| o == organisation(w.organisation))
        && scope.category.is_none_or(|x| x == w.category)
        && scope.purpose.is_none_or(|p| p == w.purpose)
}

/// Whether `c` is a refusal, not expired, that covers the request.
fn refuses(w: &RandomWorld, c: &ConsentFacts) -> bool {
    c.effect == ConsentEffect::Deny
        && scope_covers(w, &c.scope)
        && c.expires_at.is_none_or(|e| now() < e)
}

/// Whether an advance choice lets the request be seen now: it covers the
/// request, and the crisis it waits for is in progress.
fn lets(w: &RandomWorld, choice: &AdvanceChoiceFacts) -> bool {
    scope_covers(w, &choice.scope) && in_progress(&w.facts.crises, choice.during)
}

/// Whether the refusal `c` is lifted by the person's advance choices: it is
/// a standing one (not made to hold even in a crisis), and a choice lets
/// the request be seen now.
fn lifted(w: &RandomWorld, c: &ConsentFacts) -> bool {
    !c.holds_in_crisis && w.facts.advance_choices.iter().any(|a| lets(w, a))
}

/// The engine allows exactly what the rules allow; marks an access as
/// break-glass exactly when a live override was in play; and names an
/// advance choice exactly when one lifted a refusal covering the request —
/// allowed with such a refusal and no live override (a live override lifts
/// it first, so no advance choice is needed).
fn agrees_with_the_rules(w: &RandomWorld) -> Result<(), TestCaseError> {
    let decision = w.decide();
    let allowed = allowed_by_the_rules(w);
    prop_assert_eq!(decision.is_allowed(), allowed, "{:?}\n{:?}", w, decision);
    let professional = w.role.is_professional();
    prop_assert_eq!(
        decision.via_break_glass(),
        allowed && professional && w.break_glass_live(),
        "{:?}\n{:?}",
        w,
        decision
    );
    let refused_without_the_choices =
        w.category != DataCategory::Consent && w.facts.consents.iter().any(|c| refuses(w, c));
    prop_assert_eq!(
        decision.determined_by(policy_ids::ADVANCE_CHOICE),
        allowed && professional && !w.break_glass_live() && refused_without_the_choices,
        "{:?}\n{:?}",
        w,
        decision
    );
    Ok(())
}

/// `w` with a covering agreement and a care-team relationship, and the
/// consents and advance choices `aim` picks (the first four, the next
/// four) aimed at the request: each field they name becomes the request's.
fn where_refusals_decide(mut w: RandomWorld, aim: &[bool]) -> RandomWorld {
    w.facts.agreements.push(w.covering_agreement());
    w.facts.relationships.push(Relationship::care_team());
    let (org, category, purpose) = (organisation(w.organisation), w.category, w.purpose);
    let aimed = |scope: &mut ConsentScope| {
        scope.organisation = scope.organisation.map(|_| org);
        scope.category = scope.category.map(|_| category);
        scope.purpose = scope.purpose.map(|_| purpose);
    };
    for (c, aim) in w.facts.consents.iter_mut().zip(&aim[..4]) {
        if *aim {
            aimed(&mut c.scope);
        }
    }
    for (a, aim) in w.facts.advance_choices.iter_mut().zip(&aim[4..]) {
        if *aim {
            aimed(&mut a.scope);
        }
    }
    w
}

/// Ways for there to be no live override for this user and person.
fn no_live_override(w: &RandomWorld, how: usize) -> Option<BreakGlassFacts> {
    let live = w.live_override();
    match how {
        0 => None,
        1 => Some(BreakGlassFacts {
            granted_at: now() - Duration::minutes(45),
            expires_at: now() - Duration::minutes(15),
            ..live
        }),
        // Ends exactly now: an override is live only before it expires.
        2 => Some(BreakGlassFacts {
            granted_at: now() - Duration::minutes(30),
            expires_at: now(),
            ..live
        }),
        3 => Some(BreakGlassFacts {
            granted_at: now() + Duration::minutes(1),
            expires_at: now() + Duration::minutes(31),
            ..live
        }),
        4 => Some(BreakGlassFacts {
            user: someone_else(),
            ..live
        }),
        _ => Some(BreakGlassFacts {
            person: another_person(),
            ..live
        }),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Without a live break-glass, a refusal that covers the request, has
    /// not expired and is not lifted by an advance choice (it was made to
    /// hold even in a crisis, or no choice lets the request be seen now)
    /// always denies — even when everything else would allow it (a
    /// covering agreement, a care-team relationship, a permit, advance
    /// choices that do not cover the request or wait for a crisis not in
    /// progress) — and the refusal is among the rules named.
    #[test]
    fn a_matching_unexpired_refusal_without_live_break_glass_never_yields_access(
        world in any_world(a_professional_role()),
        (by_organisation, by_category, by_purpose) in (prop::bool::ANY, prop::bool::ANY, prop::bool::ANY),
        expires_in in prop::option::of(1i64..100_000),
        position in 0usize..5,
        override_kind in 0usize..6,
        holds_in_crisis in prop::bool::ANY,
    ) {
        // A refusal never hides the sharing choices from the care team.
        prop_assume!(world.category.is_shared());
        let mut w = world;
        w.facts.agreements.push(w.covering_agreement());
        w.facts.relationships.push(Relationship::care_team());
        let refusal = ConsentFacts {
            id: ConsentId::from_uuid(uuid::Uuid::from_u128(0xde_0001)),
            effect: ConsentEffect::Deny,
            scope: ConsentScope {
                organisation: by_organisation.then(|| organisation(w.organisation)),
                category: by_category.then_some(w.category),
                purpose: by_purpose.then_some(w.purpose),
            },
            expires_at: expires_in.map(|m| now() + Duration::minutes(m)),
            organisation_name: by_organisation.then(|| "the user's organisation".into()),
            holds_in_crisis,
        };
        // Not lifted: made to hold even in a crisis, or no advance choice
        // lets the request be seen now (those that would are taken away).
        if !holds_in_crisis {
            let world = w.clone();
            w.facts.advance_choices.retain(|a| !lets(&world, a));
        }
        let at = position.min(w.facts.consents.len());
        w.facts.consents.insert(at, refusal);
        w.facts.break_glass = no_live_override(&w, override_kind);

        let decision = w.decide();
        prop_assert!(!decision.is_allowed(), "{w:?}\n{decision:?}");
        prop_assert!(decision.determined_by(policy_ids::CONSENT_REFUSED), "{w:?}\n{decision:?}");
    }

    /// An agreement that is draft, suspended, ended, not signed by every
    /// party, past its end, not yet started or not the user's
    /// organisation's never yields access — not with a care-team
    /// relationship, a permit and a live break-glass override.
    #[test]
    fn an_agreement_not_in_force_for_the_user_never_yields_access(
        world in any_world(a_professional_role()),
        defective in (0usize..3).prop_flat_map(|org| (Just(org), prop::collection::vec(an_agreement_that_does_not_count(org), 0..4))),
    ) {
        // The care team keeps the sharing choices under no agreement.
        prop_assume!(world.category.is_shared());
        let (org, agreements) = defective;
        let mut w = world;
        w.organisation = org;
        w.facts.agreements = agreements;
        w.facts.relationships.push(Relationship::care_team());
        w.facts.break_glass = Some(w.live_override());

        let decision = w.decide();
        prop_assert!(!decision.is_allowed(), "{w:?}\n{decision:?}");
        prop_assert!(decision.determined_by(policy_ids::AGREEMENT_REQUIRED), "{w:?}\n{decision:?}");
    }

    /// With no current relationship — none, only ended ones, a crisis
    /// look-up by a role that does not answer crises, or a source
    /// system's report held by anyone but a source system — no professional
    /// gets access, even under a covering agreement with a live
    /// break-glass override. The person reading their own record for
    /// their own access, and their carer what the person lets them see, are
    /// the exceptions, and only for that person.
    #[test]
    fn no_relationship_never_yields_access_but_the_persons_own_and_their_carers(
        world in any_world(any_role()),
        ended in prop::collection::vec(0usize..7, 0..4),
        look_up in prop::bool::ANY,
        report in prop::bool::ANY,
    ) {
        let mut w = world;
        w.facts.agreements.push(w.covering_agreement());
        w.facts.break_glass = Some(w.live_override());
        w.facts.relationships = ended.into_iter().map(|k| relationship_of_kind(k, true)).collect();
        if look_up && !answers_crises(w.role) {
            w.facts.relationships.push(relationship_of_kind(4, false));
        }
        // A source system's report is its own relationship, nobody else's.
        if report && w.role != Role::SourceSystem {
            w.facts.relationships.push(relationship_of_kind(3, false));
        }

        let decision = w.decide();
        if w.role == Role::Person {
            prop_assert_eq!(decision.is_allowed(), persons_own(&w), "{:?}\n{:?}", w, decision);
        } else if w.role == Role::Carer {
            prop_assert_eq!(decision.is_allowed(), carers_own(&w), "{:?}\n{:?}", w, decision);
        } else {
            prop_assert!(!decision.is_allowed(), "{w:?}\n{decision:?}");
            prop_assert!(decision.determined_by(policy_ids::RELATIONSHIP_REQUIRED), "{w:?}\n{decision:?}");
        }
    }

    /// On any random world, the engine allows exactly what the rules
    /// allow, marks an access as break-glass exactly when a live override
    /// was in play, and names an advance choice exactly when one lifted a
    /// refusal (see [`agrees_with_the_rules`]).
    #[test]
    fn the_engine_agrees_with_the_rules_on_random_worlds(world in any_world(any_role())) {
        agrees_with_the_rules(&world)?;
    }

    /// The same on random worlds of a carer where the person's choices
    /// decide: asking, three times in four, for carer access, about the
    /// person they care for, for an item of the category asked for that
    /// the person lets them see — beside any professional's facts, which
    /// count for nothing for a carer.
    #[test]
    fn the_engine_agrees_with_the_rules_where_a_carers_choices_decide(
        world in any_world(Just(Role::Carer)),
        aim in prop::collection::vec(prop::bool::weighted(0.75), 3),
        item in any_carer_item(),
    ) {
        let mut w = world;
        if aim[0] {
            w.purpose = Purpose::CarerAccess;
        }
        w.own_record |= aim[1];
        if aim[2] {
            w.carer_item = Some(item);
            w.category = item.category();
            if !w.facts.carer_items.iter().any(|(i, _)| *i == item) {
                w.facts.carer_items.push((item, ShareBasis::BestInterests));
            }
        }
        agrees_with_the_rules(&w)?;
        let decision = w.decide();
        let named = decision.reasons().iter().map(|r| r.policy.as_str()).collect::<Vec<_>>();
        if decision.is_allowed() {
            prop_assert_eq!(named, [policy_ids::CARER_TOLD]);
            prop_assert_eq!(decision.agreement(), None);
        } else {
            prop_assert!(
                named.contains(&policy_ids::CARERS_SEE_ONLY_WHAT_THEY_ARE_TOLD)
                    || named.contains(&policy_ids::CARER_OF_THIS_PERSON_ONLY),
                "{:?}", named
            );
        }
    }

    /// A standing refusal that covers the request is lifted exactly while
    /// the crisis an advance choice covering the request waits for is in
    /// progress — by that choice, named — and a refusal made to hold even
    /// in a crisis never is, when everything else would allow the request.
    #[test]
    fn an_advance_choice_lifts_a_standing_refusal_only_while_its_crisis_is_in_progress(
        world in any_world(a_professional_role()),
        holds_in_crisis in prop::bool::ANY,
        during in any_crisis_kind(),
        crisis in prop::option::of(prop::bool::ANY),
        (by_organisation, by_category, by_purpose) in (prop::bool::ANY, prop::bool::ANY, prop::bool::ANY),
    ) {
        prop_assume!(world.category.is_shared());
        let mut w = world;
        w.facts.agreements = vec![w.covering_agreement()];
        w.facts.relationships = vec![Relationship::care_team()];
        w.facts.break_glass = None;
        w.facts.consents = vec![ConsentFacts {
            id: ConsentId::from_uuid(uuid::Uuid::from_u128(0xde_0002)),
            effect: ConsentEffect::Deny,
            scope: ConsentScope::default(),
            expires_at: None,
            organisation_name: None,
            holds_in_crisis,
        }];
        // Everything else allows the request.
        let mut unrefused = w.clone();
        unrefused.facts.consents.clear();
        prop_assume!(unrefused.decide().is_allowed());
        w.facts.advance_choices = vec![AdvanceChoiceFacts {
            document: AdvanceChoicesId::from_uuid(uuid::Uuid::from_u128(0xad_0001)),
            position: 0,
            during,
            scope: ConsentScope {
                organisation: by_organisation.then(|| organisation(w.organisation)),
                category: by_category.then_some(w.category),
                purpose: by_purpose.then_some(w.purpose),
            },
            witnessed_on: today(),
        }];
        // The crisis it waits for: none, ended, or in progress; the others
        // in progress, which do not count for it.
        w.facts.crises = CrisisKind::ALL
            .into_iter()
            .filter(|k| *k != during)
            .map(|kind| Crisis { kind, ended: false })
            .chain(crisis.map(|ended| Crisis { kind: during, ended }))
            .collect();
        w.facts.crises.sort();

        let decision = w.decide();
        let lifts = !holds_in_crisis && crisis == Some(false);
        prop_assert_eq!(decision.is_allowed(), lifts, "{:?}\n{:?}", w, decision);
        prop_assert_eq!(decision.determined_by(policy_ids::ADVANCE_CHOICE), lifts, "{:?}\n{:?}", w, decision);
        prop_assert_eq!(decision.determined_by(policy_ids::CONSENT_REFUSED), !lifts, "{:?}\n{:?}", w, decision);
    }

    /// Advance choices grant nothing by themselves: with no refusal among
    /// the consents, any advance choices and crises leave the decision as
    /// it is without them.
    #[test]
    fn advance_choices_grant_nothing_by_themselves(world in any_world(any_role())) {
        let mut w = world;
        w.facts.consents.retain(|c| c.effect != ConsentEffect::Deny);
        let with = w.decide();
        let mut without = w.clone();
        without.facts.advance_choices.clear();
        without.facts.crises.clear();
        let without = without.decide();
        prop_assert_eq!(with.is_allowed(), without.is_allowed(), "{:?}\n{:?}\n{:?}", w, with, without);
        prop_assert_eq!(with.reasons(), without.reasons(), "{:?}", w);
    }
}

proptest! {
    // More cases: the worlds where an advance choice lifts a refusal are
    // a few in a hundred even here.
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// The same on random worlds where the refusals and the advance
    /// choices decide: a covering agreement and a care-team relationship,
    /// and most consents and advance choices aimed at the request (each
    /// field they name is the request's), so refusals cover it and advance
    /// choices lift them often.
    #[test]
    fn the_engine_agrees_with_the_rules_where_refusals_and_advance_choices_decide(
        world in any_world(a_professional_role()),
        aim in prop::collection::vec(prop::bool::weighted(0.75), 8),
    ) {
        agrees_with_the_rules(&where_refusals_decide(world, &aim))?;
    }
}
