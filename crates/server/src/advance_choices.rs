//! Advance choices for a crisis: recorded with the person, while they are
//! well, by a practitioner on their care team and witnessed by one; read by
//! the person and their care team as their sharing choices (the `consent`
//! category, through the access decision, audited). Each change is a new
//! version; the access decision reads the version in force (see
//! `authorisation::gather` and `policies/55-advance-choices.cedar`).

use chrono::NaiveDate;
use concordat_access::AccessAction;
use concordat_domain::advance_choice::{self, AdvanceChoice, ChoiceEffect, CrisisKind};
use concordat_domain::category::DataCategory;
use concordat_domain::consent::ConsentScope;
use concordat_domain::ids::{AdvanceChoicesId, OrganisationId, PersonId};
use concordat_domain::purpose::Purpose;
use concordat_domain::text::lowercase_first;
use concordat_domain::user::Username;
use concordat_store::advance_choices as store;
pub use concordat_store::advance_choices::AdvanceChoices;
use concordat_store::{care_teams, organisations, users, Conn, StoreError};

use crate::authorisation::Viewer;
use crate::crisis::require;
use crate::error::{FieldError, ServiceError};
use crate::AppState;

/// A document as typed: the person's words, the choices, who witnessed it
/// (a username) and when it is to be reviewed (YYYY-MM-DD).
#[derive(Debug, Clone, Default)]
pub struct DocumentInput {
    pub statement: String,
    pub choices: Vec<ChoiceInput>,
    pub witnessed_by: String,
    pub review_by: String,
}

/// One choice as typed; an empty organisation, category or purpose covers
/// all of them.
#[derive(Debug, Clone, Default)]
pub struct ChoiceInput {
    pub effect: String,
    pub during: String,
    pub organisation: String,
    pub category: String,
    pub purpose: String,
}

/// Records a new version of `person`'s advance choices. Only a
/// practitioner records them (with the person), naming the practitioner on
/// the person's care team who witnessed them.
pub async fn record(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    input: &DocumentInput,
) -> Result<AdvanceChoices, ServiceError> {
    require(
        state,
        viewer,
        person,
        AccessAction::Write,
        DataCategory::Consent,
    )
    .await?;
    if !viewer.user.role().is_practitioner() {
        return Err(ServiceError::Forbidden(
            "advance choices are recorded with you by a practitioner on your care team, who \
             witnesses them"
                .into(),
        ));
    }
    let now = state.clock.now();
    let mut faults = Vec::new();
    let mut conn = state.store.read().await?;
    let choices = parse_choices(&mut conn, &input.choices, &mut faults).await?;
    let witness = witness(&mut conn, person, &input.witnessed_by, &mut faults).await?;
    drop(conn);
    let review_by = match NaiveDate::parse_from_str(input.review_by.trim(), "%Y-%m-%d") {
        Ok(day) => Some(day),
        Err(_) => {
            faults.push(FieldError::new(
                "review_by",
                "Give the date to review them by (YYYY-MM-DD)",
            ));
            None
        }
    };
    if let Some(review_by) = review_by {
        if let Err(e) =
            advance_choice::check(&input.statement, &choices, review_by, now.date_naive())
        {
            faults.push(FieldError::new(e.field(), e));
        }
    }
    let (true, Some(witness), Some(review_by)) = (faults.is_empty(), witness, review_by) else {
        return Err(ServiceError::Invalid(faults));
    };
    let mut document = AdvanceChoices {
        id: AdvanceChoicesId::new(),
        person,
        version: 0,
        statement: input.statement.trim().to_owned(),
        choices,
        witnessed_by: witness.id(),
        witnessed_by_name: witness.display_name().as_str().to_owned(),
        witnessed_at: now,
        review_by,
        recorded_by: viewer.user.id(),
        recorded_at: now,
        superseded_at: None,
    };
    let mut tx = state.store.write().await?;
    store::record(&mut tx, &mut document).await?;
    tx.commit().await?;
    Ok(document)
}

/// Every version of `person`'s advance choices, the one in force first,
/// read as their sharing choices.
pub async fn of_person(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
) -> Result<Vec<AdvanceChoices>, ServiceError> {
    require(
        state,
        viewer,
        person,
        AccessAction::Read,
        DataCategory::Consent,
    )
    .await?;
    let mut conn = state.store.read().await?;
    Ok(store::versions(&mut conn, person).await?)
}

