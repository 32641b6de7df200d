//! Reading the log back: the person's own access log shows who looked at
//! their record and why, and nothing else; information governance searches
//! by person, user, organisation, action, outcome and date, newest first.

use chrono::Duration;
use concordat_domain::category::DataCategory;
use concordat_domain::purpose::Purpose;
use concordat_store::audit::{
    access_log_for_person, search, AuditAction, AuditEntry, AuditFilter, AuditLog,
    CheckpointSigner, Outcome,
};

use concordat_store::Conn;

use crate::harness::{Cast, TestStore};

fn entry(cast: &Cast, minutes: i64) -> AuditEntry {
    AuditEntry {
        occurred_at: cast.start + Duration::minutes(minutes),
        actor: Some(cast.actors[0].clone()),
        purpose: Some(Purpose::Emergency),
        person: Some(cast.people[0]),
        action: AuditAction::Read,
        categories: vec![DataCategory::CrisisPlan, DataCategory::Risk],
        outcome: Outcome::Allowed,
        reasons: vec!["the crisis plan is shared with police in an emergency".to_owned()],
        policy_ids: vec!["crisis-plan-emergency".to_owned()],
        break_glass: false,
    }
}

async fn a_person_sees_who_looked_at_their_record_and_why(t: TestStore) {
    let log = AuditLog::start(t.store.clone(), CheckpointSigner::generate());
    let cast = Cast::new();
    let leah = cast.people[0];
    // Given unsorted and repeated, stored sorted and once.
    let read = AuditEntry {
        categories: vec![
            DataCategory::Risk,
            DataCategory::CrisisPlan,
            DataCategory::Risk,
        ],
        ..entry(&cast, 0)
    };
    let break_glass = AuditEntry {
        action: AuditAction::BreakGlass,
        break_glass: true,
        actor: Some(cast.actors[1].clone()),
        ..entry(&cast, 5)
    };
    let denied = AuditEntry {
        outcome: Outcome::Denied,
        ..entry(&cast, 6)
    };
    let someone_else = AuditEntry {
        person: Some(cast.people[1]),
        ..entry(&cast, 7)
    };
    let own_access = AuditEntry {
        purpose: Some(Purpose::OwnAccess),
        ..entry(&cast, 8)
    };
    let review = AuditEntry {
        action: AuditAction::BreakGlassReview,
        ..entry(&cast, 9)
    };
    for e in [
        &read,
        &break_glass,
        &denied,
        &someone_else,
        &own_access,
        &review,
    ] {
        log.record(e.clone()).await.expect("record");
    }

    let mut conn = t.store.read().await.expect("connection");
    let seen = access_log_for_person(&mut conn, leah, 10, 0)
        .await
        .expect("access log");
    let entries: Vec<&AuditEntry> = seen.iter().map(|r| &r.entry).collect();
    let read_as_stored = AuditEntry {
        categories: vec![DataCategory::CrisisPlan, DataCategory::Risk],
        ..read.clone()
    };
    assert_eq!(entries, vec![&break_glass, &read_as_stored], "newest first");
    let second_page = access_log_for_person(&mut conn, leah, 1, 1)
        .await
        .expect("page");
    assert_eq!(second_page.len(), 1);
    assert_eq!(second_page[0].entry, read_as_stored);
}

async fn governance_searches_by_person_user_organisation_outcome_and_date(t: TestStore) {
    let log = AuditLog::start(t.store.clone(), CheckpointSigner::generate());
    let cast = Cast::new();
    let police = &cast.actors[0];
    let clinician = &cast.actors[1];
    let mut seqs = Vec::new();
    for minute in 0..10 {
        let e = AuditEntry {
            actor: Some(if minute % 2 == 0 { police } else { clinician }.clone()),
            person: Some(cast.people[(minute % 3) as usize]),
            outcome: if minute % 5 == 0 {
                Outcome::Denied
            } else {
                Outcome::Allowed
            },
            ..entry(&cast, minute)
        };
        seqs.push(log.record(e).await.expect("record"));
    }
    let mut conn = t.store.read().await.expect("connection");
    assert_eq!(found(&mut conn, AuditFilter::default()).await.len(), 10);
    let by_user = found(
        &mut conn,
        AuditFilter {
            user: Some(police.user_id),
            ..AuditFilter::default()
        },
    )
    .await;
    assert_eq!(by_user, vec![9, 7, 5, 3, 1]);
    let by_organisation = found(
        &mut conn,
        AuditFilter {
            organisation: Some(clinician.organisation_id),
            ..AuditFilter::default()
        },
    )
    .await;
    assert_eq!(by_organisation, vec![10, 8, 6, 4, 2]);
    let denied = found(
        &mut conn,
        AuditFilter {
            outcome: Some(Outcome::Denied),
            ..AuditFilter::default()
        },
    )
    .await;
    assert_eq!(denied, vec![6, 1]);
    let person_in_window = found(
        &mut conn,
        AuditFilter {
            person: Some(cast.people[0]),
            from: Some(cast.start + Duration::minutes(1)),
            to: Some(cast.start + Duration::minutes(9)),
            ..AuditFilter::default()
        },
    )
    .await;
    assert_eq!(person_in_window, vec![7, 4]);
    let paged = found(
        &mut conn,
        AuditFilter {
            before_seq: Some(4),
            limit: 2,
            ..AuditFilter::default()
        },
    )
    .await;
    assert_eq!(paged, vec![3, 2]);
    let break_glass = found(
        &mut conn,
        AuditFilter {
            action: Some(AuditAction::BreakGlass),
            ..AuditFilter::default()
        },
    )
    .await;
    assert!(break_glass.is_empty());
    assert_eq!(seqs, (1..=10).collect::<Vec<u64>>());
}

/// The seqs a search finds, in the order found.
async fn found(conn: &mut Conn, filter: AuditFilter) -> Vec<u64> {
    search(conn, &filter)
        .await
        .expect("search")
        .iter()
        .map(|r| r.seq)
        .collect()
}

crate::on_both_stores!(
    a_person_sees_who_looked_at_their_record_and_why,
    governance_searches_by_person_user_organisation_outcome_and_date,
);
