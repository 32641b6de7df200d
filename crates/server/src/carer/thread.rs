//! A carer's thread with the person's care team: one thread, started by
//! the carer's first message and addressed to everyone on the person's
//! care teams. Each message the carer writes asks for an answer within
//! [`ANSWER_WITHIN_HOURS`] and escalates as any message does until a
//! member of the care team acknowledges it. The care team answers in the
//! thread from their own inbox, under their own access decision.

use concordat_access::AccessAction;
use concordat_domain::carer::{CarerItem, CarerOf};
use concordat_domain::ids::UserId;
use concordat_store::care_teams;
use concordat_store::messages::{self, Message, Thread, ThreadNarrowing};

use crate::authorisation::{authorise_items, Viewer};
use crate::error::ServiceError;
use crate::messages::{check_message, post, NewMessage};
use crate::AppState;

/// How soon the care team is asked to answer a carer.
pub const ANSWER_WITHIN_HOURS: u32 = 48;

/// The carer's thread as they read it.
#[derive(Debug, Clone)]
pub struct CarerThread {
    pub thread: Thread,
    pub messages: Vec<Message>,
}

/// The carer's own thread about the person, if they have started one.
async fn own_thread(
    state: &AppState,
    viewer: &Viewer,
    link: CarerOf,
) -> Result<Option<Thread>, ServiceError> {
    let mut conn = state.store.read().await?;
    let narrowing = ThreadNarrowing {
        person: Some(link.person),
        words: None,
    };
    let ids =
        messages::threads_of_user(&mut conn, viewer.user.id(), None, &narrowing, 0, 1).await?;
    let Some(id) = ids.first() else {
        return Ok(None);
    };
    Ok(messages::thread_by_id(&mut conn, *id)
        .await?
        .filter(|t| t.started_by == viewer.user.id()))
}

/// The thread with its messages, for a carer already allowed to read it.
pub(super) async fn of_carer(
    state: &AppState,
    viewer: &Viewer,
    link: CarerOf,
) -> Result<Option<CarerThread>, ServiceError> {
    let Some(thread) = own_thread(state, viewer, link).await? else {
        return Ok(None);
    };
    let mut conn = state.store.read().await?;
    Ok(Some(CarerThread {
        messages: messages::messages_of(&mut conn, thread.id).await?,
        thread,
    }))
}

/// Everyone on the person's care teams: whom a carer writes to.
async fn care_team_users(state: &AppState, link: CarerOf) -> Result<Vec<UserId>, ServiceError> {
    let mut conn = state.store.read().await?;
    let mut users: Vec<UserId> = care_teams::care_teams_of_person(&mut conn, link.person)
        .await?
        .iter()
        .flat_map(|team| {
            team.members()
                .iter()
                .map(|m| m.user_id())
                .chain([team.lead()])
        })
        .collect();
    users.sort();
    users.dedup();
    Ok(users)
}

/// Writes to the care team: the first message starts the thread, later
/// ones add to it. Decided and audited as the carer writing their thread.
pub(super) async fn write(
    state: &AppState,
    viewer: &Viewer,
    link: CarerOf,
    body: &str,
) -> Result<Message, ServiceError> {
    let body = check_message(&NewMessage {
        body: body.to_owned(),
        acknowledge_within_hours: Some(ANSWER_WITHIN_HOURS),
    })?;
    let decided = authorise_items(
        state,
        viewer,
        link.person,
        AccessAction::Write,
        &[CarerItem::Messages],
        "wrote to the care team as a carer".to_owned(),
    )
    .await?;
    if !decided.iter().all(|(_, on)| on.is_some()) {
        return Err(ServiceError::Forbidden(
            "you can no longer write to the care team here: the person has stopped sharing with you"
                .into(),
        ));
    }
    let now = state.clock.now();
    let existing = own_thread(state, viewer, link).await?;
    let recipients = if existing.is_none() {
        let users = care_team_users(state, link).await?;
        if users.is_empty() {
            return Err(ServiceError::Conflict(
                "there is no care team to write to yet".into(),
            ));
        }
        users
    } else {
        Vec::new()
    };
    let mut tx = state.store.write().await?;
    let thread = match existing {
        Some(thread) => thread,
        None => {
            let thread = Thread {
                id: uuid::Uuid::new_v4(),
                person: link.person,
                // Not the person's name: it is shown in inboxes before the
                // thread is opened and decided.
                subject: format!("From {}, a carer", viewer.user.display_name().as_str()),
                started_by: viewer.user.id(),
                started_at: now,
                users: recipients,
                teams: Vec::new(),
            };
            messages::insert_thread(&mut tx, &thread).await?;
            thread
        }
    };
    let message = post(
        &mut tx,
        viewer,
        &thread,
        body,
        Some(ANSWER_WITHIN_HOURS),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(message)
}
