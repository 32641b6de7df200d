//! The agreement form: what an information governance lead ticked and typed,
//! read from the posted fields, turned into [`TermsJson`] (so the form is
//! checked by exactly the rules the JSON API and the command line use), and
//! laid out again — with the errors beside the fields they concern and
//! nothing that was typed lost.

use std::collections::{BTreeMap, BTreeSet};

use concordat_domain::agreement::AgreementTier;
use concordat_domain::category::DataCategory;
use concordat_domain::organisation::Organisation;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;

use crate::agreements::terms::{GrantJson, LawfulBasisJson};
use crate::agreements::TermsJson;
use crate::error::FieldError;
use crate::pages::faults::Faults;

/// The purposes an agreement can be for. Commissioning sees aggregates only
/// and own access needs no agreement, so neither is offered.
const PURPOSES: [Purpose; 3] = [
    Purpose::DirectCare,
    Purpose::Emergency,
    Purpose::Safeguarding,
];

/// The form's fields as posted. Checkboxes repeat their name once per tick:
/// `party`, `purpose`, and `read:ROLE` / `write:ROLE` with a category.
#[derive(Debug, Clone, Default)]
pub struct AgreementForm {
    pub csrf_token: String,
    title: String,
    tier: String,
    parties: BTreeSet<String>,
    purposes: BTreeSet<String>,
    /// Role → (read, write) categories.
    grants: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>,
    article_6: String,
    article_9: String,
    dpa_schedule_1: String,
    starts_on: String,
    ends_on: String,
    review_on: String,
}

