//! What a Bulk Data kick-off asks for, read from its parameters and its
//! `Prefer` header: the types, the moment changes count from, the output
//! format. Anything the server does not do is refused, never ignored, so
//! a client never takes a wider file for the one it asked.

use chrono::{DateTime, Utc};

use super::super::outcome::FhirError;
use super::super::search::ABOUT_A_PERSON;

/// The level an export is asked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// `/fhir/$export`: everything the caller may read, and the
    /// partnership's organisations.
    System,
    /// `/fhir/Patient/$export`: the caller's people.
    Patient,
    /// `/fhir/Group/{id}/$export`: the people of one team's caseload.
    Group,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Patient => "patient",
            Self::Group => "group",
        }
    }

    /// The types an export at this level can hold, in the order its
    /// files are written.
    pub fn types(self) -> Vec<&'static str> {
        let mut types = vec!["Patient"];
        types.extend(ABOUT_A_PERSON);
        if self == Self::System {
            types.push("Organization");
        }
        types
    }
}

/// The output formats a client may name: NDJSON of FHIR resources.
const NDJSON: [&str; 4] = [
    "application/fhir+ndjson",
    "application/ndjson",
    "ndjson",
    // `+` in a query string reads as a space.
    "application/fhir ndjson",
];

/// A kick-off, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    pub types: Vec<&'static str>,
    pub since: Option<DateTime<Utc>>,
}

/// Reads a kick-off at `level`: its `Prefer` header (which must ask for an
/// asynchronous answer) and its parameters.
pub fn read(
    level: Level,
    prefer: Option<&str>,
    params: &[(String, String)],
) -> Result<Ask, FhirError> {
    let asynchronous = prefer.is_some_and(|p| {
        p.split(',')
            .any(|part| part.trim().eq_ignore_ascii_case("respond-async"))
    });
    if !asynchronous {
        return Err(FhirError::Unsupported(
            "an export is answered asynchronously: send `Prefer: respond-async`".into(),
        ));
    }
    let offered = level.types();
    let mut types: Vec<&'static str> = Vec::new();
    let mut since = None;
    for (name, value) in params {
        match name.as_str() {
            "_outputFormat" => {
                if !NDJSON.contains(&value.trim()) {
                    return Err(FhirError::Unsupported(format!(
                        "`_outputFormat={value}` is not offered; this server writes \
                         `application/fhir+ndjson`"
                    )));
                }
            }
            "_type" => {
                for kind in value.split(',').map(str::trim).filter(|k| !k.is_empty()) {
                    let Some(known) = offered.iter().find(|t| **t == kind) else {
                        return Err(FhirError::invalid(
                            "_type",
                            format!(
                                "`{kind}` is not exported at this level; it exports {}",
                                offered.join(", ")
                            ),
                        ));
                    };
                    if !types.contains(known) {
                        types.push(known);
                    }
                }
            }
            "_since" => {
                if since.is_some() {
                    return Err(FhirError::invalid("_since", "give `_since` once"));
                }
                let at = DateTime::parse_from_rfc3339(value.trim()).map_err(|_| {
                    FhirError::invalid(
                        "_since",
                        format!("`{value}` is not an instant like 2026-03-01T00:00:00Z"),
                    )
                })?;
                since = Some(at.with_timezone(&Utc));
            }
            other => {
                return Err(FhirError::Unsupported(format!(
                    "`{other}` is not a parameter of this server's `$export`; it reads \
                     `_outputFormat`, `_type` and `_since`"
                )))
            }
        }
    }
    if types.is_empty() {
        types = offered;
    } else {
        // Files are written in the level's order, whatever order was asked.
        types = offered.into_iter().filter(|t| types.contains(t)).collect();
    }
    Ok(Ask { types, since })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn an_export_must_be_asked_for_asynchronously() {
        assert!(read(Level::Patient, None, &[]).is_err());
        assert!(read(Level::Patient, Some("return=minimal"), &[]).is_err());
        assert!(read(Level::Patient, Some("respond-async"), &[]).is_ok());
        assert!(read(Level::Patient, Some("handling=strict, respond-async"), &[]).is_ok());
    }

    #[test]
    fn without_types_every_type_of_the_level_is_exported() {
        let all = read(Level::Patient, Some("respond-async"), &[]).unwrap();
        assert_eq!(all.types, Level::Patient.types());
        assert!(!all.types.contains(&"Organization"));
        let system = read(Level::System, Some("respond-async"), &[]).unwrap();
        assert!(system.types.contains(&"Organization"));
    }

    #[test]
    fn types_are_kept_in_the_levels_order_once_each() {
        let asked = params(&[("_type", "Flag,Patient"), ("_type", "Flag, CarePlan")]);
        let ask = read(Level::Group, Some("respond-async"), &asked).unwrap();
        assert_eq!(ask.types, vec!["Patient", "CarePlan", "Flag"]);
    }

    #[test]
    fn unknown_types_formats_and_parameters_are_refused() {
        for asked in [
            params(&[("_type", "Observation")]),
            params(&[("_type", "Organization")]),
            params(&[("_outputFormat", "application/fhir+json")]),
            params(&[("_typeFilter", "Flag?status=active")]),
            params(&[("_elements", "id")]),
            params(&[("_since", "yesterday")]),
            params(&[
                ("_since", "2026-03-01T00:00:00Z"),
                ("_since", "2026-03-02T00:00:00Z"),
            ]),
        ] {
            assert!(
                read(Level::Patient, Some("respond-async"), &asked).is_err(),
                "{asked:?}"
            );
        }
    }

    #[test]
    fn ndjson_and_since_are_read() {
        let asked = params(&[
            ("_outputFormat", "application/fhir ndjson"),
            ("_since", "2026-03-01T10:00:00+01:00"),
        ]);
        let ask = read(Level::System, Some("respond-async"), &asked).unwrap();
        assert_eq!(ask.since.unwrap().to_rfc3339(), "2026-03-01T09:00:00+00:00");
    }
}
