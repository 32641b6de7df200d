//! The matrix's store-state dimensions (agreement, consent and advance
//! choices, relationship, break-glass, and what the person lets their carer
//! see), the organisations and who asks, and the sampled axes.

use concordat_access::AccessAction;
use concordat_domain::carer::CarerItem;
use concordat_domain::category::DataCategory;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;

/// The one agreement's state, in the order the test moves it through its
/// life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AgreementState {
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

pub(super) const AGREEMENT_STATES: [AgreementState; 6] = [
    AgreementState::DraftPartlySigned,
    AgreementState::Active,
    AgreementState::Suspended,
    AgreementState::ActiveButPartlySigned,
    AgreementState::OutOfDate,
    AgreementState::Ended,
];

/// The person's consent directives — and, in the last five states, their
/// advance choices for a crisis with the contact that puts them in one (or
/// did), recorded by a police officer who is never asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ConsentState {
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
    /// Refuses the police; the advance choices in force let the police see
    /// everything during a section 136 (the version before refused them
    /// even in a crisis); a section 136 is open.
    LetPoliceInSection136,
    /// The same, but the section 136 has ended.
    LetPoliceInSection136Ended,
    /// The same, but only a street triage is open: a crisis, but not the
    /// one the choice waits for.
    LetPoliceInSection136DuringStreetTriage,
    /// Refuses the police; the advance choices let the police see
    /// everything during a section 136 and refuse the police even in a
    /// crisis; a section 136 is open.
    RefusePoliceEvenInCrisis,
    /// Refuses everything; the advance choice lets the police see the
    /// crisis plan in an emergency during any crisis; a street triage is
    /// open.
    LetPoliceThePlanInAnyCrisis,
}

pub(super) const CONSENT_STATES: [ConsentState; 13] = [
    ConsentState::None,
    ConsentState::DenyPolice,
    ConsentState::DenyClinical,
    ConsentState::DenyEmergency,
    ConsentState::ExpiredDeny,
    ConsentState::WithdrawnDeny,
    ConsentState::Permit,
    ConsentState::DenyPoliceThenPermitPolice,
    ConsentState::LetPoliceInSection136,
    ConsentState::LetPoliceInSection136Ended,
    ConsentState::LetPoliceInSection136DuringStreetTriage,
    ConsentState::RefusePoliceEvenInCrisis,
    ConsentState::LetPoliceThePlanInAnyCrisis,
];

impl ConsentState {
    /// Whether the person has advance choices for a crisis in this state.
    pub(super) fn has_advance_choices(self) -> bool {
        matches!(
            self,
            Self::LetPoliceInSection136
                | Self::LetPoliceInSection136Ended
                | Self::LetPoliceInSection136DuringStreetTriage
                | Self::RefusePoliceEvenInCrisis
                | Self::LetPoliceThePlanInAnyCrisis
        )
    }

    /// The break-glass states this consent state is written with. The
    /// advance choices are written with no override and a live one only:
    /// an expired override and a colleague's are no override, as the other
    /// consent states already show under every other dimension, and leaving
    /// them out keeps the matrix's growth to a third.
    pub(super) fn break_glass_states(self) -> &'static [BreakGlassState] {
        if self.has_advance_choices() {
            &[BreakGlassState::None, BreakGlassState::Live]
        } else {
            &BREAK_GLASS_STATES
        }
    }
}

/// How many (consent, break-glass) pairs are written per relationship
/// state: 8 × 4 + 5 × 2 = 42, so 6 × 42 × 12 = 3,024 store states (2,304
/// before the advance choices, a third more).
pub(super) fn consent_and_break_glass_pairs() -> usize {
    CONSENT_STATES
        .iter()
        .map(|c| c.break_glass_states().len())
        .sum()
}

/// How every professional user stands to the person, and where that came
/// from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RelationshipState {
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

pub(super) const RELATIONSHIP_STATES: [RelationshipState; 12] = [
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
pub(super) enum BreakGlassState {
    None,
    /// Every professional user holds a live override for the person.
    Live,
    /// Every professional user held one; it has expired.
    Expired,
    /// A colleague in each organisation holds a live override; the user
    /// does not.
    ColleaguesLive,
}

pub(super) const BREAK_GLASS_STATES: [BreakGlassState; 4] = [
    BreakGlassState::None,
    BreakGlassState::Live,
    BreakGlassState::Expired,
    BreakGlassState::ColleaguesLive,
];

/// What the person lets their carer see, as the store has it: dealt over
/// the people of the matrix (each has a carer), not crossed with the other
/// dimensions, which count for nothing for a carer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CarerState {
    /// The carer's account stands and the person has chosen no item: the
    /// thread with the care team is all.
    NothingChosen,
    /// That they are in hospital and what helps them; the other items
    /// recorded as a "no".
    SomeChosen,
    /// Every item.
    EverythingChosen,
    /// Every item, and then who to call and what helps taken back.
    ChangedTheirMind,
    /// Every item, and then the carer's access withdrawn.
    Withdrawn,
}

