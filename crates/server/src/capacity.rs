//! Capacity and best interests, decision by decision. A practitioner
//! records an assessment of whether the person can make one decision now
//! and why; when they cannot, a best-interests decision to share their
//! information: who was consulted, what the person is known to want, what
//! was shared with whom and why. Both are written and read through the
//! access decision as the person's clinical information, and audited. The
//! person sees each in their own account — at once, or from a day the
//! recorder chose when they could take it in (at most 90 days on) — and
//! information governance sees them all, each look at a person audited.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use concordat_access::AccessAction;
use concordat_domain::capacity::{CapacityOutcome, TELL_LATER_AT_MOST_DAYS, TEXT_MAX_CHARS};
use concordat_domain::carer::CarerItem;
use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;
use concordat_domain::role::Role;
use concordat_domain::text::paragraphs;
use concordat_store::audit::{AuditAction, Outcome};
use concordat_store::capacity as store;
pub use concordat_store::capacity::{Assessment, AssessmentId, BestInterests, CarerShare};

use crate::authorisation::{act_entry, AccessError, Viewer};
use crate::crisis::require;
use crate::error::{FieldError, ServiceError};
use crate::AppState;

/// Records listed for governance at once.
pub const GOVERNANCE_AT_MOST: i64 = 500;

/// A person's assessments and best-interests decisions, newest first.
#[derive(Debug, Clone, Default)]
pub struct Records {
    pub assessments: Vec<Assessment>,
    pub best_interests: Vec<BestInterests>,
    /// The names of the carers the decisions shared with.
    pub carer_names: std::collections::BTreeMap<concordat_domain::ids::RelatedPersonId, String>,
    /// The person's nominated carers, whom a decision may share with: for
    /// their care team's form, not the person's own page.
    pub nominated_carers: Vec<(concordat_domain::ids::RelatedPersonId, String)>,
}

/// An assessment as recorded.
#[derive(Debug, Clone, Default)]
pub struct AssessmentInput {
    pub decision: String,
    pub outcome: String,
    pub reasons: String,
    /// YYYY-MM-DD, or empty to tell the person at once.
    pub tell_person_on: String,
}

/// A best-interests decision as recorded.
#[derive(Debug, Clone, Default)]
pub struct BestInterestsInput {
    pub assessment: String,
    pub consulted: String,
    pub known_wishes: String,
    pub shared_what: String,
    pub shared_with: String,
    pub why: String,
    pub tell_person_on: String,
    /// A nominated carer to let see items of the record, or empty.
    pub carer: String,
    /// The items (`discharge`, `what-helps`, …) the carer may see.
    pub carer_items: Vec<String>,
}

fn text(field: &str, raw: &str, required: &str, faults: &mut Vec<FieldError>) -> String {
    match paragraphs("text", raw, TEXT_MAX_CHARS) {
        Ok(t) if t.trim().is_empty() => {
            faults.push(FieldError::new(field, required));
            t
        }
        Ok(t) => t,
        Err(e) => {
            faults.push(FieldError::new(field, e));
            String::new()
        }
    }
}

/// When the person is told: now, or the morning of the day chosen.
fn told_from(raw: &str, now: DateTime<Utc>, faults: &mut Vec<FieldError>) -> DateTime<Utc> {
    let raw = raw.trim();
    if raw.is_empty() {
        return now;
    }
    let Ok(day) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") else {
        faults.push(FieldError::new(
            "tell_person_on",
            format!("`{raw}` is not a date (YYYY-MM-DD)"),
        ));
        return now;
    };
    let today = now.date_naive();
    if day < today || day > today + Duration::days(TELL_LATER_AT_MOST_DAYS) {
        faults.push(FieldError::new(
            "tell_person_on",
            format!("choose a day from today to {TELL_LATER_AT_MOST_DAYS} days on"),
        ));
        return now;
    }
    if day == today {
        now
    } else {
        day.and_time(NaiveTime::MIN).and_utc()
    }
}

/// Records an assessment of `person`'s capacity for one decision.
pub async fn assess(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    input: &AssessmentInput,
) -> Result<Assessment, ServiceError> {
    require(
        state,
        viewer,
        person,
        AccessAction::Write,
        DataCategory::Clinical,
    )
    .await?;
    let now = state.clock.now();
    let mut faults = Vec::new();
    let decision = text(
        "decision",
        &input.decision,
        "Say which decision was assessed",
        &mut faults,
    );
    let outcome = CapacityOutcome::parse(input.outcome.trim()).map_err(|_| {
        FieldError::new(
            "outcome",
            "Say whether the person has capacity for this decision",
        )
    });
    if let Err(e) = &outcome {
        faults.push(e.clone());
    }
    let reasons = text(
        "reasons",
        &input.reasons,
        "Give the reasons for the finding",
        &mut faults,
    );
    let told_from = told_from(&input.tell_person_on, now, &mut faults);
    let (true, Ok(outcome)) = (faults.is_empty(), outcome) else {
        return Err(ServiceError::Invalid(faults));
    };
    let assessment = Assessment {
        id: uuid::Uuid::new_v4(),
        person,
        decision,
        outcome,
        reasons,
        assessed_by: viewer.user.id(),
        assessed_by_name: viewer.user.display_name().as_str().to_owned(),
        organisation: viewer.user.organisation_id(),
        assessed_at: now,
        told_from,
    };
    let mut tx = state.store.write().await?;
    store::insert_assessment(&mut tx, &assessment).await?;
    tx.commit().await?;
    Ok(assessment)
}

