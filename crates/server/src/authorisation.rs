//! The one door to a person's record. Every read or write of personal data,
//! from the API, the pages and any later surface, comes through
//! [`authorise`]: gather the facts, let the access decision (Cedar, in
//! `concordat-access`) decide each category, write ONE audit entry, and only
//! once that entry has committed say what may be shown. No audit, no access.
//!
//! The door's vocabulary lives in leaves it re-exports (who asks, what was
//! decided, how a refusal ends, the audit entries), so what the door
//! depends on — the application state, the error vocabulary — can name
//! them without naming the door.

pub mod cache;
pub mod decision;
pub mod entry;
pub mod gather;
pub mod refusal;
pub mod viewer;

use concordat_access::AccessAction;
use concordat_domain::carer::{CarerItem, ShareBasis};
use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;
use concordat_domain::person::Person;
use concordat_domain::user::User;
use concordat_store::audit::AuditAction;
use concordat_store::relationships::Opening;
use concordat_store::{AccessVersions, StoreError};

pub use cache::VersionedCache;
pub use decision::{decide, Authorisation};
use entry::carer_grounds;
pub use entry::{act_entry, actor, administration_entry, record_administration, GROUND_PREFIX};
pub(crate) use entry::{audit_entry, grounds};
pub use gather::{gather, Facts, Sources, SourcesKey, LOOK_UP_PREFIX};
pub use refusal::{no_relationship, AccessError, Refused};
pub use viewer::Viewer;

use crate::state::AppState;

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
    let (_, versions) = state.reads.persons.read(person.into()).await?;
    let asked = Asked {
        person,
        action,
        categories,
        audit_action,
        note,
    };
    decide_and_audit(state, viewer, versions, asked).await
}

/// [`authorise`], for a carer asking for items the person may let them
/// see (or, for the thread, write): each decided as that item of its
/// category, all audited as one entry that begins with `note` (what the
/// carer was shown or did) and names what let the carer see those allowed.
/// Returns, for each item, what it stands on when it was allowed: the
/// person's choice or a best-interests decision; `None` when refused.
pub async fn authorise_items(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    action: AccessAction,
    items: &[CarerItem],
    note: String,
) -> Result<Vec<(CarerItem, Option<ShareBasis>)>, AccessError> {
    let (_, versions) = state.reads.persons.read(person.into()).await?;
    let now = state.clock.now();
    let facts = sources(state, &viewer.user, person, versions)
        .await?
        .at(&viewer.user, now);
    let decisions: Vec<(DataCategory, concordat_access::Decision)> = items
        .iter()
        .flat_map(|item| {
            decide(
                &state.engine,
                viewer,
                person,
                action,
                &[item.category()],
                Some(*item),
                &facts,
                now,
            )
        })
        .collect();
    state.metrics.decided(action, &decisions);
    let audit_action = match action {
        AccessAction::Read => AuditAction::Read,
        AccessAction::Write => AuditAction::Write,
    };
    let mut entry = audit_entry(viewer, person, audit_action, &decisions, now);
    // One reason per decision, in order: named by the item, not its
    // category, which items share.
    for (reason, item) in entry.reasons.iter_mut().zip(items) {
        if let Some((_, verdict)) = reason.split_once(": ") {
            *reason = format!("{}: {verdict}", item.as_str());
        }
    }
    entry.reasons.insert(0, note);
    let decided: Vec<(CarerItem, Option<ShareBasis>)> = items
        .iter()
        .zip(&decisions)
        .map(|(item, (_, decision))| {
            // Allowed only as an item the carer may see (`carer-told`), so
            // an allowed item always has its basis.
            let basis = decision.is_allowed().then(|| facts.carer_basis(*item));
            (*item, basis.flatten())
        })
        .collect();
    entry.reasons.extend(carer_grounds(&decided));
    state.audit.record(entry).await?;
    Ok(decided)
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
    // A look-up's own earlier look-ups need not be read again: the
    // decision is made with this one in place.
    let (read, _) = kept_or_read(state, &viewer.user, person, versions).await?;
    let (opened, opening) = read.opened(relationship, now);
    let facts = opened.at(&viewer.user, now);
    let decisions = decide(
        &state.engine,
        viewer,
        person,
        AccessAction::Read,
        categories,
        None,
        &facts,
        now,
    );
    state.metrics.decided(AccessAction::Read, &decisions);
    let mut entry = audit_entry(viewer, person, audit_action, &decisions, now);
    entry.reasons.insert(0, note);
    if decisions.iter().any(|(_, d)| d.is_allowed()) {
        entry.reasons.extend(grounds(&facts));
    }
    let moves_version = opening.as_ref().is_some_and(Opening::moves_version);
    let audit_seq = match opening {
        Some(opening) => state.audit.record_opening(entry, opening).await?,
        None => state.audit.record(entry).await?,
    };
    // A look-up moves no version: what is in force is `opened` under the
    // same versions. Any other opening moved the person's version by one:
    // if that is the only change since `versions` (the version now stands
    // one above), what is in force is exactly `opened`, and kept under it
    // the user's next request here reads nothing again. Any other change
    // moved the version further, so this is never found under the
    // versions in force.
    // INVARIANT: `versions` were read before `read` was (or `read` was
    // kept under them), and every change to these facts but a look-up
    // moves a version.
    if let Some(version) = versions.person {
        let key = (
            viewer.user.id(),
            viewer.user.organisation_id(),
            viewer.user.role(),
            person,
        );
        let after = AccessVersions {
            partnership: versions.partnership,
            person: Some(if moves_version { version + 1 } else { version }),
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
        None,
        &facts,
        now,
    );
    state.metrics.decided(action, &decisions);
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
/// request if the versions still match, else read now. The user's own
/// crisis look-ups move no version, so where they count they are read now
/// whatever was kept.
async fn sources(
    state: &AppState,
    user: &User,
    person: PersonId,
    versions: AccessVersions,
) -> Result<std::sync::Arc<Sources>, StoreError> {
    let (read, now) = kept_or_read(state, user, person, versions).await?;
    if now || !Sources::reads_look_ups(user) {
        return Ok(read);
    }
    let mut conn = state.store.read().await?;
    let look_ups = Sources::look_ups_of(&mut conn, user, person).await?;
    Ok(std::sync::Arc::new(read.with_look_ups(look_ups)))
}

/// The sources kept under `versions`, or read now (and kept); and whether
/// they were read now.
async fn kept_or_read(
    state: &AppState,
    user: &User,
    person: PersonId,
    versions: AccessVersions,
) -> Result<(std::sync::Arc<Sources>, bool), StoreError> {
    let key = (user.id(), user.organisation_id(), user.role(), person);
    if let Some(kept) = state.sources.get(&key, &versions) {
        return Ok((kept, false));
    }
    let mut conn = state.store.read().await?;
    let read = std::sync::Arc::new(Sources::load(&mut conn, user, person).await?);
    state
        .sources
        .keep(key, versions, std::sync::Arc::clone(&read));
    Ok((read, true))
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
            let (found, versions) = state.reads.persons.read(id.into()).await?;
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
