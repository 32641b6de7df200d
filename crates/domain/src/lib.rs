//! The vocabulary every part of Concordat shares: the concepts of a crisis-care
//! partnership and the rules that make each one valid. Nothing here does I/O;
//! wire formats and storage convert into these types once, at their edge.
//! Rules that depend on the date take `today` as an argument; the one
//! exception is `BirthDate::parse`, which reads the system clock (see there).

pub mod advance_choice;
pub mod agreement;
pub mod break_glass;
pub mod calendar;
pub mod capacity;
pub mod care_team;
pub mod carer;
pub mod case;
pub mod category;
pub mod consent;
pub mod contact_event;
pub mod correction;
pub mod crisis_plan;
pub mod dates;
pub mod flag;
pub mod frequent_contact;
pub mod identifier;
pub mod ids;
pub mod nhs_number;
pub mod organisation;
pub mod outcomes;
pub mod person;
pub mod purpose;
pub mod referral;
pub mod related_person;
pub mod role;
pub mod source_system;
pub mod suppression;
pub mod text;
pub mod user;
pub mod wellbeing;

mod vocabulary;
