//! The organisations, teams and staff of the demo partnership. Phone numbers
//! are from the range Ofcom reserves for drama (01632 960xxx); none is real.
//! Its length is data, not logic: the partnership's tables are kept whole so
//! a reader sees everyone in it at once.

use concordat_domain::contact_event::ContactKind;
use concordat_domain::organisation::OrganisationKind;
use concordat_domain::role::Role;

#[derive(Debug)]
pub struct DemoOrganisation {
    pub code: &'static str,
    pub name: &'static str,
    pub kind: OrganisationKind,
    /// (team name, duty phone)
    pub teams: &'static [(&'static str, &'static str)],
}

pub const ORGANISATIONS: &[DemoOrganisation] = &[
    DemoOrganisation {
        code: "NMHT",
        name: "Northshire Mental Health NHS Foundation Trust",
        kind: OrganisationKind::NhsTrust,
        teams: &[
            (CRISIS_TEAM, "01632 960100"),
            (COMMUNITY_TEAM, "01632 960110"),
            (WARD, "01632 960120"),
            ("Information Governance", "01632 960130"),
        ],
    },
    DemoOrganisation {
        code: "GPRIV",
        name: "Riverside Surgery",
        kind: OrganisationKind::GpPractice,
        teams: &[("Riverside Surgery Clinicians", "01632 960300")],
    },
    DemoOrganisation {
        code: "GPMKT",
        name: "Market Street Medical Centre",
        kind: OrganisationKind::GpPractice,
        teams: &[("Market Street Clinicians", "01632 960310")],
    },
    DemoOrganisation {
        code: "GPHIL",
        name: "Hillview Health Centre",
        kind: OrganisationKind::GpPractice,
        teams: &[("Hillview Clinicians", "01632 960320")],
    },
    DemoOrganisation {
        code: "NSPOL",
        name: "Northshire Police",
        kind: OrganisationKind::Police,
        teams: &[
            ("Street Triage", "01632 960200"),
            ("Control Room", "01632 960210"),
        ],
    },
    DemoOrganisation {
        code: "NSAMB",
        name: "Northshire Ambulance Service NHS Trust",
        kind: OrganisationKind::Ambulance,
        teams: &[("Clinical Hub", "01632 960400")],
    },
    DemoOrganisation {
        code: "NGHED",
        name: "Northshire General Hospital Emergency Department",
        kind: OrganisationKind::EmergencyDepartment,
        teams: &[
            ("Emergency Department", "01632 960500"),
            ("Mental Health Liaison", "01632 960510"),
        ],
    },
    DemoOrganisation {
        code: "NS111",
        name: "NHS 111 Northshire",
        kind: OrganisationKind::Nhs111,
        teams: &[("Clinical Assessment Service", "01632 960600")],
    },
    DemoOrganisation {
        code: "NSASC",
        name: "Northshire Council Adult Social Care",
        kind: OrganisationKind::LocalAuthority,
        teams: &[
            ("Adult Social Care Duty Team", "01632 960700"),
            ("Joint Commissioning", "01632 960710"),
        ],
    },
    DemoOrganisation {
        code: "WWELL",
        name: "Working Well Northshire",
        kind: OrganisationKind::Charity,
        teams: &[("Employment Support", "01632 960800")],
    },
    DemoOrganisation {
        code: "NEDS",
        name: "Northshire Eating Disorder Service",
        kind: OrganisationKind::SpecialistService,
        teams: &[("Adult Eating Disorder Team", "01632 960900")],
    },
];

pub const CRISIS_TEAM: &str = "Crisis Resolution and Home Treatment Team";
pub const COMMUNITY_TEAM: &str = "North Community Mental Health Team";
pub const WARD: &str = "Willow Ward";

#[derive(Debug)]
pub struct DemoUser {
    pub username: &'static str,
    pub name: &'static str,
    pub org: &'static str,
    pub team: Option<&'static str>,
    pub role: Role,
}

const fn user(
    username: &'static str,
    name: &'static str,
    org: &'static str,
    team: Option<&'static str>,
    role: Role,
) -> DemoUser {
    DemoUser {
        username,
        name,
        org,
        team,
        role,
    }
}

