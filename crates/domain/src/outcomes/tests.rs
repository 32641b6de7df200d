//! Each measure's definition on small hand-made histories.

use chrono::{DateTime, Duration, TimeZone, Utc};
use uuid::Uuid;

use super::tally::{out_of_hours, percentile};
use super::*;
use crate::calendar::{WorkingCalendar, ENGLAND_AND_WALES};
use crate::contact_event::{ContactKind, Conveyance, Detention, PlaceOfSafety};
use crate::ids::{OrganisationId, PersonId, TeamId};

fn at(m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, h, 0, 0).unwrap()
}

fn org(n: u128) -> OrganisationId {
    OrganisationId::from_uuid(Uuid::from_u128(n))
}

fn team(n: u128) -> TeamId {
    TeamId::from_uuid(Uuid::from_u128(500 + n))
}

fn person(n: u128) -> PersonId {
    PersonId::from_uuid(Uuid::from_u128(1000 + n))
}

fn contact(p: u128, kind: ContactKind, o: u128, when: DateTime<Utc>) -> Contact {
    Contact {
        person: person(p),
        kind,
        organisation: Some(org(o)),
        at: when,
        detention: None,
    }
}

const NOVEMBER: (i32, u32) = (2026, 11);

fn november() -> Month {
    Month::new(NOVEMBER.0, NOVEMBER.1).unwrap()
}

fn count(tallies: &[Tally], measure: Measure, organisation: Option<u128>) -> u64 {
    tallies
        .iter()
        .find(|t| {
            t.measure == measure && t.organisation == organisation.map(org) && t.beneath.is_none()
        })
        .map_or(0, |t| t.count)
}

/// `measure`'s count for `team` of organisation `o` (or its staff of no
/// team).
fn of_team(tallies: &[Tally], measure: Measure, o: u128, team: Option<TeamId>) -> u64 {
    tallies
        .iter()
        .find(|x| {
            x.measure == measure
                && x.organisation == Some(org(o))
                && x.beneath == team.map(Beneath::Team)
        })
        .map_or(0, |x| x.count)
}

fn calendar() -> WorkingCalendar {
    WorkingCalendar::new(ENGLAND_AND_WALES)
}

#[test]
fn every_measure_has_a_partnership_figure_even_in_an_empty_month() {
    let tallies = tally(november(), &History::default(), &calendar());
    for measure in Measure::ALL {
        let partnership = tallies
            .iter()
            .find(|t| t.measure == measure && t.organisation.is_none() && t.beneath.is_none())
            .unwrap_or_else(|| panic!("{measure:?}"));
        assert_eq!(partnership.count, 0);
    }
}

#[test]
fn detentions_and_contacts_count_by_month_and_organisation() {
    let police = 1;
    let ambulance = 2;
    let history = History {
        contacts: vec![
            contact(1, ContactKind::Section136, police, at(11, 3, 12)),
            contact(2, ContactKind::Section136, police, at(11, 20, 2)),
            // October: not November's.
            contact(3, ContactKind::Section136, police, at(10, 20, 2)),
            contact(4, ContactKind::Call999, ambulance, at(11, 5, 3)),
            // Advice is not an emergency contact.
            contact(4, ContactKind::AdviceGiven, ambulance, at(11, 5, 4)),
        ],
        ..History::default()
    };
    let t = tally(november(), &history, &calendar());
    assert_eq!(count(&t, Measure::Section136, None), 2);
    assert_eq!(count(&t, Measure::Section136, Some(police)), 2);
    assert_eq!(count(&t, Measure::Section136, Some(ambulance)), 0);
    assert_eq!(count(&t, Measure::CrisisContacts, None), 3);
    assert_eq!(count(&t, Measure::CrisisContacts, Some(ambulance)), 1);
}

#[test]
fn a_month_is_counted_in_uk_time() {
    // 31 October 2026 23:30 UTC is 23:30 GMT (BST ended on 25 October):
    // October. 31 July 23:30 UTC is 00:30 BST on 1 August.
    let history = History {
        contacts: vec![
            contact(
                1,
                ContactKind::Section136,
                1,
                Utc.with_ymd_and_hms(2026, 10, 31, 23, 30, 0).unwrap(),
            ),
            contact(
                2,
                ContactKind::Section136,
                1,
                Utc.with_ymd_and_hms(2026, 7, 31, 23, 30, 0).unwrap(),
            ),
        ],
        ..History::default()
    };
    let october = tally(Month::new(2026, 10).unwrap(), &history, &calendar());
    let august = tally(Month::new(2026, 8).unwrap(), &history, &calendar());
    let july = tally(Month::new(2026, 7).unwrap(), &history, &calendar());
    assert_eq!(count(&october, Measure::Section136, None), 1);
    assert_eq!(count(&august, Measure::Section136, None), 1);
    assert_eq!(count(&july, Measure::Section136, None), 0);
}

