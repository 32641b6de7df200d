//! The dashboard's figures: a month against the twelve before it, for the
//! partnership and each organisation side by side, every count published
//! through [`concordat_domain::suppression::grid`] — each measure's table
//! of organisations by month with its totals — and every rate computed
//! from the counts before rounding but withheld where it would give a
//! hidden count away. Read from the kept figures only.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use concordat_domain::ids::{OrganisationId, TeamId};
use concordat_domain::outcomes::{Beneath, Measure, Month, Theme};
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use concordat_domain::suppression::{grid, rate, Figure, Table};
use concordat_store::organisations::list_organisations;
use concordat_store::outcomes as store;
use concordat_store::teams::list_teams;

use crate::authorisation::Viewer;
use crate::error::ServiceError;
use crate::AppState;

/// Months shown: the chosen one and the twelve before it.
pub const MONTHS: usize = 13;

pub use super::published::{
    Dashboard, MadeFrom, MeasureFigures, Point, Published, Row, ThemeFigures, KEPT_MONTHS,
};

/// The purpose the figures are for.
pub const PURPOSE: Purpose = Purpose::Commissioning;

/// Who may see the figures: commissioners and information governance
/// leads (the partnership board's), for commissioning only — the purpose
/// that opens no one's record.
pub fn may_see(viewer: &Viewer) -> Result<(), ServiceError> {
    if !matches!(viewer.user.role(), Role::Commissioner | Role::IgLead) {
        return Err(ServiceError::Forbidden(
            "the partnership's outcome figures are for commissioners and information \
             governance leads"
                .into(),
        ));
    }
    if viewer.purpose != PURPOSE {
        return Err(ServiceError::Forbidden(format!(
            "the outcome figures are published for {} ({}) only; ask for a token for that \
             purpose",
            PURPOSE.label().to_lowercase(),
            PURPOSE.code()
        )));
    }
    Ok(())
}

type Key = (Option<OrganisationId>, Option<Beneath>);

/// The row of staff in no team, for a measure by team.
pub const NO_TEAM: &str = "no team";

/// What is kept for one measure: per key, per month, the count and times.
type Kept = BTreeMap<Key, BTreeMap<Month, store::Figure>>;

/// The dashboard for `month` (this month when none is chosen).
pub async fn dashboard(
    state: &AppState,
    viewer: &Viewer,
    month: Option<Month>,
) -> Result<Arc<Dashboard>, ServiceError> {
    may_see(viewer)?;
    let this = Month::of(state.clock.now());
    let month = month.unwrap_or(this);
    if month > this {
        return Err(ServiceError::invalid(
            "month",
            format!("{} has not happened yet", month.label()),
        ));
    }
    let months = month.trailing(MONTHS);
    let mut conn = state.store.read().await?;
    // Read before the figures (see `VersionedCache`): what the dashboard
    // is made from changes only when a month shown is computed again or an
    // organisation is renamed, so most requests are these two small reads.
    let computed = store::computed(&mut conn, months[0], month).await?;
    let organisations = list_organisations(&mut conn).await?;
    let teams = list_teams(&mut conn).await?;
    let made_from = MadeFrom {
        computed: computed.iter().map(|c| (c.month, c.computed_at)).collect(),
        names: organisations
            .iter()
            .map(|o| (o.id(), o.name().to_owned()))
            .collect(),
        teams: teams
            .iter()
            .map(|t| (t.id(), t.name().to_owned()))
            .collect(),
    };
    if let Some(kept) = state.published_outcomes.get(&month, &made_from) {
        return Ok(kept);
    }
    let figures = store::figures(&mut conn, months[0], month).await?;
    drop(conn);
    let names = Names {
        organisations: made_from.names.iter().cloned().collect(),
        teams: made_from.teams.iter().cloned().collect(),
    };
    let mut kept: HashMap<Measure, Kept> = HashMap::new();
    for f in figures {
        kept.entry(f.tally.measure)
            .or_default()
            .entry((f.tally.organisation, f.tally.beneath))
            .or_default()
            .insert(f.month, f);
    }
    let computed_at = computed
        .iter()
        .find(|c| c.month == month)
        .map(|c| c.computed_at);
    let not_computed = months
        .iter()
        .copied()
        .filter(|m| !computed.iter().any(|c| c.month == *m))
        .collect();
    let empty = Kept::new();
    let published: HashMap<Measure, MeasureFigures> = Measure::ALL
        .into_iter()
        .map(|m| {
            (
                m,
                publish(m, kept.get(&m).unwrap_or(&empty), &months, &names),
            )
        })
        .collect();
    let mut themes = Vec::new();
    for theme in Theme::ALL {
        let mut measures = Vec::new();
        for m in theme.measures() {
            let mut figures = published[&m].clone();
            if let Some(r) = m.rate() {
                add_rates(
                    &mut figures,
                    &published[&r.of],
                    kept.get(&m),
                    kept.get(&r.of),
                    r.per,
                );
            }
            measures.push(figures);
        }
        themes.push(ThemeFigures {
            title: theme.label(),
            measures,
        });
    }
    let published = Arc::new(Dashboard {
        month,
        months,
        computed_at,
        not_computed,
        suppression: "counts of 1 to 7 are shown as *, and every other count is rounded to the \
                      nearest 5; where one count in a row or column is hidden, another is \
                      too, so none can be worked out from the totals",
        themes,
    });
    state
        .published_outcomes
        .keep(month, made_from, Arc::clone(&published));
    Ok(published)
}

