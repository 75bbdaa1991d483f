//! Charts, drawn with plotters into SVG strings.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Okabe-Ito colours: distinguishable with every common colour-vision
/// deficiency, and in greyscale print by their lightness.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0x00, 0x00, 0x00),
];

/// Hex form of a palette colour, for legends drawn in HTML.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// A row of the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub label: String,
    /// A top-level theme: its label in bold at the left edge, so sub-themes
    /// under it can keep short labels.
    pub top_level: bool,
    /// Whether the row has bars; a top-level theme with sub-themes is a
    /// heading only.
    pub bars: bool,
}

/// Data for a grouped horizontal bar chart of percentages.
pub struct GroupedBars<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    /// One row per bar group (a theme), top to bottom.
    pub groups: Vec<Group>,
    /// One name per series (a Trust), in legend order.
    pub series: Vec<String>,
    /// `values[group][series]`: percentages, or counts when `scale` says.
    pub values: Vec<Vec<f64>>,
    pub scale: Scale,
}

/// The value axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// 0 to 100, labelled `40%`.
    Percent,
    /// 0 to the largest value rounded up, labelled as whole numbers: counts
    /// of people, scores.
    Count,
}

const PLOT_WIDTH: u32 = 620;
const BAR: u32 = 14;
const GROUP_GAP: u32 = 12;
const FONT: &str = "sans-serif";
/// plotters writes SVG text at about 0.81 of the size asked for, so sizes
/// here are asked 1.24 times larger than they should come out: 13 px labels.
const LABEL: f64 = 16.0;
/// The legend sits in a band of its own under the title, where it can
/// never cover a bar.
const LEGEND_TOP: u32 = 40;

