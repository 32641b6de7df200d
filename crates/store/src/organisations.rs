//! The partner organisations.

use chrono::{DateTime, Utc};
use concordat_domain::ids::OrganisationId;
use concordat_domain::organisation::{Organisation, OrganisationCode, OrganisationKind};
use sqlx::any::AnyRow;

use crate::{access_versions, rows, time, Conn, StoreError};

pub async fn insert_organisation(
    conn: &mut Conn,
    org: &Organisation,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO organisations (id, code, name, kind, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(org.id().to_string())
    .bind(org.code().as_str().to_owned())
    .bind(org.name().to_owned())
    .bind(org.kind().as_str())
    .bind(time::encode(now))
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::unique_or(e, "organisation code", org.code().as_str().to_owned()))?;
    access_versions::partnership_changed(conn).await?;
    Ok(())
}

pub async fn list_organisations(conn: &mut Conn) -> Result<Vec<Organisation>, StoreError> {
    let rows = sqlx::query("SELECT id, code, name, kind FROM organisations ORDER BY name")
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn organisation_by_code(
    conn: &mut Conn,
    code: &OrganisationCode,
) -> Result<Option<Organisation>, StoreError> {
    let row = sqlx::query("SELECT id, code, name, kind FROM organisations WHERE code = $1")
        .bind(code.as_str().to_owned())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn organisation_by_id(
    conn: &mut Conn,
    id: OrganisationId,
) -> Result<Option<Organisation>, StoreError> {
    let row = sqlx::query("SELECT id, code, name, kind FROM organisations WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

fn from_row(row: &AnyRow) -> Result<Organisation, StoreError> {
    let what = "organisation";
    let code = OrganisationCode::parse(&rows::text(row, "code")?)
        .map_err(|e| StoreError::corrupt(what, e))?;
    let kind = OrganisationKind::parse(&rows::text(row, "kind")?)
        .map_err(|e| StoreError::corrupt(what, e))?;
    Organisation::new(rows::id(row, "id")?, code, &rows::text(row, "name")?, kind)
        .map_err(|e| StoreError::corrupt(what, e))
}
