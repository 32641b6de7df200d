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
//! person reading their own record, break-glass); forbid rules state each
//! requirement (`relationship-required`, `agreement-required`,
//! `consent-refused`, …), so that a denial is always *named* by the rule
//! that denied it. A forbid always wins over a permit — Cedar's own
//! semantics — which is how "deny wins over permit" holds.
//!
//! # The Cedar modelling, and why one request becomes several evaluations
//!
//! Cedar has no iteration over sets: a rule cannot say "some agreement in
//! this list is active, signed, in date and covers the request", nor "some
//! refusal in this list matches and has not expired". Conditions that only
//! test equality are expressible over sets — relationships are a set of
//! `{kind, ended}` records checked with `containsAny`, and an agreement's
//! grants a set of `{role, category}` records checked with `contains` — but
//! agreements and consent directives carry dates, and a date comparison
//! against "some element" cannot be written.
//!
//! The alternatives move rules into Rust: pre-filtering the live agreements
//! or unexpired refusals (the date rules would then be Rust), or entity
//! hierarchies whose shape depends on which facts apply (the same, hidden
//! in the graph). So instead each Cedar evaluation sees *one* candidate
//! agreement (`context.agreement`) and *one* candidate consent directive
//! (`context.consent`), either absent when there are none, with everything
//! else (user, record, purpose, time, relationships, break-glass) the same.
//! The engine evaluates every agreement × directive pair and combines the
//! answers exactly as Cedar combines rules, lifted over the candidates:
//!
//! > allowed ⇔ under some agreement, every directive's evaluation allows.
//!
//! That is "some permit and no forbid" again: an agreement is something to
//! act *under* (one suffices, and the decision records which), while a
//! refusal is something to respect (any one forbids). The cost is one
//! evaluation per pair — usually one or two agreements and a handful of
//! directives, a few tens of microseconds each; the bench measures it.
//! The entities (user, organisation, person, record) are built once per
//! decision and shared by its evaluations.
//!
//! A denial lists the forbidding rules that hold under *every* agreement (a
//! refusal holds under all; "this agreement is suspended" does not when
//! another covers the request), the decisive one first: the first in
//! reading order (files by number, then as written). Any evaluation error
//! denies the request — Cedar skips a rule that errs, which for a forbid
//! rule would fail open.
//!
//! Masks ([`AccessEngine::masks_for`]) are Cedar too (`70-masks.cedar`,
//! action `reveal`, one evaluation per masked field), so information
//! governance reviews every rule in one place.

pub mod decision;
pub mod engine;
pub mod facts;
pub mod mask;

pub mod request;

mod policies;
mod reasons;
mod translate;

pub use decision::{policy_ids, Decision, Outcome, Reason, RuleEffect};
pub use engine::AccessEngine;
pub use facts::{
    AgreementFacts, BreakGlassFacts, ConsentFacts, LookUpReason, LookUpReasonError, Relationship,
    RelationshipKind,
};
pub use mask::{FieldMask, MaskedField};
pub use policies::PolicyError;
pub use request::{AccessAction, AccessRequest, Actor};