/// Draws the chart. Sizes depend only on the data, so the same data gives
/// byte-identical SVG.
pub fn grouped_bars(data: &GroupedBars<'_>) -> Result<String, String> {
    let n = data.groups.len().max(1);
    let per_group = BAR * data.series.len().max(1) as u32 + GROUP_GAP;
    let height = LEGEND_TOP + 30 + per_group * n as u32 + 50;
    // Labels are laid out from their length: about 7 px a character at
    // 13 px, which the naive text measure plotters uses agrees with.
    let longest = data
        .groups
        .iter()
        .map(|g| g.label.chars().count())
        .max()
        .unwrap_or(10);
    let label_width = (longest as u32 * 15 / 2 + 24).max(120);
    let width = label_width + PLOT_WIDTH;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let title_font = (FONT, 24)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Top));
        root.draw(&Text::new(data.title, (10, 10), title_font))
            .map_err(|e| e.to_string())?;
        let top = match data.scale {
            Scale::Percent => 100.0,
            Scale::Count => {
                data
                .values
                .iter()
                .flatten()
                .copied()
                .fold(1.0f64, f64::max)
                // Room for the value printed after the longest bar.
                * 1.08
            }
        };
        let percent = data.scale == Scale::Percent;
        let mut chart = ChartBuilder::on(&root)
            .margin_top(LEGEND_TOP + 30)
            .margin_right(40)
            .margin_left(10)
            .x_label_area_size(45)
            .y_label_area_size(label_width)
            .build_cartesian_2d(0f64..top, 0f64..n as f64)
            .map_err(|e| e.to_string())?;
        let ticks = if percent {
            11
        } else {
            (top as usize + 1).min(11)
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_max_light_lines(0)
            .y_labels(0)
            .x_labels(ticks)
            .x_label_formatter(&|x| {
                if percent {
                    format!("{x:.0}%")
                } else {
                    format!("{x:.0}")
                }
            })
            .x_desc(data.x_label)
            .axis_desc_style((FONT, 17))
            .label_style((FONT, LABEL))
            .draw()
            .map_err(|e| e.to_string())?;
        let slot = 1.0 / (per_group as f64 / BAR as f64);
        let gap = GROUP_GAP as f64 / per_group as f64 / 2.0;
        for s in 0..data.series.len() {
            let colour = PALETTE[s % PALETTE.len()];
            let rows = data
                .values
                .iter()
                .zip(&data.groups)
                .enumerate()
                .filter(|(_, (_, g))| g.bars);
            let bars = rows.clone().map(move |(g, (row, _))| {
                // Group g is drawn from the top down.
                let top_y = n as f64 - g as f64 - gap - s as f64 * slot;
                let v = row.get(s).copied().unwrap_or(0.0);
                Rectangle::new([(0.0, top_y - slot), (v, top_y)], colour.filled())
            });
            chart.draw_series(bars).map_err(|e| e.to_string())?;
            let labels = rows.map(move |(g, (row, _))| {
                let top_y = n as f64 - g as f64 - gap - s as f64 * slot;
                let v = row.get(s).copied().unwrap_or(0.0);
                let text = if percent {
                    format!("{v:.0}%")
                } else if v.fract() == 0.0 {
                    format!("{v:.0}")
                } else {
                    format!("{v:.2}")
                };
                Text::new(
                    text,
                    (v + top / 125.0, top_y - slot / 2.0),
                    (FONT, 14)
                        .into_font()
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Left, VPos::Center)),
                )
            });
            chart.draw_series(labels).map_err(|e| e.to_string())?;
        }
        let (mut x, _) = chart.backend_coord(&(0.0, 0.0));
        let y = LEGEND_TOP as i32 + 12;
        let legend_font = (FONT, LABEL)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        for (s, name) in data.series.iter().enumerate() {
            let colour = PALETTE[s % PALETTE.len()];
            root.draw(&Rectangle::new(
                [(x, y - 7), (x + 14, y + 7)],
                colour.filled(),
            ))
            .map_err(|e| e.to_string())?;
            root.draw(&Text::new(name.as_str(), (x + 20, y), legend_font.clone()))
                .map_err(|e| e.to_string())?;
            x += 20 + name.chars().count() as i32 * 8 + 24;
        }
        // Group labels beside the axis, centred on their bars.
        let style = (FONT, LABEL)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Right, VPos::Center));
        let heading = (FONT, 17, FontStyle::Bold)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        for (g, group) in data.groups.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(0.0, n as f64 - g as f64 - 0.5));
            let text = if group.top_level {
                Text::new(group.label.as_str(), (10, y), heading.clone())
            } else {
                Text::new(group.label.as_str(), (x - 8, y), style.clone())
            };
            root.draw(&text).map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(label: &str) -> GroupedBars<'static> {
        GroupedBars {
            title: "Share & <title>",
            x_label: "Participants (%)",
            groups: vec![
                Group {
                    label: "Barriers".into(),
                    top_level: true,
                    bars: false,
                },
                Group {
                    label: label.into(),
                    top_level: false,
                    bars: true,
                },
            ],
            series: vec!["Alpha".into(), "Beta".into()],
            values: vec![vec![0.0, 0.0], vec![50.0, 100.0]],
            scale: Scale::Percent,
        }
    }

    fn width(svg: &str) -> u32 {
        let at = svg.find("width=\"").unwrap() + 7;
        svg[at..].split('"').next().unwrap().parse().unwrap()
    }

    #[test]
    fn draws_bars_value_labels_legend_and_headings() {
        let svg = grouped_bars(&data("Cost")).unwrap();
        let flat = svg.replace('\n', "");
        // One bar per series for the sub-theme, none for the heading.
        for colour in [hex(PALETTE[0]), hex(PALETTE[1])] {
            let fill = format!("fill=\"{}\"", colour.to_uppercase());
            // Legend swatch + one bar.
            assert_eq!(svg.matches(&fill).count(), 2, "{colour}: {svg}");
        }
        for text in [
            ">50%<",
            ">100%<",
            ">Cost<",
            ">Barriers<",
            ">Alpha<",
            ">Beta<",
            ">Participants (%)<",
        ] {
            assert!(flat.contains(text), "{text} missing");
        }
        assert!(svg.contains("Share &amp; &lt;title&gt;"), "text is escaped");
        assert_eq!(svg, grouped_bars(&data("Cost")).unwrap(), "deterministic");
    }

    #[test]
    fn long_labels_widen_the_chart_instead_of_being_clipped() {
        let short = width(&grouped_bars(&data("Cost")).unwrap());
        let long = width(&grouped_bars(&data(&"Structured provision ".repeat(4))).unwrap());
        assert_eq!(short, 120 + PLOT_WIDTH);
        assert_eq!(long, (84 * 15 / 2 + 24) + PLOT_WIDTH);
    }
}
