//! What an operator watches, in the Prometheus text format: requests by
//! route and status with their latency, access decisions by outcome, the
//! audit writer's batches and commit times, the job queue's depth and how
//! late its oldest due job is, and webhook attempts that failed.
//!
//! INVARIANT: no label names a person, a user or anything typed by one.
//! A route is its template (`/api/v1/persons/{id}`), never the path asked
//! for; a request that matched no route is `unmatched`. The labels are
//! methods, statuses, categories, actions, job kinds and failure classes:
//! words the code chose.
//!
//! A leaf: the HTTP side (`health::metrics`) reads the job queue and
//! serves the exposition on an address of its own (`--metrics-addr`),
//! never beside the record, so it needs no sign-in and reaches no one who
//! cannot reach that address.

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};
use concordat_access::{AccessAction, Decision};
use concordat_domain::category::DataCategory;
use concordat_store::audit::BatchObserver;
use concordat_store::jobs::Waiting;
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// The route label of a request that matched no route.
const UNMATCHED: &str = "unmatched";

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Answered {
    method: String,
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    method: String,
    route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Decided {
    action: &'static str,
    category: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Batch {
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Kind {
    kind: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Failure {
    class: &'static str,
}

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

/// Seconds from half a millisecond to about 16 s, doubling.
fn latency() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

/// Entries in a batch: 1 to 4,096, doubling.
fn batch_sizes() -> Histogram {
    Histogram::new(exponential_buckets(1.0, 2.0, 13))
}

/// This node's metrics; clone the `Arc` freely.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<Answered, Counter>,
    request_seconds: Histograms<Route>,
    decisions: Family<Decided, Counter>,
    audit_batch_entries: Histograms<Batch>,
    audit_commit_seconds: Histograms<Batch>,
    jobs_waiting: Family<Kind, Gauge>,
    jobs_oldest_due_seconds: Family<Kind, Gauge<f64, AtomicU64>>,
    webhook_failures: Family<Failure, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("concordat");
        let requests = Family::<Answered, Counter>::default();
        registry.register(
            "http_requests",
            "Requests answered, by route template and status",
            requests.clone(),
        );
        let request_seconds = Histograms::<Route>::new_with_constructor(latency as fn() -> _);
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's arrival to its answer's head, by route template",
            request_seconds.clone(),
        );
        let decisions = Family::<Decided, Counter>::default();
        registry.register(
            "access_decisions",
            "Access decisions, one per category asked about, by outcome",
            decisions.clone(),
        );
        let audit_batch_entries =
            Histograms::<Batch>::new_with_constructor(batch_sizes as fn() -> _);
        registry.register(
            "audit_batch_entries",
            "Audit entries written together in one transaction",
            audit_batch_entries.clone(),
        );
        let audit_commit_seconds = Histograms::<Batch>::new_with_constructor(latency as fn() -> _);
        registry.register(
            "audit_commit_duration_seconds",
            "Time to write and commit one batch of audit entries",
            audit_commit_seconds.clone(),
        );
        let jobs_waiting = Family::<Kind, Gauge>::default();
        registry.register(
            "jobs_waiting",
            "Jobs not yet done, by kind, when last scraped",
            jobs_waiting.clone(),
        );
        let jobs_oldest_due_seconds = Family::<Kind, Gauge<f64, AtomicU64>>::default();
        registry.register(
            "jobs_oldest_due_seconds",
            "How long the oldest due job of each kind has waited, when last scraped",
            jobs_oldest_due_seconds.clone(),
        );
        let webhook_failures = Family::<Failure, Counter>::default();
        registry.register(
            "webhook_failed_attempts",
            "Webhook attempts that failed, by how",
            webhook_failures.clone(),
        );
        Self {
            registry,
            requests,
            request_seconds,
            decisions,
            audit_batch_entries,
            audit_commit_seconds,
            jobs_waiting,
            jobs_oldest_due_seconds,
            webhook_failures,
        }
    }

    /// Counts each category's decision.
    pub fn decided(&self, action: AccessAction, decisions: &[(DataCategory, Decision)]) {
        let action = match action {
            AccessAction::Read => "read",
            AccessAction::Write => "write",
        };
        for (category, decision) in decisions {
            let outcome = if decision.is_allowed() {
                "allowed"
            } else {
                "denied"
            };
            self.decisions
                .get_or_create(&Decided {
                    action,
                    category: category.as_str(),
                    outcome,
                })
                .inc();
        }
    }

    /// Counts a webhook attempt that failed, by its class of failure.
    pub fn webhook_failed(&self, class: &'static str) {
        self.webhook_failures
            .get_or_create(&Failure { class })
            .inc();
    }

    fn answered(&self, method: &str, route: &str, status: StatusCode, took: Duration) {
        self.requests
            .get_or_create(&Answered {
                method: method.to_owned(),
                route: route.to_owned(),
                status: status.as_u16(),
            })
            .inc();
        self.request_seconds
            .get_or_create(&Route {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(took.as_secs_f64());
    }

    /// The text exposition, with the job queue as `waiting` says it
    /// stands at `now`.
    pub fn exposition(
        &self,
        waiting: Vec<Waiting>,
        now: DateTime<Utc>,
    ) -> Result<String, std::fmt::Error> {
        // Kinds with nothing waiting leave the exposition rather than
        // linger at their last figure.
        self.jobs_waiting.clear();
        self.jobs_oldest_due_seconds.clear();
        for w in waiting {
            let kind = Kind { kind: w.kind };
            self.jobs_waiting.get_or_create(&kind).set(w.count);
            let late = w.oldest_due.map_or(0.0, |due| {
                (now - due).num_milliseconds().max(0) as f64 / 1000.0
            });
            self.jobs_oldest_due_seconds.get_or_create(&kind).set(late);
        }
        let mut out = String::new();
        encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

impl BatchObserver for Metrics {
    fn written(&self, entries: usize, took: Duration, committed: bool) {
        let outcome = Batch {
            outcome: if committed { "committed" } else { "failed" },
        };
        self.audit_batch_entries
            .get_or_create(&outcome)
            .observe(entries as f64);
        self.audit_commit_seconds
            .get_or_create(&outcome)
            .observe(took.as_secs_f64());
    }
}

/// Middleware: counts and times every request by its route's template.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| UNMATCHED.to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    metrics.answered(&method, &route, response.status(), started.elapsed());
    response
}
