//! Administering staff accounts: an administrator adds one, changes its
//! name, role or team, disables and re-enables it, and makes a one-time
//! link with which its owner sets their own password. No one ever chooses,
//! sees or sends another's password. Every change is in the audit, by whom
//! and what, and a change of role or team ends the account's sessions and
//! tokens, so that what it may do is decided afresh at its next sign-in.

use chrono::{DateTime, Duration, Utc};
use concordat_domain::ids::{TeamId, UserId};
use concordat_domain::organisation::OrganisationCode;
use concordat_domain::role::Role;
use concordat_domain::user::{DisplayName, NewPassword, User, Username};
use concordat_store::password_links::{self, PasswordLink};
use concordat_store::{organisations, sessions, teams, tokens, users, wellbeing, Conn};

use crate::auth::secret;
use crate::authorisation::record_administration;
use crate::error::{FieldError, ServiceError};
use crate::AppState;

/// How long a set-password link works.
pub const LINK_LASTS_HOURS: i64 = 72;

/// An account as an administrator types it.
#[derive(Debug, Clone, Default)]
pub struct AccountInput {
    pub username: String,
    pub display_name: String,
    /// The organisation's code (new accounts only: an account stays in its
    /// organisation).
    pub organisation: String,
    /// The team's id, or empty for none.
    pub team: String,
    pub role: String,
    /// The line manager's username, or empty for none.
    pub line_manager: String,
}

/// A set-password link just made: its secret is shown this once.
#[derive(Debug, Clone)]
pub struct MadeLink {
    pub user: User,
    pub secret: String,
    pub expires_at: DateTime<Utc>,
}

/// The roles an administrator gives from the pages: staff. A person's own
/// account is made with their NHS number from the command line, and a
/// partner's system is registered there too.
pub const STAFF_ROLES: [Role; 13] = [
    Role::CrisisClinician,
    Role::MentalHealthPractitioner,
    Role::Gp,
    Role::PoliceOfficer,
    Role::Paramedic,
    Role::EdClinician,
    Role::Nhs111Advisor,
    Role::SocialWorker,
    Role::SupportWorker,
    Role::IgLead,
    Role::Commissioner,
    Role::WellbeingLead,
    Role::Admin,
];

pub fn administers(user: &User) -> Result<(), ServiceError> {
    if user.role() == Role::Admin {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "only administrators manage accounts".into(),
        ))
    }
}

/// The role, display name and team `input` asks for, each checked; the
/// team must be one of `organisation`'s.
async fn checked(
    conn: &mut Conn,
    input: &AccountInput,
    organisation: concordat_domain::ids::OrganisationId,
    faults: &mut Vec<FieldError>,
) -> Result<(Option<DisplayName>, Option<Role>, Option<TeamId>), ServiceError> {
    let name = DisplayName::parse(&input.display_name)
        .map_err(|e| faults.push(FieldError::new("display_name", e)))
        .ok();
    let role = Role::parse(input.role.trim())
        .ok()
        .filter(|r| STAFF_ROLES.contains(r));
    if role.is_none() {
        faults.push(FieldError::new("role", "choose the account's role"));
    }
    let team = match input.team.trim() {
        "" => None,
        raw => {
            let found = match TeamId::parse(raw) {
                Ok(id) => teams::team_by_id(conn, id).await?,
                Err(_) => None,
            };
            match found {
                Some(team) if team.organisation_id() == organisation => Some(team.id()),
                _ => {
                    faults.push(FieldError::new(
                        "team",
                        "choose one of the organisation's teams, or none",
                    ));
                    None
                }
            }
        }
    };
    Ok((name, role, team))
}

/// The line manager `input` names: an enabled member of staff of
/// `organisation` other than the account itself (`own`, when it exists).
/// `None` for none named; a fault for anyone else.
async fn line_manager_named(
    conn: &mut Conn,
    input: &AccountInput,
    organisation: concordat_domain::ids::OrganisationId,
    own: Option<UserId>,
    faults: &mut Vec<FieldError>,
) -> Result<Option<UserId>, ServiceError> {
    let raw = input.line_manager.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let found = match Username::parse(raw) {
        Ok(name) => users::user_by_username(conn, &name).await?,
        Err(_) => None,
    }
    .filter(|u| {
        u.organisation_id() == organisation
            && !u.disabled()
            && STAFF_ROLES.contains(&u.role())
            && Some(u.id()) != own
    });
    if found.is_none() {
        faults.push(FieldError::new(
            "line_manager",
            format!("no one else in this organisation has the username `{raw}`"),
        ));
    }
    Ok(found.map(|u| u.id()))
}

