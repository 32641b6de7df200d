//! Writing the demo partnership into a store. Seeding an already-seeded store
//! does nothing, so `concordat demo` can be run again on its data folder.
//! One file at about 400 lines: the writes run in the order their rows
//! refer to each other, and that order reads best in one place.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use concordat_domain::agreement::{Agreement, Signature, Terms};
use concordat_domain::consent::{ConsentDirective, ConsentEffect, ConsentScope, RecordedVia};
use concordat_domain::ids::{AgreementId, ConsentId, OrganisationId, PersonId, TeamId, UserId};
use concordat_domain::organisation::{Organisation, OrganisationCode, Team};
use concordat_domain::referral::ServiceLevels;
use concordat_domain::role::Role;
use concordat_domain::source_system::SourceSystem;
use concordat_domain::text::PhoneNumber;
use concordat_domain::user::{DisplayName, User, Username};
use concordat_store::{
    advance_choices, agreements, care_teams, consent, crisis_plans, flags, masks, organisations,
    persons, referrals, source_systems, teams, users, wellbeing, Conn, Store,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::agreements::{charity_agreement, main_agreement, CHARITY_PARTIES, MAIN_PARTIES};
use super::partnership::{
    DemoSourceSystem, DemoUser, COMMUNITY_TEAM, CRISIS_TEAM, LINE_MANAGERS, ORGANISATIONS,
    SIGN_INS, SOURCE_SYSTEMS, STAFF, WARD,
};
use super::people::{
    scenario_people, synthetic_person, CareStaff, GeneratedPerson, NhsNumbers, ScenarioPerson,
    StaffMember,
};
use super::plans::{scenario_plan, synthetic_plan, Clinician};

/// The fixed seed: the demo is the same partnership on every machine.
const SEED: u64 = 0x0000_C04C_0DA7;
/// Plans and flags draw from their own stream, so adding them leaves the
/// people the same.
const PLAN_SEED: u64 = SEED + 1;

/// People written per transaction: large enough to be quick, small enough
/// that progress moves.
const BATCH: u32 = 2_000;

#[derive(Debug, Clone)]
pub struct SeedOptions {
    /// Synthetic people besides the scenario people.
    pub people: u32,
    /// The argon2 hash every demo account's password is checked against.
    pub password_hash: String,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct SeedSummary {
    /// False when the store already held a partnership and was left alone.
    pub created: bool,
    pub organisations: usize,
    pub users: usize,
    pub people: i64,
    pub scenarios: Vec<(String, String, String)>,
}

/// Seeds the demo partnership unless the store already has organisations.
/// `progress` is told how many synthetic people have been written so far.
pub async fn seed_partnership(
    store: &Store,
    options: &SeedOptions,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<SeedSummary> {
    let mut conn = store.read().await?;
    let existing = organisations::list_organisations(&mut conn).await?;
    if !existing.is_empty() {
        let people = persons::count_persons(&mut conn).await?;
        let users = users::list_users(&mut conn, None).await?.len();
        return Ok(SeedSummary {
            created: false,
            organisations: existing.len(),
            users,
            people,
            scenarios: Vec::new(),
        });
    }
    drop(conn);

    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let today = options.now.date_naive();
    let mut tx = store.write().await?;
    let orgs = insert_organisations(&mut tx, options.now).await?;
    let mut staff = CareStaff::default();
    let mut names: HashMap<UserId, &'static str> = HashMap::new();
    let mut usernames: HashMap<&'static str, UserId> = HashMap::new();
    let mut plan_rng = ChaCha8Rng::seed_from_u64(PLAN_SEED);
    let mut user_count = 0;
    let mut signatories: Vec<(OrganisationId, UserId, Role)> = Vec::new();
    for demo_user in SIGN_INS.iter().chain(STAFF) {
        let user = insert_demo_user(&mut tx, &orgs, demo_user, None, options).await?;
        signatories.push((user.organisation_id(), user.id(), user.role()));
        names.insert(user.id(), demo_user.name);
        usernames.insert(demo_user.username, user.id());
        file_staff(
            &mut staff,
            demo_user,
            StaffMember {
                user: user.id(),
                organisation: user.organisation_id(),
            },
        );
        user_count += 1;
    }
    for (member, manager) in LINE_MANAGERS {
        let id_of = |username: &str| {
            usernames
                .get(username)
                .copied()
                .ok_or_else(|| anyhow::anyhow!("no demo user `{username}`"))
        };
        wellbeing::set_line_manager(&mut tx, id_of(member)?, Some(id_of(manager)?)).await?;
    }

    let org_ids = |codes: &[&str]| -> anyhow::Result<Vec<OrganisationId>> {
        codes
            .iter()
            .map(|code| {
                orgs.iter()
                    .find(|(c, _, _)| c == code)
                    .map(|(_, id, _)| *id)
                    .ok_or_else(|| anyhow::anyhow!("no demo organisation `{code}`"))
            })
            .collect()
    };
    let main = main_agreement(org_ids(MAIN_PARTIES)?, today)?;
    let charity = charity_agreement(org_ids(CHARITY_PARTIES)?, today)?;
    let (main_id, ig_lead) =
        insert_signed_agreement(&mut tx, main, &signatories, options.now).await?;
    insert_signed_agreement(&mut tx, charity, &signatories, options.now).await?;
    // Referrals under the main agreement escalate, in the end, to its
    // information governance lead.
    referrals::set_service_levels(
        &mut tx,
        main_id,
        &ServiceLevels::default(),
        Some(ig_lead),
        ig_lead,
        options.now,
    )
    .await?;

    let scenarios = scenario_people(&mut rng, &staff, today)?;
    for scenario in &scenarios {
        // The people of the stories have been known for years.
        insert_generated(&mut tx, &scenario.generated, options.now, 730).await?;
        let person = scenario.generated.person.id();
        let by = clinician(&scenario.generated, &names)?;
        let (plan, raised) =
            scenario_plan(&mut plan_rng, scenario.nhs_number, person, by, options.now)?;
        if let Some(plan) = plan {
            insert_plan(&mut tx, &plan).await?;
        }
        for flag in &raised {
            flags::insert_flag(&mut tx, flag).await?;
        }
    }
    let police = org_ids(&["NSPOL"])?[0];
    if let (Some(refuser), Some(recorder)) = (
        scenarios.iter().find(|s| s.nhs_number == "9990000042"),
        staff.mh_practitioner,
    ) {
        let refusal = ConsentDirective::new(
            ConsentId::from_uuid(
                uuid::Builder::from_random_bytes(rand::Rng::gen(&mut rng)).into_uuid(),
            ),
            refuser.generated.person.id(),
            ConsentEffect::Deny,
            ConsentScope {
                organisation: Some(police),
                ..ConsentScope::default()
            },
            recorder.user,
            options.now - chrono::Duration::days(30),
            RecordedVia::InPerson,
            Some("Has capacity for this decision; discussed at her care review."),
            None,
        )?;
        consent::insert_directive(&mut tx, &refusal).await?;
        // Her address is withheld from all but her clinicians: she has
        // moved to get away from a former partner.
        let mask = masks::FieldMaskRecord {
            id: uuid::Builder::from_random_bytes(rand::Rng::gen(&mut rng)).into_uuid(),
            person: refuser.generated.person.id(),
            field: "address".into(),
            visible_to: vec![
                Role::CrisisClinician,
                Role::MentalHealthPractitioner,
                Role::Gp,
            ],
            reason: "at risk from a former partner; address known to her clinicians only".into(),
        };
        masks::insert_mask(&mut tx, &mask, recorder.user, options.now).await?;
        let name = names
            .get(&recorder.user)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("the demo practitioner has no name"))?;
        let mut choices = super::advance_choices::leahs(
            refuser.generated.person.id(),
            recorder.user,
            name,
            police,
            options.now,
        );
        advance_choices::record(&mut tx, &mut choices).await?;
    }
    let discharged = scenarios
        .iter()
        .find(|s| s.nhs_number == "9990000018")
        .map(|s| s.generated.person.id());
    let person_account = DemoUser {
        username: "person",
        name: "Daniel Reid",
        org: "NMHT",
        team: None,
        role: Role::Person,
    };
    let daniel = insert_demo_user(&mut tx, &orgs, &person_account, discharged, options).await?;
    user_count += 1;
    if let Some(mother) = scenarios
        .iter()
        .find(|s| s.nhs_number == "9990000018")
        .and_then(|s| s.generated.related.first())
    {
        let trust = org_ids(&["NMHT"])?[0];
        super::carers::seed(
            &mut tx,
            mother,
            daniel.id(),
            trust,
            &options.password_hash,
            options.now,
        )
        .await?;
        user_count += 1;
    }
    for system in SOURCE_SYSTEMS {
        insert_source_system(&mut tx, &orgs, system, options).await?;
        user_count += 1;
    }
    tx.commit().await?;

    let mut numbers = NhsNumbers::default();
    let mut written = 0u32;
    while written < options.people {
        let batch = BATCH.min(options.people - written);
        let mut tx = store.write().await?;
        for _ in 0..batch {
            let nhs = numbers
                .next()
                .ok_or_else(|| anyhow::anyhow!("ran out of test-range NHS numbers"))?;
            let generated = synthetic_person(&mut rng, nhs, &staff, today)?;
            let formed = formed_days_ago(generated.person.id());
            insert_generated(&mut tx, &generated, options.now, formed).await?;
            let by = clinician(&generated, &names)?;
            if let Some(plan) =
                synthetic_plan(&mut plan_rng, generated.person.id(), by, options.now)?
            {
                insert_plan(&mut tx, &plan).await?;
            }
        }
        tx.commit().await?;
        written += batch;
        progress(u64::from(written));
    }

    Ok(SeedSummary {
        created: true,
        organisations: orgs.len(),
        users: user_count,
        people: i64::from(options.people) + scenarios.len() as i64,
        scenarios: scenarios.iter().map(describe).collect(),
    })
}

/// Creates an agreement and has each party sign it: by its information
/// governance lead where it has one, otherwise by its first member of staff.
async fn insert_signed_agreement(
    conn: &mut Conn,
    terms: Terms,
    signatories: &[(OrganisationId, UserId, Role)],
    now: DateTime<Utc>,
) -> anyhow::Result<(AgreementId, UserId)> {
    let parties = terms.parties.clone();
    let mut agreement = Agreement::draft(AgreementId::new(), terms)?;
    let author = signatories
        .iter()
        .find(|(_, _, role)| *role == Role::IgLead)
        .map(|(_, user, _)| *user)
        .ok_or_else(|| {
            anyhow::anyhow!("the demo partnership has no information governance lead")
        })?;
    agreements::save_agreement(conn, &agreement, "created", author, now).await?;
    for party in parties {
        let signer = signatories
            .iter()
            .filter(|(org, _, _)| *org == party)
            .min_by_key(|(_, _, role)| *role != Role::IgLead)
            .map(|(_, user, _)| *user)
            .ok_or_else(|| anyhow::anyhow!("no one to sign for a party"))?;
        agreement = agreement.sign(Signature {
            organisation: party,
            signed_by: signer,
            signed_at: now,
        })?;
        agreements::save_agreement(conn, &agreement, "signed", signer, now).await?;
    }
    Ok((agreement.id(), author))
}

fn describe(s: &ScenarioPerson) -> (String, String, String) {
    let person = &s.generated.person;
    let nhs = person
        .nhs_number()
        .map(|n| n.formatted())
        .unwrap_or_default();
    (nhs, person.name().full(), s.story.to_owned())
}

/// The demo teams that take no referrals: they receive none and work with
/// no one directly.
const NOT_TAKING_REFERRALS: &[&str] = &[
    "Information Governance",
    "Control Room",
    "Joint Commissioning",
];

/// Organisation code → (organisation id, its teams by name).
type OrgIndex = Vec<(&'static str, OrganisationId, Vec<(&'static str, TeamId)>)>;

async fn insert_organisations(conn: &mut Conn, now: DateTime<Utc>) -> anyhow::Result<OrgIndex> {
    let mut index = Vec::new();
    for demo in ORGANISATIONS {
        let org = Organisation::new(
            OrganisationId::new(),
            OrganisationCode::parse(demo.code)?,
            demo.name,
            demo.kind,
        )?;
        organisations::insert_organisation(conn, &org, now).await?;
        let mut team_ids = Vec::new();
        for (name, phone) in demo.teams {
            let team = Team::new(
                TeamId::new(),
                org.id(),
                name,
                Some(PhoneNumber::parse(phone)?),
            )?
            .taking_referrals(!NOT_TAKING_REFERRALS.contains(name));
            teams::insert_team(conn, &team).await?;
            team_ids.push((*name, team.id()));
        }
        index.push((demo.code, org.id(), team_ids));
    }
    Ok(index)
}

async fn insert_demo_user(
    conn: &mut Conn,
    orgs: &OrgIndex,
    demo: &DemoUser,
    person: Option<PersonId>,
    options: &SeedOptions,
) -> anyhow::Result<User> {
    let (_, org_id, org_teams) = orgs
        .iter()
        .find(|(code, _, _)| *code == demo.org)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "demo user `{}` names unknown organisation `{}`",
                demo.username,
                demo.org
            )
        })?;
    let team = demo
        .team
        .map(|name| {
            org_teams
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, id)| *id)
                .ok_or_else(|| {
                    anyhow::anyhow!("demo user `{}` names unknown team `{name}`", demo.username)
                })
        })
        .transpose()?;
    let user = User::new(
        UserId::new(),
        Username::parse(demo.username)?,
        DisplayName::parse(demo.name)?,
        *org_id,
        team,
        demo.role,
        person,
        false,
    )?;
    users::insert_user(conn, &user, &options.password_hash, options.now).await?;
    Ok(user)
}

