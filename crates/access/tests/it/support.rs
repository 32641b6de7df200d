//! A small partnership to test against: Northshire Police, Northshire NHS
//! Trust and a GP practice; one person; a fixed "now" (3 a.m. on a Tuesday);
//! and builders for the facts of a request, the person's advance choices,
//! the crises they are in and what their carer is told among them.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use concordat_access::{
    AccessAction, AccessEngine, AccessRequest, AdvanceChoiceFacts, AgreementFacts, BreakGlassFacts,
    ConsentFacts, Crisis, LookUpReason, Principal, Relationship,
};
use concordat_domain::advance_choice::CrisisKind;
use concordat_domain::agreement::{AgreementStatus, RoleGrant};
use concordat_domain::break_glass::OverrideBasis;
use concordat_domain::carer::CarerItem;
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{ConsentEffect, ConsentScope};
use concordat_domain::contact_event::ContactKind;
use concordat_domain::ids::{
    AdvanceChoicesId, AgreementId, ConsentId, OrganisationId, PersonId, UserId,
};
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use uuid::Uuid;

pub fn engine() -> &'static AccessEngine {
    static ENGINE: OnceLock<AccessEngine> = OnceLock::new();
    ENGINE.get_or_init(|| AccessEngine::new().expect("the built-in policies are valid"))
}

/// Fixed ids, so failures are easy to read and cells are reproducible.
fn id<T>(n: u128) -> concordat_domain::ids::Id<T> {
    concordat_domain::ids::Id::from_uuid(Uuid::from_u128(n))
}

pub fn police() -> OrganisationId {
    id(1)
}
pub fn trust() -> OrganisationId {
    id(2)
}
pub fn gp_practice() -> OrganisationId {
    id(3)
}
pub fn person() -> PersonId {
    id(10)
}
pub fn someone_else() -> PersonId {
    id(11)
}

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 3, 3, 0, 0).unwrap()
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A user of `organisation` in `role`. A `person` user is linked to the
/// person's own record, and a `carer` user cares for the person.
pub fn actor(role: Role, organisation: OrganisationId) -> Principal {
    Principal {
        id: id(100 + role as u128),
        role,
        organisation,
        person: (role == Role::Person).then(person),
        carer_of: (role == Role::Carer).then(person),
    }
}

pub fn user_id(role: Role) -> UserId {
    id(100 + role as u128)
}

/// A request with no facts yet.
pub fn request(
    user: Principal,
    action: AccessAction,
    category: DataCategory,
    purpose: Purpose,
) -> AccessRequest {
    AccessRequest {
        user,
        person: person(),
        action,
        category,
        purpose,
        now: now(),
        agreements: Vec::new(),
        consents: Vec::new(),
        relationships: Vec::new(),
        break_glass: None,
        advance_choices: Vec::new(),
        crises: Vec::new(),
        carer_item: None,
        carer_items: Vec::new(),
    }
}

/// The person's carer reading `item`, with carer access, as part of the
/// category it belongs to, while the person lets them see `told` (and
/// their thread with the care team only if `told` has it).
pub fn carer_reads(item: CarerItem, told: &[CarerItem]) -> AccessRequest {
    let mut r = request(
        actor(Role::Carer, trust()),
        AccessAction::Read,
        item.category(),
        Purpose::CarerAccess,
    );
    r.carer_item = Some(item);
    r.carer_items = told.to_vec();
    r
}

/// A police officer reading the crisis plan in an emergency, the 3 a.m.
/// case, with everything in place: crisis look-up, active agreement.
pub fn police_crisis_look_up() -> AccessRequest {
    let mut r = request(
        actor(Role::PoliceOfficer, police()),
        AccessAction::Read,
        DataCategory::CrisisPlan,
        Purpose::Emergency,
    );
    r.agreements.push(crisis_agreement());
    r.relationships.push(crisis_look_up());
    r
}

pub fn crisis_look_up() -> Relationship {
    Relationship::crisis_look_up(LookUpReason::parse("street triage: found on the bridge").unwrap())
}

pub fn grant(role: Role, read: &[DataCategory], write: &[DataCategory]) -> RoleGrant {
    RoleGrant {
        role,
        read: read.iter().copied().collect(),
        write: write.iter().copied().collect(),
    }
}

