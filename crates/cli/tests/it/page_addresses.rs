//! No page puts a person's NHS number or name in an address, where browser
//! history, proxies and server logs keep it. Every demo sign-in walks every
//! page it can reach by following links, after finding a record and making
//! a crisis look-up through their forms (each a POST); each link, form
//! action and redirect met is checked, and so is every form that asks for
//! an NHS number or a name: it must be sent by POST.

use std::collections::{BTreeSet, VecDeque};

use crate::fixtures::*;
use crate::harness::TestApp;

/// Enough to reach every page a sign-in links to in the demo (the largest
/// walk, the administrator's, meets fewer than this).
const MOST_PAGES: usize = 400;

/// What no address may carry: each demo person's NHS number (as digits)
/// and family name.
async fn secrets(app: &TestApp) -> (Vec<String>, Vec<String>) {
    let numbers = texts(
        app,
        "SELECT value FROM person_identifiers WHERE system = 'https://fhir.nhs.uk/Id/nhs-number'",
        "value",
    )
    .await;
    let names = texts(app, "SELECT family_name FROM persons", "family_name")
        .await
        .into_iter()
        .map(|n| n.to_lowercase())
        .collect();
    (numbers, names)
}

/// Each quoted value of `attribute` in `html`.
fn attributes<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let marker = format!(r#"{attribute}=""#);
    html.match_indices(&marker)
        .filter_map(|(at, _)| {
            let start = at + marker.len();
            html[start..].find('"').map(|end| &html[start..start + end])
        })
        .collect()
}

/// What is wrong with `address`, if anything: the digits of an NHS number
/// anywhere in it (however spaced or encoded), or a name in its query.
fn fault(address: &str, numbers: &[String], names: &[String]) -> Option<String> {
    let decoded = url::form_urlencoded::parse(address.replace('?', "&").as_bytes())
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let digits: String = decoded
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    if let Some(n) = numbers.iter().find(|n| digits.contains(n.as_str())) {
        return Some(format!("NHS number {n}"));
    }
    if decoded.contains("nhs_number=") {
        return Some("an nhs_number parameter".into());
    }
    let query = address.split_once('?').map(|(_, q)| q.to_lowercase());
    if let Some(name) = query.and_then(|q| names.iter().find(|n| q.contains(n.as_str())).cloned()) {
        return Some(format!("the name {name}"));
    }
    None
}

/// Every form on `html` that asks for an NHS number or a name is a POST.
fn forms_asking_for_identity_post(html: &str, at: &str) {
    for form in html.split("<form").skip(1) {
        let form = &form[..form.find("</form>").unwrap_or(form.len())];
        let asks = ["name=\"nhs_number\"", "name=\"surname\"", "name=\"family\""]
            .iter()
            .any(|field| form.contains(field));
        if asks {
            assert!(
                form.trim_start().starts_with(r#"method="post""#),
                "a form on {at} sends identity in its address: <form{}",
                &form[..form.len().min(200)]
            );
        }
    }
}

struct Walk<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    numbers: Vec<String>,
    names: Vec<String>,
    seen: BTreeSet<String>,
    queue: VecDeque<String>,
    username: &'a str,
}

impl Walk<'_> {
    fn check(&self, address: &str, on: &str) {
        if let Some(fault) = fault(address, &self.numbers, &self.names) {
            panic!("{}: {address} (on {on}) carries {fault}", self.username);
        }
    }

    /// Checks a page's addresses and queues the pages it links to.
    fn read(&mut self, html: &str, at: &str) {
        forms_asking_for_identity_post(html, at);
        for action in attributes(html, "action") {
            self.check(action, at);
        }
        for href in attributes(html, "href") {
            self.check(href, at);
            let href = href.replace("&amp;", "&");
            let href = href.split('#').next().unwrap_or_default().to_owned();
            let local = href.starts_with('/') && !href.starts_with("//");
            if local && !href.starts_with("/static/") && self.seen.insert(href.clone()) {
                self.queue.push_back(href);
            }
        }
    }

    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) {
        let response = post_form(self.app, &self.client, path, fields).await;
        if let Some(to) = response.headers().get("location") {
            self.check(to.to_str().unwrap(), path);
        }
        let html = response.text().await.unwrap();
        self.read(&html, path);
    }

    async fn walk(&mut self) -> usize {
        let mut pages = 0;
        while let Some(path) = self.queue.pop_front() {
            pages += 1;
            assert!(
                pages <= MOST_PAGES,
                "{}: more than {MOST_PAGES} pages",
                self.username
            );
            let response = self.client.get(self.app.url(&path)).send().await.unwrap();
            if let Some(to) = response.headers().get("location") {
                let to = to.to_str().unwrap().to_owned();
                self.check(&to, &path);
                if to.starts_with('/') && self.seen.insert(to.clone()) {
                    self.queue.push_back(to);
                }
            }
            let html = response.text().await.unwrap();
            self.read(&html, &path);
        }
        pages
    }
}

async fn no_page_puts_an_nhs_number_or_a_name_in_an_address(app: TestApp) {
    let (numbers, names) = secrets(&app).await;
    assert!(numbers.contains(&DANIEL.to_owned()));
    let usernames = texts(
        &app,
        "SELECT username FROM users WHERE role <> 'source-system' ORDER BY username",
        "username",
    )
    .await;
    assert!(usernames.len() > 10, "{usernames:?}");
    let mut walked = 0;
    for username in &usernames {
        let client = signed_in(&app, username).await;
        let mut walk = Walk {
            app: &app,
            client,
            numbers: numbers.clone(),
            names: names.clone(),
            seen: BTreeSet::from(["/".to_owned(), "/sign-out".to_owned()]),
            queue: VecDeque::from(["/".to_owned()]),
            username,
        };
        let (_, home) = page(&app, &walk.client, "/").await;
        let csrf = csrf_token(&home);
        walk.post("/persons", &[("csrf_token", &csrf), ("nhs_number", DANIEL)])
            .await;
        walk.post(
            "/crisis-lookup",
            &[
                ("csrf_token", &csrf),
                ("nhs_number", DANIEL),
                ("reason", "Found on the bridge, distressed"),
            ],
        )
        .await;
        walked += walk.walk().await;
    }
    assert!(walked > 100, "only {walked} pages walked");
}

crate::on_both_stores!(no_page_puts_an_nhs_number_or_a_name_in_an_address);

#[test]
fn an_address_with_an_nhs_number_or_a_name_is_caught_however_written() {
    let numbers = vec!["9990000018".to_owned()];
    let names = vec!["reid".to_owned()];
    for bad in [
        "/persons?nhs_number=9990000018",
        "/persons?n=999+000+0018",
        "/persons?n=999%20000%200018",
        "/persons?n=999-000-0018",
        "/x/9990000018",
        "/crisis-lookup?surname=Reid",
        "/referrals/new?nhs_number=",
    ] {
        assert!(fault(bad, &numbers, &names).is_some(), "{bad}");
    }
    for good in [
        "/persons/0b9d6c1e-5c7e-4f39-9d1b-3f3c5a1e2d40?purpose=ETREAT",
        "/referrals?page=2",
        "/reid-review",
    ] {
        assert_eq!(fault(good, &numbers, &names), None, "{good}");
    }
}
