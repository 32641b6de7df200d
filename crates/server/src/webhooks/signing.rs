//! How a receiver knows a delivery is ours: an HMAC-SHA256 of the
//! timestamp and body under the endpoint's secret, sent in a header.

use concordat_store::webhooks::WebhookSecret;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The signature header's value for `body` sent at `timestamp`.
pub fn signature(secret: &WebhookSecret, timestamp: i64, body: &str) -> String {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_of_timestamp_dot_body() {
        // RFC 4231-style check against an independently computed value:
        // HMAC-SHA256(key="0123456789abcdef", "1700000000.{}").
        let secret = WebhookSecret::new("0123456789abcdef".into());
        let signed = signature(&secret, 1_700_000_000, "{}");
        let mut mac = Hmac::<Sha256>::new_from_slice(b"0123456789abcdef").unwrap();
        mac.update(b"1700000000.{}");
        let expected = hex::encode(mac.finalize().into_bytes());
        assert_eq!(signed, format!("sha256={expected}"));
        assert_ne!(
            signed,
            signature(
                &WebhookSecret::new("another secret!!".into()),
                1_700_000_000,
                "{}"
            )
        );
    }
}
