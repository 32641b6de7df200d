//! Validated free text that many concepts share: bounded names and labels
//! ([`bounded`]), telephone numbers ([`PhoneNumber`]) and email addresses
//! ([`EmailAddress`]). Every other module builds its text fields from these, so
//! "what counts as a valid name" is decided in one place.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a piece of text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextErrorKind {
    Empty,
    TooLong { max_chars: usize },
    ControlCharacter,
}

impl fmt::Display for TextErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("must not be empty"),
            Self::TooLong { max_chars } => write!(f, "must be at most {max_chars} characters"),
            Self::ControlCharacter => f.write_str("must not contain control characters"),
        }
    }
}

/// A text field that broke its rule. The input itself is not repeated: it may
/// be long, and the field name is what the person filling the form needs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}` {kind}")]
pub struct TextError {
    field: &'static str,
    kind: TextErrorKind,
}

impl TextError {
    pub fn new(field: &'static str, kind: TextErrorKind) -> Self {
        Self { field, kind }
    }

    pub fn field(&self) -> &'static str {
        self.field
    }

    pub fn kind(&self) -> TextErrorKind {
        self.kind
    }
}

/// Trims `raw` and accepts it when it is non-empty, at most `max_chars`
/// characters (Unicode scalar values, not bytes, so "Siân" counts as 4) and
/// free of control characters. Control characters are refused outright —
/// including newlines and tabs — because these fields are single-line and end
/// up in HTML, logs and CSV exports where a stray line break misleads.
pub fn bounded(field: &'static str, raw: &str, max_chars: usize) -> Result<String, TextError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(TextError::new(field, TextErrorKind::Empty));
    }
    if trimmed.chars().count() > max_chars {
        return Err(TextError::new(field, TextErrorKind::TooLong { max_chars }));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(TextError::new(field, TextErrorKind::ControlCharacter));
    }
    Ok(trimmed.to_owned())
}

/// Trims and accepts free text of several lines (a section of a crisis
/// plan, a note), possibly empty. Line breaks are kept (written `\n`, however
/// they arrived); other control characters are refused for the reasons given
/// at [`bounded`].
pub fn paragraphs(field: &'static str, raw: &str, max_chars: usize) -> Result<String, TextError> {
    let text = raw.replace("\r\n", "\n").replace('\r', "\n");
    let trimmed = text.trim();
    if trimmed.chars().count() > max_chars {
        return Err(TextError::new(field, TextErrorKind::TooLong { max_chars }));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(TextError::new(field, TextErrorKind::ControlCharacter));
    }
    Ok(trimmed.to_owned())
}

/// A telephone number as a person would write it ("+44 (0)1632 960 000"). Kept
/// in its written form so a crisis worker sees it as given; [`Self::digits`]
/// gives the digits alone for comparing numbers across agencies.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber {
    display: String,
}

crate::vocabulary::text_schema!(PhoneNumber);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneNumberError {
    #[error("`{input}` is not a valid phone number: it may contain only digits, spaces, `+`, `(`, `)` and `-`")]
    InvalidCharacter { input: String },
    #[error("`{input}` is not a valid phone number: it must have 7 to 15 digits")]
    WrongDigitCount { input: String },
    #[error("`{input}` is not a valid phone number: it must be at most 32 characters")]
    TooLong { input: String },
}

impl PhoneNumber {
    /// 15 digits is the E.164 maximum; 7 is the shortest UK-style local number
    /// worth storing (anything shorter is a typo or an extension).
    pub const MIN_DIGITS: usize = 7;
    pub const MAX_DIGITS: usize = 15;
    /// Caps the written form so padding cannot smuggle in a very long string.
    pub const MAX_CHARS: usize = 32;

