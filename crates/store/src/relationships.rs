//! Relationships that make a practitioner's interest in a person legitimate,
//! besides care-team membership: an active contact, an open referral, a
//! crisis look-up with its recorded reason (kept beside the audit log: see
//! `look_ups`). Each carries its end, and a
//! contact's names the team or the user it is for.

use chrono::{DateTime, Utc};
use concordat_domain::contact_event::ContactKind;
use concordat_domain::ids::{OrganisationId, PersonId, TeamId, UserId};

use crate::look_ups::{self, LookUp};
use crate::{access_versions, rows, time, Conn, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationshipKind {
    ActiveContact,
    Referral,
    CrisisLookup,
    /// Membership of a multi-agency case about the person, for the user or
    /// team it names while the case is open.
    CaseMember,
    /// A reviewer comparing a contact that arrived without an NHS number
    /// with this person, a possible match: the reviewer's alone, for the
    /// person's demographics, while the review is open.
    MatchReview,
}

impl RelationshipKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ActiveContact => "active-contact",
            Self::Referral => "referral",
            Self::CrisisLookup => "crisis-lookup",
            Self::CaseMember => "case-member",
            Self::MatchReview => "match-review",
        }
    }

    fn parse(raw: &str) -> Result<Self, StoreError> {
        match raw {
            "active-contact" => Ok(Self::ActiveContact),
            "referral" => Ok(Self::Referral),
            "crisis-lookup" => Ok(Self::CrisisLookup),
            "case-member" => Ok(Self::CaseMember),
            "match-review" => Ok(Self::MatchReview),
            other => Err(StoreError::corrupt(
                "relationship",
                format!("kind `{other}`"),
            )),
        }
    }
}

#[derive(Debug, Clone)]
pub struct CareRelationship {
    pub id: uuid::Uuid,
    pub person: PersonId,
    pub organisation: OrganisationId,
    /// The user the relationship is for (a crisis look-up's, a contact
    /// recorded by the user who attended or naming them).
    pub user: Option<UserId>,
    /// The team the relationship is for (a contact naming the team).
    pub team: Option<TeamId>,
    /// The kind of contact that opened it, for an active contact.
    pub contact_kind: Option<ContactKind>,
    pub kind: RelationshipKind,
    pub reason: String,
    pub started_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// Records `r`: a crisis look-up beside the audit log (`look_ups`), every
/// other kind here, moving the person's access version.
pub async fn insert_relationship(conn: &mut Conn, r: &CareRelationship) -> Result<(), StoreError> {
    if let Some(look_up) = LookUp::from_relationship(r) {
        return look_ups::record(conn, &look_up).await;
    }
    let sql = insert_sql(conn);
    bind_relationship(sqlx::query(&sql), r)
        .execute(&mut *conn)
        .await?;
    access_versions::person_changed(conn, r.person).await?;
    Ok(())
}

/// What an audited act that is itself a relationship writes, in the same
/// transaction as the act's audit entry (`AuditLog::record_opening`), so
/// the two commit together or not at all.
#[derive(Debug, Clone)]
pub enum Opening {
    /// A relationship not held before; the person's access version moves.
    New(CareRelationship),
    /// The live relationship `id` with `person`, now lasting until
    /// `ends_at`; the person's access version moves. Never shortened: if it
    /// already lasts longer (a later act on a node whose clock runs ahead),
    /// it is left alone.
    Renewed {
        id: uuid::Uuid,
        person: PersonId,
        ends_at: DateTime<Utc>,
    },
    /// A crisis look-up: the looker's own, recorded or renewed beside the
    /// audit log, moving no access version (see `look_ups`).
    LookUp(LookUp),
}

impl Opening {
    /// Whose access it changes.
    pub fn person(&self) -> PersonId {
        match self {
            Self::New(r) => r.person,
            Self::Renewed { person, .. } => *person,
            Self::LookUp(l) => l.person,
        }
    }

    /// Whether writing it moves the person's access version: everything but
    /// a look-up, which is its user's alone.
    pub fn moves_version(&self) -> bool {
        !matches!(self, Self::LookUp(_))
    }
}

/// Writes `opening` (and moves the person's access version if it should),
/// on the caller's connection (in the caller's transaction).
pub(crate) async fn write_opening(conn: &mut Conn, opening: &Opening) -> Result<(), StoreError> {
    if let Opening::LookUp(look_up) = opening {
        return look_ups::record(conn, look_up).await;
    }
    let write = changed_sql(conn, opening);
    bind_change(sqlx::query(&write), opening)
        .execute(&mut *conn)
        .await?;
    access_versions::person_changed(conn, opening.person()).await
}

/// The statements [`write_opening`] runs, bound in order by
/// [`bind_opening`]. Their parameters are anonymous on SQLite, so they can
/// go in a statement list.
pub(crate) fn opening_sql(conn: &Conn, opening: &Opening) -> Vec<String> {
    match opening {
        Opening::LookUp(_) => vec![look_ups::record_sql(conn)],
        _ => vec![
            changed_sql(conn, opening),
            access_versions::person_changed_sql(conn),
        ],
    }
}

/// Binds the parameters of every statement of [`opening_sql`], in order.
pub(crate) fn bind_opening<'q>(query: AnyQuery<'q>, opening: &Opening) -> AnyQuery<'q> {
    match opening {
        Opening::LookUp(look_up) => look_ups::bind(query, look_up),
        _ => bind_change(query, opening).bind(opening.person().to_string()),
    }
}

