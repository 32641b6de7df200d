//! How the access and consent pages put things into words: sentences from
//! lowercase messages, dates and times, NHS numbers as people read them,
//! and the purposes of use a page offers.

use concordat_domain::purpose::Purpose;
use concordat_domain::role::Role;
use concordat_domain::user::User;

use crate::consent::PROFESSIONAL_PURPOSES;

/// A lowercase message ("the person has refused …") as a sentence, for
/// people rather than programs: without the backticks a service quotes
/// values in ("`999 000 0019` is not …").
pub fn sentence(text: &str) -> String {
    let text = text.replace('`', "");
    let mut chars = text.trim().chars();
    match chars.next() {
        Some(first) => {
            let rest = chars.as_str();
            let stop = if rest.ends_with(['.', '!', '?']) {
                ""
            } else {
                "."
            };
            format!("{}{rest}{stop}", first.to_uppercase())
        }
        None => String::new(),
    }
}

pub use concordat_domain::dates::{long_date, uk_clock, when};

/// "999 000 0018": how an NHS number is written and read aloud.
pub fn nhs_spaced(digits: &str) -> String {
    if digits.len() == 10 && digits.chars().all(|c| c.is_ascii_digit()) {
        format!("{} {} {}", &digits[..3], &digits[3..6], &digits[6..])
    } else {
        digits.to_owned()
    }
}

/// A purpose a page offers, for radio buttons and select boxes.
#[derive(Debug, Clone)]
pub struct PurposeChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub chosen: bool,
}

/// The purpose a role reads records for most: emergency treatment for
/// those who meet people only in an emergency (police, ambulance, the
/// emergency department, NHS 111), direct care for everyone else.
pub fn usual_purpose(role: Role) -> Purpose {
    match role {
        Role::PoliceOfficer | Role::Paramedic | Role::EdClinician | Role::Nhs111Advisor => {
            Purpose::Emergency
        }
        _ => Purpose::DirectCare,
    }
}

/// The purposes a reader of `role` may choose, their usual one first,
/// `chosen` (else the usual one) marked.
pub fn purpose_choices(role: Role, chosen: Option<Purpose>) -> Vec<PurposeChoice> {
    let usual = usual_purpose(role);
    let chosen = chosen.or(Some(usual));
    let mut purposes = PROFESSIONAL_PURPOSES.to_vec();
    purposes.sort_by_key(|p| *p != usual);
    purposes
        .iter()
        .map(|p| PurposeChoice {
            code: p.code(),
            label: p.label(),
            chosen: Some(*p) == chosen,
        })
        .collect()
}

/// The purpose a page reads a record for. Pages carry no purpose-bound
/// token, so the reader chooses it (`?purpose=TREAT|ETREAT|PATSFTY`, their
/// role's usual purpose when none is given); a person reading their own record always reads
/// it for their own access.
pub fn reading_purpose(user: &User, raw: Option<&str>) -> Result<Purpose, String> {
    if user.role() == Role::Person {
        return Ok(Purpose::OwnAccess);
    }
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(usual_purpose(user.role())),
        Some(raw) => Purpose::parse_code(raw)
            .ok()
            .filter(|p| PROFESSIONAL_PURPOSES.contains(p))
            .ok_or_else(|| {
                format!(
                    "`{raw}` is not a purpose you can read a record for here; choose direct care \
                     (TREAT), emergency treatment (ETREAT) or safeguarding (PATSFTY)"
                )
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_is_offered_its_usual_purpose_first() {
        let police = purpose_choices(Role::PoliceOfficer, None);
        assert_eq!(police[0].code, "ETREAT");
        assert!(police[0].chosen);
        assert!(!police.iter().skip(1).any(|p| p.chosen));
        let gp = purpose_choices(Role::Gp, None);
        assert_eq!(gp[0].code, "TREAT");
        // A purpose asked for is the one marked, wherever it stands.
        let chosen = purpose_choices(Role::PoliceOfficer, Some(Purpose::Safeguarding));
        assert!(chosen.iter().any(|p| p.code == "PATSFTY" && p.chosen));
        assert_eq!(chosen.len(), PROFESSIONAL_PURPOSES.len());
    }

    #[test]
    fn messages_become_sentences_once() {
        assert_eq!(
            sentence("the person has refused"),
            "The person has refused."
        );
        assert_eq!(sentence("Already a sentence."), "Already a sentence.");
        assert_eq!(sentence(""), "");
        assert_eq!(
            sentence("`999 000 0019` is not a valid NHS number"),
            "999 000 0019 is not a valid NHS number."
        );
    }

    #[test]
    fn nhs_numbers_are_spaced_three_three_four() {
        assert_eq!(nhs_spaced("9990000018"), "999 000 0018");
        assert_eq!(nhs_spaced("12345"), "12345");
    }
}
