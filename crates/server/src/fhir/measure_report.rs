//! The partnership's outcomes as FHIR: each measure a `Measure` (its
//! definition in the dashboard's words), each month's figures a
//! `MeasureReport` — the partnership's figure as the group's score and
//! each organisation's (for referrals, each pair's) as a stratum, with the
//! same suppression as the dashboard, since both come from
//! [`crate::outcomes::dashboard`]: a hidden count is a score absent for a
//! reason (`masked`), never a number. Reports are for commissioning
//! (`HOPERAT`) only; a measure's definition names no one and is read by
//! any caller.

use axum::extract::State;
use axum::routing::get;
use concordat_domain::outcomes::{Measure, Month};
use concordat_domain::suppression::Figure;
use serde_json::{json, Value};

use super::outcome::FhirError;
use super::search::{self, Found};
use super::table::{Interaction, ResourceDef, SearchParam, Served};
use super::terms::DATA_ABSENT_REASON;
use super::wire::{instant, FhirBody, FhirPath, FhirRequest};
use crate::outcomes::dashboard::{Dashboard, MeasureFigures};
use crate::AppState;

const MEASURES: search::Searched = search::Searched::of(MEASURE.name, MEASURE.search);
const REPORTS: search::Searched = search::Searched::of(MEASURE_REPORT.name, MEASURE_REPORT.search);

pub const MEASURE: ResourceDef = ResourceDef {
    name: "Measure",
    profile: None,
    served: &[
        Served {
            interaction: Interaction::Read,
            route: || get(read_measure),
        },
        Served {
            interaction: Interaction::SearchType,
            route: || get(search_measures),
        },
    ],
    search: &[],
    operations: &[],
};

pub const MEASURE_REPORT: ResourceDef = ResourceDef {
    name: "MeasureReport",
    profile: None,
    served: &[
        Served {
            interaction: Interaction::Read,
            route: || get(read_report),
        },
        Served {
            interaction: Interaction::SearchType,
            route: || get(search_reports),
        },
    ],
    search: &[
        SearchParam {
            name: "period",
            kind: "date",
            documentation: "the month, `2026-11` (or `eq2026-11`); this month when not given",
        },
        SearchParam {
            name: "measure",
            kind: "reference",
            documentation: "one measure: its id (`section-136`) or canonical url",
        },
    ],
    operations: &[],
};

/// The canonical url of a measure: Concordat's own, as a URN (it
/// publishes no web domain of its own).
fn canonical(measure: Measure) -> String {
    format!("urn:concordat:fhir:measure:{}", measure.as_str())
}

fn scoring(measure: Measure) -> &'static str {
    if measure.is_hours() {
        "continuous-variable"
    } else if measure.rate().is_some() {
        "proportion"
    } else {
        "cohort"
    }
}

/// `Section136HealthBased`: the measure's name for code generators, as
/// FHIR asks (a letter first, then letters, digits and `_`).
fn machine_name(measure: Measure) -> String {
    measure
        .as_str()
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn measure_resource(measure: Measure) -> Value {
    json!({
        "resourceType": "Measure",
        "id": measure.as_str(),
        "url": canonical(measure),
        "name": machine_name(measure),
        "title": measure.label(),
        "status": "active",
        "description": measure.definition(),
        "scoring": { "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/measure-scoring",
            "code": scoring(measure),
        }] },
    })
}

/// `GET /fhir/Measure/{id}`.
async fn read_measure(
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    let measure = Measure::parse(&id).map_err(|_| FhirError::NotFound)?;
    Ok(FhirBody::of(measure_resource(measure)))
}

/// `GET /fhir/Measure`: every measure.
async fn search_measures(request: FhirRequest) -> Result<FhirBody, FhirError> {
    search::search_parameters(&request.params, MEASURES)?;
    let found = Measure::ALL
        .into_iter()
        .map(|m| Found {
            full_url: format!("{}/Measure/{}", request.base, m.as_str()),
            resource: measure_resource(m),
        })
        .collect();
    Ok(FhirBody::of(search::searchset(&request, found)?))
}

/// A score as published: the figure, or absent because it is hidden.
fn score(figure: Figure) -> Value {
    match figure {
        Figure::Shown(n) => json!({ "value": n }),
        Figure::Hidden => masked(),
    }
}

fn masked() -> Value {
    json!({ "extension": [{ "url": DATA_ABSENT_REASON, "valueCode": "masked" }] })
}

fn quantity(value: Option<f64>, unit: &str, code: &str) -> Value {
    match value {
        Some(v) => json!({
            "value": v, "unit": unit, "system": "http://unitsofmeasure.org", "code": code,
        }),
        None => masked(),
    }
}

