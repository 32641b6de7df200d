//! Where a referral goes: the receiving team, the agreement that covers
//! it and sets its deadlines, and whether anyone there could read it. A
//! referral is refused before it is written if no route exists.

use chrono::{DateTime, Utc};
use concordat_access::{AccessAction, AccessRequest, Relationship};
use concordat_domain::agreement::Agreement;
use concordat_domain::category::DataCategory;
use concordat_domain::ids::{PersonId, ReferralId, TeamId, UserId};
use concordat_domain::purpose::Purpose;
use concordat_domain::referral::{ReferralSection, ReferralStatus, Urgency};
use concordat_domain::user::User;
use concordat_store::referrals::{self, Referral};
use concordat_store::{agreements, teams, users, Conn};

use super::calendar::calendar;
use crate::authorisation::gather;
use crate::error::ServiceError;
use crate::AppState;

/// The active, in-date agreement both organisations are party to that
/// covers direct care: it sets the referral's deadlines.
pub(crate) fn covering_agreement(
    agreements: &[Agreement],
    receiver: concordat_domain::ids::OrganisationId,
    now: DateTime<Utc>,
) -> Option<&Agreement> {
    agreements.iter().find(|a| {
        a.in_force(now.date_naive())
            && a.terms().parties.contains(&receiver)
            && a.terms().purposes.contains(&Purpose::DirectCare)
    })
}

/// The teams `sender` may refer to, other than `except`: those that take
/// referrals, of an organisation an agreement with the sender covers, with
/// someone enabled who works with people to receive them.
pub async fn receiving_teams(
    state: &AppState,
    sender: concordat_domain::ids::OrganisationId,
    except: Option<TeamId>,
) -> Result<Vec<concordat_domain::organisation::Team>, ServiceError> {
    let now = state.clock.now();
    let mut conn = state.store.read().await?;
    let their_agreements = agreements::agreements_of_organisation(&mut conn, sender).await?;
    let staff = users::list_users(&mut conn, None).await?;
    let staffed = |team: TeamId| {
        staff
            .iter()
            .any(|u| u.team_id() == Some(team) && !u.disabled() && u.role().is_practitioner())
    };
    Ok(teams::list_teams(&mut conn)
        .await?
        .into_iter()
        .filter(|t| t.takes_referrals() && Some(t.id()) != except && staffed(t.id()))
        .filter(|t| covering_agreement(&their_agreements, t.organisation_id(), now).is_some())
        .collect())
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
pub(super) struct Route {
    pub(super) team: concordat_domain::organisation::Team,
    pub(super) agreement: Agreement,
    pub(super) levels: concordat_domain::referral::ServiceLevels,
    pub(super) members: Vec<User>,
}

/// Works out where a referral from `sender` to `team` goes, refusing if no
/// agreement covers it or the receivers could not read it.
pub(super) async fn route(
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
    if !team.takes_referrals() {
        return Err(ServiceError::invalid(
            "to_team_id",
            format!(
                "{} does not take referrals; choose another team",
                team.name()
            ),
        ));
    }
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
pub(super) struct Content {
    pub(super) person: PersonId,
    pub(super) from_user: UserId,
    pub(super) from_organisation: concordat_domain::ids::OrganisationId,
    pub(super) urgency: Urgency,
    pub(super) reason: String,
    pub(super) sections: Vec<ReferralSection>,
    pub(super) redirected_from: Option<ReferralId>,
}

impl Route {
    /// `content` sent along this route `now`, with its deadlines.
    pub(super) fn referral(
        &self,
        state: &AppState,
        content: Content,
        now: DateTime<Utc>,
    ) -> Referral {
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