#[test]
fn street_triage_is_a_diversion_unless_a_detention_follows_within_a_day() {
    let police = 1;
    let trust = 3;
    let history = History {
        contacts: vec![
            // Diverted: no detention after.
            contact(1, ContactKind::StreetTriage, trust, at(11, 2, 20)),
            // Detained 5 hours later, by the police: not diverted.
            contact(2, ContactKind::StreetTriage, trust, at(11, 9, 20)),
            contact(2, ContactKind::Section136, police, at(11, 10, 1)),
            // Detained 30 hours later: a new episode, so still diverted.
            contact(3, ContactKind::StreetTriage, police, at(11, 12, 10)),
            contact(3, ContactKind::Section136, police, at(11, 13, 16)),
            // Late on the last day, detained in December: not diverted.
            contact(4, ContactKind::StreetTriage, police, at(11, 30, 22)),
            contact(4, ContactKind::Section136, police, at(12, 1, 3)),
            // Someone else's detention does not count.
            contact(5, ContactKind::StreetTriage, police, at(11, 15, 10)),
            contact(6, ContactKind::Section136, police, at(11, 15, 11)),
        ],
        ..History::default()
    };
    let t = tally(november(), &history, &calendar());
    assert_eq!(count(&t, Measure::StreetTriage, None), 5);
    assert_eq!(count(&t, Measure::StreetTriageDiverted, None), 3);
    assert_eq!(count(&t, Measure::StreetTriageDiverted, Some(trust)), 1);
    assert_eq!(count(&t, Measure::StreetTriageDiverted, Some(police)), 2);
    // December's detention is December's.
    assert_eq!(count(&t, Measure::Section136, None), 3);
}

#[test]
fn repeat_contact_is_three_emergencies_in_30_days_across_partners() {
    let (ambulance, police, ed) = (2, 1, 4);
    let history = History {
        contacts: vec![
            // Person 1: one contact with each of three partners in a week.
            // The partnership sees repeat contact; no partner alone does.
            contact(1, ContactKind::Call999, ambulance, at(11, 1, 3)),
            contact(1, ContactKind::StreetTriage, police, at(11, 3, 3)),
            contact(1, ContactKind::EdAttendance, ed, at(11, 6, 3)),
            // Person 2: three 999 calls to the ambulance service, the
            // first in October, inside 30 days.
            contact(2, ContactKind::Call999, ambulance, at(10, 20, 3)),
            contact(2, ContactKind::Call999, ambulance, at(11, 1, 3)),
            contact(2, ContactKind::Call999, ambulance, at(11, 15, 3)),
            // Person 3: three calls spread over 40 days.
            contact(3, ContactKind::Call999, ambulance, at(10, 10, 3)),
            contact(3, ContactKind::Call999, ambulance, at(11, 1, 3)),
            contact(3, ContactKind::Call999, ambulance, at(11, 19, 3)),
            // Person 4: three in October only: October's, not November's.
            contact(4, ContactKind::Call999, ambulance, at(10, 1, 3)),
            contact(4, ContactKind::Call999, ambulance, at(10, 2, 3)),
            contact(4, ContactKind::Call999, ambulance, at(10, 3, 3)),
            // Person 5: advice thrice is not an emergency.
            contact(5, ContactKind::AdviceGiven, ambulance, at(11, 1, 3)),
            contact(5, ContactKind::AdviceGiven, ambulance, at(11, 2, 3)),
            contact(5, ContactKind::AdviceGiven, ambulance, at(11, 3, 3)),
            // Person 6: six contacts in the month, counted once.
            contact(6, ContactKind::CrisisLineCall, 5, at(11, 1, 3)),
            contact(6, ContactKind::CrisisLineCall, 5, at(11, 2, 3)),
            contact(6, ContactKind::CrisisLineCall, 5, at(11, 3, 3)),
            contact(6, ContactKind::CrisisLineCall, 5, at(11, 4, 3)),
            contact(6, ContactKind::CrisisLineCall, 5, at(11, 5, 3)),
            contact(6, ContactKind::CrisisLineCall, 5, at(11, 6, 3)),
        ],
        ..History::default()
    };
    let t = tally(november(), &history, &calendar());
    assert_eq!(count(&t, Measure::RepeatContactPeople, None), 3);
    assert_eq!(count(&t, Measure::RepeatContactPeople, Some(ambulance)), 1);
    assert_eq!(count(&t, Measure::RepeatContactPeople, Some(police)), 0);
    assert_eq!(count(&t, Measure::RepeatContactPeople, Some(5)), 1);
    let october = tally(Month::new(2026, 10).unwrap(), &history, &calendar());
    assert_eq!(count(&october, Measure::RepeatContactPeople, None), 1);
}

