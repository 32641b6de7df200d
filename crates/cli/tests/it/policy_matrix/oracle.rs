//! The oracle: the access decision as DESIGN.md and issue 3 state it, for
//! the world this test builds, written plainly and never asking the engine
//! or reading the policies; and what the engine decided, in its terms.

use concordat_access::{AccessAction, Decision};
use concordat_domain::carer::CarerItem;
use concordat_domain::category::DataCategory;
use concordat_domain::contact_event::ContactKind;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;

use super::agreement::{granted, AGREED_PURPOSES};
use super::dimensions::{
    AgreementState, BreakGlassState, CarerState, ConsentState, RelationshipState, Side, Who,
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
    pub(super) carer_state: CarerState,
    pub(super) who: Who,
    pub(super) category: DataCategory,
    pub(super) purpose: Purpose,
    pub(super) action: AccessAction,
}

/// The access decision as DESIGN.md and issue 3 state it, for the world
/// this test builds. Denials name the rules in the order the policies are
/// read (people, carers, commissioning, relationships, agreements,
/// consent): "when several forbid rules apply, the first one read is the
/// one named".
pub(super) fn expected(cell: &Cell) -> Expected {
    let (role, side) = match cell.who {
        Who::TheirCarer(item) => return carers_expected(cell, item, true),
        Who::AnotherPersonsCarer => return carers_expected(cell, cell.who.carer_item(), false),
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
            if cell.purpose == Purpose::CarerAccess {
                rules.push("carer-access-is-the-carers");
            }
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
    // So is carer access a carer's.
    if cell.purpose == Purpose::CarerAccess {
        forbids.push("carer-access-is-the-carers");
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
    // expired or been withdrawn; a deny wins over a permit) — unless 4. the
    // user holds a live break-glass override for this person, which lifts
    // every refusal; or 5. the refusal is a standing one (a consent
    // directive) and the person's advance choices in force let what the
    // request asks be seen during a crisis now in progress. A refusal made
    // in the advance choices, to hold even in a crisis, is never lifted so.
    let covering = || {
        refusals(cell.consent)
            .iter()
            .filter(|r| r.scope.covers(side, cell.category, cell.purpose))
    };
    let lifted = |r: &Refusal| {
        !r.even_in_crisis
            && lets(cell.consent).iter().any(|(crisis, scope)| {
                in_progress(cell, *crisis) && scope.covers(side, cell.category, cell.purpose)
            })
    };
    let glass = cell.break_glass == BreakGlassState::Live;
    // Each refusal that stands is a reason of its own; none counts under a
    // live override, nor against the care team keeping the sharing choices.
    let refusals_count = !glass && !choices;
    let denied_otherwise = !forbids.is_empty();
    if refusals_count {
        for refusal in covering() {
            if !lifted(refusal)
                || (A_LIFTED_REFUSAL_IS_NAMED_WHEN_DENIED_OTHERWISE && denied_otherwise)
            {
                forbids.push("consent-refused");
            }
        }
    }

    if forbids.is_empty() {
        let mut permits = vec![if choices {
            "sharing-choices-with-the-care-team"
        } else {
            "shared-under-agreement"
        }];
        // Allowed with a refusal covering it and no override: the advance
        // choice lifted it. A live override lifts it first, so the advance
        // choice is not needed, nor named (55-advance-choices.cedar: the
        // choices are weighed against a refusal that forbids).
        let by_advance_choice = refusals_count && covering().next().is_some();
        if by_advance_choice {
            permits.push("advance-choice-lifts-refusal");
        }
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

/// A carer: what the person lets them see is the whole of their access.
/// They read an item the person lets them see, as part of the category it
/// belongs to, for carer access, and write only to their thread with the
/// care team; nothing else of the world (agreements, relationships,
/// refusals, advance choices, break-glass) counts for them. A carer of
/// another person has no business with this one. Own access is still the
/// person's, and commissioning still opens no record.
fn carers_expected(cell: &Cell, item: Option<CarerItem>, theirs: bool) -> Expected {
    let told = item.is_some_and(|item| {
        cell.carer_state.items().contains(&item)
            && item.category() == cell.category
            && (cell.action == AccessAction::Read || item == CarerItem::Messages)
    });
    let mut forbids = Vec::new();
    if cell.purpose == Purpose::OwnAccess {
        forbids.push("own-access-is-the-persons");
    }
    if !theirs {
        forbids.push("carer-of-this-person-only");
    } else if !(told && cell.purpose == Purpose::CarerAccess) {
        forbids.push("carers-see-only-what-they-are-told");
    }
    if cell.purpose == Purpose::Commissioning {
        forbids.push("commissioning-sees-no-records");
    }
    Expected {
        allowed: forbids.is_empty(),
        rules: if forbids.is_empty() {
            vec!["carer-told"]
        } else {
            forbids
        },
        via_break_glass: false,
    }
}

/// Whether a denial made for another reason (no relationship, no
/// agreement, ...) also names a standing refusal that the person's advance
/// choice lifts. The semantics say the refusal is lifted, so it is no
/// reason (as a refusal a live override lifts is none); the engine asks
/// about the advance choices only to see whether one lets the request
/// through, and when none does (something else forbids it) it names the
/// refusal as it stands without them — "the person has refused sharing
/// with Northshire Police" to an officer without a relationship while the
/// person's section 136 choice lifts that refusal. Only the rules named
/// differ, never the outcome, and never the decisive rule (the consent rule
/// is read last). `false` states the semantics (and the matrix then finds
/// these cells misnamed); `true` states what the engine does, until it
/// names only what stands in the way.
pub(super) const A_LIFTED_REFUSAL_IS_NAMED_WHEN_DENIED_OTHERWISE: bool = true;

/// What a refusal or an advance choice covers, in this world's terms: the
/// organisation (by side), the category and the purpose, each left open
/// (`None`) or named.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scope {
    pub(super) side: Option<Side>,
    pub(super) category: Option<DataCategory>,
    pub(super) purpose: Option<Purpose>,
}

impl Scope {
    fn covers(&self, side: Side, category: DataCategory, purpose: Purpose) -> bool {
        self.side.is_none_or(|s| s == side)
            && self.category.is_none_or(|c| c == category)
            && self.purpose.is_none_or(|p| p == purpose)
    }
}

/// A refusal in force: a consent directive not expired or withdrawn (a
/// standing refusal), or one the person made in their advance choices to
/// hold even in a crisis.
#[derive(Debug, Clone, Copy)]
pub(super) struct Refusal {
    pub(super) scope: Scope,
    pub(super) even_in_crisis: bool,
}

/// The crises an advance choice in this world waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Crisis {
    Section136,
    Any,
}

/// Everything: no organisation, category or purpose named.
const EVERYTHING: Scope = Scope {
    side: None,
    category: None,
    purpose: None,
};
/// Sharing with the police.
const THE_POLICE: Scope = Scope {
    side: Some(Side::Police),
    ..EVERYTHING
};

/// A standing refusal (a consent directive's) of sharing with the police,
/// of everything, of the clinical category, of the emergency purpose; and
/// a refusal of the police made in the advance choices to hold even in a
/// crisis.
const REFUSES_THE_POLICE: Refusal = Refusal {
    scope: THE_POLICE,
    even_in_crisis: false,
};
const REFUSES_EVERYTHING: Refusal = Refusal {
    scope: EVERYTHING,
    even_in_crisis: false,
};
const REFUSES_CLINICAL: Refusal = Refusal {
    scope: Scope {
        category: Some(DataCategory::Clinical),
        ..EVERYTHING
    },
    even_in_crisis: false,
};
const REFUSES_EMERGENCY: Refusal = Refusal {
    scope: Scope {
        purpose: Some(Purpose::Emergency),
        ..EVERYTHING
    },
    even_in_crisis: false,
};
const REFUSES_THE_POLICE_EVEN_IN_CRISIS: Refusal = Refusal {
    scope: THE_POLICE,
    even_in_crisis: true,
};

/// The refusals in force in each consent state. A later permit does not
/// undo a refusal; an expired or withdrawn refusal is none, and so is one
/// in a version of the advance choices a later one superseded.
fn refusals(consent: ConsentState) -> &'static [Refusal] {
    match consent {
        ConsentState::DenyPolice
        | ConsentState::DenyPoliceThenPermitPolice
        | ConsentState::LetPoliceInSection136
        | ConsentState::LetPoliceInSection136Ended
        | ConsentState::LetPoliceInSection136DuringStreetTriage => &[REFUSES_THE_POLICE],
        ConsentState::RefusePoliceEvenInCrisis => {
            &[REFUSES_THE_POLICE, REFUSES_THE_POLICE_EVEN_IN_CRISIS]
        }
        ConsentState::LetPoliceThePlanInAnyCrisis => &[REFUSES_EVERYTHING],
        ConsentState::DenyClinical => &[REFUSES_CLINICAL],
        ConsentState::DenyEmergency => &[REFUSES_EMERGENCY],
        ConsentState::None
        | ConsentState::ExpiredDeny
        | ConsentState::WithdrawnDeny
        | ConsentState::Permit => &[],
    }
}

/// The choices to let something be seen during a crisis in the person's
/// advance choices in force (an earlier version, superseded, counts for
/// nothing): the crisis each waits for, and what it lets be seen.
fn lets(consent: ConsentState) -> &'static [(Crisis, Scope)] {
    match consent {
        ConsentState::LetPoliceInSection136
        | ConsentState::LetPoliceInSection136Ended
        | ConsentState::LetPoliceInSection136DuringStreetTriage
        | ConsentState::RefusePoliceEvenInCrisis => &[(Crisis::Section136, THE_POLICE)],
        ConsentState::LetPoliceThePlanInAnyCrisis => &[(
            Crisis::Any,
            Scope {
                category: Some(DataCategory::CrisisPlan),
                purpose: Some(Purpose::Emergency),
                ..THE_POLICE
            },
        )],
        ConsentState::None
        | ConsentState::DenyPolice
        | ConsentState::DenyClinical
        | ConsentState::DenyEmergency
        | ConsentState::ExpiredDeny
        | ConsentState::WithdrawnDeny
        | ConsentState::Permit
        | ConsentState::DenyPoliceThenPermitPolice => &[],
    }
}

