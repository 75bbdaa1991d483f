//! Reports: charts and a self-contained HTML page from analysis tables.
//!
//! The last stage of the pipeline (transcript -> segments -> codings ->
//! tables -> *report*). It turns [`Table`]s into SVG charts (plotters) and
//! one HTML file that needs no network, no scripts and no other files, so an
//! education lead can open it from an e-mail.
//!
//! Every piece of text that came from a transcript reaches the page through
//! a minijinja template with auto-escaping on, never by string
//! concatenation, so a quote containing `<script>` is shown, not run.
//!
//! This crate does not compute anything (it only reads tables by column
//! name) and does not write files: it returns their bytes, and the caller
//! decides where and how to write them.

pub mod chart;
pub mod heatmap;
pub mod png;
mod study;

use std::collections::BTreeMap;

use minijinja::{context, Environment, Value as JinjaValue};
use serde::Serialize;
use strand_codebook::Codebook;
use strand_table::{Table, Value};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("table `{table}` has no column `{column}`")]
    MissingColumn { table: String, column: String },
    #[error("chart `{name}` could not be drawn: {message}")]
    Chart { name: String, message: String },
    #[error("report template failed: {0}")]
    Template(#[from] minijinja::Error),
}

/// Everything a report is made from.
pub struct ReportInput<'a> {
    pub title: &'a str,
    /// The corpus's name (its folder name), for the heading.
    pub corpus: &'a str,
    pub codebook: &'a Codebook,
    /// The case attribute prevalence was broken down by (`trust`).
    pub by: &'a str,
    pub summary: &'a Table,
    pub participants: &'a Table,
    pub prevalence: &'a Table,
    pub prevalence_by: &'a Table,
    pub exemplars: &'a Table,
    /// Things the reader must know about the data (missing cases, a
    /// transcript in another language). Must not quote transcripts.
    pub notices: &'a [String],
    /// The table files written beside the report, for its methods section.
    pub table_files: &'a [String],
    /// The study tables (see strand-analysis's `study`), when the fuller
    /// report is wanted: charts by band, co-occurrence, the gap analysis.
    pub study: Option<Study<'a>>,
    /// How many of the anonymisation screen's findings the researcher
    /// checked and accepted (the report is refused while any stand).
    pub screen_accepted: usize,
}

/// The study tables the fuller report is drawn from.
pub struct Study<'a> {
    pub prevalence_by_attribute: &'a Table,
    pub cooccurrence: &'a Table,
    pub gap: &'a Table,
    /// The case attributes that name a worker's Trust and band.
    pub trust: &'a str,
    pub band: &'a str,
    /// The web directory's page, relative to the report, to link each
    /// opportunity to (`../directory/index.html`).
    pub directory_link: Option<&'a str>,
}

/// A file of the report, relative to the report folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Renders the report: `index.html`, and each chart as an SVG file and a
/// PNG at twice its size (for slides).
pub fn render(input: &ReportInput<'_>) -> Result<Vec<OutputFile>, Error> {
    let page = Page::build(input)?;
    let chart_svg = chart::grouped_bars(&page.chart_data()).map_err(|message| Error::Chart {
        name: page.chart_file.clone(),
        message,
    })?;

    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    // Auto-escaping is chosen by the template's name: `.html` escapes.
    env.add_template("index.html", include_str!("../templates/index.html"))?;
    // Each top-level theme's section has its own chart: its sub-themes by
    // the same attribute as the main chart.
    let mut theme_svgs: BTreeMap<String, JinjaValue> = BTreeMap::new();
    for (id, title, data) in page.theme_charts() {
        let svg = chart::grouped_bars(&data).map_err(|message| Error::Chart {
            name: id.clone(),
            message,
        })?;
        theme_svgs.insert(id, JinjaValue::from_safe_string(inline_svg(&svg, &title)));
    }
    let study = match &input.study {
        Some(s) => Some(study::build(s, input.codebook)?),
        None => None,
    };
    let study_svgs: Vec<JinjaValue> = study
        .iter()
        .flat_map(|s| &s.charts)
        .map(|c| JinjaValue::from_safe_string(inline_svg(&c.svg, &c.title)))
        .collect();
    let html = env.get_template("index.html")?.render(context! {
        page => &page,
        study => &study,
        study_svgs => study_svgs,
        screen_accepted => input.screen_accepted,
        // The SVG is made here from numbers and codebook labels, and
        // plotters escapes the text it writes; it is the one value let
        // through unescaped.
        chart_svg => JinjaValue::from_safe_string(inline_svg(&chart_svg, &page.chart_title)),
        theme_svgs => theme_svgs,
    })?;
    let png = png::svg_to_png(&chart_svg, 2.0).map_err(|message| Error::Chart {
        name: page.chart_file.clone(),
        message,
    })?;
    let mut files = vec![
        OutputFile {
            name: "index.html".into(),
            bytes: html.into_bytes(),
        },
        OutputFile {
            name: page.chart_file.replace(".svg", ".png"),
            bytes: png,
        },
        OutputFile {
            name: page.chart_file.clone(),
            bytes: chart_svg.into_bytes(),
        },
    ];
    for c in study.iter().flat_map(|s| &s.charts) {
        let png = png::svg_to_png(&c.svg, 2.0).map_err(|message| Error::Chart {
            name: c.file.clone(),
            message,
        })?;
        files.push(OutputFile {
            name: c.file.replace(".svg", ".png"),
            bytes: png,
        });
        files.push(OutputFile {
            name: c.file.clone(),
            bytes: c.svg.clone().into_bytes(),
        });
    }
    Ok(files)
}

