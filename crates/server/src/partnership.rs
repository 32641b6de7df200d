//! Administering the partnership's organisations and their teams: an
//! administrator adds an organisation, adds a team to one, and changes a
//! team's name, duty number and whether it takes referrals. Each change is
//! in the audit, and the directory and referral forms show it at once.

use concordat_domain::ids::{OrganisationId, TeamId};
use concordat_domain::organisation::{Organisation, OrganisationCode, OrganisationKind, Team};
use concordat_domain::text::PhoneNumber;
use concordat_domain::user::User;
use concordat_store::{frequent_contact, organisations, teams};

use crate::accounts::administers;
use crate::authorisation::record_administration as record;
use crate::error::{FieldError, ServiceError};
use crate::AppState;

/// An organisation as an administrator types it.
#[derive(Debug, Clone, Default)]
pub struct OrganisationInput {
    pub code: String,
    pub name: String,
    pub kind: String,
}

/// A team as an administrator types it.
#[derive(Debug, Clone, Default)]
pub struct TeamInput {
    pub name: String,
    /// Empty for none.
    pub duty_phone: String,
    pub takes_referrals: bool,
    /// Offers support to the people on the frequent contact list.
    pub offers_support: bool,
}

pub async fn create_organisation(
    state: &AppState,
    admin: &User,
    input: &OrganisationInput,
) -> Result<Organisation, ServiceError> {
    administers(admin)?;
    let mut faults = Vec::new();
    let code = OrganisationCode::parse(input.code.trim())
        .map_err(|e| faults.push(FieldError::new("code", e)))
        .ok();
    let kind = OrganisationKind::parse(input.kind.trim())
        .map_err(|_| {
            faults.push(FieldError::new(
                "kind",
                "choose what kind of organisation it is",
            ))
        })
        .ok();
    if input.name.trim().is_empty() {
        faults.push(FieldError::new("name", "enter the organisation's name"));
    }
    let (Some(code), Some(kind), true) = (code, kind, faults.is_empty()) else {
        return Err(ServiceError::Invalid(faults));
    };
    let organisation = Organisation::new(OrganisationId::new(), code, input.name.trim(), kind)
        .map_err(|e| ServiceError::invalid("name", e))?;
    let mut tx = state.store.write().await?;
    if organisations::organisation_by_code(&mut tx, organisation.code())
        .await?
        .is_some()
    {
        return Err(ServiceError::invalid(
            "code",
            format!(
                "`{}` is already an organisation's code",
                organisation.code().as_str()
            ),
        ));
    }
    organisations::insert_organisation(&mut tx, &organisation, state.clock.now()).await?;
    tx.commit().await?;
    record(
        state,
        admin,
        format!(
            "added the organisation {} ({})",
            organisation.name(),
            organisation.code().as_str()
        ),
    )
    .await?;
    Ok(organisation)
}

/// The team `input` describes, with `id`, in `organisation`.
fn team_of(
    id: TeamId,
    organisation: OrganisationId,
    input: &TeamInput,
) -> Result<Team, ServiceError> {
    let mut faults = Vec::new();
    let phone = match input.duty_phone.trim() {
        "" => None,
        raw => PhoneNumber::parse(raw)
            .map_err(|e| faults.push(FieldError::new("duty_phone", e)))
            .ok(),
    };
    let team = Team::new(id, organisation, &input.name, phone)
        .map_err(|e| faults.push(FieldError::new("name", e)))
        .ok();
    match (team, faults.is_empty()) {
        (Some(team), true) => Ok(team.taking_referrals(input.takes_referrals)),
        _ => Err(ServiceError::Invalid(faults)),
    }
}

/// A team name taken in the organisation is a fault of the name field.
fn same_name(e: concordat_store::StoreError, organisation: &str) -> ServiceError {
    match e {
        concordat_store::StoreError::Duplicate { .. } => ServiceError::invalid(
            "name",
            format!("{organisation} already has a team of that name"),
        ),
        other => other.into(),
    }
}

/// One organisation by its code, for an administrator.
pub async fn organisation(
    state: &AppState,
    admin: &User,
    code: &str,
) -> Result<Organisation, ServiceError> {
    administers(admin)?;
    let code = OrganisationCode::parse(code).map_err(|_| ServiceError::NotFound)?;
    let mut conn = state.store.read().await?;
    organisations::organisation_by_code(&mut conn, &code)
        .await?
        .ok_or(ServiceError::NotFound)
}

pub async fn create_team(
    state: &AppState,
    admin: &User,
    organisation_code: &str,
    input: &TeamInput,
) -> Result<Team, ServiceError> {
    let organisation = organisation(state, admin, organisation_code).await?;
    let team = team_of(TeamId::new(), organisation.id(), input)?;
    let mut tx = state.store.write().await?;
    teams::insert_team(&mut tx, &team)
        .await
        .map_err(|e| same_name(e, organisation.name()))?;
    if input.offers_support {
        frequent_contact::set_support_team(&mut tx, team.id(), true).await?;
    }
    tx.commit().await?;
    record(
        state,
        admin,
        format!("added the team {} to {}", team.name(), organisation.name()),
    )
    .await?;
    Ok(team)
}

/// One team by its id, for an administrator.
pub async fn team(state: &AppState, admin: &User, raw_id: &str) -> Result<Team, ServiceError> {
    administers(admin)?;
    let id = TeamId::parse(raw_id).map_err(|_| ServiceError::NotFound)?;
    let mut conn = state.store.read().await?;
    teams::team_by_id(&mut conn, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

pub async fn update_team(
    state: &AppState,
    admin: &User,
    raw_id: &str,
    input: &TeamInput,
) -> Result<Team, ServiceError> {
    let before = team(state, admin, raw_id).await?;
    let after = team_of(before.id(), before.organisation_id(), input)?;
    let mut tx = state.store.write().await?;
    let supported_before = frequent_contact::support_teams(&mut tx)
        .await?
        .contains(&before.id());
    teams::update_team(&mut tx, &after)
        .await
        .map_err(|e| same_name(e, "its organisation"))?;
    frequent_contact::set_support_team(&mut tx, after.id(), input.offers_support).await?;
    tx.commit().await?;
    let mut changes = Vec::new();
    if before.takes_referrals() != after.takes_referrals() {
        changes.push(if after.takes_referrals() {
            "now takes referrals"
        } else {
            "no longer takes referrals"
        });
    }
    if supported_before != input.offers_support {
        changes.push(if input.offers_support {
            "now offers support to people in frequent contact"
        } else {
            "no longer offers support to people in frequent contact"
        });
    }
    let changed = if changes.is_empty() {
        String::new()
    } else {
        format!(": {}", changes.join("; "))
    };
    record(
        state,
        admin,
        format!("changed the team {}{changed}", before.name()),
    )
    .await?;
    Ok(after)
}

/// Whether the team offers support to the people on the frequent contact
/// list.
pub async fn offers_support(state: &AppState, team: TeamId) -> Result<bool, ServiceError> {
    let mut conn = state.store.read().await?;
    Ok(frequent_contact::support_teams(&mut conn)
        .await?
        .contains(&team))
}
