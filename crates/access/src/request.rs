//! What the caller tells the engine about one request: who asks, for what,
//! about whom, and everything true at that moment that the rules look at.
//! These are facts, not rules: the caller fetches them (from the store, in
//! the same transaction as the audit entry) and the engine turns them into
//! Cedar entities and context without judging them.

use chrono::{DateTime, Utc};
use concordat_domain::carer::CarerItem;
use concordat_domain::category::DataCategory;
use concordat_domain::ids::{OrganisationId, PersonId, UserId};
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use concordat_domain::user::User;

use crate::facts::{
    AdvanceChoiceFacts, AgreementFacts, BreakGlassFacts, ConsentFacts, Crisis, Relationship,
};

/// Reading or writing a category of a person's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessAction {
    Read,
    Write,
}

impl AccessAction {
    pub const ALL: [Self; 2] = [Self::Read, Self::Write];

    /// The Cedar action id (`Action::"read"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }
}

/// The user who asks, as the decision sees them (Cedar's principal). The
/// audit names its own actor (`concordat_store::audit::Actor`): who acted,
/// with the username copied for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub id: UserId,
    pub role: Role,
    pub organisation: OrganisationId,
    /// For a user with the `person` role, the record that is their own;
    /// `None` for every professional.
    pub person: Option<PersonId>,
    /// For a user with the `carer` role, the person they care for.
    pub carer_of: Option<PersonId>,
}

impl Principal {
    pub fn from_user(user: &User) -> Self {
        Self {
            id: user.id(),
            role: user.role(),
            organisation: user.organisation_id(),
            person: user.person_id(),
            carer_of: user.carer_of().map(|c| c.person),
        }
    }
}

/// One request to read or write one category of one person's record, with
/// the facts the decision needs.
#[derive(Debug, Clone)]
pub struct AccessRequest {
    pub user: Principal,
    pub person: PersonId,
    pub action: AccessAction,
    pub category: DataCategory,
    pub purpose: Purpose,
    /// The moment of the request. Passed in, never read from the clock here,
    /// so tests can move time and the audit records the instant decided on.
    pub now: DateTime<Utc>,
    /// The agreements the user's organisation is or was party to, in any
    /// state: the rules, not the caller, decide which of them count.
    pub agreements: Vec<AgreementFacts>,
    /// The person's consent directives, including expired ones.
    pub consents: Vec<ConsentFacts>,
    /// The user's relationships to the person, including ended ones.
    pub relationships: Vec<Relationship>,
    /// The user's break-glass override for this person, if any, live or not.
    pub break_glass: Option<BreakGlassFacts>,
    /// The person's choices, made in advance, to let things be seen during
    /// a crisis (the current version of their document).
    pub advance_choices: Vec<AdvanceChoiceFacts>,
    /// The crises the person is in, or was in, by kind.
    pub crises: Vec<Crisis>,
    /// For a carer, the item of the record they ask to see (or, for the
    /// thread, to write); `None` for everyone else.
    pub carer_item: Option<CarerItem>,
    /// For a carer, what the person lets them see now: the items they chose,
    /// and the thread while the carer may sign in at all. Empty once the
    /// person has withdrawn the carer's access.
    pub carer_items: Vec<CarerItem>,
}
