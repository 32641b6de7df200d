//! The year's break-glass uses: a handful a month, mostly at night, by
//! the police, the ambulance service, the emergency department and the
//! crisis team, each about someone the user's organisation had just met.
//! An information governance lead reviews each within a fortnight or so,
//! finding most appropriate and a few not; the newest, and a few older
//! ones, wait for review.

use chrono::Duration;
use concordat_domain::break_glass::{BreakGlass, Justification, OverrideBasis, Review};
use concordat_store::{break_glass, Store};
use rand::seq::SliceRandom as _;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::contacts::Drawn;
use super::{crisis_time, how_many, id_at, season, seen_by, weighted, Partnership, Window};

/// Uses a month on an average day.
const PER_MONTH: f64 = 7.0;

/// How long a use lasts (the server's default).
const LASTS: Duration = Duration::minutes(30);

/// Who breaks the glass, how often (in a hundred), and the information
/// governance lead who reviews their organisation's uses (the emergency
/// department has none of its own: the trust's reviews them, the people
/// being on its care teams).
const USERS: [(&str, u32, &str); 12] = [
    ("police", 12, "police.ig"),
    ("pc.jones", 12, "police.ig"),
    ("pc.ahmed", 6, "police.ig"),
    ("paramedic", 10, "amb.ig"),
    ("m.clarke", 8, "amb.ig"),
    ("p.nowak", 7, "amb.ig"),
    ("ed.clinician", 10, "ig.lead"),
    ("n.obi", 8, "ig.lead"),
    ("i.mensah", 7, "ig.lead"),
    ("crisis.nurse", 8, "ig.lead"),
    ("a.novak", 6, "ig.lead"),
    ("t.barker", 6, "ig.lead"),
];

const JUSTIFICATIONS: &[(OverrideBasis, &str)] = &[
    (
        OverrideBasis::VitalInterests,
        "Found unconscious with an empty packet of tablets; needed the crisis plan and medication \
         history to treat.",
    ),
    (
        OverrideBasis::VitalInterests,
        "Standing at the edge of the bridge and refusing to talk; needed to know who helps and \
         what to avoid saying.",
    ),
    (
        OverrideBasis::PreventionOfHarm,
        "Threatening to harm a family member; needed the risk history before going in.",
    ),
    (
        OverrideBasis::Safeguarding,
        "Young children at the address and the person too unwell to care for them; needed the \
         care team's contacts.",
    ),
];

const APPROPRIATE: &[&str] = &[
    "Appropriate: an immediate risk to life, and only the crisis plan and risks were read.",
    "Appropriate: the person could not be asked and the information changed what was done.",
];
const INAPPROPRIATE: &[&str] = &[
    "Not appropriate: the person was calm and could have been asked; discussed with the officer.",
    "Not appropriate: the crisis summary already held what was needed; feedback given.",
];

/// The share found inappropriate at review.
const INAPPROPRIATE_SHARE: f64 = 0.12;

/// The share of uses no one has reviewed yet, however old.
const LEFT_IN_THE_QUEUE: f64 = 0.04;

/// Writes the window's uses, with their reviews, in one transaction.
/// Returns how many.
pub(super) async fn seed(
    store: &Store,
    rng: &mut ChaCha8Rng,
    window: &Window,
    partnership: &Partnership,
    drawn: &[Drawn],
) -> anyhow::Result<usize> {
    let users: Vec<((&str, &str), u32)> = USERS
        .iter()
        .map(|(user, weight, lead)| ((*user, *lead), *weight))
        .collect();
    let mut tx = store.write().await?;
    let mut written = 0;
    for day in window.days() {
        let per_day = PER_MONTH * 12.0 / 365.0 * season(day.date_naive());
        for _ in 0..how_many(rng, per_day) {
            let granted_at = day + crisis_time(rng);
            if granted_at >= window.now {
                continue;
            }
            let (username, lead) = weighted(rng, &users);
            let user = partnership.user(username)?;
            let organisation = user.organisation_id();
            let code = partnership
                .organisations
                .iter()
                .find(|o| o.id() == organisation)
                .map(|o| o.code().as_str().to_owned())
                .unwrap_or_default();
            let person = match seen_by(drawn, &code, granted_at, rng) {
                Some(person) => person,
                None => *partnership
                    .people
                    .choose(rng)
                    .unwrap_or(&partnership.people[0]),
            };
            let (basis, why) = *JUSTIFICATIONS.choose(rng).unwrap_or(&JUSTIFICATIONS[0]);
            let use_ = BreakGlass {
                id: id_at(rng, granted_at),
                user: user.id(),
                person,
                basis,
                justification: Justification::parse(why)?,
                granted_at,
                expires_at: granted_at + LASTS,
                review: None,
                deferral: None,
            };
            break_glass::insert_break_glass(&mut tx, &use_, organisation).await?;
            // Reviewed within a fortnight or so, the last fortnight's mostly
            // still waiting; a few older ones are left in the queue.
            let reviewed_at = granted_at + Duration::hours(rng.gen_range(20..400));
            if reviewed_at < window.now && !rng.gen_bool(LEFT_IN_THE_QUEUE) {
                let appropriate = !rng.gen_bool(INAPPROPRIATE_SHARE);
                let notes = if appropriate {
                    APPROPRIATE
                } else {
                    INAPPROPRIATE
                };
                let review = Review {
                    reviewer: partnership.user(lead)?.id(),
                    appropriate,
                    note: notes.choose(rng).copied().unwrap_or_default().to_owned(),
                    reviewed_at,
                };
                break_glass::record_review(&mut tx, use_.id, &review).await?;
            }
            written += 1;
        }
    }
    tx.commit().await?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use concordat_domain::role::Role;

    use super::*;
    use crate::demo::history::demo_user;

    #[test]
    fn practitioners_break_the_glass_and_their_organisation_s_lead_reviews() {
        for (user, _, lead) in USERS {
            let (user, lead) = (demo_user(user), demo_user(lead));
            assert!(user.role.is_practitioner(), "{}", user.username);
            assert_eq!(lead.role, Role::IgLead, "{}", lead.username);
            if user.org != "NGHED" {
                assert_eq!(user.org, lead.org, "{}", user.username);
            }
        }
        for (_, why) in JUSTIFICATIONS {
            Justification::parse(why).unwrap();
        }
    }
}