#[test]
fn look_ups_count_plans_agreed_before_them_and_hours_out_of_hours() {
    let police = 1;
    let ambulance = 2;
    let look_up = |p, o, when| LookUp {
        organisation: org(o),
        person: person(p),
        at: when,
    };
    let history = History {
        look_ups: vec![
            // Monday 2 November 10:00 GMT: in hours; plan agreed before.
            look_up(1, police, at(11, 2, 10)),
            // Monday 02:00: out of hours; plan agreed only after.
            look_up(2, police, at(11, 2, 2)),
            // Saturday 7 November at noon: out of hours (a weekend).
            look_up(3, ambulance, at(11, 7, 12)),
            // 25 December 2026 is a bank holiday — December's anyway.
            look_up(1, police, at(12, 25, 12)),
        ],
        plans_agreed: [(person(1), at(10, 1, 9)), (person(2), at(11, 20, 9))]
            .into_iter()
            .collect(),
        break_glass: vec![
            BreakGlassUse {
                organisation: org(police),
                at: at(11, 2, 3),
                appropriate: Some(false),
            },
            BreakGlassUse {
                organisation: org(ambulance),
                at: at(11, 3, 3),
                appropriate: None,
            },
        ],
        ..History::default()
    };
    let t = tally(november(), &history, &calendar());
    assert_eq!(count(&t, Measure::LookUps, None), 3);
    assert_eq!(count(&t, Measure::LookUps, Some(police)), 2);
    assert_eq!(count(&t, Measure::LookUpsWithPlan, None), 1);
    assert_eq!(count(&t, Measure::LookUpsOutOfHours, None), 2);
    assert_eq!(count(&t, Measure::LookUpsOutOfHours, Some(ambulance)), 1);
    assert_eq!(count(&t, Measure::BreakGlass, None), 2);
    assert_eq!(count(&t, Measure::BreakGlassInappropriate, None), 1);
    assert_eq!(count(&t, Measure::BreakGlassInappropriate, Some(police)), 1);
    assert_eq!(count(&t, Measure::BreakGlassUnreviewed, None), 1);
    assert_eq!(count(&t, Measure::BreakGlassUnreviewed, Some(ambulance)), 1);
    assert_eq!(count(&t, Measure::BreakGlassAppropriate, None), 0);
}

#[test]
fn out_of_hours_is_outside_nine_to_five_on_working_days_uk_time() {
    let c = calendar();
    // Tuesday 14 July 2026, 08:30 UTC = 09:30 BST: in hours.
    assert!(!out_of_hours(
        Utc.with_ymd_and_hms(2026, 7, 14, 8, 30, 0).unwrap(),
        &c
    ));
    // 16:30 UTC = 17:30 BST: out of hours.
    assert!(out_of_hours(
        Utc.with_ymd_and_hms(2026, 7, 14, 16, 30, 0).unwrap(),
        &c
    ));
    // Good Friday, 3 April 2026, at noon: a bank holiday.
    assert!(out_of_hours(
        Utc.with_ymd_and_hms(2026, 4, 3, 11, 0, 0).unwrap(),
        &c
    ));
}

