//! Reading the audit: the person's own access log — who looked at their
//! record, from which organisation, when, what and why — and information
//! governance's search of the whole log.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use concordat_domain::ids::{OrganisationId, PersonId, UserId};
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::user::User;
use concordat_store::audit::{self, AuditAction, AuditFilter, AuditRecord, Outcome};
use concordat_store::{break_glass, organisations, persons, users, Conn, StoreError};
use serde::Serialize;

use super::governor::governs;
use crate::authorisation::{act_entry, Viewer};
use crate::error::ServiceError;
use crate::AppState;

/// One line of a person's access log, in words they can read.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccessLogItem {
    /// The entry's place in the log.
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub who: String,
    pub role: String,
    pub organisation: String,
    pub what: Vec<String>,
    pub action: &'static str,
    pub purpose: String,
    /// The purpose's HL7 v3 ActReason code (`TREAT`), as `purpose` names it.
    pub purpose_code: Option<&'static str>,
    /// The categories' codes, as `what` names them.
    pub categories: Vec<&'static str>,
    pub break_glass: bool,
    /// For an emergency override: the basis and the justification given.
    pub why: Option<String>,
    /// What made the access legitimate: "contact: emergency department
    /// attendance reported by Northshire General ED system (until …)".
    pub because: Vec<String>,
}

/// Names for the ids in audit entries, looked up once per page of entries.
struct Names {
    users: Vec<User>,
    organisations: Vec<(OrganisationId, String)>,
}

impl Names {
    async fn load(conn: &mut Conn) -> Result<Self, StoreError> {
        Ok(Self {
            users: users::list_users(conn, None).await?,
            organisations: organisations::list_organisations(conn)
                .await?
                .into_iter()
                .map(|o| (o.id(), o.name().to_owned()))
                .collect(),
        })
    }

    fn user(&self, id: UserId) -> String {
        self.users
            .iter()
            .find(|u| u.id() == id)
            .map(|u| u.display_name().as_str().to_owned())
            .unwrap_or_else(|| "a former member of staff".into())
    }

    fn organisation(&self, id: OrganisationId) -> String {
        self.organisations
            .iter()
            .find(|(o, _)| *o == id)
            .map(|(_, name)| name.clone())
            .unwrap_or_default()
    }
}

/// The access log of the person whose own account `user` is. Break-glass
/// uses whose disclosure governance has deferred stay hidden until the date
/// set, with the deferral itself on record.
pub async fn access_log(
    state: &AppState,
    person: PersonId,
    limit: u32,
) -> Result<Vec<AccessLogItem>, ServiceError> {
    let today = state.clock.now().date_naive();
    let mut conn = state.store.read().await?;
    let records = audit::access_log_for_person(&mut conn, person, limit, 0).await?;
    let uses = break_glass::uses_on_person(&mut conn, person).await?;
    let names = Names::load(&mut conn).await?;
    let mut items = Vec::new();
    for AuditRecord { seq, entry } in records {
        let Some(actor) = entry.actor.as_ref() else {
            continue;
        };
        let covering_use = uses.iter().find(|u| {
            u.user == actor.user_id
                && u.granted_at <= entry.occurred_at
                && entry.occurred_at <= u.expires_at
        });
        if entry.break_glass && covering_use.is_some_and(|u| !u.visible_to_person(today)) {
            continue;
        }
        items.push(AccessLogItem {
            seq,
            at: entry.occurred_at,
            who: names.user(actor.user_id),
            role: actor.role.label().to_owned(),
            organisation: names.organisation(actor.organisation_id),
            what: entry
                .categories
                .iter()
                .map(|c| c.label().to_owned())
                .collect(),
            action: entry.action.as_str(),
            purpose: entry
                .purpose
                .map(|p| p.label().to_owned())
                .unwrap_or_default(),
            purpose_code: entry.purpose.map(|p| p.code()),
            categories: entry.categories.iter().map(|c| c.as_str()).collect(),
            break_glass: entry.break_glass,
            // Emergency access says its basis and justification; a crisis
            // look-up the reason its user gave.
            why: covering_use
                .filter(|_| entry.break_glass)
                .map(|u| format!("{}: “{}”", u.basis.label(), u.justification.as_str()))
                .or_else(|| {
                    entry
                        .reasons
                        .iter()
                        .find_map(|r| r.strip_prefix(crate::authorisation::LOOK_UP_PREFIX))
                        .map(|reason| format!("“{reason}”"))
                }),
            because: entry
                .reasons
                .iter()
                .filter_map(|r| r.strip_prefix(crate::authorisation::GROUND_PREFIX))
                .map(str::to_owned)
                .collect(),
        });
    }
    Ok(items)
}

/// What governance searches by, as strings from a form or a query string.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// A person id, an NHS number, or a name ("Reid", "Daniel Reid").
    pub person: Option<String>,
    pub user: Option<String>,
    pub organisation: Option<String>,
    pub outcome: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    #[param(value_type = Option<u64>, maximum = 4_294_967_295.0)]
    pub limit: Option<u32>,
    /// Entries older than this one (the `seq` of the last entry of the
    /// page before): the next page.
    pub before: Option<u64>,
}

