//! The job that matches held events: every event still waiting is
//! compared with everyone Concordat knows, then linked (and recorded for
//! the person), put to a reviewer, or left unmatched. One job is scheduled
//! per batch that held anything; a job that finds nothing waiting (an
//! earlier one took its events) only finishes.

use concordat_store::held_events::{self, HeldCandidate, HeldEvent, HeldStatus};
use concordat_store::jobs::Job;
use concordat_store::linkage::rows_of_everyone;
use concordat_store::persons;

use super::recording::record_for;
use super::scoring::{score, Outcome, Scored};
use crate::scheduler::job::{complete, JobError};
use crate::AppState;

pub use super::schedule::{schedule, KIND};

/// Held events matched by one job; more wait for the next.
const PER_JOB: i64 = 5_000;

pub async fn run(state: &AppState, node: &str, job: &Job) -> Result<(), JobError> {
    let (waiting, people) = {
        let mut conn = state.store.read().await?;
        let waiting = held_events::with_status(&mut conn, HeldStatus::Waiting, PER_JOB).await?;
        let people = if waiting.is_empty() {
            Vec::new()
        } else {
            rows_of_everyone(&mut conn).await?
        };
        (waiting, people)
    };
    if !waiting.is_empty() {
        let details: Vec<_> = waiting.iter().map(|h| h.details.clone()).collect();
        let thresholds = state.config.link;
        // Estimating the model and weighing every pair is seconds of CPU
        // over a large partnership: off the threads that answer requests.
        let scored = tokio::task::spawn_blocking(move || score(&details, &people, thresholds))
            .await
            .map_err(|e| JobError::Transient(format!("matching stopped: {e}")))?;
        match scored {
            Ok(scored) => {
                for (held, scored) in waiting.into_iter().zip(scored) {
                    settle(state, held, scored).await?;
                }
            }
            Err(error) => {
                // The data gave no model (too few people to estimate one
                // from): every event is for the reviewers to match by eye.
                tracing::warn!(%error, "held events could not be scored");
                for mut held in waiting {
                    held.status = HeldStatus::Unmatched;
                    held.matched_at = Some(state.clock.now());
                    held.decision_note = format!("could not be compared: {error}");
                    let mut tx = state.store.write().await?;
                    held_events::save(&mut tx, &held).await?;
                    tx.commit().await?;
                }
            }
        }
    }
    let tx = state.store.write().await?;
    complete(tx, job, node, state.clock.now()).await?;
    Ok(())
}

/// Keeps what matching found for `held` and acts on it.
async fn settle(state: &AppState, mut held: HeldEvent, scored: Scored) -> Result<(), JobError> {
    let now = state.clock.now();
    let candidates: Vec<HeldCandidate> = scored
        .candidates
        .iter()
        .zip(0..)
        .map(|((person, evidence), rank)| {
            Ok(HeldCandidate {
                person: *person,
                rank,
                evidence: serde_json::to_string(evidence)
                    .map_err(|e| JobError::Unusable(e.to_string()))?,
            })
        })
        .collect::<Result<_, JobError>>()?;
    held.matched_at = Some(now);
    held.status = match scored.outcome {
        // A link waits as a review until the event is recorded, so that
        // an event whose recording fails is still before a reviewer.
        Outcome::Review | Outcome::Link(_) => HeldStatus::Review,
        Outcome::Unmatched => HeldStatus::Unmatched,
    };
    {
        let mut tx = state.store.write().await?;
        held_events::set_candidates(&mut tx, held.id, &candidates).await?;
        held_events::save(&mut tx, &held).await?;
        tx.commit().await?;
    }
    if let Outcome::Link(person) = scored.outcome {
        let found = {
            let mut conn = state.store.read().await?;
            persons::person_by_id(&mut conn, person).await?
        };
        if let Some(person) = found {
            record_for(state, &mut held, &person, None)
                .await
                .map_err(|e| JobError::Transient(e.to_string()))?;
        }
    }
    Ok(())
}
