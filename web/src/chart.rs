//! The indicator chart: one bar per indicator for the share of its target
//! reached, with the 100% line. Plain SVG, no script, every text escaped, so
//! it shows the same in a browser, a printed page and a closed network.

use std::fmt::Write;

use gopy_domain::indicator::{IndicatorRow, Verdict, format_number};

use crate::render::escape;

const WIDTH: f64 = 760.0;
const LABEL: f64 = 300.0;
const BAR_HEIGHT: f64 = 18.0;
const GAP: f64 = 8.0;
/// Shares above this are drawn at its width, with their figure beside.
const SCALE_MAX: f64 = 1.5;

/// The chart of `rows`; rows that could not be judged are listed with no bar.
pub fn indicator_chart(rows: &[IndicatorRow], title: &str) -> String {
    let top = 40.0;
    let height = top + rows.len() as f64 * (BAR_HEIGHT + GAP) + 30.0;
    let plot = WIDTH - LABEL - 70.0;
    let x_of = |share: f64| LABEL + plot * (share.min(SCALE_MAX) / SCALE_MAX);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-label=\"{}\" font-family=\"Times New Roman, Noto Serif, serif\" font-size=\"13\">",
        escape(title)
    );
    let _ = write!(svg, "<title>{}</title>", escape(title));
    let _ = write!(svg, "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
    let _ = write!(svg, "<text x=\"{LABEL}\" y=\"20\" font-weight=\"bold\">{}</text>", escape(title));
    // The 100% line goes first, so the figures beside the bars stay readable over it.
    let hundred = x_of(1.0);
    let bottom = top + rows.len() as f64 * (BAR_HEIGHT + GAP);
    let _ = write!(
        svg,
        "<line x1=\"{hundred:.1}\" y1=\"{}\" x2=\"{hundred:.1}\" y2=\"{bottom}\" stroke=\"#a3161a\" stroke-width=\"2\" stroke-dasharray=\"4 3\"/>",
        top - 8.0
    );
    let _ = write!(svg, "<text x=\"{hundred:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#a3161a\">100%</text>", bottom + 16.0);
    for (i, row) in rows.iter().enumerate() {
        let y = top + i as f64 * (BAR_HEIGHT + GAP);
        let name: String = row.name.chars().take(42).collect();
        let name = if row.name.chars().count() > 42 { format!("{name}…") } else { name };
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}. {}</text>",
            LABEL - 8.0,
            y + BAR_HEIGHT - 4.0,
            escape(&row.number),
            escape(&name)
        );
        match (row.share, row.verdict) {
            (Some(share), Some(verdict)) => {
                let colour = if verdict == Verdict::NotMet { "#e59866" } else { "#52be80" };
                let _ = write!(
                    svg,
                    "<rect x=\"{LABEL}\" y=\"{y}\" width=\"{:.1}\" height=\"{BAR_HEIGHT}\" fill=\"{colour}\"/>",
                    (x_of(share) - LABEL).max(1.0)
                );
                let _ = write!(
                    svg,
                    "<text x=\"{:.1}\" y=\"{}\">{}%</text>",
                    x_of(share) + 4.0,
                    y + BAR_HEIGHT - 4.0,
                    format_number(share * 100.0, 1)
                );
            }
            _ => {
                let _ = write!(svg, "<text x=\"{}\" y=\"{}\" fill=\"#b00020\">?</text>", LABEL + 4.0, y + BAR_HEIGHT - 4.0);
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use gopy_domain::indicator::Direction;

    #[test]
    fn the_chart_escapes_names_and_draws_the_100_percent_line() {
        let row = IndicatorRow {
            row: 0,
            number: "1".into(),
            name: "<Tăng trưởng> & GRDP".into(),
            unit: "%".into(),
            target: Some(7.5),
            result: Some(6.1),
            direction: Direction::HigherIsBetter,
            share: Some(6.1 / 7.5),
            verdict: Some(Verdict::NotMet),
            problems: vec![],
        };
        let svg = indicator_chart(&[row], "Chỉ tiêu");
        assert!(svg.contains("&lt;Tăng trưởng&gt; &amp; GRDP"));
        assert!(svg.contains(">81,3%<") && svg.contains(">100%<"));
        assert!(!svg.contains("<script"));
    }
}
