//! A month's figures from what the partnership recorded. Pure: the store
//! reads the month's history, this counts it, so every definition in
//! [`super::Measure::definition`] is tested here on small hand-made
//! histories.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Duration, Timelike, Utc};
use chrono_tz::Europe::London;

use super::{Measure, Month};
use crate::calendar::WorkingCalendar;
use crate::contact_event::{ContactKind, Conveyance, Detention, PlaceOfSafety};
use crate::ids::{OrganisationId, PersonId, TeamId};

/// A contact event, as the measures see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub person: PersonId,
    pub kind: ContactKind,
    pub organisation: Option<OrganisationId>,
    pub at: DateTime<Utc>,
    /// For a section 136 detention, where and how, if recorded.
    pub detention: Option<Detention>,
}

/// An entry on the frequent contact list: whom, for which organisation's
/// support team, from when until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    pub person: PersonId,
    pub organisation: OrganisationId,
    pub identified_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// A crisis look-up that showed someone's summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookUp {
    pub organisation: OrganisationId,
    pub person: PersonId,
    pub at: DateTime<Utc>,
}

/// An emergency override and, once reviewed, whether it was appropriate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakGlassUse {
    pub organisation: OrganisationId,
    pub at: DateTime<Utc>,
    pub appropriate: Option<bool>,
}

/// A referral's deadlines and what became of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub from: OrganisationId,
    pub to: OrganisationId,
    pub sent_at: DateTime<Utc>,
    pub acknowledge_due: DateTime<Utc>,
    pub respond_due: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub escalated: bool,
}

/// A person's refusal to share with a partner (or, with no organisation,
/// with every partner), from when it was recorded until it was withdrawn
/// or ran out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub person: PersonId,
    pub organisation: Option<OrganisationId>,
    pub from: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
}

/// A person's crisis plan as last agreed before a month's end: when its
/// review fell due, whether it says what does not help, and the
/// organisation of the professional who agreed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanInForce {
    pub person: PersonId,
    pub organisation: Option<OrganisationId>,
    pub review_due: Option<chrono::NaiveDate>,
    pub says_what_does_not_help: bool,
}

/// A person on a mental health team's caseload at a month's end: a member
/// of the team is on the person's care team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnCaseload {
    pub person: PersonId,
    /// The team's organisation, and the team (`None`: the member belongs
    /// to no team).
    pub organisation: OrganisationId,
    pub team: Option<TeamId>,
}

/// A discharge, and whether the person had agreed a carer may be told of
/// it and whether one was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discharge {
    pub person: PersonId,
    pub organisation: Option<OrganisationId>,
    pub at: DateTime<Utc>,
    pub carer_agreed: bool,
    pub carer_told: bool,
}

/// A follow-up contact after a discharge: whom, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub person: PersonId,
    pub at: DateTime<Utc>,
}

/// How soon after a discharge a follow-up counts.
pub const FOLLOW_UP_WITHIN: chrono::Duration = chrono::Duration::hours(72);

/// A member of staff's attendance at a traumatic incident, as the
/// measures see it: no one is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    pub incident: uuid::Uuid,
    /// The staff member's organisation and team.
    pub organisation: OrganisationId,
    pub team: Option<TeamId>,
    pub at: DateTime<Utc>,
    pub offered_in_time: bool,
    pub follow_up_done: bool,
}

/// What a month's figures are counted from. Contacts run from 30 days
/// before the month (repeat contact looks back that far) to a day after
/// it (a detention after a street triage contact late on the last day);
/// the rest are the month's own.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub contacts: Vec<Contact>,
    pub look_ups: Vec<LookUp>,
    /// When each person's crisis plan was first agreed with them.
    pub plans_agreed: HashMap<PersonId, DateTime<Utc>>,
    pub break_glass: Vec<BreakGlassUse>,
    pub referrals: Vec<Referral>,
    /// Entries on the frequent contact list open at some time in the month.
    pub listed: Vec<ListEntry>,
    /// Staff attendances at traumatic incidents in the month.
    pub exposures: Vec<Exposure>,
    /// Refusals recorded before the month's end.
    pub refusals: Vec<Refusal>,
    /// The month's discharges.
    pub discharges: Vec<Discharge>,
    /// Follow-up contacts from the month's start to 72 hours after its
    /// end.
    pub follow_ups: Vec<FollowUp>,
    /// Each agreed crisis plan as it stood at the month's end.
    pub plans: Vec<PlanInForce>,
    /// Mental health teams' caseloads at the month's end, a row for each
    /// person and team (or organisation, for staff of no team).
    pub caseloads: Vec<OnCaseload>,
}

