//! What an information governance lead does to an information sharing
//! agreement — draft, amend, sign, suspend, resume, end — each as one
//! transaction that checks who may do it ([`crate::permissions`]), applies the
//! domain's lifecycle rule and records the change in the agreement's history.
//! The JSON API, the pages and the command line all call these, so an
//! agreement changes by the same rules whichever door the change came in by.
//! Bad input or a refused act writes nothing.

pub mod read;
pub mod terms;

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use concordat_domain::agreement::{Agreement, AgreementError, Signature};
use concordat_domain::ids::{AgreementId, OrganisationId, UserId};
use concordat_domain::organisation::Organisation;
use concordat_domain::referral::ServiceLevels;
use concordat_domain::user::{User, Username};
use concordat_store::{
    agreements, organisations, referrals, users, Conn, Store, StoreError, WriteTx,
};

use crate::error::{FieldError, ServiceError};
use crate::permissions;
pub use terms::TermsJson;

/// A lifecycle step that changes only the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    Suspend,
    Resume,
    End,
}

impl StatusChange {
    /// The history event it records.
    pub fn event(self) -> &'static str {
        match self {
            Self::Suspend => "suspended",
            Self::Resume => "resumed",
            Self::End => "ended",
        }
    }

    fn apply(self, agreement: &Agreement) -> Result<Agreement, AgreementError> {
        match self {
            Self::Suspend => agreement.suspend(),
            Self::Resume => agreement.resume(),
            Self::End => agreement.end(),
        }
    }
}

/// Drafts a new agreement from `written` terms, unsigned.
pub async fn create(
    store: &Store,
    by: &User,
    written: &TermsJson,
    now: DateTime<Utc>,
) -> Result<Agreement, ServiceError> {
    permissions::manage_agreements(by.role())?;
    let mut tx = store.write().await?;
    let orgs = organisations::list_organisations(&mut tx).await?;
    let terms = written.to_terms(&orgs).map_err(ServiceError::Invalid)?;
    let draft = Agreement::draft(AgreementId::new(), terms).map_err(lifecycle)?;
    own_organisation_is_a_party(by, &draft, &orgs)?;
    agreements::save_agreement(&mut tx, &draft, "created", by.id(), now).await?;
    tx.commit().await?;
    tracing::info!(agreement = %draft.id(), user = %by.username(), "agreement drafted");
    Ok(draft)
}

/// Replaces the terms: a new version, back to draft, every signature gone.
pub async fn amend(
    store: &Store,
    by: &User,
    id: AgreementId,
    written: &TermsJson,
    now: DateTime<Utc>,
) -> Result<Agreement, ServiceError> {
    let (mut tx, current, orgs) = governed(store, by, id).await?;
    let terms = written.to_terms(&orgs).map_err(ServiceError::Invalid)?;
    let amended = current.amend(terms).map_err(lifecycle)?;
    own_organisation_is_a_party(by, &amended, &orgs)?;
    agreements::save_agreement(&mut tx, &amended, "amended", by.id(), now).await?;
    tx.commit().await?;
    tracing::info!(agreement = %id, version = amended.version(), user = %by.username(), "agreement amended");
    Ok(amended)
}

/// Signs the current version for the user's own organisation; the last
/// party to sign makes the agreement active.
pub async fn sign(
    store: &Store,
    by: &User,
    id: AgreementId,
    now: DateTime<Utc>,
) -> Result<Agreement, ServiceError> {
    permissions::manage_agreements(by.role())?;
    let mut tx = store.write().await?;
    let current = load(&mut tx, id).await?;
    let own = organisations::organisation_by_id(&mut tx, by.organisation_id()).await?;
    let own_name = own
        .as_ref()
        .map(|o| o.name().to_owned())
        .unwrap_or_default();
    permissions::sign_for(by, &current, &own_name)?;
    let signed = current
        .sign(Signature {
            organisation: by.organisation_id(),
            signed_by: by.id(),
            signed_at: now,
        })
        .map_err(|e| match e {
            AgreementError::AlreadySigned => ServiceError::Conflict(format!(
                "{own_name} has already signed version {} of this agreement",
                current.version()
            )),
            other => lifecycle(other),
        })?;
    agreements::save_agreement(&mut tx, &signed, "signed", by.id(), now).await?;
    tx.commit().await?;
    tracing::info!(agreement = %id, user = %by.username(), status = %signed.status(), "agreement signed");
    Ok(signed)
}

/// Suspends, resumes or ends the agreement.
pub async fn change_status(
    store: &Store,
    by: &User,
    id: AgreementId,
    change: StatusChange,
    now: DateTime<Utc>,
) -> Result<Agreement, ServiceError> {
    let (mut tx, current, _) = governed(store, by, id).await?;
    let next = change.apply(&current).map_err(lifecycle)?;
    agreements::save_agreement(&mut tx, &next, change.event(), by.id(), now).await?;
    tx.commit().await?;
    tracing::info!(agreement = %id, user = %by.username(), event = change.event(), "agreement status changed");
    Ok(next)
}

