//! The list's make-up for governance: how many people are on it by age
//! band, sex and ethnic group, small numbers hidden
//! ([`concordat_domain::suppression`]), so that disproportionality shows
//! and nobody on it can be picked out. Nothing here names anyone.

use concordat_domain::person::demography::{age_band, EthnicGroup, Sex, AGE_BANDS};
use concordat_domain::person::BirthDate;
use concordat_domain::role::Role;
use concordat_domain::suppression::{breakdown, Figure};
use concordat_store::frequent_contact as store;
use serde::Serialize;

use crate::authorisation::Viewer;
use crate::error::ServiceError;
use crate::AppState;

/// One breakdown: each row's label and figure, and the total.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Breakdown {
    pub title: &'static str,
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<(String, Figure)>,
    #[schema(value_type = Object)]
    pub total: Figure,
}

/// The list's make-up.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MakeUp {
    pub by_age: Breakdown,
    pub by_sex: Breakdown,
    pub by_ethnic_group: Breakdown,
}

/// Who may see the make-up: governance and commissioning.
fn may_see(viewer: &Viewer) -> Result<(), ServiceError> {
    if matches!(viewer.user.role(), Role::IgLead | Role::Commissioner) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "the make-up of the frequent contact list is for information governance and \
             commissioners"
                .into(),
        ))
    }
}

fn table(title: &'static str, labels: &[&str], counts: &[u64]) -> Breakdown {
    let (figures, total) = breakdown(counts);
    Breakdown {
        title,
        rows: labels
            .iter()
            .map(|l| (*l).to_owned())
            .zip(figures)
            .collect(),
        total,
    }
}

/// The make-up of the people now on the list.
pub async fn make_up(state: &AppState, viewer: &Viewer) -> Result<MakeUp, ServiceError> {
    may_see(viewer)?;
    let today = state.clock.now().date_naive();
    let people = {
        let mut conn = state.store.read().await?;
        store::make_up(&mut conn).await?
    };
    let mut ages = vec![0u64; AGE_BANDS.len()];
    let mut sexes = vec![0u64; Sex::ALL.len()];
    let mut groups = vec![0u64; EthnicGroup::ALL.len()];
    for p in &people {
        let age = BirthDate::new(p.birth_date, today).map_or(0, |born| born.age_on(today));
        let band = age_band(age);
        if let Some(i) = AGE_BANDS.iter().position(|(_, _, l)| *l == band) {
            ages[i] += 1;
        }
        let sex = p
            .sex
            .as_deref()
            .and_then(|s| Sex::parse(s).ok())
            .unwrap_or(Sex::Unknown);
        if let Some(i) = Sex::ALL.iter().position(|s| *s == sex) {
            sexes[i] += 1;
        }
        let group = EthnicGroup::of_category(p.ethnic_category.as_deref());
        if let Some(i) = EthnicGroup::ALL.iter().position(|g| *g == group) {
            groups[i] += 1;
        }
    }
    let age_labels: Vec<&str> = AGE_BANDS.iter().map(|(_, _, l)| *l).collect();
    let sex_labels: Vec<&str> = Sex::ALL.iter().map(|s| s.label()).collect();
    let group_labels: Vec<&str> = EthnicGroup::ALL.iter().map(|g| g.label()).collect();
    Ok(MakeUp {
        by_age: table("Age", &age_labels, &ages),
        by_sex: table("Sex", &sex_labels, &sexes),
        by_ethnic_group: table("Ethnic group", &group_labels, &groups),
    })
}
