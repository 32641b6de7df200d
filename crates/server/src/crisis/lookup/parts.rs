//! What a crisis look-up may show of a person besides the person row: the
//! agreed plan, the safety flags and the lead professional. Kept between
//! look-ups under the access versions, which agreeing a plan, writing a
//! flag and changing a care team or an account move; each look-up shows of
//! it only what its own decision allows.

use concordat_domain::crisis_plan::PlanVersion;
use concordat_domain::flag::SafetyFlag;
use concordat_domain::ids::PersonId;
use concordat_store::{care_teams, crisis_plans, flags, Conn, StoreError};

#[derive(Debug)]
pub struct CrisisParts {
    pub(super) plan: Option<PlanVersion>,
    /// Every flag, inactive and expired included: which are active is
    /// judged against the day of each look-up.
    pub(super) flags: Vec<SafetyFlag>,
    pub(super) lead: Option<care_teams::LeadProfessional>,
}

impl CrisisParts {
    pub(super) async fn load(conn: &mut Conn, person: PersonId) -> Result<Self, StoreError> {
        Ok(Self {
            plan: crisis_plans::agreed_version_of_person(conn, person).await?,
            flags: flags::flags_of(conn, person).await?,
            lead: care_teams::lead_professional_of(conn, person).await?,
        })
    }
}