#[test]
fn referrals_count_deadlines_met_and_times_by_pair() {
    let (gp, trust, police) = (6, 3, 1);
    let referral =
        |from, to, sent: DateTime<Utc>, ack: Option<i64>, answer: Option<i64>, escalated| {
            Referral {
                from: org(from),
                to: org(to),
                sent_at: sent,
                acknowledge_due: sent + Duration::hours(24),
                respond_due: sent + Duration::hours(72),
                acknowledged_at: ack.map(|h| sent + Duration::hours(h)),
                answered_at: answer.map(|h| sent + Duration::hours(h)),
                escalated,
            }
        };
    let history = History {
        referrals: vec![
            referral(gp, trust, at(11, 2, 9), Some(2), Some(10), false),
            referral(gp, trust, at(11, 3, 9), Some(30), Some(80), true),
            referral(gp, trust, at(11, 4, 9), Some(4), None, false),
            referral(police, trust, at(11, 5, 9), None, None, true),
            // Sent in October: October's, though answered in November.
            referral(gp, trust, at(10, 30, 9), Some(50), Some(60), true),
        ],
        ..History::default()
    };
    let t = tally(november(), &history, &calendar());
    assert_eq!(count(&t, Measure::Referrals, None), 4);
    assert_eq!(count(&t, Measure::ReferralsAcknowledgedInTime, None), 2);
    assert_eq!(count(&t, Measure::ReferralsAnsweredInTime, None), 1);
    assert_eq!(count(&t, Measure::ReferralsEscalated, None), 2);
    let pair = |measure| {
        t.iter()
            .find(|x| {
                x.measure == measure
                    && x.organisation == Some(org(gp))
                    && x.beneath == Some(Beneath::Partner(org(trust)))
            })
            .cloned()
            .unwrap()
    };
    assert_eq!(pair(Measure::Referrals).count, 3);
    let ack = pair(Measure::HoursToAcknowledge);
    assert_eq!((ack.count, ack.median, ack.p90), (3, Some(4.0), Some(30.0)));
    let answer = pair(Measure::HoursToAnswer);
    assert_eq!(
        (answer.count, answer.median, answer.p90),
        (2, Some(10.0), Some(80.0))
    );
    let police_pair = t
        .iter()
        .find(|x| x.measure == Measure::HoursToAcknowledge && x.organisation == Some(org(police)));
    assert!(police_pair.is_none(), "no acknowledgement, no time");
}

#[test]
fn percentiles_take_the_nearest_rank() {
    assert_eq!(percentile(&[], 50), None);
    assert_eq!(percentile(&[3.0], 90), Some(3.0));
    let ten: Vec<f64> = (1..=10).map(f64::from).collect();
    assert_eq!(percentile(&ten, 50), Some(5.0));
    assert_eq!(percentile(&ten, 90), Some(9.0));
    assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 50), Some(2.0));
    assert_eq!(percentile(&[1.25, 2.0], 50), Some(1.3));
}

#[test]
fn detentions_count_where_people_were_taken_and_how() {
    let police = 1;
    let detained = |p, place, conveyed| Contact {
        detention: Some(Detention {
            place_of_safety: place,
            conveyed_by: conveyed,
        }),
        ..contact(p, ContactKind::Section136, police, at(11, 4, 22))
    };
    let history = History {
        contacts: vec![
            detained(1, PlaceOfSafety::HealthBased, Conveyance::Ambulance),
            detained(2, PlaceOfSafety::HealthBased, Conveyance::PoliceVehicle),
            detained(3, PlaceOfSafety::PoliceStation, Conveyance::PoliceVehicle),
            detained(4, PlaceOfSafety::EmergencyDepartment, Conveyance::Ambulance),
            // Recorded without the details: a detention, in neither share.
            contact(5, ContactKind::Section136, police, at(11, 5, 1)),
        ],
        ..History::default()
    };
    let t = tally(november(), &history, &calendar());
    assert_eq!(count(&t, Measure::Section136, None), 5);
    assert_eq!(count(&t, Measure::Section136HealthBased, None), 2);
    assert_eq!(count(&t, Measure::Section136PoliceStation, Some(police)), 1);
    assert_eq!(count(&t, Measure::Section136Ambulance, None), 2);
}

