//! The existence-leak sweep. The rule under test (security issue, and
//! DESIGN.md "The access decision"): any refusal that could tell the caller
//! whether a person exists — wrong purpose, no agreement, a refusal, own
//! record only — answers exactly as for no one, unless the caller already
//! has a relationship with the person (or is a crisis role using the
//! crisis look-up, which says a plan exists by design). Same status, same
//! body, same headers.
//!
//! Every route that takes a person, NHS number, referral, thread, message,
//! flag, consent directive, carer, crisis-plan version, break-glass use or
//! webhook delivery (`probes`; `route_table` keeps the table complete against
//! the routers' source) is called by every demo sign-in — on the API with a
//! token for each purpose of use, on the pages with a session and each
//! purpose where the page reads for one — on targets that exist but that
//! the caller has nothing to do with (`world`: a plain one, and one whose
//! person refused sharing with everyone), on the existing person with the
//! other id absent, and on a target that does not exist. Any difference in
//! status, headers (but `date`) or body from the answer for no one, and
//! any change a call on an existing target made to the store (`stored`),
//! is collected (`sweep`), and the test fails once with all of them,
//! grouped (`report`). Nothing is timed.

mod probes;
pub mod report;
mod route_table;
mod routes;
mod stored;
mod sweep;
mod world;

use crate::harness::TestApp;

async fn no_answer_tells_a_caller_without_a_relationship_whether_anyone_exists(app: TestApp) {
    let report = sweep::run(&app).await;
    eprintln!("{}", report.summary());
    assert!(report.is_clean(), "{report}");
}

/// The sweep's webhook (which leaves deliveries to probe) points at a
/// closed port on loopback, a network these tests name as reachable.
fn local_receivers(config: &mut concordat_server::ServerConfig) {
    crate::webhooks::local_receivers(config);
}

crate::on_both_stores!(with_local_receivers with local_receivers:
    no_answer_tells_a_caller_without_a_relationship_whether_anyone_exists
);
