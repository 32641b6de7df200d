//! Crisis plans and their versions. A plan row per person points at its
//! latest version and copies the agreed version's dates, so the overdue
//! list and coverage are one scan; versions are written once and afterwards
//! only gain agreements or become superseded.
//!
//! One file at a little over 400 lines: the plan row and its versions are
//! written together in every statement here, and reading one without the other
//! would mislead.

use chrono::NaiveDate;
use concordat_domain::consent::RecordedVia;
use concordat_domain::crisis_plan::{
    Author, PersonAgreement, PlanSections, PlanStatus, PlanVersion, ProfessionalAgreement,
};
use concordat_domain::ids::{CrisisPlanId, PersonId, TeamId, UserId};
use sqlx::any::AnyRow;

use crate::backend::lock_rows;
use crate::{access_versions, rows, time, Conn, StoreError};

/// A person's plan: which version is latest and which (if any) is agreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanHeader {
    pub id: CrisisPlanId,
    pub person: PersonId,
    pub latest_version: u32,
    pub agreed_version: Option<u32>,
}

const VERSION_COLUMNS: &str =
    "v.plan_id, p.person_id, v.number, v.status, v.sections, v.based_on, \
     v.author_user_id, v.author_name, v.proposed_by_person, v.created_at, \
     v.person_agreed_at, v.person_agreed_via, v.person_agreement_recorded_by, \
     v.person_agreement_recorder_name, v.professional_agreed_at, v.professional_agreed_via, \
     v.professional_user_id, v.professional_name, v.agreed_at, v.review_due";

/// The plan of `person`, if one has been started. With `for_update`, the
/// row stays locked (PostgreSQL) until the transaction ends, so two people
/// saving at once cannot both become "the next version".
pub async fn plan_of_person(
    conn: &mut Conn,
    person: PersonId,
    for_update: bool,
) -> Result<Option<PlanHeader>, StoreError> {
    let lock = if for_update { lock_rows(conn) } else { "" };
    let sql = format!(
        "SELECT id, person_id, latest_version, agreed_version FROM crisis_plans \
         WHERE person_id = $1{lock}"
    );
    let row = sqlx::query(&sql)
        .bind(person.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(header_from_row).transpose()
}

/// The plan with id `plan`, if there is one: which person it belongs to,
/// for a read that names the plan rather than the person.
pub async fn plan_by_id(
    conn: &mut Conn,
    plan: CrisisPlanId,
) -> Result<Option<PlanHeader>, StoreError> {
    let row = sqlx::query(
        "SELECT id, person_id, latest_version, agreed_version FROM crisis_plans WHERE id = $1",
    )
    .bind(plan.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(header_from_row).transpose()
}

fn header_from_row(r: &AnyRow) -> Result<PlanHeader, StoreError> {
    Ok(PlanHeader {
        id: rows::id(r, "id")?,
        person: rows::id(r, "person_id")?,
        latest_version: number(rows::int(r, "latest_version")?)?,
        agreed_version: rows::opt_int(r, "agreed_version")?
            .map(number)
            .transpose()?,
    })
}

/// Starts a plan for `first.person` with `first` as version 1.
pub async fn create_plan(conn: &mut Conn, first: &PlanVersion) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO crisis_plans (id, person_id, created_at, latest_version) VALUES ($1, $2, $3, $4)",
    )
    .bind(first.plan.to_string())
    .bind(first.person.to_string())
    .bind(time::encode(first.created_at))
    .bind(i64::from(first.number))
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::unique_or(e, "crisis plan for person", first.person.to_string()))?;
    insert_version_row(conn, first).await
}

/// Adds `version` as the plan's latest; any earlier draft is superseded by
/// it (a plan has one draft in progress at a time).
pub async fn add_version(conn: &mut Conn, version: &PlanVersion) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE crisis_plan_versions SET status = 'superseded' \
         WHERE plan_id = $1 AND status = 'draft' AND number < $2",
    )
    .bind(version.plan.to_string())
    .bind(i64::from(version.number))
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE crisis_plans SET latest_version = $1 WHERE id = $2")
        .bind(i64::from(version.number))
        .bind(version.plan.to_string())
        .execute(&mut *conn)
        .await?;
    insert_version_row(conn, version).await
}

