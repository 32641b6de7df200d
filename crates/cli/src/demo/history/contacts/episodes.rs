//! One episode of crisis as the partnership's services meet it: a 999
//! call that ends in the emergency department, a street triage contact
//! after which the person goes home or is detained under section 136, a
//! call to NHS 111 or the crisis line. Each contact is reported by an
//! organisation that can truthfully report its kind; each detention says
//! where the person was taken and how. How many episodes of each kind a
//! day, and how that moves over the year, is here too.

use chrono::{DateTime, Duration, Utc};
use concordat_domain::contact_event::{ContactKind, Conveyance, Detention, PlaceOfSafety};
use rand::seq::SliceRandom as _;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::super::weighted;

/// What starts an episode, and how many a day at the window's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Start {
    Call999,
    Call111,
    CrisisLine,
    /// Someone who comes to the emergency department themselves.
    WalkIn,
    StreetTriage,
    /// A detention where no street triage team was available.
    Section136,
}

pub(super) const STARTS: [(Start, f64); 6] = [
    (Start::Call999, 2.0),
    (Start::Call111, 1.9),
    (Start::CrisisLine, 2.0),
    (Start::WalkIn, 1.4),
    (Start::StreetTriage, 1.1),
    (Start::Section136, 0.5),
];

/// How a start's daily number moves over the year, `progress` running
/// from 0 to 1: street triage grows by more than half, detentions
/// without it fall by more than half, and the rest creep up.
pub(super) fn trend(start: Start, progress: f64) -> f64 {
    match start {
        Start::StreetTriage => 1.0 + 0.7 * progress,
        Start::Section136 => 1.0 - 0.7 * progress,
        _ => 1.0 + 0.06 * progress,
    }
}

/// The share of street triage contacts followed by a detention: falling
/// over the year as more people are diverted (diversion rises from about
/// 74 % to 84 %).
pub(super) fn detained_after_triage(progress: f64) -> f64 {
    0.26 - 0.1 * progress
}

/// Every (kind, reporter) this file writes: each reporter can truthfully
/// report its kind (checked by a test against `ContactKind::reported_by`).
#[cfg(test)]
const REPORTED: [(ContactKind, &str); 11] = [
    (ContactKind::Call999, "NSAMB"),
    (ContactKind::Call999, "NSPOL"),
    (ContactKind::ConveyanceToEd, "NSAMB"),
    (ContactKind::ConveyanceToEd, "NSPOL"),
    (ContactKind::EdAttendance, "NGHED"),
    (ContactKind::Call111, "NS111"),
    (ContactKind::CrisisLineCall, "NMHT"),
    (ContactKind::CrisisLineCall, "NS111"),
    (ContactKind::StreetTriage, "NSPOL"),
    (ContactKind::StreetTriage, "NMHT"),
    (ContactKind::Section136, "NSPOL"),
];

/// One contact of an episode, before it is someone's.
#[derive(Debug, Clone, Copy)]
pub(super) struct Step {
    pub(super) kind: ContactKind,
    /// The reporting organisation's code.
    pub(super) reporter: &'static str,
    pub(super) outcome: &'static str,
    pub(super) at: DateTime<Utc>,
    /// Where a detention took the person, and how.
    pub(super) detention: Option<Detention>,
}

fn step(
    kind: ContactKind,
    reporter: &'static str,
    outcome: &'static str,
    at: DateTime<Utc>,
) -> Step {
    Step {
        kind,
        reporter,
        outcome,
        at,
        detention: None,
    }
}