/// What a figure is broken down by beneath its organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Beneath {
    /// The organisation at the other end: for referrals, the one sent to.
    Partner(OrganisationId),
    /// The organisation's team: for staff attending traumatic incidents.
    Team(TeamId),
}

/// One figure: a measure for the whole partnership (`organisation` none)
/// or one organisation, and beneath it, for some measures, the partner or
/// the team ([`Measure::beneath`]); for those the organisation's own
/// figure is not kept, so each month's rows are one breakdown of its
/// total. Times carry how many referrals they are over in `count`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub measure: Measure,
    pub organisation: Option<OrganisationId>,
    pub beneath: Option<Beneath>,
    pub count: u64,
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

/// How far back a third contact looks for the first.
pub const REPEAT_WINDOW_DAYS: i64 = 30;
/// Contacts in the window that make repeat contact.
pub const REPEAT_CONTACTS: usize = 3;
/// How long after street triage a detention still counts as its end.
pub const DIVERSION_HOURS: i64 = 24;

/// The kinds of contact that are emergencies.
pub fn is_crisis_contact(kind: ContactKind) -> bool {
    use ContactKind as K;
    matches!(
        kind,
        K::Call999
            | K::Call111
            | K::EdAttendance
            | K::CrisisLineCall
            | K::StreetTriage
            | K::Section136
            | K::ConveyanceToEd
    )
}

/// Whether `at` is outside 09:00–17:00 on a working day, UK time.
pub fn out_of_hours(at: DateTime<Utc>, calendar: &WorkingCalendar) -> bool {
    let local = at.with_timezone(&London);
    let day = local.date_naive();
    !calendar.is_working_day(day) || !(9..17).contains(&local.hour())
}

/// Counts by organisation, with the partnership's own figure.
#[derive(Default)]
struct Counter {
    by: BTreeMap<(Option<OrganisationId>, Option<Beneath>), u64>,
}

impl Counter {
    fn add(&mut self, organisation: Option<OrganisationId>, beneath: Option<Beneath>) {
        *self.by.entry((organisation, beneath)).or_default() += 1;
        if organisation.is_some() {
            *self.by.entry((None, None)).or_default() += 1;
        }
    }

    /// Counts one beneath `organisation` but not for the partnership
    /// (see [`Counter::add_partnership`]).
    fn add_beneath(&mut self, organisation: OrganisationId, beneath: Option<Beneath>) {
        *self.by.entry((Some(organisation), beneath)).or_default() += 1;
    }

    fn add_partnership(&mut self) {
        *self.by.entry((None, None)).or_default() += 1;
    }

    fn into_tallies(mut self, measure: Measure, out: &mut Vec<Tally>) {
        self.by.entry((None, None)).or_default();
        for ((organisation, beneath), count) in self.by {
            out.push(Tally {
                measure,
                organisation,
                beneath,
                count,
                median: None,
                p90: None,
            });
        }
    }
}

/// The month's figures, every measure's partnership figure among them
/// (zero where nothing happened).
pub fn tally(month: Month, history: &History, calendar: &WorkingCalendar) -> Vec<Tally> {
    let (start, end) = (month.starts_at(), month.ends_at());
    let within = |at: DateTime<Utc>| at >= start && at < end;
    let mut out = Vec::new();
    contacts(history, &within, &mut out);
    repeat_contact(history, &within, &mut out);
    listed(history, &within, end, &mut out);
    look_ups(history, &within, calendar, &mut out);
    referrals(history, &within, &mut out);
    exposures(history, &within, &mut out);
    refusals(history, end, &mut out);
    discharges(history, &within, &mut out);
    plans(history, end, &mut out);
    caseloads(history, end, &mut out);
    out
}

