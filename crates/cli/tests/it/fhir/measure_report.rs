//! The outcomes over FHIR: each measure a `Measure` any caller may read,
//! each month's figures a `MeasureReport` for commissioning only, with
//! the dashboard's suppression — a hidden count is a score absent for a
//! reason, never a number — and valid R4 by the HL7 validator.

use concordat_domain::outcomes::Measure;

use super::get;
use super::tools::validate;
use crate::harness::TestApp;
use crate::outcomes::{february, refresh};

const MASKED: &str = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

async fn a_commissioner_reads_the_months_figures_as_measure_reports(app: TestApp) {
    february(&app).await;
    refresh(&app).await;
    let commissioner = app.token_for("commissioner", "HOPERAT").await;
    let month = get(&app, &commissioner, "/fhir/MeasureReport?period=2026-02").await;
    assert_eq!(month.status, 200, "{}", month.text);
    let month = month.json();
    assert_eq!(month["total"], Measure::ALL.len());
    let s136 = month["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .find(|r| r["id"] == "2026-02-section-136")
        .expect("the detentions' report")
        .clone();
    assert_eq!(s136["measure"], "urn:concordat:fhir:measure:section-136");
    assert_eq!(s136["period"]["start"], "2026-02-01");
    assert_eq!(s136["period"]["end"], "2026-02-28");
    assert_eq!(s136["group"][0]["measureScore"]["value"], 10);

    let read = get(
        &app,
        &commissioner,
        "/fhir/MeasureReport/2026-02-section-136",
    )
    .await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.json(), s136, "read and search agree");
    // January's one detention is absent for a reason, not a number.
    let january = get(
        &app,
        &commissioner,
        "/fhir/MeasureReport/2026-01-section-136",
    )
    .await
    .json();
    let score = &january["group"][0]["measureScore"];
    assert!(score.get("value").is_none(), "{january}");
    assert_eq!(score["extension"][0]["url"], MASKED);
    assert_eq!(score["extension"][0]["valueCode"], "masked");
    // A share, worked out from the counts before rounding.
    let diverted = get(
        &app,
        &commissioner,
        "/fhir/MeasureReport?period=eq2026-02&measure=street-triage-diverted",
    )
    .await
    .json();
    assert_eq!(diverted["total"], 1);
    let share = &diverted["entry"][0]["resource"]["group"][1]["measureScore"];
    assert_eq!(share["value"], 66.7);
    assert_eq!(share["code"], "%");
    // The ambulance service's one call is a masked stratum.
    let contacts = get(
        &app,
        &commissioner,
        "/fhir/MeasureReport/2026-02-crisis-contacts",
    )
    .await
    .json();
    let strata = contacts["group"][0]["stratifier"][0]["stratum"]
        .as_array()
        .unwrap();
    let ambulance = strata
        .iter()
        .find(|s| s["value"]["text"].as_str().unwrap().contains("Ambulance"))
        .expect("an ambulance stratum");
    assert_eq!(
        ambulance["measureScore"]["extension"][0]["valueCode"],
        "masked"
    );

    // Measures are read by anyone signed in: they name no one.
    let gp = app.token_for("gp", "TREAT").await;
    let measure = get(&app, &gp, "/fhir/Measure/section-136").await;
    assert_eq!(measure.status, 200, "{}", measure.text);
    let measure = measure.json();
    assert_eq!(measure["url"], s136["measure"]);
    assert_eq!(measure["description"], Measure::Section136.definition());
    let all = get(&app, &gp, "/fhir/Measure").await.json();
    assert_eq!(all["total"], Measure::ALL.len());
    assert_eq!(get(&app, &gp, "/fhir/Measure/nothing").await.status, 404);

    if let Some(report) = validate(&[s136, january, contacts, measure]) {
        eprintln!("{report}");
    }

    // Reports are for commissioning: refused to anyone else, and to a
    // commissioner for another purpose, whatever id is asked for.
    let treat = app.token_for("commissioner", "TREAT").await;
    for token in [&gp, &treat] {
        for path in [
            "/fhir/MeasureReport",
            "/fhir/MeasureReport/2026-02-section-136",
            "/fhir/MeasureReport/not-a-report",
        ] {
            let refused = get(&app, token, path).await;
            assert_eq!(refused.status, 403, "{path}: {}", refused.text);
            assert_eq!(refused.issue(), "forbidden");
        }
    }
    assert_eq!(get(&app, "", "/fhir/MeasureReport").await.status, 401);
    // Asked wrongly: named.
    for path in [
        "/fhir/MeasureReport?period=2026-13",
        "/fhir/MeasureReport?period=gt2026-01",
        "/fhir/MeasureReport?measure=nothing",
    ] {
        let answer = get(&app, &commissioner, path).await;
        assert_eq!(answer.status, 400, "{path}: {}", answer.text);
        assert_eq!(answer.issue(), "invalid");
    }
    let unknown = get(&app, &commissioner, "/fhir/MeasureReport?colour=blue").await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.issue(), "not-supported");
    for id in ["2026-02-nothing", "2026-13-section-136", "section-136"] {
        let answer = get(&app, &commissioner, &format!("/fhir/MeasureReport/{id}")).await;
        assert_eq!(answer.status, 404, "{id}");
    }
}

crate::on_both_stores!(a_commissioner_reads_the_months_figures_as_measure_reports);
