//! Information sharing agreements, their signatures and their history.

use chrono::{DateTime, Utc};
use concordat_domain::agreement::{Agreement, AgreementStatus, Signature, Terms};
use concordat_domain::ids::{AgreementId, OrganisationId, UserId};
use sqlx::any::AnyRow;

use crate::{access_versions, rows, time, Conn, StoreError};

/// One entry in an agreement's history.
#[derive(Debug, Clone)]
pub struct AgreementEvent {
    pub seq: i64,
    pub version: i64,
    pub event: String,
    pub status: AgreementStatus,
    pub terms: Terms,
    pub changed_by: UserId,
    pub changed_at: DateTime<Utc>,
}

fn terms_json(agreement: &Agreement) -> Result<String, StoreError> {
    serde_json::to_string(agreement.terms()).map_err(|e| StoreError::corrupt("agreement terms", e))
}

/// Writes the agreement's current state (new or changed) and appends `event`
/// to its history, in the caller's transaction.
pub async fn save_agreement(
    conn: &mut Conn,
    agreement: &Agreement,
    event: &str,
    by: UserId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let terms = agreement.terms();
    let json = terms_json(agreement)?;
    sqlx::query(
        "INSERT INTO agreements (id, version, title, tier, status, starts_on, ends_on, review_on, terms, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, title = excluded.title, \
         tier = excluded.tier, status = excluded.status, starts_on = excluded.starts_on, \
         ends_on = excluded.ends_on, review_on = excluded.review_on, terms = excluded.terms, \
         updated_at = excluded.updated_at",
    )
    .bind(agreement.id().to_string())
    .bind(agreement.version())
    .bind(terms.title.clone())
    .bind(terms.tier.as_str())
    .bind(agreement.status().as_str())
    .bind(time::encode_date(terms.starts_on))
    .bind(terms.ends_on.map(time::encode_date))
    .bind(time::encode_date(terms.review_on))
    .bind(json.clone())
    .bind(time::encode(at))
    .execute(&mut *conn)
    .await?;

    sqlx::query("DELETE FROM agreement_parties WHERE agreement_id = $1")
        .bind(agreement.id().to_string())
        .execute(&mut *conn)
        .await?;
    for party in &terms.parties {
        sqlx::query(
            "INSERT INTO agreement_parties (agreement_id, organisation_id) VALUES ($1, $2)",
        )
        .bind(agreement.id().to_string())
        .bind(party.to_string())
        .execute(&mut *conn)
        .await?;
    }
    for signature in agreement.signatures() {
        sqlx::query(
            "INSERT INTO agreement_signatures (agreement_id, version, organisation_id, signed_by, signed_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (agreement_id, version, organisation_id) DO NOTHING",
        )
        .bind(agreement.id().to_string())
        .bind(agreement.version())
        .bind(signature.organisation.to_string())
        .bind(signature.signed_by.to_string())
        .bind(time::encode(signature.signed_at))
        .execute(&mut *conn)
        .await?;
    }

    sqlx::query(
        "INSERT INTO agreement_history (agreement_id, seq, version, event, status, terms, changed_by, changed_at) \
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM agreement_history WHERE agreement_id = $1), \
         $2, $3, $4, $5, $6, $7)",
    )
    .bind(agreement.id().to_string())
    .bind(agreement.version())
    .bind(event.to_owned())
    .bind(agreement.status().as_str())
    .bind(json)
    .bind(by.to_string())
    .bind(time::encode(at))
    .execute(&mut *conn)
    .await?;
    access_versions::partnership_changed(conn).await?;
    Ok(())
}

const AGREEMENT_COLUMNS: &str = "a.id, a.version, a.status, a.terms";

pub async fn agreement_by_id(
    conn: &mut Conn,
    id: AgreementId,
) -> Result<Option<Agreement>, StoreError> {
    let sql = format!("SELECT {AGREEMENT_COLUMNS} FROM agreements a WHERE a.id = $1");
    let row = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => Ok(Some(from_row(conn, &row).await?)),
        None => Ok(None),
    }
}

