//! The answer to one access request: allowed or denied, the rules that
//! decided it and the reasons in words, the agreement it was made under,
//! and whether a break-glass override was in play. The same value is shown
//! to the user (a denial's first reason names the rule for the 403) and
//! written to the audit (every reason, allowed or denied).

use concordat_domain::ids::AgreementId;

/// The ids of the rules callers act on. The engine refuses to start if a
/// policy it relies on is missing, so these always name a loaded rule
/// (except the two the engine itself reports, listed last).
pub mod policy_ids {
    /// A professional with no current relationship to the person. The server
    /// answers as if the person did not exist, so a stranger cannot learn
    /// who is on the system.
    pub const RELATIONSHIP_REQUIRED: &str = "relationship-required";
    pub const AGREEMENT_REQUIRED: &str = "agreement-required";
    pub const CONSENT_REFUSED: &str = "consent-refused";
    pub const COMMISSIONING: &str = "commissioning-sees-no-records";
    pub const OWN_RECORD_ONLY: &str = "own-record-only";
    pub const OWN_PLAN: &str = "own-plan";
    pub const OWN_CHOICES: &str = "own-choices";
    /// The person saying how they describe themselves (sex, ethnic category).
    pub const OWN_DESCRIPTION: &str = "own-description";
    /// A carer's access to what the person has chosen to let them see.
    pub const CARER_TOLD: &str = "carer-told";
    /// A carer asking about anyone but the person they care for: answered
    /// as if there were no one.
    pub const CARER_OF_THIS_PERSON_ONLY: &str = "carer-of-this-person-only";
    /// A carer asking for anything else of the person they care for.
    pub const CARERS_SEE_ONLY_WHAT_THEY_ARE_TOLD: &str = "carers-see-only-what-they-are-told";
    /// A source system reads nothing and writes only the contacts it reports.
    pub const SOURCE_SYSTEMS_ONLY_REPORT: &str = "source-systems-only-report";
    /// The person's sharing choices, seen and changed by their care team only.
    pub const SHARING_CHOICES: &str = "sharing-choices-are-the-care-teams";
    /// The permit of a professional's access under an agreement.
    pub const SHARED_UNDER_AGREEMENT: &str = "shared-under-agreement";
    /// A standing refusal lifted, while a crisis is in progress, by the
    /// person's own advance choice.
    pub const ADVANCE_CHOICE: &str = "advance-choice-lifts-refusal";
    /// Marks an access made under a live break-glass override.
    pub const BREAK_GLASS: &str = "break-glass";
    pub const FIELD_WITHHELD: &str = "field-withheld";
    /// Not a policy: the request could not be evaluated (a fact Cedar
    /// refused, or an error inside a rule), so it was denied.
    pub const ENGINE_ERROR: &str = "access-engine-error";
    /// Not a policy: no rule permitted the request and none forbade it.
    pub const NO_RULE_PERMITS: &str = "no-rule-permits";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Allowed,
    Denied,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::Denied => "denied",
        }
    }
}

/// Whether a rule grants or takes away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleEffect {
    Permit,
    Forbid,
}

/// One rule that determined a decision, and what it means here.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reason {
    /// The rule's `@id` ("consent-refused").
    pub policy: String,
    pub effect: RuleEffect,
    /// The rule's `@reason`, filled in ("the person has refused sharing with
    /// Northshire Police").
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    outcome: Outcome,
    // INVARIANT: for a denial, forbids only, the decisive one first; for an
    // allowed request, permits only, in the order the rules are read.
    reasons: Vec<Reason>,
    agreement: Option<AgreementId>,
    break_glass: bool,
    error: Option<String>,
}

impl Decision {
    pub(crate) fn allowed(reasons: Vec<Reason>, agreement: Option<AgreementId>) -> Self {
        let by = |id: &str| reasons.iter().any(|r| r.policy == id);
        let break_glass = by(policy_ids::BREAK_GLASS);
        // The person's own access is not made under an agreement, even when
        // their account's organisation is party to some.
        let agreement = agreement.filter(|_| by(policy_ids::SHARED_UNDER_AGREEMENT));
        Self {
            outcome: Outcome::Allowed,
            reasons,
            agreement,
            break_glass,
            error: None,
        }
    }

    pub(crate) fn denied(reasons: Vec<Reason>) -> Self {
        Self {
            outcome: Outcome::Denied,
            reasons,
            agreement: None,
            break_glass: false,
            error: None,
        }
    }

    /// Fail closed: a request the engine could not evaluate is denied, with
    /// the detail kept for the log and the audit, not for the user.
    pub(crate) fn failed(detail: String) -> Self {
        Self {
            error: Some(detail),
            ..Self::denied(vec![Reason {
                policy: policy_ids::ENGINE_ERROR.into(),
                effect: RuleEffect::Forbid,
                text: "the access decision could not be made, so access is refused".into(),
            }])
        }
    }

    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    pub fn is_allowed(&self) -> bool {
        self.outcome == Outcome::Allowed
    }

    /// Every rule that determined the decision. A denial lists the decisive
    /// rule first.
    pub fn reasons(&self) -> &[Reason] {
        &self.reasons
    }

    /// For a denial, the rule named to the user (the first forbidding rule
    /// in reading order).
    pub fn denied_by(&self) -> Option<&Reason> {
        match self.outcome {
            Outcome::Denied => self.reasons.first(),
            Outcome::Allowed => None,
        }
    }

    /// The id of the rule that denied, or nothing when allowed.
    pub fn denying_rule(&self) -> String {
        self.denied_by()
            .map(|r| r.policy.clone())
            .unwrap_or_default()
    }

    /// Whether the rule with this id is among those that decided.
    pub fn determined_by(&self, policy: &str) -> bool {
        self.reasons.iter().any(|r| r.policy == policy)
    }

    /// The agreement the access was allowed under; `None` for a denial and
    /// for the person's own access.
    pub fn agreement(&self) -> Option<AgreementId> {
        self.agreement
    }

    /// Whether the access was allowed while a break-glass override was live:
    /// the audit marks it as an emergency override for governance review and
    /// shows it to the person.
    pub fn via_break_glass(&self) -> bool {
        self.break_glass
    }

    /// Why the engine could not evaluate the request, when it could not.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The reasons in one line: "the person has refused sharing with
    /// Northshire Police; you have no current relationship with this person".
    pub fn explanation(&self) -> String {
        self.reasons
            .iter()
            .map(|r| r.text.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
}