/// Reads the agreement locked for change, so that concurrent signatures on
/// PostgreSQL are applied one after the other rather than lost.
async fn load(conn: &mut Conn, id: AgreementId) -> Result<Agreement, ServiceError> {
    agreements::agreement_for_update(conn, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Sets what agreement `id` promises for referrals and who its escalation
/// contact is: for the information governance leads of its parties only,
/// and the contact must work for one of its parties (escalations name the
/// person a referral is about).
pub async fn set_service_levels(
    store: &Store,
    by: &User,
    id: AgreementId,
    levels: &ServiceLevels,
    escalation_username: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<UserId>, ServiceError> {
    let (mut tx, current, _) = governed(store, by, id).await?;
    let contact = match escalation_username {
        None => None,
        Some(name) => {
            let invalid = |message: &str| {
                ServiceError::Invalid(vec![FieldError::new("escalation_username", message)])
            };
            let username = Username::parse(name).map_err(|e| invalid(&e.to_string()))?;
            let user = users::user_by_username(&mut tx, &username)
                .await?
                .ok_or_else(|| invalid("no such user"))?;
            if !current.terms().parties.contains(&user.organisation_id()) {
                return Err(invalid(
                    "the escalation contact must work for a party to the agreement",
                ));
            }
            Some(user.id())
        }
    };
    referrals::set_service_levels(&mut tx, id, levels, contact, by.id(), now).await?;
    tx.commit().await?;
    Ok(contact)
}

/// Opens the write transaction and reads agreement `id`, refusing unless
/// `by` may change it; the partnership's organisations come along.
async fn governed(
    store: &Store,
    by: &User,
    id: AgreementId,
) -> Result<(WriteTx<'static>, Agreement, Vec<Organisation>), ServiceError> {
    permissions::manage_agreements(by.role())?;
    let mut tx = store.write().await?;
    let current = load(&mut tx, id).await?;
    let orgs = organisations::list_organisations(&mut tx).await?;
    permissions::govern_agreement(by, &current, &name_of(&orgs, by))?;
    Ok((tx, current, orgs))
}

fn name_of(orgs: &[Organisation], user: &User) -> String {
    orgs.iter()
        .find(|o| o.id() == user.organisation_id())
        .map(|o| o.name().to_owned())
        .unwrap_or_default()
}

/// An ig-lead drafts and amends only agreements their own organisation is
/// party to: otherwise they could not sign, amend or end what they wrote.
fn own_organisation_is_a_party(
    by: &User,
    agreement: &Agreement,
    orgs: &[Organisation],
) -> Result<(), ServiceError> {
    if agreement.terms().parties.contains(&by.organisation_id()) {
        Ok(())
    } else {
        Err(ServiceError::Invalid(vec![FieldError::new(
            "parties",
            format!(
                "your own organisation, {}, must be one of the parties",
                name_of(orgs, by)
            ),
        )]))
    }
}

/// A lifecycle rule broken by the current state is a conflict; a rule about
/// the terms (only reachable if they were not checked first) is bad input.
fn lifecycle(err: AgreementError) -> ServiceError {
    match err {
        AgreementError::WrongStatus { .. } | AgreementError::AlreadySigned => {
            ServiceError::Conflict(err.to_string())
        }
        AgreementError::NotAParty => ServiceError::Forbidden(err.to_string()),
        other => ServiceError::Invalid(vec![FieldError::new("terms", other)]),
    }
}

/// The partnership's organisations and the people an agreement's signatures
/// and history name, read once per request for showing an agreement.
#[derive(Debug)]
pub struct Names {
    pub organisations: Vec<Organisation>,
    users: HashMap<UserId, User>,
}

impl Names {
    pub async fn load(conn: &mut Conn) -> Result<Self, StoreError> {
        Ok(Self {
            organisations: organisations::list_organisations(conn).await?,
            users: HashMap::new(),
        })
    }

    pub fn organisation(&self, id: OrganisationId) -> Option<&Organisation> {
        self.organisations.iter().find(|o| o.id() == id)
    }

    /// The organisation's code, or its id should it have gone.
    pub fn code(&self, id: OrganisationId) -> String {
        self.organisation(id)
            .map(|o| o.code().as_str().to_owned())
            .unwrap_or_else(|| id.to_string())
    }

    /// The organisation's name, or its id should it have gone.
    pub fn name(&self, id: OrganisationId) -> String {
        self.organisation(id)
            .map(|o| o.name().to_owned())
            .unwrap_or_else(|| id.to_string())
    }

    /// The user `id`, if already read (a [`read`] function reads every one
    /// its reading names).
    pub fn known(&self, id: UserId) -> Option<&User> {
        self.users.get(&id)
    }

    /// "Dr Ann Lee (Northshire Police)", or a placeholder for someone not
    /// read.
    pub fn person(&self, id: UserId) -> String {
        match self.known(id) {
            Some(user) => format!(
                "{} ({})",
                user.display_name().as_str(),
                self.name(user.organisation_id())
            ),
            None => "someone no longer on record".to_owned(),
        }
    }

    /// The user `id`, read from the store at most once.
    pub async fn user(&mut self, conn: &mut Conn, id: UserId) -> Result<&User, StoreError> {
        match self.users.entry(id) {
            Entry::Occupied(known) => Ok(known.into_mut()),
            Entry::Vacant(slot) => {
                let user =
                    users::user_by_id(conn, id)
                        .await?
                        .ok_or_else(|| StoreError::Corrupt {
                            what: "agreement",
                            detail: format!("it names user `{id}`, who is missing"),
                        })?;
                Ok(slot.insert(user))
            }
        }
    }
}
