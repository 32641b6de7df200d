//! Acting on a referral through its lifecycle: the receiving team
//! acknowledges, accepts, declines, redirects or completes it; the sender's
//! organisation cancels it. Any act by the receiving team stops its
//! escalation, and the other side is told.

use chrono::{DateTime, Utc};
use concordat_access::AccessAction;
use concordat_domain::category::DataCategory;
use concordat_domain::dates::when;
use concordat_domain::ids::{ReferralId, TeamId, UserId};
use concordat_domain::referral::{ReferralAction, ReferralStatus};
use concordat_domain::user::User;
use concordat_store::notifications;
use concordat_store::referrals::{self, Referral, ReferralEvent};
use concordat_store::relationships::{self, RelationshipKind};
use concordat_store::{jobs, persons, users, Conn};

use super::route::{route, Content};
use super::sending::{notification, relationship_reason, write_new};
use crate::authorisation::Viewer;
use crate::crisis::require;
use crate::error::ServiceError;
use crate::escalation::referral::KIND as ESCALATION;
use crate::AppState;

/// What an action needs besides itself.
#[derive(Debug, Clone, Default)]
pub struct ActionInput {
    /// Why (required to decline, redirect or cancel).
    pub note: String,
    /// Where to redirect to.
    pub to_team: Option<TeamId>,
}

/// Acts on a referral: the receiving team acknowledges, accepts, declines,
/// redirects or completes it; the sender's organisation cancels it. Any
/// act by the receiving team acknowledges it and stops its escalation.
pub async fn act(
    state: &AppState,
    viewer: &Viewer,
    id: ReferralId,
    action: ReferralAction,
    input: ActionInput,
) -> Result<Referral, ServiceError> {
    let now = state.clock.now();
    let current = {
        let mut conn = state.store.read().await?;
        referrals::referral_by_id(&mut conn, id, false)
            .await?
            .ok_or(ServiceError::NotFound)?
    };
    let user = &viewer.user;
    let receiving = user.team_id() == Some(current.to_team);
    let sending = user.organisation_id() == current.from_organisation;
    if !receiving && !sending {
        return Err(ServiceError::NotFound);
    }
    if ReferralStatus::sender_acts(action) && !sending {
        return Err(ServiceError::Forbidden(
            "only the sending organisation can cancel a referral".into(),
        ));
    }
    if !ReferralStatus::sender_acts(action) && !receiving {
        return Err(ServiceError::Forbidden(format!(
            "only the receiving team can {} a referral",
            action.as_str()
        )));
    }
    let note = input.note.trim().to_owned();
    if matches!(
        action,
        ReferralAction::Decline | ReferralAction::Redirect | ReferralAction::Cancel
    ) && note.is_empty()
    {
        return Err(ServiceError::invalid(
            "note",
            format!("say why you {} it", action.as_str()),
        ));
    }
    if note.chars().count() > 2_000 || note.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ServiceError::invalid(
            "note",
            "at most 2000 characters of text",
        ));
    }
    require(
        state,
        viewer,
        current.person,
        AccessAction::Write,
        DataCategory::Referrals,
    )
    .await?;

    let mut tx = state.store.write().await?;
    let mut referral = referrals::referral_by_id(&mut tx, id, true)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let next = referral.status.after(action).ok_or_else(|| {
        ServiceError::Conflict(format!(
            "the referral is {}; it cannot be {}",
            referral.status.label().to_lowercase(),
            past_tense(action)
        ))
    })?;
    if receiving && referral.acknowledged_at.is_none() {
        referral.acknowledged_at = Some(now);
        referral.acknowledged_by = Some(user.id());
    }
    if matches!(
        action,
        ReferralAction::Accept | ReferralAction::Decline | ReferralAction::Redirect
    ) {
        referral.decided_at = Some(now);
        referral.decided_by = Some(user.id());
        referral.decision_note = (!note.is_empty()).then(|| note.clone());
    }
    referral.status = next;
    referrals::save_progress(&mut tx, &referral).await?;
    // Acknowledged: the escalation chain stops here.
    jobs::cancel(&mut tx, ESCALATION, &id.to_string(), now).await?;
    if receiving {
        settle_receivers_inboxes(&mut tx, &referral, action, user, now).await?;
    }
    let mut event_note = note.clone();
    if action == ReferralAction::Redirect {
        let target = input
            .to_team
            .ok_or_else(|| ServiceError::invalid("to_team_id", "say which team to redirect to"))?;
        if target == referral.to_team {
            return Err(ServiceError::invalid("to_team_id", "that is the same team"));
        }
        let onward = redirect(state, &mut tx, viewer, &referral, target, now).await?;
        event_note = format!("{note} (now referral {})", onward.id);
    }
    referrals::add_event(
        &mut tx,
        id,
        &ReferralEvent {
            at: now,
            kind: next.as_str().into(),
            actor: Some(user.id()),
            actor_name: user.display_name().as_str().to_owned(),
            note: event_note.clone(),
        },
    )
    .await?;
    if !next.is_open() {
        for organisation in [referral.from_organisation, referral.to_organisation] {
            relationships::end_relationships(
                &mut tx,
                referral.person,
                organisation,
                RelationshipKind::Referral,
                &relationship_reason(id),
                now,
            )
            .await?;
        }
    }
    // The other side is told.
    let told = if receiving {
        referral.from_user
    } else {
        receiving_contact(&mut tx, &referral).await?
    };
    if told != user.id() {
        let person = persons::person_by_id(&mut tx, referral.person)
            .await?
            .ok_or(ServiceError::NotFound)?;
        notifications::insert_notification(
            &mut tx,
            &notification(
                told,
                "referral-updated",
                format!("Referral {}: {}", past_tense(action), person.name().full()),
                format!(
                    "{} {} the referral.{}",
                    user.display_name().as_str(),
                    past_tense(action),
                    if event_note.is_empty() {
                        String::new()
                    } else {
                        format!(" {event_note}")
                    }
                ),
                id,
                now,
            ),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(referral)
}

/// What the receiving team and its duty contacts were asked (acknowledge
/// by …) is settled once one of them acts: read, and saying what was done,
/// so no inbox still asks for it.
async fn settle_receivers_inboxes(
    tx: &mut Conn,
    referral: &Referral,
    action: ReferralAction,
    user: &User,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let done = past_tense(action);
    let mut said = format!(
        "{}{} by {} on {}.",
        done[..1].to_uppercase(),
        &done[1..],
        user.display_name().as_str(),
        when(now)
    );
    if referral.status.is_open() {
        said.push_str(&format!(" Respond by {}.", when(referral.respond_due)));
    }
    let link = format!("/referrals/{}", referral.id);
    for kind in ["referral-received", "escalated"] {
        notifications::settle(tx, kind, &link, &said, now).await?;
    }
    Ok(())
}

fn past_tense(action: ReferralAction) -> &'static str {
    match action {
        ReferralAction::Acknowledge => "acknowledged",
        ReferralAction::Accept => "accepted",
        ReferralAction::Decline => "declined",
        ReferralAction::Redirect => "redirected",
        ReferralAction::Complete => "completed",
        ReferralAction::Cancel => "cancelled",
    }
}

