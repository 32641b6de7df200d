//! Claiming break-glass, and its review by information governance. One
//! file at about 400 lines: a claim and its review are one grant's
//! lifecycle, and the review reads the grant as the claim wrote it.

use chrono::{DateTime, Utc};
use concordat_access::{AccessAction, BreakGlassFacts};
use concordat_domain::break_glass::{BreakGlass, Deferral, Justification, OverrideBasis, Review};
use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;
use concordat_domain::role::Role;
use concordat_store::audit::{AuditAction, AuditEntry, Outcome};
use concordat_store::notifications::{self, Notification};
use concordat_store::{break_glass as grants, care_teams, persons, users};
use serde::Serialize;

use super::governor::governs;
use crate::authorisation::{act_entry, actor, decide, gather, AccessError, Refused, Viewer};
use crate::error::{FieldError, ServiceError};
use crate::permissions;
use crate::record::PersonRef;
use crate::AppState;

#[derive(Debug, Clone)]
pub struct ClaimRequest {
    pub person: PersonRef,
    pub lawful_basis: String,
    pub justification: String,
}

/// Grants `viewer` elevated access to a person for the configured window,
/// for the purpose they act for. Every attempt is audited, refused or not,
/// before anything is answered: a role that may not claim, a missing
/// justification, no relationship with the person, a purpose under which
/// even the override would open nothing. A granted use is audited as an
/// emergency override before it exists, the user's information governance
/// leads are told, and it joins their review queue.
pub async fn claim_break_glass(
    state: &AppState,
    viewer: &Viewer,
    request: ClaimRequest,
) -> Result<BreakGlass, ServiceError> {
    let user = &viewer.user;
    let now = state.clock.now();
    let mut errors = Vec::new();
    let basis = OverrideBasis::parse(&request.lawful_basis)
        .map_err(|e| errors.push(FieldError::new("lawful_basis", e.to_string())))
        .ok();
    let justification = Justification::parse(&request.justification)
        .map_err(|e| errors.push(FieldError::new("justification", e.to_string())))
        .ok();
    // A person not found stands as nobody, so the rest of the path is the
    // same as for someone the user has no relationship with.
    let person = match request.person.resolve(state).await {
        Ok(person) => person,
        Err(ServiceError::Invalid(mut wrong)) => {
            errors.append(&mut wrong);
            PersonId::nobody()
        }
        Err(other) => return Err(other),
    };

    if let Err(refusal) = permissions::break_glass(user.role()) {
        refused(state, viewer, person, refusal.to_string()).await?;
        return Err(refusal.into());
    }
    let (Some(basis), Some(justification), true) = (basis, justification, errors.is_empty()) else {
        let invalid = ServiceError::Invalid(errors);
        refused(state, viewer, person, invalid.to_string()).await?;
        return Err(invalid);
    };

    let grant = BreakGlass {
        id: uuid::Uuid::new_v4(),
        user: user.id(),
        person,
        basis,
        justification,
        granted_at: now,
        expires_at: now + state.config.break_glass_for,
        review: None,
        deferral: None,
    };

    // Break-glass lifts a refusal, not the need for a relationship, nor the
    // rules of the purpose. Ask the access decision as if the grant were
    // made: if it would still allow nothing, nothing is granted; if the
    // user has no relationship, they learn nothing, not even that the
    // person exists.
    let mut facts = {
        let mut conn = state.store.read().await?;
        gather(&mut conn, user, person, now).await?
    };
    facts.break_glass = Some(BreakGlassFacts::from(&grant));
    let decisions = decide(
        &state.engine,
        viewer,
        person,
        AccessAction::Read,
        &DataCategory::ALL,
        None,
        &facts,
        now,
    );
    state.metrics.decided(AccessAction::Read, &decisions);
    let refusal = Refused::of(&decisions);

    let mut reasons = vec![format!(
        "emergency override on the basis of {}: {}",
        grant.basis.label(),
        grant.justification.as_str()
    )];
    if refusal.is_some() {
        let why = decisions
            .first()
            .map(|(_, d)| d.explanation())
            .unwrap_or_default();
        reasons.push(format!("refused: {why}"));
    }
    let entry = AuditEntry {
        occurred_at: now,
        actor: Some(actor(user)),
        purpose: Some(viewer.purpose),
        person: Some(person),
        action: AuditAction::BreakGlass,
        categories: Vec::new(),
        outcome: if refusal.is_some() {
            Outcome::Denied
        } else {
            Outcome::Allowed
        },
        reasons,
        policy_ids: vec![concordat_access::policy_ids::BREAK_GLASS.to_owned()],
        break_glass: refusal.is_none(),
    };
    state.audit.record(entry).await?;
    if let Some(refused) = refusal {
        return Err(refused.into());
    }

    let mut tx = state.store.write().await?;
    grants::insert_break_glass(&mut tx, &grant, user.organisation_id()).await?;
    super::break_glass_notice::schedule(&mut tx, &grant, now).await?;
    for lead in governing_leads(&mut tx, user.organisation_id(), person).await? {
        notifications::insert_notification(
            &mut tx,
            &Notification {
                id: uuid::Uuid::new_v4(),
                user: lead,
                kind: "break-glass".into(),
                subject: format!(
                    "Break-glass by {} needs review",
                    user.display_name().as_str()
                ),
                body: format!(
                    "{} used break-glass on {} on the basis of {}. Their justification: “{}”",
                    user.display_name().as_str(),
                    concordat_domain::dates::when(now),
                    grant.basis.label(),
                    grant.justification.as_str()
                ),
                link: Some("/governance/break-glass".into()),
                created_at: now,
                read_at: None,
            },
        )
        .await?;
    }
    tx.commit().await?;
    tracing::warn!(user = %user.username(), basis = grant.basis.as_str(), "break-glass granted");
    Ok(grant)
}

