//! An organisation's own webhooks as its administrators and information
//! governance leads manage them: registering endpoints, listing them, the
//! delivery log, and retrying a dead delivery — each for the user's own
//! organisation only ([`permissions::manage_webhooks`]).

use concordat_domain::user::User;
use concordat_store::{delivery, webhooks as store};

pub use concordat_store::delivery::Attempt;
pub use concordat_store::webhooks::{DeliveryRecord, Webhook};

use crate::auth::secret;
use crate::authorisation::record_administration as record;
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

/// An endpoint and the secret it signs with, shown this once.
#[derive(Debug, Clone)]
pub struct WithSecret {
    pub hook: Webhook,
    pub secret: String,
}

/// Registers `url` for the user's organisation with a secret made here (256
/// random bits: nobody has to invent one), to be shown once.
pub async fn register_with_new_secret(
    state: &AppState,
    user: &User,
    url: &str,
) -> Result<WithSecret, ServiceError> {
    allowed(user)?;
    let secret = secret::new_secret();
    let hook = super::register(
        state,
        user.organisation_id(),
        user.id(),
        url,
        secret.clone(),
    )
    .await?;
    record(state, user, format!("registered the webhook {}", hook.url)).await?;
    Ok(WithSecret { hook, secret })
}

/// The user's organisation's live endpoint `raw_id`; any other (another
/// organisation's, a removed one, an id that does not read) is no endpoint.
async fn own_endpoint(
    state: &AppState,
    user: &User,
    raw_id: &str,
) -> Result<Webhook, ServiceError> {
    allowed(user)?;
    let id = uuid::Uuid::parse_str(raw_id).map_err(|_| ServiceError::NotFound)?;
    let mut conn = state.store.read().await?;
    store::webhook_of(&mut conn, id, user.organisation_id())
        .await?
        .ok_or(ServiceError::NotFound)
}

/// A new secret for an endpoint, shown once; the old one stops signing at
/// once, so the receiving system must be given the new one.
pub async fn rotate_secret(
    state: &AppState,
    user: &User,
    raw_id: &str,
) -> Result<WithSecret, ServiceError> {
    let hook = own_endpoint(state, user, raw_id).await?;
    let secret = secret::new_secret();
    let mut tx = state.store.write().await?;
    let secret_kept = store::WebhookSecret::new(secret.clone());
    if !store::set_webhook_secret(&mut tx, hook.id, user.organisation_id(), &secret_kept).await? {
        return Err(ServiceError::NotFound);
    }
    tx.commit().await?;
    record(
        state,
        user,
        format!("made a new secret for the webhook {}", hook.url),
    )
    .await?;
    Ok(WithSecret {
        hook: Webhook {
            secret: secret_kept,
            ..hook
        },
        secret,
    })
}

/// Removes an endpoint: nothing more is sent to it; its log stays.
pub async fn remove(state: &AppState, user: &User, raw_id: &str) -> Result<Webhook, ServiceError> {
    let hook = own_endpoint(state, user, raw_id).await?;
    let mut tx = state.store.write().await?;
    if !store::disable_webhook(&mut tx, hook.id, user.organisation_id()).await? {
        return Err(ServiceError::NotFound);
    }
    tx.commit().await?;
    record(state, user, format!("removed the webhook {}", hook.url)).await?;
    Ok(hook)
}

/// The event a test sends: it names no one.
pub const TEST_EVENT: &str = "test";

/// Queues a test event to one endpoint, delivered (and logged) as any
/// other, so an integration team can see their receiver work end to end.
pub async fn send_test(
    state: &AppState,
    user: &User,
    raw_id: &str,
) -> Result<Webhook, ServiceError> {
    let hook = own_endpoint(state, user, raw_id).await?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let data = serde_json::json!({
        "message": "A test event from Concordat: no one's record is in it.",
        "sent_by": user.username().as_str(),
    });
    super::enqueue(&mut tx, &[&hook], TEST_EVENT, &data, now).await?;
    tx.commit().await?;
    record(
        state,
        user,
        format!("sent a test event to the webhook {}", hook.url),
    )
    .await?;
    Ok(hook)
}
