//! What was wrong with a submitted form, field by field: the GOV.UK error
//! summary at the top (each fault a link to its field) and the message
//! beside each field, from one list so that the two never disagree. The
//! templates read it through `error_summary.html` and the macros in
//! `fields.html`.

use crate::error::FieldError;
use crate::pages::words::sentence;

/// One field's fault.
#[derive(Debug, Clone)]
struct Fault {
    field: String,
    /// The element the summary links to: the field itself, or a date's day.
    anchor: String,
    message: String,
}

/// The faults of one form, in the order the fields were checked (which is
/// the order they appear in).
#[derive(Debug, Clone, Default)]
pub struct Faults(Vec<Fault>);

impl Faults {
    pub fn new() -> Self {
        Self::default()
    }

    /// A fault of a field the summary links to directly. A second fault of
    /// the same field is added to the first's message.
    pub fn add(&mut self, field: &str, message: impl AsRef<str>) {
        self.push(field, field.to_owned(), message.as_ref());
    }

    /// A fault of a day / month / year field: the summary links to its day.
    pub fn add_date(&mut self, field: &str, message: impl AsRef<str>) {
        self.push(field, format!("{field}-day"), message.as_ref());
    }

    /// One fault, if there is one, of a form with no fields of its own (a
    /// button that signs, agrees or reviews): the summary links to `anchor`.
    pub fn single(anchor: &str, message: Option<&str>) -> Self {
        let mut faults = Self::new();
        if let Some(m) = message {
            faults.add(anchor, m);
        }
        faults
    }

    /// A service's field errors: each of `on_form` beside its field (a
    /// `*_date` one as a date's), any other against `whole`, the form's id.
    pub fn from_service(fields: &[FieldError], on_form: &[&str], whole: &str) -> Self {
        let mut faults = Self::new();
        for FieldError { field, message } in fields {
            match on_form.iter().find(|f| **f == field.as_str()) {
                Some(f) if f.ends_with("date") => faults.add_date(f, message),
                Some(f) => faults.add(f, message),
                None => faults.add(whole, message),
            }
        }
        faults
    }

    fn push(&mut self, field: &str, anchor: String, message: &str) {
        let message = sentence(message);
        match self.0.iter_mut().find(|f| f.field == field) {
            Some(fault) => {
                fault.message.push(' ');
                fault.message.push_str(&message);
            }
            None => self.0.push(Fault {
                field: field.to_owned(),
                anchor,
                message,
            }),
        }
    }

    /// The message for `field`, if it has a fault.
    pub fn of(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The summary's lines: where each links, and what it says.
    pub fn summary(&self) -> Vec<(&str, &str)> {
        self.0
            .iter()
            .map(|f| (f.anchor.as_str(), f.message.as_str()))
            .collect()
    }

    /// The page title's prefix after a failed submission ("Error: "), so
    /// that a screen reader hears it first.
    pub fn title_prefix(&self) -> &'static str {
        if self.is_empty() {
            ""
        } else {
            "Error: "
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_field_shows_its_first_fault_and_the_summary_keeps_their_order() {
        let mut faults = Faults::new();
        assert!(faults.is_empty());
        assert_eq!(faults.title_prefix(), "");
        faults.add("nhs_number", "`12` is not a valid NHS number");
        faults.add_date("birth_date", "Enter a real date");
        faults.add("nhs_number", "it has a letter");
        assert_eq!(
            faults.of("nhs_number"),
            Some("12 is not a valid NHS number. It has a letter.")
        );
        assert_eq!(faults.of("reason"), None);
        assert_eq!(
            faults.summary(),
            vec![
                (
                    "nhs_number",
                    "12 is not a valid NHS number. It has a letter."
                ),
                ("birth_date-day", "Enter a real date."),
            ]
        );
        assert_eq!(faults.title_prefix(), "Error: ");
    }

    #[test]
    fn a_services_faults_land_beside_their_fields_or_against_the_form() {
        let said = |field: &str, message: &str| FieldError {
            field: field.to_owned(),
            message: message.to_owned(),
        };
        let faults = Faults::from_service(
            &[
                said("birth_date", "not a date"),
                said("reason", "required"),
                said("person_id", "no longer listed"),
            ],
            &["birth_date", "reason"],
            "look-up",
        );
        assert_eq!(
            faults.summary(),
            vec![
                ("birth_date-day", "Not a date."),
                ("reason", "Required."),
                ("look-up", "No longer listed."),
            ]
        );
    }
}
