//! The year's emergency contacts, drawn day by day as episodes
//! ([`episodes`]) and given to people: those in a spell of crisis (a few
//! dozen at a time) have several episodes within weeks; everyone else has
//! one now and then. Drawn around the contacts the demo already holds, and
//! written in one transaction.

mod episodes;

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Duration, Utc};
use concordat_domain::contact_event::{ContactEvent, ContactKind, Detention};
use concordat_domain::ids::{ContactEventId, PersonId};
use concordat_domain::outcomes::Month;
use concordat_store::{contact_events, outcomes, Store};
use rand::seq::SliceRandom as _;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use self::episodes::{detained_after_triage, episode, trend, Start, STARTS};
use super::{crisis_time, how_many, id_at, season, Partnership, Window};

/// One contact of the history, before it is written.
#[derive(Debug, Clone)]
pub(super) struct Drawn {
    pub(super) person: PersonId,
    pub(super) kind: ContactKind,
    /// The reporting organisation's code.
    pub(super) reporter: &'static str,
    pub(super) outcome: &'static str,
    pub(super) at: DateTime<Utc>,
    pub(super) detention: Option<Detention>,
}

/// New spells of crisis a day (on an average day), how long one lasts,
/// and the share of episodes that fall to someone in one.
const SPELLS_A_DAY: f64 = 1.0;
const SPELL_DAYS: std::ops::Range<i64> = 10..35;
const IN_A_SPELL: f64 = 0.4;

/// The contacts the figures count already (the frequent contact list's),
/// month by month: the history is drawn around them.
pub(super) async fn already_counted(
    store: &Store,
    months: &[Month],
) -> anyhow::Result<Vec<(ContactKind, DateTime<Utc>)>> {
    let mut conn = store.read().await?;
    let mut already = Vec::new();
    for month in months {
        let history =
            outcomes::history(&mut conn, *month, concordat_server::crisis::lookup::LISTED).await?;
        let (from, to) = (month.starts_at(), month.ends_at());
        already.extend(
            history
                .contacts
                .into_iter()
                .filter(|c| c.at >= from && c.at < to)
                .map(|c| (c.kind, c.at)),
        );
    }
    Ok(already)
}

/// How far from a contact already recorded one drawn may stand in for it.
const STANDS_IN: Duration = Duration::days(2);

/// Contacts already recorded, by kind, oldest first. An episode of one
/// contact drawn near one of these of its kind is left out in its favour,
/// so the two together keep the year's shape rather than pile up; longer
/// episodes stay whole, so that a detention after street triage is never
/// left out from under it.
struct Recorded(HashMap<ContactKind, VecDeque<DateTime<Utc>>>);

impl Recorded {
    fn new(already: &[(ContactKind, DateTime<Utc>)]) -> Self {
        let mut by_kind: HashMap<ContactKind, Vec<DateTime<Utc>>> = HashMap::new();
        for (kind, at) in already {
            by_kind.entry(*kind).or_default().push(*at);
        }
        Self(
            by_kind
                .into_iter()
                .map(|(kind, mut times)| {
                    times.sort();
                    (kind, times.into())
                })
                .collect(),
        )
    }

    /// Whether a contact of `kind` at `at` is one already recorded.
    fn stands_for(&mut self, kind: ContactKind, at: DateTime<Utc>) -> bool {
        let Some(times) = self.0.get_mut(&kind) else {
            return false;
        };
        while times.front().is_some_and(|t| *t < at - STANDS_IN) {
            times.pop_front();
        }
        if times.front().is_some_and(|t| *t <= at + STANDS_IN) {
            times.pop_front();
            return true;
        }
        false
    }
}

/// Someone in a spell of crisis until `until`.
struct Spell {
    person: PersonId,
    until: DateTime<Utc>,
}

/// Draws the window's contacts among `people`, oldest first, around those
/// `already` recorded.
pub(super) fn draw(
    rng: &mut ChaCha8Rng,
    window: &Window,
    people: &[PersonId],
    already: &[(ContactKind, DateTime<Utc>)],
) -> Vec<Drawn> {
    let mut recorded = Recorded::new(already);
    let mut spells: Vec<Spell> = Vec::new();
    let mut drawn = Vec::new();
    // Detentions after street triage owed to their share so far.
    let mut owed = 0.0;
    for day in window.days() {
        let busy = season(day.date_naive());
        spells.retain(|s| s.until > day);
        for _ in 0..how_many(rng, SPELLS_A_DAY * busy) {
            if let Some(person) = people.choose(rng) {
                spells.push(Spell {
                    person: *person,
                    until: day + Duration::days(rng.gen_range(SPELL_DAYS)),
                });
            }
        }
        let progress = window.progress(day);
        for (start, per_day) in STARTS {
            for _ in 0..how_many(rng, per_day * busy * trend(start, progress)) {
                let at = day + crisis_time(rng);
                let person = match spells.choose(rng) {
                    Some(spell) if rng.gen_bool(IN_A_SPELL) => spell.person,
                    _ => match people.choose(rng) {
                        Some(person) => *person,
                        None => return drawn,
                    },
                };
                // Detentions after street triage come in their share, give
                // or take, rather than by chance alone: a month of fifty
                // contacts would otherwise swing ten points either way.
                let mut detain = false;
                if start == Start::StreetTriage {
                    owed += detained_after_triage(progress) * rng.gen_range(0.5..1.5);
                    detain = owed >= 1.0;
                    if detain {
                        owed -= 1.0;
                    }
                }
                let steps = episode(rng, start, at, progress, detain);
                if let [only] = steps.as_slice() {
                    if recorded.stands_for(only.kind, only.at) {
                        continue;
                    }
                }
                for s in steps.into_iter().filter(|s| s.at < window.now) {
                    drawn.push(Drawn {
                        person,
                        kind: s.kind,
                        reporter: s.reporter,
                        outcome: s.outcome,
                        at: s.at,
                        detention: s.detention,
                    });
                }
            }
        }
    }
    drawn.sort_by_key(|d| d.at);
    drawn
}

