//! The year's referrals between partners under the main agreement: GP
//! practices to the community and crisis teams, the emergency services to
//! the crisis team, the trust to adult social care and back to the
//! practices. Each is acknowledged and answered at a delay drawn against
//! its deadlines, a few late (and escalated while unacknowledged, as the
//! server escalates), fewer late as the year goes on; each has its
//! timeline ([`life`]). The newest are still waiting, as they would be.

mod life;

use concordat_domain::ids::{AgreementId, ReferralId};
use concordat_domain::organisation::{Organisation, Team};
use concordat_domain::purpose::Purpose;
use concordat_domain::referral::{ReferralSection, ReferralStatus, ServiceLevels, Urgency};
use concordat_domain::user::User;
use concordat_store::referrals::{self, Referral};
use concordat_store::{agreements, teams, Conn, Store};
use rand::seq::SliceRandom as _;
use rand_chacha::ChaCha8Rng;

use super::contacts::Drawn;
use super::{
    crisis_time, how_many, id_at, office_time, season, seen_by, weighted, Partnership, Window,
};
use crate::demo::partnership::{COMMUNITY_TEAM, CRISIS_TEAM};

/// Where referrals go and how many a month.
struct Route {
    /// Who sends them (usernames); one is picked each time.
    senders: &'static [&'static str],
    to_team: &'static str,
    /// How many a month, on average over the year.
    per_month: f64,
    /// Emergency, urgent and routine, in a hundred.
    urgency: [u32; 3],
    /// Sent in office hours on working days (practices, community teams)
    /// rather than at any hour (the emergency services).
    office: bool,
    /// Why, in the sender's words; one is picked each time.
    reasons: &'static [&'static str],
}

// What each kind of team is asked for.
const TO_CRISIS: &[&str] = &[
    "Said tonight that they had thought about ending their life and have no one at home; asks \
     for the crisis team's support.",
    "Found in distress on the bridge and taken home; needs the crisis team to follow up today.",
    "Second attendance this week after self-harm; would like help from the home treatment team.",
    "Not sleeping, hearing voices again and has stopped their medication; family worried.",
];
const TO_COMMUNITY: &[&str] = &[
    "Low mood for several months despite medication; asks for talking therapy and a care \
     coordinator.",
    "Anxiety now stops them leaving the house; would like support from the community team.",
    "Known to the team before; early signs of relapse after a bereavement.",
];
const TO_SOCIAL_CARE: &[&str] = &[
    "Struggling to manage at home since discharge; asks for an assessment of care and support \
     needs.",
    "Their carer is exhausted and asks for a carer's assessment and a break.",
    "Rent arrears and the threat of eviction are adding to the crisis; needs help with housing.",
];
const TO_EATING_DISORDERS: &[&str] = &[
    "Weight falling quickly and restricting food; asks for assessment by the eating disorder \
     team.",
    "Bingeing and purging most days; would like specialist support.",
];
const TO_PRACTICE: &[&str] = &[
    "Discharged from the crisis team; please review their medication in two weeks.",
    "Has agreed a crisis plan with us; please review their physical health and add the plan to \
     the practice record.",
];
/// Each referral's "Risk" section.
const RISKS: &[&str] = &[
    "No current plan to act on thoughts of suicide; lives with a partner who knows.",
    "Has self-harmed in the past month; knows how to reach the crisis line.",
    "No known risk to others. Drinks more when low.",
];
// The receiving teams besides the trust's, and the trust's senders.
const PRACTICES: [&str; 3] = [
    "Riverside Surgery Clinicians",
    "Market Street Clinicians",
    "Hillview Clinicians",
];
const SOCIAL_CARE: &str = "Adult Social Care Duty Team";
const EATING_DISORDERS: &str = "Adult Eating Disorder Team";
const COMMUNITY: &[&str] = &["mh.practitioner", "l.fraser", "k.malik", "r.hale"];
const CRISIS: &[&str] = &["crisis.nurse", "a.novak", "d.osei", "t.barker"];

const fn route(
    senders: &'static [&'static str],
    to_team: &'static str,
    per_month: f64,
    urgency: [u32; 3],
    office: bool,
    reasons: &'static [&'static str],
) -> Route {
    Route {
        senders,
        to_team,
        per_month,
        urgency,
        office,
        reasons,
    }
}

