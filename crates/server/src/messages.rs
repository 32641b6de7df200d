//! Professional messages about a person: a thread between named users and
//! teams across organisations; each message with read receipts and, when
//! the sender asks, an acknowledgement deadline that escalates like a
//! referral's (see [`crate::escalation::message`]). Writing and reading go through the
//! access decision (`messages` category); only the thread's participants
//! (named users, members of named teams, and whoever started it) see it.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use concordat_access::AccessAction;
use concordat_domain::category::DataCategory;
use concordat_domain::flag::required_paragraphs;
use concordat_domain::ids::{MessageId, PersonId, TeamId, UserId};
use concordat_domain::text::bounded;
use concordat_domain::user::Username;
use concordat_store::messages::{self, ThreadId};
pub use concordat_store::messages::{Message, Thread};
use concordat_store::notifications::{self, Notification};
use concordat_store::{jobs, users, Conn};

use crate::authorisation::{readable_with_people, Viewer};
use crate::crisis::require;
use crate::error::ServiceError;
use crate::escalation::message::KIND as ESCALATION;
use crate::AppState;

/// The longest acknowledgement deadline a sender may ask for.
pub const MAX_ACKNOWLEDGE_HOURS: u32 = 24 * 14;

#[derive(Debug, Clone)]
pub struct NewThread {
    pub person: PersonId,
    pub subject: String,
    /// The usernames of the people to write to, as typed.
    pub usernames: Vec<String>,
    pub teams: Vec<TeamId>,
    pub first: NewMessage,
}

#[derive(Debug, Clone)]
pub struct NewMessage {
    pub body: String,
    /// Ask for an acknowledgement within this many hours.
    pub acknowledge_within_hours: Option<u32>,
}

/// A thread as its participants see it.
#[derive(Debug, Clone)]
pub struct ThreadView {
    pub thread: Thread,
    pub messages: Vec<Message>,
    pub receipts: Vec<(MessageId, UserId, DateTime<Utc>)>,
    /// The names of those who read a message, for the receipts.
    pub reader_names: BTreeMap<UserId, String>,
}

fn is_participant(thread: &Thread, viewer: &Viewer) -> bool {
    let user = &viewer.user;
    thread.started_by == user.id()
        || thread.users.contains(&user.id())
        || user.team_id().is_some_and(|t| thread.teams.contains(&t))
}

pub(crate) fn check_message(message: &NewMessage) -> Result<String, ServiceError> {
    let body = required_paragraphs("body", &message.body, 8_000)
        .map_err(|e| ServiceError::invalid("body", e.kind()))?;
    if let Some(h) = message.acknowledge_within_hours {
        if h == 0 || h > MAX_ACKNOWLEDGE_HOURS {
            return Err(ServiceError::invalid(
                "acknowledge_within_hours",
                format!("between 1 and {MAX_ACKNOWLEDGE_HOURS} hours"),
            ));
        }
    }
    Ok(body)
}

/// Who is told of a new message: every participant but its author.
async fn recipients(
    conn: &mut Conn,
    thread: &Thread,
    author: UserId,
) -> Result<Vec<UserId>, ServiceError> {
    let mut out: Vec<UserId> = thread.users.clone();
    out.push(thread.started_by);
    for team in &thread.teams {
        out.extend(
            users::users_of_team(conn, *team)
                .await?
                .iter()
                .map(|u| u.id()),
        );
    }
    out.sort();
    out.dedup();
    out.retain(|u| *u != author);
    Ok(out)
}

