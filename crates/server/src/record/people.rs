//! Finding people among those a caller's work covers: by name and date of
//! birth, each one found read through the access decision and audited as
//! a read, the refused left out. Nobody outside the caller's standing
//! relationships is read, counted or timed (the restriction is part of
//! the query), so what a search answers — its matches, their number, how
//! long it took — says nothing of anyone the caller does not know.

use concordat_domain::category::DataCategory;
use concordat_domain::ids::TeamId;
use concordat_domain::user::User;
use concordat_store::covered::{self, PeopleFilter};

use super::{read, ReadOutcome, RecordView};
use crate::authorisation::Viewer;
use crate::error::{FieldError, ServiceError};
use crate::AppState;

/// The most people one search decides; a search matching more is asked
/// to narrow.
pub const MOST_MATCHES: usize = 100;

/// Whom `user`'s work over many people (an export, a search by name)
/// covers: one team's caseload for a group-level export, else the people
/// the user has a standing relationship with (themselves, for a person's
/// own account). The access decision still judges each of them.
pub fn covers(user: &User, group: Option<TeamId>) -> covered::Covers {
    match (group, user.person_id()) {
        (Some(team), _) => covered::Covers::Caseload(team),
        (None, Some(person)) => covered::Covers::Own(person),
        (None, None) => covered::Covers::Staff {
            user: user.id(),
            organisation: user.organisation_id(),
            team: user.team_id(),
        },
    }
}

/// The records of the people `viewer` covers who match `filter`, as a
/// read of `categories` shows each, in id order. More than
/// [`MOST_MATCHES`] is [`ServiceError::Invalid`]: narrow the search.
pub async fn search(
    state: &AppState,
    viewer: &Viewer,
    filter: &PeopleFilter,
    categories: &[DataCategory],
) -> Result<Vec<RecordView>, ServiceError> {
    let limit = i64::try_from(MOST_MATCHES + 1).unwrap_or(i64::MAX);
    let found = {
        let mut conn = state.store.read().await?;
        let covers = covers(&viewer.user, None);
        covered::matching(&mut conn, covers, filter, state.clock.now(), limit).await?
    };
    if found.len() > MOST_MATCHES {
        return Err(ServiceError::Invalid(vec![FieldError::new(
            "name",
            format!(
                "more than {MOST_MATCHES} people you care for match; narrow the search \
                 with more of the name or the date of birth"
            ),
        )]));
    }
    let read = futures::future::try_join_all(
        found
            .into_iter()
            .map(|person| read(state, viewer, person, categories)),
    )
    .await?;
    Ok(read
        .into_iter()
        .filter_map(|outcome| match outcome {
            ReadOutcome::Shown(view) => Some(*view),
            ReadOutcome::Denied { .. } | ReadOutcome::NotFound => None,
        })
        .collect())
}