/// Whom a use is told to for review: the information governance leads of
/// the user's own organisation and of every organisation on the person's
/// care team (whose data the override opened), each once.
async fn governing_leads(
    conn: &mut concordat_store::Conn,
    own: concordat_domain::ids::OrganisationId,
    person: PersonId,
) -> Result<Vec<concordat_domain::ids::UserId>, concordat_store::StoreError> {
    let mut organisations = vec![own];
    for team in care_teams::care_teams_of_person(conn, person).await? {
        organisations.extend(team.members().iter().map(|m| m.organisation_id()));
    }
    organisations.sort();
    organisations.dedup();
    let mut leads = Vec::new();
    for organisation in organisations {
        leads.extend(notifications::users_with_role(conn, organisation, Role::IgLead).await?);
    }
    leads.sort();
    leads.dedup();
    Ok(leads)
}

/// Audits a claim refused before the decision was asked (the role, the
/// form), with why.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    why: String,
) -> Result<(), AccessError> {
    state
        .audit
        .record(act_entry(
            state,
            viewer,
            Some(person),
            AuditAction::BreakGlass,
            Outcome::Denied,
            vec![format!("break-glass refused: {why}")],
        ))
        .await?;
    Ok(())
}

/// One use, as the review queue shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewItem {
    pub id: String,
    pub username: String,
    pub user_name: String,
    pub person_id: String,
    pub nhs_number: Option<String>,
    pub lawful_basis: &'static str,
    pub lawful_basis_label: &'static str,
    pub justification: String,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub overdue: bool,
    pub review: Option<ReviewView>,
    pub deferral: Option<DeferralView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewView {
    pub appropriate: bool,
    pub note: String,
    pub reviewed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeferralView {
    pub reason: String,
    pub until: chrono::NaiveDate,
}

/// The uses the reviewer's organisation answers for, newest first: those by
/// its own staff, and those on people whose records it holds.
pub async fn review_queue(
    state: &AppState,
    reviewer: &Viewer,
    pending_only: bool,
) -> Result<Vec<ReviewItem>, ServiceError> {
    governs(reviewer)?;
    let now = state.clock.now();
    let mut conn = state.store.read().await?;
    let uses = grants::uses_for_governance(&mut conn, reviewer.user.organisation_id(), 500).await?;
    let mut items = Vec::new();
    for use_ in uses
        .into_iter()
        .filter(|u| !pending_only || u.review.is_none())
    {
        let who = users::user_by_id(&mut conn, use_.user).await?;
        let person = persons::person_by_id(&mut conn, use_.person).await?;
        items.push(ReviewItem {
            id: use_.id.to_string(),
            username: who
                .as_ref()
                .map(|u| u.username().as_str().to_owned())
                .unwrap_or_default(),
            user_name: who
                .as_ref()
                .map(|u| u.display_name().as_str().to_owned())
                .unwrap_or_default(),
            person_id: use_.person.to_string(),
            nhs_number: person
                .and_then(|p| p.nhs_number())
                .map(|n| n.as_str().to_owned()),
            lawful_basis: use_.basis.as_str(),
            lawful_basis_label: use_.basis.label(),
            justification: use_.justification.as_str().to_owned(),
            granted_at: use_.granted_at,
            expires_at: use_.expires_at,
            overdue: use_.review_overdue(now),
            review: use_.review.as_ref().map(|r| ReviewView {
                appropriate: r.appropriate,
                note: r.note.clone(),
                reviewed_at: r.reviewed_at,
            }),
            deferral: use_.deferral.as_ref().map(|d| DeferralView {
                reason: d.reason.clone(),
                until: d.until,
            }),
        });
    }
    Ok(items)
}

/// Loads a use the reviewer's organisation answers for (see
/// [`review_queue`]); any other is answered as not found.
async fn own_use(
    state: &AppState,
    reviewer: &Viewer,
    id: uuid::Uuid,
) -> Result<BreakGlass, ServiceError> {
    governs(reviewer)?;
    let mut conn = state.store.read().await?;
    if !grants::governed_by(&mut conn, id, reviewer.user.organisation_id()).await? {
        return Err(ServiceError::NotFound);
    }
    grants::break_glass_by_id(&mut conn, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

pub async fn record_review(
    state: &AppState,
    reviewer: &Viewer,
    id: uuid::Uuid,
    review: Review,
) -> Result<(), ServiceError> {
    let use_ = own_use(state, reviewer, id).await?;
    if use_.review.is_some() {
        return Err(ServiceError::Conflict(
            "this use has already been reviewed".into(),
        ));
    }
    state
        .audit
        .record(AuditEntry {
            occurred_at: review.reviewed_at,
            actor: Some(actor(&reviewer.user)),
            purpose: Some(reviewer.purpose),
            person: Some(use_.person),
            action: AuditAction::BreakGlassReview,
            categories: Vec::new(),
            outcome: Outcome::Allowed,
            reasons: vec![format!(
                "break-glass {id} reviewed as {}: {}",
                if review.appropriate {
                    "appropriate"
                } else {
                    "not appropriate"
                },
                review.note
            )],
            policy_ids: Vec::new(),
            break_glass: false,
        })
        .await?;
    let mut tx = state.store.write().await?;
    if !grants::record_review(&mut tx, id, &review).await? {
        return Err(ServiceError::Conflict(
            "this use has already been reviewed".into(),
        ));
    }
    tx.commit().await?;
    Ok(())
}

/// A deferral from what an ig-lead typed: a reason, and a date after
/// `today` (YYYY-MM-DD). Each field's fault is named for the form or API.
pub fn parse_deferral(
    by: concordat_domain::ids::UserId,
    reason: &str,
    until: &str,
    today: chrono::NaiveDate,
) -> Result<Deferral, Vec<FieldError>> {
    let mut errors = Vec::new();
    let reason = concordat_domain::text::bounded("reason", reason, 2000)
        .map_err(|e| errors.push(FieldError::new("reason", e.to_string())))
        .ok();
    let until = match chrono::NaiveDate::parse_from_str(until.trim(), "%Y-%m-%d") {
        Ok(d) if d > today => Some(d),
        Ok(_) => {
            errors.push(FieldError::new("until", "the date must be in the future"));
            None
        }
        Err(_) => {
            errors.push(FieldError::new(
                "until",
                format!("`{}` is not a date (YYYY-MM-DD)", until.trim()),
            ));
            None
        }
    };
    match (reason, until) {
        (Some(reason), Some(until)) => Ok(Deferral {
            deferred_by: by,
            reason,
            until,
        }),
        _ => Err(errors),
    }
}

pub async fn record_deferral(
    state: &AppState,
    reviewer: &Viewer,
    id: uuid::Uuid,
    deferral: Deferral,
) -> Result<(), ServiceError> {
    let use_ = own_use(state, reviewer, id).await?;
    state
        .audit
        .record(AuditEntry {
            occurred_at: state.clock.now(),
            actor: Some(actor(&reviewer.user)),
            purpose: Some(reviewer.purpose),
            person: Some(use_.person),
            action: AuditAction::BreakGlassReview,
            categories: Vec::new(),
            outcome: Outcome::Allowed,
            reasons: vec![format!(
                "disclosure of break-glass {id} to the person deferred until {}: {}",
                deferral.until, deferral.reason
            )],
            policy_ids: Vec::new(),
            break_glass: false,
        })
        .await?;
    let mut tx = state.store.write().await?;
    grants::record_deferral(&mut tx, id, &deferral).await?;
    tx.commit().await?;
    Ok(())
}
