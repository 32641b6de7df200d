//! Users (practitioners, governance staff, and people's own accounts) and
//! their password hashes.

use chrono::{DateTime, Utc};
use concordat_domain::carer::CarerOf;
use concordat_domain::ids::{OrganisationId, UserId};
use concordat_domain::role::Role;
use concordat_domain::user::{DisplayName, User, Username};
use sqlx::any::AnyRow;

use crate::{access_versions, rows, time, Conn, StoreError};

/// The columns that make a [`User`], for queries that join users to other rows.
pub(crate) const USER_COLUMNS: &str = "u.id AS user_id, u.username, u.display_name, \
    u.organisation_id, u.team_id, u.role, u.person_id, u.disabled, u.carer_person_id, \
    u.carer_related_person_id";

/// A user together with the hash their password is checked against.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    pub user: User,
    pub password_hash: String,
}

pub async fn insert_user(
    conn: &mut Conn,
    user: &User,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO users (id, username, display_name, organisation_id, team_id, role, \
         person_id, password_hash, disabled, created_at, carer_person_id, \
         carer_related_person_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(user.id().to_string())
    .bind(user.username().as_str().to_owned())
    .bind(user.display_name().as_str().to_owned())
    .bind(user.organisation_id().to_string())
    .bind(user.team_id().map(|t| t.to_string()))
    .bind(user.role().as_str())
    .bind(user.person_id().map(|p| p.to_string()))
    .bind(password_hash.to_owned())
    .bind(i64::from(user.disabled()))
    .bind(time::encode(now))
    .bind(user.carer_of().map(|c| c.person.to_string()))
    .bind(user.carer_of().map(|c| c.related_person.to_string()))
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::unique_or(e, "username", user.username().as_str().to_owned()))?;
    access_versions::partnership_changed(conn).await?;
    Ok(())
}

pub async fn credentials_by_username(
    conn: &mut Conn,
    username: &Username,
) -> Result<Option<UserCredentials>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = $1");
    let row = sqlx::query(&sql)
        .bind(username.as_str().to_owned())
        .fetch_optional(conn)
        .await?;
    row.map(|row| {
        Ok(UserCredentials {
            user: user_from_row(&row)?,
            password_hash: rows::text(&row, "password_hash")?,
        })
    })
    .transpose()
}

pub async fn user_by_id(conn: &mut Conn, id: UserId) -> Result<Option<User>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
    let row = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub async fn user_by_username(
    conn: &mut Conn,
    username: &Username,
) -> Result<Option<User>, StoreError> {
    Ok(credentials_by_username(conn, username)
        .await?
        .map(|c| c.user))
}

/// The users with these ids (those that exist), in no particular order.
pub async fn users_by_ids(conn: &mut Conn, ids: &[UserId]) -> Result<Vec<User>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // Parameters only; the ids are bound, never spliced.
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.id IN ({})",
        rows::parameters(conn, 1, ids.len())
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(id.to_string());
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter().map(user_from_row).collect()
}

/// Users, optionally of one organisation, by username.
pub async fn list_users(
    conn: &mut Conn,
    organisation: Option<OrganisationId>,
) -> Result<Vec<User>, StoreError> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users u \
         WHERE ($1 IS NULL OR u.organisation_id = $1) ORDER BY u.username"
    );
    let rows = sqlx::query(&sql)
        .bind(organisation.map(|o| o.to_string()))
        .fetch_all(conn)
        .await?;
    rows.iter().map(user_from_row).collect()
}

/// Disables or re-enables an account. Sessions and tokens are checked against
/// this flag on every request, so a disabled user is shut out at once.
pub async fn set_disabled(
    conn: &mut Conn,
    username: &Username,
    disabled: bool,
) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE users SET disabled = $1 WHERE username = $2")
        .bind(i64::from(disabled))
        .bind(username.as_str().to_owned())
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound {
            what: "user",
            key: username.as_str().to_owned(),
        });
    }
    access_versions::partnership_changed(conn).await?;
    Ok(())
}