/// A partner's system, with its account and its registration.
async fn insert_source_system(
    conn: &mut Conn,
    orgs: &OrgIndex,
    system: &DemoSourceSystem,
    options: &SeedOptions,
) -> anyhow::Result<()> {
    let account = DemoUser {
        username: system.username,
        name: system.name,
        org: system.org,
        team: None,
        role: Role::SourceSystem,
    };
    let user = insert_demo_user(conn, orgs, &account, None, options).await?;
    let kind = ORGANISATIONS
        .iter()
        .find(|o| o.code == system.org)
        .map(|o| o.kind)
        .ok_or_else(|| {
            anyhow::anyhow!("source system `{}` names no organisation", system.username)
        })?;
    let registration = SourceSystem::register(user.id(), kind, system.kinds.iter().copied())?;
    source_systems::insert_source_system(conn, &registration, options.now).await?;
    Ok(())
}

fn file_staff(staff: &mut CareStaff, demo: &DemoUser, member: StaffMember) {
    match (demo.role, demo.team) {
        (Role::CrisisClinician, _) => staff.crisis.push(member),
        (Role::MentalHealthPractitioner, Some(COMMUNITY_TEAM)) => staff.community.push(member),
        (Role::MentalHealthPractitioner, Some(WARD)) => staff.ward.push(member),
        (Role::MentalHealthPractitioner, Some(_)) => staff.eating_disorder.push(member),
        (Role::Gp, _) => staff.gps.push(member),
        (Role::SocialWorker, _) => staff.social_workers.push(member),
        (Role::SupportWorker, _) => staff.support_workers.push(member),
        _ => {}
    }
    match demo.username {
        "crisis.nurse" => staff.crisis_nurse = Some(member),
        "mh.practitioner" => staff.mh_practitioner = Some(member),
        "gp" => staff.gp = Some(member),
        _ => {}
    }
    debug_assert!(demo.team != Some(CRISIS_TEAM) || demo.role == Role::CrisisClinician);
}

