//! Referrals between partners: sending one (only if the receiving team may
//! see what it says about the person), acting on it through its lifecycle,
//! and listing inboxes and outboxes. Every step is on the referral's
//! timeline, told to the other side, and goes through the access decision.
//! An unacknowledged referral escalates (see [`crate::escalation::referral`]).

pub mod acting;
pub mod calendar;
mod route;
pub mod sending;

use concordat_access::AccessAction;
use concordat_domain::category::DataCategory;
use concordat_domain::ids::{PersonId, ReferralId, TeamId};
use concordat_domain::user::User;
use concordat_store::referrals;
pub use concordat_store::referrals::{Listing, Narrowing, Referral, ReferralEvent};
use concordat_store::{organisations, persons, teams, Conn};

use crate::authorisation::{readable_with_people, Viewer};
use crate::crisis::require;
use crate::error::ServiceError;
use crate::AppState;

pub use acting::{act, ActionInput};
pub(crate) use route::covering_agreement;
pub use route::receiving_teams;
pub use sending::{send, NewReferral, SECTIONS_MAX};

/// A referral with its timeline, for someone on either side (or the
/// person), audited as a read of the `referrals` category.
/// One referral as its parties see it: its timeline, and whom it is about.
#[derive(Debug, Clone)]
pub struct Detail {
    pub referral: Referral,
    pub events: Vec<ReferralEvent>,
    pub person_name: Option<String>,
}

pub async fn detail(
    state: &AppState,
    viewer: &Viewer,
    id: ReferralId,
) -> Result<Detail, ServiceError> {
    let mut conn = state.store.read().await?;
    let referral = referrals::referral_by_id(&mut conn, id, false)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !involves(&viewer.user, &referral) {
        return Err(ServiceError::NotFound);
    }
    drop(conn);
    require(
        state,
        viewer,
        referral.person,
        AccessAction::Read,
        DataCategory::Referrals,
    )
    .await?;
    let mut conn = state.store.read().await?;
    let events = referrals::events_of(&mut conn, id).await?;
    let person_name = persons::person_by_id(&mut conn, referral.person)
        .await?
        .map(|p| p.name().full());
    Ok(Detail {
        referral,
        events,
        person_name,
    })
}

/// Whether `user` is a party to `referral`: on the receiving team, in the
/// sending or the receiving organisation, or the person it is about. No
/// one else reads a referral, whatever they may read of the person.
fn involves(user: &User, referral: &Referral) -> bool {
    user.team_id() == Some(referral.to_team)
        || user.organisation_id() == referral.from_organisation
        || user.organisation_id() == referral.to_organisation
        || user.person_id() == Some(referral.person)
}

/// The referrals about `person` the viewer is a party to, newest first
/// (at most 200), each with its timeline, after one decision on the
/// person's `referrals`, audited. A person the viewer may not know of is
/// [`ServiceError::NotFound`], as no one is.
pub async fn of_person(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
) -> Result<Vec<Detail>, ServiceError> {
    require(
        state,
        viewer,
        person,
        AccessAction::Read,
        DataCategory::Referrals,
    )
    .await?;
    let mut conn = state.store.read().await?;
    let person_name = persons::person_by_id(&mut conn, person)
        .await?
        .map(|p| p.name().full());
    of_person_allowed(&mut conn, viewer, person, person_name).await
}

/// [`of_person`], once a decision has allowed `viewer` the person's
/// `referrals`: those it is party to, each naming the person as
/// `person_name`.
pub(crate) async fn of_person_allowed(
    conn: &mut Conn,
    viewer: &Viewer,
    person: PersonId,
    person_name: Option<String>,
) -> Result<Vec<Detail>, ServiceError> {
    let mut found = Vec::new();
    for referral in referrals::referrals(conn, Listing::Person(person), 0, LIST_MOST).await? {
        if involves(&viewer.user, &referral) {
            let events = referrals::events_of(conn, referral.id).await?;
            found.push(Detail {
                referral,
                events,
                person_name: person_name.clone(),
            });
        }
    }
    Ok(found)
}

/// The most referrals one list holds (the API's whole list).
pub const LIST_MOST: u32 = 200;

/// A list of referrals with the person each is about, keeping only those
/// the access decision lets the viewer see (each one decided and audited).
pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    listing: Listing,
) -> Result<Vec<(Referral, String)>, ServiceError> {
    Ok(
        page(state, viewer, listing, &Narrowing::default(), 0, LIST_MOST)
            .await?
            .0,
    )
}

/// `limit` of a list from `offset` on, narrowed as `narrowing` says,
/// newest first, and whether there are more after them. Only the referrals
/// shown are read and audited.
pub async fn page(
    state: &AppState,
    viewer: &Viewer,
    listing: Listing,
    narrowing: &Narrowing,
    offset: u32,
    limit: u32,
) -> Result<(Vec<(Referral, String)>, bool), ServiceError> {
    let mut found = {
        let mut conn = state.store.read().await?;
        referrals::narrowed(&mut conn, listing, narrowing, offset, limit + 1).await?
    };
    let more = found.len() > limit as usize;
    found.truncate(limit as usize);
    let shown =
        readable_with_people(state, viewer, found, |r| r.person, DataCategory::Referrals).await?;
    let named = shown
        .into_iter()
        .map(|(referral, person)| {
            let name = person.map(|p| p.name().full()).unwrap_or_default();
            (referral, name)
        })
        .collect();
    Ok((named, more))
}

/// The team's name and organisation, for showing where a referral went.
pub async fn team_label(state: &AppState, team: TeamId) -> Result<String, ServiceError> {
    let mut conn = state.store.read().await?;
    let Some(team) = teams::team_by_id(&mut conn, team).await? else {
        return Ok(String::new());
    };
    let org = organisations::organisation_by_id(&mut conn, team.organisation_id())
        .await?
        .map(|o| o.name().to_owned())
        .unwrap_or_default();
    Ok(format!("{} ({org})", team.name()))
}