/// About 70 referrals a month; the smallest routes give the small counts
/// the dashboard hides. (Senders, team, a month, urgencies, office hours,
/// reasons.)
#[rustfmt::skip]
const ROUTES: &[Route] = &[
    route(&["gp", "dr.evans"], COMMUNITY_TEAM, 9.0, [0, 30, 70], true, TO_COMMUNITY),
    route(&["dr.singh"], COMMUNITY_TEAM, 6.0, [0, 30, 70], true, TO_COMMUNITY),
    route(&["dr.wood"], COMMUNITY_TEAM, 5.0, [0, 30, 70], true, TO_COMMUNITY),
    route(&["gp", "dr.evans"], CRISIS_TEAM, 3.0, [20, 80, 0], true, TO_CRISIS),
    route(&["dr.singh"], CRISIS_TEAM, 2.0, [20, 80, 0], true, TO_CRISIS),
    route(&["dr.wood"], CRISIS_TEAM, 2.0, [20, 80, 0], true, TO_CRISIS),
    route(&["gp", "dr.evans"], EATING_DISORDERS, 1.0, [0, 20, 80], true, TO_EATING_DISORDERS),
    route(&["dr.singh"], EATING_DISORDERS, 0.8, [0, 20, 80], true, TO_EATING_DISORDERS),
    route(&["police", "pc.jones"], CRISIS_TEAM, 6.0, [30, 70, 0], false, TO_CRISIS),
    route(&["paramedic", "m.clarke", "p.nowak"], CRISIS_TEAM, 5.0, [40, 60, 0], false, TO_CRISIS),
    route(&["ed.clinician", "n.obi", "i.mensah"], CRISIS_TEAM, 6.0, [30, 70, 0], false, TO_CRISIS),
    route(&["n.obi"], SOCIAL_CARE, 2.0, [0, 60, 40], false, TO_SOCIAL_CARE),
    route(&["c.ward", "h.kaur"], CRISIS_TEAM, 3.0, [20, 80, 0], false, TO_CRISIS),
    route(COMMUNITY, SOCIAL_CARE, 4.0, [0, 30, 70], true, TO_SOCIAL_CARE),
    route(CRISIS, PRACTICES[0], 2.0, [0, 20, 80], true, TO_PRACTICE),
    route(CRISIS, PRACTICES[1], 1.5, [0, 20, 80], true, TO_PRACTICE),
    route(CRISIS, PRACTICES[2], 1.5, [0, 20, 80], true, TO_PRACTICE),
    route(&["social.worker", "b.foster"], COMMUNITY_TEAM, 3.0, [0, 30, 70], true, TO_COMMUNITY),
    route(COMMUNITY, EATING_DISORDERS, 1.0, [0, 20, 80], true, TO_EATING_DISORDERS),
    route(&["v.patel", "g.moore"], PRACTICES[0], 0.8, [0, 10, 90], true, TO_PRACTICE),
];

/// A route as the store knows it: the sending organisation, the team and
/// those in it who receive, and the agreement that sets the deadlines.
struct Lane<'a> {
    route: &'a Route,
    from: &'a Organisation,
    team: Team,
    members: Vec<&'a User>,
    agreement: AgreementId,
    levels: ServiceLevels,
}

/// Finds each route's lane, refusing a route the partnership cannot take.
async fn lanes<'a>(tx: &mut Conn, partnership: &'a Partnership) -> anyhow::Result<Vec<Lane<'a>>> {
    let all_teams = teams::list_teams(tx).await?;
    let agreements = agreements::list_agreements(tx).await?;
    let mut lanes = Vec::new();
    for route in ROUTES {
        let first = partnership.user(route.senders[0])?;
        let from = partnership
            .organisations
            .iter()
            .find(|o| o.id() == first.organisation_id())
            .ok_or_else(|| anyhow::anyhow!("`{}` has no organisation", route.senders[0]))?;
        let team = all_teams
            .iter()
            .find(|t| t.name() == route.to_team && t.takes_referrals())
            .ok_or_else(|| anyhow::anyhow!("no demo team `{}` taking referrals", route.to_team))?
            .clone();
        let members: Vec<&User> = partnership
            .users
            .iter()
            .filter(|u| u.team_id() == Some(team.id()) && u.role().is_practitioner())
            .collect();
        anyhow::ensure!(!members.is_empty(), "no one in `{}`", route.to_team);
        // The agreement that covers both for direct care, as the server
        // finds it when a referral is sent.
        let agreement = agreements
            .iter()
            .find(|a| {
                let terms = a.terms();
                terms.parties.contains(&from.id())
                    && terms.parties.contains(&team.organisation_id())
                    && terms.purposes.contains(&Purpose::DirectCare)
            })
            .ok_or_else(|| anyhow::anyhow!("no agreement covers `{}`", route.to_team))?
            .id();
        let (levels, _) = referrals::service_levels(tx, agreement).await?;
        lanes.push(Lane {
            route,
            from,
            team,
            members,
            agreement,
            levels,
        });
    }
    Ok(lanes)
}

