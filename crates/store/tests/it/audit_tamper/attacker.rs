//! The attacker's moves: each changes the audit log directly, with the
//! append-only triggers out of the way, and says which entry it touched first.

use concordat_store::audit::chain::{entries_after, StoredEntry, GENESIS_HASH};
use concordat_store::{Backend, Conn, Store};
use rand::rngs::StdRng;
use rand::seq::SliceRandom as _;
use rand::Rng;

#[derive(Debug, Clone, Copy)]
pub enum Tamper {
    /// Change one column of one entry, leaving its hash.
    EditField,
    /// Change one entry and recompute every hash after it (and the head),
    /// as an attacker who knows the algorithm but not the key would.
    EditAndRechain,
    DeleteEntry,
    SwapSeqs,
    /// Cut entries from the end, also removing their checkpoints or
    /// rewinding the head (never both: see the note in `tamper`).
    TruncateTail,
    /// Alter, move or invent a checkpoint.
    ForgeCheckpoint,
}

/// The statements that turn the append-only triggers off; run inside the
/// trial's transaction they last only until its rollback.
pub async fn disabling_guards(store: &Store) -> Vec<String> {
    match store.backend() {
        Backend::Postgres => ["audit_log", "audit_checkpoints", "audit_head"]
            .iter()
            .map(|t| format!("ALTER TABLE {t} DISABLE TRIGGER USER"))
            .collect(),
        // SQLite cannot disable a trigger; an attacker drops it. The names
        // are read outside the trial so that its first statement is a
        // write, which waits for the previous trial's rollback to finish.
        Backend::Sqlite => {
            let mut conn = store.read().await.expect("connection");
            let names: Vec<(String,)> = sqlx::query_as(
                "SELECT name FROM audit.sqlite_master WHERE type = 'trigger' AND name LIKE 'audit%'",
            )
            .fetch_all(&mut *conn)
            .await
            .expect("triggers");
            names
                .into_iter()
                .map(|(n,)| format!("DROP TRIGGER {n}"))
                .collect()
        }
    }
}

pub async fn exec(conn: &mut Conn, sql: &str) {
    sqlx::query(sql).execute(conn).await.expect(sql);
}

async fn entry(conn: &mut Conn, seq: i64) -> StoredEntry {
    entries_after(conn, seq - 1, 1)
        .await
        .expect("entry")
        .remove(0)
}

fn random_hash(rng: &mut StdRng) -> String {
    hex::encode(rng.gen::<[u8; 32]>())
}

/// Changes one column of entry `seq` to a different value the schema still
/// accepts; returns the column's name.
async fn edit_field(conn: &mut Conn, rng: &mut StdRng, seq: i64) -> &'static str {
    let e = entry(conn, seq).await;
    let changed = |old: &str| format!("{old}x");
    let (column, value): (&str, Option<String>) = match rng.gen_range(0..15) {
        0 => (
            "occurred_at",
            Some(e.occurred_at.replacen("2026", "2025", 1)),
        ),
        1 if e.actor_user_id.is_some() => ("actor_user_id", Some(uuid::Uuid::new_v4().to_string())),
        2 if e.actor_username.is_some() => {
            ("actor_username", e.actor_username.as_deref().map(changed))
        }
        3 if e.actor_organisation_id.is_some() => (
            "actor_organisation_id",
            Some(uuid::Uuid::new_v4().to_string()),
        ),
        4 if e.actor_role.is_some() => {
            let role = if e.actor_role.as_deref() == Some("admin") {
                "gp"
            } else {
                "admin"
            };
            ("actor_role", Some(role.into()))
        }
        5 => (
            "purpose",
            if e.purpose.is_some() {
                None
            } else {
                Some("TREAT".into())
            },
        ),
        6 => (
            "person_id",
            if e.person_id.is_some() {
                None
            } else {
                Some(uuid::Uuid::new_v4().to_string())
            },
        ),
        7 => (
            "action",
            Some(if e.action == "read" { "write" } else { "read" }.into()),
        ),
        8 => ("categories", Some(changed(&e.categories))),
        9 => (
            "outcome",
            Some(
                if e.outcome == "allowed" {
                    "denied"
                } else {
                    "allowed"
                }
                .into(),
            ),
        ),
        10 => ("reasons", Some(changed(&e.reasons))),
        11 => ("policy_ids", Some(changed(&e.policy_ids))),
        12 => ("prev_hash", Some(random_hash(rng))),
        13 => ("hash", Some(random_hash(rng))),
        _ => ("break_glass", None),
    };
    let sql = if column == "break_glass" {
        format!("UPDATE audit_log SET break_glass = 1 - break_glass WHERE seq = {seq}")
    } else {
        format!("UPDATE audit_log SET {column} = $1 WHERE seq = {seq}")
    };
    let mut query = sqlx::query(&sql);
    if column != "break_glass" {
        query = query.bind(value);
    }
    query.execute(conn).await.expect(&sql);
    column
}