/// Records a best-interests decision to share, on an assessment of
/// `person` that found they lacked capacity for it.
pub async fn decide_best_interests(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    input: &BestInterestsInput,
) -> Result<BestInterests, ServiceError> {
    require(
        state,
        viewer,
        person,
        AccessAction::Write,
        DataCategory::Clinical,
    )
    .await?;
    let now = state.clock.now();
    let mut faults = Vec::new();
    let assessments = {
        let mut conn = state.store.read().await?;
        store::assessments(&mut conn, Some(person), i64::MAX).await?
    };
    let assessment = assessments
        .iter()
        .find(|a| a.id.to_string() == input.assessment.trim())
        .filter(|a| a.outcome == CapacityOutcome::LacksCapacity);
    if assessment.is_none() {
        faults.push(FieldError::new(
            "assessment",
            "Choose the assessment that found the person lacked capacity for this decision",
        ));
    }
    let consulted = text(
        "consulted",
        &input.consulted,
        "Say who was consulted",
        &mut faults,
    );
    let known_wishes = text(
        "known_wishes",
        &input.known_wishes,
        "Say what the person is known to want, or that it is not known",
        &mut faults,
    );
    let shared_what = text(
        "shared_what",
        &input.shared_what,
        "Say what was shared",
        &mut faults,
    );
    let shared_with = text(
        "shared_with",
        &input.shared_with,
        "Say with whom it was shared",
        &mut faults,
    );
    let why = text(
        "why",
        &input.why,
        "Say why it is in their best interests",
        &mut faults,
    );
    let told_from = told_from(&input.tell_person_on, now, &mut faults);
    let (true, Some(assessment)) = (faults.is_empty(), assessment) else {
        return Err(ServiceError::Invalid(faults));
    };
    let carer_share = crate::consent::carers::best_interests_share(
        state,
        viewer,
        person,
        &input.carer,
        &input.carer_items,
    )
    .await?;
    let decision = BestInterests {
        id: uuid::Uuid::new_v4(),
        person,
        assessment: assessment.id,
        consulted,
        known_wishes,
        shared_what,
        shared_with,
        why,
        decided_by: viewer.user.id(),
        decided_by_name: viewer.user.display_name().as_str().to_owned(),
        organisation: viewer.user.organisation_id(),
        decided_at: now,
        told_from,
        carer_share,
    };
    let mut tx = state.store.write().await?;
    store::insert_best_interests(&mut tx, &decision).await?;
    if let Some(share) = &decision.carer_share {
        let shared: Vec<(CarerItem, bool)> = share.items.iter().map(|i| (*i, true)).collect();
        concordat_store::carers::set_sharing(
            &mut tx,
            person,
            share.carer,
            &shared,
            concordat_store::carers::ShareBasis::BestInterests,
            viewer.user.id(),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(decision)
}

/// `person`'s records, read through the decision on their clinical
/// information. The person themselves sees each from its `told_from`.
pub async fn of_person(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
) -> Result<Records, ServiceError> {
    require(
        state,
        viewer,
        person,
        AccessAction::Read,
        DataCategory::Clinical,
    )
    .await?;
    let mut conn = state.store.read().await?;
    let mut records = Records {
        assessments: store::assessments(&mut conn, Some(person), i64::MAX).await?,
        best_interests: store::best_interests(&mut conn, Some(person), i64::MAX).await?,
        carer_names: Default::default(),
        nominated_carers: Vec::new(),
    };
    let own = viewer.user.person_id() == Some(person);
    let related = concordat_store::persons::related_persons_of(&mut conn, person).await?;
    if !own {
        records.nominated_carers = related
            .iter()
            .filter(|r| r.nominated_carer())
            .map(|r| (r.id(), r.name().to_string()))
            .collect();
    }
    records.carer_names = related
        .into_iter()
        .map(|r| (r.id(), r.name().to_string()))
        .collect();
    if own {
        let now = state.clock.now();
        records.assessments.retain(|a| a.told_from <= now);
        records.best_interests.retain(|d| d.told_from <= now);
    }
    Ok(records)
}

/// Whether `person` has anything here they may see now, for their home
/// page.
pub async fn told_any(state: &AppState, person: PersonId) -> Result<bool, ServiceError> {
    let now = state.clock.now();
    let mut conn = state.store.read().await?;
    Ok(store::assessments(&mut conn, Some(person), i64::MAX)
        .await?
        .iter()
        .any(|a| a.told_from <= now))
}

/// Every record across the partnership, newest first, for information
/// governance; each person they name is audited as looked at.
pub async fn for_governance(state: &AppState, viewer: &Viewer) -> Result<Records, ServiceError> {
    if viewer.user.role() != Role::IgLead {
        return Err(ServiceError::Forbidden(
            "capacity and best-interests records across the partnership are for information \
             governance"
                .into(),
        ));
    }
    let records = {
        let mut conn = state.store.read().await?;
        Records {
            assessments: store::assessments(&mut conn, None, GOVERNANCE_AT_MOST).await?,
            best_interests: store::best_interests(&mut conn, None, GOVERNANCE_AT_MOST).await?,
            carer_names: Default::default(),
            nominated_carers: Vec::new(),
        }
    };
    let mut people: Vec<PersonId> = records
        .assessments
        .iter()
        .map(|a| a.person)
        .chain(records.best_interests.iter().map(|d| d.person))
        .collect();
    people.sort();
    people.dedup();
    // Together, so the entries share the audit writer's commits.
    futures::future::try_join_all(people.into_iter().map(|person| {
        let entry = act_entry(
            state,
            viewer,
            Some(person),
            AuditAction::Read,
            Outcome::Allowed,
            vec!["governance: capacity assessments and best-interests decisions".into()],
        );
        async move { state.audit.record(entry).await.map_err(AccessError::from) }
    }))
    .await?;
    Ok(records)
}
