//! `AuditEvent`: the audit log, searched, shaped as IHE Basic Audit Log
//! Patterns (BALP) shape a RESTful access: the interaction as the subtype,
//! the person as the patient entity, the user as the requesting agent
//! carrying the purpose of use (`agent.purposeOfUse`, HL7 v3 ActReason;
//! `BTG` beside it for a break-glass access), success or a denial as the
//! outcome, the decision's reasons as its description. Two audiences, the
//! same as on the JSON API: a person's own account finds the entries about
//! their own record (`crate::governance::access_log`, with deferred
//! break-glass disclosures still hidden), and information governance
//! searches what its organisation answers for
//! (`crate::governance::search_audit`, itself audited). Anyone else is
//! refused.

use axum::extract::State;
use axum::routing::get;
use chrono::{DateTime, Utc};
use concordat_domain::ids::PersonId;
use concordat_domain::role::Role;
use serde_json::{json, Value};

use super::outcome::FhirError;
use super::search::{self, patient_reference, Found};
use super::table::{Interaction, ResourceDef, SearchParam, Served};
use super::terms::{code_system, identifier_system, ACT_REASON, PARTICIPATION_TYPE};
use super::wire::{instant, FhirBody, FhirRequest};
use crate::error::ServiceError;
use crate::governance::{self, AccessLogItem, AuditItem, AuditQuery};
use crate::{permissions, AppState};

/// How this type's searches read their parameters.
const SEARCHED: search::Searched = search::Searched::of(RESOURCE.name, RESOURCE.search);

pub const RESOURCE: ResourceDef = ResourceDef {
    name: "AuditEvent",
    profile: None,
    served: &[Served {
        interaction: Interaction::SearchType,
        route: || get(search),
    }],
    search: &[
        SearchParam {
            name: "patient",
            kind: "reference",
            documentation: "The person whose record was accessed: `Patient/{id}`; a person's own \
                            account finds only its own",
        },
        SearchParam {
            name: "altid",
            kind: "token",
            documentation: "The username of the user who acted (information governance only)",
        },
        SearchParam {
            name: "outcome",
            kind: "token",
            documentation: "`0` allowed, `4` denied (information governance only)",
        },
        SearchParam {
            name: "date",
            kind: "date",
            documentation: "A day (`2026-03-01`), or from one (`ge2026-03-01`) or up to one \
                            (`le2026-03-31`) (information governance only)",
        },
    ],
    operations: &[],
};

/// The most entries one search answers, newest first.
const LIMIT: u32 = 200;

/// `GET /fhir/AuditEvent?…`.
async fn search(
    State(state): State<AppState>,
    request: FhirRequest,
) -> Result<FhirBody, FhirError> {
    let params = search::search_parameters(&request.params, SEARCHED)?;
    let events = if request.viewer.user.role() == Role::Person {
        own_log(&state, &request, &params).await?
    } else {
        governance_search(&state, &request, &params).await?
    };
    let found = events
        .into_iter()
        .map(|event| Found {
            full_url: format!("{}/AuditEvent/{}", request.base, event.seq),
            resource: audit_event(&event),
        })
        .collect();
    Ok(FhirBody::of(search::searchset(&request, found)?))
}

