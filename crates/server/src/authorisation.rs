//! The one door to a person's record. Every read or write of personal data,
//! from the API, the pages and any later surface, comes through
//! [`authorise`]: gather the facts, let the access decision (Cedar, in
//! `concordat-access`) decide each category, write ONE audit entry, and only
//! once that entry has committed say what may be shown. No audit, no access.

pub mod cache;
mod gather;

use concordat_access::{AccessAction, AccessEngine, Decision};
use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;
use concordat_domain::ids::{OrganisationId, UserId};
use concordat_domain::person::Person;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use concordat_domain::user::User;
use concordat_store::audit::{Actor, AuditAction, AuditEntry, AuditError, Outcome};
use concordat_store::{AccessVersions, StoreError};

pub use cache::VersionedCache;
pub use gather::{gather, Facts, Sources};

/// Whose [`Sources`] a cache entry holds: the user, as the token or session
/// found them this request, and the person.
pub type SourcesKey = (UserId, OrganisationId, Role, PersonId);

use crate::AppState;

/// Who is asking, and for what purpose of use.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: User,
    pub purpose: Purpose,
}

/// The decision for each category asked about, and where it was audited.
#[derive(Debug, Clone)]
pub struct Authorisation {
    pub decisions: Vec<(DataCategory, Decision)>,
    pub audit_seq: u64,
}

impl Authorisation {
    pub fn allows(&self, category: DataCategory) -> bool {
        self.decisions
            .iter()
            .any(|(c, d)| *c == category && d.is_allowed())
    }

    pub fn allowed(&self) -> impl Iterator<Item = DataCategory> + '_ {
        self.decisions
            .iter()
            .filter(|(_, d)| d.is_allowed())
            .map(|(c, _)| *c)
    }

    pub fn denied(&self) -> impl Iterator<Item = &(DataCategory, Decision)> {
        self.decisions.iter().filter(|(_, d)| !d.is_allowed())
    }

    pub fn any_allowed(&self) -> bool {
        self.decisions.iter().any(|(_, d)| d.is_allowed())
    }

    pub fn via_break_glass(&self) -> bool {
        self.decisions
            .iter()
            .any(|(_, d)| d.is_allowed() && d.via_break_glass())
    }

    /// The denial to name to the user: the first category's decisive rule.
    pub fn first_denial(&self) -> Option<&Decision> {
        self.denied().map(|(_, d)| d).next()
    }

    /// See [`no_relationship`].
    pub fn no_relationship(&self) -> bool {
        no_relationship(&self.decisions)
    }

    /// Why nothing at all may be shown or done, if so: the user must not
    /// learn the person exists, or every category was denied by a rule.
    pub fn refusal(&self) -> Option<Refused> {
        Refused::of(&self.decisions)
    }
}

/// How a request that may show or do nothing ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Answered as if there were no such person.
    NotFound,
    /// Denied by `rule`, explained by `reason`.
    Denied { reason: String, rule: String },
}

impl Refused {
    /// Why nothing at all may be shown or done, if so: the user must not
    /// learn the person exists, or every category was denied by a rule.
    pub fn of(decisions: &[(DataCategory, Decision)]) -> Option<Self> {
        if decisions.iter().any(|(_, d)| d.is_allowed()) {
            return None;
        }
        if no_relationship(decisions) {
            return Some(Self::NotFound);
        }
        let denial = decisions.first().map(|(_, d)| d);
        Some(Self::Denied {
            reason: denial.map(Decision::explanation).unwrap_or_default(),
            rule: denial.map(Decision::denying_rule).unwrap_or_default(),
        })
    }
}

