//! The mistakes agencies make when they write a person down: a slipped
//! key, a short form of a name, a date told the American way round or
//! half-remembered.

use rand::Rng;

use crate::record::BirthDate;

const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz";

/// One typing slip in `word`: a letter replaced, dropped, doubled or swapped
/// with its neighbour.
pub fn typo<R: Rng>(rng: &mut R, word: &str) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    if chars.len() < 3 {
        return word.to_owned();
    }
    // Keep the first letter most of the time: people rarely mishear it.
    let at = rng.gen_range(1..chars.len());
    match rng.gen_range(0..4) {
        0 => chars[at] = char::from(LETTERS[rng.gen_range(0..LETTERS.len())]),
        1 => {
            chars.remove(at);
        }
        2 => chars.insert(at, chars[at]),
        _ => chars.swap(at - 1, at),
    }
    chars.into_iter().collect()
}

/// One digit of a string of digits replaced.
pub fn digit_typo<R: Rng>(rng: &mut R, digits: &str) -> String {
    let mut bytes = digits.as_bytes().to_vec();
    if bytes.is_empty() {
        return String::new();
    }
    let at = rng.gen_range(0..bytes.len());
    let old = bytes[at];
    while bytes[at] == old {
        bytes[at] = b'0' + rng.gen_range(0..10);
    }
    String::from_utf8(bytes).expect("digits are ASCII")
}

/// Day and month the other way round, when that is still a date.
pub fn swap_day_month(date: BirthDate) -> Option<BirthDate> {
    BirthDate::new(date.year(), date.day(), date.month())
        .ok()
        .filter(|d| *d != date)
}

/// One digit of the date mistyped, when the result is still a date.
pub fn date_typo<R: Rng>(rng: &mut R, date: BirthDate) -> Option<BirthDate> {
    let digits = date.to_string().replace('-', "");
    // Mostly the day or the last digit of the year: the parts typed from
    // memory.
    let at = [3, 6, 7][rng.gen_range(0..3)];
    let mut bytes = digits.into_bytes();
    let old = bytes[at];
    while bytes[at] == old {
        bytes[at] = b'0' + rng.gen_range(0..10);
    }
    BirthDate::parse(std::str::from_utf8(&bytes).ok()?).ok()
}

/// A date someone half-remembers: the right year and month with a guessed
/// day, or a year out either way.
pub fn half_remembered<R: Rng>(rng: &mut R, date: BirthDate) -> Option<BirthDate> {
    if rng.gen_bool(0.5) {
        BirthDate::new(date.year(), date.month(), rng.gen_range(1..=28)).ok()
    } else {
        let year = date.year() + if rng.gen_bool(0.5) { 1 } else { -1 };
        BirthDate::new(year, date.month(), date.day().min(28)).ok()
    }
    .filter(|d| *d != date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn each_mistake_changes_the_value() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let date = BirthDate::new(1980, 3, 14).unwrap();
        for _ in 0..200 {
            assert_ne!(typo(&mut rng, "Holt").to_lowercase(), "xx");
            assert_ne!(digit_typo(&mut rng, "9990000034"), "9990000034");
            if let Some(d) = date_typo(&mut rng, date) {
                assert_ne!(d, date);
            }
            assert_ne!(half_remembered(&mut rng, date), Some(date));
        }
        assert_eq!(swap_day_month(date), None);
        assert_eq!(
            swap_day_month(BirthDate::new(1980, 3, 4).unwrap()),
            BirthDate::new(1980, 4, 3).ok()
        );
    }
}