/// The username of `user`'s line manager, if one is named.
pub async fn line_manager(
    state: &AppState,
    admin: &User,
    user: &User,
) -> Result<Option<String>, ServiceError> {
    administers(admin)?;
    let mut conn = state.store.read().await?;
    let Some(manager) = wellbeing::line_manager(&mut conn, user.id()).await? else {
        return Ok(None);
    };
    Ok(users::user_by_id(&mut conn, manager)
        .await?
        .map(|u| u.username().as_str().to_owned()))
}

/// A link for `user`, kept hashed; the secret is returned to show once.
pub(crate) async fn make_link(
    conn: &mut Conn,
    admin: &User,
    user: &User,
    now: DateTime<Utc>,
) -> Result<MadeLink, ServiceError> {
    let secret = secret::new_secret();
    let expires_at = now + Duration::hours(LINK_LASTS_HOURS);
    password_links::insert_link(
        conn,
        &PasswordLink {
            secret_hash: secret::digest(&secret),
            user: user.id(),
            made_by: admin.id(),
            made_at: now,
            expires_at,
        },
    )
    .await?;
    Ok(MadeLink {
        user: user.clone(),
        secret,
        expires_at,
    })
}

/// Adds a staff account with no usable password, and the link its owner
/// sets one with.
pub async fn create(
    state: &AppState,
    admin: &User,
    input: &AccountInput,
) -> Result<MadeLink, ServiceError> {
    administers(admin)?;
    let now = state.clock.now();
    let mut faults = Vec::new();
    let username = Username::parse(&input.username)
        .map_err(|e| faults.push(FieldError::new("username", e)))
        .ok();
    let mut tx = state.store.write().await?;
    let organisation = match OrganisationCode::parse(input.organisation.trim()) {
        Ok(code) => organisations::organisation_by_code(&mut tx, &code).await?,
        Err(_) => None,
    };
    if organisation.is_none() {
        faults.push(FieldError::new("organisation", "choose the organisation"));
    }
    let org_id = organisation.as_ref().map(|o| o.id());
    // With no organisation, no team can be its: the team is checked
    // against an organisation that does not exist.
    let checked_against = org_id.unwrap_or_else(concordat_domain::ids::OrganisationId::new);
    let (name, role, team) = checked(&mut tx, input, checked_against, &mut faults).await?;
    let manager = line_manager_named(&mut tx, input, checked_against, None, &mut faults).await?;
    let (Some(username), Some(name), Some(role), Some(org), true) =
        (username, name, role, org_id, faults.is_empty())
    else {
        return Err(ServiceError::Invalid(faults));
    };
    if users::user_by_username(&mut tx, &username).await?.is_some() {
        return Err(ServiceError::invalid(
            "username",
            format!("`{}` is already someone's username", username.as_str()),
        ));
    }
    let user = User::new(UserId::new(), username, name, org, team, role, None, false)
        .map_err(|e| ServiceError::invalid("role", e))?;
    // A password no one knows, hashed as any other, so that signing in to
    // an account whose link is unused takes as long as to any other.
    let unknown = state
        .passwords
        .hash(&secret::new_secret())
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    users::insert_user(&mut tx, &user, &unknown, now).await?;
    wellbeing::set_line_manager(&mut tx, user.id(), manager).await?;
    let link = make_link(&mut tx, admin, &user, now).await?;
    tx.commit().await?;
    record_administration(
        state,
        admin,
        format!(
            "added the account {} ({}, {}) and made its set-password link",
            user.username().as_str(),
            user.display_name().as_str(),
            user.role().label()
        ),
    )
    .await?;
    Ok(link)
}

async fn account(conn: &mut Conn, username: &str) -> Result<User, ServiceError> {
    let name = Username::parse(username).map_err(|_| ServiceError::NotFound)?;
    users::user_by_username(conn, &name)
        .await?
        .filter(|u| STAFF_ROLES.contains(&u.role()))
        .ok_or(ServiceError::NotFound)
}

/// One staff account, for its page.
pub async fn staff_account(
    state: &AppState,
    admin: &User,
    username: &str,
) -> Result<User, ServiceError> {
    administers(admin)?;
    let mut conn = state.store.read().await?;
    account(&mut conn, username).await
}