/// The month's last day, UK time: a review due on it is in date at the
/// month's end.
fn last_day_of(end: DateTime<Utc>) -> chrono::NaiveDate {
    (end - Duration::seconds(1))
        .with_timezone(&London)
        .date_naive()
}

fn plans(history: &History, end: DateTime<Utc>, out: &mut Vec<Tally>) {
    let last_day = last_day_of(end);
    let agreed = history.plans.iter().map(|p| (p.organisation, p.person));
    people_of(Measure::PlansAgreed, agreed, out);
    let in_date = history
        .plans
        .iter()
        .filter(|p| p.review_due.is_some_and(|due| due >= last_day))
        .map(|p| (p.organisation, p.person));
    people_of(Measure::PlansInDate, in_date, out);
    let overdue = history
        .plans
        .iter()
        .filter(|p| p.review_due.is_none_or(|due| due < last_day))
        .map(|p| (p.organisation, p.person));
    people_of(Measure::PlansReviewOverdue, overdue, out);
    let says = history
        .plans
        .iter()
        .filter(|p| p.says_what_does_not_help)
        .map(|p| (p.organisation, p.person));
    people_of(Measure::PlansSayWhatDoesNotHelp, says, out);
}

/// Each team's caseload and how its crisis plans stood at the month's
/// end. A person counts once for each team whose caseload they are on,
/// once for each organisation's staff of no team, and once for the
/// partnership.
fn caseloads(history: &History, end: DateTime<Utc>, out: &mut Vec<Tally>) {
    let last_day = last_day_of(end);
    let plans: HashMap<PersonId, &PlanInForce> =
        history.plans.iter().map(|p| (p.person, p)).collect();
    let holds = |measure: Measure, plan: Option<&PlanInForce>| match (measure, plan) {
        (Measure::Caseload, _) => true,
        (_, None) => false,
        (Measure::CaseloadWithPlan, Some(_)) => true,
        (Measure::CaseloadPlanInDate, Some(p)) => p.review_due.is_some_and(|d| d >= last_day),
        (Measure::CaseloadReviewOverdue, Some(p)) => p.review_due.is_none_or(|d| d < last_day),
        (Measure::CaseloadSaysWhatDoesNotHelp, Some(p)) => p.says_what_does_not_help,
        (_, Some(_)) => false,
    };
    for measure in Measure::ALL.into_iter().filter(|m| m.is_caseload()) {
        let mut by: BTreeMap<(Option<OrganisationId>, Option<Beneath>), BTreeSet<PersonId>> =
            BTreeMap::new();
        by.entry((None, None)).or_default();
        for on in &history.caseloads {
            if holds(measure, plans.get(&on.person).copied()) {
                by.entry((Some(on.organisation), on.team.map(Beneath::Team)))
                    .or_default()
                    .insert(on.person);
                by.entry((None, None)).or_default().insert(on.person);
            }
        }
        for ((organisation, beneath), people) in by {
            out.push(Tally {
                measure,
                organisation,
                beneath,
                count: people.len() as u64,
                median: None,
                p90: None,
            });
        }
    }
}

fn discharges(history: &History, within: &dyn Fn(DateTime<Utc>) -> bool, out: &mut Vec<Tally>) {
    let (mut all, mut followed) = (Counter::default(), Counter::default());
    let (mut agreed, mut told) = (Counter::default(), Counter::default());
    for d in history.discharges.iter().filter(|d| within(d.at)) {
        all.add(d.organisation, None);
        if followed_up(d, &history.follow_ups) {
            followed.add(d.organisation, None);
        }
        if d.carer_agreed {
            agreed.add(d.organisation, None);
            if d.carer_told {
                told.add(d.organisation, None);
            }
        }
    }
    all.into_tallies(Measure::Discharges, out);
    followed.into_tallies(Measure::DischargesFollowedUp, out);
    agreed.into_tallies(Measure::DischargesCarerAgreed, out);
    told.into_tallies(Measure::CarersToldAtDischarge, out);
}

