//! Raising, reviewing and listing a person's safety flags (the `risk`
//! category of the record).

use chrono::NaiveDate;
use concordat_access::AccessAction;
use concordat_domain::category::DataCategory;
use concordat_domain::flag::{required_paragraphs, FlagState, FlagTerms, SafetyFlag};
use concordat_domain::ids::{FlagId, PersonId};
use concordat_store::flags::{self, FlagReview};
use concordat_store::Conn;

use super::require;
use crate::authorisation::Viewer;
use crate::error::ServiceError;
use crate::AppState;

/// Every flag of the person, newest first; the caller shows each with its
/// status for today (expired flags as expired).
pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
) -> Result<Vec<SafetyFlag>, ServiceError> {
    require(
        state,
        viewer,
        person,
        AccessAction::Read,
        DataCategory::Risk,
    )
    .await?;
    let mut conn = state.store.read().await?;
    list_allowed(&mut conn, person).await
}

/// [`list`], once a decision has allowed the reader the person's `risk`.
pub(crate) async fn list_allowed(
    conn: &mut Conn,
    person: PersonId,
) -> Result<Vec<SafetyFlag>, ServiceError> {
    Ok(flags::flags_of(conn, person).await?)
}

/// The flag with id `flag`, for a reader who names the flag rather than
/// the person, audited as a read of its person's `risk`. A flag that does
/// not exist takes the path of a person the reader may not know of.
pub async fn read(
    state: &AppState,
    viewer: &Viewer,
    flag: FlagId,
) -> Result<SafetyFlag, ServiceError> {
    let found = {
        let mut conn = state.store.read().await?;
        flags::flag_by_id(&mut conn, flag).await?
    };
    let person = found.as_ref().map_or_else(PersonId::nobody, |f| f.person);
    require(
        state,
        viewer,
        person,
        AccessAction::Read,
        DataCategory::Risk,
    )
    .await?;
    found.ok_or(ServiceError::NotFound)
}

pub async fn raise(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    terms: FlagTerms,
) -> Result<SafetyFlag, ServiceError> {
    require(
        state,
        viewer,
        person,
        AccessAction::Write,
        DataCategory::Risk,
    )
    .await?;
    let flag = SafetyFlag {
        id: FlagId::new(),
        person,
        category: terms.category,
        severity: terms.severity,
        summary: terms.summary,
        basis: terms.basis,
        raised_by: viewer.user.id(),
        raised_by_name: viewer.user.display_name().as_str().to_owned(),
        organisation: viewer.user.organisation_id(),
        raised_at: state.clock.now(),
        review_on: terms.review_on,
        ends_on: terms.ends_on,
        state: FlagState::Active,
        closed_reason: None,
    };
    let mut tx = state.store.write().await?;
    flags::insert_flag(&mut tx, &flag).await?;
    tx.commit().await?;
    Ok(flag)
}

/// A review: keep the flag (until `next_review_on`, or three months on) or
/// make it inactive, with a note either way.
pub async fn review(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    flag: FlagId,
    keep: bool,
    note: &str,
    next_review_on: Option<NaiveDate>,
) -> Result<SafetyFlag, ServiceError> {
    let note = required_paragraphs("note", note, 2_000)
        .map_err(|e| ServiceError::invalid("note", format!("{} (say why)", e.kind())))?;
    let now = state.clock.now();
    let today = now.date_naive();
    if let Some(next) = next_review_on.filter(|_| keep) {
        if next <= today {
            return Err(ServiceError::invalid(
                "next_review_on",
                "the next review must be after today",
            ));
        }
    }
    require(
        state,
        viewer,
        person,
        AccessAction::Write,
        DataCategory::Risk,
    )
    .await?;
    let mut tx = state.store.write().await?;
    let mut current = flags::flag_by_id(&mut tx, flag)
        .await?
        .filter(|f| f.person == person)
        .ok_or(ServiceError::NotFound)?;
    if current.state == FlagState::Inactive {
        return Err(ServiceError::Conflict(
            "the flag is already inactive; raise a new flag if the concern has returned".into(),
        ));
    }
    let next = keep.then(|| {
        next_review_on.unwrap_or_else(|| concordat_domain::flag::default_review_on(today))
    });
    flags::record_review(
        &mut tx,
        &FlagReview {
            flag,
            reviewed_at: now,
            reviewed_by: viewer.user.id(),
            reviewer_name: viewer.user.display_name().as_str().to_owned(),
            kept: keep,
            note: note.clone(),
            next_review_on: next,
        },
    )
    .await?;
    tx.commit().await?;
    if let Some(next) = next {
        current.review_on = next;
    } else {
        current.state = FlagState::Inactive;
        current.closed_reason = Some(note);
    }
    Ok(current)
}
