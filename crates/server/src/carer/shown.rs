//! What each item says to a carer, in plain words about the person by
//! their given name. Read only after the access decision allowed the item.

use chrono::{DateTime, Duration, Utc};
use concordat_domain::advance_choice::CrisisKind;
use concordat_domain::carer::CarerItem;
use concordat_domain::contact_event::ContactKind;
use concordat_domain::crisis_plan::Section;
use concordat_domain::dates::long_date;
use concordat_domain::ids::PersonId;
use concordat_store::contact_events::{self, Transition};
use concordat_store::{crisis_plans, Conn, StoreError};

/// How far back a carer is told of contacts with crisis services.
pub const CRISIS_CONTACTS_DAYS: i64 = 30;
/// The stays in hospital looked through for the latest.
const STAY_EVENTS: u32 = 20;

/// One item as the carer reads it: a sentence or a few lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub lines: Vec<String>,
}

impl Shown {
    fn one(line: String) -> Self {
        Self { lines: vec![line] }
    }
}

/// What `item` says about `person` now.
pub(super) async fn read(
    conn: &mut Conn,
    person: PersonId,
    item: CarerItem,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Shown, StoreError> {
    Ok(match item {
        CarerItem::Admission => {
            let stays = contact_events::stays_of(conn, person, STAY_EVENTS).await?;
            admission(&stays, name)
        }
        CarerItem::Discharge => {
            let stays = contact_events::stays_of(conn, person, STAY_EVENTS).await?;
            discharge(&stays, name)
        }
        CarerItem::CrisisContact => {
            let recent = contact_events::events_of(conn, person, 50).await?;
            crisis_contacts(&recent, name, now)
        }
        CarerItem::WhoToCall | CarerItem::WhatHelps => {
            let plan = crisis_plans::agreed_version_of_person(conn, person).await?;
            match plan {
                None => Shown::one(format!("{name} does not have an agreed crisis plan yet.")),
                Some(plan) => {
                    let sections: &[Section] = if item == CarerItem::WhatHelps {
                        &[Section::WhatHelps]
                    } else {
                        &[Section::PeopleToContact, Section::ProfessionalContacts]
                    };
                    let lines: Vec<String> = sections
                        .iter()
                        .flat_map(|s| plan.sections.lines(*s))
                        .filter(|l| !l.trim().is_empty())
                        .collect();
                    if lines.is_empty() {
                        Shown::one(format!("{name}'s crisis plan does not say yet."))
                    } else {
                        Shown { lines }
                    }
                }
            }
        }
        CarerItem::Messages => Shown { lines: Vec::new() },
    })
}

type Stay = (concordat_domain::contact_event::ContactEvent, Transition);

/// The admission of the stay in progress: the latest admission with no
/// discharge after it.
fn current_admission(stays: &[Stay]) -> Option<&Stay> {
    for stay in stays {
        match stay.0.kind {
            ContactKind::Discharge => return None,
            ContactKind::Admission => return Some(stay),
            _ => {}
        }
    }
    None
}

fn admission(stays: &[Stay], name: &str) -> Shown {
    let Some((event, transition)) = current_admission(stays) else {
        return Shown::one(format!("{name} is not in hospital, as far as we know."));
    };
    let day = long_date(event.occurred_at.date_naive());
    let mut lines = vec![match &transition.ward {
        Some(ward) => format!("{name} has been in hospital since {day}, on {ward}."),
        None => format!("{name} has been in hospital since {day}."),
    }];
    if let Some(phone) = &transition.ward_phone {
        lines.push(format!("You can call the ward on {phone}."));
    }
    Shown { lines }
}

fn discharge(stays: &[Stay], name: &str) -> Shown {
    match stays.first() {
        Some((event, _)) if event.kind == ContactKind::Discharge => Shown::one(format!(
            "{name} left hospital on {}.",
            long_date(event.occurred_at.date_naive())
        )),
        _ if current_admission(stays).is_some() => {
            // The latest date set since the admission.
            let planned = stays
                .iter()
                .take_while(|(e, _)| e.kind != ContactKind::Admission)
                .chain(current_admission(stays))
                .find_map(|(_, t)| t.planned_discharge_date);
            match planned {
                Some(day) => Shown::one(format!(
                    "{name} is expected to leave hospital on {}.",
                    day.format("%A %-d %B %Y")
                )),
                None => Shown::one(format!(
                    "No date has been set yet for {name} to leave hospital."
                )),
            }
        }
        _ => Shown::one(format!("{name} is not in hospital, as far as we know.")),
    }
}

fn crisis_contacts(
    recent: &[concordat_domain::contact_event::ContactEvent],
    name: &str,
    now: DateTime<Utc>,
) -> Shown {
    let since = now - Duration::days(CRISIS_CONTACTS_DAYS);
    let lines: Vec<String> = recent
        .iter()
        .filter(|e| e.occurred_at >= since && e.occurred_at <= now)
        .filter(|e| !CrisisKind::of_contact(e.kind).is_empty())
        .map(|e| {
            format!(
                "{}: {}",
                long_date(e.occurred_at.date_naive()),
                e.kind.label().to_lowercase()
            )
        })
        .collect();
    if lines.is_empty() {
        Shown::one(format!(
            "{name} has not been in touch with crisis services in the last {CRISIS_CONTACTS_DAYS} days, as far as we know."
        ))
    } else {
        Shown { lines }
    }
}