impl AgreementForm {
    /// Reads the posted name–value pairs; unknown names are ignored.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut form = Self::default();
        for (name, value) in pairs {
            match name.as_str() {
                "csrf_token" => form.csrf_token = value,
                "title" => form.title = value,
                "tier" => form.tier = value,
                "party" => {
                    form.parties.insert(value);
                }
                "purpose" => {
                    form.purposes.insert(value);
                }
                "article_6" => form.article_6 = value,
                "article_9" => form.article_9 = value,
                "dpa_schedule_1" => form.dpa_schedule_1 = value,
                "starts_on" => form.starts_on = value,
                "ends_on" => form.ends_on = value,
                "review_on" => form.review_on = value,
                other => {
                    if let Some(role) = other.strip_prefix("read:") {
                        form.grant(role).0.insert(value);
                    } else if let Some(role) = other.strip_prefix("write:") {
                        form.grant(role).1.insert(value);
                    }
                }
            }
        }
        form
    }

    fn grant(&mut self, role: &str) -> &mut (BTreeSet<String>, BTreeSet<String>) {
        self.grants.entry(role.to_owned()).or_default()
    }

    /// A blank form for a new agreement: the user's own organisation is
    /// already ticked (it must be a party) and the term starts today.
    pub fn blank(own_code: &str, today: chrono::NaiveDate) -> Self {
        Self {
            parties: BTreeSet::from([own_code.to_owned()]),
            starts_on: today.format("%Y-%m-%d").to_string(),
            ..Self::default()
        }
    }

    /// The form filled in with existing terms, for an amendment.
    pub fn from_terms(terms: &TermsJson) -> Self {
        Self {
            csrf_token: String::new(),
            title: terms.title.clone(),
            tier: terms.tier.clone(),
            parties: terms.parties.iter().cloned().collect(),
            purposes: terms.purposes.iter().cloned().collect(),
            grants: terms
                .grants
                .iter()
                .map(|g| {
                    (
                        g.role.clone(),
                        (
                            g.read.iter().cloned().collect(),
                            g.write.iter().cloned().collect(),
                        ),
                    )
                })
                .collect(),
            article_6: terms.lawful_basis.article_6.clone(),
            article_9: terms.lawful_basis.article_9.clone(),
            dpa_schedule_1: terms.lawful_basis.dpa_schedule_1.clone(),
            starts_on: terms.starts_on.clone(),
            ends_on: terms.ends_on.clone().unwrap_or_default(),
            review_on: terms.review_on.clone(),
        }
    }

    /// The terms as the JSON API would receive them. A role with nothing
    /// ticked is left out rather than granted nothing.
    pub fn to_terms_json(&self) -> TermsJson {
        TermsJson {
            title: self.title.clone(),
            tier: self.tier.clone(),
            parties: self.parties.iter().cloned().collect(),
            purposes: self.purposes.iter().cloned().collect(),
            grants: self
                .grants
                .iter()
                .filter(|(_, (read, write))| !read.is_empty() || !write.is_empty())
                .map(|(role, (read, write))| GrantJson {
                    role: role.clone(),
                    read: read.iter().cloned().collect(),
                    write: write.iter().cloned().collect(),
                })
                .collect(),
            lawful_basis: LawfulBasisJson {
                article_6: self.article_6.clone(),
                article_9: self.article_9.clone(),
                dpa_schedule_1: self.dpa_schedule_1.clone(),
            },
            starts_on: self.starts_on.clone(),
            ends_on: Some(self.ends_on.clone()).filter(|d| !d.trim().is_empty()),
            review_on: self.review_on.clone(),
        }
    }

    /// Everything the template needs to draw the form as it stands.
    pub fn layout(&self, organisations: &[Organisation], errors: &[FieldError]) -> FormFields {
        let error = |prefix: &str| field_error(errors, prefix);
        let mut roles: Vec<Role> = Role::ALL.into_iter().filter(|r| r.is_grantable()).collect();
        // A grant made through the API to another role stays on the form, so
        // an amendment made here does not silently drop it.
        for role in Role::ALL {
            if self.grants.contains_key(role.as_str()) && !roles.contains(&role) {
                roles.push(role);
            }
        }
        FormFields {
            title: self.title.clone(),
            title_error: error("title"),
            tiers: AgreementTier::ALL
                .into_iter()
                .map(|tier| Choice {
                    value: tier.as_str().to_owned(),
                    label: tier.label().to_owned(),
                    hint: format!(
                        "Shares at most: {}.",
                        DataCategory::SHARED
                            .into_iter()
                            .filter(|c| tier.allows(*c))
                            .map(|c| c.label())
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                    checked: self.tier == tier.as_str(),
                })
                .collect(),
            tier_error: error("tier"),
            parties: organisations
                .iter()
                .map(|org| Choice {
                    value: org.code().as_str().to_owned(),
                    label: org.name().to_owned(),
                    hint: org.kind().label().to_owned(),
                    checked: self.parties.contains(org.code().as_str()),
                })
                .collect(),
            parties_error: error("parties"),
            purposes: PURPOSES
                .into_iter()
                .map(|p| Choice {
                    value: p.code().to_owned(),
                    label: p.label().to_owned(),
                    hint: p.code().to_owned(),
                    checked: self.purposes.contains(p.code()),
                })
                .collect(),
            purposes_error: error("purposes"),
            roles: roles
                .into_iter()
                .map(|role| {
                    let (read, write) = self.grants.get(role.as_str()).cloned().unwrap_or_default();
                    RoleChoices {
                        role: role.as_str(),
                        label: role.label(),
                        open: !read.is_empty() || !write.is_empty(),
                        summary: grant_summary(read.len(), write.len()),
                        categories: DataCategory::SHARED
                            .into_iter()
                            .map(|c| CategoryChoice {
                                value: c.as_str(),
                                label: c.label(),
                                read: read.contains(c.as_str()),
                                write: write.contains(c.as_str()),
                            })
                            .collect(),
                    }
                })
                .collect(),
            grants_error: error("grants"),
            article_6: self.article_6.clone(),
            article_6_error: error("lawful_basis.article_6"),
            article_9: self.article_9.clone(),
            article_9_error: error("lawful_basis.article_9"),
            dpa_schedule_1: self.dpa_schedule_1.clone(),
            dpa_schedule_1_error: error("lawful_basis.dpa_schedule_1"),
            starts_on: self.starts_on.clone(),
            starts_on_error: error("starts_on"),
            ends_on: self.ends_on.clone(),
            ends_on_error: error("ends_on"),
            review_on: self.review_on.clone(),
            review_on_error: error("review_on"),
            summary: errors.iter().map(|e| e.message.clone()).collect(),
        }
    }
}

impl FormFields {
    /// Each field's fault above the form, linking to it (a date's day).
    pub fn error_summary(&self) -> Faults {
        let mut faults = Faults::new();
        let boxes = [
            ("title", &self.title_error),
            ("tier", &self.tier_error),
            ("parties", &self.parties_error),
            ("purposes", &self.purposes_error),
            ("grants", &self.grants_error),
            ("article_6", &self.article_6_error),
            ("article_9", &self.article_9_error),
            ("dpa_schedule_1", &self.dpa_schedule_1_error),
        ];
        for (field, message) in boxes {
            if let Some(m) = message {
                faults.add(field, m);
            }
        }
        let dates = [
            ("starts_on", &self.starts_on_error),
            ("ends_on", &self.ends_on_error),
            ("review_on", &self.review_on_error),
        ];
        for (field, message) in dates {
            if let Some(m) = message {
                faults.add_date(field, m);
            }
        }
        // Anything about no one field is said against the form.
        if faults.is_empty() {
            for message in &self.summary {
                faults.add("agreement", message);
            }
        }
        faults
    }
}

