//! The policy matrix, on the real path and on both stores: role ×
//! organisation × agreement state × consent × relationship × category ×
//! purpose × break-glass × read/write. Every store state is written to a
//! fresh database (SQLite, then PostgreSQL) through the store's own
//! functions, read back by `concordat_server::authorisation::gather`, decided by
//! `concordat_access::AccessEngine`, and each decision is checked against an
//! oracle written plainly from DESIGN.md ("The access decision") and
//! issue 3. The oracle never calls the engine or reads the policies: it
//! reasons about the world the test built, in its own words.
//!
//! Then property tests over random worlds at the fact level, through the
//! engine: a matching, unexpired refusal never yields access without a live
//! break-glass; an agreement that is ended, suspended, draft, unsigned, out
//! of date or not the user's never yields access; no current relationship
//! never yields access (except the person reading their own record); and on
//! any random world the engine agrees with a plain statement of the rules;
//! and a carer sees exactly what the person lets them, whatever else is
//! true.
//!
//! # The world
//!
//! Three organisations: a mental health trust and a police force, party to
//! one information sharing agreement, and an out-of-area emergency
//! department that is party to none. Each has one user per professional role
//! (13 roles × 3 = 39) and a colleague (a crisis role) who opens contacts,
//! makes look-ups and leads care teams. Each person has a care team, an
//! account of their own (the `person` role) and a nominated carer with an
//! account of theirs (the `carer` role, the trust's, which invited them); a
//! stranger's account stands for a person asking about someone else's
//! record, and the stranger's carer, whom the stranger lets see everything,
//! for a carer asking about someone else's.
//!
//! # The store-state dimensions (every combination is written and gathered)
//!
//! - agreement: draft and partly signed; active and signed by every party;
//!   suspended; marked active on a version only one party signed; active and
//!   signed but past its end date; ended — driven through its life with the
//!   domain's own transitions and saved with its history;
//! - consent: none; deny this organisation (the police); deny a category
//!   (clinical, with an expiry still to come); deny a purpose (emergency);
//!   a refusal of everything that has expired; one that was withdrawn; a
//!   permit; and a refusal of the police with a later permit for the police
//!   (deny wins); and five with advance choices and the contacts they wait
//!   for — the police let in during a section 136 that is open, that has
//!   ended, or with only a street triage open; a refusal of the police made
//!   to hold even in a crisis beside such a choice; the plan let in to the
//!   police for emergencies in any crisis (each written with break-glass
//!   none and live only);
//! - relationship, by its source: none; care-team member; a contact a
//!   source system reported naming the user's team; one naming another
//!   team; a contact the user recorded; one a colleague recorded; a contact
//!   naming no one (as stored before contacts were scoped); the user's own
//!   contact, ended; an open referral; the user's own crisis look-up with
//!   its reason; a colleague's crisis look-up; a source system's report (the
//!   relationship a report is to the source system deciding it, handed to
//!   every user here to show it is nobody else's);
//! - break-glass: none; live; expired; a colleague's live override.
//!
//! That is 6 × (8 × 4 + 5 × 2) × 12 = 3,024 store states. The person's state (consent,
//! relationship, break-glass) lives on a fresh person per combination, so
//! nothing carries over; the agreement is moved to its next state between
//! blocks.
//!
//! What the person lets their carer see is a store dimension too, but dealt
//! over the people in turn rather than crossed, since nothing else in the
//! store counts for a carer: no item chosen (the thread with the care team
//! only); some items, the others recorded as a "no"; every item; every item
//! and then two taken back; every item and then the carer's access
//! withdrawn. Each is written through the store's own functions and read
//! back by the gathering.
//!
//! # The sampled axes
//!
//! Under each store state the cells are user (49: 13 roles × 3
//! organisations, the person's own account and a stranger's, the person's
//! carer asking for each of the six items or for none, and the stranger's
//! carer) × category (10) × purpose (all 6: TREAT, ETREAT, PATSFTY, HOPERAT,
//! PATRQT and FAMRQT, the last two for every user, not only the person and
//! the carer) × read/write: 5,880 cells, 17.8 million in all. That is too slow for a debug build (a decision costs a
//! few hundred microseconds there), so under each store state the test
//! gathers for [`sampler::USERS_FOR_COVERAGE`] +
//! [`sampler::USERS_FOR_BALANCE`] users and checks
//! [`sampler::TRIPLES_PER_USER`] (category, purpose, action) for each,
//! chosen deterministically (see [`sampler::Sampler`]) so that every (user,
//! category, purpose, action) is checked under every value of every store
//! dimension — asserted at the end — and the rarer outcomes (allowed,
//! refused by consent alone) are checked as often as the store states offer
//! them. Set `CONCORDAT_POLICY_MATRIX_FULL=1` to check every cell instead.
//!
//! # What is checked
//!
//! For each cell: allowed or denied; the rules that decided, in order — for
//! a denial every forbidding rule, the decisive one (named to the user)
//! first; for an allowed access the permitting rules — whether it is marked
//! as break-glass, and that a professional's access names the agreement. A
//! carer's request carries the item it asks for, as the server's
//! `authorise_items` passes it.
//!
//! # Where each part is
//!
//! [`dimensions`] (the store-state dimensions and the sampled axes),
//! [`agreement`] (its terms and its life), [`world`] and [`subjects`] (the
//! world in the store), [`oracle`] (the rules, plainly), [`sampler`] (which
//! cells each store state checks), [`run`] (the matrix run);
//! [`random_worlds`] and [`properties`] (the property tests).

mod agreement;
mod dimensions;
mod oracle;
mod properties;
mod random_worlds;
mod run;
mod sampler;
mod subjects;
mod world;

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_cell_agrees_with_the_rules() {
        super::run::every_cell_agrees_with_the_rules(crate::harness::StoreKind::Sqlite).await;
    }
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_cell_agrees_with_the_rules() {
        super::run::every_cell_agrees_with_the_rules(crate::harness::StoreKind::Postgres).await;
    }
}