async fn insert_version_row(conn: &mut Conn, v: &PlanVersion) -> Result<(), StoreError> {
    let sections = serde_json::to_string(&v.sections)
        .map_err(|e| StoreError::corrupt("crisis plan sections", e))?;
    sqlx::query(
        "INSERT INTO crisis_plan_versions (plan_id, number, status, sections, based_on, \
         author_user_id, author_name, proposed_by_person, created_at, review_due) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(v.plan.to_string())
    .bind(i64::from(v.number))
    .bind(v.status.as_str())
    .bind(sections)
    .bind(v.based_on.map(i64::from))
    .bind(v.author.user.map(|u| u.to_string()))
    .bind(v.author.name.clone())
    .bind(i64::from(v.author.is_the_person))
    .bind(time::encode(v.created_at))
    .bind(v.review_due.map(time::encode_date))
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes the agreements recorded on `version` (see
/// `PlanVersion::agree`). When it has become agreed, the version agreed
/// before is superseded and the plan row points at this one.
pub async fn save_agreement(conn: &mut Conn, v: &PlanVersion) -> Result<(), StoreError> {
    let person = v.person_agreement.as_ref();
    let professional = v.professional_agreement.as_ref();
    sqlx::query(
        "UPDATE crisis_plan_versions SET status = $1, \
         person_agreed_at = $2, person_agreed_via = $3, person_agreement_recorded_by = $4, \
         person_agreement_recorder_name = $5, professional_agreed_at = $6, \
         professional_agreed_via = $7, professional_user_id = $8, professional_name = $9, \
         agreed_at = $10, review_due = $11 WHERE plan_id = $12 AND number = $13",
    )
    .bind(v.status.as_str())
    .bind(person.map(|a| time::encode(a.at)))
    .bind(person.map(|a| a.via.as_str()))
    .bind(person.map(|a| a.recorded_by.to_string()))
    .bind(person.map(|a| a.recorder_name.clone()))
    .bind(professional.map(|a| time::encode(a.at)))
    .bind(professional.map(|a| a.via.as_str()))
    .bind(professional.map(|a| a.user.to_string()))
    .bind(professional.map(|a| a.name.clone()))
    .bind(v.agreed_at.map(time::encode))
    .bind(v.review_due.map(time::encode_date))
    .bind(v.plan.to_string())
    .bind(i64::from(v.number))
    .execute(&mut *conn)
    .await?;
    if v.status != PlanStatus::Agreed {
        return Ok(());
    }
    sqlx::query(
        "UPDATE crisis_plan_versions SET status = 'superseded' \
         WHERE plan_id = $1 AND status = 'agreed' AND number <> $2",
    )
    .bind(v.plan.to_string())
    .bind(i64::from(v.number))
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE crisis_plans SET agreed_version = $1, agreed_at = $2, review_due = $3, \
         agreed_says_what_does_not_help = $4 WHERE id = $5",
    )
    .bind(i64::from(v.number))
    .bind(v.agreed_at.map(time::encode))
    .bind(v.review_due.map(time::encode_date))
    .bind(i64::from(v.sections.says_what_does_not_help()))
    .bind(v.plan.to_string())
    .execute(&mut *conn)
    .await?;
    // What a crisis look-up shows is kept under the person's version.
    access_versions::person_changed(conn, v.person).await
}

/// Every version of a plan, oldest first.
pub async fn versions(conn: &mut Conn, plan: CrisisPlanId) -> Result<Vec<PlanVersion>, StoreError> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM crisis_plan_versions v \
         JOIN crisis_plans p ON p.id = v.plan_id WHERE v.plan_id = $1 ORDER BY v.number"
    );
    let rows = sqlx::query(&sql)
        .bind(plan.to_string())
        .fetch_all(conn)
        .await?;
    rows.iter().map(version_from_row).collect()
}

pub async fn version(
    conn: &mut Conn,
    plan: CrisisPlanId,
    number: u32,
) -> Result<Option<PlanVersion>, StoreError> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM crisis_plan_versions v \
         JOIN crisis_plans p ON p.id = v.plan_id WHERE v.plan_id = $1 AND v.number = $2"
    );
    let row = sqlx::query(&sql)
        .bind(plan.to_string())
        .bind(i64::from(number))
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(version_from_row).transpose()
}

