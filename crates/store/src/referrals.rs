//! Referrals, their timelines, and each agreement's service levels.

use chrono::{DateTime, Utc};
use concordat_domain::ids::{AgreementId, OrganisationId, PersonId, ReferralId, TeamId, UserId};
use concordat_domain::referral::{ReferralSection, ReferralStatus, ServiceLevels, Urgency};
use sqlx::any::AnyRow;

use crate::backend::lock_rows;
use crate::{rows, time, Conn, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub id: ReferralId,
    pub person: PersonId,
    pub from_user: UserId,
    pub from_organisation: OrganisationId,
    pub to_team: TeamId,
    pub to_organisation: OrganisationId,
    pub agreement: AgreementId,
    pub urgency: Urgency,
    pub reason: String,
    pub sections: Vec<ReferralSection>,
    pub status: ReferralStatus,
    pub created_at: DateTime<Utc>,
    pub acknowledge_due: DateTime<Utc>,
    pub respond_due: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<UserId>,
    pub decision_note: Option<String>,
    pub redirected_from: Option<ReferralId>,
    pub escalation_step: i64,
}

const COLUMNS: &str = "id, person_id, from_user_id, from_organisation_id, to_team_id, \
     to_organisation_id, agreement_id, urgency, reason, sections, status, created_at, \
     acknowledge_due, respond_due, acknowledged_at, acknowledged_by, decided_at, decided_by, \
     decision_note, redirected_from, escalation_step";

pub async fn insert_referral(conn: &mut Conn, r: &Referral) -> Result<(), StoreError> {
    let sections =
        serde_json::to_string(&r.sections).map_err(|e| StoreError::corrupt("referral", e))?;
    sqlx::query(&format!(
        "INSERT INTO referrals ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
         $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
    ))
    .bind(r.id.to_string())
    .bind(r.person.to_string())
    .bind(r.from_user.to_string())
    .bind(r.from_organisation.to_string())
    .bind(r.to_team.to_string())
    .bind(r.to_organisation.to_string())
    .bind(r.agreement.to_string())
    .bind(r.urgency.as_str())
    .bind(r.reason.clone())
    .bind(sections)
    .bind(r.status.as_str())
    .bind(time::encode(r.created_at))
    .bind(time::encode(r.acknowledge_due))
    .bind(time::encode(r.respond_due))
    .bind(r.acknowledged_at.map(time::encode))
    .bind(r.acknowledged_by.map(|u| u.to_string()))
    .bind(r.decided_at.map(time::encode))
    .bind(r.decided_by.map(|u| u.to_string()))
    .bind(r.decision_note.clone())
    .bind(r.redirected_from.map(|u| u.to_string()))
    .bind(r.escalation_step)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes what changes over a referral's life: status, acknowledgement,
/// decision, escalation step.
pub async fn save_progress(conn: &mut Conn, r: &Referral) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE referrals SET status = $1, acknowledged_at = $2, acknowledged_by = $3, \
         decided_at = $4, decided_by = $5, decision_note = $6, escalation_step = $7 WHERE id = $8",
    )
    .bind(r.status.as_str())
    .bind(r.acknowledged_at.map(time::encode))
    .bind(r.acknowledged_by.map(|u| u.to_string()))
    .bind(r.decided_at.map(time::encode))
    .bind(r.decided_by.map(|u| u.to_string()))
    .bind(r.decision_note.clone())
    .bind(r.escalation_step)
    .bind(r.id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// A referral; with `for_update` its row stays locked (PostgreSQL) until
/// the transaction ends, so an acknowledgement and an escalation cannot
/// both act on what they read.
pub async fn referral_by_id(
    conn: &mut Conn,
    id: ReferralId,
    for_update: bool,
) -> Result<Option<Referral>, StoreError> {
    let lock = if for_update { lock_rows(conn) } else { "" };
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM referrals WHERE id = $1{lock}"
    ))
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Whose referrals a list is about.
#[derive(Debug, Clone, Copy)]
pub enum Listing {
    /// Sent to this team: its inbox.
    ToTeam(TeamId),
    /// Sent by this user: their outbox.
    FromUser(UserId),
    /// About this person.
    Person(PersonId),
}

/// What a list is narrowed to: referrals about people whose given or
/// family name starts with `name`, and only those still open.
#[derive(Debug, Clone, Default)]
pub struct Narrowing {
    pub name: Option<String>,
    pub open_only: bool,
}

/// Newest first, at most `limit`.
pub async fn referrals(
    conn: &mut Conn,
    listing: Listing,
    offset: u32,
    limit: u32,
) -> Result<Vec<Referral>, StoreError> {
    narrowed(conn, listing, &Narrowing::default(), offset, limit).await
}

