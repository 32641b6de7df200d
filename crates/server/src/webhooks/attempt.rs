//! One delivery attempt: sending a signed delivery to its endpoint, if the
//! deployment's rule lets it go there, and what became of it as the
//! delivery log keeps it.

use chrono::{DateTime, Utc};
use concordat_store::delivery::{Attempt, AttemptOutcome};
use concordat_store::webhooks::{Delivery, Webhook};

use super::destinations;
use super::signing::signature;
use crate::AppState;

/// What became of one attempt, as the delivery log keeps it: a class, never
/// the receiver's answer or the client's error (issue 11). A receiver's
/// words could be an internal service's, read back through the log; the
/// operators' log has the cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptClass {
    /// The receiver answered 2xx.
    Delivered,
    /// The receiver answered, with anything else (a redirect included: none
    /// is followed).
    ReceiverRejected,
    /// No answer: the name did not resolve, the connection or TLS failed.
    Unreachable,
    /// The destination breaks the deployment's rule: nothing was sent.
    AddressRefused,
    /// No answer within [`destinations::SEND_FOR`].
    TimedOut,
}

impl AttemptClass {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::ReceiverRejected => "receiver-rejected",
            Self::Unreachable => "unreachable",
            Self::AddressRefused => "address-refused",
            Self::TimedOut => "timed-out",
        }
    }

    const ALL: [Self; 5] = [
        Self::Delivered,
        Self::ReceiverRejected,
        Self::Unreachable,
        Self::AddressRefused,
        Self::TimedOut,
    ];

    /// The class of a logged attempt. Attempts logged before the log kept
    /// classes carry the receiver's answer or the client's error in their
    /// detail: that is never shown, and the class is worked out from the
    /// outcome and status instead.
    pub fn of_logged(attempt: &Attempt) -> Self {
        if let Some(class) = Self::ALL.into_iter().find(|c| c.as_str() == attempt.detail) {
            return class;
        }
        match (attempt.outcome, attempt.status_code) {
            (AttemptOutcome::Delivered, _) => Self::Delivered,
            (_, Some(_)) => Self::ReceiverRejected,
            (AttemptOutcome::NotSent, None) => Self::AddressRefused,
            (AttemptOutcome::Failed, None) => Self::Unreachable,
        }
    }

    /// The class in words for the log, with the receiver's status if it
    /// answered: "receiver-rejected (HTTP 500)".
    pub fn shown(attempt: &Attempt) -> String {
        let class = Self::of_logged(attempt).as_str();
        match attempt.status_code {
            Some(code) => format!("{class} (HTTP {code})"),
            None => class.to_owned(),
        }
    }

    pub(super) fn outcome(self) -> AttemptOutcome {
        match self {
            Self::Delivered => AttemptOutcome::Delivered,
            Self::AddressRefused => AttemptOutcome::NotSent,
            _ => AttemptOutcome::Failed,
        }
    }
}

/// Sends `delivery` to `hook` once, if its destination is allowed; the
/// class of what happened and the receiver's status, if it answered. A
/// failed attempt is counted in the metrics by its class.
pub(super) async fn send(
    state: &AppState,
    delivery: &Delivery,
    hook: &Webhook,
    now: DateTime<Utc>,
) -> (AttemptClass, Option<i64>) {
    let (class, status) = attempt(state, delivery, hook, now).await;
    if class != AttemptClass::Delivered {
        state.metrics.webhook_failed(class.as_str());
    }
    (class, status)
}

async fn attempt(
    state: &AppState,
    delivery: &Delivery,
    hook: &Webhook,
    now: DateTime<Utc>,
) -> (AttemptClass, Option<i64>) {
    // A literal address is never resolved, so the client's resolver does
    // not see it: it is checked here. Names are checked by the resolver,
    // on the addresses connected to.
    let url = match reqwest::Url::parse(&hook.url) {
        Ok(url) => url,
        Err(error) => {
            tracing::warn!(delivery = %delivery.id, %error, "webhook URL unusable");
            return (AttemptClass::AddressRefused, None);
        }
    };
    if let Err(refused) = state.config.delivery.webhooks.check_url(&url) {
        tracing::warn!(delivery = %delivery.id, %refused, "webhook destination refused");
        return (AttemptClass::AddressRefused, None);
    }
    let timestamp = now.timestamp();
    let sent = state
        .webhook_http
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("Idempotency-Key", delivery.id.to_string())
        .header("X-Concordat-Event", &delivery.event_type)
        .header("X-Concordat-Timestamp", timestamp.to_string())
        .header(
            "X-Concordat-Signature",
            signature(&hook.secret, timestamp, &delivery.body),
        )
        .body(delivery.body.clone())
        .send()
        .await;
    match sent {
        Ok(response) => {
            let status = Some(i64::from(response.status().as_u16()));
            if response.status().is_success() {
                (AttemptClass::Delivered, status)
            } else {
                (AttemptClass::ReceiverRejected, status)
            }
        }
        Err(error) => {
            // Without the URL: it may carry a token in its query.
            let error = error.without_url();
            let class = if destinations::refused_in(&error) {
                AttemptClass::AddressRefused
            } else if error.is_timeout() {
                AttemptClass::TimedOut
            } else {
                AttemptClass::Unreachable
            };
            tracing::warn!(delivery = %delivery.id, class = class.as_str(), error = ?error, "webhook attempt failed");
            (class, None)
        }
    }
}