/// Whether the person had a follow-up contact from the discharge to 72
/// hours after it.
fn followed_up(discharge: &Discharge, follow_ups: &[FollowUp]) -> bool {
    follow_ups.iter().any(|f| {
        f.person == discharge.person
            && f.at >= discharge.at
            && f.at <= discharge.at + FOLLOW_UP_WITHIN
    })
}

fn exposures(history: &History, within: &dyn Fn(DateTime<Utc>) -> bool, out: &mut Vec<Tally>) {
    let (mut incidents, mut incidents_anywhere) = (BTreeSet::new(), BTreeSet::new());
    let (mut incident, mut attended, mut in_time, mut followed) = (
        Counter::default(),
        Counter::default(),
        Counter::default(),
        Counter::default(),
    );
    for e in history.exposures.iter().filter(|e| within(e.at)) {
        let (o, team) = (Some(e.organisation), e.team.map(Beneath::Team));
        // An incident belongs to the organisation whose staff attended
        // it; it is counted once for each team whose staff attended it
        // (staff of no team together), so the teams' figures can add up
        // to more than the organisation's incidents — the partnership's
        // figure is each incident once.
        if incidents.insert((e.organisation, e.team, e.incident)) {
            incident.add_beneath(e.organisation, team);
        }
        if incidents_anywhere.insert(e.incident) {
            incident.add_partnership();
        }
        attended.add(o, team);
        if e.offered_in_time {
            in_time.add(o, team);
        }
        if e.follow_up_done {
            followed.add(o, team);
        }
    }
    incident.into_tallies(Measure::IncidentsAttended, out);
    attended.into_tallies(Measure::StaffAttendances, out);
    in_time.into_tallies(Measure::ChecksOfferedInTime, out);
    followed.into_tallies(Measure::FollowUpsDone, out);
}

fn contacts(history: &History, within: &dyn Fn(DateTime<Utc>) -> bool, out: &mut Vec<Tally>) {
    let mut detentions_of: HashMap<PersonId, Vec<DateTime<Utc>>> = HashMap::new();
    for c in &history.contacts {
        if c.kind == ContactKind::Section136 {
            detentions_of.entry(c.person).or_default().push(c.at);
        }
    }
    let mut s136 = Counter::default();
    let mut health_based = Counter::default();
    let mut police_station = Counter::default();
    let mut ambulance = Counter::default();
    let mut triage = Counter::default();
    let mut diverted = Counter::default();
    let mut crisis = Counter::default();
    for c in history.contacts.iter().filter(|c| within(c.at)) {
        if is_crisis_contact(c.kind) {
            crisis.add(c.organisation, None);
        }
        match c.kind {
            ContactKind::Section136 => {
                s136.add(c.organisation, None);
                if let Some(d) = c.detention {
                    match d.place_of_safety {
                        PlaceOfSafety::HealthBased => health_based.add(c.organisation, None),
                        PlaceOfSafety::PoliceStation => police_station.add(c.organisation, None),
                        PlaceOfSafety::EmergencyDepartment | PlaceOfSafety::Other => {}
                    }
                    if d.conveyed_by == Conveyance::Ambulance {
                        ambulance.add(c.organisation, None);
                    }
                }
            }
            ContactKind::StreetTriage => {
                triage.add(c.organisation, None);
                let until = c.at + Duration::hours(DIVERSION_HOURS);
                let detained = detentions_of
                    .get(&c.person)
                    .is_some_and(|ds| ds.iter().any(|d| *d >= c.at && *d <= until));
                if !detained {
                    diverted.add(c.organisation, None);
                }
            }
            _ => {}
        }
    }
    let counters: [(Measure, Counter); 7] = [
        (Measure::Section136, s136),
        (Measure::Section136HealthBased, health_based),
        (Measure::Section136PoliceStation, police_station),
        (Measure::Section136Ambulance, ambulance),
        (Measure::StreetTriage, triage),
        (Measure::StreetTriageDiverted, diverted),
        (Measure::CrisisContacts, crisis),
    ];
    for (measure, counter) in counters {
        counter.into_tallies(measure, out);
    }
}

