//! A fresh database per test on either store, dropped when the test ends
//! (`concordat_store::testing`), and sample audit entries.
//!
//! PostgreSQL tests need `CONCORDAT_TEST_POSTGRES_URL` (a server where the
//! test may create databases); without it they are skipped with a note,
//! unless `CONCORDAT_TEST_REQUIRE_ALL=1` demands every store.

use std::future::Future;

use chrono::{DateTime, Duration, TimeZone, Utc};
use concordat_domain::category::DataCategory;
use concordat_domain::ids::{OrganisationId, PersonId, UserId};
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use concordat_domain::user::Username;
use concordat_store::audit::{Actor, AuditAction, AuditEntry, Outcome};
use concordat_store::backend::PoolSize;
use concordat_store::testing::TestDatabase;
use concordat_store::{Backend, DatabaseUrl, Store};
use rand::seq::SliceRandom as _;
use rand::Rng;

/// Declares each listed `async fn(TestStore)` as two tests, `sqlite::NAME`
/// and `postgres::NAME`.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::harness::run(concordat_store::Backend::Sqlite, super::$name).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::harness::run(concordat_store::Backend::Postgres, super::$name).await;
                }
            )*
        }
    };
}

/// A migrated store that exists only for one test.
pub struct TestStore {
    pub store: Store,
    pub url: DatabaseUrl,
    _db: TestDatabase,
}

impl TestStore {
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }
}

pub async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestStore) -> Fut,
    Fut: Future<Output = ()>,
{
    if let Some(store) = fresh(backend).await {
        test(store).await;
    }
}

pub async fn fresh(backend: Backend) -> Option<TestStore> {
    let db = TestDatabase::fresh(backend).await?;
    let store = Store::open(db.url(), PoolSize(8))
        .await
        .expect("open store");
    Some(TestStore {
        store,
        url: db.url().clone(),
        _db: db,
    })
}

/// Who and whom sample entries name: a few users in two organisations, a few
/// people.
pub struct Cast {
    pub actors: Vec<Actor>,
    pub people: Vec<PersonId>,
    pub start: DateTime<Utc>,
}

impl Cast {
    pub fn new() -> Self {
        let police = OrganisationId::new();
        let trust = OrganisationId::new();
        let actor = |name: &str, organisation, role| Actor {
            user_id: UserId::new(),
            username: Username::parse(name).expect("username"),
            organisation_id: organisation,
            role,
        };
        Self {
            actors: vec![
                actor("pc.hughes", police, Role::PoliceOfficer),
                actor("dr.okafor", trust, Role::CrisisClinician),
                actor("sam.jones", trust, Role::MentalHealthPractitioner),
                actor("ig.patel", trust, Role::IgLead),
            ],
            people: (0..5).map(|_| PersonId::new()).collect(),
            start: Utc.with_ymd_and_hms(2026, 3, 3, 9, 0, 0).unwrap(),
        }
    }

    /// A plausible decision with random fields, `minutes` after the start.
    pub fn random_entry(&self, rng: &mut impl Rng, minutes: i64) -> AuditEntry {
        let allowed = rng.gen_bool(0.8);
        let how_many = rng.gen_range(0..4);
        let mut categories: Vec<DataCategory> = DataCategory::ALL
            .choose_multiple(rng, how_many)
            .copied()
            .collect();
        categories.sort();
        AuditEntry {
            occurred_at: self.start + Duration::minutes(minutes),
            actor: rng
                .gen_bool(0.95)
                .then(|| self.actors.choose(rng).expect("actor").clone()),
            purpose: rng
                .gen_bool(0.9)
                .then(|| *Purpose::ALL.choose(rng).expect("purpose")),
            person: rng
                .gen_bool(0.9)
                .then(|| *self.people.choose(rng).expect("person")),
            action: *AuditAction::ALL.choose(rng).expect("action"),
            categories,
            outcome: if allowed {
                Outcome::Allowed
            } else {
                Outcome::Denied
            },
            reasons: if allowed {
                vec!["a signed sharing agreement covers this role and purpose".to_owned()]
            } else {
                vec![
                    "the person has refused sharing with Northshire Police".to_owned(),
                    format!("request {}", rng.gen::<u32>()),
                ]
            },
            policy_ids: vec![format!("policy{}", rng.gen_range(0..9))],
            break_glass: rng.gen_bool(0.1),
        }
    }
}