fn grant_summary(read: usize, write: usize) -> String {
    match (read, write) {
        (0, 0) => "no access".into(),
        (r, 0) => format!("reads {r}"),
        (0, w) => format!("writes {w}"),
        (r, w) => format!("reads {r}, writes {w}"),
    }
}

/// The messages for `prefix` and anything inside it (`grants` covers
/// `grants[0].read[1]`), as one sentence.
fn field_error(errors: &[FieldError], prefix: &str) -> Option<String> {
    let messages: Vec<&str> = errors
        .iter()
        .filter(|e| {
            e.field == prefix
                || e.field
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('[') || rest.starts_with('.'))
        })
        .map(|e| e.message.as_str())
        .collect();
    (!messages.is_empty()).then(|| crate::pages::words::sentence(&messages.join("; ")))
}

/// One tickable option.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub hint: String,
    pub checked: bool,
}

#[derive(Debug, Clone)]
pub struct RoleChoices {
    pub role: &'static str,
    pub label: &'static str,
    /// Shown unfolded when it already grants something.
    pub open: bool,
    pub summary: String,
    pub categories: Vec<CategoryChoice>,
}

#[derive(Debug, Clone)]
pub struct CategoryChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub read: bool,
    pub write: bool,
}

/// The form as drawn.
#[derive(Debug, Clone)]
pub struct FormFields {
    pub title: String,
    pub title_error: Option<String>,
    pub tiers: Vec<Choice>,
    pub tier_error: Option<String>,
    pub parties: Vec<Choice>,
    pub parties_error: Option<String>,
    pub purposes: Vec<Choice>,
    pub purposes_error: Option<String>,
    pub roles: Vec<RoleChoices>,
    pub grants_error: Option<String>,
    pub article_6: String,
    pub article_6_error: Option<String>,
    pub article_9: String,
    pub article_9_error: Option<String>,
    pub dpa_schedule_1: String,
    pub dpa_schedule_1_error: Option<String>,
    pub starts_on: String,
    pub starts_on_error: Option<String>,
    pub ends_on: String,
    pub ends_on_error: Option<String>,
    pub review_on: String,
    pub review_on_error: Option<String>,
    /// Every error, for the summary at the top.
    pub summary: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn ticked_boxes_become_terms() {
        let form = AgreementForm::from_pairs(pairs(&[
            ("csrf_token", "t"),
            ("title", "Street triage"),
            ("tier", "coordinate"),
            ("party", "NMHT"),
            ("party", "NSPOL"),
            ("purpose", "ETREAT"),
            ("read:police-officer", "crisis-plan"),
            ("read:police-officer", "risk"),
            ("write:police-officer", "contacts"),
            ("read:gp", "risk"),
            ("ends_on", ""),
        ]));
        assert_eq!(form.csrf_token, "t");
        let terms = form.to_terms_json();
        assert_eq!(terms.parties, ["NMHT", "NSPOL"]);
        assert_eq!(terms.grants.len(), 2);
        let police = terms
            .grants
            .iter()
            .find(|g| g.role == "police-officer")
            .unwrap();
        assert_eq!(police.read, ["crisis-plan", "risk"]);
        assert_eq!(police.write, ["contacts"]);
        assert_eq!(terms.ends_on, None);
        assert_eq!(AgreementForm::from_terms(&terms).to_terms_json(), terms);
    }

    #[test]
    fn errors_sit_beside_their_fields() {
        let errors = vec![
            FieldError::new("grants[1].read[0]", "bad category"),
            FieldError::new("lawful_basis.article_9", "must not be empty"),
            FieldError::new("parties", "too few"),
        ];
        let fields = AgreementForm::default().layout(&[], &errors);
        assert_eq!(fields.grants_error.as_deref(), Some("Bad category."));
        assert_eq!(
            fields.article_9_error.as_deref(),
            Some("Must not be empty.")
        );
        assert_eq!(fields.parties_error.as_deref(), Some("Too few."));
        assert_eq!(fields.purposes_error, None);
        assert_eq!(fields.summary.len(), 3);
    }
}
