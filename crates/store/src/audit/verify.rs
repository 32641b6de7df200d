//! Re-proving the audit log from the first entry: every hash recomputed,
//! every link and seq checked, every checkpoint's signature and hash checked
//! against the chain, and the recorded end of the chain (`audit_head`, the
//! newest checkpoint) compared with the last entry present.
//!
//! The walk reads pages of [`PAGE`] entries in seq order, with the
//! checkpoints that fall in each page, so memory stays flat however long the
//! log. It stops at the first break: everything after an altered entry is
//! unproven anyway.

use ed25519_dalek::VerifyingKey;

use super::chain::{decode_hash, entries_after, StoredEntry, GENESIS_HASH};
use super::signer::{key_id, signature_holds};
use crate::{rows, Conn, StoreError};

const PAGE: i64 = 1000;

/// What [`verify_chain`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Entries proven, in order, before any break.
    pub entries_checked: u64,
    /// Checkpoints whose signature and hash held.
    pub checkpoints_checked: u64,
    pub first_break: Option<Break>,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.first_break.is_none()
    }
}

/// The first place the chain fails. `seq` is the first entry that can no
/// longer be trusted: the altered entry itself when that can be told, else
/// the first entry after the last checkpoint that still holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    pub seq: u64,
    pub reason: String,
}

struct Checkpoint {
    seq: i64,
    hash: String,
    signature: String,
    signed_at: String,
    key_id: String,
}

/// Walks the whole chain; see the [module docs](self). Errors are only for
/// a database that cannot be read; tampering is reported in the result.
pub async fn verify_chain(conn: &mut Conn, key: &VerifyingKey) -> Result<VerifyReport, StoreError> {
    // The head is read first: every entry up to it had committed by then,
    // so a writer appending during the walk cannot look like truncation.
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| Ok::<_, StoreError>((rows::int(&row, "seq")?, rows::text(&row, "hash")?)))
        .transpose()?;
    let mut walk = Walk {
        key,
        key_id: key_id(key),
        head,
        last_seq: 0,
        last_hash: GENESIS_HASH.to_owned(),
        last_good_checkpoint: 0,
        report: VerifyReport {
            entries_checked: 0,
            checkpoints_checked: 0,
            first_break: None,
        },
    };
    // i64::MIN, not 0: an entry moved to seq 0 or below must be seen too.
    let mut after = i64::MIN;
    loop {
        let page = entries_after(conn, after, PAGE).await?;
        let Some(page_end) = page.last().map(|e| e.seq) else {
            // Checkpoints commit with their entries, so one past the end
            // means entries are missing, unless they arrived after the page
            // above was read: then walk on.
            let beyond = checkpoints_between(conn, walk.last_seq, i64::MAX, 1).await?;
            let Some(first_beyond) = beyond.first() else {
                break;
            };
            if entries_after(conn, after, 1).await?.is_empty() {
                walk.checkpoint_beyond_end(first_beyond);
                return Ok(walk.report);
            }
            continue;
        };
        let checkpoints = checkpoints_between(conn, after, page_end, PAGE).await?;
        if !walk.page(&page, &checkpoints) {
            return Ok(walk.report);
        }
        after = page_end;
    }
    walk.end();
    Ok(walk.report)
}

struct Walk<'k> {
    key: &'k VerifyingKey,
    key_id: String,
    head: Option<(i64, String)>,
    last_seq: i64,
    last_hash: String,
    last_good_checkpoint: i64,
    report: VerifyReport,
}