pub(super) const CARER_STATES: [CarerState; 5] = [
    CarerState::NothingChosen,
    CarerState::SomeChosen,
    CarerState::EverythingChosen,
    CarerState::ChangedTheirMind,
    CarerState::Withdrawn,
];

impl CarerState {
    /// The person's choices, in the order they were recorded: each a list
    /// of (item, yes or no).
    pub(super) fn choices(self) -> Vec<Vec<(CarerItem, bool)>> {
        let all = |yes: bool| CarerItem::CHOSEN.map(|item| (item, yes)).to_vec();
        match self {
            Self::NothingChosen => Vec::new(),
            Self::SomeChosen => vec![CarerItem::CHOSEN
                .map(|item| {
                    let yes = matches!(item, CarerItem::Admission | CarerItem::WhatHelps);
                    (item, yes)
                })
                .to_vec()],
            Self::EverythingChosen | Self::Withdrawn => vec![all(true)],
            Self::ChangedTheirMind => vec![
                all(true),
                vec![(CarerItem::WhoToCall, false), (CarerItem::WhatHelps, false)],
            ],
        }
    }

    /// What the carer may see in this state: the items the person said yes
    /// to last, and the thread, while the carer's access stands.
    pub(super) fn items(self) -> Vec<CarerItem> {
        if self == Self::Withdrawn {
            return Vec::new();
        }
        let mut items: Vec<CarerItem> = CarerItem::CHOSEN
            .into_iter()
            .filter(|item| {
                self.choices()
                    .iter()
                    .rev()
                    .find_map(|choices| choices.iter().find(|(i, _)| i == item))
                    .is_some_and(|(_, yes)| *yes)
            })
            .collect();
        items.push(CarerItem::Messages);
        items
    }
}

/// The three organisations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    /// Northshire Mental Health Trust, party to the agreement.
    Trust,
    /// Northshire Police, party to the agreement.
    Police,
    /// Eastgate Hospital's emergency department, out of area: party to no
    /// agreement.
    NonParty,
}

pub(super) const SIDES: [Side; 3] = [Side::Trust, Side::Police, Side::NonParty];

impl Side {
    pub(super) fn word(self) -> &'static str {
        match self {
            Self::Trust => "trust",
            Self::Police => "police",
            Self::NonParty => "non-party",
        }
    }
}

/// Who asks: a professional of a role in an organisation, a person, or a
/// carer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Who {
    Professional(Role, Side),
    /// The person whose record it is, through their own account.
    ThePerson,
    /// Another person, through their own account.
    AStranger,
    /// The person's carer, through their own account, asking for an item
    /// (or, as a carer's request never should, for none).
    TheirCarer(Option<CarerItem>),
    /// The carer of another person, whom that person lets see everything,
    /// asking for who to call.
    AnotherPersonsCarer,
}

impl Who {
    /// The item a carer asks for; `None` for everyone else.
    pub(super) fn carer_item(self) -> Option<CarerItem> {
        match self {
            Self::TheirCarer(item) => item,
            Self::AnotherPersonsCarer => Some(CarerItem::WhoToCall),
            Self::Professional(..) | Self::ThePerson | Self::AStranger => None,
        }
    }
}

/// The roles that act for an organisation: every role but the person's and
/// their carers'.
pub(super) fn professional_roles() -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| r.is_professional())
        .collect()
}

/// The user axis: 39 professionals, the person and a stranger, then the
/// person's carer asking for each item or none, and another person's carer.
pub(super) fn everyone() -> Vec<Who> {
    let mut all = Vec::new();
    for side in SIDES {
        for role in professional_roles() {
            all.push(Who::Professional(role, side));
        }
    }
    all.push(Who::ThePerson);
    all.push(Who::AStranger);
    all.push(Who::TheirCarer(None));
    for item in CarerItem::ALL {
        all.push(Who::TheirCarer(Some(item)));
    }
    all.push(Who::AnotherPersonsCarer);
    all
}

/// (category, purpose, action), the other sampled axes.
pub(super) fn triples() -> Vec<(DataCategory, Purpose, AccessAction)> {
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
