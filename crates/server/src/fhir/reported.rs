//! Contacts reported over FHIR by registered source systems: one Encounter
//! (`POST /fhir/Encounter`) or a `batch` Bundle of them (`POST /fhir`),
//! each translated to the contact event the JSON API's `POST
//! /api/v1/events` takes and recorded by the same service
//! (`crate::contact_events::ingest`): the same callers (source systems
//! only), the same idempotency by the source's own id for the event, the
//! same decision, audit, notifications and relationships.
//!
//! An Encounter sent says: its source system in `meta.source`, the
//! source's own id for the event as its one `identifier`, the kind of
//! contact as a `type` coding in `urn:concordat:fhir:code-system:contact-kind`,
//! the person by NHS number as `subject.identifier` — or, without one,
//! described by a contained Patient that `subject.reference` names
//! (`"#p"`: names, birth date, gender, postal code, phone, the sender's
//! own identifier), held for matching and answered 202 whoever it
//! describes — when as
//! `period.start`; optionally the reason as `reasonCode[0].text` (the
//! note), the outcome, planned discharge date, ward phone and attending
//! team in Concordat's extensions, the ward as `location[0].location.display`,
//! and the staff who attended as `participant[].individual.identifier`
//! (their usernames).
//!
//! A `transaction` is refused: the entries of a report stand alone, as the
//! lines of an NDJSON batch do, which is what a `batch` says.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use concordat_domain::identifier::NHS_NUMBER_SYSTEM;
use serde_json::{json, Value};

use super::outcome::FhirError;
use super::search;
use super::terms::{code_system, extension, identifier_system, FHIR_JSON};
use super::wire::{FhirJson, FhirRequest};
use crate::contact_events::{
    self, DescribedPerson, EventInput, LineError, LineReport, LineStatus, SenderIdentifier,
};
use crate::AppState;

/// The most entries one batch takes.
pub const MAX_ENTRIES: usize = 1_000;

/// `POST /fhir/Encounter`: 201 with the new contact's address when
/// recorded, 200 with the same when it was already.
pub async fn create(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirJson(body): FhirJson,
) -> Result<Response, FhirError> {
    search::no_parameters(&request.params)?;
    let now = state.clock.now();
    let input = event_input(&body);
    let event_id = input.as_ref().map(|i| i.event_id.clone()).ok();
    let parsed = input.and_then(|input| input.check(now));
    let mut reports = contact_events::ingest(&state, &request.viewer, vec![(1, parsed)]).await?;
    let report = reports
        .pop()
        .ok_or_else(|| FhirError::Internal("an event went unreported".into()))?;
    if report.status == LineStatus::Held || report.held.is_some() {
        return Ok(held_answer(report.status == LineStatus::Held));
    }
    let (status, id) = match (report.status, report.id) {
        (LineStatus::Recorded, Some(id)) => (StatusCode::CREATED, Some(id)),
        // Sent before: the sender is pointed at what it sent then.
        (LineStatus::Duplicate, _) => {
            let earlier = match event_id {
                Some(event_id) => {
                    contact_events::recorded_as(&state, &request.viewer, &event_id).await?
                }
                None => None,
            };
            (StatusCode::OK, earlier)
        }
        _ => return Err(line_error(report.error.unwrap_or(LineError::NotStored))),
    };
    let location = id
        .map(|id| format!("Encounter/{id}"))
        .ok_or_else(|| FhirError::Internal("a recorded contact has no id".into()))?;
    let outcome = json!({
        "resourceType": "OperationOutcome",
        "issue": [{
            "severity": "information",
            "code": "informational",
            "diagnostics": if status == StatusCode::CREATED { "recorded" } else { "already recorded" },
        }],
    });
    let mut response = (status, outcome.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
    let absolute = format!("{}/{location}", request.base);
    if let Ok(value) = HeaderValue::from_str(&absolute) {
        headers.insert(header::LOCATION, value);
    }
    Ok(response)
}

/// What a sender is told of an Encounter held for matching: the same
/// whoever it describes. `new` is false when it was held before.
fn held_answer(new: bool) -> Response {
    let outcome = json!({
        "resourceType": "OperationOutcome",
        "issue": [{
            "severity": "information",
            "code": "informational",
            "diagnostics": HELD_WORDS,
        }],
    });
    let status = if new {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    let mut response = (status, outcome.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
    response
}

const HELD_WORDS: &str = "held until it is matched to a person: it was sent without an NHS number";

/// `POST /fhir` with a `batch` Bundle of `POST Encounter` entries: a
/// `batch-response` Bundle, one entry per entry sent, in order.
pub async fn batch(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirJson(body): FhirJson,
) -> Result<super::wire::FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    if body["resourceType"] != "Bundle" {
        return Err(FhirError::invalid("resourceType", "send a Bundle"));
    }
    match body["type"].as_str() {
        Some("batch") => {}
        Some("transaction") => {
            return Err(FhirError::Unsupported(
                "transactions are not supported: the contacts of a report stand alone; \
                 send a `batch`"
                    .into(),
            ))
        }
        _ => return Err(FhirError::invalid("type", "send a `batch` Bundle")),
    }
    let entries = body["entry"].as_array().cloned().unwrap_or_default();
    if entries.is_empty() {
        return Err(FhirError::invalid("entry", "the batch holds no entries"));
    }
    if entries.len() > MAX_ENTRIES {
        return Err(FhirError::invalid(
            "entry",
            format!("at most {MAX_ENTRIES} entries a batch; send the rest in another"),
        ));
    }
    let now = state.clock.now();
    let lines = entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let posted = entry["request"]["method"] == "POST"
                && entry["request"]["url"]
                    .as_str()
                    .is_some_and(|u| u.trim_end_matches('/') == "Encounter");
            let parsed = if posted {
                event_input(&entry["resource"]).and_then(|input| input.check(now))
            } else {
                Err(invalid(
                    "request",
                    "each entry is a `POST` of an Encounter (`request.url` = `Encounter`)",
                ))
            };
            (i + 1, parsed)
        })
        .collect();
    let reports = contact_events::ingest(&state, &request.viewer, lines).await?;
    let entries: Vec<Value> = reports
        .iter()
        .map(|r| response_entry(&request.base, r))
        .collect();
    Ok(super::wire::FhirBody::of(json!({
        "resourceType": "Bundle",
        "type": "batch-response",
        "entry": entries,
    })))
}

