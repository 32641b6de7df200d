//! A crisis plan's sections as the edit form's fields: each section's field
//! name, a version's content as the form holds it, and the form as posted
//! read back into sections (rows left blank dropped, in order).

use std::collections::BTreeMap;

use concordat_domain::crisis_plan::{ContactInput, PlanVersion, Section, SectionsInput};

use crate::pages::error::PageError;

/// The section's form field: `what_helps` for "what-helps".
pub(crate) fn field_name(section: Section) -> String {
    section.as_str().replace('-', "_")
}

pub(crate) fn text_of(input: &SectionsInput, name: &str) -> String {
    match name {
        "early_warning_signs" => &input.early_warning_signs,
        "triggers" => &input.triggers,
        "what_helps" => &input.what_helps,
        "what_does_not_help" => &input.what_does_not_help,
        "practical_arrangements" => &input.practical_arrangements,
        "treatment_preferences" => &input.treatment_preferences,
        "own_words" => &input.own_words,
        _ => "",
    }
    .to_owned()
}

fn set_text(input: &mut SectionsInput, name: &str, value: String) -> bool {
    let field = match name {
        "early_warning_signs" => &mut input.early_warning_signs,
        "triggers" => &mut input.triggers,
        "what_helps" => &mut input.what_helps,
        "what_does_not_help" => &mut input.what_does_not_help,
        "practical_arrangements" => &mut input.practical_arrangements,
        "treatment_preferences" => &mut input.treatment_preferences,
        "own_words" => &mut input.own_words,
        _ => return false,
    };
    *field = value;
    true
}

fn is_blank(c: &ContactInput) -> bool {
    [
        &c.name,
        &c.relationship,
        &c.service,
        &c.phone,
        &c.when_to_call,
    ]
    .iter()
    .all(|f| f.trim().is_empty())
}

/// The version's content as the form holds it.
pub(crate) fn input_of(version: &PlanVersion) -> SectionsInput {
    let s = &version.sections;
    SectionsInput {
        early_warning_signs: s.early_warning_signs.clone(),
        triggers: s.triggers.clone(),
        what_helps: s.what_helps.clone(),
        what_does_not_help: s.what_does_not_help.clone(),
        people_to_contact: s
            .people_to_contact
            .iter()
            .map(|c| ContactInput {
                name: c.name.clone(),
                relationship: c.relationship.clone(),
                phone: c.phone.as_str().to_owned(),
                when_to_call: c.when_to_call.clone(),
                ..ContactInput::default()
            })
            .collect(),
        professional_contacts: s
            .professional_contacts
            .iter()
            .map(|c| ContactInput {
                name: c.name.clone(),
                service: c.service.clone(),
                phone: c.phone.as_str().to_owned(),
                hours: c.hours.as_str().to_owned(),
                ..ContactInput::default()
            })
            .collect(),
        practical_arrangements: s.practical_arrangements.clone(),
        treatment_preferences: s.treatment_preferences.clone(),
        own_words: s.own_words.clone(),
    }
}

/// The form as sent: the sections, the rows that are not blank (in order,
/// so the domain's row numbers match the form's), the version it was based
/// on, and its hidden fields.
pub(crate) struct Sent {
    pub(crate) csrf_token: String,
    pub(crate) purpose: Option<String>,
    pub(crate) based_on: Option<u32>,
    pub(crate) input: SectionsInput,
}

pub(crate) fn sent(pairs: Vec<(String, String)>) -> Result<Sent, PageError> {
    let mut input = SectionsInput::default();
    let mut people: BTreeMap<usize, ContactInput> = BTreeMap::new();
    let mut professionals: BTreeMap<usize, ContactInput> = BTreeMap::new();
    let mut csrf_token = String::new();
    let mut purpose = None;
    let mut based_on = None;
    for (key, value) in pairs {
        match key.as_str() {
            "csrf_token" => csrf_token = value,
            "purpose" => purpose = Some(value),
            "based_on" => {
                based_on = match value.trim() {
                    "" => None,
                    raw => Some(raw.parse().map_err(|_| {
                        PageError::Invalid(format!("`{raw}` is not a version number."))
                    })?),
                }
            }
            _ => {
                if set_text(&mut input, &key, value.clone()) {
                    continue;
                }
                let Some((list, rest)) = key.split_once('[') else {
                    continue;
                };
                let Some((index, field)) = rest.split_once("].") else {
                    continue;
                };
                let Ok(index) = index.parse::<usize>() else {
                    continue;
                };
                let rows = match list {
                    "people_to_contact" => &mut people,
                    "professional_contacts" => &mut professionals,
                    _ => continue,
                };
                let row = rows.entry(index).or_default();
                match field {
                    "name" => row.name = value,
                    "relationship" => row.relationship = value,
                    "service" => row.service = value,
                    "phone" => row.phone = value,
                    "when_to_call" => row.when_to_call = value,
                    "hours" => row.hours = value,
                    _ => {}
                }
            }
        }
    }
    input.people_to_contact = people.into_values().filter(|c| !is_blank(c)).collect();
    input.professional_contacts = professionals
        .into_values()
        .filter(|c| !is_blank(c))
        .collect();
    Ok(Sent {
        csrf_token,
        purpose,
        based_on,
        input,
    })
}
