//! What a crisis look-up shows of the person it found: the agreed plan's
//! essentials, active flags and whom to call, each only as far as the
//! decision allowed — from the parts kept under the access versions, or
//! read once, on one connection, after the decision.

use chrono::NaiveDate;
use concordat_domain::category::DataCategory;
use concordat_domain::crisis_plan::{
    PersonalContact, PlanVersion, ProfessionalContact, ReviewStatus,
};
use concordat_domain::flag::{FlagStatus, SafetyFlag};
use concordat_domain::person::Person;
use concordat_store::{care_teams, AccessVersions, StoreError};
use serde::Serialize;

use std::sync::Arc;

use super::parts::CrisisParts;
use crate::authorisation::Authorisation;
use crate::AppState;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LeadProfessional {
    pub name: String,
    pub organisation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duty_phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanSummary {
    pub version: u32,
    pub agreed_on: NaiveDate,
    pub review: ReviewStatus,
    /// "agreed 3 March 2026, review overdue since 3 September 2026".
    pub standing: String,
    pub early_warning_signs: String,
    pub what_helps: String,
    pub what_does_not_help: String,
    pub people_to_contact: Vec<PersonalContact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub out_of_hours: Option<ProfessionalContact>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FlagSummary {
    pub category: &'static str,
    pub category_label: &'static str,
    pub severity: &'static str,
    pub summary: String,
    pub raised_on: NaiveDate,
    pub review_on: NaiveDate,
    pub review_overdue: bool,
}

/// What a crisis role sees of a person: the plan's essentials, active
/// flags, whom to call — within what the agreement grants.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CrisisSummary {
    pub person_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    /// Whether an agreed plan exists, said even when the plan itself is
    /// withheld.
    pub plan_exists: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flags: Option<Vec<FlagSummary>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_professional: Option<LeadProfessional>,
    pub break_glass: bool,
    pub withheld: Vec<crate::record::WithheldCategory>,
    pub audit_entry: u64,
}

/// What the store holds that a look-up may show: the agreed plan (whose
/// existence is always said), and the flags and the lead professional
/// only if their categories were allowed.
pub(super) struct Shown {
    pub plan: Option<PlanVersion>,
    pub flags: Option<Vec<SafetyFlag>>,
    pub lead: Option<care_teams::LeadProfessional>,
}

impl Shown {
    /// What `authorisation` lets be shown of `person`, and nothing more,
    /// from the parts kept under `versions` (read now if none are).
    pub(super) async fn read(
        state: &AppState,
        person: &Person,
        versions: AccessVersions,
        authorisation: &Authorisation,
    ) -> Result<Self, StoreError> {
        let parts = match state.crisis_parts.get(&person.id(), &versions) {
            Some(kept) => kept,
            None => {
                let mut conn = state.store.read().await?;
                let read = Arc::new(CrisisParts::load(&mut conn, person.id()).await?);
                state
                    .crisis_parts
                    .keep(person.id(), versions, Arc::clone(&read));
                read
            }
        };
        let flags = authorisation
            .allows(DataCategory::Risk)
            .then(|| parts.flags.clone());
        // The lead professional is whom the plan says to reach: shown with
        // the plan, under the same grant.
        let lead = authorisation
            .allows(DataCategory::CrisisPlan)
            .then(|| parts.lead.clone())
            .flatten();
        Ok(Self {
            plan: parts.plan.clone(),
            flags,
            lead,
        })
    }

    pub(super) fn plan_exists(&self) -> bool {
        self.plan.is_some()
    }

    /// The summary, as of `state`'s today.
    pub(super) fn summary(
        self,
        state: &AppState,
        person: &Person,
        authorisation: &Authorisation,
    ) -> CrisisSummary {
        let today = state.clock.now().date_naive();
        let demographics = authorisation.allows(DataCategory::Demographics);
        let plan_allowed = authorisation.allows(DataCategory::CrisisPlan);
        let plan_exists = self.plan_exists();
        let plan = self
            .plan
            .as_ref()
            .filter(|_| plan_allowed)
            .and_then(|v| plan_summary(v, today));
        CrisisSummary {
            person_id: person.id().to_string(),
            name: demographics.then(|| person.name().full()),
            birth_date: demographics.then(|| person.birth_date().date()),
            plan_exists,
            plan,
            flags: self.flags.map(|all| {
                all.iter()
                    .filter(|f| f.status(today) == FlagStatus::Active)
                    .map(|f| flag_summary(f, today))
                    .collect()
            }),
            lead_professional: self.lead.map(|lead| LeadProfessional {
                name: lead.name,
                organisation: lead.organisation,
                team: lead.team,
                duty_phone: lead.duty_phone,
            }),
            break_glass: authorisation.via_break_glass(),
            withheld: crate::record::withheld(authorisation),
            audit_entry: authorisation.audit_seq,
        }
    }
}

fn plan_summary(v: &PlanVersion, today: NaiveDate) -> Option<PlanSummary> {
    Some(PlanSummary {
        version: v.number,
        agreed_on: v.agreed_at?.date_naive(),
        review: v.review_status(today)?,
        standing: v.standing(today)?,
        early_warning_signs: v.sections.early_warning_signs.clone(),
        what_helps: v.sections.what_helps.clone(),
        what_does_not_help: v.sections.what_does_not_help.clone(),
        people_to_contact: v.sections.people_to_contact.clone(),
        out_of_hours: v.sections.out_of_hours_contact().cloned(),
    })
}

fn flag_summary(f: &SafetyFlag, today: NaiveDate) -> FlagSummary {
    FlagSummary {
        category: f.category.as_str(),
        category_label: f.category.label(),
        severity: f.severity.as_str(),
        summary: f.summary.clone(),
        raised_on: f.raised_at.date_naive(),
        review_on: f.review_on,
        review_overdue: f.review_overdue(today),
    }
}