fn response_entry(base: &str, report: &LineReport) -> Value {
    // A batch's duplicates are not looked up one by one: a re-sent batch
    // costs no more than its first sending.
    let (status, location) = match (report.status, report.id) {
        (LineStatus::Recorded, Some(id)) => ("201 Created", Some(id)),
        (LineStatus::Held, _) => ("202 Accepted", None),
        (LineStatus::Duplicate, _) => ("200 OK", None),
        _ => {
            let error = line_error(report.error.clone().unwrap_or(LineError::NotStored));
            let status = match &error {
                FhirError::NotFound => "404 Not Found",
                FhirError::Internal(_) => "500 Internal Server Error",
                _ => "400 Bad Request",
            };
            return json!({ "response": { "status": status, "outcome": error.outcome() } });
        }
    };
    let mut response = json!({ "status": status });
    if let Some(id) = location {
        response["location"] = Value::String(format!("{base}/Encounter/{id}"));
    }
    json!({ "response": response })
}

/// A line's error as this surface says it.
fn line_error(error: LineError) -> FhirError {
    match error {
        LineError::Malformed(why) => FhirError::invalid("body", why),
        LineError::Invalid { field, message } => FhirError::invalid(fhir_field(&field), message),
        LineError::NotFound(_) | LineError::NotRecordedForMatch => FhirError::NotFound,
        LineError::NotStored => FhirError::Internal("contact event not stored".into()),
    }
}

/// Where in an Encounter the event's field `field` is sent, so a refusal
/// names what the sender wrote.
fn fhir_field(field: &str) -> &str {
    match field {
        "source_system" => "meta.source",
        "event_id" => "identifier",
        "kind" => "type",
        "nhs_number" => "subject",
        "occurred_at" => "period.start",
        "note" => "reasonCode",
        "ward" => "location",
        "attended_by" => "participant",
        "outcome" => "extension:contact-outcome",
        "planned_discharge_date" => "extension:planned-discharge-date",
        "ward_phone" => "extension:ward-phone",
        "place_of_safety" => "extension:place-of-safety",
        "conveyed_by" => "extension:conveyed-by",
        "team" => "extension:attending-team",
        other => other,
    }
}

fn invalid(field: &str, message: impl ToString) -> LineError {
    LineError::Invalid {
        field: field.to_owned(),
        message: message.to_string(),
    }
}

