//! Referrals over the API on both stores, with a moved clock: an
//! unacknowledged urgent referral escalates at its deadline to the duty
//! contact, then to the partnership contact, the sender told each time;
//! an acknowledgement stops the chain; nothing escalates twice; and a
//! referral is refused when the receiving team could not read it.

use chrono::Duration;
use concordat_domain::consent::ConsentScope;
use concordat_domain::ids::{AgreementId, TeamId, UserId};
use concordat_domain::role::Role;
use concordat_domain::user::{DisplayName, User, Username};
use concordat_store::{agreements, jobs, organisations, referrals, teams, users};
use serde_json::json;

use crate::fixtures::{count, get_json, person_id, post_json, record_refusal, user, DANIEL, LEAH};
use crate::harness::{demo_password_hash, problem, TestApp};

pub async fn team(app: &TestApp, name: &str) -> TeamId {
    let mut conn = app.store.read().await.unwrap();
    teams::list_teams(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name() == name)
        .unwrap_or_else(|| panic!("no team {name}"))
        .id()
}

const CRISIS_TEAM: &str = "Crisis Resolution and Home Treatment Team";

async fn refer(
    app: &TestApp,
    token: &str,
    nhs: &str,
    to: TeamId,
    urgency: &str,
) -> reqwest::Response {
    post_json(
        app,
        token,
        "/api/v1/referrals",
        json!({
            "nhs_number": nhs, "to_team_id": to.to_string(), "urgency": urgency,
            "reason": "Low mood, not sleeping, has stopped eating; family worried",
            "sections": [{"title": "Risk", "text": "Expressed thoughts of self-harm on Monday"}]
        }),
    )
    .await
}

/// [`refer`], sent: the referral as the API answered.
async fn sent(
    app: &TestApp,
    token: &str,
    nhs: &str,
    to: TeamId,
    urgency: &str,
) -> serde_json::Value {
    refer(app, token, nhs, to, urgency)
        .await
        .json()
        .await
        .expect("the referral as JSON")
}

async fn notifications(app: &TestApp, username: &str, kind: &str) -> i64 {
    let id = user(app, username).await.id();
    count(
        app,
        &format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = '{id}' AND kind = '{kind}'"
        ),
    )
    .await
}

async fn escalations(app: &TestApp, referral: &str) -> i64 {
    count(
        app,
        &format!("SELECT COUNT(*) AS n FROM referral_events WHERE referral_id = '{referral}' AND kind = 'escalated'"),
    )
    .await
}

mod deadlines;
mod escalation;
mod lifecycle;