/// Whether every category was denied to a user who has no business with
/// this person at all: no current relationship, or (for a person's own
/// account) a record that is not theirs — whatever other rule also denied
/// it (a wrong purpose, no agreement, a refusal). Such a user must not
/// learn that the person exists, so the caller answers exactly as if there
/// were no one.
///
/// INVARIANT: the test is that the rule holds among the denial's reasons,
/// not that it is the one named first: "commissioning sees no records" is
/// read before "relationship required", and a stranger with a
/// commissioning token must still meet the answer for no one.
pub fn no_relationship(decisions: &[(DataCategory, Decision)]) -> bool {
    use concordat_access::policy_ids::{OWN_RECORD_ONLY, RELATIONSHIP_REQUIRED};
    !decisions.is_empty()
        && decisions.iter().all(|(_, d)| {
            !d.is_allowed()
                && (d.determined_by(RELATIONSHIP_REQUIRED) || d.determined_by(OWN_RECORD_ONLY))
        })
}

#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The audit entry could not be written, so nothing may be shown.
    #[error(transparent)]
    Audit(#[from] AuditError),
}

/// Decides `action` on each of `categories` of `person`'s record for
/// `viewer`, and audits the decision as one entry. Returns only after the
/// audit entry has committed.
pub async fn authorise(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    action: AccessAction,
    categories: &[DataCategory],
    audit_action: AuditAction,
) -> Result<Authorisation, AccessError> {
    authorise_noted(
        state,
        viewer,
        person,
        action,
        categories,
        audit_action,
        None,
    )
    .await
}

/// [`authorise`], with a note the audit entry carries before the decision's
/// reasons: the reason a crisis look-up was made, say.
pub async fn authorise_noted(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    action: AccessAction,
    categories: &[DataCategory],
    audit_action: AuditAction,
    note: Option<String>,
) -> Result<Authorisation, AccessError> {
    let (_, versions) = state.reads.persons.read(person).await?;
    let asked = Asked {
        person,
        action,
        categories,
        audit_action,
        note,
    };
    decide_and_audit(state, viewer, versions, asked).await
}

/// [`authorise`], for a caller that has read the access versions in force
/// (with the person) since its request began: a record read.
pub async fn authorise_under(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    versions: AccessVersions,
    action: AccessAction,
    categories: &[DataCategory],
    audit_action: AuditAction,
) -> Result<Authorisation, AccessError> {
    let asked = Asked {
        person,
        action,
        categories,
        audit_action,
        note: None,
    };
    decide_and_audit(state, viewer, versions, asked).await
}

/// [`authorise`], for an act that is itself the relationship it is decided
/// under (a crisis look-up: finding a person with a reason is what lets
/// the user read their crisis summary). The facts are read once (or found
/// kept) under `versions`, read since the request began, and decided with
/// `relationship` in place; the relationship is written by the audit
/// writer in the transaction of the audit entry, so the two commit
/// together or not at all, and the act costs no write of its own. Returns
/// only after both have committed.
pub async fn authorise_opening(
    state: &AppState,
    viewer: &Viewer,
    versions: AccessVersions,
    relationship: concordat_store::relationships::CareRelationship,
    categories: &[DataCategory],
    audit_action: AuditAction,
    note: String,
) -> Result<Authorisation, AccessError> {
    let person = relationship.person;
    let now = state.clock.now();
    let read = sources(state, &viewer.user, person, versions).await?;
    let (opened, opening) = read.opened(relationship, now);
    let facts = opened.at(&viewer.user, now);
    let decisions = decide(
        &state.engine,
        viewer,
        person,
        AccessAction::Read,
        categories,
        &facts,
        now,
    );
    let mut entry = audit_entry(viewer, person, audit_action, &decisions, now);
    entry.reasons.insert(0, note);
    if decisions.iter().any(|(_, d)| d.is_allowed()) {
        entry.reasons.extend(grounds(&facts));
    }
    let audit_seq = state.audit.record_opening(entry, opening).await?;
    // The write moved the person's version by one. If that is the only
    // change since `versions` (the version now stands one above), what is
    // in force is exactly `opened`: kept under it, the user's next request
    // here reads nothing again. Any other change moved the version further,
    // so this is never found under the versions in force.
    // INVARIANT: `versions` were read before `read` was (or `read` was
    // kept under them), and every change to these facts moves a version.
    if let Some(version) = versions.person {
        let key = (
            viewer.user.id(),
            viewer.user.organisation_id(),
            viewer.user.role(),
            person,
        );
        let after = AccessVersions {
            partnership: versions.partnership,
            person: Some(version + 1),
        };
        state.sources.keep(key, after, std::sync::Arc::new(opened));
    }
    Ok(Authorisation {
        decisions,
        audit_seq,
    })
}

