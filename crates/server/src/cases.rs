//! Multi-agency cases: professionals of several partner organisations
//! working with one person to one shared plan, with a lead professional
//! everyone can reach. A case may follow the frequent contact list's
//! review (`NextStep::MultiAgencyCase`) or any professional's concern for
//! a person they work with.
//!
//! Who sees what: a case is read under the `care-team` category, by its
//! current members only, each read decided by the access decision and
//! audited; anyone else — another organisation's user, a colleague of a
//! member, someone with no business with the person — gets exactly the
//! answer for no case. Membership is a `case-member` relationship for the
//! member alone, written by the audit writer with the entry that says why,
//! ended when the member leaves or the case closes; while it lasts, the
//! member reads what their agreement grants, no more. The lead professional
//! alone changes who is on the case and closes it; any member adds
//! actions, marks them done and records meetings. A missed action tells
//! its owner, then the lead ([`crate::escalation::case_action`]). The
//! person sees their case, its lead and its actions from their own account.

mod access;
mod actions;
mod closing;
mod meetings;
mod member_of;
mod membership;
mod opening;
mod own;
mod terms;
mod view;

pub use actions::{add_action, mark_done, NewActionInput};
pub use closing::close;
pub use concordat_store::cases::{Action, ActionId, Case, CaseId, Meeting, Member};
pub use meetings::{record_meeting, NewMeetingInput};
pub use member_of::{is_on_a_case, member_of};
pub use membership::{add_member, candidates, remove_member, set_lead};
pub use opening::open;
pub use own::{has_cases, mine};
pub use terms::CATEGORY;
pub use view::{case, of_person, CaseView, Named};
