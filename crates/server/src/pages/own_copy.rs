//! The person's own copy of their record: `/my/copy`, a page to read and
//! print, and `/my/copy.json`, the same as a file to keep or pass on.
//! Both come from [`crate::own_copy`], so what the page shows is what the
//! file holds.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use concordat_domain::purpose::Purpose;

use crate::auth::session::SignedIn;
use crate::own_copy::{own_copy, OwnCopy};
use crate::pages::crisis_plan::version_view::{version_view, VersionView};
use crate::pages::error::PageError;
use crate::pages::layout::{render, Chrome};
use crate::pages::persons::{demographics, Demographics};
use crate::pages::words::{long_date, sentence, when};
use crate::record::views::CareTeamView;
use crate::record::views::Masked;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/my/copy", get(show))
        .route("/my/copy.json", get(download))
}

/// One safety flag, as the copy prints it.
struct FlagLine {
    summary: String,
    category: &'static str,
    status: &'static str,
    raised: String,
}

/// One contact with a service, as the copy prints it.
struct ContactLine {
    kind: &'static str,
    when: String,
    by: String,
    outcome: String,
}

/// A part shown, or why it is withheld.
enum Part<T> {
    Shown(Vec<T>),
    Withheld(String),
}

fn part<T, U>(masked: Masked<Vec<T>>, line: impl Fn(T) -> U) -> Part<U> {
    match masked {
        Masked::Shown(all) => Part::Shown(all.into_iter().map(line).collect()),
        Masked::Withheld { reason, .. } => Part::Withheld(sentence(&reason)),
    }
}

/// One line of the access log, as the copy prints it.
struct LogLine {
    who: String,
    from: String,
    when: String,
    what: String,
    why: String,
}

/// A sharing choice, as the copy prints it.
struct ChoiceLine {
    summary: String,
    when: String,
    in_force: bool,
}

struct ReferralLine {
    to: String,
    when: String,
    urgency: &'static str,
    reason: String,
    status: &'static str,
    note: Option<String>,
}

struct ActionLine {
    what: String,
    owner: String,
    due: String,
    done: bool,
}

struct CaseLine {
    reason: String,
    lead: String,
    status: &'static str,
    actions: Vec<ActionLine>,
}

struct CorrectionLine {
    part: &'static str,
    when: String,
    what_is_wrong: String,
    status: &'static str,
    answer: String,
}

#[derive(Template)]
#[template(path = "my_copy.html")]
struct CopyPage {
    chrome: Chrome,
    made: String,
    demographics: Option<Demographics>,
    care_teams: Option<Vec<CareTeamView>>,
    /// Newest first.
    versions: Part<VersionView>,
    flags: Part<FlagLine>,
    contacts: Part<ContactLine>,
    choices: Part<ChoiceLine>,
    /// Each carer: "Margaret Reid (Mother) may be told …; signs in as …".
    carers: Part<String>,
    referrals: Part<ReferralLine>,
    cases: Vec<CaseLine>,
    corrections: Vec<CorrectionLine>,
    /// Decisions made for the person: "what was found" lines and "what
    /// was shared" lines.
    capacity: Part<String>,
    /// Each version of the person's choices for a crisis, as lines.
    advance_choices: Part<String>,
    log: Vec<LogLine>,
}

