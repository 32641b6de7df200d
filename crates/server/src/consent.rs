//! A person's sharing choices: their consent directives (permit or deny, by
//! organisation, category and purpose) and what their nominated carers may
//! be told ([`carers`]). They are the `consent` category of the person's
//! record, so every look and every change is decided by the one access
//! decision, for the purpose the caller gave: the person through their own
//! account, for their own access, and the members of their care team
//! (`45-sharing-choices.cedar`); anyone else is answered exactly as if the
//! person did not exist. Each is audited, with its real purpose, before it
//! happens, and a change applies to the very next request: the decision
//! reads the directives afresh each time. The JSON API and the pages both
//! come through here, so both say and do the same.

mod admission;
pub mod carer_accounts;
pub mod carers;
mod defaults;
mod input;
mod names;
mod views;

use concordat_access::AccessAction;
use concordat_domain::ids::{ConsentId, PersonId, RelatedPersonId};
use concordat_domain::organisation::Organisation;
use concordat_store::{agreements, consent, organisations, persons, users, Conn};

use crate::authorisation::Viewer;
use crate::error::ServiceError;
use crate::permissions::ConsentSteward;
use crate::AppState;

use admission::{admit, steward};
pub use defaults::{default_sharing, DefaultSharing};
use input::parse;
pub use input::{NewDirective, PROFESSIONAL_PURPOSES, STAFF_VIA};
use names::UserNames;
pub use views::{describe, DirectiveView, OrganisationRef};
use views::{organisation_name, summary_of, view};

/// A person's sharing choices as they stand: their directives and their
/// nominated carers, with the partnership's organisations a directive can
/// name.
#[derive(Debug, Clone)]
pub struct Choices {
    pub organisations: Vec<Organisation>,
    /// Newest first: the choice the person made last is the one they look
    /// for.
    pub directives: Vec<DirectiveView>,
    pub carers: Vec<carers::CarerView>,
}

/// Everything about a person's choices, for one page: the choices, and
/// what the agreements share before any of them.
#[derive(Debug, Clone)]
pub struct Overview {
    pub steward: ConsentSteward,
    /// The person's name, for the page's heading.
    pub person_name: String,
    pub choices: Choices,
    /// What the agreements share before any choice.
    pub defaults: Vec<DefaultSharing>,
}

/// The person's directives and carers, audited as one look.
pub async fn choices(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
) -> Result<Choices, ServiceError> {
    admit(
        state,
        viewer,
        person,
        AccessAction::Read,
        "looked at the person's sharing choices".into(),
    )
    .await?;
    let mut conn = state.store.read().await?;
    let organisations = organisations::list_organisations(&mut conn).await?;
    choices_allowed(&mut conn, person, organisations, state.clock.now()).await
}

