//! The dashboard as published: the figures of a month and the twelve
//! before it, after suppression, and each month's kept while what it was
//! made from is unchanged. Types only, so that what every service can
//! reach (`crate::state`) can hold them.

use chrono::{DateTime, Utc};
use concordat_domain::ids::{OrganisationId, TeamId};
use concordat_domain::outcomes::{Measure, Month};
use concordat_domain::suppression::Figure;
use serde::Serialize;

use crate::authorisation::VersionedCache;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    /// The month chosen, `2026-12`.
    #[schema(value_type = String)]
    pub month: Month,
    /// The months shown, oldest first; every series has one value each.
    #[schema(value_type = Vec<String>)]
    pub months: Vec<Month>,
    /// When the chosen month's figures were last computed.
    pub computed_at: Option<DateTime<Utc>>,
    /// Months shown whose figures have never been computed (shown as 0).
    #[schema(value_type = Vec<String>)]
    pub not_computed: Vec<Month>,
    /// Counts of 1 to 7 are `*`; every other count is rounded to the
    /// nearest 5.
    pub suppression: &'static str,
    pub themes: Vec<ThemeFigures>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ThemeFigures {
    pub title: &'static str,
    pub measures: Vec<MeasureFigures>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeasureFigures {
    #[schema(value_type = String)]
    pub measure: Measure,
    pub title: &'static str,
    pub definition: &'static str,
    /// What a rate is of (`look-ups`) and per how many (100: per cent).
    #[schema(value_type = Option<String>)]
    pub rate_of: Option<Measure>,
    pub rate_per: Option<u32>,
    /// The partnership's figure each month.
    pub trend: Vec<Point>,
    /// Each organisation's (or, for referrals, each pair's) figures, one
    /// per month.
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Point {
    #[schema(value_type = String)]
    pub month: Month,
    #[schema(value_type = Object)]
    pub figure: Figure,
    /// Per cent (or per thousand) of `rate_of`, where it may be shown.
    pub rate: Option<f64>,
    /// For a time: the median and 90th percentile, in hours.
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Row {
    pub organisation: String,
    /// For referrals, the organisation sent to.
    pub partner: Option<String>,
    /// For the frontline's exposure, the team (none: staff of no team).
    pub team: Option<String>,
    #[schema(value_type = Vec<Object>)]
    pub figures: Vec<Figure>,
    /// For a time, in the chosen month: median and 90th percentile hours.
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

impl Row {
    /// How the row reads on its own: "Northshire Police to Northshire NHS
    /// Foundation Trust", "Northshire Police, Street Triage".
    pub fn label(&self) -> String {
        match (&self.partner, &self.team) {
            (Some(to), _) => format!("{} to {to}", self.organisation),
            (None, Some(team)) => format!("{}, {team}", self.organisation),
            (None, None) => self.organisation.clone(),
        }
    }
}

/// Months whose published dashboards are kept.
pub const KEPT_MONTHS: usize = 24;

/// What a month's published dashboard was made from: when each month shown
/// was last computed, and every organisation's name.
#[derive(Debug, PartialEq)]
pub struct MadeFrom {
    pub computed: Vec<(Month, DateTime<Utc>)>,
    pub names: Vec<(OrganisationId, String)>,
    pub teams: Vec<(TeamId, String)>,
}

/// Each month's dashboard as last published, kept while what it was made
/// from is unchanged.
pub type Published = VersionedCache<Month, Dashboard, MadeFrom>;
