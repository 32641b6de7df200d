//! The access engine: the one decision every read or write of personal data
//! calls. It holds the validated rules, turns a request's facts into Cedar
//! requests, asks Cedar, and puts the answers into a [`Decision`] with words.
//! How the facts become Cedar requests — one per candidate agreement and
//! consent directive — is explained in the crate documentation.

use cedar_policy::{Authorizer, Effect, Entities, Request, Response};

use concordat_domain::consent::ConsentEffect;

use crate::decision::{policy_ids, Decision, Reason, RuleEffect};
use crate::facts::AdvanceChoiceFacts;
use crate::mask::{FieldMask, MaskedField};
use crate::memo::Memo;
use crate::policies::{Policies, PolicyError, PolicyFile, FILES, SCHEMA};
use crate::reasons::{self, Subject};
use crate::request::AccessRequest;
use crate::translate::Translator;

/// The rules the engine itself refers to; it will not start without them.
const RELIED_ON: [&str; 13] = [
    policy_ids::CARER_TOLD,
    policy_ids::CARER_OF_THIS_PERSON_ONLY,
    policy_ids::CARERS_SEE_ONLY_WHAT_THEY_ARE_TOLD,
    policy_ids::SHARED_UNDER_AGREEMENT,
    policy_ids::RELATIONSHIP_REQUIRED,
    policy_ids::AGREEMENT_REQUIRED,
    policy_ids::CONSENT_REFUSED,
    policy_ids::COMMISSIONING,
    policy_ids::OWN_RECORD_ONLY,
    policy_ids::SOURCE_SYSTEMS_ONLY_REPORT,
    policy_ids::SHARING_CHOICES,
    policy_ids::BREAK_GLASS,
    policy_ids::FIELD_WITHHELD,
];

/// Built once at start-up and shared (it is `Send + Sync`); deciding needs
/// only `&self`.
#[derive(Debug)]
pub struct AccessEngine {
    policies: Policies,
    translator: Translator,
    authorizer: Authorizer,
    memo: Memo,
}

/// A rule found in one or more evaluations, with its precedence (the
/// position of the rule in reading order).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Found {
    rank: usize,
    reason: Reason,
}

impl AccessEngine {
    /// Loads and validates the rules in `policies/`. An error here means the
    /// rules cannot be trusted, and the server must not start.
    pub fn new() -> Result<Self, PolicyError> {
        Self::from_files(SCHEMA, &FILES)
    }

