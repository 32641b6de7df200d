//! Sending a referral: its content checked, the sender's write decided,
//! then everything a new referral writes in one transaction (itself, its
//! timeline, both organisations' relationship with the person, its first
//! escalation step, the receiving team told). A redirect writes its onward
//! copy the same way.

use chrono::{DateTime, Utc};
use concordat_access::AccessAction;
use concordat_domain::category::DataCategory;
use concordat_domain::dates::when;
use concordat_domain::flag::required_paragraphs;
use concordat_domain::ids::{PersonId, ReferralId, TeamId, UserId};
use concordat_domain::referral::{ReferralSection, Urgency};
use concordat_domain::text::bounded;
use concordat_domain::user::User;
use concordat_store::notifications::{self, Notification};
use concordat_store::referrals::{self, Referral, ReferralEvent};
use concordat_store::relationships::{self, CareRelationship, RelationshipKind};
use concordat_store::{jobs, organisations, persons, teams, Conn};

use super::route::{route, Content};
use crate::authorisation::Viewer;
use crate::crisis::require;
use crate::delivery::{Message, Outbox};
use crate::error::ServiceError;
use crate::escalation::referral::KIND as ESCALATION;
use crate::told::tell_the_person;
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

/// The relationship a referral gives both organisations, named so that
/// closing the referral ends exactly these.
pub(super) fn relationship_reason(id: ReferralId) -> String {
    format!("referral {id}")
}

/// Both organisations' relationship with the person a referral opens when
/// it is sent at `sent_at`, lasting until [`RELATIONSHIP_GRACE_DAYS`] after
/// the response deadline.
pub async fn open_relationships(
    tx: &mut Conn,
    referral: &Referral,
    sent_at: chrono::DateTime<chrono::Utc>,
) -> Result<(), concordat_store::StoreError> {
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
                started_at: sent_at,
                ends_at: ends,
            },
        )
        .await?;
    }
    Ok(())
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

pub(super) fn notification(
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

/// Tells the person, in their own inbox, that a referral about them went
/// from the sender's organisation to a team, and where to follow it.
async fn tell_them_of(
    tx: &mut Conn,
    viewer: &Viewer,
    referral: &Referral,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let mut names = Vec::new();
    for id in [referral.from_organisation, referral.to_organisation] {
        let found = organisations::organisation_by_id(tx, id).await?;
        names.push(found.map(|o| o.name().to_owned()).unwrap_or_default());
    }
    let (from, to) = (&names[0], &names[1]);
    let team = teams::team_by_id(tx, referral.to_team)
        .await?
        .map(|t| t.name().to_owned())
        .unwrap_or_default();
    let told = Message {
        kind: "referral-about-you".into(),
        subject: format!("{from} referred you to {team}"),
        body: format!(
            "{} at {from} referred you to {team} at {to} on {}. You can follow where it \
             stands under My referrals.",
            viewer.user.display_name().as_str(),
            when(now)
        ),
        link: Some("/my/referrals".into()),
        person: Some(referral.person),
    };
    let mut outbox = Outbox::default();
    tell_the_person(tx, &mut outbox, referral.person, &told, now).await?;
    outbox.flush(tx, now).await?;
    Ok(())
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
pub(super) async fn write_new(
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
    open_relationships(tx, referral, now).await?;
    jobs::schedule(
        tx,
        ESCALATION,
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
    tell_them_of(tx, viewer, referral, now).await?;
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
