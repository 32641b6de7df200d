//! How the checks tell people: in their inbox only.

use concordat_domain::ids::UserId;
use concordat_store::wellbeing::IncidentId;

use crate::delivery::{Message, Outbox, Recipient};

/// An in-app notification about an incident; never an email or a text,
/// which could be read by someone else.
pub fn tell(
    outbox: &mut Outbox,
    to: UserId,
    subject: &str,
    body: String,
    incident: IncidentId,
    now: chrono::DateTime<chrono::Utc>,
) {
    outbox.push(
        Recipient::User(to),
        Message {
            kind: "wellbeing".into(),
            subject: subject.into(),
            body,
            link: Some(format!("/wellbeing#incident-{incident}")),
            person: None,
        },
        now,
    );
}
