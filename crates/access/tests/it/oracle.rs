//! An independent statement of the access rules, written plainly in Rust
//! from DESIGN.md ("The access decision") and issue 3, for the policy
//! matrix to check the Cedar policies against. It shares nothing with the
//! engine but the vocabulary: if the two disagree, one of them is wrong.
//! The person's advance choices for a crisis are stated here as the rules
//! put them: a choice lifts a standing refusal only when it covers the
//! request, the crisis it names is in progress and nothing else stands in
//! the way.

use concordat_access::AccessAction;
use concordat_domain::advance_choice::CrisisKind;
use concordat_domain::category::DataCategory;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;

/// The state of the one agreement in a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementState {
    /// Active, signed by every party, in date.
    Active,
    Draft,
    Suspended,
    Ended,
    /// Marked active, but a party has not signed.
    Unsigned,
    /// Active and signed, but its end date has passed.
    OutOfDate,
}

/// The person's one consent directive in a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    None,
    /// Refuses the user's organisation.
    DenyOrganisation,
    /// Refuses the clinical category, to anyone.
    DenyClinical,
    /// Refuses the emergency purpose, to anyone.
    DenyEmergency,
    /// Refused the user's organisation, but the refusal has expired.
    ExpiredDeny,
    /// Permits the user's organisation.
    Permit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    None,
    CareTeam,
    /// A care-team membership that has ended.
    Ended,
    CrisisLookUp,
    /// A registered source system's report of the contact being written.
    SourceReport,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakGlass {
    None,
    Live,
    Expired,
}

/// The person's one advance choice in a cell: to let something be seen
/// during a crisis, despite their refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advance {
    None,
    /// Lets the user's organisation see anything during a section 136.
    OrganisationDuringSection136,
    /// Lets anyone see anything during any crisis.
    AnythingDuringAnyCrisis,
    /// Lets anyone see anything while the person is in hospital.
    AnythingDuringAdmission,
    /// Lets an organisation other than the user's see anything during a
    /// section 136.
    AnotherOrganisationDuringSection136,
    /// Lets anyone see the crisis plan, and only that, during any crisis.
    CrisisPlanDuringAnyCrisis,
    /// Lets anyone see anything for direct care, and only for that, during
    /// any crisis.
    DirectCareDuringAnyCrisis,
}

impl Advance {
    /// The crisis the choice waits for, and whether it covers `cell`'s
    /// request; `None` for no choice.
    fn waits_for(self, cell: &Cell) -> Option<(CrisisKind, bool)> {
        match self {
            Self::None => None,
            Self::OrganisationDuringSection136 => Some((CrisisKind::Section136, true)),
            Self::AnythingDuringAnyCrisis => Some((CrisisKind::AnyCrisis, true)),
            Self::AnythingDuringAdmission => Some((CrisisKind::Admission, true)),
            Self::AnotherOrganisationDuringSection136 => Some((CrisisKind::Section136, false)),
            Self::CrisisPlanDuringAnyCrisis => Some((
                CrisisKind::AnyCrisis,
                cell.category == DataCategory::CrisisPlan,
            )),
            Self::DirectCareDuringAnyCrisis => {
                Some((CrisisKind::AnyCrisis, cell.purpose == Purpose::DirectCare))
            }
        }
    }
}

/// The crisis the person is in, or was in, in a cell: what an open or a
/// closed contact of that kind means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrisisState {
    None,
    /// Detained under section 136 now: a section 136, and a crisis.
    Section136,
    /// A section 136 that has ended.
    Section136Ended,
    /// In hospital now: an admission, and a crisis.
    Admission,
    /// Street triage in progress: a crisis, of no more particular kind.
    StreetTriage,
}

impl CrisisState {
    /// The kinds of crisis in progress.
    pub fn in_progress(self) -> &'static [CrisisKind] {
        match self {
            Self::None | Self::Section136Ended => &[],
            Self::Section136 => &[CrisisKind::Section136, CrisisKind::AnyCrisis],
            Self::Admission => &[CrisisKind::Admission, CrisisKind::AnyCrisis],
            Self::StreetTriage => &[CrisisKind::AnyCrisis],
        }
    }
}

/// One combination of facts.
#[derive(Debug, Clone, Copy)]
pub struct Cell {
    pub role: Role,
    /// Whether the user's organisation is a party to the agreement.
    pub party: bool,
    pub agreement: AgreementState,
    pub consent: Consent,
    pub relation: Relation,
    pub category: DataCategory,
    pub purpose: Purpose,
    pub break_glass: BreakGlass,
    pub action: AccessAction,
    pub advance: Advance,
    pub crisis: CrisisState,
    /// Whether the cell's refusal, if it has one, is one the person made in
    /// advance to hold even in a crisis.
    pub holds_in_crisis: bool,
}

/// The purposes the matrix's agreement names. Commissioning and own access
/// are there so that the rules against them, not the agreement, must stop
/// them; safeguarding is not, so the agreement must.
pub const AGREED_PURPOSES: [Purpose; 4] = [
    Purpose::DirectCare,
    Purpose::Emergency,
    Purpose::Commissioning,
    Purpose::OwnAccess,
];

