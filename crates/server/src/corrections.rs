//! A person asking for something wrong in their record to be corrected,
//! and the answer. The request goes to the record's owner — the lead
//! professional of the person's care team — who must answer within a
//! calendar month; unanswered, it escalates to them and then to their
//! organisation's information governance leads ([`overdue`]). The answer,
//! corrected or not and why, is shown to the person and they are told.
//!
//! Every step goes through the access decision for the part of the record
//! the request is about: the person asks about what they may read of
//! their own record, and the owner reads and answers only while their
//! relationship lets them read that part. Each is audited, so the person's
//! access log shows who read their request.

pub mod overdue;

pub use concordat_store::corrections::{Correction, CorrectionId};

use chrono::{Duration, NaiveTime};
use concordat_access::AccessAction;
use concordat_domain::correction::{answer_by, CorrectionPart, CorrectionStatus, TEXT_MAX_CHARS};
use concordat_domain::person::Person;
use concordat_domain::text::paragraphs;
use concordat_store::audit::{AuditAction, Outcome};
use concordat_store::care_teams;
use concordat_store::corrections as store;
use concordat_store::jobs;
use concordat_store::notifications::{self, Notification};

use crate::authorisation::{act_entry, authorise_noted, readable_with_people, Viewer};
use crate::delivery::{Message, Outbox};
use crate::error::{FieldError, ServiceError};
use crate::permissions;
use crate::told::tell_the_person;
use crate::AppState;

/// The most requests an owner's list shows.
pub const LIST_AT_MOST: i64 = 200;

/// What a person asks.
#[derive(Debug, Clone, Default)]
pub struct Asking {
    pub part: String,
    pub what_is_wrong: String,
    pub should_say: String,
}

/// A request and the person it is about, as its owner reads it.
#[derive(Debug, Clone)]
pub struct Owned {
    pub correction: Correction,
    pub person: Person,
}

fn own_person(viewer: &Viewer) -> Result<concordat_domain::ids::PersonId, ServiceError> {
    permissions::own_access_log(&viewer.user)
        .map_err(|refusal| ServiceError::Forbidden(refusal.as_str().to_owned()))
}

