//! The oracle: the access decision as DESIGN.md and issue 3 state it, for
//! the world this test builds, written plainly and never asking the engine
//! or reading the policies; and what the engine decided, in its terms.

use concordat_access::{AccessAction, Decision};
use concordat_domain::category::DataCategory;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;

use super::agreement::{granted, AGREED_PURPOSES};
use super::dimensions::{
    AgreementState, BreakGlassState, ConsentState, RelationshipState, Side, Who,
};

/// What the rules say about one cell: allowed or not, and the rules that
/// decide it in reading order (for a denial, the forbidding rules, the
/// decisive one first; for an allowed request, the permitting ones).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Expected {
    pub(super) allowed: bool,
    pub(super) rules: Vec<&'static str>,
    pub(super) via_break_glass: bool,
}

/// The roles that answer a crisis: the only ones a crisis look-up serves.
pub(super) fn answers_crises(role: Role) -> bool {
    matches!(
        role,
        Role::CrisisClinician
            | Role::PoliceOfficer
            | Role::Paramedic
            | Role::EdClinician
            | Role::Nhs111Advisor
    )
}

/// One cell of the matrix.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cell {
    pub(super) agreement: AgreementState,
    pub(super) consent: ConsentState,
    pub(super) relationship: RelationshipState,
    pub(super) break_glass: BreakGlassState,
    pub(super) who: Who,
    pub(super) category: DataCategory,
    pub(super) purpose: Purpose,
    pub(super) action: AccessAction,
}

/// The access decision as DESIGN.md and issue 3 state it, for the world
/// this test builds. Denials name the rules in the order the policies are
/// read (people, commissioning, relationships, agreements, consent): "when
/// several forbid rules apply, the first one read is the one named".
pub(super) fn expected(cell: &Cell) -> Expected {
    let (role, side) = match cell.who {
        // The person's own access: they read their own record and write
        // their own crisis plan, sharing choices and description, for their own access,
        // and nothing more. Commissioning never opens a record, whoever
        // asks.
        Who::ThePerson | Who::AStranger => {
            let own = cell.who == Who::ThePerson && cell.purpose == Purpose::OwnAccess;
            let own_rule = match cell.action {
                AccessAction::Read => Some("own-record"),
                AccessAction::Write if cell.category == DataCategory::CrisisPlan => {
                    Some("own-plan")
                }
                AccessAction::Write if cell.category == DataCategory::Consent => {
                    Some("own-choices")
                }
                AccessAction::Write if cell.category == DataCategory::Demographics => {
                    Some("own-description")
                }
                _ => None,
            };
            if let (true, Some(rule)) = (own, own_rule) {
                return Expected {
                    allowed: true,
                    rules: vec![rule],
                    via_break_glass: false,
                };
            }
            let mut rules = vec!["own-record-only"];
            if cell.purpose == Purpose::Commissioning {
                rules.push("commissioning-sees-no-records");
            }
            return Expected {
                allowed: false,
                rules,
                via_break_glass: false,
            };
        }
        Who::Professional(role, side) => (role, side),
    };

    let mut forbids = Vec::new();
    // Own access is the person's purpose; a professional cannot give it.
    if cell.purpose == Purpose::OwnAccess {
        forbids.push("own-access-is-the-persons");
    }
    // Commissioning works from de-identified aggregates only.
    if cell.purpose == Purpose::Commissioning {
        forbids.push("commissioning-sees-no-records");
    }

    // 2. A legitimate, current relationship, as narrow as the act that
    // made it: a care-team member; an open referral involving the user's
    // organisation; a contact that names the user or the user's team
    // (reported by a source system or recorded by the user who attended);
    // the user's own crisis look-up with its reason — if the user's role
    // answers crises; a source system's own report — for a source system.
    // Ended relationships, a contact naming someone else or no one, and a
    // colleague's look-up grant nothing.
    let related = match cell.relationship {
        RelationshipState::CareTeam
        | RelationshipState::ReportedNamingTheirTeam
        | RelationshipState::RecordedByThem
        | RelationshipState::OpenReferral => true,
        RelationshipState::OwnCrisisLookUp => answers_crises(role),
        RelationshipState::SourceReport => role == Role::SourceSystem,
        RelationshipState::None
        | RelationshipState::ReportedNamingAnotherTeam
        | RelationshipState::RecordedByAColleague
        | RelationshipState::NamingNoOne
        | RelationshipState::EndedContact
        | RelationshipState::ColleaguesCrisisLookUp => false,
    };
    if !related {
        forbids.push("relationship-required");
    }
    // A source system writes the contacts it reports, and nothing else.
    let reports = cell.action == AccessAction::Write && cell.category == DataCategory::Contacts;
    if role == Role::SourceSystem && !reports {
        forbids.push("source-systems-only-report");
    }
    // The person's sharing choices are kept by their care team, under no
    // agreement, and no refusal hides them from it.
    let choices = cell.category == DataCategory::Consent;

    // 1. The user's organisation is party to an agreement that is active
    // (signed by every party), in date, and covers the purpose and the
    // category for the user's role and for what they ask to do.
    let party = side != Side::NonParty;
    let in_force = cell.agreement == AgreementState::Active;
    let covers = AGREED_PURPOSES.contains(&cell.purpose)
        && granted(role, cell.action).contains(&cell.category);
    let in_agreement = party && in_force && covers;
    if !in_agreement && !choices {
        forbids.push("agreement-required");
    }
    if choices && cell.relationship != RelationshipState::CareTeam {
        forbids.push("sharing-choices-are-the-care-teams");
    }

    // 3. No refusal covers the request (a refusal covers it when its
    // organisation, category and purpose are open or match, and it has not
    // expired or been withdrawn; a deny wins over a permit), unless 4. the
    // user holds a live break-glass override for this person.
    let refused = match cell.consent {
        ConsentState::DenyPolice | ConsentState::DenyPoliceThenPermitPolice => side == Side::Police,
        ConsentState::DenyClinical => cell.category == DataCategory::Clinical,
        ConsentState::DenyEmergency => cell.purpose == Purpose::Emergency,
        ConsentState::None
        | ConsentState::ExpiredDeny
        | ConsentState::WithdrawnDeny
        | ConsentState::Permit => false,
    };
    let glass = cell.break_glass == BreakGlassState::Live;
    if refused && !glass && !choices {
        forbids.push("consent-refused");
    }

    if forbids.is_empty() {
        let mut permits = vec![if choices {
            "sharing-choices-with-the-care-team"
        } else {
            "shared-under-agreement"
        }];
        if glass {
            permits.push("break-glass");
        }
        Expected {
            allowed: true,
            rules: permits,
            via_break_glass: glass,
        }
    } else {
        Expected {
            allowed: false,
            rules: forbids,
            via_break_glass: false,
        }
    }
}

