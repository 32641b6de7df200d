//! Loading the rules: the Cedar schema and the policy files in `policies/`,
//! compiled into the binary, parsed, given the ids their `@id` annotations
//! name, and validated against the schema in strict mode. A set that fails
//! any of this is refused as a whole — the server does not start on rules
//! it cannot trust.

use std::collections::HashMap;
use std::str::FromStr;

use cedar_policy::{Effect, PolicyId, PolicySet, Schema, ValidationMode, Validator};

use crate::reasons;

/// One policy file: its name (for error messages) and its text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PolicyFile<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

pub(crate) const SCHEMA: &str = include_str!("../policies/concordat.cedarschema");

/// The policy files, in reading order. The order matters in one way only:
/// when several forbid rules apply, the first one read is the one named to
/// the user. The numbers in the file names keep a listing of the folder in
/// the same order.
pub(crate) const FILES: [PolicyFile<'static>; 10] = [
    file(
        "10-people.cedar",
        include_str!("../policies/10-people.cedar"),
    ),
    file(
        "15-carers.cedar",
        include_str!("../policies/15-carers.cedar"),
    ),
    file(
        "20-commissioning.cedar",
        include_str!("../policies/20-commissioning.cedar"),
    ),
    file(
        "30-relationships.cedar",
        include_str!("../policies/30-relationships.cedar"),
    ),
    file(
        "40-agreements.cedar",
        include_str!("../policies/40-agreements.cedar"),
    ),
    file(
        "45-sharing-choices.cedar",
        include_str!("../policies/45-sharing-choices.cedar"),
    ),
    file(
        "50-consent.cedar",
        include_str!("../policies/50-consent.cedar"),
    ),
    file(
        "55-advance-choices.cedar",
        include_str!("../policies/55-advance-choices.cedar"),
    ),
    file(
        "60-break-glass.cedar",
        include_str!("../policies/60-break-glass.cedar"),
    ),
    file("70-masks.cedar", include_str!("../policies/70-masks.cedar")),
];

const fn file(name: &'static str, text: &'static str) -> PolicyFile<'static> {
    PolicyFile { name, text }
}

/// Why a set of rules was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the access schema is invalid: {0}")]
    Schema(String),
    #[error("`{file}` does not parse: {message}")]
    Parse { file: String, message: String },
    #[error("a policy in `{file}` has no @{annotation}(\"...\") annotation: every rule needs an id and a reason")]
    MissingAnnotation {
        file: String,
        annotation: &'static str,
    },
    #[error("policy id `{0}` is used twice")]
    DuplicateId(String),
    #[error(
        "the reason of policy `{policy}` uses `{{{placeholder}}}`, which the engine cannot fill"
    )]
    UnknownPlaceholder { policy: String, placeholder: String },
    #[error("the policies do not match the schema: {0}")]
    Invalid(String),
    #[error("the engine relies on a policy `{0}`, which is missing")]
    Missing(&'static str),
}

/// What the engine knows of each policy besides its Cedar form.
#[derive(Debug, Clone)]
pub(crate) struct PolicyInfo {
    pub id: String,
    pub effect: Effect,
    /// The `@reason` text, with `{placeholders}` still in it.
    pub reason: String,
}

/// A validated set of rules.
#[derive(Debug)]
pub(crate) struct Policies {
    pub schema: Schema,
    pub set: PolicySet,
    /// In reading order: the index is the rule's precedence.
    pub table: Vec<PolicyInfo>,
    pub index: HashMap<PolicyId, usize>,
}

impl Policies {
    pub fn load(schema: &str, files: &[PolicyFile<'_>]) -> Result<Self, PolicyError> {
        let (schema, warnings) =
            Schema::from_cedarschema_str(schema).map_err(|e| PolicyError::Schema(e.to_string()))?;
        let warnings: Vec<String> = warnings.map(|w| w.to_string()).collect();
        if !warnings.is_empty() {
            return Err(PolicyError::Schema(warnings.join("; ")));
        }

        let mut policies = Vec::new();
        let mut table = Vec::new();
        let mut index = HashMap::new();
        for file in files {
            for policy in parse_in_order(file)? {
                let annotation = |key: &'static str| {
                    policy.annotation(key).map(str::to_owned).ok_or(
                        PolicyError::MissingAnnotation {
                            file: file.name.to_owned(),
                            annotation: key,
                        },
                    )
                };
                let id = annotation("id")?;
                let reason = annotation("reason")?;
                if let Some(placeholder) = reasons::unknown_placeholder(&reason) {
                    return Err(PolicyError::UnknownPlaceholder {
                        policy: id,
                        placeholder,
                    });
                }
                let policy_id = PolicyId::new(&id);
                if index.insert(policy_id.clone(), table.len()).is_some() {
                    return Err(PolicyError::DuplicateId(id));
                }
                table.push(PolicyInfo {
                    id,
                    effect: policy.effect(),
                    reason,
                });
                policies.push(policy.new_id(policy_id));
            }
        }
        let set =
            PolicySet::from_policies(policies).map_err(|e| PolicyError::Invalid(e.to_string()))?;

        let result = Validator::new(schema.clone()).validate(&set, ValidationMode::Strict);
        // Warnings count too: Cedar warns of things such as a rule that can
        // never apply, which in an access policy is a mistake.
        let problems: Vec<String> = result
            .validation_errors()
            .map(|e| e.to_string())
            .chain(result.validation_warnings().map(|w| w.to_string()))
            .collect();
        if !problems.is_empty() {
            return Err(PolicyError::Invalid(problems.join("; ")));
        }
        Ok(Self {
            schema,
            set,
            table,
            index,
        })
    }

