//! A registered source system: a partner's own system (a hospital's patient
//! administration system, an ambulance service's dispatch) that reports
//! contacts to the partnership under an account of its own. What it may
//! report is fixed when it is registered: kinds of contact its
//! organisation can truthfully report, and no others.

use std::collections::BTreeSet;

use crate::contact_event::ContactKind;
use crate::ids::UserId;
use crate::organisation::OrganisationKind;

/// A source system's registration: its account, and the kinds of contact
/// it reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSystem {
    user: UserId,
    // INVARIANT: not empty, and each kind is reported by the organisation's
    // kind (checked in `register`).
    kinds: BTreeSet<ContactKind>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceSystemError {
    #[error("name at least one kind of contact the system reports")]
    NoKinds,
    #[error("{organisation} cannot truthfully report {kind}: {expected}")]
    NotReportedBy {
        kind: &'static str,
        organisation: &'static str,
        expected: String,
    },
}

impl SourceSystem {
    /// A registration for the account `user` of an organisation of
    /// `organisation` kind, reporting `kinds`.
    pub fn register(
        user: UserId,
        organisation: OrganisationKind,
        kinds: impl IntoIterator<Item = ContactKind>,
    ) -> Result<Self, SourceSystemError> {
        let kinds: BTreeSet<ContactKind> = kinds.into_iter().collect();
        if kinds.is_empty() {
            return Err(SourceSystemError::NoKinds);
        }
        if let Some(kind) = kinds.iter().find(|k| !k.reported_by(organisation)) {
            let reportable: Vec<&str> = ContactKind::ALL
                .into_iter()
                .filter(|k| k.reported_by(organisation))
                .map(ContactKind::as_str)
                .collect();
            return Err(SourceSystemError::NotReportedBy {
                kind: kind.as_str(),
                organisation: organisation.label(),
                expected: format!("it reports {}", reportable.join(", ")),
            });
        }
        Ok(Self { user, kinds })
    }

    /// A registration as stored, trusted to have passed [`Self::register`].
    pub fn from_stored(user: UserId, kinds: BTreeSet<ContactKind>) -> Self {
        Self { user, kinds }
    }

    pub fn user(&self) -> UserId {
        self.user
    }

    pub fn kinds(&self) -> &BTreeSet<ContactKind> {
        &self.kinds
    }

    pub fn reports(&self, kind: ContactKind) -> bool {
        self.kinds.contains(&kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_emergency_department_registers_attendances_and_admissions() {
        let system = SourceSystem::register(
            UserId::new(),
            OrganisationKind::EmergencyDepartment,
            [ContactKind::EdAttendance, ContactKind::Admission],
        )
        .unwrap();
        assert!(system.reports(ContactKind::EdAttendance));
        assert!(!system.reports(ContactKind::Discharge));
    }

    #[test]
    fn a_gp_practice_cannot_register_emergency_department_attendances() {
        let err = SourceSystem::register(
            UserId::new(),
            OrganisationKind::GpPractice,
            [ContactKind::EdAttendance],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "GP practice cannot truthfully report ed-attendance: it reports advice-given"
        );
    }

    #[test]
    fn a_registration_names_some_kind() {
        assert_eq!(
            SourceSystem::register(UserId::new(), OrganisationKind::Ambulance, []),
            Err(SourceSystemError::NoKinds)
        );
    }
}
