//! Information sharing agreements: which organisations share, for which
//! purposes, which categories each role may read and write, on what lawful
//! basis, and when. Agreements are data the access decision enforces, not
//! paperwork: one that is not active, not signed by every party, or out of
//! date grants nothing.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::category::DataCategory;
use crate::ids::{AgreementId, OrganisationId, UserId};
use crate::purpose::Purpose;
use crate::role::Role;
use crate::text::{bounded, TextError};

mod lawful_basis;
mod status;
mod tier;

pub use lawful_basis::LawfulBasis;
pub use status::{AgreementStatus, AgreementStatusError};
pub use tier::{AgreementTier, AgreementTierError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgreementError {
    #[error(transparent)]
    Text(#[from] TextError),
    #[error("an agreement needs at least two parties")]
    TooFewParties,
    #[error("an organisation is named twice among the parties")]
    DuplicateParty,
    #[error("an agreement needs at least one purpose of use")]
    NoPurposes,
    #[error("an agreement needs at least one role grant")]
    NoGrants,
    #[error("role `{0}` has two grants; give each role one")]
    DuplicateRoleGrant(&'static str),
    #[error("the `{tier}` tier does not allow sharing `{category}`; choose a fuller tier or fewer categories")]
    CategoryBeyondTier {
        tier: &'static str,
        category: &'static str,
    },
    #[error("commissioning sees de-identified aggregates only and cannot be a purpose for reading records")]
    CommissioningGrantsRecords,
    #[error("own access is the person's own purpose, not one partners share under")]
    OwnAccessIsNotShared,
    #[error(
        "role `{0}` is not a practitioner role; agreements grant records to practitioners only"
    )]
    NotAPractitionerRole(&'static str),
    #[error(
        "a source system reports contacts and reads nothing; grant it writing `contacts` only"
    )]
    SourceSystemReportsOnly,
    #[error("the end date must be after the start date")]
    EndsBeforeStart,
    #[error("the review date must fall within the agreement's term")]
    ReviewOutsideTerm,
    #[error("only a party to the agreement can sign it")]
    NotAParty,
    #[error("this organisation has already signed this version")]
    AlreadySigned,
    #[error("an agreement can be {action} only when it is {required}; it is {actual}")]
    WrongStatus {
        action: &'static str,
        required: &'static str,
        actual: &'static str,
    },
}

/// What one role may do under an agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrant {
    pub role: Role,
    pub read: BTreeSet<DataCategory>,
    pub write: BTreeSet<DataCategory>,
}

/// A party's signature of one version of the agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub organisation: OrganisationId,
    pub signed_by: UserId,
    pub signed_at: DateTime<Utc>,
}

/// The terms of an agreement: everything that is signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    pub title: String,
    pub tier: AgreementTier,
    pub parties: Vec<OrganisationId>,
    pub purposes: BTreeSet<Purpose>,
    pub grants: Vec<RoleGrant>,
    pub lawful_basis: LawfulBasis,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub review_on: NaiveDate,
}

impl Terms {
    /// Checks the terms; the title is trimmed.
    pub fn validated(mut self) -> Result<Self, AgreementError> {
        self.title = bounded("title", &self.title, 200)?;
        if self.parties.len() < 2 {
            return Err(AgreementError::TooFewParties);
        }
        let distinct: BTreeSet<_> = self.parties.iter().collect();
        if distinct.len() != self.parties.len() {
            return Err(AgreementError::DuplicateParty);
        }
        if self.purposes.is_empty() {
            return Err(AgreementError::NoPurposes);
        }
        if self.grants.is_empty() {
            return Err(AgreementError::NoGrants);
        }
        let mut roles = BTreeSet::new();
        for grant in &self.grants {
            if grant.role == Role::SourceSystem {
                let contacts_only = grant.read.is_empty()
                    && grant.write.iter().all(|c| *c == DataCategory::Contacts);
                if !contacts_only {
                    return Err(AgreementError::SourceSystemReportsOnly);
                }
            } else if !grant.role.is_practitioner() {
                return Err(AgreementError::NotAPractitionerRole(grant.role.as_str()));
            }
            if !roles.insert(grant.role) {
                return Err(AgreementError::DuplicateRoleGrant(grant.role.as_str()));
            }
            for category in grant.read.iter().chain(&grant.write) {
                if !self.tier.allows(*category) {
                    return Err(AgreementError::CategoryBeyondTier {
                        tier: self.tier.as_str(),
                        category: category.as_str(),
                    });
                }
            }
        }
        if self.purposes.contains(&Purpose::Commissioning) {
            return Err(AgreementError::CommissioningGrantsRecords);
        }
        if self.purposes.contains(&Purpose::OwnAccess) {
            return Err(AgreementError::OwnAccessIsNotShared);
        }
        if let Some(end) = self.ends_on {
            if end <= self.starts_on {
                return Err(AgreementError::EndsBeforeStart);
            }
        }
        if self.review_on < self.starts_on || self.ends_on.is_some_and(|end| self.review_on > end) {
            return Err(AgreementError::ReviewOutsideTerm);
        }
        Ok(self)
    }

    pub fn grant_for(&self, role: Role) -> Option<&RoleGrant> {
        self.grants.iter().find(|g| g.role == role)
    }
}