    pub fn parse(raw: &str) -> Result<Self, PhoneNumberError> {
        let display = raw.trim();
        let input = || display.to_owned();
        if !display
            .chars()
            .all(|c| c.is_ascii_digit() || " +()-".contains(c))
        {
            return Err(PhoneNumberError::InvalidCharacter { input: input() });
        }
        if display.chars().count() > Self::MAX_CHARS {
            return Err(PhoneNumberError::TooLong { input: input() });
        }
        let digits = display.chars().filter(char::is_ascii_digit).count();
        if !(Self::MIN_DIGITS..=Self::MAX_DIGITS).contains(&digits) {
            return Err(PhoneNumberError::WrongDigitCount { input: input() });
        }
        Ok(Self {
            display: display.to_owned(),
        })
    }

    /// The number as written, trimmed.
    pub fn as_str(&self) -> &str {
        &self.display
    }

    /// Only the digits, for matching the same number written two ways.
    pub fn digits(&self) -> String {
        self.display.chars().filter(char::is_ascii_digit).collect()
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

impl std::str::FromStr for PhoneNumber {
    type Err = PhoneNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneNumberError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.display
    }
}

/// An email address, checked only as far as catches typos: full RFC 5322
/// validation accepts addresses no mail system delivers to, and the real test
/// is whether the message arrives.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress {
    address: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailAddressError {
    #[error("`{input}` is not a valid email address: it must be at most 254 characters")]
    TooLong { input: String },
    #[error(
        "`{input}` is not a valid email address: it must not contain spaces or control characters"
    )]
    Whitespace { input: String },
    #[error("`{input}` is not a valid email address: it must contain exactly one `@` with text before it")]
    AtSign { input: String },
    #[error("`{input}` is not a valid email address: the part after `@` must be a domain such as `example.org`")]
    Domain { input: String },
}

impl EmailAddress {
    /// The longest address SMTP can carry (RFC 5321 path limit less the brackets).
    pub const MAX_CHARS: usize = 254;

    /// Trims, checks and lowercases the domain. The local part keeps its case:
    /// strictly it is the receiving server's to interpret.
    pub fn parse(raw: &str) -> Result<Self, EmailAddressError> {
        let trimmed = raw.trim();
        let input = || trimmed.to_owned();
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(EmailAddressError::TooLong { input: input() });
        }
        if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailAddressError::Whitespace { input: input() });
        }
        let (local, domain) = match trimmed.split_once('@') {
            Some((local, domain)) if !local.is_empty() && !domain.contains('@') => (local, domain),
            _ => return Err(EmailAddressError::AtSign { input: input() }),
        };
        // A domain needs at least two non-empty labels: "nhs.net", not "nhs",
        // ".net" or "nhs..net".
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2 || labels.iter().any(|label| label.is_empty()) {
            return Err(EmailAddressError::Domain { input: input() });
        }
        Ok(Self {
            address: format!("{local}@{}", domain.to_lowercase()),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.address
    }

    pub fn domain(&self) -> &str {
        self.address
            .rsplit_once('@')
            .map_or("", |(_, domain)| domain)
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address)
    }
}

impl std::str::FromStr for EmailAddress {
    type Err = EmailAddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = EmailAddressError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.address
    }
}

/// `text` with its first character in lower case, to follow other words
/// ("Crisis plan" → "my crisis plan"); the rest, abbreviations included,
/// as it is.
pub fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;

/// "a, b and c": parts as a sentence lists them.
pub fn listed(parts: &[impl AsRef<str>]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [rest @ .., last] => format!(
            "{} and {}",
            rest.iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

#[cfg(test)]
mod listed_tests {
    use super::listed;

    #[test]
    fn lists_as_a_sentence_does() {
        assert_eq!(listed(&[] as &[&str]), "");
        assert_eq!(listed(&["a plan"]), "a plan");
        assert_eq!(listed(&["a plan", "flags"]), "a plan and flags");
        assert_eq!(
            listed(&["a plan", "flags", "a case"]),
            "a plan, flags and a case"
        );
    }
}
