//! The access pages end to end, through the forms as a person would use
//! them, on both stores: a refusal, break-glass and its review; the
//! person's own access log; the same "not found" page for a stranger as for
//! no one; governance's audit search; the inbox and its count in the header;
//! and CSRF protection on every form.
//!
//! Longer than most test files because each journey crosses the same pages (a
//! refusal, then break-glass, then its review and the access log) and shares
//! the form helpers at the top.

use concordat_store::persons;

use crate::fixtures::*;
use crate::harness::TestApp;

async fn police_break_glass_through_the_pages_is_marked_and_reviewed(app: TestApp) {
    let leah = person_id(&app, LEAH).await;
    open_street_triage(&app, leah, &user(&app, "police").await).await;
    let police = signed_in(&app, "police").await;

    // Refused, with the rule in words and the way to break-glass.
    let (status, html) = find_by_nhs(&app, &police, LEAH, Some("ETREAT")).await;
    assert_eq!(status, 403, "{html}");
    assert!(
        html.contains("The person has refused sharing with Northshire Police."),
        "{html}"
    );
    assert!(html.contains("Rule: consent-refused"), "{html}");
    let break_glass = format!("/persons/{leah}/break-glass?purpose=ETREAT");
    assert!(html.contains(&format!(r#"href="{break_glass}""#)), "{html}");

    // The form: the lawful bases in words, the warning, the justification.
    let (status, form) = page(&app, &police, &break_glass).await;
    assert_eq!(status, 200);
    for basis in ["vital-interests", "safeguarding", "prevention-of-harm"] {
        assert!(form.contains(&format!(r#"value="{basis}""#)), "{form}");
    }
    assert!(form.contains("Vital interests (to protect life)"), "{form}");
    assert!(form.contains("recorded in the audit"), "{form}");
    assert!(form.contains("will review it"), "{form}");
    assert!(
        form.contains("the person will see that you looked"),
        "{form}"
    );
    let csrf = csrf_token(&form);
    let path = format!("/persons/{leah}/break-glass");

    let short = post_form(
        &app,
        &police,
        &path,
        &[
            ("csrf_token", &csrf),
            ("purpose", "ETREAT"),
            ("lawful_basis", "prevention-of-harm"),
            ("justification", "urgent"),
        ],
    )
    .await;
    assert_eq!(short.status(), 400);
    let html = short.text().await.unwrap();
    assert!(html.contains("at least 20 characters"), "{html}");
    assert!(
        html.contains(r#"value="prevention-of-harm" checked"#),
        "{html}"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM break_glass").await,
        0,
        "a refused form grants nothing"
    );

    let justification = "Threatening to jump from the bridge; need her crisis plan and risks now";
    let granted = post_form(
        &app,
        &police,
        &path,
        &[
            ("csrf_token", &csrf),
            ("purpose", "ETREAT"),
            ("lawful_basis", "prevention-of-harm"),
            ("justification", justification),
        ],
    )
    .await;
    assert_eq!(granted.status(), 303);
    let back = location(&granted);
    assert_eq!(back, format!("/persons/{leah}?purpose=ETREAT"));

    // The record, marked as break-glass, the address still withheld.
    let (status, html) = page(&app, &police, &back).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(r#"id="break-glass""#), "{html}");
    assert!(html.contains("under your break-glass override"), "{html}");
    assert!(html.contains("Leah Morgan"), "{html}");
    assert!(
        html.contains("Emergency treatment or crisis response</strong> (ETREAT)"),
        "{html}"
    );
    let address = &html[html.find(r#"id="address""#).expect("address row")..];
    let address = &address[..address.find("</dd>").unwrap()];
    assert!(address.contains("Withheld"), "{address}");
    assert!(
        address.contains("Address is shown only to crisis clinicians"),
        "{address}"
    );
    assert!(!html.contains("27 Willow Drive"), "{html}");
    assert!(html.contains(r#"id="withheld""#), "{html}");

    // The force's information governance lead is told, and reviews it.
    let ig = signed_in(&app, "police.ig").await;
    let (status, queue) = page(&app, &ig, "/governance/break-glass").await;
    assert_eq!(status, 200, "{queue}");
    assert!(
        queue.contains("(1 new)"),
        "the header counts the unread notice"
    );
    assert!(queue.contains("PC Sam Whitaker"), "{queue}");
    assert!(queue.contains("jump from the bridge"), "{queue}");
    assert!(queue.contains("To review (1)"), "{queue}");
    let review = form_action(&queue, "/governance/break-glass/");
    assert!(review.ends_with("/review"), "{review}");
    let csrf = csrf_token(&queue);
    let undecided = post_form(
        &app,
        &ig,
        &review,
        &[("csrf_token", &csrf), ("note", "Looks fine")],
    )
    .await;
    assert_eq!(undecided.status(), 400);
    assert!(undecided
        .text()
        .await
        .unwrap()
        .contains("Say whether the use was appropriate."));
    let reviewed = post_form(
        &app,
        &ig,
        &review,
        &[
            ("csrf_token", &csrf),
            ("appropriate", "yes"),
            ("note", "Risk to life; proportionate."),
        ],
    )
    .await;
    assert_eq!(reviewed.status(), 303);
    assert_eq!(location(&reviewed), "/governance/break-glass?done=reviewed");
    let (_, queue) = page(&app, &ig, "/governance/break-glass?done=reviewed").await;
    assert!(queue.contains("The review is recorded."), "{queue}");
    assert!(queue.contains("To review (0)"), "{queue}");
    assert!(
        queue.contains("appropriate. Risk to life; proportionate."),
        "{queue}"
    );

    // The inbox lists the notice and marks it read.
    let (status, inbox) = page(&app, &ig, "/inbox").await;
    assert_eq!(status, 200);
    assert!(
        inbox.contains("Break-glass by PC Sam Whitaker needs review"),
        "{inbox}"
    );
    assert!(
        inbox.contains(r#"href="/governance/break-glass""#),
        "{inbox}"
    );
    let marked = post_form(&app, &ig, "/inbox/read", &[("csrf_token", &csrf)]).await;
    assert_eq!(marked.status(), 303);
    let (_, inbox) = page(&app, &ig, "/inbox").await;
    assert!(!inbox.contains("new)"), "{inbox}");
    assert!(!inbox.contains("Mark all as read"), "{inbox}");
}

async fn the_persons_own_access_log_page_lists_a_gps_read(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let gp = signed_in(&app, "gp").await;
    let (status, html) = find_by_nhs(&app, &gp, DANIEL, None).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Daniel Reid"), "{html}");
    assert!(html.contains("Direct care</strong> (TREAT)"), "{html}");
    assert!(html.contains("12 Orchard Way"), "{html}");
    assert!(html.contains("Care coordinator"), "{html}");

    let person = signed_in(&app, "person").await;
    let (status, log) = page(&app, &person, "/my/access-log").await;
    assert_eq!(status, 200, "{log}");
    assert!(log.contains("Dr Helen Carter"), "{log}");
    assert!(log.contains("GP, Riverside Surgery"), "{log}");
    assert!(log.contains("Why: Direct care"), "{log}");
    assert!(log.contains("Looked at: Name, date of birth"), "{log}");
    assert!(!log.contains("Emergency access</span>"), "{log}");

    // Their own record, read for their own access, is not in that log.
    let mine = person.get(app.url("/my/record")).send().await.unwrap();
    assert_eq!(mine.status(), 303);
    assert_eq!(location(&mine), format!("/persons/{daniel}"));
    let (status, html) = page(&app, &person, &format!("/persons/{daniel}")).await;
    assert_eq!(status, 200);
    // It is their own record, said in words; no purpose code.
    assert!(html.contains("This is your record"), "{html}");
    assert!(!html.contains("PATRQT"), "{html}");
    assert!(html.contains("Who may see my record"), "{html}");
    let (_, again) = page(&app, &person, "/my/access-log").await;
    assert_eq!(again.matches("<li>").count(), log.matches("<li>").count());

    // A professional has no access log of their own here.
    let (status, _) = page(&app, &gp, "/my/access-log").await;
    assert_eq!(status, 403);
}

async fn a_stranger_sees_the_same_not_found_page_as_for_no_one(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let stranger = signed_in(&app, "dr.wood").await;
    let (status, theirs) = page(&app, &stranger, &format!("/persons/{daniel}")).await;
    assert_eq!(status, 404);
    let (status, nobody) = page(
        &app,
        &stranger,
        &format!("/persons/{}", uuid::Uuid::new_v4()),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(theirs, nobody);
    let (_, malformed) = page(&app, &stranger, "/persons/not-an-id").await;
    assert_eq!(theirs, malformed);

    // By NHS number: the same page whether or not anyone has the number.
    let (status, found) = find_by_nhs(&app, &stranger, DANIEL, None).await;
    assert_eq!(status, 404);
    let (status, absent) = find_by_nhs(&app, &stranger, "9990001111", None).await;
    assert_eq!(status, 404);
    assert_eq!(
        found.replace(DANIEL, "N"),
        absent.replace("9990001111", "N")
    );

    // A mistyped number is the reader's mistake, and says so.
    let (status, html) = find_by_nhs(&app, &stranger, "1234567890", None).await;
    assert_eq!(status, 400);
    assert!(html.contains(r#"id="nhs_number-error""#), "{html}");
    assert!(html.contains(r##"<a href="#nhs_number">"##), "{html}");
    assert!(html.contains("<title>Error: "), "{html}");
    assert!(html.contains(r#"aria-invalid="true""#), "{html}");
    // Nor is a number ever read from the address.
    let (status, html) = page(&app, &stranger, &format!("/persons?nhs_number={DANIEL}")).await;
    assert_eq!(status, 200);
    assert!(!html.contains(DANIEL), "{html}");
    let (status, html) = find_by_nhs(&app, &stranger, "9990000018", Some("HOPERAT")).await;
    assert_eq!(status, 400);
    assert!(
        html.contains("is not a purpose you can read a record for"),
        "{html}"
    );

    // Break-glass does not make a stranger of someone a relation.
    let (_, form) = page(&app, &stranger, &format!("/persons/{daniel}/break-glass")).await;
    let claimed = post_form(
        &app,
        &stranger,
        &format!("/persons/{daniel}/break-glass"),
        &[
            ("csrf_token", &csrf_token(&form)),
            ("lawful_basis", "vital-interests"),
            (
                "justification",
                "Collapsed in the waiting room, unresponsive",
            ),
        ],
    )
    .await;
    assert_eq!(claimed.status(), 404);
    assert_eq!(claimed.text().await.unwrap(), nobody);
}

async fn governance_searches_the_audit_in_the_pages_and_others_cannot(app: TestApp) {
    let gp = signed_in(&app, "gp").await;
    find_by_nhs(&app, &gp, DANIEL, None).await;
    let ig = signed_in(&app, "ig.lead").await;
    let (status, html) = page(&app, &ig, "/governance/audit?user=gp&outcome=allowed").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(r#"id="audit-results""#), "{html}");
    assert!(html.contains("Dr Helen Carter"), "{html}");
    assert!(
        html.contains(r#"<option value="allowed" selected>"#),
        "{html}"
    );
    let (status, html) = page(&app, &ig, "/governance/audit?outcome=maybe").await;
    assert_eq!(status, 400);
    assert!(html.contains("is not an outcome"), "{html}");
    let (status, html) = page(&app, &ig, "/governance/audit?from=yesterday").await;
    assert_eq!(status, 400);
    assert!(html.contains(r#"id="from-error""#), "{html}");

    for path in ["/governance/audit", "/governance/break-glass"] {
        let (status, html) = page(&app, &gp, path).await;
        assert_eq!(status, 403, "{path}");
        assert!(html.contains("Only information governance leads"), "{html}");
    }
    // Nor may they search by POST, or download.
    let (_, home) = page(&app, &gp, "/").await;
    for extra in [None, Some(("format", "csv"))] {
        let mut fields = vec![
            ("csrf_token", csrf_token(&home)),
            ("person", DANIEL.to_owned()),
        ];
        fields.extend(extra.map(|(k, v)| (k, v.to_owned())));
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = post_form(&app, &gp, "/governance/audit", &pairs).await;
        assert_eq!(refused.status(), 403);
    }
    let (_, home) = page(&app, &ig, "/").await;
    assert!(home.contains(r#"href="/governance/audit""#), "{home}");
    let (_, home) = page(&app, &gp, "/").await;
    assert!(home.contains(r#"href="/persons""#), "{home}");
    assert!(!home.contains(r#"href="/governance/audit""#), "{home}");
}

/// The IG lead's search by NHS number, as sent by the form.
async fn audit_search(
    app: &TestApp,
    ig: &reqwest::Client,
    fields: &[(&str, &str)],
) -> (u16, String, String) {
    let (_, form) = page(app, ig, "/governance/audit").await;
    let csrf = csrf_token(&form);
    let mut sent = vec![("csrf_token", csrf.as_str())];
    sent.extend_from_slice(fields);
    let response = post_form(app, ig, "/governance/audit", &sent).await;
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, response.text().await.unwrap())
}

/// The value of the hidden `name` field on the form `id` of `html`.
fn hidden_in(html: &str, id: &str, name: &str) -> String {
    let form = &html[html.find(&format!(r#"id="{id}""#)).expect("the form")..];
    let marker = format!(r#"name="{name}" value=""#);
    let start = form.find(&marker).expect("the field") + marker.len();
    form[start..start + form[start..].find('"').unwrap()].to_owned()
}

async fn governance_finds_a_persons_entries_by_nhs_number_or_name_pages_them_and_downloads_them(
    app: TestApp,
) {
    // Sixty reads of Daniel's record by his GP: more than one page.
    gp_reads_daniel(&app, 60).await;
    let ig = signed_in(&app, "ig.lead").await;
    let spaced = format!("{} {} {}", &DANIEL[..3], &DANIEL[3..6], &DANIEL[6..]);
    let (status, _, first) = audit_search(&app, &ig, &[("person", &spaced)]).await;
    assert_eq!(status, 200, "{first}");
    // In words: the person's name and NHS number, the reader's role and
    // organisation, what was done and why.
    assert!(first.contains("Daniel Reid"), "{first}");
    assert!(first.contains(&format!("NHS {spaced}")), "{first}");
    assert!(first.contains("GP, Riverside Surgery"), "{first}");
    assert!(first.contains("for direct care"), "{first}");
    assert!(first.contains("Entries 1 to 50, newest first."), "{first}");
    assert_eq!(first.matches("<tr>").count(), 51, "a header and 50 rows");

    // The next page, asked for as the button does.
    let before = hidden_in(&first, "older", "before");
    let (status, _, second) = audit_search(
        &app,
        &ig,
        &[("person", &spaced), ("before", &before), ("shown", "50")],
    )
    .await;
    assert_eq!(status, 200);
    assert!(second.contains("Entries 51 to"), "{second}");
    assert!(second.contains("Daniel Reid"), "{second}");
    assert!(second.contains("Back to the newest"), "{second}");
    let newest: u64 = before.parse().unwrap();
    for seq in second.match_indices("Entry ").filter_map(|(at, _)| {
        second[at + 6..]
            .split('<')
            .next()
            .and_then(|n| n.parse::<u64>().ok())
    }) {
        assert!(seq < newest, "page two repeats entry {seq}");
    }

    // By name, the same entries; by a mistyped NHS number, a fault.
    let (_, _, by_name) = audit_search(&app, &ig, &[("person", "daniel reid")]).await;
    assert!(by_name.contains("Entries 1 to 50"), "{by_name}");
    let (status, _, wrong) = audit_search(&app, &ig, &[("person", "999 000 001")]).await;
    assert_eq!(status, 400);
    assert!(wrong.contains(r##"<a href="#person">"##), "{wrong}");
    assert!(wrong.contains("<title>Error: Search the audit"), "{wrong}");
    // An NHS number no one has finds nothing, as for someone not covered.
    let (status, _, nobody) = audit_search(&app, &ig, &[("person", "9990001111")]).await;
    assert_eq!(status, 200);
    assert!(nobody.contains("No entries match."), "{nobody}");

    // Another organisation's lead, whose staff never read Daniel's record
    // and which holds no part of it, finds what they would for no one:
    // nothing, by number, by name, or as CSV.
    let other = signed_in(&app, "police.ig").await;
    for person in [spaced.as_str(), "Daniel Reid"] {
        let (status, _, theirs) = audit_search(&app, &other, &[("person", person)]).await;
        assert_eq!(status, 200);
        assert!(theirs.contains("No entries match."), "{person}: {theirs}");
    }
    let (_, _, their_csv) =
        audit_search(&app, &other, &[("person", &spaced), ("format", "csv")]).await;
    assert_eq!(their_csv.lines().count(), 1, "the header only: {their_csv}");

    // Everything found, as CSV.
    let (status, kind, csv) =
        audit_search(&app, &ig, &[("person", &spaced), ("format", "csv")]).await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/csv"), "{kind}");
    assert!(csv.starts_with("entry,when,who,username,role"), "{csv}");
    let gp_reads = csv
        .lines()
        .filter(|l| l.contains("Dr Helen Carter") && l.contains("Daniel Reid"))
        .count();
    assert!(gp_reads >= 60, "{gp_reads} rows: {csv}");
}

/// A form's fields, as sent.
type Form<'a> = Vec<(&'a str, &'a str)>;

async fn every_access_form_without_its_csrf_token_is_refused(app: TestApp) {
    let leah = person_id(&app, LEAH).await;
    let daniel = person_id(&app, DANIEL).await;
    open_street_triage(&app, leah, &user(&app, "police").await).await;
    let margaret = {
        let mut conn = app.store.read().await.unwrap();
        persons::related_persons_of(&mut conn, daniel)
            .await
            .unwrap()[0]
            .id()
    };
    let some_use = uuid::Uuid::new_v4();
    let some_choice = uuid::Uuid::new_v4();
    let cases: Vec<(&str, String, Form)> = vec![
        (
            "police",
            format!("/persons/{leah}/break-glass"),
            vec![
                ("lawful_basis", "vital-interests"),
                ("justification", "Threatening to jump from the bridge now"),
            ],
        ),
        (
            "police.ig",
            format!("/governance/break-glass/{some_use}/review"),
            vec![("appropriate", "yes"), ("note", "fine")],
        ),
        (
            "police.ig",
            format!("/governance/break-glass/{some_use}/defer"),
            vec![("reason", "harm"), ("until", "2027-01-01")],
        ),
        ("police.ig", "/inbox/read".into(), vec![]),
        (
            "person",
            format!("/persons/{daniel}/consent"),
            vec![("effect", "deny"), ("organisation", "NSPOL")],
        ),
        (
            "person",
            format!("/persons/{daniel}/consent/{some_choice}/withdraw"),
            vec![],
        ),
        (
            "person",
            format!("/persons/{daniel}/carers/{margaret}/sharing"),
            vec![("may_tell", "discharge")],
        ),
        (
            "person",
            format!("/persons/{daniel}/carers/{margaret}/invitation"),
            vec![],
        ),
        (
            "person",
            format!("/persons/{daniel}/carers/{margaret}/access"),
            vec![("change", "withdraw")],
        ),
        ("carer", "/carer/messages".into(), vec![("body", "Hello")]),
    ];
    let sharing = "SELECT COUNT(*) AS n FROM carer_sharing WHERE may_tell = 1";
    let shared_before = count(&app, sharing).await;
    let links = "SELECT COUNT(*) AS n FROM password_links";
    let links_before = count(&app, links).await;
    for (username, path, fields) in cases {
        let client = signed_in(&app, username).await;
        // A page first, so the session has a token that is simply not sent.
        page(&app, &client, "/").await;
        for token in [None, Some(""), Some("forged-token")] {
            let mut form = fields.clone();
            if let Some(token) = token {
                form.push(("csrf_token", token));
            }
            let response = post_form(&app, &client, &path, &form).await;
            assert_eq!(response.status(), 403, "{username} {path} {token:?}");
            assert!(
                response
                    .text()
                    .await
                    .unwrap()
                    .contains("This form has expired"),
                "{path}"
            );
        }
    }
    // Nothing was written.
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM break_glass").await,
        0
    );
    assert_eq!(count(&app, sharing).await, shared_before);
    assert_eq!(count(&app, links).await, links_before);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM users WHERE carer_withdrawn_at IS NOT NULL"
        )
        .await,
        0
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM message_threads").await,
        0
    );
    let directives =
        format!("SELECT COUNT(*) AS n FROM consent_directives WHERE person_id = '{daniel}'");
    assert_eq!(count(&app, &directives).await, 0);
    let ig = user(&app, "police.ig").await;
    let unread = format!(
        "SELECT COUNT(*) AS n FROM notifications WHERE user_id = '{}' AND read_at IS NOT NULL",
        ig.id()
    );
    assert_eq!(count(&app, &unread).await, 0);
}

async fn access_pages_stay_light(app: TestApp) {
    let leah = person_id(&app, LEAH).await;
    let daniel = person_id(&app, DANIEL).await;
    let mut paths = vec![
        ("gp", format!("/persons/{daniel}")),
        ("gp", "/persons".to_owned()),
        ("police", format!("/persons/{leah}/break-glass")),
        ("ig.lead", "/governance/audit".to_owned()),
        ("ig.lead", "/governance/break-glass".to_owned()),
        ("ig.lead", "/inbox".to_owned()),
        ("person", "/my/access-log".to_owned()),
    ];
    paths.push(("person", format!("/persons/{daniel}/consent")));
    for (username, path) in paths {
        let client = signed_in(&app, username).await;
        let (status, html) = page(&app, &client, &path).await;
        assert_eq!(status, 200, "{username} {path}: {html}");
        assert!(html.len() < 50 * 1024, "{path} is {} bytes", html.len());
        assert!(!html.contains("<script"), "{path}");
    }
}

crate::on_both_stores!(
    governance_finds_a_persons_entries_by_nhs_number_or_name_pages_them_and_downloads_them,
    police_break_glass_through_the_pages_is_marked_and_reviewed,
    the_persons_own_access_log_page_lists_a_gps_read,
    a_stranger_sees_the_same_not_found_page_as_for_no_one,
    governance_searches_the_audit_in_the_pages_and_others_cannot,
    every_access_form_without_its_csrf_token_is_refused,
    access_pages_stay_light,
);