/// The agreed version of `person`'s plan: the only version a crisis
/// look-up may show.
pub async fn agreed_version_of_person(
    conn: &mut Conn,
    person: PersonId,
) -> Result<Option<PlanVersion>, StoreError> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM crisis_plans p \
         JOIN crisis_plan_versions v ON v.plan_id = p.id AND v.number = p.agreed_version \
         WHERE p.person_id = $1 AND v.status = 'agreed'"
    );
    let row = sqlx::query(&sql)
        .bind(person.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(version_from_row).transpose()
}

/// An agreed plan past its review date, for the overdue list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverduePlan {
    pub person: PersonId,
    pub given_name: String,
    pub family_name: String,
    pub agreed_version: u32,
    pub agreed_on: NaiveDate,
    pub review_due: NaiveDate,
}

/// Whose caseload a list or a count is about.
#[derive(Debug, Clone, Copy)]
pub enum Caseload {
    /// People whose care team this user is on (as lead or member).
    User(UserId),
    /// People whose care team has a member from this team.
    Team(TeamId),
    /// Everyone in the partnership.
    Partnership,
}

impl Caseload {
    /// A `person_id IN (…)` condition on `$1` (absent for the partnership),
    /// and the value to bind.
    fn condition(self, column: &str) -> (String, Option<String>) {
        match self {
            Caseload::User(user) => (
                format!(
                    " AND {column} IN (SELECT ct.person_id FROM care_teams ct \
                     JOIN care_team_members m ON m.care_team_id = ct.id WHERE m.user_id = $1)"
                ),
                Some(user.to_string()),
            ),
            Caseload::Team(team) => (
                format!(
                    " AND {column} IN (SELECT ct.person_id FROM care_teams ct \
                     JOIN care_team_members m ON m.care_team_id = ct.id \
                     JOIN users u ON u.id = m.user_id WHERE u.team_id = $1)"
                ),
                Some(team.to_string()),
            ),
            Caseload::Partnership => (String::new(), None),
        }
    }
}

/// Agreed plans of the caseload whose review date is before `today`,
/// longest overdue first.
pub async fn overdue_plans(
    conn: &mut Conn,
    caseload: Caseload,
    today: NaiveDate,
    name: Option<&str>,
    offset: u32,
    limit: u32,
) -> Result<Vec<OverduePlan>, StoreError> {
    let (condition, value) = caseload.condition("p.person_id");
    let next = if value.is_some() { 2 } else { 1 };
    // A name narrows the list to those whose given or family name starts
    // with it.
    let named = if name.is_some() {
        format!(
            " AND (pe.family_name_key LIKE ${n} ESCAPE '\\' OR LOWER(pe.given_name) LIKE ${n} ESCAPE '\\')",
            n = next + 1
        )
    } else {
        String::new()
    };
    let sql = format!(
        "SELECT p.person_id, pe.given_name, pe.family_name, p.agreed_version, p.agreed_at, \
         p.review_due FROM crisis_plans p JOIN persons pe ON pe.id = p.person_id \
         WHERE p.agreed_version IS NOT NULL AND p.review_due < ${next}{condition}{named} \
         ORDER BY p.review_due, pe.family_name, p.person_id LIMIT {limit} OFFSET {offset}"
    );
    let mut query = sqlx::query(&sql);
    if let Some(v) = value {
        query = query.bind(v);
    }
    query = query.bind(time::encode_date(today));
    if let Some(name) = name {
        query = query.bind(crate::covered::starts(name.trim()));
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            Ok(OverduePlan {
                person: rows::id(r, "person_id")?,
                given_name: rows::text(r, "given_name")?,
                family_name: rows::text(r, "family_name")?,
                agreed_version: number(rows::int(r, "agreed_version")?)?,
                agreed_on: rows::instant(r, "agreed_at")?.date_naive(),
                review_due: time::decode_date(&rows::text(r, "review_due")?)?,
            })
        })
        .collect()
}

/// Counts for the coverage audit of a caseload.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    pub people: i64,
    /// An agreed plan whose review date has not passed.
    pub agreed_in_date: i64,
    /// An agreed plan past its review date.
    pub review_overdue: i64,
    /// A plan started but never agreed.
    pub draft_only: i64,
    /// An agreed plan (in date or not) that says what does not help.
    pub says_what_does_not_help: i64,
}

