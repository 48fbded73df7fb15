//! Charts as accessible SVG: bars (side by side or stacked), lines and a funnel. Each chart has a
//! title and a description, every value is a focusable point named with its label and value (a
//! link when the data behind it has a page), and the caller shows a table beside it.
//!
//! ```ignore
//! let data = ChartData { kind: ChartKind::Bars, labels: vec!["Lead".into()], axis: vec!["Lead".into()], links: vec![None],
//!     series: vec![Series { name: "Deals".into(), values: vec![3], shown: vec!["3".into()] }],
//!     ticks: vec!["1".into(), "2".into(), "3".into()], max: 3 };
//! view! { <Chart title="Funnel".into() description="…".into() data /> }
//! ```
use leptos::prelude::*;

/// How the series are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    Bars,
    Stacked,
    Line,
    Funnel,
}

/// One series: its name, its values (negative ones drawn as nothing) and each as written.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<i64>,
    pub shown: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChartData {
    pub kind: ChartKind,
    /// Each point's label as its name says it (in full).
    pub labels: Vec<String>,
    /// The same as the axis writes it (may be shorter: "Nov" for "Nov 2026").
    pub axis: Vec<String>,
    /// Where each label's data leads, if anywhere.
    pub links: Vec<Option<String>>,
    pub series: Vec<Series>,
    /// The axis's top (from `nice_max`) and its gridlines' labels, bottom to top, without zero.
    pub max: i64,
    pub ticks: Vec<String>,
}

/// The most points a chart draws (as Twenty caps its charts): the table holds the rest.
pub const MAX_POINTS: usize = 100;

/// A round top for an axis at or above `v`: 1, 2, 2.5 or 5 times a power of ten, at least 1.
pub fn nice_max(v: i64) -> i64 {
    let v = v.max(1);
    let mut p = 1i64;
    while p.saturating_mul(10) <= v && p < i64::MAX / 100 {
        p *= 10;
    }
    [1, 2, 4, 5, 10]
        .into_iter()
        .map(|m| p * m)
        .find(|top| *top >= v)
        .unwrap_or(p * 10)
}

const W: f64 = 720.0;
const H: f64 = 300.0;
const LEFT: f64 = 84.0;
const BOTTOM: f64 = 44.0;
const TOP: f64 = 12.0;

