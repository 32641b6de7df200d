//! A person's sharing choices: their consent directives (permit or deny, by
//! organisation, category and purpose) and what their nominated carers may
//! be told ([`carers`]). Seen and changed by the person through their own
//! account and by the members of their care team
//! ([`permissions::manage_consent`]); anyone else is answered exactly as if
//! the person did not exist. Every look and every change is audited before
//! it happens, and a change applies to the very next request: the access
//! decision reads the directives afresh each time. The JSON API and the
//! pages both come through here, so both say and do the same.

pub mod carers;

use chrono::{DateTime, NaiveDate, Utc};
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{
    ConsentDirective, ConsentEffect, ConsentError, ConsentScope, RecordedVia,
};
use concordat_domain::ids::{ConsentId, PersonId, UserId};
use concordat_domain::organisation::{Organisation, OrganisationCode};
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use concordat_domain::user::User;
use concordat_store::audit::{AuditAction, AuditEntry, AuditError, Outcome};
use concordat_store::{care_teams, consent, organisations, persons, users, Conn, StoreError};
use serde::{Deserialize, Serialize};

use crate::access::actor;
use crate::api::error::FieldError;
use crate::api::ApiError;
use crate::permissions::{self, ConsentSteward};
use crate::AppState;

/// The purposes a professional reads a record for, and so the purposes a
/// choice can name and a page offers. Commissioning sees no one's record,
/// and own access is the person's.
pub const PROFESSIONAL_PURPOSES: [Purpose; 3] = [
    Purpose::DirectCare,
    Purpose::Emergency,
    Purpose::Safeguarding,
];

/// The ways a member of the care team can have heard the person's choice.
pub const STAFF_VIA: [RecordedVia; 3] = [
    RecordedVia::InPerson,
    RecordedVia::Phone,
    RecordedVia::Letter,
];

