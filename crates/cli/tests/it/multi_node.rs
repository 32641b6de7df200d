//! Two `concordat serve` processes on one PostgreSQL database: 1,000
//! referrals past their acknowledgement deadline escalate exactly once
//! each, whichever node's scheduler takes them, and the audit chain both
//! nodes wrote to stays intact. (SQLite is one node by design.)

use std::process::Stdio;
use std::time::{Duration, Instant};

use chrono::Utc;
use concordat::demo::seed::{seed_partnership, SeedOptions};
use concordat_domain::ids::ReferralId;
use concordat_domain::referral::{ReferralStatus, Urgency};
use concordat_store::audit::CheckpointSigner;
use concordat_store::backend::PoolSize;
use concordat_store::referrals::{self, Referral};
use concordat_store::{agreements, jobs, persons, teams, users, Store};
use sqlx::Row;
use tokio::process::{Child, Command};

use crate::harness::{demo_password_hash, StoreKind, TestDb};

const REFERRALS: usize = 1_000;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn node(db: &TestDb, key: &std::path::Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args(["serve", "--scheduler-poll-ms", "50", "--addr"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--database")
        .arg(db.url().expose())
        .arg("--audit-key")
        .arg(key)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("start concordat serve")
}

async fn wait_until_ready(port: u16) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ready = client
            .get(format!("http://127.0.0.1:{port}/health"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        if ready {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "node on {port} never became ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn scalar(store: &Store, sql: &str) -> i64 {
    let mut conn = store.read().await.unwrap();
    sqlx::query(sql)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .get::<i64, _>(0)
}

/// 1,000 urgent referrals from the GP to the crisis team, each an hour past
/// its acknowledgement deadline, with its first escalation due.
async fn overdue_referrals(store: &Store) {
    let now = Utc::now();
    let mut tx = store.write().await.unwrap();
    let gp = users::user_by_username(&mut tx, &"gp".parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let crisis = teams::list_teams(&mut tx)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name() == "Crisis Resolution and Home Treatment Team")
        .unwrap();
    let agreement = agreements::agreements_of_organisation(&mut tx, gp.organisation_id())
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.terms().parties.contains(&crisis.organisation_id()))
        .unwrap();
    let person = persons::person_by_nhs_number(&mut tx, &"9990000018".parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    for _ in 0..REFERRALS {
        let due = now - chrono::Duration::hours(1);
        let referral = Referral {
            id: ReferralId::new(),
            person: person.id(),
            from_user: gp.id(),
            from_organisation: gp.organisation_id(),
            to_team: crisis.id(),
            to_organisation: crisis.organisation_id(),
            agreement: agreement.id(),
            urgency: Urgency::Urgent,
            reason: "Not sleeping; worried family".into(),
            sections: Vec::new(),
            status: ReferralStatus::Sent,
            created_at: due - chrono::Duration::hours(24),
            acknowledge_due: due,
            respond_due: due + chrono::Duration::days(3),
            acknowledged_at: None,
            acknowledged_by: None,
            decided_at: None,
            decided_by: None,
            decision_note: None,
            redirected_from: None,
            escalation_step: 0,
        };
        referrals::insert_referral(&mut tx, &referral)
            .await
            .unwrap();
        jobs::schedule(
            &mut tx,
            concordat_server::escalation::referral::KIND,
            &referral.id.to_string(),
            1,
            due,
            "{}",
            now,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_escalate_a_thousand_due_referrals_exactly_once() {
    let Some(db) = TestDb::fresh(StoreKind::Postgres).await else {
        return;
    };
    let store = Store::open(db.url(), PoolSize(4)).await.unwrap();
    seed_partnership(
        &store,
        &SeedOptions {
            people: 10,
            password_hash: demo_password_hash(),
            now: Utc::now(),
        },
        |_| {},
    )
    .await
    .unwrap();
    let keys = tempfile::tempdir().unwrap();
    let key = keys.path().join("audit.key");
    CheckpointSigner::load_or_create(&key).unwrap();

    let (a, b) = (free_port(), free_port());
    let mut nodes = [node(&db, &key, a), node(&db, &key, b)];
    wait_until_ready(a).await;
    wait_until_ready(b).await;
    // Both schedulers are polling before anything falls due.
    overdue_referrals(&store).await;

    let kind = concordat_server::escalation::referral::KIND;
    let done_sql =
        format!("SELECT COUNT(*) FROM jobs WHERE kind = '{kind}' AND step = 1 AND status = 'done'");
    let deadline = Instant::now() + Duration::from_secs(240);
    while scalar(&store, &done_sql).await < REFERRALS as i64 {
        assert!(
            Instant::now() < deadline,
            "the nodes did not finish the escalations"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Each escalation's audit entry follows its commit; let the last land.
    let audited_sql = "SELECT COUNT(*) FROM audit_log WHERE action = 'escalation'";
    while scalar(&store, audited_sql).await < REFERRALS as i64 {
        assert!(
            Instant::now() < deadline,
            "the escalations were not all audited"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for node in &mut nodes {
        node.kill().await.unwrap();
    }

    // Exactly once: one escalation on every referral's timeline, one audit
    // entry each, and each referral's second step scheduled once.
    assert_eq!(
        scalar(
            &store,
            "SELECT COUNT(*) FROM referral_events WHERE kind = 'escalated'"
        )
        .await,
        REFERRALS as i64
    );
    assert_eq!(
        scalar(
            &store,
            "SELECT COUNT(*) FROM (SELECT referral_id FROM referral_events WHERE kind = 'escalated' \
             GROUP BY referral_id HAVING COUNT(*) <> 1) twice"
        )
        .await,
        0
    );
    assert_eq!(scalar(&store, audited_sql).await, REFERRALS as i64);
    assert_eq!(
        scalar(
            &store,
            "SELECT COUNT(*) FROM referrals WHERE escalation_step = 1"
        )
        .await,
        REFERRALS as i64
    );
    assert_eq!(
        scalar(&store, &format!("SELECT COUNT(*) FROM jobs WHERE kind = '{kind}' AND step = 2 AND status = 'pending'")).await,
        REFERRALS as i64
    );
    // Both nodes took work.
    let nodes_used = scalar(
        &store,
        &format!("SELECT COUNT(DISTINCT claimed_by) FROM jobs WHERE kind = '{kind}' AND step = 1"),
    )
    .await;
    eprintln!("escalations shared between {nodes_used} nodes");
    assert_eq!(nodes_used, 2);

    // The audit chain both nodes appended to is intact.
    let verified = std::process::Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args(["audit", "verify", "--database"])
        .arg(db.url().expose())
        .arg("--key")
        .arg(&key)
        .env_remove("CONCORDAT_AUDIT_KEY")
        .output()
        .unwrap();
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );
}
