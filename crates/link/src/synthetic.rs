//! Synthetic people and their records across agencies, with the truth
//! known: which person each record is. Deterministic for a seed, so a
//! benchmark or a demo sees the same population every time.
//!
//! The records carry the mistakes real ones do: typing slips, short forms
//! of given names, day and month swapped, half-remembered dates of birth,
//! missing NHS numbers, people who moved house, missing phones, and each
//! agency's own identifier system. People also share households (a family
//! name and a postcode) and a few are twins, which is what makes linkage
//! hard.

mod errors;
mod names;

use chrono::{Days, NaiveDate};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::nickname;
use crate::record::{BirthDate, Record, Sex};

/// The FHIR identifier system of NHS numbers.
pub const NHS_NUMBER_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";
/// The synthetic police force's Police National Computer ids.
pub const PNC_SYSTEM: &str = "urn:concordat:police:pnc";
/// The synthetic hospital's own patient numbers.
pub const HOSPITAL_NUMBER_SYSTEM: &str = "urn:concordat:hospital:mrn";

/// An agency that writes a person down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Agency {
    Ambulance,
    Police,
    EmergencyDepartment,
    Nhs111,
    CrisisLine,
}

impl Agency {
    pub const ALL: [Agency; 5] = [
        Agency::Ambulance,
        Agency::Police,
        Agency::EmergencyDepartment,
        Agency::Nhs111,
        Agency::CrisisLine,
    ];
}

/// How many records a person has: `weights[k]` is the relative chance of
/// k + 1 records.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordsPerPerson {
    // INVARIANT: not empty, every weight finite and >= 0, sum > 0.
    weights: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SyntheticError {
    #[error("records per person needs at least one positive weight, each finite and not negative")]
    Weights,
}

impl RecordsPerPerson {
    pub fn new(weights: Vec<f64>) -> Result<Self, SyntheticError> {
        let valid =
            weights.iter().all(|w| w.is_finite() && *w >= 0.0) && weights.iter().sum::<f64>() > 0.0;
        if valid {
            Ok(Self { weights })
        } else {
            Err(SyntheticError::Weights)
        }
    }

    /// The expected number of records per person.
    pub fn mean(&self) -> f64 {
        let total: f64 = self.weights.iter().sum();
        (1..)
            .zip(&self.weights)
            .map(|(k, w)| f64::from(k) * w)
            .sum::<f64>()
            / total
    }

    fn draw<R: Rng>(&self, rng: &mut R) -> usize {
        let total: f64 = self.weights.iter().sum();
        let mut pick = rng.gen::<f64>() * total;
        for (k, w) in self.weights.iter().enumerate() {
            pick -= w;
            if pick <= 0.0 && *w > 0.0 {
                return k + 1;
            }
        }
        self.weights
            .iter()
            .rposition(|w| *w > 0.0)
            .map_or(1, |k| k + 1)
    }
}

impl Default for RecordsPerPerson {
    /// Most people once or twice, a tail in frequent contact (mean about
    /// 2.5).
    fn default() -> Self {
        Self {
            weights: vec![0.40, 0.22, 0.13, 0.09, 0.06, 0.04, 0.03, 0.03],
        }
    }
}

/// A synthetic person as they really are.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub given_name: String,
    pub family_name: String,
    pub sex: Sex,
    pub birth_date: BirthDate,
    /// Every person has one; agencies often do not know it.
    pub nhs_number: String,
    /// Current postcode first, then the one before a move, if any.
    pub postcodes: Vec<String>,
    pub phone: Option<String>,
    pub pnc_id: String,
    pub hospital_number: String,
}

/// One agency's record of a person, with the truth.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticRecord {
    /// Index of the person in [`Population::people`].
    pub person: usize,
    pub agency: Agency,
    pub record: Record,
}

/// Synthetic people and their records.
#[derive(Debug, Clone)]
pub struct Population {
    people: Vec<Person>,
    records: Vec<SyntheticRecord>,
}

/// People are made in chunks, each from its own seeded generator, so the
/// population is the same however many threads make it.
const CHUNK: usize = 4_096;