pub async fn coverage(
    conn: &mut Conn,
    caseload: Caseload,
    today: NaiveDate,
) -> Result<Coverage, StoreError> {
    let (condition, value) = caseload.condition("pe.id");
    let next = if value.is_some() { 2 } else { 1 };
    let sql = format!(
        "SELECT COUNT(*) AS people, \
         COALESCE(SUM(CASE WHEN p.agreed_version IS NOT NULL AND p.review_due >= ${next} THEN 1 ELSE 0 END), 0) AS in_date, \
         COALESCE(SUM(CASE WHEN p.agreed_version IS NOT NULL AND p.review_due < ${next} THEN 1 ELSE 0 END), 0) AS overdue, \
         COALESCE(SUM(CASE WHEN p.id IS NOT NULL AND p.agreed_version IS NULL THEN 1 ELSE 0 END), 0) AS draft_only, \
         COALESCE(SUM(CASE WHEN p.agreed_version IS NOT NULL AND p.agreed_says_what_does_not_help = 1 THEN 1 ELSE 0 END), 0) AS says \
         FROM persons pe LEFT JOIN crisis_plans p ON p.person_id = pe.id WHERE 1 = 1{condition}"
    );
    let mut query = sqlx::query(&sql);
    if let Some(v) = value {
        query = query.bind(v);
    }
    let row = query.bind(time::encode_date(today)).fetch_one(conn).await?;
    Ok(Coverage {
        people: rows::int(&row, "people")?,
        agreed_in_date: rows::int(&row, "in_date")?,
        review_overdue: rows::int(&row, "overdue")?,
        draft_only: rows::int(&row, "draft_only")?,
        says_what_does_not_help: rows::int(&row, "says")?,
    })
}

fn number(raw: i64) -> Result<u32, StoreError> {
    u32::try_from(raw).map_err(|e| StoreError::corrupt("crisis plan version number", e))
}

fn version_from_row(row: &AnyRow) -> Result<PlanVersion, StoreError> {
    let bad = |e: &dyn std::fmt::Display| StoreError::corrupt("crisis plan version", e);
    let sections: PlanSections =
        serde_json::from_str(&rows::text(row, "sections")?).map_err(|e| bad(&e))?;
    let via = |col: &str| -> Result<Option<RecordedVia>, StoreError> {
        rows::opt_text(row, col)?
            .map(|raw| RecordedVia::parse(&raw).map_err(|e| bad(&e)))
            .transpose()
    };
    let person_agreement = match rows::opt_instant(row, "person_agreed_at")? {
        Some(at) => Some(PersonAgreement {
            at,
            via: via("person_agreed_via")?.ok_or_else(|| bad(&"agreement without a way"))?,
            recorded_by: rows::id(row, "person_agreement_recorded_by")?,
            recorder_name: rows::text(row, "person_agreement_recorder_name")?,
        }),
        None => None,
    };
    let professional_agreement = match rows::opt_instant(row, "professional_agreed_at")? {
        Some(at) => Some(ProfessionalAgreement {
            at,
            via: via("professional_agreed_via")?.ok_or_else(|| bad(&"agreement without a way"))?,
            user: rows::id(row, "professional_user_id")?,
            name: rows::text(row, "professional_name")?,
        }),
        None => None,
    };
    Ok(PlanVersion {
        plan: rows::id(row, "plan_id")?,
        person: rows::id(row, "person_id")?,
        number: number(rows::int(row, "number")?)?,
        status: PlanStatus::parse(&rows::text(row, "status")?).map_err(|e| bad(&e))?,
        sections,
        based_on: rows::opt_int(row, "based_on")?.map(number).transpose()?,
        author: Author {
            user: rows::opt_id(row, "author_user_id")?,
            name: rows::text(row, "author_name")?,
            is_the_person: rows::flag(row, "proposed_by_person")?,
        },
        created_at: rows::instant(row, "created_at")?,
        person_agreement,
        professional_agreement,
        agreed_at: rows::opt_instant(row, "agreed_at")?,
        review_due: rows::opt_text(row, "review_due")?
            .map(|d| time::decode_date(&d))
            .transpose()?,
    })
}