/// Changes an account's display name, role and team (its organisation
/// stays). A new role or team ends its sessions and tokens.
pub async fn update(
    state: &AppState,
    admin: &User,
    username: &str,
    input: &AccountInput,
) -> Result<User, ServiceError> {
    administers(admin)?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let before = account(&mut tx, username).await?;
    let mut faults = Vec::new();
    let (name, role, team) = checked(&mut tx, input, before.organisation_id(), &mut faults).await?;
    let manager = line_manager_named(
        &mut tx,
        input,
        before.organisation_id(),
        Some(before.id()),
        &mut faults,
    )
    .await?;
    let manager_before = wellbeing::line_manager(&mut tx, before.id()).await?;
    let (Some(name), Some(role), true) = (name, role, faults.is_empty()) else {
        return Err(ServiceError::Invalid(faults));
    };
    if before.id() == admin.id() && role != Role::Admin {
        return Err(ServiceError::invalid(
            "role",
            "you cannot take away your own administrator role; ask another administrator",
        ));
    }
    let after = User::new(
        before.id(),
        before.username().clone(),
        name,
        before.organisation_id(),
        team,
        role,
        before.person_id(),
        before.disabled(),
    )
    .map_err(|e| ServiceError::invalid("role", e))?;
    users::update_account(&mut tx, &after).await?;
    wellbeing::set_line_manager(&mut tx, after.id(), manager).await?;
    let moved = before.role() != after.role() || before.team_id() != after.team_id();
    if moved {
        sessions::delete_sessions_of_user(&mut tx, after.id()).await?;
        tokens::revoke_tokens_of_user(&mut tx, after.id(), now).await?;
    }
    tx.commit().await?;
    let mut said = vec![];
    if before.display_name() != after.display_name() {
        said.push(format!("name to {}", after.display_name().as_str()));
    }
    if before.role() != after.role() {
        said.push(format!(
            "role from {} to {}",
            before.role().label(),
            after.role().label()
        ));
    }
    if before.team_id() != after.team_id() {
        said.push("team".to_owned());
    }
    if manager_before != manager {
        said.push("line manager".to_owned());
    }
    if !said.is_empty() {
        record_administration(
            state,
            admin,
            format!(
                "changed the account {}: {}",
                after.username().as_str(),
                said.join(", ")
            ),
        )
        .await?;
    }
    Ok(after)
}

/// Disables an account (shut out at once, sessions and tokens with it) or
/// enables it again. An administrator cannot disable their own.
pub async fn set_enabled(
    state: &AppState,
    admin: &User,
    username: &str,
    enabled: bool,
) -> Result<User, ServiceError> {
    administers(admin)?;
    let mut tx = state.store.write().await?;
    let user = account(&mut tx, username).await?;
    if user.id() == admin.id() && !enabled {
        return Err(ServiceError::Conflict(
            "you cannot disable your own account".into(),
        ));
    }
    users::set_disabled(&mut tx, user.username(), !enabled).await?;
    if !enabled {
        sessions::delete_sessions_of_user(&mut tx, user.id()).await?;
    }
    tx.commit().await?;
    let done = if enabled { "enabled" } else { "disabled" };
    record_administration(
        state,
        admin,
        format!("{done} the account {}", user.username().as_str()),
    )
    .await?;
    Ok(user.with_disabled(!enabled))
}

/// A new set-password link for an account (its owner forgot theirs, or
/// the first link expired); any earlier unused one stops working.
pub async fn new_link(
    state: &AppState,
    admin: &User,
    username: &str,
) -> Result<MadeLink, ServiceError> {
    administers(admin)?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let user = account(&mut tx, username).await?;
    let link = make_link(&mut tx, admin, &user, now).await?;
    tx.commit().await?;
    record_administration(
        state,
        admin,
        format!(
            "made a set-password link for the account {}",
            user.username().as_str()
        ),
    )
    .await?;
    Ok(link)
}

/// The account a live link is for, to greet its owner by name; `None` for
/// a link that is spent, expired or was never made (told apart from none).
pub async fn link_owner(state: &AppState, secret: &str) -> Result<Option<User>, ServiceError> {
    let now = state.clock.now();
    let mut conn = state.store.read().await?;
    let Some(id) = password_links::live_link(&mut conn, &secret::digest(secret), now).await? else {
        return Ok(None);
    };
    Ok(users::user_by_id(&mut conn, id)
        .await?
        .filter(|u| !u.disabled()))
}

/// Sets the password of the link's account and spends the link. Any
/// session the account had ends.
pub async fn redeem(
    state: &AppState,
    secret: &str,
    password: NewPassword,
) -> Result<User, ServiceError> {
    let now = state.clock.now();
    let hash = state
        .passwords
        .hash(password.expose())
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let digest = secret::digest(secret);
    let mut tx = state.store.write().await?;
    let user = match password_links::live_link(&mut tx, &digest, now).await? {
        Some(id) => users::user_by_id(&mut tx, id).await?,
        None => None,
    }
    .filter(|u| !u.disabled())
    .ok_or(ServiceError::NotFound)?;
    if !password_links::spend_link(&mut tx, &digest, now).await? {
        return Err(ServiceError::NotFound);
    }
    users::set_password_hash(&mut tx, user.id(), &hash).await?;
    sessions::delete_sessions_of_user(&mut tx, user.id()).await?;
    tx.commit().await?;
    record_administration(
        state,
        &user,
        format!(
            "set the password of the account {} with a one-time link",
            user.username().as_str()
        ),
    )
    .await?;
    Ok(user)
}