/// The viewer, a person, asks for a correction of their own record.
pub async fn ask(
    state: &AppState,
    viewer: &Viewer,
    asking: &Asking,
) -> Result<Correction, ServiceError> {
    let person = own_person(viewer)?;
    let mut faults = Vec::new();
    let part = CorrectionPart::parse(asking.part.trim())
        .map_err(|_| FieldError::new("part", "Choose the part of your record that is wrong"));
    let what = paragraphs("what_is_wrong", &asking.what_is_wrong, TEXT_MAX_CHARS)
        .map_err(|e| FieldError::new("what_is_wrong", e))
        .and_then(|w| {
            if w.trim().is_empty() {
                Err(FieldError::new("what_is_wrong", "Say what is wrong"))
            } else {
                Ok(w)
            }
        });
    let should = paragraphs("should_say", &asking.should_say, TEXT_MAX_CHARS)
        .map_err(|e| FieldError::new("should_say", e));
    if let Err(e) = &part {
        faults.push(e.clone());
    }
    if let Err(e) = &what {
        faults.push(e.clone());
    }
    if let Err(e) = &should {
        faults.push(e.clone());
    }
    let (Ok(part), Ok(what), Ok(should)) = (part, what, should) else {
        return Err(ServiceError::Invalid(faults));
    };
    let owner = {
        let mut conn = state.store.read().await?;
        care_teams::care_teams_of_person(&mut conn, person)
            .await?
            .first()
            .map(|team| team.lead())
    };
    let Some(owner) = owner else {
        return Err(ServiceError::Conflict(
            "You have no care team here yet, so no one here can answer. Ask the service that \
             keeps your record."
                .into(),
        ));
    };
    let authorisation = authorise_noted(
        state,
        viewer,
        person,
        AccessAction::Read,
        &[part.category()],
        AuditAction::Write,
        Some(format!(
            "asked for a correction of {}",
            part.label().to_lowercase()
        )),
    )
    .await?;
    if let Some(refused) = authorisation.refusal() {
        return Err(refused.into());
    }
    let now = state.clock.now();
    let correction = Correction {
        id: uuid::Uuid::new_v4(),
        person,
        part,
        what_is_wrong: what,
        should_say: should,
        asked_at: now,
        owner,
        answer_by: answer_by(now),
        status: CorrectionStatus::Open,
        answer: String::new(),
        answered_by: None,
        answered_at: None,
        escalation_step: 0,
    };
    let mut tx = state.store.write().await?;
    store::insert(&mut tx, &correction).await?;
    notifications::insert_notification(
        &mut tx,
        &Notification {
            id: uuid::Uuid::new_v4(),
            user: owner,
            kind: "correction-asked".into(),
            subject: "A person asks for a correction of their record".into(),
            body: format!(
                "{}: answer by {}",
                part.label(),
                concordat_domain::dates::long_date(correction.answer_by)
            ),
            link: Some(format!("/corrections/{}", correction.id)),
            created_at: now,
            read_at: None,
        },
    )
    .await?;
    // Overdue once the day to answer by is over.
    let due = (correction.answer_by + Duration::days(1))
        .and_time(NaiveTime::MIN)
        .and_utc();
    jobs::schedule(
        &mut tx,
        overdue::KIND,
        &correction.id.to_string(),
        1,
        due,
        "{}",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(correction)
}

/// How many requests `user` has still to answer, for their home page.
pub async fn open_for(
    state: &AppState,
    user: &concordat_domain::user::User,
) -> Result<usize, ServiceError> {
    let mut conn = state.store.read().await?;
    Ok(store::of_owner(&mut conn, user.id(), LIST_AT_MOST)
        .await?
        .iter()
        .filter(|c| c.status == CorrectionStatus::Open)
        .count())
}

/// The viewer's own requests, newest first, read as their own record is.
pub async fn mine(state: &AppState, viewer: &Viewer) -> Result<Vec<Correction>, ServiceError> {
    let person = own_person(viewer)?;
    let authorisation = crate::authorisation::authorise(
        state,
        viewer,
        person,
        AccessAction::Read,
        &[concordat_domain::category::DataCategory::Demographics],
        AuditAction::Read,
    )
    .await?;
    if let Some(refused) = authorisation.refusal() {
        return Err(refused.into());
    }
    let mut conn = state.store.read().await?;
    Ok(store::of_person(&mut conn, person).await?)
}

/// The requests the viewer owns that they may still read, open ones
/// first; each read through the access decision and audited.
pub async fn owned(state: &AppState, viewer: &Viewer) -> Result<Vec<Owned>, ServiceError> {
    let all = {
        let mut conn = state.store.read().await?;
        store::of_owner(&mut conn, viewer.user.id(), LIST_AT_MOST).await?
    };
    let mut shown = Vec::new();
    // Decided per part, as each request is about one.
    for part in CorrectionPart::ALL {
        let of_part: Vec<Correction> = all.iter().filter(|c| c.part == part).cloned().collect();
        if of_part.is_empty() {
            continue;
        }
        for (correction, person) in
            readable_with_people(state, viewer, of_part, |c| c.person, part.category()).await?
        {
            if let Some(person) = person {
                shown.push(Owned { correction, person });
            }
        }
    }
    shown.sort_by(|a, b| {
        let open = |c: &Correction| c.status != CorrectionStatus::Open;
        open(&a.correction)
            .cmp(&open(&b.correction))
            .then(a.correction.asked_at.cmp(&b.correction.asked_at))
    });
    Ok(shown)
}

/// The request `raw_id`, for its owner while they may read the part it
/// is about. Anyone else, and any id that names no request, meets the
/// same not found.
pub async fn one(state: &AppState, viewer: &Viewer, raw_id: &str) -> Result<Owned, ServiceError> {
    let Ok(id) = raw_id.parse::<uuid::Uuid>() else {
        return Err(ServiceError::NotFound);
    };
    let found = {
        let mut conn = state.store.read().await?;
        store::by_id(&mut conn, id, false).await?
    };
    let Some(correction) = found.filter(|c| c.owner == viewer.user.id()) else {
        return Err(ServiceError::NotFound);
    };
    let category = correction.part.category();
    let mut read =
        readable_with_people(state, viewer, vec![correction], |c| c.person, category).await?;
    match read.pop() {
        Some((correction, Some(person))) => Ok(Owned { correction, person }),
        _ => Err(ServiceError::NotFound),
    }
}

fn answered_already(c: &Correction) -> ServiceError {
    ServiceError::Conflict(format!(
        "this request has already been answered: {}",
        c.status.label().to_lowercase()
    ))
}

/// The owner's answer: `corrected`, or not and why.
pub async fn answer(
    state: &AppState,
    viewer: &Viewer,
    raw_id: &str,
    corrected: Option<bool>,
    words: &str,
) -> Result<Correction, ServiceError> {
    let Owned { correction, person } = one(state, viewer, raw_id).await?;
    let mut faults = Vec::new();
    if corrected.is_none() {
        faults.push(FieldError::new(
            "outcome",
            "Say whether you corrected the record",
        ));
    }
    let words = match paragraphs("answer", words, TEXT_MAX_CHARS) {
        Ok(w) if w.trim().is_empty() => {
            faults.push(FieldError::new(
                "answer",
                "Say what you changed, or why you did not change it: the person reads this",
            ));
            w
        }
        Ok(w) => w,
        Err(e) => {
            faults.push(FieldError::new("answer", e));
            String::new()
        }
    };
    let Some(corrected) = corrected.filter(|_| faults.is_empty()) else {
        return Err(ServiceError::Invalid(faults));
    };
    if correction.status != CorrectionStatus::Open {
        return Err(answered_already(&correction));
    }
    let status = if corrected {
        CorrectionStatus::Corrected
    } else {
        CorrectionStatus::NotCorrected
    };
    // No audit, no write.
    let entry = act_entry(
        state,
        viewer,
        Some(person.id()),
        AuditAction::Write,
        Outcome::Allowed,
        vec![format!(
            "answered a request to correct {}: {}",
            correction.part.label().to_lowercase(),
            status.label().to_lowercase()
        )],
    );
    state
        .audit
        .record(entry)
        .await
        .map_err(crate::authorisation::AccessError::from)?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let Some(mut current) = store::by_id(&mut tx, correction.id, true).await? else {
        return Err(ServiceError::NotFound);
    };
    if current.status != CorrectionStatus::Open {
        return Err(answered_already(&current));
    }
    current.status = status;
    current.answer = words.clone();
    current.answered_by = Some(viewer.user.id());
    current.answered_at = Some(now);
    store::save(&mut tx, &current).await?;
    let mut outbox = Outbox::default();
    let message = Message {
        kind: "correction-answered".into(),
        subject: "Your request to correct your record was answered".into(),
        body: format!(
            "{} {words}",
            if corrected {
                "We have corrected your record."
            } else {
                "We have not changed your record."
            }
        ),
        link: Some("/my/corrections".into()),
        person: Some(person.id()),
    };
    tell_the_person(&mut tx, &mut outbox, person.id(), &message, now).await?;
    outbox.flush(&mut tx, now).await?;
    tx.commit().await?;
    Ok(current)
}
