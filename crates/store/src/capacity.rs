//! Capacity assessments and best-interests decisions to share.

use chrono::{DateTime, Utc};
use concordat_domain::capacity::CapacityOutcome;
use concordat_domain::carer::CarerItem;
use concordat_domain::ids::{OrganisationId, PersonId, RelatedPersonId, UserId};
use sqlx::any::AnyRow;

use crate::{rows, time, Conn, StoreError};

pub type AssessmentId = uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub id: AssessmentId,
    pub person: PersonId,
    /// The one decision assessed: "whether to let the police see my plan".
    pub decision: String,
    pub outcome: CapacityOutcome,
    pub reasons: String,
    pub assessed_by: UserId,
    pub assessed_by_name: String,
    pub organisation: OrganisationId,
    pub assessed_at: DateTime<Utc>,
    /// From when the person sees it in their own account.
    pub told_from: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BestInterests {
    pub id: uuid::Uuid,
    pub person: PersonId,
    /// The assessment that found the person lacked capacity for it.
    pub assessment: AssessmentId,
    /// Who was consulted: family, carers, professionals.
    pub consulted: String,
    /// What the person is known to want, in their words where possible.
    pub known_wishes: String,
    pub shared_what: String,
    pub shared_with: String,
    pub why: String,
    pub decided_by: UserId,
    pub decided_by_name: String,
    pub organisation: OrganisationId,
    pub decided_at: DateTime<Utc>,
    pub told_from: DateTime<Utc>,
    /// A nominated carer the decision lets see items of the record, as the
    /// person would choose them: recorded with the person's choices for
    /// that carer, and shown to the person afterwards.
    pub carer_share: Option<CarerShare>,
}

/// What a best-interests decision shared with one nominated carer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarerShare {
    pub carer: RelatedPersonId,
    pub items: Vec<CarerItem>,
}

const ASSESSMENT_COLUMNS: &str = "id, person_id, decision, outcome, reasons, assessed_by, \
     assessed_by_name, organisation_id, assessed_at, told_from";

const DECISION_COLUMNS: &str = "id, person_id, assessment_id, consulted, known_wishes, \
     shared_what, shared_with, why, decided_by, decided_by_name, organisation_id, decided_at, \
     told_from, carer_related_person_id, carer_items";

pub async fn insert_assessment(conn: &mut Conn, a: &Assessment) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO capacity_assessments ({ASSESSMENT_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(a.id.to_string())
    .bind(a.person.to_string())
    .bind(a.decision.clone())
    .bind(a.outcome.as_str())
    .bind(a.reasons.clone())
    .bind(a.assessed_by.to_string())
    .bind(a.assessed_by_name.clone())
    .bind(a.organisation.to_string())
    .bind(time::encode(a.assessed_at))
    .bind(time::encode(a.told_from))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn insert_best_interests(conn: &mut Conn, d: &BestInterests) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO best_interests_decisions ({DECISION_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    ))
    .bind(d.id.to_string())
    .bind(d.person.to_string())
    .bind(d.assessment.to_string())
    .bind(d.consulted.clone())
    .bind(d.known_wishes.clone())
    .bind(d.shared_what.clone())
    .bind(d.shared_with.clone())
    .bind(d.why.clone())
    .bind(d.decided_by.to_string())
    .bind(d.decided_by_name.clone())
    .bind(d.organisation.to_string())
    .bind(time::encode(d.decided_at))
    .bind(time::encode(d.told_from))
    .bind(d.carer_share.as_ref().map(|c| c.carer.to_string()))
    .bind(d.carer_share.as_ref().map(|c| {
        c.items
            .iter()
            .map(|i| i.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }))
    .execute(conn)
    .await?;
    Ok(())
}

/// `person`'s assessments (or, with `person` absent, everyone's up to
/// `limit`), newest first.
pub async fn assessments(
    conn: &mut Conn,
    person: Option<PersonId>,
    limit: i64,
) -> Result<Vec<Assessment>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {ASSESSMENT_COLUMNS} FROM capacity_assessments \
         WHERE ($1 IS NULL OR person_id = $1) ORDER BY assessed_at DESC, id LIMIT $2"
    ))
    .bind(person.map(|p| p.to_string()))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(assessment_from_row).collect()
}

/// `person`'s best-interests decisions (or everyone's up to `limit`),
/// newest first.
pub async fn best_interests(
    conn: &mut Conn,
    person: Option<PersonId>,
    limit: i64,
) -> Result<Vec<BestInterests>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {DECISION_COLUMNS} FROM best_interests_decisions \
         WHERE ($1 IS NULL OR person_id = $1) ORDER BY decided_at DESC, id LIMIT $2"
    ))
    .bind(person.map(|p| p.to_string()))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(decision_from_row).collect()
}

fn uuid_of(row: &AnyRow, col: &'static str) -> Result<uuid::Uuid, StoreError> {
    rows::text(row, col)?
        .parse()
        .map_err(|e| StoreError::corrupt(col, e))
}

fn assessment_from_row(row: &AnyRow) -> Result<Assessment, StoreError> {
    Ok(Assessment {
        id: uuid_of(row, "id")?,
        person: rows::id(row, "person_id")?,
        decision: rows::text(row, "decision")?,
        outcome: CapacityOutcome::parse(&rows::text(row, "outcome")?)
            .map_err(|e| StoreError::corrupt("capacity outcome", e))?,
        reasons: rows::text(row, "reasons")?,
        assessed_by: rows::id(row, "assessed_by")?,
        assessed_by_name: rows::text(row, "assessed_by_name")?,
        organisation: rows::id(row, "organisation_id")?,
        assessed_at: rows::instant(row, "assessed_at")?,
        told_from: rows::instant(row, "told_from")?,
    })
}

fn decision_from_row(row: &AnyRow) -> Result<BestInterests, StoreError> {
    Ok(BestInterests {
        id: uuid_of(row, "id")?,
        person: rows::id(row, "person_id")?,
        assessment: uuid_of(row, "assessment_id")?,
        consulted: rows::text(row, "consulted")?,
        known_wishes: rows::text(row, "known_wishes")?,
        shared_what: rows::text(row, "shared_what")?,
        shared_with: rows::text(row, "shared_with")?,
        why: rows::text(row, "why")?,
        decided_by: rows::id(row, "decided_by")?,
        decided_by_name: rows::text(row, "decided_by_name")?,
        organisation: rows::id(row, "organisation_id")?,
        decided_at: rows::instant(row, "decided_at")?,
        told_from: rows::instant(row, "told_from")?,
        carer_share: match rows::opt_id(row, "carer_related_person_id")? {
            None => None,
            Some(carer) => Some(CarerShare {
                carer,
                items: rows::text(row, "carer_items")?
                    .split_whitespace()
                    .map(|i| {
                        CarerItem::parse_chosen(i)
                            .map_err(|e| StoreError::corrupt("best-interests decision", e))
                    })
                    .collect::<Result<_, _>>()?,
            }),
        },
    })
}