pub(crate) async fn post(
    tx: &mut Conn,
    viewer: &Viewer,
    thread: &Thread,
    body: String,
    acknowledge_within_hours: Option<u32>,
    now: DateTime<Utc>,
) -> Result<Message, ServiceError> {
    let message = Message {
        id: MessageId::new(),
        thread: thread.id,
        author: viewer.user.id(),
        author_name: viewer.user.display_name().as_str().to_owned(),
        body,
        sent_at: now,
        acknowledge_due: acknowledge_within_hours.map(|h| now + Duration::hours(i64::from(h))),
        acknowledged_at: None,
        acknowledged_by: None,
        escalation_step: 0,
    };
    messages::insert_message(tx, &message).await?;
    if let Some(due) = message.acknowledge_due {
        jobs::schedule(tx, ESCALATION, &message.id.to_string(), 1, due, "{}", now).await?;
    }
    let asked = message
        .acknowledge_due
        .map(|d| {
            format!(
                " Please acknowledge by {}.",
                concordat_domain::dates::when(d)
            )
        })
        .unwrap_or_default();
    for user in recipients(tx, thread, viewer.user.id()).await? {
        notifications::insert_notification(
            tx,
            &Notification {
                id: uuid::Uuid::new_v4(),
                user,
                kind: "message".into(),
                // Not the person's name: a recipient may not be allowed to
                // read about them, and opening the thread decides that.
                subject: thread.subject.clone(),
                body: format!("From {}.{asked}", message.author_name),
                link: Some(format!("/threads/{}", thread.id)),
                created_at: now,
                read_at: None,
            },
        )
        .await?;
    }
    Ok(message)
}

/// Starts a thread about a person with its first message.
/// The users `usernames` name, or the first that names no one.
async fn addressees(state: &AppState, usernames: &[String]) -> Result<Vec<UserId>, ServiceError> {
    let mut ids = Vec::with_capacity(usernames.len());
    if usernames.is_empty() {
        return Ok(ids);
    }
    let mut conn = state.store.read().await?;
    for name in usernames {
        let username =
            Username::parse(name).map_err(|e| ServiceError::invalid("to_usernames", e))?;
        let user = users::user_by_username(&mut conn, &username)
            .await?
            .ok_or_else(|| {
                ServiceError::invalid("to_usernames", format!("there is no user `{name}`"))
            })?;
        ids.push(user.id());
    }
    Ok(ids)
}

