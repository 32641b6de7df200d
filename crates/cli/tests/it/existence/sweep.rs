//! Calling every probe as every demo sign-in, for every purpose of use, on
//! a target that exists and one that does not, and comparing the answers
//! (which `report.rs` words).
//!
//! The sweep runs one call at a time: a page's header counts its reader's
//! unread notifications, so a call running beside another could change an
//! answer between the two calls of a probe.
//!
//! `EXISTENCE_TRACE=TEXT` prints every comparison whose route contains
//! TEXT (`EXISTENCE_TRACE=/flags`), leak or not, while fixing one.

use concordat::demo::partnership::{SIGN_INS, SOURCE_SYSTEMS};
use concordat_domain::role::Role;

use super::probes::probes;
use super::report::{purpose_label, Answer, Leak, Report};
use super::routes::{Body, Ctx, Probe, Request, Surface};
use super::stored::state;
use super::world::{Kind, Outsiders, Target};
use crate::fixtures::{csrf_token, page, signed_in, user};
use crate::harness::{TestApp, DEMO_PASSWORD};

/// Every purpose of use a token can be bound to (and a page asked for).
pub const PURPOSES: [&str; 5] = ["TREAT", "ETREAT", "PATSFTY", "HOPERAT", "PATRQT"];

/// The purposes of the demo's main agreement, under which the partners'
/// source systems report contacts.
const REPORTING_PURPOSES: [&str; 3] = ["TREAT", "ETREAT", "PATSFTY"];

/// What existed in the third comparison of a probe that names the person
/// and something else: the person, not the other thing.
const ONLY_THE_PERSON: &str = "only the person exists";

/// Who is calling.
struct Caller {
    username: &'static str,
    own_account: bool,
    crisis_role: bool,
    /// For a registered source system, a kind of contact it reports. A
    /// source system signs in to the API only.
    reports: Option<&'static str>,
}

/// Every account of the demo: each sign-in it prints, the person's own
/// account (added with the person it belongs to) and each partner's
/// source system.
async fn callers(app: &TestApp) -> Vec<Caller> {
    let accounts = SIGN_INS
        .iter()
        .map(|u| (u.username, None))
        .chain([("person", None)])
        .chain(
            SOURCE_SYSTEMS
                .iter()
                .map(|s| (s.username, Some(s.kinds[0].as_str()))),
        );
    let mut out = Vec::new();
    for (username, reports) in accounts {
        let role = user(app, username).await.role();
        out.push(Caller {
            username,
            own_account: role == Role::Person,
            crisis_role: role.is_crisis_role(),
            reports,
        });
    }
    out
}

/// Why `caller` may learn, by design, whether the person of a world of
/// `kind` exists through `probe` for `purpose`: then that comparison is
/// not made.
fn by_design(probe: &Probe, caller: &Caller, purpose: &str, kind: Kind) -> Option<&'static str> {
    if probe.look_up
        && caller.crisis_role
        && (probe.surface == Surface::Page || purpose == "ETREAT")
    {
        return Some("a crisis role's look-up says a plan exists");
    }
    if probe.report
        && caller.reports.is_some()
        && kind == Kind::Plain
        && REPORTING_PURPOSES.contains(&purpose)
    {
        return Some("a source system's report is its relationship with the person");
    }
    None
}

enum Auth<'a> {
    Token(&'a str),
    Session {
        client: &'a reqwest::Client,
        csrf: &'a str,
    },
}

async fn send(app: &TestApp, auth: &Auth<'_>, request: &Request, target: &Target) -> Answer {
    let method = reqwest::Method::from_bytes(request.method.as_bytes()).expect("a method");
    let client = match auth {
        Auth::Token(_) => &app.client,
        Auth::Session { client, .. } => *client,
    };
    let mut builder = client.request(method, app.url(&request.path));
    if let Auth::Token(token) = auth {
        builder = builder.bearer_auth(token);
    }
    builder = match &request.body {
        Body::None => builder,
        Body::Json(value) => builder.json(value),
        Body::Ndjson(text) => builder
            .header("content-type", "application/x-ndjson")
            .body(text.clone()),
        Body::Form(pairs) => {
            let mut pairs = pairs.clone();
            if let Auth::Session { csrf, .. } = auth {
                pairs.push(("csrf_token".into(), (*csrf).to_owned()));
            }
            builder.form(&pairs)
        }
    };
    let response = builder
        .send()
        .await
        .unwrap_or_else(|e| panic!("{} {}: {e}", request.method, request.path));
    Answer::of(response, target).await
}