/// `GET /my/copy`.
pub async fn show(State(state): State<AppState>, session: SignedIn) -> Result<Response, PageError> {
    let copy = own_copy(&state, &session.viewer(Purpose::OwnAccess)).await?;
    let today = state.clock.now().date_naive();
    let page = CopyPage {
        chrome: Chrome::load(&state, &session).await?,
        made: when(copy.made_at),
        demographics: copy.record.demographics.map(demographics),
        care_teams: copy.record.care_team,
        versions: part(copy.crisis_plan, |v| version_view(&v, today)),
        flags: part(copy.safety_flags, |f| FlagLine {
            status: f.status(today).label(),
            summary: f.summary,
            category: f.category.label(),
            raised: format!(
                "{}, {}",
                f.raised_by_name,
                long_date(f.raised_at.date_naive())
            ),
        }),
        contacts: part(copy.contacts, |c| ContactLine {
            kind: c.kind.label(),
            when: when(c.occurred_at),
            by: c.recorder_name,
            outcome: c.outcome,
        }),
        choices: part(copy.sharing_choices, |d| ChoiceLine {
            summary: d.summary,
            when: long_date(d.recorded_at.date_naive()),
            in_force: d.in_force,
        }),
        carers: part(copy.carers, |c| {
            let told: Vec<&str> = c
                .topics
                .iter()
                .filter(|t| t.may_tell)
                .map(|t| t.label)
                .collect();
            let told = if told.is_empty() {
                "may be told nothing".to_owned()
            } else {
                format!("may be told {}", told.join("; "))
            };
            let account = match &c.account {
                None => String::new(),
                Some(a) => match a.withdrawn_at {
                    Some(at) => format!(
                        " They cannot see anything here since {}.",
                        long_date(at.date_naive())
                    ),
                    None => format!(" They sign in as {} to see it.", a.username),
                },
            };
            format!("{} ({}) {told}.{account}", c.name, c.relationship)
        }),
        referrals: part(copy.referrals, |r| ReferralLine {
            to: r.to,
            when: long_date(r.sent_at.date_naive()),
            urgency: r.urgency,
            reason: r.reason,
            status: r.status,
            note: r.decision_note,
        }),
        cases: copy
            .cases
            .into_iter()
            .map(|c| CaseLine {
                reason: c.reason,
                lead: c.lead,
                status: c.status,
                actions: c
                    .actions
                    .into_iter()
                    .map(|a| ActionLine {
                        what: a.what,
                        owner: a.owner,
                        due: long_date(a.due_on),
                        done: a.done,
                    })
                    .collect(),
            })
            .collect(),
        corrections: copy
            .corrections
            .into_iter()
            .map(|c| CorrectionLine {
                part: c.part,
                when: long_date(c.asked_at.date_naive()),
                what_is_wrong: c.what_is_wrong,
                status: c.status,
                answer: c.answer,
            })
            .collect(),
        capacity: match copy.capacity {
            Masked::Shown(c) => Part::Shown(
                c.assessments
                    .into_iter()
                    .map(|a| format!("{}: {}. {}", a.decision, a.finding, a.reasons))
                    .chain(c.best_interests.into_iter().map(|d| {
                        format!(
                            "{} was shared with {}. Why: {}",
                            d.shared_what, d.shared_with, d.why
                        )
                    }))
                    .collect(),
            ),
            Masked::Withheld { reason, .. } => Part::Withheld(sentence(&reason)),
        },
        advance_choices: match copy.advance_choices {
            Masked::Shown(versions) => Part::Shown(
                versions
                    .into_iter()
                    .map(|v| {
                        let standing = if v.in_force {
                            "These count now".to_owned()
                        } else {
                            format!("Version {}, changed since", v.version)
                        };
                        format!(
                            "{standing}: “{}” {} Seen by {}, {}.",
                            v.statement,
                            v.choices.join(" "),
                            v.witnessed_by,
                            long_date(v.witnessed_at.date_naive())
                        )
                    })
                    .collect(),
            ),
            Masked::Withheld { reason, .. } => Part::Withheld(sentence(&reason)),
        },
        log: copy
            .access_log
            .into_iter()
            .map(|item| LogLine {
                who: item.who,
                from: format!("{}, {}", item.role, item.organisation),
                when: when(item.at),
                what: item.what.join("; "),
                why: item.purpose,
            })
            .collect(),
    };
    Ok(render(&page)?.into_response())
}

/// `GET /my/copy.json`: the copy as a file, never kept by a cache.
pub async fn download(
    State(state): State<AppState>,
    session: SignedIn,
) -> Result<Response, PageError> {
    let copy: OwnCopy = own_copy(&state, &session.viewer(Purpose::OwnAccess)).await?;
    let body = serde_json::to_vec_pretty(&copy)
        .map_err(|e| PageError::Internal(format!("own copy: {e}")))?;
    let name = format!(
        "attachment; filename=\"my-record-{}.json\"",
        copy.made_at.date_naive()
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, name),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}
