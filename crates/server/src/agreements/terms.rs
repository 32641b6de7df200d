//! An agreement's terms as people write them: JSON with organisation codes,
//! purpose-of-use codes, role and category names and `YYYY-MM-DD` dates. The
//! JSON API reads and writes this shape, the command line reads it from a
//! file, and the pages' form fills it in, so a set of terms is checked the
//! same way whichever door it comes through, and every broken rule is named
//! with the field that broke it.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use concordat_domain::agreement::{AgreementError, AgreementTier, LawfulBasis, RoleGrant, Terms};
use concordat_domain::category::DataCategory;
use concordat_domain::ids::OrganisationId;
use concordat_domain::organisation::{Organisation, OrganisationCode};
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use serde::{Deserialize, Serialize};

use crate::error::FieldError;

const DATE_FORMAT: &str = "%Y-%m-%d";

/// The terms on the wire. Every field is text here and is checked by
/// [`TermsJson::to_terms`], so that a misspelt role or a bad date is reported
/// against its field rather than as an unreadable body. A missing field reads
/// as empty and is reported the same way.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TermsJson {
    pub title: String,
    /// `exchange`, `coordinate` or `integrate`.
    pub tier: String,
    /// Organisation codes, e.g. `NMHT`.
    pub parties: Vec<String>,
    /// HL7 ActReason codes: `TREAT`, `ETREAT`, `PATSFTY`.
    pub purposes: Vec<String>,
    pub grants: Vec<GrantJson>,
    pub lawful_basis: LawfulBasisJson,
    pub starts_on: String,
    /// Absent or `null`: the agreement runs until ended.
    pub ends_on: Option<String>,
    pub review_on: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct GrantJson {
    pub role: String,
    pub read: Vec<String>,
    pub write: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LawfulBasisJson {
    pub article_6: String,
    pub article_9: String,
    pub dpa_schedule_1: String,
}

impl TermsJson {
    /// The terms as written, with organisations by code.
    pub fn from_terms(terms: &Terms, organisations: &[Organisation]) -> Self {
        Self {
            title: terms.title.clone(),
            tier: terms.tier.as_str().to_owned(),
            parties: terms
                .parties
                .iter()
                .map(|id| code_of(organisations, *id))
                .collect(),
            purposes: terms.purposes.iter().map(|p| p.code().to_owned()).collect(),
            grants: terms
                .grants
                .iter()
                .map(|g| GrantJson {
                    role: g.role.as_str().to_owned(),
                    read: g.read.iter().map(|c| c.as_str().to_owned()).collect(),
                    write: g.write.iter().map(|c| c.as_str().to_owned()).collect(),
                })
                .collect(),
            lawful_basis: LawfulBasisJson {
                article_6: terms.lawful_basis.article_6().to_owned(),
                article_9: terms.lawful_basis.article_9().to_owned(),
                dpa_schedule_1: terms.lawful_basis.dpa_schedule_1().to_owned(),
            },
            starts_on: terms.starts_on.format(DATE_FORMAT).to_string(),
            ends_on: terms.ends_on.map(|d| d.format(DATE_FORMAT).to_string()),
            review_on: terms.review_on.format(DATE_FORMAT).to_string(),
        }
    }

    /// Checks the terms against the partnership's `organisations` and the
    /// agreement rules. Every unreadable value is reported at once; the
    /// agreement rules (tier caps, dates in order…) are then checked on
    /// readable terms and report the first rule broken.
    pub fn to_terms(&self, organisations: &[Organisation]) -> Result<Terms, Vec<FieldError>> {
        let mut errors = Vec::new();

        let tier = match self.tier.trim() {
            "" => {
                errors.push(FieldError::new(
                    "tier",
                    "choose a tier: exchange, coordinate or integrate",
                ));
                None
            }
            tier => AgreementTier::parse(tier)
                .map_err(|e| errors.push(FieldError::new("tier", e)))
                .ok(),
        };

        let mut parties = Vec::new();
        for (i, code) in self.parties.iter().enumerate() {
            match party(organisations, code) {
                Ok(id) => parties.push(id),
                Err(message) => errors.push(FieldError::new(&format!("parties[{i}]"), message)),
            }
        }

        let mut purposes = BTreeSet::new();
        for (i, code) in self.purposes.iter().enumerate() {
            match Purpose::parse_code(code.trim()) {
                Ok(purpose) => {
                    purposes.insert(purpose);
                }
                Err(e) => errors.push(FieldError::new(&format!("purposes[{i}]"), e)),
            }
        }

        let mut grants = Vec::new();
        for (i, grant) in self.grants.iter().enumerate() {
            let role = Role::parse(grant.role.trim())
                .map_err(|e| errors.push(FieldError::new(&format!("grants[{i}].role"), e)))
                .ok();
            let read = categories(&grant.read, &format!("grants[{i}].read"), &mut errors);
            let write = categories(&grant.write, &format!("grants[{i}].write"), &mut errors);
            if let Some(role) = role {
                grants.push(RoleGrant { role, read, write });
            }
        }

        let basis = &self.lawful_basis;
        let lawful_basis =
            LawfulBasis::new(&basis.article_6, &basis.article_9, &basis.dpa_schedule_1)
                .map_err(|e| {
                    errors.push(FieldError::new(&format!("lawful_basis.{}", e.field()), e))
                })
                .ok();

        let starts_on = date("starts_on", &self.starts_on, &mut errors);
        let ends_on = match self.ends_on.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(raw) => date("ends_on", raw, &mut errors).map(Some),
        };
        let review_on = date("review_on", &self.review_on, &mut errors);

        match (tier, lawful_basis, starts_on, ends_on, review_on) {
            (Some(tier), Some(lawful_basis), Some(starts_on), Some(ends_on), Some(review_on))
                if errors.is_empty() =>
            {
                Terms {
                    title: self.title.clone(),
                    tier,
                    parties,
                    purposes,
                    grants,
                    lawful_basis,
                    starts_on,
                    ends_on,
                    review_on,
                }
                .validated()
                .map_err(|e| vec![rule_broken(&self.grants, e)])
            }
            _ => Err(errors),
        }
    }
}