/// [`choices`] as they stand at `now`, once a decision has allowed the
/// reader the person's `consent`; `organisations` are the partnership's.
pub(crate) async fn choices_allowed(
    conn: &mut Conn,
    person: PersonId,
    organisations: Vec<Organisation>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Choices, ServiceError> {
    let mut names = UserNames::default();
    let mut directives = Vec::new();
    for d in consent::directives_of(conn, person).await? {
        directives.push(view(conn, &organisations, &mut names, &d, now).await?);
    }
    directives.reverse();
    let carers = carers::carers_of(conn, person, &mut names).await?;
    Ok(Choices {
        organisations,
        directives,
        carers,
    })
}

/// [`choices`], with what a page about them shows besides: the person's
/// name, and what the agreements share before any choice.
pub async fn overview(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
) -> Result<Overview, ServiceError> {
    let choices = choices(state, viewer, person).await?;
    let now = state.clock.now();
    let mut conn = state.store.read().await?;
    let person_name = persons::person_by_id(&mut conn, person)
        .await?
        .map(|p| p.name().to_string())
        .unwrap_or_default();
    let agreements = agreements::list_agreements(&mut conn).await?;
    let staff = users::list_users(&mut conn, None).await?;
    let defaults = default_sharing(
        &agreements,
        &choices.organisations,
        &staff,
        now.date_naive(),
    );
    Ok(Overview {
        steward: steward(&viewer.user),
        person_name,
        choices,
        defaults,
    })
}

/// One directive by its id: the person it belongs to, and their choices
/// narrowed to it, audited as one look at them. An id that names no
/// directive is decided as a look at no one, so it answers as one the
/// caller may not know of.
pub async fn directive(
    state: &AppState,
    viewer: &Viewer,
    raw_id: &str,
) -> Result<(PersonId, Choices), ServiceError> {
    let id = ConsentId::named(raw_id);
    let person = {
        let mut conn = state.store.read().await?;
        consent::person_of_directive(&mut conn, id).await?
    }
    .unwrap_or_else(PersonId::nobody);
    let mut choices = choices(state, viewer, person).await?;
    // Compared as ids, so any spelling of the id that reads names it.
    choices.directives.retain(|d| d.id == id.to_string());
    if choices.directives.is_empty() {
        return Err(ServiceError::NotFound);
    }
    Ok((person, choices))
}

/// The nominated carer `raw_id` names, with what they may be told, read
/// as part of the overview of their person's choices (the same rule, the
/// same audit). An id that names no carer takes the path of a person the
/// viewer may not know of.
pub async fn carer(
    state: &AppState,
    viewer: &Viewer,
    raw_id: &str,
) -> Result<(PersonId, carers::CarerView), ServiceError> {
    let id = RelatedPersonId::named(raw_id);
    let person = {
        let mut conn = state.store.read().await?;
        persons::person_of_related_person(&mut conn, id).await?
    }
    .unwrap_or_else(PersonId::nobody);
    let carer = choices(state, viewer, person)
        .await?
        .carers
        .into_iter()
        .find(|c| c.related_person_id == id.to_string())
        .ok_or(ServiceError::NotFound)?;
    Ok((person, carer))
}

/// Records a new choice. Nothing is written unless every field is valid.
pub async fn record(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    input: &NewDirective,
) -> Result<DirectiveView, ServiceError> {
    let user = &viewer.user;
    let now = state.clock.now();
    let orgs = {
        let mut conn = state.store.read().await?;
        organisations::list_organisations(&mut conn).await?
    };
    // The fields are checked first: that reads nothing of the person's.
    let directive = parse(&orgs, user, person, steward(user), input, now)?;
    let summary = summary_of(&directive, organisation_name(&orgs, &directive).as_deref());
    admit(
        state,
        viewer,
        person,
        AccessAction::Write,
        format!(
            "recorded a sharing choice made {}: {summary}",
            directive.via().label()
        ),
    )
    .await?;
    let mut tx = state.store.write().await?;
    consent::insert_directive(&mut tx, &directive).await?;
    tx.commit().await?;
    let mut conn = state.store.read().await?;
    Ok(view(&mut conn, &orgs, &mut UserNames::default(), &directive, now).await?)
}

/// Withdraws a choice: from now on it no longer applies.
pub async fn withdraw(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    raw_id: &str,
) -> Result<(), ServiceError> {
    let user = &viewer.user;
    // Read (not shown) so the audit entry can say what was withdrawn; the
    // decision below comes before anything is shown or changed, and takes
    // the same path whether or not the choice, or the person, exists.
    let found = match ConsentId::parse(raw_id) {
        Ok(id) => {
            let mut conn = state.store.read().await?;
            let directive = consent::directives_of(&mut conn, person)
                .await?
                .into_iter()
                .find(|d| d.id() == id);
            let orgs = organisations::list_organisations(&mut conn).await?;
            directive.map(|d| {
                let name = organisation_name(&orgs, &d);
                (d, name)
            })
        }
        Err(_) => None,
    };
    let summary = found
        .as_ref()
        .map(|(directive, org_name)| summary_of(directive, org_name.as_deref()));
    admit(
        state,
        viewer,
        person,
        AccessAction::Write,
        match (&found, &summary) {
            (Some((d, _)), Some(summary)) if d.withdrawn_at().is_some() => {
                format!("asked to withdraw a sharing choice already withdrawn: {summary}")
            }
            (_, Some(summary)) => format!("withdrew a sharing choice: {summary}"),
            (_, None) => format!("asked to withdraw a sharing choice not on record: `{raw_id}`"),
        },
    )
    .await?;
    let Some((directive, _)) = found else {
        return Err(ServiceError::NotFound);
    };
    let id = directive.id();
    if let Some(at) = directive.withdrawn_at() {
        return Err(ServiceError::Conflict(format!(
            "this choice was already withdrawn on {}",
            concordat_domain::dates::when(at)
        )));
    }
    let mut tx = state.store.write().await?;
    if !consent::withdraw_directive(&mut tx, person, id, user.id(), state.clock.now()).await? {
        return Err(ServiceError::Conflict(
            "this choice was already withdrawn".into(),
        ));
    }
    tx.commit().await?;
    Ok(())
}
