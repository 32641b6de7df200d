//! The routes knowingly left out of the existence sweep ([`SKIPPED`]), and
//! the check that the table of probes (`probes.rs`) and [`SKIPPED`]
//! together cover every route of the JSON API (the operations of its
//! OpenAPI document, which is made from the same handler list as its
//! router), the pages (under crates/server/src/pages/ and `pages.rs`) and
//! `app.rs` (both read from their source when the test runs), so a new
//! route, in any file, cannot be forgotten.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::probes::probes;
use super::routes::Surface;

const STAFF_ACCOUNT: &str = "a member of staff's account (administrators only): a person's own \
                             account is never administered here, and answers as no account";
const WEBHOOK: &str = "an endpoint of the caller's organisation: names no person, and another \
                       organisation's is no endpoint (404)";
const PARTNERSHIP: &str = "the partnership's organisations and teams (administrators only): \
                           names no person";
const FREQUENT: &str = "an entry on the frequent contact list (the support team only): anyone \
                        else is refused before the id is read (a real entry and a random id \
                        answer alike), and for the team a random id and a malformed one are \
                        the same 404 (tested in frequent_contact.rs)";
const AGREEMENT: &str = "an information sharing agreement: it holds no one's personal data";
const AUDIT_SEARCH: &str = "information governance's search of the audit log (IG leads only): \
                            it filters the log by a person id, NHS number or name (a number or \
                            name that is no one's finds nothing, as one outside the lead's \
                            organisation's records does), and the log holds this sweep's \
                            own refused probes of both kinds of id, so what it lists tells what \
                            was asked, not who exists";

/// Every other routed method and pattern — none takes an identifier under
/// test — and why it is left out.
/// Held events are the sender's organisation's own: an id from elsewhere
/// is not found, and a person is chosen only from the event's candidates,
/// any other (known or not) refused alike (tests/it/matching.rs).
const HELD: &str = "a held event of the caller's organisation; persons only from its candidates";

/// The merges of the caller's organisation's reviewers: takes no id.
const MERGES: &str = "the reviewer's own organisation's merges: takes no id";

/// A merge is its organisation's: an id from elsewhere, unknown or
/// malformed is the same not found (tests/it/matching_merge.rs); the
/// persons it names were chosen from a held event's candidates.
const MERGE: &str = "a merge of the caller's organisation; no person id reaches it";

/// A correction request is its owner's alone: anyone else, and any id
/// that names none, meets the same not found (tests/it/corrections.rs).
const CORRECTION: &str = "a request the caller owns; no person id reaches it";

/// A carer's own page and thread: they name no person; whom the carer
/// cares for is their account's, and anyone else is refused
/// (tests/it/carers.rs).
const CARER: &str = "a carer's own page: takes no id; the person is the account's own";

/// A traumatic incident names no person in crisis: it is the attending
/// staff member's and their wellbeing lead's, and anyone else — another
/// organisation's lead, a colleague, the line manager — meets the same
/// not found as for an id that names none (tests/it/wellbeing.rs).
const WELLBEING: &str = "a staff member's own wellbeing checks; no person id reaches it";