/// A label cut to fit under its bar.
fn short(label: &str, room: f64) -> String {
    let max = ((room / 7.5) as usize).max(3);
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

/// One focusable point: a link to the data behind it, or a plain element with its name. Each sits
/// in a `g` of its own: the view macro makes `a` and `title` SVG elements only under an element
/// that is SVG alone (else the browser's code would create HTML ones, which SVG does not draw).
fn point(link: Option<String>, name: String, shape: AnyView) -> AnyView {
    let label = name.clone();
    match link {
        Some(href) => {
            view! { <g><a href=href aria-label=label><title>{name}</title>{shape}</a></g> }
                .into_any()
        }
        None => {
            view! { <g tabindex="0" role="img" aria-label=label><title>{name}</title>{shape}</g> }
                .into_any()
        }
    }
}

#[component]
pub fn Chart(
    #[prop(into)] title: String,
    #[prop(into)] description: String,
    data: ChartData,
) -> impl IntoView {
    // An id from the title and labels, the same on the server and in the browser, so that two
    // charts on one page do not share one.
    let id = {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        (&title, &data.labels).hash(&mut h);
        format!("chart-{:x}", h.finish())
    };
    let (title_id, desc_id) = (format!("{id}-t"), format!("{id}-d"));
    let n = data.labels.len().clamp(1, MAX_POINTS);
    let plot_w = W - LEFT - 8.0;
    let plot_h = H - TOP - BOTTOM;
    let max = data.max.max(1) as f64;
    let y = move |v: i64| TOP + plot_h - (v.max(0) as f64 / max).min(1.0) * plot_h;
    let slot = plot_w / n as f64;
    let grid = (data.kind != ChartKind::Funnel).then(|| {
        let k = data.ticks.len().max(1) as f64;
        data.ticks
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let gy = TOP + plot_h - (i as f64 + 1.0) / k * plot_h;
                view! {
                    <line class="chart-grid" x1=LEFT x2=W - 8.0 y1=gy y2=gy />
                    <text class="chart-tick" x=LEFT - 6.0 y=gy + 4.0 text-anchor="end">{t.clone()}</text>
                }
            })
            .collect_view()
    });
    let labels = (data.kind != ChartKind::Funnel).then(|| {
        data.axis
            .iter()
            .take(n)
            .enumerate()
            .map(|(i, l)| {
                let x = LEFT + slot * (i as f64 + 0.5);
                view! { <text class="chart-label" x=x y=H - BOTTOM + 18.0 text-anchor="middle" aria-hidden="true">{short(l, slot)}</text> }
            })
            .collect_view()
    });
    let name = |s: &Series, i: usize| format!("{}, {}: {}", data.labels[i], s.name, s.shown[i]);
    let marks: Vec<AnyView> = match data.kind {
        ChartKind::Bars => {
            let k = data.series.len().max(1) as f64;
            let bw = (slot * 0.7 / k).min(48.0);
            (0..n)
                .flat_map(|i| {
                    let start = LEFT + slot * (i as f64 + 0.5) - bw * k / 2.0;
                    data.series.iter().enumerate().map(move |(j, s)| (i, j, s, start + bw * j as f64))
                })
                .map(|(i, j, s, x)| {
                    let top = y(s.values[i]);
                    let shape = view! { <rect class=format!("chart-series-{j}") x=x y=top width=bw - 2.0 height=(TOP + plot_h - top).max(0.0) rx="2" /> };
                    point(data.links[i].clone(), name(s, i), shape.into_any())
                })
                .collect()
        }
        ChartKind::Stacked => {
            let bw = (slot * 0.6).min(56.0);
            (0..n)
                .flat_map(|i| {
                    let x = LEFT + slot * (i as f64 + 0.5) - bw / 2.0;
                    let mut below = 0i64;
                    data.series
                        .iter()
                        .enumerate()
                        .map(|(j, s)| {
                            let (from, to) = (below, below + s.values[i].max(0));
                            below = to;
                            (i, j, s, x, y(to), y(from) - y(to))
                        })
                        .collect::<Vec<_>>()
                })
                .map(|(i, j, s, x, top, h)| {
                    let shape = view! { <rect class=format!("chart-series-{j}") x=x y=top width=bw height=h.max(0.0) /> };
                    point(data.links[i].clone(), name(s, i), shape.into_any())
                })
                .collect()
        }
        ChartKind::Line => data
            .series
            .iter()
            .enumerate()
            .flat_map(|(j, s)| {
                let links = &data.links;
                let at = |i: usize| (LEFT + slot * (i as f64 + 0.5), y(s.values[i]));
                let path: String = (0..n).map(|i| { let (x, y) = at(i); format!("{x:.1},{y:.1}") }).collect::<Vec<_>>().join(" ");
                let line = view! { <polyline class=format!("chart-line chart-series-{j}") points=path fill="none" aria-hidden="true" /> }.into_any();
                std::iter::once(line).chain((0..n).map(move |i| {
                    let (x, y) = at(i);
                    let shape = view! { <circle class=format!("chart-series-{j}") cx=x cy=y r="5" /> };
                    point(links[i].clone(), name(s, i), shape.into_any())
                }).collect::<Vec<_>>())
            })
            .collect(),
        ChartKind::Funnel => {
            let s = &data.series[0];
            let row = (H - 8.0) / n as f64;
            (0..n)
                .map(|i| {
                    let w = (s.values[i].max(0) as f64 / max).min(1.0) * (W - 280.0);
                    let (x, yy) = (W / 2.0 + 60.0 - w / 2.0, 4.0 + row * i as f64);
                    let shape = view! {
                        <rect class="chart-series-0" x=x y=yy width=w.max(2.0) height=row - 6.0 rx="3" />
                        <text class="chart-label" x=8.0 y=yy + row / 2.0 + 1.0 aria-hidden="true">{short(&data.labels[i], 150.0)}</text>
                        <text class="chart-value" x=W - 8.0 y=yy + row / 2.0 + 1.0 text-anchor="end" aria-hidden="true">{s.shown[i].clone()}</text>
                    };
                    point(data.links[i].clone(), name(s, i), shape.into_any())
                })
                .collect()
        }
    };
    let legend = (data.series.len() > 1).then(|| {
        data.series
            .iter()
            .enumerate()
            .map(|(j, s)| view! { <li><span class=format!("chart-key chart-series-{j}") aria-hidden="true"></span>{s.name.clone()}</li> })
            .collect_view()
    });
    let (labelled, described) = (title_id.clone(), desc_id.clone());
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {W} {H}") role="group" aria-labelledby=labelled aria-describedby=described>
                <title id=title_id>{title}</title>
                <desc id=desc_id>{description}</desc>
                {grid}
                {labels}
                {marks}
            </svg>
            {legend.map(|l| view! { <ul class="chart-legend">{l}</ul> })}
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_axis_tops_out_at_a_round_number_above_the_largest_value() {
        assert_eq!(nice_max(0), 1);
        assert_eq!(nice_max(7), 10);
        assert_eq!(nice_max(10), 10);
        assert_eq!(nice_max(11), 20);
        assert_eq!(nice_max(350), 400);
        assert_eq!(nice_max(480), 500);
        assert_eq!(nice_max(1_234_567), 2_000_000);
    }

    #[test]
    fn a_long_label_is_cut_to_its_room() {
        assert_eq!(short("Negotiation", 200.0), "Negotiation");
        assert_eq!(short("Negotiation", 40.0), "Nego…");
    }
}