/// The sign-ins printed by `concordat demo`, one per kind of user. The
/// `person` account is added with the person it belongs to.
pub const SIGN_INS: &[DemoUser] = &[
    user(
        "crisis.nurse",
        "Priya Shah",
        "NMHT",
        Some(CRISIS_TEAM),
        Role::CrisisClinician,
    ),
    user(
        "mh.practitioner",
        "Tom Ellis",
        "NMHT",
        Some(COMMUNITY_TEAM),
        Role::MentalHealthPractitioner,
    ),
    user(
        "gp",
        "Dr Helen Carter",
        "GPRIV",
        Some("Riverside Surgery Clinicians"),
        Role::Gp,
    ),
    user(
        "police",
        "PC Sam Whitaker",
        "NSPOL",
        Some("Street Triage"),
        Role::PoliceOfficer,
    ),
    user(
        "paramedic",
        "Jo Adeyemi",
        "NSAMB",
        Some("Clinical Hub"),
        Role::Paramedic,
    ),
    user(
        "ed.clinician",
        "Dr Marcus Lee",
        "NGHED",
        Some("Emergency Department"),
        Role::EdClinician,
    ),
    user(
        "social.worker",
        "Fatima Begum",
        "NSASC",
        Some("Adult Social Care Duty Team"),
        Role::SocialWorker,
    ),
    user(
        "charity.worker",
        "Owen Price",
        "WWELL",
        Some("Employment Support"),
        Role::SupportWorker,
    ),
    user(
        "ig.lead",
        "Ruth Okafor",
        "NMHT",
        Some("Information Governance"),
        Role::IgLead,
    ),
    user(
        "commissioner",
        "Graham Walsh",
        "NSASC",
        Some("Joint Commissioning"),
        Role::Commissioner,
    ),
    user("admin", "Alex Morgan", "NMHT", None, Role::Admin),
    user(
        "wellbeing.lead",
        "Sgt Dev Patel",
        "NSPOL",
        None,
        Role::WellbeingLead,
    ),
];

/// The rest of the partnership's staff, so that teams have colleagues and
/// care teams have more than one face.
pub const STAFF: &[DemoUser] = &[
    user(
        "a.novak",
        "Anna Novak",
        "NMHT",
        Some(CRISIS_TEAM),
        Role::CrisisClinician,
    ),
    user(
        "d.osei",
        "Daniel Osei",
        "NMHT",
        Some(CRISIS_TEAM),
        Role::CrisisClinician,
    ),
    user(
        "l.fraser",
        "Laura Fraser",
        "NMHT",
        Some(COMMUNITY_TEAM),
        Role::MentalHealthPractitioner,
    ),
    user(
        "k.malik",
        "Kamran Malik",
        "NMHT",
        Some(COMMUNITY_TEAM),
        Role::MentalHealthPractitioner,
    ),
    user(
        "s.dunn",
        "Sarah Dunn",
        "NMHT",
        Some(WARD),
        Role::MentalHealthPractitioner,
    ),
    user(
        "j.baptiste",
        "Jean Baptiste",
        "NMHT",
        Some(WARD),
        Role::MentalHealthPractitioner,
    ),
    user(
        "r.hale",
        "Rebecca Hale",
        "NMHT",
        Some(COMMUNITY_TEAM),
        Role::MentalHealthPractitioner,
    ),
    user(
        "dr.singh",
        "Dr Arjun Singh",
        "GPMKT",
        Some("Market Street Clinicians"),
        Role::Gp,
    ),
    user(
        "dr.wood",
        "Dr Emma Wood",
        "GPHIL",
        Some("Hillview Clinicians"),
        Role::Gp,
    ),
    user(
        "dr.evans",
        "Dr Gareth Evans",
        "GPRIV",
        Some("Riverside Surgery Clinicians"),
        Role::Gp,
    ),
    user(
        "pc.jones",
        "PC Rhian Jones",
        "NSPOL",
        Some("Street Triage"),
        Role::PoliceOfficer,
    ),
    user(
        "pc.ahmed",
        "PC Bilal Ahmed",
        "NSPOL",
        Some("Control Room"),
        Role::PoliceOfficer,
    ),
    user("police.ig", "Insp Carol Dale", "NSPOL", None, Role::IgLead),
    user(
        "sgt.hill",
        "Sgt Laura Hill",
        "NSPOL",
        None,
        Role::PoliceOfficer,
    ),
    user(
        "amb.wellbeing",
        "Grace Holloway",
        "NSAMB",
        None,
        Role::WellbeingLead,
    ),
    user(
        "m.clarke",
        "Mia Clarke",
        "NSAMB",
        Some("Clinical Hub"),
        Role::Paramedic,
    ),
    user(
        "p.nowak",
        "Piotr Nowak",
        "NSAMB",
        Some("Clinical Hub"),
        Role::Paramedic,
    ),
    user(
        "n.obi",
        "Dr Ngozi Obi",
        "NGHED",
        Some("Mental Health Liaison"),
        Role::EdClinician,
    ),
    user(
        "c.ward",
        "Chris Ward",
        "NS111",
        Some("Clinical Assessment Service"),
        Role::Nhs111Advisor,
    ),
    user(
        "h.kaur",
        "Harpreet Kaur",
        "NS111",
        Some("Clinical Assessment Service"),
        Role::Nhs111Advisor,
    ),
    user(
        "b.foster",
        "Ben Foster",
        "NSASC",
        Some("Adult Social Care Duty Team"),
        Role::SocialWorker,
    ),
    user("council.ig", "Yvonne Clark", "NSASC", None, Role::IgLead),
    user(
        "e.rossi",
        "Elena Rossi",
        "WWELL",
        Some("Employment Support"),
        Role::SupportWorker,
    ),
    user(
        "v.patel",
        "Dr Vikram Patel",
        "NEDS",
        Some("Adult Eating Disorder Team"),
        Role::MentalHealthPractitioner,
    ),
    user(
        "g.moore",
        "Grace Moore",
        "NEDS",
        Some("Adult Eating Disorder Team"),
        Role::MentalHealthPractitioner,
    ),
    user("neds.ig", "Martin Hughes", "NEDS", None, Role::IgLead),
    user("amb.ig", "Louise Grant", "NSAMB", None, Role::IgLead),
    user(
        "t.barker",
        "Tessa Barker",
        "NMHT",
        Some(CRISIS_TEAM),
        Role::CrisisClinician,
    ),
    user(
        "i.mensah",
        "Isaac Mensah",
        "NGHED",
        Some("Emergency Department"),
        Role::EdClinician,
    ),
];

