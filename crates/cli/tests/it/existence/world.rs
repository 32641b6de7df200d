//! What the sweep names. "Exists but not yours" is a fresh person looked
//! after only by two clinicians outside every demo sign-in's organisation:
//! Dr Vikram Patel of the eating-disorder service (NEDS) leads their care
//! team and Dr Arjun Singh of Market Street Medical Centre (GPMKT) is on
//! it. Through their own API calls the person gets a safety flag, a
//! refusal, a draft crisis plan, a message thread between the two of them,
//! a break-glass use by Dr Patel and a referral from GPMKT to NEDS (whose
//! webhook delivery goes to NEDS); a nominated carer is stored directly.
//! No demo sign-in belongs to NEDS or GPMKT, so none has a relationship
//! with the person. A second kind of world is the same, after which the
//! person refused sharing anything with anyone ([`Kind::Refused`]), so that
//! a refusal is among the reasons a caller may be turned away. "Does not
//! exist" is fresh random ids and a valid NHS number no one has.

use chrono::NaiveDate;
use concordat_domain::care_team::{CareTeam, CareTeamMember};
use concordat_domain::identifier::Identifier;
use concordat_domain::ids::{CareTeamId, PersonId, RelatedPersonId, TeamId};
use concordat_domain::nhs_number::{check_digit, NhsNumber};
use concordat_domain::person::{BirthDate, Person, PersonName};
use concordat_domain::related_person::{RelatedPerson, Relationship};
use concordat_store::{care_teams, persons};
use serde_json::json;
use sqlx::Row;

use crate::fixtures::{post_json, user};
use crate::harness::TestApp;

/// The kinds of "exists but not yours".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plain,
    /// The person has since refused sharing anything with anyone.
    Refused,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Plain, Kind::Refused];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Plain => "exists",
            Kind::Refused => "exists, refused sharing with everyone",
        }
    }
}

/// Everything a route can name, for one kind of target.
#[derive(Debug, Clone)]
pub struct Target {
    pub person: String,
    /// Ten digits, as stored.
    pub nhs: String,
    pub consent: String,
    pub carer: String,
    pub flag: String,
    pub version: u32,
    pub referral: String,
    pub thread: String,
    pub message: String,
    pub break_glass: String,
    pub delivery: String,
    /// A multi-agency case about the person, led by Dr Patel, and one
    /// action of its plan.
    pub case: String,
    pub case_action: String,
    /// Fresh for every probe: a contact event's id at its source system,
    /// which must not repeat.
    pub nonce: String,
}

fn random() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl Target {
    /// Nothing here exists.
    pub async fn absent(app: &TestApp) -> Self {
        Self {
            person: random(),
            nhs: unused_nhs_number(app).await,
            consent: random(),
            carer: random(),
            flag: random(),
            version: 1,
            referral: random(),
            thread: random(),
            message: random(),
            break_glass: random(),
            delivery: random(),
            case: random(),
            case_action: random(),
            nonce: random(),
        }
    }

    /// The person (and their NHS number) of `self`; every other id from
    /// `absent`, and a plan version no one has.
    pub fn person_only(&self, absent: &Target) -> Self {
        Self {
            person: self.person.clone(),
            nhs: self.nhs.clone(),
            version: 99,
            ..absent.clone()
        }
    }

    pub fn with_nonce(&self, nonce: &str) -> Self {
        Self {
            nonce: nonce.to_owned(),
            ..self.clone()
        }
    }

    /// Each id as it may appear in an answer (an NHS number also spaced
    /// 3-3-4, as pages write it), with the placeholder that stands for it
    /// when answers about different targets are compared.
    pub fn placeholders(&self) -> Vec<(String, &'static str)> {
        let spaced = format!("{} {} {}", &self.nhs[..3], &self.nhs[3..6], &self.nhs[6..]);
        let all = vec![
            (self.person.clone(), "{person}"),
            (self.nhs.clone(), "{nhs}"),
            (spaced, "{nhs}"),
            (self.consent.clone(), "{consent}"),
            (self.carer.clone(), "{carer}"),
            (self.flag.clone(), "{flag}"),
            (self.referral.clone(), "{referral}"),
            (self.thread.clone(), "{thread}"),
            (self.message.clone(), "{message}"),
            (self.break_glass.clone(), "{break-glass}"),
            (self.delivery.clone(), "{delivery}"),
            (self.case.clone(), "{case}"),
            (self.case_action.clone(), "{case-action}"),
            (self.nonce.clone(), "{nonce}"),
        ];
        all.into_iter().filter(|(id, _)| !id.is_empty()).collect()
    }
}

