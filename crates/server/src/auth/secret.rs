//! Random secrets handed to clients (session ids, API tokens, CSRF tokens) and
//! the digests under which they are stored.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// 256 random bits from the operating system, URL-safe.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 of a secret, hex-encoded. A fast hash is right here: the
/// secrets are 256 random bits, so there is nothing to guess.
pub fn digest(secret: &str) -> String {
    let hash = Sha256::digest(secret.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets without leaking where they differ.
pub fn same(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_carry_at_least_128_bits_and_differ() {
        let a = new_secret();
        let b = new_secret();
        assert_ne!(a, b);
        assert!(URL_SAFE_NO_PAD.decode(&a).unwrap().len() * 8 >= 128);
    }

    #[test]
    fn digest_is_stable_and_not_the_secret() {
        let s = new_secret();
        assert_eq!(digest(&s), digest(&s));
        assert_ne!(digest(&s), s);
        assert_eq!(digest(&s).len(), 64);
    }

    #[test]
    fn same_compares_whole_values() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