pub async fn start(
    state: &AppState,
    viewer: &Viewer,
    new: NewThread,
) -> Result<Thread, ServiceError> {
    let subject = bounded("subject", &new.subject, 200)
        .map_err(|e| ServiceError::invalid("subject", e.kind()))?;
    let body = check_message(&new.first)?;
    let users = addressees(state, &new.usernames).await?;
    if users.is_empty() && new.teams.is_empty() {
        return Err(ServiceError::invalid(
            "to",
            "name at least one user or team",
        ));
    }
    require(
        state,
        viewer,
        new.person,
        AccessAction::Write,
        DataCategory::Messages,
    )
    .await?;
    let now = state.clock.now();
    let thread = Thread {
        id: uuid::Uuid::new_v4(),
        person: new.person,
        subject,
        started_by: viewer.user.id(),
        started_at: now,
        users,
        teams: new.teams,
    };
    let mut tx = state.store.write().await?;
    messages::insert_thread(&mut tx, &thread).await?;
    post(
        &mut tx,
        viewer,
        &thread,
        body,
        new.first.acknowledge_within_hours,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(thread)
}

/// The thread, if the viewer takes part in it, with `action` on the
/// person's `messages` decided and audited.
async fn thread_for(
    state: &AppState,
    viewer: &Viewer,
    id: ThreadId,
    action: AccessAction,
) -> Result<Thread, ServiceError> {
    let thread = {
        let mut conn = state.store.read().await?;
        messages::thread_by_id(&mut conn, id)
            .await?
            .filter(|t| is_participant(t, viewer))
            .ok_or(ServiceError::NotFound)?
    };
    require(state, viewer, thread.person, action, DataCategory::Messages).await?;
    Ok(thread)
}

/// Replies in a thread.
pub async fn reply(
    state: &AppState,
    viewer: &Viewer,
    id: ThreadId,
    message: NewMessage,
) -> Result<Message, ServiceError> {
    let body = check_message(&message)?;
    let thread = thread_for(state, viewer, id, AccessAction::Write).await?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let posted = post(
        &mut tx,
        viewer,
        &thread,
        body,
        message.acknowledge_within_hours,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(posted)
}

/// A thread for one of its participants, audited as a read of
/// `messages`; reading it leaves a read receipt on each message.
pub async fn read(
    state: &AppState,
    viewer: &Viewer,
    id: ThreadId,
) -> Result<ThreadView, ServiceError> {
    let thread = thread_for(state, viewer, id, AccessAction::Read).await?;
    let now = state.clock.now();
    {
        let mut tx = state.store.write().await?;
        messages::mark_read(&mut tx, id, viewer.user.id(), now).await?;
        tx.commit().await?;
    }
    let mut conn = state.store.read().await?;
    let receipts = messages::receipts_of(&mut conn, id).await?;
    let readers: Vec<UserId> = receipts.iter().map(|(_, u, _)| *u).collect();
    let reader_names = users::users_by_ids(&mut conn, &readers)
        .await?
        .into_iter()
        .map(|u| (u.id(), u.display_name().as_str().to_owned()))
        .collect();
    Ok(ThreadView {
        messages: messages::messages_of(&mut conn, id).await?,
        receipts,
        reader_names,
        thread,
    })
}

/// Acknowledges a message someone asked to be acknowledged: its escalation
/// stops.
pub async fn acknowledge(
    state: &AppState,
    viewer: &Viewer,
    id: ThreadId,
    message: MessageId,
) -> Result<Message, ServiceError> {
    let thread = thread_for(state, viewer, id, AccessAction::Write).await?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let mut found = messages::message_by_id(&mut tx, message, true)
        .await?
        .filter(|m| m.thread == id)
        .ok_or(ServiceError::NotFound)?;
    if found.author == viewer.user.id() {
        return Err(ServiceError::Forbidden(
            "the sender cannot acknowledge their own message".into(),
        ));
    }
    if found.acknowledge_due.is_none() {
        return Err(ServiceError::Conflict(
            "no acknowledgement was asked for this message".into(),
        ));
    }
    if messages::acknowledge(&mut tx, message, viewer.user.id(), now).await? {
        jobs::cancel(&mut tx, ESCALATION, &message.to_string(), now).await?;
        notifications::insert_notification(
            &mut tx,
            &Notification {
                id: uuid::Uuid::new_v4(),
                user: found.author,
                kind: "message-acknowledged".into(),
                subject: format!("Acknowledged: {}", thread.subject),
                body: format!(
                    "{} acknowledged your message.",
                    viewer.user.display_name().as_str()
                ),
                link: Some(format!("/threads/{id}")),
                created_at: now,
                read_at: None,
            },
        )
        .await?;
        found.acknowledged_at = Some(now);
        found.acknowledged_by = Some(viewer.user.id());
    }
    tx.commit().await?;
    Ok(found)
}

/// A thread with its messages and their read receipts.
#[derive(Debug, Clone)]
pub struct Conversation {
    pub thread: Thread,
    pub messages: Vec<Message>,
    pub receipts: Vec<(MessageId, UserId, DateTime<Utc>)>,
}

/// The message `id` in its thread, for one of the thread's participants,
/// audited as a read of the person's `messages`. Unlike [`read`] it leaves
/// no read receipt: a partner's system fetching a message is not its user
/// reading it. A message that does not exist takes the path of one in a
/// thread the viewer is no part of.
pub async fn message(
    state: &AppState,
    viewer: &Viewer,
    id: MessageId,
) -> Result<(Message, Conversation), ServiceError> {
    let found = {
        let mut conn = state.store.read().await?;
        messages::message_by_id(&mut conn, id, false).await?
    };
    let thread = found.as_ref().map_or_else(uuid::Uuid::nil, |m| m.thread);
    let thread = thread_for(state, viewer, thread, AccessAction::Read).await?;
    let found = found.ok_or(ServiceError::NotFound)?;
    let conversation = conversation(state, thread).await?;
    Ok((found, conversation))
}

/// The threads about `person` the viewer takes part in (at most 100),
/// newest first, each with its messages, after one decision on the
/// person's `messages`, audited. A person the viewer may not know of is
/// [`ServiceError::NotFound`], as no one is.
pub async fn of_person(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
) -> Result<Vec<Conversation>, ServiceError> {
    require(
        state,
        viewer,
        person,
        AccessAction::Read,
        DataCategory::Messages,
    )
    .await?;
    let mut conn = state.store.read().await?;
    of_person_allowed(&mut conn, viewer, person).await
}

/// [`of_person`], once a decision has allowed `viewer` the person's
/// `messages`: the conversations it takes part in.
pub(crate) async fn of_person_allowed(
    conn: &mut Conn,
    viewer: &Viewer,
    person: PersonId,
) -> Result<Vec<Conversation>, ServiceError> {
    let threads = {
        let about = messages::ThreadNarrowing {
            person: Some(person),
            words: None,
        };
        let ids = messages::threads_of_user(
            &mut *conn,
            viewer.user.id(),
            viewer.user.team_id(),
            &about,
            0,
            100,
        )
        .await?;
        let mut threads = Vec::new();
        for id in ids {
            threads.extend(messages::thread_by_id(&mut *conn, id).await?);
        }
        threads
    };
    let mut found = Vec::with_capacity(threads.len());
    for thread in threads {
        found.push(conversation_on(conn, thread).await?);
    }
    Ok(found)
}

async fn conversation(state: &AppState, thread: Thread) -> Result<Conversation, ServiceError> {
    let mut conn = state.store.read().await?;
    conversation_on(&mut conn, thread).await
}

async fn conversation_on(conn: &mut Conn, thread: Thread) -> Result<Conversation, ServiceError> {
    Ok(Conversation {
        messages: messages::messages_of(&mut *conn, thread.id).await?,
        receipts: messages::receipts_of(conn, thread.id).await?,
        thread,
    })
}

/// `limit` of the viewer's threads from `offset` on, newest first, each
/// with its person's name, and whether there are more; those about a
/// person whose name starts with `words`, or whose subject contains them,
/// if given. Only those shown are decided and audited.
pub async fn mine_page(
    state: &AppState,
    viewer: &Viewer,
    words: Option<&str>,
    offset: u32,
    limit: u32,
) -> Result<(Vec<(Thread, String)>, bool), ServiceError> {
    let narrowing = messages::ThreadNarrowing {
        person: None,
        words: words.map(str::to_owned),
    };
    let (threads, more) = {
        let mut conn = state.store.read().await?;
        let mut ids = messages::threads_of_user(
            &mut conn,
            viewer.user.id(),
            viewer.user.team_id(),
            &narrowing,
            offset,
            limit + 1,
        )
        .await?;
        let more = ids.len() > limit as usize;
        ids.truncate(limit as usize);
        let mut threads = Vec::with_capacity(ids.len());
        for id in ids {
            threads.extend(messages::thread_by_id(&mut conn, id).await?);
        }
        (threads, more)
    };
    let shown =
        readable_with_people(state, viewer, threads, |t| t.person, DataCategory::Messages).await?;
    let named = shown
        .into_iter()
        .map(|(thread, person)| {
            let name = person.map(|p| p.name().full()).unwrap_or_default();
            (thread, name)
        })
        .collect();
    Ok((named, more))
}

/// The threads the viewer takes part in, newest first (at most 100).
pub async fn mine(state: &AppState, viewer: &Viewer) -> Result<Vec<Thread>, ServiceError> {
    let (threads, _) = mine_page(state, viewer, None, 0, 100).await?;
    Ok(threads.into_iter().map(|(thread, _)| thread).collect())
}
