//! `_lastUpdated`: what changed in a window, read from the `meta.lastUpdated`
//! a resource carries. A day or an instant, after `eq` (the default), `ge`,
//! `gt`, `le` or `lt`; a day stands for the whole of it. Only what the
//! caller may see is narrowed, so the narrowing tells nothing more; a
//! resource that does not say when it changed matches no window.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::Value;

use super::table::SearchParam;

pub const LAST_UPDATED: SearchParam = SearchParam {
    name: "_lastUpdated",
    kind: "date",
    documentation: "When the resource last changed: a day or an instant, after `ge`, `gt`, \
                    `le`, `lt` or `eq` (a day is the whole day, UTC)",
};

/// A window of time, each end inclusive or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// From this instant, inclusive.
    from: Option<DateTime<Utc>>,
    /// Before this instant, exclusive.
    before: Option<DateTime<Utc>>,
}

impl Window {
    /// Reads a `_lastUpdated` value; `None` if it does not read.
    pub fn read(value: &str) -> Option<Self> {
        let value = value.trim();
        let (prefix, at) = match value.get(..2) {
            Some(p @ ("eq" | "ge" | "gt" | "le" | "lt")) => (p, &value[2..]),
            _ => ("eq", value),
        };
        // The span the value names: a whole day, or one second.
        let (start, end) = if let Ok(day) = NaiveDate::parse_from_str(at, "%Y-%m-%d") {
            let start = day.and_hms_opt(0, 0, 0)?.and_utc();
            (start, start + Duration::days(1))
        } else {
            let instant = DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc);
            (instant, instant + Duration::seconds(1))
        };
        Some(match prefix {
            "ge" => Self {
                from: Some(start),
                before: None,
            },
            "gt" => Self {
                from: Some(end),
                before: None,
            },
            "le" => Self {
                from: None,
                before: Some(end),
            },
            "lt" => Self {
                from: None,
                before: Some(start),
            },
            _ => Self {
                from: Some(start),
                before: Some(end),
            },
        })
    }

    fn holds(self, at: DateTime<Utc>) -> bool {
        self.from.is_none_or(|from| at >= from) && self.before.is_none_or(|before| at < before)
    }
}

/// Whether `resource` changed within `window`.
pub fn changed_within(resource: &Value, window: Window) -> bool {
    resource["meta"]["lastUpdated"]
        .as_str()
        .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
        .is_some_and(|at| window.holds(at.with_timezone(&Utc)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(instant: &str) -> Value {
        json!({ "meta": { "lastUpdated": instant } })
    }

    #[test]
    fn a_day_is_the_whole_day() {
        let day = Window::read("2026-03-03").unwrap();
        assert!(changed_within(&at("2026-03-03T00:00:00Z"), day));
        assert!(changed_within(&at("2026-03-03T23:59:59Z"), day));
        assert!(!changed_within(&at("2026-03-04T00:00:00Z"), day));
        assert!(!changed_within(&at("2026-03-02T23:59:59Z"), day));
    }

    #[test]
    fn bounds_before_and_after() {
        let after = Window::read("gt2026-03-03T09:00:00Z").unwrap();
        assert!(!changed_within(&at("2026-03-03T09:00:00Z"), after));
        assert!(changed_within(&at("2026-03-03T09:00:01Z"), after));
        let from = Window::read("ge2026-03-03T09:00:00Z").unwrap();
        assert!(changed_within(&at("2026-03-03T09:00:00Z"), from));
        let by = Window::read("le2026-03-03").unwrap();
        assert!(changed_within(&at("2026-03-03T23:00:00Z"), by));
        assert!(!changed_within(&at("2026-03-04T00:00:00Z"), by));
        let before = Window::read("lt2026-03-03").unwrap();
        assert!(!changed_within(&at("2026-03-03T00:00:00Z"), before));
        assert!(changed_within(&at("2026-03-02T23:59:59Z"), before));
        // An offset is read as the instant it names.
        let offset = Window::read("ge2026-03-03T10:00:00+01:00").unwrap();
        assert!(changed_within(&at("2026-03-03T09:00:00Z"), offset));
    }

    #[test]
    fn what_does_not_read_or_does_not_say_is_not_matched() {
        assert!(Window::read("yesterday").is_none());
        assert!(Window::read("ge03/03/2026").is_none());
        let any = Window::read("ge2000-01-01").unwrap();
        assert!(!changed_within(&json!({}), any));
    }
}
