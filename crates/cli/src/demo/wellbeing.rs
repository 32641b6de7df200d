//! The demo's traumatic incidents, so that the wellbeing page and the
//! outcome dashboard's "Safeguarding those who safeguard" figures have
//! something in them: this week PC Sam Whitaker (`police`) attended a
//! suicide attempt, his first check not yet due; PC Rhian Jones
//! (`pc.jones`) a death ten days ago, her first check done and the
//! follow-up to come; Piotr Nowak (`p.nowak`) a serious self-harm, and
//! declined the first check; Jo Adeyemi (`paramedic`) a restraint some
//! forty days ago, both checks done; and some twenty attendances by the
//! police and ambulance staff over the past year, nearly all offered
//! within 72 hours, some declined or opted out of.
//!
//! Each attendance follows the domain's rules (`Attendance::offered`,
//! `end`, `opt_out`); a check still open has its reminder scheduled as a
//! recorded one does. Run once, before the outcome figures are worked out.

use chrono::{DateTime, Duration, Utc};
use concordat_domain::ids::UserId;
use concordat_domain::role::Role;
use concordat_domain::user::{User, Username};
use concordat_domain::wellbeing::{Attendance, Band, IncidentKind, Outcome, Stage};
use concordat_server::wellbeing::reminders;
use concordat_store::wellbeing::{self as store, Attended, Incident};
use concordat_store::{notifications, users, Conn, Store};

use Band::{High, Low, Raised};
use IncidentKind::{ChildAtRisk, Death, Restraint, SeriousSelfHarm, SuicideAttempt};
use Step::{Declined, Done, Open};

/// What became of one check.
#[derive(Debug, Clone, Copy)]
enum Step {
    Open,
    Declined,
    /// Done: the band, whether support was taken up, whether an onward
    /// referral was made.
    Done(Band, bool, bool),
}

/// One member of staff at an incident.
#[derive(Debug)]
struct Attending {
    username: &'static str,
    first: Step,
    follow_up: Step,
    /// Days after the incident they opted out of what was still open.
    opted_out_after: Option<i64>,
}

const fn at(username: &'static str, first: Step, follow_up: Step) -> Attending {
    Attending {
        username,
        first,
        follow_up,
        opted_out_after: None,
    }
}

const fn opted_out(username: &'static str, first: Step, after_days: i64) -> Attending {
    Attending {
        username,
        first,
        follow_up: Open,
        opted_out_after: Some(after_days),
    }
}

#[derive(Debug)]
struct DemoIncident {
    days_ago: i64,
    kind: IncidentKind,
    /// Hours after the incident it was recorded: more than 72 is an offer
    /// made late.
    recorded_after_hours: i64,
    attended: &'static [Attending],
}

const fn incident(
    days_ago: i64,
    kind: IncidentKind,
    recorded_after_hours: i64,
    attended: &'static [Attending],
) -> DemoIncident {
    DemoIncident {
        days_ago,
        kind,
        recorded_after_hours,
        attended,
    }
}

impl DemoIncident {
    /// When it happened and when it was recorded, `now` being the demo's.
    fn times(&self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let occurred_at = now - Duration::days(self.days_ago) - Duration::hours(5);
        (
            occurred_at,
            occurred_at + Duration::hours(self.recorded_after_hours),
        )
    }
}

