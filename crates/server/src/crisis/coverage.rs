//! The coverage audit: for a team's caseload or the whole partnership, how
//! many people have an agreed, in-date crisis plan, how many reviews are
//! overdue, and how many plans say what does not help. Counts only — no one
//! is named — so no record is opened. The overdue list, which names people,
//! is each a read of that person's plan through the access decision.

use concordat_domain::category::DataCategory;
use concordat_domain::ids::TeamId;
use concordat_domain::role::Role;
use concordat_store::crisis_plans::{self, Caseload, Coverage, OverduePlan};
use concordat_store::teams;
use serde::Serialize;

use crate::authorisation::{readable, Viewer};
use crate::error::ServiceError;
use crate::AppState;

/// Whose caseload the figures are about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Team(TeamId),
    Partnership,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CoverageReport {
    /// "Community Mental Health Team (Northshire NHS Foundation Trust)" or
    /// "the partnership".
    pub scope: String,
    pub as_of: chrono::NaiveDate,
    pub people: i64,
    pub agreed_in_date: i64,
    pub review_overdue: i64,
    pub draft_only: i64,
    pub says_what_does_not_help: i64,
    /// Shares of `people`, in per cent to one decimal place.
    pub agreed_in_date_percent: f64,
    pub says_what_does_not_help_percent: f64,
}

/// Who may see which figures: a team's own members their team's; the
/// partnership's figures information governance, administrators and
/// commissioners.
pub fn may_see(viewer: &Viewer, scope: Scope) -> Result<(), ServiceError> {
    let role = viewer.user.role();
    match scope {
        Scope::Team(team) if viewer.user.team_id() == Some(team) => Ok(()),
        Scope::Team(_) if matches!(role, Role::IgLead | Role::Admin | Role::Commissioner) => Ok(()),
        Scope::Team(_) => Err(ServiceError::Forbidden(
            "you can see the coverage of your own team's caseload only".into(),
        )),
        Scope::Partnership if matches!(role, Role::IgLead | Role::Admin | Role::Commissioner) => {
            Ok(())
        }
        Scope::Partnership => Err(ServiceError::Forbidden(
            "the partnership's coverage is for information governance leads, administrators \
             and commissioners; ask for your team's instead"
                .into(),
        )),
    }
}

pub async fn report(
    state: &AppState,
    viewer: &Viewer,
    scope: Scope,
) -> Result<CoverageReport, ServiceError> {
    may_see(viewer, scope)?;
    let today = state.clock.now().date_naive();
    let mut conn = state.store.read().await?;
    let (caseload, name) = match scope {
        Scope::Team(id) => {
            let team = teams::team_by_id(&mut conn, id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            (Caseload::Team(id), team.name().to_owned())
        }
        Scope::Partnership => (Caseload::Partnership, "the partnership".to_owned()),
    };
    let c: Coverage = crisis_plans::coverage(&mut conn, caseload, today).await?;
    let percent = |n: i64| {
        if c.people == 0 {
            0.0
        } else {
            (n as f64 * 1000.0 / c.people as f64).round() / 10.0
        }
    };
    Ok(CoverageReport {
        scope: name,
        as_of: today,
        people: c.people,
        agreed_in_date: c.agreed_in_date,
        review_overdue: c.review_overdue,
        draft_only: c.draft_only,
        says_what_does_not_help: c.says_what_does_not_help,
        agreed_in_date_percent: percent(c.agreed_in_date),
        says_what_does_not_help_percent: percent(c.says_what_does_not_help),
    })
}

/// The report as CSV: a header and one row.
pub fn to_csv(report: &CoverageReport) -> Result<String, ServiceError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| ServiceError::invalid("csv", e);
    out.write_record([
        "scope",
        "as_of",
        "people",
        "agreed_in_date",
        "agreed_in_date_percent",
        "review_overdue",
        "draft_only",
        "says_what_does_not_help",
        "says_what_does_not_help_percent",
    ])
    .map_err(failed)?;
    out.write_record([
        report.scope.clone(),
        report.as_of.to_string(),
        report.people.to_string(),
        report.agreed_in_date.to_string(),
        format!("{:.1}", report.agreed_in_date_percent),
        report.review_overdue.to_string(),
        report.draft_only.to_string(),
        report.says_what_does_not_help.to_string(),
        format!("{:.1}", report.says_what_does_not_help_percent),
    ])
    .map_err(failed)?;
    let bytes = out
        .into_inner()
        .map_err(|e| ServiceError::invalid("csv", e.error()))?;
    String::from_utf8(bytes).map_err(|e| ServiceError::invalid("csv", e))
}

/// The most people the overdue list names at once.
pub const OVERDUE_LIMIT: u32 = 100;

/// Which overdue plans to list: those of people whose name starts with
/// `name` (given or family), if given, `limit` from `offset` on.
#[derive(Debug, Clone, Default)]
pub struct OverdueQuery {
    pub name: Option<String>,
    pub offset: u32,
    pub limit: u32,
}

/// One page of overdue plans, and whether there are more after it.
#[derive(Debug, Clone)]
pub struct OverdueList {
    pub plans: Vec<OverduePlan>,
    pub more: bool,
}

/// Agreed plans past their review date for people whose care team the
/// viewer is on, longest overdue first. Each person named is a read of
/// their plan, decided and audited; anyone the decision refuses is left out.
/// Only the page asked for is read.
pub async fn overdue(
    state: &AppState,
    viewer: &Viewer,
    query: &OverdueQuery,
) -> Result<OverdueList, ServiceError> {
    let today = state.clock.now().date_naive();
    let limit = query.limit.clamp(1, OVERDUE_LIMIT);
    let name = query
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let mut listed = {
        let mut conn = state.store.read().await?;
        crisis_plans::overdue_plans(
            &mut conn,
            Caseload::User(viewer.user.id()),
            today,
            name,
            query.offset,
            limit + 1,
        )
        .await?
    };
    let more = listed.len() > limit as usize;
    listed.truncate(limit as usize);
    let plans = readable(
        state,
        viewer,
        listed,
        |p| p.person,
        DataCategory::CrisisPlan,
    )
    .await?;
    Ok(OverdueList { plans, more })
}