/// The entries about the record of the person whose own account asks; a
/// search naming anyone else finds nothing, as for no one.
async fn own_log(
    state: &AppState,
    request: &FhirRequest,
    params: &[(&'static str, String)],
) -> Result<Vec<Event>, FhirError> {
    let own = permissions::own_access_log(&request.viewer.user).map_err(ServiceError::from)?;
    let mut asked_for_another = false;
    for (name, value) in params {
        if *name != "patient" {
            return Err(FhirError::invalid(
                name,
                "a person's own access log is searched by `patient` alone",
            ));
        }
        asked_for_another = patient_reference(name, value, &request.base)? != own.to_string();
    }
    if asked_for_another {
        return Ok(Vec::new());
    }
    let items = governance::access_log(state, own, LIMIT).await?;
    Ok(items
        .into_iter()
        .map(|item| Event::own(item, own))
        .collect())
}

/// Information governance's search, each parameter as the JSON API's
/// `GET /api/v1/audit` reads it.
async fn governance_search(
    state: &AppState,
    request: &FhirRequest,
    params: &[(&'static str, String)],
) -> Result<Vec<Event>, FhirError> {
    let mut query = AuditQuery {
        limit: Some(LIMIT),
        ..AuditQuery::default()
    };
    for (name, value) in params {
        match *name {
            // An id that does not read is no one, as everywhere.
            "patient" => {
                let id = patient_reference(name, value, &request.base)?;
                query.person = Some(PersonId::named(&id).to_string());
            }
            "altid" => query.user = Some(value.clone()),
            "outcome" => {
                query.outcome = Some(
                    match value.as_str() {
                        "0" => "allowed",
                        "4" => "denied",
                        _ => return Err(FhirError::invalid(name, "`0` (allowed) or `4` (denied)")),
                    }
                    .to_owned(),
                );
            }
            _ => {
                let (from, to) = search::days(value).ok_or_else(|| {
                    FhirError::invalid(
                        name,
                        format!("`{value}` is not a day, or a day after `ge` or `le`"),
                    )
                })?;
                query.from = from.map(|d| d.to_string());
                query.to = to.map(|d| d.to_string());
            }
        }
    }
    let items = governance::search_audit(state, &request.viewer, &query).await?;
    Ok(items.into_iter().map(Event::governed).collect())
}

/// What an AuditEvent says, from either audience's view of an entry.
#[derive(Debug)]
struct Event {
    seq: u64,
    at: DateTime<Utc>,
    username: Option<String>,
    who: Option<String>,
    organisation: Option<String>,
    role: Option<String>,
    purpose: Option<&'static str>,
    person: Option<String>,
    action: &'static str,
    categories: Vec<&'static str>,
    allowed: bool,
    break_glass: bool,
    reasons: Vec<String>,
    policies: Vec<String>,
}

impl Event {
    /// An entry of a person's own log: allowed accesses to their record,
    /// named as the person reads them, with why each was legitimate.
    fn own(item: AccessLogItem, person: PersonId) -> Self {
        let mut reasons = item.because;
        reasons.extend(item.why);
        Self {
            seq: item.seq,
            at: item.at,
            username: None,
            who: Some(item.who),
            organisation: Some(item.organisation),
            role: Some(item.role),
            purpose: item.purpose_code,
            person: Some(person.to_string()),
            action: item.action,
            categories: item.categories,
            allowed: true,
            break_glass: item.break_glass,
            reasons,
            policies: Vec::new(),
        }
    }

    fn governed(item: AuditItem) -> Self {
        Self {
            seq: item.seq,
            at: item.at,
            username: item.username,
            who: item.who,
            organisation: item.organisation,
            role: item.role.map(str::to_owned),
            purpose: item.purpose,
            person: item.person_id,
            action: item.action,
            categories: item.categories,
            allowed: item.outcome == "allowed",
            break_glass: item.break_glass,
            reasons: item.reasons,
            policies: item.policies,
        }
    }
}

/// The RESTful interaction (`http://hl7.org/fhir/restful-interaction`) an
/// audited action is, and its BALP action code.
fn interaction(action: &str) -> (&'static str, &'static str) {
    match action {
        "read" => ("read", "R"),
        "write" => ("update", "U"),
        "export" => ("search-type", "R"),
        "audit-search" => ("search-type", "E"),
        _ => ("operation", "E"),
    }
}

fn audit_event(e: &Event) -> Value {
    let (subtype, action) = interaction(e.action);
    let mut purposes: Vec<Value> = e
        .purpose
        .iter()
        .map(|code| json!({ "coding": [{ "system": ACT_REASON, "code": code }] }))
        .collect();
    if e.break_glass {
        purposes.push(json!({ "coding": [{
            "system": ACT_REASON,
            "code": "BTG",
            "display": "break the glass",
        }] }));
    }
    let mut user = json!({
        "type": { "coding": [{
            "system": PARTICIPATION_TYPE,
            "code": "IRCP",
            "display": "information recipient",
        }] },
        "requestor": true,
    });
    let mut who = json!({ "display": e.who.clone().unwrap_or_else(|| "Concordat".to_owned()) });
    if let Some(username) = &e.username {
        who["identifier"] = json!({ "system": identifier_system("username"), "value": username });
        user["altId"] = Value::String(username.clone());
    }
    user["who"] = who;
    if let Some(role) = &e.role {
        user["role"] = json!([{ "text": role }]);
    }
    if !purposes.is_empty() {
        user["purposeOfUse"] = Value::Array(purposes.clone());
    }
    if !e.policies.is_empty() {
        user["policy"] = e
            .policies
            .iter()
            .map(|p| Value::String(format!("urn:concordat:policy:{p}")))
            .collect();
    }
    if e.who.is_none() {
        // The scheduler acts for no one: the system is the agent.
        user["requestor"] = Value::Bool(false);
    }
    let mut agents = vec![user];
    if let Some(organisation) = &e.organisation {
        agents.push(json!({
            "role": [{ "text": "organisation" }],
            "who": { "display": organisation },
            "requestor": false,
        }));
    }
    let mut event = json!({
        "resourceType": "AuditEvent",
        "id": e.seq.to_string(),
        "type": {
            "system": "http://terminology.hl7.org/CodeSystem/audit-event-type",
            "code": "rest",
            "display": "RESTful Operation",
        },
        "subtype": [
            { "system": "http://hl7.org/fhir/restful-interaction", "code": subtype },
            { "system": code_system("audit-action"), "code": e.action },
        ],
        "action": action,
        "recorded": instant(e.at),
        "outcome": if e.allowed { "0" } else { "4" },
        "agent": agents,
        "source": {
            "site": "Concordat",
            "observer": { "display": "Concordat" },
            "type": [{
                "system": "http://terminology.hl7.org/CodeSystem/security-source-type",
                "code": "4",
                "display": "Application Server",
            }],
        },
    });
    if !e.reasons.is_empty() {
        event["outcomeDesc"] = Value::String(e.reasons.join("; "));
    }
    if !purposes.is_empty() {
        event["purposeOfEvent"] = Value::Array(purposes);
    }
    if let Some(person) = &e.person {
        let mut entity = json!({
            "what": { "reference": format!("Patient/{person}") },
            "type": {
                "system": "http://terminology.hl7.org/CodeSystem/audit-entity-type",
                "code": "1",
                "display": "Person",
            },
            "role": {
                "system": "http://terminology.hl7.org/CodeSystem/object-role",
                "code": "1",
                "display": "Patient",
            },
        });
        if !e.categories.is_empty() {
            entity["detail"] = e
                .categories
                .iter()
                .map(|c| json!({ "type": "category", "valueString": c }))
                .collect();
        }
        event["entity"] = json!([entity]);
    }
    event
}
