//! Random worlds at the fact level, for the property tests: one request,
//! and any agreements, consents (standing refusals, and refusals made in
//! advance choices to hold even in a crisis), advance choices to let
//! something be seen during a crisis, crises, relationships and break-glass
//! around it, and what the person lets their carer see.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate};
use concordat_access::{
    AccessAction, AdvanceChoiceFacts, AgreementFacts, BreakGlassFacts, ConsentFacts, Crisis,
    Decision, LookUpReason, Relationship,
};
use concordat_domain::advance_choice::CrisisKind;
use concordat_domain::agreement::{AgreementStatus, RoleGrant};
use concordat_domain::break_glass::OverrideBasis;
use concordat_domain::carer::{CarerItem, CarerOf, ShareBasis};
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{ConsentEffect, ConsentScope};
use concordat_domain::ids::{
    AdvanceChoicesId, AgreementId, ConsentId, OrganisationId, PersonId, RelatedPersonId, UserId,
};
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use concordat_domain::user::{DisplayName, User, Username};
use concordat_server::authorisation::{decide, Facts, Viewer};
use proptest::prelude::*;

use super::dimensions::professional_roles;
use super::run::engine;
use super::world::{day, now};

pub(super) fn organisation(i: usize) -> OrganisationId {
    OrganisationId::from_uuid(uuid::Uuid::from_u128(0x0c0c_0000 + i as u128))
}
/// The user asking, and another.
pub(super) fn me() -> UserId {
    UserId::from_uuid(uuid::Uuid::from_u128(0x05e5_0001))
}
pub(super) fn someone_else() -> UserId {
    UserId::from_uuid(uuid::Uuid::from_u128(0x05e5_0002))
}
/// The person asked about, and another.
pub(super) fn the_person() -> PersonId {
    PersonId::from_uuid(uuid::Uuid::from_u128(0x9e50_0001))
}
pub(super) fn another_person() -> PersonId {
    PersonId::from_uuid(uuid::Uuid::from_u128(0x9e50_0002))
}
pub(super) fn today() -> NaiveDate {
    now().date_naive()
}

/// A random world around one request.
#[derive(Debug, Clone)]
pub(super) struct RandomWorld {
    pub(super) role: Role,
    pub(super) organisation: usize,
    /// For the person role: whether the record asked about is theirs; for
    /// the carer role, whether it is that of the person they care for.
    pub(super) own_record: bool,
    /// The item a carer asks for. Anyone's request may carry one: it must
    /// count for nothing but a carer's.
    pub(super) carer_item: Option<CarerItem>,
    pub(super) category: DataCategory,
    pub(super) purpose: Purpose,
    pub(super) action: AccessAction,
    pub(super) facts: Facts,
}

impl RandomWorld {
    pub(super) fn user(&self) -> User {
        let theirs = if self.own_record {
            the_person()
        } else {
            another_person()
        };
        if self.role == Role::Carer {
            return User::carer(
                me(),
                Username::parse("random-carer").unwrap(),
                DisplayName::parse("Random Carer").unwrap(),
                organisation(self.organisation),
                CarerOf {
                    person: theirs,
                    related_person: RelatedPersonId::from_uuid(uuid::Uuid::from_u128(0x7e1a_0001)),
                },
                false,
            );
        }
        let person = (self.role == Role::Person).then_some(theirs);
        User::new(
            me(),
            Username::parse("random-user").unwrap(),
            DisplayName::parse("Random User").unwrap(),
            organisation(self.organisation),
            None,
            self.role,
            person,
            false,
        )
        .unwrap()
    }

    pub(super) fn decide(&self) -> Decision {
        let viewer = Viewer {
            user: self.user(),
            purpose: self.purpose,
        };
        decide(
            engine(),
            &viewer,
            the_person(),
            self.action,
            &[self.category],
            self.carer_item,
            &self.facts,
            now(),
        )
        .remove(0)
        .1
    }

    pub(super) fn break_glass_live(&self) -> bool {
        self.facts.break_glass.as_ref().is_some_and(|g| {
            g.user == me()
                && g.person == the_person()
                && g.granted_at <= now()
                && now() < g.expires_at
        })
    }

