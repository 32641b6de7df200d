//! Reading the audit log back: a person's own access log ("who looked at my
//! record, and why") and information governance's search. Newest first.

use chrono::{DateTime, Utc};
use concordat_domain::ids::{OrganisationId, PersonId, UserId};
use concordat_domain::purpose::Purpose;

use super::chain::{StoredEntry, ENTRY_COLUMNS};
use super::{AuditAction, AuditRecord, Outcome};
use crate::{time, Conn, StoreError};

/// The most entries one query returns.
pub const MAX_LIMIT: u32 = 1000;

/// The entries of `person`'s record that person may see: allowed reads,
/// writes, look-ups, exports and break-glass uses by others. Their own
/// access (purpose PATRQT) is left out — it is not someone looking at them,
/// and reading this log would otherwise add to it every time.
pub async fn access_log_for_person(
    conn: &mut Conn,
    person: PersonId,
    limit: u32,
    offset: u32,
) -> Result<Vec<AuditRecord>, StoreError> {
    let actions = AuditAction::SEEN_BY_THE_PERSON
        .iter()
        .map(|a| format!("'{}'", a.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    // The action list is our own constants, never input.
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log \
         WHERE person_id = $1 AND outcome = $2 AND action IN ({actions}) \
         AND (purpose IS NULL OR purpose <> $3) \
         ORDER BY seq DESC LIMIT $4 OFFSET $5"
    );
    let found = sqlx::query(&sql)
        .bind(person.to_string())
        .bind(Outcome::Allowed.as_str())
        .bind(Purpose::OwnAccess.code())
        .bind(i64::from(limit.min(MAX_LIMIT)))
        .bind(i64::from(offset))
        .fetch_all(conn)
        .await?;
    found
        .iter()
        .map(|row| StoredEntry::from_row(row)?.to_record())
        .collect()
}

/// What an information-governance lead searches the log by; every field
/// narrows the search, `None` leaves it open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub person: Option<PersonId>,
    /// Any of these people (none: no entries), as a search by name means.
    pub people: Option<Vec<PersonId>>,
    pub user: Option<UserId>,
    pub organisation: Option<OrganisationId>,
    pub action: Option<AuditAction>,
    pub outcome: Option<Outcome>,
    /// Entries at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Entries before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Entries older than this seq: the next page after a page ending there.
    pub before_seq: Option<u64>,
    /// At most this many (capped at [`MAX_LIMIT`]; 0 means 100).
    pub limit: u32,
    /// Only what an information governance lead of this organisation
    /// answers for: access by its own users, and access to the people whose
    /// records it holds (it is on their care team).
    pub scope: Option<OrganisationId>,
}

/// The condition of [`AuditFilter::scope`], on one parameter (the
/// organisation, given twice as `$n` and `$n+1`).
fn scope_condition(first: usize) -> String {
    format!(
        "(actor_organisation_id = ${first} OR person_id IN (\
         SELECT ct.person_id FROM care_teams ct \
         JOIN care_team_members m ON m.care_team_id = ct.id \
         WHERE m.organisation_id = ${}))",
        first + 1
    )
}

pub async fn search(conn: &mut Conn, filter: &AuditFilter) -> Result<Vec<AuditRecord>, StoreError> {
    // Only the conditions asked for are written, so each query can use the
    // index of the column it names (a catch-all `$1 IS NULL OR …` cannot).
    let mut conditions: Vec<(&str, String)> = Vec::new();
    if let Some(person) = filter.person {
        conditions.push(("person_id =", person.to_string()));
    }
    if let Some(user) = filter.user {
        conditions.push(("actor_user_id =", user.to_string()));
    }
    if let Some(organisation) = filter.organisation {
        conditions.push(("actor_organisation_id =", organisation.to_string()));
    }
    if let Some(action) = filter.action {
        conditions.push(("action =", action.as_str().to_owned()));
    }
    if let Some(outcome) = filter.outcome {
        conditions.push(("outcome =", outcome.as_str().to_owned()));
    }
    if let Some(from) = filter.from {
        conditions.push(("occurred_at >=", time::encode(from)));
    }
    if let Some(to) = filter.to {
        conditions.push(("occurred_at <", time::encode(to)));
    }
    let mut sql = format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE 1 = 1");
    for (n, (condition, _)) in conditions.iter().enumerate() {
        sql.push_str(&format!(" AND {condition} ${}", n + 1));
    }
    let mut values: Vec<String> = conditions.into_iter().map(|(_, v)| v).collect();
    if let Some(people) = &filter.people {
        if people.is_empty() {
            sql.push_str(" AND 1 = 0");
        } else {
            let first = values.len() + 1;
            let marks: Vec<String> = (0..people.len())
                .map(|i| format!("${}", first + i))
                .collect();
            sql.push_str(&format!(" AND person_id IN ({})", marks.join(", ")));
            values.extend(people.iter().map(ToString::to_string));
        }
    }
    if let Some(organisation) = filter.scope {
        sql.push_str(&format!(" AND {}", scope_condition(values.len() + 1)));
        values.push(organisation.to_string());
        values.push(organisation.to_string());
    }
    let before = filter
        .before_seq
        .map_or(i64::MAX, |s| i64::try_from(s).unwrap_or(i64::MAX));
    let limit = match filter.limit {
        0 => 100,
        n => n.min(MAX_LIMIT),
    };
    let n = values.len();
    sql.push_str(&format!(
        " AND seq < ${} ORDER BY seq DESC LIMIT ${}",
        n + 1,
        n + 2
    ));
    let mut query = sqlx::query(&sql);
    for value in values {
        query = query.bind(value);
    }
    let found = query
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(conn)
        .await?;
    found
        .iter()
        .map(|row| StoredEntry::from_row(row)?.to_record())
        .collect()
}
