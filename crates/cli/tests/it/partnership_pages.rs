//! The partnership's organisations and teams administered from the pages:
//! an administrator adds an organisation and a team, which the directory
//! shows at once; a team that stops taking referrals leaves the referral
//! form; mistakes come back beside their fields; no one else may do any of
//! it; every change is in the audit.

use crate::fixtures::*;
use crate::harness::TestApp;

async fn an_admin_adds_an_organisation_and_a_team_and_stops_one_taking_referrals(app: TestApp) {
    let admin = signed_in(&app, "admin").await;
    let (_, home) = page(&app, &admin, "/").await;
    assert!(home.contains(r#"href="/admin/organisations""#), "{home}");
    let (status, form) = page(&app, &admin, "/admin/organisations/new").await;
    assert_eq!(status, 200, "{form}");
    let csrf = csrf_token(&form);

    // A code already in use, and no kind: each said beside its field.
    let wrong = post_form(
        &app,
        &admin,
        "/admin/organisations",
        &[
            ("csrf_token", &csrf),
            ("name", "Another trust"),
            ("code", "NMHT"),
            ("kind", ""),
        ],
    )
    .await;
    assert_eq!(wrong.status(), 400);
    let html = wrong.text().await.unwrap();
    assert!(html.contains(r##"<a href="#kind">"##), "{html}");

    let added = post_form(
        &app,
        &admin,
        "/admin/organisations",
        &[
            ("csrf_token", &csrf),
            ("name", "Northshire Recovery College"),
            ("code", "NRC"),
            ("kind", "charity"),
        ],
    )
    .await;
    assert_eq!(added.status(), 303);
    assert_eq!(location(&added), "/admin/organisations?done=organisation");
    let dup = post_form(
        &app,
        &admin,
        "/admin/organisations",
        &[
            ("csrf_token", &csrf),
            ("name", "Again"),
            ("code", "NRC"),
            ("kind", "charity"),
        ],
    )
    .await;
    assert_eq!(dup.status(), 400);
    assert!(dup
        .text()
        .await
        .unwrap()
        .contains("already an organisation"));

    let team = post_form(
        &app,
        &admin,
        "/admin/organisations/NRC/teams",
        &[
            ("csrf_token", &csrf),
            ("name", "Peer Support"),
            ("duty_phone", "01632 960900"),
            ("takes_referrals", "yes"),
        ],
    )
    .await;
    assert_eq!(team.status(), 303);
    let (_, directory) = page(&app, &admin, "/directory").await;
    assert!(
        directory.contains("Northshire Recovery College"),
        "{directory}"
    );
    assert!(directory.contains("Peer Support"), "{directory}");
    let bad_phone = post_form(
        &app,
        &admin,
        "/admin/organisations/NRC/teams",
        &[
            ("csrf_token", &csrf),
            ("name", "Drop-in"),
            ("duty_phone", "call us"),
        ],
    )
    .await;
    assert_eq!(bad_phone.status(), 400);
    assert!(bad_phone
        .text()
        .await
        .unwrap()
        .contains(r##"<a href="#duty_phone">"##));

    // The crisis team stops taking referrals: the GP's form no longer
    // offers it.
    let crisis = crate::referrals::team(&app, "Crisis Resolution and Home Treatment Team")
        .await
        .to_string();
    let gp = signed_in(&app, "gp").await;
    let (_, before) = page(&app, &gp, "/referrals/new").await;
    assert!(before.contains(&crisis), "{before}");
    let (status, edit) = page(&app, &admin, &format!("/admin/teams/{crisis}")).await;
    assert_eq!(status, 200, "{edit}");
    assert!(
        edit.contains(r#"name="takes_referrals" value="yes" checked"#),
        "{edit}"
    );
    let changed = post_form(
        &app,
        &admin,
        &format!("/admin/teams/{crisis}"),
        &[
            ("csrf_token", &csrf),
            ("name", "Crisis Resolution and Home Treatment Team"),
            ("duty_phone", "01632 960100"),
        ],
    )
    .await;
    assert_eq!(changed.status(), 303);
    let (_, after) = page(&app, &gp, "/referrals/new").await;
    assert!(!after.contains(&crisis), "{after}");

    let audited = count(
        &app,
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'administration'",
    )
    .await;
    assert_eq!(audited, 3, "an organisation, a team, a change");

    // The community team is made the one that offers support to people in
    // frequent contact: its members' home pages offer the list, and the
    // change is audited in words.
    let community = crate::referrals::team(&app, "North Community Mental Health Team")
        .await
        .to_string();
    let member = signed_in(&app, "mh.practitioner").await;
    let (_, home) = page(&app, &member, "/").await;
    assert!(!home.contains(r#"href="/frequent-contact""#), "{home}");
    let (_, edit) = page(&app, &admin, &format!("/admin/teams/{community}")).await;
    assert!(
        edit.contains(r#"name="offers_support" value="yes">"#),
        "not ticked yet: {edit}"
    );
    let supported = post_form(
        &app,
        &admin,
        &format!("/admin/teams/{community}"),
        &[
            ("csrf_token", &csrf),
            ("name", "North Community Mental Health Team"),
            ("duty_phone", "01632 960110"),
            ("takes_referrals", "yes"),
            ("offers_support", "yes"),
        ],
    )
    .await;
    assert_eq!(supported.status(), 303);
    let (_, edit) = page(&app, &admin, &format!("/admin/teams/{community}")).await;
    assert!(
        edit.contains(r#"name="offers_support" value="yes" checked"#),
        "{edit}"
    );
    let (_, home) = page(&app, &member, "/").await;
    assert!(home.contains(r#"href="/frequent-contact""#), "{home}");
    let (status, _) = page(&app, &member, "/frequent-contact").await;
    assert_eq!(status, 200);
    let said = count(
        &app,
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'administration' \
         AND reasons LIKE '%now offers support to people in frequent contact%'",
    )
    .await;
    assert_eq!(said, 1);
}

async fn no_one_else_may_change_the_partnership(app: TestApp) {
    let crisis = crate::referrals::team(&app, "Crisis Resolution and Home Treatment Team")
        .await
        .to_string();
    for username in ["ig.lead", "gp", "person"] {
        let client = signed_in(&app, username).await;
        let (_, home) = page(&app, &client, "/").await;
        let csrf = csrf_token(&home);
        for path in ["/admin/organisations", "/admin/organisations/new"] {
            let (status, _) = page(&app, &client, path).await;
            assert_eq!(status, 403, "{username} {path}");
        }
        let made = post_form(
            &app,
            &client,
            "/admin/organisations",
            &[
                ("csrf_token", &csrf),
                ("name", "Mine"),
                ("code", "MINE"),
                ("kind", "charity"),
            ],
        )
        .await;
        assert_eq!(made.status(), 403, "{username}");
        let changed = post_form(
            &app,
            &client,
            &format!("/admin/teams/{crisis}"),
            &[("csrf_token", &csrf), ("name", "Renamed")],
        )
        .await;
        assert_eq!(changed.status(), 403, "{username}");
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM organisations WHERE code = 'MINE'"
        )
        .await,
        0
    );
}

crate::on_both_stores!(
    an_admin_adds_an_organisation_and_a_team_and_stops_one_taking_referrals,
    no_one_else_may_change_the_partnership,
);
