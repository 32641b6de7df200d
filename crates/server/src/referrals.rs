//! Referrals between partners: sending one (only if the receiving team may
//! see what it says about the person), acting on it through its lifecycle,
//! and listing inboxes and outboxes. Every step is on the referral's
//! timeline, told to the other side, and goes through the access decision.
//! An unacknowledged referral escalates (see [`escalation`]).

pub mod escalation;

use chrono::{DateTime, Utc};
use concordat_access::{AccessAction, AccessRequest, Relationship};
use concordat_domain::agreement::{Agreement, AgreementStatus};
use concordat_domain::calendar::WorkingCalendar;
use concordat_domain::category::DataCategory;
use concordat_domain::dates::when;
use concordat_domain::flag::required_paragraphs;
use concordat_domain::ids::{PersonId, ReferralId, TeamId, UserId};
use concordat_domain::purpose::Purpose;
use concordat_domain::referral::{ReferralAction, ReferralSection, ReferralStatus, Urgency};
use concordat_domain::text::bounded;
use concordat_domain::user::User;
use concordat_store::notifications::{self, Notification};
use concordat_store::referrals;
pub use concordat_store::referrals::{Listing, Referral, ReferralEvent};
use concordat_store::relationships::{self, CareRelationship, RelationshipKind};
use concordat_store::{agreements, jobs, organisations, persons, teams, users, Conn};

use crate::authorisation::{gather, readable_with_people, Viewer};
use crate::crisis::require;
use crate::error::ServiceError;
use crate::AppState;

/// The most sections a referral carries.
pub const SECTIONS_MAX: usize = 12;
/// How long after its response deadline an open referral still counts as a
/// relationship for both organisations, if nobody closes it.
const RELATIONSHIP_GRACE_DAYS: i64 = 90;

/// A referral as written, before checking.
#[derive(Debug, Clone)]
pub struct NewReferral {
    pub person: PersonId,
    pub to_team: TeamId,
    pub urgency: Urgency,
    pub reason: String,
    pub sections: Vec<ReferralSection>,
}

pub fn calendar(state: &AppState) -> WorkingCalendar {
    WorkingCalendar::new(state.config.bank_holidays.iter().copied())
}

/// The relationship a referral gives both organisations, named so that
/// closing the referral ends exactly these.
fn relationship_reason(id: ReferralId) -> String {
    format!("referral {id}")
}

fn check_content(new: &NewReferral) -> Result<(String, Vec<ReferralSection>), ServiceError> {
    let reason = required_paragraphs("reason", &new.reason, 2_000)
        .map_err(|e| ServiceError::invalid("reason", e.kind()))?;
    if new.sections.len() > SECTIONS_MAX {
        return Err(ServiceError::invalid(
            "sections",
            format!("at most {SECTIONS_MAX} sections"),
        ));
    }
    let mut sections = Vec::new();
    for (i, s) in new.sections.iter().enumerate() {
        let title = bounded("title", &s.title, 100)
            .map_err(|e| ServiceError::invalid(&format!("sections[{i}].title"), e.kind()))?;
        let text = required_paragraphs("text", &s.text, 4_000)
            .map_err(|e| ServiceError::invalid(&format!("sections[{i}].text"), e.kind()))?;
        sections.push(ReferralSection { title, text });
    }
    Ok((reason, sections))
}

/// The active, in-date agreement both organisations are party to that
/// covers direct care: it sets the referral's deadlines.
fn covering_agreement(
    agreements: &[Agreement],
    receiver: concordat_domain::ids::OrganisationId,
    now: DateTime<Utc>,
) -> Option<&Agreement> {
    agreements.iter().find(|a| {
        a.status() == AgreementStatus::Active
            && a.is_fully_signed()
            && a.in_term(now.date_naive())
            && a.terms().parties.contains(&receiver)
            && a.terms().purposes.contains(&Purpose::DirectCare)
    })
}

/// Whether anyone in the receiving team could read the referral, were it
/// sent: their agreement must grant it and the person must not have refused
/// sharing with them. Returns the refusal to explain if no one could.
async fn receivers_may_read(
    state: &AppState,
    conn: &mut Conn,
    members: &[User],
    person: PersonId,
    now: DateTime<Utc>,
) -> Result<Result<(), (String, String)>, ServiceError> {
    let mut refusal = None;
    for member in members {
        let mut facts = gather(conn, member, person, now).await?;
        facts.relationships.push(Relationship::referral());
        let request: AccessRequest = facts.request(
            member,
            person,
            AccessAction::Read,
            DataCategory::Referrals,
            Purpose::DirectCare,
            now,
        );
        let decision = state.engine.decide(&request);
        if decision.is_allowed() {
            return Ok(Ok(()));
        }
        if refusal.is_none() {
            refusal = Some((decision.explanation(), decision.denying_rule()));
        }
    }
    Ok(Err(refusal.unwrap_or_else(|| {
        (
            "the receiving team has no one to receive referrals".into(),
            String::new(),
        )
    })))
}

