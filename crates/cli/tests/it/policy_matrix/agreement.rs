//! The one agreement: its terms (facts of the world, which the oracle
//! reads too), and its life, moved through every state of the agreement
//! dimension with the domain's own transitions.

use chrono::Duration;
use concordat_access::AccessAction;
use concordat_domain::agreement::{
    Agreement, AgreementStatus, AgreementTier, LawfulBasis, RoleGrant, Signature, Terms,
};
use concordat_domain::category::DataCategory;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use concordat_store::{agreements, Store};

use super::dimensions::{professional_roles, AgreementState, Side};
use super::world::{day, now, World};

/// The purposes the agreement names. Safeguarding is not among them, so the
/// agreement must stop it; commissioning and own access cannot be (the
/// domain refuses such terms), so their own rules must stop them.
pub(super) const AGREED_PURPOSES: [Purpose; 2] = [Purpose::DirectCare, Purpose::Emergency];

/// What the agreement lets each role read or write. Paramedics may write
/// contacts without reading them: writing does not imply reading.
pub(super) fn granted(role: Role, action: AccessAction) -> &'static [DataCategory] {
    use AccessAction::{Read, Write};
    use DataCategory as C;
    match (role, action) {
        (Role::CrisisClinician, Read) => &C::SHARED,
        (Role::CrisisClinician, Write) => &[C::CrisisPlan, C::Risk, C::Contacts, C::Clinical],
        (Role::MentalHealthPractitioner, Read) => &[
            C::Demographics,
            C::CrisisPlan,
            C::Risk,
            C::Contacts,
            C::CareTeam,
            C::Referrals,
            C::Messages,
            C::Clinical,
        ],
        (Role::MentalHealthPractitioner, Write) => {
            &[C::CrisisPlan, C::Risk, C::Messages, C::Clinical]
        }
        (Role::Gp, Read) => &[
            C::Demographics,
            C::CrisisPlan,
            C::Risk,
            C::CareTeam,
            C::Clinical,
        ],
        (Role::Gp, Write) => &[C::Referrals, C::Clinical],
        (Role::PoliceOfficer, Read) => &[C::Demographics, C::CrisisPlan, C::Risk, C::Contacts],
        (Role::PoliceOfficer, Write) => &[C::Contacts],
        (Role::Paramedic, Read) => &[C::Demographics, C::CrisisPlan, C::Risk, C::Clinical],
        (Role::Paramedic, Write) => &[C::Contacts, C::Clinical],
        (Role::EdClinician, Read) => &[
            C::Demographics,
            C::CrisisPlan,
            C::Risk,
            C::CareTeam,
            C::Clinical,
        ],
        (Role::EdClinician, Write) => &[C::Clinical],
        (Role::Nhs111Advisor, Read) => &[C::CrisisPlan, C::Risk],
        (Role::Nhs111Advisor, Write) => &[],
        (Role::SocialWorker, Read) => &[
            C::Demographics,
            C::Risk,
            C::CareTeam,
            C::Referrals,
            C::SocialCare,
        ],
        (Role::SocialWorker, Write) => &[C::Referrals, C::SocialCare],
        (Role::SupportWorker, Read) => &[C::CareTeam, C::Referrals, C::Messages],
        (Role::SupportWorker, Write) => &[C::Messages],
        // A source system reports contacts and reads nothing.
        (Role::SourceSystem, Read) => &[],
        (Role::SourceSystem, Write) => &[C::Contacts],
        // Governance, commissioning and administration are granted nothing;
        // the person's own access is no agreement's business.
        (
            Role::IgLead
            | Role::Commissioner
            | Role::WellbeingLead
            | Role::Admin
            | Role::Person
            | Role::Carer,
            _,
        ) => &[],
    }
}

pub(super) fn grants() -> Vec<RoleGrant> {
    professional_roles()
        .into_iter()
        .map(|role| RoleGrant {
            role,
            read: granted(role, AccessAction::Read).iter().copied().collect(),
            write: granted(role, AccessAction::Write).iter().copied().collect(),
        })
        .filter(|g| !g.read.is_empty() || !g.write.is_empty())
        .collect()
}