    pub fn position(&self, id: &'static str) -> Result<usize, PolicyError> {
        self.index
            .get(&PolicyId::new(id))
            .copied()
            .ok_or(PolicyError::Missing(id))
    }
}

/// The policies of one file in the order they are written. Cedar numbers
/// the policies of a parsed text `policy0`, `policy1`, … in order, but hands
/// them back in no particular order, so they are sorted by that number.
fn parse_in_order(file: &PolicyFile<'_>) -> Result<Vec<cedar_policy::Policy>, PolicyError> {
    let parsed = PolicySet::from_str(file.text).map_err(|e| PolicyError::Parse {
        file: file.name.to_owned(),
        message: e.to_string(),
    })?;
    if parsed.templates().next().is_some() {
        return Err(PolicyError::Parse {
            file: file.name.to_owned(),
            message: "templates are not used here; write each rule in full".to_owned(),
        });
    }
    let mut policies: Vec<_> = parsed.policies().cloned().collect();
    policies.sort_by_key(|p| {
        p.id()
            .to_string()
            .trim_start_matches("policy")
            .parse::<usize>()
            .unwrap_or(usize::MAX)
    });
    Ok(policies)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_with(name: &'static str, text: &'static str) -> Result<Policies, PolicyError> {
        let mut files = FILES.to_vec();
        files.push(PolicyFile { name, text });
        Policies::load(SCHEMA, &files)
    }

    #[test]
    fn the_built_in_rules_load_in_reading_order() {
        let policies = Policies::load(SCHEMA, &FILES).unwrap();
        let ids: Vec<&str> = policies.table.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "own-record",
                "own-plan",
                "own-choices",
                "own-description",
                "own-record-only",
                "own-access-is-the-persons",
                "carer-told",
                "carer-of-this-person-only",
                "carers-see-only-what-they-are-told",
                "carer-access-is-the-carers",
                "commissioning-sees-no-records",
                "relationship-required",
                "source-systems-only-report",
                "shared-under-agreement",
                "agreement-required",
                "sharing-choices-with-the-care-team",
                "sharing-choices-are-the-care-teams",
                "consent-refused",
                "advance-choice-lifts-refusal",
                "break-glass",
                "field-shown",
                "field-withheld",
            ]
        );
    }

    #[test]
    fn a_policy_naming_an_attribute_the_schema_lacks_is_refused() {
        let err = load_with(
            "99-broken.cedar",
            r#"@id("broken") @reason("never")
               forbid (principal, action, resource is Record)
               when { principal.department == "police" };"#,
        )
        .unwrap_err();
        assert!(
            matches!(&err, PolicyError::Invalid(m) if m.contains("department")),
            "{err}"
        );
    }

    #[test]
    fn a_policy_comparing_a_date_with_a_string_is_refused() {
        let err = load_with(
            "99-broken.cedar",
            r#"@id("broken") @reason("never")
               forbid (principal, action, resource is Record)
               when { context.now < "2026-01-01" };"#,
        )
        .unwrap_err();
        assert!(matches!(err, PolicyError::Invalid(_)), "{err}");
    }

    #[test]
    fn a_policy_that_does_not_parse_is_refused_naming_its_file() {
        let err = load_with("99-broken.cedar", "permit (principal, action, resource").unwrap_err();
        assert!(matches!(&err, PolicyError::Parse { file, .. } if file == "99-broken.cedar"));
    }

    #[test]
    fn a_policy_without_an_id_or_reason_is_refused() {
        let err = load_with(
            "99-broken.cedar",
            r#"@reason("x") forbid (principal, action, resource);"#,
        )
        .unwrap_err();
        assert!(matches!(
            err,
            PolicyError::MissingAnnotation {
                annotation: "id",
                ..
            }
        ));
        let err = load_with(
            "99-broken.cedar",
            r#"@id("x") forbid (principal, action, resource);"#,
        )
        .unwrap_err();
        assert!(matches!(
            err,
            PolicyError::MissingAnnotation {
                annotation: "reason",
                ..
            }
        ));
    }

    #[test]
    fn two_policies_with_one_id_are_refused() {
        let err = load_with(
            "99-broken.cedar",
            r#"@id("break-glass") @reason("again") forbid (principal, action, resource);"#,
        )
        .unwrap_err();
        assert_eq!(err, PolicyError::DuplicateId("break-glass".into()));
    }

    #[test]
    fn a_reason_with_a_placeholder_the_engine_cannot_fill_is_refused() {
        let err = load_with(
            "99-broken.cedar",
            r#"@id("x") @reason("denied by {nobody}") forbid (principal, action, resource);"#,
        )
        .unwrap_err();
        assert!(
            matches!(err, PolicyError::UnknownPlaceholder { placeholder, .. } if placeholder == "nobody")
        );
    }

    #[test]
    fn an_invalid_schema_is_refused() {
        let err = Policies::load("entity User = { role: Strin };", &FILES).unwrap_err();
        assert!(matches!(err, PolicyError::Schema(_)), "{err}");
    }
}