impl Population {
    /// `people` people with records drawn from `per_person`, in an order
    /// that does not group a person's records together.
    pub fn generate(seed: u64, people: usize, per_person: &RecordsPerPerson) -> Self {
        let chunks: Vec<(Vec<Person>, Vec<SyntheticRecord>)> = (0..people.div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let mut rng = ChaCha8Rng::seed_from_u64(
                    seed ^ (c as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407),
                );
                let first = c * CHUNK;
                let count = CHUNK.min(people - first);
                let mut folk: Vec<Person> = Vec::with_capacity(count);
                for _ in 0..count {
                    let person = new_person(&mut rng, &folk);
                    folk.push(person);
                }
                let mut records = Vec::new();
                for (k, person) in folk.iter().enumerate() {
                    for _ in 0..per_person.draw(&mut rng) {
                        let agency = Agency::ALL[rng.gen_range(0..Agency::ALL.len())];
                        records.push(SyntheticRecord {
                            person: first + k,
                            agency,
                            record: record_of(&mut rng, person, agency),
                        });
                    }
                }
                (folk, records)
            })
            .collect();
        let mut all_people = Vec::with_capacity(people);
        let mut records = Vec::new();
        for (p, r) in chunks {
            all_people.extend(p);
            records.extend(r);
        }
        records.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
        Self {
            people: all_people,
            records,
        }
    }

    pub fn people(&self) -> &[Person] {
        &self.people
    }

    pub fn records(&self) -> &[SyntheticRecord] {
        &self.records
    }

    /// The number of pairs of records that are one person.
    pub fn true_pairs(&self) -> u64 {
        let mut per_person = vec![0u64; self.people.len()];
        for r in &self.records {
            per_person[r.person] += 1;
        }
        per_person.iter().map(|k| k * k.saturating_sub(1) / 2).sum()
    }
}

const AREAS: &[&str] = &[
    "CT", "ME", "TN", "DA", "BR", "SE", "SW", "E", "N", "M", "B", "L", "LS", "S", "NE", "BS", "CF",
    "G", "EH", "NG", "LE", "CV", "OX", "RG", "PO", "SO", "BN", "MK", "PE", "NR", "IP", "CB", "YO",
    "HU", "DN", "WF", "HD", "BD", "HX", "OL",
];
const UNIT_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

fn new_person<R: Rng>(rng: &mut R, earlier: &[Person]) -> Person {
    let sex = match rng.gen_range(0..200) {
        0 => Sex::Other,
        1..=100 => Sex::Female,
        _ => Sex::Male,
    };
    let given_list = if sex == Sex::Male || (sex == Sex::Other && rng.gen_bool(0.5)) {
        names::MALE
    } else {
        names::FEMALE
    };
    let given_name = names::zipf(rng, given_list).to_owned();
    let mut person = Person {
        given_name,
        family_name: names::family(rng),
        sex,
        birth_date: birth_date(rng),
        nhs_number: nhs_number(rng),
        postcodes: vec![postcode(rng)],
        phone: rng.gen_bool(0.8).then(|| mobile(rng)),
        pnc_id: format!(
            "{:02}/{:07}",
            rng.gen_range(0..25),
            rng.gen_range(0..10_000_000)
        ),
        hospital_number: format!("RVV{:07}", rng.gen_range(0..10_000_000)),
    };
    // One person in five shares a household with someone already made:
    // same address, usually the same family name, and now and then a twin.
    if !earlier.is_empty() && rng.gen_bool(0.2) {
        let other = &earlier[rng.gen_range(0..earlier.len())];
        person.postcodes = vec![other.postcodes[0].clone()];
        if rng.gen_bool(0.8) {
            person.family_name = other.family_name.clone();
        }
        if rng.gen_bool(0.03) {
            person.birth_date = other.birth_date;
        }
    }
    // A quarter have moved: the first postcode is the new one.
    if rng.gen_bool(0.25) {
        let old = person.postcodes[0].clone();
        let new = if rng.gen_bool(0.6) {
            let outward = old.split(' ').next().unwrap_or_default().to_owned();
            format!("{outward} {}", inward(rng))
        } else {
            postcode(rng)
        };
        person.postcodes = vec![new, old];
    }
    person
}

fn birth_date<R: Rng>(rng: &mut R) -> BirthDate {
    let start = NaiveDate::from_ymd_opt(1935, 1, 1).expect("a date");
    let date = start + Days::new(rng.gen_range(0..74 * 365));
    BirthDate::parse(&date.format("%Y-%m-%d").to_string()).expect("a calendar date")
}

/// A ten-digit number that passes the NHS number's modulus 11 check.
fn nhs_number<R: Rng>(rng: &mut R) -> String {
    loop {
        let digits: Vec<u32> = (0..9).map(|_| rng.gen_range(0..10)).collect();
        let sum: u32 = digits.iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
        let check = (11 - sum % 11) % 11;
        if check < 10 && digits[0] != 0 {
            return digits
                .iter()
                .chain([&check])
                .map(|d| char::from_digit(*d, 10).expect("a digit"))
                .collect();
        }
    }
}

fn postcode<R: Rng>(rng: &mut R) -> String {
    let area = AREAS[rng.gen_range(0..AREAS.len())];
    format!("{area}{} {}", rng.gen_range(1..=30), inward(rng))
}

fn inward<R: Rng>(rng: &mut R) -> String {
    let letter = |rng: &mut R| char::from(UNIT_LETTERS[rng.gen_range(0..UNIT_LETTERS.len())]);
    format!("{}{}{}", rng.gen_range(0..10), letter(rng), letter(rng))
}

