//! What a crisis plan says, section by section, in the person's words. Each
//! section is plain text (or a short list of people to call); nothing is
//! coded, because the reader at 3 a.m. needs to read it, not decode it.

use serde::{Deserialize, Serialize};

use crate::text::{bounded, paragraphs, PhoneNumber, TextError};
use crate::vocabulary::closed_vocabulary;

/// The longest a section may be: a page of text, enough for a plan and
/// short enough to read on a phone.
pub const SECTION_MAX_CHARS: usize = 4_000;
/// The most people (or professionals) a plan lists.
pub const CONTACTS_MAX: usize = 12;

closed_vocabulary! {
    /// The sections of a plan, in the order a reader meets them.
    pub enum Section, error SectionError = "a crisis plan section" {
        EarlyWarningSigns = "early-warning-signs", "Early warning signs";
        Triggers = "triggers", "Triggers";
        WhatHelps = "what-helps", "What helps";
        WhatDoesNotHelp = "what-does-not-help", "What does NOT help";
        PeopleToContact = "people-to-contact", "People to contact";
        ProfessionalContacts = "professional-contacts", "Professionals to contact";
        PracticalArrangements = "practical-arrangements", "Practical arrangements";
        TreatmentPreferences = "treatment-preferences", "Treatment preferences and refusals";
        OwnWords = "own-words", "In my own words";
    }
}

closed_vocabulary! {
    /// When a professional contact can be reached.
    pub enum ContactHours, error ContactHoursError = "a time to call" {
        InHours = "in-hours", "In working hours";
        OutOfHours = "out-of-hours", "Out of hours";
        AnyTime = "any-time", "Any time";
    }
}

/// Someone the person wants contacted: family, a friend, a neighbour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonalContact {
    pub name: String,
    pub relationship: String,
    pub phone: PhoneNumber,
    /// "Any time", "Only if I am admitted", "Not after 10 p.m.".
    pub when_to_call: String,
}

/// A professional or service to call, in hours or out of hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProfessionalContact {
    pub name: String,
    /// The service or role: "Crisis team", "Care coordinator".
    pub service: String,
    pub phone: PhoneNumber,
    pub hours: ContactHours,
}

/// The plan's content. Built from [`SectionsInput`] by [`PlanSections::parse`]
/// at the edge; read back from storage as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanSections {
    pub early_warning_signs: String,
    pub triggers: String,
    pub what_helps: String,
    pub what_does_not_help: String,
    pub people_to_contact: Vec<PersonalContact>,
    pub professional_contacts: Vec<ProfessionalContact>,
    pub practical_arrangements: String,
    pub treatment_preferences: String,
    pub own_words: String,
}

/// A contact as typed into a form or sent as JSON, before checking.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = PlanContactInput)]
#[serde(default)]
pub struct ContactInput {
    pub name: String,
    pub relationship: String,
    pub service: String,
    pub phone: String,
    pub when_to_call: String,
    pub hours: String,
}

/// The plan as typed, before checking. Absent sections are empty.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SectionsInput {
    pub early_warning_signs: String,
    pub triggers: String,
    pub what_helps: String,
    pub what_does_not_help: String,
    pub people_to_contact: Vec<ContactInput>,
    pub professional_contacts: Vec<ContactInput>,
    pub practical_arrangements: String,
    pub treatment_preferences: String,
    pub own_words: String,
}

/// One problem with the plan as typed, named by its field so a form can put
/// the message beside it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SectionProblem {
    pub field: String,
    pub message: String,
}

impl SectionProblem {
    fn new(field: impl Into<String>, message: impl ToString) -> Self {
        Self {
            field: field.into(),
            message: message.to_string(),
        }
    }

    fn text(error: TextError) -> Self {
        Self::new(error.field(), error.kind())
    }
}

impl PlanSections {
    /// Checks every section and contact, reporting every problem at once.
    /// Contacts left wholly blank (an empty row of a form) are dropped.
    pub fn parse(input: SectionsInput) -> Result<Self, Vec<SectionProblem>> {
        let mut problems = Vec::new();
        let mut text = |field: &'static str, raw: &str| {
            paragraphs(field, raw, SECTION_MAX_CHARS).unwrap_or_else(|e| {
                problems.push(SectionProblem::text(e));
                String::new()
            })
        };
        let early_warning_signs = text("early_warning_signs", &input.early_warning_signs);
        let triggers = text("triggers", &input.triggers);
        let what_helps = text("what_helps", &input.what_helps);
        let what_does_not_help = text("what_does_not_help", &input.what_does_not_help);
        let practical_arrangements = text("practical_arrangements", &input.practical_arrangements);
        let treatment_preferences = text("treatment_preferences", &input.treatment_preferences);
        let own_words = text("own_words", &input.own_words);

