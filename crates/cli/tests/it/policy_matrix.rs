//! The policy matrix, on the real path and on both stores: role ×
//! organisation × agreement state × consent × relationship × category ×
//! purpose × break-glass × read/write. Every store state is written to a
//! fresh database (SQLite, then PostgreSQL) through the store's own
//! functions, read back by `concordat_server::access::gather`, decided by
//! `concordat_access::AccessEngine`, and each decision is checked against an
//! oracle written plainly below from DESIGN.md ("The access decision") and
//! issue 3. The oracle never calls the engine or reads the policies: it
//! reasons about the world the test built, in its own words.
//!
//! Then property tests over random worlds at the fact level, through the
//! engine: a matching, unexpired refusal never yields access without a live
//! break-glass; an agreement that is ended, suspended, draft, unsigned, out
//! of date or not the user's never yields access; no current relationship
//! never yields access (except the person reading their own record); and on
//! any random world the engine agrees with a plain statement of the rules.
//!
//! # The world
//!
//! Three organisations: a mental health trust and a police force, party to
//! one information sharing agreement, and an out-of-area emergency
//! department that is party to none. Each has one user per professional role
//! (12 roles × 3 = 36) and a colleague (a crisis role) who opens contacts,
//! makes look-ups and leads care teams. Each person has a care team and an
//! account of their own (the `person` role); a stranger's account stands for
//! a person asking about someone else's record.
//!
//! # The store-state dimensions (every combination is written and gathered)
//!
//! - agreement: draft and partly signed; active and signed by every party;
//!   suspended; marked active on a version only one party signed; active and
//!   signed but past its end date; ended — driven through its life with the
//!   domain's own transitions and saved with its history;
//! - consent: none; deny this organisation (the police); deny a category
//!   (clinical, with an expiry still to come); deny a purpose (emergency);
//!   a refusal of everything that has expired; one that was withdrawn; a
//!   permit; and a refusal of the police with a later permit for the police
//!   (deny wins);
//! - relationship, by its source: none; care-team member; a contact a
//!   source system reported naming the user's team; one naming another
//!   team; a contact the user recorded; one a colleague recorded; a contact
//!   naming no one (as stored before contacts were scoped); the user's own
//!   contact, ended; an open referral; the user's own crisis look-up with
//!   its reason; a colleague's crisis look-up; a source system's report (the
//!   relationship a report is to the source system deciding it, handed to
//!   every user here to show it is nobody else's);
//! - break-glass: none; live; expired; a colleague's live override.
//!
//! That is 6 × 8 × 12 × 4 = 2,304 store states. The person's state (consent,
//! relationship, break-glass) lives on a fresh person per combination, so
//! nothing carries over; the agreement is moved to its next state between
//! blocks.
//!
//! # The sampled axes
//!
//! Under each store state the cells are user (38: 12 roles × 3
//! organisations, the person's own account and a stranger's) × category (9)
//! × purpose (all 5: TREAT, ETREAT, PATSFTY, HOPERAT and PATRQT, the last
//! for every role, not only the person) × read/write: 3,420 cells, 4.6
//! million in all. That is too slow for a debug build (a decision costs a
//! few hundred microseconds there), so under each store state the test
//! gathers for [`USERS_FOR_COVERAGE`] + [`USERS_FOR_BALANCE`] users and
//! checks [`TRIPLES_PER_USER`] (category, purpose, action) for each, chosen
//! deterministically (see [`Sampler`]) so that every (user, category,
//! purpose, action) is checked under every value of every store dimension —
//! asserted at the end — and the rarer outcomes (allowed, refused by
//! consent alone) are checked as often as the store states offer them. Set
//! `CONCORDAT_POLICY_MATRIX_FULL=1` to check every cell instead.
//!
//! # What is checked
//!
//! For each cell: allowed or denied; the rules that decided, in order — for
//! a denial every forbidding rule, the decisive one (named to the user)
//! first; for an allowed access the permitting rules — whether it is marked
//! as break-glass, and that a professional's access names the agreement.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use concordat_access::{policy_ids, AccessAction, AccessEngine, Decision, Relationship};
use concordat_domain::agreement::{
    Agreement, AgreementStatus, AgreementTier, LawfulBasis, RoleGrant, Signature, Terms,
};
use concordat_domain::break_glass::{BreakGlass, Justification, OverrideBasis};
use concordat_domain::care_team::{CareTeam, CareTeamMember};
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{ConsentDirective, ConsentEffect, ConsentScope, RecordedVia};
use concordat_domain::contact_event::ContactKind;
use concordat_domain::ids::{
    AgreementId, CareTeamId, ConsentId, OrganisationId, PersonId, TeamId, UserId,
};
use concordat_domain::organisation::{Organisation, OrganisationCode, OrganisationKind, Team};
use concordat_domain::person::{BirthDate, Person, PersonName};
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use concordat_domain::user::{DisplayName, User, Username};
use concordat_server::access::{decide, gather, Viewer};
use concordat_store::backend::PoolSize;
use concordat_store::relationships::{CareRelationship, RelationshipKind};
use concordat_store::{
    agreements, break_glass, care_teams, consent, organisations, persons, relationships, teams,
    users, Store,
};

use crate::harness::{StoreKind, TestDb};

/// Users checked under each store state, when sampling: chosen for coverage,
/// and chosen for the rarest outcomes (see [`Sampler`]).
const USERS_FOR_COVERAGE: usize = 4;
const USERS_FOR_BALANCE: usize = 2;
/// (category, purpose, action) checked for each of those users.
const TRIPLES_PER_USER: usize = 12;

// ---------------------------------------------------------------------------
// The dimensions
// ---------------------------------------------------------------------------

/// The one agreement's state, in the order the test moves it through its
/// life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AgreementState {
    /// A draft the trust has signed and the police have not.
    DraftPartlySigned,
    /// Active, signed by both parties, in date.
    Active,
    Suspended,
    /// A row that says "active" for a version only the trust has signed.
    ActiveButPartlySigned,
    /// Active and signed by both, but its end date has passed.
    OutOfDate,
    Ended,
}

const AGREEMENT_STATES: [AgreementState; 6] = [
    AgreementState::DraftPartlySigned,
    AgreementState::Active,
    AgreementState::Suspended,
    AgreementState::ActiveButPartlySigned,
    AgreementState::OutOfDate,
    AgreementState::Ended,
];

/// The person's consent directives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ConsentState {
    None,
    /// Refuses sharing with the police.
    DenyPolice,
    /// Refuses the clinical category to everyone, until a date still to come.
    DenyClinical,
    /// Refuses the emergency purpose to everyone.
    DenyEmergency,
    /// Refused everything, but the refusal has expired.
    ExpiredDeny,
    /// Refused everything, but the person withdrew the refusal.
    WithdrawnDeny,
    /// Permits everything.
    Permit,
    /// Refuses the police, then later permits the police: the refusal wins.
    DenyPoliceThenPermitPolice,
}

const CONSENT_STATES: [ConsentState; 8] = [
    ConsentState::None,
    ConsentState::DenyPolice,
    ConsentState::DenyClinical,
    ConsentState::DenyEmergency,
    ConsentState::ExpiredDeny,
    ConsentState::WithdrawnDeny,
    ConsentState::Permit,
    ConsentState::DenyPoliceThenPermitPolice,
];

/// How every professional user stands to the person, and where that came
/// from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RelationshipState {
    None,
    /// Every professional user is a member of the person's care team.
    CareTeam,
    /// A source system of each organisation reported a contact naming the
    /// team every professional user of that organisation is in.
    ReportedNamingTheirTeam,
    /// … naming another team of the organisation, which none of them is in.
    ReportedNamingAnotherTeam,
    /// Every professional user recorded a contact they attended.
    RecordedByThem,
    /// A colleague in each organisation recorded a contact they attended.
    RecordedByAColleague,
    /// Each organisation has a contact naming no team and no one, as
    /// contacts were stored before they were scoped.
    NamingNoOne,
    /// Every professional user recorded a contact, now over.
    EndedContact,
    /// Each organisation has an open referral for the person.
    OpenReferral,
    /// Every professional user made a crisis look-up, with a reason.
    OwnCrisisLookUp,
    /// A colleague in each organisation made a crisis look-up.
    ColleaguesCrisisLookUp,
    /// The relationship a source system's report is when that report is
    /// decided, handed to every user.
    SourceReport,
}

