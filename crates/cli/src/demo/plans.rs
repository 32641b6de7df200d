//! Crisis plans and safety flags for the demo: the scenario people's plans
//! written as they might have been with them, and for the synthetic
//! caseload a spread of agreed, overdue, draft and missing plans so the
//! coverage audit has something true to count.

use chrono::{DateTime, Duration, Utc};
use concordat_domain::consent::RecordedVia;
use concordat_domain::crisis_plan::{
    Agreeing, Author, ContactInput, PersonAgreement, PlanSections, PlanStatus, PlanVersion,
    ProfessionalAgreement, SectionsInput,
};
use concordat_domain::flag::{FlagCategory, FlagState, SafetyFlag, Severity};
use concordat_domain::ids::OrganisationId;
use concordat_domain::ids::{CrisisPlanId, FlagId, PersonId, UserId};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

/// Who wrote and agreed a plan with the person.
#[derive(Debug, Clone, Copy)]
pub struct Clinician<'a> {
    pub user: UserId,
    pub organisation: OrganisationId,
    pub name: &'a str,
}

fn id(rng: &mut ChaCha8Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.gen()).into_uuid()
}

fn contact(name: &str, relationship: &str, phone: &str, when: &str) -> ContactInput {
    ContactInput {
        name: name.into(),
        relationship: relationship.into(),
        phone: phone.into(),
        when_to_call: when.into(),
        ..ContactInput::default()
    }
}

fn professional(name: &str, service: &str, phone: &str, hours: &str) -> ContactInput {
    ContactInput {
        name: name.into(),
        service: service.into(),
        phone: phone.into(),
        hours: hours.into(),
        ..ContactInput::default()
    }
}

const CRISIS_LINE: &str = "01632 960 100";
const COMMUNITY_DUTY: &str = "01632 960 200";

/// A version written by `by` at `written`, agreed with the person `agreed`
/// later (or left a draft when `agreed` is `None`).
fn version(
    rng: &mut ChaCha8Rng,
    person: PersonId,
    sections: PlanSections,
    by: Clinician<'_>,
    written: DateTime<Utc>,
    agreed: Option<DateTime<Utc>>,
) -> anyhow::Result<PlanVersion> {
    let mut v = PlanVersion {
        plan: CrisisPlanId::from_uuid(id(rng)),
        person,
        number: 1,
        status: PlanStatus::Draft,
        sections,
        based_on: None,
        author: Author {
            user: Some(by.user),
            name: by.name.to_owned(),
            is_the_person: false,
        },
        created_at: written,
        person_agreement: None,
        professional_agreement: None,
        agreed_at: None,
        review_due: None,
    };
    if let Some(at) = agreed {
        v.agree(
            Agreeing::Professional(ProfessionalAgreement {
                at,
                via: RecordedVia::InPerson,
                user: by.user,
                name: by.name.to_owned(),
            }),
            None,
        )?;
        v.agree(
            Agreeing::Person(PersonAgreement {
                at,
                via: RecordedVia::InPerson,
                recorded_by: by.user,
                recorder_name: by.name.to_owned(),
            }),
            None,
        )?;
    }
    Ok(v)
}

fn sections(input: SectionsInput) -> anyhow::Result<PlanSections> {
    PlanSections::parse(input).map_err(|problems| {
        anyhow::anyhow!(
            "demo plan is not valid: {}",
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        )
    })
}

/// What a demo flag says: category, severity, summary, basis.
type FlagText<'a> = (FlagCategory, Severity, &'a str, &'a str);

fn flag(
    rng: &mut ChaCha8Rng,
    person: PersonId,
    by: Clinician<'_>,
    (category, severity, summary, basis): FlagText<'_>,
    raised: DateTime<Utc>,
) -> SafetyFlag {
    SafetyFlag {
        id: FlagId::from_uuid(id(rng)),
        person,
        category,
        severity,
        summary: summary.into(),
        basis: basis.into(),
        raised_by: by.user,
        raised_by_name: by.name.into(),
        organisation: by.organisation,
        raised_at: raised,
        review_on: (raised + Duration::days(120)).date_naive(),
        ends_on: None,
        state: FlagState::Active,
        closed_reason: None,
    }
}