/// What a caller of [`authorise`] asks about.
struct Asked<'a> {
    person: PersonId,
    action: AccessAction,
    categories: &'a [DataCategory],
    audit_action: AuditAction,
    note: Option<String>,
}

async fn decide_and_audit(
    state: &AppState,
    viewer: &Viewer,
    versions: AccessVersions,
    asked: Asked<'_>,
) -> Result<Authorisation, AccessError> {
    let Asked {
        person,
        action,
        categories,
        audit_action,
        note,
    } = asked;
    let now = state.clock.now();
    let facts = sources(state, &viewer.user, person, versions)
        .await?
        .at(&viewer.user, now);
    let decisions = decide(
        &state.engine,
        viewer,
        person,
        action,
        categories,
        &facts,
        now,
    );
    let mut authorisation_entry = audit_entry(viewer, person, audit_action, &decisions, now);
    if let Some(note) = note {
        authorisation_entry.reasons.insert(0, note);
    }
    if decisions.iter().any(|(_, d)| d.is_allowed()) {
        authorisation_entry.reasons.extend(grounds(&facts));
    }
    let audit_seq = state.audit.record(authorisation_entry).await?;
    Ok(Authorisation {
        decisions,
        audit_seq,
    })
}

/// What the store says about `user` and `person`: kept from an earlier
/// request if the versions still match, else read now.
async fn sources(
    state: &AppState,
    user: &User,
    person: PersonId,
    versions: AccessVersions,
) -> Result<std::sync::Arc<Sources>, StoreError> {
    let key = (user.id(), user.organisation_id(), user.role(), person);
    if let Some(kept) = state.sources.get(&key, versions) {
        return Ok(kept);
    }
    let mut conn = state.store.read().await?;
    let read = std::sync::Arc::new(Sources::load(&mut conn, user, person).await?);
    state
        .sources
        .keep(key, versions, std::sync::Arc::clone(&read));
    Ok(read)
}

/// The items of a list that name a person (a thread, an overdue plan) the
/// viewer may read `category` of: each decided and audited as a read, the
/// refused left out.
pub async fn readable<T>(
    state: &AppState,
    viewer: &Viewer,
    items: Vec<T>,
    person: impl Fn(&T) -> PersonId,
    category: DataCategory,
) -> Result<Vec<T>, AccessError> {
    Ok(readable_with_people(state, viewer, items, person, category)
        .await?
        .into_iter()
        .map(|(item, _)| item)
        .collect())
}

/// [`readable`], each item kept with its person as the decision read them
/// (for a list that shows names). The items are decided together, so their
/// audit entries share the writer's commits rather than wait for one each.
pub async fn readable_with_people<T>(
    state: &AppState,
    viewer: &Viewer,
    items: Vec<T>,
    person: impl Fn(&T) -> PersonId,
    category: DataCategory,
) -> Result<Vec<(T, Option<Person>)>, AccessError> {
    let decided = futures::future::try_join_all(items.iter().map(|item| {
        let id = person(item);
        async move {
            // One read gives both the person and the versions to decide under.
            let (found, versions) = state.reads.persons.read(id).await?;
            let authorisation = authorise_under(
                state,
                viewer,
                id,
                versions,
                AccessAction::Read,
                &[category],
                AuditAction::Read,
            )
            .await?;
            Ok::<_, AccessError>(authorisation.allows(category).then_some(found))
        }
    }))
    .await?;
    Ok(items
        .into_iter()
        .zip(decided)
        .filter_map(|(item, shown)| shown.map(|found| (item, found)))
        .collect())
}

