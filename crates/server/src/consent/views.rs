//! A directive as it is shown, in plain words: "Everything in the record:
//! not to be shared with Northshire Police".

use chrono::{DateTime, Utc};
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{ConsentDirective, ConsentEffect};
use concordat_domain::organisation::Organisation;
use concordat_domain::purpose::Purpose;
use concordat_store::{Conn, StoreError};
use serde::Serialize;

use super::names::UserNames;

/// One directive as it is shown: who recorded it, when, how, and what it
/// means in plain words.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DirectiveView {
    pub id: String,
    pub effect: &'static str,
    pub organisation: Option<OrganisationRef>,
    pub category: Option<&'static str>,
    pub purpose: Option<&'static str>,
    /// "Everything in the record: not to be shared with Northshire Police".
    pub summary: String,
    pub recorded_by: String,
    pub recorded_by_organisation: String,
    pub recorded_at: DateTime<Utc>,
    pub via: &'static str,
    pub via_label: &'static str,
    pub capacity_note: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Recorded, not withdrawn and not expired, now.
    pub in_force: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrganisationRef {
    pub code: String,
    pub name: String,
}

/// A choice in plain words.
pub fn describe(
    effect: ConsentEffect,
    organisation: Option<&str>,
    category: Option<DataCategory>,
    purpose: Option<Purpose>,
) -> String {
    let what = category.map_or("Everything in the record", DataCategory::label);
    let verb = match effect {
        ConsentEffect::Deny => "not to be shared with",
        ConsentEffect::Permit => "may be shared with",
    };
    let whom = organisation.unwrap_or("anyone in the partnership");
    let why = purpose
        .map(|p| format!(", for {}", p.label().to_lowercase()))
        .unwrap_or_default();
    format!("{what}: {verb} {whom}{why}")
}

/// A directive in plain words, its organisation named.
pub(super) fn summary_of(directive: &ConsentDirective, organisation: Option<&str>) -> String {
    describe(
        directive.effect(),
        organisation,
        directive.scope().category,
        directive.scope().purpose,
    )
}

pub(super) fn organisation_name(orgs: &[Organisation], d: &ConsentDirective) -> Option<String> {
    d.scope().organisation.map(|id| {
        orgs.iter()
            .find(|o| o.id() == id)
            .map_or_else(|| id.to_string(), |o| o.name().to_owned())
    })
}

pub(super) async fn view(
    conn: &mut Conn,
    orgs: &[Organisation],
    names: &mut UserNames,
    d: &ConsentDirective,
    now: DateTime<Utc>,
) -> Result<DirectiveView, StoreError> {
    let scope = d.scope();
    let organisation = scope.organisation.map(|id| {
        let org = orgs.iter().find(|o| o.id() == id);
        OrganisationRef {
            code: org.map_or_else(|| id.to_string(), |o| o.code().as_str().to_owned()),
            name: org.map_or_else(|| id.to_string(), |o| o.name().to_owned()),
        }
    });
    let (recorded_by, recorded_by_organisation) = names.get(conn, d.recorded_by()).await?;
    Ok(DirectiveView {
        id: d.id().to_string(),
        effect: d.effect().as_str(),
        summary: describe(
            d.effect(),
            organisation.as_ref().map(|o| o.name.as_str()),
            scope.category,
            scope.purpose,
        ),
        organisation,
        category: scope.category.map(DataCategory::as_str),
        purpose: scope.purpose.map(Purpose::code),
        recorded_by,
        recorded_by_organisation,
        recorded_at: d.recorded_at(),
        via: d.via().as_str(),
        via_label: d.via().label(),
        capacity_note: d.capacity_note().map(str::to_owned),
        expires_at: d.expires_at(),
        withdrawn_at: d.withdrawn_at(),
        in_force: d.in_force(now),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_reads_as_a_sentence() {
        assert_eq!(
            describe(ConsentEffect::Deny, Some("Northshire Police"), None, None),
            "Everything in the record: not to be shared with Northshire Police"
        );
        assert_eq!(
            describe(
                ConsentEffect::Permit,
                None,
                Some(DataCategory::CrisisPlan),
                Some(Purpose::Emergency)
            ),
            "Crisis plan: may be shared with anyone in the partnership, for emergency treatment \
             or crisis response"
        );
    }
}
