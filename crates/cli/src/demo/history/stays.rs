//! The year's stays on the mental health trust's wards: each admission,
//! its discharge weeks later, and the community team's follow-up after it
//! — within 72 hours for most, and for more of them as the year goes on —
//! so the dashboard's figures for leaving hospital have the shape real
//! ones have. A stay not over by now is an admission alone.

use chrono::{DateTime, Duration, Utc};
use concordat_domain::contact_event::ContactKind;
use concordat_domain::ids::PersonId;
use rand::seq::SliceRandom as _;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::contacts::Drawn;
use super::{how_many, season, Window};

/// Admissions on an average day (about two dozen a month).
const ADMISSIONS_A_DAY: f64 = 0.8;
/// How long a stay lasts, in days.
const STAY_DAYS: std::ops::Range<i64> = 5..45;
/// The share of discharges followed up within 72 hours, at the year's
/// start and by now.
const IN_TIME: (f64, f64) = (0.72, 0.9);
/// The share never followed up at all; the rest are seen late.
const NEVER: f64 = 0.04;
/// The trust whose wards these are.
const TRUST: &str = "NMHT";

/// Draws the window's stays among `people`, oldest first.
pub(super) fn draw(rng: &mut ChaCha8Rng, window: &Window, people: &[PersonId]) -> Vec<Drawn> {
    let mut drawn = Vec::new();
    for day in window.days() {
        for _ in 0..how_many(rng, ADMISSIONS_A_DAY * season(day.date_naive())) {
            let Some(person) = people.choose(rng).copied() else {
                return drawn;
            };
            let admitted = day + Duration::minutes(rng.gen_range(0..24 * 60));
            let discharged = admitted
                + Duration::days(rng.gen_range(STAY_DAYS))
                + Duration::minutes(rng.gen_range(0..8 * 60));
            let progress = window.progress(discharged);
            let in_time = IN_TIME.0 + (IN_TIME.1 - IN_TIME.0) * progress;
            let roll: f64 = rng.gen();
            let followed = if roll < in_time {
                Some(discharged + Duration::hours(rng.gen_range(4..72)))
            } else if roll < 1.0 - NEVER {
                Some(discharged + Duration::hours(rng.gen_range(73..240)))
            } else {
                None
            };
            let steps: [(ContactKind, Option<DateTime<Utc>>, &'static str); 3] = [
                (ContactKind::Admission, Some(admitted), "admitted to a ward"),
                (ContactKind::Discharge, Some(discharged), "discharged home"),
                (
                    ContactKind::FollowUp,
                    followed,
                    "seen at home by the community team",
                ),
            ];
            for (kind, at, outcome) in steps {
                // A stay goes in order: nothing after what has not happened.
                let Some(at) = at.filter(|at| *at < window.now) else {
                    break;
                };
                drawn.push(Drawn {
                    person,
                    kind,
                    reporter: TRUST,
                    outcome,
                    at,
                    detention: None,
                });
            }
        }
    }
    drawn.sort_by_key(|d| d.at);
    drawn
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn most_discharges_are_followed_up_in_time_and_more_by_the_years_end() {
        let window = Window {
            start: Utc.with_ymd_and_hms(2025, 12, 1, 0, 0, 0).unwrap(),
            now: Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap(),
        };
        let people: Vec<PersonId> = (0..500).map(|_| PersonId::new()).collect();
        let drawn = draw(&mut ChaCha8Rng::seed_from_u64(7), &window, &people);
        let of = |kind| drawn.iter().filter(move |d| d.kind == kind);
        let admissions = of(ContactKind::Admission).count();
        assert!((250..=400).contains(&admissions), "{admissions}");
        // Each half of the year: discharges, and those followed up within
        // 72 hours by the same person's follow-up.
        let half = window.start + (window.now - window.start) / 2;
        let mut halves = [(0, 0); 2];
        for d in of(ContactKind::Discharge) {
            let in_time = of(ContactKind::FollowUp).any(|f| {
                f.person == d.person && f.at >= d.at && f.at <= d.at + Duration::hours(72)
            });
            let h = usize::from(d.at >= half);
            halves[h].0 += 1;
            halves[h].1 += usize::from(in_time);
        }
        let share = |(all, followed): (usize, usize)| followed as f64 / all as f64;
        assert!(share(halves[0]) > 0.6, "{halves:?}");
        assert!(share(halves[1]) > share(halves[0]), "{halves:?}");
        // Nothing drawn after now, and in order.
        assert!(drawn.iter().all(|d| d.at < window.now));
        assert!(drawn.windows(2).all(|w| w[0].at <= w[1].at));
    }
}
