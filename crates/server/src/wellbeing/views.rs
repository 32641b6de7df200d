//! What each person may see of the checks: their own attendances whole;
//! a wellbeing lead, their organisation's staff's; a line manager, only
//! that support was offered to someone they manage, and when.

use std::collections::HashMap;

use chrono::NaiveDate;
use concordat_domain::ids::UserId;
use concordat_domain::user::User;
use concordat_store::users;
use concordat_store::wellbeing::{self as store, Attended};

use super::who::{is_staff, leads};
use crate::error::ServiceError;
use crate::AppState;

/// One attendance with the name of the staff member it is about.
#[derive(Debug, Clone)]
pub struct Named {
    pub staff: String,
    pub username: String,
    pub attended: Attended,
}

/// All a line manager is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offered {
    pub staff: String,
    pub offered_on: NaiveDate,
}

#[derive(Debug, Clone, Default)]
pub struct Overview {
    pub mine: Vec<Attended>,
    /// For a wellbeing lead: every attendance of their organisation's staff.
    pub led: Vec<Named>,
    /// For a line manager: that support was offered, to whom and when.
    pub offered: Vec<Offered>,
}

pub async fn overview(state: &AppState, user: &User) -> Result<Overview, ServiceError> {
    is_staff(user)?;
    let mut conn = state.store.read().await?;
    let mine = store::attendances_of(&mut conn, user.id()).await?;
    let led_rows = if leads(user, user.organisation_id()) {
        store::attendances_in(&mut conn, user.organisation_id()).await?
    } else {
        Vec::new()
    };
    let managed = store::attendances_managed_by(&mut conn, user.id()).await?;
    let mut names: HashMap<UserId, (String, String)> = HashMap::new();
    for a in led_rows.iter().chain(&managed) {
        let id = a.attendance.staff;
        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(id) {
            let found = users::user_by_id(&mut conn, id).await?;
            e.insert(found.map_or_else(Default::default, |u| {
                (
                    u.display_name().as_str().to_owned(),
                    u.username().as_str().to_owned(),
                )
            }));
        }
    }
    let led = led_rows
        .into_iter()
        .map(|attended| {
            let (staff, username) = names[&attended.attendance.staff].clone();
            Named {
                staff,
                username,
                attended,
            }
        })
        .collect();
    let offered = managed
        .iter()
        .map(|a| Offered {
            staff: names[&a.attendance.staff].0.clone(),
            offered_on: a.attendance.recorded_at.date_naive(),
        })
        .collect();
    Ok(Overview { mine, led, offered })
}