/// Saves an account's display name, team and role (its id, username and
/// organisation stay).
pub async fn update_account(conn: &mut Conn, user: &User) -> Result<(), StoreError> {
    let done =
        sqlx::query("UPDATE users SET display_name = $1, team_id = $2, role = $3 WHERE id = $4")
            .bind(user.display_name().as_str().to_owned())
            .bind(user.team_id().map(|t| t.to_string()))
            .bind(user.role().as_str())
            .bind(user.id().to_string())
            .execute(&mut *conn)
            .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound {
            what: "user",
            key: user.username().as_str().to_owned(),
        });
    }
    access_versions::partnership_changed(conn).await?;
    Ok(())
}

/// Replaces an account's password hash.
pub async fn set_password_hash(
    conn: &mut Conn,
    user: UserId,
    password_hash: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash.to_owned())
        .bind(user.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Builds a user from a row selected with [`USER_COLUMNS`].
pub(crate) fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    let what = "user";
    let username =
        Username::parse(&rows::text(row, "username")?).map_err(|e| StoreError::corrupt(what, e))?;
    let display_name = DisplayName::parse(&rows::text(row, "display_name")?)
        .map_err(|e| StoreError::corrupt(what, e))?;
    let role = Role::parse(&rows::text(row, "role")?).map_err(|e| StoreError::corrupt(what, e))?;
    if role == Role::Carer {
        let carer_of = CarerOf {
            person: rows::id(row, "carer_person_id")?,
            related_person: rows::id(row, "carer_related_person_id")?,
        };
        return Ok(User::carer(
            rows::id(row, "user_id")?,
            username,
            display_name,
            rows::id(row, "organisation_id")?,
            carer_of,
            rows::flag(row, "disabled")?,
        ));
    }
    User::new(
        rows::id(row, "user_id")?,
        username,
        display_name,
        rows::id(row, "organisation_id")?,
        rows::opt_id(row, "team_id")?,
        role,
        rows::opt_id(row, "person_id")?,
        rows::flag(row, "disabled")?,
    )
    .map_err(|e| StoreError::corrupt(what, e))
}

/// The enabled members of a team, by name: who a referral to the team
/// reaches.
pub async fn users_of_team(
    conn: &mut Conn,
    team: concordat_domain::ids::TeamId,
) -> Result<Vec<User>, StoreError> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.team_id = $1 AND u.disabled = 0 \
         ORDER BY u.display_name"
    );
    let rows = sqlx::query(&sql)
        .bind(team.to_string())
        .fetch_all(conn)
        .await?;
    rows.iter().map(user_from_row).collect()
}

/// The enabled accounts through which `person` signs in to see their own
/// record: whom to tell of what happens to it.
pub async fn accounts_of_person(
    conn: &mut Conn,
    person: concordat_domain::ids::PersonId,
) -> Result<Vec<User>, StoreError> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.person_id = $1 AND u.disabled = 0 \
         ORDER BY u.username"
    );
    let rows = sqlx::query(&sql)
        .bind(person.to_string())
        .fetch_all(conn)
        .await?;
    rows.iter().map(user_from_row).collect()
}

/// Where `user` chose to be told by email that there is something new to
/// see (a person's own account), if anywhere.
pub async fn notice_email(conn: &mut Conn, user: UserId) -> Result<Option<String>, StoreError> {
    let row = sqlx::query("SELECT notice_email FROM users WHERE id = $1")
        .bind(user.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(row
        .map(|r| rows::opt_text(&r, "notice_email"))
        .transpose()?
        .flatten())
}

/// Sets, or with `None` clears, where `user` is told by email.
pub async fn set_notice_email(
    conn: &mut Conn,
    user: UserId,
    email: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET notice_email = $1 WHERE id = $2")
        .bind(email.map(str::to_owned))
        .bind(user.to_string())
        .execute(conn)
        .await?;
    Ok(())
}