        let people_to_contact = contacts(
            "people_to_contact",
            &input.people_to_contact,
            &mut problems,
            |c| {
                Ok(PersonalContact {
                    name: bounded("name", &c.name, 100)?,
                    relationship: bounded("relationship", &c.relationship, 60)?,
                    phone: phone(&c.phone)?,
                    when_to_call: paragraphs("when_to_call", &c.when_to_call, 300)?,
                })
            },
        );
        let professional_contacts = contacts(
            "professional_contacts",
            &input.professional_contacts,
            &mut problems,
            |c| {
                Ok(ProfessionalContact {
                    name: bounded("name", &c.name, 100)?,
                    service: bounded("service", &c.service, 100)?,
                    phone: phone(&c.phone)?,
                    hours: ContactHours::parse(c.hours.trim())
                        .map_err(|e| SectionProblem::new("hours", e))?,
                })
            },
        );
        if problems.is_empty() {
            Ok(Self {
                early_warning_signs,
                triggers,
                what_helps,
                what_does_not_help,
                people_to_contact,
                professional_contacts,
                practical_arrangements,
                treatment_preferences,
                own_words,
            })
        } else {
            Err(problems)
        }
    }

    /// A plan with nothing in it cannot be agreed.
    pub fn is_empty(&self) -> bool {
        Section::ALL.iter().all(|s| self.lines(*s).is_empty())
    }

    /// The Surrey finding: people in crisis say what makes things worse, and
    /// coverage counts plans that record it.
    pub fn says_what_does_not_help(&self) -> bool {
        !self.what_does_not_help.is_empty()
    }

    /// The text of a section.
    pub fn text(&self, section: Section) -> Option<&str> {
        match section {
            Section::EarlyWarningSigns => Some(&self.early_warning_signs),
            Section::Triggers => Some(&self.triggers),
            Section::WhatHelps => Some(&self.what_helps),
            Section::WhatDoesNotHelp => Some(&self.what_does_not_help),
            Section::PracticalArrangements => Some(&self.practical_arrangements),
            Section::TreatmentPreferences => Some(&self.treatment_preferences),
            Section::OwnWords => Some(&self.own_words),
            Section::PeopleToContact | Section::ProfessionalContacts => None,
        }
    }

    /// A section as lines of text, for reading and for comparing versions.
    pub fn lines(&self, section: Section) -> Vec<String> {
        match section {
            Section::PeopleToContact => self
                .people_to_contact
                .iter()
                .map(|c| {
                    let when = if c.when_to_call.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", c.when_to_call.replace('\n', " "))
                    };
                    format!("{} ({}), {}{when}", c.name, c.relationship, c.phone)
                })
                .collect(),
            Section::ProfessionalContacts => self
                .professional_contacts
                .iter()
                .map(|c| {
                    format!(
                        "{}, {}, {} — {}",
                        c.name,
                        c.service,
                        c.phone,
                        c.hours.label().to_lowercase()
                    )
                })
                .collect(),
            other => self
                .text(other)
                .unwrap_or_default()
                .lines()
                .map(str::to_owned)
                .collect(),
        }
    }

    /// The first professional reachable out of hours, for the crisis look-up.
    pub fn out_of_hours_contact(&self) -> Option<&ProfessionalContact> {
        self.professional_contacts
            .iter()
            .find(|c| c.hours == ContactHours::OutOfHours)
            .or_else(|| {
                self.professional_contacts
                    .iter()
                    .find(|c| c.hours == ContactHours::AnyTime)
            })
    }
}

fn phone(raw: &str) -> Result<PhoneNumber, SectionProblem> {
    PhoneNumber::parse(raw).map_err(|e| SectionProblem::new("phone", e))
}

fn contacts<T>(
    list: &str,
    input: &[ContactInput],
    problems: &mut Vec<SectionProblem>,
    check: impl Fn(&ContactInput) -> Result<T, SectionProblem>,
) -> Vec<T> {
    let filled: Vec<_> = input
        .iter()
        .filter(|c| {
            [
                &c.name,
                &c.relationship,
                &c.service,
                &c.phone,
                &c.when_to_call,
            ]
            .iter()
            .any(|f| !f.trim().is_empty())
        })
        .collect();
    if filled.len() > CONTACTS_MAX {
        problems.push(SectionProblem::new(
            list,
            format!("at most {CONTACTS_MAX} contacts"),
        ));
    }
    let mut out = Vec::new();
    for (index, contact) in filled.iter().enumerate() {
        match check(contact) {
            Ok(c) => out.push(c),
            Err(p) => problems.push(SectionProblem::new(
                format!("{list}[{index}].{}", p.field),
                p.message,
            )),
        }
    }
    out
}

impl From<TextError> for SectionProblem {
    fn from(error: TextError) -> Self {
        Self::text(error)
    }
}
