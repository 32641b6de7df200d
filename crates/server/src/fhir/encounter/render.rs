//! The Encounter a contact is: the FHIR shape alone, with nothing of the
//! requests that read it, so what includes it (`_include`, `_revinclude`,
//! `$everything`) depends on no handler.

use crate::fhir::terms::code_system;
use crate::fhir::wire::instant;
use chrono::{DateTime, Utc};
use concordat_domain::contact_event::{ContactEvent, ContactKind, ContactLasts};
use serde_json::{json, Value};

/// The HL7 v3 ActCode encounter class a kind of contact falls in.
fn class(kind: ContactKind) -> (&'static str, &'static str) {
    use ContactKind as K;
    match kind {
        K::Call999 | K::EdAttendance | K::CrisisLineCall | K::ConveyanceToEd | K::Section136 => {
            ("EMER", "emergency")
        }
        K::StreetTriage => ("FLD", "field"),
        K::Call111 => ("VR", "virtual"),
        K::AdviceGiven | K::FollowUp => ("AMB", "ambulatory"),
        K::Admission | K::Discharge | K::PlannedDischargeDate => ("IMP", "inpatient encounter"),
    }
}

/// When the contact ended, if it has by `now`; `None` while it goes on.
/// An admission ends at the next discharge by the same organisation among
/// `all` (the person's contacts as the caller was shown them).
fn ended(e: &ContactEvent, all: &[ContactEvent], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match e.kind.lasts() {
        ContactLasts::UntilDischarge => all
            .iter()
            .filter(|d| {
                d.kind == ContactKind::Discharge
                    && d.organisation == e.organisation
                    && d.occurred_at >= e.occurred_at
            })
            .map(|d| d.occurred_at)
            .min(),
        // A detention may run its full length; it is not known to be over
        // before then.
        ContactLasts::For(length) if e.kind == ContactKind::Section136 => {
            let end = e.occurred_at + length;
            (end <= now).then_some(end)
        }
        _ => Some(e.occurred_at),
    }
}

/// The Encounter for one contact, among the person's contacts `all`.
pub fn encounter(e: &ContactEvent, all: &[ContactEvent], now: DateTime<Utc>) -> Value {
    let (code, display) = class(e.kind);
    let end = ended(e, all, now);
    let mut period = json!({ "start": instant(e.occurred_at) });
    if let Some(end) = end {
        period["end"] = Value::String(instant(end));
    }
    let mut encounter = json!({
        "resourceType": "Encounter",
        "id": e.id.to_string(),
        // What was reported does not change once recorded.
        "meta": { "lastUpdated": instant(e.recorded_at) },
        "status": if end.is_some() { "finished" } else { "in-progress" },
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": code,
            "display": display,
        },
        "type": [{
            "coding": [{
                "system": code_system("contact-kind"),
                "code": e.kind.as_str(),
                "display": e.kind.label(),
            }],
        }],
        "subject": { "reference": format!("Patient/{}", e.person) },
        "period": period,
    });
    if let Some(org) = e.organisation {
        encounter["serviceProvider"] = json!({ "reference": format!("Organization/{org}") });
    }
    encounter
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};
    use concordat_domain::ids::{ContactEventId, OrganisationId, PersonId};

    use super::*;

    fn contact(kind: ContactKind, at: DateTime<Utc>, org: OrganisationId) -> ContactEvent {
        ContactEvent {
            id: ContactEventId::new(),
            person: PersonId::nobody(),
            kind,
            occurred_at: at,
            recorded_at: at,
            recorded_by: None,
            recorder_name: "Nurse".into(),
            organisation: Some(org),
            outcome: String::new(),
            note: String::new(),
            source: None,
        }
    }

    #[test]
    fn an_admission_goes_on_until_the_same_organisation_discharges() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let (ward, other) = (OrganisationId::new(), OrganisationId::new());
        let admitted = contact(ContactKind::Admission, at, ward);
        let elsewhere = contact(ContactKind::Discharge, at + Duration::days(1), other);
        let now = at + Duration::days(9);
        let all = vec![admitted.clone(), elsewhere];
        assert_eq!(encounter(&admitted, &all, now)["status"], "in-progress");
        let home = contact(ContactKind::Discharge, at + Duration::days(2), ward);
        let all = vec![admitted.clone(), home.clone()];
        let over = encounter(&admitted, &all, now);
        assert_eq!(over["status"], "finished");
        assert_eq!(over["period"]["end"], instant(home.occurred_at));
    }

    #[test]
    fn a_detention_lasts_its_length_and_a_call_is_over_when_made() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let org = OrganisationId::new();
        let detained = contact(ContactKind::Section136, at, org);
        let all = [detained.clone()];
        let soon = at + Duration::hours(2);
        assert_eq!(encounter(&detained, &all, soon)["status"], "in-progress");
        let later = at + Duration::hours(40);
        assert_eq!(encounter(&detained, &all, later)["status"], "finished");
        let call = contact(ContactKind::Call999, at, org);
        let rung = encounter(&call, &[], soon);
        assert_eq!(rung["status"], "finished");
        assert_eq!(rung["class"]["code"], "EMER");
    }
}
