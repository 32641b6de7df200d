//! The home page: who you are, where you sit in the partnership, and what you
//! can do here, according to your role.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use concordat_domain::role::Role;

use crate::auth::session::SignedIn;
use crate::directory;
use crate::pages::error::PageError;
use crate::pages::layout::{render, Chrome, Phone};
use crate::permissions;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

/// A link to something the user can do.
#[derive(Debug, Clone)]
pub struct Action {
    pub title: &'static str,
    pub href: &'static str,
    pub text: &'static str,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    role_heading: &'static str,
    role_text: &'static str,
    team: Option<String>,
    duty_phone: Option<Phone>,
    actions: Vec<Action>,
}

pub async fn home(
    State(state): State<AppState>,
    session: SignedIn,
) -> Result<Html<String>, PageError> {
    let user = &session.user;
    let chrome = Chrome::load(&state, &session).await?;
    let team = directory::placement(&state, user).await?.team;
    let (role_heading, role_text) = role_welcome(user.role());
    let mut actions = actions_for(user.role());
    // Before the inbox, which stays last.
    let at = actions.len().saturating_sub(1);
    if crate::frequent_contact::offers_support(&state, user).await? {
        actions.insert(
            at,
            Action {
                title: "People in frequent contact",
                href: "/frequent-contact",
                text: "People your team can offer support to; reviews due first.",
            },
        );
    }
    if crate::frequent_contact::has_entries(&state, user).await? {
        actions.insert(
            at,
            Action {
                title: "Frequent contact",
                href: "/my/frequent-contact",
                text: "Why a support team would like to offer you help, and asking them to look again.",
            },
        );
    }
    if crate::corrections::open_for(&state, user).await? > 0 {
        actions.insert(
            at,
            Action {
                title: "Correction requests",
                href: "/corrections",
                text: "People who ask for something in their record to be corrected: answer within a month.",
            },
        );
    }
    if crate::matching::waiting_for(&state, user).await? > 0 {
        actions.insert(
            at,
            Action {
                title: "Contacts to match",
                href: "/matching",
                text: "Contacts your service sent without an NHS number: say whom each is about.",
            },
        );
    }
    if crate::cases::is_on_a_case(&state, user).await? {
        actions.insert(
            at,
            Action {
                title: "My multi-agency cases",
                href: "/cases",
                text: "The cases you are on: whom each is about, who leads, and what is yours to do next.",
            },
        );
    }
    if let Some(person) = user.person_id() {
        if crate::capacity::told_any(&state, person).await? {
            actions.insert(
                at,
                Action {
                    title: "Decisions made for me",
                    href: "/my/capacity",
                    text: "When you could not decide something yourself: what staff found, and what they shared.",
                },
            );
        }
    }
    if crate::cases::has_cases(&state, user).await? {
        actions.insert(
            at,
            Action {
                title: "My multi-agency case",
                href: "/my/case",
                text: "Who is working together with you, who leads, and what each will do.",
            },
        );
    }
    render(&HomePage {
        chrome,
        role_heading,
        role_text,
        team: team.as_ref().map(|t| t.name().to_owned()),
        duty_phone: team.as_ref().and_then(|t| t.duty_phone()).map(Phone::from),
        actions,
    })
}

/// What the partnership asks of each role, in a sentence.
fn role_welcome(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::CrisisClinician => ("Crisis care", "You respond to people in crisis, day and night, and keep their crisis plans with them."),
        Role::MentalHealthPractitioner => ("Community mental health", "You support the people on your caseload and hand over safely when they move between services."),
        Role::Gp => ("General practice", "You are told of your patients' admissions, discharges and crisis contacts, and can reach their mental health workers."),
        Role::PoliceOfficer => ("Police", "When you meet someone in crisis you can find what helps them, what to avoid and whom to call — and nothing more."),
        Role::Paramedic => ("Ambulance", "When you attend someone in crisis you can find their crisis plan and risks, and record the contact for their care team."),
        Role::EdClinician => ("Emergency department", "When someone in crisis attends you can find their crisis plan, risks and care team."),
        Role::Nhs111Advisor => ("NHS 111", "When someone in crisis calls you can find their crisis plan and whom to contact."),
        Role::SocialWorker => ("Adult social care", "You take and make referrals across the partnership, with an answer within a deadline."),
        Role::SupportWorker => ("Support", "You help people with what matters to them, such as work, under the partnership's agreements."),
        Role::IgLead => ("Information governance", "You oversee the partnership's sharing agreements, emergency overrides and the audit of every access."),
        Role::Commissioner => ("Commissioning", "You see the partnership's outcomes in aggregate, with no one identifiable."),
        Role::WellbeingLead => ("Staff wellbeing", "You offer trauma-risk checks to colleagues who attended a traumatic incident, and see only what they share with you."),
        Role::Admin => ("Administration", "You manage the partnership's organisations, teams and user accounts."),
        Role::Person => ("Your record", "This is your own account. You will see who has looked at your record and why, and have a say in who sees what."),
        Role::Carer => ("Someone you care for", "The person you care for has invited you. You will see what they choose to share with you, and can write to their care team."),
        Role::SourceSystem => ("Source system", "This account reports contacts from a partner's own system through the API; it has no pages."),
    }
}

