//! Care teams: who, across the partnership, is looking after a person, and
//! which of them leads.

use chrono::{DateTime, Utc};
use concordat_domain::care_team::{CareTeam, CareTeamMember};
use concordat_domain::ids::{CareTeamId, PersonId, UserId};

use crate::{access_versions, rows, time, Conn, StoreError};

/// Records `team`, formed at `formed_at` (the month's caseload figures
/// count it from then).
pub async fn insert_care_team(
    conn: &mut Conn,
    team: &CareTeam,
    formed_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO care_teams (id, person_id, name, lead_user_id, formed_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(team.id().to_string())
    .bind(team.person_id().to_string())
    .bind(team.name().to_owned())
    .bind(team.lead().to_string())
    .bind(time::encode(formed_at))
    .execute(&mut *conn)
    .await?;
    for member in team.members() {
        sqlx::query(
            "INSERT INTO care_team_members (care_team_id, user_id, organisation_id, responsibility) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(team.id().to_string())
        .bind(member.user_id().to_string())
        .bind(member.organisation_id().to_string())
        .bind(member.responsibility().to_owned())
        .execute(&mut *conn)
        .await?;
    }
    access_versions::person_changed(conn, team.person_id()).await?;
    Ok(())
}

/// The person whose care team `team` is, if there is such a team.
pub async fn person_of_care_team(
    conn: &mut Conn,
    team: CareTeamId,
) -> Result<Option<PersonId>, StoreError> {
    let row = sqlx::query("SELECT person_id FROM care_teams WHERE id = $1")
        .bind(team.to_string())
        .fetch_optional(conn)
        .await?;
    row.map(|r| rows::id(&r, "person_id")).transpose()
}

pub async fn care_teams_of_person(
    conn: &mut Conn,
    person: PersonId,
) -> Result<Vec<CareTeam>, StoreError> {
    let teams = sqlx::query(
        "SELECT id, name, lead_user_id FROM care_teams WHERE person_id = $1 ORDER BY name",
    )
    .bind(person.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(teams.len());
    for row in &teams {
        let id: CareTeamId = rows::id(row, "id")?;
        let lead: UserId = rows::id(row, "lead_user_id")?;
        let member_rows = sqlx::query(
            "SELECT user_id, organisation_id, responsibility FROM care_team_members \
             WHERE care_team_id = $1 ORDER BY user_id",
        )
        .bind(id.to_string())
        .fetch_all(&mut *conn)
        .await?;
        let members = member_rows
            .iter()
            .map(|m| {
                CareTeamMember::new(
                    rows::id(m, "user_id")?,
                    rows::id(m, "organisation_id")?,
                    &rows::text(m, "responsibility")?,
                )
                .map_err(|e| StoreError::corrupt("care team member", e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        out.push(
            CareTeam::new(id, person, &rows::text(row, "name")?, members, lead)
                .map_err(|e| StoreError::corrupt("care team", e))?,
        );
    }
    Ok(out)
}

/// Whom a crisis summary names to reach about a person: the lead of their
/// first care team (by name), with the lead's organisation and team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadProfessional {
    pub name: String,
    pub organisation: String,
    pub team: Option<String>,
    /// As the team recorded it.
    pub duty_phone: Option<String>,
}

/// The lead professional of `person`, if they have a care team: one
/// statement, for the crisis look-up's summary.
pub async fn lead_professional_of(
    conn: &mut Conn,
    person: PersonId,
) -> Result<Option<LeadProfessional>, StoreError> {
    let row = sqlx::query(
        "SELECT u.display_name, o.name AS organisation, t.name AS team, t.duty_phone \
         FROM care_teams c JOIN users u ON u.id = c.lead_user_id \
         JOIN organisations o ON o.id = u.organisation_id \
         LEFT JOIN teams t ON t.id = u.team_id \
         WHERE c.person_id = $1 ORDER BY c.name, c.id LIMIT 1",
    )
    .bind(person.to_string())
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(LeadProfessional {
            name: rows::text(&r, "display_name")?,
            organisation: rows::text(&r, "organisation")?,
            team: rows::opt_text(&r, "team")?,
            duty_phone: rows::opt_text(&r, "duty_phone")?,
        })
    })
    .transpose()
}

/// Whether `user` is a member of any of `person`'s care teams.
pub async fn is_care_team_member(
    conn: &mut Conn,
    person: PersonId,
    user: UserId,
) -> Result<bool, StoreError> {
    // Start from the person's few care teams and probe the members' primary
    // key; a join led by the user's memberships would walk a whole caseload
    // (thousands of rows for a busy practitioner) on every decision.
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM care_team_members m \
         WHERE m.user_id = $2 AND m.care_team_id IN (SELECT t.id FROM care_teams t WHERE t.person_id = $1)",
    )
    .bind(person.to_string())
    .bind(user.to_string())
    .fetch_one(conn)
    .await?;
    Ok(rows::int(&row, "n")? > 0)
}
