//! Reading the partnership's information sharing agreements, for those who
//! may see them ([`permissions::view_agreements`]): the list, one agreement
//! with the people who signed it, and its history with who made each
//! change. Agreements hold no one's personal data, so the purpose of use
//! does not matter here. Every reading comes with the [`Names`] it needs,
//! already read, so a surface renders it without going back to the store.

use concordat_domain::agreement::Agreement;
use concordat_domain::ids::AgreementId;
use concordat_domain::user::User;
use concordat_store::agreements;

pub use concordat_store::agreements::AgreementEvent;

use super::Names;
use crate::error::ServiceError;
use crate::permissions;
use crate::AppState;

/// Every agreement, most recently changed first.
#[derive(Debug)]
pub struct Listed {
    pub agreements: Vec<Agreement>,
    pub names: Names,
}

/// One agreement, its signers named.
#[derive(Debug)]
pub struct Shown {
    pub agreement: Agreement,
    pub names: Names,
}

/// One agreement and every change to it, oldest first, its signers and
/// the people who made each change named.
#[derive(Debug)]
pub struct Story {
    pub agreement: Agreement,
    pub events: Vec<AgreementEvent>,
    pub names: Names,
}

/// The agreement an id names; one that does not read names none.
pub fn parse_id(raw: &str) -> Result<AgreementId, ServiceError> {
    AgreementId::parse(raw).map_err(|_| ServiceError::NotFound)
}

pub async fn list(state: &AppState, by: &User) -> Result<Listed, ServiceError> {
    permissions::view_agreements(by.role())?;
    let mut conn = state.store.read().await?;
    Ok(Listed {
        agreements: agreements::list_agreements(&mut conn).await?,
        names: Names::load(&mut conn).await?,
    })
}

pub async fn one(state: &AppState, by: &User, id: AgreementId) -> Result<Shown, ServiceError> {
    permissions::view_agreements(by.role())?;
    let agreement = {
        let mut conn = state.store.read().await?;
        agreements::agreement_by_id(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?
    };
    shown(state, agreement).await
}

/// `agreement` as it now stands, its signers named: for the answer to a
/// change the caller was just allowed to make.
pub async fn shown(state: &AppState, agreement: Agreement) -> Result<Shown, ServiceError> {
    let mut conn = state.store.read().await?;
    let mut names = Names::load(&mut conn).await?;
    for signature in agreement.signatures() {
        names.user(&mut conn, signature.signed_by).await?;
    }
    Ok(Shown { agreement, names })
}

pub async fn history(state: &AppState, by: &User, id: AgreementId) -> Result<Story, ServiceError> {
    let Shown {
        agreement,
        mut names,
    } = one(state, by, id).await?;
    let mut conn = state.store.read().await?;
    let events = agreements::agreement_history(&mut conn, id).await?;
    for event in &events {
        names.user(&mut conn, event.changed_by).await?;
    }
    Ok(Story {
        agreement,
        events,
        names,
    })
}

/// An agreement `by` may amend (an information governance lead of one of
/// its parties), for the form that amends it.
pub async fn for_amendment(
    state: &AppState,
    by: &User,
    id: AgreementId,
) -> Result<Shown, ServiceError> {
    permissions::manage_agreements(by.role())?;
    let mut conn = state.store.read().await?;
    let agreement = agreements::agreement_by_id(&mut conn, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let names = Names::load(&mut conn).await?;
    permissions::govern_agreement(by, &agreement, &names.name(by.organisation_id()))?;
    Ok(Shown { agreement, names })
}

/// The partnership's organisations, for a form that names parties.
pub async fn names(state: &AppState) -> Result<Names, ServiceError> {
    let mut conn = state.store.read().await?;
    Ok(Names::load(&mut conn).await?)
}
