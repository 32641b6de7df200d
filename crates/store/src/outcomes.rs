//! The monthly outcome figures (`outcome_figures`, `outcome_months`) and
//! the history a month's figures are counted from. Counting is the
//! domain's (`concordat_domain::outcomes::tally`); here are the reads
//! that feed it and the replacement of a month's rows.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use concordat_domain::contact_event::{ContactKind, Conveyance, Detention, PlaceOfSafety};
use concordat_domain::crisis_plan::PlanSections;
use concordat_domain::ids::{OrganisationId, TeamId};
use concordat_domain::organisation::OrganisationKind;
use concordat_domain::outcomes::tally::{is_crisis_contact, DIVERSION_HOURS, REPEAT_WINDOW_DAYS};
use concordat_domain::outcomes::{
    Beneath, BreakGlassUse, Contact, Discharge, Exposure, FollowUp, History, ListEntry, LookUp,
    Measure, Month, OnCaseload, PlanInForce, Referral, Refusal, Tally, FOLLOW_UP_WITHIN,
};
use concordat_domain::wellbeing::OFFER_WITHIN_HOURS;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{rows, time, Conn, StoreError};

/// A stored figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub month: Month,
    pub tally: Tally,
}

/// When a month was last computed, and from how many records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Computed {
    pub month: Month,
    pub computed_at: DateTime<Utc>,
    pub records: i64,
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::corrupt("outcome figure", e)
}

