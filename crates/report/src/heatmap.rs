//! Heatmaps (co-occurrence, codes by band), drawn with plotters into SVG.
//!
//! Cells are shaded on one sequential blue scale, light to dark, and every
//! cell also prints its number: a single hue reads the same to every
//! common colour-vision deficiency and in greyscale, and the printed number
//! means no one has to judge a shade.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Data for a heatmap: `values[row][column]`.
pub struct Heatmap<'a> {
    pub title: &'a str,
    /// What the rows and the columns are, for the axes.
    pub row_label: &'a str,
    pub column_label: &'a str,
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    pub values: Vec<Vec<f64>>,
    /// Printed in each cell: `"{v:.0}%"` for percentages, counts as integers.
    pub percent: bool,
}

const FONT: &str = "sans-serif";
const CELL_H: u32 = 26;
const TOP: u32 = 60;
/// Column headings longer than this are replaced by numbers.
const LONG_HEADING: usize = 14;

/// The cell's colour: white at 0 to the palette's dark blue at `max`.
fn shade(v: f64, max: f64) -> RGBColor {
    let t = if max > 0.0 {
        (v / max).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (r0, g0, b0) = (247.0, 251.0, 255.0);
    let (r1, g1, b1) = (8.0, 48.0, 107.0);
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    RGBColor(mix(r0, r1), mix(g0, g1), mix(b0, b1))
}

/// Draws the heatmap. Sizes depend only on the data.
pub fn heatmap(data: &Heatmap<'_>) -> Result<String, String> {
    // Long column headings would overlap: when any is long (a
    // co-occurrence matrix's columns are the row labels again), columns
    // are numbered and the rows carry the numbers.
    let numbered = data
        .columns
        .iter()
        .any(|c| c.chars().count() > LONG_HEADING);
    let rows: Vec<String> = if numbered {
        data.rows
            .iter()
            .enumerate()
            .map(|(i, r)| format!("{}. {r}", i + 1))
            .collect()
    } else {
        data.rows.clone()
    };
    let columns: Vec<String> = if numbered {
        (1..=data.columns.len()).map(|i| i.to_string()).collect()
    } else {
        data.columns.clone()
    };
    let data = &Heatmap {
        title: data.title,
        row_label: data.row_label,
        column_label: data.column_label,
        rows,
        columns,
        values: data.values.clone(),
        percent: data.percent,
    };
    let longest_row = data
        .rows
        .iter()
        .map(|r| r.chars().count())
        .max()
        .unwrap_or(8);
    let longest_column = data
        .columns
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(4);
    let label_w = (longest_row as u32 * 15 / 2 + 24).max(100);
    // Column headings are written across when short, and the cells are at
    // least wide enough for them.
    let cell_w = ((longest_column as u32 * 15 / 2) + 12).clamp(56, 160);
    let width = label_w + cell_w * data.columns.len().max(1) as u32 + 20;
    let header_h = 30;
    let height = TOP + header_h + CELL_H * data.rows.len().max(1) as u32 + 50;
    let max = data.values.iter().flatten().copied().fold(0.0f64, f64::max);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let e = |e: DrawingAreaErrorKind<_>| e.to_string();
        root.fill(&WHITE).map_err(e)?;
        let title = (FONT, 24)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Top));
        root.draw(&Text::new(data.title, (10, 10), title))
            .map_err(e)?;
        let axis = (FONT, 16)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Top));
        root.draw(&Text::new(
            format!("Rows: {}. Columns: {}.", data.row_label, data.column_label),
            (10, 38),
            axis,
        ))
        .map_err(e)?;
        let header = (FONT, 17, FontStyle::Bold)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Center));
        for (c, name) in data.columns.iter().enumerate() {
            let x = (label_w + cell_w * c as u32 + cell_w / 2) as i32;
            root.draw(&Text::new(
                name.as_str(),
                (x, (TOP + header_h / 2) as i32),
                header.clone(),
            ))
            .map_err(e)?;
        }
        let row_font = (FONT, 16)
            .into_font()
            .color(&BLACK)
            .pos(Pos::new(HPos::Right, VPos::Center));
        for (r, name) in data.rows.iter().enumerate() {
            let y = (TOP + header_h + CELL_H * r as u32) as i32;
            root.draw(&Text::new(
                name.as_str(),
                (label_w as i32 - 8, y + CELL_H as i32 / 2),
                row_font.clone(),
            ))
            .map_err(e)?;
            for c in 0..data.columns.len() {
                let v = data
                    .values
                    .get(r)
                    .and_then(|row| row.get(c))
                    .copied()
                    .unwrap_or(0.0);
                let x = (label_w + cell_w * c as u32) as i32;
                let fill = shade(v, max);
                root.draw(&Rectangle::new(
                    [(x, y), (x + cell_w as i32, y + CELL_H as i32)],
                    fill.filled(),
                ))
                .map_err(e)?;
                root.draw(&Rectangle::new(
                    [(x, y), (x + cell_w as i32, y + CELL_H as i32)],
                    RGBColor(255, 255, 255).stroke_width(1),
                ))
                .map_err(e)?;
                // White text on the darker half of the scale.
                let ink = if max > 0.0 && v / max > 0.55 {
                    WHITE
                } else {
                    BLACK
                };
                let text = if data.percent {
                    format!("{v:.0}%")
                } else {
                    format!("{v:.0}")
                };
                let font = (FONT, 17)
                    .into_font()
                    .color(&ink)
                    .pos(Pos::new(HPos::Center, VPos::Center));
                root.draw(&Text::new(
                    text,
                    (x + cell_w as i32 / 2, y + CELL_H as i32 / 2),
                    font,
                ))
                .map_err(e)?;
            }
        }
        root.present().map_err(e)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> Heatmap<'static> {
        Heatmap {
            title: "Codes by band",
            row_label: "themes",
            column_label: "bands",
            rows: vec!["Cost".into(), "Band 4 <aspiration>".into()],
            columns: vec!["Band 2".into(), "Band 3".into()],
            values: vec![vec![0.0, 50.0], vec![100.0, 25.0]],
            percent: true,
        }
    }

    #[test]
    fn cells_are_shaded_by_value_and_labelled() {
        let svg = heatmap(&data()).unwrap();
        let flat = svg.replace('\n', "");
        for text in [
            ">0%<",
            ">50%<",
            ">100%<",
            ">25%<",
            ">Band 2<",
            ">Cost<",
            "Band 4 &lt;aspiration&gt;",
        ] {
            assert!(flat.contains(text), "{text} missing: {svg}");
        }
        // The largest value is the darkest colour, zero is the lightest.
        assert!(svg.contains("fill=\"#08306B\""), "{svg}");
        assert!(svg.contains("fill=\"#F7FBFF\""));
        assert_eq!(svg, heatmap(&data()).unwrap());
    }

    #[test]
    fn long_column_headings_become_numbers() {
        let svg = heatmap(&Heatmap {
            rows: vec!["Self-access after induction".into(), "Cost".into()],
            columns: vec!["Self-access after induction".into(), "Cost".into()],
            percent: false,
            ..data()
        })
        .unwrap()
        .replace('\n', "");
        assert!(svg.contains(">1. Self-access after induction<"), "{svg}");
        assert!(svg.contains(">2. Cost<"));
        assert!(svg.contains(">1<") && svg.contains(">2<"));
    }

    #[test]
    fn shades_run_from_light_to_dark() {
        assert_eq!(shade(0.0, 10.0), RGBColor(247, 251, 255));
        assert_eq!(shade(10.0, 10.0), RGBColor(8, 48, 107));
        assert_eq!(shade(5.0, 0.0), RGBColor(247, 251, 255));
    }
}