/// The write of a new or renewed relationship.
fn changed_sql(conn: &Conn, opening: &Opening) -> String {
    match opening {
        Opening::Renewed { .. } => format!(
            "UPDATE care_relationships SET ends_at = {} WHERE id = {} AND ends_at < {}",
            rows::parameters(conn, 1, 1),
            rows::parameters(conn, 2, 1),
            rows::parameters(conn, 3, 1),
        ),
        _ => insert_sql(conn),
    }
}

fn bind_change<'q>(query: AnyQuery<'q>, opening: &Opening) -> AnyQuery<'q> {
    match opening {
        Opening::New(r) => bind_relationship(query, r),
        Opening::Renewed { id, ends_at, .. } => query
            .bind(time::encode(*ends_at))
            .bind(id.to_string())
            .bind(time::encode(*ends_at)),
        Opening::LookUp(look_up) => look_ups::bind(query, look_up),
    }
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

const INSERT_COLUMNS: usize = 10;

fn insert_sql(conn: &Conn) -> String {
    format!(
        "INSERT INTO care_relationships (id, person_id, organisation_id, user_id, team_id, \
         contact_kind, kind, reason, started_at, ends_at) VALUES ({})",
        rows::parameters(conn, 1, INSERT_COLUMNS)
    )
}

/// INVARIANT: the same order as the columns of [`insert_sql`].
fn bind_relationship<'q>(query: AnyQuery<'q>, r: &CareRelationship) -> AnyQuery<'q> {
    query
        .bind(r.id.to_string())
        .bind(r.person.to_string())
        .bind(r.organisation.to_string())
        .bind(r.user.map(|u| u.to_string()))
        .bind(r.team.map(|t| t.to_string()))
        .bind(r.contact_kind.map(|k| k.as_str()))
        .bind(r.kind.as_str())
        .bind(r.reason.clone())
        .bind(time::encode(r.started_at))
        .bind(time::encode(r.ends_at))
}

/// The relationships between `person` and `organisation`, ended ones
/// included: the decision judges them against its own `now`.
pub async fn relationships_of(
    conn: &mut Conn,
    person: PersonId,
    organisation: OrganisationId,
) -> Result<Vec<CareRelationship>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, user_id, team_id, contact_kind, kind, reason, started_at, ends_at \
         FROM care_relationships WHERE person_id = $1 AND organisation_id = $2 ORDER BY started_at",
    )
    .bind(person.to_string())
    .bind(organisation.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(CareRelationship {
                id: uuid::Uuid::parse_str(&rows::text(row, "id")?)
                    .map_err(|e| StoreError::corrupt("relationship", e))?,
                person,
                organisation,
                user: rows::opt_id(row, "user_id")?,
                team: rows::opt_id(row, "team_id")?,
                contact_kind: rows::opt_text(row, "contact_kind")?
                    .map(|k| {
                        ContactKind::parse(&k).map_err(|e| StoreError::corrupt("relationship", e))
                    })
                    .transpose()?,
                kind: RelationshipKind::parse(&rows::text(row, "kind")?)?,
                reason: rows::text(row, "reason")?,
                started_at: rows::instant(row, "started_at")?,
                ends_at: rows::instant(row, "ends_at")?,
            })
        })
        .collect()
}

/// Ends, at `at`, the live relationships of `kind` between `person` and
/// `organisation` recorded with `reason` (a referral's, when it closes).
pub async fn end_relationships(
    conn: &mut Conn,
    person: PersonId,
    organisation: OrganisationId,
    kind: RelationshipKind,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE care_relationships SET ends_at = $1 WHERE person_id = $2 AND organisation_id = $3 \
         AND kind = $4 AND reason = $5 AND ends_at > $1",
    )
    .bind(time::encode(at))
    .bind(person.to_string())
    .bind(organisation.to_string())
    .bind(kind.as_str())
    .bind(reason.to_owned())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() > 0 {
        access_versions::person_changed(conn, person).await?;
    }
    Ok(done.rows_affected())
}

/// Ends, at `at`, the live relationships that contacts of `contact_kind`
/// opened between `person` and `organisation`: a discharge ends what the
/// admission opened.
pub async fn end_contact_relationships(
    conn: &mut Conn,
    person: PersonId,
    organisation: OrganisationId,
    contact_kind: ContactKind,
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE care_relationships SET ends_at = $1 WHERE person_id = $2 AND organisation_id = $3 \
         AND kind = $4 AND contact_kind = $5 AND ends_at > $1",
    )
    .bind(time::encode(at))
    .bind(person.to_string())
    .bind(organisation.to_string())
    .bind(RelationshipKind::ActiveContact.as_str())
    .bind(contact_kind.as_str())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() > 0 {
        access_versions::person_changed(conn, person).await?;
    }
    Ok(done.rows_affected())
}

/// Ends, at `at`, the relationship `id` with `person` if it is still live
/// (one case membership, when the member leaves or the case closes).
pub async fn end_relationship(
    conn: &mut Conn,
    id: uuid::Uuid,
    person: PersonId,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE care_relationships SET ends_at = $1 WHERE id = $2 AND person_id = $3 \
         AND ends_at > $1",
    )
    .bind(time::encode(at))
    .bind(id.to_string())
    .bind(person.to_string())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() > 0 {
        access_versions::person_changed(conn, person).await?;
    }
    Ok(done.rows_affected() > 0)
}
