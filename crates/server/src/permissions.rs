//! Who may do which administrative act: see user accounts, see and manage
//! information sharing agreements, sign one for an organisation. This is the
//! ONE place those rules are written; the JSON API, the pages and the command
//! line all ask here, and each refusal says in words which rule refused.
//!
//! Access to a person's record is a different question, answered by the
//! access decision (agreements, consent, relationships), not here.

use std::fmt;

use concordat_domain::agreement::Agreement;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use concordat_domain::user::User;

/// Why an act was refused, in a sentence for the person refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(String);

impl Refusal {
    pub(crate) fn new(why: impl Into<String>) -> Self {
        Self(why.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Refusal> for String {
    fn from(refusal: Refusal) -> Self {
        refusal.0
    }
}

/// Whether a role may see user accounts at all (an ig-lead sees those of
/// their own organisation; the page narrows the list).
pub fn may_see_users(role: Role) -> bool {
    matches!(role, Role::Admin | Role::IgLead)
}

/// Seeing the partnership's agreements: information governance, who manage
/// them; administrators, who add the organisations that join them; and
/// commissioners, who oversee the partnership. Agreements hold no one's
/// personal data.
pub fn view_agreements(role: Role) -> Result<(), Refusal> {
    if matches!(role, Role::IgLead | Role::Admin | Role::Commissioner) {
        Ok(())
    } else {
        Err(Refusal::new(
            "only information governance leads, administrators and commissioners can see \
             information sharing agreements",
        ))
    }
}

pub fn may_view_agreements(role: Role) -> bool {
    view_agreements(role).is_ok()
}

/// Drafting a new agreement. Any information governance lead may propose
/// one: a draft grants nothing until every party has signed it.
pub fn manage_agreements(role: Role) -> Result<(), Refusal> {
    if role == Role::IgLead {
        Ok(())
    } else {
        Err(Refusal::new(
            "only an information governance lead can create or change information sharing \
             agreements",
        ))
    }
}

pub fn may_manage_agreements(role: Role) -> bool {
    manage_agreements(role).is_ok()
}

/// Registering an organisation's webhooks and seeing, and retrying, what
/// was delivered to them: its administrators and information governance
/// leads, for their own organisation only.
pub fn manage_webhooks(role: Role) -> Result<(), Refusal> {
    if matches!(role, Role::Admin | Role::IgLead) {
        Ok(())
    } else {
        Err(Refusal::new(
            "only an administrator or information governance lead can manage their \
             organisation's webhooks",
        ))
    }
}

/// Amending, suspending, resuming or ending an agreement: an information
/// governance lead of one of its parties. Any party may suspend sharing it
/// takes part in; an organisation outside the agreement may not touch it.
/// `organisation_name` is the user's organisation, to name it in a refusal.
pub fn govern_agreement(
    user: &User,
    agreement: &Agreement,
    organisation_name: &str,
) -> Result<(), Refusal> {
    manage_agreements(user.role())?;
    if agreement.terms().parties.contains(&user.organisation_id()) {
        Ok(())
    } else {
        Err(Refusal::new(format!(
            "{organisation_name} is not a party to this agreement; only its parties' \
             information governance leads can change it"
        )))
    }
}

pub fn may_govern_agreement(user: &User, agreement: &Agreement) -> bool {
    govern_agreement(user, agreement, "").is_ok()
}

/// Signing an agreement on behalf of an organisation: only that
/// organisation's own information governance lead, and only for a party.
pub fn sign_for(
    user: &User,
    agreement: &Agreement,
    organisation_name: &str,
) -> Result<(), Refusal> {
    if user.role() != Role::IgLead {
        return Err(Refusal::new(
            "only an information governance lead can sign an agreement for their organisation",
        ));
    }
    if !agreement.terms().parties.contains(&user.organisation_id()) {
        return Err(Refusal::new(format!(
            "{organisation_name} is not a party to this agreement, so cannot sign it"
        )));
    }
    Ok(())
}

pub fn may_sign_for(user: &User, agreement: &Agreement) -> bool {
    sign_for(user, agreement, "").is_ok()
}

/// Searching the audit and reviewing emergency overrides: information
/// governance leads only, for a purpose that may name people. The audit
/// says who looked at whose record, so it is not opened for commissioning
/// (de-identified figures only) nor for a person's own access.
pub fn govern_access(role: Role, purpose: Purpose) -> Result<(), Refusal> {
    if role != Role::IgLead {
        return Err(Refusal::new(
            "only information governance leads can search the audit and review break-glass",
        ));
    }
    if matches!(purpose, Purpose::Commissioning | Purpose::OwnAccess) {
        return Err(Refusal::new(format!(
            "the audit names people, so it is not searched or reviewed for {} ({}); ask \
             for a token for safeguarding ({})",
            purpose.label().to_lowercase(),
            purpose.code(),
            GOVERNANCE_PURPOSE.code()
        )));
    }
    Ok(())
}

/// Whether the role governs access at all (whose home page offers it).
pub fn may_govern(role: Role) -> bool {
    role == Role::IgLead
}

/// The purpose the governance pages act for: reviewing who looked at
/// people's records protects them from misuse.
pub const GOVERNANCE_PURPOSE: Purpose = Purpose::Safeguarding;

/// Break-glass is for practitioners acting for the person in an emergency;
/// governance, commissioning and administration roles never need it.
pub fn break_glass(role: Role) -> Result<(), Refusal> {
    if role.is_practitioner() {
        Ok(())
    } else {
        Err(Refusal::new(
            "break-glass is for practitioners acting in an emergency, not for this role",
        ))
    }
}

/// A person's own access log is theirs alone.
pub fn own_access_log(user: &User) -> Result<concordat_domain::ids::PersonId, Refusal> {
    user.person_id().ok_or_else(|| {
        Refusal::new("the access log here is for a person's own account; information governance searches the audit instead")
    })
}

/// Who is looking after a person's sharing choices in a given request (the
/// access decision says whether they may: `45-sharing-choices.cedar`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentSteward {
    /// The person, through their own account: the choice is recorded as
    /// made through their own account.
    OwnAccount,
    /// A member of the person's care team, recording what the person said
    /// (in person, by phone, by letter).
    CareTeam,
}

/// Looking a person up to read their record. The access decision still
/// decides each read; this says whose home page offers the look-up.
pub fn may_find_records(role: Role) -> bool {
    role.is_practitioner()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::NaiveDate;
    use concordat_domain::agreement::{AgreementTier, LawfulBasis, RoleGrant, Terms};
    use concordat_domain::category::DataCategory;
    use concordat_domain::ids::{AgreementId, OrganisationId, UserId};
    use concordat_domain::purpose::Purpose;
    use concordat_domain::user::{DisplayName, Username};

    use super::*;

    fn user(role: Role, organisation: OrganisationId) -> User {
        User::new(
            UserId::new(),
            Username::parse("someone").unwrap(),
            DisplayName::parse("Someone").unwrap(),
            organisation,
            None,
            role,
            None,
            false,
        )
        .unwrap()
    }

    fn agreement(parties: Vec<OrganisationId>) -> Agreement {
        let date = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
        Agreement::draft(
            AgreementId::new(),
            Terms {
                title: "Test".into(),
                tier: AgreementTier::Exchange,
                parties,
                purposes: BTreeSet::from([Purpose::DirectCare]),
                grants: vec![RoleGrant {
                    role: Role::SupportWorker,
                    read: BTreeSet::from([DataCategory::Referrals]),
                    write: BTreeSet::new(),
                }],
                lawful_basis: LawfulBasis::new("a", "b", "c").unwrap(),
                starts_on: date(1),
                ends_on: None,
                review_on: date(6),
            },
        )
        .unwrap()
    }

    #[test]
    fn only_information_governance_leads_manage_agreements() {
        for role in Role::ALL {
            assert_eq!(
                may_manage_agreements(role),
                role == Role::IgLead,
                "{role:?}"
            );
        }
    }

    #[test]
    fn governance_administration_and_commissioning_see_agreements() {
        for role in Role::ALL {
            assert_eq!(
                may_view_agreements(role),
                matches!(role, Role::IgLead | Role::Admin | Role::Commissioner),
                "{role:?}"
            );
        }
    }

    #[test]
    fn an_ig_lead_signs_only_for_their_own_party_organisation() {
        let (party, other) = (OrganisationId::new(), OrganisationId::new());
        let isa = agreement(vec![party, OrganisationId::new()]);
        assert!(may_sign_for(&user(Role::IgLead, party), &isa));
        assert!(may_govern_agreement(&user(Role::IgLead, party), &isa));
        let outsider = user(Role::IgLead, other);
        assert!(!may_sign_for(&outsider, &isa));
        assert!(!may_govern_agreement(&outsider, &isa));
        assert_eq!(
            sign_for(&outsider, &isa, "Northshire Police")
                .unwrap_err()
                .as_str(),
            "Northshire Police is not a party to this agreement, so cannot sign it"
        );
        for role in Role::ALL.into_iter().filter(|r| *r != Role::IgLead) {
            if matches!(role, Role::Person | Role::Carer) {
                continue; // neither account can be built without a record
            }
            assert!(!may_sign_for(&user(role, party), &isa), "{role:?}");
            assert!(!may_govern_agreement(&user(role, party), &isa), "{role:?}");
        }
    }

    #[test]
    fn administrators_and_ig_leads_see_user_accounts() {
        for role in Role::ALL {
            assert_eq!(
                may_see_users(role),
                matches!(role, Role::Admin | Role::IgLead)
            );
        }
    }
}
