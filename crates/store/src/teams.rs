//! Teams within organisations (a crisis team, a ward, street triage), each with
//! a duty number that partners can ring.

use concordat_domain::ids::{OrganisationId, TeamId};
use concordat_domain::organisation::Team;
use concordat_domain::text::PhoneNumber;
use sqlx::any::AnyRow;

use crate::{rows, Conn, StoreError};

pub async fn insert_team(conn: &mut Conn, team: &Team) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO teams (id, organisation_id, name, duty_phone, takes_referrals) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(team.id().to_string())
    .bind(team.organisation_id().to_string())
    .bind(team.name().to_owned())
    .bind(team.duty_phone().map(|p| p.as_str().to_owned()))
    .bind(i64::from(team.takes_referrals()))
    .execute(conn)
    .await
    .map_err(|e| StoreError::unique_or(e, "team", team.name().to_owned()))?;
    Ok(())
}

/// Every team in the partnership, by organisation then name.
pub async fn list_teams(conn: &mut Conn) -> Result<Vec<Team>, StoreError> {
    let rows = sqlx::query(
        "SELECT t.id, t.organisation_id, t.name, t.duty_phone, t.takes_referrals FROM teams t \
         JOIN organisations o ON o.id = t.organisation_id ORDER BY o.name, t.name",
    )
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn team_by_name(
    conn: &mut Conn,
    organisation: OrganisationId,
    name: &str,
) -> Result<Option<Team>, StoreError> {
    let row = sqlx::query(
        "SELECT id, organisation_id, name, duty_phone, takes_referrals FROM teams \
         WHERE organisation_id = $1 AND lower(name) = lower($2)",
    )
    .bind(organisation.to_string())
    .bind(name.to_owned())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn team_by_id(conn: &mut Conn, id: TeamId) -> Result<Option<Team>, StoreError> {
    let row = sqlx::query(
        "SELECT id, organisation_id, name, duty_phone, takes_referrals FROM teams WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

fn from_row(row: &AnyRow) -> Result<Team, StoreError> {
    let phone = rows::opt_text(row, "duty_phone")?
        .map(|p| PhoneNumber::parse(&p))
        .transpose()
        .map_err(|e| StoreError::corrupt("team", e))?;
    Team::new(
        rows::id(row, "id")?,
        rows::id(row, "organisation_id")?,
        &rows::text(row, "name")?,
        phone,
    )
    .map(|team| team.taking_referrals(rows::flag(row, "takes_referrals").unwrap_or(true)))
    .map_err(|e| StoreError::corrupt("team", e))
}

/// Saves a team's name, duty number and whether it takes referrals.
pub async fn update_team(conn: &mut Conn, team: &Team) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE teams SET name = $1, duty_phone = $2, takes_referrals = $3 WHERE id = $4",
    )
    .bind(team.name().to_owned())
    .bind(team.duty_phone().map(|p| p.as_str().to_owned()))
    .bind(i64::from(team.takes_referrals()))
    .bind(team.id().to_string())
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::unique_or(e, "team", team.name().to_owned()))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound {
            what: "team",
            key: team.id().to_string(),
        });
    }
    crate::access_versions::partnership_changed(conn).await?;
    Ok(())
}
