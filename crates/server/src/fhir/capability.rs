//! The CapabilityStatement, made from the table the router is made from:
//! for each resource type, its interactions, search parameters, operations
//! and profile. Nothing here is written by hand that the router could
//! contradict.

use serde_json::{json, Value};

use super::search::{includes, revincludes, Searched, PAGE_CONTROLS};
use super::table::{Interaction, Operation, ResourceDef};

/// The FHIR version every resource here is written to.
pub const FHIR_VERSION: &str = "4.0.1";

/// The statement for a server serving `resources` and the system-level
/// `operations` at `base`, as of `date`.
pub fn statement(
    resources: &[&ResourceDef],
    operations: &[Operation],
    base: &str,
    date: &str,
) -> Value {
    json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": date,
        "publisher": "Concordat",
        "kind": "instance",
        "software": { "name": "Concordat", "version": env!("CARGO_PKG_VERSION") },
        "implementation": {
            "description": "Concordat: a crisis-care partnership's shared record, \
                            read under its information sharing agreements and the person's consent",
            "url": base,
        },
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [{
            "mode": "server",
            "security": {
                "description": "A bearer token from POST /api/v1/auth/token, bound to one \
                                purpose of use; every read is decided for that purpose and audited",
            },
            "resource": resources.iter().map(|r| resource(r)).collect::<Vec<_>>(),
            // `POST /fhir`: a batch of Encounters from a source system.
            "interaction": [{ "code": "batch" }],
            "operation": operations.iter()
                .map(|o| json!({ "name": o.name, "definition": o.definition }))
                .collect::<Vec<_>>(),
        }],
    })
}

fn resource(def: &ResourceDef) -> Value {
    let mut entry = json!({
        "type": def.name,
        "interaction": def.served.iter()
            .map(|s| json!({ "code": s.interaction.code() }))
            .collect::<Vec<_>>(),
        "versioning": if def.serves(Interaction::Vread) { "versioned" } else { "no-version" },
        "readHistory": def.serves(Interaction::Vread),
    });
    if let Some(profile) = def.profile {
        entry["profile"] = Value::String(profile.to_owned());
    }
    // Every search is paged. FHIR forbids empty arrays: a type with no
    // search leaves the key out.
    if def.serves(Interaction::SearchType) {
        entry["searchParam"] = def
            .search
            .iter()
            .chain(PAGE_CONTROLS)
            .map(|p| json!({ "name": p.name, "type": p.kind, "documentation": p.documentation }))
            .collect();
    }
    let searched = Searched::of(def.name, def.search);
    for (key, offered) in [
        ("searchInclude", includes(searched)),
        ("searchRevInclude", revincludes(searched)),
    ] {
        if def.serves(Interaction::SearchType) && !offered.is_empty() {
            entry[key] = offered.into();
        }
    }
    if !def.operations.is_empty() {
        entry["operation"] = def
            .operations
            .iter()
            .map(|o| json!({ "name": o.name, "definition": o.definition }))
            .collect();
    }
    entry
}
