//! What a nominated carer may be told: the person's choice, topic by topic
//! (that they have been admitted, that they are being discharged, that they
//! have been in contact with crisis services). A topic the person has never
//! agreed to is a "no": consent first. The features that tell carers ask
//! [`may_tell`] at the moment they would tell, so a change of mind counts
//! at once.

use std::fmt;

use chrono::{DateTime, Utc};
use concordat_domain::ids::{PersonId, RelatedPersonId, UserId};

use crate::{rows, time, Conn, StoreError};

/// Something a carer may or may not be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CarerTopic {
    Admission,
    Discharge,
    CrisisContact,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not something a carer can be told; expected one of: admission, discharge, \
     crisis-contact"
)]
pub struct CarerTopicError {
    input: String,
}

impl CarerTopic {
    pub const ALL: [Self; 3] = [Self::Admission, Self::Discharge, Self::CrisisContact];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admission => "admission",
            Self::Discharge => "discharge",
            Self::CrisisContact => "crisis-contact",
        }
    }

    pub fn parse(input: &str) -> Result<Self, CarerTopicError> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == input.trim())
            .ok_or_else(|| CarerTopicError {
                input: input.to_owned(),
            })
    }

    /// What the carer would be told, as the person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Admission => "that I have been admitted to hospital",
            Self::Discharge => "that I am being discharged from hospital, and when",
            Self::CrisisContact => "that I have been in contact with crisis services",
        }
    }
}

impl fmt::Display for CarerTopic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The current choice for one topic, and who recorded it when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharingChoice {
    pub topic: CarerTopic,
    pub may_tell: bool,
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
    choices: &[(CarerTopic, bool)],
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
        sqlx::query(
            "INSERT INTO carer_sharing \
             (person_id, related_person_id, topic, may_tell, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (related_person_id, topic) DO UPDATE SET \
             may_tell = excluded.may_tell, recorded_by = excluded.recorded_by, \
             recorded_at = excluded.recorded_at",
        )
        .bind(person.to_string())
        .bind(related.to_string())
        .bind(topic.as_str())
        .bind(i64::from(*may_tell))
        .bind(by.to_string())
        .bind(time::encode(at))
        .execute(&mut *conn)
        .await?;
    }
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
        "SELECT topic, may_tell, recorded_by, recorded_at FROM carer_sharing \
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
                topic: CarerTopic::parse(&rows::text(row, "topic")?)
                    .map_err(|e| StoreError::corrupt("carer sharing", e))?,
                may_tell: rows::flag(row, "may_tell")?,
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
    topic: CarerTopic,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_parse_by_their_names_only() {
        for topic in CarerTopic::ALL {
            assert_eq!(CarerTopic::parse(topic.as_str()), Ok(topic));
        }
        let err = CarerTopic::parse("diagnosis").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`diagnosis` is not something a carer can be told; expected one of: admission, \
             discharge, crisis-contact"
        );
        assert!(CarerTopic::parse("Admission").is_err());
    }
}
