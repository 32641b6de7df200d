//! Normal forms for the values agencies type in different ways: names,
//! UK postcodes, phone numbers and identifier values. Every comparison works
//! on these forms, so "O'Brien", "o brien" and "OBRIEN" are one name, and
//! "ct9 1aa" is "CT9 1AA".

/// A name in upper case with everything but letters removed, or `None`
/// when nothing is left. Spaces, hyphens and apostrophes are dropped rather
/// than kept because agencies disagree about them ("Smith-Jones",
/// "Smith Jones") far more often than the letters differ. Accented letters
/// are kept as they are, upper-cased.
pub fn name(raw: &str) -> Option<String> {
    let out: String = raw
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_uppercase)
        .collect();
    (!out.is_empty()).then_some(out)
}

/// A postcode with its parts, in the form Royal Mail prints it: upper case,
/// one space before the three-character inward code. A value that is not
/// shaped like a UK postcode is kept (upper case, no spaces) so that equal
/// values still compare equal, but it has no parts.
pub fn postcode(raw: &str) -> Option<String> {
    let compact: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if compact.is_empty() {
        return None;
    }
    if uk_shaped(&compact) {
        let (outward, inward) = compact.split_at(compact.len() - 3);
        Some(format!("{outward} {inward}"))
    } else {
        Some(compact)
    }
}

/// Whether `compact` (upper case, no spaces) has the shape of a UK
/// postcode: an outward code of one or two letters, a digit and an optional
/// letter or digit, then an inward code of a digit and two letters.
fn uk_shaped(compact: &str) -> bool {
    let b = compact.as_bytes();
    if !(5..=7).contains(&b.len()) {
        return false;
    }
    let (outward, inward) = b.split_at(b.len() - 3);
    let inward_ok = inward[0].is_ascii_digit()
        && inward[1].is_ascii_alphabetic()
        && inward[2].is_ascii_alphabetic();
    let letters = outward
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let rest = &outward[letters..];
    let outward_ok = (1..=2).contains(&letters)
        && !rest.is_empty()
        && rest.len() <= 2
        && rest[0].is_ascii_digit()
        && rest.iter().all(u8::is_ascii_alphanumeric);
    inward_ok && outward_ok
}

/// A phone number as its digits, with an international UK prefix (+44 or
/// 0044) turned into the national leading 0, or `None` when there are fewer
/// than six digits (an extension or a fragment is not a number to match on).
pub fn phone(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let national = if let Some(rest) = digits.strip_prefix("0044") {
        format!("0{rest}")
    } else if let Some(rest) = digits
        .strip_prefix("44")
        .filter(|_| raw.trim_start().starts_with('+'))
    {
        format!("0{rest}")
    } else {
        digits
    };
    (national.len() >= 6).then_some(national)
}

/// An identifier value in upper case without spaces or punctuation, so
/// "943 476 5919" and "9434765919" are one NHS number and "ab-123" is "AB123".
pub fn identifier_value(raw: &str) -> Option<String> {
    let out: String = raw
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect();
    (!out.is_empty()).then_some(out)
}

/// An identifier system with surrounding whitespace removed; systems are
/// URIs or agreed codes and compare exactly.
pub fn identifier_system(raw: &str) -> Option<String> {
    let out = raw.trim();
    (!out.is_empty()).then(|| out.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_case_punctuation_and_spaces() {
        assert_eq!(name(" O'Brien ").as_deref(), Some("OBRIEN"));
        assert_eq!(name("smith-jones").as_deref(), Some("SMITHJONES"));
        assert_eq!(name("Mary  Ann").as_deref(), Some("MARYANN"));
        assert_eq!(name(" - "), None);
    }

    #[test]
    fn uk_postcodes_get_one_space_before_the_inward_code() {
        assert_eq!(postcode("ct91aa").as_deref(), Some("CT9 1AA"));
        assert_eq!(postcode(" sw1a 1aa ").as_deref(), Some("SW1A 1AA"));
        assert_eq!(postcode("M1 1AE").as_deref(), Some("M1 1AE"));
        assert_eq!(postcode("2119").as_deref(), Some("2119"));
        assert_eq!(postcode("  "), None);
    }

    #[test]
    fn phones_become_national_digits() {
        assert_eq!(phone("+44 7700 900123").as_deref(), Some("07700900123"));
        assert_eq!(phone("0044-7700-900123").as_deref(), Some("07700900123"));
        assert_eq!(phone("(01843) 123 456").as_deref(), Some("01843123456"));
        assert_eq!(phone("ext 12"), None);
    }

    #[test]
    fn identifier_values_lose_spaces_and_punctuation() {
        assert_eq!(
            identifier_value("943 476 5919").as_deref(),
            Some("9434765919")
        );
        assert_eq!(identifier_value("ab-123").as_deref(), Some("AB123"));
        assert_eq!(identifier_system("  "), None);
    }
}
