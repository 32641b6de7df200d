//! A person's advance choices for a crisis, version by version: the
//! document in force is the one not superseded; recording a new version
//! supersedes it and moves the person's access version in the same
//! transaction, since the access decision reads the choices in force.

use chrono::{DateTime, NaiveDate, Utc};
use concordat_domain::advance_choice::{AdvanceChoice, ChoiceEffect, CrisisKind};
use concordat_domain::category::DataCategory;
use concordat_domain::consent::ConsentScope;
use concordat_domain::contact_event::ContactKind;
use concordat_domain::ids::{AdvanceChoicesId, PersonId, UserId};
use concordat_domain::purpose::Purpose;
use sqlx::any::AnyRow;

use crate::{access_versions, rows, time, Conn, StoreError};

/// One version of a person's advance choice document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvanceChoices {
    pub id: AdvanceChoicesId,
    pub person: PersonId,
    /// 1 for the first document, one more for each new version.
    pub version: i64,
    /// What the person wants, in their own words.
    pub statement: String,
    pub choices: Vec<AdvanceChoice>,
    pub witnessed_by: UserId,
    pub witnessed_by_name: String,
    pub witnessed_at: DateTime<Utc>,
    pub review_by: NaiveDate,
    pub recorded_by: UserId,
    pub recorded_at: DateTime<Utc>,
    /// When a later version replaced this one; `None` while in force.
    pub superseded_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, person_id, version, statement, witnessed_by, witnessed_by_name, \
     witnessed_at, review_by, recorded_by, recorded_at, superseded_at";

/// Records `document` as the person's new version (its `version` is set
/// here, one above the latest), superseding the one in force. Run it in
/// the caller's transaction.
pub async fn record(conn: &mut Conn, document: &mut AdvanceChoices) -> Result<(), StoreError> {
    let person = document.person.to_string();
    let latest: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(version) FROM advance_choice_documents WHERE person_id = $1",
    )
    .bind(person.clone())
    .fetch_one(&mut *conn)
    .await?;
    document.version = latest.unwrap_or(0) + 1;
    sqlx::query(
        "UPDATE advance_choice_documents SET superseded_at = $1 \
         WHERE person_id = $2 AND superseded_at IS NULL",
    )
    .bind(time::encode(document.recorded_at))
    .bind(person.clone())
    .execute(&mut *conn)
    .await?;
    sqlx::query(&format!(
        "INSERT INTO advance_choice_documents ({COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL)"
    ))
    .bind(document.id.to_string())
    .bind(person)
    .bind(document.version)
    .bind(document.statement.clone())
    .bind(document.witnessed_by.to_string())
    .bind(document.witnessed_by_name.clone())
    .bind(time::encode(document.witnessed_at))
    .bind(time::encode_date(document.review_by))
    .bind(document.recorded_by.to_string())
    .bind(time::encode(document.recorded_at))
    .execute(&mut *conn)
    .await?;
    for (position, choice) in document.choices.iter().enumerate() {
        sqlx::query(
            "INSERT INTO advance_choices (document_id, position, effect, during, \
             organisation_id, category, purpose) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(document.id.to_string())
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(choice.effect.as_str())
        .bind(choice.during.map(CrisisKind::as_str))
        .bind(choice.scope.organisation.map(|o| o.to_string()))
        .bind(choice.scope.category.map(DataCategory::as_str))
        .bind(choice.scope.purpose.map(Purpose::as_str))
        .execute(&mut *conn)
        .await?;
    }
    access_versions::person_changed(conn, document.person).await
}

/// The person's document in force, if they have one.
pub async fn in_force(
    conn: &mut Conn,
    person: PersonId,
) -> Result<Option<AdvanceChoices>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM advance_choice_documents \
         WHERE person_id = $1 AND superseded_at IS NULL"
    ))
    .bind(person.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => Ok(Some(with_choices(conn, &row).await?)),
        None => Ok(None),
    }
}

/// Every version of the person's document, the latest first.
pub async fn versions(
    conn: &mut Conn,
    person: PersonId,
) -> Result<Vec<AdvanceChoices>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM advance_choice_documents WHERE person_id = $1 \
         ORDER BY version DESC"
    ))
    .bind(person.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let mut documents = Vec::with_capacity(rows.len());
    for row in &rows {
        documents.push(with_choices(conn, row).await?);
    }
    Ok(documents)
}

async fn with_choices(conn: &mut Conn, row: &AnyRow) -> Result<AdvanceChoices, StoreError> {
    let id: AdvanceChoicesId = rows::id(row, "id")?;
    let choices = sqlx::query(
        "SELECT effect, during, organisation_id, category, purpose FROM advance_choices \
         WHERE document_id = $1 ORDER BY position",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(choice)
    .collect::<Result<_, _>>()?;
    Ok(AdvanceChoices {
        id,
        person: rows::id(row, "person_id")?,
        version: rows::int(row, "version")?,
        statement: rows::text(row, "statement")?,
        choices,
        witnessed_by: rows::id(row, "witnessed_by")?,
        witnessed_by_name: rows::text(row, "witnessed_by_name")?,
        witnessed_at: rows::instant(row, "witnessed_at")?,
        review_by: time::decode_date(&rows::text(row, "review_by")?)?,
        recorded_by: rows::id(row, "recorded_by")?,
        recorded_at: rows::instant(row, "recorded_at")?,
        superseded_at: rows::opt_instant(row, "superseded_at")?,
    })
}

fn choice(row: &AnyRow) -> Result<AdvanceChoice, StoreError> {
    let corrupt = |e: String| StoreError::corrupt("advance choice", e);
    Ok(AdvanceChoice {
        effect: ChoiceEffect::parse(&rows::text(row, "effect")?)
            .map_err(|e| corrupt(e.to_string()))?,
        during: rows::opt_text(row, "during")?
            .map(|d| CrisisKind::parse(&d).map_err(|e| corrupt(e.to_string())))
            .transpose()?,
        scope: ConsentScope {
            organisation: rows::opt_id(row, "organisation_id")?,
            category: rows::opt_text(row, "category")?
                .map(|c| DataCategory::parse(&c).map_err(|e| corrupt(e.to_string())))
                .transpose()?,
            purpose: rows::opt_text(row, "purpose")?
                .map(|p| Purpose::parse(&p).map_err(|e| corrupt(e.to_string())))
                .transpose()?,
        },
    })
}

/// The crises the person has been in, by kind of contact, with when the
/// latest of each kind ends (or ended): recorded by any organisation, for
/// the advance choices that wait for them.
pub async fn crises_of(
    conn: &mut Conn,
    person: PersonId,
) -> Result<Vec<(ContactKind, DateTime<Utc>)>, StoreError> {
    let rows = sqlx::query(
        "SELECT contact_kind, MAX(ends_at) AS ends_at FROM care_relationships \
         WHERE person_id = $1 AND kind = 'active-contact' AND contact_kind IS NOT NULL \
         GROUP BY contact_kind",
    )
    .bind(person.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            let kind = ContactKind::parse(&rows::text(row, "contact_kind")?)
                .map_err(|e| StoreError::corrupt("relationship", e))?;
            Ok((kind, rows::instant(row, "ends_at")?))
        })
        .collect()
}
