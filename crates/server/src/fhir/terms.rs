//! The names this surface speaks by: its media type, the extensions and code
//! systems of its own, and the standard ones it uses.

/// The media type of every answer.
pub const FHIR_JSON: &str = "application/fhir+json; charset=utf-8";

/// The standard extension saying why a value is absent.
pub const DATA_ABSENT_REASON: &str = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

/// Concordat owns no web domain to publish definitions under, so its own
/// extensions and code systems are named by URN: stable, and resolving to
/// nothing a client could mistake for a published profile.
const OWN: &str = "urn:concordat:fhir";

/// The url of Concordat's extension `name`.
pub fn extension(name: &str) -> String {
    format!("{OWN}:extension:{name}")
}

/// The system of Concordat's code system `name`.
pub fn code_system(name: &str) -> String {
    format!("{OWN}:code-system:{name}")
}

/// The system of Concordat's identifier `name`.
pub fn identifier_system(name: &str) -> String {
    format!("{OWN}:identifier:{name}")
}

/// HL7 v3 ActReason: the purposes of use.
pub const ACT_REASON: &str = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

/// HL7 v3 ParticipationType: the part an actor takes (`IRCP`, information
/// recipient).
pub const PARTICIPATION_TYPE: &str = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