/// Writes the window's referrals in one transaction. Returns how many.
pub(super) async fn seed(
    store: &Store,
    rng: &mut ChaCha8Rng,
    window: &Window,
    partnership: &Partnership,
    drawn: &[Drawn],
) -> anyhow::Result<usize> {
    let mut tx = store.write().await?;
    let lanes = lanes(&mut tx, partnership).await?;
    let mut written = 0;
    for day in window.days() {
        let date = day.date_naive();
        let working = partnership.calendar.is_working_day(date);
        let busy = 1.0 + (season(date) - 1.0) / 2.0;
        let growth = 1.0 + 0.15 * window.progress(day);
        for lane in &lanes {
            let route = lane.route;
            // Office routes send only on working days, about 252 a year.
            let per_day = match (route.office, working) {
                (true, false) => 0.0,
                (true, true) => route.per_month * 12.0 / 252.0,
                (false, _) => route.per_month * 12.0 / 365.0,
            };
            for _ in 0..how_many(rng, per_day * busy * growth) {
                let at = day
                    + if route.office {
                        office_time(rng)
                    } else {
                        crisis_time(rng)
                    };
                if at >= window.now {
                    continue;
                }
                let sender =
                    partnership.user(route.senders.choose(rng).copied().unwrap_or_default())?;
                // The emergency services refer someone they have just met.
                let met = seen_by(drawn, lane.from.code().as_str(), at, rng);
                let person = match met {
                    Some(person) if !route.office => person,
                    _ => *partnership
                        .people
                        .choose(rng)
                        .unwrap_or(&partnership.people[0]),
                };
                let urgency = weighted(
                    rng,
                    &[
                        (Urgency::Emergency, route.urgency[0]),
                        (Urgency::Urgent, route.urgency[1]),
                        (Urgency::Routine, route.urgency[2]),
                    ],
                );
                let deadlines = lane.levels.for_urgency(urgency);
                let referral = Referral {
                    id: ReferralId::from_uuid(id_at(rng, at)),
                    person,
                    from_user: sender.id(),
                    from_organisation: lane.from.id(),
                    to_team: lane.team.id(),
                    to_organisation: lane.team.organisation_id(),
                    agreement: lane.agreement,
                    urgency,
                    reason: route
                        .reasons
                        .choose(rng)
                        .copied()
                        .unwrap_or_default()
                        .into(),
                    sections: vec![ReferralSection {
                        title: "Risk".into(),
                        text: RISKS.choose(rng).copied().unwrap_or_default().into(),
                    }],
                    status: ReferralStatus::Sent,
                    created_at: at,
                    acknowledge_due: deadlines.acknowledge.after(at, &partnership.calendar),
                    respond_due: deadlines.respond.after(at, &partnership.calendar),
                    acknowledged_at: None,
                    acknowledged_by: None,
                    decided_at: None,
                    decided_by: None,
                    decision_note: None,
                    redirected_from: None,
                    escalation_step: 0,
                };
                life::live(
                    &mut tx,
                    rng,
                    referral,
                    sender,
                    lane,
                    window,
                    &partnership.calendar,
                )
                .await?;
                written += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::agreements::MAIN_PARTIES;
    use crate::demo::history::demo_user;
    use crate::demo::partnership::ORGANISATIONS;

    #[test]
    fn every_route_runs_between_main_partners_from_practitioners_to_a_team() {
        for r in ROUTES {
            let team_of = ORGANISATIONS
                .iter()
                .find(|o| o.teams.iter().any(|(name, _)| *name == r.to_team))
                .unwrap();
            assert!(MAIN_PARTIES.contains(&team_of.code), "{}", r.to_team);
            let from = demo_user(r.senders[0]).org;
            for sender in r.senders {
                let user = demo_user(sender);
                assert!(user.role.is_practitioner(), "{sender}");
                assert_eq!(user.org, from, "one route, one sending organisation");
                assert!(MAIN_PARTIES.contains(&user.org), "{sender}");
                assert_ne!(user.org, team_of.code, "{sender} refers outside");
            }
            assert_eq!(r.urgency.iter().sum::<u32>(), 100, "{}", r.to_team);
        }
        let month: f64 = ROUTES.iter().map(|r| r.per_month).sum();
        assert!((60.0..90.0).contains(&month), "{month}");
    }
}
