use proptest::prelude::*;

use super::*;

const KNOWN_VALID: [&str; 4] = ["9990000018", "9990000026", "9990000034", "9990000042"];

/// The check stated a second way, independent of [`check_digit`]: with the
/// check digit weighted 1, a valid number's weighted sum is a multiple of 11.
/// (A prefix needing check "10" can never satisfy this with a single digit.)
fn independently_valid(digits: &str) -> bool {
    digits.len() == 10
        && digits.bytes().all(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .zip((1..=10u32).rev())
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum::<u32>()
            % 11
            == 0
}

#[test]
fn known_test_numbers_are_valid_in_every_accepted_form() {
    for raw in KNOWN_VALID {
        let n = NhsNumber::parse(raw).unwrap();
        assert_eq!(n.as_str(), raw);
        let spaced = format!("{} {} {}", &raw[..3], &raw[3..6], &raw[6..]);
        let hyphened = spaced.replace(' ', "-");
        assert_eq!(NhsNumber::parse(&spaced), Ok(n));
        assert_eq!(NhsNumber::parse(&hyphened), Ok(n));
        assert_eq!(NhsNumber::parse(&format!("  {raw}\t")), Ok(n));
    }
    assert_eq!(
        NhsNumber::parse("999 000 0018").unwrap().formatted(),
        "999 000 0018"
    );
}

#[test]
fn check_digit_follows_the_worked_example() {
    // 9×10 + 9×9 + 9×8 + 1×2 = 245; 245 mod 11 = 3; 11 − 3 = 8.
    assert_eq!(check_digit([9, 9, 9, 0, 0, 0, 0, 0, 1]), Some(8));
    // Sum ≡ 0 (mod 11) → 11 → check digit 0.
    assert_eq!(check_digit([0; 9]), Some(0));
    // 5×2 = 10 → 11 − 10 = 1.
    assert_eq!(check_digit([0, 0, 0, 0, 0, 0, 0, 0, 5]), Some(1));
    // 6×2 = 12 ≡ 1 → 11 − 1 = 10: no valid number has this prefix.
    assert_eq!(check_digit([0, 0, 0, 0, 0, 0, 0, 0, 6]), None);
    assert_eq!(check_digit([0, 0, 0, 0, 0, 0, 0, 1, 0]), Some(8));
    assert_eq!(check_digit([0, 0, 0, 0, 0, 0, 0, 0, 10]), None);
}

#[test]
fn errors_say_what_is_wrong_and_quote_the_input() {
    let err = NhsNumber::parse("12345").unwrap_err();
    assert_eq!(
        err,
        NhsNumberError::WrongLength {
            input: "12345".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "`12345` is not a valid NHS number: it must have 10 digits"
    );
    assert!(matches!(
        NhsNumber::parse("99900000AB"),
        Err(NhsNumberError::NotDigits { .. })
    ));
    assert!(matches!(
        NhsNumber::parse("999 000-0018"),
        Err(NhsNumberError::NotDigits { .. })
    ));
    assert!(matches!(
        NhsNumber::parse("99 90 00 00 18"),
        Err(NhsNumberError::NotDigits { .. })
    ));
    assert!(matches!(
        NhsNumber::parse("999  000 0018"),
        Err(NhsNumberError::WrongLength { .. } | NhsNumberError::NotDigits { .. })
    ));
    assert!(matches!(
        NhsNumber::parse(""),
        Err(NhsNumberError::WrongLength { .. })
    ));
    assert!(matches!(
        NhsNumber::parse("99900000181"),
        Err(NhsNumberError::WrongLength { .. })
    ));
    let err = NhsNumber::parse("9990000019").unwrap_err();
    assert_eq!(
        err,
        NhsNumberError::InvalidCheckDigit {
            input: "9990000019".into()
        }
    );
    assert_eq!(err.input(), "9990000019");
}

#[test]
fn serialises_as_the_ten_digit_string() {
    let n = NhsNumber::parse("999 000 0026").unwrap();
    assert_eq!(serde_json::to_string(&n).unwrap(), "\"9990000026\"");
    assert_eq!(
        serde_json::from_str::<NhsNumber>("\"999-000-0026\"").unwrap(),
        n
    );
    assert!(serde_json::from_str::<NhsNumber>("\"9990000027\"").is_err());
    assert_eq!(format!("{n:?}"), "NhsNumber(9990000026)");
    assert_eq!(n.to_string(), "9990000026");
}

#[test]
fn from_first_nine_pads_and_refuses_impossible_prefixes() {
    assert_eq!(
        NhsNumber::from_first_nine(999_000_001).unwrap().as_str(),
        "9990000018"
    );
    assert_eq!(
        NhsNumber::from_first_nine(1).unwrap().as_str(),
        "0000000019"
    );
    assert_eq!(NhsNumber::from_first_nine(6), None);
    assert_eq!(NhsNumber::from_first_nine(1_000_000_000), None);
}

/// A valid number drawn uniformly from the prefixes that have one.
fn valid_number() -> impl Strategy<Value = NhsNumber> {
    (0u32..1_000_000_000).prop_filter_map("prefix has no check digit", NhsNumber::from_first_nine)
}

proptest! {
    #[test]
    fn parse_succeeds_exactly_when_the_check_holds(digits in "[0-9]{10}") {
        prop_assert_eq!(NhsNumber::parse(&digits).is_ok(), independently_valid(&digits));
    }

    #[test]
    fn every_written_form_round_trips(n in valid_number()) {
        prop_assert!(independently_valid(n.as_str()));
        prop_assert_eq!(NhsNumber::parse(n.as_str()), Ok(n));
        prop_assert_eq!(NhsNumber::parse(&n.formatted()), Ok(n));
        prop_assert_eq!(NhsNumber::parse(&n.formatted().replace(' ', "-")), Ok(n));
        prop_assert_eq!(n.to_string().parse::<NhsNumber>(), Ok(n));
        let json = serde_json::to_string(&n).unwrap();
        prop_assert_eq!(serde_json::from_str::<NhsNumber>(&json).unwrap(), n);
    }

    #[test]
    fn from_first_nine_exists_exactly_when_the_check_is_not_ten(n in 0u32..1_000_000_000) {
        let prefix = format!("{n:09}");
        let any_check_valid = (0..=9).any(|d| independently_valid(&format!("{prefix}{d}")));
        match NhsNumber::from_first_nine(n) {
            Some(number) => prop_assert!(number.as_str().starts_with(&prefix)),
            None => prop_assert!(!any_check_valid),
        }
    }

    #[test]
    fn any_single_digit_change_is_rejected(n in valid_number(), position in 0usize..10, bump in 1u8..10) {
        let mut digits = n.as_str().as_bytes().to_vec();
        digits[position] = b'0' + (digits[position] - b'0' + bump) % 10;
        let changed = String::from_utf8(digits).unwrap();
        prop_assert!(NhsNumber::parse(&changed).is_err(), "{} → {} accepted", n, changed);
    }

    #[test]
    fn any_adjacent_transposition_of_different_digits_is_rejected(n in valid_number(), position in 0usize..9) {
        let mut digits = n.as_str().as_bytes().to_vec();
        prop_assume!(digits[position] != digits[position + 1]);
        digits.swap(position, position + 1);
        let swapped = String::from_utf8(digits).unwrap();
        prop_assert!(NhsNumber::parse(&swapped).is_err(), "{} → {} accepted", n, swapped);
    }
}

/// The two detection claims, checked over every prefix in a block of 100,000
/// rather than a sample (runs in well under a second).
#[test]
fn single_digit_errors_and_adjacent_transpositions_are_always_caught_exhaustively() {
    for n in (999_000_000u32..999_100_000).filter_map(NhsNumber::from_first_nine) {
        let digits = n.as_str().as_bytes();
        for i in 0..10 {
            for d in b'0'..=b'9' {
                if d != digits[i] {
                    let mut changed = digits.to_vec();
                    changed[i] = d;
                    assert!(!independently_valid(std::str::from_utf8(&changed).unwrap()));
                }
            }
            if i < 9 && digits[i] != digits[i + 1] {
                let mut swapped = digits.to_vec();
                swapped.swap(i, i + 1);
                assert!(!independently_valid(std::str::from_utf8(&swapped).unwrap()));
            }
        }
    }
}

#[test]
fn spaced_reads_three_three_four() {
    let n = NhsNumber::parse("9990000034").unwrap();
    assert_eq!(n.spaced(), "999 000 0034");
}
