//! The demo's emergency contacts: Gary Holt (999 000 0034) and a few
//! synthetic people meet the ambulance service, the police, the emergency
//! department, NHS 111 and the crisis line often enough to be in frequent
//! contact, so that the list, its review and the person's own page have
//! someone on them. Each contact is reported by an organisation that can
//! truthfully report its kind.

use chrono::{DateTime, Duration, Utc};
use concordat_domain::contact_event::{ContactEvent, ContactKind};
use concordat_domain::frequent_contact::Threshold;
use concordat_domain::ids::{ContactEventId, OrganisationId, PersonId};
use concordat_server::delivery::Outbox;
use concordat_store::{contact_events, frequent_contact, Conn};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Who reports each kind of contact in the demo (organisation code).
const REPORTERS: [(ContactKind, &str, &str); 6] = [
    (
        ContactKind::Call999,
        "NSAMB",
        "Attended; advice given at home",
    ),
    (
        ContactKind::StreetTriage,
        "NSPOL",
        "Seen with the crisis nurse; taken home",
    ),
    (
        ContactKind::EdAttendance,
        "NGHED",
        "Seen by liaison; discharged home",
    ),
    (
        ContactKind::Call111,
        "NS111",
        "Advised to contact the crisis line",
    ),
    (
        ContactKind::Section136,
        "NSPOL",
        "Taken to the place of safety",
    ),
    (
        ContactKind::CrisisLineCall,
        "NMHT",
        "Talked through the crisis plan",
    ),
];

/// `in_month` contacts in the last 30 days and `earlier` in the 11
/// months before, each of a kind and reporter picked in turn.
pub async fn insert_contacts(
    conn: &mut Conn,
    rng: &mut ChaCha8Rng,
    person: PersonId,
    organisation: impl Fn(&str) -> anyhow::Result<(OrganisationId, String)>,
    in_month: u32,
    earlier: u32,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    for n in 0..in_month + earlier {
        let (kind, code, outcome) = REPORTERS[rng.gen_range(0..REPORTERS.len())];
        let days_ago = if n < in_month {
            rng.gen_range(1..29)
        } else {
            rng.gen_range(31..360)
        };
        // Mostly at night, when other services are closed.
        let at = now - Duration::days(days_ago) - Duration::hours(rng.gen_range(0..8));
        let (org, name) = organisation(code)?;
        contact_events::insert_event(
            conn,
            &ContactEvent {
                id: ContactEventId::new(),
                person,
                kind,
                occurred_at: at,
                recorded_at: at + Duration::minutes(rng.gen_range(20..90)),
                recorded_by: None,
                recorder_name: name,
                organisation: Some(org),
                outcome: outcome.to_owned(),
                note: String::new(),
                source: None,
            },
        )
        .await?;
    }
    Ok(())
}

/// Identifies, among `people`, those now in frequent contact, as recording
/// their contacts would: entries, the support team's relationships and the
/// people's notices.
pub async fn identify(
    conn: &mut Conn,
    people: &[PersonId],
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let mut outbox = Outbox::default();
    let identified = concordat_server::frequent_contact::identify(
        conn,
        &mut outbox,
        people,
        Threshold::default(),
        now,
    )
    .await?;
    outbox.flush(conn, now).await?;
    Ok(identified.len())
}

/// Makes `team` the one that offers support to the people on the list.
pub async fn offer_support(
    conn: &mut Conn,
    team: concordat_domain::ids::TeamId,
) -> anyhow::Result<()> {
    frequent_contact::set_support_team(conn, team, true).await?;
    Ok(())
}
