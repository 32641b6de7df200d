use std::collections::BTreeSet;

use chrono::{TimeZone, Utc};
use concordat_domain::agreement::{
    Agreement, AgreementTier, LawfulBasis, RoleGrant, Signature, Terms,
};
use concordat_domain::ids::{AgreementId, OrganisationId, UserId};
use concordat_domain::organisation::{OrganisationCode, OrganisationKind};
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use concordat_domain::user::{DisplayName, Username};

use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn organisation(code: &str, name: &str, kind: OrganisationKind) -> Organisation {
    Organisation::new(
        OrganisationId::new(),
        OrganisationCode::parse(code).unwrap(),
        name,
        kind,
    )
    .unwrap()
}

fn staff(of: &Organisation, role: Role) -> User {
    User::new(
        UserId::new(),
        Username::parse(&format!("{}.{}", of.code().as_str(), role.as_str()).to_lowercase())
            .unwrap(),
        DisplayName::parse("Someone").unwrap(),
        of.id(),
        None,
        role,
        None,
        false,
    )
    .unwrap()
}

/// The police may see crisis plans and risks; the trust's crisis
/// clinicians everything the coordinate tier allows.
fn signed(title: &str, trust: &Organisation, police: &Organisation) -> Agreement {
    let terms = Terms {
        title: title.into(),
        tier: AgreementTier::Coordinate,
        parties: vec![trust.id(), police.id()],
        purposes: [Purpose::Emergency].into_iter().collect(),
        grants: vec![
            RoleGrant {
                role: Role::PoliceOfficer,
                read: [DataCategory::CrisisPlan, DataCategory::Risk]
                    .into_iter()
                    .collect(),
                write: BTreeSet::new(),
            },
            RoleGrant {
                role: Role::CrisisClinician,
                read: [DataCategory::CrisisPlan, DataCategory::Contacts]
                    .into_iter()
                    .collect(),
                write: [DataCategory::CrisisPlan].into_iter().collect(),
            },
        ],
        lawful_basis: LawfulBasis::new(
            "Article 6(1)(e) public task",
            "Article 9(2)(h) health or social care",
            "Schedule 1 Part 1 paragraph 2",
        )
        .unwrap(),
        starts_on: date(2026, 1, 1),
        ends_on: Some(date(2028, 1, 1)),
        review_on: date(2027, 1, 1),
    };
    let at = Utc.with_ymd_and_hms(2026, 1, 2, 9, 0, 0).unwrap();
    let sign = |org: &Organisation| Signature {
        organisation: org.id(),
        signed_by: UserId::new(),
        signed_at: at,
    };
    Agreement::draft(AgreementId::new(), terms)
        .unwrap()
        .sign(sign(trust))
        .unwrap()
        .sign(sign(police))
        .unwrap()
}

#[test]
fn the_statement_says_what_each_organisation_sees_and_never_sees_and_on_what_basis() {
    let trust = organisation(
        "NMHT",
        "Northshire Mental Health Trust",
        OrganisationKind::NhsTrust,
    );
    let police = organisation("NSPOL", "Northshire Police", OrganisationKind::Police);
    let people = [
        staff(&trust, Role::CrisisClinician),
        staff(&police, Role::PoliceOfficer),
    ];
    let agreement = signed("Crisis response", &trust, &police);
    let statement = statement(
        std::slice::from_ref(&agreement),
        &[trust.clone(), police.clone()],
        &people,
        date(2026, 6, 1),
    );
    assert_eq!(statement.agreements.len(), 1);
    let shown = &statement.agreements[0];
    assert_eq!(
        shown.organisations,
        ["Northshire Mental Health Trust", "Northshire Police"]
    );
    assert_eq!(shown.purposes, [Purpose::Emergency.plain()]);
    assert_eq!(shown.lawful_basis[0], "Article 6(1)(e) public task");
    assert_eq!(shown.ends_on, Some(date(2028, 1, 1)));
    let officers = shown
        .grants
        .iter()
        .find(|g| g.role == Role::PoliceOfficer.label())
        .unwrap();
    assert_eq!(
        officers.sees,
        [DataCategory::CrisisPlan.label(), DataCategory::Risk.label()]
    );
    assert!(officers.adds.is_empty());

    let police_sharing = statement
        .organisations
        .iter()
        .find(|o| o.organisation == "Northshire Police")
        .unwrap();
    assert!(police_sharing
        .never
        .contains(&DataCategory::Clinical.label()));
    assert!(!police_sharing
        .never
        .contains(&DataCategory::CrisisPlan.label()));
    assert_eq!(
        police_sharing.never.len() + police_sharing.categories.len(),
        DataCategory::ALL.len(),
        "every part of a record is either seen or never seen"
    );
}

#[test]
fn an_agreement_not_in_force_shares_nothing_in_the_statement() {
    let trust = organisation(
        "NMHT",
        "Northshire Mental Health Trust",
        OrganisationKind::NhsTrust,
    );
    let police = organisation("NSPOL", "Northshire Police", OrganisationKind::Police);
    let people = [
        staff(&trust, Role::CrisisClinician),
        staff(&police, Role::PoliceOfficer),
    ];
    let organisations = [trust.clone(), police.clone()];
    let active = signed("Crisis response", &trust, &police);
    for (why, agreement, today) in [
        ("suspended", active.suspend().unwrap(), date(2026, 6, 1)),
        ("ended", active.end().unwrap(), date(2026, 6, 1)),
        ("after its term", active.clone(), date(2028, 1, 1)),
        ("before its term", active.clone(), date(2025, 12, 31)),
    ] {
        let statement = statement(&[agreement], &organisations, &people, today);
        assert!(statement.agreements.is_empty(), "{why}");
        assert!(statement.organisations.is_empty(), "{why}");
    }
}
