//! A new choice as it is sent, and how it is checked: every field at
//! fault named, nothing written unless all are valid. Also the purposes and
//! ways of hearing a choice that a form offers.

use chrono::{DateTime, NaiveDate, Utc};
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{
    ConsentDirective, ConsentEffect, ConsentError, ConsentScope, RecordedVia,
};
use concordat_domain::ids::{ConsentId, PersonId};
use concordat_domain::organisation::{Organisation, OrganisationCode};
use concordat_domain::purpose::Purpose;
use concordat_domain::user::User;
use serde::Deserialize;

use crate::error::{FieldError, ServiceError};
use crate::permissions::ConsentSteward;

/// The purposes a professional reads a record for, and so the purposes a
/// choice can name and a page offers. Commissioning sees no one's record,
/// and own access is the person's.
pub const PROFESSIONAL_PURPOSES: [Purpose; 3] = [
    Purpose::DirectCare,
    Purpose::Emergency,
    Purpose::Safeguarding,
];

/// The ways a member of the care team can have heard the person's choice.
pub const STAFF_VIA: [RecordedVia; 3] = [
    RecordedVia::InPerson,
    RecordedVia::Phone,
    RecordedVia::Letter,
];

/// A new choice as sent in a JSON body or a form, before it is checked.
/// Blank strings count as absent; a missing effect is named as the field at
/// fault, like any other mistake.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDirective {
    /// `permit` or `deny`.
    #[serde(default)]
    pub effect: String,
    pub organisation: Option<String>,
    pub category: Option<String>,
    pub purpose: Option<String>,
    pub via: Option<String>,
    pub capacity_note: Option<String>,
    pub expires_at: Option<String>,
}

fn blank(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Turns what was sent into a directive, or every field at fault and why.
pub(super) fn parse(
    orgs: &[Organisation],
    user: &User,
    person: PersonId,
    steward: ConsentSteward,
    input: &NewDirective,
    now: DateTime<Utc>,
) -> Result<ConsentDirective, ServiceError> {
    let mut errors = Vec::new();
    let mut fail = |field: &str, message: String| errors.push(FieldError::new(field, message));
    let effect = ConsentEffect::parse(input.effect.trim())
        .map_err(|e| fail("effect", e.to_string()))
        .ok();
    let organisation = blank(&input.organisation).and_then(|raw| {
        let found = OrganisationCode::parse(raw).ok().and_then(|code| {
            orgs.iter()
                .find(|o| o.code().as_str().eq_ignore_ascii_case(code.as_str()))
        });
        if found.is_none() {
            fail(
                "organisation",
                format!("there is no organisation with code `{raw}`"),
            );
        }
        found.map(Organisation::id)
    });
    let category = blank(&input.category).and_then(|raw| match DataCategory::parse(raw) {
        Ok(category) if category.is_shared() => Some(category),
        Ok(_) => {
            fail(
                "category",
                "a choice covers what is shared; the sharing choices themselves are kept with \
                 the care team"
                    .to_owned(),
            );
            None
        }
        Err(e) => {
            fail("category", e.to_string());
            None
        }
    });
    let purpose = blank(&input.purpose).and_then(|raw| {
        let found = Purpose::parse_code(raw)
            .ok()
            .filter(|p| PROFESSIONAL_PURPOSES.contains(p));
        if found.is_none() {
            fail(
                "purpose",
                format!("`{raw}` is not a purpose a choice can name; expected one of: TREAT, ETREAT, PATSFTY"),
            );
        }
        found
    });
    let via = match (steward, blank(&input.via)) {
        (ConsentSteward::OwnAccount, None) => Some(RecordedVia::OwnAccount),
        (ConsentSteward::OwnAccount, Some(raw)) => match RecordedVia::parse(raw) {
            Ok(RecordedVia::OwnAccount) => Some(RecordedVia::OwnAccount),
            _ => {
                fail(
                    "via",
                    format!(
                        "a choice made through your own account is recorded as `own-account`, not `{raw}`"
                    ),
                );
                None
            }
        },
        (ConsentSteward::CareTeam, None) => {
            fail(
                "via",
                "say how the person told you: in-person, phone or letter".into(),
            );
            None
        }
        (ConsentSteward::CareTeam, Some(raw)) => match RecordedVia::parse(raw) {
            Ok(via) if STAFF_VIA.contains(&via) => Some(via),
            _ => {
                fail(
                    "via",
                    format!("`{raw}` is not how a person told you; expected one of: in-person, phone, letter"),
                );
                None
            }
        },
    };
    let expires_at = blank(&input.expires_at).and_then(|raw| {
        parse_expiry(raw)
            .map_err(|message| fail("expires_at", message))
            .ok()
    });
    let (Some(effect), Some(via)) = (effect, via) else {
        return Err(ServiceError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    ConsentDirective::new(
        ConsentId::new(),
        person,
        effect,
        ConsentScope {
            organisation,
            category,
            purpose,
        },
        user.id(),
        now,
        via,
        blank(&input.capacity_note),
        expires_at,
    )
    .map_err(|e| {
        let field = match e {
            ConsentError::ExpiresBeforeRecorded => "expires_at",
            ConsentError::Text(_) => "capacity_note",
        };
        let message = match e {
            ConsentError::ExpiresBeforeRecorded => "the expiry must be in the future".to_owned(),
            other => other.to_string(),
        };
        ServiceError::Invalid(vec![FieldError::new(field, message)])
    })
}

/// An instant (RFC 3339), or a date, meaning the end of that day (UTC).
fn parse_expiry(raw: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Ok(at.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.succ_opt())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| format!("`{raw}` is not a date (YYYY-MM-DD) or an instant (RFC 3339)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expiry_date_means_the_end_of_that_day() {
        let at = parse_expiry("2026-04-01").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-04-02T00:00:00+00:00");
        assert!(parse_expiry("2026-04-01T10:00:00Z").is_ok());
        assert!(parse_expiry("next week").is_err());
    }
}
