//! What a nominated carer may be told: the person's choice, topic by topic
//! (that they have been admitted, that they are being discharged, that they
//! have been in contact with crisis services). A topic the person has never
//! agreed to is a "no": consent first. The features that tell carers ask
//! [`may_tell`] at the moment they would tell, so a change of mind counts
//! at once.

use chrono::{DateTime, Utc};
pub use concordat_domain::carer::CarerItem;
use concordat_domain::carer::CarerOf;
pub use concordat_domain::carer::ShareBasis;
use concordat_domain::ids::{PersonId, RelatedPersonId, UserId};
use concordat_domain::user::User;

use crate::users::{user_from_row, USER_COLUMNS};
use crate::{access_versions, rows, time, Conn, StoreError};

/// The current choice for one topic, and who recorded it when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharingChoice {
    pub topic: CarerItem,
    pub may_tell: bool,
    /// What a yes stands on: the person's choice, or a best-interests
    /// decision.
    pub basis: ShareBasis,
    pub recorded_by: UserId,
    pub recorded_at: DateTime<Utc>,
}

/// Whether `related` is a nominated carer of `person`: the only people
/// these choices are about.
pub async fn is_nominated_carer(
    conn: &mut Conn,
    person: PersonId,
    related: RelatedPersonId,
) -> Result<bool, StoreError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM related_persons \
         WHERE id = $1 AND person_id = $2 AND nominated_carer = 1",
    )
    .bind(related.to_string())
    .bind(person.to_string())
    .fetch_one(conn)
    .await?;
    Ok(rows::int(&row, "n")? > 0)
}