/// Whose line manager is whom (staff, manager): after a traumatic
/// incident the manager is told only that support was offered.
pub const LINE_MANAGERS: &[(&str, &str)] = &[
    ("police", "sgt.hill"),
    ("pc.jones", "sgt.hill"),
    ("paramedic", "m.clarke"),
];

/// A partner's own system that reports contacts through the API.
#[derive(Debug)]
pub struct DemoSourceSystem {
    /// Its account's username, and the name its events carry as their
    /// source.
    pub username: &'static str,
    pub name: &'static str,
    pub org: &'static str,
    pub kinds: &'static [ContactKind],
}

/// The partners' systems registered to report contacts, each for kinds its
/// organisation can truthfully report.
pub const SOURCE_SYSTEMS: &[DemoSourceSystem] = &[
    DemoSourceSystem {
        username: "northshire-ed",
        name: "Northshire General ED system",
        org: "NGHED",
        kinds: &[
            ContactKind::EdAttendance,
            ContactKind::Admission,
            ContactKind::Discharge,
            ContactKind::PlannedDischargeDate,
        ],
    },
    DemoSourceSystem {
        username: "nmht-pas",
        name: "Northshire Mental Health patient administration system",
        org: "NMHT",
        kinds: &[
            ContactKind::Admission,
            ContactKind::Discharge,
            ContactKind::PlannedDischargeDate,
            ContactKind::FollowUp,
            ContactKind::CrisisLineCall,
        ],
    },
    DemoSourceSystem {
        username: "ambulance-cad",
        name: "Northshire Ambulance dispatch",
        org: "NSAMB",
        kinds: &[
            ContactKind::Call999,
            ContactKind::ConveyanceToEd,
            ContactKind::AdviceGiven,
        ],
    },
    DemoSourceSystem {
        username: "police-control",
        name: "Northshire Police control room",
        org: "NSPOL",
        kinds: &[
            ContactKind::Call999,
            ContactKind::StreetTriage,
            ContactKind::Section136,
        ],
    },
    DemoSourceSystem {
        username: "nhs111-cas",
        name: "NHS 111 Northshire clinical assessment system",
        org: "NS111",
        kinds: &[ContactKind::Call111, ContactKind::CrisisLineCall],
    },
];