pub const SKIPPED: &[(Surface, &str, &str)] = &[
    (Surface::Api, "GET /wellbeing", WELLBEING),
    (Surface::Api, "POST /wellbeing/incidents", WELLBEING),
    (
        Surface::Api,
        "POST /wellbeing/incidents/{id}/checks",
        WELLBEING,
    ),
    (
        Surface::Api,
        "POST /wellbeing/incidents/{id}/opt-out",
        WELLBEING,
    ),
    (Surface::Page, "GET /wellbeing", WELLBEING),
    (Surface::Page, "POST /wellbeing/incidents", WELLBEING),
    (
        Surface::Page,
        "POST /wellbeing/incidents/{id}/checks",
        WELLBEING,
    ),
    (
        Surface::Page,
        "POST /wellbeing/incidents/{id}/opt-out",
        WELLBEING,
    ),
    (Surface::Api, "GET /carer", CARER),
    (Surface::Api, "POST /carer/messages", CARER),
    (Surface::Page, "GET /carer", CARER),
    (Surface::Page, "POST /carer/messages", CARER),
    (Surface::Api, "GET /me/capacity", "the person's own records"),
    (
        Surface::Api,
        "GET /me/advance-choices",
        "the person's own advance choices",
    ),
    (
        Surface::Page,
        "GET /my/advance-choices",
        "the person's own advance choices",
    ),
    (
        Surface::Page,
        "GET /my/capacity",
        "the person's own records",
    ),
    (
        Surface::Api,
        "GET /governance/capacity",
        "information governance's view of all: takes no id",
    ),
    (
        Surface::Page,
        "GET /governance/capacity",
        "information governance's view of all: takes no id",
    ),
    (
        Surface::Api,
        "GET /matching",
        "the reviewer's own organisation's held events: takes no id",
    ),
    (Surface::Api, "GET /matching/{id}", HELD),
    (Surface::Api, "POST /matching/{id}/decision", HELD),
    (
        Surface::Page,
        "GET /matching",
        "the reviewer's own organisation's held events: takes no id",
    ),
    (Surface::Page, "GET /matching/{id}", HELD),
    (Surface::Api, "POST /matching/{id}/merge", HELD),
    (Surface::Page, "POST /matching/{id}/merge", HELD),
    (Surface::Api, "GET /matching/merges", MERGES),
    (Surface::Page, "GET /matching/merges", MERGES),
    (Surface::Api, "POST /matching/merges/{id}/undo", MERGE),
    (Surface::Page, "POST /matching/merges/{id}/undo", MERGE),
    (
        Surface::Api,
        "GET /me/corrections",
        "the person's own requests",
    ),
    (
        Surface::Api,
        "POST /me/corrections",
        "the person's own request",
    ),
    (
        Surface::Api,
        "GET /corrections",
        "the caller's own requests to answer: takes no id",
    ),
    (Surface::Api, "GET /corrections/{id}", CORRECTION),
    (Surface::Api, "POST /corrections/{id}/answer", CORRECTION),
    (
        Surface::Page,
        "GET /my/corrections",
        "the person's own requests",
    ),
    (
        Surface::Page,
        "POST /my/corrections",
        "the person's own request",
    ),
    (
        Surface::Page,
        "GET /corrections",
        "the caller's own requests to answer: takes no id",
    ),
    (Surface::Page, "GET /corrections/{id}", CORRECTION),
    (Surface::Page, "POST /corrections/{id}", CORRECTION),
    (Surface::Page, "POST /matching/{id}", HELD),
    (Surface::Api, "GET /me/cases", "the person's own cases"),
    (
        Surface::Page,
        "GET /my/copy",
        "the person's own copy of their record",
    ),
    (
        Surface::Page,
        "GET /my/copy.json",
        "the person's own copy of their record",
    ),
    (
        Surface::Page,
        "GET /sharing",
        "the public account of the agreements in force: names no one",
    ),
    (
        Surface::Api,
        "GET /cases",
        "the caller's own memberships: takes no id",
    ),
    (
        Surface::Page,
        "GET /cases",
        "the caller's own memberships: takes no id",
    ),
    (Surface::Page, "GET /my/case", "the person's own cases"),
    (
        Surface::Api,
        "GET /me/description",
        "how the person describes themselves: their own",
    ),
    (
        Surface::Api,
        "PUT /me/description",
        "how the person describes themselves: their own",
    ),
    (
        Surface::Page,
        "GET /my/description",
        "how the person describes themselves: their own",
    ),
    (
        Surface::Page,
        "POST /my/description",
        "how the person describes themselves: their own",
    ),
    (
        Surface::Api,
        "POST /auth/token",
        "the caller's own credentials",
    ),
    (Surface::Api, "POST /auth/revoke", "the caller's own token"),
    (Surface::Api, "GET /me", "the caller's own account"),
    (
        Surface::Api,
        "GET /frequent-contact",
        "the support team's list: takes no id",
    ),
    (
        Surface::Api,
        "GET /frequent-contact/make-up",
        "counts with small numbers hidden: names no one",
    ),
    (Surface::Api, "POST /frequent-contact/{id}/review", FREQUENT),
    (
        Surface::Api,
        "GET /me/frequent-contact",
        "the person's own entries",
    ),
    (
        Surface::Api,
        "POST /me/frequent-contact/review-request",
        "the person's own entry",
    ),
    (
        Surface::Page,
        "GET /frequent-contact",
        "the support team's list: takes no id",
    ),
    (
        Surface::Page,
        "GET /frequent-contact/make-up",
        "counts with small numbers hidden: names no one",
    ),
    (Surface::Page, "GET /frequent-contact/{id}", FREQUENT),
    (Surface::Page, "POST /frequent-contact/{id}", FREQUENT),
    (
        Surface::Page,
        "GET /my/frequent-contact",
        "the person's own entries",
    ),
    (
        Surface::Page,
        "POST /my/frequent-contact",
        "the person's own entry",
    ),
    (
        Surface::Api,
        "GET /openapi.json",
        "the API's description: the same for everyone",
    ),
    (
        Surface::Api,
        "GET /me/access-log",
        "the person's own access log",
    ),
    (
        Surface::Api,
        "GET /me/referrals",
        "the person's own referrals",
    ),
    (Surface::Api, "GET /audit", AUDIT_SEARCH),
    (
        Surface::Api,
        "GET /crisis-plans/overdue",
        "the caller's caseload",
    ),
    (
        Surface::Api,
        "GET /crisis-plans/coverage",
        "figures by team",
    ),
    (
        Surface::Api,
        "GET /crisis-plans/coverage.csv",
        "figures by team",
    ),
    (
        Surface::Api,
        "GET /outcomes",
        "the partnership's monthly figures, small numbers hidden: names no one, takes no id",
    ),
    (
        Surface::Api,
        "GET /outcomes.csv",
        "the partnership's monthly figures, small numbers hidden: names no one, takes no id",
    ),
    (Surface::Api, "GET /webhooks", "the caller's organisation's"),
    (
        Surface::Api,
        "POST /webhooks",
        "the caller's organisation's",
    ),
    (
        Surface::Api,
        "GET /webhooks/deliveries",
        "the caller's organisation's",
    ),
    (
        Surface::Api,
        "GET /referrals",
        "the caller's team's inbox or outbox",
    ),
    (Surface::Api, "GET /threads", "the caller's own threads"),
    (
        Surface::Api,
        "GET /break-glass/reviews",
        "the reviewer's organisation's",
    ),
    (
        Surface::Api,
        "PUT /agreements/{id}/service-levels",
        AGREEMENT,
    ),
    (Surface::Api, "GET /agreements", AGREEMENT),
    (Surface::Api, "POST /agreements", AGREEMENT),
    (Surface::Api, "GET /agreements/{id}", AGREEMENT),
    (Surface::Api, "PUT /agreements/{id}", AGREEMENT),
    (Surface::Api, "POST /agreements/{id}/sign", AGREEMENT),
    (Surface::Api, "POST /agreements/{id}/suspend", AGREEMENT),
    (Surface::Api, "POST /agreements/{id}/resume", AGREEMENT),
    (Surface::Api, "POST /agreements/{id}/end", AGREEMENT),
    (Surface::Api, "GET /agreements/{id}/history", AGREEMENT),
    (Surface::Page, "GET /health", "a health check"),
    (Surface::Page, "GET /health/live", "a health check"),
    (Surface::Page, "GET /", "the caller's home page"),
    (Surface::Page, "GET /sign-in", "names no one"),
    (
        Surface::Page,
        "POST /sign-in",
        "the caller's own credentials",
    ),
    (Surface::Page, "POST /sign-out", "the caller's own session"),
    (Surface::Page, "GET /directory", "the partnership's teams"),
    (Surface::Page, "GET /admin/organisations", PARTNERSHIP),
    (Surface::Page, "POST /admin/organisations", PARTNERSHIP),
    (Surface::Page, "GET /admin/organisations/new", PARTNERSHIP),
    (
        Surface::Page,
        "GET /admin/organisations/{code}/teams",
        PARTNERSHIP,
    ),
    (
        Surface::Page,
        "POST /admin/organisations/{code}/teams",
        PARTNERSHIP,
    ),
    (Surface::Page, "GET /admin/teams/{id}", PARTNERSHIP),
    (Surface::Page, "POST /admin/teams/{id}", PARTNERSHIP),
    (
        Surface::Page,
        "GET /persons",
        "the empty find form: the NHS number is sent by POST",
    ),
    (
        Surface::Page,
        "GET /referrals/new",
        "the empty referral form: the NHS number is sent by POST",
    ),
    (Surface::Page, "GET /users", "the partnership's staff"),
    (Surface::Page, "POST /users", STAFF_ACCOUNT),
    (
        Surface::Page,
        "POST /users/search",
        "the partnership's staff",
    ),
    (Surface::Page, "GET /users/new", STAFF_ACCOUNT),
    (Surface::Page, "GET /users/{username}", STAFF_ACCOUNT),
    (Surface::Page, "POST /users/{username}", STAFF_ACCOUNT),
    (
        Surface::Page,
        "POST /users/{username}/enabled",
        STAFF_ACCOUNT,
    ),
    (
        Surface::Page,
        "POST /users/{username}/password-link",
        STAFF_ACCOUNT,
    ),
    (
        Surface::Page,
        "GET /set-password/{secret}",
        "a one-time link's secret: names no person",
    ),
    (
        Surface::Page,
        "POST /set-password/{secret}",
        "a one-time link's secret: names no person",
    ),
    (
        Surface::Page,
        "GET /admin/webhooks",
        "the caller's organisation's",
    ),
    (
        Surface::Page,
        "POST /admin/webhooks",
        "the caller's organisation's",
    ),
    (Surface::Page, "POST /admin/webhooks/{id}/test", WEBHOOK),
    (Surface::Page, "POST /admin/webhooks/{id}/secret", WEBHOOK),
    (Surface::Page, "POST /admin/webhooks/{id}/remove", WEBHOOK),
    (Surface::Page, "GET /agreements", AGREEMENT),
    (Surface::Page, "POST /agreements", AGREEMENT),
    (Surface::Page, "GET /agreements/new", AGREEMENT),
    (Surface::Page, "GET /agreements/{id}", AGREEMENT),
    (Surface::Page, "GET /agreements/{id}/edit", AGREEMENT),
    (Surface::Page, "POST /agreements/{id}/edit", AGREEMENT),
    (Surface::Page, "POST /agreements/{id}/sign", AGREEMENT),
    (Surface::Page, "POST /agreements/{id}/suspend", AGREEMENT),
    (Surface::Page, "POST /agreements/{id}/resume", AGREEMENT),
    (Surface::Page, "POST /agreements/{id}/end", AGREEMENT),
    (
        Surface::Page,
        "GET /crisis-lookup",
        "the form; `?recorded=` names a kind of contact",
    ),
    (
        Surface::Page,
        "GET /crisis-plans/overdue",
        "the caller's caseload",
    ),
    (
        Surface::Page,
        "POST /crisis-plans/overdue",
        "the caller's caseload, narrowed by a name: only people on it are listed",
    ),
    (
        Surface::Page,
        "GET /crisis-plans/coverage",
        "figures by team",
    ),
    (
        Surface::Page,
        "GET /crisis-plans/coverage.csv",
        "figures by team",
    ),
    (
        Surface::Page,
        "GET /outcomes",
        "the partnership's monthly figures, small numbers hidden: names no one, takes no id",
    ),
    (
        Surface::Page,
        "GET /outcomes.csv",
        "the partnership's monthly figures, small numbers hidden: names no one, takes no id",
    ),
    (
        Surface::Page,
        "GET /outcomes.json",
        "the partnership's monthly figures, small numbers hidden: names no one, takes no id",
    ),
    (
        Surface::Page,
        "GET /my/crisis-plan",
        "the person's own plan",
    ),
    (
        Surface::Page,
        "GET /my/referrals",
        "the person's own referrals",
    ),
    (
        Surface::Page,
        "GET /my/access-log",
        "the person's own access log",
    ),
    (Surface::Page, "GET /my/record", "the person's own record"),
    (Surface::Page, "GET /my/consent", "the person's own choices"),
    (
        Surface::Page,
        "GET /my/notices",
        "how the person's own account is told",
    ),
    (
        Surface::Page,
        "POST /my/notices",
        "how the person's own account is told",
    ),
    (Surface::Page, "GET /governance/audit", AUDIT_SEARCH),
    (Surface::Page, "POST /governance/audit", AUDIT_SEARCH),
    (
        Surface::Page,
        "GET /governance/break-glass",
        "the reviewer's organisation's",
    ),
    (
        Surface::Page,
        "GET /referrals",
        "the caller's team's inbox and own outbox",
    ),
    (Surface::Page, "GET /threads", "the caller's own threads"),
    (
        Surface::Page,
        "POST /threads",
        "the caller's own threads, narrowed by a name or words: only threads they are part of",
    ),
    (
        Surface::Page,
        "POST /referrals/search",
        "the caller's team's inbox and own outbox, narrowed by a name: only referrals on them",
    ),
    (
        Surface::Page,
        "GET /inbox",
        "the caller's own notifications",
    ),
    (
        Surface::Page,
        "POST /inbox/read",
        "the caller's own notifications",
    ),
    (Surface::Page, "GET /static/app.css", "the stylesheet"),
    (Surface::Page, "GET /static/favicon.svg", "the icon"),
];

