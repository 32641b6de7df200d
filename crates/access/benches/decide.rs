//! Times `AccessEngine::decide` and prints the median and 99th percentile.
//! Run with `cargo bench -p concordat-access`. Not a test: it asserts
//! nothing about speed, it reports it.
//!
//! Scenarios: the 3 a.m. crisis look-up (one agreement, no directives — one
//! Cedar evaluation), a busy record (three agreements, four directives —
//! twelve evaluations) and the same busy record denied.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use concordat_access::{
    AccessAction, AccessEngine, AccessRequest, AgreementFacts, ConsentFacts, FieldMask,
    LookUpReason, Principal, Relationship,
};
use concordat_domain::agreement::{AgreementStatus, RoleGrant};
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{ConsentEffect, ConsentScope};
use concordat_domain::ids::{AgreementId, ConsentId, OrganisationId, PersonId, UserId};
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;

const WARM_UP: usize = 1_000;
const RUNS: usize = 20_000;

fn main() {
    // Without remembered answers: these figures are Cedar's own work.
    let engine = AccessEngine::new().expect("valid policies").without_memo();
    let police = OrganisationId::new();
    let look_up = crisis_look_up(police);
    let busy = busy_record(police);
    let mut refused = busy.clone();
    refused.consents.push(ConsentFacts {
        id: ConsentId::new(),
        effect: ConsentEffect::Deny,
        scope: ConsentScope {
            organisation: Some(police),
            ..Default::default()
        },
        expires_at: None,
        organisation_name: Some("Northshire Police".into()),
        holds_in_crisis: false,
    });
    let masks = [
        FieldMask::new("address", &[Role::CrisisClinician]),
        FieldMask::new("phone", &[Role::CrisisClinician, Role::PoliceOfficer]),
    ];

    println!("decide(), {RUNS} runs each after {WARM_UP} to warm up");
    report("crisis look-up, allowed (1 evaluation)", || {
        assert!(engine.decide(&look_up).is_allowed());
    });
    report("busy record, allowed (12 evaluations)", || {
        assert!(engine.decide(&busy).is_allowed());
    });
    report("busy record, refused (15 evaluations)", || {
        assert!(!engine.decide(&refused).is_allowed());
    });
    report("masks_for, two masked fields", || {
        assert_eq!(engine.masks_for(&look_up, &masks).len(), 1);
    });
}

fn report(label: &str, mut run: impl FnMut()) {
    for _ in 0..WARM_UP {
        run();
    }
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    let p99 = times[times.len() * 99 / 100];
    println!("  {label:<42} median {median:>10.1?}   p99 {p99:>10.1?}");
}

fn crisis_look_up(police: OrganisationId) -> AccessRequest {
    AccessRequest {
        user: Principal {
            id: UserId::new(),
            role: Role::PoliceOfficer,
            organisation: police,
            person: None,
            carer_of: None,
        },
        person: PersonId::new(),
        action: AccessAction::Read,
        category: DataCategory::CrisisPlan,
        purpose: Purpose::Emergency,
        now: Utc.with_ymd_and_hms(2026, 3, 3, 3, 0, 0).unwrap(),
        agreements: vec![agreement(police, AgreementStatus::Active)],
        consents: Vec::new(),
        relationships: vec![Relationship::crisis_look_up(
            LookUpReason::parse("street triage: found on the bridge").unwrap(),
        )],
        break_glass: None,
        advance_choices: Vec::new(),
        crises: Vec::new(),
        carer_item: None,
        carer_items: Vec::new(),
    }
}

fn busy_record(police: OrganisationId) -> AccessRequest {
    let mut request = crisis_look_up(police);
    request.agreements = vec![
        agreement(police, AgreementStatus::Ended),
        agreement(police, AgreementStatus::Suspended),
        agreement(police, AgreementStatus::Active),
    ];
    request.consents = [DataCategory::Clinical, DataCategory::SocialCare]
        .into_iter()
        .map(|category| ConsentFacts {
            id: ConsentId::new(),
            effect: ConsentEffect::Deny,
            scope: ConsentScope {
                category: Some(category),
                ..Default::default()
            },
            expires_at: None,
            organisation_name: None,
            holds_in_crisis: false,
        })
        .chain(
            [ConsentEffect::Permit, ConsentEffect::Deny].map(|effect| ConsentFacts {
                id: ConsentId::new(),
                effect,
                scope: ConsentScope {
                    organisation: Some(OrganisationId::new()),
                    ..Default::default()
                },
                expires_at: None,
                organisation_name: Some("Northshire Housing".into()),
                holds_in_crisis: false,
            }),
        )
        .collect();
    request.relationships.push(Relationship::contact().ended());
    request
}

fn agreement(police: OrganisationId, status: AgreementStatus) -> AgreementFacts {
    use DataCategory as C;
    AgreementFacts {
        id: AgreementId::new(),
        title: "Northshire crisis care".into(),
        status,
        signed_by_every_party: true,
        parties: vec![police, OrganisationId::new(), OrganisationId::new()],
        starts_on: NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
        ends_on: Some(NaiveDate::from_ymd_opt(2027, 4, 1).unwrap()),
        purposes: BTreeSet::from([Purpose::DirectCare, Purpose::Emergency]),
        grants: vec![
            RoleGrant {
                role: Role::PoliceOfficer,
                read: BTreeSet::from([C::CrisisPlan, C::Risk, C::Contacts]),
                write: BTreeSet::from([C::Contacts]),
            },
            RoleGrant {
                role: Role::CrisisClinician,
                read: C::ALL.into_iter().collect(),
                write: BTreeSet::from([C::CrisisPlan, C::Risk, C::Clinical]),
            },
        ],
    }
}
