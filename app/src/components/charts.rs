//! Charts drawn as SVG by the app itself: bars of energy by month (beside the same month a
//! year before) and by day, and a day's load curve. Each scales to its container, so it
//! reads on a phone, and carries its numbers in a table for screen readers and for anyone
//! who wants the figures.

use leptos::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use shared::api::billing::{DayUsage, LoadPoint, MonthUsage};

use crate::i18n::use_messages;

/// Drawing area, in SVG units (the chart scales to its container).
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 24.0;
const TOP: f64 = 8.0;

/// A value in kWh as the charts write it.
pub fn kwh_text(value: Decimal) -> String {
    value.round_dp(2).normalize().to_string()
}

fn number(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// A "nice" top for the axis: 1, 2 or 5 times a power of ten above the largest value.
fn axis_top(largest: f64) -> f64 {
    if largest <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(largest.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|top| *top >= largest).unwrap_or(10.0 * magnitude)
}

fn y_of(value: f64, top: f64) -> f64 {
    HEIGHT - BOTTOM - (value / top) * (HEIGHT - BOTTOM - TOP)
}

/// The axis: a base line and three labelled grid lines.
fn axis(top: f64) -> impl IntoView {
    (0..=2)
        .map(|i| {
            let value = top * f64::from(i) / 2.0;
            let y = y_of(value, top);
            view! {
                <line class="chart-grid" x1=LEFT x2=WIDTH y1=y y2=y />
                <text class="chart-axis" x=LEFT - 6.0 y=y + 4.0 text-anchor="end">{format!("{value}")}</text>
            }
        })
        .collect_view()
}

/// Energy by period with last year's beside it.
#[component]
pub fn MonthChart(
    /// The months to draw, in order.
    months: Vec<MonthUsage>,
) -> impl IntoView {
    let t = use_messages();
    let largest = months.iter().flat_map(|m| [m.kwh, m.last_year_kwh]).flatten().map(number).fold(0.0, f64::max);
    let top = axis_top(largest);
    let slot = (WIDTH - LEFT) / months.len().max(1) as f64;
    let bar = (slot / 2.0 - 3.0).max(2.0);
    let bars = months
        .iter()
        .enumerate()
        .map(|(i, month)| {
            let x = LEFT + slot * i as f64 + 2.0;
            let this = month.kwh.map(|kwh| {
                let y = y_of(number(kwh), top);
                let label = format!("{}: {} kWh", month.period, kwh_text(kwh));
                view! { <rect class="chart-bar" x=x + bar y=y width=bar height=HEIGHT - BOTTOM - y><title>{label}</title></rect> }
            });
            let last = month.last_year_kwh.map(|kwh| {
                let y = y_of(number(kwh), top);
                let label = format!("{} −1: {} kWh", month.period, kwh_text(kwh));
                view! { <rect class="chart-bar chart-bar--past" x=x y=y width=bar height=HEIGHT - BOTTOM - y><title>{label}</title></rect> }
            });
            let tick = month.period.get(5..).unwrap_or(&month.period).to_owned();
            view! {
                {last}
                {this}
                <text class="chart-axis" x=x + bar y=HEIGHT - 6.0 text-anchor="middle">{tick}</text>
            }
        })
        .collect_view();
    let rows = months
        .into_iter()
        .map(|m| {
            view! {
                <tr>
                    <th scope="row">{m.period}</th>
                    <td>{m.kwh.map(kwh_text).unwrap_or_else(|| "—".into())}</td>
                    <td>{m.last_year_kwh.map(kwh_text).unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-chart="months">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby="months-caption" preserveAspectRatio="xMidYMid meet">
                {axis(top)}
                {bars}
            </svg>
            <figcaption id="months-caption">
                {move || t.get().bills.months_heading} " "
                <span class="legend legend--now">{move || t.get().bills.this_year}</span>
                <span class="legend legend--past">{move || t.get().bills.last_year}</span>
            </figcaption>
            <details class="chart-data">
                <summary>{move || t.get().bills.months_heading} " (kWh)"</summary>
                <table class="data-table">
                    <thead>
                        <tr>
                            <th scope="col">{move || t.get().bills.col_period}</th>
                            <th scope="col">{move || t.get().bills.this_year}</th>
                            <th scope="col">{move || t.get().bills.last_year}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </figure>
    }
}

/// Energy by day.
#[component]
pub fn DayChart(
    /// The days to draw, in order.
    days: Vec<DayUsage>,
) -> impl IntoView {
    let t = use_messages();
    let largest = days.iter().map(|d| number(d.kwh)).fold(0.0, f64::max);
    let top = axis_top(largest);
    let slot = (WIDTH - LEFT) / days.len().max(1) as f64;
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let y = y_of(number(day.kwh), top);
            let label = format!("{}: {} kWh", day.day, kwh_text(day.kwh));
            view! {
                <rect class="chart-bar" x=LEFT + slot * i as f64 y=y width=(slot - 1.0).max(1.0) height=HEIGHT - BOTTOM - y>
                    <title>{label}</title>
                </rect>
            }
        })
        .collect_view();
    let first = days.first().map(|d| d.day.to_string()).unwrap_or_default();
    let last = days.last().map(|d| d.day.to_string()).unwrap_or_default();
    let rows = days
        .into_iter()
        .map(|d| view! { <tr><th scope="row">{d.day.to_string()}</th><td>{kwh_text(d.kwh)}</td></tr> })
        .collect_view();
    view! {
        <figure class="chart" data-chart="days">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby="days-caption" preserveAspectRatio="xMidYMid meet">
                {axis(top)}
                {bars}
                <text class="chart-axis" x=LEFT y=HEIGHT - 6.0>{first}</text>
                <text class="chart-axis" x=WIDTH y=HEIGHT - 6.0 text-anchor="end">{last}</text>
            </svg>
            <figcaption id="days-caption">{move || t.get().bills.days_heading}</figcaption>
            <details class="chart-data">
                <summary>{move || t.get().bills.days_heading} " (kWh)"</summary>
                <table class="data-table"><tbody>{rows}</tbody></table>
            </details>
        </figure>
    }
}

/// A day's load curve (kW by quarter hour).
#[component]
pub fn LoadChart(
    /// The day's load points, in order.
    points: Vec<LoadPoint>,
) -> impl IntoView {
    let t = use_messages();
    let largest = points.iter().map(|p| number(p.kw)).fold(0.0, f64::max);
    let top = axis_top(largest);
    // Positions by time of day, so gaps in the data stay gaps in time.
    let x_of = |time: &str| {
        let minutes = time.get(..2).and_then(|h| h.parse::<f64>().ok()).unwrap_or(0.0) * 60.0
            + time.get(3..5).and_then(|m| m.parse::<f64>().ok()).unwrap_or(0.0);
        LEFT + (WIDTH - LEFT) * minutes / (24.0 * 60.0)
    };
    let line = points
        .iter()
        .map(|p| format!("{:.1},{:.1}", x_of(&p.time), y_of(number(p.kw), top)))
        .collect::<Vec<_>>()
        .join(" ");
    let rows = points
        .into_iter()
        .map(|p| view! { <tr><th scope="row">{p.time}</th><td>{kwh_text(p.kw)}</td></tr> })
        .collect_view();
    view! {
        <figure class="chart" data-chart="load">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby="load-caption" preserveAspectRatio="xMidYMid meet">
                {axis(top)}
                <polyline class="chart-line" points=line />
                {[0, 6, 12, 18, 24]
                    .into_iter()
                    .map(|h| view! { <text class="chart-axis" x=LEFT + (WIDTH - LEFT) * f64::from(h) / 24.0 y=HEIGHT - 6.0 text-anchor="middle">{format!("{h:02}:00")}</text> })
                    .collect_view()}
            </svg>
            <figcaption id="load-caption">{move || t.get().bills.load_heading} " (kW)"</figcaption>
            <details class="chart-data">
                <summary>{move || t.get().bills.load_heading} " (kW)"</summary>
                <table class="data-table"><tbody>{rows}</tbody></table>
            </details>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::axis_top;

    #[test]
    fn the_axis_ends_on_a_round_number_above_the_largest_value() {
        assert_eq!(axis_top(260.0), 500.0);
        assert_eq!(axis_top(480.0), 500.0);
        assert_eq!(axis_top(1800.0), 2000.0);
        assert_eq!(axis_top(0.0), 1.0);
    }
}
