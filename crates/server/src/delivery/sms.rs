//! Text messages. Concordat has no SMS provider of its own: a deployment
//! that wants them implements [`SmsProvider`] for its provider and sets it
//! in [`super::settings::DeliveryConfig::sms`]. Without one, a text message is
//! refused in the delivery log (and the job set aside as dead), never
//! reported as sent.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;

use concordat_store::delivery::OutboundMessage;

use super::undelivered::Undelivered;

/// A text message provider, as a deployment plugs one in.
pub trait SmsProvider: Debug + Send + Sync {
    /// Sends `body` to `phone`; an `Err` says why not, in words that carry
    /// no secret (they go to the delivery log).
    fn send<'a>(
        &'a self,
        phone: &'a str,
        body: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;
}

/// Sends `message` through `provider`; with none set up, refuses it.
pub(super) async fn send(
    provider: Option<&dyn SmsProvider>,
    message: &OutboundMessage,
) -> Result<(), Undelivered> {
    let Some(provider) = provider else {
        tracing::warn!(
            message = %message.id,
            "text message refused: no SMS provider is set up in this deployment"
        );
        return Err(Undelivered::Refused(
            "no SMS provider is set up in this deployment".into(),
        ));
    };
    provider
        .send(&message.recipient, &message.body)
        .await
        .map_err(Undelivered::Failed)
}
