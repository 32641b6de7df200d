//! The demo's correction request: Daniel Reid (999 000 0018) asked a week
//! ago for his sister's number in his crisis plan to be put right, so that
//! his care coordinator's list of requests and his own page have something
//! in them. Its escalation is scheduled as a request's always is.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use concordat_domain::correction::{answer_by, CorrectionPart, CorrectionStatus};
use concordat_domain::nhs_number::NhsNumber;
use concordat_server::corrections::overdue::KIND;
use concordat_store::corrections::{self, Correction};
use concordat_store::{care_teams, jobs, persons, Store};

/// Seeds Daniel's request; false when he or his care team is missing.
pub async fn seed_correction(store: &Store, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let mut tx = store.write().await?;
    let daniel = NhsNumber::parse("9990000018")?;
    let Some(person) = persons::person_by_nhs_number(&mut tx, &daniel).await? else {
        return Ok(false);
    };
    let Some(team) = care_teams::care_teams_of_person(&mut tx, person.id())
        .await?
        .into_iter()
        .next()
    else {
        return Ok(false);
    };
    let asked_at = now - Duration::days(7);
    let correction = Correction {
        id: uuid::Uuid::new_v4(),
        person: person.id(),
        part: CorrectionPart::CrisisPlan,
        what_is_wrong: "My sister's phone number in my plan is an old one.".into(),
        should_say: "Ring Claire on 07700 900123.".into(),
        asked_at,
        owner: team.lead(),
        answer_by: answer_by(asked_at),
        status: CorrectionStatus::Open,
        answer: String::new(),
        answered_by: None,
        answered_at: None,
        escalation_step: 0,
    };
    corrections::insert(&mut tx, &correction).await?;
    let due = (correction.answer_by + Duration::days(1))
        .and_time(NaiveTime::MIN)
        .and_utc();
    jobs::schedule(&mut tx, KIND, &correction.id.to_string(), 1, due, "{}", now).await?;
    tx.commit().await?;
    Ok(true)
}
