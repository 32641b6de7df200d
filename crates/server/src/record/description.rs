//! How the person describes themselves — their sex and NHS ethnic
//! category — said in their own account and nowhere else: a professional
//! does not choose someone's ethnic category for them. Both are recorded
//! only so the partnership can see whether its services treat groups of
//! people differently (the make-up of the frequent contact list); no rule
//! decides anything about the person by them.

use concordat_access::AccessAction;
use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;
use concordat_domain::person::{EthnicCategory, Sex};
use concordat_store::persons;

use crate::authorisation::Viewer;
use crate::crisis::require;
use crate::error::{FieldError, ServiceError};
use crate::AppState;

/// What the person says of themselves; `None` where they say nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Description {
    pub sex: Option<Sex>,
    pub ethnic_category: Option<EthnicCategory>,
}

impl Description {
    /// Reads the wire's words (`female`, `A` …; empty for nothing said),
    /// every field at fault named.
    pub fn parse(sex: Option<&str>, ethnic_category: Option<&str>) -> Result<Self, ServiceError> {
        let mut faults = Vec::new();
        let sex = match given(sex).map(Sex::parse).transpose() {
            Ok(sex) => sex,
            Err(e) => {
                faults.push(FieldError::new("sex", e.to_string()));
                None
            }
        };
        let ethnic_category = match given(ethnic_category)
            .map(|c| EthnicCategory::parse(&c.to_ascii_uppercase()))
            .transpose()
        {
            Ok(category) => category,
            Err(e) => {
                faults.push(FieldError::new("ethnic_category", e.to_string()));
                None
            }
        };
        if faults.is_empty() {
            Ok(Self {
                sex,
                ethnic_category,
            })
        } else {
            Err(ServiceError::Invalid(faults))
        }
    }
}

fn own_person(viewer: &Viewer) -> Result<PersonId, ServiceError> {
    viewer.user.person_id().ok_or_else(|| {
        ServiceError::Forbidden(
            "only the person describes themselves, from their own account".into(),
        )
    })
}

/// What the person has said of themselves: read through the access
/// decision as any read of their record is.
pub async fn own(state: &AppState, viewer: &Viewer) -> Result<Description, ServiceError> {
    let person = own_person(viewer)?;
    require(
        state,
        viewer,
        person,
        AccessAction::Read,
        DataCategory::Demographics,
    )
    .await?;
    let (found, _) = state.reads.persons.read(person.into()).await?;
    let found = found.ok_or(ServiceError::NotFound)?;
    Ok(Description {
        sex: found.sex(),
        ethnic_category: found.ethnic_category(),
    })
}

/// Records what the person says of themselves, replacing what they said
/// before. Decided and audited as a write of their own record before it
/// is made.
pub async fn describe(
    state: &AppState,
    viewer: &Viewer,
    description: Description,
) -> Result<(), ServiceError> {
    let person = own_person(viewer)?;
    require(
        state,
        viewer,
        person,
        AccessAction::Write,
        DataCategory::Demographics,
    )
    .await?;
    let mut tx = state.store.write().await?;
    persons::set_demography(
        &mut tx,
        person,
        description.sex,
        description.ethnic_category,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The words given, trimmed; nothing for none or only spaces.
fn given(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|r| !r.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_into_a_description_and_empty_is_nothing_said() {
        assert_eq!(
            Description::parse(Some("female"), Some("n")).unwrap(),
            Description {
                sex: Some(Sex::Female),
                ethnic_category: Some(EthnicCategory::African),
            }
        );
        assert_eq!(
            Description::parse(Some(" "), None).unwrap(),
            Description::default()
        );
    }

    #[test]
    fn every_wrong_field_is_named() {
        let Err(ServiceError::Invalid(faults)) = Description::parse(Some("f"), Some("Q")) else {
            panic!("expected both fields at fault");
        };
        let fields: Vec<&str> = faults.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["sex", "ethnic_category"]);
    }
}