/// Records the person's choice for each topic given. Topics not given keep
/// their current choice. `NotFound` when `related` is not a nominated carer
/// of `person`.
pub async fn set_sharing(
    conn: &mut Conn,
    person: PersonId,
    related: RelatedPersonId,
    choices: &[(CarerItem, bool)],
    basis: ShareBasis,
    by: UserId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    if !is_nominated_carer(conn, person, related).await? {
        return Err(StoreError::NotFound {
            what: "nominated carer",
            key: related.to_string(),
        });
    }
    for (topic, may_tell) in choices {
        // One row per carer and topic: the latest choice replaces the last.
        // A choice saved unchanged keeps what it stood on: a care team
        // saving the form does not make a best-interests share the
        // person's own choice.
        sqlx::query(
            "INSERT INTO carer_sharing \
             (person_id, related_person_id, topic, may_tell, basis, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (related_person_id, topic) DO UPDATE SET \
             basis = CASE WHEN carer_sharing.may_tell = excluded.may_tell \
             THEN carer_sharing.basis ELSE excluded.basis END, \
             may_tell = excluded.may_tell, \
             recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        )
        .bind(person.to_string())
        .bind(related.to_string())
        .bind(topic.as_str())
        .bind(i64::from(*may_tell))
        .bind(basis.as_str())
        .bind(by.to_string())
        .bind(time::encode(at))
        .execute(&mut *conn)
        .await?;
    }
    // What a carer's account may see is decided on these choices.
    access_versions::person_changed(conn, person).await?;
    Ok(())
}

/// The recorded choices about one carer, in topic order. A topic missing
/// here has never been agreed to.
pub async fn sharing_of(
    conn: &mut Conn,
    person: PersonId,
    related: RelatedPersonId,
) -> Result<Vec<SharingChoice>, StoreError> {
    let found = sqlx::query(
        "SELECT topic, may_tell, basis, recorded_by, recorded_at FROM carer_sharing \
         WHERE person_id = $1 AND related_person_id = $2",
    )
    .bind(person.to_string())
    .bind(related.to_string())
    .fetch_all(conn)
    .await?;
    let mut choices = found
        .iter()
        .map(|row| {
            Ok(SharingChoice {
                topic: CarerItem::parse_chosen(&rows::text(row, "topic")?)
                    .map_err(|e| StoreError::corrupt("carer sharing", e))?,
                may_tell: rows::flag(row, "may_tell")?,
                basis: ShareBasis::parse(&rows::text(row, "basis")?)
                    .map_err(|e| StoreError::corrupt("carer sharing", e))?,
                recorded_by: rows::id(row, "recorded_by")?,
                recorded_at: rows::instant(row, "recorded_at")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    choices.sort_by_key(|c| c.topic);
    Ok(choices)
}

/// Whether `related` may be told about `topic` concerning `person`: only a
/// nominated carer of that person, and only when the person said yes.
pub async fn may_tell(
    conn: &mut Conn,
    person: PersonId,
    related: RelatedPersonId,
    topic: CarerItem,
) -> Result<bool, StoreError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM carer_sharing s \
         JOIN related_persons r ON r.id = s.related_person_id \
         WHERE s.person_id = $1 AND s.related_person_id = $2 AND s.topic = $3 \
         AND s.may_tell = 1 AND r.person_id = s.person_id AND r.nominated_carer = 1",
    )
    .bind(person.to_string())
    .bind(related.to_string())
    .bind(topic.as_str())
    .fetch_one(conn)
    .await?;
    Ok(rows::int(&row, "n")? > 0)
}

/// A carer's account, as the person and their care team see it.
#[derive(Debug, Clone)]
pub struct CarerAccount {
    pub user: User,
    /// When the person (or their care team) withdrew the account's access;
    /// `None` while it stands.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

fn account_from_row(row: &sqlx::any::AnyRow) -> Result<CarerAccount, StoreError> {
    Ok(CarerAccount {
        user: user_from_row(row)?,
        withdrawn_at: rows::opt_instant(row, "carer_withdrawn_at")?,
    })
}

/// The accounts of `person`'s carers, whatever their state.
pub async fn accounts_of(
    conn: &mut Conn,
    person: PersonId,
) -> Result<Vec<CarerAccount>, StoreError> {
    let sql = format!(
        "SELECT {USER_COLUMNS}, u.carer_withdrawn_at FROM users u \
         WHERE u.carer_person_id = $1 AND u.role = 'carer' ORDER BY u.display_name"
    );
    let found = sqlx::query(&sql)
        .bind(person.to_string())
        .fetch_all(conn)
        .await?;
    found.iter().map(account_from_row).collect()
}

/// The account of the carer `carer_of` names, if they have one.
pub async fn account_of(
    conn: &mut Conn,
    carer_of: CarerOf,
) -> Result<Option<CarerAccount>, StoreError> {
    let sql = format!(
        "SELECT {USER_COLUMNS}, u.carer_withdrawn_at FROM users u \
         WHERE u.carer_person_id = $1 AND u.carer_related_person_id = $2 AND u.role = 'carer'"
    );
    let found = sqlx::query(&sql)
        .bind(carer_of.person.to_string())
        .bind(carer_of.related_person.to_string())
        .fetch_optional(conn)
        .await?;
    found.as_ref().map(account_from_row).transpose()
}

/// Withdraws (`at` given) or gives back (`None`) a carer account's access.
/// The person's access version moves, so the carer's next request is
/// decided on it.
pub async fn set_withdrawn(
    conn: &mut Conn,
    carer_of: CarerOf,
    at: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE users SET carer_withdrawn_at = $1 \
         WHERE carer_person_id = $2 AND carer_related_person_id = $3 AND role = 'carer'",
    )
    .bind(at.map(time::encode))
    .bind(carer_of.person.to_string())
    .bind(carer_of.related_person.to_string())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound {
            what: "carer account",
            key: carer_of.related_person.to_string(),
        });
    }
    access_versions::person_changed(conn, carer_of.person).await?;
    Ok(())
}

/// What the carer account `user` may see of the person it cares for now,
/// each with what it stands on: the items shared with them, and the thread
/// with the care team (the person's, while they let the carer sign in); nothing
/// once its access is withdrawn or the person no longer names them as
/// their carer.
pub async fn items_for(
    conn: &mut Conn,
    user: UserId,
    carer_of: CarerOf,
) -> Result<Vec<(CarerItem, ShareBasis)>, StoreError> {
    let standing = sqlx::query(
        "SELECT COUNT(*) AS n FROM users u \
         JOIN related_persons r ON r.id = u.carer_related_person_id \
         WHERE u.id = $1 AND u.carer_person_id = $2 AND u.carer_related_person_id = $3 \
         AND u.carer_withdrawn_at IS NULL AND r.person_id = u.carer_person_id \
         AND r.nominated_carer = 1",
    )
    .bind(user.to_string())
    .bind(carer_of.person.to_string())
    .bind(carer_of.related_person.to_string())
    .fetch_one(&mut *conn)
    .await?;
    if rows::int(&standing, "n")? == 0 {
        return Ok(Vec::new());
    }
    let mut items: Vec<(CarerItem, ShareBasis)> =
        sharing_of(conn, carer_of.person, carer_of.related_person)
            .await?
            .into_iter()
            .filter(|c| c.may_tell)
            .map(|c| (c.topic, c.basis))
            .collect();
    items.push((CarerItem::Messages, ShareBasis::Person));
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_chosen_by_their_names_only() {
        for item in CarerItem::CHOSEN {
            assert_eq!(CarerItem::parse_chosen(item.as_str()), Ok(item));
        }
        let err = CarerItem::parse_chosen("diagnosis").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`diagnosis` is not something a carer can be told; expected one of: admission, \
             discharge, crisis-contact, who-to-call, what-helps"
        );
        assert!(CarerItem::parse_chosen("Admission").is_err());
    }
}
