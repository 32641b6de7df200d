//! The facts the rules look at, one plain struct per kind: agreements,
//! consent directives, relationships and break-glass overrides. Each can be
//! built from the domain type it mirrors. Nothing here decides anything: an
//! ended agreement or an expired refusal is passed on as it is, and the
//! policies say what it counts for.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use concordat_domain::advance_choice::CrisisKind;
use concordat_domain::agreement::{Agreement, AgreementStatus, RoleGrant};
use concordat_domain::break_glass::{BreakGlass, OverrideBasis};
use concordat_domain::consent::{ConsentDirective, ConsentEffect, ConsentScope};
use concordat_domain::ids::{
    AdvanceChoicesId, AgreementId, ConsentId, OrganisationId, PersonId, UserId,
};
use concordat_domain::purpose::Purpose;

/// An information sharing agreement as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementFacts {
    pub id: AgreementId,
    /// Shown in the reasons ("shared under the information sharing agreement
    /// “Northshire crisis care”").
    pub title: String,
    pub status: AgreementStatus,
    pub signed_by_every_party: bool,
    pub parties: Vec<OrganisationId>,
    /// The first day the agreement applies.
    pub starts_on: NaiveDate,
    /// The day it stops applying (not included), as in
    /// [`Agreement::in_term`].
    pub ends_on: Option<NaiveDate>,
    pub purposes: BTreeSet<Purpose>,
    /// For each role, the categories it may read and those it may write.
    pub grants: Vec<RoleGrant>,
}

impl From<&Agreement> for AgreementFacts {
    fn from(agreement: &Agreement) -> Self {
        let terms = agreement.terms();
        Self {
            id: agreement.id(),
            title: terms.title.clone(),
            status: agreement.status(),
            signed_by_every_party: agreement.is_fully_signed(),
            parties: terms.parties.clone(),
            starts_on: terms.starts_on,
            ends_on: terms.ends_on,
            purposes: terms.purposes.clone(),
            grants: terms.grants.clone(),
        }
    }
}

/// One of the person's consent directives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentFacts {
    pub id: ConsentId,
    pub effect: ConsentEffect,
    /// What the directive covers; an empty field covers everything.
    pub scope: ConsentScope,
    /// When the directive stops applying: its expiry, or the moment the
    /// person withdrew it, whichever is earlier.
    pub expires_at: Option<DateTime<Utc>>,
    /// The display name of `scope.organisation`, for the words of a refusal
    /// ("the person has refused sharing with Northshire Police").
    pub organisation_name: Option<String>,
    /// A refusal made in the person's advance choices to hold even in a
    /// crisis: no advance choice to let lifts it. A standing refusal (a
    /// consent directive) is `false`.
    pub holds_in_crisis: bool,
}

impl ConsentFacts {
    /// `organisation_name` names the organisation in the directive's scope,
    /// if it has one.
    pub fn from_directive(directive: &ConsentDirective, organisation_name: Option<String>) -> Self {
        // A withdrawal ends a directive exactly as an expiry does, so the
        // policies need to know only the earlier of the two.
        let expires_at = match (directive.expires_at(), directive.withdrawn_at()) {
            (Some(e), Some(w)) => Some(e.min(w)),
            (e, w) => e.or(w),
        };
        Self {
            id: directive.id(),
            effect: directive.effect(),
            scope: *directive.scope(),
            expires_at,
            organisation_name,
            holds_in_crisis: false,
        }
    }
}

/// A choice in the person's advance choices to let something be seen
/// during a crisis, despite their standing refusals. Only the current
/// version of the document is passed: an earlier version is history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvanceChoiceFacts {
    /// The document version, and the choice's place in it.
    pub document: AdvanceChoicesId,
    pub position: usize,
    pub during: CrisisKind,
    /// What it lets be seen; an empty field covers everything.
    pub scope: ConsentScope,
    /// The person's words and when they were witnessed, for the reasons
    /// ("their advance choice witnessed on 3 March 2026").
    pub witnessed_on: NaiveDate,
}

/// A crisis the person is or was in, from a contact recorded by any
/// organisation: what the advance choices wait for. Its end is judged
/// by the caller, as a relationship's is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Crisis {
    pub kind: CrisisKind,
    pub ended: bool,
}

/// Why the user is involved with the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelationshipKind {
    /// A member of the person's care team.
    CareTeam,
    /// An open referral or task involving the user's organisation.
    Referral,
    /// An active contact, such as street triage in progress.
    Contact,
    /// Membership of a multi-agency case about the person.
    CaseMember,
    /// Reviewing whether a contact that arrived without an NHS number is
    /// this person's: the policies let it show demographics and nothing
    /// else.
    MatchReview,
    /// A crisis look-up. Only crisis roles may rely on one (the policies
    /// check the role); the reason is part of the fact, so a look-up without
    /// one cannot be described.
    CrisisLookUp { reason: LookUpReason },
    /// A registered source system's report of a contact, for deciding that
    /// report: it counts for source systems only (the policies check the
    /// role), and is never stored as a relationship anyone else has.
    SourceReport,
}

impl RelationshipKind {
    /// The word the policies use.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::CareTeam => "care-team",
            Self::Referral => "referral",
            Self::Contact => "contact",
            Self::CaseMember => "case-member",
            Self::MatchReview => "match-review",
            Self::CrisisLookUp { .. } => "crisis-look-up",
            Self::SourceReport => "source-report",
        }
    }
}

/// One relationship between the user and the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    pub kind: RelationshipKind,
    /// An ended relationship grants nothing; it is still passed on so the
    /// rule that says so is in the policies.
    pub ended: bool,
}

impl Relationship {
    pub fn care_team() -> Self {
        Self::current(RelationshipKind::CareTeam)
    }
    pub fn referral() -> Self {
        Self::current(RelationshipKind::Referral)
    }
    pub fn contact() -> Self {
        Self::current(RelationshipKind::Contact)
    }
    pub fn case_member() -> Self {
        Self::current(RelationshipKind::CaseMember)
    }
    pub fn match_review() -> Self {
        Self::current(RelationshipKind::MatchReview)
    }
    pub fn crisis_look_up(reason: LookUpReason) -> Self {
        Self::current(RelationshipKind::CrisisLookUp { reason })
    }
    pub fn source_report() -> Self {
        Self::current(RelationshipKind::SourceReport)
    }

    /// The same relationship, marked as ended.
    pub fn ended(self) -> Self {
        Self {
            ended: true,
            ..self
        }
    }

    fn current(kind: RelationshipKind) -> Self {
        Self { kind, ended: false }
    }
}

/// The recorded reason for a crisis look-up ("street triage: found on the
/// bridge, asked for the crisis plan").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookUpReason(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a crisis look-up needs its reason recorded")]
pub struct LookUpReasonError;

impl LookUpReason {
    pub fn parse(raw: &str) -> Result<Self, LookUpReasonError> {
        let reason = raw.trim();
        if reason.is_empty() {
            Err(LookUpReasonError)
        } else {
            Ok(Self(reason.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A break-glass override the user made for the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakGlassFacts {
    /// Who broke the glass, and for whom: the policies check they are the
    /// user asking and the person asked about, so an override passed in by
    /// mistake for someone else lifts nothing.
    pub user: UserId,
    pub person: PersonId,
    pub basis: OverrideBasis,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl From<&BreakGlass> for BreakGlassFacts {
    fn from(grant: &BreakGlass) -> Self {
        Self {
            user: grant.user,
            person: grant.person,
            basis: grant.basis,
            granted_at: grant.granted_at,
            expires_at: grant.expires_at,
        }
    }
}