fn repeat_contact(history: &History, within: &dyn Fn(DateTime<Utc>) -> bool, out: &mut Vec<Tally>) {
    let window = Duration::days(REPEAT_WINDOW_DAYS);
    let repeats = |times: &mut Vec<DateTime<Utc>>| {
        times.sort();
        times
            .windows(REPEAT_CONTACTS)
            .any(|w| within(w[REPEAT_CONTACTS - 1]) && w[REPEAT_CONTACTS - 1] - w[0] <= window)
    };
    let mut anyone: HashMap<PersonId, Vec<DateTime<Utc>>> = HashMap::new();
    let mut by_organisation: HashMap<(OrganisationId, PersonId), Vec<DateTime<Utc>>> =
        HashMap::new();
    for c in history
        .contacts
        .iter()
        .filter(|c| is_crisis_contact(c.kind))
    {
        anyone.entry(c.person).or_default().push(c.at);
        if let Some(o) = c.organisation {
            by_organisation.entry((o, c.person)).or_default().push(c.at);
        }
    }
    let mut people: BTreeMap<Option<OrganisationId>, BTreeSet<PersonId>> = BTreeMap::new();
    people.entry(None).or_default();
    for (person, mut times) in anyone {
        if repeats(&mut times) {
            people.entry(None).or_default().insert(person);
        }
    }
    for ((organisation, person), mut times) in by_organisation {
        if repeats(&mut times) {
            people.entry(Some(organisation)).or_default().insert(person);
        }
    }
    for (organisation, who) in people {
        out.push(Tally {
            measure: Measure::RepeatContactPeople,
            organisation,
            beneath: None,
            count: who.len() as u64,
            median: None,
            p90: None,
        });
    }
}

/// Distinct people per organisation, and in the partnership.
fn people(
    measure: Measure,
    who: impl Iterator<Item = (OrganisationId, PersonId)>,
    out: &mut Vec<Tally>,
) {
    people_of(measure, who.map(|(o, p)| (Some(o), p)), out);
}

/// People counted once each for the partnership, and for each organisation
/// they are counted under (none: the partnership's figure only).
fn people_of(
    measure: Measure,
    who: impl Iterator<Item = (Option<OrganisationId>, PersonId)>,
    out: &mut Vec<Tally>,
) {
    let mut by: BTreeMap<Option<OrganisationId>, BTreeSet<PersonId>> = BTreeMap::new();
    by.entry(None).or_default();
    for (organisation, person) in who {
        if organisation.is_some() {
            by.entry(organisation).or_default().insert(person);
        }
        by.entry(None).or_default().insert(person);
    }
    for (organisation, people) in by {
        out.push(Tally {
            measure,
            organisation,
            beneath: None,
            count: people.len() as u64,
            median: None,
            p90: None,
        });
    }
}

fn listed(
    history: &History,
    within: &dyn Fn(DateTime<Utc>) -> bool,
    end: DateTime<Utc>,
    out: &mut Vec<Tally>,
) {
    let new = history
        .listed
        .iter()
        .filter(|e| within(e.identified_at))
        .map(|e| (e.organisation, e.person));
    people(Measure::FrequentContactIdentified, new, out);
    let at_end = history
        .listed
        .iter()
        .filter(|e| e.identified_at < end && e.ended_at.is_none_or(|ended| ended >= end))
        .map(|e| (e.organisation, e.person));
    people(Measure::FrequentContactPeople, at_end, out);
}

fn refusals(history: &History, end: DateTime<Utc>, out: &mut Vec<Tally>) {
    let in_force = history
        .refusals
        .iter()
        .filter(|r| r.from < end && r.until.is_none_or(|until| until >= end))
        .map(|r| (r.organisation, r.person));
    people_of(Measure::RefusalsInForce, in_force, out);
}

