//! Matching as pages: the reviewer's queue of contact events sent without
//! an NHS number (`/matching`) and one event beside the people it may be,
//! with the decision (`/matching/{id}`). Everything goes through
//! [`crate::matching`].

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use concordat_domain::ids::PersonId;
use concordat_domain::purpose::Purpose;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::session::SignedIn;
use crate::error::ServiceError;
use crate::matching::{self as service, Choice, Item, NewRecord, QueueEntry, ReviewedCandidate};
use crate::pages::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::pages::faults::Faults;
use crate::pages::layout::{render, Chrome};
use crate::pages::words::{long_date, nhs_spaced, when};
use crate::record::views::Masked;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/matching", get(queue))
        .route("/matching/{id}", get(item).post(decide))
        .route("/matching/{id}/merge", post(merge))
}

/// A held event as the pages show it.
struct Row {
    id: String,
    event_id: String,
    kind: String,
    occurred: String,
    received: String,
    status: &'static str,
    unsure: bool,
    described: String,
    candidates: usize,
    note: String,
}

fn row(e: &QueueEntry) -> Row {
    let d = &e.described;
    let mut described: Vec<String> = Vec::new();
    let name = [d.given_name.as_deref(), d.family_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if !name.is_empty() {
        described.push(name);
    }
    if let Some(born) = d.birth_date {
        described.push(format!("born {}", long_date(born)));
    }
    if let Some(postcode) = &d.postcode {
        described.push(postcode.clone());
    }
    if let Some(identifier) = &d.identifier {
        described.push(format!("their number {identifier}"));
    }
    Row {
        id: e.id.to_string(),
        event_id: e.event_id.clone(),
        kind: concordat_domain::contact_event::ContactKind::parse(&e.kind)
            .map(|k| k.label().to_owned())
            .unwrap_or_else(|_| e.kind.clone()),
        occurred: when(e.occurred_at),
        received: when(e.received_at),
        status: match e.status {
            "review" => "May be someone we know",
            "unmatched" => "Like no one we know",
            "linked" => "Matched and recorded",
            "not-recorded" => "Matched, but could not be recorded for them",
            _ => "Waiting to be compared",
        },
        unsure: e.unsure,
        described: described.join(", "),
        candidates: e.candidates,
        note: e.note.clone(),
    }
}

#[derive(Template)]
#[template(path = "matching.html")]
struct QueuePage {
    chrome: Chrome,
    rows: Vec<Row>,
}

/// `GET /matching`.
pub async fn queue(
    State(state): State<AppState>,
    session: SignedIn,
) -> Result<Response, PageError> {
    let viewer = session.viewer(Purpose::DirectCare);
    let entries = service::queue(&state, &viewer).await?;
    let page = QueuePage {
        chrome: Chrome::load(&state, &session).await?,
        rows: entries.iter().map(row).collect(),
    };
    Ok(render(&page)?.into_response())
}

/// One line of the side-by-side comparison.
struct Compared {
    field: &'static str,
    sent: String,
    recorded: String,
    level: String,
    weight: String,
}

/// A candidate as the page shows it.
struct Card {
    person_id: String,
    name: String,
    /// The name with the NHS number or its absence: two records of one
    /// person share a name, and the merge form must tell them apart.
    label: String,
    chance: String,
    lines: Vec<Compared>,
    withheld: Option<String>,
    checked: bool,
}

fn shown<T: ToString>(value: Option<&Masked<T>>) -> String {
    match value {
        Some(Masked::Shown(v)) => v.to_string(),
        Some(Masked::Withheld { reason, .. }) => format!("withheld: {reason}"),
        None => "—".to_owned(),
    }
}

/// A record's numbers as the comparison shows them: the NHS number spaced,
/// any other as `system|value`, as the event's own is shown.
fn numbers(p: &crate::record::views::DemographicsView) -> String {
    let nhs = p.nhs_number.as_deref();
    let mut shown: Vec<String> = nhs
        .map(|n| format!("NHS {}", nhs_spaced(n)))
        .into_iter()
        .collect();
    shown.extend(
        p.identifiers
            .iter()
            .filter(|i| Some(i.value.as_str()) != nhs)
            .map(|i| format!("{}|{}", i.system, i.value)),
    );
    if shown.is_empty() {
        "—".to_owned()
    } else {
        shown.join("; ")
    }
}

fn card(item: &Item, c: &ReviewedCandidate, chosen: &str) -> Card {
    let d = &item.event.described;
    let field = |label: &str| {
        c.evidence
            .fields
            .iter()
            .find(|f| f.field == label)
            .map(|f| (f.level.clone(), format!("{:+.1}", f.weight)))
            .unwrap_or_default()
    };
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "—".to_owned());
    let mut lines = Vec::new();
    let mut name = "Withheld".to_owned();
    if let Some(p) = &c.demographics {
        name = format!("{} {}", p.given_name, p.family_name);
        let postcode = match &p.address {
            Some(Masked::Shown(a)) => a.postcode.clone(),
            Some(Masked::Withheld { reason, .. }) => format!("withheld: {reason}"),
            None => "—".to_owned(),
        };
        let rows: [(&'static str, &str, Option<String>, String); 6] = [
            (
                "Given name",
                "given name",
                d.given_name.clone(),
                p.given_name.clone(),
            ),
            (
                "Family name",
                "family name",
                d.family_name.clone(),
                p.family_name.clone(),
            ),
            (
                "Date of birth",
                "date of birth",
                d.birth_date.map(long_date),
                long_date(p.birth_date),
            ),
            ("Postcode", "postcode", d.postcode.clone(), postcode),
            ("Phone", "phone", d.phone.clone(), shown(p.phone.as_ref())),
            (
                "Sex",
                "sex",
                d.sex.clone(),
                or_dash(p.sex.map(str::to_owned)),
            ),
        ];
        for (label, key, sent, recorded) in rows {
            let (level, weight) = field(key);
            lines.push(Compared {
                field: label,
                sent: or_dash(sent),
                recorded,
                level,
                weight,
            });
        }
        let (level, weight) = field("identifiers");
        lines.push(Compared {
            field: "Numbers",
            sent: or_dash(d.identifier.clone()),
            recorded: numbers(p),
            level,
            weight,
        });
    }
    let label = match c
        .demographics
        .as_ref()
        .and_then(|p| p.nhs_number.as_deref())
    {
        Some(nhs) => format!("{name}, NHS {}", nhs_spaced(nhs)),
        None => format!("{name}, no NHS number"),
    };
    Card {
        person_id: c.person_id.to_string(),
        name,
        label,
        chance: format!("{:.1} %", c.evidence.probability * 100.0),
        lines,
        withheld: c.withheld.clone(),
        checked: chosen == c.person_id.to_string(),
    }
}

#[derive(Template)]
#[template(path = "matching_item.html")]
struct ItemPage {
    chrome: Chrome,
    row: Row,
    open: bool,
    cards: Vec<Card>,
    chosen: String,
    note: String,
    /// The address given for a new record, kept when the form comes back.
    added: NewRecord,
    /// The merge form as sent, kept when it comes back.
    merging: MergeForm,
    notice: Option<&'static str>,
    faults: Faults,
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

fn item_page(
    chrome: Chrome,
    item: &Item,
    chosen: &str,
    (note, added): (String, NewRecord),
    faults: Faults,
) -> ItemPage {
    ItemPage {
        chrome,
        row: row(&item.event),
        open: item.open,
        cards: item
            .candidates
            .iter()
            .map(|c| card(item, c, chosen))
            .collect(),
        chosen: chosen.to_owned(),
        note,
        added,
        merging: MergeForm::default(),
        notice: None,
        faults,
    }
}

/// `GET /matching/{id}`.
pub async fn item(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageQuery(query): PageQuery<DoneQuery>,
) -> Result<Response, PageError> {
    let viewer = session.viewer(Purpose::DirectCare);
    let item = service::item(&state, &viewer, &id).await?;
    let mut page = item_page(
        Chrome::load(&state, &session).await?,
        &item,
        "",
        (String::new(), NewRecord::default()),
        Faults::new(),
    );
    page.notice = match query.done.as_deref() {
        Some("linked") => Some("Matched: the contact is now on their record."),
        Some("not-linked") => Some("Saved: it is none of these people."),
        Some("new-person") => Some("Started a new record for them: the contact is on it."),
        Some("merged") => Some(
            "Merged: the two records are one. Your service's merges list it, with a way to undo it.",
        ),
        Some("unsure") => Some("Saved: it waits for another reviewer."),
        _ => None,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct DecisionForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    address_line: String,
    #[serde(default)]
    town: String,
}

/// `POST /matching/{id}`: the decision. `decision` is a listed person's
/// id, `none`, `new` (start a record for them, with the address fields) or
/// `unsure`.
pub async fn decide(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<DecisionForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let viewer = session.viewer(Purpose::DirectCare);
    let choice = match form.decision.as_str() {
        "none" => Ok(Choice::NotLinked),
        "new" => Ok(Choice::NewPerson(NewRecord {
            address_line: form.address_line.clone(),
            town: form.town.clone(),
        })),
        "unsure" => Ok(Choice::Unsure),
        "" => Err(ServiceError::invalid(
            "decision",
            "Choose the person it is about, none of them, or that you cannot tell",
        )),
        raw => PersonId::parse(raw)
            .map(Choice::Link)
            .map_err(|_| ServiceError::invalid("decision", "Choose one of the people listed")),
    };
    let result = match choice {
        Ok(choice) => service::decide(&state, &viewer, &id, choice.clone(), &form.note)
            .await
            .map(|_| choice),
        Err(e) => Err(e),
    };
    match result {
        Ok(choice) => {
            let done = match choice {
                Choice::Link(_) => "linked",
                Choice::NotLinked => "not-linked",
                Choice::NewPerson(_) => "new-person",
                Choice::Unsure => "unsure",
            };
            Ok(Redirect::to(&format!("/matching/{id}?done={done}")).into_response())
        }
        Err(ServiceError::Invalid(fields)) => {
            let item = service::item(&state, &viewer, &id).await?;
            let page = item_page(
                Chrome::load(&state, &session).await?,
                &item,
                &form.decision,
                (
                    form.note,
                    NewRecord {
                        address_line: form.address_line,
                        town: form.town,
                    },
                ),
                Faults::from_service(
                    &fields,
                    &["decision", "note", "person", "address_line", "town"],
                    "decision",
                ),
            );
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Default, Deserialize)]
#[expect(
    missing_debug_implementations,
    reason = "holds the session's CSRF token, which must not reach a log"
)]
pub struct MergeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    kept_person_id: String,
    #[serde(default)]
    merged_person_id: String,
    #[serde(default)]
    note: String,
}

/// `POST /matching/{id}/merge`: two records the event lists are one
/// person; the second is folded into the first.
pub async fn merge(
    State(state): State<AppState>,
    session: SignedIn,
    PagePath(id): PagePath<String>,
    PageForm(form): PageForm<MergeForm>,
) -> Result<Response, PageError> {
    csrf::check(Some(&session.csrf_token), &form.csrf_token)?;
    let viewer = session.viewer(Purpose::DirectCare);
    let chosen = |field: &str, raw: &str| {
        PersonId::parse(raw)
            .map_err(|_| ServiceError::invalid(field, "Choose one of the records listed above"))
    };
    let result = match (
        chosen("kept_person_id", &form.kept_person_id),
        chosen("merged_person_id", &form.merged_person_id),
    ) {
        (Ok(kept), Ok(merged)) => {
            crate::matching::merge::merge(&state, &viewer, &id, kept, merged, &form.note).await
        }
        (Err(ServiceError::Invalid(mut a)), Err(ServiceError::Invalid(b))) => {
            a.extend(b);
            Err(ServiceError::Invalid(a))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let (status, faults) = match result {
        Ok(_) => return Ok(Redirect::to(&format!("/matching/{id}?done=merged")).into_response()),
        Err(ServiceError::Invalid(mut fields)) => (
            StatusCode::BAD_REQUEST,
            Faults::from_service(
                &{
                    // The form's note is the merge's, beside the decision's.
                    for f in &mut fields {
                        if f.field == "note" {
                            f.field = "merge_note".into();
                        }
                    }
                    fields
                },
                &["kept_person_id", "merged_person_id", "merge_note"],
                "merge",
            ),
        ),
        Err(ServiceError::Conflict(why)) => {
            let mut faults = Faults::new();
            faults.add("merge", &why);
            (StatusCode::CONFLICT, faults)
        }
        Err(other) => return Err(other.into()),
    };
    let item = service::item(&state, &viewer, &id).await?;
    let mut page = item_page(
        Chrome::load(&state, &session).await?,
        &item,
        "",
        (String::new(), NewRecord::default()),
        faults,
    );
    page.merging = form;
    Ok((status, render(&page)?).into_response())
}
