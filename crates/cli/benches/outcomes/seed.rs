//! The outcomes bench's partnership history, written straight into the
//! tables in multi-row INSERTs of a thousand rows, fifty to a transaction
//! (the fastest way into either store; through the API every record would
//! be decided and audited): people beyond those the demo seeding writes,
//! the emergency contacts of the twelve months before this one and of
//! this one so far (most detentions with where the person was taken),
//! referrals between partners with their acknowledgements and answers,
//! and break-glass uses with their reviews.
//!
//! Every contact, referral and break-glass use written here carries
//! [`MARK`], so a later run counts what it finds and writes a table again
//! only when the count is not the one asked for (after another size, or a
//! run stopped half way). The history is drawn relative to when it was
//! written: delete the data to move it to a later month.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use concordat::demo::names;
use concordat_domain::break_glass::OverrideBasis;
use concordat_domain::calendar::{WorkingCalendar, ENGLAND_AND_WALES};
use concordat_domain::category::DataCategory;
use concordat_domain::contact_event::{ContactKind, Conveyance, PlaceOfSafety};
use concordat_domain::ids::PersonId;
use concordat_domain::outcomes::Month;
use concordat_domain::referral::{ServiceLevels, Urgency};
use concordat_domain::role::Role;
use concordat_server::outcomes::dashboard::MONTHS;
use concordat_store::backend::Backend;
use concordat_store::time::{encode, encode_date};
use concordat_store::{organisations, persons, teams, users, Store};
use indicatif::{ProgressBar, ProgressStyle};
use rand::seq::SliceRandom as _;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::Row;

/// What marks the rows written here: the contacts' source system, the
/// referrals' reason and the break-glass uses' justification.
pub const MARK: &str = "outcomes bench";

/// Rows in one INSERT: at most 19,000 parameters (a referral's 19
/// columns), within both stores' limits on the parameters of a statement.
const ROWS_PER_INSERT: usize = 1_000;
/// INSERTs in one transaction.
const INSERTS_PER_TRANSACTION: usize = 50;

/// How the emergency contacts divide between kinds, per thousand.
const KINDS: [(ContactKind, u32); 7] = [
    (ContactKind::Call999, 220),
    (ContactKind::Call111, 180),
    (ContactKind::EdAttendance, 240),
    (ContactKind::CrisisLineCall, 160),
    (ContactKind::StreetTriage, 90),
    (ContactKind::Section136, 40),
    (ContactKind::ConveyanceToEd, 70),
];

/// The share of street triage contacts followed, within hours, by a
/// detention of the same person (the rest are diversions).
const TRIAGE_DETAINED: f64 = 0.2;

/// The share of detentions whose place of safety and transport were
/// recorded with them.
const DETENTIONS_DESCRIBED: f64 = 0.9;

/// Where the place of safety of a detention is kept: a row for each
/// detention event described, deleted with the events.
const DETAILS: &str = "section_136_details";

/// The share of people in frequent contact, and the share of all
/// contacts that are theirs: a fifth of contacts from one person in a
/// hundred, the rest spread over everyone.
const FREQUENT_PEOPLE: f64 = 0.01;
const FREQUENT_SHARE: f64 = 0.2;

/// How much history is written.
pub struct Sizes {
    pub people: u32,
    pub events: u64,
    pub referrals: u64,
    pub break_glass: u64,
}