/// Applies `kind` to a log of `n` entries; returns the lowest seq touched
/// and a description for failure messages.
pub async fn tamper(conn: &mut Conn, rng: &mut StdRng, kind: Tamper, n: i64) -> (i64, String) {
    match kind {
        Tamper::EditField => {
            let seq = rng.gen_range(1..=n);
            let column = edit_field(conn, rng, seq).await;
            (seq, format!("{column} of entry {seq} edited"))
        }
        Tamper::EditAndRechain => {
            let seq = rng.gen_range(1..=n);
            // A content edit: the hashes are rewritten anyway.
            let column = loop {
                let c = edit_field(conn, rng, seq).await;
                if c != "hash" && c != "prev_hash" {
                    break c;
                }
            };
            rechain_from(conn, seq, n).await;
            let what = format!("{column} of entry {seq} edited and the chain recomputed");
            (seq, what)
        }
        Tamper::DeleteEntry => {
            let seq = rng.gen_range(1..=n);
            exec(conn, &format!("DELETE FROM audit_log WHERE seq = {seq}")).await;
            (seq, format!("entry {seq} deleted"))
        }
        Tamper::SwapSeqs => {
            let a = rng.gen_range(1..=n);
            let b = loop {
                let b = rng.gen_range(1..=n);
                if b != a {
                    break b;
                }
            };
            for sql in [
                format!("UPDATE audit_log SET seq = -1 WHERE seq = {a}"),
                format!("UPDATE audit_log SET seq = {a} WHERE seq = {b}"),
                format!("UPDATE audit_log SET seq = {b} WHERE seq = -1"),
            ] {
                exec(conn, &sql).await;
            }
            (a.min(b), format!("entries {a} and {b} swapped"))
        }
        Tamper::TruncateTail => truncate(conn, rng, n).await,
        Tamper::ForgeCheckpoint => forge_checkpoint(conn, rng, n).await,
    }
}

/// Recomputes every hash from entry `seq` on, and the head, as someone
/// who knows the algorithm (but not the checkpoint key) would.
async fn rechain_from(conn: &mut Conn, seq: i64, n: i64) {
    let mut prev = if seq == 1 {
        GENESIS_HASH.to_owned()
    } else {
        entry(conn, seq - 1).await.hash
    };
    for mut e in entries_after(conn, seq - 1, n).await.expect("tail") {
        e.prev_hash = prev;
        e.hash = e.computed_hash();
        sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3")
            .bind(e.prev_hash.clone())
            .bind(e.hash.clone())
            .bind(e.seq)
            .execute(&mut *conn)
            .await
            .expect("rechain");
        prev = e.hash;
    }
    sqlx::query("UPDATE audit_head SET hash = $1")
        .bind(prev)
        .execute(&mut *conn)
        .await
        .expect("head");
}

/// Cuts the entries from a random seq on, and also removes their
/// checkpoints or rewinds the head. Doing both leaves a shorter log that is
/// consistent in itself: only a copy of a checkpoint kept outside the
/// database can show that, so it is not a trial here.
async fn truncate(conn: &mut Conn, rng: &mut StdRng, n: i64) -> (i64, String) {
    let from = rng.gen_range(1..=n);
    exec(conn, &format!("DELETE FROM audit_log WHERE seq >= {from}")).await;
    let how = if rng.gen_bool(0.5) {
        let sql = format!("DELETE FROM audit_checkpoints WHERE seq >= {from}");
        exec(conn, &sql).await;
        "and their checkpoints"
    } else {
        let last = from - 1;
        let hash = if last == 0 {
            GENESIS_HASH.to_owned()
        } else {
            entry(conn, last).await.hash
        };
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2")
            .bind(last)
            .bind(hash)
            .execute(&mut *conn)
            .await
            .expect("rewind head");
        "with the head rewound"
    };
    (from, format!("entries from {from} on deleted, {how}"))
}

/// Alters, moves or invents a checkpoint; the seq returned is the entry the
/// checkpoint now claims to seal.
async fn forge_checkpoint(conn: &mut Conn, rng: &mut StdRng, n: i64) -> (i64, String) {
    let sealed: Vec<(i64,)> = sqlx::query_as("SELECT seq FROM audit_checkpoints ORDER BY seq")
        .fetch_all(&mut *conn)
        .await
        .expect("checkpoints");
    let sealed: Vec<i64> = sealed.into_iter().map(|(s,)| s).collect();
    let seq = *sealed.choose(rng).expect("a checkpoint");
    let unsealed: Vec<i64> = (1..=n).filter(|s| !sealed.contains(s)).collect();
    let set =
        |assignment: String| format!("UPDATE audit_checkpoints SET {assignment} WHERE seq = {seq}");
    match rng.gen_range(0..5) {
        0 => {
            exec(conn, &set(format!("hash = '{}'", random_hash(rng)))).await;
            (seq, format!("hash of checkpoint {seq} replaced"))
        }
        1 => {
            let signature = hex::encode((0..64).map(|_| rng.gen::<u8>()).collect::<Vec<_>>());
            exec(conn, &set(format!("signature = '{signature}'"))).await;
            (seq, format!("signature of checkpoint {seq} replaced"))
        }
        2 => {
            exec(
                conn,
                &set("signed_at = '2020-01-01T00:00:00.000000Z'".into()),
            )
            .await;
            (seq, format!("signing time of checkpoint {seq} changed"))
        }
        3 if !unsealed.is_empty() => {
            let to = *unsealed.choose(rng).expect("unsealed");
            exec(conn, &set(format!("seq = {to}"))).await;
            (to, format!("checkpoint {seq} moved to entry {to}"))
        }
        _ => {
            // A checkpoint invented for an entry that has none (or past the
            // end), naming the entry's true hash, with a signature copied
            // from a genuine checkpoint: the attacker has no key to sign.
            let to = unsealed.choose(rng).copied().unwrap_or(n + 1);
            let hash = if to <= n {
                entry(conn, to).await.hash
            } else {
                random_hash(rng)
            };
            sqlx::query(
                "INSERT INTO audit_checkpoints (seq, hash, signature, signed_at, key_id) \
                 SELECT $1, $2, signature, signed_at, key_id FROM audit_checkpoints \
                 WHERE seq = $3",
            )
            .bind(to)
            .bind(hash)
            .bind(seq)
            .execute(&mut *conn)
            .await
            .expect("forged checkpoint");
            (to, format!("checkpoint invented for entry {to}"))
        }
    }
}