/// The rules a denial can name, in reading order.
pub(super) const FORBIDDING: [&str; 8] = [
    "own-record-only",
    "own-access-is-the-persons",
    "commissioning-sees-no-records",
    "relationship-required",
    "source-systems-only-report",
    "agreement-required",
    "sharing-choices-are-the-care-teams",
    "consent-refused",
];

/// How many kinds of outcome [`Expected::kind`] tells apart.
pub(super) const KINDS: usize = 3 + 2 * FORBIDDING.len();

impl Expected {
    /// The kind of outcome: allowed (the person's own, under the agreement,
    /// under the agreement with break-glass), or denied by one rule alone or
    /// by several with this one decisive. The sample balances the kinds, so
    /// the rare ones — allowed, or denied by a refusal alone — are checked
    /// as often as each store state offers them.
    pub(super) fn kind(&self) -> usize {
        if self.allowed {
            return match (self.rules.first(), self.via_break_glass) {
                (Some(&"own-record" | &"own-plan" | &"own-choices" | &"own-description"), _) => 0,
                (_, false) => 1,
                (_, true) => 2,
            };
        }
        let decisive = FORBIDDING
            .iter()
            .position(|r| self.rules.first() == Some(r))
            .unwrap_or(0);
        3 + decisive
            + if self.rules.len() == 1 {
                0
            } else {
                FORBIDDING.len()
            }
    }
}

/// What the engine decided, in the oracle's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Observed {
    pub(super) allowed: bool,
    pub(super) rules: Vec<String>,
    pub(super) via_break_glass: bool,
}

impl Observed {
    pub(super) fn of(decision: &Decision) -> Self {
        Self {
            allowed: decision.is_allowed(),
            rules: decision
                .reasons()
                .iter()
                .map(|r| r.policy.clone())
                .collect(),
            via_break_glass: decision.via_break_glass(),
        }
    }

    pub(super) fn is(&self, want: &Expected) -> bool {
        self.allowed == want.allowed
            && self.via_break_glass == want.via_break_glass
            && self
                .rules
                .iter()
                .map(String::as_str)
                .eq(want.rules.iter().copied())
    }
}