fn count(kept: &BTreeMap<Month, store::Figure>, month: Month) -> u64 {
    kept.get(&month).map_or(0, |f| f.tally.count)
}

/// The names rows are shown by.
struct Names {
    organisations: HashMap<OrganisationId, String>,
    teams: HashMap<TeamId, String>,
}

impl Names {
    fn organisation(&self, id: OrganisationId) -> String {
        self.organisations
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "an organisation no longer listed".to_owned())
    }

    fn team(&self, id: TeamId) -> String {
        self.teams
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "a team no longer listed".to_owned())
    }
}

/// One measure's table published: organisations (or pairs) by month, the
/// partnership's figure each month as the column totals.
fn publish(measure: Measure, kept: &Kept, months: &[Month], names: &Names) -> MeasureFigures {
    let partnership = kept.get(&(None, None));
    let keys: Vec<Key> = kept
        .iter()
        .filter(|(k, by)| k.0.is_some() && months.iter().any(|m| count(by, *m) > 0))
        .map(|(k, _)| *k)
        .collect();
    let cells: Vec<Vec<u64>> = keys
        .iter()
        .map(|k| months.iter().map(|m| count(&kept[k], *m)).collect())
        .collect();
    let column_totals: Vec<u64> = months
        .iter()
        .map(|m| partnership.map_or(0, |by| count(by, *m)))
        .collect();
    // Each month's figures add up to the partnership's; nothing is
    // totalled across months (a person counted in two months is one), so
    // only the months' columns are lines that add up.
    let table = Table {
        cells,
        column_totals,
        row_totals: None,
        total: None,
    };
    let published = grid(&table);
    let times = |by: Option<&BTreeMap<Month, store::Figure>>, m: Month, shown: Figure| {
        if !measure.is_hours() || shown == Figure::Hidden {
            return (None, None);
        }
        by.and_then(|b| b.get(&m))
            .map_or((None, None), |f| (f.tally.median, f.tally.p90))
    };
    let trend = months
        .iter()
        .zip(&published.column_totals)
        .map(|(m, figure)| {
            let (median, p90) = times(partnership, *m, *figure);
            Point {
                month: *m,
                figure: *figure,
                rate: None,
                median,
                p90,
            }
        })
        .collect();
    let rows = keys
        .iter()
        .zip(&published.cells)
        .map(|(k, figures)| {
            let shown = figures.last().copied().unwrap_or(Figure::Hidden);
            let (median, p90) = months
                .last()
                .map_or((None, None), |chosen| times(kept.get(k), *chosen, shown));
            Row {
                organisation: k.0.map(|o| names.organisation(o)).unwrap_or_default(),
                partner: match k.1 {
                    Some(Beneath::Partner(o)) => Some(names.organisation(o)),
                    _ => None,
                },
                team: match k.1 {
                    Some(Beneath::Team(t)) => Some(names.team(t)),
                    Some(Beneath::Partner(_)) => None,
                    None if measure.has_team() => Some(NO_TEAM.to_owned()),
                    None => None,
                },
                figures: figures.clone(),
                median,
                p90,
            }
        })
        .collect();
    MeasureFigures {
        measure,
        title: measure.label(),
        definition: measure.definition(),
        rate_of: measure.rate().map(|r| r.of),
        rate_per: measure.rate().map(|r| r.per),
        trend,
        rows,
    }
}

/// The partnership's rate each month, from the counts before rounding,
/// where both figures are shown and the rate gives nothing away.
fn add_rates(
    figures: &mut MeasureFigures,
    of: &MeasureFigures,
    kept: Option<&Kept>,
    kept_of: Option<&Kept>,
    per: u32,
) {
    let partnership = |k: Option<&Kept>, m: Month| {
        k.and_then(|k| k.get(&(None, None)))
            .map_or(0, |by| count(by, m))
    };
    for (point, of_point) in figures.trend.iter_mut().zip(&of.trend) {
        if point.figure == Figure::Hidden || of_point.figure == Figure::Hidden {
            continue;
        }
        point.rate = rate(
            partnership(kept, point.month),
            partnership(kept_of, point.month),
            per,
        );
    }
}
