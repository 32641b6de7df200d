//! What a section 136 detention records besides the contact: where the
//! person was taken as a place of safety, and how. The Mental Health Act
//! expects a health-based place of safety, reached by ambulance; a police
//! station or a police vehicle is the exception, which is why partnerships
//! count them.

use super::ContactKind;
use crate::vocabulary::closed_vocabulary;

closed_vocabulary! {
    /// Where a person detained under section 136 was taken.
    pub enum PlaceOfSafety, error PlaceOfSafetyError = "a place of safety" {
        HealthBased = "health-based", "Health-based place of safety";
        EmergencyDepartment = "emergency-department", "Emergency department";
        PoliceStation = "police-station", "Police station";
        Other = "other", "Another suitable place";
    }
}

closed_vocabulary! {
    /// How a person detained under section 136 was taken there.
    pub enum Conveyance, error ConveyanceError = "a way of taking someone to a place of safety" {
        Ambulance = "ambulance", "Ambulance";
        PoliceVehicle = "police-vehicle", "Police vehicle";
        Other = "other", "Other transport";
    }
}

/// A detention's place of safety and conveyance, recorded together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detention {
    pub place_of_safety: PlaceOfSafety,
    pub conveyed_by: Conveyance,
}

/// Why a detention's details were refused: the field, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetentionError {
    pub field: &'static str,
    pub message: String,
}

impl Detention {
    /// Reads the two fields as sent (blank is not given). Only a section
    /// 136 detention has them; when one is given, so must the other be.
    pub fn read(
        kind: ContactKind,
        place_of_safety: Option<&str>,
        conveyed_by: Option<&str>,
    ) -> Result<Option<Self>, DetentionError> {
        let (place, conveyed) = (given(place_of_safety), given(conveyed_by));
        if place.is_none() && conveyed.is_none() {
            return Ok(None);
        }
        let refuse = |field: &'static str, message: String| DetentionError { field, message };
        if kind != ContactKind::Section136 {
            return Err(refuse(
                if place.is_some() {
                    "place_of_safety"
                } else {
                    "conveyed_by"
                },
                "only a section 136 detention has a place of safety and a conveyance".into(),
            ));
        }
        let place = place.ok_or_else(|| {
            refuse(
                "place_of_safety",
                "say where the person was taken too".into(),
            )
        })?;
        let conveyed = conveyed
            .ok_or_else(|| refuse("conveyed_by", "say how the person was taken too".into()))?;
        Ok(Some(Self {
            place_of_safety: PlaceOfSafety::parse(place)
                .map_err(|e| refuse("place_of_safety", e.to_string()))?,
            conveyed_by: Conveyance::parse(conveyed)
                .map_err(|e| refuse("conveyed_by", e.to_string()))?,
        }))
    }
}

/// A field's value, unless blank.
fn given(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_detention_names_both_the_place_and_the_conveyance_or_neither() {
        let s136 = ContactKind::Section136;
        assert_eq!(Detention::read(s136, None, Some(" ")), Ok(None));
        assert_eq!(
            Detention::read(s136, Some("health-based"), Some("ambulance")),
            Ok(Some(Detention {
                place_of_safety: PlaceOfSafety::HealthBased,
                conveyed_by: Conveyance::Ambulance
            }))
        );
        assert_eq!(
            Detention::read(s136, Some("health-based"), None)
                .unwrap_err()
                .field,
            "conveyed_by"
        );
        assert_eq!(
            Detention::read(s136, Some("cell"), Some("ambulance"))
                .unwrap_err()
                .field,
            "place_of_safety"
        );
        assert_eq!(
            Detention::read(ContactKind::StreetTriage, None, Some("ambulance"))
                .unwrap_err()
                .field,
            "conveyed_by"
        );
    }

    #[test]
    fn vocabularies_are_well_formed() {
        crate::vocabulary::testing::assert_well_formed(
            &PlaceOfSafety::ALL,
            PlaceOfSafety::as_str,
            PlaceOfSafety::parse,
            PlaceOfSafety::label,
        );
        crate::vocabulary::testing::assert_well_formed(
            &Conveyance::ALL,
            Conveyance::as_str,
            Conveyance::parse,
            Conveyance::label,
        );
    }
}
