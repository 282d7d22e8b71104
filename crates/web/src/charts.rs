//! Charts drawn on the server as SVG, each shown beside a table of the same figures. Geometry is
//! computed here; the template draws it with escaping on.

/// One bar with its label and the figure it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub label: String,
    pub label_x: f64,
    pub label_y: f64,
    pub value: String,
    pub value_x: f64,
    pub value_y: f64,
    /// A CSS class choosing the colour: `gt-bar`, `gt-bar--model`.
    pub class: &'static str,
}

/// A bar chart ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub id: String,
    /// Classes for the figure: `gt-chart`, plus `gt-chart--paired` for paired bars.
    pub class: &'static str,
    pub title: String,
    pub description: String,
    pub width: f64,
    pub height: f64,
    pub baseline: f64,
    pub bars: Vec<Bar>,
}

const LEFT: f64 = 10.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 40.0;

/// Vertical bars, one per (label, value), scaled to the largest value. `unit` follows each value.
pub fn columns(id: &str, title: &str, description: &str, data: &[(String, f64)], unit: &str) -> BarChart {
    let width = 640.0;
    let height = 260.0;
    let plot_h = height - TOP - BOTTOM;
    let max = data.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max).max(f64::MIN_POSITIVE);
    let slot = (width - 2.0 * LEFT) / data.len().max(1) as f64;
    let bars = data
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let h = if *value <= 0.0 { 0.0 } else { (value / max * plot_h).max(1.0) };
            let x = LEFT + i as f64 * slot + slot * 0.15;
            let w = slot * 0.7;
            Bar {
                x,
                y: TOP + plot_h - h,
                width: w,
                height: h,
                label: label.clone(),
                label_x: x + w / 2.0,
                label_y: height - BOTTOM + 16.0,
                value: format_value(*value, unit),
                value_x: x + w / 2.0,
                value_y: TOP + plot_h - h - 6.0,
                class: "gt-bar",
            }
        })
        .collect();
    BarChart {
        id: id.to_owned(),
        class: "gt-chart",
        title: title.to_owned(),
        description: description.to_owned(),
        width,
        height,
        baseline: TOP + plot_h,
        bars,
    }
}

/// Pairs of horizontal bars (ours and the model's) for each label, on a 0 to 100 scale.
pub fn paired_percent(id: &str, title: &str, description: &str, data: &[(String, f64, f64)]) -> BarChart {
    let width = 640.0;
    let label_w = 230.0;
    let row_h = 56.0;
    let height = TOP + row_h * data.len() as f64 + 10.0;
    let scale = (width - label_w - 70.0) / 100.0;
    let mut bars = Vec::new();
    for (i, (label, ours, model)) in data.iter().enumerate() {
        let y = TOP + i as f64 * row_h;
        for (j, (v, class, who)) in
            [(*ours, "gt-bar", "you"), (*model, "gt-bar--model", "model")].into_iter().enumerate()
        {
            let by = y + j as f64 * 22.0;
            let w = (v.clamp(0.0, 100.0) * scale).max(if v > 0.0 { 1.0 } else { 0.0 });
            bars.push(Bar {
                x: label_w,
                y: by,
                width: w,
                height: 18.0,
                label: if j == 0 { label.clone() } else { String::new() },
                label_x: label_w - 8.0,
                label_y: y + 24.0,
                value: format!("{:.0}% {who}", v),
                value_x: label_w + w + 6.0,
                value_y: by + 14.0,
                class,
            });
        }
    }
    BarChart {
        id: id.to_owned(),
        class: "gt-chart gt-chart--paired",
        title: title.to_owned(),
        description: description.to_owned(),
        width,
        height,
        baseline: height,
        bars,
    }
}

fn format_value(v: f64, unit: &str) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}{unit}")
    } else {
        format!("{v:.1}{unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_tallest_bar_fills_the_plot() {
        let c = columns("c", "t", "d", &[("a".into(), 2.0), ("b".into(), 4.0)], " h");
        assert_eq!(c.bars[1].y, TOP);
        assert!((c.bars[0].height * 2.0 - c.bars[1].height).abs() < 1e-9);
        assert_eq!(c.bars[1].value, "4 h");
    }

    #[test]
    fn all_zero_draws_nothing_tall() {
        let c = columns("c", "t", "d", &[("a".into(), 0.0)], "");
        assert_eq!(c.bars[0].height, 0.0);
    }

    proptest! {
        #[test]
        fn bars_stay_inside_the_chart(values in proptest::collection::vec(0.0f64..1e6, 1..24)) {
            let data: Vec<(String, f64)> = values.iter().enumerate().map(|(i, v)| (i.to_string(), *v)).collect();
            let c = columns("c", "t", "d", &data, "");
            for b in &c.bars {
                prop_assert!(b.x >= 0.0 && b.x + b.width <= c.width + 1e-9);
                prop_assert!(b.y >= TOP - 1e-9 && b.y + b.height <= c.baseline + 1e-9);
            }
        }

        #[test]
        fn percent_bars_stay_inside(ours in 0.0f64..100.0, model in 0.0f64..100.0) {
            let c = paired_percent("p", "t", "d", &[("x".into(), ours, model)]);
            for b in &c.bars {
                prop_assert!(b.x + b.width <= c.width);
            }
        }
    }
}
