use super::*;
use crate::decision::{Decision, ReviewReason, Thresholds};
use crate::record::{BirthDate, Sex};

/// m puts 0.9 on each field's closest level, u 0.9 on its last; the rest
/// is spread evenly.
fn tables(strong_first: bool) -> LevelProbabilities {
    LevelProbabilities::new(std::array::from_fn(|f| {
        let n = Field::ALL[f].levels().len();
        let strong = if strong_first { 1 } else { n - 1 };
        (0..n)
            .map(|l| match l {
                0 => 0.0,
                l if l == strong => 0.9,
                _ => 0.1 / (n - 2) as f64,
            })
            .collect()
    }))
    .unwrap()
}

fn model_over(records: &[Record]) -> Model {
    Model::new(
        tables(true),
        tables(false),
        0.01,
        TermFrequencies::count(records),
    )
    .unwrap()
}

fn person(family: &str, nhs: &str) -> Record {
    Record::builder()
        .given_name("Gary")
        .family_name(family)
        .birth_date(BirthDate::new(1971, 5, 2).unwrap())
        .postcode("CT9 1AA")
        .phone("07700 900123")
        .sex(Sex::Male)
        .identifier("https://fhir.nhs.uk/Id/nhs-number", nhs)
        .build()
}

#[test]
fn a_match_on_a_rare_family_name_weighs_more_than_one_on_a_common_name() {
    let mut records: Vec<Record> = (0..200).map(|_| person("Smith", "1")).collect();
    records.push(person("Okonkwo", "1"));
    let model = model_over(&records);
    let common = model.explain(&person("Smith", "1"), &person("Smith", "1"));
    let rare = model.explain(&person("Okonkwo", "1"), &person("Okonkwo", "1"));
    let family = |e: &Explanation| e.fields()[Field::FamilyName.index()];
    assert!(family(&rare).term_frequency_adjustment() > 0.0);
    assert!(family(&common).term_frequency_adjustment() < 0.0);
    assert!(family(&rare).total_weight() > family(&common).total_weight());
    assert!(rare.match_weight() > common.match_weight());
}

#[test]
fn the_explanation_adds_up_to_the_match_weight() {
    let records = [
        person("Holt", "1"),
        person("Holt", "2"),
        person("Holden", "3"),
    ];
    let model = model_over(&records);
    let (a, b) = (&records[0], &records[2]);
    let e = model.explain(a, b);
    let sum: f64 = e.prior_weight()
        + e.fields()
            .iter()
            .map(FieldEvidence::total_weight)
            .sum::<f64>();
    assert!((sum - e.match_weight()).abs() < 1e-9);
    assert!((model.match_weight(a, e.pattern()) - e.match_weight()).abs() < 1e-9);
    let family = e.fields()[Field::FamilyName.index()];
    assert_eq!(family.level_label(), "Jaro-Winkler at least 0.70");
    assert_eq!(family.term_frequency_adjustment(), 0.0);
    assert!((e.probability() - probability(e.match_weight())).abs() < 1e-12);
}

#[test]
fn a_missing_field_adds_no_weight() {
    let model = model_over(&[person("Holt", "1")]);
    let e = model.explain(
        &Record::builder().given_name("Gary").build(),
        &person("Holt", "1"),
    );
    let birth = e.fields()[Field::BirthDate.index()];
    assert_eq!(birth.level_label(), "missing");
    assert_eq!(
        (birth.total_weight(), birth.m(), birth.u()),
        (0.0, None, None)
    );
}

#[test]
fn a_pair_with_conflicting_nhs_numbers_is_never_linked_automatically() {
    // Every other field agrees exactly, and the link threshold is as low
    // as it can be: the probability alone would link the pair.
    let records = [person("Holt", "9434765919"), person("Holt", "4010232137")];
    let model = model_over(&records);
    let e = model.explain(&records[0], &records[1]);
    let lowest = Thresholds::new(0.0, 0.0).unwrap();
    assert_eq!(
        lowest.decide(e.probability(), &e.pattern()),
        Decision::Review(ReviewReason::IdentifiersDiffer)
    );
    // The same pair with agreeing numbers is linked.
    let same = model.explain(&records[0], &records[0]);
    assert_eq!(
        lowest.decide(same.probability(), &same.pattern()),
        Decision::Link
    );
}

#[test]
fn models_refuse_impossible_parameters() {
    let tf = TermFrequencies::default();
    assert!(matches!(
        Model::new(tables(true), tables(false), 1.0, tf.clone()),
        Err(ModelError::Lambda { .. })
    ));
    let mut zero: [Vec<f64>; Field::COUNT] = std::array::from_fn(|f| {
        let n = Field::ALL[f].levels().len();
        (0..n)
            .map(|l| if l == 0 { 0.0 } else { 1.0 / (n - 1) as f64 })
            .collect()
    });
    zero[Field::Sex.index()] = vec![0.0, 1.0, 0.0];
    let zero = LevelProbabilities::new(zero).unwrap();
    assert_eq!(
        Model::new(zero, tables(false), 0.1, tf).unwrap_err(),
        ModelError::ZeroProbability {
            field: "sex",
            level: "different"
        }
    );
}
