//! Telling people things, by one interface whatever the channel: a user's
//! in-app inbox, an email, a text message. [`Outbox`] gathers what is to be
//! said inside the caller's transaction and writes it there, so a
//! notification exists exactly when the event that caused it does. In-app
//! notifications are rows and arrive at once; an email or text message is
//! a row in `outbound_messages` plus a job (`email-delivery`,
//! `sms-delivery`) that sends it, so a failure retries with the
//! scheduler's backoff and every attempt lands in the delivery log.
//!
//! Email goes out over SMTP when the deployment sets `--smtp-url`; without
//! it nothing is sent and the delivery log says so. Text messages go
//! through an [`SmsProvider`] the deployment plugs in; there is none by
//! default, and a message with nowhere to go is refused in the log, never
//! reported as sent.

pub mod email;
pub mod settings;
pub mod sms;
pub mod undelivered;

use chrono::{DateTime, Utc};
use concordat_domain::ids::{PersonId, UserId};
use concordat_domain::text::{EmailAddress, PhoneNumber};
use concordat_store::delivery::{self, Attempt, AttemptOutcome, Channel, OutboundMessage};
use concordat_store::jobs::{self, Job};
use concordat_store::notifications::{self, Notification};
use concordat_store::{Conn, StoreError};

pub use email::SmtpUrl;
pub use settings::DeliveryConfig;
pub use sms::SmsProvider;
pub use undelivered::Undelivered;

use crate::scheduler::job::{complete, JobError};
use crate::AppState;

/// Whom to tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// A user of the partnership: their in-app inbox.
    User(UserId),
    /// Someone without an account, by email (a nominated carer).
    Email(EmailAddress),
    /// Someone without an account, by text message.
    Phone(PhoneNumber),
}

/// What to tell them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// A stable name for the kind of notification (`admission`, …).
    pub kind: String,
    pub subject: String,
    pub body: String,
    /// Where in the application to look, for in-app notifications.
    pub link: Option<String>,
    /// Whom the message is about.
    pub person: Option<PersonId>,
}

/// Notifications gathered for one transaction.
#[derive(Debug, Default)]
pub struct Outbox {
    in_app: Vec<Notification>,
    outbound: Vec<OutboundMessage>,
}

pub const EMAIL_KIND: &str = "email-delivery";
pub const SMS_KIND: &str = "sms-delivery";

impl Outbox {
    pub fn push(&mut self, to: Recipient, message: Message, now: DateTime<Utc>) {
        let (channel, recipient) = match to {
            Recipient::User(user) => {
                self.in_app.push(Notification {
                    // Time-ordered ids: a batch's rows append to the
                    // primary key rather than land all over it.
                    id: uuid::Uuid::now_v7(),
                    user,
                    kind: message.kind,
                    subject: message.subject,
                    body: message.body,
                    link: message.link,
                    created_at: now,
                    read_at: None,
                });
                return;
            }
            Recipient::Email(address) => (Channel::Email, address.as_str().to_owned()),
            Recipient::Phone(phone) => (Channel::Sms, phone.as_str().to_owned()),
        };
        self.outbound.push(OutboundMessage {
            id: uuid::Uuid::now_v7(),
            channel,
            recipient,
            subject: message.subject,
            body: message.body,
            person: message.person,
            created_at: now,
            sent_at: None,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.in_app.is_empty() && self.outbound.is_empty()
    }

    /// Writes everything gathered in `conn` (the caller's transaction):
    /// in-app notifications, and the messages to send with their jobs,
    /// due at once.
    pub async fn flush(self, conn: &mut Conn, now: DateTime<Utc>) -> Result<(), StoreError> {
        notifications::insert_notifications(conn, &self.in_app).await?;
        for message in &self.outbound {
            delivery::insert_message(conn, message).await?;
            let kind = match message.channel {
                Channel::Sms => SMS_KIND,
                _ => EMAIL_KIND,
            };
            jobs::schedule(conn, kind, &message.id.to_string(), 0, now, "{}", now).await?;
        }
        Ok(())
    }
}

/// Runs an `email-delivery` or `sms-delivery` job: sends the message once,
/// logging the attempt whatever comes of it.
pub async fn run(state: &AppState, node: &str, job: &Job) -> Result<(), JobError> {
    let id = uuid::Uuid::parse_str(&job.subject_id)
        .map_err(|e| JobError::Unusable(format!("message `{}`: {e}", job.subject_id)))?;
    let message = {
        let mut conn = state.store.read().await?;
        delivery::message_by_id(&mut conn, id).await?
    }
    .ok_or_else(|| JobError::Unusable(format!("no message {id} to send")))?;
    let now = state.clock.now();
    if message.sent_at.is_some() {
        let tx = state.store.write().await?;
        complete(tx, job, node, now).await?;
        return Ok(());
    }
    let sent = match message.channel {
        Channel::Email => {
            let config = &state.config.delivery;
            email::send(config.smtp.as_ref(), &config.mail_from, &message).await
        }
        Channel::Sms => sms::send(state.config.delivery.sms.as_deref(), &message).await,
        Channel::Webhook => Err(Undelivered::Refused(
            "a webhook delivery is not a message".into(),
        )),
    };
    let mut attempt = Attempt {
        channel: message.channel,
        delivery_id: id,
        attempt: job.attempts,
        at: now,
        outcome: AttemptOutcome::Delivered,
        status_code: None,
        detail: "sent".into(),
    };
    let mut tx = state.store.write().await?;
    match sent {
        Ok(()) => {
            delivery::record_attempt(&mut tx, &attempt).await?;
            delivery::mark_sent(&mut tx, id, now).await?;
            complete(tx, job, node, now).await?;
            Ok(())
        }
        Err(undelivered) => {
            let (outcome, error) = match &undelivered {
                Undelivered::Refused(why) => {
                    (AttemptOutcome::NotSent, JobError::Unusable(why.clone()))
                }
                Undelivered::Failed(why) => {
                    (AttemptOutcome::Failed, JobError::Transient(why.clone()))
                }
            };
            attempt.outcome = outcome;
            attempt.detail = undelivered.to_string();
            delivery::record_attempt(&mut tx, &attempt).await?;
            tx.commit().await?;
            Err(error)
        }
    }
}