/// Makes the chart an accessible image inside the page: a role, a label,
/// and no XML declaration.
fn inline_svg(svg: &str, title: &str) -> String {
    let body = svg.trim_start_matches(|c| c != '<');
    let body = match body.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(rest, |(_, r)| r).trim_start(),
        None => body,
    };
    let escaped = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    body.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{escaped}\" "),
        1,
    )
}

#[derive(Serialize)]
struct Page {
    title: String,
    corpus: String,
    by: String,
    by_label: String,
    codebook_name: String,
    codebook_hash: String,
    codebook_short_hash: String,
    unit: String,
    language: String,
    participants_total: i64,
    summary: Vec<(String, String)>,
    participants: Vec<(String, String, String)>,
    values: Vec<String>,
    themes: Vec<Theme>,
    highlights: Vec<String>,
    notices: Vec<String>,
    chart_file: String,
    chart_title: String,
    table_files: Vec<String>,
}

#[derive(Serialize, Clone)]
struct Theme {
    id: String,
    label: String,
    depth: i64,
    definition: String,
    cases: i64,
    /// Percentages are shown as the tables have them (`66.7`, `100`), not
    /// as the template engine would print a float (`100.0`).
    cases_pct: String,
    segments: i64,
    /// Per attribute value: (cases, cases_total, pct), in `Page::values` order.
    by: Vec<(i64, i64, String)>,
    /// The same percentages as numbers, for the chart.
    #[serde(skip)]
    by_pct: Vec<f64>,
    quotes: Vec<Quote>,
    /// Whether the theme has sub-themes: its quotes are theirs, so the
    /// report shows them there instead of twice.
    has_children: bool,
}

#[derive(Serialize, Clone)]
struct Quote {
    text: String,
    who: String,
    segment: String,
}

pub(crate) fn column(table: &Table, name: &str) -> Result<usize, Error> {
    table.column(name).ok_or_else(|| Error::MissingColumn {
        table: table.name.clone(),
        column: name.to_string(),
    })
}

fn cell_text(v: &Value) -> String {
    v.to_string()
}

fn cell_i64(v: &Value) -> i64 {
    v.as_f64().unwrap_or(0.0) as i64
}