/// Where a referral is going: the team, the agreement that covers it (and
/// sets its deadlines), and the team's members, who will receive it.
struct Route {
    team: concordat_domain::organisation::Team,
    agreement: Agreement,
    levels: concordat_domain::referral::ServiceLevels,
    members: Vec<User>,
}

/// Works out where a referral from `sender` to `team` goes, refusing if no
/// agreement covers it or the receivers could not read it.
async fn route(
    state: &AppState,
    conn: &mut Conn,
    sender: concordat_domain::ids::OrganisationId,
    team: TeamId,
    person: PersonId,
    now: DateTime<Utc>,
) -> Result<Route, ServiceError> {
    let team = teams::team_by_id(conn, team)
        .await?
        .ok_or_else(|| ServiceError::invalid("to_team_id", "no such team"))?;
    let their_agreements = agreements::agreements_of_organisation(conn, sender).await?;
    let agreement = covering_agreement(&their_agreements, team.organisation_id(), now)
        .ok_or_else(|| {
            ServiceError::Forbidden(format!(
                "no active information sharing agreement between the sending organisation and \
                 {}'s covers referrals",
                team.name()
            ))
        })?
        .clone();
    let members = users::users_of_team(conn, team.id()).await?;
    if let Err((reason, rule)) = receivers_may_read(state, conn, &members, person, now).await? {
        return Err(ServiceError::Denied {
            reason: format!("{} cannot receive this referral: {reason}", team.name()),
            rule,
        });
    }
    let (levels, _) = referrals::service_levels(conn, agreement.id()).await?;
    Ok(Route {
        team,
        agreement,
        levels,
        members,
    })
}

/// What a referral carries, whichever route it takes.
struct Content {
    person: PersonId,
    from_user: UserId,
    from_organisation: concordat_domain::ids::OrganisationId,
    urgency: Urgency,
    reason: String,
    sections: Vec<ReferralSection>,
    redirected_from: Option<ReferralId>,
}

impl Route {
    /// `content` sent along this route `now`, with its deadlines.
    fn referral(&self, state: &AppState, content: Content, now: DateTime<Utc>) -> Referral {
        let deadlines = self.levels.for_urgency(content.urgency);
        let calendar = calendar(state);
        Referral {
            id: ReferralId::new(),
            person: content.person,
            from_user: content.from_user,
            from_organisation: content.from_organisation,
            to_team: self.team.id(),
            to_organisation: self.team.organisation_id(),
            agreement: self.agreement.id(),
            urgency: content.urgency,
            reason: content.reason,
            sections: content.sections,
            status: ReferralStatus::Sent,
            created_at: now,
            acknowledge_due: deadlines.acknowledge.after(now, &calendar),
            respond_due: deadlines.respond.after(now, &calendar),
            acknowledged_at: None,
            acknowledged_by: None,
            decided_at: None,
            decided_by: None,
            decision_note: None,
            redirected_from: content.redirected_from,
            escalation_step: 0,
        }
    }
}

fn notification(
    user: UserId,
    kind: &str,
    subject: String,
    body: String,
    id: ReferralId,
    now: DateTime<Utc>,
) -> Notification {
    Notification {
        id: uuid::Uuid::new_v4(),
        user,
        kind: kind.into(),
        subject,
        body,
        link: Some(format!("/referrals/{id}")),
        created_at: now,
        read_at: None,
    }
}