/// A list narrowed as `narrowing` says, newest first, at most `limit`.
pub async fn narrowed(
    conn: &mut Conn,
    listing: Listing,
    narrowing: &Narrowing,
    offset: u32,
    limit: u32,
) -> Result<Vec<Referral>, StoreError> {
    let (column, value) = match listing {
        Listing::ToTeam(t) => ("to_team_id", t.to_string()),
        Listing::FromUser(u) => ("from_user_id", u.to_string()),
        Listing::Person(p) => ("person_id", p.to_string()),
    };
    let name = narrowing
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let named = if name.is_some() {
        " AND person_id IN (SELECT id FROM persons WHERE family_name_key LIKE $2 ESCAPE '\\' \
         OR LOWER(given_name) LIKE $2 ESCAPE '\\')"
    } else {
        ""
    };
    let open = if narrowing.open_only {
        let codes: Vec<String> = ReferralStatus::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        format!(" AND status IN ({})", codes.join(", "))
    } else {
        String::new()
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM referrals WHERE {column} = $1{named}{open} \
         ORDER BY created_at DESC, id LIMIT {limit} OFFSET {offset}"
    );
    let mut query = sqlx::query(&sql).bind(value);
    if let Some(name) = name {
        query = query.bind(crate::covered::starts(name));
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter().map(from_row).collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralEvent {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub actor: Option<UserId>,
    pub actor_name: String,
    pub note: String,
}

pub async fn add_event(
    conn: &mut Conn,
    referral: ReferralId,
    event: &ReferralEvent,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO referral_events (referral_id, seq, at, kind, actor_user_id, actor_name, note) \
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM referral_events WHERE referral_id = $1), \
         $2, $3, $4, $5, $6)",
    )
    .bind(referral.to_string())
    .bind(time::encode(event.at))
    .bind(event.kind.clone())
    .bind(event.actor.map(|u| u.to_string()))
    .bind(event.actor_name.clone())
    .bind(event.note.clone())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn events_of(
    conn: &mut Conn,
    referral: ReferralId,
) -> Result<Vec<ReferralEvent>, StoreError> {
    let rows = sqlx::query(
        "SELECT at, kind, actor_user_id, actor_name, note FROM referral_events \
         WHERE referral_id = $1 ORDER BY seq",
    )
    .bind(referral.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ReferralEvent {
                at: rows::instant(r, "at")?,
                kind: rows::text(r, "kind")?,
                actor: rows::opt_id(r, "actor_user_id")?,
                actor_name: rows::text(r, "actor_name")?,
                note: rows::text(r, "note")?,
            })
        })
        .collect()
}

/// What an agreement promises, and its escalation contact. An agreement
/// that never set its own gets the defaults and no contact.
pub async fn service_levels(
    conn: &mut Conn,
    agreement: AgreementId,
) -> Result<(ServiceLevels, Option<UserId>), StoreError> {
    let row = sqlx::query(
        "SELECT levels, escalation_user_id FROM agreement_service_levels WHERE agreement_id = $1",
    )
    .bind(agreement.to_string())
    .fetch_optional(conn)
    .await?;
    match row {
        None => Ok((ServiceLevels::default(), None)),
        Some(r) => Ok((
            serde_json::from_str(&rows::text(&r, "levels")?)
                .map_err(|e| StoreError::corrupt("service levels", e))?,
            rows::opt_id(&r, "escalation_user_id")?,
        )),
    }
}

pub async fn set_service_levels(
    conn: &mut Conn,
    agreement: AgreementId,
    levels: &ServiceLevels,
    escalation_user: Option<UserId>,
    by: UserId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let levels =
        serde_json::to_string(levels).map_err(|e| StoreError::corrupt("service levels", e))?;
    sqlx::query(
        "INSERT INTO agreement_service_levels (agreement_id, levels, escalation_user_id, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (agreement_id) DO UPDATE SET levels = $2, \
         escalation_user_id = $3, updated_by = $4, updated_at = $5",
    )
    .bind(agreement.to_string())
    .bind(levels)
    .bind(escalation_user.map(|u| u.to_string()))
    .bind(by.to_string())
    .bind(time::encode(at))
    .execute(conn)
    .await?;
    Ok(())
}

fn from_row(row: &AnyRow) -> Result<Referral, StoreError> {
    let bad = |e: &dyn std::fmt::Display| StoreError::corrupt("referral", e);
    Ok(Referral {
        id: rows::id(row, "id")?,
        person: rows::id(row, "person_id")?,
        from_user: rows::id(row, "from_user_id")?,
        from_organisation: rows::id(row, "from_organisation_id")?,
        to_team: rows::id(row, "to_team_id")?,
        to_organisation: rows::id(row, "to_organisation_id")?,
        agreement: rows::id(row, "agreement_id")?,
        urgency: Urgency::parse(&rows::text(row, "urgency")?).map_err(|e| bad(&e))?,
        reason: rows::text(row, "reason")?,
        sections: serde_json::from_str(&rows::text(row, "sections")?).map_err(|e| bad(&e))?,
        status: ReferralStatus::parse(&rows::text(row, "status")?).map_err(|e| bad(&e))?,
        created_at: rows::instant(row, "created_at")?,
        acknowledge_due: rows::instant(row, "acknowledge_due")?,
        respond_due: rows::instant(row, "respond_due")?,
        acknowledged_at: rows::opt_instant(row, "acknowledged_at")?,
        acknowledged_by: rows::opt_id(row, "acknowledged_by")?,
        decided_at: rows::opt_instant(row, "decided_at")?,
        decided_by: rows::opt_id(row, "decided_by")?,
        decision_note: rows::opt_text(row, "decision_note")?,
        redirected_from: rows::opt_id(row, "redirected_from")?,
        escalation_step: rows::int(row, "escalation_step")?,
    })
}