/// Reads agreement `id` for changing it: the row stays locked until the
/// caller's transaction ends, so two parties signing at once cannot each
/// save a version that misses the other's signature.
pub async fn agreement_for_update(
    conn: &mut Conn,
    id: AgreementId,
) -> Result<Option<Agreement>, StoreError> {
    let sql = format!(
        "SELECT {AGREEMENT_COLUMNS} FROM agreements a WHERE a.id = $1{}",
        crate::backend::lock_rows(conn)
    );
    let row = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => Ok(Some(from_row(conn, &row).await?)),
        None => Ok(None),
    }
}

/// Every agreement, newest first.
pub async fn list_agreements(conn: &mut Conn) -> Result<Vec<Agreement>, StoreError> {
    let sql = format!("SELECT {AGREEMENT_COLUMNS} FROM agreements a ORDER BY a.updated_at DESC");
    let rows = sqlx::query(&sql).fetch_all(&mut *conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(from_row(conn, row).await?);
    }
    Ok(out)
}

/// The agreements an organisation is party to, whatever their status: the
/// access decision judges status and dates itself.
pub async fn agreements_of_organisation(
    conn: &mut Conn,
    organisation: OrganisationId,
) -> Result<Vec<Agreement>, StoreError> {
    let sql = format!(
        "SELECT {AGREEMENT_COLUMNS} FROM agreements a \
         JOIN agreement_parties p ON p.agreement_id = a.id WHERE p.organisation_id = $1 \
         ORDER BY a.id"
    );
    let rows = sqlx::query(&sql)
        .bind(organisation.to_string())
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(from_row(conn, row).await?);
    }
    Ok(out)
}

pub async fn agreement_history(
    conn: &mut Conn,
    id: AgreementId,
) -> Result<Vec<AgreementEvent>, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, version, event, status, terms, changed_by, changed_at FROM agreement_history \
         WHERE agreement_id = $1 ORDER BY seq",
    )
    .bind(id.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(AgreementEvent {
                seq: rows::int(row, "seq")?,
                version: rows::int(row, "version")?,
                event: rows::text(row, "event")?,
                status: AgreementStatus::parse(&rows::text(row, "status")?)
                    .map_err(|e| StoreError::corrupt("agreement history", e))?,
                terms: serde_json::from_str(&rows::text(row, "terms")?)
                    .map_err(|e| StoreError::corrupt("agreement history", e))?,
                changed_by: rows::id(row, "changed_by")?,
                changed_at: rows::instant(row, "changed_at")?,
            })
        })
        .collect()
}

async fn from_row(conn: &mut Conn, row: &AnyRow) -> Result<Agreement, StoreError> {
    let bad = |e: &dyn std::fmt::Display| StoreError::corrupt("agreement", e);
    let id: AgreementId = rows::id(row, "id")?;
    let version = rows::int(row, "version")?;
    let status = AgreementStatus::parse(&rows::text(row, "status")?).map_err(|e| bad(&e))?;
    let terms: Terms = serde_json::from_str(&rows::text(row, "terms")?).map_err(|e| bad(&e))?;
    let signature_rows = sqlx::query(
        "SELECT organisation_id, signed_by, signed_at FROM agreement_signatures \
         WHERE agreement_id = $1 AND version = $2 ORDER BY signed_at",
    )
    .bind(id.to_string())
    .bind(version)
    .fetch_all(&mut *conn)
    .await?;
    let signatures = signature_rows
        .iter()
        .map(|r| {
            Ok(Signature {
                organisation: rows::id(r, "organisation_id")?,
                signed_by: rows::id(r, "signed_by")?,
                signed_at: rows::instant(r, "signed_at")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Agreement::restore(id, version, terms, status, signatures).map_err(|e| bad(&e))
}