/// A valid test-range NHS number (999 …, with its check digit) that no one
/// in the store has.
pub async fn unused_nhs_number(app: &TestApp) -> String {
    loop {
        let mut bits = uuid::Uuid::new_v4().as_u128();
        let mut digits = [9u8, 9, 9, 0, 0, 0, 0, 0, 0];
        for digit in digits.iter_mut().skip(3) {
            *digit = (bits % 10) as u8;
            bits /= 10;
        }
        let Some(check) = check_digit(digits) else {
            continue;
        };
        let number: String = digits
            .iter()
            .chain([check].iter())
            .map(|d| char::from(b'0' + d))
            .collect();
        let parsed = NhsNumber::parse(&number).expect("a valid NHS number");
        let mut conn = app.store.read().await.unwrap();
        if persons::person_by_nhs_number(&mut conn, &parsed)
            .await
            .unwrap()
            .is_none()
        {
            return number;
        }
    }
}

/// The two outside clinicians who make each world, with their tokens.
#[derive(Debug)]
pub struct Outsiders {
    patel: String,
    patel_id: String,
    singh: String,
    /// The eating-disorder team (NEDS): the referral goes there.
    pub neds_team: TeamId,
    /// Dr Singh's team (GPMKT): where a redirect would send the referral.
    pub gpmkt_team: TeamId,
    /// Dr Singh's user id: whom a probe proposes to add to a case.
    pub singh_id: String,
}

impl Outsiders {
    /// Tokens for Dr Patel and Dr Singh, and a webhook for NEDS so that
    /// each referral leaves a delivery in NEDS's log.
    pub async fn enlist(app: &TestApp) -> Self {
        let patel = user(app, "v.patel").await;
        let singh = user(app, "dr.singh").await;
        let governance = app.token_for("neds.ig", "TREAT").await;
        let registered = post_json(
            app,
            &governance,
            "/api/v1/webhooks",
            json!({"url": "http://127.0.0.1:9/existence-sweep", "secret": "existence-sweep-secret"}),
        )
        .await;
        assert_eq!(registered.status(), 201, "NEDS registers a webhook");
        Self {
            patel: app.token_for("v.patel", "TREAT").await,
            singh: app.token_for("dr.singh", "TREAT").await,
            neds_team: patel.team_id().expect("Dr Patel's team"),
            gpmkt_team: singh.team_id().expect("Dr Singh's team"),
            patel_id: patel.id().to_string(),
            singh_id: singh.id().to_string(),
        }
    }

