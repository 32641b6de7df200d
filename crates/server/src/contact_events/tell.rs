//! Whom a contact event tells, and in what words. An admission, a
//! discharge or a planned discharge date tells every member of the
//! person's care teams in their inbox — the GP among them — and each
//! nominated carer the person has agreed may be told of it (the topic
//! `admission`, or `discharge` for both discharge events), by email or
//! else text message, in as few words as will do: "Daniel is expected
//! home on Tuesday 10 March; contact Willow Ward on 01632 960 300". A
//! carer the person has not agreed to is not told. Any other contact tells
//! the lead professional of each care team ([`tell_leads`], which a
//! contact recorded by hand in `crate::crisis::contacts` uses too). Every
//! organisation on the care team with a webhook hears of the event too.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use concordat_domain::care_team::CareTeam;
use concordat_domain::contact_event::{ContactEvent, ContactKind};
use concordat_domain::ids::UserId;
use concordat_domain::person::Person;
use concordat_domain::related_person::RelatedPerson;
use concordat_domain::role::Role;
use concordat_domain::user::User;
use concordat_store::carers::{self, CarerItem};
use concordat_store::webhooks::Webhook;
use concordat_store::{care_teams, persons, users, Conn, StoreError};

use super::input::Incoming;
use crate::delivery::{Message, Outbox, Recipient};

/// Everyone a person's events in one batch may tell, found once.
#[derive(Debug, Default)]
pub struct Recipients {
    members: Vec<UserId>,
    leads: Vec<UserId>,
    gps: usize,
    /// Nominated carers with a way to reach them, and the topics the
    /// person agreed they may be told of.
    carers: Vec<(RelatedPerson, Recipient, BTreeSet<CarerItem>)>,
    /// Nominated carers not told of a topic this batch raises.
    not_told: Vec<(String, CarerItem)>,
    hooks: Vec<Webhook>,
}

/// The carer topic an event is news of, if any.
fn topic(kind: ContactKind) -> Option<CarerItem> {
    match kind {
        ContactKind::Admission => Some(CarerItem::Admission),
        ContactKind::Discharge | ContactKind::PlannedDischargeDate => Some(CarerItem::Discharge),
        _ => None,
    }
}

/// The kind of in-app notification that tells a lead professional of a
/// contact.
pub const CONTACT_RECORDED: &str = "contact-recorded";

/// The lead professional of each of the person's care teams, each once:
/// whom a contact that is not news for carers tells.
pub fn leads_of(teams: &[CareTeam]) -> Vec<UserId> {
    let mut leads = Vec::new();
    for team in teams {
        if !leads.contains(&team.lead()) {
            leads.push(team.lead());
        }
    }
    leads
}

/// Tells each of `leads` in their inbox of `event`, a contact `person` had,
/// in the words of `body` — all but `recorder`, who knows already. The one
/// way a lead professional hears of a contact, whether a source system
/// reported it or a member of staff recorded it by hand.
pub fn tell_leads(
    outbox: &mut Outbox,
    leads: &[UserId],
    recorder: UserId,
    person: &Person,
    event: &ContactEvent,
    body: &str,
    now: DateTime<Utc>,
) {
    let message = inbox_message(CONTACT_RECORDED, person, event, body);
    for lead in leads.iter().filter(|u| **u != recorder) {
        outbox.push(Recipient::User(*lead), message.clone(), now);
    }
}

/// An in-app notification of `event`, with a link to the person's record.
fn inbox_message(kind: &str, person: &Person, event: &ContactEvent, body: &str) -> Message {
    Message {
        kind: kind.to_owned(),
        subject: format!("{}: {}", event.kind.label(), person.name().full()),
        body: body.to_owned(),
        link: Some(format!("/persons/{}", person.id())),
        person: Some(person.id()),
    }
}

/// Finds whom events of `kinds` about `person` will tell, reading the person's choices
/// about carers now.
pub async fn recipients(
    conn: &mut Conn,
    person: &Person,
    kinds: impl IntoIterator<Item = ContactKind>,
    hooks: &[Webhook],
) -> Result<Recipients, StoreError> {
    let teams = care_teams::care_teams_of_person(conn, person.id()).await?;
    let mut told = Recipients {
        leads: leads_of(&teams),
        ..Recipients::default()
    };
    let mut organisations = BTreeSet::new();
    for team in &teams {
        for member in team.members() {
            organisations.insert(member.organisation_id());
            if !told.members.contains(&member.user_id()) {
                told.members.push(member.user_id());
            }
        }
    }
    told.hooks = hooks
        .iter()
        .filter(|h| organisations.contains(&h.organisation))
        .cloned()
        .collect();
    let topics: BTreeSet<CarerItem> = kinds.into_iter().filter_map(topic).collect();
    if topics.is_empty() {
        return Ok(told);
    }
    told.gps = users::users_by_ids(conn, &told.members)
        .await?
        .iter()
        .filter(|u| u.role() == Role::Gp && !u.disabled())
        .count();
    for carer in persons::related_persons_of(conn, person.id()).await? {
        if !carer.nominated_carer() {
            continue;
        }
        let reach = match (carer.email(), carer.phone()) {
            (Some(email), _) => Recipient::Email(email.clone()),
            (None, Some(phone)) => Recipient::Phone(phone.clone()),
            (None, None) => continue,
        };
        let mut agreed = BTreeSet::new();
        for topic in &topics {
            if carers::may_tell(conn, person.id(), carer.id(), *topic).await? {
                agreed.insert(*topic);
            } else {
                told.not_told.push((carer.name().full(), *topic));
            }
        }
        told.carers.push((carer, reach, agreed));
    }
    Ok(told)
}

