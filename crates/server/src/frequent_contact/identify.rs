//! Identifying people in frequent contact as their contacts are recorded:
//! in the transaction that writes the contacts, each person whose
//! emergency contacts now pass the threshold gets an entry and a notice.
//! The support team's relationship with them (until the entry must be
//! reviewed) is written by the audit writer in the same transaction as the
//! audit entry that says so ([`audit_identified`]): the team never has
//! access that the audit does not show. Should that write fail, the entry
//! stands and its person is simply not readable by the team.

use chrono::{DateTime, Utc};
use concordat_domain::dates::long_date;
use concordat_domain::frequent_contact::{review_by, Count, EntryStatus, Threshold};
use concordat_domain::ids::{PersonId, TeamId};
use concordat_store::frequent_contact::{self as store, Entry};
use concordat_store::relationships::{CareRelationship, Opening};
use concordat_store::{teams, users, Conn, StoreError};

use crate::delivery::{Message, Outbox, Recipient};
use crate::told::tell_the_person;
use crate::AppState;

/// A person identified, for the audit entry written after the commit.
#[derive(Debug, Clone)]
pub struct Identified {
    pub person: PersonId,
    pub team: TeamId,
    pub count: Count,
    pub review_by: DateTime<Utc>,
    /// The support team's relationship with the person, to be written with
    /// the audit entry.
    pub relationship: CareRelationship,
}

/// Identifies, among `people` (those with a contact just written), each
/// whose emergency contacts now pass `threshold` and who is not on the list
/// already. Nothing is identified while no team offers support: the list
/// exists only to lead to help.
pub async fn identify(
    conn: &mut Conn,
    outbox: &mut Outbox,
    people: &[PersonId],
    threshold: Threshold,
    now: DateTime<Utc>,
) -> Result<Vec<Identified>, StoreError> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let Some(team) = store::support_teams(conn).await?.first().copied() else {
        return Ok(Vec::new());
    };
    let Some(team_record) = teams::team_by_id(conn, team).await? else {
        return Ok(Vec::new());
    };
    let candidates = store::candidates(conn, people, now, threshold.in_a_month()).await?;
    let mut identified = Vec::new();
    for person in &candidates {
        let count = Count::of(store::contacts_of(conn, *person, now).await?, now);
        if !threshold.is_passed_by(&count) {
            continue;
        }
        let entry = Entry {
            id: uuid::Uuid::new_v4(),
            person: *person,
            team,
            identified_at: now,
            count,
            status: EntryStatus::Identified,
            review_by: review_by(now),
            next_step: None,
            note: String::new(),
            reviewed_by: None,
            reviewer_name: String::new(),
            reviewed_at: None,
            ended_at: None,
            asked_review_at: None,
            asked_words: String::new(),
        };
        store::insert_entry(conn, &entry).await?;
        let relationship = super::access::relationship(
            *person,
            team,
            team_record.organisation_id(),
            now,
            entry.review_by,
        );
        super::ending::schedule(conn, &entry, 1, now).await?;
        tell_the_person(
            conn,
            outbox,
            *person,
            &told(&entry, team_record.name()),
            now,
        )
        .await?;
        for member in users::users_of_team(conn, team).await? {
            outbox.push(
                Recipient::User(member.id()),
                Message {
                    kind: "frequent-contact".into(),
                    subject: "Someone new to offer support to".into(),
                    body: format!(
                        "A person is now in frequent contact with the partnership's services \
                         ({}). Review by {}: offer support, review their crisis plan, or open \
                         a multi-agency case.",
                        count.describe(),
                        long_date(entry.review_by.date_naive())
                    ),
                    link: Some("/frequent-contact".into()),
                    person: Some(*person),
                },
                now,
            );
        }
        identified.push(Identified {
            person: *person,
            team,
            count,
            review_by: entry.review_by,
            relationship,
        });
    }
    Ok(identified)
}

/// What the person is told, in plain words.
fn told(entry: &Entry, team: &str) -> Message {
    Message {
        kind: "frequent-contact".into(),
        subject: "We would like to offer you support".into(),
        body: format!(
            "You have been in touch with emergency services often lately ({}). The {team} \
             would like to offer you support and may read your record to do that until {}. \
             This changes nothing about the help you get when you call: you will always get \
             the same response. You can see this and ask for it to be looked at again on your \
             frequent contact page.",
            entry.count.describe(),
            long_date(entry.review_by.date_naive())
        ),
        link: Some("/my/frequent-contact".into()),
        person: Some(entry.person),
    }
}

/// Audits each identification — why, and until when the support team may
/// read the record — and writes the team's relationship in the audit
/// entry's own transaction.
pub async fn audit_identified(
    state: &AppState,
    identified: Vec<Identified>,
) -> Result<(), crate::authorisation::AccessError> {
    for one in identified {
        super::access::open(
            state,
            super::access::Grant {
                actor: None,
                purpose: None,
                what: format!(
                    "identified as in frequent contact: {}",
                    one.count.describe()
                ),
                until: one.review_by,
                opening: Opening::New(one.relationship),
            },
        )
        .await?;
    }
    Ok(())
}