    /// An agreement that covers exactly this request.
    pub(super) fn covering_agreement(&self) -> AgreementFacts {
        AgreementFacts {
            id: AgreementId::from_uuid(uuid::Uuid::from_u128(0xa9_0001)),
            title: "covers the request".into(),
            status: AgreementStatus::Active,
            signed_by_every_party: true,
            parties: vec![
                organisation(self.organisation),
                organisation((self.organisation + 1) % 3),
            ],
            starts_on: day(2025, 4, 1),
            ends_on: None,
            purposes: [self.purpose].into_iter().collect(),
            grants: vec![RoleGrant {
                role: self.role,
                read: [self.category].into_iter().collect(),
                write: [self.category].into_iter().collect(),
            }],
        }
    }

    pub(super) fn live_override(&self) -> BreakGlassFacts {
        BreakGlassFacts {
            user: me(),
            person: the_person(),
            basis: OverrideBasis::VitalInterests,
            granted_at: now() - Duration::minutes(5),
            expires_at: now() + Duration::minutes(25),
        }
    }
}

pub(super) fn any_role() -> impl Strategy<Value = Role> {
    prop::sample::select(Role::ALL.to_vec())
}
pub(super) fn a_professional_role() -> impl Strategy<Value = Role> {
    prop::sample::select(professional_roles())
}
pub(super) fn any_category() -> impl Strategy<Value = DataCategory> {
    prop::sample::select(DataCategory::ALL.to_vec())
}
pub(super) fn any_purpose() -> impl Strategy<Value = Purpose> {
    prop::sample::select(Purpose::ALL.to_vec())
}
pub(super) fn any_action() -> impl Strategy<Value = AccessAction> {
    prop::sample::select(AccessAction::ALL.to_vec())
}
pub(super) fn any_carer_item() -> impl Strategy<Value = CarerItem> {
    prop::sample::select(CarerItem::ALL.to_vec())
}

/// What the person lets their carer see: any of the items, and the thread
/// with the care team while the carer's access stands.
pub(super) fn any_carer_items() -> impl Strategy<Value = Vec<CarerItem>> {
    prop::collection::btree_set(any_carer_item(), 0..4)
        .prop_map(|items| items.into_iter().collect())
}
pub(super) fn categories(mask: u16) -> BTreeSet<DataCategory> {
    DataCategory::ALL
        .into_iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, c)| c)
        .collect()
}

/// An agreement, in any state, leaning towards ones that could count.
pub(super) fn any_agreement() -> impl Strategy<Value = AgreementFacts> {
    (
        prop_oneof![
            3 => Just(AgreementStatus::Active),
            1 => Just(AgreementStatus::Draft),
            1 => Just(AgreementStatus::Suspended),
            1 => Just(AgreementStatus::Ended),
        ],
        prop::bool::weighted(0.8),
        prop::collection::vec(prop::bool::weighted(0.7), 3),
        -400i64..30,
        prop::option::weighted(0.6, -30i64..400),
        prop::collection::vec(prop::bool::weighted(0.6), 5),
        prop::collection::vec((0u16..1024, 0u16..1024), Role::ALL.len()),
        any::<u64>(),
    )
        .prop_map(
            |(status, signed, parties, starts, ends, purposes, grants, id)| AgreementFacts {
                id: AgreementId::from_uuid(uuid::Uuid::from_u128(u128::from(id))),
                title: "random".into(),
                status,
                signed_by_every_party: signed,
                parties: (0..3).filter(|&i| parties[i]).map(organisation).collect(),
                starts_on: today() + Duration::days(starts),
                ends_on: ends.map(|e| today() + Duration::days(e)),
                purposes: Purpose::ALL
                    .into_iter()
                    .zip(purposes)
                    .filter(|(_, on)| *on)
                    .map(|(p, _)| p)
                    .collect(),
                grants: Role::ALL
                    .into_iter()
                    .zip(grants)
                    .map(|(role, (read, write))| RoleGrant {
                        role,
                        read: categories(read),
                        write: categories(write),
                    })
                    .collect(),
            },
        )
}

