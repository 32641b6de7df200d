//! The demo's multi-agency case: after the frequent contact list's review,
//! the crisis team's nurse leads a case about Gary Holt (999 000 0034)
//! with the street triage officer, the ambulance service's clinical hub
//! and his community practitioner, so that the case page, its actions (one
//! done, two due, each with its escalation scheduled), a review meeting
//! and the person's own view have something in them.

use chrono::{DateTime, Duration, Utc};
use concordat_domain::case::{CaseStatus, Told};
use concordat_domain::ids::PersonId;
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::user::{User, Username};
use concordat_server::escalation::case_action::KIND as ESCALATION;
use concordat_store::cases::{self, Action, Case, Meeting, Member};
use concordat_store::relationships::{self, CareRelationship, RelationshipKind};
use concordat_store::{jobs, persons, users, Conn, Store};

const REASON: &str = "Working together on Gary's support at night, after the frequent contact \
                      review";

async fn demo_user(conn: &mut Conn, username: &str) -> anyhow::Result<User> {
    users::user_by_username(conn, &Username::parse(username)?)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no demo user `{username}`"))
}

/// The membership of `user`, and the `case-member` relationship it gives.
fn membership(case: &Case, user: &User, at: DateTime<Utc>) -> (Member, CareRelationship) {
    let relationship = CareRelationship {
        id: uuid::Uuid::new_v4(),
        person: case.person,
        organisation: user.organisation_id(),
        user: Some(user.id()),
        team: None,
        contact_kind: None,
        kind: RelationshipKind::CaseMember,
        reason: case.reason.clone(),
        started_at: at,
        ends_at: at + concordat_domain::case::MEMBERSHIP_AT_MOST,
    };
    let member = Member {
        id: uuid::Uuid::new_v4(),
        case: case.id,
        user: user.id(),
        organisation: user.organisation_id(),
        relationship: relationship.id,
        added_by: case.lead,
        added_at: at,
        ended_at: None,
    };
    (member, relationship)
}

fn action(case: &Case, what: &str, owner: &User, due_in_days: i64, now: DateTime<Utc>) -> Action {
    Action {
        id: uuid::Uuid::new_v4(),
        case: case.id,
        what: what.to_owned(),
        owner: owner.id(),
        due_on: (now + Duration::days(due_in_days)).date_naive(),
        added_by: case.lead,
        added_at: now - Duration::days(7),
        done_at: None,
        done_by: None,
        done_note: String::new(),
        escalation_step: 0,
    }
}

/// Opens Gary Holt's case as of a fortnight before `now`. Seeding writes
/// no audit, as the partnership's other seeded relationships do not.
/// Returns whether Gary is in the demo (he always is, unless the scenario
/// people were left out).
pub async fn seed_case(store: &Store, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let mut tx = store.write().await?;
    let gary = NhsNumber::parse("9990000034")?;
    let Some(person) = persons::person_by_nhs_number(&mut tx, &gary).await? else {
        return Ok(false);
    };
    let person: PersonId = person.id();
    let nurse = demo_user(&mut tx, "crisis.nurse").await?;
    let officer = demo_user(&mut tx, "police").await?;
    let paramedic = demo_user(&mut tx, "paramedic").await?;
    let practitioner = demo_user(&mut tx, "mh.practitioner").await?;
    let opened_at = now - Duration::days(14);
    let case = Case {
        id: uuid::Uuid::new_v4(),
        person,
        reason: REASON.to_owned(),
        lead: nurse.id(),
        status: CaseStatus::Open,
        opened_by: nurse.id(),
        opened_at,
        outcome: None,
        closing_note: String::new(),
        closed_by: None,
        closed_at: None,
    };
    cases::insert_case(&mut tx, &case).await?;
    for user in [&nurse, &officer, &paramedic, &practitioner] {
        let (member, relationship) = membership(&case, user, opened_at);
        relationships::insert_relationship(&mut tx, &relationship).await?;
        cases::insert_member(&mut tx, &member).await?;
    }

    let mut asked = action(
        &case,
        "Ask Gary what helps most at night and add it to his crisis plan",
        &practitioner,
        -3,
        now,
    );
    asked.done_at = Some(now - Duration::days(4));
    asked.done_by = Some(practitioner.id());
    asked.done_note = "He wants a call back from someone he knows; added to the plan.".into();
    let open_actions = [
        action(
            &case,
            "Ring Gary each Friday evening from the crisis team",
            &nurse,
            5,
            now,
        ),
        action(
            &case,
            "Brief the clinical hub on Gary's crisis plan for night calls",
            &paramedic,
            2,
            now,
        ),
    ];
    cases::insert_action(&mut tx, &asked).await?;
    for open in &open_actions {
        cases::insert_action(&mut tx, open).await?;
        jobs::schedule(
            &mut tx,
            ESCALATION,
            &open.id.to_string(),
            Told::Owner.step(),
            Told::Owner.due_at(open.due_on),
            "{}",
            now,
        )
        .await?;
    }
    cases::insert_meeting(
        &mut tx,
        &Meeting {
            id: uuid::Uuid::new_v4(),
            case: case.id,
            held_on: (now - Duration::days(7)).date_naive(),
            attendees: vec![nurse.id(), officer.id(), practitioner.id()],
            notes: "Agreed one plan for nights: the crisis team calls weekly, street triage \
                    knows whom to ring, and the ambulance hub sees the crisis plan."
                .into(),
            recorded_by: nurse.id(),
            recorded_at: now - Duration::days(7),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
