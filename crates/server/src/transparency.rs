//! What the public may know of how the partnership shares information,
//! made from the agreements in force today and nothing else: which
//! organisations share, what each may see of a record and why, on which
//! lawful basis, what each never sees, and for how long. It changes the
//! moment an agreement is signed, suspended, amended or ended, because
//! it is worked out on every request from the agreements as they stand.
//! Agreements name organisations and roles, never a person, so this is
//! the one account of the partnership that needs no sign-in.

use chrono::NaiveDate;
use concordat_domain::agreement::Agreement;
use concordat_domain::category::DataCategory;
use concordat_domain::organisation::Organisation;
use concordat_domain::user::User;
use concordat_store::{agreements, organisations, users};

use crate::consent::{default_sharing, DefaultSharing};
use crate::error::ServiceError;
use crate::AppState;

/// What one kind of professional may do under an agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub role: &'static str,
    pub sees: Vec<&'static str>,
    pub adds: Vec<&'static str>,
}

/// One agreement in force, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InForce {
    pub title: String,
    pub organisations: Vec<String>,
    pub purposes: Vec<&'static str>,
    pub grants: Vec<Grant>,
    /// UK GDPR Article 6, Article 9, and the Data Protection Act 2018's
    /// Schedule 1 condition, as the agreement cites them.
    pub lawful_basis: [String; 3],
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub review_on: NaiveDate,
}

/// The partnership's sharing as of one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub as_of: NaiveDate,
    pub agreements: Vec<InForce>,
    /// Each organisation whose staff may see part of a record: what, why,
    /// and what never.
    pub organisations: Vec<DefaultSharing>,
}

fn labels(categories: &std::collections::BTreeSet<DataCategory>) -> Vec<&'static str> {
    categories.iter().map(|c| c.label()).collect()
}

/// The statement for `today`, from every agreement (those not in force are
/// left out), the organisations and the staff (whose roles say which of an
/// agreement's grants an organisation uses).
pub fn statement(
    all: &[Agreement],
    organisations: &[Organisation],
    staff: &[User],
    today: NaiveDate,
) -> Statement {
    let name = |id| {
        organisations
            .iter()
            .find(|o| o.id() == id)
            .map_or_else(String::new, |o| o.name().to_owned())
    };
    let mut agreements: Vec<InForce> = all
        .iter()
        .filter(|a| a.in_force(today))
        .map(|a| {
            let terms = a.terms();
            let mut parties: Vec<String> = terms.parties.iter().map(|p| name(*p)).collect();
            parties.sort();
            InForce {
                title: terms.title.clone(),
                organisations: parties,
                purposes: terms.purposes.iter().map(|p| p.plain()).collect(),
                grants: terms
                    .grants
                    .iter()
                    .map(|g| Grant {
                        role: g.role.label(),
                        sees: labels(&g.read),
                        adds: labels(&g.write),
                    })
                    .collect(),
                lawful_basis: [
                    terms.lawful_basis.article_6().to_owned(),
                    terms.lawful_basis.article_9().to_owned(),
                    terms.lawful_basis.dpa_schedule_1().to_owned(),
                ],
                starts_on: terms.starts_on,
                ends_on: terms.ends_on,
                review_on: terms.review_on,
            }
        })
        .collect();
    agreements.sort_by(|a, b| a.title.cmp(&b.title));
    Statement {
        as_of: today,
        agreements,
        organisations: default_sharing(all, organisations, staff, today),
    }
}

/// The statement as of today, read from the store.
pub async fn current(state: &AppState) -> Result<Statement, ServiceError> {
    let today = state.clock.now().date_naive();
    let mut conn = state.store.read().await?;
    let all = agreements::list_agreements(&mut conn).await?;
    let organisations = organisations::list_organisations(&mut conn).await?;
    let staff = users::list_users(&mut conn, None).await?;
    Ok(statement(&all, &organisations, &staff, today))
}

#[cfg(test)]
mod tests;
