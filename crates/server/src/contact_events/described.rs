//! The person an event names by their details when the sender has no NHS
//! number for them: what the sender knows (names, date of birth, postcode,
//! phone, sex, its own identifier for them), checked field by field. Such
//! an event is held for matching (`crate::matching`), never guessed at.

use chrono::{DateTime, NaiveDate, Utc};
use concordat_domain::person::{Postcode, Sex};
use concordat_domain::text::{bounded, PhoneNumber};
use concordat_store::held_events::HeldDetails;
use serde::{Deserialize, Serialize};

/// A detail at fault, named as the sender wrote it (`person.birth_date`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailError {
    pub field: String,
    pub message: String,
}

/// The person as the sender knows them. Give at least the family name and
/// date of birth, or the sender's own identifier for the person.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DescribedPerson {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// female, male, other or unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    /// The sender's own identifier for the person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<SenderIdentifier>,
}

/// An identifier from the sender's own system: `{"system":
/// "https://ambulance.example/patient", "value": "A-1234"}`.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SenderIdentifier {
    pub system: String,
    pub value: String,
}

fn invalid(field: &str, message: impl ToString) -> DetailError {
    DetailError {
        field: format!("person.{field}"),
        message: message.to_string(),
    }
}

fn given(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl DescribedPerson {
    /// Checks every detail; `now` bounds the date of birth.
    pub fn check(&self, now: DateTime<Utc>) -> Result<HeldDetails, DetailError> {
        let name = |field: &'static str, raw: &Option<String>| {
            given(raw)
                .map(|n| bounded(field, n, 100).map_err(|e| invalid(field, e)))
                .transpose()
        };
        let given_name = name("given_name", &self.given_name)?;
        let family_name = name("family_name", &self.family_name)?;
        let birth_date = given(&self.birth_date)
            .map(|raw| {
                let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
                    invalid("birth_date", format!("`{raw}` is not a date (YYYY-MM-DD)"))
                })?;
                if date > now.date_naive() {
                    return Err(invalid(
                        "birth_date",
                        "a date of birth cannot be in the future",
                    ));
                }
                Ok(date)
            })
            .transpose()?;
        let postcode = given(&self.postcode)
            .map(|p| {
                Postcode::parse(p)
                    .map(|p| p.to_string())
                    .map_err(|e| invalid("postcode", e))
            })
            .transpose()?;
        let phone = given(&self.phone)
            .map(|p| {
                PhoneNumber::parse(p)
                    .map(|p| p.as_str().to_owned())
                    .map_err(|e| invalid("phone", e))
            })
            .transpose()?;
        let sex = given(&self.sex)
            .map(|s| {
                Sex::parse(s)
                    .map(|s| s.as_str().to_owned())
                    .map_err(|e| invalid("sex", e))
            })
            .transpose()?;
        let identifier = self
            .identifier
            .as_ref()
            .map(|i| {
                let system =
                    bounded("system", &i.system, 200).map_err(|e| invalid("identifier", e))?;
                let value =
                    bounded("value", &i.value, 100).map_err(|e| invalid("identifier", e))?;
                Ok::<_, DetailError>((system, value))
            })
            .transpose()?;
        let named = family_name.is_some() && birth_date.is_some();
        if !named && identifier.is_none() {
            return Err(DetailError {
                field: "person".into(),
                message: "give at least the family name and date of birth, or your own \
                          identifier for the person"
                    .into(),
            });
        }
        Ok(HeldDetails {
            given_name,
            family_name,
            birth_date,
            postcode,
            phone,
            sex,
            identifier,
        })
    }
}
