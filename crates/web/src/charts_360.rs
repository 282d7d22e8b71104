//! Charts of a 360° report, drawn on the server as SVG and always shown beside a table of the
//! same figures: a radar of self against others per domain, the gap per behaviour, and each
//! domain's importance against its rating. Geometry is computed here; templates draw it with
//! escaping on.

use std::f64::consts::PI;

/// One series of a radar: its name, colour, dash pattern and the polygon's points.
#[derive(Debug, Clone, PartialEq)]
pub struct RadarSeries {
    pub name: String,
    pub colour: &'static str,
    /// A `stroke-dasharray` ("none" for a solid line), so that series differ by more than colour.
    pub dash: &'static str,
    /// `x,y x,y ...` for the polygon's `points` attribute: numbers only.
    pub points: String,
    pub dots: Vec<(f64, f64)>,
}

/// An axis of a radar: where its spoke ends and where its label goes.
#[derive(Debug, Clone, PartialEq)]
pub struct RadarAxis {
    pub label: String,
    pub x: f64,
    pub y: f64,
    pub label_x: f64,
    pub label_y: f64,
    /// `start`, `middle` or `end`.
    pub anchor: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Radar {
    pub id: String,
    pub title: String,
    pub description: String,
    pub width: f64,
    pub height: f64,
    pub cx: f64,
    pub cy: f64,
    /// Rings at a quarter, half, three quarters and the whole of the scale.
    pub rings: Vec<String>,
    pub axes: Vec<RadarAxis>,
    pub series: Vec<RadarSeries>,
}

const RADIUS: f64 = 150.0;

fn spoke(i: usize, n: usize, r: f64, cx: f64, cy: f64) -> (f64, f64) {
    let angle = -PI / 2.0 + 2.0 * PI * i as f64 / n.max(1) as f64;
    (cx + r * angle.cos(), cy + r * angle.sin())
}

fn polygon(points: &[(f64, f64)]) -> String {
    points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ")
}

/// A radar over `axes` (one per domain). Each series gives, per axis, a position on the scale
/// from 0.0 (lowest point) to 1.0 (highest), or `None` where it has no figure (drawn at the centre).
pub fn radar(
    id: &str,
    title: &str,
    description: &str,
    axes: &[String],
    series: &[(String, &'static str, &'static str, Vec<Option<f64>>)],
) -> Radar {
    let (width, height) = (640.0, 440.0);
    let (cx, cy) = (width / 2.0, height / 2.0);
    let n = axes.len();
    let rings = [0.25, 0.5, 0.75, 1.0]
        .iter()
        .map(|f| polygon(&(0..n).map(|i| spoke(i, n, RADIUS * f, cx, cy)).collect::<Vec<_>>()))
        .collect();
    let axes = axes
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let (x, y) = spoke(i, n, RADIUS, cx, cy);
            let (lx, ly) = spoke(i, n, RADIUS + 16.0, cx, cy);
            let anchor = if (lx - cx).abs() < 1.0 {
                "middle"
            } else if lx > cx {
                "start"
            } else {
                "end"
            };
            RadarAxis { label: label.clone(), x, y, label_x: lx, label_y: ly + 4.0, anchor }
        })
        .collect();
    let series = series
        .iter()
        .map(|(name, colour, dash, values)| {
            let dots: Vec<(f64, f64)> = values
                .iter()
                .enumerate()
                .map(|(i, v)| spoke(i, n, RADIUS * v.unwrap_or(0.0).clamp(0.0, 1.0), cx, cy))
                .collect();
            RadarSeries { name: name.clone(), colour, dash, points: polygon(&dots), dots }
        })
        .collect();
    Radar {
        id: id.to_owned(),
        title: title.to_owned(),
        description: description.to_owned(),
        width,
        height,
        cx,
        cy,
        rings,
        axes,
        series,
    }
}