#[test]
fn the_frequent_contact_list_counts_people_put_on_it_and_on_it_at_the_months_end() {
    let (support, other) = (7, 8);
    let entry = |p, o, from: DateTime<Utc>, until: Option<DateTime<Utc>>| ListEntry {
        person: person(p),
        organisation: org(o),
        identified_at: from,
        ended_at: until,
    };
    let history = History {
        listed: vec![
            // Put on in October, still on: on at November's end, not new.
            entry(1, support, at(10, 5, 9), None),
            // Put on in November, ended in November: new, not on at the end.
            entry(2, support, at(11, 3, 9), Some(at(11, 20, 9))),
            // Put on in November by two teams: one person, new, on.
            entry(3, support, at(11, 4, 9), None),
            entry(3, other, at(11, 6, 9), None),
            // Ended in October: nothing of November's.
            entry(4, support, at(9, 1, 9), Some(at(10, 30, 9))),
        ],
        ..History::default()
    };
    let t = tally(november(), &history, &calendar());
    assert_eq!(count(&t, Measure::FrequentContactIdentified, None), 2);
    assert_eq!(
        count(&t, Measure::FrequentContactIdentified, Some(support)),
        2
    );
    assert_eq!(
        count(&t, Measure::FrequentContactIdentified, Some(other)),
        1
    );
    assert_eq!(count(&t, Measure::FrequentContactPeople, None), 2);
    assert_eq!(count(&t, Measure::FrequentContactPeople, Some(support)), 2);
}

#[test]
fn frontline_exposure_counts_incidents_once_and_each_attendance() {
    let (police, ambulance) = (1, 2);
    let (triage, control) = (team(1), team(2));
    let exposure = |incident: u128, o: u128, team, when, in_time, followed| Exposure {
        incident: Uuid::from_u128(incident),
        organisation: org(o),
        team,
        at: when,
        offered_in_time: in_time,
        follow_up_done: followed,
    };
    let history = History {
        exposures: vec![
            // Three officers of two teams at one suicide attempt, one
            // recorded late.
            exposure(1, police, Some(triage), at(11, 3, 2), true, true),
            exposure(1, police, Some(triage), at(11, 3, 2), false, false),
            exposure(1, police, Some(control), at(11, 3, 2), true, false),
            // A paramedic of no team at another incident.
            exposure(2, ambulance, None, at(11, 20, 23), true, false),
            // October's: not November's.
            exposure(3, police, Some(triage), at(10, 31, 23), true, true),
        ],
        ..History::default()
    };
    let t = tally(november(), &history, &calendar());
    let of = |measure, o: u128, team: Option<TeamId>| of_team(&t, measure, o, team);
    assert_eq!(
        count(&t, Measure::IncidentsAttended, None),
        2,
        "each incident once"
    );
    assert_eq!(of(Measure::IncidentsAttended, police, Some(triage)), 1);
    assert_eq!(of(Measure::IncidentsAttended, police, Some(control)), 1);
    assert_eq!(of(Measure::IncidentsAttended, ambulance, None), 1);
    assert_eq!(
        count(&t, Measure::IncidentsAttended, Some(police)),
        0,
        "by team only: no organisation-wide row beside the teams'"
    );
    assert_eq!(count(&t, Measure::StaffAttendances, None), 4);
    assert_eq!(of(Measure::StaffAttendances, police, Some(triage)), 2);
    assert_eq!(count(&t, Measure::ChecksOfferedInTime, None), 3);
    assert_eq!(of(Measure::ChecksOfferedInTime, police, Some(triage)), 1);
    assert_eq!(count(&t, Measure::FollowUpsDone, None), 1);
    assert_eq!(of(Measure::FollowUpsDone, ambulance, None), 0);
    assert_eq!(
        Measure::FollowUpsDone.rate().map(|r| r.of),
        Some(Measure::StaffAttendances)
    );
}

#[test]
fn refusals_count_people_in_force_at_the_months_end() {
    let refusal = |p: u128, o: Option<u128>, from, until| Refusal {
        person: person(p),
        organisation: o.map(org),
        from,
        until,
    };
    let (police, charity) = (1, 2);
    let history = History {
        refusals: vec![
            // Two refusals of one person: counted once for the partnership.
            refusal(1, Some(police), at(10, 1, 9), None),
            refusal(1, Some(charity), at(11, 3, 9), None),
            // Withdrawn in November: not in force at its end.
            refusal(2, Some(police), at(10, 1, 9), Some(at(11, 20, 9))),
            // Runs out the moment December starts: still in force at
            // November's end.
            refusal(3, Some(police), at(10, 1, 9), Some(at(12, 1, 0))),
            // Every partner refused: the partnership's figure only.
            refusal(4, None, at(11, 29, 9), None),
            // Recorded in December: not yet.
            refusal(5, Some(police), at(12, 2, 9), None),
        ],
        ..History::default()
    };
    let t = tally(november(), &history, &calendar());
    assert_eq!(count(&t, Measure::RefusalsInForce, None), 3);
    assert_eq!(count(&t, Measure::RefusalsInForce, Some(police)), 2);
    assert_eq!(count(&t, Measure::RefusalsInForce, Some(charity)), 1);
}