/// One audit entry, as governance sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditItem {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub username: Option<String>,
    pub who: Option<String>,
    pub organisation: Option<String>,
    pub role: Option<&'static str>,
    pub purpose: Option<&'static str>,
    pub person_id: Option<String>,
    /// The person's name and NHS number, as governance needs to recognise
    /// them.
    pub person_name: Option<String>,
    pub nhs_number: Option<String>,
    pub action: &'static str,
    /// The action in words ("Crisis look-up").
    pub action_label: &'static str,
    pub categories: Vec<&'static str>,
    pub outcome: &'static str,
    pub break_glass: bool,
    pub reasons: Vec<String>,
    pub policies: Vec<String>,
}

/// The filter a query asks for, or the field at fault and why.
fn filter(
    conn_users: &[User],
    orgs: &[(OrganisationId, String, String)],
    query: &AuditQuery,
) -> Result<AuditFilter, (&'static str, String)> {
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let user = blank(&query.user)
        .map(|name| {
            conn_users
                .iter()
                .find(|u| u.username().as_str() == name.to_lowercase())
                .map(|u| u.id())
                .ok_or(("user", format!("there is no user `{name}`")))
        })
        .transpose()?;
    let organisation = blank(&query.organisation)
        .map(|code| {
            orgs.iter()
                .find(|(_, c, _)| c.eq_ignore_ascii_case(&code))
                .map(|(id, _, _)| *id)
                .ok_or((
                    "organisation",
                    format!("there is no organisation with code `{code}`"),
                ))
        })
        .transpose()?;
    let outcome = blank(&query.outcome)
        .map(|o| {
            Outcome::parse(&o).ok_or((
                "outcome",
                format!("`{o}` is not an outcome; expected allowed or denied"),
            ))
        })
        .transpose()?;
    let date = |field: &'static str, raw: Option<String>, end: bool| {
        raw.map(|d| {
            chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map(|date| {
                    let day = if end {
                        date.succ_opt().unwrap_or(date)
                    } else {
                        date
                    };
                    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
                })
                .map_err(|_| (field, format!("`{d}` is not a date (YYYY-MM-DD)")))
        })
        .transpose()
    };
    Ok(AuditFilter {
        scope: None,
        person: None,
        people: None,
        user,
        organisation,
        action: None,
        outcome,
        from: date("from", blank(&query.from), false)?,
        to: date("to", blank(&query.to), true)?,
        before_seq: query.before,
        limit: query.limit.unwrap_or(100).clamp(1, 500),
    })
}

/// Whom the search's person box means: a person id; an NHS number (its
/// person, or no one); or a name, family alone or given then family (every
/// person so named, at most 100). The search is narrowed to them either
/// way, so what it finds never says whether someone exists beyond the
/// entries the searcher may see. `Err` for something that is none of these.
async fn people_meant(
    conn: &mut Conn,
    raw: Option<&str>,
) -> Result<Result<Option<Vec<PersonId>>, String>, ServiceError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(Ok(None));
    };
    if let Ok(id) = PersonId::parse(raw) {
        return Ok(Ok(Some(vec![id])));
    }
    if raw
        .chars()
        .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
    {
        return Ok(match NhsNumber::parse(raw) {
            Ok(nhs) => Ok(Some(
                persons::person_id_by_nhs_number(conn, &nhs)
                    .await?
                    .into_iter()
                    .collect(),
            )),
            Err(e) => Err(e.to_string()),
        });
    }
    let words: Vec<&str> = raw.split_whitespace().collect();
    let (given, family) = match words.as_slice() {
        [family] => (None, *family),
        [given, .., family] => (Some(*given), *family),
        [] => return Ok(Ok(None)),
    };
    if family.chars().any(|c| c.is_ascii_digit()) {
        return Ok(Err(format!(
            "`{raw}` is not an NHS number, a name or a person id"
        )));
    }
    Ok(Ok(Some(
        persons::ids_by_name(conn, family, given, 100).await?,
    )))
}

/// The filters of a search, for its audit entry: "person=…, from=2026-03-01".
fn describe_query(query: &AuditQuery) -> String {
    let fields = [
        ("person", &query.person),
        ("user", &query.user),
        ("organisation", &query.organisation),
        ("outcome", &query.outcome),
        ("from", &query.from),
        ("to", &query.to),
    ];
    let given: Vec<String> = fields
        .iter()
        .filter_map(|(name, value)| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| format!("{name}={v}"))
        })
        .collect();
    if given.is_empty() {
        "everything".to_owned()
    } else {
        given.join(", ")
    }
}

