//! The partnership's outcomes dashboard (`/outcomes`): a month against the
//! twelve before it, each measure with its definition, a chart drawn on
//! the server ([`chart`]), a sentence saying what it shows, the table of
//! its figures and the organisations side by side; and the same figures
//! to download (`/outcomes.csv`, `/outcomes.json`). From
//! [`crate::outcomes::dashboard`], for commissioning.

pub mod chart;

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::outcomes::Month;
use concordat_domain::suppression::Figure;
use serde::Deserialize;

use self::chart::{grouped, Chart, Value};
use crate::auth::session::SignedIn;
use crate::outcomes::dashboard::{MeasureFigures, PURPOSE};
use crate::outcomes::{self, download, Dashboard};
use crate::pages::error::PageError;
use crate::pages::extract::PageQuery;
use crate::pages::layout::{render, Chrome};
use crate::pages::words::when;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/outcomes", get(page))
        .route("/outcomes.csv", get(csv))
        .route("/outcomes.json", get(json))
}

#[derive(Debug, Deserialize)]
pub struct MonthQuery {
    month: Option<String>,
}

/// Months offered in the chooser: this one and the two years before.
const CHOICES: usize = 25;

struct Choice {
    code: String,
    label: String,
    selected: bool,
}

struct TrendRow {
    month: String,
    figure: String,
    rate: String,
    median: String,
    p90: String,
}

struct OrganisationRow {
    name: String,
    figures: Vec<String>,
    median: String,
    p90: String,
}

struct MeasureView {
    id: &'static str,
    title: &'static str,
    definition: &'static str,
    chart: Chart,
    rate_heading: Option<String>,
    is_hours: bool,
    trend: Vec<TrendRow>,
    rows: Vec<OrganisationRow>,
    has_partner: bool,
    has_team: bool,
}

struct ThemeView {
    id: String,
    title: &'static str,
    measures: Vec<MeasureView>,
}

#[derive(Template)]
#[template(path = "outcomes.html")]
struct OutcomesPage {
    chrome: Chrome,
    month: String,
    month_code: String,
    first_month: String,
    choices: Vec<Choice>,
    computed: String,
    not_computed: Vec<String>,
    suppression: &'static str,
    months: Vec<String>,
    themes: Vec<ThemeView>,
}

fn month_of(raw: Option<&str>) -> Result<Option<Month>, PageError> {
    raw.map(str::trim)
        .filter(|m| !m.is_empty())
        .map(|m| Month::parse(m).map_err(|e| PageError::Invalid(format!("{e}."))))
        .transpose()
}

async fn load(
    state: &AppState,
    session: &SignedIn,
    query: &MonthQuery,
) -> Result<std::sync::Arc<Dashboard>, PageError> {
    let month = month_of(query.month.as_deref())?;
    Ok(outcomes::dashboard(state, &session.viewer(PURPOSE), month).await?)
}

fn hours(value: Option<f64>) -> String {
    value
        .map(|v| format!("{v:.1}"))
        .unwrap_or_else(|| "–".to_owned())
}

fn rate_text(rate: Option<f64>, per: Option<u32>) -> String {
    match (rate, per) {
        (Some(r), Some(100)) => format!("{r:.1}%"),
        (Some(r), Some(per)) => format!("{r:.1} per {}", grouped(u64::from(per))),
        _ => "–".to_owned(),
    }
}

/// A published figure as the page writes it (the downloads keep plain
/// digits for machines).
fn written(figure: Figure) -> String {
    match figure {
        Figure::Shown(n) => grouped(n),
        Figure::Hidden => "*".to_owned(),
    }
}

fn said(figure: Figure) -> String {
    match figure {
        Figure::Shown(n) => format!("about {}", grouped(n)),
        Figure::Hidden => "fewer than 8 (hidden)".to_owned(),
    }
}

/// What the chart shows, in a sentence or two.
fn summary(m: &MeasureFigures) -> String {
    let Some(last) = m.trend.last() else {
        return String::new();
    };
    let first = &m.trend[0];
    if m.measure.is_hours() {
        return match (last.median, last.p90) {
            (Some(median), Some(p90)) => format!(
                "In {}: median {median:.1} hours, 90th percentile {p90:.1} hours, over {} \
                 referrals.",
                last.month.label(),
                said(last.figure)
            ),
            _ => format!(
                "In {}: no time can be shown ({} referrals).",
                last.month.label(),
                said(last.figure)
            ),
        };
    }
    let mut s = format!("In {}: {}", last.month.label(), said(last.figure));
    if let (Some(rate), Some(of)) = (last.rate, m.rate_of) {
        s.push_str(&format!(
            ", {} of {}",
            rate_text(Some(rate), m.rate_per),
            of.label().to_lowercase()
        ));
    }
    s.push_str(&format!(
        ". In {}: {}.",
        first.month.label(),
        said(first.figure)
    ));
    let highest = m
        .trend
        .iter()
        .filter_map(|p| match p.figure {
            Figure::Shown(n) if n > 0 => Some((n, p.month)),
            _ => None,
        })
        .max_by_key(|(n, _)| *n);
    if let Some((n, month)) = highest {
        s.push_str(&format!(
            " Highest shown: about {}, in {}.",
            grouped(n),
            month.label()
        ));
    }
    s
}