#[test]
fn carers_told_at_discharge_are_read_against_those_the_person_agreed_to() {
    let ward = 3;
    let discharge = |when, agreed, told| Discharge {
        person: person(1),
        organisation: Some(org(ward)),
        at: when,
        carer_agreed: agreed,
        carer_told: told,
    };
    let history = History {
        discharges: vec![
            discharge(at(11, 2, 10), true, true),
            discharge(at(11, 9, 10), true, false),
            // No carer agreed: in neither figure.
            discharge(at(11, 12, 10), false, false),
            // October's.
            discharge(at(10, 30, 10), true, true),
        ],
        ..History::default()
    };
    let t = tally(november(), &history, &calendar());
    assert_eq!(count(&t, Measure::DischargesCarerAgreed, None), 2);
    assert_eq!(count(&t, Measure::DischargesCarerAgreed, Some(ward)), 2);
    assert_eq!(count(&t, Measure::CarersToldAtDischarge, None), 1);
    assert_eq!(
        Measure::CarersToldAtDischarge.rate().map(|r| r.of),
        Some(Measure::DischargesCarerAgreed)
    );
}

#[test]
fn a_discharge_is_followed_up_by_a_contact_with_the_person_within_72_hours() {
    let (trust, ed) = (1, 2);
    let discharge = |p, o, when| Discharge {
        person: person(p),
        organisation: Some(org(o)),
        at: when,
        carer_agreed: false,
        carer_told: false,
    };
    let follow_up = |p, when| FollowUp {
        person: person(p),
        at: when,
    };
    let history = History {
        discharges: vec![
            // Seen two days later.
            discharge(1, trust, at(11, 2, 10)),
            // Seen 72 hours later to the hour: in time.
            discharge(2, trust, at(11, 9, 10)),
            // Seen 73 hours later: too late.
            discharge(3, ed, at(11, 12, 10)),
            // Someone else was seen, not this person.
            discharge(4, ed, at(11, 14, 10)),
            // Seen before the discharge only.
            discharge(5, trust, at(11, 20, 10)),
            // Late on the last day, seen on 2 December.
            discharge(6, trust, at(11, 30, 22)),
            // October's, seen in November: not November's.
            discharge(7, trust, at(10, 31, 10)),
        ],
        follow_ups: vec![
            follow_up(1, at(11, 4, 10)),
            follow_up(2, at(11, 12, 10)),
            follow_up(3, at(11, 15, 11)),
            follow_up(9, at(11, 15, 10)),
            follow_up(5, at(11, 19, 10)),
            follow_up(6, at(12, 2, 9)),
            follow_up(7, at(11, 1, 9)),
        ],
        ..History::default()
    };
    let t = tally(november(), &history, &calendar());
    assert_eq!(count(&t, Measure::Discharges, None), 6);
    assert_eq!(count(&t, Measure::Discharges, Some(trust)), 4);
    assert_eq!(count(&t, Measure::Discharges, Some(ed)), 2);
    assert_eq!(count(&t, Measure::DischargesFollowedUp, None), 3);
    assert_eq!(count(&t, Measure::DischargesFollowedUp, Some(trust)), 3);
    assert_eq!(count(&t, Measure::DischargesFollowedUp, Some(ed)), 0);
    assert_eq!(
        Measure::DischargesFollowedUp.rate().map(|r| r.of),
        Some(Measure::Discharges)
    );
}

