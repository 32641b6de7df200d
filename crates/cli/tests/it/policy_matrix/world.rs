//! The world, in the store: three organisations, their teams, a user per
//! professional role in each, crisis-role colleagues, a stranger and the
//! carer of the stranger.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use concordat_domain::carer::CarerItem;
use concordat_domain::ids::{
    AgreementId, OrganisationId, PersonId, RelatedPersonId, TeamId, UserId,
};
use concordat_domain::organisation::{Organisation, OrganisationCode, OrganisationKind, Team};
use concordat_domain::person::{BirthDate, Person, PersonName};
use concordat_domain::related_person::{RelatedPerson, Relationship};
use concordat_domain::role::Role;
use concordat_domain::user::{DisplayName, User, Username};
use concordat_store::{carers, organisations, persons, teams, users, Conn, Store};

use super::dimensions::{professional_roles, Side, SIDES};

pub(super) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 3, 9, 0, 0).unwrap()
}

pub(super) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub(super) struct World {
    pub(super) organisations: [OrganisationId; 3],
    /// Per organisation: the team every professional user is in, and a
    /// team none of them is in.
    pub(super) teams: [(TeamId, TeamId); 3],
    /// One user per professional role and organisation, in [`everyone`]'s
    /// order.
    pub(super) professionals: Vec<User>,
    /// A crisis-role colleague in each organisation, never asked about.
    pub(super) colleagues: [User; 3],
    /// The account of a person other than any asked about.
    pub(super) stranger: User,
    /// The account of that person's carer, whom they let see everything.
    pub(super) strangers_carer: User,
    pub(super) agreement: AgreementId,
}

impl World {
    pub(super) fn organisation(&self, side: Side) -> OrganisationId {
        self.organisations[side as usize]
    }

    pub(super) fn colleague(&self, side: Side) -> &User {
        &self.colleagues[side as usize]
    }

    pub(super) fn professional(&self, role: Role, side: Side) -> &User {
        self.professionals
            .iter()
            .find(|u| u.role() == role && u.organisation_id() == self.organisation(side))
            .expect("a user for every role in every organisation")
    }
}

pub(super) fn user(
    name: &str,
    organisation: OrganisationId,
    role: Role,
    person: Option<PersonId>,
) -> User {
    member(name, organisation, None, role, person)
}

pub(super) fn member(
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

/// Writes a nominated carer of `person`, with an account of the trust's
/// (which invited them), and the person's choices for them, recorded in
/// turn by `by`: each a list of (item, yes or no).
pub(super) async fn write_carer(
    conn: &mut Conn,
    name: &str,
    person: PersonId,
    trust: OrganisationId,
    choices: &[Vec<(CarerItem, bool)>],
    by: UserId,
) -> User {
    let related = RelatedPerson::new(
        RelatedPersonId::new(),
        person,
        PersonName::new("Sam", name).unwrap(),
        Relationship::Parent,
        None,
        None,
        true,
    );
    persons::insert_related_person(&mut *conn, &related)
        .await
        .unwrap();
    let carer = User::carer(
        UserId::new(),
        Username::parse(name).unwrap(),
        DisplayName::parse(name).unwrap(),
        trust,
        related.carer_of(),
        false,
    );
    users::insert_user(&mut *conn, &carer, "not-a-password-hash", now())
        .await
        .unwrap();
    // The earliest choices first, ten days apart; the last ten days ago.
    for (i, made) in choices.iter().enumerate() {
        let at = now() - chrono::Duration::days(10 * (choices.len() - i) as i64);
        carers::set_sharing(
            &mut *conn,
            person,
            related.id(),
            made,
            carers::ShareBasis::Person,
            by,
            at,
        )
        .await
        .unwrap();
    }
    carer
}

pub(super) fn person(family: &str) -> Person {
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

pub(super) async fn build_world(store: &Store) -> World {
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
    let everything = CarerItem::CHOSEN.map(|item| (item, true)).to_vec();
    let strangers_carer = write_carer(
        &mut tx,
        "strangers-carer",
        someone_else.id(),
        ids[0],
        &[everything],
        stranger.id(),
    )
    .await;
    tx.commit().await.unwrap();

    World {
        organisations: ids,
        teams: team_ids,
        professionals,
        colleagues,
        stranger,
        strangers_carer,
        agreement: AgreementId::new(),
    }
}
