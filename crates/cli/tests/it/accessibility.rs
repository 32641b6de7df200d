//! Every page each demo sign-in can reach, checked in Chromium with
//! axe-core (Deque's accessibility engine, from the npm registry) against
//! the WCAG 2.0, 2.1 and 2.2 A and AA rules: no violations. Each sign-in
//! follows every link from its home page (one page of each kind: ids and
//! queries aside, a record page is a record page), and the forms that
//! matter are also checked after a failed submission, with their error
//! summary showing. The keyboard focus ring is checked too: visible, and at
//! least 3 : 1 against the page behind it. One sign-in of each role walks:
//! a role reaches the same pages whoever holds it.
//!
//! axe-core's script is found through `CONCORDAT_TEST_AXE` (scripts/test
//! installs it); without it these tests skip with a note, unless
//! `CONCORDAT_TEST_REQUIRE_ALL=1`, when they fail. Markup does not depend
//! on the store, so the sweep runs on SQLite.

use std::collections::{BTreeSet, VecDeque};

use serde_json::{json, Value};

use crate::browser::{Browser, Screen};
use crate::fixtures::texts;
use crate::harness::{TestApp, DEMO_PASSWORD};

/// The rules run: WCAG 2.0, 2.1 and 2.2, levels A and AA.
const TAGS: [&str; 6] = [
    "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa",
];

/// Kinds of page one sign-in may reach; more is a runaway walk.
const MOST_KINDS: usize = 100;

/// axe-core's script, or `None` (after a note) to skip.
fn axe_source() -> Option<String> {
    match std::env::var("CONCORDAT_TEST_AXE") {
        Ok(path) if !path.trim().is_empty() => Some(
            std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("read axe-core at {path}: {e}")),
        ),
        _ => {
            assert!(
                std::env::var("CONCORDAT_TEST_REQUIRE_ALL").as_deref() != Ok("1"),
                "CONCORDAT_TEST_AXE is not set but CONCORDAT_TEST_REQUIRE_ALL=1"
            );
            eprintln!("skipped: CONCORDAT_TEST_AXE is not set");
            None
        }
    }
}

