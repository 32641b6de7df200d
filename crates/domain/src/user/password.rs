//! The password policy for a password being set. Only new passwords are
//! judged here: a password offered at sign-in is checked against its hash,
//! never against today's policy, so tightening the rule locks nobody out.

use std::fmt;

/// A password that meets the policy, on its way to being hashed. It has no
/// `Display`, `Serialize` or `Clone`, and its `Debug` hides it, so it cannot
/// leak into a log or a response by accident.
pub struct NewPassword {
    secret: String,
}

/// The rule that was broken. Never carries the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NewPasswordError {
    #[error("a password must be at least 12 characters")]
    TooShort,
    #[error("a password must be at most 256 characters")]
    TooLong,
    #[error("a password must not be one character repeated")]
    OneCharacterRepeated,
}

impl NewPassword {
    /// Length is what makes a password strong (NCSC guidance); composition
    /// rules ("one symbol") mostly make people write them down. 256 keeps
    /// hashing cost bounded.
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 256;

    /// Not trimmed: spaces are part of a passphrase.
    pub fn parse(raw: &str) -> Result<Self, NewPasswordError> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(NewPasswordError::TooShort);
        }
        if chars > Self::MAX_CHARS {
            return Err(NewPasswordError::TooLong);
        }
        let mut rest = raw.chars();
        let first = rest.next();
        if rest.all(|c| Some(c) == first) {
            return Err(NewPasswordError::OneCharacterRepeated);
        }
        Ok(Self {
            secret: raw.to_owned(),
        })
    }

    /// The password itself, for the hasher. Named so every use stands out.
    pub fn expose(&self) -> &str {
        &self.secret
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_long_varied_password_is_accepted_and_exposed_unchanged() {
        let password = NewPassword::parse(" correct horse battery ").unwrap();
        assert_eq!(password.expose(), " correct horse battery ");
    }

    #[test]
    fn errors_state_the_rule() {
        assert_eq!(
            NewPassword::parse("short").unwrap_err().to_string(),
            "a password must be at least 12 characters"
        );
        assert_eq!(
            NewPassword::parse(&"ab".repeat(129))
                .unwrap_err()
                .to_string(),
            "a password must be at most 256 characters"
        );
        assert_eq!(
            NewPassword::parse(&"a".repeat(20)).unwrap_err().to_string(),
            "a password must not be one character repeated"
        );
        assert!(NewPassword::parse(&"ab".repeat(128)).is_ok());
    }

    #[test]
    fn length_is_counted_in_characters() {
        // Twelve characters, 24 bytes.
        assert!(NewPassword::parse("ééééééééééé1").is_ok());
        assert_eq!(
            NewPassword::parse("éééééééééé1").unwrap_err(),
            NewPasswordError::TooShort
        );
    }

    proptest! {
        #[test]
        fn accepted_exactly_when_long_enough_short_enough_and_varied(raw in "\\PC{0,20}|[ab]{10,14}|\\PC{250,260}") {
            let chars: Vec<char> = raw.chars().collect();
            let varied = chars.windows(2).any(|pair| pair[0] != pair[1]);
            let ok = (12..=256).contains(&chars.len()) && varied;
            prop_assert_eq!(NewPassword::parse(&raw).is_ok(), ok);
        }

        #[test]
        fn debug_never_shows_the_password(raw in "[a-z0-9]{12,40}") {
            prop_assume!(raw.chars().any(|c| c != raw.chars().next().unwrap_or('a')));
            let password = NewPassword::parse(&raw).unwrap();
            prop_assert_eq!(format!("{password:?}"), "NewPassword(***)");
            let err = NewPassword::parse(&raw[..11]).unwrap_err();
            let shown = format!("{err:?} {err}");
            prop_assert!(!shown.contains(&raw[..11]));
        }
    }
}
