//! Instants as stored: UTC text in one fixed form, so that text order is time
//! order on both stores and rows stay readable in a SQL shell.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::StoreError;

pub fn encode(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn decode(raw: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::corrupt("timestamp", format!("`{raw}`: {e}")))
}

pub fn encode_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn decode_date(raw: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|e| StoreError::corrupt("date", format!("`{raw}`: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn encoded_instants_sort_as_text_in_time_order() {
        let early = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        let late = early + chrono::Duration::microseconds(1);
        let later = Utc.with_ymd_and_hms(2026, 11, 2, 3, 4, 5).unwrap();
        assert!(encode(early) < encode(late));
        assert!(encode(late) < encode(later));
        assert_eq!(encode(early).len(), encode(later).len());
    }

    #[test]
    fn instants_round_trip() {
        let t = Utc.with_ymd_and_hms(2026, 3, 3, 10, 0, 0).unwrap()
            + chrono::Duration::microseconds(123);
        assert_eq!(decode(&encode(t)).unwrap(), t);
    }
}