/// "trust" -> "Trust", "years_in_post" -> "Years in post".
pub(crate) fn humanise(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl Page {
    fn build(input: &ReportInput<'_>) -> Result<Page, Error> {
        let summary_rows: Vec<(String, String)> = {
            let (m, v) = (
                column(input.summary, "metric")?,
                column(input.summary, "value")?,
            );
            input
                .summary
                .rows
                .iter()
                .map(|r| (humanise(&cell_text(&r[m])), cell_text(&r[v])))
                .collect()
        };
        let participants_total = input
            .summary
            .rows
            .iter()
            .find(|r| r[0].as_str() == Some("participants"))
            .map_or(0, |r| cell_i64(&r[1]));
        let participants = participant_rows(input.participants)?;

        // Prevalence by attribute, pivoted to one row per theme.
        let pb = input.prevalence_by;
        let (pt, pv) = (column(pb, "theme")?, column(pb, input.by)?);
        let (pc, ptot, ppct) = (
            column(pb, "cases")?,
            column(pb, "cases_total")?,
            column(pb, "cases_pct")?,
        );
        let mut values: Vec<String> = pb.rows.iter().map(|r| cell_text(&r[pv])).collect();
        values.sort();
        values.dedup();
        let mut by: BTreeMap<(String, String), (i64, i64, f64)> = BTreeMap::new();
        for r in &pb.rows {
            by.insert(
                (cell_text(&r[pt]), cell_text(&r[pv])),
                (
                    cell_i64(&r[pc]),
                    cell_i64(&r[ptot]),
                    r[ppct].as_f64().unwrap_or(0.0),
                ),
            );
        }

        let quotes = quotes(input)?;
        let p = input.prevalence;
        let (t, l, d, c, pct, s) = (
            column(p, "theme")?,
            column(p, "label")?,
            column(p, "depth")?,
            column(p, "cases")?,
            column(p, "cases_pct")?,
            column(p, "segments")?,
        );
        let mut themes = Vec::new();
        for r in &p.rows {
            let id = cell_text(&r[t]);
            let definition = input
                .codebook
                .get(&id)
                .map(|c| c.definition.clone())
                .unwrap_or_default();
            let cells: Vec<(i64, i64, f64)> = values
                .iter()
                .map(|v| {
                    by.get(&(id.clone(), v.clone()))
                        .copied()
                        .unwrap_or((0, 0, 0.0))
                })
                .collect();
            let prefix = format!("{id}.");
            let has_children = p.rows.iter().any(|r| cell_text(&r[t]).starts_with(&prefix));
            themes.push(Theme {
                has_children,
                by: cells
                    .iter()
                    .map(|&(c, t, p)| (c, t, p.to_string()))
                    .collect(),
                by_pct: cells.iter().map(|&(_, _, p)| p).collect(),
                quotes: quotes.get(&id).cloned().unwrap_or_default(),
                label: cell_text(&r[l]),
                depth: cell_i64(&r[d]),
                cases: cell_i64(&r[c]),
                cases_pct: r[pct].as_f64().unwrap_or(0.0).to_string(),
                segments: cell_i64(&r[s]),
                definition,
                id,
            });
        }

        let by_label = humanise(input.by);
        Ok(Page {
            title: input.title.to_string(),
            corpus: input.corpus.to_string(),
            by: input.by.to_string(),
            chart_title: format!("Share of participants voicing each theme, by {by_label}"),
            chart_file: format!("prevalence-by-{}.svg", input.by.replace('_', "-")),
            highlights: highlights(&themes, participants_total, &values, &by_label),
            by_label,
            codebook_name: input.codebook.name.clone(),
            codebook_hash: input.codebook.hash.clone(),
            codebook_short_hash: input.codebook.short_hash().to_string(),
            unit: input.codebook.unit.clone(),
            language: input.codebook.language.clone(),
            participants_total,
            summary: summary_rows,
            participants,
            values,
            themes,
            notices: input.notices.to_vec(),
            table_files: input.table_files.to_vec(),
        })
    }

    /// The chart shows every theme down to the second level: top-level
    /// themes as headings, their sub-themes as bars, because top-level
    /// themes are voiced by nearly everyone in a study built around them and
    /// the differences that matter lie one level down. A top-level theme
    /// with no sub-themes gets bars of its own.
    /// Per top-level theme with sub-themes: its id, chart title and chart.
    fn theme_charts(&self) -> Vec<(String, String, chart::GroupedBars<'_>)> {
        let mut out = Vec::new();
        for t in self
            .themes
            .iter()
            .filter(|t| t.depth == 0 && t.has_children)
        {
            let prefix = format!("{}.", t.id);
            let subs: Vec<&Theme> = self
                .themes
                .iter()
                .filter(|c| c.id.starts_with(&prefix))
                .collect();
            let title = format!(
                "{}: participants voicing each sub-theme, by {}",
                t.label, self.by_label
            );
            out.push((
                t.id.clone(),
                title,
                chart::GroupedBars {
                    title: "",
                    x_label: "Participants voicing the sub-theme (% of participants in each group)",
                    groups: subs
                        .iter()
                        .map(|c| chart::Group {
                            label: c.label.clone(),
                            top_level: false,
                            bars: true,
                        })
                        .collect(),
                    series: self.values.clone(),
                    values: subs.iter().map(|c| c.by_pct.clone()).collect(),
                    scale: chart::Scale::Percent,
                },
            ));
        }
        out
    }

    fn chart_data(&self) -> chart::GroupedBars<'_> {
        let shown: Vec<&Theme> = self.themes.iter().filter(|t| t.depth <= 1).collect();
        let has_children = |t: &Theme| {
            let prefix = format!("{}.", t.id);
            self.themes.iter().any(|c| c.id.starts_with(&prefix))
        };
        let groups: Vec<chart::Group> = shown
            .iter()
            .map(|t| chart::Group {
                label: t.label.clone(),
                top_level: t.depth == 0,
                bars: t.depth > 0 || !has_children(t),
            })
            .collect();
        chart::GroupedBars {
            title: &self.chart_title,
            x_label: "Participants voicing the theme (% of participants in each group)",
            groups,
            series: self.values.clone(),
            values: shown.iter().map(|t| t.by_pct.clone()).collect(),
            scale: chart::Scale::Percent,
        }
    }
}