    pub(crate) fn from_files(schema: &str, files: &[PolicyFile<'_>]) -> Result<Self, PolicyError> {
        let policies = Policies::load(schema, files)?;
        for id in RELIED_ON {
            policies.position(id)?;
        }
        Ok(Self {
            policies,
            translator: Translator::new(),
            authorizer: Authorizer::new(),
            memo: Memo::new(),
        })
    }

    /// The same engine without remembered answers, its agreement entities
    /// still kept: for a caller whose requests never repeat (the policy
    /// matrix decides every combination of facts once), where remembering
    /// each answer is work that is never used.
    pub fn without_remembered_decisions(self) -> Self {
        Self {
            memo: Memo::off(),
            ..self
        }
    }

    /// The same engine without remembered answers or kept entities: every
    /// request is translated and evaluated in full. For measuring Cedar
    /// itself.
    pub fn without_memo(self) -> Self {
        Self {
            memo: Memo::off(),
            translator: Translator::keeping_nothing(),
            ..self
        }
    }

    /// Decides one request. Never fails: a request that cannot be evaluated
    /// is denied, with the detail in [`Decision::error`].
    pub fn decide(&self, request: &AccessRequest) -> Decision {
        if let Some(decision) = self.memo.decision(request) {
            return decision;
        }
        match self.try_decide(request) {
            Ok(decision) => {
                self.memo.remember_decision(request, &decision);
                decision
            }
            // Not remembered: a failure is worth trying again.
            Err(detail) => Decision::failed(detail),
        }
    }

    fn try_decide(&self, request: &AccessRequest) -> Result<Decision, String> {
        let schema = &self.policies.schema;
        let entities = self.translator.record_entities(request, schema)?;
        let shared = self.translator.shared_context(request);
        let agreements = candidates(&request.agreements);
        let consents = candidates(&request.consents);

        // INVARIANT: allowed only if, under one agreement, every consent
        // directive allows — Cedar's own "some permit, no forbid" carried
        // across the candidates (see the crate documentation).
        let mut blocked_whatever_the_agreement: Option<Vec<Found>> = None;
        let mut blocked_by_some: Vec<Found> = Vec::new();
        for agreement in agreements {
            let mut permits = Vec::new();
            let mut forbids = Vec::new();
            let mut allowed = true;
            for consent in &consents {
                let mut subject = Subject {
                    request,
                    agreement: agreement.map(|(_, a)| a),
                    consent: consent.map(|(_, c)| c),
                    advance_choice: None,
                    field: None,
                };
                let ask = |choice: Option<&AdvanceChoiceFacts>| {
                    self.translator
                        .record_request(request, &shared, agreement, *consent, choice, schema)
                        .and_then(|cedar| self.evaluate(&cedar, &entities))
                };
                let mut response = ask(None)?;
                // A refusal that forbids is asked about again with each of
                // the person's advance choices: lifted if one allows.
                if response.decision() != cedar_policy::Decision::Allow
                    && consent.is_some_and(|(_, c)| c.effect == ConsentEffect::Deny)
                {
                    for choice in &request.advance_choices {
                        let lifted = Subject {
                            advance_choice: Some(choice),
                            ..subject
                        };
                        let answer = ask(Some(choice))?;
                        if answer.decision() == cedar_policy::Decision::Allow {
                            (response, subject) = (answer, lifted);
                            break;
                        }
                    }
                }
                allowed &= response.decision() == cedar_policy::Decision::Allow;
                for found in self.found(&response, &subject) {
                    let list = match found.reason.effect {
                        RuleEffect::Permit => &mut permits,
                        RuleEffect::Forbid => &mut forbids,
                    };
                    push_unique(list, found);
                }
            }
            if allowed {
                return Ok(Decision::allowed(
                    in_reading_order(permits),
                    agreement.map(|(_, a)| a.id),
                ));
            }
            if forbids.is_empty() {
                forbids.push(no_rule_permits());
            }
            for found in &forbids {
                push_unique(&mut blocked_by_some, found.clone());
            }
            // Name what stands in the way under every agreement: a refusal
            // or a missing relationship blocks whichever agreement is used,
            // while one agreement being suspended says nothing when another
            // covers the request.
            blocked_whatever_the_agreement = Some(match blocked_whatever_the_agreement {
                None => forbids,
                Some(before) => before.into_iter().filter(|f| forbids.contains(f)).collect(),
            });
        }
        let reasons = match blocked_whatever_the_agreement {
            Some(common) if !common.is_empty() => common,
            _ => blocked_by_some,
        };
        Ok(Decision::denied(in_reading_order(reasons)))
    }

    /// The fields of the person's record that `request`'s user may not see,
    /// among `masks`. Fails closed: if the masks cannot be evaluated, every
    /// masked field is withheld.
    pub fn masks_for(&self, request: &AccessRequest, masks: &[FieldMask]) -> Vec<MaskedField> {
        if masks.is_empty() {
            return Vec::new();
        }
        if let Some(withheld) = self.memo.masks(request, masks) {
            return withheld;
        }
        let evaluated = self.try_masks_for(request, masks);
        if let Ok(withheld) = &evaluated {
            self.memo.remember_masks(request, masks, withheld);
        }
        evaluated.unwrap_or_else(|_| {
            masks
                .iter()
                .map(|mask| MaskedField {
                    field: mask.field.clone(),
                    reason: "withheld: the access decision could not be made".into(),
                })
                .collect()
        })
    }

    fn try_masks_for(
        &self,
        request: &AccessRequest,
        masks: &[FieldMask],
    ) -> Result<Vec<MaskedField>, String> {
        let schema = &self.policies.schema;
        let entities = self.translator.field_entities(request, masks, schema)?;
        let mut withheld = Vec::new();
        for mask in masks {
            let cedar = self.translator.field_request(request, mask, schema)?;
            let response = self.evaluate(&cedar, &entities)?;
            if response.decision() == cedar_policy::Decision::Allow {
                continue;
            }
            let subject = Subject {
                request,
                agreement: None,
                consent: None,
                advance_choice: None,
                field: Some(mask),
            };
            let reason = in_reading_order(self.found(&response, &subject))
                .into_iter()
                .next()
                .map_or_else(|| format!("withheld: {}", mask.field), |r| r.text);
            withheld.push(MaskedField {
                field: mask.field.clone(),
                reason,
            });
        }
        Ok(withheld)
    }

    fn evaluate(&self, request: &Request, entities: &Entities) -> Result<Response, String> {
        let response = self
            .authorizer
            .is_authorized(request, &self.policies.set, entities);
        // Cedar skips a rule whose evaluation errs. For a forbid rule that
        // would let the request through, so any error fails the decision.
        let errors: Vec<String> = response
            .diagnostics()
            .errors()
            .map(ToString::to_string)
            .collect();
        if errors.is_empty() {
            Ok(response)
        } else {
            Err(errors.join("; "))
        }
    }

    /// The rules that determined `response`, in words.
    fn found(&self, response: &Response, subject: &Subject<'_>) -> Vec<Found> {
        response
            .diagnostics()
            .reason()
            .filter_map(|id| self.policies.index.get(id).copied())
            .map(|rank| {
                let info = &self.policies.table[rank];
                Found {
                    rank,
                    reason: Reason {
                        policy: info.id.clone(),
                        effect: match info.effect {
                            Effect::Permit => RuleEffect::Permit,
                            Effect::Forbid => RuleEffect::Forbid,
                        },
                        text: reasons::render(&info.reason, subject),
                    },
                }
            })
            .collect()
    }
}

/// Each fact to consider in turn, with its position, or "none" when there
/// are none.
fn candidates<T>(facts: &[T]) -> Vec<Option<(usize, &T)>> {
    if facts.is_empty() {
        vec![None]
    } else {
        facts.iter().enumerate().map(Some).collect()
    }
}

fn push_unique(list: &mut Vec<Found>, found: Found) {
    if !list.contains(&found) {
        list.push(found);
    }
}

fn in_reading_order(mut found: Vec<Found>) -> Vec<Reason> {
    // Stable: two refusals under one rule keep the order of the directives.
    found.sort_by_key(|f| f.rank);
    found.into_iter().map(|f| f.reason).collect()
}

fn no_rule_permits() -> Found {
    Found {
        rank: usize::MAX,
        reason: Reason {
            policy: policy_ids::NO_RULE_PERMITS.into(),
            effect: RuleEffect::Forbid,
            text: "no rule permits this request".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::{NaiveDate, TimeZone, Utc};
    use concordat_domain::agreement::{AgreementStatus, RoleGrant};
    use concordat_domain::category::DataCategory;
    use concordat_domain::ids::{AgreementId, OrganisationId, PersonId, UserId};
    use concordat_domain::purpose::Purpose;
    use concordat_domain::role::Role;

    use super::*;
    use crate::facts::AgreementFacts;
    use crate::request::{AccessAction, Principal};
    use crate::Relationship;

    fn request() -> AccessRequest {
        AccessRequest {
            user: Principal {
                id: UserId::new(),
                role: Role::CrisisClinician,
                organisation: OrganisationId::new(),
                person: None,
                carer_of: None,
            },
            person: PersonId::new(),
            action: AccessAction::Read,
            category: DataCategory::CrisisPlan,
            purpose: Purpose::DirectCare,
            now: Utc.with_ymd_and_hms(2026, 3, 3, 3, 0, 0).unwrap(),
            agreements: Vec::new(),
            consents: Vec::new(),
            relationships: vec![Relationship::care_team()],
            break_glass: None,
            advance_choices: Vec::new(),
            crises: Vec::new(),
            carer_item: None,
            carer_items: Vec::new(),
        }
    }

    #[test]
    fn a_forbid_rule_that_errs_denies_instead_of_being_skipped() {
        // Cedar skips a rule whose evaluation fails; for this forbid rule
        // (which overflows) that would let everything through.
        let mut files = FILES.to_vec();
        files.push(PolicyFile {
            name: "99-overflows.cedar",
            text: r#"@id("overflows") @reason("never")
                     forbid (principal, action, resource is Record)
                     when { context.now * 1000000000 > 0 };
                     @id("permits-all") @reason("everything")
                     permit (principal, action, resource is Record);"#,
        });
        let engine = AccessEngine::from_files(SCHEMA, &files).unwrap();

        let decision = engine.decide(&request());

        assert!(!decision.is_allowed());
        assert_eq!(
            decision.denied_by().unwrap().policy,
            policy_ids::ENGINE_ERROR
        );
        assert!(
            decision.error().unwrap().contains("overflows"),
            "{:?}",
            decision.error()
        );
    }

    /// An agreement between the request's organisation and another,
    /// granting a crisis clinician every category for direct care.
    fn agreement(organisation: OrganisationId, status: AgreementStatus) -> AgreementFacts {
        AgreementFacts {
            id: AgreementId::new(),
            title: "Northshire crisis care".into(),
            status,
            signed_by_every_party: true,
            parties: vec![organisation, OrganisationId::new()],
            starts_on: NaiveDate::from_ymd_opt(2025, 4, 1).unwrap(),
            ends_on: None,
            purposes: BTreeSet::from([Purpose::DirectCare]),
            grants: vec![RoleGrant {
                role: Role::CrisisClinician,
                read: DataCategory::ALL.into_iter().collect(),
                write: BTreeSet::new(),
            }],
        }
    }

    #[test]
    fn an_agreement_kept_as_built_is_not_used_once_its_facts_change() {
        // No remembered decisions, so each request is translated and
        // evaluated: only the kept agreement entities could carry an
        // answer from one request to the next.
        let engine = AccessEngine {
            memo: Memo::off(),
            ..AccessEngine::new().unwrap()
        };
        let mut r = request();
        r.agreements = vec![agreement(r.user.organisation, AgreementStatus::Active)];
        assert!(engine.decide(&r).is_allowed());

        // The same agreement, suspended; then its grant narrowed.
        r.agreements[0].status = AgreementStatus::Suspended;
        assert!(!engine.decide(&r).is_allowed());
        r.agreements[0].status = AgreementStatus::Active;
        assert!(engine.decide(&r).is_allowed());
        r.agreements[0].grants[0].read = BTreeSet::from([DataCategory::Demographics]);
        let narrowed = engine.decide(&r);
        assert!(!narrowed.is_allowed());
        assert_eq!(
            narrowed.denied_by().unwrap().policy,
            policy_ids::AGREEMENT_REQUIRED
        );
    }

    #[test]
    fn the_engine_refuses_to_start_without_a_rule_it_relies_on() {
        let files: Vec<_> = FILES
            .iter()
            .filter(|f| f.name != "60-break-glass.cedar")
            .copied()
            .collect();

        let err = AccessEngine::from_files(SCHEMA, &files).unwrap_err();

        assert_eq!(err, PolicyError::Missing(policy_ids::BREAK_GLASS));
    }
}