/// Information governance's search of the audit: what the searcher's
/// organisation answers for (access by its own users, and access to the
/// people whose records it holds), for a purpose that may name people.
/// The search is itself audited, with its filters.
pub async fn search_audit(
    state: &AppState,
    viewer: &Viewer,
    query: &AuditQuery,
) -> Result<Vec<AuditItem>, ServiceError> {
    let (filter, names) = prepared(state, viewer, query).await?;
    audit_the_search(state, viewer, "searched the audit", query).await?;
    let mut conn = state.store.read().await?;
    items(&mut conn, &names, &filter).await
}

/// The most entries one export holds; an export that reaches it says so.
pub const EXPORT_MOST: usize = 10_000;

/// Everything a search finds, newest first, up to [`EXPORT_MOST`] entries
/// (for a CSV download), audited once as an export of the audit; and
/// whether there was more than that.
pub async fn export_audit(
    state: &AppState,
    viewer: &Viewer,
    query: &AuditQuery,
) -> Result<(Vec<AuditItem>, bool), ServiceError> {
    let (mut filter, names) = prepared(state, viewer, query).await?;
    audit_the_search(state, viewer, "exported the audit as CSV", query).await?;
    filter.limit = audit::MAX_LIMIT;
    let mut conn = state.store.read().await?;
    let mut all = Vec::new();
    loop {
        let page = items(&mut conn, &names, &filter).await?;
        let full = page.len() == filter.limit as usize;
        filter.before_seq = page.last().map(|i| i.seq);
        all.extend(page);
        if all.len() >= EXPORT_MOST {
            let more = all.len() > EXPORT_MOST || full;
            all.truncate(EXPORT_MOST);
            return Ok((all, more));
        }
        if !full {
            return Ok((all, false));
        }
    }
}

/// The store's filter for `query`, scoped to what the searcher's
/// organisation answers for, with the names to show the entries in.
async fn prepared(
    state: &AppState,
    viewer: &Viewer,
    query: &AuditQuery,
) -> Result<(AuditFilter, Names), ServiceError> {
    governs(viewer)?;
    let mut conn = state.store.read().await?;
    let names = Names::load(&mut conn).await?;
    let orgs: Vec<(OrganisationId, String, String)> = organisations::list_organisations(&mut conn)
        .await?
        .into_iter()
        .map(|o| (o.id(), o.code().as_str().to_owned(), o.name().to_owned()))
        .collect();
    let mut filter =
        filter(&names.users, &orgs, query).map_err(|(f, m)| ServiceError::invalid(f, m))?;
    filter.people = people_meant(&mut conn, query.person.as_deref())
        .await?
        .map_err(|m| ServiceError::invalid("person", m))?;
    filter.scope = Some(viewer.user.organisation_id());
    Ok((filter, names))
}

/// The search's own entry names no person, only what was asked: were it
/// filed under the person searched for, the searcher's next search would
/// find it (their own organisation's act) and so tell an NHS number or an
/// id that names someone from one that names no one.
async fn audit_the_search(
    state: &AppState,
    viewer: &Viewer,
    what: &str,
    query: &AuditQuery,
) -> Result<(), ServiceError> {
    state
        .audit
        .record(act_entry(
            state,
            viewer,
            None,
            AuditAction::AuditSearch,
            Outcome::Allowed,
            vec![format!("{what}: {}", describe_query(query))],
        ))
        .await?;
    Ok(())
}

/// One page of entries as governance reads them: names, not ids.
async fn items(
    conn: &mut Conn,
    names: &Names,
    filter: &AuditFilter,
) -> Result<Vec<AuditItem>, ServiceError> {
    let records = audit::search(conn, filter).await?;
    let mut people: HashMap<PersonId, (String, Option<String>)> = HashMap::new();
    for person in records.iter().filter_map(|r| r.entry.person) {
        if let std::collections::hash_map::Entry::Vacant(slot) = people.entry(person) {
            if let Some(found) = persons::person_by_id(conn, person).await? {
                let nhs = found.nhs_number().map(|n| n.as_str().to_owned());
                slot.insert((found.name().full(), nhs));
            }
        }
    }
    let person_of = |p: Option<PersonId>| p.and_then(|p| people.get(&p));
    Ok(records
        .into_iter()
        .map(|AuditRecord { seq, entry }| AuditItem {
            person_name: person_of(entry.person).map(|(n, _)| n.clone()),
            nhs_number: person_of(entry.person).and_then(|(_, n)| n.clone()),
            seq,
            at: entry.occurred_at,
            username: entry.actor.as_ref().map(|a| a.username.as_str().to_owned()),
            who: entry.actor.as_ref().map(|a| names.user(a.user_id)),
            organisation: entry
                .actor
                .as_ref()
                .map(|a| names.organisation(a.organisation_id)),
            role: entry.actor.as_ref().map(|a| a.role.as_str()),
            purpose: entry.purpose.map(|p| p.code()),
            person_id: entry.person.map(|p| p.to_string()),
            action: entry.action.as_str(),
            action_label: entry.action.label(),
            categories: entry.categories.iter().map(|c| c.as_str()).collect(),
            outcome: entry.outcome.as_str(),
            break_glass: entry.break_glass,
            reasons: entry.reasons,
            policies: entry.policy_ids,
        })
        .collect())
}
