//! The words a person reads about themselves are plain English: every page
//! their own account reaches, every page their carer's account reaches, and
//! the public page of how their
//! information is shared, scores at least 70 on the Flesch reading ease
//! scale ("fairly easy" or easier), measured by the `textstat` crate over
//! the page's main text as Chromium lays it out — each line a reader
//! meets (a heading, a paragraph, a list item, a table cell, a label)
//! read as a sentence of its own. The choices a list offers are left out
//! (a list of options is not prose), and so is what stays folded until the
//! reader opens it: the public page's agreements in full, whose citations
//! of the law cannot be plain English; and what a crisis plan's sections
//! say, which is the person's own words. Markup does not depend on the
//! store, so this runs on SQLite.

use crate::browser::{Browser, Screen};
use crate::harness::{TestApp, DEMO_PASSWORD};
use crate::receivers::SmtpReceiver;

/// "Fairly easy": about what an 11-year-old reads without help.
const EASE_AT_LEAST: f64 = 70.0;

/// The pages a person's own account reaches from its home page, and the
/// public one.
const OWN_PAGES: [&str; 16] = [
    "/",
    "/my/record",
    "/my/crisis-plan",
    "/my/referrals",
    "/my/notices",
    "/my/consent",
    "/my/description",
    "/my/access-log",
    "/my/copy",
    "/my/frequent-contact",
    "/my/case",
    "/my/corrections",
    "/my/capacity",
    "/my/advance-choices",
    "/inbox",
    "/sharing",
];

/// The main text's lines as sentences: each line ends with a full stop
/// unless it already ends a sentence or introduces what follows.
fn sentences(lines: &str) -> String {
    lines
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            if l.ends_with(['.', '!', '?', ':']) {
                format!("{l} ")
            } else {
                format!("{l}. ")
            }
        })
        .collect()
}

/// The page's main text as laid out, the options of its lists hidden, and
/// what a crisis plan's sections say: those are the person's own words
/// (or their care team's with them), not the software's.
async fn main_text(browser: &Browser) -> String {
    let text = browser
        .client
        .execute(
            "document.querySelectorAll('main select, main .plan-section > :not(h3)') \
                 .forEach(s => s.style.display = 'none'); \
             return document.querySelector('main').innerText;",
            vec![],
        )
        .await
        .expect("read the page's text");
    text.as_str().unwrap_or_default().to_owned()
}

/// The pages a carer's account reaches from its home page, and the
/// public one.
const CARER_PAGES: [&str; 4] = ["/", "/carer", "/inbox", "/sharing"];

async fn the_pages_a_person_reads_are_fairly_easy_or_easier(app: TestApp) {
    // Daniel in frequent contact, and on a multi-agency case, so that
    // those pages say what they say to someone they concern.
    crate::frequent_contact::seeded(&app).await;
    crate::frequent_contact::daniel_on_the_list(&app).await;
    pages_read_fairly_easily(&app, "person", &OWN_PAGES).await;
}

/// Daniel's mother, with a message to his care team answered, reads her
/// pages as easily.
async fn the_pages_a_carer_reads_are_fairly_easy_or_easier(app: TestApp) {
    let carer = app.token_for("carer", "FAMRQT").await;
    let sent = crate::fixtures::post_json(
        &app,
        &carer,
        "/api/v1/carer/messages",
        serde_json::json!({"body": "Is Daniel still coming home on Tuesday?"}),
    )
    .await;
    assert_eq!(sent.status(), 201);
    pages_read_fairly_easily(&app, "carer", &CARER_PAGES).await;
}

async fn pages_read_fairly_easily(
    app: &TestApp,
    username: &'static str,
    pages: &'static [&'static str],
) {
    let found = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let out = found.clone();
    Browser::run_in(
        app,
        "plain-words",
        username,
        Screen::Phone,
        |browser| async move {
            browser.sign_in(username, DEMO_PASSWORD).await;
            for path in pages {
                browser.open(path).await;
                browser.find("main h1").await;
                let words = sentences(&main_text(&browser).await);
                let ease = textstat::flesch_reading_ease(&words);
                out.lock().unwrap().push((path, ease, words));
            }
        },
    )
    .await;
    let scores = std::mem::take(&mut *found.lock().unwrap());
    if scores.is_empty() {
        return; // no browser here; the harness said why
    }
    let report: Vec<String> = scores
        .iter()
        .map(|(path, ease, _)| format!("{path}: {ease:.1}"))
        .collect();
    eprintln!("Flesch reading ease: {}", report.join(", "));
    let hard: Vec<String> = scores
        .iter()
        .filter(|(_, ease, _)| *ease < EASE_AT_LEAST)
        .map(|(path, ease, words)| format!("{path} scores {ease:.1}:\n{words}"))
        .collect();
    assert!(
        hard.is_empty(),
        "below {EASE_AT_LEAST}:\n{}",
        hard.join("\n\n")
    );
}