/// Newest first. Incidents older than about six weeks have every check
/// ended or opted out of, so the demo starts with no old reminders due.
const INCIDENTS: &[DemoIncident] = &[
    incident(2, SuicideAttempt, 3, &[at("police", Open, Open)]),
    incident(5, SeriousSelfHarm, 6, &[at("p.nowak", Declined, Open)]),
    incident(
        10,
        Death,
        2,
        &[at("pc.jones", Done(Low, false, false), Open)],
    ),
    incident(
        21,
        ChildAtRisk,
        20,
        &[at("m.clarke", Done(Low, false, false), Open)],
    ),
    incident(
        40,
        Restraint,
        4,
        &[at(
            "paramedic",
            Done(Raised, true, false),
            Done(Low, false, false),
        )],
    ),
    incident(
        58,
        Death,
        1,
        &[
            at("pc.ahmed", Done(Low, false, false), Done(Low, false, false)),
            at("sgt.hill", Declined, Declined),
        ],
    ),
    incident(
        75,
        SuicideAttempt,
        5,
        &[at(
            "police",
            Done(Raised, true, false),
            Done(Low, false, false),
        )],
    ),
    incident(
        96,
        Death,
        8,
        &[
            at(
                "paramedic",
                Done(High, true, true),
                Done(Raised, true, false),
            ),
            at("m.clarke", Done(Low, false, false), Done(Low, false, false)),
        ],
    ),
    incident(120, Restraint, 30, &[opted_out("pc.jones", Open, 1)]),
    incident(
        150,
        SeriousSelfHarm,
        120,
        &[at("p.nowak", Done(Low, false, false), Declined)],
    ),
    incident(
        180,
        SuicideAttempt,
        2,
        &[
            at("police", Done(Low, false, false), Done(Low, false, false)),
            at(
                "pc.jones",
                Done(Raised, true, false),
                Done(Low, false, false),
            ),
        ],
    ),
    incident(210, ChildAtRisk, 10, &[at("pc.ahmed", Declined, Declined)]),
    incident(
        245,
        Death,
        6,
        &[at(
            "m.clarke",
            Done(Raised, true, false),
            Done(Raised, true, true),
        )],
    ),
    incident(
        270,
        Restraint,
        96,
        &[opted_out("sgt.hill", Done(Low, false, false), 10)],
    ),
    incident(
        300,
        SuicideAttempt,
        3,
        &[
            at(
                "paramedic",
                Done(Low, false, false),
                Done(Low, false, false),
            ),
            at("p.nowak", Done(Low, false, false), Declined),
        ],
    ),
    incident(
        325,
        Death,
        12,
        &[at(
            "police",
            Done(High, true, true),
            Done(Raised, true, false),
        )],
    ),
];

/// Writes the incidents (see the module's header); returns how many
/// attendances were written, none when a demo user is missing.
pub async fn seed_wellbeing(store: &Store, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut tx = store.write().await?;
    let mut written = 0;
    for demo in INCIDENTS {
        let (occurred_at, recorded_at) = demo.times(now);
        let mut staff = Vec::new();
        for attending in demo.attended {
            let found =
                users::user_by_username(&mut tx, &Username::parse(attending.username)?).await?;
            let Some(user) = found else {
                // Dropped unfinished, the transaction writes nothing.
                return Ok(0);
            };
            staff.push((user, attending));
        }
        let Some((recorder, _)) = staff.first() else {
            continue;
        };
        let incident = Incident {
            id: uuid::Uuid::new_v4(),
            organisation: recorder.organisation_id(),
            kind: demo.kind,
            occurred_at,
            recorded_by: recorder.id(),
            recorded_at,
        };
        store::insert_incident(&mut tx, &incident).await?;
        for (user, attending) in &staff {
            let attended = Attended {
                incident: incident.clone(),
                organisation: user.organisation_id(),
                team: user.team_id(),
                attendance: attendance(
                    user.id(),
                    lead_of(&mut tx, user).await?,
                    attending,
                    (occurred_at, recorded_at),
                    now,
                )?,
            };
            store::insert_attendance(&mut tx, &attended).await?;
            for check in &attended.attendance.checks {
                if attended.attendance.is_open(check.stage) {
                    reminders::schedule(&mut tx, &incident, user.id(), check, now).await?;
                }
            }
            written += 1;
        }
    }
    tx.commit().await?;
    Ok(written)
}

/// The wellbeing lead who does `user`'s checks with them: their
/// organisation's first, or (with none) they record their own.
async fn lead_of(conn: &mut Conn, user: &User) -> anyhow::Result<UserId> {
    Ok(
        notifications::users_with_role(conn, user.organisation_id(), Role::WellbeingLead)
            .await?
            .into_iter()
            .next()
            .unwrap_or(user.id()),
    )
}

