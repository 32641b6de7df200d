//! How a crisis look-up finds a person, and why it was made: the one
//! reading of what a surface was given (the API's query, the phone page's
//! form), with one order of precedence and the same field errors for
//! both; then finding the people it names.

use chrono::NaiveDate;
use concordat_access::LookUpReason;
use concordat_domain::ids::PersonId;
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::person::{Person, Postcode};
use concordat_store::{masks, persons, AccessVersions};
use serde::Serialize;

use crate::error::{FieldError, ServiceError};
use crate::AppState;

/// The most candidates listed for surname and date of birth; more than this
/// and the user is asked for the postcode or the NHS number.
pub const MAX_CANDIDATES: u32 = 10;
/// The longest reason accepted: a sentence or two.
pub const REASON_MAX_CHARS: usize = 500;
/// The longest surname accepted.
pub const SURNAME_MAX_CHARS: usize = 100;

/// A look-up as a surface received it: each field as typed, `None` or
/// blank when not given.
#[derive(Debug, Clone, Copy, Default)]
pub struct LookUpInput<'a> {
    pub nhs_number: Option<&'a str>,
    pub surname: Option<&'a str>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<&'a str>,
    pub postcode: Option<&'a str>,
    /// One of the candidates an earlier look-up listed.
    pub person_id: Option<&'a str>,
    pub reason: Option<&'a str>,
}

/// How the person is to be found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    NhsNumber(NhsNumber),
    Details {
        surname: String,
        birth_date: NaiveDate,
        postcode: Option<Postcode>,
    },
    /// One of the candidates an earlier look-up listed.
    Candidate(PersonId),
}

impl LookUpInput<'_> {
    /// How to find the person and why, or every field at fault (those of
    /// the way of finding first, then the reason).
    ///
    /// The way of finding is the first given of: the NHS number (it names
    /// one person), a candidate an earlier look-up listed, the surname and
    /// date of birth (with the postcode, if given). Fields of the other
    /// ways are not read.
    pub fn parse(&self) -> Result<(Finding, LookUpReason), ServiceError> {
        let mut errors = Vec::new();
        let finding = self.finding(&mut errors);
        let reason = parse_reason(self.reason.unwrap_or(""))
            .map_err(|message| errors.push(FieldError::new("reason", message)))
            .ok();
        match (finding, reason) {
            (Some(finding), Some(reason)) if errors.is_empty() => Ok((finding, reason)),
            _ => Err(ServiceError::Invalid(errors)),
        }
    }

    fn finding(&self, errors: &mut Vec<FieldError>) -> Option<Finding> {
        let mut fault = |field: &str, message: String| errors.push(FieldError::new(field, message));
        if let Some(raw) = given(self.nhs_number) {
            return NhsNumber::parse(raw)
                .map(Finding::NhsNumber)
                .map_err(|e| fault("nhs_number", e.to_string()))
                .ok();
        }
        if let Some(raw) = given(self.person_id) {
            return PersonId::parse(raw)
                .map(Finding::Candidate)
                .map_err(|_| fault("person_id", "choose one of the people listed".to_owned()))
                .ok();
        }
        let (surname, born) = match (given(self.surname), given(self.birth_date)) {
            (Some(surname), Some(born)) => (surname, born),
            (Some(_), None) => {
                fault(
                    "birth_date",
                    "give the date of birth with the surname".to_owned(),
                );
                return None;
            }
            (None, Some(_)) => {
                fault(
                    "surname",
                    "give the surname with the date of birth".to_owned(),
                );
                return None;
            }
            (None, None) => {
                fault(
                    "nhs_number",
                    "give the NHS number, or the surname and date of birth".to_owned(),
                );
                return None;
            }
        };
        // Every field of this way at fault is named, not only the first.
        let surname = (surname.chars().count() <= SURNAME_MAX_CHARS
            && !surname.chars().any(char::is_control))
        .then_some(surname)
        .or_else(|| {
            fault(
                "surname",
                format!("not a surname: at most {SURNAME_MAX_CHARS} characters, on one line"),
            );
            None
        });
        let birth_date = NaiveDate::parse_from_str(born, "%Y-%m-%d")
            .map_err(|_| {
                fault(
                    "birth_date",
                    format!("`{born}` is not a date; write it as YYYY-MM-DD"),
                );
            })
            .ok();
        let postcode = match given(self.postcode).map(Postcode::parse) {
            None => Some(None),
            Some(Ok(postcode)) => Some(Some(postcode)),
            Some(Err(e)) => {
                fault("postcode", e.to_string());
                None
            }
        };
        Some(Finding::Details {
            surname: surname?.to_owned(),
            birth_date: birth_date?,
            postcode: postcode?,
        })
    }
}

/// A field as given: trimmed, and `None` when blank.
fn given(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|s| !s.is_empty())
}

fn parse_reason(raw: &str) -> Result<LookUpReason, String> {
    let reason = LookUpReason::parse(raw).map_err(|_| {
        "say briefly why you need the crisis plan: it is recorded, and the person can see it"
            .to_owned()
    })?;
    if reason.as_str().chars().count() > REASON_MAX_CHARS {
        return Err(format!("at most {REASON_MAX_CHARS} characters"));
    }
    if reason.as_str().chars().any(char::is_control) {
        return Err("must be one line without control characters".to_owned());
    }
    Ok(reason)
}

impl Finding {
    /// How the person was sought, for the audit entry of a look-up that
    /// opened no record.
    pub(super) fn how(&self) -> &'static str {
        match self {
            Finding::NhsNumber(_) => "NHS number",
            Finding::Details { postcode: None, .. } => "surname and date of birth",
            Finding::Details { .. } => "surname, date of birth and postcode",
            Finding::Candidate(_) => "a listed candidate",
        }
    }
}

