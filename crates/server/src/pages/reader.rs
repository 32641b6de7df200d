//! Who is reading a page about a person, and whom it is about: shared by
//! every page that shows part of someone's record.

use concordat_domain::ids::PersonId;
use concordat_domain::role::Role;

use crate::auth::session::SignedIn;
use crate::authorisation::Viewer;
use crate::pages::error::PageError;
use crate::pages::words::{reading_purpose, sentence};

/// The person a path names; an id that does not read names nobody.
pub(crate) fn person_of(raw: &str) -> PersonId {
    PersonId::named(raw)
}

/// Who is asking and why: the purpose chosen in the query (direct care when
/// none), or the person's own access for their own account.
pub(crate) fn viewer(session: &SignedIn, raw_purpose: Option<&str>) -> Result<Viewer, PageError> {
    let purpose = reading_purpose(&session.user, raw_purpose)
        .map_err(|m| PageError::Invalid(sentence(&m)))?;
    Ok(session.viewer(purpose))
}

/// Whether the reader is the person the page is about, on their own account.
pub(crate) fn own(session: &SignedIn, person: PersonId) -> bool {
    session.user.role() == Role::Person && session.user.person_id() == Some(person)
}
