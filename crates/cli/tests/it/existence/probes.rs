//! The table of probes: every route of the JSON API and of the pages that
//! takes a person id, an NHS number, a referral, thread, message, flag,
//! consent directive, carer, crisis-plan version, break-glass use, webhook
//! delivery or multi-agency case (and its action), in the routers' order. Each
//! is called with a request that is well formed for its caller (a person's own
//! account sends what a person would), so that the only difference between two
//! calls is whether the target exists. `routes.rs` checks the table against
//! the routers.

use chrono::Duration;
use serde_json::{json, Value};

use super::routes::{api, page, Body, Ctx, Probe};
use super::world::Target;

fn json(value: Value) -> Body {
    Body::Json(value)
}

fn form(pairs: &[(&str, &str)]) -> Body {
    Body::Form(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

const JUSTIFICATION: &str = "Unconscious at the roadside; the sweep needs the plan";

/// A contact event as the caller's source system would send it; its id is
/// the probe's nonce.
fn event(t: &Target, c: &Ctx) -> Value {
    json!({
        "source_system": c.username,
        "event_id": t.nonce,
        "kind": c.event_kind,
        "nhs_number": t.nhs,
        "occurred_at": (c.now - Duration::hours(1)).to_rfc3339(),
        "outcome": "Advice given",
    })
}

fn consent_choice(c: &Ctx) -> Value {
    if c.own_account {
        json!({"effect": "deny", "organisation": "GPHIL"})
    } else {
        json!({"effect": "deny", "organisation": "GPHIL", "via": "in-person"})
    }
}

fn agreement(c: &Ctx) -> Value {
    if c.own_account {
        json!({"party": "person"})
    } else {
        json!({"party": "professional", "via": "in-person"})
    }
}

fn referral(c: &Ctx, by: &str, value: &str) -> Body {
    json(json!({by: value, "to_team_id": c.neds_team, "urgency": "routine", "reason": "Probe"}))
}

fn break_glass(by: &str, value: &str) -> Body {
    json(json!({by: value, "lawful_basis": "vital-interests", "justification": JUSTIFICATION}))
}

fn later(c: &Ctx) -> String {
    (c.today + Duration::days(30)).to_string()
}

fn act(action: &'static str) -> Probe {
    page("POST /referrals/{id}/act")
        .variant(action)
        .field("action", action)
        .body(|_, c| form(&[("note", "Probe"), ("to_team_id", &c.gpmkt_team)]))
}

/// Every probe: the API's, then the pages'.
pub fn probes() -> Vec<Probe> {
    let mut all = api_probes();
    all.extend(page_probes());
    all
}

fn api_probes() -> Vec<Probe> {
    vec![
        api("GET /persons")
            .variant("by NHS number")
            .query(|t, _| format!("nhs_number={}", t.nhs)),
        api("GET /persons/{id}"),
        api("GET /persons/{id}/consent"),
        api("POST /persons/{id}/consent").body(|_, c| json(consent_choice(c))),
        api("POST /persons/{id}/consent/{consent_id}/withdraw"),
        api("GET /persons/{id}/carers/{related_person_id}/sharing"),
        api("PUT /persons/{id}/carers/{related_person_id}/sharing")
            .body(|_, _| json(json!({"may_tell": ["admission"]}))),
        api("POST /persons/{id}/carers/{related_person_id}/invitation"),
        api("PUT /persons/{id}/carers/{related_person_id}/access")
            .body(|_, _| json(json!({"withdrawn": true}))),
        api("GET /persons/{id}/crisis-plan"),
        api("POST /persons/{id}/crisis-plan/versions")
            .body(|t, _| json(json!({"based_on": t.version, "sections": {"what_helps": "Tea"}}))),
        api("GET /persons/{id}/crisis-plan/versions/{number}"),
        api("POST /persons/{id}/crisis-plan/versions/{number}/agreement")
            .body(|_, c| json(agreement(c))),
        api("GET /persons/{id}/crisis-plan/diff")
            .query(|t, _| format!("from={v}&to={v}", v = t.version)),
        api("GET /persons/{id}/flags"),
        api("POST /persons/{id}/flags").body(|_, _| {
            json(json!({"category": "risk-to-self", "severity": "low",
                        "summary": "Probe", "basis": "Probe"}))
        }),
        api("POST /persons/{id}/flags/{flag_id}/review")
            .body(|_, _| json(json!({"keep": true, "note": "Probe review"}))),
        api("GET /persons/{id}/advance-choices"),
        api("POST /persons/{id}/advance-choices").body(|_, _| {
            json(
                json!({"statement": "Probe", "choices": [{"effect": "refuse-even-in-crisis"}],
                        "witnessed_by": "mh.practitioner", "review_by": "2099-01-01"}),
            )
        }),
        api("GET /persons/{id}/capacity"),
        api("POST /persons/{id}/capacity/assessments").body(|_, _| {
            json(json!({"decision": "Probe", "outcome": "has-capacity", "reasons": "Probe"}))
        }),
        api("POST /persons/{id}/capacity/best-interests").body(|_, _| {
            json(json!({"assessment_id": "Probe", "consulted": "Probe",
                        "known_wishes": "Probe", "shared_what": "Probe",
                        "shared_with": "Probe", "why": "Probe"}))
        }),
        api("GET /persons/{id}/contacts"),
        api("POST /persons/{id}/contacts").body(|_, _| {
            json(
                json!({"kind": "street-triage", "reason": "Called to the bridge",
                            "outcome": "Probe"}),
            )
        }),
        api("POST /events").report().body(|t, c| json(event(t, c))),
        api("POST /events:batch")
            .report()
            .body(|t, c| Body::Ndjson(format!("{}\n", event(t, c)))),
        api("GET /crisis-lookup")
            .variant("by NHS number")
            .look_up()
            .query(|t, _| format!("nhs_number={}&reason=Probe", t.nhs)),
        api("GET /crisis-lookup")
            .variant("by person id")
            .look_up()
            .query(|t, _| format!("person_id={}&reason=Probe", t.person)),
        api("POST /referrals")
            .variant("by NHS number")
            .body(|t, c| referral(c, "nhs_number", &t.nhs)),
        api("POST /referrals")
            .variant("by person id")
            .body(|t, c| referral(c, "person_id", &t.person)),
        api("GET /referrals/{id}"),
        api("POST /referrals/{id}/{action}").variant("acknowledge"),
        api("POST /referrals/{id}/{action}")
            .variant("accept")
            .body(|_, _| json(json!({}))),
        api("POST /referrals/{id}/{action}")
            .variant("decline")
            .body(|_, _| json(json!({"note": "Probe"}))),
        api("POST /referrals/{id}/{action}")
            .variant("redirect")
            .body(|_, c| json(json!({"note": "Probe", "to_team_id": c.gpmkt_team}))),
        api("POST /referrals/{id}/{action}")
            .variant("complete")
            .body(|_, _| json(json!({}))),
        api("POST /referrals/{id}/{action}")
            .variant("cancel")
            .body(|_, _| json(json!({"note": "Probe"}))),
        api("POST /persons/{id}/threads").body(|_, _| {
            json(json!({"subject": "Probe", "to_usernames": ["dr.singh"], "body": "Probe"}))
        }),
        api("GET /threads/{id}"),
        api("POST /threads/{id}/messages").body(|_, _| json(json!({"body": "Probe"}))),
        api("POST /threads/{id}/messages/{message_id}/acknowledge"),
        api("POST /break-glass")
            .variant("by NHS number")
            .body(|t, _| break_glass("nhs_number", &t.nhs)),
        api("POST /break-glass")
            .variant("by person id")
            .body(|t, _| break_glass("person_id", &t.person)),
        api("POST /break-glass/{id}/review")
            .body(|_, _| json(json!({"appropriate": true, "note": "Probe"}))),
        api("POST /break-glass/{id}/defer")
            .body(|_, c| json(json!({"reason": "Probe", "until": later(c)}))),
        api("POST /webhooks/deliveries/{id}/retry"),
        api("POST /cases").body(|t, _| json(json!({"person_id": t.person, "reason": "Probe"}))),
        api("GET /cases/{id}"),
        api("POST /cases/{id}/members").body(|_, c| json(json!({"user_id": c.singh_id}))),
        api("POST /cases/{id}/members/remove").body(|_, c| json(json!({"user_id": c.singh_id}))),
        api("POST /cases/{id}/lead").body(|_, c| json(json!({"user_id": c.singh_id}))),
        api("POST /cases/{id}/actions").body(|_, c| {
            json(json!({"what": "Probe", "owner_user_id": c.singh_id, "due_date": later(c)}))
        }),
        api("POST /cases/{id}/actions/{action}/done").body(|_, _| json(json!({"note": "Probe"}))),
        api("POST /cases/{id}/meetings").body(|_, c| {
            json(json!({"held_date": c.today, "attendee_user_ids": [c.singh_id], "notes": "Probe"}))
        }),
        api("POST /cases/{id}/close")
            .body(|_, _| json(json!({"outcome": "goals-met", "note": "Probe"}))),
    ]
}

fn page_probes() -> Vec<Probe> {
    vec![
        page("POST /persons")
            .variant("by NHS number")
            .purpose()
            .body(|t, _| form(&[("nhs_number", &t.nhs)])),
        page("GET /persons/{id}").purpose(),
        page("GET /persons/{id}/break-glass").purpose(),
        page("POST /persons/{id}/break-glass")
            .purpose()
            .body(|_, _| {
                form(&[
                    ("lawful_basis", "vital-interests"),
                    ("justification", JUSTIFICATION),
                ])
            }),
        page("GET /persons/{id}/consent"),
        page("POST /persons/{id}/consent").body(|_, c| {
            let via = if c.own_account { "" } else { "in-person" };
            form(&[("effect", "deny"), ("organisation", "GPHIL"), ("via", via)])
        }),
        page("POST /persons/{id}/consent/{consent_id}/withdraw"),
        page("POST /persons/{id}/carers/{related_person_id}/sharing")
            .body(|_, _| form(&[("may_tell", "admission")])),
        page("POST /persons/{id}/carers/{related_person_id}/invitation"),
        page("POST /persons/{id}/carers/{related_person_id}/access")
            .body(|_, _| form(&[("change", "withdraw")])),
        page("GET /persons/{id}/crisis-plan").purpose(),
        page("GET /persons/{id}/crisis-plan/edit").purpose(),
        page("POST /persons/{id}/crisis-plan/edit")
            .purpose()
            .body(|t, _| form(&[("based_on", &t.version.to_string()), ("what_helps", "Tea")])),
        page("POST /persons/{id}/crisis-plan/agree")
            .purpose()
            .body(|t, c| {
                let (party, via) = if c.own_account {
                    ("person", "")
                } else {
                    ("professional", "in-person")
                };
                let version = t.version.to_string();
                form(&[("version", &version), ("party", party), ("via", via)])
            }),
        page("GET /persons/{id}/crisis-plan/versions/{number}").purpose(),
        page("GET /persons/{id}/crisis-plan/diff")
            .purpose()
            .query(|t, _| format!("from={v}&to={v}", v = t.version)),
        page("GET /persons/{id}/flags").purpose(),
        page("POST /persons/{id}/flags").purpose().body(|_, _| {
            form(&[
                ("category", "risk-to-self"),
                ("severity", "low"),
                ("summary", "Probe"),
                ("basis", "Probe"),
            ])
        }),
        page("POST /persons/{id}/flags/{flag_id}/review")
            .purpose()
            .body(|_, _| form(&[("keep", "keep"), ("note", "Probe review")])),
        page("GET /persons/{id}/advance-choices").purpose(),
        page("POST /persons/{id}/advance-choices")
            .purpose()
            .body(|_, _| {
                form(&[
                    ("statement", "Probe"),
                    ("effect_1", "refuse-even-in-crisis"),
                    ("witnessed_by", "mh.practitioner"),
                    ("review_by", "2099-01-01"),
                ])
            }),
        page("GET /persons/{id}/capacity").purpose(),
        page("POST /persons/{id}/capacity").purpose().body(|_, _| {
            form(&[
                ("form", "assessment"),
                ("decision", "Probe"),
                ("outcome", "has-capacity"),
                ("reasons", "Probe"),
            ])
        }),
        page("POST /persons/{id}/contacts").purpose().body(|_, _| {
            form(&[
                ("kind", "street-triage"),
                ("reason", "Called to the bridge"),
                ("outcome", "Probe"),
            ])
        }),
        page("POST /crisis-lookup")
            .variant("by NHS number")
            .look_up()
            .body(|t, _| form(&[("nhs_number", &t.nhs), ("reason", "Probe")])),
        page("POST /crisis-lookup")
            .variant("by person id")
            .look_up()
            .body(|t, _| form(&[("person_id", &t.person), ("reason", "Probe")])),
        page("POST /governance/break-glass/{id}/review")
            .body(|_, _| form(&[("appropriate", "yes"), ("note", "Probe")])),
        page("POST /governance/break-glass/{id}/defer")
            .body(|_, c| form(&[("reason", "Probe"), ("until", &later(c))])),
        page("POST /admin/webhooks/deliveries/{id}/retry"),
        page("POST /referrals").body(|t, c| {
            form(&[
                ("nhs_number", &t.nhs),
                ("to_team_id", &c.neds_team),
                ("urgency", "routine"),
                ("reason", "Probe"),
            ])
        }),
        page("GET /referrals/{id}"),
        act("acknowledge"),
        act("accept"),
        act("decline"),
        act("redirect"),
        act("complete"),
        act("cancel"),
        page("GET /threads/{id}"),
        page("POST /threads/{id}").body(|_, _| form(&[("body", "Probe")])),
        page("POST /threads/{id}/messages/{message_id}/acknowledge"),
        page("GET /persons/{id}/cases"),
        page("POST /persons/{id}/cases").body(|_, _| form(&[("reason", "Probe")])),
        page("GET /cases/{id}"),
        page("POST /cases/{id}/members").body(|_, c| form(&[("user_id", &c.singh_id)])),
        page("POST /cases/{id}/members/remove").body(|_, c| form(&[("user_id", &c.singh_id)])),
        page("POST /cases/{id}/lead").body(|_, c| form(&[("user_id", &c.singh_id)])),
        page("POST /cases/{id}/actions").body(|_, c| {
            form(&[
                ("what", "Probe"),
                ("owner_user_id", &c.singh_id),
                ("due_date", &later(c)),
            ])
        }),
        page("POST /cases/{id}/actions/{action}/done").body(|_, _| form(&[("note", "Probe")])),
        page("POST /cases/{id}/meetings").body(|_, c| {
            form(&[
                ("held_date", &c.today.to_string()),
                ("attendees", &c.singh_id),
                ("notes", "Probe"),
            ])
        }),
        page("POST /cases/{id}/close")
            .body(|_, _| form(&[("outcome", "goals-met"), ("note", "Probe")])),
        page("GET /persons/{id}/threads/new"),
        page("POST /persons/{id}/threads").body(|_, _| {
            form(&[
                ("subject", "Probe"),
                ("to_username", "dr.singh"),
                ("body", "Probe"),
            ])
        }),
    ]
}
