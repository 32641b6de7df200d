//! The demo's carer: Margaret Reid, mother and nominated carer of Daniel
//! Reid (999 000 0018), who is on Willow Ward with a planned discharge date.
//! Daniel lets her know that he is in hospital, when he will leave and what
//! helps him in a crisis — not his crisis contacts, nor whom to call. She
//! signs in as `carer`.

use chrono::{DateTime, Duration, Utc};
use concordat_domain::carer::CarerItem;
use concordat_domain::contact_event::{ContactEvent, ContactKind};
use concordat_domain::ids::{ContactEventId, OrganisationId, UserId};
use concordat_domain::related_person::RelatedPerson;
use concordat_domain::user::{DisplayName, User, Username};
use concordat_store::contact_events::{self, Transition};
use concordat_store::{carers, users, Conn};

/// The carer's sign-in.
pub const USERNAME: &str = "carer";
/// What Daniel lets his mother see.
pub const DANIELS_CHOICES: [CarerItem; 3] = [
    CarerItem::Admission,
    CarerItem::Discharge,
    CarerItem::WhatHelps,
];
/// Willow Ward, where Daniel is.
pub const WARD: &str = "Willow Ward";
pub const WARD_PHONE: &str = "01632 960 482";
/// Days until Daniel's planned discharge, from the demo's now.
pub const DISCHARGE_IN_DAYS: i64 = 2;

/// Daniel's stay (admitted nine days ago, a discharge date set two days
/// ago), his choices for his mother, recorded from his own account, and
/// her account.
pub async fn seed(
    conn: &mut Conn,
    mother: &RelatedPerson,
    daniel_account: UserId,
    trust: OrganisationId,
    password_hash: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<User> {
    let person = mother.person_id();
    let admitted = now - Duration::days(9);
    let stay = [
        (
            ContactKind::Admission,
            admitted,
            "Admitted informally from the crisis team",
            None,
        ),
        (
            ContactKind::PlannedDischargeDate,
            now - Duration::days(2),
            "Discharge planned with Daniel and the community team",
            Some((now + Duration::days(DISCHARGE_IN_DAYS)).date_naive()),
        ),
    ];
    for (kind, at, outcome, planned) in stay {
        let event = ContactEvent {
            id: ContactEventId::new(),
            person,
            kind,
            occurred_at: at,
            recorded_at: at + Duration::minutes(40),
            recorded_by: None,
            recorder_name: "Northshire Mental Health patient administration system".into(),
            organisation: Some(trust),
            outcome: outcome.to_owned(),
            note: String::new(),
            source: None,
        };
        contact_events::insert_event(conn, &event).await?;
        contact_events::insert_transition(
            conn,
            event.id,
            &Transition {
                planned_discharge_date: planned,
                ward: Some(WARD.to_owned()),
                ward_phone: Some(WARD_PHONE.to_owned()),
            },
        )
        .await?;
    }
    let choices: Vec<(CarerItem, bool)> = CarerItem::CHOSEN
        .into_iter()
        .map(|item| (item, DANIELS_CHOICES.contains(&item)))
        .collect();
    carers::set_sharing(
        conn,
        person,
        mother.id(),
        &choices,
        carers::ShareBasis::Person,
        daniel_account,
        now - Duration::days(30),
    )
    .await?;
    let account = User::carer(
        UserId::new(),
        Username::parse(USERNAME)?,
        DisplayName::parse(&mother.name().to_string())?,
        trust,
        mother.carer_of(),
        false,
    );
    users::insert_user(conn, &account, password_hash, now).await?;
    Ok(account)
}