/// What the matrix's agreement grants each role.
pub fn granted(role: Role, action: AccessAction) -> &'static [DataCategory] {
    use DataCategory as C;
    match (role, action) {
        (Role::CrisisClinician | Role::MentalHealthPractitioner, AccessAction::Read) => &C::SHARED,
        (Role::CrisisClinician | Role::MentalHealthPractitioner, AccessAction::Write) => {
            &[C::CrisisPlan, C::Risk, C::Clinical]
        }
        (Role::Gp, AccessAction::Read) => &[C::Demographics, C::CrisisPlan, C::Risk, C::Clinical],
        (Role::Gp, AccessAction::Write) => &[C::Clinical],
        (
            Role::PoliceOfficer | Role::Paramedic | Role::EdClinician | Role::Nhs111Advisor,
            AccessAction::Read,
        ) => &[C::CrisisPlan, C::Risk, C::Contacts],
        (
            Role::PoliceOfficer | Role::Paramedic | Role::EdClinician | Role::Nhs111Advisor,
            AccessAction::Write,
        ) => &[C::Contacts],
        (Role::SocialWorker, AccessAction::Read) => &[C::Demographics, C::CareTeam, C::SocialCare],
        (Role::SocialWorker, AccessAction::Write) => &[C::SocialCare],
        (Role::SupportWorker, AccessAction::Read) => &[C::CareTeam, C::Referrals, C::Messages],
        (Role::SupportWorker, AccessAction::Write) => &[C::Messages],
        // A source system is granted reporting contacts, and nothing to read.
        (Role::SourceSystem, AccessAction::Read) => &[],
        (Role::SourceSystem, AccessAction::Write) => &[C::Contacts],
        // Governance, commissioning, administration and the person are
        // granted nothing by an agreement.
        (Role::IgLead | Role::Commissioner | Role::Admin | Role::Person, _) => &[],
    }
}

/// What should happen: allowed or not, and the rules that decide, in the
/// order the engine names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub allowed: bool,
    pub policies: Vec<&'static str>,
    pub via_break_glass: bool,
}

pub fn expected(cell: &Cell) -> Expected {
    // The person reads their own record (the matrix's person user is always
    // linked to the person asked about) and writes their own crisis plan,
    // sharing choices and description, for own access, and nothing else.
    // Commissioning never opens a record, the person's own included.
    if cell.role == Role::Person {
        let own = cell.purpose == Purpose::OwnAccess;
        let writes = cell.action == AccessAction::Write;
        let own_read = !writes && own;
        let own_plan = writes && cell.category == DataCategory::CrisisPlan && own;
        let own_choices = writes && cell.category == DataCategory::Consent && own;
        let own_description = writes && cell.category == DataCategory::Demographics && own;
        let mut policies = vec![if own_read {
            "own-record"
        } else if own_plan {
            "own-plan"
        } else if own_choices {
            "own-choices"
        } else if own_description {
            "own-description"
        } else {
            "own-record-only"
        }];
        if cell.purpose == Purpose::Commissioning {
            policies.push("commissioning-sees-no-records");
        }
        return Expected {
            allowed: own_read || own_plan || own_choices || own_description,
            policies,
            via_break_glass: false,
        };
    }
    let choices = cell.category == DataCategory::Consent;

    let mut forbids = Vec::new();
    if cell.purpose == Purpose::OwnAccess {
        forbids.push("own-access-is-the-persons");
    }
    if cell.purpose == Purpose::Commissioning {
        forbids.push("commissioning-sees-no-records");
    }

    let related = match cell.relation {
        Relation::CareTeam => true,
        Relation::CrisisLookUp => cell.role.is_crisis_role(),
        Relation::SourceReport => cell.role == Role::SourceSystem,
        Relation::None | Relation::Ended => false,
    };
    if !related {
        forbids.push("relationship-required");
    }
    // A source system writes the contacts it reports, nothing else.
    let reports = cell.action == AccessAction::Write && cell.category == DataCategory::Contacts;
    if cell.role == Role::SourceSystem && !reports {
        forbids.push("source-systems-only-report");
    }

    // The sharing choices are the care team's, under no agreement.
    let agreement_in_force = cell.agreement == AgreementState::Active && cell.party;
    let covered = agreement_in_force
        && AGREED_PURPOSES.contains(&cell.purpose)
        && granted(cell.role, cell.action).contains(&cell.category);
    if !covered && !choices {
        forbids.push("agreement-required");
    }
    if choices && cell.relation != Relation::CareTeam {
        forbids.push("sharing-choices-are-the-care-teams");
    }

    let break_glass_live = cell.break_glass == BreakGlass::Live;
    let refused = match cell.consent {
        Consent::DenyOrganisation => true,
        Consent::DenyClinical => cell.category == DataCategory::Clinical,
        Consent::DenyEmergency => cell.purpose == Purpose::Emergency,
        Consent::None | Consent::ExpiredDeny | Consent::Permit => false,
    };
    // An advance choice lifts a standing refusal that covers the request
    // when the choice covers it too and the crisis it waits for is in
    // progress; it grants nothing, so nothing else may forbid. Lifted only
    // then: the engine counts a refusal as lifted when the request is
    // allowed with the choice, so a denial for another reason still names
    // the refusal (the ignored rule test
    // `a_refusal_a_choice_lifts_is_not_named_when_something_else_denies`
    // states the rules' reading).
    let chosen = cell
        .advance
        .waits_for(cell)
        .is_some_and(|(during, covers)| covers && cell.crisis.in_progress().contains(&during));
    let mut lifted = false;
    if refused && !break_glass_live && !choices {
        if chosen && !cell.holds_in_crisis && forbids.is_empty() {
            lifted = true;
        } else {
            forbids.push("consent-refused");
        }
    }

    if forbids.is_empty() {
        let mut permits = vec![if choices {
            "sharing-choices-with-the-care-team"
        } else {
            "shared-under-agreement"
        }];
        if lifted {
            permits.push("advance-choice-lifts-refusal");
        }
        if break_glass_live {
            permits.push("break-glass");
        }
        Expected {
            allowed: true,
            policies: permits,
            via_break_glass: break_glass_live,
        }
    } else {
        Expected {
            allowed: false,
            policies: forbids,
            via_break_glass: false,
        }
    }
}