/// The plan and flags of a scenario person, by NHS number.
pub fn scenario_plan(
    rng: &mut ChaCha8Rng,
    nhs_number: &str,
    person: PersonId,
    by: Clinician<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<(Option<PlanVersion>, Vec<SafetyFlag>)> {
    let days = Duration::days;
    Ok(match nhs_number {
        // Gary calls 999 often; police, ambulance and ED meet him at night.
        "9990000034" => {
            let plan = sections(SectionsInput {
                early_warning_signs: "Stops answering the phone\nTalks about his brother who died\nDrinks more than usual".into(),
                triggers: "The anniversary of his brother's death (March)\nLetters about benefits".into(),
                what_helps: "Speak calmly and give him time to answer\nOffer a cup of tea and somewhere quiet to sit\nRemind him his sister Karen can come".into(),
                what_does_not_help: "Being crowded by several officers at once\nBeing touched without being told first\nBeing taken to a cell — say where you are taking him".into(),
                people_to_contact: vec![contact("Karen Holt", "Sister", "07700 900 461", "Any time; she has a key")],
                professional_contacts: vec![
                    professional(by.name, "Crisis team key worker", COMMUNITY_DUTY, "in-hours"),
                    professional("Northshire Crisis Line", "Crisis team", CRISIS_LINE, "out-of-hours"),
                ],
                practical_arrangements: "His dog Bess needs feeding if he is admitted; Karen will take her.".into(),
                treatment_preferences: "Prefers Northshire General Hospital.\nDoes not want lorazepam: it made him feel out of control.".into(),
                own_words: "When I ring 999 I am frightened, not trying to waste your time.".into(),
            })?;
            let flags = vec![
                flag(
                    rng,
                    person,
                    by,
                    (
                        FlagCategory::RiskToSelf,
                        Severity::High,
                        "Has taken overdoses when intoxicated",
                        "Two ED attendances this year",
                    ),
                    now - days(40),
                ),
                flag(
                    rng,
                    person,
                    by,
                    (
                        FlagCategory::Communication,
                        Severity::Low,
                        "Hard of hearing in the left ear: face him when speaking",
                        "Told us at assessment",
                    ),
                    now - days(200),
                ),
            ];
            (
                Some(version(
                    rng,
                    person,
                    plan,
                    by,
                    now - days(60),
                    Some(now - days(58)),
                )?),
                flags,
            )
        }
        // Leah refused sharing with the police; her plan exists but police
        // see only that it does.
        "9990000042" => {
            let plan = sections(SectionsInput {
                early_warning_signs:
                    "Sleeping in the day and awake all night\nCancelling appointments".into(),
                triggers: "Contact from her former partner".into(),
                what_helps: "A female clinician where possible\nTime to settle before questions"
                    .into(),
                what_does_not_help:
                    "Raised voices\nBeing asked about her former partner in front of others".into(),
                people_to_contact: vec![contact(
                    "Jordan Ellis",
                    "Partner",
                    "07700 900 512",
                    "Evenings and weekends",
                )],
                professional_contacts: vec![professional(
                    "Northshire Crisis Line",
                    "Crisis team",
                    CRISIS_LINE,
                    "out-of-hours",
                )],
                ..SectionsInput::default()
            })?;
            let flags = vec![flag(
                rng,
                person,
                by,
                (
                    FlagCategory::RiskFromOthers,
                    Severity::High,
                    "At risk from a former partner; do not disclose her whereabouts",
                    "MARAC referral",
                ),
                now - days(90),
            )];
            (
                Some(version(
                    rng,
                    person,
                    plan,
                    by,
                    now - days(100),
                    Some(now - days(95)),
                )?),
                flags,
            )
        }
        // Daniel's plan was agreed eight months ago: its review is overdue.
        "9990000018" => {
            let plan = sections(SectionsInput {
                early_warning_signs: "Withdraws to his room\nStops eating with the family".into(),
                what_helps: "His mother Margaret being told early\nA walk outside with staff"
                    .into(),
                what_does_not_help: "Being woken for observations without explanation".into(),
                people_to_contact: vec![contact(
                    "Margaret Reid",
                    "Mother",
                    "07700 900 733",
                    "Any time",
                )],
                professional_contacts: vec![professional(
                    "Willow Ward",
                    "Inpatient ward",
                    "01632 960 300",
                    "any-time",
                )],
                ..SectionsInput::default()
            })?;
            (
                Some(version(
                    rng,
                    person,
                    plan,
                    by,
                    now - days(245),
                    Some(now - days(240)),
                )?),
                Vec::new(),
            )
        }
        // Chloe's first plan is still a draft.
        "9990000026" => {
            let plan = sections(SectionsInput {
                what_helps: "Being asked what she wants to eat rather than told".into(),
                ..SectionsInput::default()
            })?;
            (
                Some(version(rng, person, plan, by, now - days(3), None)?),
                Vec::new(),
            )
        }
        _ => (None, Vec::new()),
    })
}

const SIGNS: &[&str] = &[
    "Stops going out",
    "Sleeps very little",
    "Stops replying to messages",
    "Talks about being a burden",
    "Misses appointments",
];
const HELPS: &[&str] = &[
    "Somewhere quiet to sit",
    "Being spoken to by name",
    "Music through headphones",
    "A call to a friend",
    "Time to answer",
];
const HARMS: &[&str] = &[
    "Being rushed",
    "Bright lights and noise",
    "Being touched without warning",
    "Being asked the same questions again",
];

/// A synthetic person's plan: most agreed (some overdue), some drafts, some
/// none; not every plan says what does not help.
pub fn synthetic_plan(
    rng: &mut ChaCha8Rng,
    person: PersonId,
    by: Clinician<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<PlanVersion>> {
    let roll: u32 = rng.gen_range(0..100);
    if roll < 20 {
        return Ok(None);
    }
    let pick = |rng: &mut ChaCha8Rng, from: &[&str]| -> String {
        from.choose_multiple(rng, 2)
            .copied()
            .collect::<Vec<_>>()
            .join("\n")
    };
    let plan = sections(SectionsInput {
        early_warning_signs: pick(rng, SIGNS),
        what_helps: pick(rng, HELPS),
        what_does_not_help: if rng.gen_bool(0.7) {
            pick(rng, HARMS)
        } else {
            String::new()
        },
        professional_contacts: vec![professional(
            "Northshire Crisis Line",
            "Crisis team",
            CRISIS_LINE,
            "out-of-hours",
        )],
        ..SectionsInput::default()
    })?;
    // 20–29: draft only; 30–44: agreed over six months ago (overdue);
    // the rest agreed within the last six months.
    let agreed_days_ago = match roll {
        20..=29 => None,
        30..=44 => Some(rng.gen_range(190..400)),
        _ => Some(rng.gen_range(1..175)),
    };
    let agreed = agreed_days_ago.map(|d| now - Duration::days(d));
    let written = agreed.unwrap_or(now) - Duration::days(rng.gen_range(1..10));
    Ok(Some(version(rng, person, plan, by, written, agreed)?))
}
