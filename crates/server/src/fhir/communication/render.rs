//! The Communication a professional message is: the FHIR shape alone, with
//! nothing of the requests that read it, so what includes it (`_include`,
//! `_revinclude`, `$everything`) depends on no handler.

use crate::fhir::terms::{extension, identifier_system};
use crate::fhir::wire::instant;
use crate::messages::{Conversation, Message};
use serde_json::{json, Value};

/// The Communication for message `m` of `conversation`.
pub fn communication(m: &Message, conversation: &Conversation) -> Value {
    let thread = &conversation.thread;
    let mut extensions = vec![json!({
        "url": extension("message-thread"),
        "valueIdentifier": {
            "system": identifier_system("message-thread"),
            "value": thread.id.to_string(),
        },
    })];
    if let Some(due) = m.acknowledge_due {
        extensions
            .push(json!({ "url": extension("acknowledge-due"), "valueDateTime": instant(due) }));
    }
    if let Some(at) = m.acknowledged_at {
        extensions.push(json!({ "url": extension("acknowledged"), "valueDateTime": instant(at) }));
    }
    let received = conversation
        .receipts
        .iter()
        .filter(|(message, reader, _)| *message == m.id && *reader != m.author)
        .map(|(_, _, at)| *at)
        .min();
    // It changes when first read by someone else, and when acknowledged.
    let last_updated = [Some(m.sent_at), received, m.acknowledged_at]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(m.sent_at);
    let mut resource = json!({
        "resourceType": "Communication",
        "id": m.id.to_string(),
        "meta": { "lastUpdated": instant(last_updated) },
        "extension": extensions,
        "status": "completed",
        "subject": { "reference": format!("Patient/{}", thread.person) },
        "topic": { "text": thread.subject },
        "sent": instant(m.sent_at),
        "sender": { "display": m.author_name },
        "payload": [{ "contentString": m.body }],
    });
    let before = conversation
        .messages
        .iter()
        .take_while(|other| other.id != m.id)
        .last();
    if let Some(before) = before {
        resource["inResponseTo"] = json!([{ "reference": format!("Communication/{}", before.id) }]);
    }
    if let Some(at) = received {
        resource["received"] = Value::String(instant(at));
    }
    resource
}