/// The lead of the person's care team, who wrote their plan with them.
fn clinician<'a>(
    generated: &GeneratedPerson,
    names: &HashMap<UserId, &'a str>,
) -> anyhow::Result<Clinician<'a>> {
    let lead = generated.care_team.lead_member();
    Ok(Clinician {
        user: lead.user_id(),
        organisation: lead.organisation_id(),
        name: names
            .get(&lead.user_id())
            .copied()
            .ok_or_else(|| anyhow::anyhow!("a care team's lead is not a demo user"))?,
    })
}

async fn insert_plan(
    conn: &mut Conn,
    plan: &concordat_domain::crisis_plan::PlanVersion,
) -> anyhow::Result<()> {
    crisis_plans::create_plan(conn, plan).await?;
    if plan.is_agreed() {
        crisis_plans::save_agreement(conn, plan).await?;
    }
    Ok(())
}

async fn insert_generated(
    conn: &mut Conn,
    generated: &GeneratedPerson,
    now: DateTime<Utc>,
    formed_days_ago: i64,
) -> anyhow::Result<()> {
    persons::insert_person(conn, &generated.person, now).await?;
    for related in &generated.related {
        persons::insert_related_person(conn, related).await?;
    }
    let formed_at = now - chrono::Duration::days(formed_days_ago);
    care_teams::insert_care_team(conn, &generated.care_team, formed_at).await?;
    Ok(())
}

/// How long ago a synthetic person's care team was formed: between a week
/// and two years, taken from the person's id so that the rest of the
/// generated data is as before, and the caseloads of the demo's year grow
/// as teams take people on.
fn formed_days_ago(person: PersonId) -> i64 {
    7 + i64::try_from(person.as_uuid().as_u128() % 723).unwrap_or(0)
}
