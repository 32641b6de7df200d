//! The wellbeing page's rows: what the service's overview says, put into
//! words — each check's state in a sentence, the forms' anchors, a
//! wellbeing lead's view grouped by incident, a line manager's sentences.

use crate::wellbeing::Attended;
use chrono::{DateTime, Utc};
use concordat_domain::wellbeing::{Band, IncidentKind, Outcome};

use crate::auth::session::SignedIn;
use crate::pages::words::{long_date, when};
use crate::wellbeing::views::Overview;

/// A radio button.
pub(super) struct Choice {
    pub(super) value: &'static str,
    pub(super) label: &'static str,
    pub(super) checked: bool,
}

/// One check as the page shows it.
pub(super) struct CheckRow {
    pub(super) stage: &'static str,
    pub(super) label: &'static str,
    /// A word for a glance: offered, due, done, declined, opted out.
    pub(super) status: &'static str,
    /// What became of it, or when it is due, in a sentence.
    pub(super) state: String,
    pub(super) open: bool,
    /// The id of its form's band question, unique on the page: the form's
    /// fault is shown there.
    pub(super) anchor: String,
    pub(super) bands: Vec<Choice>,
    pub(super) support_taken_up: bool,
    pub(super) onward_referral: bool,
}

/// One member of staff's attendance and its checks.
pub(super) struct AttendanceRow {
    /// Whose, in a wellbeing lead's view; empty for the viewer's own.
    pub(super) username: String,
    pub(super) name: String,
    /// Whether a check is still open, so that opting out means something.
    pub(super) open: bool,
    pub(super) checks: Vec<CheckRow>,
}

/// An incident with the attendances shown of it.
pub(super) struct IncidentRow {
    pub(super) id: String,
    /// The element's id: `incident-{id}`, which notifications link to.
    pub(super) anchor: String,
    pub(super) what: &'static str,
    pub(super) when: String,
    pub(super) attended: Vec<AttendanceRow>,
}

/// Incidents with a check still open, and those whose every check ended
/// (shown folded away: a lead's list grows all year).
#[derive(Default)]
pub(super) struct Listed {
    pub(super) open: Vec<IncidentRow>,
    pub(super) ended: Vec<IncidentRow>,
}

impl Listed {
    pub(super) fn of(rows: Vec<IncidentRow>) -> Self {
        let (open, ended) = rows
            .into_iter()
            .partition(|i| i.attended.iter().any(|a| a.open));
        Self { open, ended }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.open.is_empty() && self.ended.is_empty()
    }
}

/// All a line manager is told, in a sentence.
pub(super) struct OfferedRow {
    pub(super) staff: String,
    pub(super) on: String,
}

/// A check form sent back with a fault: what to show ticked again.
pub(super) struct SentCheck {
    pub(super) anchor: String,
    pub(super) band: String,
    pub(super) support_taken_up: bool,
    pub(super) onward_referral: bool,
}

/// The id of the band question of `username`'s (empty: the viewer's own)
/// check `stage` of `incident`.
pub(super) fn check_anchor(incident: &str, username: &str, stage: &str) -> String {
    if username.is_empty() {
        format!("check-{incident}-{stage}")
    } else {
        format!("check-{incident}-{username}-{stage}")
    }
}

