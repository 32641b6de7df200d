//! `concordat link run` on both stores: an agency's register without NHS
//! numbers is linked to the people Concordat knows (a misspelt name and a
//! date of birth one digit off still find Gary Holt; a stranger finds no
//! one); people recorded twice are reported, never merged; thresholds out
//! of order and a malformed line refuse to run, naming what is wrong.

use concordat_domain::nhs_number::NhsNumber;
use concordat_store::persons;

use crate::cli::{concordat, stderr, stdout};
use crate::fixtures::{count, GARY};
use crate::harness::TestApp;

/// Gary's name, date of birth and postcode as Concordat holds them.
async fn garys_details(app: &TestApp) -> (String, String, String, String) {
    let mut conn = app.store.read().await.unwrap();
    let gary = persons::person_by_nhs_number(&mut conn, &NhsNumber::parse(GARY).unwrap())
        .await
        .unwrap()
        .expect("Gary");
    (
        gary.id().to_string(),
        gary.name().family().to_owned(),
        gary.birth_date().date().to_string(),
        gary.address()
            .map(|a| a.postcode().as_str().to_owned())
            .unwrap_or_default(),
    )
}

async fn a_register_without_nhs_numbers_finds_gary_and_no_one_for_a_stranger(app: TestApp) {
    let (gary, family, born, postcode) = garys_details(&app).await;
    // One digit off in the day, one letter off in the name.
    let mut near = born.clone();
    let last = near.pop().unwrap();
    near.push(if last == '9' {
        '8'
    } else {
        char::from(last as u8 + 1)
    });
    let misspelt = format!("{}{}", &family[..family.len() - 1], "e");
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("ambulance.csv");
    std::fs::write(
        &register,
        format!(
            "record_id,given_name,family_name,birth_date,postcode,sex\n\
             AMB-1,Gary,{family},{born},{postcode},male\n\
             AMB-2,Garry,{misspelt},{near},{postcode},male\n\
             AMB-3,Zebedee,Quillfeather,1950-02-02,ZZ9 9ZZ,male\n"
        ),
    )
    .unwrap();
    let out_file = dir.path().join("decisions.csv");
    let people_before = count(&app, "SELECT COUNT(*) AS n FROM persons").await;
    let out = concordat(
        &app,
        &[
            "link",
            "run",
            "--csv",
            register.to_str().unwrap(),
            "--out",
            out_file.to_str().unwrap(),
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.contains("3 register rows against"), "{said}");
    let decisions = std::fs::read_to_string(&out_file).unwrap();
    let rows: Vec<&str> = decisions.lines().collect();
    assert_eq!(
        rows[0],
        "record_id,person_id,nhs_number,probability,decision"
    );
    for record in ["AMB-1", "AMB-2"] {
        let row = rows
            .iter()
            .find(|r| r.starts_with(&format!("{record},")))
            .unwrap_or_else(|| panic!("{record} not linked: {decisions}"));
        assert!(row.contains(&gary), "{row}");
        assert!(row.contains(GARY), "{row}");
    }
    assert!(!decisions.contains("AMB-3"), "{decisions}");
    // It only reads.
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM persons").await,
        people_before
    );
}

async fn people_recorded_twice_are_reported_and_never_merged(app: TestApp) {
    let people_before = count(&app, "SELECT COUNT(*) AS n FROM persons").await;
    let out = concordat(&app, &["link", "run"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(
        said.contains("Nothing is merged: a reviewer decides each."),
        "{said}"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM persons").await,
        people_before
    );
}

async fn bad_thresholds_and_a_malformed_line_refuse_to_run(app: TestApp) {
    let out = concordat(
        &app,
        &[
            "link",
            "run",
            "--review-threshold",
            "0.9",
            "--link-threshold",
            "0.5",
        ],
        "",
    );
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains("--review-threshold"), "{message}");
    assert!(message.contains("must not be above"), "{message}");

    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("bad.csv");
    std::fs::write(
        &register,
        "record_id,given_name,family_name,birth_date\n\
         A-1,Gary,Holt,1979-01-23\n\
         A-2,Leah,Morgan,30/11/1996\n\
         A-3,Dan\n",
    )
    .unwrap();
    let out_file = dir.path().join("never.csv");
    let out = concordat(
        &app,
        &[
            "link",
            "run",
            "--csv",
            register.to_str().unwrap(),
            "--out",
            out_file.to_str().unwrap(),
        ],
        "",
    );
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains("line 3: `birth_date`"), "{message}");
    assert!(message.contains("line 4:"), "{message}");
    assert!(message.contains("nothing was linked"), "{message}");
    assert!(!out_file.exists(), "nothing written");
}

crate::on_both_stores!(
    a_register_without_nhs_numbers_finds_gary_and_no_one_for_a_stranger,
    people_recorded_twice_are_reported_and_never_merged,
    bad_thresholds_and_a_malformed_line_refuse_to_run,
);