impl Recipients {
    /// Whom these events tell, for the audit entry.
    pub fn describe(&self) -> Vec<String> {
        let mut said = vec![format!(
            "tells in their inbox: the care team's leads ({}) of contacts; all {} care team \
             members, {} of them GPs, of admissions and discharges",
            self.leads.len(),
            self.members.len(),
            self.gps
        )];
        for (carer, reach, topics) in &self.carers {
            if topics.is_empty() {
                continue;
            }
            let by = match reach {
                Recipient::Phone(_) => "text message",
                _ => "email",
            };
            said.push(format!(
                "tells nominated carer {} by {by}, as the person agreed, of: {}",
                carer.name().full(),
                topics
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        for (name, topic) in &self.not_told {
            said.push(format!(
                "does not tell nominated carer {name} of {}: the person has not agreed",
                topic.as_str()
            ));
        }
        if !self.hooks.is_empty() {
            said.push(format!(
                "sends the event's reference to {} webhook(s) of care team organisations",
                self.hooks.len()
            ));
        }
        said
    }

    /// Tells everyone `event` should reach, in `conn` (the transaction
    /// recording it).
    #[expect(clippy::too_many_arguments, reason = "one event's whole context")]
    pub async fn tell(
        &self,
        conn: &mut Conn,
        outbox: &mut Outbox,
        person: &Person,
        event: &ContactEvent,
        incoming: &Incoming,
        sender: &User,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let topic = topic(event.kind);
        let mut body = format!(
            "{} ({}) reported {} at {}",
            event.recorder_name,
            incoming.source.system,
            event.kind.label().to_lowercase(),
            concordat_domain::dates::when(event.occurred_at),
        );
        if let Some(date) = incoming.transition.planned_discharge_date {
            body.push_str(&format!(
                "; expected home on {}",
                date.format("%A %-d %B %Y")
            ));
        }
        if let Some(ward) = &incoming.transition.ward {
            body.push_str(&format!("; {ward}"));
        }
        if let Some(phone) = &incoming.transition.ward_phone {
            body.push_str(&format!(" ({phone})"));
        }
        if !event.outcome.is_empty() {
            body.push_str(&format!(": {}", event.outcome));
        }
        if topic.is_some() {
            let message = inbox_message(event.kind.as_str(), person, event, &body);
            for user in self.members.iter().filter(|u| **u != sender.id()) {
                outbox.push(Recipient::User(*user), message.clone(), now);
            }
        } else {
            tell_leads(outbox, &self.leads, sender.id(), person, event, &body, now);
        }
        if let Some(topic) = topic {
            let text = carer_text(person, event, incoming);
            for (_, reach, agreed) in &self.carers {
                if agreed.contains(&topic) {
                    outbox.push(
                        reach.clone(),
                        Message {
                            kind: topic.as_str().to_owned(),
                            subject: format!("About {}", person.name().given()),
                            body: text.clone(),
                            link: None,
                            person: Some(person.id()),
                        },
                        now,
                    );
                }
            }
        }
        if !self.hooks.is_empty() {
            let data = serde_json::json!({
                "contact_event_id": event.id,
                "person_id": person.id(),
                "kind": event.kind.as_str(),
                "occurred_at": event.occurred_at,
                "source_system": incoming.source.system,
                "source_event_id": incoming.source.event_id,
            });
            let hooks: Vec<&Webhook> = self.hooks.iter().collect();
            crate::webhooks::enqueue(conn, &hooks, "contact-event.recorded", &data, now).await?;
        }
        Ok(())
    }
}

/// What a carer is told: the person's first name, the news, and whom to
/// call — nothing clinical.
pub fn carer_text(person: &Person, event: &ContactEvent, incoming: &Incoming) -> String {
    let given = person.name().given();
    let transition = &incoming.transition;
    let ward = transition.ward.as_deref().unwrap_or("the ward");
    let mut text = match event.kind {
        ContactKind::Admission => format!(
            "{given} was admitted to {ward} on {}",
            event.occurred_at.format("%A %-d %B")
        ),
        _ => {
            let home = transition
                .planned_discharge_date
                .unwrap_or_else(|| event.occurred_at.date_naive());
            format!("{given} is expected home on {}", home.format("%A %-d %B"))
        }
    };
    if let Some(phone) = &transition.ward_phone {
        text.push_str(&format!("; contact {ward} on {phone}"));
    }
    text.push('.');
    text
}
