//! What becomes of one referral: acknowledged and answered at delays
//! drawn against its deadlines, a few late, fewer as the year goes on;
//! escalated while unacknowledged, as the server escalates; cancelled now
//! and then; each step on its timeline. One still waiting at `now` has
//! what a waiting referral has: its receiving team told, both
//! organisations' relationship with the person, and the next escalation
//! step scheduled.

use chrono::{DateTime, Duration, Utc};
use concordat_domain::calendar::WorkingCalendar;
use concordat_domain::dates::when;
use concordat_domain::referral::{escalation_due, ReferralStatus};
use concordat_domain::user::User;
use concordat_server::escalation::referral::KIND as ESCALATION;
use concordat_server::referrals::sending::open_relationships;
use concordat_store::notifications::{self, Notification};
use concordat_store::referrals::{self, Referral, ReferralEvent};
use concordat_store::{jobs, persons, Conn};
use rand::seq::SliceRandom as _;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{Lane, PRACTICES, SOCIAL_CARE};
use crate::demo::history::Window;

/// Why a team declines, in its own words.
const DECLINED: &[&str] = &[
    "Needs are better met by the community team; advice given to the referrer.",
    "Already open to another team; the referrer was told whom to contact.",
    "Does not meet the service's criteria; signposted to talking therapies.",
];
/// Why a sender cancels.
const CANCELLED: &[&str] = &[
    "No longer needed: admitted to hospital.",
    "Sent to the wrong team; sent again to the right one.",
];

/// The share acknowledged late: falling over the year as teams settle
/// into the deadlines, higher for the busiest duty teams.
fn late_to_acknowledge(progress: f64, team: &str) -> f64 {
    let busier = match team {
        SOCIAL_CARE => 0.1,
        t if PRACTICES.contains(&t) => 0.05,
        _ => 0.0,
    };
    0.22 - 0.12 * progress + busier
}

/// The share answered late, and more so for those acknowledged late.
fn late_to_answer(progress: f64, acknowledged_late: bool) -> f64 {
    0.12 - 0.06 * progress + if acknowledged_late { 0.25 } else { 0.0 }
}

/// `d` scaled by `by`.
fn scaled(d: Duration, by: f64) -> Duration {
    Duration::seconds((d.num_seconds() as f64 * by) as i64)
}

/// Who did something on a referral's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum By {
    Sender,
    Receiver,
    /// The server, escalating a missed deadline.
    Concordat,
}

/// One thing that happened to a referral, for its timeline.
struct Step {
    at: DateTime<Utc>,
    kind: &'static str,
    by: By,
    note: String,
}

