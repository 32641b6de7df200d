//! Safety flags and their reviews.

use chrono::{DateTime, NaiveDate, Utc};
use concordat_domain::flag::{FlagCategory, FlagState, SafetyFlag, Severity};
use concordat_domain::ids::{FlagId, PersonId, UserId};
use sqlx::any::AnyRow;

use crate::{access_versions, rows, time, Conn, StoreError};

const COLUMNS: &str =
    "id, person_id, category, severity, summary, basis, raised_by, raised_by_name, \
     organisation_id, raised_at, review_on, ends_on, status, closed_reason";

pub async fn insert_flag(conn: &mut Conn, f: &SafetyFlag) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO safety_flags ({COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    ))
    .bind(f.id.to_string())
    .bind(f.person.to_string())
    .bind(f.category.as_str())
    .bind(f.severity.as_str())
    .bind(f.summary.clone())
    .bind(f.basis.clone())
    .bind(f.raised_by.to_string())
    .bind(f.raised_by_name.clone())
    .bind(f.organisation.to_string())
    .bind(time::encode(f.raised_at))
    .bind(time::encode_date(f.review_on))
    .bind(f.ends_on.map(time::encode_date))
    .bind(f.state.as_str())
    .bind(f.closed_reason.clone())
    .execute(&mut *conn)
    .await?;
    // What a crisis look-up shows is kept under the person's version.
    access_versions::person_changed(conn, f.person).await
}

/// Every flag of a person, inactive and expired included, newest first.
pub async fn flags_of(conn: &mut Conn, person: PersonId) -> Result<Vec<SafetyFlag>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM safety_flags WHERE person_id = $1 ORDER BY raised_at DESC, id"
    ))
    .bind(person.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn flag_by_id(conn: &mut Conn, id: FlagId) -> Result<Option<SafetyFlag>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM safety_flags WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// A review of a flag: kept (with its next review date) or made inactive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagReview {
    pub flag: FlagId,
    pub reviewed_at: DateTime<Utc>,
    pub reviewed_by: UserId,
    pub reviewer_name: String,
    pub kept: bool,
    pub note: String,
    pub next_review_on: Option<NaiveDate>,
}

/// Records `review` and applies it to the flag.
pub async fn record_review(conn: &mut Conn, review: &FlagReview) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO safety_flag_reviews (flag_id, reviewed_at, reviewed_by, reviewer_name, \
         outcome, note, next_review_on) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(review.flag.to_string())
    .bind(time::encode(review.reviewed_at))
    .bind(review.reviewed_by.to_string())
    .bind(review.reviewer_name.clone())
    .bind(if review.kept { "kept" } else { "made-inactive" })
    .bind(review.note.clone())
    .bind(review.next_review_on.map(time::encode_date))
    .execute(&mut *conn)
    .await?;
    if review.kept {
        sqlx::query("UPDATE safety_flags SET review_on = COALESCE($1, review_on) WHERE id = $2")
            .bind(review.next_review_on.map(time::encode_date))
            .bind(review.flag.to_string())
            .execute(&mut *conn)
            .await?;
    } else {
        sqlx::query(
            "UPDATE safety_flags SET status = 'inactive', closed_reason = $1 WHERE id = $2",
        )
        .bind(review.note.clone())
        .bind(review.flag.to_string())
        .execute(&mut *conn)
        .await?;
    }
    // What a crisis look-up shows is kept under the person's version.
    sqlx::query(
        "UPDATE persons SET access_version = access_version + 1 \
         WHERE id = (SELECT person_id FROM safety_flags WHERE id = $1)",
    )
    .bind(review.flag.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// The reviews of a flag, oldest first.
pub async fn reviews_of(conn: &mut Conn, flag: FlagId) -> Result<Vec<FlagReview>, StoreError> {
    let rows = sqlx::query(
        "SELECT flag_id, reviewed_at, reviewed_by, reviewer_name, outcome, note, next_review_on \
         FROM safety_flag_reviews WHERE flag_id = $1 ORDER BY reviewed_at",
    )
    .bind(flag.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(FlagReview {
                flag: rows::id(r, "flag_id")?,
                reviewed_at: rows::instant(r, "reviewed_at")?,
                reviewed_by: rows::id(r, "reviewed_by")?,
                reviewer_name: rows::text(r, "reviewer_name")?,
                kept: rows::text(r, "outcome")? == "kept",
                note: rows::text(r, "note")?,
                next_review_on: rows::opt_text(r, "next_review_on")?
                    .map(|d| time::decode_date(&d))
                    .transpose()?,
            })
        })
        .collect()
}

fn from_row(row: &AnyRow) -> Result<SafetyFlag, StoreError> {
    let bad = |e: &dyn std::fmt::Display| StoreError::corrupt("safety flag", e);
    Ok(SafetyFlag {
        id: rows::id(row, "id")?,
        person: rows::id(row, "person_id")?,
        category: FlagCategory::parse(&rows::text(row, "category")?).map_err(|e| bad(&e))?,
        severity: Severity::parse(&rows::text(row, "severity")?).map_err(|e| bad(&e))?,
        summary: rows::text(row, "summary")?,
        basis: rows::text(row, "basis")?,
        raised_by: rows::id(row, "raised_by")?,
        raised_by_name: rows::text(row, "raised_by_name")?,
        organisation: rows::id(row, "organisation_id")?,
        raised_at: rows::instant(row, "raised_at")?,
        review_on: time::decode_date(&rows::text(row, "review_on")?)?,
        ends_on: rows::opt_text(row, "ends_on")?
            .map(|d| time::decode_date(&d))
            .transpose()?,
        state: FlagState::parse(&rows::text(row, "status")?).map_err(|e| bad(&e))?,
        closed_reason: rows::opt_text(row, "closed_reason")?,
    })
}