/// The history `month`'s figures are counted from. Look-ups whose audit
/// reasons contain `listed_marker` (a look-up that listed several people
/// by name and showed no one's summary) are left out.
pub async fn history(
    conn: &mut Conn,
    month: Month,
    listed_marker: &str,
) -> Result<History, StoreError> {
    let (start, end) = (month.starts_at(), month.ends_at());
    let kinds: Vec<ContactKind> = ContactKind::ALL
        .into_iter()
        .filter(|k| is_crisis_contact(*k))
        .collect();
    // Every parameter numbered one way: SQLite's `?` count from the first
    // whatever `$n` stand before them.
    let sql = format!(
        "SELECT e.person_id, e.kind, e.organisation_id, e.occurred_at, d.place_of_safety, \
         d.conveyed_by FROM contact_events e \
         LEFT JOIN section_136_details d ON d.event_id = e.id \
         WHERE e.occurred_at >= {} AND e.occurred_at < {} AND e.kind IN ({})",
        rows::parameters(conn, 1, 1),
        rows::parameters(conn, 2, 1),
        rows::parameters(conn, 3, kinds.len())
    );
    let mut query = sqlx::query(&sql)
        .bind(time::encode(start - Duration::days(REPEAT_WINDOW_DAYS)))
        .bind(time::encode(end + Duration::hours(DIVERSION_HOURS)));
    for kind in &kinds {
        query = query.bind(kind.as_str());
    }
    let contacts = query
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(Contact {
                person: rows::id(r, "person_id")?,
                kind: ContactKind::parse(&rows::text(r, "kind")?).map_err(corrupt)?,
                organisation: rows::opt_id(r, "organisation_id")?,
                at: rows::instant(r, "occurred_at")?,
                detention: detention(r)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;

    let look_ups = sqlx::query(
        "SELECT actor_organisation_id, person_id, occurred_at FROM audit_log \
         WHERE occurred_at >= $1 AND occurred_at < $2 AND action = 'crisis-lookup' \
         AND outcome = 'allowed' AND person_id IS NOT NULL \
         AND actor_organisation_id IS NOT NULL AND reasons NOT LIKE $3",
    )
    .bind(time::encode(start))
    .bind(time::encode(end))
    .bind(format!("%{listed_marker}%"))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(LookUp {
            organisation: rows::id(r, "actor_organisation_id")?,
            person: rows::id(r, "person_id")?,
            at: rows::instant(r, "occurred_at")?,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;

    // When each looked-up person's plan was first agreed with them.
    let mut plans_agreed = HashMap::new();
    if !look_ups.is_empty() {
        let agreed = sqlx::query(
            "SELECT p.person_id, MIN(v.agreed_at) AS first_agreed FROM crisis_plans p \
             JOIN crisis_plan_versions v ON v.plan_id = p.id \
             WHERE v.agreed_at IS NOT NULL AND v.agreed_at < $1 GROUP BY p.person_id",
        )
        .bind(time::encode(end))
        .fetch_all(&mut *conn)
        .await?;
        for r in &agreed {
            plans_agreed.insert(rows::id(r, "person_id")?, rows::instant(r, "first_agreed")?);
        }
    }

    let break_glass = rows_between(
        conn,
        "SELECT organisation_id, granted_at, review_appropriate FROM break_glass \
         WHERE granted_at >= $1 AND granted_at < $2",
        (start, end),
    )
    .await?
    .iter()
    .map(|r| {
        Ok(BreakGlassUse {
            organisation: rows::id(r, "organisation_id")?,
            at: rows::instant(r, "granted_at")?,
            appropriate: rows::opt_int(r, "review_appropriate")?.map(|v| v != 0),
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;

    let referrals = rows_between(
        conn,
        "SELECT from_organisation_id, to_organisation_id, created_at, acknowledge_due, \
         respond_due, acknowledged_at, decided_at, escalation_step FROM referrals \
         WHERE created_at >= $1 AND created_at < $2",
        (start, end),
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Referral {
            from: rows::id(r, "from_organisation_id")?,
            to: rows::id(r, "to_organisation_id")?,
            sent_at: rows::instant(r, "created_at")?,
            acknowledge_due: rows::instant(r, "acknowledge_due")?,
            respond_due: rows::instant(r, "respond_due")?,
            acknowledged_at: rows::opt_instant(r, "acknowledged_at")?,
            answered_at: rows::opt_instant(r, "decided_at")?,
            escalated: rows::int(r, "escalation_step")? > 0,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;

    let listed = rows_between(
        conn,
        "SELECT e.person_id, t.organisation_id, e.identified_at, e.ended_at \
         FROM frequent_contact_entries e JOIN teams t ON t.id = e.team_id \
         WHERE e.identified_at < $2 AND (e.ended_at IS NULL OR e.ended_at >= $1)",
        (start, end),
    )
    .await?
    .iter()
    .map(|r| {
        Ok(ListEntry {
            person: rows::id(r, "person_id")?,
            organisation: rows::id(r, "organisation_id")?,
            identified_at: rows::instant(r, "identified_at")?,
            ended_at: rows::opt_instant(r, "ended_at")?,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;

    let exposures = rows_between(
        conn,
        "SELECT a.incident_id, a.organisation_id, a.team_id, i.occurred_at, a.recorded_at, \
         c.outcome \
         FROM incident_attendances a JOIN traumatic_incidents i ON i.id = a.incident_id \
         LEFT JOIN wellbeing_checks c ON c.incident_id = a.incident_id \
         AND c.user_id = a.user_id AND c.stage = 'one-month' \
         WHERE i.occurred_at >= $1 AND i.occurred_at < $2",
        (start, end),
    )
    .await?
    .iter()
    .map(|r| {
        let at = rows::instant(r, "occurred_at")?;
        Ok(Exposure {
            incident: rows::text(r, "incident_id")?
                .parse()
                .map_err(|e| StoreError::corrupt("incident id", e))?,
            organisation: rows::id(r, "organisation_id")?,
            team: rows::opt_id(r, "team_id")?,
            at,
            offered_in_time: rows::instant(r, "recorded_at")?
                <= at + chrono::Duration::hours(OFFER_WITHIN_HOURS),
            follow_up_done: rows::opt_text(r, "outcome")?.as_deref() == Some("done"),
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;

    // Refusals in force at some time up to the month's end: the tally
    // keeps those still in force at it.
    let refusals = rows_between(
        conn,
        "SELECT person_id, organisation_id, recorded_at, withdrawn_at, expires_at \
         FROM consent_directives WHERE effect = 'deny' AND recorded_at < $2 \
         AND (withdrawn_at IS NULL OR withdrawn_at >= $1) \
         AND (expires_at IS NULL OR expires_at >= $1)",
        (start, end),
    )
    .await?
    .iter()
    .map(|r| {
        let ends = [
            rows::opt_instant(r, "withdrawn_at")?,
            rows::opt_instant(r, "expires_at")?,
        ];
        Ok(Refusal {
            person: rows::id(r, "person_id")?,
            organisation: rows::opt_id(r, "organisation_id")?,
            from: rows::instant(r, "recorded_at")?,
            until: ends.into_iter().flatten().min(),
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;

    let discharges = rows_between(
        conn,
        "SELECT e.person_id, e.organisation_id, e.occurred_at, \
         CASE WHEN EXISTS (SELECT 1 FROM carer_sharing c WHERE c.person_id = e.person_id \
         AND c.topic = 'discharge' AND c.may_tell = 1 AND c.recorded_at <= e.recorded_at) \
         THEN 1 ELSE 0 END AS agreed, \
         CASE WHEN EXISTS (SELECT 1 FROM outbound_messages o WHERE o.person_id = e.person_id \
         AND o.created_at = e.recorded_at) THEN 1 ELSE 0 END AS told \
         FROM contact_events e WHERE e.kind = 'discharge' \
         AND e.occurred_at >= $1 AND e.occurred_at < $2",
        (start, end),
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Discharge {
            person: rows::id(r, "person_id")?,
            organisation: rows::opt_id(r, "organisation_id")?,
            at: rows::instant(r, "occurred_at")?,
            carer_agreed: rows::int(r, "agreed")? == 1,
            // Told in the transaction that recorded the discharge.
            carer_told: rows::int(r, "told")? == 1,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;

    // Each plan's version last agreed before the month's end. Whether it
    // says what does not help is kept on the plan for its current agreed
    // version; an older one's own sections say.
    let in_force = sqlx::query(
        "SELECT p.person_id, u.organisation_id, v.plan_id, v.number, v.review_due, \
         CASE WHEN v.number = p.agreed_version THEN 1 ELSE 0 END AS current, \
         p.agreed_says_what_does_not_help AS says FROM crisis_plan_versions v \
         JOIN crisis_plans p ON p.id = v.plan_id \
         LEFT JOIN users u ON u.id = v.professional_user_id \
         WHERE v.agreed_at IS NOT NULL AND v.agreed_at < $1 \
         AND v.agreed_at = (SELECT MAX(w.agreed_at) FROM crisis_plan_versions w \
         WHERE w.plan_id = v.plan_id AND w.agreed_at IS NOT NULL AND w.agreed_at < $1)",
    )
    .bind(time::encode(end))
    .fetch_all(&mut *conn)
    .await?;
    let mut plans = Vec::with_capacity(in_force.len());
    for r in &in_force {
        let says = if rows::int(r, "current")? == 1 {
            rows::flag(r, "says")?
        } else {
            let sections: String = sqlx::query_scalar(
                "SELECT sections FROM crisis_plan_versions WHERE plan_id = $1 AND number = $2",
            )
            .bind(rows::text(r, "plan_id")?)
            .bind(rows::int(r, "number")?)
            .fetch_one(&mut *conn)
            .await?;
            serde_json::from_str::<PlanSections>(&sections)
                .map_err(corrupt)?
                .says_what_does_not_help()
        };
        plans.push(PlanInForce {
            person: rows::id(r, "person_id")?,
            organisation: rows::opt_id(r, "organisation_id")?,
            review_due: rows::opt_text(r, "review_due")?
                .map(|d| time::decode_date(&d))
                .transpose()?,
            says_what_does_not_help: says,
        });
    }

    // Mental health teams' caseloads as they stood at the month's end.
    let caseloads = caseloads_at(conn, end).await?;

    // Follow-ups of the month's discharges, up to 72 hours after its end.
    let follow_ups = rows_between(
        conn,
        "SELECT person_id, occurred_at FROM contact_events \
         WHERE kind = 'follow-up' AND occurred_at >= $1 AND occurred_at < $2",
        (start, end + FOLLOW_UP_WITHIN + chrono::Duration::seconds(1)),
    )
    .await?
    .iter()
    .map(|r| {
        Ok(FollowUp {
            person: rows::id(r, "person_id")?,
            at: rows::instant(r, "occurred_at")?,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;

    Ok(History {
        plans,
        caseloads,
        discharges,
        follow_ups,
        refusals,
        listed,
        contacts,
        look_ups,
        plans_agreed,
        break_glass,
        referrals,
        exposures,
    })
}

/// Each person and mental health team (or organisation, for staff of no
/// team) whose member was on the person's care team formed before `end`.
async fn caseloads_at(conn: &mut Conn, end: DateTime<Utc>) -> Result<Vec<OnCaseload>, StoreError> {
    let kinds: Vec<String> = OrganisationKind::ALL
        .into_iter()
        .filter(|k| k.provides_mental_health_care())
        .map(|k| format!("'{}'", k.as_str()))
        .collect();
    let sql = format!(
        "SELECT DISTINCT ct.person_id, m.organisation_id, u.team_id FROM care_teams ct \
         JOIN care_team_members m ON m.care_team_id = ct.id \
         JOIN users u ON u.id = m.user_id \
         JOIN organisations o ON o.id = m.organisation_id \
         WHERE o.kind IN ({}) AND ct.formed_at < $1",
        kinds.join(", ")
    );
    sqlx::query(&sql)
        .bind(time::encode(end))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(OnCaseload {
                person: rows::id(r, "person_id")?,
                organisation: rows::id(r, "organisation_id")?,
                team: rows::opt_id(r, "team_id")?,
            })
        })
        .collect()
}

/// The rows `sql` selects between two instants, bound as `$1` and `$2`.
async fn rows_between(
    conn: &mut Conn,
    sql: &str,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<AnyRow>, StoreError> {
    Ok(sqlx::query(sql)
        .bind(time::encode(start))
        .bind(time::encode(end))
        .fetch_all(conn)
        .await?)
}

fn detention(r: &AnyRow) -> Result<Option<Detention>, StoreError> {
    let (Some(place), Some(conveyed)) = (
        rows::opt_text(r, "place_of_safety")?,
        rows::opt_text(r, "conveyed_by")?,
    ) else {
        return Ok(None);
    };
    Ok(Some(Detention {
        place_of_safety: PlaceOfSafety::parse(&place).map_err(corrupt)?,
        conveyed_by: Conveyance::parse(&conveyed).map_err(corrupt)?,
    }))
}

/// How many records a history holds, for the progress of a rebuild.
pub fn records(history: &History) -> i64 {
    (history.contacts.len()
        + history.look_ups.len()
        + history.break_glass.len()
        + history.referrals.len()
        + history.listed.len()
        + history.exposures.len()
        + history.refusals.len()
        + history.discharges.len()
        + history.follow_ups.len()
        + history.plans.len()
        + history.caseloads.len()) as i64
}

fn key(id: Option<OrganisationId>) -> String {
    id.map(|i| i.to_string()).unwrap_or_default()
}

/// Rows inserted per statement.
const PER_INSERT: usize = 200;

/// Replaces `month`'s figures with `tallies`. Call in a write transaction.
pub async fn replace_month(
    conn: &mut Conn,
    month: Month,
    tallies: &[Tally],
    records: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let m = month.to_string();
    sqlx::query("DELETE FROM outcome_figures WHERE month = $1")
        .bind(&m)
        .execute(&mut *conn)
        .await?;
    for chunk in tallies.chunks(PER_INSERT) {
        let sql = format!(
            "INSERT INTO outcome_figures (month, measure, organisation_id, partner_id, count, \
             median, p90) VALUES {}",
            rows::value_rows(conn, chunk.len(), 7)
        );
        // Not kept as a prepared statement: the Any driver binds a missing
        // median as a different type from a present one, and PostgreSQL
        // would hold a later chunk to the types of the first.
        let mut query = sqlx::query(&sql).persistent(false);
        for t in chunk {
            query = query
                .bind(m.clone())
                .bind(t.measure.as_str())
                .bind(key(t.organisation))
                .bind(beneath_key(t.beneath))
                .bind(i64::try_from(t.count).map_err(corrupt)?)
                .bind(t.median)
                .bind(t.p90);
        }
        query.execute(&mut *conn).await?;
    }
    sqlx::query(
        "INSERT INTO outcome_months (month, computed_at, records) VALUES ($1, $2, $3) \
         ON CONFLICT (month) DO UPDATE SET computed_at = excluded.computed_at, \
         records = excluded.records",
    )
    .bind(&m)
    .bind(time::encode(now))
    .bind(records)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn organisation(raw: &str) -> Result<Option<OrganisationId>, StoreError> {
    if raw.is_empty() {
        Ok(None)
    } else {
        OrganisationId::parse(raw).map(Some).map_err(corrupt)
    }
}

/// The id of what a figure is broken down by beneath its organisation
/// (the column `partner_id`, named for the first such breakdown); the
/// measure says which kind it is.
fn beneath_key(beneath: Option<Beneath>) -> String {
    match beneath {
        None => String::new(),
        Some(Beneath::Partner(o)) => o.to_string(),
        Some(Beneath::Team(t)) => t.to_string(),
    }
}

fn beneath(measure: Measure, raw: &str) -> Result<Option<Beneath>, StoreError> {
    if raw.is_empty() {
        return Ok(None);
    }
    Ok(Some(if measure.has_team() {
        Beneath::Team(TeamId::parse(raw).map_err(corrupt)?)
    } else {
        Beneath::Partner(OrganisationId::parse(raw).map_err(corrupt)?)
    }))
}

fn figure_from(r: &AnyRow) -> Result<Figure, StoreError> {
    let measure = Measure::parse(&rows::text(r, "measure")?).map_err(corrupt)?;
    Ok(Figure {
        month: Month::parse(&rows::text(r, "month")?).map_err(corrupt)?,
        tally: Tally {
            measure,
            organisation: organisation(&rows::text(r, "organisation_id")?)?,
            beneath: beneath(measure, &rows::text(r, "partner_id")?)?,
            count: u64::try_from(rows::int(r, "count")?).map_err(corrupt)?,
            median: r.try_get::<Option<f64>, _>("median")?,
            p90: r.try_get::<Option<f64>, _>("p90")?,
        },
    })
}

/// Every figure of the months from `first` to `last`, both included.
pub async fn figures(
    conn: &mut Conn,
    first: Month,
    last: Month,
) -> Result<Vec<Figure>, StoreError> {
    sqlx::query(
        "SELECT month, measure, organisation_id, partner_id, count, median, p90 \
         FROM outcome_figures WHERE month >= $1 AND month <= $2 \
         ORDER BY month, measure, organisation_id, partner_id",
    )
    .bind(first.to_string())
    .bind(last.to_string())
    .fetch_all(conn)
    .await?
    .iter()
    .map(figure_from)
    .collect()
}

/// When the months from `first` to `last` were last computed.
pub async fn computed(
    conn: &mut Conn,
    first: Month,
    last: Month,
) -> Result<Vec<Computed>, StoreError> {
    sqlx::query(
        "SELECT month, computed_at, records FROM outcome_months \
         WHERE month >= $1 AND month <= $2 ORDER BY month",
    )
    .bind(first.to_string())
    .bind(last.to_string())
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Computed {
            month: Month::parse(&rows::text(r, "month")?).map_err(corrupt)?,
            computed_at: rows::instant(r, "computed_at")?,
            records: rows::int(r, "records")?,
        })
    })
    .collect()
}

/// When the earliest thing a measure counts happened, if anything has:
/// where a rebuild starts.
pub async fn earliest(conn: &mut Conn) -> Result<Option<DateTime<Utc>>, StoreError> {
    let mut first: Option<DateTime<Utc>> = None;
    for sql in [
        "SELECT MIN(occurred_at) AS at FROM contact_events",
        "SELECT MIN(created_at) AS at FROM referrals",
        "SELECT MIN(granted_at) AS at FROM break_glass",
        "SELECT MIN(occurred_at) AS at FROM audit_log WHERE action = 'crisis-lookup'",
        "SELECT MIN(identified_at) AS at FROM frequent_contact_entries",
    ] {
        let row = sqlx::query(sql).fetch_one(&mut *conn).await?;
        if let Some(at) = rows::opt_instant(&row, "at")? {
            first = Some(first.map_or(at, |f| f.min(at)));
        }
    }
    Ok(first)
}
