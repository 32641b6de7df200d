//! The demo partnership's past year, so that the outcomes dashboard has
//! figures with the shapes real ones have: emergency contacts that rise
//! through the winter and peak around Christmas and New Year, street
//! triage growing while section 136 detentions fall, a few dozen people a
//! month in repeated crisis; referrals between partners acknowledged and
//! answered at realistic delays, some late and escalated, the newest not
//! yet answered; a handful of break-glass uses a month, most found
//! appropriate at review and the newest not yet reviewed; stays on the
//! trust's wards, most followed up within 72 hours of discharge.
//!
//! It covers the twelve whole months before `now`'s and this month up to
//! `now`, for the synthetic people beyond those the frequent contact list
//! was given ([`super::contacts`]), and draws from its own random stream.
//! It writes no audit: crisis look-ups are counted from the audit log,
//! which holds only what people did. Run once, after the partnership and
//! the other demo records are created.

mod break_glass;
mod contacts;
mod referrals;
mod stays;

use chrono::{DateTime, Datelike as _, Duration, NaiveDate, Utc};
use concordat_domain::calendar::{WorkingCalendar, ENGLAND_AND_WALES};
use concordat_domain::ids::PersonId;
use concordat_domain::organisation::Organisation;
use concordat_domain::outcomes::Month;
use concordat_domain::user::User;
use concordat_store::{organisations, persons, users, Store};
use rand::seq::SliceRandom as _;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::contacts::FREQUENT_SYNTHETIC;
use super::people::NhsNumbers;

/// The history's own random stream, apart from the partnership's.
const HISTORY_SEED: u64 = 0x0000_C04C_0DAA;

/// Whole months of history before the current one.
pub const MONTHS_BEFORE: usize = 12;

/// Synthetic people the history is about, at most: enough that most
/// people have no emergency contact in a month, as in a real area.
const PEOPLE: usize = 1_500;

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HistorySummary {
    /// Months covered, this one included.
    pub months: usize,
    pub contacts: usize,
    /// Admissions written (each with its discharge and follow-up, if due).
    pub stays: usize,
    pub referrals: usize,
    pub break_glass: usize,
}

/// Writes the partnership's past year (see the module's header). Returns
/// what was written; nothing when the demo has no synthetic people beyond
/// the frequent contact list's.
pub async fn seed_history(store: &Store, now: DateTime<Utc>) -> anyhow::Result<HistorySummary> {
    let months = Month::of(now).trailing(MONTHS_BEFORE + 1);
    let window = Window {
        start: months[0].starts_at(),
        now,
    };
    let mut rng = ChaCha8Rng::seed_from_u64(HISTORY_SEED);
    let partnership = {
        let mut conn = store.read().await?;
        let mut people = Vec::new();
        for nhs in NhsNumbers::default().skip(FREQUENT_SYNTHETIC).take(PEOPLE) {
            // The synthetic people's numbers run in order: the first
            // missing is the last written.
            let Some(person) = persons::person_id_by_nhs_number(&mut conn, &nhs).await? else {
                break;
            };
            people.push(person);
        }
        Partnership {
            people,
            organisations: organisations::list_organisations(&mut conn).await?,
            users: users::list_users(&mut conn, None).await?,
            calendar: WorkingCalendar::new(ENGLAND_AND_WALES),
        }
    };
    if partnership.people.is_empty() {
        return Ok(HistorySummary::default());
    }

    let already = contacts::already_counted(store, &months).await?;
    let drawn = contacts::draw(&mut rng, &window, &partnership.people, &already);
    let contacts = contacts::write(store, &mut rng, &partnership, &drawn, now).await?;
    let referrals = referrals::seed(store, &mut rng, &window, &partnership, &drawn).await?;
    let break_glass = break_glass::seed(store, &mut rng, &window, &partnership, &drawn).await?;
    let stays = stays::draw(&mut rng, &window, &partnership.people);
    contacts::write(store, &mut rng, &partnership, &stays, now).await?;
    Ok(HistorySummary {
        months: months.len(),
        contacts,
        stays: stays
            .iter()
            .filter(|d| d.kind == concordat_domain::contact_event::ContactKind::Admission)
            .count(),
        referrals,
        break_glass,
    })
}

/// The span of time the history covers.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: DateTime<Utc>,
    now: DateTime<Utc>,
}

impl Window {
    /// The start of each day of the window, the first being its start.
    fn days(self) -> impl Iterator<Item = DateTime<Utc>> {
        (0..)
            .map(move |n| self.start + Duration::days(n))
            .take_while(move |day| *day < self.now)
    }

    /// How far through the window `at` is: 0 at its start, 1 at `now`.
    /// Trends are drawn along it.
    fn progress(self, at: DateTime<Utc>) -> f64 {
        let whole = (self.now - self.start).num_seconds().max(1) as f64;
        ((at - self.start).num_seconds() as f64 / whole).clamp(0.0, 1.0)
    }
}

/// Who and what the history is written for.
struct Partnership {
    people: Vec<PersonId>,
    organisations: Vec<Organisation>,
    users: Vec<User>,
    calendar: WorkingCalendar,
}