/// The server crate's source directory.
fn server_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/src")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A surface's files: its root (`api.rs`) and every `.rs` file under its
/// folder (`api/`), at any depth, with their text.
fn surface_files(name: &str) -> Vec<(PathBuf, String)> {
    let src = server_src();
    let root = src.join(format!("{name}.rs"));
    let mut out = vec![(root.clone(), read(&root))];
    let mut folders = vec![src.join(name)];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", folder.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = read(&path);
                out.push((path, text));
            }
        }
    }
    out.sort();
    out
}

/// "METHOD /pattern" for every `.route(…)` in `source`: the pattern is its
/// first string literal, the methods are the `get(`, `post(`, … method
/// routers chained in it. The next `.route(`, a `.merge(`, a `.fallback(`
/// or the end of the item it is written in (a `}` at the start of a line)
/// ends one.
fn routed(source: &str) -> Vec<String> {
    const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
    let mut out = Vec::new();
    for chunk in source.split(".route(").skip(1) {
        let chunk = [".merge(", ".fallback(", "\n}"]
            .iter()
            .fold(chunk, |chunk, end| chunk.split(end).next().unwrap_or(chunk));
        let pattern = chunk
            .split('"')
            .nth(1)
            .expect("a route's pattern is its first string literal");
        let bytes = chunk.as_bytes();
        for method in METHODS {
            for (at, _) in chunk.match_indices(&format!("{method}(")) {
                let before = at.checked_sub(1).map(|i| bytes[i]);
                if !before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
                    out.push(format!("{} {pattern}", method.to_uppercase()));
                }
            }
        }
    }
    out
}