/// Whether the role keeps people on a caseload (and so their crisis plans).
/// Police, ambulance, the emergency department and NHS 111 meet people in
/// crisis but keep no caseload, so no plan is theirs to review.
fn keeps_a_caseload(role: Role) -> bool {
    role.is_practitioner()
        && !matches!(
            role,
            Role::PoliceOfficer | Role::Paramedic | Role::EdClinician | Role::Nhs111Advisor
        )
}

/// The address of what a role comes to do most, first on its home page:
/// at the roadside, the look-up; for a person, their own plan.
fn main_task(role: Role) -> &'static str {
    match role {
        _ if role.is_crisis_role() => "/crisis-lookup",
        Role::IgLead => "/governance/break-glass",
        Role::Commissioner => "/outcomes",
        Role::WellbeingLead => "/wellbeing",
        Role::Admin => "/users",
        Role::Person => "/my/crisis-plan",
        Role::Carer => "/carer",
        _ => "/referrals",
    }
}

/// What the role can do, its main task first.
fn actions_for(role: Role) -> Vec<Action> {
    let mut actions = every_action_for(role);
    if let Some(at) = actions.iter().position(|a| a.href == main_task(role)) {
        let main = actions.remove(at);
        actions.insert(0, main);
    }
    actions
}

fn every_action_for(role: Role) -> Vec<Action> {
    let mut actions = vec![Action {
        title: "Partnership directory",
        href: "/directory",
        text: "Every partner organisation and team, with duty numbers.",
    }];
    if permissions::may_see_users(role) {
        actions.push(Action {
            title: "User accounts",
            href: "/users",
            text: "Who can sign in, their roles and whether their accounts are active.",
        });
    }
    if role == Role::Admin {
        actions.push(Action {
            title: "Organisations and teams",
            href: "/admin/organisations",
            text: "Add an organisation or a team; change a team's duty number or whether it takes referrals.",
        });
    }
    if permissions::manage_webhooks(role).is_ok() {
        actions.push(Action {
            title: "Webhooks",
            href: "/admin/webhooks",
            text: "Your organisation's endpoints: register, test, change the secret, remove.",
        });
    }
    if permissions::may_view_agreements(role) {
        actions.push(Action {
            title: "Information sharing agreements",
            href: "/agreements",
            text: "Which partners share what, for which purposes, and who has signed.",
        });
    }
    if permissions::may_find_records(role) {
        actions.push(Action {
            title: "Find a person's record",
            href: "/persons",
            text: "By NHS number, for the purpose you need it; every look is recorded.",
        });
    }
    if role.is_crisis_role() {
        actions.push(Action {
            title: "Crisis look-up",
            href: "/crisis-lookup",
            text: "Is there a crisis plan: what helps, what to avoid, whom to call.",
        });
    }
    if role.is_practitioner() {
        actions.push(Action {
            title: "Referrals",
            href: "/referrals",
            text: "Referrals to your team and those you sent: deadlines, overdue and escalated.",
        });
        actions.push(Action {
            title: "Messages",
            href: "/threads",
            text: "Threads with colleagues in other organisations about the people you care for.",
        });
    }
    if keeps_a_caseload(role) {
        actions.push(Action {
            title: "Crisis plans overdue for review",
            href: "/crisis-plans/overdue",
            text: "Agreed plans past their review date, for people on your caseload.",
        });
    }
    if role == Role::IgLead {
        actions.push(Action {
            title: "Capacity and best interests",
            href: "/governance/capacity",
            text: "Every capacity assessment and best-interests decision to share.",
        });
    }
    if matches!(role, Role::IgLead | Role::Commissioner | Role::Admin) {
        actions.push(Action {
            title: "Crisis plan coverage",
            href: "/crisis-plans/coverage",
            text: "How many people have an agreed, in-date plan; as a page or CSV.",
        });
    }
    if matches!(role, Role::IgLead | Role::Commissioner) {
        actions.push(Action {
            title: "Partnership outcomes",
            href: "/outcomes",
            text: "Detentions, repeat contact, look-ups and referrals by month and partner; small numbers hidden.",
        });
        actions.push(Action {
            title: "Who is on the frequent contact list",
            href: "/frequent-contact/make-up",
            text: "By age, sex and ethnic group, small numbers hidden; nobody named.",
        });
    }
    if permissions::may_govern(role) {
        actions.push(Action {
            title: "Break-glass reviews",
            href: "/governance/break-glass",
            text: "Emergency overrides by your staff, to judge; overdue ones first.",
        });
        actions.push(Action {
            title: "Search the audit",
            href: "/governance/audit",
            text: "Every decision about a person's record, allowed or denied.",
        });
    }
    if role.is_professional() && !role.is_system() {
        actions.push(Action {
            title: "Wellbeing after a traumatic incident",
            href: "/wellbeing",
            text: "Record an incident you attended; checks at 72 hours and a month, seen only by you and your wellbeing lead.",
        });
    }
    if role == Role::Carer {
        actions.push(Action {
            title: "What they share with you",
            href: "/carer",
            text: "What the person you care for lets you see, and your messages with their care team.",
        });
    }
    if role == Role::Person {
        actions.extend([
            Action {
                title: "My record",
                href: "/my/record",
                text: "What the partnership holds about you.",
            },
            Action {
                title: "My crisis plan",
                href: "/my/crisis-plan",
                text: "What helps you in a crisis, in your words; propose changes or agree it.",
            },
            Action {
                title: "My referrals",
                href: "/my/referrals",
                text: "Where each referral about you stands, and by when it must be answered.",
            },
            Action {
                title: "How we tell you",
                href: "/my/notices",
                text: "In your inbox, and by email too if you want.",
            },
            Action {
                title: "Who may see my record",
                href: "/my/consent",
                text: "Say no to sharing, or yes, and what your carers may be told.",
            },
            Action {
                title: "My choices for a crisis",
                href: "/my/advance-choices",
                text: "What you said, when well, should happen to your records in a crisis.",
            },
            Action {
                title: "How I describe myself",
                href: "/my/description",
                text: "Your sex and ethnic group, if you want to say: it helps check services treat everyone fairly.",
            },
            Action {
                title: "Fix something wrong in my record",
                href: "/my/corrections",
                text: "Tell us what is wrong; the person who leads your care must answer within a month.",
            },
            Action {
                title: "A copy of my record",
                href: "/my/copy",
                text: "All we hold about you that you may see, to print or keep as a file.",
            },
            Action {
                title: "Who has looked at my record",
                href: "/my/access-log",
                text: "Who, from where, when, what they saw and why.",
            },
        ]);
    }
    actions.push(Action {
        title: "Inbox",
        href: "/inbox",
        text: "Notifications for you.",
    });
    actions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_its_own_welcome() {
        let headings: std::collections::HashSet<_> =
            Role::ALL.iter().map(|r| role_welcome(*r).0).collect();
        assert_eq!(headings.len(), Role::ALL.len());
    }

    #[test]
    fn only_administrators_and_governance_see_user_accounts() {
        for role in Role::ALL {
            let sees = actions_for(role).iter().any(|a| a.href == "/users");
            assert_eq!(sees, matches!(role, Role::Admin | Role::IgLead), "{role:?}");
        }
    }

    #[test]
    fn each_role_finds_its_access_pages() {
        for role in Role::ALL {
            let hrefs: Vec<_> = actions_for(role).iter().map(|a| a.href).collect();
            assert_eq!(
                hrefs.contains(&"/persons"),
                role.is_practitioner(),
                "{role:?}"
            );
            assert_eq!(
                hrefs.contains(&"/governance/break-glass"),
                role == Role::IgLead,
                "{role:?}"
            );
            assert_eq!(
                hrefs.contains(&"/my/access-log"),
                role == Role::Person,
                "{role:?}"
            );
            assert!(hrefs.contains(&"/inbox"), "{role:?}");
        }
    }

    #[test]
    fn crisis_roles_find_the_look_up_and_care_teams_the_overdue_plans() {
        let has = |role: Role, href: &str| actions_for(role).iter().any(|a| a.href == href);
        for role in Role::ALL {
            assert_eq!(
                has(role, "/crisis-lookup"),
                role.is_crisis_role(),
                "{role:?}"
            );
        }
        assert!(has(Role::CrisisClinician, "/crisis-plans/overdue"));
        assert!(has(Role::MentalHealthPractitioner, "/crisis-plans/overdue"));
        assert!(!has(Role::PoliceOfficer, "/crisis-plans/overdue"));
        assert!(has(Role::Commissioner, "/crisis-plans/coverage"));
        assert!(has(Role::Commissioner, "/outcomes"));
        assert!(has(Role::IgLead, "/outcomes"));
        assert!(!has(Role::PoliceOfficer, "/outcomes"));
        assert!(has(Role::Person, "/my/crisis-plan"));
        assert!(has(Role::Person, "/my/referrals"));
    }

    #[test]
    fn each_roles_main_task_comes_first() {
        // A partner's system signs in to the API only: it has no home page.
        for role in Role::ALL.into_iter().filter(|r| !r.is_system()) {
            let first = actions_for(role)[0].href;
            assert_eq!(first, main_task(role), "{role:?}");
        }
        assert_eq!(actions_for(Role::PoliceOfficer)[0].href, "/crisis-lookup");
        assert_eq!(actions_for(Role::Gp)[0].href, "/referrals");
    }

    #[test]
    fn every_member_of_staff_finds_the_wellbeing_checks() {
        for role in Role::ALL.into_iter().filter(|r| !r.is_system()) {
            let finds = actions_for(role).iter().any(|a| a.href == "/wellbeing");
            assert_eq!(finds, role.is_professional(), "{role:?}");
        }
    }

    #[test]
    fn governance_roles_find_the_sharing_agreements() {
        for role in Role::ALL {
            let sees = actions_for(role).iter().any(|a| a.href == "/agreements");
            assert_eq!(sees, permissions::may_view_agreements(role), "{role:?}");
        }
    }
}