fn code_of(organisations: &[Organisation], id: OrganisationId) -> String {
    organisations
        .iter()
        .find(|o| o.id() == id)
        .map(|o| o.code().as_str().to_owned())
        .unwrap_or_else(|| id.to_string())
}

fn party(organisations: &[Organisation], raw: &str) -> Result<OrganisationId, String> {
    let code = OrganisationCode::parse(raw).map_err(|e| e.to_string())?;
    organisations
        .iter()
        .find(|o| *o.code() == code)
        .map(Organisation::id)
        .ok_or_else(|| format!("there is no organisation with code `{}`", code.as_str()))
}

fn categories(raw: &[String], field: &str, errors: &mut Vec<FieldError>) -> BTreeSet<DataCategory> {
    let mut out = BTreeSet::new();
    for (j, name) in raw.iter().enumerate() {
        match DataCategory::parse(name.trim()) {
            Ok(category) => {
                out.insert(category);
            }
            Err(e) => errors.push(FieldError::new(&format!("{field}[{j}]"), e)),
        }
    }
    out
}

fn date(field: &str, raw: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let raw = raw.trim();
    if raw.is_empty() {
        errors.push(FieldError::new(field, "give a date, as YYYY-MM-DD"));
        return None;
    }
    NaiveDate::parse_from_str(raw, DATE_FORMAT)
        .map_err(|_| {
            errors.push(FieldError::new(
                field,
                format!("`{raw}` is not a date; write it as YYYY-MM-DD, e.g. 2026-04-01"),
            ))
        })
        .ok()
}

/// The field an agreement rule speaks of, with the rule's own words.
fn rule_broken(grants: &[GrantJson], err: AgreementError) -> FieldError {
    let field = match &err {
        AgreementError::Text(e) => e.field().to_owned(),
        AgreementError::TooFewParties | AgreementError::DuplicateParty => "parties".into(),
        AgreementError::NoPurposes
        | AgreementError::CommissioningGrantsRecords
        | AgreementError::OwnAccessIsNotShared => "purposes".into(),
        AgreementError::NotAPractitionerRole(role) => grants
            .iter()
            .position(|g| g.role.trim() == *role)
            .map(|i| format!("grants[{i}].role"))
            .unwrap_or_else(|| "grants".into()),
        AgreementError::NoGrants => "grants".into(),
        AgreementError::SourceSystemReportsOnly => grants
            .iter()
            .position(|g| g.role.trim() == Role::SourceSystem.as_str())
            .map(|i| format!("grants[{i}]"))
            .unwrap_or_else(|| "grants".into()),
        AgreementError::DuplicateRoleGrant(role) => grants
            .iter()
            .enumerate()
            .filter(|(_, g)| g.role.trim() == *role)
            .nth(1)
            .map(|(i, _)| format!("grants[{i}].role"))
            .unwrap_or_else(|| "grants".into()),
        AgreementError::CategoryBeyondTier { category, .. } => grants
            .iter()
            .position(|g| g.read.iter().chain(&g.write).any(|c| c.trim() == *category))
            .map(|i| format!("grants[{i}]"))
            .unwrap_or_else(|| "grants".into()),
        AgreementError::EndsBeforeStart => "ends_on".into(),
        AgreementError::ReviewOutsideTerm => "review_on".into(),
        AgreementError::NotAParty
        | AgreementError::AlreadySigned
        | AgreementError::WrongStatus { .. } => "terms".into(),
    };
    FieldError::new(&field, err)
}