const RELATIONSHIP_STATES: [RelationshipState; 12] = [
    RelationshipState::None,
    RelationshipState::CareTeam,
    RelationshipState::ReportedNamingTheirTeam,
    RelationshipState::ReportedNamingAnotherTeam,
    RelationshipState::RecordedByThem,
    RelationshipState::RecordedByAColleague,
    RelationshipState::NamingNoOne,
    RelationshipState::EndedContact,
    RelationshipState::OpenReferral,
    RelationshipState::OwnCrisisLookUp,
    RelationshipState::ColleaguesCrisisLookUp,
    RelationshipState::SourceReport,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BreakGlassState {
    None,
    /// Every professional user holds a live override for the person.
    Live,
    /// Every professional user held one; it has expired.
    Expired,
    /// A colleague in each organisation holds a live override; the user
    /// does not.
    ColleaguesLive,
}

const BREAK_GLASS_STATES: [BreakGlassState; 4] = [
    BreakGlassState::None,
    BreakGlassState::Live,
    BreakGlassState::Expired,
    BreakGlassState::ColleaguesLive,
];

/// The three organisations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Northshire Mental Health Trust, party to the agreement.
    Trust,
    /// Northshire Police, party to the agreement.
    Police,
    /// Eastgate Hospital's emergency department, out of area: party to no
    /// agreement.
    NonParty,
}

const SIDES: [Side; 3] = [Side::Trust, Side::Police, Side::NonParty];

impl Side {
    fn word(self) -> &'static str {
        match self {
            Self::Trust => "trust",
            Self::Police => "police",
            Self::NonParty => "non-party",
        }
    }
}

/// Who asks: a professional of a role in an organisation, or a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Professional(Role, Side),
    /// The person whose record it is, through their own account.
    ThePerson,
    /// Another person, through their own account.
    AStranger,
}

/// Every role but the person's.
fn professional_roles() -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| *r != Role::Person)
        .collect()
}

/// The user axis: 36 professionals, then the person and a stranger.
fn everyone() -> Vec<Who> {
    let mut all = Vec::new();
    for side in SIDES {
        for role in professional_roles() {
            all.push(Who::Professional(role, side));
        }
    }
    all.push(Who::ThePerson);
    all.push(Who::AStranger);
    all
}

/// (category, purpose, action), the other sampled axes.
fn triples() -> Vec<(DataCategory, Purpose, AccessAction)> {
    let mut all = Vec::new();
    for category in DataCategory::ALL {
        for purpose in Purpose::ALL {
            for action in AccessAction::ALL {
                all.push((category, purpose, action));
            }
        }
    }
    all
}

// ---------------------------------------------------------------------------
// The agreement's terms (facts of the world, which the oracle reads too)
// ---------------------------------------------------------------------------

/// The purposes the agreement names. Safeguarding is not among them, so the
/// agreement must stop it; commissioning and own access cannot be (the
/// domain refuses such terms), so their own rules must stop them.
const AGREED_PURPOSES: [Purpose; 2] = [Purpose::DirectCare, Purpose::Emergency];

/// What the agreement lets each role read or write. Paramedics may write
/// contacts without reading them: writing does not imply reading.
fn granted(role: Role, action: AccessAction) -> &'static [DataCategory] {
    use AccessAction::{Read, Write};
    use DataCategory as C;
    match (role, action) {
        (Role::CrisisClinician, Read) => &C::SHARED,
        (Role::CrisisClinician, Write) => &[C::CrisisPlan, C::Risk, C::Contacts, C::Clinical],
        (Role::MentalHealthPractitioner, Read) => &[
            C::Demographics,
            C::CrisisPlan,
            C::Risk,
            C::Contacts,
            C::CareTeam,
            C::Referrals,
            C::Messages,
            C::Clinical,
        ],
        (Role::MentalHealthPractitioner, Write) => {
            &[C::CrisisPlan, C::Risk, C::Messages, C::Clinical]
        }
        (Role::Gp, Read) => &[
            C::Demographics,
            C::CrisisPlan,
            C::Risk,
            C::CareTeam,
            C::Clinical,
        ],
        (Role::Gp, Write) => &[C::Referrals, C::Clinical],
        (Role::PoliceOfficer, Read) => &[C::Demographics, C::CrisisPlan, C::Risk, C::Contacts],
        (Role::PoliceOfficer, Write) => &[C::Contacts],
        (Role::Paramedic, Read) => &[C::Demographics, C::CrisisPlan, C::Risk, C::Clinical],
        (Role::Paramedic, Write) => &[C::Contacts, C::Clinical],
        (Role::EdClinician, Read) => &[
            C::Demographics,
            C::CrisisPlan,
            C::Risk,
            C::CareTeam,
            C::Clinical,
        ],
        (Role::EdClinician, Write) => &[C::Clinical],
        (Role::Nhs111Advisor, Read) => &[C::CrisisPlan, C::Risk],
        (Role::Nhs111Advisor, Write) => &[],
        (Role::SocialWorker, Read) => &[
            C::Demographics,
            C::Risk,
            C::CareTeam,
            C::Referrals,
            C::SocialCare,
        ],
        (Role::SocialWorker, Write) => &[C::Referrals, C::SocialCare],
        (Role::SupportWorker, Read) => &[C::CareTeam, C::Referrals, C::Messages],
        (Role::SupportWorker, Write) => &[C::Messages],
        // A source system reports contacts and reads nothing.
        (Role::SourceSystem, Read) => &[],
        (Role::SourceSystem, Write) => &[C::Contacts],
        // Governance, commissioning and administration are granted nothing;
        // the person's own access is no agreement's business.
        (Role::IgLead | Role::Commissioner | Role::Admin | Role::Person, _) => &[],
    }
}

fn grants() -> Vec<RoleGrant> {
    professional_roles()
        .into_iter()
        .map(|role| RoleGrant {
            role,
            read: granted(role, AccessAction::Read).iter().copied().collect(),
            write: granted(role, AccessAction::Write).iter().copied().collect(),
        })
        .filter(|g| !g.read.is_empty() || !g.write.is_empty())
        .collect()
}

// ---------------------------------------------------------------------------
// The oracle
// ---------------------------------------------------------------------------

/// What the rules say about one cell: allowed or not, and the rules that
/// decide it in reading order (for a denial, the forbidding rules, the
/// decisive one first; for an allowed request, the permitting ones).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Expected {
    allowed: bool,
    rules: Vec<&'static str>,
    via_break_glass: bool,
}