/// The text at `pointer` in `resource`, if it is a string.
fn text(resource: &Value, pointer: &str) -> Option<String> {
    resource
        .pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The value of Concordat's extension `name` on `resource`, as text.
fn own_extension(resource: &Value, name: &str) -> Option<String> {
    let url = extension(name);
    resource["extension"]
        .as_array()?
        .iter()
        .find(|e| e["url"] == url.as_str())
        .and_then(|e| {
            ["valueString", "valueDate"]
                .iter()
                .find_map(|key| e[*key].as_str().map(str::to_owned))
        })
}

/// Whom an Encounter is about: by NHS number (`subject.identifier`), or
/// described by a contained Patient the subject references (`"#p"`) when
/// the sender has no NHS number — such an event is held for matching.
fn subject(resource: &Value) -> Result<(Option<String>, Option<DescribedPerson>), LineError> {
    let subject = &resource["subject"];
    if subject["identifier"]["system"] == NHS_NUMBER_SYSTEM {
        if let Some(nhs) = text(&subject["identifier"], "/value") {
            return Ok((Some(nhs), None));
        }
    }
    let contained = subject["reference"]
        .as_str()
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|id| {
            resource["contained"]
                .as_array()?
                .iter()
                .find(|c| c["resourceType"] == "Patient" && c["id"] == id)
        });
    let Some(patient) = contained else {
        return Err(invalid(
            "subject",
            format!(
                "name the person by NHS number (`subject.identifier` with system \
                 `{NHS_NUMBER_SYSTEM}`), or describe them in a contained Patient that \
                 `subject.reference` names (`#id`)"
            ),
        ));
    };
    let identifiers = patient["identifier"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if let Some(nhs) = identifiers
        .iter()
        .find(|i| i["system"] == NHS_NUMBER_SYSTEM)
        .and_then(|i| text(i, "/value"))
    {
        return Ok((Some(nhs), None));
    }
    let identifier = identifiers.iter().find_map(|i| {
        Some(SenderIdentifier {
            system: text(i, "/system")?,
            value: text(i, "/value")?,
        })
    });
    let phone = patient["telecom"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| t["system"] == "phone")
        .and_then(|t| text(t, "/value"));
    Ok((
        None,
        Some(DescribedPerson {
            given_name: text(patient, "/name/0/given/0"),
            family_name: text(patient, "/name/0/family"),
            birth_date: text(patient, "/birthDate"),
            postcode: text(patient, "/address/0/postalCode"),
            phone,
            sex: text(patient, "/gender"),
            identifier,
        }),
    ))
}

/// The contact event an Encounter reports, or the field at fault.
fn event_input(resource: &Value) -> Result<EventInput, LineError> {
    if resource["resourceType"] != "Encounter" {
        return Err(invalid("resourceType", "send an Encounter"));
    }
    let source_system = text(resource, "/meta/source")
        .ok_or_else(|| invalid("meta.source", "name your source system in `meta.source`"))?;
    let event_id = match resource["identifier"].as_array().map(Vec::as_slice) {
        Some([one]) => text(one, "/value"),
        _ => None,
    }
    .ok_or_else(|| {
        invalid(
            "identifier",
            "give exactly one identifier: your own id for this contact",
        )
    })?;
    let kinds = code_system("contact-kind");
    let kind = resource["type"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|t| t["coding"].as_array().into_iter().flatten())
        .find(|c| c["system"] == kinds.as_str())
        .and_then(|c| text(c, "/code"))
        .ok_or_else(|| {
            invalid(
                "type",
                format!("give the kind of contact as a `{kinds}` coding"),
            )
        })?;
    let (nhs_number, person) = subject(resource)?;
    let occurred_at = text(resource, "/period/start")
        .ok_or_else(|| invalid("period.start", "give when the contact happened"))?;
    let usernames = identifier_system("username");
    let attended_by: Vec<String> = resource["participant"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["individual"]["identifier"]["system"] == usernames.as_str())
        .filter_map(|p| text(p, "/individual/identifier/value"))
        .collect();
    Ok(EventInput {
        source_system,
        event_id,
        kind,
        nhs_number,
        person,
        occurred_at,
        outcome: own_extension(resource, "contact-outcome"),
        note: text(resource, "/reasonCode/0/text"),
        planned_discharge_date: own_extension(resource, "planned-discharge-date"),
        ward: text(resource, "/location/0/location/display"),
        ward_phone: own_extension(resource, "ward-phone"),
        place_of_safety: own_extension(resource, "place-of-safety"),
        conveyed_by: own_extension(resource, "conveyed-by"),
        team: own_extension(resource, "attending-team"),
        attended_by: (!attended_by.is_empty()).then_some(attended_by),
        traumatic_incident: None,
    })
}