pub(super) fn check_rows(
    a: &Attended,
    username: &str,
    now: DateTime<Utc>,
    sent: Option<&SentCheck>,
) -> Vec<CheckRow> {
    let incident = a.incident.id.to_string();
    let opted_out = a.attendance.opted_out_at;
    a.attendance
        .checks
        .iter()
        .map(|c| {
            let ended = c.ended_at.map(|at| long_date(at.date_naive()));
            let (status, state) = match (c.outcome, opted_out) {
                (
                    Some(Outcome::Done {
                        band,
                        support_taken_up,
                        onward_referral,
                    }),
                    _,
                ) => {
                    let mut said = format!(
                        "On {}. Band: {}.",
                        ended.unwrap_or_default(),
                        band.label().to_lowercase()
                    );
                    if support_taken_up {
                        said.push_str(" Support taken up.");
                    }
                    if onward_referral {
                        said.push_str(" Onward referral made.");
                    }
                    ("Done", said)
                }
                (Some(Outcome::Declined), _) => {
                    ("Declined", format!("On {}.", ended.unwrap_or_default()))
                }
                (None, Some(out)) => (
                    "Opted out",
                    format!("On {}: not offered.", long_date(out.date_naive())),
                ),
                (None, None) if c.due_at > now => (
                    "Offered",
                    format!("Due {}.", long_date(c.due_at.date_naive())),
                ),
                (None, None) => (
                    "Due",
                    format!(
                        "Since {}: not taken up yet.",
                        long_date(c.due_at.date_naive())
                    ),
                ),
            };
            let anchor = check_anchor(&incident, username, c.stage.as_str());
            let sent = sent.filter(|s| s.anchor == anchor);
            CheckRow {
                stage: c.stage.as_str(),
                label: c.stage.label(),
                status,
                state,
                open: a.attendance.is_open(c.stage),
                bands: Band::ALL
                    .iter()
                    .map(|b| Choice {
                        value: b.as_str(),
                        label: b.label(),
                        checked: sent.is_some_and(|s| s.band == b.as_str()),
                    })
                    .collect(),
                support_taken_up: sent.is_some_and(|s| s.support_taken_up),
                onward_referral: sent.is_some_and(|s| s.onward_referral),
                anchor,
            }
        })
        .collect()
}

pub(super) fn attendance_row(
    a: &Attended,
    username: &str,
    name: &str,
    now: DateTime<Utc>,
    sent: Option<&SentCheck>,
) -> AttendanceRow {
    AttendanceRow {
        username: username.to_owned(),
        name: name.to_owned(),
        open: a.attendance.next().is_some(),
        checks: check_rows(a, username, now, sent),
    }
}

pub(super) fn incident_row(a: &Attended, anchor: String) -> IncidentRow {
    IncidentRow {
        id: a.incident.id.to_string(),
        anchor,
        what: a.incident.kind.label(),
        when: when(a.incident.occurred_at),
        attended: Vec::new(),
    }
}

/// The overview as rows: the viewer's own incidents; a wellbeing lead's
/// view of the others' (each incident once, with everyone who attended it
/// but the lead, whose own are above); a line manager's sentences.
pub(super) fn rows(
    overview: &Overview,
    viewer: &SignedIn,
    now: DateTime<Utc>,
    sent: Option<&SentCheck>,
) -> (Vec<IncidentRow>, Vec<IncidentRow>, Vec<OfferedRow>) {
    let mine: Vec<IncidentRow> = overview
        .mine
        .iter()
        .map(|a| {
            let mut row = incident_row(a, format!("incident-{}", a.incident.id));
            row.attended.push(attendance_row(a, "", "", now, sent));
            row
        })
        .collect();
    let mut led: Vec<IncidentRow> = Vec::new();
    for n in &overview.led {
        let a = &n.attended;
        if a.attendance.staff == viewer.user.id() {
            continue;
        }
        let id = a.incident.id.to_string();
        if led.last().is_none_or(|last| last.id != id) {
            // INVARIANT: ids are unique on the page; an incident the lead
            // attended too is `incident-{id}` in their own list.
            let anchor = if mine.iter().any(|m| m.id == id) {
                format!("staff-incident-{id}")
            } else {
                format!("incident-{id}")
            };
            led.push(incident_row(a, anchor));
        }
        if let Some(row) = led.last_mut() {
            row.attended
                .push(attendance_row(a, &n.username, &n.staff, now, sent));
        }
    }
    let offered = overview
        .offered
        .iter()
        .map(|o| OfferedRow {
            staff: o.staff.clone(),
            on: long_date(o.offered_on),
        })
        .collect();
    (mine, led, offered)
}

pub(super) fn kinds(chosen: &str) -> Vec<Choice> {
    IncidentKind::ALL
        .iter()
        .map(|k| Choice {
            value: k.as_str(),
            label: k.label(),
            checked: k.as_str() == chosen,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_check_form_has_its_own_anchor() {
        let own = check_anchor("i1", "", "72-hours");
        let theirs = check_anchor("i1", "pc.jones", "72-hours");
        let later = check_anchor("i1", "pc.jones", "one-month");
        assert_eq!(own, "check-i1-72-hours");
        assert_ne!(own, theirs);
        assert_ne!(theirs, later);
    }
}