/// `staff`'s attendance, its checks ended as `attending` says: a check done
/// with `lead` a day after it fell due (two for the follow-up), one
/// declined by the staff member when it fell due.
fn attendance(
    staff: UserId,
    lead: UserId,
    attending: &Attending,
    (occurred_at, recorded_at): (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> anyhow::Result<Attendance> {
    let mut attendance = Attendance::offered(staff, occurred_at, recorded_at);
    for (stage, step, days_late) in [
        (Stage::First, attending.first, 1),
        (Stage::FollowUp, attending.follow_up, 2),
    ] {
        let due = stage.due(occurred_at).max(recorded_at);
        let (outcome, by, at) = match step {
            Open => continue,
            Declined => (Outcome::Declined, staff, due),
            Done(band, support_taken_up, onward_referral) => (
                Outcome::Done {
                    band,
                    support_taken_up,
                    onward_referral,
                },
                lead,
                due + Duration::days(days_late),
            ),
        };
        anyhow::ensure!(
            at <= now,
            "the demo's check for `{}` ends after now",
            attending.username
        );
        attendance.end(stage, outcome, by, at)?;
    }
    if let Some(days) = attending.opted_out_after {
        attendance.opt_out(occurred_at + Duration::days(days));
    }
    Ok(attendance)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn built(now: DateTime<Utc>) -> Vec<(&'static DemoIncident, &'static str, Attendance)> {
        let (staff, lead) = (UserId::new(), UserId::new());
        INCIDENTS
            .iter()
            .flat_map(|i| i.attended.iter().map(move |a| (i, a)))
            .map(|(i, a)| {
                let built = attendance(staff, lead, a, i.times(now), now).expect("by the rules");
                (i, a.username, built)
            })
            .collect()
    }

    #[test]
    fn the_stories_are_where_the_demo_says() {
        let now = Utc.with_ymd_and_hms(2026, 3, 3, 9, 0, 0).unwrap();
        let all = built(now);
        let of = |username: &str, days_ago: i64| {
            all.iter()
                .find(|(i, u, _)| *u == username && i.days_ago == days_ago)
                .map(|(_, _, a)| a.clone())
                .expect("in the demo")
        };
        let police = of("police", 2);
        assert_eq!(police.next(), Some(Stage::First));
        assert!(
            police.check(Stage::First).unwrap().due_at > now,
            "not yet due"
        );
        let jones = of("pc.jones", 10);
        assert!(matches!(
            jones.check(Stage::First).unwrap().outcome,
            Some(Outcome::Done {
                band: Band::Low,
                ..
            })
        ));
        assert_eq!(jones.next(), Some(Stage::FollowUp));
        let paramedic = of("paramedic", 40);
        assert_eq!(paramedic.next(), None);
        assert!(paramedic.follow_up_done());
        assert!(matches!(
            paramedic.check(Stage::First).unwrap().outcome,
            Some(Outcome::Done {
                band: Band::Raised,
                support_taken_up: true,
                ..
            })
        ));
        let nowak = of("p.nowak", 5);
        assert_eq!(
            nowak.check(Stage::First).unwrap().outcome,
            Some(Outcome::Declined)
        );
    }

    #[test]
    fn a_year_of_attendances_with_nothing_old_left_open() {
        let now = Utc.with_ymd_and_hms(2026, 3, 3, 9, 0, 0).unwrap();
        let all = built(now);
        assert!((12..=30).contains(&all.len()), "{}", all.len());
        let months: std::collections::BTreeSet<_> = all
            .iter()
            .map(|(i, _, _)| i.times(now).0.format("%Y-%m").to_string())
            .collect();
        assert!(months.len() >= 10, "{months:?}");
        for (i, username, a) in &all {
            assert!(i.days_ago <= 335, "within the dashboard's year");
            if i.days_ago > 42 {
                assert_eq!(a.next(), None, "{username}, {} days ago", i.days_ago);
            }
        }
        assert!(
            all.iter().any(|(_, _, a)| !a.offered_in_time()),
            "some offers were late"
        );
    }
}