/// Whether a crisis of this kind is in progress for the person: a contact
/// of a kind that is that crisis is still open, whoever recorded it and
/// whomever it names. A section 136 detention is a section 136 and a
/// crisis; an emergency department attendance, a street triage and a 999
/// call are crises.
fn in_progress(cell: &Cell, crisis: Crisis) -> bool {
    // The open contacts the relationship's rows leave (an ended contact
    // leaves none) …
    let from_relationship = match cell.relationship {
        RelationshipState::RecordedByThem => Some(ContactKind::Section136),
        RelationshipState::ReportedNamingTheirTeam
        | RelationshipState::ReportedNamingAnotherTeam => Some(ContactKind::EdAttendance),
        RelationshipState::RecordedByAColleague => Some(ContactKind::StreetTriage),
        RelationshipState::NamingNoOne => Some(ContactKind::Call999),
        RelationshipState::None
        | RelationshipState::CareTeam
        | RelationshipState::EndedContact
        | RelationshipState::OpenReferral
        | RelationshipState::OwnCrisisLookUp
        | RelationshipState::ColleaguesCrisisLookUp
        | RelationshipState::SourceReport => None,
    };
    // … and the one a police officer recorded with the advance choices.
    let with_the_choices = match cell.consent {
        ConsentState::LetPoliceInSection136 | ConsentState::RefusePoliceEvenInCrisis => {
            Some(ContactKind::Section136)
        }
        ConsentState::LetPoliceInSection136DuringStreetTriage
        | ConsentState::LetPoliceThePlanInAnyCrisis => Some(ContactKind::StreetTriage),
        // Ended: none open.
        ConsentState::LetPoliceInSection136Ended
        | ConsentState::None
        | ConsentState::DenyPolice
        | ConsentState::DenyClinical
        | ConsentState::DenyEmergency
        | ConsentState::ExpiredDeny
        | ConsentState::WithdrawnDeny
        | ConsentState::Permit
        | ConsentState::DenyPoliceThenPermitPolice => None,
    };
    [from_relationship, with_the_choices]
        .into_iter()
        .flatten()
        .any(|contact| match crisis {
            Crisis::Section136 => contact == ContactKind::Section136,
            Crisis::Any => matches!(
                contact,
                ContactKind::Section136
                    | ContactKind::EdAttendance
                    | ContactKind::StreetTriage
                    | ContactKind::Call999
            ),
        })
}

