//! Concordat's access decision: the one function every read or write of a
//! person's record calls, and the field masks that shape what a read shows.
//! Pure logic, no I/O: the caller gathers the facts ([`AccessRequest`]) and
//! audits the [`Decision`].
//!
//! # Where the rules live
//!
//! Every rule is a Cedar policy in `policies/*.cedar`, validated against
//! `policies/concordat.cedarschema` (strict mode) when [`AccessEngine::new`]
//! runs; an invalid set is an error and the server does not start. Each
//! policy has an `@id` and a `@reason` in plain English. The Rust side only
//! translates facts into Cedar entities and context, copying without
//! judging: an ended agreement, an expired refusal or an
//! ended relationship reaches Cedar as it is, and the policies say that it
//! grants nothing.
//!
//! Permit rules open a route (a professional acting under an agreement, the
//! person reading their own record, a carer told what the person chose,
//! break-glass); forbid rules state each requirement
//! (`relationship-required`, `agreement-required`, `consent-refused`, …),
//! so that a denial is always *named* by the rule that denied it. A forbid
//! always wins over a permit — Cedar's own semantics — which is how "deny
//! wins over permit" holds.
//!
//! # Whom the rules are about
//!
//! Agreements, relationships, the person's refusals and advance choices,
//! and break-glass are about professionals: users who act for an
//! organisation of the partnership (`principal.professional`). The person
//! reading their own record is decided by `10-people.cedar` alone; a carer
//! the person invited, by `15-carers.cedar` alone — the items the person
//! lets them see now (`context.carer_items`), each as part of its own
//! category, the item they ask for (`context.carer_item`), and that they
//! care for this person. Nothing a professional's access turns on opens or
//! closes anything for either; each asks only with a purpose of their own
//! (own access, carer access), and nobody else may give it.
//!
//! # The Cedar modelling, and why one request becomes several evaluations
//!
//! Entities: the `User` (role, whether it is a crisis role, whether it is a
//! professional, organisation, for a person their own record and for a
//! carer the person they care for), the `Record` asked about (person and
//! category), each `Agreement` (status, signatures, parties, dates,
//! purposes, and its grants as *tags* named by role, so
//! `agreement.getTag(principal.role).reads.contains(resource.category)`
//! reads as the rule it is) and each `Consent` directive (effect, the
//! optional organisation, category and purpose it covers, optional expiry).
//! Context: the purpose, the time, the relationships (a set of `{kind,
//! ended}` records), the break-glass override if any, for a carer the item
//! asked about and the items (`{item, category}`) the person lets them see,
//! and the one agreement and one directive under consideration. Times are milliseconds since 1970
//! (`Long`): Cedar's `datetime` reads more kindly but parsing it costs about
//! ten microseconds each time, and a crisis look-up should not wait.
//!
//! Cedar has no iteration over sets: a rule cannot say "some agreement in
//! this list is active, signed, in date and covers the request", nor "some
//! refusal in this list matches and has not expired". Equality tests over
//! a set can be written (`containsAny` over the relationships), but date
//! comparisons against "some element" cannot. The ways around that move
//! rules into Rust: pre-filtering the live agreements or unexpired refusals
//! (the date rules would then be Rust), or entity hierarchies whose shape
//! depends on which facts apply (the same, hidden in the graph).
//!
//! So instead each Cedar evaluation points at *one* candidate agreement
//! (`context.agreement`) and *one* candidate directive (`context.consent`),
//! either absent when there are none, everything else the same. The engine
//! evaluates every agreement × directive pair and combines the answers as
//! Cedar combines rules, lifted over the candidates:
//!
//! > allowed ⇔ under some agreement, every directive's evaluation allows.
//!
//! That is "some permit and no forbid" again: an agreement is something to
//! act *under* (one suffices, and the decision records which), a refusal is
//! something to respect (any one forbids). The entities are built once per
//! decision and shared by its evaluations, which cost tens of microseconds
//! each; a record usually has one or two agreements and a few directives
//! (`benches/decide.rs` measures it).
//!
//! A denial lists the forbidding rules that hold under *every* agreement (a
//! refusal holds under all; "this agreement is suspended" does not when
//! another covers the request), the decisive one first: the first in
//! reading order (files by number, then as written). Any evaluation error
//! denies the request — Cedar skips a rule that errs, which for a forbid
//! rule would fail open.
//!
//! A refusal that forbids is asked about once more with each of the
//! person's advance choices (`context.advance_choice`, with the crises they
//! are in as `context.crises`): it is lifted if one of them allows, so
//!
//! > allowed ⇔ under some agreement, every directive's evaluation allows,
//! > alone or with one advance choice.
//!
//! Masks ([`AccessEngine::masks_for`]) are Cedar too (`70-masks.cedar`,
//! action `reveal`, one evaluation per masked field), so information
//! governance reviews every rule in one place.
//!
//! # Remembered decisions
//!
//! The engine remembers recent answers (`memo.rs`): the same facts with a
//! `now` on the same side of every time in them get the same answer, so a
//! record read a second time costs a comparison, not a dozen evaluations.
//! The facts are still gathered (or proven unchanged) by the caller for
//! every request; only Cedar's work is saved.

pub mod decision;
pub mod engine;
pub mod facts;
pub mod mask;
pub mod request;

mod memo;
mod policies;
mod reasons;
mod translate;

pub use decision::{policy_ids, Decision, Outcome, Reason, RuleEffect};
pub use engine::AccessEngine;
pub use facts::{
    AdvanceChoiceFacts, AgreementFacts, BreakGlassFacts, ConsentFacts, Crisis, LookUpReason,
    LookUpReasonError, Relationship, RelationshipKind,
};
pub use mask::{FieldMask, MaskedField};
pub use policies::PolicyError;
pub use request::{AccessAction, AccessRequest, Principal};