impl Walk<'_> {
    /// Checks one page; false once a break is recorded.
    fn page(&mut self, entries: &[StoredEntry], checkpoints: &[Checkpoint]) -> bool {
        let mut checkpoints = checkpoints.iter().peekable();
        for entry in entries {
            if !self.entry(entry) {
                return false;
            }
            // With the entries gap-free up to here, a checkpoint below this
            // seq can only be one that seals no entry (seq 0 or less).
            while let Some(cp) = checkpoints.next_if(|cp| cp.seq <= entry.seq) {
                if !self.checkpoint(cp) {
                    return false;
                }
            }
        }
        true
    }

    fn entry(&mut self, entry: &StoredEntry) -> bool {
        let expected = self.last_seq + 1;
        if entry.seq != expected {
            let reason = if entry.seq > expected {
                format!(
                    "entry {expected} is missing (the next entry is {})",
                    entry.seq
                )
            } else {
                format!("entry {} is out of order (expected {expected})", entry.seq)
            };
            return self.broken(expected, reason);
        }
        if entry.prev_hash != self.last_hash {
            let reason = format!(
                "it does not link to entry {}: its previous-hash is not that entry's hash \
                 (an entry was removed, reordered or altered)",
                self.last_seq
            );
            return self.broken(expected, reason);
        }
        if entry.computed_hash() != entry.hash {
            let reason = "its contents do not match its hash (the entry was altered)".to_owned();
            return self.broken(expected, reason);
        }
        if let Some((head_seq, head_hash)) = &self.head {
            if *head_seq == entry.seq && *head_hash != entry.hash {
                let reason = "the recorded head of the chain names a different hash".to_owned();
                return self.broken(expected, reason);
            }
        }
        self.last_seq = entry.seq;
        self.last_hash = entry.hash.clone();
        self.report.entries_checked += 1;
        true
    }

    fn checkpoint(&mut self, cp: &Checkpoint) -> bool {
        let seq = cp.seq;
        let Some(hash) = decode_hash(&cp.hash) else {
            return self.broken(seq, format!("the checkpoint of entry {seq} is malformed"));
        };
        if cp.key_id != self.key_id {
            let reason = format!(
                "the checkpoint of entry {seq} names key {}, not the key given ({})",
                cp.key_id, self.key_id
            );
            return self.broken(seq, reason);
        }
        if !signature_holds(
            self.key,
            seq,
            &hash,
            &cp.signed_at,
            &cp.key_id,
            &cp.signature,
        ) {
            let reason = format!(
                "the checkpoint of entry {seq} has a signature that does not verify \
                 (the checkpoint was forged or altered)"
            );
            return self.broken(seq, reason);
        }
        if seq != self.last_seq || cp.hash != self.last_hash {
            // The signature holds, so the checkpoint is genuine and the chain
            // was rewritten somewhere since the last checkpoint that held.
            let first = self.last_good_checkpoint + 1;
            let reason = format!(
                "entries {first} to {seq} no longer match the checkpoint signed at {} \
                 (an entry among them was altered and the chain recomputed)",
                cp.signed_at
            );
            return self.broken(first, reason);
        }
        self.last_good_checkpoint = seq;
        self.report.checkpoints_checked += 1;
        true
    }

    /// A checkpoint seals an entry after the last one present.
    fn checkpoint_beyond_end(&mut self, cp: &Checkpoint) {
        let missing = self.last_seq + 1;
        let genuine = decode_hash(&cp.hash).is_some_and(|hash| {
            signature_holds(
                self.key,
                cp.seq,
                &hash,
                &cp.signed_at,
                &cp.key_id,
                &cp.signature,
            )
        });
        let reason = if genuine {
            format!(
                "the log ends at entry {} but a signed checkpoint seals entry {} \
                 (entries were removed from the end)",
                self.last_seq, cp.seq
            )
        } else {
            format!(
                "the checkpoint of entry {} is past the end of the log and its signature \
                 does not verify (the checkpoint was forged or altered)",
                cp.seq
            )
        };
        self.broken(missing, reason);
    }

    /// After the last entry: the head must point at it.
    fn end(&mut self) {
        let missing = self.last_seq + 1;
        match self.head.clone() {
            None => {
                let reason = "the record of where the chain ends is missing".to_owned();
                self.broken(missing, reason);
            }
            Some((head_seq, _)) if head_seq > self.last_seq => {
                let reason = format!(
                    "the log ends at entry {} but its recorded head is entry {head_seq} \
                     (entries were removed from the end)",
                    self.last_seq
                );
                self.broken(missing, reason);
            }
            // A head behind the last entry: the walk already matched its
            // hash, and entries written after it was read are expected.
            Some(_) => {}
        }
    }

    fn broken(&mut self, seq: i64, reason: String) -> bool {
        self.report.first_break = Some(Break {
            seq: u64::try_from(seq.max(1)).unwrap_or(1),
            reason,
        });
        false
    }
}

/// The first `limit` checkpoints with `after < seq <= upto`, in order. A
/// page of gap-free entries has at most [`PAGE`] checkpoints (one per seq),
/// and at a gap the walk stops before any checkpoint past it matters.
async fn checkpoints_between(
    conn: &mut Conn,
    after: i64,
    upto: i64,
    limit: i64,
) -> Result<Vec<Checkpoint>, StoreError> {
    let found = sqlx::query(
        "SELECT seq, hash, signature, signed_at, key_id FROM audit_checkpoints \
         WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
    )
    .bind(after)
    .bind(upto)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    found
        .iter()
        .map(|row| {
            Ok(Checkpoint {
                seq: rows::int(row, "seq")?,
                hash: rows::text(row, "hash")?,
                signature: rows::text(row, "signature")?,
                signed_at: rows::text(row, "signed_at")?,
                key_id: rows::text(row, "key_id")?,
            })
        })
        .collect()
}
