//! The working calendar referral deadlines are counted in: weekdays, less
//! the bank holidays the deployment names. Sending and escalating both
//! count in it.

use concordat_domain::calendar::WorkingCalendar;

use crate::AppState;

pub fn calendar(state: &AppState) -> WorkingCalendar {
    WorkingCalendar::new(state.config.bank_holidays.iter().copied())
}