#[test]
fn every_routed_pattern_is_probed_or_knowingly_skipped() {
    // The app is the API nested at /api/v1, the FHIR surface at /fhir and
    // the pages merged in, with a few routes of its own; a router added any
    // other way fails here. The FHIR routes are made from that surface's
    // table, not written as `.route(…)`: every one of them is called, for
    // the callers with no relationship and beside the answer for no one, by
    // `fhir::access`, and checked against the table by `fhir::conformance`.
    let app = read(&server_src().join("app.rs"));
    assert_eq!(app.matches(".nest(").count(), 2, "app.rs nests two routers");
    assert!(app.contains(r#".nest("/api/v1", api::router())"#));
    assert!(app.contains(r#".nest("/fhir", crate::fhir::router())"#));
    assert_eq!(
        app.matches(".merge(").count(),
        1,
        "app.rs merges one router"
    );
    assert!(app.contains(".merge(pages::router())"));
    let app_routes = app.split("pub fn router(").nth(1).expect("app::router");

    let mut routes: BTreeSet<(Surface, String)> = BTreeSet::new();
    // The API's routes are its OpenAPI document's operations: the router
    // and the document are made from one handler list (`api::openapi`).
    let api = serde_json::to_value(concordat_server::api::description()).unwrap();
    let mut count = 0;
    for (path, item) in api["paths"].as_object().expect("the document's paths") {
        let path = path.strip_prefix("/api/v1").expect("an API path");
        for method in item.as_object().unwrap().keys() {
            let route = format!("{} {path}", method.to_uppercase());
            assert!(
                routes.insert((Surface::Api, route.clone())),
                "{route} twice"
            );
            count += 1;
        }
    }
    assert!(
        count >= 50,
        "the API's document lists only {count} operations"
    );
    let mut add = |surface: Surface, file: &Path, source: &str| {
        let found = routed(source);
        for route in &found {
            assert!(
                routes.insert((surface, route.clone())),
                "{route} is routed twice (again in {})",
                file.display()
            );
        }
        found.len()
    };
    assert!(
        add(Surface::Page, Path::new("app.rs"), app_routes) >= 2,
        "app.rs's routes were not read"
    );
    {
        let (mut count, mut files) = (0, 0);
        for (file, source) in surface_files("pages") {
            // Within a surface, routes are added with `.route(` and
            // routers combined with `.merge(`, nothing else this reads.
            for other in [".nest(", ".nest_service(", ".route_service("] {
                assert!(
                    !source.contains(other),
                    "{} adds routes with `{other}`, which this check does not read",
                    file.display()
                );
            }
            let found = add(Surface::Page, &file, &source);
            count += found;
            files += usize::from(found > 0);
        }
        assert!(
            count >= 50 && files >= 10,
            "the pages routers' source was not read: {count} routes in {files} files"
        );
    }

    let probed: BTreeSet<(Surface, String)> = probes()
        .iter()
        .map(|p| (p.surface, format!("{} {}", p.method, p.pattern)))
        .collect();
    let skipped: BTreeSet<(Surface, String)> = SKIPPED
        .iter()
        .map(|(surface, route, _)| (*surface, (*route).to_owned()))
        .collect();
    let forgotten: Vec<_> = routes
        .iter()
        .filter(|r| !probed.contains(r) && !skipped.contains(r))
        .collect();
    let stale: Vec<_> = probed
        .union(&skipped)
        .filter(|r| !routes.contains(r))
        .collect();
    let both: Vec<_> = probed.intersection(&skipped).collect();
    assert!(
        forgotten.is_empty() && stale.is_empty() && both.is_empty(),
        "the existence sweep's table is out of step with the routers:\n\
         routed but neither probed nor skipped (add a probe, or a reason to skip it): \
         {forgotten:?}\n\
         probed or skipped but not routed: {stale:?}\n\
         both probed and skipped: {both:?}"
    );
}
