//! Who asks for a person's record: a user, for a purpose of use. Every
//! decision, audit entry and service call is made for a viewer.

use concordat_domain::purpose::Purpose;
use concordat_domain::user::User;

/// Who is asking, and for what purpose of use.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: User,
    pub purpose: Purpose,
}
