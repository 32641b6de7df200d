//! Field masks: a withheld field is hidden from everyone but the named roles
//! and the person, and marked as withheld with words.

use concordat_access::{AccessAction, FieldMask};
use concordat_domain::category::DataCategory;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;

use crate::support::*;

fn address_for_clinicians_and_gps() -> Vec<FieldMask> {
    vec![FieldMask::new(
        "address",
        &[Role::CrisisClinician, Role::Gp],
    )]
}

fn demographics_read(role: Role) -> concordat_access::AccessRequest {
    let purpose = if role == Role::Person {
        Purpose::OwnAccess
    } else {
        Purpose::DirectCare
    };
    request(
        actor(role, trust()),
        AccessAction::Read,
        DataCategory::Demographics,
        purpose,
    )
}

#[test]
fn a_masked_field_is_withheld_from_roles_not_named_and_says_so() {
    let masked = engine().masks_for(
        &demographics_read(Role::PoliceOfficer),
        &address_for_clinicians_and_gps(),
    );

    assert_eq!(masked.len(), 1);
    assert_eq!(masked[0].field, "address");
    assert_eq!(
        masked[0].reason,
        "withheld: address is shown only to crisis clinicians and GPs"
    );
}

#[test]
fn a_named_role_sees_the_field() {
    for role in [Role::CrisisClinician, Role::Gp] {
        assert!(engine()
            .masks_for(&demographics_read(role), &address_for_clinicians_and_gps())
            .is_empty());
    }
}

#[test]
fn the_person_always_sees_their_own_fields() {
    let masks = vec![FieldMask::new("address", &[])];

    assert!(engine()
        .masks_for(&demographics_read(Role::Person), &masks)
        .is_empty());
    let mut elsewhere = demographics_read(Role::Person);
    elsewhere.person = someone_else();
    assert_eq!(engine().masks_for(&elsewhere, &masks).len(), 1);
}

#[test]
fn break_glass_does_not_lift_a_mask() {
    let mut request = demographics_read(Role::PoliceOfficer);
    request.break_glass = Some(break_glass(
        Role::PoliceOfficer,
        concordat_domain::break_glass::OverrideBasis::VitalInterests,
    ));

    assert_eq!(
        engine()
            .masks_for(&request, &address_for_clinicians_and_gps())
            .len(),
        1
    );
}

#[test]
fn each_mask_is_decided_for_its_own_field() {
    let masks = vec![
        FieldMask::new("address", &[Role::Gp]),
        FieldMask::new("phone", &[Role::SocialWorker]),
        FieldMask::new("gp-practice", &[Role::SocialWorker, Role::Gp]),
    ];

    let masked = engine().masks_for(&demographics_read(Role::SocialWorker), &masks);

    let fields: Vec<&str> = masked.iter().map(|m| m.field.as_str()).collect();
    assert_eq!(fields, ["address"]);
    assert!(engine()
        .masks_for(&demographics_read(Role::SocialWorker), &[])
        .is_empty());
}
