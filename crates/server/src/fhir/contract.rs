//! `Contract`: the partnership's information sharing agreements, read and
//! searched by those who may see them (information governance leads,
//! administrators, commissioners: `crate::agreements::read`). An
//! agreement names no one the partnership cares for, so reading one is not
//! an access to a record and is not audited as one.
//!
//! Laid out as R4 lays out a contract: its parties as the first term's
//! offer, the purposes of use it serves as that term's actions (their
//! intent an HL7 v3 ActReason), the lawful basis as its text; then one
//! term per role, the categories of the record it may read and write as
//! assets; each party's signature of the version in force as a signer;
//! the review date in an extension.
//! The FHIR status is the nearest of R4's; the agreement's own status is
//! `legalState`.

use axum::extract::State;
use axum::routing::get;
use concordat_domain::agreement::{Agreement, AgreementStatus, RoleGrant};
use concordat_domain::category::DataCategory;
use serde_json::{json, Value};

use super::outcome::FhirError;
use super::search::{self, Found};
use super::table::{Interaction, ResourceDef, SearchParam, Served};
use super::terms::{code_system, extension, ACT_REASON};
use super::wire::{instant, FhirBody, FhirPath, FhirRequest};
use crate::agreements::read::{self, Shown};
use crate::agreements::Names;
use crate::AppState;

/// How this type's searches read their parameters.
const SEARCHED: search::Searched = search::Searched::of(RESOURCE.name, RESOURCE.search);

pub const RESOURCE: ResourceDef = ResourceDef {
    name: "Contract",
    profile: None,
    served: &[
        Served {
            interaction: Interaction::Read,
            route: || get(read_one),
        },
        Served {
            interaction: Interaction::SearchType,
            route: || get(search),
        },
    ],
    search: &[SearchParam {
        name: "status",
        kind: "token",
        documentation: "`offered` (a draft awaiting signatures), `executed` (in force), \
                        `revoked` (suspended) or `terminated` (ended)",
    }],
    operations: &[],
};

/// `GET /fhir/Contract/{id}`.
async fn read_one(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let id = read::parse_id(&id)?;
    let shown = read::one(&state, &request.viewer.user, id).await?;
    Ok(FhirBody::of(contract(&shown.agreement, &shown.names)))
}

/// `GET /fhir/Contract` (every agreement, most recently changed first) or
/// `?status=…`.
async fn search(
    State(state): State<AppState>,
    request: FhirRequest,
) -> Result<FhirBody, FhirError> {
    let params = search::search_parameters(&request.params, SEARCHED)?;
    let status = match params.first() {
        Some((name, value)) => Some(
            AgreementStatus::ALL
                .into_iter()
                .find(|s| fhir_status(*s) == value)
                .ok_or_else(|| {
                    FhirError::invalid(name, "`offered`, `executed`, `revoked` or `terminated`")
                })?,
        ),
        None => None,
    };
    let listed = read::list(&state, &request.viewer.user).await?;
    let mut found = Vec::new();
    for agreement in listed.agreements {
        if status.is_some_and(|s| agreement.status() != s) {
            continue;
        }
        // Read again with its signers named.
        let Shown { agreement, names } = read::shown(&state, agreement).await?;
        found.push(Found {
            full_url: format!("{}/Contract/{}", request.base, agreement.id()),
            resource: contract(&agreement, &names),
        });
    }
    Ok(FhirBody::of(search::searchset(&request, found)?))
}

/// The nearest R4 contract status.
fn fhir_status(status: AgreementStatus) -> &'static str {
    match status {
        AgreementStatus::Draft => "offered",
        AgreementStatus::Active => "executed",
        AgreementStatus::Suspended => "revoked",
        AgreementStatus::Ended => "terminated",
    }
}

fn categories(set: &std::collections::BTreeSet<DataCategory>) -> Vec<Value> {
    set.iter()
        .map(|c| {
            json!({ "coding": [{
                "system": code_system("data-category"),
                "code": c.as_str(),
                "display": c.label(),
            }] })
        })
        .collect()
}

