//! The ed25519 key that signs audit checkpoints: kept as a 32-byte secret key
//! file (the server keeps it in its data folder), created readable by its
//! owner only, and the exact message a checkpoint signature covers.

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use thiserror::Error;

use crate::time;

const CHECKPOINT_TAG: &[u8] = b"concordat-audit-checkpoint-v1";

#[derive(Debug, Error)]
pub enum KeyError {
    #[error("cannot read the audit signing key `{path}`")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot create the audit signing key `{path}`")]
    Create {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the audit signing key `{path}` is {len} bytes; expected 32")]
    Length { path: PathBuf, len: usize },
    #[error(
        "the audit signing key `{path}` can be read by other users; \
         restrict it with `chmod 600`"
    )]
    Exposed { path: PathBuf },
    #[error("`{input}` is not an audit public key; expected 64 hex digits")]
    PublicKey { input: String },
}

/// The checkpoint signing key.
///
/// INVARIANT: `Debug` shows only the key id, never the secret.
#[derive(Clone)]
pub struct CheckpointSigner {
    key: SigningKey,
    key_id: String,
}

impl fmt::Debug for CheckpointSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckpointSigner")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl CheckpointSigner {
    /// Reads the key at `path`, or creates a new random one there (mode 0600)
    /// if there is no file yet. Two processes creating it at once end up with
    /// the same key: the loser of the race reads the winner's file.
    pub fn load_or_create(path: &Path) -> Result<Self, KeyError> {
        match Self::create(path) {
            Ok(signer) => Ok(signer),
            Err(KeyError::Create { source, .. })
                if source.kind() == std::io::ErrorKind::AlreadyExists =>
            {
                Self::load(path)
            }
            Err(e) => Err(e),
        }
    }

    /// Reads an existing key; never creates one (verifying with a new key
    /// would only report every checkpoint as forged).
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        let read_error = |source| KeyError::Read {
            path: path.to_owned(),
            source,
        };
        let bytes = std::fs::read(path).map_err(read_error)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(path)
                .map_err(read_error)?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(KeyError::Exposed {
                    path: path.to_owned(),
                });
            }
        }
        let secret: [u8; 32] = bytes.as_slice().try_into().map_err(|_| KeyError::Length {
            path: path.to_owned(),
            len: bytes.len(),
        })?;
        Ok(Self::from_secret(secret))
    }

    fn create(path: &Path) -> Result<Self, KeyError> {
        let create_error = |source| KeyError::Create {
            path: path.to_owned(),
            source,
        };
        let signer = Self::generate();
        let mut options = std::fs::OpenOptions::new();
        // create_new: never overwrite a key that checkpoints were signed with.
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(create_error)?;
        file.write_all(signer.key.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|source| {
                // A half-written key file would refuse to load forever after.
                let _ = std::fs::remove_file(path);
                create_error(source)
            })?;
        Ok(signer)
    }

    /// A new random key held only in memory.
    pub fn generate() -> Self {
        Self::from_secret(SigningKey::generate(&mut rand::rngs::OsRng).to_bytes())
    }

    pub fn from_secret(secret: [u8; 32]) -> Self {
        let key = SigningKey::from_bytes(&secret);
        let key_id = key_id(&key.verifying_key());
        Self { key, key_id }
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The signature (lowercase hex) of the checkpoint at `seq`.
    pub(crate) fn sign(&self, seq: i64, hash: &[u8; 32], signed_at: DateTime<Utc>) -> String {
        let message = checkpoint_message(seq, hash, &time::encode(signed_at), &self.key_id);
        hex::encode(self.key.sign(&message).to_bytes())
    }
}

/// The short name of a key stored with each checkpoint: the first 8 bytes
/// of the public key, in hex.
pub fn key_id(key: &VerifyingKey) -> String {
    hex::encode(&key.as_bytes()[..8])
}

/// A public key as 64 hex digits, for `concordat audit public-key` to print.
pub fn public_key_hex(key: &VerifyingKey) -> String {
    hex::encode(key.as_bytes())
}