/// The roles that answer a crisis: the only ones a crisis look-up serves.
fn answers_crises(role: Role) -> bool {
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
struct Cell {
    agreement: AgreementState,
    consent: ConsentState,
    relationship: RelationshipState,
    break_glass: BreakGlassState,
    who: Who,
    category: DataCategory,
    purpose: Purpose,
    action: AccessAction,
}

/// The access decision as DESIGN.md and issue 3 state it, for the world
/// this test builds. Denials name the rules in the order the policies are
/// read (people, commissioning, relationships, agreements, consent): "when
/// several forbid rules apply, the first one read is the one named".
fn expected(cell: &Cell) -> Expected {
    let (role, side) = match cell.who {
        // The person's own access: they read their own record and write
        // their own crisis plan and sharing choices, for their own access,
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
const FORBIDDING: [&str; 8] = [
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
const KINDS: usize = 3 + 2 * FORBIDDING.len();

impl Expected {
    /// The kind of outcome: allowed (the person's own, under the agreement,
    /// under the agreement with break-glass), or denied by one rule alone or
    /// by several with this one decisive. The sample balances the kinds, so
    /// the rare ones — allowed, or denied by a refusal alone — are checked
    /// as often as each store state offers them.
    fn kind(&self) -> usize {
        if self.allowed {
            return match (self.rules.first(), self.via_break_glass) {
                (Some(&"own-record" | &"own-plan" | &"own-choices"), _) => 0,
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
struct Observed {
    allowed: bool,
    rules: Vec<String>,
    via_break_glass: bool,
}

impl Observed {
    fn of(decision: &Decision) -> Self {
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

    fn is(&self, want: &Expected) -> bool {
        self.allowed == want.allowed
            && self.via_break_glass == want.via_break_glass
            && self
                .rules
                .iter()
                .map(String::as_str)
                .eq(want.rules.iter().copied())
    }
}

// ---------------------------------------------------------------------------
// The sampler
// ---------------------------------------------------------------------------

/// Chooses, for each store state, which users and which (category, purpose,
/// action) to check. Deterministic, and greedy in two parts:
///
/// - [`USERS_FOR_COVERAGE`] users, and their cells, are those that cover
///   the most of what is still unchecked for each value of each store
///   dimension (so every (user, category, purpose, action) is checked under
///   every value of every store dimension);
/// - [`USERS_FOR_BALANCE`] more, and their cells, are those whose kind of
///   outcome ([`Expected::kind`]) has been checked least so far, so the
///   rare outcomes — allowed, or refused by consent alone — are checked as
///   often as the store states offer them.
///
/// Remaining ties go to a rotation that moves with the store state.
struct Sampler {
    users: usize,
    triples: usize,
    full: bool,
    /// uncovered[dimension][value][user * triples + triple]
    uncovered: Vec<Vec<Vec<bool>>>,
    /// How many cells of each kind of outcome have been picked.
    seen: [usize; KINDS],
}

impl Sampler {
    fn new(dimension_sizes: [usize; 4], users: usize, triples: usize, full: bool) -> Self {
        Self {
            users,
            triples,
            full,
            uncovered: dimension_sizes
                .iter()
                .map(|&n| vec![vec![true; users * triples]; n])
                .collect(),
            seen: [0; KINDS],
        }
    }

    fn score(&self, values: [usize; 4], user: usize, triple: usize) -> usize {
        let at = user * self.triples + triple;
        (0..4).filter(|&d| self.uncovered[d][values[d]][at]).count()
    }

    fn mark(&mut self, values: [usize; 4], user: usize, triple: usize, kind: usize) {
        self.seen[kind] += 1;
        let at = user * self.triples + triple;
        for (d, &v) in values.iter().enumerate() {
            self.uncovered[d][v][at] = false;
        }
    }

    /// The users (by index) and, for each, the triples (by index) to check
    /// under the store state numbered `k` with these dimension values;
    /// `kind(user, triple)` is the kind of outcome the oracle expects.
    fn pick(
        &mut self,
        k: usize,
        values: [usize; 4],
        kind: impl Fn(usize, usize) -> usize,
    ) -> Vec<(usize, Vec<usize>)> {
        if self.full {
            return (0..self.users)
                .map(|u| (u, (0..self.triples).collect()))
                .collect();
        }
        let kinds: Vec<Vec<usize>> = (0..self.users)
            .map(|u| (0..self.triples).map(|t| kind(u, t)).collect())
            .collect();
        let rotation = |n: usize, step: usize, offset: usize| -> Vec<usize> {
            (0..n).map(|i| (k * step + offset + i) % n).collect()
        };
        // Picking one user's cells changes no other user's count.
        let uncovered: Vec<usize> = (0..self.users)
            .map(|u| (0..self.triples).map(|t| self.score(values, u, t)).sum())
            .collect();
        let mut picked: Vec<(usize, Vec<usize>)> = Vec::new();
        for balance in [false, true] {
            let wanted = if balance {
                USERS_FOR_BALANCE
            } else {
                USERS_FOR_COVERAGE
            };
            for _ in 0..wanted {
                let rarest =
                    |s: &Self, u: usize| kinds[u].iter().map(|&c| s.seen[c]).min().unwrap_or(0);
                let Some(user) = rotation(self.users, 7, 0)
                    .into_iter()
                    .filter(|u| picked.iter().all(|(p, _)| p != u))
                    .min_by_key(|&u| {
                        if balance {
                            (rarest(self, u), 0)
                        } else {
                            (usize::MAX - uncovered[u], rarest(self, u))
                        }
                    })
                else {
                    break;
                };
                let mut triples = Vec::with_capacity(TRIPLES_PER_USER);
                for _ in 0..TRIPLES_PER_USER {
                    let Some(triple) = rotation(self.triples, 13, user * 5)
                        .into_iter()
                        .filter(|t| !triples.contains(t))
                        .min_by_key(|&t| {
                            let score = usize::MAX - self.score(values, user, t);
                            let seen = self.seen[kinds[user][t]];
                            if balance {
                                (seen, score)
                            } else {
                                (score, seen)
                            }
                        })
                    else {
                        break;
                    };
                    self.mark(values, user, triple, kinds[user][triple]);
                    triples.push(triple);
                }
                picked.push((user, triples));
            }
        }
        picked
    }

    /// How many (dimension value, user, triple) were never checked.
    fn missing(&self) -> usize {
        self.uncovered
            .iter()
            .flatten()
            .map(|cells| cells.iter().filter(|c| **c).count())
            .sum()
    }
}

// ---------------------------------------------------------------------------
// The world, in the store
// ---------------------------------------------------------------------------

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 3, 9, 0, 0).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

struct World {
    organisations: [OrganisationId; 3],
    /// Per organisation: the team every professional user is in, and a
    /// team none of them is in.
    teams: [(TeamId, TeamId); 3],
    /// One user per professional role and organisation, in [`everyone`]'s
    /// order.
    professionals: Vec<User>,
    /// A crisis-role colleague in each organisation, never asked about.
    colleagues: [User; 3],
    /// The account of a person other than any asked about.
    stranger: User,
    agreement: AgreementId,
}

impl World {
    fn organisation(&self, side: Side) -> OrganisationId {
        self.organisations[side as usize]
    }

    fn colleague(&self, side: Side) -> &User {
        &self.colleagues[side as usize]
    }

    fn professional(&self, role: Role, side: Side) -> &User {
        self.professionals
            .iter()
            .find(|u| u.role() == role && u.organisation_id() == self.organisation(side))
            .expect("a user for every role in every organisation")
    }
}

fn user(name: &str, organisation: OrganisationId, role: Role, person: Option<PersonId>) -> User {
    member(name, organisation, None, role, person)
}

fn member(
    name: &str,
    organisation: OrganisationId,
    team: Option<TeamId>,
    role: Role,
    person: Option<PersonId>,
) -> User {
    User::new(
        UserId::new(),
        Username::parse(name).unwrap(),
        DisplayName::parse(name).unwrap(),
        organisation,
        team,
        role,
        person,
        false,
    )
    .unwrap()
}

fn person(family: &str) -> Person {
    Person::new(
        PersonId::new(),
        PersonName::new("Alex", family).unwrap(),
        BirthDate::new(day(1990, 2, 3), now().date_naive()).unwrap(),
        None,
        None,
        Vec::new(),
    )
    .unwrap()
}

async fn build_world(store: &Store) -> World {
    let now = now();
    let organisations = [
        (
            "NMHT",
            "Northshire Mental Health Trust",
            OrganisationKind::NhsTrust,
        ),
        ("NSPOL", "Northshire Police", OrganisationKind::Police),
        (
            "EGED",
            "Eastgate Hospital Emergency Department",
            OrganisationKind::EmergencyDepartment,
        ),
    ]
    .map(|(code, name, kind)| {
        Organisation::new(
            OrganisationId::new(),
            OrganisationCode::parse(code).unwrap(),
            name,
            kind,
        )
        .unwrap()
    });
    let ids = [
        organisations[0].id(),
        organisations[1].id(),
        organisations[2].id(),
    ];
    let teams = SIDES.map(|side| {
        let team = |name: &str| {
            Team::new(
                TeamId::new(),
                ids[side as usize],
                &format!("{} {name}", side.word()),
                None,
            )
            .unwrap()
        };
        (team("duty team"), team("other team"))
    });
    let team_ids = [0, 1, 2].map(|i| (teams[i].0.id(), teams[i].1.id()));
    let professionals: Vec<User> = SIDES
        .iter()
        .flat_map(|&side| {
            professional_roles().into_iter().map(move |role| {
                member(
                    &format!("{}-{}", side.word(), role.as_str()),
                    ids[side as usize],
                    Some(team_ids[side as usize].0),
                    role,
                    None,
                )
            })
        })
        .collect();
    let colleagues = [
        (Side::Trust, Role::CrisisClinician),
        (Side::Police, Role::PoliceOfficer),
        (Side::NonParty, Role::EdClinician),
    ]
    .map(|(side, role)| {
        user(
            &format!("{}-colleague", side.word()),
            ids[side as usize],
            role,
            None,
        )
    });
    let someone_else = person("Elsewhere");
    let stranger = user("stranger", ids[0], Role::Person, Some(someone_else.id()));

    let mut tx = store.write().await.unwrap();
    for organisation in &organisations {
        organisations::insert_organisation(&mut tx, organisation, now)
            .await
            .unwrap();
    }
    for (theirs, other) in &teams {
        teams::insert_team(&mut tx, theirs).await.unwrap();
        teams::insert_team(&mut tx, other).await.unwrap();
    }
    persons::insert_person(&mut tx, &someone_else, now)
        .await
        .unwrap();
    for u in professionals
        .iter()
        .chain(&colleagues)
        .chain(std::iter::once(&stranger))
    {
        users::insert_user(&mut tx, u, "not-a-password-hash", now)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();

    World {
        organisations: ids,
        teams: team_ids,
        professionals,
        colleagues,
        stranger,
        agreement: AgreementId::new(),
    }
}

fn terms(world: &World, out_of_date: bool) -> Terms {
    let (starts_on, ends_on, review_on) = if out_of_date {
        // Ended two days before the matrix's "now".
        (day(2024, 4, 1), day(2026, 3, 1), day(2025, 4, 1))
    } else {
        (day(2025, 4, 1), day(2027, 3, 31), day(2026, 4, 1))
    };
    Terms {
        title: "Northshire crisis care (policy matrix)".into(),
        tier: AgreementTier::Integrate,
        parties: vec![
            world.organisation(Side::Trust),
            world.organisation(Side::Police),
        ],
        purposes: AGREED_PURPOSES.into_iter().collect(),
        grants: grants(),
        lawful_basis: LawfulBasis::new(
            "Article 6(1)(e) public task",
            "Article 9(2)(h) health or social care",
            "Schedule 1 Part 1 paragraph 2 (health or social care purposes)",
        )
        .unwrap(),
        starts_on,
        ends_on: Some(ends_on),
        review_on,
    }
}

fn signature(world: &World, side: Side) -> Signature {
    Signature {
        organisation: world.organisation(side),
        signed_by: world.colleague(side).id(),
        signed_at: now() - Duration::days(30),
    }
}

/// Moves the agreement to `state` from the state before it in
/// [`AGREEMENT_STATES`], with the domain's transitions, saving each step.
async fn move_agreement(
    store: &Store,
    world: &World,
    current: Option<Agreement>,
    state: AgreementState,
) -> Agreement {
    let mut steps: Vec<(&str, Agreement)> = Vec::new();
    match state {
        AgreementState::DraftPartlySigned => {
            assert!(current.is_none());
            let draft = Agreement::draft(world.agreement, terms(world, false)).unwrap();
            let signed = draft.sign(signature(world, Side::Trust)).unwrap();
            steps.push(("created", draft));
            steps.push(("signed", signed));
        }
        AgreementState::Active => {
            let active = current
                .unwrap()
                .sign(signature(world, Side::Police))
                .unwrap();
            steps.push(("signed", active));
        }
        AgreementState::Suspended => {
            steps.push(("suspended", current.unwrap().suspend().unwrap()));
        }
        AgreementState::ActiveButPartlySigned => {
            // A new version goes back to draft; a row that nonetheless says
            // "active" while only the trust has signed it must grant nothing.
            let amended = current.unwrap().amend(terms(world, false)).unwrap();
            let claimed = Agreement::restore(
                amended.id(),
                amended.version(),
                amended.terms().clone(),
                AgreementStatus::Active,
                vec![signature(world, Side::Trust)],
            )
            .unwrap();
            steps.push(("amended", amended));
            steps.push(("marked active", claimed));
        }
        AgreementState::OutOfDate => {
            let amended = current.unwrap().amend(terms(world, true)).unwrap();
            let one = amended.sign(signature(world, Side::Trust)).unwrap();
            let both = one.sign(signature(world, Side::Police)).unwrap();
            steps.push(("amended", amended));
            steps.push(("signed", one));
            steps.push(("signed", both));
        }
        AgreementState::Ended => {
            // Back in date and signed by both, then ended: only the status
            // stands in the way.
            let amended = current.unwrap().amend(terms(world, false)).unwrap();
            let one = amended.sign(signature(world, Side::Trust)).unwrap();
            let both = one.sign(signature(world, Side::Police)).unwrap();
            let ended = both.end().unwrap();
            steps.push(("amended", amended));
            steps.push(("signed", one));
            steps.push(("signed", both));
            steps.push(("ended", ended));
        }
    }
    let mut tx = store.write().await.unwrap();
    for (event, agreement) in &steps {
        agreements::save_agreement(
            &mut tx,
            agreement,
            event,
            world.colleague(Side::Trust).id(),
            now(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let now_state = steps.pop().unwrap().1;

    // The state is what the matrix says it is.
    let today = now().date_naive();
    let (status, fully_signed, in_term) = (
        now_state.status(),
        now_state.is_fully_signed(),
        now_state.in_term(today),
    );
    let want = match state {
        AgreementState::DraftPartlySigned => (AgreementStatus::Draft, false, true),
        AgreementState::Active => (AgreementStatus::Active, true, true),
        AgreementState::Suspended => (AgreementStatus::Suspended, true, true),
        AgreementState::ActiveButPartlySigned => (AgreementStatus::Active, false, true),
        AgreementState::OutOfDate => (AgreementStatus::Active, true, false),
        AgreementState::Ended => (AgreementStatus::Ended, true, true),
    };
    assert_eq!((status, fully_signed, in_term), want, "{state:?}");
    now_state
}

/// One person, carrying one combination of consent, relationship and
/// break-glass state.
struct Subject {
    person: PersonId,
    own_account: User,
    consent: ConsentState,
    relationship: RelationshipState,
    break_glass: BreakGlassState,
}

fn override_for(user: &User, person: PersonId, live: bool) -> BreakGlass {
    let now = now();
    let (granted_at, expires_at) = if live {
        (now - Duration::minutes(10), now + Duration::minutes(20))
    } else {
        (now - Duration::hours(2), now - Duration::minutes(90))
    };
    BreakGlass {
        id: uuid::Uuid::new_v4(),
        user: user.id(),
        person,
        basis: OverrideBasis::PreventionOfHarm,
        justification: Justification::parse(
            "Threatening to jump from the bridge; need the crisis plan now",
        )
        .unwrap(),
        granted_at,
        expires_at,
        review: None,
        deferral: None,
    }
}

/// Writes a fresh person with this combination of states.
async fn write_subject(
    store: &Store,
    world: &World,
    n: usize,
    consent_state: ConsentState,
    relationship_state: RelationshipState,
    break_glass_state: BreakGlassState,
) -> Subject {
    let now = now();
    let subject = person(&format!("Matrix{n}"));
    let id = subject.id();
    let own_account = user(
        &format!("person-{n}"),
        world.organisation(Side::Trust),
        Role::Person,
        Some(id),
    );
    let mut tx = store.write().await.unwrap();
    persons::insert_person(&mut tx, &subject, now)
        .await
        .unwrap();
    users::insert_user(&mut tx, &own_account, "not-a-password-hash", now)
        .await
        .unwrap();

    // A care team, led by the trust's colleague; everyone else is on it
    // only when the relationship says so.
    let lead = world.colleague(Side::Trust);
    let mut members =
        vec![CareTeamMember::new(lead.id(), lead.organisation_id(), "care coordinator").unwrap()];
    if relationship_state == RelationshipState::CareTeam {
        for u in &world.professionals {
            members.push(CareTeamMember::new(u.id(), u.organisation_id(), "member").unwrap());
        }
    }
    let team = CareTeam::new(CareTeamId::new(), id, "Crisis care", members, lead.id()).unwrap();
    care_teams::insert_care_team(&mut tx, &team).await.unwrap();

    // Consent.
    let month_ago = now - Duration::days(30);
    let directive = |effect, scope, recorded_at, expires_at| {
        ConsentDirective::new(
            ConsentId::new(),
            id,
            effect,
            scope,
            world.colleague(Side::Trust).id(),
            recorded_at,
            RecordedVia::InPerson,
            Some("has capacity for this decision"),
            expires_at,
        )
        .unwrap()
    };
    let police = ConsentScope {
        organisation: Some(world.organisation(Side::Police)),
        ..Default::default()
    };
    let clinical = ConsentScope {
        category: Some(DataCategory::Clinical),
        ..Default::default()
    };
    let emergency = ConsentScope {
        purpose: Some(Purpose::Emergency),
        ..Default::default()
    };
    let everything = ConsentScope::default();
    let (deny, permit) = (ConsentEffect::Deny, ConsentEffect::Permit);
    let directives = match consent_state {
        ConsentState::None => vec![],
        ConsentState::DenyPolice => vec![directive(deny, police, month_ago, None)],
        ConsentState::DenyClinical => vec![directive(
            deny,
            clinical,
            month_ago,
            Some(now + Duration::days(30)),
        )],
        ConsentState::DenyEmergency => vec![directive(deny, emergency, month_ago, None)],
        ConsentState::ExpiredDeny => vec![directive(
            deny,
            everything,
            month_ago,
            Some(now - Duration::days(1)),
        )],
        ConsentState::WithdrawnDeny => vec![directive(deny, everything, month_ago, None)],
        ConsentState::Permit => vec![directive(permit, everything, month_ago, None)],
        ConsentState::DenyPoliceThenPermitPolice => vec![
            directive(deny, police, month_ago, None),
            directive(permit, police, now - Duration::days(2), None),
        ],
    };
    for d in &directives {
        consent::insert_directive(&mut tx, d).await.unwrap();
    }
    if consent_state == ConsentState::WithdrawnDeny {
        let withdrawn = consent::withdraw_directive(
            &mut tx,
            id,
            directives[0].id(),
            world.colleague(Side::Trust).id(),
            now - Duration::hours(1),
        )
        .await
        .unwrap();
        assert!(withdrawn);
    }

    // Relationships, for each organisation.
    let mut rows = Vec::new();
    for side in SIDES {
        let row = |user: Option<UserId>, kind, reason: &str, hours: (i64, i64)| CareRelationship {
            id: uuid::Uuid::new_v4(),
            person: id,
            organisation: world.organisation(side),
            user,
            team: None,
            contact_kind: None,
            kind,
            reason: reason.into(),
            started_at: now + Duration::hours(hours.0),
            ends_at: now + Duration::hours(hours.1),
        };
        let contact = |user: Option<UserId>, team: Option<TeamId>, kind, hours| CareRelationship {
            team,
            contact_kind: Some(kind),
            ..row(
                user,
                RelationshipKind::ActiveContact,
                &format!("{} in the matrix", ContactKind::label(kind)),
                hours,
            )
        };
        let colleague = Some(world.colleague(side).id());
        let (their_team, other_team) = world.teams[side as usize];
        let look_up = "found on the bridge; asked for the crisis plan";
        match relationship_state {
            RelationshipState::None
            | RelationshipState::CareTeam
            | RelationshipState::SourceReport => {}
            RelationshipState::ReportedNamingTheirTeam => rows.push(contact(
                None,
                Some(their_team),
                ContactKind::EdAttendance,
                (-1, 23),
            )),
            RelationshipState::ReportedNamingAnotherTeam => rows.push(contact(
                None,
                Some(other_team),
                ContactKind::EdAttendance,
                (-1, 23),
            )),
            RelationshipState::RecordedByThem => {
                for role in professional_roles() {
                    let own = Some(world.professional(role, side).id());
                    rows.push(contact(own, None, ContactKind::Section136, (-1, 35)));
                }
            }
            RelationshipState::RecordedByAColleague => {
                rows.push(contact(colleague, None, ContactKind::StreetTriage, (-1, 3)))
            }
            RelationshipState::NamingNoOne => {
                rows.push(contact(None, None, ContactKind::Call999, (-1, 23)))
            }
            RelationshipState::EndedContact => {
                for role in professional_roles() {
                    let own = Some(world.professional(role, side).id());
                    rows.push(contact(own, None, ContactKind::StreetTriage, (-5, -1)));
                }
            }
            RelationshipState::OpenReferral => rows.push(row(
                None,
                RelationshipKind::Referral,
                "referred for assessment",
                (-48, 24 * 12),
            )),
            RelationshipState::OwnCrisisLookUp => {
                for role in professional_roles() {
                    let own = Some(world.professional(role, side).id());
                    rows.push(row(own, RelationshipKind::CrisisLookup, look_up, (0, 1)));
                }
            }
            RelationshipState::ColleaguesCrisisLookUp => {
                rows.push(row(
                    colleague,
                    RelationshipKind::CrisisLookup,
                    look_up,
                    (0, 1),
                ));
            }
        }
    }
    for row in &rows {
        relationships::insert_relationship(&mut tx, row)
            .await
            .unwrap();
    }

    // Break-glass.
    let (holders, live): (Vec<&User>, bool) = match break_glass_state {
        BreakGlassState::None => (vec![], false),
        BreakGlassState::Live => (world.professionals.iter().collect(), true),
        BreakGlassState::Expired => (world.professionals.iter().collect(), false),
        BreakGlassState::ColleaguesLive => (world.colleagues.iter().collect(), true),
    };
    for holder in holders {
        let o = override_for(holder, id, live);
        break_glass::insert_break_glass(&mut tx, &o, holder.organisation_id())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();

    Subject {
        person: id,
        own_account,
        consent: consent_state,
        relationship: relationship_state,
        break_glass: break_glass_state,
    }
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

fn engine() -> &'static AccessEngine {
    static ENGINE: OnceLock<AccessEngine> = OnceLock::new();
    ENGINE.get_or_init(|| AccessEngine::new().expect("the access policies load"))
}

fn position<T: PartialEq>(all: &[T], x: &T) -> usize {
    all.iter()
        .position(|y| y == x)
        .expect("a value of the dimension")
}

/// 96768 as "96,768".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut groups = Vec::new();
    let mut end = digits.len();
    while end > 3 {
        groups.push(&digits[end - 3..end]);
        end -= 3;
    }
    groups.push(&digits[..end]);
    groups.reverse();
    groups.join(",")
}

fn full_product() -> bool {
    std::env::var("CONCORDAT_POLICY_MATRIX_FULL").is_ok_and(|v| v == "1")
}

async fn every_cell_agrees_with_the_rules(kind: StoreKind) {
    let Some(db) = TestDb::fresh(kind).await else {
        return;
    };
    let started = Instant::now();
    let store = Store::open(db.url(), PoolSize(4)).await.expect("open store");
    let world = build_world(&store).await;
    let engine = engine();
    let now = now();

    // One fresh person per (consent, relationship, break-glass).
    let mut subjects = Vec::new();
    for consent_state in CONSENT_STATES {
        for relationship_state in RELATIONSHIP_STATES {
            for break_glass_state in BREAK_GLASS_STATES {
                let n = subjects.len();
                subjects.push(
                    write_subject(
                        &store,
                        &world,
                        n,
                        consent_state,
                        relationship_state,
                        break_glass_state,
                    )
                    .await,
                );
            }
        }
    }
    let written = started.elapsed();

    let everyone = everyone();
    let triples = triples();
    let full = full_product();
    let mut sampler = Sampler::new(
        [
            AGREEMENT_STATES.len(),
            CONSENT_STATES.len(),
            RELATIONSHIP_STATES.len(),
            BREAK_GLASS_STATES.len(),
        ],
        everyone.len(),
        triples.len(),
        full,
    );

    let mut checked = 0usize;
    let mut store_states = 0usize;
    let mut gathered = 0usize;
    let (mut gathering, mut deciding) = (std::time::Duration::ZERO, std::time::Duration::ZERO);
    // (how many, the first few) cells whose outcome differs from the rules,
    // and whose outcome agrees but whose rules named do not.
    let mut wrong: (usize, Vec<String>) = (0, Vec::new());
    let mut misnamed: (usize, Vec<String>) = (0, Vec::new());
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    let mut current = None;
    for agreement_state in AGREEMENT_STATES {
        current = Some(move_agreement(&store, &world, current, agreement_state).await);
        let mut conn = store.read().await.unwrap();
        for subject in &subjects {
            let values = [
                position(&AGREEMENT_STATES, &agreement_state),
                position(&CONSENT_STATES, &subject.consent),
                position(&RELATIONSHIP_STATES, &subject.relationship),
                position(&BREAK_GLASS_STATES, &subject.break_glass),
            ];
            let cell = |u: usize, t: usize| {
                let (category, purpose, action) = triples[t];
                Cell {
                    agreement: agreement_state,
                    consent: subject.consent,
                    relationship: subject.relationship,
                    break_glass: subject.break_glass,
                    who: everyone[u],
                    category,
                    purpose,
                    action,
                }
            };
            let picks = sampler.pick(store_states, values, |u, t| expected(&cell(u, t)).kind());
            for (u, picked) in picks {
                let who = everyone[u];
                let user = match who {
                    Who::Professional(role, side) => world.professional(role, side),
                    Who::ThePerson => &subject.own_account,
                    Who::AStranger => &world.stranger,
                };
                let clock = Instant::now();
                let mut facts = gather(&mut conn, user, subject.person, now)
                    .await
                    .expect("gather the facts");
                if subject.relationship == RelationshipState::SourceReport {
                    // As the contact events service hands a source system
                    // its report, here handed to everyone.
                    facts.relationships.push(Relationship::source_report());
                }
                gathering += clock.elapsed();
                gathered += 1;
                for t in picked {
                    let cell = cell(u, t);
                    let (category, purpose, action) = (cell.category, cell.purpose, cell.action);
                    let viewer = Viewer {
                        user: user.clone(),
                        purpose,
                    };
                    let clock = Instant::now();
                    let decided = decide(
                        engine,
                        &viewer,
                        subject.person,
                        action,
                        &[category],
                        &facts,
                        now,
                    );
                    deciding += clock.elapsed();
                    let decision = &decided[0].1;
                    let want = expected(&cell);
                    let got = Observed::of(decision);
                    checked += 1;
                    let key = if got.allowed {
                        format!("allowed: {}", got.rules.join(" + "))
                    } else {
                        format!(
                            "denied by {}",
                            got.rules.first().map_or("(no rule)", String::as_str)
                        )
                    };
                    *outcomes.entry(key).or_default() += 1;
                    // An allowed professional access names the agreement,
                    // except the care team's keeping of the sharing
                    // choices, which no agreement shares.
                    let agreement_ok = !(got.allowed && matches!(who, Who::Professional(..)))
                        || if category.is_shared() {
                            decision.agreement() == Some(world.agreement)
                        } else {
                            decision.agreement().is_none()
                        };
                    if !got.is(&want) || !agreement_ok {
                        // Outcomes first: a wrong answer matters more than
                        // a wrongly named rule.
                        let list = if got.allowed == want.allowed {
                            &mut misnamed
                        } else {
                            &mut wrong
                        };
                        list.0 += 1;
                        if list.1.len() < 10 {
                            list.1.push(format!(
                                "{cell:?}\n    rules say {want:?}\n    engine    {got:?} (agreement {:?}; {})",
                                decision.agreement(),
                                decision.explanation()
                            ));
                        }
                    }
                }
            }
            store_states += 1;
        }
    }

    let product = store_states * everyone.len() * triples.len();
    let missing = sampler.missing();
    let elapsed = started.elapsed();
    let store_name = match kind {
        StoreKind::Sqlite => "sqlite",
        StoreKind::Postgres => "postgres",
    };
    println!(
        "policy matrix: {} cells checked on {store_name} ({}; {} store states, {} gathers; \
         full product {}; every (user, category, purpose, action) checked under every value of \
         every store dimension: {}) in {:.1} s ({:.1} s writing the world, {:.1} s gathering, \
         {:.1} s deciding)",
        thousands(checked),
        if full {
            "every cell".to_owned()
        } else {
            format!(
                "sampled: {} of {} users × {TRIPLES_PER_USER} of {} (category, \
                 purpose, action) per store state",
                USERS_FOR_COVERAGE + USERS_FOR_BALANCE,
                everyone.len(),
                triples.len()
            )
        },
        thousands(store_states),
        thousands(gathered),
        thousands(product),
        if missing == 0 { "yes" } else { "NO" },
        elapsed.as_secs_f64(),
        written.as_secs_f64(),
        gathering.as_secs_f64(),
        deciding.as_secs_f64(),
    );
    for (outcome, n) in &outcomes {
        println!("  {outcome}: {}", thousands(*n));
    }

    assert_eq!(
        store_states,
        AGREEMENT_STATES.len()
            * CONSENT_STATES.len()
            * RELATIONSHIP_STATES.len()
            * BREAK_GLASS_STATES.len()
    );
    assert_eq!(
        missing, 0,
        "the sample left {missing} (store dimension value, user, category, purpose, action) \
         unchecked; raise USERS_FOR_COVERAGE or TRIPLES_PER_USER"
    );
    // Every rule has been decisive somewhere, so no part of the matrix is
    // vacuous.
    for decisive in [
        "allowed: own-record",
        "allowed: shared-under-agreement",
        "allowed: shared-under-agreement + break-glass",
        "denied by own-record-only",
        "denied by own-access-is-the-persons",
        "denied by commissioning-sees-no-records",
        "denied by relationship-required",
        "denied by agreement-required",
        "denied by consent-refused",
    ] {
        assert!(
            outcomes.contains_key(decisive),
            "no cell was {decisive}: {outcomes:?}"
        );
    }
    assert!(
        wrong.0 == 0 && misnamed.0 == 0,
        "of {checked} cells on {store_name}, {} have another outcome than the rules give and {} \
         the right outcome but other rules named; the first of each:\n{}",
        wrong.0,
        misnamed.0,
        wrong
            .1
            .iter()
            .chain(&misnamed.1)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_cell_agrees_with_the_rules() {
        super::every_cell_agrees_with_the_rules(crate::harness::StoreKind::Sqlite).await;
    }
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_cell_agrees_with_the_rules() {
        super::every_cell_agrees_with_the_rules(crate::harness::StoreKind::Postgres).await;
    }
}

// ---------------------------------------------------------------------------
// Property tests at the fact level
// ---------------------------------------------------------------------------

mod properties {
    use concordat_access::{
        AgreementFacts, BreakGlassFacts, ConsentFacts, LookUpReason, RelationshipKind,
    };
    use concordat_server::access::Facts;
    use proptest::prelude::*;

    use super::*;

    fn organisation(i: usize) -> OrganisationId {
        OrganisationId::from_uuid(uuid::Uuid::from_u128(0x0c0c_0000 + i as u128))
    }
    /// The user asking, and another.
    fn me() -> UserId {
        UserId::from_uuid(uuid::Uuid::from_u128(0x05e5_0001))
    }
    fn someone_else() -> UserId {
        UserId::from_uuid(uuid::Uuid::from_u128(0x05e5_0002))
    }
    /// The person asked about, and another.
    fn the_person() -> PersonId {
        PersonId::from_uuid(uuid::Uuid::from_u128(0x9e50_0001))
    }
    fn another_person() -> PersonId {
        PersonId::from_uuid(uuid::Uuid::from_u128(0x9e50_0002))
    }
    fn today() -> NaiveDate {
        now().date_naive()
    }

    /// A random world around one request.
    #[derive(Debug, Clone)]
    struct RandomWorld {
        role: Role,
        organisation: usize,
        /// For the person role: whether the record asked about is theirs.
        own_record: bool,
        category: DataCategory,
        purpose: Purpose,
        action: AccessAction,
        facts: Facts,
    }

    impl RandomWorld {
        fn user(&self) -> User {
            let person = (self.role == Role::Person).then(|| {
                if self.own_record {
                    the_person()
                } else {
                    another_person()
                }
            });
            User::new(
                me(),
                Username::parse("random-user").unwrap(),
                DisplayName::parse("Random User").unwrap(),
                organisation(self.organisation),
                None,
                self.role,
                person,
                false,
            )
            .unwrap()
        }

        fn decide(&self) -> Decision {
            let viewer = Viewer {
                user: self.user(),
                purpose: self.purpose,
            };
            decide(
                engine(),
                &viewer,
                the_person(),
                self.action,
                &[self.category],
                &self.facts,
                now(),
            )
            .remove(0)
            .1
        }

        fn break_glass_live(&self) -> bool {
            self.facts.break_glass.as_ref().is_some_and(|g| {
                g.user == me()
                    && g.person == the_person()
                    && g.granted_at <= now()
                    && now() < g.expires_at
            })
        }

        /// An agreement that covers exactly this request.
        fn covering_agreement(&self) -> AgreementFacts {
            AgreementFacts {
                id: AgreementId::from_uuid(uuid::Uuid::from_u128(0xa9_0001)),
                title: "covers the request".into(),
                status: AgreementStatus::Active,
                signed_by_every_party: true,
                parties: vec![
                    organisation(self.organisation),
                    organisation((self.organisation + 1) % 3),
                ],
                starts_on: day(2025, 4, 1),
                ends_on: None,
                purposes: [self.purpose].into_iter().collect(),
                grants: vec![RoleGrant {
                    role: self.role,
                    read: [self.category].into_iter().collect(),
                    write: [self.category].into_iter().collect(),
                }],
            }
        }

        fn live_override(&self) -> BreakGlassFacts {
            BreakGlassFacts {
                user: me(),
                person: the_person(),
                basis: OverrideBasis::VitalInterests,
                granted_at: now() - Duration::minutes(5),
                expires_at: now() + Duration::minutes(25),
            }
        }
    }

    /// A person reads their own record, and writes their own crisis plan
    /// and sharing choices, for their own access; nothing else.
    fn persons_own(w: &RandomWorld) -> bool {
        w.own_record
            && w.purpose == Purpose::OwnAccess
            && (w.action == AccessAction::Read
                || (w.action == AccessAction::Write
                    && matches!(w.category, DataCategory::CrisisPlan | DataCategory::Consent)))
    }

    /// The rules, stated over facts as plainly as over the matrix's world.
    fn allowed_by_the_rules(w: &RandomWorld) -> bool {
        let now = now();
        if w.role == Role::Person {
            return persons_own(w);
        }
        if matches!(w.purpose, Purpose::OwnAccess | Purpose::Commissioning) {
            return false;
        }
        let org = organisation(w.organisation);
        let related = w.facts.relationships.iter().any(|r| {
            !r.ended
                && match r.kind {
                    RelationshipKind::CareTeam
                    | RelationshipKind::Referral
                    | RelationshipKind::Contact => true,
                    RelationshipKind::CrisisLookUp { .. } => answers_crises(w.role),
                    RelationshipKind::SourceReport => w.role == Role::SourceSystem,
                }
        });
        if w.role == Role::SourceSystem
            && !(w.action == AccessAction::Write && w.category == DataCategory::Contacts)
        {
            return false;
        }
        // The sharing choices: the care team's, under no agreement, and no
        // refusal hides them from it.
        if w.category == DataCategory::Consent {
            return w
                .facts
                .relationships
                .iter()
                .any(|r| !r.ended && r.kind == RelationshipKind::CareTeam);
        }
        let covered = w.facts.agreements.iter().any(|a| {
            a.status == AgreementStatus::Active
                && a.signed_by_every_party
                && a.parties.contains(&org)
                && a.starts_on <= today()
                && a.ends_on.is_none_or(|end| today() < end)
                && a.purposes.contains(&w.purpose)
                && a.grants.iter().any(|g| {
                    g.role == w.role
                        && match w.action {
                            AccessAction::Read => g.read.contains(&w.category),
                            AccessAction::Write => g.write.contains(&w.category),
                        }
                })
        });
        let refused = w.facts.consents.iter().any(|c| {
            c.effect == ConsentEffect::Deny
                && c.scope.organisation.is_none_or(|o| o == org)
                && c.scope.category.is_none_or(|x| x == w.category)
                && c.scope.purpose.is_none_or(|p| p == w.purpose)
                && c.expires_at.is_none_or(|e| now < e)
        });
        related && covered && (!refused || w.break_glass_live())
    }

    fn any_role() -> impl Strategy<Value = Role> {
        prop::sample::select(Role::ALL.to_vec())
    }
    fn a_professional_role() -> impl Strategy<Value = Role> {
        prop::sample::select(professional_roles())
    }
    fn any_category() -> impl Strategy<Value = DataCategory> {
        prop::sample::select(DataCategory::ALL.to_vec())
    }
    fn any_purpose() -> impl Strategy<Value = Purpose> {
        prop::sample::select(Purpose::ALL.to_vec())
    }
    fn any_action() -> impl Strategy<Value = AccessAction> {
        prop::sample::select(AccessAction::ALL.to_vec())
    }
    fn categories(mask: u16) -> BTreeSet<DataCategory> {
        DataCategory::ALL
            .into_iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, c)| c)
            .collect()
    }

    /// An agreement, in any state, leaning towards ones that could count.
    fn any_agreement() -> impl Strategy<Value = AgreementFacts> {
        (
            prop_oneof![
                3 => Just(AgreementStatus::Active),
                1 => Just(AgreementStatus::Draft),
                1 => Just(AgreementStatus::Suspended),
                1 => Just(AgreementStatus::Ended),
            ],
            prop::bool::weighted(0.8),
            prop::collection::vec(prop::bool::weighted(0.7), 3),
            -400i64..30,
            prop::option::weighted(0.6, -30i64..400),
            prop::collection::vec(prop::bool::weighted(0.6), 5),
            prop::collection::vec((0u16..1024, 0u16..1024), Role::ALL.len()),
            any::<u64>(),
        )
            .prop_map(
                |(status, signed, parties, starts, ends, purposes, grants, id)| AgreementFacts {
                    id: AgreementId::from_uuid(uuid::Uuid::from_u128(u128::from(id))),
                    title: "random".into(),
                    status,
                    signed_by_every_party: signed,
                    parties: (0..3).filter(|&i| parties[i]).map(organisation).collect(),
                    starts_on: today() + Duration::days(starts),
                    ends_on: ends.map(|e| today() + Duration::days(e)),
                    purposes: Purpose::ALL
                        .into_iter()
                        .zip(purposes)
                        .filter(|(_, on)| *on)
                        .map(|(p, _)| p)
                        .collect(),
                    grants: Role::ALL
                        .into_iter()
                        .zip(grants)
                        .map(|(role, (read, write))| RoleGrant {
                            role,
                            read: categories(read),
                            write: categories(write),
                        })
                        .collect(),
                },
            )
    }

    /// What keeps an agreement from counting for the user's organisation.
    #[derive(Debug, Clone, Copy)]
    enum Defect {
        Draft,
        Suspended,
        Ended,
        Unsigned,
        PastItsEnd,
        NotYetStarted,
        NotAParty,
    }

    /// An agreement that covers the request in every way but one.
    fn an_agreement_that_does_not_count(
        organisation_index: usize,
    ) -> impl Strategy<Value = AgreementFacts> {
        (
            any_agreement(),
            prop::sample::select(vec![
                Defect::Draft,
                Defect::Suspended,
                Defect::Ended,
                Defect::Unsigned,
                Defect::PastItsEnd,
                Defect::NotYetStarted,
                Defect::NotAParty,
            ]),
            prop::bool::ANY,
            0i64..400,
        )
            .prop_map(move |(mut a, defect, signed, days)| {
                let mine = organisation(organisation_index);
                // Otherwise in force and covering everything.
                a.status = AgreementStatus::Active;
                a.signed_by_every_party = true;
                if !a.parties.contains(&mine) {
                    a.parties.push(mine);
                }
                a.starts_on = day(2025, 4, 1);
                a.ends_on = None;
                a.purposes = Purpose::ALL.into_iter().collect();
                for g in &mut a.grants {
                    g.read = DataCategory::ALL.into_iter().collect();
                    g.write = DataCategory::ALL.into_iter().collect();
                }
                match defect {
                    Defect::Draft => {
                        a.status = AgreementStatus::Draft;
                        a.signed_by_every_party = signed;
                    }
                    Defect::Suspended => {
                        a.status = AgreementStatus::Suspended;
                        a.signed_by_every_party = signed;
                    }
                    Defect::Ended => {
                        a.status = AgreementStatus::Ended;
                        a.signed_by_every_party = signed;
                    }
                    Defect::Unsigned => a.signed_by_every_party = false,
                    Defect::PastItsEnd => {
                        a.starts_on = day(2024, 4, 1);
                        a.ends_on = Some(today() - Duration::days(days.min(300)));
                    }
                    Defect::NotYetStarted => a.starts_on = today() + Duration::days(days + 1),
                    Defect::NotAParty => a.parties.retain(|p| *p != mine),
                }
                a
            })
    }

    fn any_consent() -> impl Strategy<Value = ConsentFacts> {
        (
            prop::bool::weighted(0.7),
            prop::option::of(0usize..3),
            prop::option::of(any_category()),
            prop::option::of(any_purpose()),
            prop::option::of(-120i64..120),
            any::<u64>(),
        )
            .prop_map(|(deny, org, category, purpose, expires, id)| ConsentFacts {
                id: ConsentId::from_uuid(uuid::Uuid::from_u128(u128::from(id))),
                effect: if deny {
                    ConsentEffect::Deny
                } else {
                    ConsentEffect::Permit
                },
                scope: ConsentScope {
                    organisation: org.map(organisation),
                    category,
                    purpose,
                },
                expires_at: expires.map(|m| now() + Duration::minutes(m)),
                organisation_name: org.map(|i| format!("Organisation {i}")),
            })
    }

    /// 0 care team, 1 referral, 2 contact, 3 a source system's report,
    /// 4 crisis look-up.
    fn relationship_of_kind(kind: usize, ended: bool) -> Relationship {
        let r = match kind {
            0 => Relationship::care_team(),
            1 => Relationship::referral(),
            2 => Relationship::contact(),
            3 => Relationship::source_report(),
            _ => Relationship::crisis_look_up(
                LookUpReason::parse("found on the bridge; asked for the crisis plan").unwrap(),
            ),
        };
        if ended {
            r.ended()
        } else {
            r
        }
    }

    fn any_relationship() -> impl Strategy<Value = Relationship> {
        (0usize..5, prop::bool::weighted(0.3)).prop_map(|(k, e)| relationship_of_kind(k, e))
    }

    fn any_break_glass() -> impl Strategy<Value = Option<BreakGlassFacts>> {
        prop::option::of((
            prop::bool::weighted(0.7),
            prop::bool::weighted(0.8),
            -60i64..10,
            1i64..60,
        ))
        .prop_map(|g| {
            g.map(|(mine, this_person, granted, minutes)| {
                let granted_at = now() + Duration::minutes(granted);
                BreakGlassFacts {
                    user: if mine { me() } else { someone_else() },
                    person: if this_person {
                        the_person()
                    } else {
                        another_person()
                    },
                    basis: OverrideBasis::Safeguarding,
                    granted_at,
                    expires_at: granted_at + Duration::minutes(minutes),
                }
            })
        })
    }

    fn any_world(role: impl Strategy<Value = Role>) -> impl Strategy<Value = RandomWorld> {
        (
            role,
            0usize..3,
            prop::bool::ANY,
            any_category(),
            any_purpose(),
            any_action(),
            prop::collection::vec(any_agreement(), 0..4),
            prop::collection::vec(any_consent(), 0..4),
            prop::collection::vec(any_relationship(), 0..4),
            any_break_glass(),
        )
            .prop_map(
                |(
                    role,
                    organisation,
                    own_record,
                    category,
                    purpose,
                    action,
                    agreements,
                    consents,
                    relationships,
                    break_glass,
                )| RandomWorld {
                    role,
                    organisation,
                    own_record,
                    category,
                    purpose,
                    action,
                    facts: Facts {
                        agreements,
                        consents,
                        relationships,
                        break_glass,
                        grounds: Vec::new(),
                    },
                },
            )
    }

    /// Ways for there to be no live override for this user and person.
    fn no_live_override(w: &RandomWorld, how: usize) -> Option<BreakGlassFacts> {
        let live = w.live_override();
        match how {
            0 => None,
            1 => Some(BreakGlassFacts {
                granted_at: now() - Duration::minutes(45),
                expires_at: now() - Duration::minutes(15),
                ..live
            }),
            // Ends exactly now: an override is live only before it expires.
            2 => Some(BreakGlassFacts {
                granted_at: now() - Duration::minutes(30),
                expires_at: now(),
                ..live
            }),
            3 => Some(BreakGlassFacts {
                granted_at: now() + Duration::minutes(1),
                expires_at: now() + Duration::minutes(31),
                ..live
            }),
            4 => Some(BreakGlassFacts {
                user: someone_else(),
                ..live
            }),
            _ => Some(BreakGlassFacts {
                person: another_person(),
                ..live
            }),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Without a live break-glass, a refusal that covers the request and
        /// has not expired always denies — even when everything else would
        /// allow it (a covering agreement, a care-team relationship, a
        /// permit) — and the refusal is among the rules named.
        #[test]
        fn a_matching_unexpired_refusal_without_live_break_glass_never_yields_access(
            world in any_world(a_professional_role()),
            (by_organisation, by_category, by_purpose) in (prop::bool::ANY, prop::bool::ANY, prop::bool::ANY),
            expires_in in prop::option::of(1i64..100_000),
            position in 0usize..5,
            override_kind in 0usize..6,
        ) {
            // A refusal never hides the sharing choices from the care team.
            prop_assume!(world.category.is_shared());
            let mut w = world;
            w.facts.agreements.push(w.covering_agreement());
            w.facts.relationships.push(Relationship::care_team());
            let refusal = ConsentFacts {
                id: ConsentId::from_uuid(uuid::Uuid::from_u128(0xde_0001)),
                effect: ConsentEffect::Deny,
                scope: ConsentScope {
                    organisation: by_organisation.then(|| organisation(w.organisation)),
                    category: by_category.then_some(w.category),
                    purpose: by_purpose.then_some(w.purpose),
                },
                expires_at: expires_in.map(|m| now() + Duration::minutes(m)),
                organisation_name: by_organisation.then(|| "the user's organisation".into()),
            };
            let at = position.min(w.facts.consents.len());
            w.facts.consents.insert(at, refusal);
            w.facts.break_glass = no_live_override(&w, override_kind);

            let decision = w.decide();
            prop_assert!(!decision.is_allowed(), "{w:?}\n{decision:?}");
            prop_assert!(decision.determined_by(policy_ids::CONSENT_REFUSED), "{w:?}\n{decision:?}");
        }

        /// An agreement that is draft, suspended, ended, not signed by every
        /// party, past its end, not yet started or not the user's
        /// organisation's never yields access — not with a care-team
        /// relationship, a permit and a live break-glass override.
        #[test]
        fn an_agreement_not_in_force_for_the_user_never_yields_access(
            world in any_world(a_professional_role()),
            defective in (0usize..3).prop_flat_map(|org| (Just(org), prop::collection::vec(an_agreement_that_does_not_count(org), 0..4))),
        ) {
            // The care team keeps the sharing choices under no agreement.
            prop_assume!(world.category.is_shared());
            let (org, agreements) = defective;
            let mut w = world;
            w.organisation = org;
            w.facts.agreements = agreements;
            w.facts.relationships.push(Relationship::care_team());
            w.facts.break_glass = Some(w.live_override());

            let decision = w.decide();
            prop_assert!(!decision.is_allowed(), "{w:?}\n{decision:?}");
            prop_assert!(decision.determined_by(policy_ids::AGREEMENT_REQUIRED), "{w:?}\n{decision:?}");
        }

        /// With no current relationship — none, only ended ones, a crisis
        /// look-up by a role that does not answer crises, or a source
        /// system's report held by anyone but a source system — no professional
        /// gets access, even under a covering agreement with a live
        /// break-glass override. The person reading their own record for
        /// their own access is the one exception, and only for their own.
        #[test]
        fn no_relationship_never_yields_access_but_the_persons_own(
            world in any_world(any_role()),
            ended in prop::collection::vec(0usize..5, 0..4),
            look_up in prop::bool::ANY,
            report in prop::bool::ANY,
        ) {
            let mut w = world;
            w.facts.agreements.push(w.covering_agreement());
            w.facts.break_glass = Some(w.live_override());
            w.facts.relationships = ended.into_iter().map(|k| relationship_of_kind(k, true)).collect();
            if look_up && !answers_crises(w.role) {
                w.facts.relationships.push(relationship_of_kind(4, false));
            }
            // A source system's report is its own relationship, nobody else's.
            if report && w.role != Role::SourceSystem {
                w.facts.relationships.push(relationship_of_kind(3, false));
            }

            let decision = w.decide();
            if w.role == Role::Person {
                prop_assert_eq!(decision.is_allowed(), persons_own(&w), "{:?}\n{:?}", w, decision);
            } else {
                prop_assert!(!decision.is_allowed(), "{w:?}\n{decision:?}");
                prop_assert!(decision.determined_by(policy_ids::RELATIONSHIP_REQUIRED), "{w:?}\n{decision:?}");
            }
        }

        /// On any random world, the engine allows exactly what the rules
        /// allow, and marks an access as break-glass exactly when a live
        /// override was in play.
        #[test]
        fn the_engine_agrees_with_the_rules_on_random_worlds(world in any_world(any_role())) {
            let decision = world.decide();
            let allowed = allowed_by_the_rules(&world);
            prop_assert_eq!(decision.is_allowed(), allowed, "{:?}\n{:?}", world, decision);
            prop_assert_eq!(
                decision.via_break_glass(),
                allowed && world.role != Role::Person && world.break_glass_live(),
                "{:?}\n{:?}", world, decision
            );
        }
    }
}
