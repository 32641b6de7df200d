//! The tamper-evident audit log: every access decision, allowed or denied,
//! as one entry in an append-only hash chain sealed by signed checkpoints.
//!
//! This module owns the entry vocabulary ([`AuditEntry`], [`AuditAction`],
//! [`Outcome`]); [`writer`] appends entries by group commit ([`AuditLog`]);
//! [`chain`] defines the hash; [`signer`] the ed25519 checkpoint key;
//! [`verify`] re-proves the chain; [`query`] reads it back for people and
//! information governance.
//!
//! # The chain
//!
//! Entries are numbered `seq` = 1, 2, 3, … without gaps. Each stores the hash
//! of its predecessor (`prev_hash`; 64 zeros for entry 1) and its own:
//!
//! ```text
//! hash = SHA-256( prev_hash as 32 raw bytes || canonical_encoding(entry) )
//! ```
//!
//! stored as lowercase hex. The canonical encoding covers the columns *as
//! stored* — the bytes in the database are the bytes hashed, so no parser or
//! formatter sits between the two — in this fixed order, each field
//! self-delimiting:
//!
//! | # | field | encoding |
//! |---|-------|----------|
//! | 0 | domain tag | the 24 bytes `concordat-audit-entry-v1` |
//! | 1 | `seq` | 8 bytes, big-endian two's complement |
//! | 2 | `occurred_at` | text |
//! | 3–6 | `actor_user_id`, `actor_username`, `actor_organisation_id`, `actor_role` | optional text |
//! | 7 | `purpose` (ActReason code) | optional text |
//! | 8 | `person_id` | optional text |
//! | 9 | `action` | text |
//! | 10 | `categories` (comma-separated) | text |
//! | 11 | `outcome` | text |
//! | 12 | `reasons` (JSON array) | text |
//! | 13 | `policy_ids` (JSON array) | text |
//! | 14 | `break_glass` | 8 bytes, big-endian |
//!
//! where *text* is a 4-byte big-endian byte length then the UTF-8 bytes, and
//! *optional text* is the byte `0x00` for NULL or `0x01` followed by text.
//! Length prefixes make the encoding unambiguous: no two different rows
//! encode to the same bytes. `seq` is inside the hash, so moving an entry to
//! another position breaks it.
//!
//! # Checkpoints
//!
//! Every committed batch ends with a checkpoint: the batch's last `(seq,
//! hash)` signed with ed25519 over
//! `"concordat-audit-checkpoint-v1" || seq (8 bytes BE) || hash (32 bytes) ||
//! text(signed_at) || text(key_id)`. Someone who can write to the database
//! but does not hold the key can recompute hashes but cannot re-sign, so a
//! rewritten chain no longer matches its checkpoints. `audit_head` records
//! where the chain ends, so entries cut from the end are noticed too.

pub mod chain;
pub mod query;
pub mod signer;
pub mod verify;
pub mod writer;

use chrono::{DateTime, Utc};
use concordat_domain::category::DataCategory;
use concordat_domain::ids::{OrganisationId, PersonId, UserId};
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use concordat_domain::user::Username;

pub use ed25519_dalek::VerifyingKey;
pub use query::{access_log_for_person, search, AuditFilter, MAX_LIMIT};
pub use signer::{CheckpointSigner, KeyError};
pub use verify::{verify_chain, Break, VerifyReport};
pub use writer::{AuditError, AuditLog, BatchObserver};

/// What was done, or attempted, with a person's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    Read,
    Write,
    /// A crisis role finding a person it has no relationship with yet.
    CrisisLookup,
    /// Elevated access to a person, claimed with a justification.
    BreakGlass,
    /// An information-governance lead judging a break-glass use.
    BreakGlassReview,
    /// Records leaving the system in bulk (a download or a FHIR bundle).
    Export,
    /// A deadline missed and the item escalated, by the scheduler.
    Escalation,
    /// Information governance searching the audit itself.
    AuditSearch,
    /// An administrator changing an account (added, role or team changed,
    /// disabled, enabled, a set-password link made), or its owner setting
    /// its password.
    Administration,
}

impl AuditAction {
    pub const ALL: [Self; 9] = [
        Self::Read,
        Self::Write,
        Self::CrisisLookup,
        Self::BreakGlass,
        Self::BreakGlassReview,
        Self::Export,
        Self::Escalation,
        Self::AuditSearch,
        Self::Administration,
    ];

    /// The actions that touch a person's record, and so appear in that
    /// person's own access log when they were allowed.
    pub const SEEN_BY_THE_PERSON: [Self; 5] = [
        Self::Read,
        Self::Write,
        Self::CrisisLookup,
        Self::BreakGlass,
        Self::Export,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::CrisisLookup => "crisis-lookup",
            Self::BreakGlass => "break-glass",
            Self::BreakGlassReview => "break-glass-review",
            Self::Export => "export",
            Self::Escalation => "escalation",
            Self::AuditSearch => "audit-search",
            Self::Administration => "administration",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == input)
    }

    /// In words, for information governance's pages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Read => "Read",
            Self::Write => "Wrote",
            Self::CrisisLookup => "Crisis look-up",
            Self::BreakGlass => "Emergency access (break-glass)",
            Self::BreakGlassReview => "Reviewed emergency access",
            Self::Export => "Exported",
            Self::Escalation => "Escalated",
            Self::AuditSearch => "Searched the audit",
            Self::Administration => "Administered an account",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Allowed,
    Denied,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::Denied => "denied",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        [Self::Allowed, Self::Denied]
            .into_iter()
            .find(|o| o.as_str() == input)
    }
}

/// Who acted. The username is copied into the entry so that the log reads
/// without joins and still names the user if the account changes later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub username: Username,
    pub organisation_id: OrganisationId,
    pub role: Role,
}

/// One access decision, as the caller describes it. The writer adds the
/// sequence number and the hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub occurred_at: DateTime<Utc>,
    /// `None` for events the system itself causes.
    pub actor: Option<Actor>,
    pub purpose: Option<Purpose>,
    /// `None` when no person was identified (a look-up that found no one).
    pub person: Option<PersonId>,
    pub action: AuditAction,
    /// Stored sorted and without repeats.
    pub categories: Vec<DataCategory>,
    pub outcome: Outcome,
    /// Why, in words the person can read (from the access decision).
    pub reasons: Vec<String>,
    /// The policies that determined the decision.
    pub policy_ids: Vec<String>,
    pub break_glass: bool,
}

/// An entry read back from the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub seq: u64,
    pub entry: AuditEntry,
}