/// What keeps an agreement from counting for the user's organisation.
#[derive(Debug, Clone, Copy)]
pub(super) enum Defect {
    Draft,
    Suspended,
    Ended,
    Unsigned,
    PastItsEnd,
    NotYetStarted,
    NotAParty,
}

/// An agreement that covers the request in every way but one.
pub(super) fn an_agreement_that_does_not_count(
    organisation_index: usize,
) -> impl Strategy<Value = AgreementFacts> {
    (
        any_agreement(),
        prop::sample::select(vec![
            Defect::Draft,
            Defect::Suspended,
            Defect::Ended,
            Defect::Unsigned,
            Defect::PastItsEnd,
            Defect::NotYetStarted,
            Defect::NotAParty,
        ]),
        prop::bool::ANY,
        0i64..400,
    )
        .prop_map(move |(mut a, defect, signed, days)| {
            let mine = organisation(organisation_index);
            // Otherwise in force and covering everything.
            a.status = AgreementStatus::Active;
            a.signed_by_every_party = true;
            if !a.parties.contains(&mine) {
                a.parties.push(mine);
            }
            a.starts_on = day(2025, 4, 1);
            a.ends_on = None;
            a.purposes = Purpose::ALL.into_iter().collect();
            for g in &mut a.grants {
                g.read = DataCategory::ALL.into_iter().collect();
                g.write = DataCategory::ALL.into_iter().collect();
            }
            match defect {
                Defect::Draft => {
                    a.status = AgreementStatus::Draft;
                    a.signed_by_every_party = signed;
                }
                Defect::Suspended => {
                    a.status = AgreementStatus::Suspended;
                    a.signed_by_every_party = signed;
                }
                Defect::Ended => {
                    a.status = AgreementStatus::Ended;
                    a.signed_by_every_party = signed;
                }
                Defect::Unsigned => a.signed_by_every_party = false,
                Defect::PastItsEnd => {
                    a.starts_on = day(2024, 4, 1);
                    a.ends_on = Some(today() - Duration::days(days.min(300)));
                }
                Defect::NotYetStarted => a.starts_on = today() + Duration::days(days + 1),
                Defect::NotAParty => a.parties.retain(|p| *p != mine),
            }
            a
        })
}

/// A consent directive, or a refusal made in the advance choices to hold
/// even in a crisis (only a refusal holds so).
pub(super) fn any_consent() -> impl Strategy<Value = ConsentFacts> {
    (
        prop::bool::weighted(0.7),
        prop::option::of(0usize..3),
        prop::option::of(any_category()),
        prop::option::of(any_purpose()),
        prop::option::of(-120i64..120),
        any::<u64>(),
        prop::bool::weighted(0.25),
    )
        .prop_map(
            |(deny, org, category, purpose, expires, id, holds)| ConsentFacts {
                id: ConsentId::from_uuid(uuid::Uuid::from_u128(u128::from(id))),
                effect: if deny {
                    ConsentEffect::Deny
                } else {
                    ConsentEffect::Permit
                },
                scope: ConsentScope {
                    organisation: org.map(organisation),
                    category,
                    purpose,
                },
                expires_at: expires.map(|m| now() + Duration::minutes(m)),
                organisation_name: org.map(|i| format!("Organisation {i}")),
                holds_in_crisis: deny && holds,
            },
        )
}

pub(super) fn any_crisis_kind() -> impl Strategy<Value = CrisisKind> {
    prop::sample::select(CrisisKind::ALL.to_vec())
}

/// A choice to let something be seen during a crisis, leaning towards
/// narrow ones as people make them.
pub(super) fn any_advance_choice() -> impl Strategy<Value = AdvanceChoiceFacts> {
    (
        any::<u64>(),
        0usize..20,
        any_crisis_kind(),
        prop::option::weighted(0.7, 0usize..3),
        prop::option::weighted(0.5, any_category()),
        prop::option::weighted(0.3, any_purpose()),
    )
        .prop_map(
            |(id, position, during, org, category, purpose)| AdvanceChoiceFacts {
                document: AdvanceChoicesId::from_uuid(uuid::Uuid::from_u128(u128::from(id))),
                position,
                during,
                scope: ConsentScope {
                    organisation: org.map(organisation),
                    category,
                    purpose,
                },
                witnessed_on: today() - Duration::days(30),
            },
        )
}

