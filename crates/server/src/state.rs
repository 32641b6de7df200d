//! What every handler can reach: the store, the settings and the clock.

use std::sync::Arc;

use concordat_access::AccessEngine;
use concordat_store::audit::AuditLog;
use concordat_store::Store;

use crate::auth::password::PasswordHasher;
use crate::{Clock, ServerConfig};

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
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("store", &self.store)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