fn report(dashboard: &Dashboard, m: &MeasureFigures) -> Value {
    let month = dashboard.month;
    let last = m.trend.last();
    let figure = last.map_or(Figure::Shown(0), |p| p.figure);
    let mut groups = vec![json!({
        "code": { "text": if m.measure.is_hours() { "referrals timed" } else { "count" } },
        "measureScore": score(figure),
        "stratifier": [{
            "code": [{ "text": if m.measure.has_partner() {
                "from, to"
            } else if m.measure.has_team() {
                "organisation, team"
            } else {
                "organisation"
            } }],
            "stratum": m.rows.iter().map(|r| json!({
                "value": { "text": r.label() },
                "measureScore": score(*r.figures.last().unwrap_or(&Figure::Hidden)),
            })).collect::<Vec<_>>(),
        }],
    })];
    if let (Some(of), Some(per)) = (m.rate_of, m.rate_per) {
        let (unit, code) = if per == 100 {
            ("%".to_owned(), "%".to_owned())
        } else {
            // UCUM writes a thousand as 10*3.
            (
                format!("per {per} {}", of.label().to_lowercase()),
                if per == 1000 {
                    "/10*3".to_owned()
                } else {
                    format!("/{per}")
                },
            )
        };
        groups.push(json!({
            "code": { "text": format!("share of {}", of.label().to_lowercase()) },
            "measureScore": quantity(last.and_then(|p| p.rate), &unit, &code),
        }));
    }
    if m.measure.is_hours() {
        for (text, value) in [
            ("median hours", last.and_then(|p| p.median)),
            ("90th percentile hours", last.and_then(|p| p.p90)),
        ] {
            groups.push(json!({
                "code": { "text": text },
                "measureScore": quantity(value, "h", "h"),
            }));
        }
    }
    let mut resource = json!({
        "resourceType": "MeasureReport",
        "id": format!("{month}-{}", m.measure.as_str()),
        "status": "complete",
        "type": "summary",
        "measure": canonical(m.measure),
        "period": {
            "start": month.first_day().to_string(),
            "end": (month.next().first_day() - chrono::Duration::days(1)).to_string(),
        },
        "group": groups,
    });
    if let Some(at) = dashboard.computed_at {
        resource["date"] = json!(instant(at));
        resource["meta"] = json!({ "lastUpdated": instant(at) });
    }
    resource
}

/// A month as a `period` search value: `2026-11`, or `eq2026-11`.
fn period(raw: &str) -> Result<Month, FhirError> {
    Month::parse(raw.strip_prefix("eq").unwrap_or(raw)).map_err(|e| FhirError::invalid("period", e))
}

/// A measure as a `measure` search value: its id or its canonical url.
fn measure_of(raw: &str) -> Result<Measure, FhirError> {
    let id = raw
        .strip_prefix("urn:concordat:fhir:measure:")
        .or_else(|| raw.strip_prefix("Measure/"))
        .unwrap_or(raw);
    Measure::parse(id).map_err(|e| FhirError::invalid("measure", e))
}

/// `GET /fhir/MeasureReport/{month}-{measure}`.
async fn read_report(
    State(state): State<AppState>,
    request: FhirRequest,
    FhirPath(id): FhirPath<String>,
) -> Result<FhirBody, FhirError> {
    search::no_parameters(&request.params)?;
    // Who may see reports is decided before the id is read: a refusal
    // says the same whatever was asked for.
    crate::outcomes::may_see(&request.viewer)?;
    let (month, measure) = id
        .get(..7)
        .zip(id.get(8..))
        .filter(|_| id.as_bytes().get(7) == Some(&b'-'))
        .and_then(|(month, measure)| {
            Some((Month::parse(month).ok()?, Measure::parse(measure).ok()?))
        })
        .ok_or(FhirError::NotFound)?;
    let dashboard = crate::outcomes::dashboard(&state, &request.viewer, Some(month)).await?;
    let figures = dashboard
        .themes
        .iter()
        .flat_map(|t| &t.measures)
        .find(|f| f.measure == measure)
        .ok_or(FhirError::NotFound)?;
    Ok(FhirBody::of(report(&dashboard, figures)))
}

/// `GET /fhir/MeasureReport?period=2026-11[&measure=…]`: the month's
/// report of every measure, or of one.
async fn search_reports(
    State(state): State<AppState>,
    request: FhirRequest,
) -> Result<FhirBody, FhirError> {
    let params = search::search_parameters(&request.params, REPORTS)?;
    let mut month = None;
    let mut only = None;
    for (name, value) in &params {
        match *name {
            "period" => month = Some(period(value)?),
            "measure" => only = Some(measure_of(value)?),
            _ => {}
        }
    }
    let dashboard = crate::outcomes::dashboard(&state, &request.viewer, month).await?;
    let found = dashboard
        .themes
        .iter()
        .flat_map(|t| &t.measures)
        .filter(|f| only.is_none_or(|m| m == f.measure))
        .map(|f| {
            let resource = report(&dashboard, f);
            Found {
                full_url: format!(
                    "{}/MeasureReport/{}",
                    request.base,
                    resource["id"].as_str().unwrap_or_default()
                ),
                resource,
            }
        })
        .collect();
    Ok(FhirBody::of(search::searchset(&request, found)?))
}
