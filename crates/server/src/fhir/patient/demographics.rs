//! A Patient search by demographics, read: names and the date of birth
//! narrow the query (no mask withholds them); the postcode is matched
//! against the address as the caller may see it, so a withheld address
//! matches nothing and tells nothing.

use concordat_store::covered::PeopleFilter;
use serde_json::Value;

use super::super::outcome::FhirError;
use super::super::search;

/// What a search by demographics asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub filter: PeopleFilter,
    /// The start of the postcode, without spaces, in capitals.
    pub postcode: Option<String>,
}

/// A postcode as compared: capitals, no spaces.
fn postcode_key(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

impl Asked {
    /// Reads `params` (already checked against the type's table);
    /// `None` if they name neither a name nor a date of birth.
    pub fn read(params: &[(&'static str, String)]) -> Result<Option<Self>, FhirError> {
        let mut filter = PeopleFilter::default();
        let mut postcode = None;
        for (name, value) in params {
            match *name {
                "family" => filter.family = Some(value.clone()),
                "given" => filter.given = Some(value.clone()),
                "name" => filter.name = Some(value.clone()),
                "birthdate" => {
                    let (from, to) = search::days(value).ok_or_else(|| {
                        FhirError::invalid(
                            "birthdate",
                            format!("`{value}` is not a day like 1991-05-14 (or ge1991-05-14)"),
                        )
                    })?;
                    filter.born_from = from;
                    filter.born_to = to;
                }
                "address-postalcode" => postcode = Some(postcode_key(value)),
                other => {
                    return Err(FhirError::Internal(format!(
                        "`{other}` is not a demographic parameter"
                    )))
                }
            }
        }
        let narrowed = filter.family.is_some()
            || filter.given.is_some()
            || filter.name.is_some()
            || filter.born_from.is_some()
            || filter.born_to.is_some();
        if !narrowed {
            return match postcode {
                Some(_) => Err(FhirError::invalid(
                    "address-postalcode",
                    "search by postcode with a name or a date of birth",
                )),
                None => Ok(None),
            };
        }
        Ok(Some(Self { filter, postcode }))
    }

    /// Whether `patient`, as the caller sees it, has an address whose
    /// postcode starts as asked (always, if no postcode was asked).
    pub fn postcode_matches(&self, patient: &Value) -> bool {
        let Some(asked) = &self.postcode else {
            return true;
        };
        patient["address"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["postalCode"].as_str())
            .any(|shown| postcode_key(shown).starts_with(asked.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn asked(pairs: &[(&'static str, &str)]) -> Result<Option<Asked>, FhirError> {
        let params: Vec<(&'static str, String)> =
            pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        Asked::read(&params)
    }

    #[test]
    fn a_name_or_a_date_of_birth_is_needed() {
        assert!(asked(&[]).unwrap().is_none());
        assert!(asked(&[("address-postalcode", "NS1")]).is_err());
        assert!(asked(&[("family", "Okafor")]).unwrap().is_some());
        assert!(asked(&[("birthdate", "1991-05-14")]).unwrap().is_some());
        assert!(asked(&[("birthdate", "14/05/1991")]).is_err());
    }

    #[test]
    fn a_birth_date_reads_as_a_range_of_days() {
        let a = asked(&[("birthdate", "ge1990-01-01")]).unwrap().unwrap();
        assert_eq!(a.filter.born_from.unwrap().to_string(), "1990-01-01");
        assert!(a.filter.born_to.is_none());
    }

    #[test]
    fn the_postcode_is_matched_as_shown_ignoring_spaces_and_case() {
        let a = asked(&[("family", "O"), ("address-postalcode", "ns1 4")])
            .unwrap()
            .unwrap();
        assert!(a.postcode_matches(&json!({"address": [{"postalCode": "NS1 4AB"}]})));
        assert!(!a.postcode_matches(&json!({"address": [{"postalCode": "NS2 4AB"}]})));
        // A withheld address has no postcode to match.
        assert!(!a.postcode_matches(&json!({"address": [{"extension": []}]})));
        assert!(!a.postcode_matches(&json!({})));
    }
}
