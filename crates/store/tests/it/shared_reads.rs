//! Shared reads (`concordat_store::coalesce`): on SQLite what a reader read
//! is answered again while nothing was committed since, and any commit —
//! through another connection of this store, or another process on the
//! same file — is seen by the very next read. On PostgreSQL every read
//! reads.

use chrono::{NaiveDate, Utc};
use concordat_domain::identifier::Identifier;
use concordat_domain::ids::PersonId;
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::person::{BirthDate, Person, PersonName};
use concordat_store::audit::{AuditLog, CheckpointSigner};
use concordat_store::backend::PoolSize;
use concordat_store::coalesce::Coalesced;
use concordat_store::persons::{insert_person, PersonsWithVersions};
use concordat_store::{Backend, Store};
use rand::SeedableRng as _;

use crate::harness::{Cast, TestStore};

fn person(nhs: &str) -> Person {
    Person::new(
        PersonId::new(),
        PersonName::new("Robin", "Achterberg").expect("name"),
        BirthDate::new(
            NaiveDate::from_ymd_opt(1988, 7, 14).expect("date"),
            NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"),
        )
        .expect("birth date"),
        None,
        None,
        vec![Identifier::nhs(NhsNumber::parse(nhs).expect("NHS number"))],
    )
    .expect("person")
}

async fn create(store: &Store, person: &Person) {
    let mut tx = store.write().await.expect("write");
    insert_person(&mut tx, person, Utc::now())
        .await
        .expect("insert person");
    tx.commit().await.expect("commit");
}

/// Reads `id` and says whether the person exists.
async fn exists(reads: &Coalesced<PersonsWithVersions>, id: PersonId) -> bool {
    let (found, _) = reads.read(id.into()).await.expect("read");
    found.is_some_and(|p| p.id() == id)
}

/// Reads `id` again, unchanged, and checks what it cost: nothing on SQLite
/// (kept), one statement on PostgreSQL.
async fn read_again_costs(t: &TestStore, reads: &Coalesced<PersonsWithVersions>, id: PersonId) {
    let before = reads.statements();
    assert!(!exists(reads, id).await);
    let expected = match t.backend() {
        Backend::Sqlite => before,
        Backend::Postgres => before + 1,
    };
    assert_eq!(reads.statements(), expected, "on {:?}", t.backend());
}

pub async fn a_person_created_through_another_connection_is_read_at_once(t: TestStore) {
    let reads = Coalesced::<PersonsWithVersions>::start(t.store.clone());
    let robin = person("9434765919");
    assert!(!exists(&reads, robin.id()).await);
    read_again_costs(&t, &reads, robin.id()).await;

    create(&t.store, &robin).await;

    let before = reads.statements();
    assert!(exists(&reads, robin.id()).await, "the commit is seen");
    assert_eq!(reads.statements(), before + 1, "and was read afresh");
}

pub async fn a_person_created_by_another_process_is_read_at_once(t: TestStore) {
    let reads = Coalesced::<PersonsWithVersions>::start(t.store.clone());
    let robin = person("9434765919");
    assert!(!exists(&reads, robin.id()).await);
    read_again_costs(&t, &reads, robin.id()).await;

    // A second store on the same database: a command run beside the server.
    let other = Store::open(&t.url, PoolSize(2))
        .await
        .expect("second store");
    create(&other, &robin).await;
    other.close().await;

    assert!(exists(&reads, robin.id()).await, "the commit is seen");
}

pub async fn appending_to_the_audit_log_keeps_what_was_read(t: TestStore) {
    let reads = Coalesced::<PersonsWithVersions>::start(t.store.clone());
    let absent = PersonId::new();
    assert!(!exists(&reads, absent).await);

    // Every record read appends to the audit log, in its own file on
    // SQLite: that must not cost the next read its kept values.
    let log = AuditLog::start(t.store.clone(), CheckpointSigner::generate());
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    log.record(Cast::new().random_entry(&mut rng, 0))
        .await
        .expect("record");

    read_again_costs(&t, &reads, absent).await;
}

/// Requests naming people by id and by NHS number at the same moment are
/// each answered with their own person, and a number no one has with no
/// one; a person created since is found by number at once.
pub async fn people_named_by_id_and_by_nhs_number_together_are_each_answered(t: TestStore) {
    let reads = Coalesced::<PersonsWithVersions>::start(t.store.clone());
    let robin = person("9434765919");
    let number = NhsNumber::parse("9434765919").expect("NHS number");
    let (before, _) = reads.read(number.into()).await.expect("read");
    assert!(before.is_none());
    create(&t.store, &robin).await;
    let nobody = NhsNumber::parse("9991234578").expect("NHS number");
    let (by_id, by_number, by_nobody) = tokio::join!(
        reads.read(robin.id().into()),
        reads.read(number.into()),
        reads.read(nobody.into()),
    );
    let (by_id, by_number) = (by_id.expect("read"), by_number.expect("read"));
    assert_eq!(by_id.0.as_ref().map(Person::id), Some(robin.id()));
    assert_eq!(by_number.0.as_ref().map(Person::id), Some(robin.id()));
    assert_eq!(by_id.1, by_number.1, "the same versions either way");
    let (nobody_found, versions) = by_nobody.expect("read");
    assert!(nobody_found.is_none());
    assert!(versions.person.is_none());
}

crate::on_both_stores!(
    people_named_by_id_and_by_nhs_number_together_are_each_answered,
    a_person_created_through_another_connection_is_read_at_once,
    a_person_created_by_another_process_is_read_at_once,
    appending_to_the_audit_log_keeps_what_was_read,
);
