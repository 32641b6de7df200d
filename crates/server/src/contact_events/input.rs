//! One contact event as a source system sends it, checked field by field
//! into what [`super::ingest`] records, and why a line can fail.

use chrono::{DateTime, NaiveDate, Utc};
use concordat_domain::contact_event::{ContactKind, Detention, EventSource};
use concordat_domain::ids::PersonId;
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::text::{bounded, paragraphs, PhoneNumber};
use concordat_domain::user::Username;
use concordat_domain::wellbeing::IncidentKind;
use concordat_store::contact_events::Transition;
use serde::{Deserialize, Serialize};

use super::described::DescribedPerson;
use crate::wellbeing::record::NO_OLDER_THAN_DAYS;

/// One event as a source system sends it.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    pub source_system: String,
    pub event_id: String,
    #[schema(value_type = concordat_domain::contact_event::ContactKind)]
    pub kind: String,
    /// The person's NHS number. Without it, describe the person
    /// (`person`): the event is held until it is matched to someone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nhs_number: Option<String>,
    /// The person as the sender knows them, when there is no NHS number
    /// (an NHS number, when given, decides whom the event is about).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<DescribedPerson>,
    /// RFC 3339.
    pub occurred_at: String,
    #[serde(default)]
    pub outcome: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// YYYY-MM-DD, for planned-discharge-date and discharge events.
    #[serde(default)]
    pub planned_discharge_date: Option<String>,
    /// The ward, for admissions and discharges: "Willow Ward".
    #[serde(default)]
    pub ward: Option<String>,
    #[serde(default)]
    pub ward_phone: Option<String>,
    /// For a section 136 detention: where the person was taken
    /// (`health-based`, `emergency-department`, `police-station`, `other`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_of_safety: Option<String>,
    /// For a section 136 detention: how (`ambulance`, `police-vehicle`,
    /// `other`). Given with `place_of_safety` or not at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conveyed_by: Option<String>,
    /// The team of the sender's organisation that attended ("Crisis
    /// Team"): its members may read the record while the contact lasts.
    #[serde(default)]
    pub team: Option<String>,
    /// The usernames of the sender's staff who attended: they may read the
    /// record while the contact lasts.
    #[serde(default)]
    pub attended_by: Option<Vec<String>>,
    /// The contact was a traumatic incident for the staff who attended it:
    /// one of the incident kinds' words (`suicide-attempt`). The staff
    /// named in `attended_by` are each recorded as attending it and
    /// offered wellbeing checks, as if they had recorded it themselves.
    /// Nothing of it reaches the person's record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<concordat_domain::wellbeing::IncidentKind>)]
    pub traumatic_incident: Option<String>,
}

/// Whom an event is about, as it names them.
#[derive(Debug, Clone)]
pub enum Whom {
    /// By NHS number: recorded at once for that person, if they may be.
    Numbered(NhsNumber),
    /// By the person's details: held for matching, with the event as sent.
    Described {
        details: concordat_store::held_events::HeldDetails,
        payload: String,
    },
    /// The person a held event was matched to, by the matching job or a
    /// reviewer (`crate::matching`): recorded for them, NHS number or not.
    /// Never read from the wire: a sender names its person by NHS number
    /// or by details.
    Matched(PersonId),
}

/// An event checked and ready to record.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub source: EventSource,
    pub kind: ContactKind,
    pub whom: Whom,
    pub occurred_at: DateTime<Utc>,
    pub outcome: String,
    pub note: String,
    pub transition: Transition,
    /// For a section 136 detention, where and how, if sent.
    pub detention: Option<Detention>,
    /// Whom the contact names, as sent; resolved against the sender's
    /// organisation when the event is recorded.
    pub team: Option<String>,
    pub attended_by: Vec<Username>,
    /// The contact was this kind of traumatic incident for the staff in
    /// `attended_by`, whose wellbeing checks it starts.
    pub traumatic_incident: Option<IncidentKind>,
}

/// Why a line was not recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    /// Not JSON, or not an event's shape.
    #[error("{0}")]
    Malformed(String),
    /// A field that breaks a rule.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// No such person, or none the caller may record contacts for: a
    /// refusal by the access decision answers exactly as an unknown NHS
    /// number does, and the audit keeps the reason.
    #[error("no person with NHS number `{0}` that you may record contacts for")]
    NotFound(String),
    /// A held event's matched person is no longer recorded, or the access
    /// decision refused the sender recording contacts for them; the audit
    /// keeps the reason.
    #[error("the contact may not be recorded for the person it was matched to")]
    NotRecordedForMatch,
    /// Storage failed; nothing of the line was kept.
    #[error("not recorded: the event could not be stored")]
    NotStored,
}

fn invalid(field: &str, message: impl ToString) -> LineError {
    LineError::Invalid {
        field: field.to_owned(),
        message: message.to_string(),
    }
}

