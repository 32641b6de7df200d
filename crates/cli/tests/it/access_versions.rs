//! The access versions that let a node keep what it has read (issue 3: a
//! change applies to the very next request, on every node): each write of
//! an access fact moves one, and a node whose caches are warm still sees a
//! change made through another node at once.

use chrono::Duration;
use concordat_domain::break_glass::{BreakGlass, Justification, OverrideBasis};
use concordat_domain::care_team::{CareTeam, CareTeamMember};
use concordat_domain::consent::ConsentScope;
use concordat_domain::ids::{CareTeamId, OrganisationId, PersonId, UserId};
use concordat_domain::organisation::{Organisation, OrganisationCode, OrganisationKind};
use concordat_domain::role::Role;
use concordat_domain::user::{DisplayName, User, Username};
use concordat_server::Clock;
use concordat_store::masks::FieldMaskRecord;
use concordat_store::relationships::{CareRelationship, RelationshipKind};
use concordat_store::{
    access_versions, agreements, break_glass, care_teams, consent, masks, organisations,
    relationships, users, AccessVersions,
};

use crate::fixtures::{person_id, record_refusal, user, DANIEL};
use crate::harness::{demo_password_hash, problem, TestApp};

async fn versions(app: &TestApp, person: PersonId) -> AccessVersions {
    let mut conn = app.store.read().await.unwrap();
    access_versions::access_versions(&mut conn, person)
        .await
        .unwrap()
}

