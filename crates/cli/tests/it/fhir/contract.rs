//! `Contract` over FHIR: the information sharing agreements, for those
//! who may see them and no one else.

use super::get;
use crate::harness::TestApp;

async fn governance_reads_the_agreements_as_contracts(app: TestApp) {
    let ig = app.token_for("ig.lead", "TREAT").await;
    let all = get(&app, &ig, "/fhir/Contract").await;
    assert_eq!(all.status, 200, "{}", all.text);
    let all = all.json();
    let listed = all["entry"].as_array().unwrap();
    assert!(!listed.is_empty(), "{all}");
    let first = &listed[0]["resource"];
    let id = first["id"].as_str().unwrap();

    let read = get(&app, &ig, &format!("/fhir/Contract/{id}")).await;
    assert_eq!(read.status, 200, "{}", read.text);
    let contract = read.json();
    assert_eq!(&contract, first, "read and search agree");
    assert_eq!(contract["status"], "executed", "{contract}");
    assert_eq!(contract["legalState"]["coding"][0]["code"], "active");
    assert_eq!(contract["meta"]["versionId"], contract["version"]);
    let terms = contract["term"].as_array().unwrap();
    let parties = terms[0]["offer"]["party"][0]["reference"]
        .as_array()
        .unwrap();
    assert!(parties.len() >= 2, "{contract}");
    assert!(parties[0]["reference"]
        .as_str()
        .unwrap()
        .starts_with("Organization/"));
    assert!(terms[0]["text"]
        .as_str()
        .unwrap()
        .starts_with("Lawful basis: Article 6"));
    let purposes: Vec<&str> = terms[0]["action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["intent"]["coding"][0]["code"].as_str().unwrap())
        .collect();
    assert!(!purposes.is_empty(), "{contract}");
    assert!(terms.len() > 1, "a term per role: {contract}");
    assert_eq!(
        contract["signer"].as_array().unwrap().len(),
        parties.len(),
        "every party signed the version in force"
    );

    let executed = get(&app, &ig, "/fhir/Contract?status=executed")
        .await
        .json();
    assert_eq!(executed["total"], all["total"]);
    let drafts = get(&app, &ig, "/fhir/Contract?status=offered").await.json();
    assert_eq!(drafts["total"], 0);
    let wrong = get(&app, &ig, "/fhir/Contract?status=active").await;
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.issue(), "invalid");
    for absent in [uuid::Uuid::new_v4().to_string(), "not-an-id".to_owned()] {
        let answer = get(&app, &ig, &format!("/fhir/Contract/{absent}")).await;
        assert_eq!(answer.status, 404, "{absent}");
        assert_eq!(answer.issue(), "not-found");
    }

    // A commissioner sees them; a clinician does not, nor does a caller
    // without a token.
    let commissioner = app.token_for("commissioner", "HOPERAT").await;
    let seen = get(&app, &commissioner, &format!("/fhir/Contract/{id}")).await;
    assert_eq!(seen.status, 200, "{}", seen.text);
    let gp = app.token_for("gp", "TREAT").await;
    for path in ["/fhir/Contract".to_owned(), format!("/fhir/Contract/{id}")] {
        let refused = get(&app, &gp, &path).await;
        assert_eq!(refused.status, 403, "{path}: {}", refused.text);
        assert_eq!(refused.issue(), "forbidden");
        assert_eq!(get(&app, "", &path).await.status, 401, "{path}");
    }
}

crate::on_both_stores!(governance_reads_the_agreements_as_contracts);
