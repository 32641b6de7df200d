//! The HTML pages. Server-rendered, usable without JavaScript, built for a
//! phone as much as a desk: every page works at 320 px wide.

pub mod accounts;
pub mod advance_choices;
pub mod agreements;
pub mod break_glass;
pub mod capacity;
pub mod carer;
pub mod cases;
pub mod consent;
mod contact_kinds;
pub mod contacts;
pub mod corrections;
pub mod coverage;
pub mod crisis_lookup;
pub mod crisis_plan;
mod date_input;
pub mod description;
pub mod directory;
mod emergency_access;
pub mod error;
pub mod extract;
pub mod faults;
pub mod flags;
pub mod frequent_contact;
pub mod governance;
pub mod home;
pub mod inbox;
pub mod layout;
pub mod matching;
pub mod merges;
pub mod mine;
pub mod outcomes;
pub mod own_copy;
pub mod paging;
pub mod partnership;
pub mod persons;
mod reader;
pub mod referrals;
mod session;
pub mod set_password;
pub mod sign_in;
pub mod threads;
pub mod told;
pub mod transparency;
pub mod users;
pub mod webhooks;
pub mod wellbeing;
pub mod words;

use axum::Router;

use crate::AppState;

/// Every page's routes: each feature's own, merged.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(home::router())
        .merge(sign_in::router())
        .merge(directory::router())
        .merge(users::router())
        .merge(accounts::router())
        .merge(partnership::router())
        .merge(set_password::router())
        .merge(webhooks::router())
        .merge(agreements::router())
        .merge(persons::router())
        .merge(break_glass::router())
        .merge(consent::router())
        .merge(crisis_plan::router())
        .merge(flags::router())
        .merge(contacts::router())
        .merge(crisis_lookup::router())
        .merge(coverage::router())
        .merge(outcomes::router())
        .merge(referrals::router())
        .merge(mine::router())
        .merge(governance::router())
        .merge(threads::router())
        .merge(inbox::router())
        .merge(told::router())
        .merge(description::router())
        .merge(frequent_contact::router())
        .merge(matching::router())
        .merge(merges::router())
        .merge(corrections::router())
        .merge(capacity::router())
        .merge(advance_choices::router())
        .merge(carer::router())
        .merge(cases::router())
        .merge(transparency::router())
        .merge(own_copy::router())
        .merge(wellbeing::router())
        .merge(layout::router())
}
