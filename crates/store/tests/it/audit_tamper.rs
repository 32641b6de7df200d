//! Tampering is detected. Each trial plays a privileged attacker: it
//! disables the append-only triggers (as a database owner can), changes the
//! log directly, and runs `verify_chain` — all in one transaction that is
//! then rolled back, so the next trial starts from the same honest log.
//! Every trial must report a break at or before the first row it touched.
//!
//! Set `CONCORDAT_TAMPER_SEED` to replay a run; the seed is printed.

mod attacker;

use concordat_store::audit::{verify_chain, AuditLog, CheckpointSigner, VerifyingKey};
use concordat_store::Store;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng as _};

use crate::harness::{Cast, TestStore};
use attacker::{disabling_guards, exec, tamper, Tamper};

const TRIALS: usize = 50;
const ENTRIES: usize = 240;

fn seed() -> u64 {
    std::env::var("CONCORDAT_TAMPER_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random)
}

/// An honest log of [`ENTRIES`] entries in batches of varied size.
async fn honest_log(store: &Store, rng: &mut StdRng) -> VerifyingKey {
    let signer = CheckpointSigner::generate();
    let log = AuditLog::start(store.clone(), signer.clone());
    let cast = Cast::new();
    let mut written = 0;
    while written < ENTRIES {
        let burst = rng.gen_range(1..=12).min(ENTRIES - written);
        let entries: Vec<_> = (0..burst)
            .map(|i| cast.random_entry(rng, (written + i) as i64))
            .collect();
        futures::future::try_join_all(entries.into_iter().map(|e| log.record(e)))
            .await
            .expect("record");
        written += burst;
    }
    signer.verifying_key()
}

async fn trials(t: TestStore, kind: Tamper) {
    let seed = seed();
    let mut rng = StdRng::seed_from_u64(seed);
    let key = honest_log(&t.store, &mut rng).await;
    let n = ENTRIES as i64;
    let disable = disabling_guards(&t.store).await;
    for trial in 1..=TRIALS {
        let mut tx = t.store.write().await.expect("begin");
        for sql in &disable {
            exec(&mut tx, sql).await;
        }
        let (touched, what) = tamper(&mut tx, &mut rng, kind, n).await;
        let report = verify_chain(&mut tx, &key).await.expect("verify");
        // Rolled back: triggers and rows are as they were.
        drop(tx);
        let context = format!("{kind:?} trial {trial} (seed {seed}): {what}");
        let found = report
            .first_break
            .clone()
            .unwrap_or_else(|| panic!("{context}: not detected; {report:?}"));
        assert!(
            found.seq <= touched as u64,
            "{context}: break reported at {}, after the tampered entry: {}",
            found.seq,
            found.reason
        );
    }
    let mut conn = t.store.read().await.expect("connection");
    let report = verify_chain(&mut conn, &key).await.expect("verify");
    assert!(report.is_intact(), "the honest log verifies: {report:?}");
    assert_eq!(report.entries_checked, ENTRIES as u64);
    println!(
        "tamper {kind:?} on {}: {TRIALS} of {TRIALS} trials detected (seed {seed})",
        t.backend().name()
    );
}

async fn edited_entries_are_detected(t: TestStore) {
    trials(t, Tamper::EditField).await;
}

async fn edited_and_rechained_entries_are_detected(t: TestStore) {
    trials(t, Tamper::EditAndRechain).await;
}

async fn deleted_entries_are_detected(t: TestStore) {
    trials(t, Tamper::DeleteEntry).await;
}

async fn reordered_entries_are_detected(t: TestStore) {
    trials(t, Tamper::SwapSeqs).await;
}

async fn a_truncated_tail_is_detected(t: TestStore) {
    trials(t, Tamper::TruncateTail).await;
}

async fn forged_checkpoints_are_detected(t: TestStore) {
    trials(t, Tamper::ForgeCheckpoint).await;
}

crate::on_both_stores!(
    edited_entries_are_detected,
    edited_and_rechained_entries_are_detected,
    deleted_entries_are_detected,
    reordered_entries_are_detected,
    a_truncated_tail_is_detected,
    forged_checkpoints_are_detected,
);
