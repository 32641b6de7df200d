use proptest::prelude::*;
use uuid::Uuid;

use super::*;

fn member(user_id: UserId) -> CareTeamMember {
    CareTeamMember::new(user_id, OrganisationId::new(), "care coordinator").unwrap()
}

fn team(members: Vec<CareTeamMember>, lead: UserId) -> Result<CareTeam, CareTeamError> {
    CareTeam::new(
        CareTeamId::new(),
        PersonId::new(),
        "Alex's care team",
        members,
        lead,
    )
}

/// Users from a small pool, so generated teams often repeat someone.
fn user(n: u128) -> UserId {
    UserId::from_uuid(Uuid::from_u128(n))
}

#[test]
fn lead_must_be_on_the_team() {
    let (coordinator, gp) = (UserId::new(), UserId::new());
    let ok = team(vec![member(coordinator), member(gp)], gp).unwrap();
    assert_eq!(ok.lead(), gp);
    assert_eq!(ok.lead_member().user_id(), gp);
    assert!(ok.has_member(coordinator));
    let outsider = UserId::new();
    assert!(!ok.has_member(outsider));
    let err = team(vec![member(coordinator)], outsider).unwrap_err();
    assert_eq!(err, CareTeamError::LeadNotMember { lead: outsider });
    assert_eq!(
        err.to_string(),
        format!("the lead professional `{outsider}` must be a member of the care team")
    );
}

#[test]
fn a_team_has_members_each_listed_once() {
    let lead = UserId::new();
    assert_eq!(
        team(vec![], lead).unwrap_err().to_string(),
        "a care team must have at least one member"
    );
    let err = team(vec![member(lead), member(lead)], lead).unwrap_err();
    assert_eq!(err, CareTeamError::DuplicateMember { user_id: lead });
}

#[test]
fn name_and_responsibility_are_bounded_text() {
    let lead = UserId::new();
    let err = CareTeam::new(
        CareTeamId::new(),
        PersonId::new(),
        " ",
        vec![member(lead)],
        lead,
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "`name` must not be empty");
    let err = CareTeamMember::new(lead, OrganisationId::new(), &"r".repeat(121)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`responsibility` must be at most 120 characters"
    );
}

#[test]
fn membership_changes_keep_the_rules() {
    let (lead, worker) = (UserId::new(), UserId::new());
    let one = team(vec![member(lead)], lead).unwrap();
    let two = one.with_member(member(worker)).unwrap();
    assert!(two.has_member(worker));
    assert!(matches!(
        two.with_member(member(worker)),
        Err(CareTeamError::DuplicateMember { .. })
    ));
    assert!(matches!(
        two.without_member(lead),
        Err(CareTeamError::LeadNotMember { .. })
    ));
    let handed_over = two.with_lead(worker).unwrap().without_member(lead).unwrap();
    assert_eq!(handed_over.lead(), worker);
    assert_eq!(handed_over.members().len(), 1);
    assert!(matches!(
        one.with_lead(worker),
        Err(CareTeamError::LeadNotMember { .. })
    ));
}

#[test]
fn includes_organisation_looks_at_members() {
    let lead = UserId::new();
    let charity = OrganisationId::new();
    let t = team(
        vec![CareTeamMember::new(lead, charity, "employment support").unwrap()],
        lead,
    )
    .unwrap();
    assert!(t.includes_organisation(charity));
    assert!(!t.includes_organisation(OrganisationId::new()));
}

#[test]
fn json_round_trips_and_is_validated() {
    let (lead, other) = (UserId::new(), UserId::new());
    let t = team(vec![member(lead), member(other)], lead).unwrap();
    let json = serde_json::to_value(&t).unwrap();
    assert_eq!(serde_json::from_value::<CareTeam>(json.clone()).unwrap(), t);
    let mut outsider_lead = json.clone();
    outsider_lead["lead"] = UserId::new().to_string().into();
    assert!(serde_json::from_value::<CareTeam>(outsider_lead).is_err());
    let mut empty = json;
    empty["members"] = serde_json::json!([]);
    assert!(serde_json::from_value::<CareTeam>(empty).is_err());
}

proptest! {
    #[test]
    fn valid_exactly_when_members_are_non_empty_unique_and_include_the_lead(
        users in prop::collection::vec(0u128..5, 0..6),
        lead in 0u128..5,
    ) {
        let members: Vec<CareTeamMember> = users.iter().map(|&n| member(user(n))).collect();
        let unique = users.iter().collect::<std::collections::HashSet<_>>().len() == users.len();
        let ok = !users.is_empty() && unique && users.contains(&lead);
        let result = team(members, user(lead));
        prop_assert_eq!(result.is_ok(), ok, "{:?} lead {}", users, lead);
        if let Ok(t) = result {
            prop_assert!(t.has_member(t.lead()));
            prop_assert_eq!(t.members().len(), users.len());
        }
    }

    #[test]
    fn every_change_that_succeeds_leaves_a_valid_team(
        changes in prop::collection::vec((0u8..3, 0u128..4), 0..12),
    ) {
        let mut t = team(vec![member(user(0))], user(0)).unwrap();
        for (kind, n) in changes {
            let next = match kind {
                0 => t.with_member(member(user(n))),
                1 => t.without_member(user(n)),
                _ => t.with_lead(user(n)),
            };
            if let Ok(next) = next {
                t = next;
            }
            prop_assert!(!t.members().is_empty());
            prop_assert!(t.has_member(t.lead()));
            let ids: std::collections::HashSet<UserId> = t.members().iter().map(CareTeamMember::user_id).collect();
            prop_assert_eq!(ids.len(), t.members().len());
        }
    }
}