/// An information sharing agreement and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    id: AgreementId,
    /// Starts at 1; each change of terms makes a new version, which every
    /// party must sign again.
    version: i64,
    terms: Terms,
    status: AgreementStatus,
    signatures: Vec<Signature>,
}

impl Agreement {
    /// A new draft, unsigned.
    pub fn draft(id: AgreementId, terms: Terms) -> Result<Self, AgreementError> {
        Ok(Self {
            id,
            version: 1,
            terms: terms.validated()?,
            status: AgreementStatus::Draft,
            signatures: Vec::new(),
        })
    }

    /// Rebuilds a stored agreement, checking it still holds together.
    pub fn restore(
        id: AgreementId,
        version: i64,
        terms: Terms,
        status: AgreementStatus,
        signatures: Vec<Signature>,
    ) -> Result<Self, AgreementError> {
        let agreement = Self {
            id,
            version,
            terms: terms.validated()?,
            status,
            signatures,
        };
        if agreement
            .signatures
            .iter()
            .any(|s| !agreement.terms.parties.contains(&s.organisation))
        {
            return Err(AgreementError::NotAParty);
        }
        Ok(agreement)
    }

    pub fn id(&self) -> AgreementId {
        self.id
    }
    pub fn version(&self) -> i64 {
        self.version
    }
    pub fn terms(&self) -> &Terms {
        &self.terms
    }
    pub fn status(&self) -> AgreementStatus {
        self.status
    }
    pub fn signatures(&self) -> &[Signature] {
        &self.signatures
    }

    pub fn is_signed_by(&self, organisation: OrganisationId) -> bool {
        self.signatures
            .iter()
            .any(|s| s.organisation == organisation)
    }

    pub fn is_fully_signed(&self) -> bool {
        self.terms.parties.iter().all(|p| self.is_signed_by(*p))
    }

    /// Parties yet to sign this version.
    pub fn awaiting(&self) -> Vec<OrganisationId> {
        self.terms
            .parties
            .iter()
            .copied()
            .filter(|p| !self.is_signed_by(*p))
            .collect()
    }

    /// Whether `today` falls within the agreement's term.
    pub fn in_term(&self, today: NaiveDate) -> bool {
        today >= self.terms.starts_on && self.terms.ends_on.is_none_or(|end| today < end)
    }

    /// Whether the agreement is in force on `today`: active, signed by
    /// every party, and within its term.
    pub fn in_force(&self, today: NaiveDate) -> bool {
        self.status == AgreementStatus::Active && self.is_fully_signed() && self.in_term(today)
    }

    pub fn review_overdue(&self, today: NaiveDate) -> bool {
        self.status == AgreementStatus::Active && today > self.terms.review_on
    }

    /// Replaces the terms of a draft or active agreement: a new version,
    /// back to draft, every signature cleared.
    pub fn amend(&self, terms: Terms) -> Result<Self, AgreementError> {
        self.require(
            &[
                AgreementStatus::Draft,
                AgreementStatus::Active,
                AgreementStatus::Suspended,
            ],
            "amended",
            "draft, active or suspended",
        )?;
        Ok(Self {
            id: self.id,
            version: self.version + 1,
            terms: terms.validated()?,
            status: AgreementStatus::Draft,
            signatures: Vec::new(),
        })
    }

    /// Records a party's signature; the last one makes the agreement active.
    pub fn sign(&self, signature: Signature) -> Result<Self, AgreementError> {
        self.require(&[AgreementStatus::Draft], "signed", "draft")?;
        if !self.terms.parties.contains(&signature.organisation) {
            return Err(AgreementError::NotAParty);
        }
        if self.is_signed_by(signature.organisation) {
            return Err(AgreementError::AlreadySigned);
        }
        let mut next = self.clone();
        next.signatures.push(signature);
        if next.is_fully_signed() {
            next.status = AgreementStatus::Active;
        }
        Ok(next)
    }

    pub fn suspend(&self) -> Result<Self, AgreementError> {
        self.require(&[AgreementStatus::Active], "suspended", "active")?;
        Ok(self.with_status(AgreementStatus::Suspended))
    }

    pub fn resume(&self) -> Result<Self, AgreementError> {
        self.require(&[AgreementStatus::Suspended], "resumed", "suspended")?;
        Ok(self.with_status(AgreementStatus::Active))
    }

    pub fn end(&self) -> Result<Self, AgreementError> {
        self.require(
            &[
                AgreementStatus::Draft,
                AgreementStatus::Active,
                AgreementStatus::Suspended,
            ],
            "ended",
            "draft, active or suspended",
        )?;
        Ok(self.with_status(AgreementStatus::Ended))
    }

    fn with_status(&self, status: AgreementStatus) -> Self {
        let mut next = self.clone();
        next.status = status;
        next
    }

    fn require(
        &self,
        allowed: &[AgreementStatus],
        action: &'static str,
        required: &'static str,
    ) -> Result<(), AgreementError> {
        if allowed.contains(&self.status) {
            Ok(())
        } else {
            Err(AgreementError::WrongStatus {
                action,
                required,
                actual: self.status.as_str(),
            })
        }
    }
}

#[cfg(test)]
mod tests;
