//! Who is on a case: the lead professional adds members from any partner
//! organisation an active agreement with the lead's covers, removes them,
//! and hands the lead to another member. A member may also leave. Each
//! membership's access begins and ends with it.

use concordat_domain::case::{check_lead, check_leaving, check_room};
use concordat_domain::ids::UserId;
use concordat_domain::user::User;
use concordat_store::cases::{self as store, Case, CaseId, Member};
use concordat_store::{agreements, relationships, users};

use super::terms::{invalid, link, NOTICE_KIND};
use super::view::{current, member_case, open_for_change};
use crate::authorisation::Viewer;
use crate::delivery::{Message, Outbox, Recipient};
use crate::error::ServiceError;
use crate::referrals::covering_agreement;
use crate::AppState;

fn lead_only(case: &Case, viewer: &Viewer, what: &str) -> Result<(), ServiceError> {
    if case.lead == viewer.user.id() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(format!(
            "only the case's lead professional {what}"
        )))
    }
}

/// Whether `user` may join a case led from `lead`'s organisation: an
/// enabled professional of an organisation that an active agreement with
/// the lead's covers for direct care.
async fn joinable(state: &AppState, lead: &User, user: &User) -> Result<(), ServiceError> {
    if user.disabled() || !user.role().is_practitioner() {
        return Err(ServiceError::invalid(
            "user_id",
            "a member must be a professional of a partner organisation",
        ));
    }
    let mut conn = state.store.read().await?;
    let theirs = agreements::agreements_of_organisation(&mut conn, lead.organisation_id()).await?;
    if covering_agreement(&theirs, user.organisation_id(), state.clock.now()).is_none() {
        return Err(ServiceError::invalid(
            "user_id",
            "no active information sharing agreement covers this member's organisation with \
             the lead's",
        ));
    }
    Ok(())
}

/// The professionals the viewer could add to a case they lead: those of
/// organisations an active agreement with theirs covers.
pub async fn candidates(state: &AppState, viewer: &Viewer) -> Result<Vec<User>, ServiceError> {
    let mut conn = state.store.read().await?;
    let theirs =
        agreements::agreements_of_organisation(&mut conn, viewer.user.organisation_id()).await?;
    let now = state.clock.now();
    Ok(users::list_users(&mut conn, None)
        .await?
        .into_iter()
        .filter(|u| !u.disabled() && u.role().is_practitioner())
        .filter(|u| covering_agreement(&theirs, u.organisation_id(), now).is_some())
        .collect())
}

/// Adds `user` to case `id`, for its lead.
pub async fn add_member(
    state: &AppState,
    viewer: &Viewer,
    id: CaseId,
    user: UserId,
) -> Result<Member, ServiceError> {
    let (case, _) = member_case(state, viewer, id).await?;
    lead_only(&case, viewer, "adds members")?;
    let joining = {
        let mut conn = state.store.read().await?;
        users::user_by_id(&mut conn, user).await?
    }
    .ok_or_else(|| ServiceError::invalid("user_id", "no such user"))?;
    joinable(state, &viewer.user, &joining).await?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let case = open_for_change(&mut tx, id).await?;
    let members = current(&store::members_of(&mut tx, id).await?);
    if members.contains(&user) {
        return Err(ServiceError::Conflict(
            "already a member of this case".into(),
        ));
    }
    check_room(members.len()).map_err(invalid)?;
    let relationship = super::access::relationship(&case, &joining, now);
    let member = Member {
        id: uuid::Uuid::new_v4(),
        case: id,
        user,
        organisation: joining.organisation_id(),
        relationship: relationship.id,
        added_by: viewer.user.id(),
        added_at: now,
        ended_at: None,
    };
    store::insert_member(&mut tx, &member).await?;
    let mut outbox = Outbox::default();
    outbox.push(
        Recipient::User(user),
        Message {
            kind: NOTICE_KIND.into(),
            subject: "You were added to a multi-agency case".into(),
            body: format!(
                "{} added you to a multi-agency case: {}",
                viewer.user.display_name().as_str(),
                case.reason
            ),
            link: Some(link(id)),
            person: Some(case.person),
        },
        now,
    );
    outbox.flush(&mut tx, now).await?;
    tx.commit().await?;
    super::access::open(state, viewer, &case, &joining, relationship).await?;
    Ok(member)
}

/// Takes `user` off case `id`: its lead removing a member, or a member
/// leaving. Their access through the case ends now.
pub async fn remove_member(
    state: &AppState,
    viewer: &Viewer,
    id: CaseId,
    user: UserId,
) -> Result<(), ServiceError> {
    let (case, _) = member_case(state, viewer, id).await?;
    if user != viewer.user.id() {
        lead_only(&case, viewer, "removes other members")?;
    }
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let case = open_for_change(&mut tx, id).await?;
    check_leaving(user, case.lead).map_err(invalid)?;
    let leaving = store::members_of(&mut tx, id)
        .await?
        .into_iter()
        .find(|m| m.user == user && m.is_current())
        .ok_or_else(|| ServiceError::invalid("user_id", "not a member of this case"))?;
    store::end_member(&mut tx, leaving.id, now).await?;
    relationships::end_relationship(&mut tx, leaving.relationship, case.person, now).await?;
    tx.commit().await?;
    super::access::ended(
        state,
        viewer,
        case.person,
        format!("ended a membership of multi-agency case {id}: its access ended with it"),
    )
    .await
}

/// Hands the lead of case `id` to `user`, a current member.
pub async fn set_lead(
    state: &AppState,
    viewer: &Viewer,
    id: CaseId,
    user: UserId,
) -> Result<Case, ServiceError> {
    let (case, _) = member_case(state, viewer, id).await?;
    lead_only(&case, viewer, "hands the lead to another member")?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let mut case = open_for_change(&mut tx, id).await?;
    check_lead(user, &current(&store::members_of(&mut tx, id).await?)).map_err(invalid)?;
    case.lead = user;
    store::save_case(&mut tx, &case).await?;
    let mut outbox = Outbox::default();
    outbox.push(
        Recipient::User(user),
        Message {
            kind: NOTICE_KIND.into(),
            subject: "You are now the lead professional of a multi-agency case".into(),
            body: format!(
                "{} handed you the lead of a multi-agency case: {}",
                viewer.user.display_name().as_str(),
                case.reason
            ),
            link: Some(link(id)),
            person: Some(case.person),
        },
        now,
    );
    outbox.flush(&mut tx, now).await?;
    tx.commit().await?;
    Ok(case)
}
