//! The demo's advance choices: Leah Morgan refused sharing with the
//! police, and said, with her care coordinator as witness, that if she is
//! ever detained under section 136 the police may see her crisis plan —
//! and never her clinical notes.

use chrono::{DateTime, Duration, Utc};
use concordat_domain::advance_choice::{AdvanceChoice, ChoiceEffect, CrisisKind};
use concordat_domain::category::DataCategory;
use concordat_domain::consent::ConsentScope;
use concordat_domain::ids::{AdvanceChoicesId, OrganisationId, PersonId, UserId};
use concordat_store::advance_choices::AdvanceChoices;

/// Leah's document, witnessed a month after her refusal.
pub fn leahs(
    person: PersonId,
    witness: UserId,
    witness_name: &str,
    police: OrganisationId,
    now: DateTime<Utc>,
) -> AdvanceChoices {
    let police_may_see = |category| AdvanceChoice {
        effect: ChoiceEffect::LetDuringCrisis,
        during: Some(CrisisKind::Section136),
        scope: ConsentScope {
            organisation: Some(police),
            category: Some(category),
            purpose: None,
        },
    };
    let witnessed = now - Duration::days(20);
    AdvanceChoices {
        id: AdvanceChoicesId::new(),
        person,
        version: 0,
        statement: "I do not want the police to have my records. But if I am ever detained \
                    under section 136, they may see my crisis plan and what keeps me safe, so \
                    they know what helps me. They must never see my clinical notes."
            .into(),
        choices: vec![
            police_may_see(DataCategory::CrisisPlan),
            police_may_see(DataCategory::Demographics),
            police_may_see(DataCategory::Risk),
            AdvanceChoice {
                effect: ChoiceEffect::RefuseEvenInCrisis,
                during: None,
                scope: ConsentScope {
                    organisation: Some(police),
                    category: Some(DataCategory::Clinical),
                    purpose: None,
                },
            },
        ],
        witnessed_by: witness,
        witnessed_by_name: witness_name.to_owned(),
        witnessed_at: witnessed,
        review_by: (witnessed + Duration::days(365)).date_naive(),
        recorded_by: witness,
        recorded_at: witnessed,
        superseded_at: None,
    }
}
