//! Advance choices for a crisis (an advance choice document): what the
//! person, while well, says should happen to their information when a
//! crisis comes — "if I am detained under section 136, the police may see
//! my crisis plan", or "never share my clinical notes with the police, even
//! then". A choice to let something be seen lifts a standing refusal of
//! theirs only while a crisis of the kind it names is in progress; a choice
//! to refuse holds even then. A professional witnesses the document; each
//! change is a new version; it is reviewed as crisis plans are.

use chrono::NaiveDate;

use crate::consent::ConsentScope;
use crate::contact_event::ContactKind;
use crate::vocabulary::closed_vocabulary;

closed_vocabulary! {
    /// The crisis a choice to let something be seen waits for.
    pub enum CrisisKind, error CrisisKindError = "a kind of crisis" {
        Section136 = "section-136", "while I am detained under section 136";
        Admission = "admission", "while I am in hospital";
        AnyCrisis = "any-crisis", "while I am in any crisis";
    }
}

impl CrisisKind {
    /// The crises an open contact of `kind` puts the person in: a section
    /// 136 detention is a section 136 and a crisis; an admission is an
    /// admission and a crisis; a 999 call, street triage or a crisis line
    /// call is a crisis. Advice given, a discharge, a date set or a
    /// follow-up after discharge is none.
    pub fn of_contact(kind: ContactKind) -> &'static [CrisisKind] {
        use ContactKind as K;
        match kind {
            K::Section136 => &[Self::Section136, Self::AnyCrisis],
            K::Admission => &[Self::Admission, Self::AnyCrisis],
            K::StreetTriage
            | K::ConveyanceToEd
            | K::Call999
            | K::Call111
            | K::EdAttendance
            | K::CrisisLineCall => &[Self::AnyCrisis],
            K::AdviceGiven | K::Discharge | K::PlannedDischargeDate | K::FollowUp => &[],
        }
    }
}

closed_vocabulary! {
    /// What one choice does.
    pub enum ChoiceEffect, error ChoiceEffectError = "what the choice does" {
        /// Lifts the person's standing refusals that it covers, only while
        /// the crisis it names is in progress.
        LetDuringCrisis = "let-during-crisis", "Let them see it during a crisis";
        /// A refusal that no choice to let lifts.
        RefuseEvenInCrisis = "refuse-even-in-crisis", "Do not share it, even in a crisis";
    }
}

/// One choice: what it does, during which crisis, and what it covers (an
/// empty field covers everything, as in a consent directive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct AdvanceChoice {
    pub effect: ChoiceEffect,
    /// For a choice to let, the crisis it waits for; a refusal has none.
    pub during: Option<CrisisKind>,
    pub scope: ConsentScope,
}

/// The most choices in one document, and the most characters of the
/// person's statement.
pub const MAX_CHOICES: usize = 20;
pub const STATEMENT_MAX_CHARS: usize = 2_000;

/// Why a document cannot be recorded, naming the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdvanceChoiceError {
    #[error("write what the person wants, in their own words")]
    NoStatement,
    #[error("the statement is longer than {STATEMENT_MAX_CHARS} characters")]
    StatementTooLong,
    #[error("add at least one choice")]
    NoChoices,
    #[error("a document holds at most {MAX_CHOICES} choices")]
    TooManyChoices,
    #[error("choice {0}: say during which crisis it applies")]
    NoCrisis(usize),
    #[error("choice {0}: a refusal holds in every crisis, so it names none")]
    RefusalWithCrisis(usize),
    #[error("the review date must be after today")]
    ReviewNotAhead,
}

impl AdvanceChoiceError {
    /// The field of the document the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            Self::NoStatement | Self::StatementTooLong => "statement",
            Self::NoChoices | Self::TooManyChoices => "choices",
            Self::NoCrisis(_) | Self::RefusalWithCrisis(_) => "choices",
            Self::ReviewNotAhead => "review_by",
        }
    }
}

/// Checks a document's contents before it is witnessed and recorded: a
/// statement in the person's words, one to [`MAX_CHOICES`] choices each
/// saying when it applies, and a review date ahead of `today`. Choice
/// numbers in errors count from 1, as the person reads them.
pub fn check(
    statement: &str,
    choices: &[AdvanceChoice],
    review_by: NaiveDate,
    today: NaiveDate,
) -> Result<(), AdvanceChoiceError> {
    let statement = statement.trim();
    if statement.is_empty() {
        return Err(AdvanceChoiceError::NoStatement);
    }
    if statement.chars().count() > STATEMENT_MAX_CHARS {
        return Err(AdvanceChoiceError::StatementTooLong);
    }
    if choices.is_empty() {
        return Err(AdvanceChoiceError::NoChoices);
    }
    if choices.len() > MAX_CHOICES {
        return Err(AdvanceChoiceError::TooManyChoices);
    }
    for (i, choice) in choices.iter().enumerate() {
        match (choice.effect, choice.during) {
            (ChoiceEffect::LetDuringCrisis, None) => {
                return Err(AdvanceChoiceError::NoCrisis(i + 1))
            }
            (ChoiceEffect::RefuseEvenInCrisis, Some(_)) => {
                return Err(AdvanceChoiceError::RefusalWithCrisis(i + 1))
            }
            _ => {}
        }
    }
    if review_by <= today {
        return Err(AdvanceChoiceError::ReviewNotAhead);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::category::DataCategory;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn let_during(during: Option<CrisisKind>) -> AdvanceChoice {
        AdvanceChoice {
            effect: ChoiceEffect::LetDuringCrisis,
            during,
            scope: ConsentScope {
                category: Some(DataCategory::CrisisPlan),
                ..ConsentScope::default()
            },
        }
    }

    #[test]
    fn a_document_needs_words_choices_a_crisis_for_each_let_and_a_review_ahead() {
        let good = [let_during(Some(CrisisKind::Section136))];
        assert_eq!(
            check("I want the police to see my plan", &good, day(5), day(4)),
            Ok(())
        );
        assert_eq!(
            check("  ", &good, day(5), day(4)),
            Err(AdvanceChoiceError::NoStatement)
        );
        assert_eq!(
            check("x", &[], day(5), day(4)),
            Err(AdvanceChoiceError::NoChoices)
        );
        assert_eq!(
            check("x", &[let_during(None)], day(5), day(4)),
            Err(AdvanceChoiceError::NoCrisis(1))
        );
        let refusal = AdvanceChoice {
            effect: ChoiceEffect::RefuseEvenInCrisis,
            during: Some(CrisisKind::Admission),
            scope: ConsentScope::default(),
        };
        assert_eq!(
            check("x", &[good[0], refusal], day(5), day(4)),
            Err(AdvanceChoiceError::RefusalWithCrisis(2))
        );
        assert_eq!(
            check("x", &good, day(4), day(4)),
            Err(AdvanceChoiceError::ReviewNotAhead)
        );
        assert_eq!(
            check("x", &[good[0]; MAX_CHOICES + 1], day(5), day(4)),
            Err(AdvanceChoiceError::TooManyChoices)
        );
    }

    #[test]
    fn a_section_136_is_also_a_crisis_and_advice_is_none() {
        assert_eq!(
            CrisisKind::of_contact(ContactKind::Section136),
            &[CrisisKind::Section136, CrisisKind::AnyCrisis]
        );
        assert_eq!(
            CrisisKind::of_contact(ContactKind::StreetTriage),
            &[CrisisKind::AnyCrisis]
        );
        assert!(CrisisKind::of_contact(ContactKind::AdviceGiven).is_empty());
    }
}
