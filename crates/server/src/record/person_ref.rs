//! How a request names the person it is about: by NHS number (what a
//! professional has in hand) or by Concordat's own id. Either way, a
//! reference that names no one resolves to [`PersonId::nobody`], so what
//! follows takes the same path — and gives the same answer — as for someone
//! the caller may not know of.

use concordat_domain::ids::PersonId;
use concordat_domain::nhs_number::NhsNumber;
use concordat_store::persons;

use crate::error::ServiceError;
use crate::AppState;

#[derive(Debug, Clone)]
pub enum PersonRef {
    NhsNumber(String),
    Id(String),
}

impl PersonRef {
    /// The one of `nhs_number` and `person_id` a request gave; both, or
    /// neither, is a mistake named on `nhs_number`.
    pub fn either(
        nhs_number: Option<String>,
        person_id: Option<String>,
    ) -> Result<Self, ServiceError> {
        match (nhs_number, person_id) {
            (Some(nhs), None) => Ok(Self::NhsNumber(nhs)),
            (None, Some(id)) => Ok(Self::Id(id)),
            _ => Err(ServiceError::invalid(
                "nhs_number",
                "give either `nhs_number` or `person_id`, not both",
            )),
        }
    }

    /// The person named, or nobody; an NHS number that does not read is
    /// the one mistake reported (on `nhs_number`).
    pub async fn resolve(&self, state: &AppState) -> Result<PersonId, ServiceError> {
        match self {
            Self::Id(raw) => Ok(PersonId::named(raw)),
            Self::NhsNumber(raw) => {
                let number =
                    NhsNumber::parse(raw).map_err(|e| ServiceError::invalid("nhs_number", e))?;
                let mut conn = state.store.read().await?;
                Ok(persons::person_by_nhs_number(&mut conn, &number)
                    .await?
                    .map_or_else(PersonId::nobody, |p| p.id()))
            }
        }
    }
}