/// Sends a referral: checked, decided for the sender (writing `referrals`)
/// and for the receivers (could they read it), then written with its
/// deadlines, its first escalation scheduled and the receiving team told.
pub async fn send(
    state: &AppState,
    viewer: &Viewer,
    new: NewReferral,
) -> Result<Referral, ServiceError> {
    let (reason, sections) = check_content(&new)?;
    require(
        state,
        viewer,
        new.person,
        AccessAction::Write,
        DataCategory::Referrals,
    )
    .await?;
    let now = state.clock.now();
    let mut conn = state.store.read().await?;
    let route = route(
        state,
        &mut conn,
        viewer.user.organisation_id(),
        new.to_team,
        new.person,
        now,
    )
    .await?;
    let person = persons::person_by_id(&mut conn, new.person)
        .await?
        .ok_or(ServiceError::NotFound)?;
    drop(conn);
    let referral = route.referral(
        state,
        Content {
            person: new.person,
            from_user: viewer.user.id(),
            from_organisation: viewer.user.organisation_id(),
            urgency: new.urgency,
            reason,
            sections,
            redirected_from: None,
        },
        now,
    );
    let members = route.members;
    let mut tx = state.store.write().await?;
    write_new(
        &mut tx,
        viewer,
        &referral,
        &person.name().full(),
        &members,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(referral)
}

/// Everything a new referral writes: itself, its timeline's first entry,
/// both organisations' relationship with the person, the first escalation
/// step, and the receiving team's notifications.
async fn write_new(
    tx: &mut Conn,
    viewer: &Viewer,
    referral: &Referral,
    person_name: &str,
    members: &[User],
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    referrals::insert_referral(tx, referral).await?;
    referrals::add_event(
        tx,
        referral.id,
        &ReferralEvent {
            at: now,
            kind: "sent".into(),
            actor: Some(viewer.user.id()),
            actor_name: viewer.user.display_name().as_str().to_owned(),
            note: format!(
                "{} referral; acknowledge by {}, respond by {}",
                referral.urgency.label(),
                when(referral.acknowledge_due),
                when(referral.respond_due)
            ),
        },
    )
    .await?;
    let ends = referral.respond_due + chrono::Duration::days(RELATIONSHIP_GRACE_DAYS);
    for organisation in [referral.from_organisation, referral.to_organisation] {
        relationships::insert_relationship(
            tx,
            &CareRelationship {
                id: uuid::Uuid::new_v4(),
                person: referral.person,
                organisation,
                user: None,
                team: None,
                contact_kind: None,
                kind: RelationshipKind::Referral,
                reason: relationship_reason(referral.id),
                started_at: now,
                ends_at: ends,
            },
        )
        .await?;
    }
    jobs::schedule(
        tx,
        escalation::KIND,
        &referral.id.to_string(),
        1,
        referral.acknowledge_due,
        "{}",
        now,
    )
    .await?;
    crate::webhooks::enqueue_for(
        tx,
        referral.to_organisation,
        "referral.sent",
        &crate::webhooks::referral_data(referral),
        now,
    )
    .await?;
    for member in members {
        notifications::insert_notification(
            tx,
            &notification(
                member.id(),
                "referral-received",
                format!("{} referral: {person_name}", referral.urgency.label()),
                format!(
                    "From {}. Acknowledge by {}.",
                    viewer.user.display_name().as_str(),
                    when(referral.acknowledge_due)
                ),
                referral.id,
                now,
            ),
        )
        .await?;
    }
    Ok(())
}

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
    jobs::cancel(&mut tx, escalation::KIND, &id.to_string(), now).await?;
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

/// A referral with its timeline, for someone on either side (or the
/// person), audited as a read of the `referrals` category.
/// One referral as its parties see it: its timeline, and whom it is about.
#[derive(Debug, Clone)]
pub struct Detail {
    pub referral: Referral,
    pub events: Vec<ReferralEvent>,
    pub person_name: Option<String>,
}

pub async fn detail(
    state: &AppState,
    viewer: &Viewer,
    id: ReferralId,
) -> Result<Detail, ServiceError> {
    let mut conn = state.store.read().await?;
    let referral = referrals::referral_by_id(&mut conn, id, false)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let user = &viewer.user;
    let involved = user.team_id() == Some(referral.to_team)
        || user.organisation_id() == referral.from_organisation
        || user.organisation_id() == referral.to_organisation
        || user.person_id() == Some(referral.person);
    if !involved {
        return Err(ServiceError::NotFound);
    }
    drop(conn);
    require(
        state,
        viewer,
        referral.person,
        AccessAction::Read,
        DataCategory::Referrals,
    )
    .await?;
    let mut conn = state.store.read().await?;
    let events = referrals::events_of(&mut conn, id).await?;
    let person_name = persons::person_by_id(&mut conn, referral.person)
        .await?
        .map(|p| p.name().full());
    Ok(Detail {
        referral,
        events,
        person_name,
    })
}

/// A list of referrals with the person each is about, keeping only those
/// the access decision lets the viewer see (each one decided and audited).
pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    listing: Listing,
) -> Result<Vec<(Referral, String)>, ServiceError> {
    let found = {
        let mut conn = state.store.read().await?;
        referrals::referrals(&mut conn, listing, 200).await?
    };
    let shown =
        readable_with_people(state, viewer, found, |r| r.person, DataCategory::Referrals).await?;
    Ok(shown
        .into_iter()
        .map(|(referral, person)| {
            let name = person.map(|p| p.name().full()).unwrap_or_default();
            (referral, name)
        })
        .collect())
}

/// The team's name and organisation, for showing where a referral went.
pub async fn team_label(state: &AppState, team: TeamId) -> Result<String, ServiceError> {
    let mut conn = state.store.read().await?;
    let Some(team) = teams::team_by_id(&mut conn, team).await? else {
        return Ok(String::new());
    };
    let org = organisations::organisation_by_id(&mut conn, team.organisation_id())
        .await?
        .map(|o| o.name().to_owned())
        .unwrap_or_default();
    Ok(format!("{} ({org})", team.name()))
}