fn view(m: &MeasureFigures) -> MeasureView {
    let is_hours = m.measure.is_hours();
    let values: Vec<Value> = m
        .trend
        .iter()
        .map(|p| {
            let value = if is_hours {
                p.median
            } else {
                match p.figure {
                    Figure::Shown(n) => Some(n as f64),
                    Figure::Hidden => None,
                }
            };
            Value {
                label: p.month.short(),
                value,
                text: match (is_hours, value) {
                    (true, Some(v)) => format!("{v:.0}"),
                    (true, None) => "*".to_owned(),
                    (false, _) => written(p.figure),
                },
            }
        })
        .collect();
    let title = if is_hours {
        format!("{}: the median each month", m.title)
    } else {
        format!("{}, each month", m.title)
    };
    MeasureView {
        id: m.measure.as_str(),
        title: m.title,
        definition: m.definition,
        chart: chart::chart(m.measure.as_str(), &title, &summary(m), &values),
        rate_heading: m.rate_of.map(|of| {
            if m.rate_per == Some(100) {
                format!("Share of {}", of.label().to_lowercase())
            } else {
                format!("Per 1,000 {}", of.label().to_lowercase())
            }
        }),
        is_hours,
        trend: m
            .trend
            .iter()
            .map(|p| TrendRow {
                month: p.month.label(),
                figure: written(p.figure),
                rate: rate_text(p.rate, m.rate_per),
                median: hours(p.median),
                p90: hours(p.p90),
            })
            .collect(),
        rows: m
            .rows
            .iter()
            .map(|r| OrganisationRow {
                name: r.label(),
                figures: r.figures.iter().copied().map(written).collect(),
                median: hours(r.median),
                p90: hours(r.p90),
            })
            .collect(),
        has_partner: m.measure.has_partner(),
        has_team: m.measure.has_team(),
    }
}

/// `GET /outcomes?month=2026-11`.
pub async fn page(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<MonthQuery>,
) -> Result<Response, PageError> {
    let dashboard = load(&state, &session, &query).await?;
    let this = Month::of(state.clock.now());
    let choices = this
        .trailing(CHOICES)
        .into_iter()
        .rev()
        .map(|m| Choice {
            code: m.to_string(),
            label: m.label(),
            selected: m == dashboard.month,
        })
        .collect();
    let page = OutcomesPage {
        chrome: Chrome::load(&state, &session).await?,
        month: dashboard.month.label(),
        month_code: dashboard.month.to_string(),
        first_month: dashboard.months[0].label(),
        choices,
        computed: dashboard
            .computed_at
            .map(when)
            .unwrap_or_else(|| "never".to_owned()),
        not_computed: dashboard.not_computed.iter().map(|m| m.label()).collect(),
        suppression: dashboard.suppression,
        months: dashboard.months.iter().map(|m| m.short()).collect(),
        themes: dashboard
            .themes
            .iter()
            .enumerate()
            .map(|(i, t)| ThemeView {
                id: format!("theme-{}", i + 1),
                title: t.title,
                measures: t.measures.iter().map(view).collect(),
            })
            .collect(),
    };
    Ok(render(&page)?.into_response())
}

fn attachment(content_type: &str, name: String, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// `GET /outcomes.csv?month=…`: exactly the figures the page shows.
pub async fn csv(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<MonthQuery>,
) -> Result<Response, PageError> {
    let dashboard = load(&state, &session, &query).await?;
    let body = download::to_csv(&dashboard)?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        format!("outcomes-{}.csv", dashboard.month),
        body,
    ))
}

/// `GET /outcomes.json?month=…`: the same, as JSON.
pub async fn json(
    State(state): State<AppState>,
    session: SignedIn,
    PageQuery(query): PageQuery<MonthQuery>,
) -> Result<Response, PageError> {
    let dashboard = load(&state, &session, &query).await?;
    let body = serde_json::to_string_pretty(&dashboard)
        .map_err(|e| PageError::Internal(format!("outcomes JSON: {e}")))?;
    Ok(attachment(
        "application/json",
        format!("outcomes-{}.json", dashboard.month),
        body,
    ))
}
