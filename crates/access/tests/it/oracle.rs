//! An independent statement of the access rules, written plainly in Rust
//! from DESIGN.md ("The access decision") and issue 3, for the policy
//! matrix to check the Cedar policies against. It shares nothing with the
//! engine but the vocabulary: if the two disagree, one of them is wrong.
//! The person's advance choices for a crisis are stated here as the rules
//! put them: a choice lifts a standing refusal only when it covers the
//! request, the crisis it names is in progress and nothing else stands in
//! the way. So are the person's carers: a carer sees exactly the items the
//! person lets them, each as part of its own category, and writes only to
//! their thread with the care team; nothing a professional's access turns
//! on counts for them, and nobody else may ask as a carer.

use concordat_access::AccessAction;
use concordat_domain::advance_choice::CrisisKind;
use concordat_domain::carer::CarerItem;
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

/// What the person lets their carer see in a cell, relative to the item
/// asked for where it names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Told {
    /// Nothing: the person has withdrawn the carer's access.
    Withdrawn,
    /// Only the thread with the care team: the carer may sign in, and the
    /// person has chosen no item.
    ThreadOnly,
    /// Every item, and the thread.
    Everything,
    /// Every item and the thread but the one asked for.
    AllButTheAsked,
    /// Only the item asked for (not the thread, unless that is what is
    /// asked for).
    OnlyTheAsked,
}

impl Told {
    /// The items the person lets the carer see, when `asked` is asked for.
    pub fn items(self, asked: Option<CarerItem>) -> Vec<CarerItem> {
        match self {
            Self::Withdrawn => Vec::new(),
            Self::ThreadOnly => vec![CarerItem::Messages],
            Self::Everything => CarerItem::ALL.to_vec(),
            Self::AllButTheAsked => CarerItem::ALL
                .into_iter()
                .filter(|i| Some(*i) != asked)
                .collect(),
            Self::OnlyTheAsked => asked.into_iter().collect(),
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
    /// The item a carer asks for; for anyone else, the item their request
    /// carries all the same, which must count for nothing.
    pub carer_item: Option<CarerItem>,
    /// What the person lets their carer see.
    pub told: Told,
    /// For a carer, whether they care for the person asked about (or for
    /// someone else).
    pub cares_for_the_person: bool,
}

/// The purposes the matrix's agreement names. Commissioning, own access and
/// carer access are there so that the rules against them, not the
/// agreement, must stop them; safeguarding is not, so the agreement must.
pub const AGREED_PURPOSES: [Purpose; 5] = [
    Purpose::DirectCare,
    Purpose::Emergency,
    Purpose::Commissioning,
    Purpose::OwnAccess,
    Purpose::CarerAccess,
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
        // Governance, commissioning, staff wellbeing, administration, the
        // person and their carers are granted nothing by an agreement.
        (
            Role::IgLead
            | Role::Commissioner
            | Role::WellbeingLead
            | Role::Admin
            | Role::Person
            | Role::Carer,
            _,
        ) => &[],
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
    if cell.role == Role::Carer {
        return carers_expected(cell);
    }
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
        if cell.purpose == Purpose::CarerAccess {
            policies.push("carer-access-is-the-carers");
        }
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
    if cell.purpose == Purpose::CarerAccess {
        forbids.push("carer-access-is-the-carers");
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

/// A carer: the person's choice is the whole of their access. They read an
/// item the person lets them see, as part of the category it belongs to,
/// for carer access, and write only to their thread with the care team.
/// Agreements, relationships, refusals, advance choices and break-glass are
/// about professionals and count for nothing here; a carer of someone else
/// is a carer of no one here. Own access is still the person's, and
/// commissioning still opens no record.
fn carers_expected(cell: &Cell) -> Expected {
    let told = cell.cares_for_the_person
        && cell.purpose == Purpose::CarerAccess
        && cell.carer_item.is_some_and(|item| {
            cell.told.items(cell.carer_item).contains(&item)
                && item.category() == cell.category
                && (cell.action == AccessAction::Read || item == CarerItem::Messages)
        });
    let mut forbids = Vec::new();
    if cell.purpose == Purpose::OwnAccess {
        forbids.push("own-access-is-the-persons");
    }
    if !cell.cares_for_the_person {
        forbids.push("carer-of-this-person-only");
    } else if !told {
        forbids.push("carers-see-only-what-they-are-told");
    }
    if cell.purpose == Purpose::Commissioning {
        forbids.push("commissioning-sees-no-records");
    }
    Expected {
        allowed: forbids.is_empty(),
        policies: if forbids.is_empty() {
            vec!["carer-told"]
        } else {
            forbids
        },
        via_break_glass: false,
    }
}
