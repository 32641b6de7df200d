//! One fresh person per (consent, relationship, break-glass) combination,
//! written to the store with exactly that state: consent directives,
//! advance choices and the crisis contacts they wait for, care team,
//! relationships and overrides; and their carer, with what the person lets
//! them see.

use chrono::{DateTime, Duration, Utc};
use concordat_domain::advance_choice::{AdvanceChoice, ChoiceEffect, CrisisKind};
use concordat_domain::break_glass::{BreakGlass, Justification, OverrideBasis};
use concordat_domain::care_team::{CareTeam, CareTeamMember};
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{ConsentDirective, ConsentEffect, ConsentScope, RecordedVia};
use concordat_domain::contact_event::ContactKind;
use concordat_domain::ids::{AdvanceChoicesId, CareTeamId, ConsentId, PersonId, TeamId, UserId};
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use concordat_domain::user::User;
use concordat_store::advance_choices::{self, AdvanceChoices};
use concordat_store::relationships::{CareRelationship, RelationshipKind};
use concordat_store::{
    break_glass, care_teams, carers, consent, persons, relationships, users, Store,
};

use super::dimensions::{
    professional_roles, BreakGlassState, CarerState, ConsentState, RelationshipState, Side, SIDES,
};
use super::world::{now, person, user, write_carer, World};

/// A version of the person's advance choice document, witnessed by their
/// care coordinator (the trust's colleague, who leads their care team).
fn advance_choice_document(
    world: &World,
    person: PersonId,
    statement: &str,
    choices: Vec<AdvanceChoice>,
    recorded_at: DateTime<Utc>,
) -> AdvanceChoices {
    let witness = world.colleague(Side::Trust);
    AdvanceChoices {
        id: AdvanceChoicesId::new(),
        person,
        version: 0,
        statement: statement.into(),
        choices,
        witnessed_by: witness.id(),
        witnessed_by_name: witness.display_name().to_string(),
        witnessed_at: recorded_at,
        review_by: (now() + Duration::days(180)).date_naive(),
        recorded_by: witness.id(),
        recorded_at,
        superseded_at: None,
    }
}

/// One person, carrying one combination of consent, relationship and
/// break-glass state, and their carer in one state.
pub(super) struct Subject {
    pub(super) person: PersonId,
    pub(super) own_account: User,
    /// The account of the person's carer.
    pub(super) carer: User,
    pub(super) consent: ConsentState,
    pub(super) relationship: RelationshipState,
    pub(super) break_glass: BreakGlassState,
    pub(super) carer_state: CarerState,
}

pub(super) fn override_for(user: &User, person: PersonId, live: bool) -> BreakGlass {
    let now = now();
    let (granted_at, expires_at) = if live {
        (now - Duration::minutes(10), now + Duration::minutes(20))
    } else {
        (now - Duration::hours(2), now - Duration::minutes(90))
    };
    BreakGlass {
        id: uuid::Uuid::new_v4(),
        user: user.id(),
        person,
        basis: OverrideBasis::PreventionOfHarm,
        justification: Justification::parse(
            "Threatening to jump from the bridge; need the crisis plan now",
        )
        .unwrap(),
        granted_at,
        expires_at,
        review: None,
        deferral: None,
    }
}

