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
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::person::{EthnicCategory, Sex};
use concordat_server::delivery::Outbox;
use concordat_store::{
    contact_events, frequent_contact, organisations, persons, relationships, teams, Conn, Store,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::names::GIVEN_FEMALE;
use super::partnership::COMMUNITY_TEAM;
use super::people::NhsNumbers;

/// The contacts' own random stream, apart from the partnership's.
const CONTACTS_SEED: u64 = 0x0000_C04C_0DA9;

/// Synthetic people in frequent contact besides Gary Holt.
pub const FREQUENT_SYNTHETIC: usize = 24;

/// NHS ethnic category codes given to the synthetic people in frequent
/// contact (Z: not stated).
const ETHNIC_CATEGORIES: [EthnicCategory; 12] = {
    use EthnicCategory as E;
    [
        E::WhiteBritish,
        E::WhiteBritish,
        E::WhiteBritish,
        E::WhiteIrish,
        E::WhiteOther,
        E::MixedWhiteBlackCaribbean,
        E::Indian,
        E::Pakistani,
        E::Caribbean,
        E::African,
        E::AnyOther,
        E::NotStated,
    ]
};

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
async fn insert_contacts(
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

/// The community team offers support to the people in frequent contact:
/// Gary Holt (999 000 0034) and up to [`FREQUENT_SYNTHETIC`] of the first
/// `people` synthetic people, each given emergency contacts across five
/// services and identified as recording them would. Returns how many are on
/// the list. Run once, right after the partnership is created.
pub async fn seed_frequent_contact(
    store: &Store,
    people: u32,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(CONTACTS_SEED);
    let mut tx = store.write().await?;
    let orgs = organisations::list_organisations(&mut tx).await?;
    let organisation = |code: &str| -> anyhow::Result<(OrganisationId, String)> {
        orgs.iter()
            .find(|o| o.code().as_str() == code)
            .map(|o| (o.id(), o.name().to_owned()))
            .ok_or_else(|| anyhow::anyhow!("no demo organisation `{code}`"))
    };
    let (trust, _) = organisation("NMHT")?;
    let team = teams::team_by_name(&mut tx, trust, COMMUNITY_TEAM)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no demo team `{COMMUNITY_TEAM}`"))?;
    frequent_contact::set_support_team(&mut tx, team.id(), true).await?;

    let mut chosen = Vec::new();
    let gary = NhsNumber::parse("9990000034")?;
    if let Some(person) = persons::person_by_nhs_number(&mut tx, &gary).await? {
        persons::set_demography(
            &mut tx,
            person.id(),
            Some(Sex::Male),
            Some(EthnicCategory::WhiteBritish),
        )
        .await?;
        insert_contacts(&mut tx, &mut rng, person.id(), organisation, 7, 12, now).await?;
        chosen.push(person.id());
    }
    let synthetic = NhsNumbers::default().take(FREQUENT_SYNTHETIC.min(people as usize));
    for nhs in synthetic {
        let Some(person) = persons::person_by_nhs_number(&mut tx, &nhs).await? else {
            continue;
        };
        let sex = if GIVEN_FEMALE.contains(&person.name().given()) {
            Sex::Female
        } else {
            Sex::Male
        };
        let category = ETHNIC_CATEGORIES[rng.gen_range(0..ETHNIC_CATEGORIES.len())];
        persons::set_demography(&mut tx, person.id(), Some(sex), Some(category)).await?;
        let in_month = rng.gen_range(6..10);
        let earlier = rng.gen_range(4..16);
        insert_contacts(
            &mut tx,
            &mut rng,
            person.id(),
            organisation,
            in_month,
            earlier,
            now,
        )
        .await?;
        chosen.push(person.id());
    }
    let mut outbox = Outbox::default();
    let identified = concordat_server::frequent_contact::identify(
        &mut tx,
        &mut outbox,
        &chosen,
        Threshold::default(),
        now,
    )
    .await?;
    // Seeding writes no audit: the support team's relationships go in
    // directly, as the partnership's other seeded relationships do.
    for one in &identified {
        relationships::insert_relationship(&mut tx, &one.relationship).await?;
    }
    outbox.flush(&mut tx, now).await?;
    tx.commit().await?;
    Ok(identified.len())
}