/// Writes whatever of the history is not already there, as of `now`;
/// returns the seconds spent writing (zero when everything was kept).
pub async fn history(store: &Store, sizes: &Sizes, now: DateTime<Utc>) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut wrote = false;
    let found = u64::try_from(persons::count_persons(&mut *store.read().await?).await?)?;
    if found < u64::from(sizes.people) {
        write_people(store, u64::from(sizes.people) - found, now).await?;
        wrote = true;
    }
    let partnership = Partnership::read(store, now).await?;
    if stale(store, "contact_events", "source_system", sizes.events).await? {
        partnership.write_contacts(store, sizes.events).await?;
        wrote = true;
    }
    if stale(store, "referrals", "reason", sizes.referrals).await? {
        partnership.write_referrals(store, sizes.referrals).await?;
        wrote = true;
    }
    if stale(store, "break_glass", "justification", sizes.break_glass).await? {
        partnership
            .write_break_glass(store, sizes.break_glass)
            .await?;
        wrote = true;
    }
    if wrote && store.backend() == Backend::Postgres {
        // What autovacuum does after a bulk load, done now so the rebuild
        // is planned on the tables as they are.
        let mut conn = store.read().await?;
        sqlx::query("ANALYZE").execute(&mut *conn).await?;
    }
    Ok(if wrote {
        started.elapsed().as_secs_f64()
    } else {
        0.0
    })
}

