//! What every handler can reach: the store, the settings and the clock.

use std::sync::Arc;

use concordat_access::AccessEngine;
use concordat_domain::ids::PersonId;
use concordat_store::audit::AuditLog;
use concordat_store::coalesce::Coalesced;
use concordat_store::persons::PersonsWithVersions;
use concordat_store::tokens::TokensByHash;
use concordat_store::Store;

use crate::auth::password::PasswordHasher;
use crate::authorisation::cache::VersionedCache;
use crate::authorisation::gather::{Sources, SourcesKey};
use crate::clock::Clock;
use crate::config::ServerConfig;
use crate::crisis::lookup::parts::CrisisParts;
use crate::record::parts::RecordParts;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<ServerConfig>,
    pub clock: Arc<dyn Clock>,
    pub passwords: PasswordHasher,
    /// The access decision, loaded and validated once at start-up.
    pub engine: Arc<AccessEngine>,
    /// The audit log's writer; every decision is recorded through it.
    pub audit: AuditLog,
    /// What the access decision read about a user and a person, and what a
    /// record read shows besides the person row, each kept only while the
    /// access versions it was read under are current; and what a crisis
    /// look-up shows besides the person row, likewise.
    pub sources: Arc<VersionedCache<SourcesKey, Sources>>,
    pub record_parts: Arc<VersionedCache<PersonId, RecordParts>>,
    pub crisis_parts: Arc<VersionedCache<PersonId, CrisisParts>>,
    /// Each month's outcome dashboard as last published.
    pub published_outcomes: Arc<crate::outcomes::published::Published>,
    /// The reads every record read makes, shared by requests made at once.
    pub reads: SharedReads,
    /// The client webhooks are delivered with: it connects only where
    /// `config.delivery.webhooks` allows.
    pub webhook_http: reqwest::Client,
    /// What an operator watches (`/metrics` on its own address).
    pub metrics: Arc<crate::metrics::Metrics>,
}

/// See `concordat_store::coalesce`.
#[derive(Debug, Clone)]
pub struct SharedReads {
    pub tokens: Coalesced<TokensByHash>,
    pub persons: Coalesced<PersonsWithVersions>,
}

impl SharedReads {
    pub fn start(store: &Store) -> Self {
        Self {
            tokens: Coalesced::start(store.clone()),
            persons: Coalesced::start(store.clone()),
        }
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("store", &self.store)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