struct Sweep<'a> {
    app: &'a TestApp,
    outsiders: Outsiders,
    /// The current "exists but not yours" of each kind; each made again
    /// after any call that may have given its caller a relationship with
    /// it or changed it.
    worlds: Vec<(Kind, Target)>,
    /// What the store held about each world after the last call on it.
    states: Vec<Option<State>>,
    absent: Target,
    report: Report,
}

/// Counts of what the store holds about a world (see [`state`]).
type State = Vec<(&'static str, i64)>;

/// The whole sweep: the API with a token per purpose, then the pages, for
/// each demo sign-in in turn.
pub async fn run(app: &TestApp) -> Report {
    let outsiders = Outsiders::enlist(app).await;
    let mut worlds = Vec::new();
    for kind in Kind::ALL {
        worlds.push((kind, outsiders.world(app, kind).await));
    }
    let mut sweep = Sweep {
        app,
        outsiders,
        states: vec![None; worlds.len()],
        worlds,
        absent: Target::absent(app).await,
        report: Report {
            worlds: Kind::ALL.len(),
            ..Report::default()
        },
    };
    let probes = probes();
    for caller in callers(app).await {
        sweep.api(&caller, &probes).await;
        if caller.reports.is_some() {
            let who = caller.username.to_owned();
            sweep.skip("signs in to the API only", who, "every page".into());
        } else {
            sweep.pages(&caller, &probes).await;
        }
    }
    sweep.report
}

impl Sweep<'_> {
    async fn api(&mut self, caller: &Caller, probes: &[Probe]) {
        for purpose in PURPOSES {
            let response = self
                .app
                .request_token(caller.username, DEMO_PASSWORD, purpose)
                .await;
            if response.status() != 200 {
                let why = format!("token refused ({})", response.status());
                let who = format!("{} {purpose}", caller.username);
                self.skip(&why, who, "every API probe".into());
                continue;
            }
            let issued: serde_json::Value = response.json().await.expect("token JSON");
            let token = issued["access_token"].as_str().expect("a token").to_owned();
            for probe in probes.iter().filter(|p| p.surface == Surface::Api) {
                self.probe(probe, caller, purpose, &Auth::Token(&token))
                    .await;
            }
        }
    }

    async fn pages(&mut self, caller: &Caller, probes: &[Probe]) {
        let client = signed_in(self.app, caller.username).await;
        let (_, home) = page(self.app, &client, "/").await;
        let csrf = csrf_token(&home);
        let auth = Auth::Session {
            client: &client,
            csrf: &csrf,
        };
        for probe in probes.iter().filter(|p| p.surface == Surface::Page) {
            let purposes: &[&'static str] = if probe.takes_purpose {
                &PURPOSES
            } else {
                &[""]
            };
            for &purpose in purposes {
                self.probe(probe, caller, purpose, &auth).await;
            }
        }
    }

    /// Notes that `who` is not compared on `what`, and why.
    fn skip(&mut self, why: &str, who: String, what: String) {
        let (callers, routes) = self.report.skipped.entry(why.to_owned()).or_default();
        callers.insert(who);
        routes.insert(what);
    }

    /// Calls `probe` on each kind of existing target, on the existing
    /// person with every other id absent (when that is another request),
    /// and on the absent target; records every difference from the last.
    async fn probe(
        &mut self,
        probe: &Probe,
        caller: &Caller,
        purpose: &'static str,
        auth: &Auth<'_>,
    ) {
        let exempt: Vec<(Kind, &str)> = Kind::ALL
            .iter()
            .filter_map(|&kind| Some((kind, by_design(probe, caller, purpose, kind)?)))
            .collect();
        for (kind, why) in &exempt {
            let who = format!("{} {}", caller.username, purpose_label(purpose));
            self.skip(why, who, format!("{} [{}]", probe.route(), kind.label()));
        }
        if exempt.len() == Kind::ALL.len() {
            return;
        }
        let now = concordat_server::Clock::now(&self.app.clock);
        let ctx = Ctx {
            username: caller.username,
            own_account: caller.own_account,
            event_kind: caller.reports.unwrap_or("call-999"),
            neds_team: self.outsiders.neds_team.to_string(),
            gpmkt_team: self.outsiders.gpmkt_team.to_string(),
            singh_id: self.outsiders.singh_id.clone(),
            today: now.date_naive(),
            now,
        };
        let page_purpose = match probe.surface {
            Surface::Api => "",
            Surface::Page => purpose,
        };
        let writes = probe.method != "GET";
        // Each call has a nonce of its own (an event id must not repeat);
        // whether two calls are the same request is judged without it.
        let ask = |t: &Target| probe.request(t, &ctx, page_purpose);
        let same = |a: &Target, b: &Target| ask(&a.with_nonce("")) == ask(&b.with_nonce(""));
        let fresh = |t: &Target| t.with_nonce(&uuid::Uuid::new_v4().to_string());

        // (which world it touched, what existed, the answer, what changed)
        let mut calls: Vec<(usize, &'static str, Answer, Vec<String>)> = Vec::new();
        for i in 0..self.worlds.len() {
            let (kind, world) = (self.worlds[i].0, fresh(&self.worlds[i].1));
            if exempt.iter().any(|(k, _)| *k == kind) {
                continue;
            }
            let before = self.state(writes, i).await;
            let answer = send(self.app, auth, &ask(&world), &world).await;
            self.states[i] = None;
            let after = self.state(writes, i).await;
            calls.push((i, kind.label(), answer, changes(&before, &after)));
        }
        let plain = &self.worlds[0].1;
        let mixed = fresh(&plain.person_only(&self.absent));
        let plain_probed = !exempt.iter().any(|(k, _)| *k == Kind::Plain);
        if plain_probed && !same(&mixed, plain) && !same(&mixed, &self.absent) {
            let before = self.state(writes, 0).await;
            let answer = send(self.app, auth, &ask(&mixed), &mixed).await;
            self.states[0] = None;
            let after = self.state(writes, 0).await;
            calls.push((0, ONLY_THE_PERSON, answer, changes(&before, &after)));
        }
        let absent = fresh(&self.absent);
        let on_absent = send(self.app, auth, &ask(&absent), &absent).await;

        let mut touched = vec![false; self.worlds.len()];
        for (world, which, answer, changed) in calls {
            touched[world] |= self.record(Leak {
                route: probe.route(),
                which,
                caller: caller.username,
                purpose,
                exists: answer,
                absent: on_absent.clone(),
                changed,
            });
        }
        for (i, touched) in touched.into_iter().enumerate() {
            if touched {
                let kind = self.worlds[i].0;
                self.worlds[i].1 = self.outsiders.world(self.app, kind).await;
                self.states[i] = None;
                self.report.worlds += 1;
            }
        }
    }

    /// What the store holds about world `i`, for a probe that `writes`
    /// (reads change none of it): kept from the last call on that world
    /// while nothing has been sent to it since.
    async fn state(&mut self, writes: bool, i: usize) -> State {
        if !writes {
            return State::new();
        }
        if let Some(kept) = &self.states[i] {
            return kept.clone();
        }
        let read = state(self.app, &self.worlds[i].1).await;
        self.states[i] = Some(read.clone());
        read
    }

    /// Keeps `leak` if it is one; says whether the call may have touched
    /// the world (changed it, or answered as if the caller may act on it).
    fn record(&mut self, leak: Leak) -> bool {
        self.report.compared += 1;
        if std::env::var("EXISTENCE_TRACE").is_ok_and(|t| leak.route.contains(&t)) {
            eprintln!("{}", leak.trace());
        }
        let differs = leak.exists != leak.absent;
        let touched = !leak.changed.is_empty() || (differs && leak.exists.status < 400);
        if differs || !leak.changed.is_empty() {
            self.report.leaks.push(leak);
        }
        touched
    }
}

fn changes(before: &[(&'static str, i64)], after: &[(&'static str, i64)]) -> Vec<String> {
    before
        .iter()
        .zip(after)
        .filter(|(b, a)| b.1 != a.1)
        .map(|(b, a)| format!("{} {}→{}", b.0, b.1, a.1))
        .collect()
}
