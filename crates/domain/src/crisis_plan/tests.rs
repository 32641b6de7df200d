use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use super::*;
use crate::consent::RecordedVia;
use crate::ids::{CrisisPlanId, PersonId, UserId};

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn sections() -> PlanSections {
    PlanSections::parse(SectionsInput {
        what_helps: "Sitting somewhere quiet\nTalking about my dog".into(),
        what_does_not_help: "Being touched without warning".into(),
        ..Default::default()
    })
    .unwrap()
}

fn draft() -> PlanVersion {
    PlanVersion {
        plan: CrisisPlanId::new(),
        person: PersonId::new(),
        number: 1,
        status: PlanStatus::Draft,
        sections: sections(),
        based_on: None,
        author: Author {
            user: Some(UserId::new()),
            name: "Sam Nurse".into(),
            is_the_person: false,
        },
        created_at: at(2026, 3, 1),
        person_agreement: None,
        professional_agreement: None,
        agreed_at: None,
        review_due: None,
    }
}

fn person(at_: DateTime<Utc>) -> Agreeing {
    Agreeing::Person(PersonAgreement {
        at: at_,
        via: RecordedVia::InPerson,
        recorded_by: UserId::new(),
        recorder_name: "Sam Nurse".into(),
    })
}

fn professional(at_: DateTime<Utc>) -> Agreeing {
    Agreeing::Professional(ProfessionalAgreement {
        at: at_,
        via: RecordedVia::InPerson,
        user: UserId::new(),
        name: "Sam Nurse".into(),
    })
}

#[test]
fn a_version_is_agreed_only_when_both_the_person_and_a_professional_agree() {
    let mut v = draft();
    assert!(!v.agree(professional(at(2026, 3, 2)), None).unwrap());
    assert_eq!(v.status, PlanStatus::Draft);
    assert!(v.agree(person(at(2026, 3, 3)), None).unwrap());
    assert_eq!(v.status, PlanStatus::Agreed);
    // Dated by the later agreement; reviewed six months on by default.
    assert_eq!(v.agreed_at, Some(at(2026, 3, 3)));
    assert_eq!(v.review_due, Some(date(2026, 9, 3)));
}

#[test]
fn the_person_alone_or_the_professional_alone_never_agrees_a_plan() {
    let mut v = draft();
    assert!(!v.agree(person(at(2026, 3, 2)), None).unwrap());
    assert_eq!(
        v.agree(person(at(2026, 3, 2)), None),
        Err(AgreeError::PersonAlreadyAgreed(1))
    );
    assert_eq!(v.status, PlanStatus::Draft);
    let mut w = draft();
    assert!(!w.agree(professional(at(2026, 3, 2)), None).unwrap());
    assert_eq!(
        w.agree(professional(at(2026, 3, 2)), None),
        Err(AgreeError::ProfessionalAlreadyAgreed(1))
    );
    assert_eq!(w.status, PlanStatus::Draft);
}

#[test]
fn a_review_date_given_at_agreement_is_kept() {
    let mut v = draft();
    v.agree(professional(at(2026, 3, 2)), Some(date(2026, 6, 1)))
        .unwrap();
    v.agree(person(at(2026, 3, 3)), None).unwrap();
    assert_eq!(v.review_due, Some(date(2026, 6, 1)));
}

#[test]
fn a_review_date_on_or_before_agreement_is_refused() {
    let mut v = draft();
    assert_eq!(
        v.agree(professional(at(2026, 3, 2)), Some(date(2026, 3, 2))),
        Err(AgreeError::ReviewBeforeAgreement)
    );
    assert!(v.professional_agreement.is_none());
}

#[test]
fn only_drafts_with_something_in_them_can_be_agreed() {
    let mut v = draft();
    v.status = PlanStatus::Superseded;
    assert!(matches!(
        v.agree(person(at(2026, 3, 2)), None),
        Err(AgreeError::NotADraft { .. })
    ));
    let mut empty = draft();
    empty.sections = PlanSections::default();
    assert_eq!(
        empty.agree(person(at(2026, 3, 2)), None),
        Err(AgreeError::Empty)
    );
}

