//! Administering accounts from the pages: an administrator adds a user, who
//! sets their own password with the one-time link and signs in; a change of
//! role signs them out; disabling shuts them out and enabling lets them
//! back; every change is in the audit. And what a member of staff who is
//! not an administrator tries: nothing.

use crate::fixtures::*;
use crate::harness::{TestApp, DEMO_PASSWORD};

const NEW_PASSWORD: &str = "correct horse battery staple";

/// The set-password link's path on a page that shows one.
fn link_on(html: &str) -> String {
    let start = html.find("/set-password/").expect("a set-password link");
    let end = start + html[start..].find('"').expect("the link ends");
    html[start..end].to_owned()
}

async fn try_sign_in(app: &TestApp, username: &str, password: &str) -> u16 {
    let client = app.new_client();
    let (_, form) = page(app, &client, "/sign-in").await;
    post_form(
        app,
        &client,
        "/sign-in",
        &[
            ("username", username),
            ("password", password),
            ("csrf_token", &csrf_token(&form)),
        ],
    )
    .await
    .status()
    .as_u16()
}

async fn an_admin_adds_a_user_who_sets_their_own_password_and_signs_in(app: TestApp) {
    let admin = signed_in(&app, "admin").await;
    let (status, users) = page(&app, &admin, "/users").await;
    assert_eq!(status, 200);
    assert!(users.contains(r#"href="/users/new""#), "{users}");
    assert!(users.contains(r#"href="/users/gp""#), "{users}");

    let (status, form) = page(&app, &admin, "/users/new").await;
    assert_eq!(status, 200, "{form}");
    let csrf = csrf_token(&form);
    let crisis = crate::referrals::team(&app, "Crisis Resolution and Home Treatment Team")
        .await
        .to_string();
    // A mistake first: the fields say what is wrong, nothing is added.
    let wrong = post_form(
        &app,
        &admin,
        "/users",
        &[
            ("csrf_token", &csrf),
            ("username", "no spaces please"),
            ("display_name", ""),
            ("organisation", "NMHT"),
            ("team", &crisis),
            ("role", "crisis-clinician"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), 400);
    let html = wrong.text().await.unwrap();
    assert!(html.contains("<title>Error: Add a user"), "{html}");
    assert!(html.contains(r##"<a href="#username">"##), "{html}");
    assert!(html.contains(r##"<a href="#display_name">"##), "{html}");

    let added = post_form(
        &app,
        &admin,
        "/users",
        &[
            ("csrf_token", &csrf),
            ("username", "jo.bloggs"),
            ("display_name", "Jo Bloggs"),
            ("organisation", "NMHT"),
            ("team", &crisis),
            ("role", "crisis-clinician"),
        ],
    )
    .await;
    assert_eq!(added.status(), 200);
    let shown = added.text().await.unwrap();
    assert!(shown.contains("Jo Bloggs is added"), "{shown}");
    assert!(
        !shown.to_lowercase().contains("password:"),
        "no password shown"
    );
    let link = link_on(&shown);

    // Until the link is used the account has no password anyone knows.
    assert_eq!(try_sign_in(&app, "jo.bloggs", NEW_PASSWORD).await, 401);

    let owner = app.new_client();
    let (status, set) = page(&app, &owner, &link).await;
    assert_eq!(status, 200, "{set}");
    assert!(set.contains("Jo Bloggs, choose the password"), "{set}");
    let mismatch = post_form(
        &app,
        &owner,
        &link,
        &[
            ("password", NEW_PASSWORD),
            ("again", "something else entirely"),
        ],
    )
    .await;
    assert_eq!(mismatch.status(), 400);
    assert!(mismatch.text().await.unwrap().contains("not the same"));
    let short = post_form(
        &app,
        &owner,
        &link,
        &[("password", "short"), ("again", "short")],
    )
    .await;
    assert_eq!(short.status(), 400);
    let done = post_form(
        &app,
        &owner,
        &link,
        &[("password", NEW_PASSWORD), ("again", NEW_PASSWORD)],
    )
    .await;
    assert_eq!(done.status(), 303);
    assert_eq!(location(&done), "/sign-in?password_set=1");
    assert_eq!(try_sign_in(&app, "jo.bloggs", NEW_PASSWORD).await, 303);

    // The link works once.
    let (status, again) = page(&app, &owner, &link).await;
    assert_eq!(status, 404);
    assert!(again.contains("This link does not work"), "{again}");

    // Every change is in the audit, by whom and what.
    let administered = count(
        &app,
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'administration'",
    )
    .await;
    assert_eq!(administered, 2, "the account added, and its password set");
}

async fn a_change_of_role_signs_them_out_and_disabling_shuts_them_out(app: TestApp) {
    let admin = signed_in(&app, "admin").await;
    let nurse = signed_in(&app, "crisis.nurse").await;
    let (status, account) = page(&app, &admin, "/users/crisis.nurse").await;
    assert_eq!(status, 200, "{account}");
    let csrf = csrf_token(&account);
    let changed = post_form(
        &app,
        &admin,
        "/users/crisis.nurse",
        &[
            ("csrf_token", &csrf),
            ("display_name", "Priya Shah"),
            ("team", ""),
            ("role", "mental-health-practitioner"),
        ],
    )
    .await;
    assert_eq!(changed.status(), 303);
    assert_eq!(location(&changed), "/users/crisis.nurse?done=changed");
    let (_, now) = page(&app, &admin, "/users/crisis.nurse?done=changed").await;
    assert!(now.contains("The account is changed"), "{now}");
    assert!(
        now.contains(r#"value="mental-health-practitioner" checked"#),
        "{now}"
    );
    // The nurse's session ended with the change.
    let home = nurse.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), 303);

    let disabled = post_form(
        &app,
        &admin,
        "/users/crisis.nurse/enabled",
        &[("csrf_token", &csrf), ("enabled", "no")],
    )
    .await;
    assert_eq!(disabled.status(), 303);
    assert_eq!(try_sign_in(&app, "crisis.nurse", DEMO_PASSWORD).await, 401);
    let enabled = post_form(
        &app,
        &admin,
        "/users/crisis.nurse/enabled",
        &[("csrf_token", &csrf), ("enabled", "yes")],
    )
    .await;
    assert_eq!(enabled.status(), 303);
    assert_eq!(try_sign_in(&app, "crisis.nurse", DEMO_PASSWORD).await, 303);

    // An administrator cannot shut themselves out.
    let own = post_form(
        &app,
        &admin,
        "/users/admin/enabled",
        &[("csrf_token", &csrf), ("enabled", "no")],
    )
    .await;
    assert_eq!(own.status(), 409);
}

async fn no_one_but_an_administrator_may_touch_an_account(app: TestApp) {
    for username in ["gp", "ig.lead", "police", "person"] {
        let client = signed_in(&app, username).await;
        let (_, home) = page(&app, &client, "/").await;
        let csrf = csrf_token(&home);
        let (status, _) = page(&app, &client, "/users/new").await;
        assert_eq!(status, 403, "{username} GET /users/new");
        let (status, _) = page(&app, &client, "/users/admin").await;
        assert_eq!(status, 403, "{username} GET /users/admin");
        // Taking over the administrator's account with a link of one's own.
        let link = post_form(
            &app,
            &client,
            "/users/admin/password-link",
            &[("csrf_token", &csrf)],
        )
        .await;
        assert_eq!(link.status(), 403, "{username} makes a link");
        let made = post_form(
            &app,
            &client,
            "/users",
            &[
                ("csrf_token", &csrf),
                ("username", "mallory"),
                ("display_name", "Mallory"),
                ("organisation", "NMHT"),
                ("role", "admin"),
            ],
        )
        .await;
        assert_eq!(made.status(), 403, "{username} adds an admin");
        let raised = post_form(
            &app,
            &client,
            &format!("/users/{username}"),
            &[
                ("csrf_token", &csrf),
                ("display_name", "Me"),
                ("role", "admin"),
            ],
        )
        .await;
        assert_eq!(raised.status(), 403, "{username} makes themselves admin");
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM users WHERE username = 'mallory'"
        )
        .await,
        0
    );
    // An administrator's links are for staff: not for a person's own
    // account, which is no staff account to them.
    let admin = signed_in(&app, "admin").await;
    let (_, home) = page(&app, &admin, "/").await;
    let link = post_form(
        &app,
        &admin,
        "/users/person/password-link",
        &[("csrf_token", &csrf_token(&home))],
    )
    .await;
    assert_eq!(link.status(), 404);
    // A made-up link is no link.
    let (status, _) = page(&app, &admin, "/set-password/not-a-real-secret").await;
    assert_eq!(status, 404);
}

/// The accounts listed on `html`.
fn listed(html: &str) -> usize {
    html.matches(r#"<span class="cell-label">Username: </span>"#)
        .count()
}

async fn the_accounts_list_pages_and_is_searched_in_a_form(app: TestApp) {
    let all = count(&app, "SELECT COUNT(*) AS n FROM users").await as usize;
    assert!(all > 25, "{all} accounts");
    let admin = signed_in(&app, "admin").await;
    let (_, first) = page(&app, &admin, "/users").await;
    assert_eq!(listed(&first), 25, "{first}");
    assert!(first.contains(r#"href="/users?page=2""#), "{first}");
    let (_, second) = page(&app, &admin, "/users?page=2").await;
    assert_eq!(listed(&second), all - 25, "{second}");

    let csrf = csrf_token(&first);
    let found = post_form(
        &app,
        &admin,
        "/users/search",
        &[("csrf_token", &csrf), ("wanted", "POLICE")],
    )
    .await;
    assert_eq!(found.status(), 200);
    let found = found.text().await.unwrap();
    let police = count(
        &app,
        "SELECT COUNT(*) AS n FROM users WHERE LOWER(username) LIKE '%police%' \
         OR LOWER(display_name) LIKE '%police%'",
    )
    .await as usize;
    assert_eq!(listed(&found), police, "{found}");
    assert!(found.contains(r#"href="/users/police""#), "{found}");
    assert!(!found.contains(r#"href="/users/gp""#), "{found}");

    // An IG lead's search stays in their own organisation.
    let ig = signed_in(&app, "ig.lead").await;
    let (_, theirs) = page(&app, &ig, "/users").await;
    let mine = post_form(
        &app,
        &ig,
        "/users/search",
        &[("csrf_token", &csrf_token(&theirs)), ("wanted", "police")],
    )
    .await
    .text()
    .await
    .unwrap();
    assert_eq!(listed(&mine), 0, "{mine}");
}

crate::on_both_stores!(
    the_accounts_list_pages_and_is_searched_in_a_form,
    an_admin_adds_a_user_who_sets_their_own_password_and_signs_in,
    a_change_of_role_signs_them_out_and_disabling_shuts_them_out,
    no_one_but_an_administrator_may_touch_an_account,
);