    /// A fresh person, with everything about them that a route can name.
    pub async fn world(&self, app: &TestApp, kind: Kind) -> Target {
        let now = concordat_server::Clock::now(&app.clock);
        let nhs = unused_nhs_number(app).await;
        let person = Person::new(
            PersonId::new(),
            PersonName::new("Robin", "Probe").unwrap(),
            BirthDate::new(
                NaiveDate::from_ymd_opt(1985, 6, 7).unwrap(),
                now.date_naive(),
            )
            .unwrap(),
            None,
            None,
            vec![Identifier::nhs(NhsNumber::parse(&nhs).unwrap())],
        )
        .unwrap();
        let id = person.id();
        let carer = RelatedPerson::new(
            RelatedPersonId::new(),
            id,
            PersonName::new("Alex", "Probe").unwrap(),
            Relationship::Mother,
            None,
            None,
            true,
        );
        let patel = user(app, "v.patel").await;
        let singh = user(app, "dr.singh").await;
        let team = CareTeam::new(
            CareTeamId::new(),
            id,
            "Eating disorder care",
            vec![
                CareTeamMember::new(patel.id(), patel.organisation_id(), "Lead clinician").unwrap(),
                CareTeamMember::new(singh.id(), singh.organisation_id(), "GP").unwrap(),
            ],
            patel.id(),
        )
        .unwrap();
        let mut tx = app.store.write().await.unwrap();
        persons::insert_person(&mut tx, &person, now).await.unwrap();
        persons::insert_related_person(&mut tx, &carer)
            .await
            .unwrap();
        care_teams::insert_care_team(&mut tx, &team, now)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let base = format!("/api/v1/persons/{id}");
        let flag = self
            .made(
                app,
                &self.patel,
                &format!("{base}/flags"),
                json!({"category": "risk-to-self", "severity": "low",
                       "summary": "Probe flag", "basis": "Probe basis"}),
            )
            .await;
        let consent = self
            .made(
                app,
                &self.patel,
                &format!("{base}/consent"),
                json!({"effect": "deny", "organisation": "GPHIL", "via": "in-person"}),
            )
            .await;
        let plan = self
            .made(
                app,
                &self.patel,
                &format!("{base}/crisis-plan/versions"),
                json!({"sections": {"what_helps": "A quiet room"}}),
            )
            .await;
        assert_eq!(plan["number"], 1, "{plan}");
        let thread = self
            .made(
                app,
                &self.patel,
                &format!("{base}/threads"),
                json!({"subject": "Probe", "to_usernames": ["dr.singh"], "body": "Probe",
                       "acknowledge_within_hours": 24}),
            )
            .await;
        let break_glass = self
            .made(
                app,
                &self.patel,
                "/api/v1/break-glass",
                json!({"person_id": id.to_string(), "lawful_basis": "vital-interests",
                       "justification": "A probe of the existence-leak sweep"}),
            )
            .await;
        let referral = self
            .made(
                app,
                &self.singh,
                "/api/v1/referrals",
                json!({"person_id": id.to_string(), "to_team_id": self.neds_team.to_string(),
                       "urgency": "routine", "reason": "Probe referral"}),
            )
            .await;
        let case = self
            .made(
                app,
                &self.patel,
                "/api/v1/cases",
                json!({"person_id": id.to_string(), "reason": "Probe case"}),
            )
            .await;
        let case = text(&case["id"]);
        let case_action = self
            .made(
                app,
                &self.patel,
                &format!("/api/v1/cases/{case}/actions"),
                json!({"what": "Probe action", "owner_user_id": self.patel_id,
                       "due_date": now.date_naive()}),
            )
            .await;
        if kind == Kind::Refused {
            self.made(
                app,
                &self.patel,
                &format!("{base}/consent"),
                json!({"effect": "deny", "via": "in-person",
                       "capacity_note": "Has capacity; wants no sharing at all for now"}),
            )
            .await;
        }
        let thread = text(&thread["id"]);
        let referral = text(&referral["id"]);
        let message = one_id(
            app,
            "SELECT id FROM messages WHERE thread_id = $1",
            thread.clone(),
        )
        .await;
        let delivery = one_id(
            app,
            "SELECT id FROM webhook_deliveries WHERE body LIKE $1",
            format!("%{referral}%"),
        )
        .await;
        Target {
            person: id.to_string(),
            nhs,
            consent: text(&consent["id"]),
            carer: carer.id().to_string(),
            flag: text(&flag["id"]),
            version: 1,
            referral,
            thread,
            message,
            break_glass: text(&break_glass["id"]),
            delivery,
            case,
            case_action: text(&case_action["id"]),
            nonce: random(),
        }
    }

    /// `POST`s `body` as the outsider holding `token`, which must create
    /// something, and reads what was made.
    async fn made(
        &self,
        app: &TestApp,
        token: &str,
        path: &str,
        body: serde_json::Value,
    ) -> serde_json::Value {
        let response = post_json(app, token, path, body).await;
        let status = response.status();
        let made: serde_json::Value = response.json().await.unwrap();
        assert_eq!(status, 201, "an outsider makes {path}: {made}");
        made
    }
}

fn text(value: &serde_json::Value) -> String {
    value.as_str().expect("an id").to_owned()
}

async fn one_id(app: &TestApp, sql: &str, bound: String) -> String {
    let mut conn = app.store.read().await.unwrap();
    sqlx::query(sql)
        .bind(bound)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .get::<String, _>("id")
}