#[test]
fn review_standing_reads_as_a_sentence() {
    let mut v = draft();
    v.agree(professional(at(2026, 3, 3)), None).unwrap();
    v.agree(person(at(2026, 3, 3)), None).unwrap();
    assert_eq!(
        v.standing(date(2026, 9, 3)).unwrap(),
        "agreed 3 March 2026, review due 3 September 2026"
    );
    assert_eq!(
        v.standing(date(2026, 9, 4)).unwrap(),
        "agreed 3 March 2026, review overdue since 3 September 2026"
    );
    assert!(v.review_status(date(2026, 9, 4)).unwrap().is_overdue());
    assert!(draft().standing(date(2026, 9, 4)).is_none());
}

#[test]
fn six_months_on_from_the_end_of_a_month_is_the_end_of_the_month() {
    assert_eq!(default_review_due(date(2026, 8, 31)), date(2027, 2, 28));
}

#[test]
fn the_diff_names_only_the_sections_that_changed() {
    let before = sections();
    let mut after = before.clone();
    after.what_helps = "Sitting somewhere quiet\nMusic through headphones".into();
    let changes = diff(&before, &after);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].section, Section::WhatHelps);
    let lines: Vec<_> = changes[0]
        .lines
        .iter()
        .map(|l| (l.change, l.text.as_str()))
        .collect();
    assert_eq!(
        lines,
        vec![
            (LineChange::Kept, "Sitting somewhere quiet"),
            (LineChange::Removed, "Talking about my dog"),
            (LineChange::Added, "Music through headphones"),
        ]
    );
    assert!(diff(&before, &before).is_empty());
}

#[test]
fn sections_report_every_problem_with_its_field() {
    let problems = PlanSections::parse(SectionsInput {
        what_helps: "x".repeat(SECTION_MAX_CHARS + 1),
        triggers: "bell\u{7}".into(),
        people_to_contact: vec![ContactInput {
            name: "Jordan".into(),
            relationship: "Partner".into(),
            phone: "not a phone".into(),
            ..Default::default()
        }],
        professional_contacts: vec![ContactInput {
            name: "Crisis line".into(),
            service: "Crisis team".into(),
            phone: "01632 960000".into(),
            hours: "sometimes".into(),
            ..Default::default()
        }],
        ..Default::default()
    })
    .unwrap_err();
    let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "triggers",
            "what_helps",
            "people_to_contact[0].phone",
            "professional_contacts[0].hours"
        ]
    );
}

#[test]
fn blank_contact_rows_are_dropped_and_line_breaks_kept() {
    let parsed = PlanSections::parse(SectionsInput {
        what_helps: "  one\r\ntwo  ".into(),
        people_to_contact: vec![
            ContactInput::default(),
            ContactInput {
                name: "Jordan Ellis".into(),
                relationship: "Partner".into(),
                phone: "07700 900123".into(),
                when_to_call: "Any time".into(),
                ..Default::default()
            },
        ],
        ..Default::default()
    })
    .unwrap();
    assert_eq!(parsed.what_helps, "one\ntwo");
    assert_eq!(parsed.people_to_contact.len(), 1);
    assert!(!parsed.is_empty());
    assert!(PlanSections::default().is_empty());
}

#[test]
fn the_out_of_hours_contact_prefers_out_of_hours_over_any_time() {
    let parsed = PlanSections::parse(SectionsInput {
        professional_contacts: vec![
            ContactInput {
                name: "Duty desk".into(),
                service: "Community team".into(),
                phone: "01632 960001".into(),
                hours: "any-time".into(),
                ..Default::default()
            },
            ContactInput {
                name: "Crisis line".into(),
                service: "Crisis team".into(),
                phone: "01632 960002".into(),
                hours: "out-of-hours".into(),
                ..Default::default()
            },
        ],
        ..Default::default()
    })
    .unwrap();
    assert_eq!(parsed.out_of_hours_contact().unwrap().name, "Crisis line");
}

#[test]
fn vocabularies_are_well_formed() {
    crate::vocabulary::testing::assert_well_formed(
        &PlanStatus::ALL,
        PlanStatus::as_str,
        PlanStatus::parse,
        PlanStatus::label,
    );
    crate::vocabulary::testing::assert_well_formed(
        &Section::ALL,
        Section::as_str,
        Section::parse,
        Section::label,
    );
    crate::vocabulary::testing::assert_well_formed(
        &ContactHours::ALL,
        ContactHours::as_str,
        ContactHours::parse,
        ContactHours::label,
    );
}
