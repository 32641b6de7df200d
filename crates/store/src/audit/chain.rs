//! The hash chain: an entry as stored ([`StoredEntry`]), its canonical
//! encoding and hash (see the table in the [module docs](super)), and the
//! conversions between stored rows and [`AuditEntry`].

use concordat_domain::category::DataCategory;
use concordat_domain::ids::Id;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use concordat_domain::user::Username;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;

use super::{Actor, AuditAction, AuditEntry, AuditRecord, Outcome};
use crate::{rows, time, Conn, StoreError};

/// The `prev_hash` of entry 1.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const ENTRY_TAG: &[u8] = b"concordat-audit-entry-v1";

/// The columns of `audit_log`, in the order [`StoredEntry::from_row`] expects.
pub(crate) const ENTRY_COLUMNS: &str = "seq, occurred_at, actor_user_id, actor_username, \
    actor_organisation_id, actor_role, purpose, person_id, action, categories, outcome, \
    reasons, policy_ids, break_glass, prev_hash, hash";

/// One `audit_log` row exactly as stored: the hash is computed over these
/// values, not over a parsed [`AuditEntry`], so verification never depends on
/// parsing and re-formatting giving back the same bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub seq: i64,
    pub occurred_at: String,
    pub actor_user_id: Option<String>,
    pub actor_username: Option<String>,
    pub actor_organisation_id: Option<String>,
    pub actor_role: Option<String>,
    pub purpose: Option<String>,
    pub person_id: Option<String>,
    pub action: String,
    pub categories: String,
    pub outcome: String,
    pub reasons: String,
    pub policy_ids: String,
    pub break_glass: i64,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredEntry {
    /// The row for `entry` at position `seq` after `prev_hash`, hash included.
    pub(crate) fn new(seq: i64, entry: &AuditEntry, prev_hash: String) -> Self {
        let actor = entry.actor.as_ref();
        let mut categories = entry.categories.clone();
        categories.sort_unstable();
        categories.dedup();
        let categories: Vec<&str> = categories.iter().map(|c| c.as_str()).collect();
        let mut row = Self {
            seq,
            occurred_at: time::encode(entry.occurred_at),
            actor_user_id: actor.map(|a| a.user_id.to_string()),
            actor_username: actor.map(|a| a.username.as_str().to_owned()),
            actor_organisation_id: actor.map(|a| a.organisation_id.to_string()),
            actor_role: actor.map(|a| a.role.as_str().to_owned()),
            purpose: entry.purpose.map(|p| p.code().to_owned()),
            person_id: entry.person.map(|p| p.to_string()),
            action: entry.action.as_str().to_owned(),
            categories: categories.join(","),
            outcome: entry.outcome.as_str().to_owned(),
            reasons: json_strings(&entry.reasons),
            policy_ids: json_strings(&entry.policy_ids),
            break_glass: i64::from(entry.break_glass),
            prev_hash,
            hash: String::new(),
        };
        row.hash = row.computed_hash();
        row
    }

    /// The canonical encoding of every column but the two hashes.
    pub fn canonical_encoding(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512);
        out.extend_from_slice(ENTRY_TAG);
        out.extend_from_slice(&self.seq.to_be_bytes());
        text(&mut out, &self.occurred_at);
        optional(&mut out, self.actor_user_id.as_deref());
        optional(&mut out, self.actor_username.as_deref());
        optional(&mut out, self.actor_organisation_id.as_deref());
        optional(&mut out, self.actor_role.as_deref());
        optional(&mut out, self.purpose.as_deref());
        optional(&mut out, self.person_id.as_deref());
        text(&mut out, &self.action);
        text(&mut out, &self.categories);
        text(&mut out, &self.outcome);
        text(&mut out, &self.reasons);
        text(&mut out, &self.policy_ids);
        out.extend_from_slice(&self.break_glass.to_be_bytes());
        out
    }

    /// What `hash` must be, given `prev_hash` and the other columns. A
    /// `prev_hash` that is not 64 hex digits is hashed as its raw text, so
    /// the result cannot match and verification reports the entry.
    pub fn computed_hash(&self) -> String {
        let mut hasher = Sha256::new();
        match decode_hash(&self.prev_hash) {
            Some(prev) => hasher.update(prev),
            None => hasher.update(self.prev_hash.as_bytes()),
        }
        hasher.update(self.canonical_encoding());
        hex::encode(hasher.finalize())
    }

    pub(crate) fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(Self {
            seq: rows::int(row, "seq")?,
            occurred_at: rows::text(row, "occurred_at")?,
            actor_user_id: rows::opt_text(row, "actor_user_id")?,
            actor_username: rows::opt_text(row, "actor_username")?,
            actor_organisation_id: rows::opt_text(row, "actor_organisation_id")?,
            actor_role: rows::opt_text(row, "actor_role")?,
            purpose: rows::opt_text(row, "purpose")?,
            person_id: rows::opt_text(row, "person_id")?,
            action: rows::text(row, "action")?,
            categories: rows::text(row, "categories")?,
            outcome: rows::text(row, "outcome")?,
            reasons: rows::text(row, "reasons")?,
            policy_ids: rows::text(row, "policy_ids")?,
            break_glass: rows::int(row, "break_glass")?,
            prev_hash: rows::text(row, "prev_hash")?,
            hash: rows::text(row, "hash")?,
        })
    }

    /// The entry this row records, for reading the log back.
    pub fn to_record(&self) -> Result<AuditRecord, StoreError> {
        let what = "audit entry";
        let corrupt = |detail: String| StoreError::corrupt(what, detail);
        let actor = match (
            &self.actor_user_id,
            &self.actor_username,
            &self.actor_organisation_id,
            &self.actor_role,
        ) {
            (Some(user), Some(username), Some(organisation), Some(role)) => Some(Actor {
                user_id: parse_id(user)?,
                username: Username::parse(username).map_err(|e| corrupt(e.to_string()))?,
                organisation_id: parse_id(organisation)?,
                role: Role::parse(role).map_err(|e| corrupt(e.to_string()))?,
            }),
            (None, None, None, None) => None,
            _ => return Err(corrupt(format!("entry {} has a partial actor", self.seq))),
        };
        let categories = self
            .categories
            .split(',')
            .filter(|c| !c.is_empty())
            .map(DataCategory::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| corrupt(e.to_string()))?;
        let strings = |raw: &str| {
            serde_json::from_str::<Vec<String>>(raw).map_err(|e| corrupt(e.to_string()))
        };
        let entry = AuditEntry {
            occurred_at: time::decode(&self.occurred_at)?,
            actor,
            purpose: self
                .purpose
                .as_deref()
                .map(Purpose::parse_code)
                .transpose()
                .map_err(|e| corrupt(e.to_string()))?,
            person: self.person_id.as_deref().map(parse_id).transpose()?,
            action: AuditAction::parse(&self.action)
                .ok_or_else(|| corrupt(format!("`{}` is not an action", self.action)))?,
            categories,
            outcome: Outcome::parse(&self.outcome)
                .ok_or_else(|| corrupt(format!("`{}` is not an outcome", self.outcome)))?,
            reasons: strings(&self.reasons)?,
            policy_ids: strings(&self.policy_ids)?,
            break_glass: self.break_glass != 0,
        };
        let seq = u64::try_from(self.seq).map_err(|_| corrupt(format!("seq {}", self.seq)))?;
        Ok(AuditRecord { seq, entry })
    }
}