#[test]
fn plans_in_force_at_the_months_end_are_in_date_or_overdue() {
    let (trust, gp) = (1, 2);
    let plan = |p: u128, o: u128, due: Option<(u32, u32)>, says| PlanInForce {
        person: person(p),
        organisation: Some(org(o)),
        review_due: due.map(|(m, d)| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap()),
        says_what_does_not_help: says,
    };
    let history = History {
        plans: vec![
            // Due on the month's last day: still in date at its end.
            plan(1, trust, Some((11, 30)), true),
            plan(2, trust, Some((11, 29)), false),
            plan(3, gp, Some((12, 15)), true),
            plan(4, gp, None, false),
        ],
        ..History::default()
    };
    let t = tally(november(), &history, &calendar());
    assert_eq!(count(&t, Measure::PlansAgreed, None), 4);
    assert_eq!(count(&t, Measure::PlansInDate, None), 2);
    assert_eq!(count(&t, Measure::PlansInDate, Some(trust)), 1);
    assert_eq!(count(&t, Measure::PlansReviewOverdue, None), 2);
    assert_eq!(count(&t, Measure::PlansReviewOverdue, Some(gp)), 1);
    assert_eq!(count(&t, Measure::PlansSayWhatDoesNotHelp, None), 2);
}

#[test]
fn each_teams_caseload_is_read_against_the_plans_in_force_at_the_months_end() {
    let (trust, specialist) = (1, 3);
    let (north, south, eating) = (team(1), team(2), team(3));
    let on = |p: u128, o: u128, t: Option<TeamId>| OnCaseload {
        person: person(p),
        organisation: org(o),
        team: t,
    };
    let plan = |p: u128, due: Option<(u32, u32)>, says| PlanInForce {
        person: person(p),
        // Agreed by a GP: coverage is of the caseload, whoever agreed it.
        organisation: Some(org(2)),
        review_due: due.map(|(m, d)| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap()),
        says_what_does_not_help: says,
    };
    let history = History {
        caseloads: vec![
            // Two members of North on person 1's care team: once for North.
            on(1, trust, Some(north)),
            on(1, trust, Some(north)),
            // Person 2 on North's and South's caseloads.
            on(2, trust, Some(north)),
            on(2, trust, Some(south)),
            on(3, trust, Some(south)),
            // On the caseload of a specialist service's member of no team.
            on(4, specialist, None),
            on(5, specialist, Some(eating)),
        ],
        plans: vec![
            // Due on the month's last day: in date.
            plan(1, Some((11, 30)), true),
            plan(2, Some((11, 29)), false),
            plan(4, None, true),
            // On no mental health team's caseload: counts for none.
            plan(9, Some((12, 31)), true),
        ],
        ..History::default()
    };
    let t = tally(november(), &history, &calendar());
    let of = |measure, o: u128, team: Option<TeamId>| of_team(&t, measure, o, team);
    assert_eq!(count(&t, Measure::Caseload, None), 5, "each person once");
    assert_eq!(of(Measure::Caseload, trust, Some(north)), 2);
    assert_eq!(of(Measure::Caseload, trust, Some(south)), 2);
    assert_eq!(of(Measure::Caseload, specialist, None), 1);
    assert_eq!(of(Measure::Caseload, specialist, Some(eating)), 1);
    assert_eq!(
        count(&t, Measure::Caseload, Some(trust)),
        0,
        "by team only: no organisation-wide row beside the teams'"
    );

    assert_eq!(count(&t, Measure::CaseloadWithPlan, None), 3);
    assert_eq!(of(Measure::CaseloadWithPlan, trust, Some(north)), 2);
    assert_eq!(of(Measure::CaseloadWithPlan, trust, Some(south)), 1);
    assert_eq!(of(Measure::CaseloadWithPlan, specialist, Some(eating)), 0);

    assert_eq!(count(&t, Measure::CaseloadPlanInDate, None), 1);
    assert_eq!(of(Measure::CaseloadPlanInDate, trust, Some(north)), 1);
    assert_eq!(of(Measure::CaseloadPlanInDate, trust, Some(south)), 0);

    assert_eq!(count(&t, Measure::CaseloadReviewOverdue, None), 2);
    assert_eq!(of(Measure::CaseloadReviewOverdue, trust, Some(south)), 1);
    assert_eq!(of(Measure::CaseloadReviewOverdue, specialist, None), 1);

    assert_eq!(count(&t, Measure::CaseloadSaysWhatDoesNotHelp, None), 2);
    assert_eq!(
        of(Measure::CaseloadSaysWhatDoesNotHelp, trust, Some(north)),
        1
    );

    for m in [
        Measure::CaseloadWithPlan,
        Measure::CaseloadPlanInDate,
        Measure::CaseloadReviewOverdue,
        Measure::CaseloadSaysWhatDoesNotHelp,
    ] {
        assert_eq!(m.rate().map(|r| r.of), Some(Measure::Caseload));
        assert!(m.has_team());
    }
}