#[cfg(test)]
mod tests {
    use concordat_domain::organisation::OrganisationKind;

    use super::*;

    fn partnership() -> Vec<Organisation> {
        [
            ("NMHT", OrganisationKind::NhsTrust),
            ("NSPOL", OrganisationKind::Police),
        ]
        .into_iter()
        .map(|(code, kind)| {
            Organisation::new(
                OrganisationId::new(),
                OrganisationCode::parse(code).unwrap(),
                code,
                kind,
            )
            .unwrap()
        })
        .collect()
    }

    fn written() -> TermsJson {
        serde_json::from_value(serde_json::json!({
            "title": "Street triage",
            "tier": "coordinate",
            "parties": ["NMHT", "nspol"],
            "purposes": ["TREAT", "etreat"],
            "grants": [{"role": "police-officer", "read": ["crisis-plan", "risk"], "write": ["contacts"]}],
            "lawful_basis": {"article_6": "6(1)(e)", "article_9": "9(2)(h)", "dpa_schedule_1": "Sch 1 para 2"},
            "starts_on": "2026-01-01",
            "ends_on": null,
            "review_on": "2026-07-01"
        }))
        .unwrap()
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn written_terms_read_back_the_same() {
        let orgs = partnership();
        let terms = written().to_terms(&orgs).unwrap();
        assert_eq!(terms.parties.len(), 2);
        assert!(terms.ends_on.is_none());
        let again = TermsJson::from_terms(&terms, &orgs);
        assert_eq!(again.parties, ["NMHT", "NSPOL"]);
        assert_eq!(again.purposes, ["TREAT", "ETREAT"]);
        assert_eq!(again.to_terms(&orgs).unwrap(), terms);
    }

    #[test]
    fn every_unreadable_value_is_named_by_its_field() {
        let mut json = written();
        json.tier = "deep".into();
        json.parties.push("NOPE".into());
        json.purposes.push("PUBHLTH".into());
        json.grants[0].role = "detective".into();
        json.grants[0].write.push("secrets".into());
        json.lawful_basis.article_9 = " ".into();
        json.starts_on = "1 January 2026".into();
        json.ends_on = Some("2026-02-30".into());
        let errors = json.to_terms(&partnership()).unwrap_err();
        assert_eq!(
            fields(&errors),
            [
                "tier",
                "parties[2]",
                "purposes[2]",
                "grants[0].role",
                "grants[0].write[1]",
                "lawful_basis.article_9",
                "starts_on",
                "ends_on",
            ]
        );
        assert!(errors[1]
            .message
            .contains("no organisation with code `NOPE`"));
    }

    #[test]
    fn agreement_rules_are_reported_against_their_field() {
        let orgs = partnership();
        let mut clinical = written();
        clinical.grants[0].read.push("clinical".into());
        let errors = clinical.to_terms(&orgs).unwrap_err();
        assert_eq!(fields(&errors), ["grants[0]"]);
        assert!(errors[0]
            .message
            .contains("`coordinate` tier does not allow sharing `clinical`"));

        let mut late = written();
        late.ends_on = Some("2026-06-01".into());
        assert_eq!(fields(&late.to_terms(&orgs).unwrap_err()), ["review_on"]);

        let mut alone = written();
        alone.parties.pop();
        assert_eq!(fields(&alone.to_terms(&orgs).unwrap_err()), ["parties"]);

        let mut twice = written();
        twice.grants.push(twice.grants[0].clone());
        assert_eq!(
            fields(&twice.to_terms(&orgs).unwrap_err()),
            ["grants[1].role"]
        );

        let empty = TermsJson::default();
        assert_eq!(
            fields(&empty.to_terms(&orgs).unwrap_err()),
            ["tier", "lawful_basis.article_6", "starts_on", "review_on"]
        );
    }
}
