//! How messages leave this deployment, as it was started: the SMTP server
//! and sender for email, the text message provider, where webhooks may go.
//! A leaf the server's settings name, apart from the sending itself.

use std::sync::Arc;

use super::email::SmtpUrl;
use super::sms::SmsProvider;
use crate::webhooks::destinations::Destinations;

/// How messages leave this deployment.
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// The SMTP server for email; `None` sends no email.
    pub smtp: Option<SmtpUrl>,
    /// The sender of every email, e.g. `Concordat <noreply@example.org>`.
    pub mail_from: lettre::message::Mailbox,
    /// The deployment's text message provider, if it has one.
    pub sms: Option<Arc<dyn SmsProvider>>,
    /// Where webhooks may be delivered; the client that delivers them is
    /// built from it once, at start-up.
    pub webhooks: Destinations,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            smtp: None,
            mail_from: default_sender(),
            sms: None,
            webhooks: Destinations::default(),
        }
    }
}

fn default_sender() -> lettre::message::Mailbox {
    lettre::message::Mailbox::new(
        Some("Concordat".into()),
        lettre::Address::new("noreply", "concordat.invalid")
            .unwrap_or_else(|_| unreachable!("a fixed, well-formed address")),
    )
}
