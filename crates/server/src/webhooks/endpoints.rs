//! An organisation's own webhooks as its administrators and information
//! governance leads manage them: registering endpoints, listing them, the
//! delivery log, and retrying a dead delivery — each for the user's own
//! organisation only ([`permissions::manage_webhooks`]).

use concordat_domain::user::User;
use concordat_store::{delivery, webhooks as store};

pub use concordat_store::delivery::Attempt;
pub use concordat_store::webhooks::{DeliveryRecord, Webhook};

use crate::error::ServiceError;
use crate::permissions;
use crate::AppState;

/// One delivery as the log shows it, with every attempt made.
#[derive(Debug, Clone)]
pub struct Logged {
    pub record: DeliveryRecord,
    pub attempts: Vec<Attempt>,
}

/// The delivery states the log can be narrowed to, and the job status each
/// means.
const FILTERS: [(&str, &str); 3] = [
    ("dead", "dead"),
    ("delivered", "done"),
    ("pending", "pending"),
];

fn allowed(user: &User) -> Result<(), ServiceError> {
    Ok(permissions::manage_webhooks(user.role())?)
}

/// Registers `url` for the user's organisation, signing with `secret`.
pub async fn register(
    state: &AppState,
    user: &User,
    url: &str,
    secret: String,
) -> Result<Webhook, ServiceError> {
    allowed(user)?;
    super::register(state, user.organisation_id(), user.id(), url, secret).await
}

/// The user's organisation's live endpoints.
pub async fn endpoints(state: &AppState, user: &User) -> Result<Vec<Webhook>, ServiceError> {
    allowed(user)?;
    let mut conn = state.store.read().await?;
    Ok(store::active_webhooks(&mut conn, Some(user.organisation_id())).await?)
}

/// The user's organisation's newest `limit` deliveries, in the state named
/// (`dead`, `delivered`, `pending`) or any.
pub async fn log(
    state: &AppState,
    user: &User,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<Logged>, ServiceError> {
    allowed(user)?;
    let job_status = status
        .map(|wanted| {
            FILTERS
                .iter()
                .find(|(name, _)| *name == wanted)
                .map(|(_, job)| *job)
                .ok_or_else(|| {
                    ServiceError::invalid(
                        "status",
                        format!(
                            "`{wanted}` is not a delivery status; expected dead, delivered or \
                             pending"
                        ),
                    )
                })
        })
        .transpose()?;
    let mut conn = state.store.read().await?;
    let records =
        store::deliveries_of(&mut conn, user.organisation_id(), job_status, limit).await?;
    let mut logged = Vec::with_capacity(records.len());
    for record in records {
        let attempts = delivery::attempts_of(&mut conn, record.delivery.id).await?;
        logged.push(Logged { record, attempts });
    }
    Ok(logged)
}

/// Makes a dead delivery of the user's organisation due again now. An id
/// that does not read names no delivery.
pub async fn retry(
    state: &AppState,
    user: &User,
    raw_id: &str,
) -> Result<uuid::Uuid, ServiceError> {
    allowed(user)?;
    let id = uuid::Uuid::parse_str(raw_id).map_err(|_| ServiceError::NotFound)?;
    super::retry(state, user.organisation_id(), id).await?;
    Ok(id)
}