/// An email's body as its reader sees it: after the headers, with
/// quoted-printable soft line breaks joined and escapes decoded.
fn body_of(data: &str) -> String {
    let body = data
        .split_once("\r\n\r\n")
        .or_else(|| data.split_once("\n\n"))
        .map_or(data, |(_, body)| body);
    let joined = body.replace("=\r\n", "").replace("=\n", "");
    let mut out = Vec::new();
    let bytes = joined.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'=' && i + 2 < bytes.len())
            .then(|| u8::from_str_radix(&joined[i + 1..i + 3], 16).ok())
            .flatten();
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What a person and their carer are sent by email: the carer's news of a
/// discharge the person agreed they may be told of, and the person's own
/// notice that something is new (here, the answer to their request for a
/// correction) — each fairly easy or easier to read.
async fn the_emails_a_person_and_their_carer_get_are_fairly_easy_or_easier(app: TestApp) {
    use concordat_server::Clock as _;
    let smtp = SmtpReceiver::started();
    let daniel = crate::fixtures::person_id(&app, crate::fixtures::DANIEL).await;
    crate::contact_events::share_with_carer(&app, daniel, &["discharge"]).await;
    {
        let person = crate::fixtures::user(&app, "person").await;
        let mut tx = app.store.write().await.unwrap();
        concordat_store::users::set_notice_email(&mut tx, person.id(), Some("daniel@example.org"))
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let ward = app.token_for("nmht-pas", "TREAT").await;
    let sent = crate::fixtures::post_json(
        &app,
        &ward,
        "/api/v1/events",
        crate::contact_events::discharge("PW-1", crate::fixtures::DANIEL),
    )
    .await;
    assert_eq!(sent.status(), 201);
    concordat::demo::corrections::seed_correction(&app.store, app.clock.now())
        .await
        .unwrap();
    let lead = crate::corrections::daniels_lead(&app).await;
    let owner = app.token_for(&lead, "TREAT").await;
    let (_, asked) = crate::fixtures::get_json(&app, &owner, "/api/v1/corrections").await;
    let id = asked[0]["id"].as_str().unwrap().to_owned();
    let answered = crate::fixtures::post_json(
        &app,
        &owner,
        &format!("/api/v1/corrections/{id}/answer"),
        serde_json::json!({"outcome": "corrected", "answer": "Claire's new number is on your plan now."}),
    )
    .await;
    assert_eq!(answered.status(), 200);
    app.run_jobs().await;

    let mail = smtp.mail();
    let to = |address: &str| mail.iter().find(|m| m.to.iter().any(|t| t == address));
    let carer = to("margaret.reid@example.org").expect("the carer's email");
    let person = to("daniel@example.org").expect("the person's email");
    let mut hard = Vec::new();
    for (whose, m) in [("carer", carer), ("person", person)] {
        let words = sentences(&body_of(&m.data));
        let ease = textstat::flesch_reading_ease(&words);
        eprintln!("{whose}'s email: Flesch reading ease {ease:.1}");
        if ease < EASE_AT_LEAST {
            hard.push(format!("the {whose}'s email scores {ease:.1}:\n{words}"));
        }
    }
    assert!(
        hard.is_empty(),
        "below {EASE_AT_LEAST}:\n{}",
        hard.join("\n\n")
    );
}

fn smtp(config: &mut concordat_server::ServerConfig) {
    SmtpReceiver::adjust(config);
}

crate::on_both_stores!(emails with smtp:
    the_emails_a_person_and_their_carer_get_are_fairly_easy_or_easier,
);

#[test]
fn an_email_body_is_read_as_its_reader_sees_it() {
    assert_eq!(
        body_of("Subject: x\r\n\r\nDaniel is expected =\r\nhome =E2=80=94 soon."),
        "Daniel is expected home — soon."
    );
}

#[test]
fn each_line_is_a_sentence() {
    assert_eq!(
        sentences("My record\n\nWhat we hold about you.\nWho may see it:\n  One  \n"),
        "My record. What we hold about you. Who may see it: One. "
    );
    assert!(textstat::flesch_reading_ease("The cat sat on the mat. The dog ran.") > 90.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_a_person_reads_are_fairly_easy_or_easier_on_sqlite() {
    crate::harness::run(
        crate::harness::StoreKind::Sqlite,
        the_pages_a_person_reads_are_fairly_easy_or_easier,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_a_carer_reads_are_fairly_easy_or_easier_on_sqlite() {
    crate::harness::run(
        crate::harness::StoreKind::Sqlite,
        the_pages_a_carer_reads_are_fairly_easy_or_easier,
    )
    .await;
}
