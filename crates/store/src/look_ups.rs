//! Crisis look-ups as the relationships they are: whoever looked a person
//! up, for a reason, may read their crisis summary until the look-up ends,
//! and nobody else gains anything by it. Kept beside the audit log (in its
//! file, on SQLite) and written in the transaction of the look-up's audit
//! entry (`relationships::Opening::LookUp`), so a look-up writes nothing in
//! the main file and moves no access version: the looker's own facts are
//! read afresh on each of their requests instead (see the server's
//! `authorisation`), which is what lets look-ups scale as audited reads do.

use chrono::{DateTime, Utc};
use concordat_domain::ids::{OrganisationId, PersonId, UserId};

use crate::relationships::{CareRelationship, RelationshipKind};
use crate::{rows, time, Conn, StoreError};

/// How many of one user's look-ups of one person are read: one per reason,
/// the latest ending first. More reasons than this for one person gain the
/// user nothing the latest do not.
const READ_AT_MOST: i64 = 16;

/// `user`'s look-ups of `person` from `organisation`, ended ones included
/// (the decision judges them against its own `now`), latest ending first.
pub async fn look_ups_of(
    conn: &mut Conn,
    user: UserId,
    organisation: OrganisationId,
    person: PersonId,
) -> Result<Vec<CareRelationship>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, reason, started_at, ends_at FROM look_ups \
         WHERE user_id = $1 AND person_id = $2 AND organisation_id = $3 \
         ORDER BY ends_at DESC LIMIT $4",
    )
    .bind(user.to_string())
    .bind(person.to_string())
    .bind(organisation.to_string())
    .bind(READ_AT_MOST)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CareRelationship {
                id: uuid::Uuid::parse_str(&rows::text(row, "id")?)
                    .map_err(|e| StoreError::corrupt("look-up", e))?,
                person,
                organisation,
                user: Some(user),
                team: None,
                contact_kind: None,
                kind: RelationshipKind::CrisisLookup,
                reason: rows::text(row, "reason")?,
                started_at: rows::instant(row, "started_at")?,
                ends_at: rows::instant(row, "ends_at")?,
            })
        })
        .collect()
}

/// The statement that records a look-up: a new row, or the same user's
/// look-up of the same person for the same reason lasting until the later
/// end (begun again if it had ended). Its parameters are anonymous on
/// SQLite, so it can go in a statement list; bind with [`bind`].
pub(crate) fn record_sql(conn: &Conn) -> String {
    format!(
        "INSERT INTO look_ups (id, user_id, organisation_id, person_id, reason, started_at, \
         ends_at) VALUES ({}) ON CONFLICT (user_id, person_id, organisation_id, reason) DO UPDATE \
         SET started_at = CASE WHEN look_ups.ends_at <= excluded.started_at \
         THEN excluded.started_at ELSE look_ups.started_at END, \
         ends_at = CASE WHEN look_ups.ends_at > excluded.ends_at \
         THEN look_ups.ends_at ELSE excluded.ends_at END",
        rows::parameters(conn, 1, 7)
    )
}

/// Binds the parameters of [`record_sql`].
pub(crate) fn bind<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    look_up: &LookUp,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(look_up.id.to_string())
        .bind(look_up.user.to_string())
        .bind(look_up.organisation.to_string())
        .bind(look_up.person.to_string())
        .bind(look_up.reason.clone())
        .bind(time::encode(look_up.started_at))
        .bind(time::encode(look_up.ends_at))
}

/// A look-up to record.
#[derive(Debug, Clone)]
pub struct LookUp {
    pub id: uuid::Uuid,
    pub user: UserId,
    pub organisation: OrganisationId,
    pub person: PersonId,
    pub reason: String,
    pub started_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl LookUp {
    /// The look-up a relationship of kind `CrisisLookup` describes; `None`
    /// for any other kind, or one naming no user (a look-up is always
    /// someone's).
    pub fn from_relationship(r: &CareRelationship) -> Option<Self> {
        (r.kind == RelationshipKind::CrisisLookup).then_some(())?;
        Some(Self {
            id: r.id,
            user: r.user?,
            organisation: r.organisation,
            person: r.person,
            reason: r.reason.clone(),
            started_at: r.started_at,
            ends_at: r.ends_at,
        })
    }
}

/// Records `look_up` on the caller's connection (in the caller's
/// transaction).
pub async fn record(conn: &mut Conn, look_up: &LookUp) -> Result<(), StoreError> {
    let sql = record_sql(conn);
    bind(sqlx::query(&sql), look_up).execute(&mut *conn).await?;
    Ok(())
}