/// Withholds the person's address from all but crisis clinicians.
async fn withhold_address(app: &TestApp, person: PersonId, by: &User) {
    let mut tx = app.store.write().await.unwrap();
    masks::insert_mask(
        &mut tx,
        &FieldMaskRecord {
            id: uuid::Uuid::new_v4(),
            person,
            field: "address".into(),
            visible_to: vec![Role::CrisisClinician],
            reason: "fleeing domestic abuse".into(),
        },
        by.id(),
        app.clock.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// Checks that the person's version (or the partnership's) moved since
/// `before`, and returns the versions now.
async fn moved(
    app: &TestApp,
    person: PersonId,
    before: AccessVersions,
    partnership_wide: bool,
    what: &str,
) -> AccessVersions {
    let after = versions(app, person).await;
    if partnership_wide {
        assert!(after.partnership > before.partnership, "{what}");
    } else {
        assert!(after.person > before.person, "{what}");
    }
    after
}

async fn every_write_of_an_access_fact_moves_an_access_version(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let practitioner = user(&app, "mh.practitioner").await;
    let organisation = practitioner.organisation_id();
    let now = app.clock.now();
    let mut seen = versions(&app, daniel).await;
    assert!(seen.person.is_some());

    let refusal = record_refusal(&app, daniel, ConsentScope::default(), &practitioner).await;
    seen = moved(&app, daniel, seen, false, "a consent directive recorded").await;

    let mut tx = app.store.write().await.unwrap();
    consent::withdraw_directive(&mut tx, daniel, refusal.id(), practitioner.id(), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    seen = moved(&app, daniel, seen, false, "a consent directive withdrawn").await;

    let mut tx = app.store.write().await.unwrap();
    relationships::insert_relationship(
        &mut tx,
        &CareRelationship {
            id: uuid::Uuid::new_v4(),
            person: daniel,
            organisation,
            user: Some(practitioner.id()),
            team: None,
            contact_kind: None,
            kind: RelationshipKind::Referral,
            reason: "referred for assessment".into(),
            started_at: now,
            ends_at: now + Duration::days(7),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    seen = moved(&app, daniel, seen, false, "a relationship recorded").await;

    let mut tx = app.store.write().await.unwrap();
    relationships::end_relationships(
        &mut tx,
        daniel,
        organisation,
        RelationshipKind::Referral,
        "referred for assessment",
        now + Duration::hours(1),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    seen = moved(&app, daniel, seen, false, "a relationship ended").await;

    let mut tx = app.store.write().await.unwrap();
    break_glass::insert_break_glass(
        &mut tx,
        &BreakGlass {
            id: uuid::Uuid::new_v4(),
            user: practitioner.id(),
            person: daniel,
            basis: OverrideBasis::VitalInterests,
            justification: Justification::parse(
                "found unconscious; the crisis plan lists allergies we must know",
            )
            .unwrap(),
            granted_at: now,
            expires_at: now + Duration::minutes(30),
            review: None,
            deferral: None,
        },
        organisation,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    seen = moved(&app, daniel, seen, false, "a break-glass override").await;

    withhold_address(&app, daniel, &practitioner).await;
    seen = moved(&app, daniel, seen, false, "a field mask").await;

    let team = CareTeam::new(
        CareTeamId::new(),
        daniel,
        "Crisis follow-up",
        vec![CareTeamMember::new(practitioner.id(), organisation, "follow-up").unwrap()],
        practitioner.id(),
    )
    .unwrap();
    let mut tx = app.store.write().await.unwrap();
    care_teams::insert_care_team(&mut tx, &team, chrono::Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    seen = moved(&app, daniel, seen, false, "a care team").await;

    let mut tx = app.store.write().await.unwrap();
    let agreement = agreements::agreements_of_organisation(&mut tx, organisation)
        .await
        .unwrap()
        .into_iter()
        .find_map(|a| a.suspend().ok())
        .expect("an agreement to suspend");
    agreements::save_agreement(&mut tx, &agreement, "suspended", practitioner.id(), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    seen = moved(&app, daniel, seen, true, "an agreement suspended").await;

    let mut tx = app.store.write().await.unwrap();
    users::set_disabled(&mut tx, practitioner.username(), true)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    seen = moved(&app, daniel, seen, true, "a user disabled").await;

    let newcomer = User::new(
        UserId::new(),
        Username::parse("new.starter").unwrap(),
        DisplayName::parse("New Starter").unwrap(),
        organisation,
        None,
        Role::MentalHealthPractitioner,
        None,
        false,
    )
    .unwrap();
    let mut tx = app.store.write().await.unwrap();
    users::insert_user(&mut tx, &newcomer, &demo_password_hash(), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    seen = moved(&app, daniel, seen, true, "a user added").await;

    let charity = Organisation::new(
        OrganisationId::new(),
        OrganisationCode::parse("NEWCH").unwrap(),
        "New Charity",
        OrganisationKind::Charity,
    )
    .unwrap();
    let mut tx = app.store.write().await.unwrap();
    organisations::insert_organisation(&mut tx, &charity, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    moved(&app, daniel, seen, true, "an organisation added").await;
}

async fn no_one_has_a_person_version_until_they_exist(app: TestApp) {
    let nobody = PersonId::new();

    let found = versions(&app, nobody).await;

    assert_eq!(found.person, None);
}

async fn a_refusal_made_through_one_node_applies_on_another_at_once(app: TestApp) {
    let other = app.another_node().await;
    let daniel = person_id(&app, DANIEL).await;
    let practitioner = app.token_for("mh.practitioner", "TREAT").await;
    let path = format!("/api/v1/persons/{daniel}");
    // Both nodes have read the record, so both have it to hand.
    for base in [app.base.as_str(), other.base.as_str()] {
        for _ in 0..2 {
            let read = app
                .client
                .get(format!("{base}{path}"))
                .bearer_auth(&practitioner)
                .send()
                .await
                .unwrap();
            assert_eq!(read.status(), 200);
        }
    }

    let own = app.token_for("person", "PATRQT").await;
    let refused = app
        .client
        .post(format!("{}{path}/consent", other.base))
        .bearer_auth(&own)
        .json(&serde_json::json!({"effect": "deny", "organisation": "NMHT"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 201);

    let next = app.get_with_token(&path, &practitioner).await;
    assert_eq!(next.status(), 403);
    assert_eq!(problem(next).await["rule"], "consent-refused");
}

async fn a_mask_set_now_withholds_the_field_on_the_very_next_read(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let practitioner = user(&app, "mh.practitioner").await;
    let token = app.token_for("mh.practitioner", "TREAT").await;
    let path = format!("/api/v1/persons/{daniel}");
    let first: serde_json::Value = app
        .get_with_token(&path, &token)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        first["demographics"]["address"]["lines"].is_array(),
        "{first}"
    );

    withhold_address(&app, daniel, &practitioner).await;

    let next: serde_json::Value = app
        .get_with_token(&path, &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(next["demographics"]["address"]["withheld"], true, "{next}");
}

crate::on_both_stores!(
    every_write_of_an_access_fact_moves_an_access_version,
    no_one_has_a_person_version_until_they_exist,
    a_refusal_made_through_one_node_applies_on_another_at_once,
    a_mask_set_now_withholds_the_field_on_the_very_next_read,
);