/// The rules a denial can name, in reading order.
pub(super) const FORBIDDING: [&str; 11] = [
    "own-record-only",
    "own-access-is-the-persons",
    "carer-of-this-person-only",
    "carers-see-only-what-they-are-told",
    "carer-access-is-the-carers",
    "commissioning-sees-no-records",
    "relationship-required",
    "source-systems-only-report",
    "agreement-required",
    "sharing-choices-are-the-care-teams",
    "consent-refused",
];

/// How many kinds of outcome [`Expected::kind`] tells apart.
pub(super) const KINDS: usize = 5 + 2 * FORBIDDING.len();

impl Expected {
    /// The kind of outcome: allowed (the person's own, under the agreement,
    /// under the agreement with break-glass, under the agreement with an
    /// advance choice lifting a refusal, a carer told), or denied by one
    /// rule alone or by several with this one decisive. The sample balances
    /// the kinds, so the rare ones — allowed, or denied by a refusal alone —
    /// are checked as often as each store state offers them.
    pub(super) fn kind(&self) -> usize {
        if self.allowed {
            let lifted = self.rules.contains(&"advance-choice-lifts-refusal");
            return match (self.rules.first(), self.via_break_glass, lifted) {
                (Some(&"own-record" | &"own-plan" | &"own-choices" | &"own-description"), ..) => 0,
                (Some(&"carer-told"), ..) => 4,
                (_, true, _) => 2,
                (_, false, true) => 3,
                (_, false, false) => 1,
            };
        }
        let decisive = FORBIDDING
            .iter()
            .position(|r| self.rules.first() == Some(r))
            .unwrap_or(0);
        5 + decisive
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