/// The people `finding` names: at most one for an NHS number or a
/// candidate; for surname and date of birth at most one more than
/// [`MAX_CANDIDATES`], so that too many can be told from enough. For one
/// person named by id or NHS number, the access versions in force come
/// with them, read in the same statement.
pub(super) async fn find(state: &AppState, finding: &Finding) -> Result<Found, ServiceError> {
    Ok(match finding {
        Finding::NhsNumber(n) => {
            let (person, versions) = state.reads.persons.read((*n).into()).await?;
            Found {
                people: person.into_iter().collect(),
                versions: Some(versions),
            }
        }
        Finding::Details {
            surname,
            birth_date,
            postcode,
        } => {
            let mut conn = state.store.read().await?;
            Found {
                people: persons::persons_by_surname_and_birth_date(
                    &mut conn,
                    surname,
                    *birth_date,
                    postcode.as_ref(),
                    MAX_CANDIDATES + 1,
                )
                .await?,
                versions: None,
            }
        }
        Finding::Candidate(id) => {
            let (person, versions) = state.reads.persons.read((*id).into()).await?;
            Found {
                people: person.into_iter().collect(),
                versions: Some(versions),
            }
        }
    })
}

/// Whom a look-up found, and for one person found by id or NHS number the
/// access versions read with them.
pub(super) struct Found {
    pub people: Vec<Person>,
    pub versions: Option<AccessVersions>,
}

/// One of several people a look-up matched, in as little detail as lets
/// the user tell them apart.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Candidate {
    pub person_id: String,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
    /// The first half of the postcode, unless the address is withheld.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postcode_district: Option<String>,
}

pub(super) async fn candidates(
    state: &AppState,
    people: &[Person],
) -> Result<Vec<Candidate>, ServiceError> {
    let mut conn = state.store.read().await?;
    let mut out = Vec::new();
    for person in people.iter().take(MAX_CANDIDATES as usize) {
        let masked = !masks::masks_of(&mut conn, person.id()).await?.is_empty();
        out.push(Candidate {
            person_id: person.id().to_string(),
            given_name: person.name().given().to_owned(),
            family_name: person.name().family().to_owned(),
            birth_date: person.birth_date().date(),
            postcode_district: person
                .address()
                .filter(|_| !masked)
                .map(|a| a.postcode().outward().to_owned()),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(input: LookUpInput<'_>) -> Vec<(String, String)> {
        match input.parse() {
            Err(ServiceError::Invalid(fields)) => {
                fields.into_iter().map(|e| (e.field, e.message)).collect()
            }
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    const GARY: &str = "9990000034";

    #[test]
    fn the_nhs_number_comes_first_then_a_listed_candidate_then_surname_and_date_of_birth() {
        let id = PersonId::new();
        let id_text = id.to_string();
        let all = LookUpInput {
            nhs_number: Some(GARY),
            surname: Some("Holt"),
            birth_date: Some("1979-01-23"),
            person_id: Some(&id_text),
            reason: Some("Welfare"),
            ..LookUpInput::default()
        };
        let (finding, reason) = all.parse().unwrap();
        assert_eq!(finding, Finding::NhsNumber(NhsNumber::parse(GARY).unwrap()));
        assert_eq!(reason.as_str(), "Welfare");

        let no_number = LookUpInput {
            nhs_number: Some("  "),
            ..all
        };
        assert_eq!(no_number.parse().unwrap().0, Finding::Candidate(id));

        let details = LookUpInput {
            person_id: None,
            postcode: Some("ns5 2dl"),
            ..no_number
        };
        assert_eq!(
            details.parse().unwrap().0,
            Finding::Details {
                surname: "Holt".to_owned(),
                birth_date: NaiveDate::from_ymd_opt(1979, 1, 23).unwrap(),
                postcode: Some(Postcode::parse("NS5 2DL").unwrap()),
            }
        );
    }

    #[test]
    fn every_field_at_fault_is_named_with_the_reason_last() {
        let bad = LookUpInput {
            surname: Some("Holt\u{7}"),
            birth_date: Some("23/01/1979"),
            postcode: Some("nowhere"),
            reason: Some(" "),
            ..LookUpInput::default()
        };
        let named: Vec<String> = fields(bad).into_iter().map(|(f, _)| f).collect();
        assert_eq!(named, ["surname", "birth_date", "postcode", "reason"]);
    }

    #[test]
    fn half_of_a_way_of_finding_asks_for_the_other_half() {
        let reason = Some("x");
        for (input, field) in [
            (
                LookUpInput {
                    surname: Some("Holt"),
                    reason,
                    ..LookUpInput::default()
                },
                "birth_date",
            ),
            (
                LookUpInput {
                    birth_date: Some("1979-01-23"),
                    reason,
                    ..LookUpInput::default()
                },
                "surname",
            ),
            (
                LookUpInput {
                    reason,
                    ..LookUpInput::default()
                },
                "nhs_number",
            ),
            (
                LookUpInput {
                    person_id: Some("someone"),
                    reason,
                    ..LookUpInput::default()
                },
                "person_id",
            ),
        ] {
            assert_eq!(fields(input)[0].0, field, "{input:?}");
        }
    }

    #[test]
    fn a_reason_is_one_line_of_at_most_500_characters() {
        let long = "x".repeat(REASON_MAX_CHARS + 1);
        for reason in [None, Some(""), Some("two\nlines"), Some(long.as_str())] {
            let input = LookUpInput {
                nhs_number: Some(GARY),
                reason,
                ..LookUpInput::default()
            };
            let named: Vec<String> = fields(input).into_iter().map(|(f, _)| f).collect();
            assert_eq!(named, ["reason"], "{reason:?}");
        }
    }
}
