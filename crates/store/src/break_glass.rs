//! Break-glass uses: the grant, its review by information governance, and
//! any deferral of its disclosure to the person.

use concordat_domain::break_glass::{BreakGlass, Deferral, Justification, OverrideBasis, Review};
use concordat_domain::ids::{OrganisationId, PersonId, UserId};
use sqlx::any::AnyRow;

use crate::{access_versions, rows, time, Conn, StoreError};

const COLUMNS: &str = "id, user_id, person_id, basis, justification, granted_at, expires_at, \
    reviewed_by, reviewed_at, review_appropriate, review_note, deferred_by, deferral_reason, deferred_until";

pub async fn insert_break_glass(
    conn: &mut Conn,
    use_: &BreakGlass,
    organisation: OrganisationId,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO break_glass (id, user_id, organisation_id, person_id, basis, justification, granted_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(use_.id.to_string())
    .bind(use_.user.to_string())
    .bind(organisation.to_string())
    .bind(use_.person.to_string())
    .bind(use_.basis.as_str())
    .bind(use_.justification.as_str().to_owned())
    .bind(time::encode(use_.granted_at))
    .bind(time::encode(use_.expires_at))
    .execute(&mut *conn)
    .await?;
    access_versions::person_changed(conn, use_.person).await?;
    Ok(())
}

/// The grants `user` holds for `person`, expired ones included.
pub async fn grants_for(
    conn: &mut Conn,
    user: UserId,
    person: PersonId,
) -> Result<Vec<BreakGlass>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM break_glass WHERE user_id = $1 AND person_id = $2 ORDER BY granted_at"
    );
    let rows = sqlx::query(&sql)
        .bind(user.to_string())
        .bind(person.to_string())
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn break_glass_by_id(
    conn: &mut Conn,
    id: uuid::Uuid,
) -> Result<Option<BreakGlass>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM break_glass WHERE id = $1");
    let row = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The uses an information governance lead of `organisation` answers for,
/// newest first (the review queue): those by its own staff, and those on
/// people whose records it holds (it is on their care team).
pub async fn uses_for_governance(
    conn: &mut Conn,
    organisation: OrganisationId,
    limit: i64,
) -> Result<Vec<BreakGlass>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM break_glass WHERE organisation_id = $1 OR person_id IN (\
         SELECT ct.person_id FROM care_teams ct \
         JOIN care_team_members m ON m.care_team_id = ct.id WHERE m.organisation_id = $2) \
         ORDER BY granted_at DESC LIMIT $3"
    );
    let rows = sqlx::query(&sql)
        .bind(organisation.to_string())
        .bind(organisation.to_string())
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Whether an information governance lead of `organisation` answers for
/// the use `id` (see [`uses_for_governance`]).
pub async fn governed_by(
    conn: &mut Conn,
    id: uuid::Uuid,
    organisation: OrganisationId,
) -> Result<bool, StoreError> {
    let row = sqlx::query(
        "SELECT 1 AS found FROM break_glass WHERE id = $1 AND (organisation_id = $2 OR person_id IN (\
         SELECT ct.person_id FROM care_teams ct \
         JOIN care_team_members m ON m.care_team_id = ct.id WHERE m.organisation_id = $3))",
    )
    .bind(id.to_string())
    .bind(organisation.to_string())
    .bind(organisation.to_string())
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

/// Uses on one person's record, for their access log.
pub async fn uses_on_person(
    conn: &mut Conn,
    person: PersonId,
) -> Result<Vec<BreakGlass>, StoreError> {
    let sql =
        format!("SELECT {COLUMNS} FROM break_glass WHERE person_id = $1 ORDER BY granted_at DESC");
    let rows = sqlx::query(&sql)
        .bind(person.to_string())
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn record_review(
    conn: &mut Conn,
    id: uuid::Uuid,
    review: &Review,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE break_glass SET reviewed_by = $1, reviewed_at = $2, review_appropriate = $3, review_note = $4 \
         WHERE id = $5 AND reviewed_at IS NULL",
    )
    .bind(review.reviewer.to_string())
    .bind(time::encode(review.reviewed_at))
    .bind(i64::from(review.appropriate))
    .bind(review.note.clone())
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn record_deferral(
    conn: &mut Conn,
    id: uuid::Uuid,
    deferral: &Deferral,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE break_glass SET deferred_by = $1, deferral_reason = $2, deferred_until = $3 WHERE id = $4",
    )
    .bind(deferral.deferred_by.to_string())
    .bind(deferral.reason.clone())
    .bind(time::encode_date(deferral.until))
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

fn from_row(row: &AnyRow) -> Result<BreakGlass, StoreError> {
    let bad = |e: &dyn std::fmt::Display| StoreError::corrupt("break-glass", e);
    let review = match (
        rows::opt_id::<concordat_domain::ids::markers::User>(row, "reviewed_by")?,
        rows::opt_instant(row, "reviewed_at")?,
    ) {
        (Some(reviewer), Some(reviewed_at)) => Some(Review {
            reviewer,
            appropriate: rows::int(row, "review_appropriate")? != 0,
            note: rows::opt_text(row, "review_note")?.unwrap_or_default(),
            reviewed_at,
        }),
        _ => None,
    };
    let deferral = match (
        rows::opt_id::<concordat_domain::ids::markers::User>(row, "deferred_by")?,
        rows::opt_text(row, "deferred_until")?,
    ) {
        (Some(deferred_by), Some(until)) => Some(Deferral {
            deferred_by,
            reason: rows::opt_text(row, "deferral_reason")?.unwrap_or_default(),
            until: time::decode_date(&until)?,
        }),
        _ => None,
    };
    Ok(BreakGlass {
        id: uuid::Uuid::parse_str(&rows::text(row, "id")?).map_err(|e| bad(&e))?,
        user: rows::id(row, "user_id")?,
        person: rows::id(row, "person_id")?,
        basis: OverrideBasis::parse(&rows::text(row, "basis")?).map_err(|e| bad(&e))?,
        justification: Justification::parse(&rows::text(row, "justification")?)
            .map_err(|e| bad(&e))?,
        granted_at: rows::instant(row, "granted_at")?,
        expires_at: rows::instant(row, "expires_at")?,
        review,
        deferral,
    })
}
