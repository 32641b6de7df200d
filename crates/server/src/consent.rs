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

pub mod carers;

use chrono::{DateTime, NaiveDate, Utc};
use concordat_access::AccessAction;
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{
    ConsentDirective, ConsentEffect, ConsentError, ConsentScope, RecordedVia,
};
use concordat_domain::ids::{ConsentId, PersonId, UserId};
use concordat_domain::organisation::{Organisation, OrganisationCode};
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use concordat_domain::user::User;
use concordat_store::audit::AuditAction;
use concordat_store::{consent, organisations, persons, users, Conn, StoreError};
use serde::{Deserialize, Serialize};

use crate::authorisation::{authorise_noted, Viewer};
use crate::error::{FieldError, ServiceError};
use crate::permissions::ConsentSteward;
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
    /// The person's name, for the page's heading.
    pub person_name: String,
    /// The partnership's organisations, which a choice can name.
    pub organisations: Vec<Organisation>,
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

/// A directive in plain words, its organisation named.
fn summary_of(directive: &ConsentDirective, organisation: Option<&str>) -> String {
    describe(
        directive.effect(),
        organisation,
        directive.scope().category,
        directive.scope().purpose,
    )
}

/// Decides whether `viewer` may look at (`Read`) or change (`Write`)
/// `person`'s sharing choices, and audits the decision with `note` (what
/// was looked at or done) before anything is shown or changed. A stranger
/// takes the same path and time whether or not the person exists, and is
/// answered [`ServiceError::NotFound`].
pub(crate) async fn admit(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    action: AccessAction,
    note: String,
) -> Result<ConsentSteward, ServiceError> {
    let audit_action = match action {
        AccessAction::Read => AuditAction::Read,
        AccessAction::Write => AuditAction::Write,
    };
    let authorisation = authorise_noted(
        state,
        viewer,
        person,
        action,
        &[DataCategory::Consent],
        audit_action,
        Some(note),
    )
    .await?;
    match authorisation.refusal() {
        Some(refused) => Err(refused.into()),
        None => Ok(steward(&viewer.user)),
    }
}

/// Who keeps the choices in a request the decision allowed: the person
/// through their own account, or their care team.
fn steward(user: &User) -> ConsentSteward {
    if user.role() == Role::Person {
        ConsentSteward::OwnAccount
    } else {
        ConsentSteward::CareTeam
    }
}

/// The person's directives and carers, audited as one look.
pub async fn overview(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
) -> Result<Overview, ServiceError> {
    let steward = admit(
        state,
        viewer,
        person,
        AccessAction::Read,
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
    let person_name = persons::person_by_id(&mut conn, person)
        .await?
        .map(|p| p.name().to_string())
        .unwrap_or_default();
    Ok(Overview {
        steward,
        person_name,
        organisations: orgs,
        directives,
        carers,
    })
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
            at.format("%-d %B %Y at %H:%M UTC")
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
) -> Result<ConsentDirective, ServiceError> {
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
    let category = blank(&input.category).and_then(|raw| match DataCategory::parse(raw) {
        Ok(category) if category.is_shared() => Some(category),
        Ok(_) => {
            fail(
                "category",
                "a choice covers what is shared; the sharing choices themselves are kept with \
                 the care team"
                    .to_owned(),
            );
            None
        }
        Err(e) => {
            fail("category", e.to_string());
            None
        }
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
        return Err(ServiceError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
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
        ServiceError::Invalid(vec![FieldError::new(field, message)])
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