/// The partnership's main agreement: active, signed, in date; police read
/// the crisis summary and write contacts; the trust's clinicians read and
/// write everything clinical.
pub fn crisis_agreement() -> AgreementFacts {
    use DataCategory as C;
    AgreementFacts {
        id: AgreementId::from_uuid(Uuid::from_u128(1000)),
        title: "Northshire crisis care".into(),
        status: AgreementStatus::Active,
        signed_by_every_party: true,
        parties: vec![police(), trust(), gp_practice()],
        starts_on: day(2025, 4, 1),
        ends_on: Some(day(2027, 4, 1)),
        purposes: BTreeSet::from([
            Purpose::DirectCare,
            Purpose::Emergency,
            Purpose::Safeguarding,
        ]),
        grants: vec![
            grant(
                Role::PoliceOfficer,
                &[C::CrisisPlan, C::Risk, C::Contacts],
                &[C::Contacts],
            ),
            grant(
                Role::CrisisClinician,
                &C::ALL,
                &[C::CrisisPlan, C::Risk, C::Clinical],
            ),
            grant(Role::Gp, &[C::CrisisPlan, C::Clinical], &[C::Clinical]),
        ],
    }
}

pub fn consent(effect: ConsentEffect, scope: ConsentScope) -> ConsentFacts {
    ConsentFacts {
        id: ConsentId::from_uuid(Uuid::from_u128(2000)),
        effect,
        scope,
        expires_at: None,
        organisation_name: scope.organisation.map(|o| {
            if o == police() {
                "Northshire Police".into()
            } else {
                "Northshire NHS Trust".into()
            }
        }),
        holds_in_crisis: false,
    }
}

/// The person's refusal to share anything with the police.
pub fn refuses_police() -> ConsentFacts {
    consent(
        ConsentEffect::Deny,
        ConsentScope {
            organisation: Some(police()),
            ..Default::default()
        },
    )
}

/// A refusal made in the person's advance choices to hold even in a crisis.
pub fn holding_in_crisis(refusal: ConsentFacts) -> ConsentFacts {
    ConsentFacts {
        holds_in_crisis: true,
        ..refusal
    }
}

/// The day the person's advance choices were witnessed, and as the reasons
/// read it.
pub fn witnessed_on() -> NaiveDate {
    day(2025, 11, 14)
}
pub const WITNESSED_ON: &str = "14 November 2025";

/// The first choice of the person's advance choices: to let what `scope`
/// covers be seen during a crisis of kind `during`. A second choice in one
/// request needs its own `position`, as in a real document.
pub fn advance_choice(during: CrisisKind, scope: ConsentScope) -> AdvanceChoiceFacts {
    AdvanceChoiceFacts {
        document: AdvanceChoicesId::from_uuid(Uuid::from_u128(3000)),
        position: 0,
        during,
        scope,
        witnessed_on: witnessed_on(),
    }
}

/// "If I am detained under section 136, the police may see my crisis
/// plan" — the choice that `refuses_police` waits for.
pub fn police_may_see_during_section_136() -> AdvanceChoiceFacts {
    advance_choice(
        CrisisKind::Section136,
        ConsentScope {
            organisation: Some(police()),
            ..Default::default()
        },
    )
}

pub fn crisis(kind: CrisisKind, ended: bool) -> Crisis {
    Crisis { kind, ended }
}

/// The crises an open (or, `ended`, closed) contact of `kind` puts the
/// person in, as the caller derives them: a section 136 is a section 136
/// and a crisis; street triage is a crisis only.
pub fn crises_of(kind: ContactKind, ended: bool) -> Vec<Crisis> {
    CrisisKind::of_contact(kind)
        .iter()
        .map(|&k| crisis(k, ended))
        .collect()
}

/// A 30-minute break-glass override made ten minutes ago by `role`'s user.
pub fn break_glass(role: Role, basis: OverrideBasis) -> BreakGlassFacts {
    BreakGlassFacts {
        user: user_id(role),
        person: person(),
        basis,
        granted_at: now() - Duration::minutes(10),
        expires_at: now() + Duration::minutes(20),
    }
}

/// The ids of the rules that decided, in order.
pub fn policies(decision: &concordat_access::Decision) -> Vec<&str> {
    decision
        .reasons()
        .iter()
        .map(|r| r.policy.as_str())
        .collect()
}