/// Whether `table` lacks the `wanted` rows marked in `column`; if so, the
/// marked rows it has are deleted, to be written again.
async fn stale(store: &Store, table: &str, column: &str, wanted: u64) -> anyhow::Result<bool> {
    let found: i64 = sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM {table} WHERE {column} = $1"
    ))
    .bind(MARK)
    .fetch_one(&mut *store.read().await?)
    .await?
    .try_get("n")?;
    let found = u64::try_from(found)?;
    if found == wanted {
        println!("data: {found} {table} kept");
        return Ok(false);
    }
    let mut tx = store.write().await?;
    if table == "contact_events" {
        sqlx::query(&format!(
            "DELETE FROM {DETAILS} WHERE event_id IN \
             (SELECT id FROM contact_events WHERE source_system = $1)"
        ))
        .bind(MARK)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(&format!("DELETE FROM {table} WHERE {column} = $1"))
        .bind(MARK)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// A value to bind: every column written here is text or an integer,
/// either of them possibly empty (typed, for PostgreSQL).
enum Value {
    Text(Option<String>),
    Int(Option<i64>),
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(Some(s.into()))
}

/// The VALUES of an INSERT of `rows` rows of `columns`: `?` on SQLite
/// and `$n` on PostgreSQL, as the store writes its own multi-row INSERTs
/// (SQLite looks numbered parameters up one by one).
fn placeholders(backend: Backend, rows: usize, columns: usize) -> String {
    let mut n = 0;
    let mut row = || {
        let params: Vec<String> = (0..columns)
            .map(|_| {
                n += 1;
                match backend {
                    Backend::Sqlite => "?".to_owned(),
                    Backend::Postgres => format!("${n}"),
                }
            })
            .collect();
        format!("({})", params.join(", "))
    };
    (0..rows).map(|_| row()).collect::<Vec<_>>().join(", ")
}

/// A progress bar of `len` rows, named `what`.
pub fn progress(what: &str, len: u64) -> ProgressBar {
    let bar = ProgressBar::new(len).with_style(
        ProgressStyle::with_template("{prefix:>15} {bar:40} {pos}/{len} ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_prefix(what.to_owned());
    bar
}

/// Writes `count` rows of `columns` into `table`, the `i`th made by
/// `row(i)`, with a progress bar.
async fn write_rows(
    store: &Store,
    table: &str,
    columns: &[&str],
    count: u64,
    mut row: impl FnMut(u64) -> Vec<Value>,
) -> anyhow::Result<()> {
    let bar = progress(table, count);
    let started = Instant::now();
    let insert = |rows: usize| {
        format!(
            "INSERT INTO {table} ({}) VALUES {}",
            columns.join(", "),
            placeholders(store.backend(), rows, columns.len())
        )
    };
    let full = insert(ROWS_PER_INSERT);
    let mut i = 0;
    while i < count {
        let mut tx = store.write().await?;
        for _ in 0..INSERTS_PER_TRANSACTION {
            let rows = (count - i).min(ROWS_PER_INSERT as u64) as usize;
            if rows == 0 {
                break;
            }
            let partial;
            let sql = if rows == ROWS_PER_INSERT {
                &full
            } else {
                partial = insert(rows);
                &partial
            };
            let mut query = sqlx::query(sql);
            for _ in 0..rows {
                let values = row(i);
                debug_assert_eq!(values.len(), columns.len());
                for value in values {
                    query = match value {
                        Value::Text(t) => query.bind(t),
                        Value::Int(n) => query.bind(n),
                    };
                }
                i += 1;
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        bar.set_position(i);
    }
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "data: {count} {table} written in {seconds:.1} s ({:.0} rows/s)",
        count as f64 / seconds.max(1e-9)
    );
    Ok(())
}

/// People with a name, a date of birth and an address, and nothing else
/// (no NHS number, care team or plan): the part of the population the
/// demo seeding does not write one by one.
async fn write_people(store: &Store, count: u64, now: DateTime<Utc>) -> anyhow::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(0x0C7C_0001);
    let created = encode(now);
    let columns = [
        "id",
        "given_name",
        "family_name",
        "family_name_key",
        "birth_date",
        "address_lines",
        "town",
        "postcode",
        "created_at",
    ];
    write_rows(store, "persons", &columns, count, |_| {
        let given = if rng.gen_bool(0.5) {
            names::GIVEN_FEMALE
        } else {
            names::GIVEN_MALE
        };
        let given = given.choose(&mut rng).copied().unwrap_or("Alex");
        let family = names::SURNAMES.choose(&mut rng).copied().unwrap_or("Smith");
        let (town, district) = names::TOWNS.choose(&mut rng).copied().unwrap_or(("", ""));
        let letter = |rng: &mut ChaCha8Rng| {
            names::POSTCODE_LETTERS
                .choose(rng)
                .map_or('A', |b| char::from(*b))
        };
        let postcode = format!(
            "{district} {}{}{}",
            rng.gen_range(1..=9),
            letter(&mut rng),
            letter(&mut rng)
        );
        let street = names::STREETS.choose(&mut rng).copied().unwrap_or("");
        let street = format!("{} {street}", rng.gen_range(1..=180));
        let born = now.date_naive() - Duration::days(rng.gen_range(16 * 365..90 * 365));
        vec![
            text(PersonId::new().to_string()),
            text(given),
            text(family),
            text(persons::family_name_key(family)),
            text(encode_date(born)),
            text(serde_json::json!([street]).to_string()),
            text(town),
            text(postcode),
            text(created.clone()),
        ]
    })
    .await
}

/// An organisation as the history needs it.
#[derive(Clone)]
struct Org {
    id: String,
    name: String,
}

/// A member of staff as the history needs them.
#[derive(Clone)]
struct Staff {
    id: String,
    organisation: String,
    team: Option<String>,
    role: Role,
}

/// What the history is written about: the people (shuffled, the first
/// hundredth the ones in frequent contact), who reports each kind of
/// contact, the staff and teams that send and receive referrals.
struct Partnership {
    people: Vec<String>,
    reporters: Vec<(ContactKind, u32, Vec<Org>)>,
    staff: Vec<Staff>,
    /// Teams taking referrals: (team, organisation).
    receiving: Vec<(String, String)>,
    agreement: String,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
}

impl Partnership {
    async fn read(store: &Store, now: DateTime<Utc>) -> anyhow::Result<Self> {
        let mut conn = store.read().await?;
        let mut people: Vec<String> = sqlx::query("SELECT id FROM persons")
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>("id"))
            .collect::<Result<_, _>>()?;
        people.shuffle(&mut ChaCha8Rng::seed_from_u64(0x0C7C_0002));
        let organisations = organisations::list_organisations(&mut conn).await?;
        let mut reporters = Vec::new();
        for (kind, weight) in KINDS {
            let orgs: Vec<Org> = organisations
                .iter()
                .filter(|o| kind.reported_by(o.kind()))
                .map(|o| Org {
                    id: o.id().to_string(),
                    name: o.name().to_owned(),
                })
                .collect();
            anyhow::ensure!(!orgs.is_empty(), "no organisation reports {kind:?}");
            reporters.push((kind, weight, orgs));
        }
        let staff = users::list_users(&mut conn, None)
            .await?
            .iter()
            .map(|u| Staff {
                id: u.id().to_string(),
                organisation: u.organisation_id().to_string(),
                team: u.team_id().map(|t| t.to_string()),
                role: u.role(),
            })
            .collect();
        let receiving = teams::list_teams(&mut conn)
            .await?
            .iter()
            .filter(|t| t.takes_referrals())
            .map(|t| (t.id().to_string(), t.organisation_id().to_string()))
            .collect();
        let agreement: String =
            sqlx::query("SELECT agreement_id FROM agreement_service_levels LIMIT 1")
                .fetch_one(&mut *conn)
                .await?
                .try_get("agreement_id")?;
        Ok(Self {
            people,
            reporters,
            staff,
            receiving,
            agreement,
            start: Month::of(now).trailing(MONTHS)[0].starts_at(),
            now,
        })
    }

    /// Whom a contact (or referral, or break-glass use) is about.
    fn person(&self, rng: &mut ChaCha8Rng) -> String {
        let frequent = ((self.people.len() as f64 * FREQUENT_PEOPLE) as usize).max(1);
        let range = if rng.gen_bool(FREQUENT_SHARE) {
            frequent
        } else {
            self.people.len()
        };
        self.people[rng.gen_range(0..range)].clone()
    }

    /// The `i`th of `count` instants spread evenly from the start of the
    /// history to now, so rows are written in the order they happened.
    fn when(&self, i: u64, count: u64, rng: &mut ChaCha8Rng) -> DateTime<Utc> {
        let span = (self.now - self.start).num_microseconds().unwrap_or(0) as f64;
        let at = (i as f64 + rng.gen::<f64>()) / count.max(1) as f64 * span;
        self.start + Duration::microseconds(at as i64)
    }

    async fn write_contacts(&self, store: &Store, count: u64) -> anyhow::Result<()> {
        let mut rng = ChaCha8Rng::seed_from_u64(0x0C7C_0003);
        // Each kind's index as many times as its share per thousand.
        let by_share: Vec<usize> = self
            .reporters
            .iter()
            .enumerate()
            .flat_map(|(i, (_, share, _))| std::iter::repeat_n(i, *share as usize))
            .collect();
        let police = self
            .reporters
            .iter()
            .find(|(k, _, _)| *k == ContactKind::Section136)
            .map(|(_, _, orgs)| orgs[0].clone())
            .ok_or_else(|| anyhow::anyhow!("no one reports detentions"))?;
        // A detention after street triage, written as the next row.
        let mut detention: Option<(String, DateTime<Utc>)> = None;
        let mut detained = Vec::new();
        let columns = [
            "id",
            "person_id",
            "kind",
            "occurred_at",
            "recorded_at",
            "recorder_name",
            "organisation_id",
            "outcome",
            "note",
            "source_system",
            "source_event_id",
        ];
        write_rows(store, "contact_events", &columns, count, |i| {
            let (person, kind, org, at) = match detention.take() {
                Some((person, at)) => (person, ContactKind::Section136, police.clone(), at),
                None => {
                    let (kind, _, orgs) =
                        &self.reporters[by_share[rng.gen_range(0..by_share.len())]];
                    let org = orgs.choose(&mut rng).unwrap_or(&orgs[0]).clone();
                    (
                        self.person(&mut rng),
                        *kind,
                        org,
                        self.when(i, count, &mut rng),
                    )
                }
            };
            if kind == ContactKind::StreetTriage && rng.gen_bool(TRIAGE_DETAINED) {
                let later = at + Duration::minutes(rng.gen_range(30..8 * 60));
                if later < self.now {
                    detention = Some((person.clone(), later));
                }
            }
            let millis = u64::try_from(at.timestamp_millis()).unwrap_or_default();
            let id = uuid::Builder::from_unix_timestamp_millis(millis, &rng.gen()).into_uuid();
            if kind == ContactKind::Section136 {
                detained.push(id.to_string());
            }
            let recorded = at + Duration::minutes(rng.gen_range(1..30));
            vec![
                text(id.to_string()),
                text(person),
                text(kind.as_str()),
                text(encode(at)),
                text(encode(recorded)),
                text(org.name),
                text(org.id),
                text(""),
                text(""),
                text(MARK),
                text(format!("{i:010}")),
            ]
        })
        .await?;
        // Where most detentions were taken, and how, as their recorders
        // said; the rest without.
        let recorded: Vec<String> = detained
            .into_iter()
            .filter(|_| rng.gen_bool(DETENTIONS_DESCRIBED))
            .collect();
        let columns = ["event_id", "place_of_safety", "conveyed_by"];
        write_rows(store, DETAILS, &columns, recorded.len() as u64, |i| {
            let place = match rng.gen_range(0..100) {
                0..70 => PlaceOfSafety::HealthBased,
                70..85 => PlaceOfSafety::EmergencyDepartment,
                85..95 => PlaceOfSafety::PoliceStation,
                _ => PlaceOfSafety::Other,
            };
            let by = if rng.gen_bool(0.6) {
                Conveyance::Ambulance
            } else {
                Conveyance::PoliceVehicle
            };
            vec![
                text(recorded[i as usize].clone()),
                text(place.as_str()),
                text(by.as_str()),
            ]
        })
        .await
    }

    async fn write_referrals(&self, store: &Store, count: u64) -> anyhow::Result<()> {
        let mut rng = ChaCha8Rng::seed_from_u64(0x0C7C_0004);
        let calendar = WorkingCalendar::new(ENGLAND_AND_WALES);
        let levels = ServiceLevels::default();
        let clinical = |r: Role| {
            !matches!(
                r,
                Role::IgLead
                    | Role::Commissioner
                    | Role::Admin
                    | Role::Person
                    | Role::Carer
                    | Role::SourceSystem
            )
        };
        let senders: Vec<&Staff> = self
            .staff
            .iter()
            .filter(|s| s.team.is_some() && clinical(s.role))
            .collect();
        anyhow::ensure!(!senders.is_empty(), "no one to send referrals");
        let sections =
            serde_json::to_string(&[DataCategory::Demographics, DataCategory::CrisisPlan])?;
        let columns = [
            "id",
            "person_id",
            "from_user_id",
            "from_organisation_id",
            "to_team_id",
            "to_organisation_id",
            "agreement_id",
            "urgency",
            "reason",
            "sections",
            "status",
            "created_at",
            "acknowledge_due",
            "respond_due",
            "acknowledged_at",
            "acknowledged_by",
            "decided_at",
            "decided_by",
            "escalation_step",
        ];
        let now = self.now;
        let at_most_now = |t: DateTime<Utc>| (t <= now).then_some(t);
        write_rows(store, "referrals", &columns, count, |i| {
            let from = senders.choose(&mut rng).copied().unwrap_or(senders[0]);
            let elsewhere: Vec<&(String, String)> = self
                .receiving
                .iter()
                .filter(|(_, org)| *org != from.organisation)
                .collect();
            let (team, to) = elsewhere
                .choose(&mut rng)
                .copied()
                .unwrap_or(&self.receiving[0]);
            let receiver = self
                .staff
                .iter()
                .find(|s| s.team.as_ref() == Some(team))
                .map(|s| s.id.clone());
            let urgency = match rng.gen_range(0..100) {
                0..10 => Urgency::Emergency,
                10..45 => Urgency::Urgent,
                _ => Urgency::Routine,
            };
            let sent = self.when(i, count, &mut rng);
            let deadlines = levels.for_urgency(urgency);
            let acknowledge_due = deadlines.acknowledge.after(sent, &calendar);
            let respond_due = deadlines.respond.after(sent, &calendar);
            // Most are acknowledged and answered in time, a fifth or so
            // late, a few never.
            let late = |rng: &mut ChaCha8Rng, due: DateTime<Utc>| {
                let share = 1.6 * rng.gen::<f64>().powi(2);
                sent + Duration::seconds(((due - sent).num_seconds() as f64 * share) as i64)
            };
            let acknowledged = rng
                .gen_bool(0.92)
                .then(|| late(&mut rng, acknowledge_due))
                .and_then(at_most_now);
            let answered = acknowledged
                .filter(|_| rng.gen_bool(0.85))
                .map(|a| a.max(late(&mut rng, respond_due)))
                .and_then(at_most_now);
            let status = match (acknowledged, answered) {
                (_, Some(_)) if rng.gen_bool(0.8) => "accepted",
                (_, Some(_)) => "declined",
                (Some(_), None) => "acknowledged",
                (None, None) => "sent",
            };
            let escalated = acknowledged.map_or(acknowledge_due < now, |a| a > acknowledge_due);
            vec![
                text(uuid::Uuid::now_v7().to_string()),
                text(self.person(&mut rng)),
                text(from.id.clone()),
                text(from.organisation.clone()),
                text(team.clone()),
                text(to.clone()),
                text(self.agreement.clone()),
                text(urgency.as_str()),
                text(MARK),
                text(sections.clone()),
                text(status),
                text(encode(sent)),
                text(encode(acknowledge_due)),
                text(encode(respond_due)),
                Value::Text(acknowledged.map(encode)),
                Value::Text(acknowledged.and(receiver.clone())),
                Value::Text(answered.map(encode)),
                Value::Text(answered.and(receiver)),
                Value::Int(Some(i64::from(escalated))),
            ]
        })
        .await
    }

    async fn write_break_glass(&self, store: &Store, count: u64) -> anyhow::Result<()> {
        let mut rng = ChaCha8Rng::seed_from_u64(0x0C7C_0005);
        let crisis_roles = [
            Role::PoliceOfficer,
            Role::Paramedic,
            Role::EdClinician,
            Role::CrisisClinician,
            Role::Nhs111Advisor,
        ];
        let breakers: Vec<&Staff> = self
            .staff
            .iter()
            .filter(|s| crisis_roles.contains(&s.role))
            .collect();
        let reviewer = self
            .staff
            .iter()
            .find(|s| s.role == Role::IgLead)
            .ok_or_else(|| anyhow::anyhow!("no information governance lead"))?;
        anyhow::ensure!(!breakers.is_empty(), "no crisis roles to break the glass");
        let columns = [
            "id",
            "user_id",
            "organisation_id",
            "person_id",
            "basis",
            "justification",
            "granted_at",
            "expires_at",
            "reviewed_by",
            "reviewed_at",
            "review_appropriate",
        ];
        write_rows(store, "break_glass", &columns, count, |i| {
            let by = breakers.choose(&mut rng).copied().unwrap_or(breakers[0]);
            let granted = self.when(i, count, &mut rng);
            // Reviewed within a fortnight, most found appropriate.
            let reviewed = Some(granted + Duration::hours(rng.gen_range(2..14 * 24)))
                .filter(|r| *r <= self.now);
            let basis = OverrideBasis::ALL
                .choose(&mut rng)
                .copied()
                .unwrap_or(OverrideBasis::VitalInterests);
            vec![
                text(uuid::Uuid::now_v7().to_string()),
                text(by.id.clone()),
                text(by.organisation.clone()),
                text(self.person(&mut rng)),
                text(basis.as_str()),
                text(MARK),
                text(encode(granted)),
                text(encode(granted + Duration::hours(4))),
                Value::Text(reviewed.map(|_| reviewer.id.clone())),
                Value::Text(reviewed.map(encode)),
                Value::Int(reviewed.map(|_| i64::from(rng.gen_bool(0.93)))),
            ]
        })
        .await
    }
}