impl EventInput {
    /// Checks every field; `now` bounds how far in the future an event may be.
    pub fn check(self, now: DateTime<Utc>) -> Result<Incoming, LineError> {
        let system = bounded("source_system", &self.source_system, 100)
            .map_err(|e| invalid("source_system", e))?;
        let event_id =
            bounded("event_id", &self.event_id, 200).map_err(|e| invalid("event_id", e))?;
        let kind = ContactKind::parse(&self.kind).map_err(|e| invalid("kind", e))?;
        let whom = match (self.nhs_number.as_deref().map(str::trim), &self.person) {
            (Some(raw), _) if !raw.is_empty() => {
                Whom::Numbered(NhsNumber::parse(raw).map_err(|e| invalid("nhs_number", e))?)
            }
            (_, Some(person)) => Whom::Described {
                details: person.check(now).map_err(|e| LineError::Invalid {
                    field: e.field,
                    message: e.message,
                })?,
                // The incident is recorded for its staff as the event is
                // held (`super::holding`), not again when it is matched.
                payload: serde_json::to_string(&EventInput {
                    traumatic_incident: None,
                    ..self.clone()
                })
                .map_err(|e| LineError::Malformed(e.to_string()))?,
            },
            (_, None) => {
                return Err(invalid(
                    "nhs_number",
                    "give the person's NHS number, or describe them in `person` when you \
                     have none",
                ))
            }
        };
        let occurred_at = DateTime::parse_from_rfc3339(self.occurred_at.trim())
            .map_err(|e| {
                invalid(
                    "occurred_at",
                    format!("`{}` is not an RFC 3339 time: {e}", self.occurred_at),
                )
            })?
            .with_timezone(&Utc);
        if occurred_at > now + chrono::Duration::minutes(5) {
            return Err(invalid(
                "occurred_at",
                "an event cannot be recorded as happening in the future",
            ));
        }
        let outcome = match self.outcome.as_deref().map(str::trim) {
            None | Some("") => String::new(),
            Some(text) => bounded("outcome", text, 300).map_err(|e| invalid("outcome", e))?,
        };
        let note = paragraphs("note", self.note.as_deref().unwrap_or_default(), 2_000)
            .map_err(|e| invalid("note", e))?;
        let planned_discharge_date = self
            .planned_discharge_date
            .as_deref()
            .map(|raw| {
                NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
                    invalid(
                        "planned_discharge_date",
                        format!("`{raw}` is not a date (YYYY-MM-DD)"),
                    )
                })
            })
            .transpose()?;
        let transition_kind = matches!(
            kind,
            ContactKind::Admission | ContactKind::Discharge | ContactKind::PlannedDischargeDate
        );
        if planned_discharge_date.is_some()
            && !matches!(
                kind,
                ContactKind::Discharge | ContactKind::PlannedDischargeDate
            )
        {
            return Err(invalid(
                "planned_discharge_date",
                "only a discharge or planned-discharge-date event has a planned discharge date",
            ));
        }
        if kind == ContactKind::PlannedDischargeDate && planned_discharge_date.is_none() {
            return Err(invalid(
                "planned_discharge_date",
                "a planned-discharge-date event needs the date",
            ));
        }
        let ward = self
            .ward
            .as_deref()
            .map(|w| bounded("ward", w, 120).map_err(|e| invalid("ward", e)))
            .transpose()?;
        let ward_phone = self
            .ward_phone
            .as_deref()
            .map(|p| {
                PhoneNumber::parse(p)
                    .map(|p| p.as_str().to_owned())
                    .map_err(|e| invalid("ward_phone", e))
            })
            .transpose()?;
        if !transition_kind && (ward.is_some() || ward_phone.is_some()) {
            return Err(invalid(
                "ward",
                "only admission, discharge and planned-discharge-date events name a ward",
            ));
        }
        let detention = Detention::read(
            kind,
            self.place_of_safety.as_deref(),
            self.conveyed_by.as_deref(),
        )
        .map_err(|e| invalid(e.field, e.message))?;
        let team = self
            .team
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| bounded("team", t, 120).map_err(|e| invalid("team", e)))
            .transpose()?;
        let attended_by = self
            .attended_by
            .unwrap_or_default()
            .iter()
            .map(|u| Username::parse(u).map_err(|e| invalid("attended_by", e)))
            .collect::<Result<Vec<_>, _>>()?;
        if attended_by.len() > 20 {
            return Err(invalid(
                "attended_by",
                "name at most 20 people; name their team instead",
            ));
        }
        let traumatic_incident = self
            .traumatic_incident
            .as_deref()
            .map(|k| IncidentKind::parse(k.trim()).map_err(|e| invalid("traumatic_incident", e)))
            .transpose()?;
        if traumatic_incident.is_some() {
            if attended_by.is_empty() {
                return Err(invalid(
                    "traumatic_incident",
                    "name the staff who attended in `attended_by`: they are the ones offered \
                     wellbeing checks",
                ));
            }
            if occurred_at < now - chrono::Duration::days(NO_OLDER_THAN_DAYS) {
                return Err(invalid(
                    "traumatic_incident",
                    format!(
                        "an incident more than {NO_OLDER_THAN_DAYS} days before now cannot be \
                         recorded; send the event without `traumatic_incident`"
                    ),
                ));
            }
        }
        Ok(Incoming {
            source: EventSource { system, event_id },
            kind,
            whom,
            occurred_at,
            outcome,
            note,
            transition: Transition {
                planned_discharge_date,
                ward,
                ward_phone,
            },
            detention,
            team,
            attended_by,
            traumatic_incident,
        })
    }
}

