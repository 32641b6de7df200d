use proptest::prelude::*;

use super::*;

#[test]
fn bounded_trims_and_keeps_inner_spacing() {
    assert_eq!(
        bounded("name", "  Crisis  team ", 200),
        Ok("Crisis  team".to_owned())
    );
}

#[test]
fn bounded_error_messages_name_the_field_and_rule() {
    let empty = bounded("name", "   ", 200).unwrap_err();
    assert_eq!(empty.to_string(), "`name` must not be empty");
    let long = bounded("name", &"a".repeat(201), 200).unwrap_err();
    assert_eq!(long.to_string(), "`name` must be at most 200 characters");
    let control = bounded("name", "a\nb", 200).unwrap_err();
    assert_eq!(
        control.to_string(),
        "`name` must not contain control characters"
    );
    assert_eq!(control.field(), "name");
    assert_eq!(control.kind(), TextErrorKind::ControlCharacter);
}

#[test]
fn bounded_counts_characters_not_bytes() {
    // "Siân" is 5 bytes but 4 characters.
    assert_eq!(bounded("given", "Siân", 4), Ok("Siân".to_owned()));
    assert!(bounded("given", "Siâns", 4).is_err());
}

#[test]
fn phone_numbers_keep_their_written_form() {
    let phone = PhoneNumber::parse(" +44 (0)1632 960-000 ").unwrap();
    assert_eq!(phone.as_str(), "+44 (0)1632 960-000");
    assert_eq!(phone.to_string(), "+44 (0)1632 960-000");
    assert_eq!(phone.digits(), "4401632960000");
}

#[test]
fn phone_number_errors_quote_the_input() {
    let err = PhoneNumber::parse("call 999").unwrap_err();
    assert_eq!(
        err.to_string(),
        "`call 999` is not a valid phone number: it may contain only digits, spaces, `+`, `(`, `)` and `-`"
    );
    let err = PhoneNumber::parse("123456").unwrap_err();
    assert_eq!(
        err.to_string(),
        "`123456` is not a valid phone number: it must have 7 to 15 digits"
    );
}

#[test]
fn phone_number_serialises_as_its_string_and_validates_on_the_way_in() {
    let phone = PhoneNumber::parse("01632 960000").unwrap();
    assert_eq!(serde_json::to_string(&phone).unwrap(), "\"01632 960000\"");
    assert_eq!(
        serde_json::from_str::<PhoneNumber>("\"01632 960000\"").unwrap(),
        phone
    );
    assert!(serde_json::from_str::<PhoneNumber>("\"12\"").is_err());
}

#[test]
fn email_lowercases_only_the_domain() {
    let email = EmailAddress::parse(" Sam.Carer@Example.ORG ").unwrap();
    assert_eq!(email.as_str(), "Sam.Carer@example.org");
    assert_eq!(email.domain(), "example.org");
}

#[test]
fn email_rejects_common_mistakes() {
    for bad in [
        "",
        "sam",
        "@example.org",
        "sam@",
        "sam@example",
        "sam@@example.org",
        "sam@exa@mple.org",
        "sam smith@example.org",
        "sam@.org",
        "sam@example..org",
        "sam@example.org.",
    ] {
        assert!(
            EmailAddress::parse(bad).is_err(),
            "{bad:?} should be rejected"
        );
    }
    let err = EmailAddress::parse("sam").unwrap_err();
    assert_eq!(
        err.to_string(),
        "`sam` is not a valid email address: it must contain exactly one `@` with text before it"
    );
}

#[test]
fn email_length_limit_is_254_characters() {
    let at_limit = format!("{}@example.org", "a".repeat(254 - 12));
    assert!(EmailAddress::parse(&at_limit).is_ok());
    let over = format!("{}@example.org", "a".repeat(255 - 12));
    assert!(matches!(
        EmailAddress::parse(&over),
        Err(EmailAddressError::TooLong { .. })
    ));
}

#[test]
fn email_round_trips_through_serde() {
    let email = EmailAddress::parse("carer@example.org").unwrap();
    let json = serde_json::to_string(&email).unwrap();
    assert_eq!(json, "\"carer@example.org\"");
    assert_eq!(serde_json::from_str::<EmailAddress>(&json).unwrap(), email);
    assert!(serde_json::from_str::<EmailAddress>("\"not an email\"").is_err());
}

proptest! {
    #[test]
    fn bounded_accepts_exactly_the_trimmed_short_clean_strings(raw in "\\PC{0,8}[ \t\n\u{7}a-zé]{0,8}", max in 1usize..12) {
        let trimmed = raw.trim();
        let ok = !trimmed.is_empty()
            && trimmed.chars().count() <= max
            && !trimmed.chars().any(char::is_control);
        let result = bounded("field", &raw, max);
        prop_assert_eq!(result.is_ok(), ok, "{:?} (max {}) gave {:?}", raw, max, result);
        if let Ok(value) = result {
            prop_assert_eq!(value, trimmed);
        }
    }

    #[test]
    fn phone_accepts_allowed_characters_with_7_to_15_digits(raw in "[0-9 +()-]{0,34}") {
        let trimmed = raw.trim();
        let digits = trimmed.bytes().filter(u8::is_ascii_digit).count();
        let ok = (7..=15).contains(&digits) && trimmed.len() <= 32;
        let result = PhoneNumber::parse(&raw);
        prop_assert_eq!(result.is_ok(), ok, "{:?} gave {:?}", raw, result);
        if let Ok(phone) = result {
            prop_assert_eq!(phone.as_str(), trimmed);
            prop_assert_eq!(PhoneNumber::parse(phone.as_str()), Ok(phone.clone()));
        }
    }

    #[test]
    fn phone_rejects_any_other_character(prefix in "[0-9]{4,7}", bad in "[^0-9 +()\\-]", suffix in "[0-9]{3,6}") {
        // The odd character sits between digits, so trimming cannot remove it.
        let raw = format!("{prefix}{bad}{suffix}");
        prop_assert!(
            matches!(PhoneNumber::parse(&raw), Err(PhoneNumberError::InvalidCharacter { .. })),
            "{:?} was not rejected", raw
        );
    }

    #[test]
    fn email_accepts_simple_addresses_and_lowercases_the_domain(
        local in "[A-Za-z0-9._%+-]{1,20}",
        labels in prop::collection::vec("[A-Za-z0-9-]{1,10}", 2..4),
    ) {
        let domain = labels.join(".");
        let email = EmailAddress::parse(&format!("{local}@{domain}")).unwrap();
        prop_assert_eq!(email.as_str(), format!("{local}@{}", domain.to_lowercase()));
        prop_assert_eq!(EmailAddress::parse(email.as_str()), Ok(email.clone()));
    }

    #[test]
    fn email_with_whitespace_inside_is_rejected(
        local in "[a-z]{1,5}", ws in "[ \t\n\u{a0}]", rest in "[a-z]{1,5}",
    ) {
        let raw = format!("{local}{ws}{rest}@example.org");
        prop_assert!(EmailAddress::parse(&raw).is_err());
    }

    #[test]
    fn email_with_other_than_one_at_sign_is_rejected(parts in prop::collection::vec("[a-z]{1,5}(\\.[a-z]{1,5})?", 1..5)) {
        prop_assume!(parts.len() != 2);
        prop_assert!(EmailAddress::parse(&parts.join("@")).is_err());
    }
}