/// Up to `limit` rows with `seq` above `after`, in order: the pages in which
/// [`verify`](super::verify) walks the chain without holding it all in memory.
pub async fn entries_after(
    conn: &mut Conn,
    after: i64,
    limit: i64,
) -> Result<Vec<StoredEntry>, StoreError> {
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2");
    let rows = sqlx::query(&sql)
        .bind(after)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(StoredEntry::from_row).collect()
}

/// A hash as stored (lowercase hex) back to bytes; `None` if it is not one.
pub(crate) fn decode_hash(raw: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    // Uppercase hex would decode too, but is not what the writer stores.
    if raw.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    hex::decode_to_slice(raw, &mut out).ok()?;
    Some(out)
}

fn parse_id<T>(raw: &str) -> Result<Id<T>, StoreError> {
    Id::parse(raw).map_err(|e| StoreError::corrupt("audit entry", e))
}

fn json_strings(items: &[String]) -> String {
    // Serialising strings to JSON cannot fail.
    serde_json::to_string(items).unwrap_or_else(|_| "[]".to_owned())
}

fn text(out: &mut Vec<u8>, value: &str) {
    // INVARIANT: stored texts are far below 4 GiB; a longer one would be
    // refused by the database before its hash mattered.
    let len = u32::try_from(value.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(value.as_bytes());
}

fn optional(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        None => out.push(0),
        Some(v) => {
            out.push(1);
            text(out, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> StoredEntry {
        StoredEntry {
            seq: 1,
            occurred_at: "2026-03-03T09:00:00.000000Z".into(),
            actor_user_id: None,
            actor_username: None,
            actor_organisation_id: None,
            actor_role: None,
            purpose: Some("TREAT".into()),
            person_id: None,
            action: "read".into(),
            categories: "demographics,risk".into(),
            outcome: "allowed".into(),
            reasons: "[]".into(),
            policy_ids: "[]".into(),
            break_glass: 0,
            prev_hash: GENESIS_HASH.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn the_encoding_of_a_known_entry_is_pinned() {
        // A change here changes every hash ever written: bump the tag instead.
        let r = row();
        let mut expected = b"concordat-audit-entry-v1".to_vec();
        expected.extend_from_slice(&1i64.to_be_bytes());
        expected.extend_from_slice(&27u32.to_be_bytes());
        expected.extend_from_slice(b"2026-03-03T09:00:00.000000Z");
        expected.extend_from_slice(&[0, 0, 0, 0]);
        expected.extend_from_slice(&[1, 0, 0, 0, 5]);
        expected.extend_from_slice(b"TREAT");
        expected.push(0);
        for t in ["read", "demographics,risk", "allowed", "[]", "[]"] {
            expected.extend_from_slice(&(t.len() as u32).to_be_bytes());
            expected.extend_from_slice(t.as_bytes());
        }
        expected.extend_from_slice(&0i64.to_be_bytes());
        assert_eq!(r.canonical_encoding(), expected);

        let mut hasher = Sha256::new();
        hasher.update([0u8; 32]);
        hasher.update(&expected);
        assert_eq!(r.computed_hash(), hex::encode(hasher.finalize()));
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        let a = StoredEntry {
            reasons: "[\"a\"]".into(),
            policy_ids: "[]".into(),
            ..row()
        };
        let b = StoredEntry {
            reasons: "[]".into(),
            policy_ids: "[\"a\"]".into(),
            ..row()
        };
        assert_ne!(a.computed_hash(), b.computed_hash());
        let absent = row();
        let empty = StoredEntry {
            person_id: Some(String::new()),
            ..row()
        };
        assert_ne!(absent.computed_hash(), empty.computed_hash());
    }

    #[test]
    fn malformed_hashes_are_not_decoded() {
        assert!(decode_hash(GENESIS_HASH).is_some());
        assert!(decode_hash(&"AB".repeat(32)).is_none());
        assert!(decode_hash("00").is_none());
    }
}
