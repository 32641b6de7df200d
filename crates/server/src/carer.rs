//! A carer's own account: what the person they care for lets them see,
//! item by item, and their thread with the person's care team. Every item
//! shown is decided by the access decision as that item (a carer asking
//! for anything else is refused by it) and audited against the person, so
//! it is in the person's access log. What the carer sees follows the
//! person's choices at each request: an item withdrawn a moment ago is
//! not shown.

mod shown;
mod thread;

use chrono::{DateTime, Utc};
use concordat_access::AccessAction;
use concordat_domain::carer::{CarerItem, CarerOf, ShareBasis};
use concordat_domain::role::Role;
use concordat_store::{carers, persons};

pub use shown::Shown;
pub use thread::{CarerThread, ANSWER_WITHIN_HOURS};

use crate::authorisation::{authorise_items, Viewer};
use crate::error::ServiceError;
use crate::AppState;

/// What a carer's page shows.
#[derive(Debug, Clone)]
pub struct CarerHome {
    /// The person's given name, as the carer knows them.
    pub given_name: String,
    /// When the person (or their care team) withdrew this carer's access;
    /// the page then shows nothing else.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Each item the person may choose, in order: what it says when shared,
    /// `None` when it is not.
    pub items: Vec<(CarerItem, Option<Shown>)>,
    /// The carer's thread with the care team, if they have written.
    pub thread: Option<CarerThread>,
    /// Whether something shown was shared by a decision made in the
    /// person's best interests rather than by the person.
    pub in_best_interests: bool,
}

/// Whose carer the viewer is; anyone else has no carer's page.
pub(crate) fn carer_of(viewer: &Viewer) -> Result<CarerOf, ServiceError> {
    match viewer.user.carer_of() {
        Some(link) if viewer.user.role() == Role::Carer => Ok(link),
        _ => Err(ServiceError::Forbidden(
            "only a carer the person invited has a carer's page".into(),
        )),
    }
}

/// The carer's page: every item the person lets them see, decided and
/// audited as one entry, then read.
pub async fn home(state: &AppState, viewer: &Viewer) -> Result<CarerHome, ServiceError> {
    let link = carer_of(viewer)?;
    let (given_name, withdrawn_at) = {
        let mut conn = state.store.read().await?;
        let given_name = persons::person_by_id(&mut conn, link.person)
            .await?
            .map(|p| p.name().given().to_owned())
            .ok_or(ServiceError::NotFound)?;
        let account = carers::account_of(&mut conn, link).await?;
        (given_name, account.and_then(|a| a.withdrawn_at))
    };
    // Every item is asked for, each decided on the person's choices now,
    // and the whole page audited as one entry (its refusals too).
    let asked: Vec<CarerItem> = CarerItem::ALL.to_vec();
    let decided = authorise_items(
        state,
        viewer,
        link.person,
        AccessAction::Read,
        &asked,
        "looked at what they may see as a carer".to_owned(),
    )
    .await?;
    let allowed = |item: CarerItem| decided.iter().any(|(i, on)| *i == item && on.is_some());
    let in_best_interests = decided
        .iter()
        .any(|(_, on)| *on == Some(ShareBasis::BestInterests));
    let mut items = Vec::new();
    {
        let mut conn = state.store.read().await?;
        for item in CarerItem::CHOSEN {
            let shown = if allowed(item) {
                Some(
                    shown::read(&mut conn, link.person, item, &given_name, state.clock.now())
                        .await?,
                )
            } else {
                None
            };
            items.push((item, shown));
        }
    }
    let thread = if allowed(CarerItem::Messages) {
        thread::of_carer(state, viewer, link).await?
    } else {
        None
    };
    Ok(CarerHome {
        given_name,
        withdrawn_at,
        items,
        thread,
        in_best_interests,
    })
}

/// Writes to the person's care team: the first message starts the carer's
/// thread, later ones add to it.
pub async fn write(
    state: &AppState,
    viewer: &Viewer,
    body: &str,
) -> Result<concordat_store::messages::Message, ServiceError> {
    let link = carer_of(viewer)?;
    thread::write(state, viewer, link, body).await
}