impl Partnership {
    fn organisation(&self, code: &str) -> anyhow::Result<&Organisation> {
        self.organisations
            .iter()
            .find(|o| o.code().as_str() == code)
            .ok_or_else(|| anyhow::anyhow!("no demo organisation `{code}`"))
    }

    fn user(&self, username: &str) -> anyhow::Result<&User> {
        self.users
            .iter()
            .find(|u| u.username().as_str() == username)
            .ok_or_else(|| anyhow::anyhow!("no demo user `{username}`"))
    }
}

/// How much busier than usual a day is for crisis services: most in
/// mid-winter, least in mid-summer, and more again over Christmas and
/// New Year.
fn season(day: NaiveDate) -> f64 {
    let from_peak = f64::from(day.ordinal0()) - 15.0;
    let winter = 1.0 + 0.2 * (std::f64::consts::TAU * from_peak / 365.25).cos();
    let holidays = (day.month() == 12 && day.day() >= 20) || (day.month() == 1 && day.day() <= 3);
    if holidays {
        winter * 1.3
    } else {
        winter
    }
}

/// How many things happen in a day when `mean` are expected (Poisson, by
/// Knuth's method: means here are a few a day).
fn how_many(rng: &mut ChaCha8Rng, mean: f64) -> u32 {
    let floor = (-mean.max(0.0)).exp();
    let (mut n, mut product) = (0, rng.gen::<f64>());
    while product > floor {
        n += 1;
        product *= rng.gen::<f64>();
    }
    n
}

/// One of `items`, each as likely as its weight.
fn weighted<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut pick = rng.gen_range(0..total.max(1));
    for (item, weight) in items {
        if pick < *weight {
            return *item;
        }
        pick -= weight;
    }
    items[0].0
}

/// Emergencies by hour of the day: fewest around dawn, most in the
/// evening and the small hours, when other services are closed.
const BY_HOUR: [u32; 24] = [
    8, 7, 6, 4, 3, 2, 2, 3, 4, 5, 5, 6, 6, 6, 6, 7, 8, 9, 10, 11, 11, 11, 10, 9,
];

/// A time of day for an emergency.
fn crisis_time(rng: &mut ChaCha8Rng) -> Duration {
    let by_hour: Vec<(i64, u32)> = (0..24).zip(BY_HOUR).collect();
    Duration::hours(weighted(rng, &by_hour)) + Duration::minutes(rng.gen_range(0..60))
}

/// A time of day in office hours (UK winter time; an hour later in
/// summer, which office hours do not notice here).
fn office_time(rng: &mut ChaCha8Rng) -> Duration {
    Duration::minutes(rng.gen_range(9 * 60..17 * 60))
}

/// Someone the organisation coded `reporter` met in the two days before
/// `at`, among the contacts `drawn` (oldest first), if anyone.
fn seen_by(
    drawn: &[contacts::Drawn],
    reporter: &str,
    at: DateTime<Utc>,
    rng: &mut ChaCha8Rng,
) -> Option<PersonId> {
    let from = drawn.partition_point(|d| d.at < at - Duration::days(2));
    let to = drawn.partition_point(|d| d.at <= at);
    let met: Vec<PersonId> = drawn[from..to.max(from)]
        .iter()
        .filter(|d| d.reporter == reporter)
        .map(|d| d.person)
        .collect();
    met.choose(rng).copied()
}

/// A fresh id for something that happened `at`: time-ordered, as the
/// store's own ids are, and drawn from the history's stream.
fn id_at(rng: &mut ChaCha8Rng, at: DateTime<Utc>) -> uuid::Uuid {
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or_default();
    uuid::Builder::from_unix_timestamp_millis(millis, &rng.gen()).into_uuid()
}

/// The demo user `username`, for tests of who does what.
#[cfg(test)]
fn demo_user(username: &str) -> &'static super::partnership::DemoUser {
    super::partnership::SIGN_INS
        .iter()
        .chain(super::partnership::STAFF)
        .find(|u| u.username == username)
        .unwrap_or_else(|| panic!("no demo user `{username}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn winter_is_busier_than_summer_and_christmas_busiest() {
        assert!(season(day(2026, 1, 20)) > 1.15);
        assert!(season(day(2026, 7, 20)) < 0.85);
        assert!(season(day(2026, 12, 27)) > season(day(2026, 12, 10)) * 1.2);
    }

    #[test]
    fn counts_drawn_average_their_mean() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let total: u32 = (0..10_000).map(|_| how_many(&mut rng, 2.5)).sum();
        assert!((24_000..26_000).contains(&total), "{total}");
    }

    #[test]
    fn the_window_runs_from_its_start_to_now() {
        let now = day(2026, 12, 7).and_hms_opt(9, 30, 0).unwrap().and_utc();
        let window = Window {
            start: Month::of(now).trailing(MONTHS_BEFORE + 1)[0].starts_at(),
            now,
        };
        assert_eq!(window.start.date_naive(), day(2025, 12, 1));
        assert_eq!(window.days().count(), 365 + 7);
        assert_eq!(window.progress(window.start), 0.0);
        assert_eq!(window.progress(now), 1.0);
    }
}