/// Reads one NDJSON line.
pub fn parse_line(raw: &str, now: DateTime<Utc>) -> Result<Incoming, LineError> {
    let input: EventInput = serde_json::from_str(raw).map_err(|e| {
        LineError::Malformed(format!(
            "not an event: {}",
            e.to_string().replace('\n', " ")
        ))
    })?;
    input.check(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 3, 9, 0, 0).unwrap()
    }

    fn line(extra: &str) -> String {
        format!(
            r#"{{"source_system": "ward-pas", "event_id": "1", "kind": "discharge",
                "nhs_number": "9990000018", "occurred_at": "2026-03-03T08:00:00+00:00"{extra}}}"#
        )
    }

    #[test]
    fn a_discharge_reads_with_its_planned_date_and_ward() {
        let e = parse_line(
            &line(r#", "planned_discharge_date": "2026-03-10", "ward": "Willow Ward", "ward_phone": "01632 960300""#),
            now(),
        )
        .unwrap();
        assert_eq!(e.kind, ContactKind::Discharge);
        assert_eq!(e.source.system, "ward-pas");
        assert_eq!(
            e.transition.planned_discharge_date,
            NaiveDate::from_ymd_opt(2026, 3, 10)
        );
        assert_eq!(e.transition.ward.as_deref(), Some("Willow Ward"));
    }

    #[test]
    fn bad_lines_say_which_field_and_why() {
        let field = |raw: &str| match parse_line(raw, now()) {
            Err(LineError::Invalid { field, .. }) => field,
            other => panic!("expected an invalid field, got {other:?}"),
        };
        assert_eq!(
            field(&line(r#", "planned_discharge_date": "10/03/2026""#)),
            "planned_discharge_date"
        );
        assert_eq!(field(&line("").replace("discharge", "teleport")), "kind");
        assert_eq!(
            field(&line("").replace("9990000018", "9990000019")),
            "nhs_number"
        );
        assert_eq!(
            field(&line("").replace("2026-03-03T08", "2026-03-04T08")),
            "occurred_at"
        );
        assert_eq!(
            field(
                &line("")
                    .replace("\"discharge\"", "\"call-999\"")
                    .replace("}", r#", "ward": "Willow Ward"}"#)
            ),
            "ward"
        );
        assert!(matches!(
            parse_line("{not json", now()),
            Err(LineError::Malformed(_))
        ));
        assert!(matches!(
            parse_line(&line(r#", "colour": "blue""#), now()),
            Err(LineError::Malformed(m)) if m.contains("colour")
        ));
    }

    #[test]
    fn an_event_names_the_team_and_the_staff_who_attended() {
        let e = parse_line(
            &line(r#", "team": " Crisis Team ", "attended_by": ["PC.Shaw", "p.shah"]"#),
            now(),
        )
        .unwrap();
        assert_eq!(e.team.as_deref(), Some("Crisis Team"));
        let names: Vec<&str> = e.attended_by.iter().map(|u| u.as_str()).collect();
        assert_eq!(names, ["pc.shaw", "p.shah"]);
        let bad = parse_line(&line(r#", "attended_by": ["no spaces allowed"]"#), now());
        assert!(matches!(bad, Err(LineError::Invalid { field, .. }) if field == "attended_by"));
    }

    #[test]
    fn a_traumatic_incident_is_a_known_kind_with_its_staff_and_recent() {
        let e = parse_line(
            &line(r#", "attended_by": ["pc.shaw"], "traumatic_incident": "restraint""#),
            now(),
        )
        .unwrap();
        assert_eq!(e.traumatic_incident, Some(IncidentKind::Restraint));
        assert_eq!(
            parse_line(&line(""), now()).unwrap().traumatic_incident,
            None
        );

        let fault = |raw: &str| match parse_line(raw, now()) {
            Err(LineError::Invalid { field, message }) => {
                assert_eq!(field, "traumatic_incident", "{message}");
                message
            }
            other => panic!("expected traumatic_incident to be at fault, got {other:?}"),
        };
        let unknown = fault(&line(
            r#", "attended_by": ["pc.shaw"], "traumatic_incident": "fainting""#,
        ));
        assert!(unknown.contains("`fainting`") && unknown.contains("suicide-attempt"));
        let alone = fault(&line(r#", "traumatic_incident": "death""#));
        assert!(alone.contains("attended_by"), "{alone}");
        let old = fault(
            &line(r#", "attended_by": ["pc.shaw"], "traumatic_incident": "death""#)
                .replace("2026-03-03T08", "2025-11-20T08"),
        );
        assert!(old.contains("90 days"), "{old}");
    }
}