/// The decision for each category, from facts already gathered.
pub fn decide(
    engine: &AccessEngine,
    viewer: &Viewer,
    person: PersonId,
    action: AccessAction,
    categories: &[DataCategory],
    facts: &Facts,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<(DataCategory, Decision)> {
    let Some(first) = categories.first() else {
        return Vec::new();
    };
    // One request, asked about each category in turn: the facts are the
    // same for all of them.
    let mut request = facts.request(&viewer.user, person, action, *first, viewer.purpose, now);
    categories
        .iter()
        .map(|category| {
            request.category = *category;
            (*category, engine.decide(&request))
        })
        .collect()
}

/// One audit entry for the whole request: the categories shown (or, when
/// nothing was, those asked for) and every reason, allowed or denied.
pub(crate) fn audit_entry(
    viewer: &Viewer,
    person: PersonId,
    action: AuditAction,
    decisions: &[(DataCategory, Decision)],
    now: chrono::DateTime<chrono::Utc>,
) -> AuditEntry {
    let allowed: Vec<DataCategory> = decisions
        .iter()
        .filter(|(_, d)| d.is_allowed())
        .map(|(c, _)| *c)
        .collect();
    let outcome = if allowed.is_empty() {
        Outcome::Denied
    } else {
        Outcome::Allowed
    };
    let categories = if allowed.is_empty() {
        decisions.iter().map(|(c, _)| *c).collect()
    } else {
        allowed
    };
    let mut reasons = Vec::new();
    let mut policy_ids = Vec::new();
    for (category, decision) in decisions {
        let verdict = if decision.is_allowed() {
            "allowed"
        } else {
            "denied"
        };
        reasons.push(format!(
            "{}: {verdict}: {}",
            category.as_str(),
            decision.explanation()
        ));
        for reason in decision.reasons() {
            if !policy_ids.contains(&reason.policy) {
                policy_ids.push(reason.policy.clone());
            }
        }
    }
    AuditEntry {
        occurred_at: now,
        actor: Some(actor(&viewer.user)),
        purpose: Some(viewer.purpose),
        person: Some(person),
        action,
        categories,
        outcome,
        reasons,
        policy_ids,
        break_glass: decisions
            .iter()
            .any(|(_, d)| d.is_allowed() && d.via_break_glass()),
    }
}

/// An audit entry for an act of `viewer`'s that is not a decided read or
/// write of categories (a search of the audit, a refused claim, a look-up
/// that opened no record): who, for what purpose, about whom, with what
/// outcome and why, at the clock's now.
pub fn act_entry(
    state: &AppState,
    viewer: &Viewer,
    person: Option<PersonId>,
    action: AuditAction,
    outcome: concordat_store::audit::Outcome,
    reasons: Vec<String>,
) -> AuditEntry {
    AuditEntry {
        occurred_at: state.clock.now(),
        actor: Some(actor(&viewer.user)),
        purpose: Some(viewer.purpose),
        person,
        action,
        categories: Vec::new(),
        outcome,
        reasons,
        policy_ids: Vec::new(),
        break_glass: false,
    }
}

/// The relationships that made an allowed access legitimate, as audit
/// reasons: the person's access log shows them as the reason for access.
pub(crate) fn grounds(facts: &Facts) -> impl Iterator<Item = String> + '_ {
    facts.grounds.iter().map(|g| format!("{GROUND_PREFIX}{g}"))
}

/// How an audit reason naming a relationship begins.
pub const GROUND_PREFIX: &str = "relationship: ";

pub fn actor(user: &User) -> Actor {
    Actor {
        user_id: user.id(),
        username: user.username().clone(),
        organisation_id: user.organisation_id(),
        role: user.role(),
    }
}