/// Writes `drawn` in one transaction, each contact recorded by its
/// reporter's system a little after it happened. Returns how many.
pub(super) async fn write(
    store: &Store,
    rng: &mut ChaCha8Rng,
    partnership: &Partnership,
    drawn: &[Drawn],
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let mut events = Vec::with_capacity(drawn.len());
    for d in drawn {
        let reporter = partnership.organisation(d.reporter)?;
        events.push(ContactEvent {
            id: ContactEventId::from_uuid(id_at(rng, d.at)),
            person: d.person,
            kind: d.kind,
            occurred_at: d.at,
            recorded_at: (d.at + Duration::minutes(rng.gen_range(5..90))).min(now),
            recorded_by: None,
            recorder_name: reporter.name().to_owned(),
            organisation: Some(reporter.id()),
            outcome: d.outcome.to_owned(),
            note: String::new(),
            source: None,
        });
    }
    let mut tx = store.write().await?;
    let written = contact_events::insert_new_events(&mut tx, &events).await?;
    for ((event, d), new) in events.iter().zip(drawn).zip(&written) {
        if let (Some(detention), true) = (&d.detention, new) {
            contact_events::insert_detention(&mut tx, event.id, detention).await?;
        }
    }
    tx.commit().await?;
    Ok(written.into_iter().filter(|new| *new).count())
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use rand::SeedableRng;

    use super::super::MONTHS_BEFORE;
    use super::*;

    /// Month by month: emergency contacts, section 136 detentions, street
    /// triage contacts, those not followed by a detention of the same
    /// person within a day, and people with a third contact within 30 days.
    fn by_month(drawn: &[Drawn], months: &[Month]) -> Vec<[usize; 5]> {
        let mut times: HashMap<PersonId, Vec<DateTime<Utc>>> = HashMap::new();
        for d in drawn {
            times.entry(d.person).or_default().push(d.at);
        }
        let detained = |person, from: DateTime<Utc>| {
            drawn.iter().any(|d| {
                d.person == person
                    && d.kind == ContactKind::Section136
                    && d.at >= from
                    && d.at <= from + Duration::hours(24)
            })
        };
        months
            .iter()
            .map(|month| {
                let mut f = [0; 5];
                for d in drawn.iter().filter(|d| Month::of(d.at) == *month) {
                    f[0] += 1;
                    match d.kind {
                        ContactKind::Section136 => f[1] += 1,
                        ContactKind::StreetTriage => {
                            f[2] += 1;
                            if !detained(d.person, d.at) {
                                f[3] += 1;
                            }
                        }
                        _ => {}
                    }
                }
                f[4] = times
                    .values()
                    .filter(|t| {
                        t.windows(3)
                            .any(|w| Month::of(w[2]) == *month && w[2] - w[0] <= Duration::days(30))
                    })
                    .count();
                f
            })
            .collect()
    }

    #[test]
    fn the_year_is_busier_in_winter_with_more_diverted_and_fewer_detained() {
        let now = NaiveDate::from_ymd_opt(2026, 12, 7)
            .unwrap()
            .and_hms_opt(9, 30, 0)
            .unwrap()
            .and_utc();
        let months = Month::of(now).trailing(MONTHS_BEFORE + 1);
        let window = Window {
            start: months[0].starts_at(),
            now,
        };
        let people: Vec<PersonId> = (0..1_500).map(|_| PersonId::new()).collect();
        let drawn = draw(&mut ChaCha8Rng::seed_from_u64(3), &window, &people, &[]);
        let f = by_month(&drawn, &months[..MONTHS_BEFORE]);
        let column = |i: usize| f.iter().map(|m| m[i]).collect::<Vec<_>>();
        let (crisis, s136) = (column(0), column(1));
        // December and January against July and August.
        assert!(
            crisis[0] + crisis[1] > (crisis[7] + crisis[8]) * 5 / 4,
            "{crisis:?}"
        );
        assert!(crisis.iter().all(|c| (200..600).contains(c)), "{crisis:?}");
        assert!(
            s136[..3].iter().sum::<usize>() > s136[9..].iter().sum::<usize>() * 5 / 4,
            "{s136:?}"
        );
        for m in &f {
            let diverted = m[3] as f64 / m[2] as f64;
            assert!((0.68..0.9).contains(&diverted), "{f:?}");
        }
        let repeat = column(4);
        assert!(
            repeat[1..].iter().all(|n| (20..80).contains(n)),
            "{repeat:?}"
        );
    }

    #[test]
    fn a_contact_already_recorded_stands_in_for_one_drawn_near_it() {
        let at = NaiveDate::from_ymd_opt(2026, 6, 1)
            .unwrap()
            .and_hms_opt(22, 0, 0)
            .unwrap()
            .and_utc();
        let mut recorded = Recorded::new(&[(ContactKind::Section136, at)]);
        assert!(!recorded.stands_for(ContactKind::Call999, at));
        assert!(!recorded.stands_for(ContactKind::Section136, at - Duration::days(3)));
        assert!(recorded.stands_for(ContactKind::Section136, at + Duration::days(1)));
        assert!(!recorded.stands_for(ContactKind::Section136, at));
    }
}
