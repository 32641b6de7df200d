//! The dashboard as CSV: one line per figure shown — the partnership's
//! each month, then each organisation's (or pair's) — with the same
//! suppression, so a download says no more than the page.

use super::Dashboard;
use crate::error::ServiceError;

pub const PARTNERSHIP: &str = "the partnership";

fn opt(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

pub fn to_csv(dashboard: &Dashboard) -> Result<String, ServiceError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| ServiceError::Internal(format!("outcomes CSV: {e}"));
    out.write_record([
        "measure",
        "title",
        "month",
        "organisation",
        "partner",
        "team",
        "figure",
        "rate",
        "rate_per",
        "median_hours",
        "p90_hours",
    ])
    .map_err(failed)?;
    let per = |p: Option<u32>| p.map(|p| p.to_string()).unwrap_or_default();
    for theme in &dashboard.themes {
        for m in &theme.measures {
            for point in &m.trend {
                out.write_record([
                    m.measure.as_str().to_owned(),
                    m.title.to_owned(),
                    point.month.to_string(),
                    PARTNERSHIP.to_owned(),
                    String::new(),
                    String::new(),
                    point.figure.to_string(),
                    opt(point.rate),
                    if point.rate.is_some() {
                        per(m.rate_per)
                    } else {
                        String::new()
                    },
                    opt(point.median),
                    opt(point.p90),
                ])
                .map_err(failed)?;
            }
            for row in &m.rows {
                let last = dashboard.months.len().saturating_sub(1);
                for (i, (month, figure)) in dashboard.months.iter().zip(&row.figures).enumerate() {
                    let (median, p90) = if i == last {
                        (row.median, row.p90)
                    } else {
                        (None, None)
                    };
                    out.write_record([
                        m.measure.as_str().to_owned(),
                        m.title.to_owned(),
                        month.to_string(),
                        row.organisation.clone(),
                        row.partner.clone().unwrap_or_default(),
                        row.team.clone().unwrap_or_default(),
                        figure.to_string(),
                        String::new(),
                        String::new(),
                        opt(median),
                        opt(p90),
                    ])
                    .map_err(failed)?;
                }
            }
        }
    }
    let bytes = out
        .into_inner()
        .map_err(|e| ServiceError::Internal(format!("outcomes CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| ServiceError::Internal(format!("outcomes CSV: {e}")))
}