/// The names of the organisations `documents` name, for showing them.
pub async fn organisation_names(
    state: &AppState,
    documents: &[AdvanceChoices],
) -> Result<Vec<(OrganisationId, String)>, ServiceError> {
    let mut conn = state.store.read().await?;
    let mut named: Vec<OrganisationId> = Vec::new();
    for document in documents {
        for choice in &document.choices {
            named.extend(choice.scope.organisation);
        }
    }
    named.sort();
    named.dedup();
    let mut names: Vec<(OrganisationId, String)> = Vec::new();
    for id in named {
        if let Some(o) = organisations::organisation_by_id(&mut conn, id).await? {
            names.push((id, o.name().to_owned()));
        }
    }
    Ok(names)
}

/// One choice as a sentence in the person's voice: "While I am detained
/// under section 136, Northshire Police may see my crisis plan."
pub fn sentence(choice: &AdvanceChoice, names: &[(OrganisationId, String)]) -> String {
    let who = choice
        .scope
        .organisation
        .and_then(|o| names.iter().find(|(id, _)| *id == o))
        .map_or_else(|| "anyone caring for me".to_owned(), |(_, n)| n.clone());
    let what = choice.scope.category.map_or_else(
        || "my record".to_owned(),
        |c| format!("my {}", lowercase_first(c.label())),
    );
    let why = choice
        .scope
        .purpose
        .map(|p| format!(" for {}", lowercase_first(p.label())))
        .unwrap_or_default();
    match (choice.effect, choice.during) {
        (ChoiceEffect::LetDuringCrisis, Some(during)) => {
            let mut when = during.label().to_owned();
            if let Some(first) = when.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            format!("{when}, {who} may see {what}{why}.")
        }
        _ => {
            let who = if choice.scope.organisation.is_none() {
                "no one".to_owned()
            } else {
                who
            };
            format!("Even in a crisis, {who} may not see {what}{why}.")
        }
    }
}

async fn parse_choices(
    conn: &mut Conn,
    inputs: &[ChoiceInput],
    faults: &mut Vec<FieldError>,
) -> Result<Vec<AdvanceChoice>, StoreError> {
    let mut choices = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let n = i + 1;
        let mut fault =
            |what: String| faults.push(FieldError::new("choices", format!("choice {n}: {what}")));
        let effect = match ChoiceEffect::parse(input.effect.trim()) {
            Ok(effect) => effect,
            Err(e) => {
                fault(e.to_string());
                continue;
            }
        };
        let during = match input.during.trim() {
            "" => None,
            raw => match CrisisKind::parse(raw) {
                Ok(kind) => Some(kind),
                Err(e) => {
                    fault(e.to_string());
                    continue;
                }
            },
        };
        let organisation = match input.organisation.trim() {
            "" => None,
            raw => match OrganisationId::parse(raw) {
                Ok(id) if organisations::organisation_by_id(conn, id).await?.is_some() => Some(id),
                _ => {
                    fault(format!("`{raw}` is not an organisation of the partnership"));
                    continue;
                }
            },
        };
        let category = match input.category.trim() {
            "" => None,
            raw => match DataCategory::parse(raw) {
                Ok(c) => Some(c),
                Err(e) => {
                    fault(e.to_string());
                    continue;
                }
            },
        };
        let purpose = match input.purpose.trim() {
            "" => None,
            raw => match Purpose::parse(raw) {
                Ok(p) => Some(p),
                Err(e) => {
                    fault(e.to_string());
                    continue;
                }
            },
        };
        choices.push(AdvanceChoice {
            effect,
            during,
            scope: ConsentScope {
                organisation,
                category,
                purpose,
            },
        });
    }
    Ok(choices)
}

/// The witness named by `raw`: a practitioner on the person's care team
/// whose account is in use.
async fn witness(
    conn: &mut Conn,
    person: PersonId,
    raw: &str,
    faults: &mut Vec<FieldError>,
) -> Result<Option<concordat_domain::user::User>, StoreError> {
    const WHO: &str = "Name the practitioner on the person's care team who witnessed these choices";
    let raw = raw.trim();
    let found = match Username::parse(raw) {
        Ok(name) if !raw.is_empty() => users::user_by_username(conn, &name).await?,
        _ => None,
    };
    let witness = match found {
        Some(user)
            if user.role().is_practitioner()
                && !user.disabled()
                && care_teams::is_care_team_member(conn, person, user.id()).await? =>
        {
            Some(user)
        }
        _ => None,
    };
    if witness.is_none() {
        faults.push(FieldError::new("witnessed_by", WHO));
    }
    Ok(witness)
}
