//! Property tests at the fact level, through the engine: the rules
//! stated plainly over facts, and properties of any random world.

use chrono::Duration;
use concordat_access::{
    policy_ids, AccessAction, BreakGlassFacts, ConsentFacts, Relationship, RelationshipKind,
};
use concordat_domain::agreement::AgreementStatus;
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{ConsentEffect, ConsentScope};
use concordat_domain::ids::ConsentId;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use proptest::prelude::*;

use super::oracle::answers_crises;
use super::random_worlds::{
    a_professional_role, an_agreement_that_does_not_count, another_person, any_role, any_world,
    organisation, relationship_of_kind, someone_else, today, RandomWorld,
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

/// The rules, stated over facts as plainly as over the matrix's world.
fn allowed_by_the_rules(w: &RandomWorld) -> bool {
    let now = now();
    if w.role == Role::Person {
        return persons_own(w);
    }
    if matches!(w.purpose, Purpose::OwnAccess | Purpose::Commissioning) {
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
    let refused = w.facts.consents.iter().any(|c| {
        c.effect == ConsentEffect::Deny
            && c.scope.organisation.is_none_or(|o| o == org)
            && c.scope.category.is_none_or(|x| x == w.category)
            && c.scope.purpose.is_none_or(|p| p == w.purpose)
            && c.expires_at.is_none_or(|e| now < e)
    });
    related && covered && (!refused || w.break_glass_live())
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

    /// Without a live break-glass, a refusal that covers the request and
    /// has not expired always denies — even when everything else would
    /// allow it (a covering agreement, a care-team relationship, a
    /// permit) — and the refusal is among the rules named.
    #[test]
    fn a_matching_unexpired_refusal_without_live_break_glass_never_yields_access(
        world in any_world(a_professional_role()),
        (by_organisation, by_category, by_purpose) in (prop::bool::ANY, prop::bool::ANY, prop::bool::ANY),
        expires_in in prop::option::of(1i64..100_000),
        position in 0usize..5,
        override_kind in 0usize..6,
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
            holds_in_crisis: false,
        };
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
    /// their own access is the one exception, and only for their own.
    #[test]
    fn no_relationship_never_yields_access_but_the_persons_own(
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
        } else {
            prop_assert!(!decision.is_allowed(), "{w:?}\n{decision:?}");
            prop_assert!(decision.determined_by(policy_ids::RELATIONSHIP_REQUIRED), "{w:?}\n{decision:?}");
        }
    }

    /// On any random world, the engine allows exactly what the rules
    /// allow, and marks an access as break-glass exactly when a live
    /// override was in play.
    #[test]
    fn the_engine_agrees_with_the_rules_on_random_worlds(world in any_world(any_role())) {
        let decision = world.decide();
        let allowed = allowed_by_the_rules(&world);
        prop_assert_eq!(decision.is_allowed(), allowed, "{:?}\n{:?}", world, decision);
        prop_assert_eq!(
            decision.via_break_glass(),
            allowed && world.role != Role::Person && world.break_glass_live(),
            "{:?}\n{:?}", world, decision
        );
    }
}