/// Quotes per theme from the exemplars table, attributed by pseudonym and
/// the attributes a reader needs to weigh them.
fn quotes(input: &ReportInput<'_>) -> Result<BTreeMap<String, Vec<Quote>>, Error> {
    let e = input.exemplars;
    let (t, s, c, q) = (
        column(e, "theme")?,
        column(e, "segment")?,
        column(e, "case")?,
        column(e, "quote")?,
    );
    let shown: Vec<(usize, &str)> = ["role", "band", "trust"]
        .iter()
        .filter_map(|name| e.column(name).map(|i| (i, *name)))
        .collect();
    let mut out: BTreeMap<String, Vec<Quote>> = BTreeMap::new();
    for r in &e.rows {
        let mut who = vec![cell_text(&r[c])];
        for (i, name) in &shown {
            let v = cell_text(&r[*i]);
            if v.is_empty() {
                continue;
            }
            who.push(if *name == "band" {
                format!("Band {v}")
            } else {
                v
            });
        }
        out.entry(cell_text(&r[t])).or_default().push(Quote {
            text: cell_text(&r[q]),
            who: who.join(", "),
            segment: cell_text(&r[s]),
        });
    }
    Ok(out)
}

/// Rows of the participants table as shown: a numeric attribute with many
/// values (years in post) becomes one line, its range and median, instead
/// of a row per value.
fn participant_rows(t: &Table) -> Result<Vec<(String, String, String)>, Error> {
    const MANY: usize = 6;
    let (a, v, c) = (
        column(t, "attribute")?,
        column(t, "value")?,
        column(t, "cases")?,
    );
    let mut out = Vec::new();
    for rows in t.rows.chunk_by(|x, y| x[a] == y[a]) {
        let name = humanise(&cell_text(&rows[0][a]));
        let numbers: Option<Vec<(f64, i64)>> = rows
            .iter()
            .map(|r| Some((cell_text(&r[v]).parse::<f64>().ok()?, cell_i64(&r[c]))))
            .collect();
        match numbers {
            Some(mut numbers) if rows.len() > MANY => {
                numbers.sort_by(|x, y| x.0.total_cmp(&y.0));
                let each: Vec<f64> = numbers
                    .iter()
                    .flat_map(|&(x, n)| std::iter::repeat_n(x, n.max(0) as usize))
                    .collect();
                let mid = each.len() / 2;
                let median = if each.len().is_multiple_of(2) {
                    (each[mid - 1] + each[mid]) / 2.0
                } else {
                    each[mid]
                };
                out.push((
                    name,
                    format!(
                        "{} to {} (median {})",
                        each[0],
                        each[each.len() - 1],
                        median
                    ),
                    each.len().to_string(),
                ));
            }
            _ => out.extend(
                rows.iter()
                    .map(|r| (name.clone(), cell_text(&r[v]), cell_text(&r[c]))),
            ),
        }
    }
    Ok(out)
}

/// Plain-language lines for the summary: the most widely voiced themes at
/// the most specific level, and where groups differ most. Top-level themes
/// are left out when they have sub-themes: in a study built around them
/// nearly everyone voices each one, which tells a reader nothing.
fn highlights(themes: &[Theme], total: i64, values: &[String], by_label: &str) -> Vec<String> {
    let is_leaf = |t: &Theme| {
        let prefix = format!("{}.", t.id);
        !themes.iter().any(|c| c.id.starts_with(&prefix))
    };
    let mut leaves: Vec<&Theme> = themes
        .iter()
        .filter(|t| is_leaf(t) && t.cases > 0)
        .collect();
    leaves.sort_by(|a, b| b.cases.cmp(&a.cases).then(a.id.cmp(&b.id)));
    let mut out: Vec<String> = leaves
        .iter()
        .take(5)
        .map(|t| {
            format!(
                "{}: voiced by {} of {} participants ({}%).",
                t.label, t.cases, total, t.cases_pct
            )
        })
        .collect();
    if values.len() >= 2 {
        let spread = |t: &Theme| {
            let lo = t.by_pct.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = t.by_pct.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            hi - lo
        };
        let mut differ: Vec<&Theme> = themes
            .iter()
            .filter(|t| is_leaf(t) && spread(t) >= 25.0)
            .collect();
        differ.sort_by(|a, b| spread(b).total_cmp(&spread(a)).then(a.id.cmp(&b.id)));
        for t in differ.into_iter().take(3) {
            let parts: Vec<String> = values
                .iter()
                .zip(&t.by)
                .map(|(v, (cases, of, pct))| format!("{cases} of {of} in {v} ({pct}%)"))
                .collect();
            out.push(format!(
                "{} differs by {}: {}.",
                t.label,
                by_label,
                parts.join(", ")
            ));
        }
    }
    out
}
