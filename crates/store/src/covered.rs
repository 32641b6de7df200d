//! The people a caller's work over many people covers — an export, a
//! search by name — named by a query, so that the restriction is part of
//! the query rather than a filter after it: nobody outside it is read,
//! counted or timed. The access decision still judges each one found.

use chrono::{DateTime, NaiveDate, Utc};
use concordat_domain::ids::{OrganisationId, PersonId, TeamId, UserId};

use crate::{rows, time, Conn, StoreError};

/// Whom a caller's work over many people may cover: the people they
/// have a standing relationship with, or one team's caseload. The access
/// decision judges each of them; this only keeps the work near the
/// people it could allow.
#[derive(Debug, Clone, Copy)]
pub enum Covers {
    /// A person's own account: themselves.
    Own(PersonId),
    /// A professional: the care teams they are in, and their
    /// organisation's live relationships that are for them, their team or
    /// (a referral's) the whole organisation.
    Staff {
        user: UserId,
        organisation: OrganisationId,
        team: Option<TeamId>,
    },
    /// The people whose care team includes a member of `team`.
    Caseload(TeamId),
}

/// The people `covers` names after `after` in id order, at most `limit`.
pub async fn people(
    conn: &mut Conn,
    covers: Covers,
    after: &str,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<PersonId>, StoreError> {
    let (covered, binds) = covered(covers, now);
    let n = binds.len();
    let sql = format!(
        "SELECT person_id FROM ({covered}) covered WHERE person_id > ${} \
         ORDER BY person_id LIMIT ${}",
        n + 1,
        n + 2
    );
    let mut query = sqlx::query(&sql);
    for bind in binds {
        query = query.bind(bind);
    }
    let rows = query
        .bind(after.to_owned())
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(|r| rows::id(r, "person_id")).collect()
}

/// How many people `covers` names.
pub async fn count_people(
    conn: &mut Conn,
    covers: Covers,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let (covered, binds) = covered(covers, now);
    let sql = format!("SELECT COUNT(*) AS n FROM ({covered}) covered");
    let mut query = sqlx::query(&sql);
    for bind in binds {
        query = query.bind(bind);
    }
    rows::int(&query.fetch_one(conn).await?, "n")
}

/// The query naming the people covered, and its parameters.
fn covered(covers: Covers, now: DateTime<Utc>) -> (&'static str, Vec<String>) {
    match covers {
        Covers::Own(person) => (
            "SELECT id AS person_id FROM persons WHERE id = $1",
            vec![person.to_string()],
        ),
        Covers::Staff {
            user,
            organisation,
            team,
        } => (
            "SELECT ct.person_id FROM care_team_members m \
             JOIN care_teams ct ON ct.id = m.care_team_id WHERE m.user_id = $1 \
             UNION SELECT person_id FROM care_relationships \
             WHERE organisation_id = $2 AND ends_at > $3 \
             AND (user_id = $1 OR team_id = $4 OR kind = 'referral') \
             UNION SELECT person_id FROM look_ups \
             WHERE user_id = $1 AND organisation_id = $2 AND ends_at > $3",
            vec![
                user.to_string(),
                organisation.to_string(),
                time::encode(now),
                team.map(|t| t.to_string()).unwrap_or_default(),
            ],
        ),
        Covers::Caseload(team) => (
            "SELECT DISTINCT ct.person_id FROM care_team_members m \
             JOIN users u ON u.id = m.user_id \
             JOIN care_teams ct ON ct.id = m.care_team_id WHERE u.team_id = $1",
            vec![team.to_string()],
        ),
    }
}

/// What a search by demographics narrows to, among the people covered:
/// names by their start, in any case, and a range of dates of birth.
/// Only fields no mask withholds are read here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeopleFilter {
    pub family: Option<String>,
    pub given: Option<String>,
    /// The start of the given or the family name.
    pub name: Option<String>,
    pub born_from: Option<NaiveDate>,
    pub born_to: Option<NaiveDate>,
}

/// The people `covers` names who match `filter`, in id order, at most
/// `limit`.
pub async fn matching(
    conn: &mut Conn,
    covers: Covers,
    filter: &PeopleFilter,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<PersonId>, StoreError> {
    let (covered, mut binds) = covered(covers, now);
    let mut sql = format!(
        "SELECT p.id AS person_id FROM persons p JOIN ({covered}) c ON c.person_id = p.id \
         WHERE 1 = 1"
    );
    let mut next = |sql: &mut String, clause: &str, value: String| {
        binds.push(value);
        sql.push_str(&clause.replace('?', &format!("${}", binds.len())));
    };
    if let Some(family) = &filter.family {
        next(
            &mut sql,
            " AND p.family_name_key LIKE ? ESCAPE '\\'",
            starts(family),
        );
    }
    if let Some(given) = &filter.given {
        next(
            &mut sql,
            " AND LOWER(p.given_name) LIKE ? ESCAPE '\\'",
            starts(given),
        );
    }
    if let Some(name) = &filter.name {
        next(
            &mut sql,
            " AND (p.family_name_key LIKE ? ESCAPE '\\' OR LOWER(p.given_name) LIKE ? ESCAPE '\\')",
            starts(name),
        );
    }
    if let Some(from) = filter.born_from {
        next(&mut sql, " AND p.birth_date >= ?", time::encode_date(from));
    }
    if let Some(to) = filter.born_to {
        next(&mut sql, " AND p.birth_date <= ?", time::encode_date(to));
    }
    sql.push_str(&format!(" ORDER BY p.id LIMIT ${}", binds.len() + 1));
    let mut query = sqlx::query(&sql);
    for bind in binds {
        query = query.bind(bind);
    }
    let rows = query.bind(limit).fetch_all(conn).await?;
    rows.iter().map(|r| rows::id(r, "person_id")).collect()
}

/// A `LIKE` pattern for what starts with `prefix`, any case, its own `%`,
/// `_` and `\` matched as themselves.
/// A `LIKE` pattern for what starts with `prefix`, case ignored, its
/// wildcards escaped (with `ESCAPE '\\'`).
pub(crate) fn starts(prefix: &str) -> String {
    let mut pattern = String::new();
    for c in prefix.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_matches_its_own_wildcards_as_themselves() {
        assert_eq!(starts("O'Br"), "o'br%");
        assert_eq!(starts("50%_a\\"), "50\\%\\_a\\\\%");
    }
}