/// Lives `referral` from its sending to `window.now`: what its receiving
/// team did and when, and what the server did meanwhile; then writes it
/// with its timeline, and, while it waits, what a waiting referral has.
pub(super) async fn live(
    tx: &mut Conn,
    rng: &mut ChaCha8Rng,
    mut referral: Referral,
    sender: &User,
    lane: &Lane<'_>,
    window: &Window,
    calendar: &WorkingCalendar,
) -> anyhow::Result<()> {
    let now = window.now;
    let sent = referral.created_at;
    let progress = window.progress(sent);
    let span = lane.levels.for_urgency(referral.urgency).acknowledge;
    let to_acknowledge = referral.acknowledge_due - sent;
    let member = *lane.members.choose(rng).unwrap_or(&lane.members[0]);

    // Cancelled by the sender before anyone acknowledged it, or
    // acknowledged (late or in time) by someone in the team.
    let cancelled = rng
        .gen_bool(0.03)
        .then(|| sent + scaled(to_acknowledge, rng.gen_range(0.1..0.9)));
    let late = rng.gen_bool(late_to_acknowledge(progress, lane.team.name()).clamp(0.0, 1.0));
    let acknowledged = if late {
        // Mostly within a period more; now and then well past it.
        referral.acknowledge_due + scaled(to_acknowledge, 0.05 + 1.3 * rng.gen::<f64>().powi(2))
    } else {
        sent + scaled(to_acknowledge, 0.03 + 0.9 * rng.gen::<f64>().powi(2))
    };
    let late_answer = late_to_answer(progress, late).clamp(0.0, 1.0);
    let answered = if !rng.gen_bool(late_answer) && referral.respond_due > acknowledged {
        let left = referral.respond_due - acknowledged;
        acknowledged + scaled(left, 0.05 + 0.85 * rng.gen::<f64>().powf(1.5))
    } else {
        referral.respond_due.max(acknowledged)
            + scaled(referral.respond_due - sent, rng.gen_range(0.05..0.8))
    };
    let accepted = rng.gen_bool(0.82);
    let completed = answered + Duration::days(rng.gen_range(10..45));

    let mut steps = Vec::new();
    // Escalated at each step due while no one acknowledged it.
    let waited_until = cancelled.unwrap_or(acknowledged).min(now);
    for step in 1..=2 {
        let due = escalation_due(referral.acknowledge_due, span, step, calendar);
        if due < waited_until {
            let whom = if step == 1 {
                format!("the duty contact of {}", lane.team.name())
            } else {
                "the partnership's escalation contact".to_owned()
            };
            referral.escalation_step = i64::from(step);
            steps.push(Step {
                at: due,
                kind: "escalated",
                by: By::Concordat,
                note: format!(
                    "{} referral not acknowledged by {}; escalated to {whom}",
                    referral.urgency.label(),
                    when(due)
                ),
            });
        }
    }
    let receiver = |at, status: ReferralStatus, note: String| Step {
        at,
        kind: status.as_str(),
        by: By::Receiver,
        note,
    };
    match cancelled {
        Some(at) if at < now => {
            referral.status = ReferralStatus::Cancelled;
            steps.push(Step {
                at,
                kind: ReferralStatus::Cancelled.as_str(),
                by: By::Sender,
                note: CANCELLED.choose(rng).copied().unwrap_or_default().into(),
            });
        }
        None if acknowledged < now => {
            referral.status = ReferralStatus::Acknowledged;
            referral.acknowledged_at = Some(acknowledged);
            referral.acknowledged_by = Some(member.id());
            steps.push(receiver(
                acknowledged,
                ReferralStatus::Acknowledged,
                String::new(),
            ));
            if answered < now {
                let (status, note) = if accepted {
                    (ReferralStatus::Accepted, None)
                } else {
                    let why = DECLINED.choose(rng).copied().unwrap_or_default();
                    (ReferralStatus::Declined, Some(why.to_owned()))
                };
                referral.status = status;
                referral.decided_at = Some(answered);
                referral.decided_by = Some(member.id());
                referral.decision_note.clone_from(&note);
                steps.push(receiver(answered, status, note.unwrap_or_default()));
                if accepted && completed < now {
                    referral.status = ReferralStatus::Completed;
                    steps.push(receiver(
                        completed,
                        ReferralStatus::Completed,
                        String::new(),
                    ));
                }
            }
        }
        // Still waiting: for its cancellation or its acknowledgement.
        _ => {}
    }
    steps.sort_by_key(|s| s.at);

    referrals::insert_referral(tx, &referral).await?;
    referrals::add_event(
        tx,
        referral.id,
        &ReferralEvent {
            at: sent,
            kind: "sent".into(),
            actor: Some(sender.id()),
            actor_name: sender.display_name().as_str().to_owned(),
            note: format!(
                "{} referral; acknowledge by {}, respond by {}",
                referral.urgency.label(),
                when(referral.acknowledge_due),
                when(referral.respond_due)
            ),
        },
    )
    .await?;
    for step in steps {
        let actor = match step.by {
            By::Sender => Some(sender),
            By::Receiver => Some(member),
            By::Concordat => None,
        };
        referrals::add_event(
            tx,
            referral.id,
            &ReferralEvent {
                at: step.at,
                kind: step.kind.into(),
                actor: actor.map(User::id),
                actor_name: actor.map_or_else(
                    || "Concordat (deadline missed)".to_owned(),
                    |u| u.display_name().as_str().to_owned(),
                ),
                note: step.note,
            },
        )
        .await?;
    }
    if referral.status.is_open() {
        waiting(tx, &referral, sender, lane, calendar, now).await?;
    }
    Ok(())
}

/// What a referral still waiting has, as the server gives it on sending:
/// both organisations' relationship with the person; and while no one
/// has acknowledged it, the receiving team told and the next escalation
/// step scheduled.
async fn waiting(
    tx: &mut Conn,
    referral: &Referral,
    sender: &User,
    lane: &Lane<'_>,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    open_relationships(tx, referral, referral.created_at).await?;
    if referral.status != ReferralStatus::Sent {
        return Ok(());
    }
    let step = referral.escalation_step + 1;
    if step <= 2 {
        let span = lane.levels.for_urgency(referral.urgency).acknowledge;
        let due = escalation_due(
            referral.acknowledge_due,
            span,
            u32::try_from(step).unwrap_or(1),
            calendar,
        );
        jobs::schedule(
            tx,
            ESCALATION,
            &referral.id.to_string(),
            step,
            due,
            "{}",
            now,
        )
        .await?;
    }
    let person = persons::person_by_id(tx, referral.person)
        .await?
        .map(|p| p.name().full())
        .unwrap_or_default();
    let told: Vec<Notification> = lane
        .members
        .iter()
        .map(|member| Notification {
            id: uuid::Uuid::new_v4(),
            user: member.id(),
            kind: "referral-received".into(),
            subject: format!("{} referral: {person}", referral.urgency.label()),
            body: format!(
                "From {}. Acknowledge by {}.",
                sender.display_name().as_str(),
                when(referral.acknowledge_due)
            ),
            link: Some(format!("/referrals/{}", referral.id)),
            created_at: referral.created_at,
            read_at: None,
        })
        .collect();
    notifications::insert_notifications(tx, &told).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::partnership::CRISIS_TEAM;

    #[test]
    fn fewer_are_late_as_the_year_goes_on() {
        assert!(late_to_acknowledge(1.0, CRISIS_TEAM) < late_to_acknowledge(0.0, CRISIS_TEAM));
        assert!(late_to_acknowledge(0.0, SOCIAL_CARE) < 0.5);
        assert!(late_to_answer(1.0, false) > 0.0);
    }
}
