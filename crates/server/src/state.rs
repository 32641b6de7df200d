//! What every handler can reach: the store, the settings and the clock.

use std::sync::Arc;

use concordat_store::Store;

use crate::auth::password::PasswordHasher;
use crate::{Clock, ServerConfig};

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<ServerConfig>,
    pub clock: Arc<dyn Clock>,
    pub passwords: PasswordHasher,
}