/// The crises the person's contacts put them in: at most one of each
/// kind, in progress or ended, as the facts are gathered.
pub(super) fn any_crises() -> impl Strategy<Value = Vec<Crisis>> {
    let state = prop::option::weighted(0.6, prop::bool::weighted(0.35));
    prop::collection::vec(state, 3).prop_map(|states| {
        CrisisKind::ALL
            .into_iter()
            .zip(states)
            .filter_map(|(kind, ended)| ended.map(|ended| Crisis { kind, ended }))
            .collect()
    })
}

/// Whether a crisis of this kind is in progress among `crises`.
pub(super) fn in_progress(crises: &[Crisis], kind: CrisisKind) -> bool {
    crises.iter().any(|c| c.kind == kind && !c.ended)
}

/// 0 care team, 1 referral, 2 contact, 3 a source system's report,
/// 4 crisis look-up, 5 multi-agency case membership, 6 a match review.
pub(super) fn relationship_of_kind(kind: usize, ended: bool) -> Relationship {
    let r = match kind {
        0 => Relationship::care_team(),
        1 => Relationship::referral(),
        2 => Relationship::contact(),
        3 => Relationship::source_report(),
        5 => Relationship::case_member(),
        6 => Relationship::match_review(),
        _ => Relationship::crisis_look_up(
            LookUpReason::parse("found on the bridge; asked for the crisis plan").unwrap(),
        ),
    };
    if ended {
        r.ended()
    } else {
        r
    }
}

pub(super) fn any_relationship() -> impl Strategy<Value = Relationship> {
    (0usize..7, prop::bool::weighted(0.3)).prop_map(|(k, e)| relationship_of_kind(k, e))
}

pub(super) fn any_break_glass() -> impl Strategy<Value = Option<BreakGlassFacts>> {
    prop::option::of((
        prop::bool::weighted(0.7),
        prop::bool::weighted(0.8),
        -60i64..10,
        1i64..60,
    ))
    .prop_map(|g| {
        g.map(|(mine, this_person, granted, minutes)| {
            let granted_at = now() + Duration::minutes(granted);
            BreakGlassFacts {
                user: if mine { me() } else { someone_else() },
                person: if this_person {
                    the_person()
                } else {
                    another_person()
                },
                basis: OverrideBasis::Safeguarding,
                granted_at,
                expires_at: granted_at + Duration::minutes(minutes),
            }
        })
    })
}

pub(super) fn any_world(role: impl Strategy<Value = Role>) -> impl Strategy<Value = RandomWorld> {
    (
        role,
        0usize..3,
        prop::bool::ANY,
        any_category(),
        any_purpose(),
        any_action(),
        prop::collection::vec(any_agreement(), 0..4),
        prop::collection::vec(any_consent(), 0..4),
        prop::collection::vec(any_relationship(), 0..4),
        any_break_glass(),
        prop::collection::vec(any_advance_choice(), 0..4),
        (
            any_crises(),
            prop::option::of(any_carer_item()),
            any_carer_items(),
        ),
    )
        .prop_map(
            |(
                role,
                organisation,
                own_record,
                category,
                purpose,
                action,
                agreements,
                consents,
                relationships,
                break_glass,
                advance_choices,
                (crises, carer_item, carer_items),
            )| RandomWorld {
                role,
                organisation,
                own_record,
                carer_item,
                category,
                purpose,
                action,
                facts: Facts {
                    agreements,
                    consents,
                    relationships,
                    break_glass,
                    advance_choices,
                    crises,
                    // What each item stands on counts for nothing in the
                    // decision; only the audit's words name it.
                    carer_items: carer_items
                        .into_iter()
                        .map(|item| (item, ShareBasis::Person))
                        .collect(),
                    grounds: Vec::new(),
                },
            },
        )
}