fn look_ups(
    history: &History,
    within: &dyn Fn(DateTime<Utc>) -> bool,
    calendar: &WorkingCalendar,
    out: &mut Vec<Tally>,
) {
    let (mut all, mut with_plan, mut late) =
        (Counter::default(), Counter::default(), Counter::default());
    for l in history.look_ups.iter().filter(|l| within(l.at)) {
        let o = Some(l.organisation);
        all.add(o, None);
        if history
            .plans_agreed
            .get(&l.person)
            .is_some_and(|agreed| *agreed <= l.at)
        {
            with_plan.add(o, None);
        }
        if out_of_hours(l.at, calendar) {
            late.add(o, None);
        }
    }
    let mut used = Counter::default();
    let mut appropriate = Counter::default();
    let mut inappropriate = Counter::default();
    let mut unreviewed = Counter::default();
    for b in history.break_glass.iter().filter(|b| within(b.at)) {
        let o = Some(b.organisation);
        used.add(o, None);
        match b.appropriate {
            Some(true) => appropriate.add(o, None),
            Some(false) => inappropriate.add(o, None),
            None => unreviewed.add(o, None),
        }
    }
    all.into_tallies(Measure::LookUps, out);
    with_plan.into_tallies(Measure::LookUpsWithPlan, out);
    late.into_tallies(Measure::LookUpsOutOfHours, out);
    used.into_tallies(Measure::BreakGlass, out);
    appropriate.into_tallies(Measure::BreakGlassAppropriate, out);
    inappropriate.into_tallies(Measure::BreakGlassInappropriate, out);
    unreviewed.into_tallies(Measure::BreakGlassUnreviewed, out);
}

fn referrals(history: &History, within: &dyn Fn(DateTime<Utc>) -> bool, out: &mut Vec<Tally>) {
    let mut sent = Counter::default();
    let mut acknowledged = Counter::default();
    let mut answered = Counter::default();
    let mut escalated = Counter::default();
    type Hours = BTreeMap<(Option<OrganisationId>, Option<Beneath>), Vec<f64>>;
    let (mut to_acknowledge, mut to_answer): (Hours, Hours) = Default::default();
    let hours = |from: DateTime<Utc>, to: DateTime<Utc>| (to - from).num_seconds() as f64 / 3600.0;
    for r in history.referrals.iter().filter(|r| within(r.sent_at)) {
        let pair = (Some(r.from), Some(Beneath::Partner(r.to)));
        sent.add(pair.0, pair.1);
        if r.acknowledged_at.is_some_and(|a| a <= r.acknowledge_due) {
            acknowledged.add(pair.0, pair.1);
        }
        if r.answered_at.is_some_and(|a| a <= r.respond_due) {
            answered.add(pair.0, pair.1);
        }
        if r.escalated {
            escalated.add(pair.0, pair.1);
        }
        if let Some(at) = r.acknowledged_at {
            let h = hours(r.sent_at, at);
            to_acknowledge.entry(pair).or_default().push(h);
            to_acknowledge.entry((None, None)).or_default().push(h);
        }
        if let Some(at) = r.answered_at {
            let h = hours(r.sent_at, at);
            to_answer.entry(pair).or_default().push(h);
            to_answer.entry((None, None)).or_default().push(h);
        }
    }
    sent.into_tallies(Measure::Referrals, out);
    acknowledged.into_tallies(Measure::ReferralsAcknowledgedInTime, out);
    answered.into_tallies(Measure::ReferralsAnsweredInTime, out);
    escalated.into_tallies(Measure::ReferralsEscalated, out);
    for (measure, mut times) in [
        (Measure::HoursToAcknowledge, to_acknowledge),
        (Measure::HoursToAnswer, to_answer),
    ] {
        times.entry((None, None)).or_default();
        for ((organisation, beneath), mut hours) in times {
            hours.sort_by(f64::total_cmp);
            out.push(Tally {
                measure,
                organisation,
                beneath,
                count: hours.len() as u64,
                median: percentile(&hours, 50),
                p90: percentile(&hours, 90),
            });
        }
    }
}

/// The nearest-rank percentile of sorted `values`, to one decimal place.
pub fn percentile(sorted: &[f64], p: u32) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1) as usize;
    sorted.get(rank - 1).map(|v| (v * 10.0).round() / 10.0)
}