/// The page's violations, one line each: the rule, what it asks, and where.
async fn violations(browser: &Browser, axe: &str) -> Vec<String> {
    browser
        .client
        .execute(axe, vec![])
        .await
        .expect("load axe-core into the page");
    let script = r"
        const done = arguments[arguments.length - 1];
        axe.run(document, { runOnly: { type: 'tag', values: arguments[0] } })
            .then(r => done(r.violations.map(v =>
                v.id + ' (' + v.impact + '): ' + v.help + ' at ' +
                v.nodes.map(n => n.target.join(' ')).join(', '))))
            .catch(e => done(['axe-core failed: ' + e]));
    ";
    let found = browser
        .client
        .execute_async(script, vec![json!(TAGS)])
        .await
        .expect("run axe-core");
    found
        .as_array()
        .expect("a list of violations")
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A page's kind: its path with ids and numbers as `{}` and no query.
fn kind(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.split('/')
        .map(|segment| {
            let id_like =
                segment.len() >= 8 && segment.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
            if id_like || (!segment.is_empty() && segment.chars().all(|c| c.is_ascii_digit())) {
                "{}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The local pages the current page links to.
async fn links(browser: &Browser) -> Vec<String> {
    let found = browser
        .client
        .execute(
            "return Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href'));",
            vec![],
        )
        .await
        .expect("read the links");
    found
        .as_array()
        .map(|all| {
            all.iter()
                .filter_map(Value::as_str)
                .filter(|h| h.starts_with('/') && !h.starts_with("//"))
                .filter(|h| !h.starts_with("/static/") && !h.ends_with(".csv"))
                .map(|h| h.split('#').next().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Checks the page open now, adding what is wrong to `faults`.
async fn check(browser: &Browser, axe: &str, what: &str, faults: &mut Vec<String>) {
    for v in violations(browser, axe).await {
        faults.push(format!("{what}: {v}"));
    }
}

/// Walks every kind of page `username` reaches from home, checking each.
async fn walk(browser: &Browser, axe: &str, username: &str) -> (usize, Vec<String>) {
    let mut faults = Vec::new();
    let mut kinds = BTreeSet::from([kind("/sign-out")]);
    let mut queue = VecDeque::from(["/".to_owned()]);
    let mut checked = 0;
    while let Some(path) = queue.pop_front() {
        if !kinds.insert(kind(&path)) {
            continue;
        }
        assert!(
            kinds.len() <= MOST_KINDS,
            "{username}: more than {MOST_KINDS} kinds of page"
        );
        browser.open(&path).await;
        check(browser, axe, &format!("{username} {path}"), &mut faults).await;
        checked += 1;
        queue.extend(links(browser).await);
    }
    (checked, faults)
}

/// The forms that matter, after a failed submission: each with its error
/// summary focused and its fields marked.
async fn failed_forms(browser: &Browser, axe: &str, username: &str) -> Vec<String> {
    let mut faults = Vec::new();
    let forms: &[(&str, &str, &str)] = &[
        ("/crisis-lookup", "#nhs_number", "Look up"),
        ("/persons", "#nhs_number", "Find"),
        ("/referrals/new", "#nhs_number", "Send the referral"),
        ("/wellbeing", "#attended", "Record the incident"),
    ];
    for (path, field, button) in forms {
        browser.open(path).await;
        if browser
            .client
            .find(fantoccini::Locator::Css(field))
            .await
            .is_err()
        {
            continue;
        }
        browser.type_into(field, "123").await;
        browser.click_button(button).await;
        browser.find("#error-summary").await;
        let focused = browser
            .client
            .execute(
                "return document.activeElement && document.activeElement.id;",
                vec![],
            )
            .await
            .expect("read the focus");
        assert_eq!(focused, json!("error-summary"), "{username} {path}: focus");
        let title = browser.client.title().await.expect("the title");
        assert!(title.starts_with("Error: "), "{username} {path}: {title}");
        check(
            browser,
            axe,
            &format!("{username} {path} (failed)"),
            &mut faults,
        )
        .await;
    }
    faults
}

async fn every_page_each_demo_user_reaches_passes_axe(app: TestApp) {
    let Some(axe) = axe_source() else {
        return;
    };
    // People in frequent contact, Daniel (the person's own account) among
    // them, so that the support team's, the person's and governance's
    // pages about them are reached too.
    crate::frequent_contact::seeded(&app).await;
    crate::frequent_contact::daniel_on_the_list(&app).await;
    // Gary Holt's multi-agency case, led by the crisis nurse, so that the
    // case pages are reached too.
    concordat::demo::cases::seed_case(&app.store, concordat_server::Clock::now(&app.clock))
        .await
        .expect("the demo case");
    // Contacts sent without an NHS number, matched, so that the queue of
    // contacts to match and one beside its candidates are reached too.
    concordat::demo::held::seed_held_events(&app.store, concordat_server::Clock::now(&app.clock))
        .await
        .expect("the demo's held contacts");
    app.run_jobs().await;
    // Daniel's request to correct his crisis plan, so that his care
    // coordinator's requests and one request's answer form are reached.
    concordat::demo::corrections::seed_correction(
        &app.store,
        concordat_server::Clock::now(&app.clock),
    )
    .await
    .expect("the demo's correction request");
    // Traumatic incidents the police and ambulance staff attended, so that
    // the wellbeing page's checks and a wellbeing lead's view of their
    // staff are reached with something in them.
    concordat::demo::wellbeing::seed_wellbeing(
        &app.store,
        concordat_server::Clock::now(&app.clock),
    )
    .await
    .expect("the demo's traumatic incidents");
    // One sign-in of each role: the pages a role reaches are the same
    // whoever holds it.
    let usernames = texts(
        &app,
        "SELECT MIN(username) AS username FROM users WHERE role <> 'source-system' \
         GROUP BY role ORDER BY 1",
        "username",
    )
    .await;
    // And a member of the team that offers support to people in frequent
    // contact, whose pages only that team reaches.
    let mut usernames = usernames;
    // And the lead professional of the case, whose case page only members
    // reach.
    for needed in ["mh.practitioner", "crisis.nurse"] {
        if !usernames.iter().any(|u| u == needed) {
            usernames.push(needed.to_owned());
        }
    }
    let mut all_faults = Vec::new();
    let mut pages = 0;
    for username in &usernames {
        let axe = &axe;
        let found = std::sync::Arc::new(std::sync::Mutex::new((0, Vec::new())));
        let out = found.clone();
        Browser::run_in(
            &app,
            "accessibility",
            username,
            Screen::Desktop,
            |browser| async move {
                browser.sign_in(username, DEMO_PASSWORD).await;
                let (checked, mut faults) = walk(&browser, axe, username).await;
                faults.extend(failed_forms(&browser, axe, username).await);
                *out.lock().unwrap() = (checked, faults);
            },
        )
        .await;
        let (checked, faults) = std::mem::take(&mut *found.lock().unwrap());
        pages += checked;
        all_faults.extend(faults);
    }
    eprintln!(
        "axe-core: {pages} kinds of page over {} sign-ins",
        usernames.len()
    );
    assert!(pages > usernames.len() * 3, "only {pages} pages checked");
    assert!(
        all_faults.is_empty(),
        "{} violations:\n{}",
        all_faults.len(),
        all_faults.join("\n")
    );
}

/// WCAG's contrast ratio of two sRGB colours, each `rgb(r, g, b)` or
/// `rgba(…)` as a browser computes it.
pub(crate) fn contrast(a: &str, b: &str) -> f64 {
    fn luminance(css: &str) -> f64 {
        let parts: Vec<f64> = css
            .trim_start_matches("rgba(")
            .trim_start_matches("rgb(")
            .trim_end_matches(')')
            .split(',')
            .take(3)
            .map(|p| p.trim().parse::<f64>().expect("a colour channel") / 255.0)
            .collect();
        let linear = |c: f64| {
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(parts[0]) + 0.7152 * linear(parts[1]) + 0.0722 * linear(parts[2])
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

async fn the_focus_ring_shows_at_three_to_one(app: TestApp) {
    Browser::run_in(
        &app,
        "accessibility",
        "focus",
        Screen::Phone,
        |browser| async move {
            browser.sign_in("police", DEMO_PASSWORD).await;
            browser.open("/crisis-lookup").await;
            for field in ["#nhs_number", "#birth_date-day", "#reason"] {
                browser
                    .find(field)
                    .await
                    .click()
                    .await
                    .expect("focus the field");
                let seen = browser
                    .client
                    .execute(
                        "const s = getComputedStyle(document.activeElement); \
                     return [document.activeElement.id, s.outlineStyle, s.outlineWidth, \
                             s.outlineColor, getComputedStyle(document.body).backgroundColor];",
                        vec![],
                    )
                    .await
                    .expect("read the focus style");
                let seen: Vec<String> = seen
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap_or_default().to_owned())
                    .collect();
                assert_eq!(format!("#{}", seen[0]), field);
                assert_ne!(seen[1], "none", "{field} shows no focus: {seen:?}");
                let width: f64 = seen[2].trim_end_matches("px").parse().unwrap();
                assert!(width >= 2.0, "{field}'s focus is {width}px");
                let ratio = contrast(&seen[3], &seen[4]);
                assert!(
                    ratio >= 3.0,
                    "{field}'s focus ring is {ratio:.1} : 1: {seen:?}"
                );
            }
            browser.screenshot("look-up-focused").await;
        },
    )
    .await;
}

#[test]
fn contrast_is_worked_out_as_wcag_does() {
    assert!((contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") - 21.0).abs() < 0.01);
    assert!((contrast("rgb(255, 221, 0)", "rgb(255, 255, 255)") - 1.4).abs() < 0.1);
    assert!((contrast("rgba(11, 12, 12, 1)", "rgb(255, 255, 255)") - 19.6).abs() < 0.2);
}

#[test]
fn a_page_kind_ignores_ids_numbers_and_queries() {
    assert_eq!(
        kind("/persons/0b9d6c1e-5c7e-4f39-9d1b-3f3c5a1e2d40?purpose=ETREAT"),
        "/persons/{}"
    );
    assert_eq!(
        kind("/persons/{}/crisis-plan/versions/3"),
        "/persons/{}/crisis-plan/versions/{}"
    );
    assert_eq!(kind("/referrals?page=2#x"), "/referrals");
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_page_each_demo_user_reaches_passes_axe() {
        crate::harness::run(
            crate::harness::StoreKind::Sqlite,
            super::every_page_each_demo_user_reaches_passes_axe,
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_focus_ring_shows_at_three_to_one() {
        crate::harness::run(
            crate::harness::StoreKind::Sqlite,
            super::the_focus_ring_shows_at_three_to_one,
        )
        .await;
    }
}