#[derive(Debug, thiserror::Error)]
pub enum ConsentFailure {
    /// No such person, no such choice, or a caller who may not know.
    #[error("not found")]
    NotFound,
    #[error("the request is not valid")]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The audit entry could not be written, so nothing was shown or changed.
    #[error(transparent)]
    Audit(#[from] AuditError),
}

impl From<ConsentFailure> for ApiError {
    fn from(failure: ConsentFailure) -> Self {
        match failure {
            ConsentFailure::NotFound => ApiError::NotFound,
            ConsentFailure::Invalid(errors) => ApiError::Invalid(errors),
            ConsentFailure::Conflict(why) => ApiError::Conflict(why),
            ConsentFailure::Store(e) => e.into(),
            ConsentFailure::Audit(e) => crate::access::AccessError::Audit(e).into(),
        }
    }
}

/// One directive as it is shown: who recorded it, when, how, and what it
/// means in plain words.
#[derive(Debug, Clone, Serialize)]
pub struct DirectiveView {
    pub id: String,
    pub effect: &'static str,
    pub organisation: Option<OrganisationRef>,
    pub category: Option<&'static str>,
    pub purpose: Option<&'static str>,
    /// "Everything in the record: not to be shared with Northshire Police".
    pub summary: String,
    pub recorded_by: String,
    pub recorded_by_organisation: String,
    pub recorded_at: DateTime<Utc>,
    pub via: &'static str,
    pub via_label: &'static str,
    pub capacity_note: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Recorded, not withdrawn and not expired, now.
    pub in_force: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrganisationRef {
    pub code: String,
    pub name: String,
}

/// Everything about a person's choices, for one page.
#[derive(Debug, Clone)]
pub struct Overview {
    pub steward: ConsentSteward,
    pub directives: Vec<DirectiveView>,
    pub carers: Vec<carers::CarerView>,
}

/// A new choice as sent in a JSON body or a form, before it is checked.
/// Blank strings count as absent; a missing effect is named as the field at
/// fault, like any other mistake.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewDirective {
    #[serde(default)]
    pub effect: String,
    pub organisation: Option<String>,
    pub category: Option<String>,
    pub purpose: Option<String>,
    pub via: Option<String>,
    pub capacity_note: Option<String>,
    pub expires_at: Option<String>,
}

/// A choice in plain words.
pub fn describe(
    effect: ConsentEffect,
    organisation: Option<&str>,
    category: Option<DataCategory>,
    purpose: Option<Purpose>,
) -> String {
    let what = category.map_or("Everything in the record", DataCategory::label);
    let verb = match effect {
        ConsentEffect::Deny => "not to be shared with",
        ConsentEffect::Permit => "may be shared with",
    };
    let whom = organisation.unwrap_or("anyone in the partnership");
    let why = purpose
        .map(|p| format!(", for {}", p.label().to_lowercase()))
        .unwrap_or_default();
    format!("{what}: {verb} {whom}{why}")
}

/// Says whether `user` may manage `person`'s choices. Every caller takes
/// the same path and the same queries whether or not the person exists; a
/// refusal is audited and answered as [`ConsentFailure::NotFound`].
pub(crate) async fn admit(
    state: &AppState,
    user: &User,
    person: PersonId,
    action: AuditAction,
) -> Result<ConsentSteward, ConsentFailure> {
    let (exists, on_care_team) = {
        let mut conn = state.store.read().await?;
        let exists = persons::person_by_id(&mut conn, person).await?.is_some();
        let member = care_teams::is_care_team_member(&mut conn, person, user.id()).await?;
        (exists, member)
    };
    let refusal = match permissions::manage_consent(user, person, on_care_team) {
        Ok(steward) if exists => return Ok(steward),
        Ok(_) => "there is no such person".to_owned(),
        Err(refusal) => refusal.to_string(),
    };
    state
        .audit
        .record(entry(state, user, person, action, Outcome::Denied, refusal))
        .await?;
    Err(ConsentFailure::NotFound)
}

/// An audit entry about the person's choices. Sharing choices are not a
/// category of the record, so the entry names none; the reason says what
/// was done. The person acts for their own access, the care team for
/// direct care.
fn entry(
    state: &AppState,
    user: &User,
    person: PersonId,
    action: AuditAction,
    outcome: Outcome,
    reason: String,
) -> AuditEntry {
    AuditEntry {
        occurred_at: state.clock.now(),
        actor: Some(actor(user)),
        purpose: Some(if user.role() == Role::Person {
            Purpose::OwnAccess
        } else {
            Purpose::DirectCare
        }),
        person: Some(person),
        action,
        categories: Vec::new(),
        outcome,
        reasons: vec![reason],
        policy_ids: Vec::new(),
        break_glass: false,
    }
}

/// Audits an allowed look at, or change to, the person's choices. It
/// commits before anything is shown or changed: no audit, no access.
pub(crate) async fn audit_allowed(
    state: &AppState,
    user: &User,
    person: PersonId,
    action: AuditAction,
    reason: String,
) -> Result<(), AuditError> {
    state
        .audit
        .record(entry(state, user, person, action, Outcome::Allowed, reason))
        .await?;
    Ok(())
}

/// The person's directives and carers, audited as one look.
pub async fn overview(
    state: &AppState,
    user: &User,
    person: PersonId,
) -> Result<Overview, ConsentFailure> {
    let steward = admit(state, user, person, AuditAction::Read).await?;
    audit_allowed(
        state,
        user,
        person,
        AuditAction::Read,
        "looked at the person's sharing choices".into(),
    )
    .await?;
    let now = state.clock.now();
    let mut conn = state.store.read().await?;
    let orgs = organisations::list_organisations(&mut conn).await?;
    let mut names = UserNames::default();
    let mut directives = Vec::new();
    for d in consent::directives_of(&mut conn, person).await? {
        directives.push(view(&mut conn, &orgs, &mut names, &d, now).await?);
    }
    // Newest first: the choice the person made last is the one they look for.
    directives.reverse();
    let carers = carers::carers_of(&mut conn, person, &mut names).await?;
    Ok(Overview {
        steward,
        directives,
        carers,
    })
}

/// Records a new choice. Nothing is written unless every field is valid.
pub async fn record(
    state: &AppState,
    user: &User,
    person: PersonId,
    input: &NewDirective,
) -> Result<DirectiveView, ConsentFailure> {
    let steward = admit(state, user, person, AuditAction::Write).await?;
    let now = state.clock.now();
    let mut conn = state.store.read().await?;
    let orgs = organisations::list_organisations(&mut conn).await?;
    let directive = parse(&orgs, user, person, steward, input, now)?;
    let org_name = organisation_name(&orgs, &directive);
    let summary = describe(
        directive.effect(),
        org_name.as_deref(),
        directive.scope().category,
        directive.scope().purpose,
    );
    drop(conn);
    audit_allowed(
        state,
        user,
        person,
        AuditAction::Write,
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
    user: &User,
    person: PersonId,
    raw_id: &str,
) -> Result<(), ConsentFailure> {
    admit(state, user, person, AuditAction::Write).await?;
    let id = ConsentId::parse(raw_id).map_err(|_| ConsentFailure::NotFound)?;
    let (directive, org_name) = {
        let mut conn = state.store.read().await?;
        let directive = consent::directives_of(&mut conn, person)
            .await?
            .into_iter()
            .find(|d| d.id() == id)
            .ok_or(ConsentFailure::NotFound)?;
        let orgs = organisations::list_organisations(&mut conn).await?;
        let name = organisation_name(&orgs, &directive);
        (directive, name)
    };
    if let Some(at) = directive.withdrawn_at() {
        return Err(ConsentFailure::Conflict(format!(
            "this choice was already withdrawn on {}",
            at.format("%-d %B %Y at %H:%M UTC")
        )));
    }
    let summary = describe(
        directive.effect(),
        org_name.as_deref(),
        directive.scope().category,
        directive.scope().purpose,
    );
    audit_allowed(
        state,
        user,
        person,
        AuditAction::Write,
        format!("withdrew a sharing choice: {summary}"),
    )
    .await?;
    let mut tx = state.store.write().await?;
    if !consent::withdraw_directive(&mut tx, person, id, user.id(), state.clock.now()).await? {
        return Err(ConsentFailure::Conflict(
            "this choice was already withdrawn".into(),
        ));
    }
    tx.commit().await?;
    Ok(())
}

fn blank(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Turns what was sent into a directive, or every field at fault and why.
fn parse(
    orgs: &[Organisation],
    user: &User,
    person: PersonId,
    steward: ConsentSteward,
    input: &NewDirective,
    now: DateTime<Utc>,
) -> Result<ConsentDirective, ConsentFailure> {
    let mut errors = Vec::new();
    let mut fail = |field: &str, message: String| errors.push(FieldError::new(field, message));
    let effect = ConsentEffect::parse(input.effect.trim())
        .map_err(|e| fail("effect", e.to_string()))
        .ok();
    let organisation = blank(&input.organisation).and_then(|raw| {
        let found = OrganisationCode::parse(raw).ok().and_then(|code| {
            orgs.iter()
                .find(|o| o.code().as_str().eq_ignore_ascii_case(code.as_str()))
        });
        if found.is_none() {
            fail(
                "organisation",
                format!("there is no organisation with code `{raw}`"),
            );
        }
        found.map(Organisation::id)
    });
    let category = blank(&input.category).and_then(|raw| {
        DataCategory::parse(raw)
            .map_err(|e| fail("category", e.to_string()))
            .ok()
    });
    let purpose = blank(&input.purpose).and_then(|raw| {
        let found = Purpose::parse_code(raw)
            .ok()
            .filter(|p| PROFESSIONAL_PURPOSES.contains(p));
        if found.is_none() {
            fail(
                "purpose",
                format!("`{raw}` is not a purpose a choice can name; expected one of: TREAT, ETREAT, PATSFTY"),
            );
        }
        found
    });
    let via = match (steward, blank(&input.via)) {
        (ConsentSteward::OwnAccount, None) => Some(RecordedVia::OwnAccount),
        (ConsentSteward::OwnAccount, Some(raw)) => match RecordedVia::parse(raw) {
            Ok(RecordedVia::OwnAccount) => Some(RecordedVia::OwnAccount),
            _ => {
                fail(
                    "via",
                    format!(
                        "a choice made through your own account is recorded as `own-account`, not `{raw}`"
                    ),
                );
                None
            }
        },
        (ConsentSteward::CareTeam, None) => {
            fail(
                "via",
                "say how the person told you: in-person, phone or letter".into(),
            );
            None
        }
        (ConsentSteward::CareTeam, Some(raw)) => match RecordedVia::parse(raw) {
            Ok(via) if STAFF_VIA.contains(&via) => Some(via),
            _ => {
                fail(
                    "via",
                    format!("`{raw}` is not how a person told you; expected one of: in-person, phone, letter"),
                );
                None
            }
        },
    };
    let expires_at = blank(&input.expires_at).and_then(|raw| {
        parse_expiry(raw)
            .map_err(|message| fail("expires_at", message))
            .ok()
    });
    let (Some(effect), Some(via)) = (effect, via) else {
        return Err(ConsentFailure::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ConsentFailure::Invalid(errors));
    }
    ConsentDirective::new(
        ConsentId::new(),
        person,
        effect,
        ConsentScope {
            organisation,
            category,
            purpose,
        },
        user.id(),
        now,
        via,
        blank(&input.capacity_note),
        expires_at,
    )
    .map_err(|e| {
        let field = match e {
            ConsentError::ExpiresBeforeRecorded => "expires_at",
            ConsentError::Text(_) => "capacity_note",
        };
        let message = match e {
            ConsentError::ExpiresBeforeRecorded => "the expiry must be in the future".to_owned(),
            other => other.to_string(),
        };
        ConsentFailure::Invalid(vec![FieldError::new(field, message)])
    })
}

/// An instant (RFC 3339), or a date, meaning the end of that day (UTC).
fn parse_expiry(raw: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Ok(at.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.succ_opt())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| format!("`{raw}` is not a date (YYYY-MM-DD) or an instant (RFC 3339)"))
}

fn organisation_name(orgs: &[Organisation], d: &ConsentDirective) -> Option<String> {
    d.scope().organisation.map(|id| {
        orgs.iter()
            .find(|o| o.id() == id)
            .map_or_else(|| id.to_string(), |o| o.name().to_owned())
    })
}

/// The names of the people who recorded choices, each read once.
#[derive(Debug, Default)]
pub(crate) struct UserNames {
    known: Vec<(UserId, String, String)>,
}

impl UserNames {
    /// The user's name and organisation's name (none for a person).
    pub(crate) async fn get(
        &mut self,
        conn: &mut Conn,
        id: UserId,
    ) -> Result<(String, String), StoreError> {
        if let Some((_, name, org)) = self.known.iter().find(|(u, _, _)| *u == id) {
            return Ok((name.clone(), org.clone()));
        }
        let (name, org) = match users::user_by_id(conn, id).await? {
            // A person's own account acts for no organisation.
            Some(user) if user.role() == Role::Person => {
                (user.display_name().as_str().to_owned(), String::new())
            }
            Some(user) => {
                let org = organisations::organisation_by_id(conn, user.organisation_id())
                    .await?
                    .map(|o| o.name().to_owned())
                    .unwrap_or_default();
                (user.display_name().as_str().to_owned(), org)
            }
            None => ("a former member of staff".to_owned(), String::new()),
        };
        self.known.push((id, name.clone(), org.clone()));
        Ok((name, org))
    }
}

async fn view(
    conn: &mut Conn,
    orgs: &[Organisation],
    names: &mut UserNames,
    d: &ConsentDirective,
    now: DateTime<Utc>,
) -> Result<DirectiveView, StoreError> {
    let scope = d.scope();
    let organisation = scope.organisation.map(|id| {
        let org = orgs.iter().find(|o| o.id() == id);
        OrganisationRef {
            code: org.map_or_else(|| id.to_string(), |o| o.code().as_str().to_owned()),
            name: org.map_or_else(|| id.to_string(), |o| o.name().to_owned()),
        }
    });
    let (recorded_by, recorded_by_organisation) = names.get(conn, d.recorded_by()).await?;
    Ok(DirectiveView {
        id: d.id().to_string(),
        effect: d.effect().as_str(),
        summary: describe(
            d.effect(),
            organisation.as_ref().map(|o| o.name.as_str()),
            scope.category,
            scope.purpose,
        ),
        organisation,
        category: scope.category.map(DataCategory::as_str),
        purpose: scope.purpose.map(Purpose::code),
        recorded_by,
        recorded_by_organisation,
        recorded_at: d.recorded_at(),
        via: d.via().as_str(),
        via_label: d.via().label(),
        capacity_note: d.capacity_note().map(str::to_owned),
        expires_at: d.expires_at(),
        withdrawn_at: d.withdrawn_at(),
        in_force: d.in_force(now),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_reads_as_a_sentence() {
        assert_eq!(
            describe(ConsentEffect::Deny, Some("Northshire Police"), None, None),
            "Everything in the record: not to be shared with Northshire Police"
        );
        assert_eq!(
            describe(
                ConsentEffect::Permit,
                None,
                Some(DataCategory::CrisisPlan),
                Some(Purpose::Emergency)
            ),
            "Crisis plan: may be shared with anyone in the partnership, for emergency treatment \
             or crisis response"
        );
    }

    #[test]
    fn an_expiry_date_means_the_end_of_that_day() {
        let at = parse_expiry("2026-04-01").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-04-02T00:00:00+00:00");
        assert!(parse_expiry("2026-04-01T10:00:00Z").is_ok());
        assert!(parse_expiry("next week").is_err());
    }
}