fn mobile<R: Rng>(rng: &mut R) -> String {
    format!("07{:09}", rng.gen_range(0..1_000_000_000u32))
}

/// What one agency typically records, as the chance each field is there.
struct Habits {
    nhs: f64,
    own_id: Option<(&'static str, f64)>,
    birth_date: f64,
    postcode: f64,
    phone: f64,
    given: f64,
}

fn habits(agency: Agency) -> Habits {
    match agency {
        Agency::Ambulance => Habits {
            nhs: 0.5,
            own_id: None,
            birth_date: 0.9,
            postcode: 0.9,
            phone: 0.6,
            given: 0.97,
        },
        Agency::Police => Habits {
            nhs: 0.1,
            own_id: Some((PNC_SYSTEM, 0.9)),
            birth_date: 0.95,
            postcode: 0.85,
            phone: 0.5,
            given: 0.99,
        },
        Agency::EmergencyDepartment => Habits {
            nhs: 0.9,
            own_id: Some((HOSPITAL_NUMBER_SYSTEM, 0.98)),
            birth_date: 0.99,
            postcode: 0.95,
            phone: 0.8,
            given: 0.99,
        },
        Agency::Nhs111 => Habits {
            nhs: 0.7,
            own_id: None,
            birth_date: 0.95,
            postcode: 0.95,
            phone: 0.95,
            given: 0.98,
        },
        Agency::CrisisLine => Habits {
            nhs: 0.15,
            own_id: None,
            birth_date: 0.6,
            postcode: 0.5,
            phone: 0.95,
            given: 0.95,
        },
    }
}

/// One agency's record of `person`, with that agency's gaps and the
/// mistakes anyone makes.
fn record_of<R: Rng>(rng: &mut R, person: &Person, agency: Agency) -> Record {
    let h = habits(agency);
    let mut b = Record::builder();

    let mut given = person.given_name.clone();
    let mut family = person.family_name.clone();
    if rng.gen_bool(0.12) {
        if let Some(short) = short_form(rng, &given) {
            given = short;
        }
    }
    if rng.gen_bool(0.06) {
        given = errors::typo(rng, &given);
    }
    if rng.gen_bool(0.06) {
        family = errors::typo(rng, &family);
    }
    if rng.gen_bool(0.01) {
        std::mem::swap(&mut given, &mut family);
    }
    if rng.gen_bool(h.given) {
        b = b.given_name(&given);
    }
    if rng.gen_bool(0.98) {
        b = b.family_name(&family);
    }

    if rng.gen_bool(h.birth_date) {
        let true_date = person.birth_date;
        let told = match rng.gen_range(0..100) {
            0..=2 => errors::swap_day_month(true_date),
            3..=5 => errors::date_typo(rng, true_date),
            6..=7 => errors::half_remembered(rng, true_date),
            _ => None,
        };
        b = b.birth_date(told.unwrap_or(true_date));
    }

    if rng.gen_bool(h.postcode) {
        let pick = rng.gen_range(0..person.postcodes.len());
        b = b.postcode(&person.postcodes[pick]);
    }
    if let Some(phone) = &person.phone {
        if rng.gen_bool(h.phone) {
            let phone = if rng.gen_bool(0.02) {
                errors::digit_typo(rng, phone)
            } else {
                phone.clone()
            };
            b = b.phone(&phone);
        }
    }
    if rng.gen_bool(0.95) {
        let sex = if rng.gen_bool(0.01) {
            if person.sex == Sex::Male {
                Sex::Female
            } else {
                Sex::Male
            }
        } else {
            person.sex
        };
        b = b.sex(sex);
    }

    if rng.gen_bool(h.nhs) {
        // Now and then a record carries someone else's NHS number.
        let nhs = if rng.gen_bool(0.002) {
            nhs_number(rng)
        } else {
            person.nhs_number.clone()
        };
        b = b.identifier(NHS_NUMBER_SYSTEM, &nhs);
    }
    if let Some((system, chance)) = h.own_id {
        if rng.gen_bool(chance) {
            let value = if system == PNC_SYSTEM {
                &person.pnc_id
            } else {
                &person.hospital_number
            };
            b = b.identifier(system, value);
        }
    }
    b.build()
}

/// A short form the person might give instead of their name, from the
/// same table the comparison uses (so every short form here is one the
/// comparison knows; real data will have some it does not).
fn short_form<R: Rng>(rng: &mut R, given: &str) -> Option<String> {
    let shorts = nickname::short_forms(&given.to_uppercase());
    let short = shorts.choose(rng)?;
    let mut chars = short.chars();
    let first = chars.next()?;
    Some(first.to_string() + &chars.as_str().to_lowercase())
}

#[cfg(test)]
mod tests;
