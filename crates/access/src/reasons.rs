//! The words of a decision. Each policy's `@reason` is a sentence with
//! `{placeholders}`; this module fills them from the request being decided,
//! so a denial reads "no active information sharing agreement covers police
//! officers reading clinical for direct care" rather than a policy id.
//! The sentences are lowercase without a full stop, like every message in
//! Concordat, so they can be shown alone or after "access denied: ".

use concordat_domain::category::DataCategory;
use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use concordat_domain::text::lowercase_first;

use concordat_domain::advance_choice::CrisisKind;

use crate::facts::{AdvanceChoiceFacts, AgreementFacts, BreakGlassFacts, ConsentFacts};
use crate::mask::FieldMask;
use crate::request::{AccessAction, AccessRequest};

/// The placeholders a `@reason` may use.
const PLACEHOLDERS: [&str; 11] = [
    "who",
    "doing",
    "category",
    "purpose",
    "refusal",
    "agreement",
    "basis",
    "field",
    "visible_to",
    "advance_choice",
    "crisis",
];

/// What the words of one evaluation can draw on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Subject<'a> {
    pub request: &'a AccessRequest,
    pub agreement: Option<&'a AgreementFacts>,
    pub consent: Option<&'a ConsentFacts>,
    pub advance_choice: Option<&'a AdvanceChoiceFacts>,
    pub field: Option<&'a FieldMask>,
}

/// The first placeholder in `template` that [`render`] cannot fill.
pub(crate) fn unknown_placeholder(template: &str) -> Option<String> {
    placeholders(template)
        .find(|name| !PLACEHOLDERS.contains(name))
        .map(str::to_owned)
}

/// `template` with each `{placeholder}` replaced by its words.
pub(crate) fn render(template: &str, subject: &Subject<'_>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&words(&rest[open + 1..close], subject));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name))
}

fn words(placeholder: &str, subject: &Subject<'_>) -> String {
    let request = subject.request;
    match placeholder {
        "who" => role_plural(request.user.role),
        "doing" => match request.action {
            AccessAction::Read => "reading".into(),
            AccessAction::Write => "writing".into(),
        },
        "category" => category_words(request.category),
        "purpose" => purpose_words(request.purpose),
        "refusal" => subject.consent.map(refusal_words).unwrap_or_default(),
        "agreement" => subject
            .agreement
            .map(|a| a.title.clone())
            .unwrap_or_default(),
        "basis" => request
            .break_glass
            .as_ref()
            .map(|BreakGlassFacts { basis, .. }| basis.label().to_owned())
            .unwrap_or_default(),
        "advance_choice" => subject
            .advance_choice
            .map(|c| concordat_domain::dates::long_date(c.witnessed_on))
            .unwrap_or_default(),
        "crisis" => subject
            .advance_choice
            .map(|c| crisis_words(c.during).to_owned())
            .unwrap_or_default(),
        "field" => subject.field.map(|f| f.field.clone()).unwrap_or_default(),
        "visible_to" => subject
            .field
            .map(|f| roles_words(&f.visible_to))
            .unwrap_or_default(),
        _ => format!("{{{placeholder}}}"),
    }
}

/// "police officers", "GPs", "NHS 111 advisors".
pub(crate) fn role_plural(role: Role) -> String {
    if role == Role::Person {
        return "people".into();
    }
    let label = role.label();
    // Keep capitals that belong to an abbreviation ("GP", "NHS 111").
    let mut chars = label.chars();
    let starts_abbreviation = label.chars().nth(1).is_some_and(char::is_uppercase);
    let mut plural = match chars.next() {
        Some(first) if !starts_abbreviation => first.to_lowercase().chain(chars).collect(),
        _ => label.to_owned(),
    };
    plural.push('s');
    plural
}

/// "crisis plan", "clinical", "social care": the category as professionals
/// name it.
fn category_words(category: DataCategory) -> String {
    category.as_str().replace('-', " ")
}

/// "direct care", "emergency treatment or crisis response".
fn purpose_words(purpose: Purpose) -> String {
    lowercase_first(purpose.label())
}

/// "with Northshire Police", "their clinical notes for direct care", or
/// "their record" when the refusal covers everything.
fn refusal_words(consent: &ConsentFacts) -> String {
    let scope = &consent.scope;
    let mut parts = Vec::new();
    if let Some(category) = scope.category {
        parts.push(format!("their {}", lowercase_first(category.label())));
    }
    if scope.organisation.is_some() {
        let name = consent
            .organisation_name
            .as_deref()
            .unwrap_or("an organisation they named");
        parts.push(format!("with {name}"));
    }
    if let Some(purpose) = scope.purpose {
        parts.push(format!("for {}", purpose_words(purpose)));
    }
    if parts.is_empty() {
        parts.push("their record".into());
    }
    if consent.holds_in_crisis {
        parts.push("even in a crisis, in their advance choices".into());
    }
    parts.join(" ")
}

/// "while they are detained under section 136": the crisis an advance
/// choice waits for, as professionals read it.
fn crisis_words(crisis: CrisisKind) -> &'static str {
    match crisis {
        CrisisKind::Section136 => "while they are detained under section 136",
        CrisisKind::Admission => "while they are in hospital",
        CrisisKind::AnyCrisis => "while they are in a crisis",
    }
}

/// "GPs and crisis clinicians", "no one" for an empty list.
fn roles_words(roles: &[Role]) -> String {
    let words: Vec<String> = roles.iter().map(|r| role_plural(*r)).collect();
    match words.as_slice() {
        [] => "the person themselves".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_named_in_the_plural_keeping_abbreviations() {
        assert_eq!(role_plural(Role::PoliceOfficer), "police officers");
        assert_eq!(role_plural(Role::Gp), "GPs");
        assert_eq!(role_plural(Role::Nhs111Advisor), "NHS 111 advisors");
        assert_eq!(
            role_plural(Role::EdClinician),
            "emergency department clinicians"
        );
    }

    #[test]
    fn placeholders_outside_the_list_are_found() {
        assert_eq!(unknown_placeholder("covers {who} {doing}"), None);
        assert_eq!(
            unknown_placeholder("covers {who} {whom}"),
            Some("whom".into())
        );
        assert_eq!(unknown_placeholder("no placeholders"), None);
    }

    #[test]
    fn several_roles_are_listed_with_and() {
        assert_eq!(
            roles_words(&[Role::Gp, Role::CrisisClinician, Role::SocialWorker]),
            "GPs, crisis clinicians and social workers"
        );
        assert_eq!(roles_words(&[]), "the person themselves");
    }
}
