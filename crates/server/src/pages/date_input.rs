//! Dates as people type them: day, month and year in three boxes (the
//! GOV.UK date-input pattern), never the browser's own date control, whose
//! order follows the browser's locale (mm/dd/yyyy in a US build turned
//! 14/05/1991 into 5 December). A form's `{name}-day`, `{name}-month` and
//! `{name}-year` are joined into `{name}` as `YYYY-MM-DD` before the form
//! is read, so every handler and service reads one date as before.

use std::collections::BTreeMap;

/// One date field, as a form shows it: its three parts, what it is, an
/// example, and what was wrong with it.
#[derive(Debug, Clone)]
pub struct DateInput {
    pub name: &'static str,
    /// What the field's elements' ids start with: its name, or the name
    /// and the item's id where a page repeats the field.
    pub id: String,
    pub label: &'static str,
    pub hint: &'static str,
    pub day: String,
    pub month: String,
    pub year: String,
    pub error: Option<String>,
}

impl DateInput {
    /// The field `name`, showing `value` (`YYYY-MM-DD`, or the parts as
    /// typed and joined) split back into its parts; no error yet.
    pub fn field(name: &'static str, label: &'static str, hint: &'static str, value: &str) -> Self {
        let parts: Vec<&str> = value.trim().splitn(3, '-').collect();
        let (year, month, day) = match parts.as_slice() {
            [y, m, d] => ((*y).to_owned(), (*m).to_owned(), (*d).to_owned()),
            _ => Default::default(),
        };
        Self {
            name,
            id: name.to_owned(),
            label,
            hint,
            day: day.trim_start_matches('0').to_owned(),
            month: month.trim_start_matches('0').to_owned(),
            year,
            error: None,
        }
    }

    /// The same field, its elements' ids made unique by `item`.
    pub fn for_item(mut self, item: &str) -> Self {
        self.id = format!("{}-{item}", self.name);
        self
    }

    /// The same field with `error` beside it, if there is one.
    pub fn with_error<S: AsRef<str>>(mut self, error: Option<S>) -> Self {
        self.error = error.map(|e| e.as_ref().to_owned());
        self
    }
}

/// A form body with each date's parts joined: `{name}=YYYY-MM-DD`, the
/// day and month given two digits, or empty if every part was left empty.
/// What was typed is kept as typed otherwise, so a date that is not one
/// is refused by whoever reads it, and shown back as it was typed.
pub fn joined(raw: &[u8]) -> Vec<u8> {
    let mut dates: BTreeMap<String, [String; 3]> = BTreeMap::new();
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (key, value) in form_urlencoded::parse(raw) {
        let part = [("-day", 0), ("-month", 1), ("-year", 2)]
            .into_iter()
            .find_map(|(suffix, i)| key.strip_suffix(suffix).map(|name| (name.to_owned(), i)));
        match part {
            Some((name, i)) => dates.entry(name).or_default()[i] = value.trim().to_owned(),
            None => {
                out.append_pair(&key, &value);
            }
        }
    }
    for (name, [day, month, year]) in dates {
        let date = if day.is_empty() && month.is_empty() && year.is_empty() {
            String::new()
        } else {
            format!("{year}-{}-{}", two_digits(&month), two_digits(&day))
        };
        out.append_pair(&name, &date);
    }
    out.finish().into_bytes()
}

/// "5" as "05"; anything else as typed.
fn two_digits(part: &str) -> String {
    if part.len() == 1 && part.chars().all(|c| c.is_ascii_digit()) {
        format!("0{part}")
    } else {
        part.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(raw: &[u8]) -> Vec<(String, String)> {
        form_urlencoded::parse(raw).into_owned().collect()
    }

    #[test]
    fn parts_typed_in_uk_order_join_into_one_date() {
        let body =
            joined(b"surname=Holt&birth_date-day=14&birth_date-month=5&birth_date-year=1991");
        assert_eq!(
            pairs(&body),
            vec![
                ("surname".to_owned(), "Holt".to_owned()),
                ("birth_date".to_owned(), "1991-05-14".to_owned()),
            ]
        );
    }

    #[test]
    fn empty_parts_are_no_date_and_nonsense_stays_as_typed() {
        let empty = joined(b"birth_date-day=&birth_date-month=&birth_date-year=");
        assert_eq!(
            pairs(&empty),
            vec![("birth_date".to_owned(), String::new())]
        );
        let wrong = joined(b"birth_date-day=31&birth_date-month=13&birth_date-year=91");
        assert_eq!(
            pairs(&wrong),
            vec![("birth_date".to_owned(), "91-13-31".to_owned())]
        );
        // Shown back as typed.
        let shown = DateInput::field("birth_date", "", "", "91-13-31");
        assert_eq!(
            (
                shown.day.as_str(),
                shown.month.as_str(),
                shown.year.as_str()
            ),
            ("31", "13", "91")
        );
    }

    #[test]
    fn a_form_without_parts_is_unchanged() {
        let body = joined(b"reason=On+the+bridge&birth_date=1991-05-14");
        assert_eq!(
            pairs(&body),
            vec![
                ("reason".to_owned(), "On the bridge".to_owned()),
                ("birth_date".to_owned(), "1991-05-14".to_owned()),
            ]
        );
    }

    #[test]
    fn a_stored_date_shows_as_its_parts() {
        let shown = DateInput::field("review_on", "", "", "2026-03-05");
        assert_eq!(
            (
                shown.day.as_str(),
                shown.month.as_str(),
                shown.year.as_str()
            ),
            ("5", "3", "2026")
        );
    }
}
