//! The demo's contacts sent without an NHS number: the ambulance service,
//! the police, NHS 111 and the emergency department describe a few
//! hundred of the partnership's people as a dispatcher or a receptionist
//! would — a name misheard, a nickname, the day and month of birth
//! swapped, an old address, no postcode — and a few people no one knows.
//! They are held as the API holds such events, and the matching job the
//! server runs when it starts links, queues or leaves each, so that the
//! review queue has something real in it. Gary Holt (999 000 0034) is
//! among them: once as his records have him, once as "Gaz" — and once
//! more as "Gaz" with the ambulance service's own number, which a reviewer
//! gave a record of its own from an earlier call, so that the call lists
//! both of his records for a reviewer to merge.

use chrono::{DateTime, Datelike as _, Duration, NaiveDate, Utc};
use concordat_domain::nhs_number::NhsNumber;
use concordat_store::held_events::{self, HeldDetails, HeldEvent, HeldStatus};
use concordat_store::linkage::{rows_of_everyone, LinkageRow};
use concordat_store::{users, Store};
use rand::seq::SliceRandom as _;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

/// The held events' own random stream.
const HELD_SEED: u64 = 0x0000_4E1D_E7E5;

/// People described, at most.
const DESCRIBED: usize = 300;

/// Who sends, and what kind of contact.
const SENDERS: [(&str, &str); 4] = [
    ("ambulance-cad", "call-999"),
    ("police-control", "street-triage"),
    ("nhs111-cas", "call-111"),
    ("northshire-ed", "ed-attendance"),
];

/// Names people go by that their records do not have.
const NICKNAMES: [(&str, &str); 10] = [
    ("Gary", "Gaz"),
    ("Daniel", "Dan"),
    ("Margaret", "Maggie"),
    ("Robert", "Bob"),
    ("William", "Bill"),
    ("Elizabeth", "Liz"),
    ("Michael", "Mike"),
    ("Rebecca", "Becky"),
    ("Thomas", "Tom"),
    ("Katherine", "Kate"),
];

/// One way a sender gets a detail wrong.
#[derive(Debug, Clone, Copy)]
enum Slip {
    None,
    Typo,
    Nickname,
    DayMonthSwapped,
    NoPostcode,
    Moved,
}

fn typo(name: &str) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    if chars.len() > 3 {
        chars.swap(1, 2);
    }
    chars.into_iter().collect()
}

fn described(row: &LinkageRow, slip: Slip) -> HeldDetails {
    let mut details = HeldDetails {
        given_name: Some(row.given_name.clone()),
        family_name: Some(row.family_name.clone()),
        birth_date: Some(row.birth_date),
        postcode: row.postcode.clone(),
        phone: None,
        sex: row.sex.clone(),
        identifier: None,
    };
    match slip {
        Slip::None => {}
        Slip::Typo => details.family_name = Some(typo(&row.family_name)),
        Slip::Nickname => {
            if let Some((_, nick)) = NICKNAMES.iter().find(|(n, _)| *n == row.given_name) {
                details.given_name = Some((*nick).to_owned());
            } else {
                details.given_name = Some(typo(&row.given_name));
            }
        }
        Slip::DayMonthSwapped => {
            let b = row.birth_date;
            details.birth_date = NaiveDate::from_ymd_opt(b.year(), b.day(), b.month()).or(Some(b));
        }
        Slip::NoPostcode => details.postcode = None,
        Slip::Moved => details.postcode = Some("NS4 2QT".to_owned()),
    }
    details
}

fn payload(system: &str, event_id: &str, kind: &str, at: DateTime<Utc>, d: &HeldDetails) -> String {
    json!({
        "source_system": system,
        "event_id": event_id,
        "kind": kind,
        "person": {
            "given_name": d.given_name,
            "family_name": d.family_name,
            "birth_date": d.birth_date.map(|b| b.to_string()),
            "postcode": d.postcode,
            "sex": d.sex,
            "identifier": d.identifier.as_ref().map(|(system, value)| json!({
                "system": system, "value": value
            })),
        },
        "occurred_at": at.to_rfc3339(),
    })
    .to_string()
}

/// The ambulance service's own numbers for the people its crews attend.
const AMBULANCE_NUMBERS: &str = "https://ambulance.northshire.example/patient";

/// The ambulance service's number for "Gaz Holt".
const GAZ_NUMBER: &str = "NAS-88213";

