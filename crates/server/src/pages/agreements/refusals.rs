//! How the agreement pages refuse: a refusal worded as a sentence alone,
//! and an id that does not read answered as no agreement at all.

use concordat_domain::ids::AgreementId;

use crate::agreements::read;
use crate::error::ServiceError;
use crate::pages::error::PageError;
use crate::pages::words::sentence;
use crate::permissions::Refusal;

/// A permission the user lacks, as a sentence.
pub(crate) fn refused(refusal: Refusal) -> PageError {
    PageError::Forbidden(sentence(refusal.as_str()))
}

/// The agreement a path names; an id that does not read names none (404).
pub(crate) fn agreement_id(raw: &str) -> Result<AgreementId, PageError> {
    Ok(read::parse_id(raw)?)
}

/// A refusal worded as the agreement pages word one: the sentence alone.
pub(crate) fn forbidden(err: ServiceError) -> PageError {
    match err {
        ServiceError::Forbidden(why) => PageError::Forbidden(sentence(&why)),
        other => other.into(),
    }
}