/// A copy of `from` sent on to `target`, with its own deadlines from now.
async fn redirect(
    state: &AppState,
    tx: &mut Conn,
    viewer: &Viewer,
    from: &Referral,
    target: TeamId,
    now: DateTime<Utc>,
) -> Result<Referral, ServiceError> {
    let route = route(state, tx, from.from_organisation, target, from.person, now).await?;
    let onward = route.referral(
        state,
        Content {
            person: from.person,
            from_user: from.from_user,
            from_organisation: from.from_organisation,
            urgency: from.urgency,
            reason: from.reason.clone(),
            sections: from.sections.clone(),
            redirected_from: Some(from.id),
        },
        now,
    );
    let members = route.members;
    let person = persons::person_by_id(tx, from.person)
        .await?
        .ok_or(ServiceError::NotFound)?;
    write_new(tx, viewer, &onward, &person.name().full(), &members, now).await?;
    Ok(onward)
}

/// Whom the receiving side's news goes to when the sender acts: the one
/// who acknowledged the referral, else the team's first member.
async fn receiving_contact(conn: &mut Conn, referral: &Referral) -> Result<UserId, ServiceError> {
    if let Some(by) = referral.acknowledged_by {
        return Ok(by);
    }
    Ok(users::users_of_team(conn, referral.to_team)
        .await?
        .first()
        .map(User::id)
        .unwrap_or(referral.from_user))
}