fn one_of(rng: &mut ChaCha8Rng, outcomes: &[&'static str]) -> &'static str {
    outcomes.choose(rng).copied().unwrap_or_default()
}

fn minutes(rng: &mut ChaCha8Rng, range: std::ops::Range<i64>) -> Duration {
    Duration::minutes(rng.gen_range(range))
}

/// Taken to the emergency department from `at` by the organisation coded
/// `by`, and seen there.
fn conveyed(rng: &mut ChaCha8Rng, at: DateTime<Utc>, by: &'static str, out: &mut Vec<Step>) {
    use ContactKind as K;
    let at = at + minutes(rng, 20..70);
    out.push(step(
        K::ConveyanceToEd,
        by,
        "Taken to Northshire General A&E",
        at,
    ));
    let outcome = one_of(
        rng,
        &[
            "Seen by liaison; discharged home",
            "Seen by liaison; referred to the crisis team",
            "Seen by liaison; admitted to Willow Ward",
        ],
    );
    out.push(step(
        K::EdAttendance,
        "NGHED",
        outcome,
        at + minutes(rng, 15..60),
    ));
}

/// Detained under section 136 at `at`: taken to the health-based place of
/// safety, now and then to the emergency department, and rarely (less so
/// as the year goes on) to a police station; by ambulance more often as
/// the year goes on.
fn detained(rng: &mut ChaCha8Rng, at: DateTime<Utc>, progress: f64, out: &mut Vec<Step>) {
    use {Conveyance as C, PlaceOfSafety as P};
    let by_ambulance = 0.45 + 0.25 * progress;
    if rng.gen_bool(0.3) {
        let by = if rng.gen_bool(by_ambulance) {
            "NSAMB"
        } else {
            "NSPOL"
        };
        let conveyed_by = if by == "NSAMB" {
            C::Ambulance
        } else {
            C::PoliceVehicle
        };
        out.push(Step {
            detention: Some(Detention {
                place_of_safety: P::EmergencyDepartment,
                conveyed_by,
            }),
            ..step(
                ContactKind::Section136,
                "NSPOL",
                "Taken to A&E as a place of safety",
                at,
            )
        });
        conveyed(rng, at, by, out);
        return;
    }
    // In a thousand: a police station falls from 8 % to 2 %.
    let station = (80.0 - 60.0 * progress) as u32;
    let place = weighted(
        rng,
        &[
            (P::HealthBased, 980 - station),
            (P::PoliceStation, station),
            (P::Other, 20),
        ],
    );
    let (outcome, conveyed_by) = match place {
        P::PoliceStation => (
            "Taken to a police station as the place of safety",
            C::PoliceVehicle,
        ),
        _ if rng.gen_bool(by_ambulance) => {
            ("Taken to the place of safety by ambulance", C::Ambulance)
        }
        _ => ("Taken to the place of safety", C::PoliceVehicle),
    };
    out.push(Step {
        detention: Some(Detention {
            place_of_safety: place,
            conveyed_by,
        }),
        ..step(ContactKind::Section136, "NSPOL", outcome, at)
    });
}

/// The contacts of one episode starting `at`, oldest first; street
/// triage ends in a detention when `detain`.
pub(super) fn episode(
    rng: &mut ChaCha8Rng,
    start: Start,
    at: DateTime<Utc>,
    progress: f64,
    detain: bool,
) -> Vec<Step> {
    use ContactKind as K;
    let mut out = Vec::new();
    match start {
        Start::Call999 => {
            let by = weighted(rng, &[("NSAMB", 92), ("NSPOL", 8)]);
            if rng.gen_bool(0.35) {
                out.push(step(K::Call999, by, "Attended; taken to A&E", at));
                let conveying = weighted(rng, &[("NSAMB", 90), ("NSPOL", 10)]);
                conveyed(rng, at, conveying, &mut out);
            } else {
                let outcome = one_of(
                    rng,
                    &[
                        "Attended; advice given at home",
                        "Attended; crisis team asked to call",
                        "Advice by phone from the clinical hub",
                    ],
                );
                out.push(step(K::Call999, by, outcome, at));
            }
        }
        Start::Call111 => {
            if rng.gen_bool(0.12) {
                out.push(step(K::Call111, "NS111", "Advised to attend A&E", at));
                let seen = at + minutes(rng, 60..300);
                out.push(step(
                    K::EdAttendance,
                    "NGHED",
                    "Seen by liaison; discharged home",
                    seen,
                ));
            } else {
                let outcome = one_of(
                    rng,
                    &[
                        "Advised to contact the crisis line",
                        "Put through to the mental health option",
                        "GP out-of-hours appointment booked",
                    ],
                );
                out.push(step(K::Call111, "NS111", outcome, at));
            }
        }
        Start::CrisisLine => {
            let by = weighted(rng, &[("NMHT", 88), ("NS111", 12)]);
            let outcome = one_of(
                rng,
                &[
                    "Talked through the crisis plan",
                    "Call back arranged for the morning",
                    "Home treatment team visit arranged",
                ],
            );
            out.push(step(K::CrisisLineCall, by, outcome, at));
        }
        Start::WalkIn => {
            let outcome = one_of(
                rng,
                &[
                    "Seen by liaison; discharged home",
                    "Seen by liaison; referred to the crisis team",
                    "Left before being seen",
                ],
            );
            out.push(step(K::EdAttendance, "NGHED", outcome, at));
        }
        Start::StreetTriage => {
            let by = weighted(rng, &[("NSPOL", 85), ("NMHT", 15)]);
            if detain {
                out.push(step(
                    K::StreetTriage,
                    by,
                    "Seen with the crisis nurse; detained",
                    at,
                ));
                // Mostly at once; now and then after a second call later on.
                let later = if rng.gen_bool(0.8) {
                    minutes(rng, 10..90)
                } else {
                    minutes(rng, 120..1_200)
                };
                detained(rng, at + later, progress, &mut out);
            } else {
                let outcome = one_of(
                    rng,
                    &[
                        "Seen with the crisis nurse; taken home",
                        "Seen with the crisis nurse; taken to the crisis café",
                        "Seen with the crisis nurse; stayed with family",
                    ],
                );
                out.push(step(K::StreetTriage, by, outcome, at));
            }
        }
        Start::Section136 => detained(rng, at, progress, &mut out),
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use rand::SeedableRng;

    use super::*;
    use crate::demo::partnership::ORGANISATIONS;

    #[test]
    fn every_contact_is_reported_by_an_organisation_that_can_report_its_kind() {
        for (kind, code) in REPORTED {
            let organisation = ORGANISATIONS.iter().find(|o| o.code == code).unwrap();
            assert!(kind.reported_by(organisation.kind), "{kind:?} by {code}");
        }
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let at = NaiveDate::from_ymd_opt(2026, 3, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc();
        for start in STARTS.map(|(s, _)| s) {
            for _ in 0..200 {
                let detain = rng.gen();
                for s in episode(&mut rng, start, at, 0.5, detain) {
                    let (kind, code) = (s.kind, s.reporter);
                    assert!(REPORTED.contains(&(kind, code)), "{kind:?} by {code}");
                    assert_eq!(s.detention.is_some(), kind == ContactKind::Section136);
                }
            }
        }
    }
}
