//! What the store holds about a world, as counts, to tell whether a call
//! on it changed anything: a write that was allowed (or half done) where
//! the caller should have been answered as for no one.

use sqlx::Row;

use super::world::Target;
use crate::harness::TestApp;

/// Counts of what the store holds about `target`'s person, and of the
/// pending jobs of their referral and webhook delivery.
pub async fn state(app: &TestApp, target: &Target) -> Vec<(&'static str, i64)> {
    let p = &target.person;
    let plans = format!("SELECT id FROM crisis_plans WHERE person_id = '{p}'");
    let threads = format!("SELECT id FROM message_threads WHERE person_id = '{p}'");
    let counted: [(&'static str, String); 21] = [
        (
            "contact events",
            format!("contact_events WHERE person_id = '{p}'"),
        ),
        (
            "relationships",
            format!("care_relationships WHERE person_id = '{p}'"),
        ),
        ("look-ups", format!("look_ups WHERE person_id = '{p}'")),
        ("flags", format!("safety_flags WHERE person_id = '{p}'")),
        (
            "inactive flags",
            format!("safety_flags WHERE person_id = '{p}' AND status = 'inactive'"),
        ),
        (
            "flag reviews",
            format!(
                "safety_flag_reviews WHERE flag_id IN \
                 (SELECT id FROM safety_flags WHERE person_id = '{p}')"
            ),
        ),
        (
            "consent directives",
            format!("consent_directives WHERE person_id = '{p}'"),
        ),
        (
            "withdrawn directives",
            format!("consent_directives WHERE person_id = '{p}' AND withdrawn_at IS NOT NULL"),
        ),
        (
            "carer choices",
            format!("carer_sharing WHERE person_id = '{p}'"),
        ),
        (
            "carer topics told",
            format!("carer_sharing WHERE person_id = '{p}' AND may_tell = 1"),
        ),
        (
            "plan versions",
            format!("crisis_plan_versions WHERE plan_id IN ({plans})"),
        ),
        (
            "plan agreements",
            format!(
                "crisis_plan_versions WHERE plan_id IN ({plans}) AND \
                 (person_agreed_at IS NOT NULL OR professional_agreed_at IS NOT NULL)"
            ),
        ),
        ("referrals", format!("referrals WHERE person_id = '{p}'")),
        (
            "referrals acted on",
            format!("referrals WHERE person_id = '{p}' AND status <> 'sent'"),
        ),
        (
            "referral events",
            format!(
                "referral_events WHERE referral_id IN \
                 (SELECT id FROM referrals WHERE person_id = '{p}')"
            ),
        ),
        (
            "threads",
            format!("message_threads WHERE person_id = '{p}'"),
        ),
        (
            "messages",
            format!("messages WHERE thread_id IN ({threads})"),
        ),
        (
            "acknowledged messages",
            format!("messages WHERE thread_id IN ({threads}) AND acknowledged_at IS NOT NULL"),
        ),
        (
            "break-glass uses",
            format!("break_glass WHERE person_id = '{p}'"),
        ),
        (
            "break-glass reviews and deferrals",
            format!(
                "break_glass WHERE person_id = '{p}' AND \
                 (reviewed_at IS NOT NULL OR deferred_until IS NOT NULL)"
            ),
        ),
        (
            "pending jobs of the referral and delivery",
            format!(
                "jobs WHERE status = 'pending' AND subject_id IN ('{}', '{}')",
                target.referral, target.delivery
            ),
        ),
    ];
    let columns: Vec<String> = counted
        .iter()
        .enumerate()
        .map(|(i, (_, from))| format!("(SELECT COUNT(*) FROM {from}) AS c{i}"))
        .collect();
    let sql = format!("SELECT {}", columns.join(", "));
    let mut conn = app.store.read().await.unwrap();
    let row = sqlx::query(&sql).fetch_one(&mut *conn).await.unwrap();
    counted
        .iter()
        .enumerate()
        .map(|(i, (label, _))| (*label, row.get::<i64, _>(format!("c{i}").as_str())))
        .collect()
}
