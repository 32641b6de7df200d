//! Governance of access: claiming and reviewing break-glass, the person's own
//! access log, and the audit search for information governance. Shared by
//! the JSON API and the pages, so both say and do the same.

mod access_log;
mod audit_csv;
mod break_glass;
pub mod break_glass_notice;
mod governor;

pub use access_log::{
    access_log, export_audit, search_audit, AccessLogItem, AuditItem, AuditQuery, EXPORT_MOST,
};
pub use audit_csv::audit_csv;
pub use break_glass::{
    claim_break_glass, parse_deferral, record_deferral, record_review, review_queue, ClaimRequest,
    ReviewItem,
};

pub use crate::record::PersonRef;