/// "Gaz Holt": the record a reviewer started from a 999 call that gave
/// Gary's nickname, date of birth and the service's own number, and no NHS
/// number.
fn started_from_a_call(gary: &LinkageRow) -> anyhow::Result<concordat_domain::person::Person> {
    use concordat_domain::identifier::Identifier;
    use concordat_domain::ids::PersonId;
    use concordat_domain::person::{BirthDate, Person, PersonName};
    Ok(Person::new(
        PersonId::new(),
        PersonName::new("Gaz", &gary.family_name)?,
        BirthDate::new(gary.birth_date, Utc::now().date_naive())?,
        None,
        None,
        vec![Identifier::new(AMBULANCE_NUMBERS, GAZ_NUMBER)?],
    )?)
}

/// Holds the demo's contacts sent without an NHS number and schedules
/// their matching.
pub async fn seed_held_events(store: &Store, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(HELD_SEED);
    let mut conn = store.read().await?;
    let everyone = rows_of_everyone(&mut conn).await?;
    let mut senders = Vec::new();
    for (username, kind) in SENDERS {
        let name = concordat_domain::user::Username::parse(username)?;
        let user = users::user_by_username(&mut conn, &name)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no demo source system `{username}`"))?;
        senders.push((user, username, kind));
    }
    drop(conn);
    let gary = NhsNumber::parse("9990000034")?;
    let is_gary = |row: &LinkageRow| {
        row.identifiers
            .iter()
            .any(|(_, value)| value.as_str() == gary.as_str())
    };
    let mut chosen: Vec<(&LinkageRow, Slip)> = Vec::new();
    let mut gaz = None;
    if let Some(row) = everyone.iter().find(|r| is_gary(r)) {
        chosen.push((row, Slip::None));
        chosen.push((row, Slip::Nickname));
        gaz = Some(row);
    }
    let slips = [
        Slip::None,
        Slip::None,
        Slip::Typo,
        Slip::Nickname,
        Slip::DayMonthSwapped,
        Slip::NoPostcode,
        Slip::Moved,
    ];
    let mut others: Vec<&LinkageRow> = everyone.iter().filter(|r| !is_gary(r)).collect();
    others.shuffle(&mut rng);
    for row in others.into_iter().take(DESCRIBED) {
        let slip = slips[rng.gen_range(0..slips.len())];
        chosen.push((row, slip));
    }
    let strangers = [
        ("Zebedee", "Quaxworthy", "1931-02-02"),
        ("Ottoline", "Verrinder", "1988-11-30"),
        ("Ptolemy", "Ashgrove", "2001-06-14"),
    ];
    let mut tx = store.write().await?;
    let mut held = 0;
    let hold = |details: HeldDetails, i: usize, rng: &mut ChaCha8Rng| {
        let (user, system, kind) = &senders[i % senders.len()];
        let at = now - Duration::minutes(rng.gen_range(30..60 * 24 * 20));
        let event_id = format!("DEMO-NO-NHS-{i:04}");
        HeldEvent {
            id: uuid::Uuid::new_v4(),
            organisation: user.organisation_id(),
            source_user: user.id(),
            purpose: "direct-care".into(),
            payload: payload(system, &event_id, kind, at, &details),
            event_id,
            kind: (*kind).to_owned(),
            occurred_at: at,
            details,
            status: HeldStatus::Waiting,
            received_at: at + Duration::minutes(2),
            matched_at: None,
            person: None,
            contact_event: None,
            decided_by: None,
            decided_at: None,
            decision_note: String::new(),
            unsure: false,
        }
    };
    let mut i = 0;
    for (row, slip) in chosen {
        let event = hold(described(row, slip), i, &mut rng);
        held += usize::from(held_events::insert(&mut tx, &event).await?);
        i += 1;
    }
    // A record a reviewer started from an earlier 999 call, which is Gary's
    // under the name the crew heard; the next call lists both records, for
    // a reviewer to merge.
    if let Some(gary_row) = gaz {
        let record = started_from_a_call(gary_row)?;
        concordat_store::persons::insert_person(&mut tx, &record, now - Duration::days(40)).await?;
        let mut details = described(gary_row, Slip::Nickname);
        details.identifier = Some((AMBULANCE_NUMBERS.into(), GAZ_NUMBER.into()));
        // Sent by the ambulance service, whose number it is.
        i = i.next_multiple_of(senders.len());
        let event = hold(details, i, &mut rng);
        held += usize::from(held_events::insert(&mut tx, &event).await?);
        i += 1;
    }
    for (given, family, born) in strangers {
        let details = HeldDetails {
            given_name: Some(given.into()),
            family_name: Some(family.into()),
            birth_date: NaiveDate::parse_from_str(born, "%Y-%m-%d").ok(),
            ..HeldDetails::default()
        };
        let event = hold(details, i, &mut rng);
        held += usize::from(held_events::insert(&mut tx, &event).await?);
        i += 1;
    }
    concordat_server::matching::job::schedule(&mut tx, now).await?;
    tx.commit().await?;
    Ok(held)
}