/// One behaviour's bar on the gap chart: from the centre line, right where others rate higher
/// than the subject, left where lower.
#[derive(Debug, Clone, PartialEq)]
pub struct GapBar {
    pub label: String,
    pub y: f64,
    pub x: f64,
    pub width: f64,
    pub value: String,
    pub value_x: f64,
    /// `start` or `end`, for the value's text.
    pub anchor: &'static str,
    /// Blue where others rate higher, purple where lower.
    pub fill: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GapChart {
    pub id: String,
    pub title: String,
    pub description: String,
    pub width: f64,
    pub height: f64,
    pub centre: f64,
    pub label_x: f64,
    pub bars: Vec<GapBar>,
}

const GAP_ROW: f64 = 26.0;

/// Bars of `others − self` per behaviour, on a scale of ±`span` points.
pub fn gaps(id: &str, title: &str, description: &str, data: &[(String, f64)], span: f64) -> GapChart {
    let width = 640.0;
    let label_w = 280.0;
    let centre = label_w + (width - label_w) / 2.0;
    let half = (width - label_w) / 2.0 - 40.0;
    let span = span.max(f64::MIN_POSITIVE);
    let bars = data
        .iter()
        .enumerate()
        .map(|(i, (label, gap))| {
            let w = (gap.abs() / span).min(1.0) * half;
            let y = 10.0 + i as f64 * GAP_ROW;
            let (x, value_x, anchor) =
                if *gap >= 0.0 { (centre, centre + w + 4.0, "start") } else { (centre - w, centre - w - 4.0, "end") };
            GapBar {
                label: label.clone(),
                y,
                x,
                width: w,
                value: format!("{gap:+.1}"),
                value_x,
                anchor,
                fill: if *gap < 0.0 { "#330072" } else { "#005eb8" },
            }
        })
        .collect();
    GapChart {
        id: id.to_owned(),
        title: title.to_owned(),
        description: description.to_owned(),
        width,
        height: 20.0 + data.len() as f64 * GAP_ROW,
        centre,
        label_x: label_w - 8.0,
        bars,
    }
}

/// A point on the importance-against-rating chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub label: String,
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scatter {
    pub id: String,
    pub title: String,
    pub description: String,
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
    pub x_label: String,
    pub y_label: String,
    pub points: Vec<Point>,
}

/// Domains placed by rating (`x`, 0.0 to 1.0 of the scale) and importance (`y`, 0.0 to 1.0).
pub fn scatter(
    id: &str,
    title: &str,
    description: &str,
    data: &[(String, f64, f64)],
    x_label: &str,
    y_label: &str,
) -> Scatter {
    let (width, height) = (640.0, 400.0);
    let (left, top, right, bottom) = (60.0, 20.0, width - 20.0, height - 50.0);
    let points = data
        .iter()
        .map(|(label, x, y)| Point {
            label: label.clone(),
            x: left + x.clamp(0.0, 1.0) * (right - left),
            y: bottom - y.clamp(0.0, 1.0) * (bottom - top),
        })
        .collect();
    Scatter {
        id: id.to_owned(),
        title: title.to_owned(),
        description: description.to_owned(),
        width,
        height,
        left,
        top,
        right,
        bottom,
        x_label: x_label.to_owned(),
        y_label: y_label.to_owned(),
        points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_rating_reaches_the_outer_ring_and_none_stays_at_the_centre() {
        let r = radar(
            "r",
            "t",
            "d",
            &["A".to_owned(), "B".to_owned(), "C".to_owned(), "D".to_owned()],
            &[("Self".to_owned(), "#000", "none", vec![Some(1.0), None, Some(0.5), Some(2.0)])],
        );
        let dots = &r.series[0].dots;
        assert!((dots[0].1 - (r.cy - RADIUS)).abs() < 1e-9, "the first axis points up");
        assert!((dots[1].0 - r.cx).abs() < 1e-9 && (dots[1].1 - r.cy).abs() < 1e-9);
        assert!((dots[3].0 - (r.cx - RADIUS)).abs() < 1e-6, "clamped to the outer ring");
    }

    #[test]
    fn gaps_go_right_when_others_rate_higher() {
        let g = gaps("g", "t", "d", &[("up".to_owned(), 1.0), ("down".to_owned(), -2.0)], 2.0);
        assert_eq!(g.bars[0].x, g.centre);
        assert!(g.bars[1].x + g.bars[1].width - g.centre < 1e-9);
        assert!(g.bars[1].width > g.bars[0].width);
        assert_eq!(g.bars[1].value, "-2.0");
    }

    #[test]
    fn scatter_points_stay_in_the_plot() {
        let s = scatter("s", "t", "d", &[("x".to_owned(), 1.5, -1.0)], "rating", "importance");
        assert_eq!((s.points[0].x, s.points[0].y), (s.right, s.bottom));
    }
}