/// Writes a fresh person with this combination of states.
pub(super) async fn write_subject(
    store: &Store,
    world: &World,
    n: usize,
    consent_state: ConsentState,
    relationship_state: RelationshipState,
    break_glass_state: BreakGlassState,
    carer_state: CarerState,
) -> Subject {
    let now = now();
    let subject = person(&format!("Matrix{n}"));
    let id = subject.id();
    let own_account = user(
        &format!("person-{n}"),
        world.organisation(Side::Trust),
        Role::Person,
        Some(id),
    );
    let mut tx = store.write().await.unwrap();
    persons::insert_person(&mut tx, &subject, now)
        .await
        .unwrap();
    users::insert_user(&mut tx, &own_account, "not-a-password-hash", now)
        .await
        .unwrap();

    // Their carer, and what the person lets them see, chosen from the
    // person's own account.
    let carer = write_carer(
        &mut tx,
        &format!("carer-{n}"),
        id,
        world.organisation(Side::Trust),
        &carer_state.choices(),
        own_account.id(),
    )
    .await;
    if carer_state == CarerState::Withdrawn {
        let carer_of = carer.carer_of().expect("a carer's account");
        carers::set_withdrawn(&mut tx, carer_of, Some(now - Duration::hours(1)))
            .await
            .unwrap();
    }

    // A care team, led by the trust's colleague; everyone else is on it
    // only when the relationship says so.
    let lead = world.colleague(Side::Trust);
    let mut members =
        vec![CareTeamMember::new(lead.id(), lead.organisation_id(), "care coordinator").unwrap()];
    if relationship_state == RelationshipState::CareTeam {
        for u in &world.professionals {
            members.push(CareTeamMember::new(u.id(), u.organisation_id(), "member").unwrap());
        }
    }
    let team = CareTeam::new(CareTeamId::new(), id, "Crisis care", members, lead.id()).unwrap();
    care_teams::insert_care_team(&mut tx, &team, chrono::Utc::now())
        .await
        .unwrap();

    // Consent.
    let month_ago = now - Duration::days(30);
    let directive = |effect, scope, recorded_at, expires_at| {
        ConsentDirective::new(
            ConsentId::new(),
            id,
            effect,
            scope,
            world.colleague(Side::Trust).id(),
            recorded_at,
            RecordedVia::InPerson,
            Some("has capacity for this decision"),
            expires_at,
        )
        .unwrap()
    };
    let police = ConsentScope {
        organisation: Some(world.organisation(Side::Police)),
        ..Default::default()
    };
    let clinical = ConsentScope {
        category: Some(DataCategory::Clinical),
        ..Default::default()
    };
    let emergency = ConsentScope {
        purpose: Some(Purpose::Emergency),
        ..Default::default()
    };
    let everything = ConsentScope::default();
    let (deny, permit) = (ConsentEffect::Deny, ConsentEffect::Permit);
    let directives = match consent_state {
        ConsentState::None => vec![],
        ConsentState::DenyPolice => vec![directive(deny, police, month_ago, None)],
        ConsentState::DenyClinical => vec![directive(
            deny,
            clinical,
            month_ago,
            Some(now + Duration::days(30)),
        )],
        ConsentState::DenyEmergency => vec![directive(deny, emergency, month_ago, None)],
        ConsentState::ExpiredDeny => vec![directive(
            deny,
            everything,
            month_ago,
            Some(now - Duration::days(1)),
        )],
        ConsentState::WithdrawnDeny => vec![directive(deny, everything, month_ago, None)],
        ConsentState::Permit => vec![directive(permit, everything, month_ago, None)],
        ConsentState::DenyPoliceThenPermitPolice => vec![
            directive(deny, police, month_ago, None),
            directive(permit, police, now - Duration::days(2), None),
        ],
        ConsentState::LetPoliceInSection136
        | ConsentState::LetPoliceInSection136Ended
        | ConsentState::LetPoliceInSection136DuringStreetTriage
        | ConsentState::RefusePoliceEvenInCrisis => {
            vec![directive(deny, police, month_ago, None)]
        }
        ConsentState::LetPoliceThePlanInAnyCrisis => {
            vec![directive(deny, everything, month_ago, None)]
        }
    };
    for d in &directives {
        consent::insert_directive(&mut tx, d).await.unwrap();
    }
    if consent_state == ConsentState::WithdrawnDeny {
        let withdrawn = consent::withdraw_directive(
            &mut tx,
            id,
            directives[0].id(),
            world.colleague(Side::Trust).id(),
            now - Duration::hours(1),
        )
        .await
        .unwrap();
        assert!(withdrawn);
    }

    // Advance choices for a crisis: each version recorded in turn, the last
    // in force; and the contact, recorded by a police officer who is never
    // asked (it names no user asked, so it is no one's relationship), that
    // puts the person in a crisis or did.
    let let_police = |during, scope: ConsentScope| AdvanceChoice {
        effect: ChoiceEffect::LetDuringCrisis,
        during: Some(during),
        scope: ConsentScope {
            organisation: Some(world.organisation(Side::Police)),
            ..scope
        },
    };
    let refuse_police = AdvanceChoice {
        effect: ChoiceEffect::RefuseEvenInCrisis,
        during: None,
        scope: police,
    };
    let in_section_136 = let_police(CrisisKind::Section136, ConsentScope::default());
    let plan_in_an_emergency = ConsentScope {
        category: Some(DataCategory::CrisisPlan),
        purpose: Some(Purpose::Emergency),
        ..ConsentScope::default()
    };
    // Each version's choices; the contact's kind, and when it started and
    // ends in hours from now.
    let (documents, crisis) = match consent_state {
        ConsentState::LetPoliceInSection136 => (
            vec![vec![refuse_police], vec![in_section_136]],
            Some((ContactKind::Section136, (-2, 34))),
        ),
        ConsentState::LetPoliceInSection136Ended => (
            vec![vec![refuse_police], vec![in_section_136]],
            Some((ContactKind::Section136, (-40, -4))),
        ),
        ConsentState::LetPoliceInSection136DuringStreetTriage => (
            vec![vec![refuse_police], vec![in_section_136]],
            Some((ContactKind::StreetTriage, (-1, 3))),
        ),
        ConsentState::RefusePoliceEvenInCrisis => (
            vec![vec![in_section_136, refuse_police]],
            Some((ContactKind::Section136, (-2, 34))),
        ),
        ConsentState::LetPoliceThePlanInAnyCrisis => (
            vec![vec![let_police(
                CrisisKind::AnyCrisis,
                plan_in_an_emergency,
            )]],
            Some((ContactKind::StreetTriage, (-1, 3))),
        ),
        ConsentState::None
        | ConsentState::DenyPolice
        | ConsentState::DenyClinical
        | ConsentState::DenyEmergency
        | ConsentState::ExpiredDeny
        | ConsentState::WithdrawnDeny
        | ConsentState::Permit
        | ConsentState::DenyPoliceThenPermitPolice => (vec![], None),
    };
    let versions = documents.len();
    for (i, choices) in documents.into_iter().enumerate() {
        let recorded_at = now - Duration::days(20 * (versions - i) as i64);
        let mut document = advance_choice_document(
            world,
            id,
            "If I am detained, I want the police to know what helps me.",
            choices,
            recorded_at,
        );
        advance_choices::record(&mut tx, &mut document)
            .await
            .unwrap();
        assert_eq!(document.version, i as i64 + 1);
    }
    let mut rows = Vec::new();
    if let Some((kind, hours)) = crisis {
        let officer = world.colleague(Side::Police);
        rows.push(CareRelationship {
            id: uuid::Uuid::new_v4(),
            person: id,
            organisation: officer.organisation_id(),
            user: Some(officer.id()),
            team: None,
            contact_kind: Some(kind),
            kind: RelationshipKind::ActiveContact,
            reason: format!("{} (the crisis in the matrix)", ContactKind::label(kind)),
            started_at: now + Duration::hours(hours.0),
            ends_at: now + Duration::hours(hours.1),
        });
    }

    // Relationships, for each organisation.
    for side in SIDES {
        let row = |user: Option<UserId>, kind, reason: &str, hours: (i64, i64)| CareRelationship {
            id: uuid::Uuid::new_v4(),
            person: id,
            organisation: world.organisation(side),
            user,
            team: None,
            contact_kind: None,
            kind,
            reason: reason.into(),
            started_at: now + Duration::hours(hours.0),
            ends_at: now + Duration::hours(hours.1),
        };
        let contact = |user: Option<UserId>, team: Option<TeamId>, kind, hours| CareRelationship {
            team,
            contact_kind: Some(kind),
            ..row(
                user,
                RelationshipKind::ActiveContact,
                &format!("{} in the matrix", ContactKind::label(kind)),
                hours,
            )
        };
        let colleague = Some(world.colleague(side).id());
        let (their_team, other_team) = world.teams[side as usize];
        let look_up = "found on the bridge; asked for the crisis plan";
        match relationship_state {
            RelationshipState::None
            | RelationshipState::CareTeam
            | RelationshipState::SourceReport => {}
            RelationshipState::ReportedNamingTheirTeam => rows.push(contact(
                None,
                Some(their_team),
                ContactKind::EdAttendance,
                (-1, 23),
            )),
            RelationshipState::ReportedNamingAnotherTeam => rows.push(contact(
                None,
                Some(other_team),
                ContactKind::EdAttendance,
                (-1, 23),
            )),
            RelationshipState::RecordedByThem => {
                for role in professional_roles() {
                    let own = Some(world.professional(role, side).id());
                    rows.push(contact(own, None, ContactKind::Section136, (-1, 35)));
                }
            }
            RelationshipState::RecordedByAColleague => {
                rows.push(contact(colleague, None, ContactKind::StreetTriage, (-1, 3)))
            }
            RelationshipState::NamingNoOne => {
                rows.push(contact(None, None, ContactKind::Call999, (-1, 23)))
            }
            RelationshipState::EndedContact => {
                for role in professional_roles() {
                    let own = Some(world.professional(role, side).id());
                    rows.push(contact(own, None, ContactKind::StreetTriage, (-5, -1)));
                }
            }
            RelationshipState::OpenReferral => rows.push(row(
                None,
                RelationshipKind::Referral,
                "referred for assessment",
                (-48, 24 * 12),
            )),
            RelationshipState::OwnCrisisLookUp => {
                for role in professional_roles() {
                    let own = Some(world.professional(role, side).id());
                    rows.push(row(own, RelationshipKind::CrisisLookup, look_up, (0, 1)));
                }
            }
            RelationshipState::ColleaguesCrisisLookUp => {
                rows.push(row(
                    colleague,
                    RelationshipKind::CrisisLookup,
                    look_up,
                    (0, 1),
                ));
            }
        }
    }
    for row in &rows {
        relationships::insert_relationship(&mut tx, row)
            .await
            .unwrap();
    }

    // Break-glass.
    let (holders, live): (Vec<&User>, bool) = match break_glass_state {
        BreakGlassState::None => (vec![], false),
        BreakGlassState::Live => (world.professionals.iter().collect(), true),
        BreakGlassState::Expired => (world.professionals.iter().collect(), false),
        BreakGlassState::ColleaguesLive => (world.colleagues.iter().collect(), true),
    };
    for holder in holders {
        let o = override_for(holder, id, live);
        break_glass::insert_break_glass(&mut tx, &o, holder.organisation_id())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();

    Subject {
        person: id,
        own_account,
        carer,
        consent: consent_state,
        relationship: relationship_state,
        break_glass: break_glass_state,
        carer_state,
    }
}