pub(super) fn terms(world: &World, out_of_date: bool) -> Terms {
    let (starts_on, ends_on, review_on) = if out_of_date {
        // Ended two days before the matrix's "now".
        (day(2024, 4, 1), day(2026, 3, 1), day(2025, 4, 1))
    } else {
        (day(2025, 4, 1), day(2027, 3, 31), day(2026, 4, 1))
    };
    Terms {
        title: "Northshire crisis care (policy matrix)".into(),
        tier: AgreementTier::Integrate,
        parties: vec![
            world.organisation(Side::Trust),
            world.organisation(Side::Police),
        ],
        purposes: AGREED_PURPOSES.into_iter().collect(),
        grants: grants(),
        lawful_basis: LawfulBasis::new(
            "Article 6(1)(e) public task",
            "Article 9(2)(h) health or social care",
            "Schedule 1 Part 1 paragraph 2 (health or social care purposes)",
        )
        .unwrap(),
        starts_on,
        ends_on: Some(ends_on),
        review_on,
    }
}

pub(super) fn signature(world: &World, side: Side) -> Signature {
    Signature {
        organisation: world.organisation(side),
        signed_by: world.colleague(side).id(),
        signed_at: now() - Duration::days(30),
    }
}

/// Moves the agreement to `state` from the state before it in
/// [`AGREEMENT_STATES`], with the domain's transitions, saving each step.
pub(super) async fn move_agreement(
    store: &Store,
    world: &World,
    current: Option<Agreement>,
    state: AgreementState,
) -> Agreement {
    let mut steps: Vec<(&str, Agreement)> = Vec::new();
    match state {
        AgreementState::DraftPartlySigned => {
            assert!(current.is_none());
            let draft = Agreement::draft(world.agreement, terms(world, false)).unwrap();
            let signed = draft.sign(signature(world, Side::Trust)).unwrap();
            steps.push(("created", draft));
            steps.push(("signed", signed));
        }
        AgreementState::Active => {
            let active = current
                .unwrap()
                .sign(signature(world, Side::Police))
                .unwrap();
            steps.push(("signed", active));
        }
        AgreementState::Suspended => {
            steps.push(("suspended", current.unwrap().suspend().unwrap()));
        }
        AgreementState::ActiveButPartlySigned => {
            // A new version goes back to draft; a row that nonetheless says
            // "active" while only the trust has signed it must grant nothing.
            let amended = current.unwrap().amend(terms(world, false)).unwrap();
            let claimed = Agreement::restore(
                amended.id(),
                amended.version(),
                amended.terms().clone(),
                AgreementStatus::Active,
                vec![signature(world, Side::Trust)],
            )
            .unwrap();
            steps.push(("amended", amended));
            steps.push(("marked active", claimed));
        }
        AgreementState::OutOfDate => {
            let amended = current.unwrap().amend(terms(world, true)).unwrap();
            let one = amended.sign(signature(world, Side::Trust)).unwrap();
            let both = one.sign(signature(world, Side::Police)).unwrap();
            steps.push(("amended", amended));
            steps.push(("signed", one));
            steps.push(("signed", both));
        }
        AgreementState::Ended => {
            // Back in date and signed by both, then ended: only the status
            // stands in the way.
            let amended = current.unwrap().amend(terms(world, false)).unwrap();
            let one = amended.sign(signature(world, Side::Trust)).unwrap();
            let both = one.sign(signature(world, Side::Police)).unwrap();
            let ended = both.end().unwrap();
            steps.push(("amended", amended));
            steps.push(("signed", one));
            steps.push(("signed", both));
            steps.push(("ended", ended));
        }
    }
    let mut tx = store.write().await.unwrap();
    for (event, agreement) in &steps {
        agreements::save_agreement(
            &mut tx,
            agreement,
            event,
            world.colleague(Side::Trust).id(),
            now(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let now_state = steps.pop().unwrap().1;

    // The state is what the matrix says it is.
    let today = now().date_naive();
    let (status, fully_signed, in_term) = (
        now_state.status(),
        now_state.is_fully_signed(),
        now_state.in_term(today),
    );
    let want = match state {
        AgreementState::DraftPartlySigned => (AgreementStatus::Draft, false, true),
        AgreementState::Active => (AgreementStatus::Active, true, true),
        AgreementState::Suspended => (AgreementStatus::Suspended, true, true),
        AgreementState::ActiveButPartlySigned => (AgreementStatus::Active, false, true),
        AgreementState::OutOfDate => (AgreementStatus::Active, true, false),
        AgreementState::Ended => (AgreementStatus::Ended, true, true),
    };
    assert_eq!((status, fully_signed, in_term), want, "{state:?}");
    now_state
}
