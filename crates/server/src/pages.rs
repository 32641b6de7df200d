//! The HTML pages. Server-rendered, usable without JavaScript, built for a
//! phone as much as a desk: every page works at 320 px wide.

pub mod agreements;
pub mod break_glass;
pub mod consent;
pub mod contacts;
pub mod coverage;
pub mod crisis_lookup;
pub mod crisis_plan;
pub mod directory;
pub mod error;
pub mod extract;
pub mod flags;
pub mod governance;
pub mod home;
pub mod inbox;
pub mod layout;
pub mod mine;
pub mod persons;
mod reader;
pub mod referrals;
mod session;
pub mod sign_in;
pub mod threads;
pub mod users;
pub mod webhooks;
pub mod words;

use axum::routing::{get, post};
use axum::Router;

use crate::AppState;
pub use error::PageError;
pub use extract::{PageForm, PagePath, PageQuery};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/directory", get(directory::directory))
        .route("/users", get(users::list))
        .route("/admin/webhooks", get(webhooks::page))
        .route(
            "/admin/webhooks/deliveries/{id}/retry",
            post(webhooks::retry),
        )
        .route(
            "/agreements",
            get(agreements::list).post(agreements::create),
        )
        .route("/agreements/new", get(agreements::new_form))
        .route("/agreements/{id}", get(agreements::view))
        .route(
            "/agreements/{id}/edit",
            get(agreements::edit_form).post(agreements::amend),
        )
        .route("/agreements/{id}/sign", post(agreements::sign))
        .route("/agreements/{id}/suspend", post(agreements::suspend))
        .route("/agreements/{id}/resume", post(agreements::resume))
        .route("/agreements/{id}/end", post(agreements::end))
        .route("/persons", get(persons::find))
        .route("/persons/{id}", get(persons::view))
        .route(
            "/persons/{id}/break-glass",
            get(break_glass::form).post(break_glass::claim),
        )
        .route(
            "/persons/{id}/consent",
            get(consent::view).post(consent::record),
        )
        .route(
            "/persons/{id}/consent/{consent_id}/withdraw",
            post(consent::withdraw),
        )
        .route(
            "/persons/{id}/carers/{related_person_id}/sharing",
            post(consent::carer_sharing),
        )
        .route("/persons/{id}/crisis-plan", get(crisis_plan::view))
        .route(
            "/persons/{id}/crisis-plan/edit",
            get(crisis_plan::edit::form).post(crisis_plan::edit::save),
        )
        .route(
            "/persons/{id}/crisis-plan/agree",
            post(crisis_plan::agree::agree),
        )
        .route(
            "/persons/{id}/crisis-plan/versions/{number}",
            get(crisis_plan::version),
        )
        .route("/persons/{id}/crisis-plan/diff", get(crisis_plan::diff))
        .route("/persons/{id}/flags", get(flags::list).post(flags::raise))
        .route("/persons/{id}/flags/{flag_id}/review", post(flags::review))
        .route("/persons/{id}/contacts", post(contacts::record))
        .route(
            "/crisis-lookup",
            get(crisis_lookup::form).post(crisis_lookup::look_up),
        )
        .route("/crisis-plans/overdue", get(coverage::overdue))
        .route("/crisis-plans/coverage", get(coverage::report))
        .route("/crisis-plans/coverage.csv", get(coverage::csv))
        .route("/my/crisis-plan", get(crisis_plan::mine))
        .route("/my/referrals", get(referrals::mine))
        .route("/my/access-log", get(mine::access_log))
        .route("/my/record", get(mine::record))
        .route("/my/consent", get(mine::consent))
        .route("/governance/audit", get(governance::audit::search))
        .route(
            "/governance/break-glass",
            get(governance::break_glass::queue),
        )
        .route(
            "/governance/break-glass/{id}/review",
            post(governance::break_glass::review),
        )
        .route(
            "/governance/break-glass/{id}/defer",
            post(governance::break_glass::defer),
        )
        .route("/referrals", get(referrals::list).post(referrals::send))
        .route("/referrals/new", get(referrals::new))
        .route("/referrals/{id}", get(referrals::show))
        .route("/referrals/{id}/act", post(referrals::act))
        .route("/threads", get(threads::list))
        .route("/threads/{id}", get(threads::show).post(threads::reply))
        .route(
            "/threads/{id}/messages/{message_id}/acknowledge",
            post(threads::acknowledge),
        )
        .route("/persons/{id}/threads/new", get(threads::new))
        .route("/persons/{id}/threads", post(threads::start))
        .route("/inbox", get(inbox::inbox))
        .route("/inbox/read", post(inbox::mark_read))
        .route("/static/app.css", get(layout::stylesheet))
}
