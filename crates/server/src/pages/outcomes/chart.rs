//! A month-by-month bar chart drawn as SVG on the server: it needs no
//! script, scales with the page, and says in words (its title and
//! description) what it shows, with the table of its figures beside it.
//! A hidden figure is drawn as a short dashed bar marked `*`, never as a
//! number.

/// One bar: a month and its published value, if shown.
#[derive(Debug, Clone)]
pub struct Value {
    pub label: String,
    /// The value drawn; none where the figure is hidden.
    pub value: Option<f64>,
    /// What is written above the bar (`45`, `*`, `12.5`).
    pub text: String,
}

/// A bar as drawn, in the chart's own units.
#[derive(Debug, Clone)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub centre: f64,
    pub text_y: f64,
    pub text: String,
    pub label: String,
    pub hidden: bool,
    /// A month whose label a narrow screen leaves out (all but every
    /// third, counting back from the last), so the rest stay legible.
    pub minor: bool,
    /// Whether a narrow screen leaves out the value too: where some
    /// value is too long to sit above its bar without touching the next.
    pub value_minor: bool,
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub bars: Vec<Bar>,
    /// The value of the top grid line, written at the axis.
    pub top: String,
    pub top_y: f64,
    pub base_y: f64,
    /// Where the plot starts, and where the axis' figures end.
    pub left: f64,
    pub axis_x: f64,
}

pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 220.0;
/// Room for the top grid line's value ("2,500") in a phone's larger
/// letters.
const LEFT: f64 = 64.0;
/// The longest value that fits above a bar in a phone's letters.
const FITS: usize = 3;
/// Room after the last bar for its month's label, centred under it.
const RIGHT: f64 = 28.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 28.0;
const HIDDEN_HEIGHT: f64 = 6.0;

/// A round number at or above `max`, for the top grid line.
fn nice(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|step| step * magnitude)
        .find(|top| *top >= max)
        .unwrap_or(10.0 * magnitude)
}

pub fn chart(id: &str, title: &str, summary: &str, values: &[Value]) -> Chart {
    let max = values
        .iter()
        .filter_map(|v| v.value)
        .fold(0.0_f64, f64::max);
    let top = nice(max);
    let base_y = HEIGHT - BOTTOM;
    let plot = base_y - TOP;
    let slot = (WIDTH - LEFT - RIGHT) / values.len().max(1) as f64;
    let width = slot * 0.7;
    let last = values.len().saturating_sub(1);
    let crowded = values.iter().any(|v| v.text.chars().count() > FITS);
    let bars = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let height = match v.value {
                Some(value) => (value / top * plot).max(if value > 0.0 { 1.0 } else { 0.0 }),
                None => HIDDEN_HEIGHT,
            };
            let x = LEFT + slot * i as f64 + (slot - width) / 2.0;
            let minor = !(last - i).is_multiple_of(3);
            Bar {
                x,
                y: base_y - height,
                width,
                height,
                centre: x + width / 2.0,
                text_y: base_y - height - 5.0,
                text: v.text.clone(),
                label: v.label.clone(),
                hidden: v.value.is_none(),
                minor,
                value_minor: crowded && minor,
            }
        })
        .collect();
    Chart {
        id: id.to_owned(),
        title: title.to_owned(),
        summary: summary.to_owned(),
        bars,
        top: axis_text(top),
        top_y: TOP,
        base_y,
        left: LEFT,
        axis_x: LEFT - 4.0,
    }
}

/// The top grid line's value: whole numbers grouped by thousands.
fn axis_text(top: f64) -> String {
    if top.fract() == 0.0 && (0.0..1e15).contains(&top) {
        // Exact: a whole number under 2^53.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        grouped(top as u64)
    } else {
        format!("{top}")
    }
}

/// A number as people read it: `12,405`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands_and_long_values_give_way_on_a_phone() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(axis_text(2500.0), "2,500");
        assert_eq!(axis_text(0.5), "0.5");
        let values: Vec<Value> = ["1,190", "1,295", "1,375", "1,450"]
            .iter()
            .map(|t| Value {
                label: "m".into(),
                value: Some(1000.0),
                text: (*t).into(),
            })
            .collect();
        let c = chart("c", "t", "s", &values);
        let gave_way: Vec<bool> = c.bars.iter().map(|b| b.value_minor).collect();
        assert_eq!(gave_way, [false, true, true, false]);
        assert_eq!(c.top, "1,000");
        // Values that fit all stay.
        let short: Vec<Value> = ["995", "*", "0", "40"]
            .iter()
            .map(|t| Value {
                label: "m".into(),
                value: t.parse().ok(),
                text: (*t).into(),
            })
            .collect();
        let c = chart("c", "t", "s", &short);
        assert!(c.bars.iter().all(|b| !b.value_minor));
    }

    #[test]
    fn bars_scale_to_a_round_top_and_hidden_ones_stay_short() {
        let values = [
            Value {
                label: "Oct 26".into(),
                value: Some(40.0),
                text: "40".into(),
            },
            Value {
                label: "Nov 26".into(),
                value: None,
                text: "*".into(),
            },
            Value {
                label: "Dec 26".into(),
                value: Some(0.0),
                text: "0".into(),
            },
        ];
        let c = chart("c", "t", "s", &values);
        assert_eq!(c.top, "50");
        let plot = HEIGHT - BOTTOM - TOP;
        assert!((c.bars[0].height - 0.8 * plot).abs() < 1e-9);
        assert!(c.bars[1].hidden);
        assert_eq!(c.bars[1].height, HIDDEN_HEIGHT);
        assert_eq!(c.bars[2].height, 0.0);
        // Every third month from the last keeps its label on a phone.
        let minor: Vec<bool> = c.bars.iter().map(|b| b.minor).collect();
        assert_eq!(minor, [true, true, false]);
        assert!(c
            .bars
            .iter()
            .all(|b| b.x >= LEFT && b.x + b.width <= WIDTH - RIGHT));
        assert_eq!(nice(7.0), 10.0);
        assert_eq!(nice(180.0), 200.0);
        assert_eq!(nice(0.0), 1.0);
    }
}
