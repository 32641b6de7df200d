//! What the partnership records of a person only to see whether a service
//! treats groups of people differently: sex as recorded and the NHS ethnic
//! category. Neither decides anything about the person.

use crate::vocabulary::closed_vocabulary;

closed_vocabulary! {
    /// Sex as recorded (FHIR's administrative gender).
    pub enum Sex, error SexError = "a sex" {
        Female = "female", "Female";
        Male = "male", "Male";
        Other = "other", "Other";
        Unknown = "unknown", "Not known";
    }
}

closed_vocabulary! {
    /// The NHS Data Dictionary's ethnic group: the five groups and "not
    /// stated", which the categories A to S and Z fall into.
    pub enum EthnicGroup, error EthnicGroupError = "an ethnic group" {
        White = "white", "White";
        Mixed = "mixed", "Mixed or multiple ethnic groups";
        Asian = "asian", "Asian or Asian British";
        Black = "black", "Black or Black British";
        Other = "other", "Other ethnic group";
        NotStated = "not-stated", "Not stated";
    }
}

closed_vocabulary! {
    /// The NHS ethnic category (NHS Data Dictionary, 2001 census
    /// categories), as the person describes themselves. `Z` is the person's
    /// choice not to say.
    pub enum EthnicCategory, error EthnicCategoryError = "an NHS ethnic category code" {
        WhiteBritish = "A", "White: British";
        WhiteIrish = "B", "White: Irish";
        WhiteOther = "C", "White: any other White background";
        MixedWhiteBlackCaribbean = "D", "Mixed: White and Black Caribbean";
        MixedWhiteBlackAfrican = "E", "Mixed: White and Black African";
        MixedWhiteAsian = "F", "Mixed: White and Asian";
        MixedOther = "G", "Mixed: any other mixed background";
        Indian = "H", "Asian or Asian British: Indian";
        Pakistani = "J", "Asian or Asian British: Pakistani";
        Bangladeshi = "K", "Asian or Asian British: Bangladeshi";
        AsianOther = "L", "Asian or Asian British: any other Asian background";
        Caribbean = "M", "Black or Black British: Caribbean";
        African = "N", "Black or Black British: African";
        BlackOther = "P", "Black or Black British: any other Black background";
        Chinese = "R", "Other ethnic groups: Chinese";
        AnyOther = "S", "Other ethnic groups: any other ethnic group";
        NotStated = "Z", "Not stated";
    }
}

impl EthnicCategory {
    /// The group the category falls into.
    pub fn group(self) -> EthnicGroup {
        EthnicGroup::of_category(Some(self.as_str()))
    }
}

impl EthnicGroup {
    /// The group of an NHS ethnic category code (`A`–`S`, `Z`), case
    /// ignored. A missing or unknown code is "not stated".
    pub fn of_category(code: Option<&str>) -> Self {
        match code.map(str::trim).map(str::to_ascii_uppercase).as_deref() {
            Some("A" | "B" | "C") => Self::White,
            Some("D" | "E" | "F" | "G") => Self::Mixed,
            Some("H" | "J" | "K" | "L") => Self::Asian,
            Some("M" | "N" | "P") => Self::Black,
            Some("R" | "S") => Self::Other,
            _ => Self::NotStated,
        }
    }

    /// Whether `code` is one of the NHS ethnic category codes.
    pub fn is_category(code: &str) -> bool {
        matches!(
            code,
            "A" | "B"
                | "C"
                | "D"
                | "E"
                | "F"
                | "G"
                | "H"
                | "J"
                | "K"
                | "L"
                | "M"
                | "N"
                | "P"
                | "R"
                | "S"
                | "Z"
        )
    }
}

/// Age bands for seeing a list's make-up.
pub const AGE_BANDS: [(u32, Option<u32>, &str); 6] = [
    (0, Some(17), "Under 18"),
    (18, Some(24), "18 to 24"),
    (25, Some(39), "25 to 39"),
    (40, Some(54), "40 to 54"),
    (55, Some(69), "55 to 69"),
    (70, None, "70 and over"),
];

/// The band an age in years falls in.
pub fn age_band(years: u32) -> &'static str {
    AGE_BANDS
        .iter()
        .find(|(from, to, _)| years >= *from && to.is_none_or(|to| years <= to))
        .map_or("70 and over", |(_, _, label)| label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_category_falls_in_its_group() {
        assert_eq!(EthnicGroup::of_category(Some("a")), EthnicGroup::White);
        assert_eq!(EthnicGroup::of_category(Some("G")), EthnicGroup::Mixed);
        assert_eq!(EthnicGroup::of_category(Some("L")), EthnicGroup::Asian);
        assert_eq!(EthnicGroup::of_category(Some("P")), EthnicGroup::Black);
        assert_eq!(EthnicGroup::of_category(Some("S")), EthnicGroup::Other);
        assert_eq!(EthnicGroup::of_category(Some("Z")), EthnicGroup::NotStated);
        assert_eq!(EthnicGroup::of_category(None), EthnicGroup::NotStated);
        assert_eq!(EthnicGroup::of_category(Some("Q")), EthnicGroup::NotStated);
        assert!(EthnicGroup::is_category("Z"));
        assert!(!EthnicGroup::is_category("I"));
    }

    #[test]
    fn every_category_is_a_code_and_falls_in_the_group_its_code_does() {
        for category in EthnicCategory::ALL {
            assert!(EthnicGroup::is_category(category.as_str()), "{category:?}");
            assert_eq!(
                category.group(),
                EthnicGroup::of_category(Some(category.as_str()))
            );
        }
        assert_eq!(EthnicCategory::Caribbean.group(), EthnicGroup::Black);
        assert_eq!(EthnicCategory::NotStated.group(), EthnicGroup::NotStated);
        assert!(EthnicCategory::parse("I").is_err());
    }

    #[test]
    fn ages_fall_in_one_band_each() {
        assert_eq!(age_band(0), "Under 18");
        assert_eq!(age_band(17), "Under 18");
        assert_eq!(age_band(18), "18 to 24");
        assert_eq!(age_band(39), "25 to 39");
        assert_eq!(age_band(69), "55 to 69");
        assert_eq!(age_band(70), "70 and over");
        assert_eq!(age_band(104), "70 and over");
    }

    #[test]
    fn vocabularies_are_well_formed() {
        crate::vocabulary::testing::assert_well_formed(
            &Sex::ALL,
            Sex::as_str,
            Sex::parse,
            Sex::label,
        );
        crate::vocabulary::testing::assert_well_formed(
            &EthnicCategory::ALL,
            EthnicCategory::as_str,
            EthnicCategory::parse,
            EthnicCategory::label,
        );
        crate::vocabulary::testing::assert_well_formed(
            &EthnicGroup::ALL,
            EthnicGroup::as_str,
            EthnicGroup::parse,
            EthnicGroup::label,
        );
    }
}