/// The term for what one role may do.
fn grant_term(grant: &RoleGrant) -> Value {
    let words = |set: &std::collections::BTreeSet<DataCategory>| {
        set.iter().map(|c| c.label()).collect::<Vec<_>>().join(", ")
    };
    let mut text = format!("{}: reads {}", grant.role.label(), words(&grant.read));
    if !grant.write.is_empty() {
        text.push_str(&format!("; writes {}", words(&grant.write)));
    }
    let mut assets = Vec::new();
    if !grant.read.is_empty() {
        assets.push(json!({ "type": categories(&grant.read), "text": "read" }));
    }
    if !grant.write.is_empty() {
        assets.push(json!({ "type": categories(&grant.write), "text": "write" }));
    }
    let mut term = json!({
        "type": { "coding": [{
            "system": code_system("role"),
            "code": grant.role.as_str(),
            "display": grant.role.label(),
        }] },
        "text": text,
        "offer": { "text": text },
    });
    if !assets.is_empty() {
        term["asset"] = Value::Array(assets);
    }
    term
}

/// The Contract for an agreement, its parties and signers named by `names`.
pub fn contract(agreement: &Agreement, names: &Names) -> Value {
    let terms = agreement.terms();
    let basis = &terms.lawful_basis;
    let lawful = format!(
        "Lawful basis: {}; {}; {}",
        basis.article_6(),
        basis.article_9(),
        basis.dpa_schedule_1()
    );
    let parties: Vec<Value> = terms
        .parties
        .iter()
        .map(|o| json!({ "reference": format!("Organization/{o}"), "display": names.name(*o) }))
        .collect();
    let purposes: Vec<Value> = terms
        .purposes
        .iter()
        .map(|p| {
            json!({
                "type": { "text": "share the record" },
                "intent": { "coding": [{
                    "system": ACT_REASON,
                    "code": p.code(),
                    "display": p.label(),
                }] },
                "status": { "text": "agreed" },
            })
        })
        .collect();
    let mut all_terms = vec![json!({
        "type": { "coding": [{
            "system": code_system("agreement-tier"),
            "code": terms.tier.as_str(),
            "display": terms.tier.label(),
        }] },
        "text": lawful,
        "offer": {
            "party": [{ "reference": parties, "role": { "text": "party" } }],
            "text": format!("{} shared among the parties", terms.tier.label()),
        },
        "action": purposes,
    })];
    all_terms.extend(terms.grants.iter().map(grant_term));
    let mut applies = json!({ "start": terms.starts_on.to_string() });
    if let Some(end) = terms.ends_on {
        applies["end"] = Value::String(end.to_string());
    }
    let mut resource = json!({
        "resourceType": "Contract",
        "id": agreement.id().to_string(),
        "extension": [
            { "url": extension("review-on"), "valueDate": terms.review_on.to_string() },
        ],
        "meta": { "versionId": agreement.version().to_string() },
        "version": agreement.version().to_string(),
        "status": fhir_status(agreement.status()),
        "legalState": { "coding": [{
            "system": code_system("agreement-status"),
            "code": agreement.status().as_str(),
        }] },
        "title": terms.title,
        "applies": applies,
        "term": all_terms,
    });
    if !agreement.signatures().is_empty() {
        resource["signer"] = agreement
            .signatures()
            .iter()
            .map(|s| {
                json!({
                    "type": {
                        "system": "urn:iso-astm:E1762-95:2013",
                        "code": "1.2.840.10065.1.12.1.7",
                        "display": "Consent Signature",
                    },
                    "party": {
                        "reference": format!("Organization/{}", s.organisation),
                        "display": names.name(s.organisation),
                    },
                    "signature": [{
                        "type": [{
                            "system": "urn:iso-astm:E1762-95:2013",
                            "code": "1.2.840.10065.1.12.1.7",
                            "display": "Consent Signature",
                        }],
                        "when": instant(s.signed_at),
                        "who": { "display": names.person(s.signed_by) },
                    }],
                })
            })
            .collect();
    }
    resource
}