/// Reads a public key given as 64 hex digits (as `concordat audit public-key`
/// prints it), so auditors can verify without holding the secret.
pub fn parse_public_key(input: &str) -> Result<VerifyingKey, KeyError> {
    let error = || KeyError::PublicKey {
        input: input.to_owned(),
    };
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(input.trim(), &mut bytes).map_err(|_| error())?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| error())
}

/// Whether `signature` (hex) is `key`'s signature of the checkpoint.
pub(crate) fn signature_holds(
    key: &VerifyingKey,
    seq: i64,
    hash: &[u8; 32],
    signed_at: &str,
    key_id: &str,
    signature: &str,
) -> bool {
    let mut bytes = [0u8; 64];
    if hex::decode_to_slice(signature, &mut bytes).is_err() {
        return false;
    }
    let message = checkpoint_message(seq, hash, signed_at, key_id);
    key.verify(&message, &Signature::from_bytes(&bytes)).is_ok()
}

fn checkpoint_message(seq: i64, hash: &[u8; 32], signed_at: &str, key_id: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    out.extend_from_slice(CHECKPOINT_TAG);
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(hash);
    for text in [signed_at, key_id] {
        // Both are short ASCII; the length prefix keeps the message unambiguous.
        out.extend_from_slice(&(text.len() as u32).to_be_bytes());
        out.extend_from_slice(text.as_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_key_is_private_to_its_owner_and_loads_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.key");
        let created = CheckpointSigner::load_or_create(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(std::fs::read(&path).unwrap().len(), 32);
        let loaded = CheckpointSigner::load_or_create(&path).unwrap();
        assert_eq!(loaded.verifying_key(), created.verifying_key());
        assert_eq!(loaded.key_id().len(), 16);
    }

    #[test]
    fn a_key_readable_by_others_or_of_the_wrong_size_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let short = dir.path().join("short.key");
        std::fs::write(&short, [1u8; 31]).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&short, std::fs::Permissions::from_mode(0o600)).unwrap();
            let exposed = dir.path().join("exposed.key");
            std::fs::write(&exposed, [1u8; 32]).unwrap();
            std::fs::set_permissions(&exposed, std::fs::Permissions::from_mode(0o644)).unwrap();
            let err = CheckpointSigner::load(&exposed).unwrap_err();
            assert!(err.to_string().contains("chmod 600"), "{err}");
        }
        let err = CheckpointSigner::load(&short).unwrap_err();
        assert!(err.to_string().contains("31 bytes"), "{err}");
        assert!(CheckpointSigner::load(&dir.path().join("absent.key")).is_err());
    }

    #[test]
    fn a_signature_covers_every_field_of_the_checkpoint() {
        let signer = CheckpointSigner::generate();
        let key = signer.verifying_key();
        let at = Utc::now();
        let hash = [7u8; 32];
        let sig = signer.sign(5, &hash, at);
        let when = time::encode(at);
        let id = signer.key_id().to_owned();
        assert!(signature_holds(&key, 5, &hash, &when, &id, &sig));
        assert!(!signature_holds(&key, 6, &hash, &when, &id, &sig));
        assert!(!signature_holds(&key, 5, &[8u8; 32], &when, &id, &sig));
        assert!(!signature_holds(&key, 5, &hash, "2020", &id, &sig));
        assert!(!signature_holds(&key, 5, &hash, &when, "00", &sig));
        assert!(!signature_holds(&key, 5, &hash, &when, &id, "zz"));
        let other = CheckpointSigner::generate().verifying_key();
        assert!(!signature_holds(&other, 5, &hash, &when, &id, &sig));
    }

    #[test]
    fn the_debug_form_hides_the_secret() {
        let signer = CheckpointSigner::from_secret([9u8; 32]);
        let shown = format!("{signer:?}");
        assert!(shown.contains(signer.key_id()));
        assert!(!shown.contains(&hex::encode([9u8; 32])));
    }

    #[test]
    fn a_public_key_round_trips_through_hex() {
        let key = CheckpointSigner::generate().verifying_key();
        assert_eq!(parse_public_key(&public_key_hex(&key)).unwrap(), key);
        assert!(parse_public_key("abc").is_err());
    }
}
