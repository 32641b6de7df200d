//! What every escalation step shares, for referrals and messages alike: who the
//! first step reaches (the receiving team's duty contact), who the second
//! reaches (the partnership's escalation contact named in the agreement, or
//! the receiving organisation's information governance leads if it names
//! none), and telling them and the sender.

use chrono::{DateTime, Utc};
use concordat_domain::ids::{AgreementId, OrganisationId, TeamId, UserId};
use concordat_domain::role::Role;
use concordat_store::notifications::{self, Notification};
use concordat_store::{referrals, teams, users, Conn, StoreError};

use crate::scheduler::job::JobError;

/// Who one step of an escalation reaches, and how to name them.
#[derive(Debug, Clone)]
pub struct Reach {
    pub users: Vec<UserId>,
    pub whom: String,
}

/// Step one: the members of the team, with its duty line if it has one.
pub async fn duty_contact(conn: &mut Conn, team: TeamId) -> Result<Reach, StoreError> {
    let Some(team) = teams::team_by_id(conn, team).await? else {
        return Ok(Reach {
            users: Vec::new(),
            whom: "no team (it no longer exists)".into(),
        });
    };
    let members = users::users_of_team(conn, team.id()).await?;
    let phone = team
        .duty_phone()
        .map(|p| format!(", duty line {}", p.as_str()))
        .unwrap_or_default();
    Ok(Reach {
        users: members.iter().map(|u| u.id()).collect(),
        whom: format!("the duty contact of {}{phone}", team.name()),
    })
}

/// Step two: the agreement's escalation contact, or the receiving
/// organisation's information governance leads.
pub async fn partnership_contact(
    conn: &mut Conn,
    agreement: Option<AgreementId>,
    receiving: OrganisationId,
) -> Result<Reach, StoreError> {
    let contact = match agreement {
        Some(a) => referrals::service_levels(conn, a).await?.1,
        None => None,
    };
    if let Some(contact) = contact {
        let name = users::user_by_id(conn, contact)
            .await?
            .map(|u| u.display_name().as_str().to_owned())
            .unwrap_or_default();
        return Ok(Reach {
            users: vec![contact],
            whom: format!("the partnership's escalation contact, {name}"),
        });
    }
    Ok(Reach {
        users: notifications::users_with_role(conn, receiving, Role::IgLead).await?,
        whom: "the receiving organisation's information governance leads (the agreement names \
               no escalation contact)"
            .into(),
    })
}

/// Tells everyone `reach` names, and the sender, what was missed.
pub async fn tell(
    conn: &mut Conn,
    reach: &Reach,
    sender: UserId,
    subjects: (&str, &str),
    note: &str,
    link: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (to_reached, to_sender) = subjects;
    for user in reach.users.iter().copied().chain([sender]) {
        notifications::insert_notification(
            conn,
            &Notification {
                id: uuid::Uuid::new_v4(),
                user,
                kind: "escalated".into(),
                subject: if user == sender {
                    to_sender
                } else {
                    to_reached
                }
                .to_owned(),
                body: note.to_owned(),
                link: Some(link.to_owned()),
                created_at: now,
                read_at: None,
            },
        )
        .await?;
    }
    Ok(())
}

/// The audit entry of an escalation step: the system acting, on `person`'s
/// record, for `category`. Written after the step commits.
pub async fn audit(
    state: &crate::AppState,
    person: concordat_domain::ids::PersonId,
    category: concordat_domain::category::DataCategory,
    note: String,
    now: DateTime<Utc>,
) -> Result<(), JobError> {
    use concordat_store::audit::{AuditAction, AuditEntry, Outcome};
    state
        .audit
        .record(AuditEntry {
            occurred_at: now,
            actor: None,
            purpose: None,
            person: Some(person),
            action: AuditAction::Escalation,
            categories: vec![category],
            outcome: Outcome::Allowed,
            reasons: vec![note],
            policy_ids: Vec::new(),
            break_glass: false,
        })
        .await
        .map(|_| ())
        .map_err(|e| JobError::Transient(format!("escalation recorded but not audited: {e}")))
}
