//! The NHS number: ten digits, the last a Modulus 11 check digit over the first
//! nine. Owns parsing the forms people type, the check itself, and the two
//! ways of writing a valid number back out.
//!
//! Modulus 11 with weights 10..2 (and, implicitly, 1 for the check digit)
//! catches every single-digit error and every transposition of two adjacent
//! digits: both change the weighted sum by a non-zero multiple of something
//! smaller than 11, and 11 is prime. The property tests below verify this.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A valid NHS number, stored as its ten ASCII digits so it is `Copy` and
/// [`Self::as_str`] needs no allocation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NhsNumber {
    // INVARIANT: ten ASCII digits whose last is the Modulus 11 check digit of
    // the first nine.
    ascii: [u8; 10],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NhsNumberError {
    #[error("`{input}` is not a valid NHS number: it must have 10 digits")]
    WrongLength { input: String },
    #[error("`{input}` is not a valid NHS number: it must be digits only, optionally grouped 3-3-4 by single spaces or hyphens")]
    NotDigits { input: String },
    #[error("`{input}` is not a valid NHS number: the check digit does not match")]
    InvalidCheckDigit { input: String },
}

impl NhsNumberError {
    /// The text that was refused (trimmed).
    pub fn input(&self) -> &str {
        match self {
            Self::WrongLength { input }
            | Self::NotDigits { input }
            | Self::InvalidCheckDigit { input } => input,
        }
    }
}

/// The Modulus 11 check digit for the first nine digits (each 0–9), or `None`
/// when the remainder calls for 10 — such a prefix is never issued — or when a
/// value is not a single digit.
pub fn check_digit(first_nine: [u8; 9]) -> Option<u8> {
    if first_nine.iter().any(|&d| d > 9) {
        return None;
    }
    let sum: u32 = first_nine
        .iter()
        .zip((2..=10u32).rev())
        .map(|(&digit, weight)| u32::from(digit) * weight)
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        check => u8::try_from(check).ok(),
    }
}

impl NhsNumber {
    /// Accepts "9990000018", "999 000 0018" or "999-000-0018" (surrounding
    /// whitespace ignored). Other groupings are refused rather than guessed at:
    /// a number split oddly is more likely a different identifier altogether.
    pub fn parse(raw: &str) -> Result<Self, NhsNumberError> {
        let input = raw.trim();
        let bytes = input.as_bytes();
        let grouped = bytes.len() == 12 && matches!(bytes[3], b' ' | b'-') && bytes[7] == bytes[3];
        let candidate: Vec<u8> = if grouped {
            bytes
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != 3 && *i != 7)
                .map(|(_, &b)| b)
                .collect()
        } else {
            bytes.to_vec()
        };
        let owned = || input.to_owned();
        if !candidate.iter().all(u8::is_ascii_digit) {
            // Only digits and separators, but in the wrong places: say so when
            // there are ten digits, otherwise the length is the clearer fault.
            let only_separators = input
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b' ' || b == b'-');
            let digits = input.bytes().filter(u8::is_ascii_digit).count();
            return Err(if only_separators && digits != 10 {
                NhsNumberError::WrongLength { input: owned() }
            } else {
                NhsNumberError::NotDigits { input: owned() }
            });
        }
        let ascii: [u8; 10] = candidate
            .try_into()
            .map_err(|_| NhsNumberError::WrongLength { input: owned() })?;
        let mut first_nine = [0u8; 9];
        for (value, byte) in first_nine.iter_mut().zip(&ascii) {
            *value = byte - b'0';
        }
        match check_digit(first_nine) {
            Some(check) if check == ascii[9] - b'0' => Ok(Self { ascii }),
            _ => Err(NhsNumberError::InvalidCheckDigit { input: owned() }),
        }
    }

    /// The valid number whose first nine digits are `n` zero-padded, or `None`
    /// when `n` has more than nine digits or no check digit exists for it. For
    /// generating synthetic people.
    pub fn from_first_nine(n: u32) -> Option<Self> {
        if n >= 1_000_000_000 {
            return None;
        }
        let mut first_nine = [0u8; 9];
        let mut rest = n;
        for slot in first_nine.iter_mut().rev() {
            *slot = u8::try_from(rest % 10).ok()?;
            rest /= 10;
        }
        let check = check_digit(first_nine)?;
        let mut ascii = [b'0'; 10];
        for (byte, digit) in ascii.iter_mut().zip(first_nine.iter().chain([&check])) {
            *byte = b'0' + digit;
        }
        Some(Self { ascii })
    }

    /// The ten digits, unspaced: the form for storage and exchange.
    pub fn as_str(&self) -> &str {
        // INVARIANT: `ascii` holds only ASCII digits, which are valid UTF-8.
        std::str::from_utf8(&self.ascii).expect("an NHS number is ASCII digits")
    }

    /// "999 000 0034": spaced 3-3-4 as people read and say it.
    pub fn spaced(&self) -> String {
        let d = self.as_str();
        format!("{} {} {}", &d[..3], &d[3..6], &d[6..])
    }

    /// "999 000 0018": the 3-3-4 form people read aloud and NHS screens show.
    pub fn formatted(&self) -> String {
        let s = self.as_str();
        format!("{} {} {}", &s[..3], &s[3..6], &s[6..])
    }
}

impl fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NhsNumber({})", self.as_str())
    }
}

impl FromStr for NhsNumber {
    type Err = NhsNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for NhsNumber {
    type Error = NhsNumberError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<NhsNumber> for String {
    fn from(value: NhsNumber) -> Self {
        value.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests;
