//! The fuller report's study sections: codes by band, Band 4 aspiration
//! and its barriers by Trust, co-occurrence, and the gap analysis against
//! the learning-opportunity directory.
//!
//! Each chart comes with the table of its numbers (a screen reader's and a
//! printer's way to the same facts) and a caption saying how to read it.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use strand_table::Value;

use crate::chart::{self, Group, GroupedBars, Scale};
use crate::heatmap::{heatmap, Heatmap};
use crate::{column, Error, Study};

/// A chart of the study sections with the table behind it.
#[derive(Serialize)]
pub struct ChartBlock {
    pub id: String,
    pub title: String,
    pub caption: String,
    pub file: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    #[serde(skip)]
    pub svg: String,
}

/// One row of the gap table in the report.
#[derive(Serialize)]
pub struct GapRow {
    pub rank: String,
    pub kind: String,
    pub theme: String,
    pub label: String,
    pub trust: String,
    pub band: String,
    pub demand: String,
    #[serde(skip)]
    demand_cases: String,
    #[serde(skip)]
    cases_total: String,
    pub supply_count: String,
    pub supply_score: String,
    pub gap_score: String,
    pub worker_pays: String,
    pub opportunities: Vec<String>,
    pub evidence: String,
}

#[derive(Serialize)]
pub struct StudyPage {
    pub charts: Vec<ChartBlock>,
    pub gaps: Vec<GapRow>,
    pub gap_rows_total: usize,
    pub highlights: Vec<String>,
    pub directory_link: Option<String>,
    pub trust_label: String,
}

fn text(v: &Value) -> String {
    v.to_string()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(0.0)
}

/// A table row under a chart of shares: the theme's label, then for each
/// group "cases of total (percent%)" from `cells` (theme id, group) ->
/// (cases, total, percent); a group with no cell reads "0 of 0 (0%)".
fn share_row(
    label: &str,
    id: &str,
    groups: &[String],
    cells: &BTreeMap<(String, String), (f64, f64, f64)>,
) -> Vec<String> {
    let mut row = vec![label.to_string()];
    row.extend(groups.iter().map(|g| {
        let (c, t, p) = cells
            .get(&(id.to_string(), g.clone()))
            .copied()
            .unwrap_or_default();
        format!("{c} of {t} ({p}%)")
    }));
    row
}

/// The distinct values of `attribute` in the prevalence-by-attribute
/// table (columns `a` and `v`), in [`sort_values`] order.
fn attribute_values(pba: &strand_table::Table, a: usize, v: usize, attribute: &str) -> Vec<String> {
    let mut values: Vec<String> = pba
        .rows
        .iter()
        .filter(|r| text(&r[a]) == attribute)
        .map(|r| text(&r[v]))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    sort_values(&mut values);
    values
}

/// Band values in numeric order where they are numbers ("2" < "10").
fn sort_values(values: &mut [String]) {
    values.sort_by(|a, b| match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y),
        _ => a.cmp(b),
    });
}

const GAP_ROWS: usize = 20;
const GAP_CHART_ROWS: usize = 12;
const COOCCURRENCE_CODES: usize = 10;

pub fn build(study: &Study<'_>, codebook: &strand_codebook::Codebook) -> Result<StudyPage, Error> {
    let trust_label = crate::humanise(study.trust);
    let band_label = crate::humanise(study.band);
    let mut charts = Vec::new();

    // Codes by band: the percentage of each band's participants voicing
    // each sub-theme.
    let pba = study.prevalence_by_attribute;
    let (t, l, d, a, v, c, tot, pct) = (
        column(pba, "theme")?,
        column(pba, "label")?,
        column(pba, "depth")?,
        column(pba, "attribute")?,
        column(pba, "value")?,
        column(pba, "cases")?,
        column(pba, "cases_total")?,
        column(pba, "cases_pct")?,
    );
    let bands = attribute_values(pba, a, v, study.band);
    if !bands.is_empty() {
        let mut order: Vec<(String, String)> = Vec::new();
        let mut cells: BTreeMap<(String, String), (f64, f64, f64)> = BTreeMap::new();
        for r in pba
            .rows
            .iter()
            .filter(|r| text(&r[a]) == study.band && num(&r[d]) >= 1.0)
        {
            let id = text(&r[t]);
            if !order.iter().any(|(x, _)| *x == id) {
                order.push((id.clone(), text(&r[l])));
            }
            cells.insert((id, text(&r[v])), (num(&r[c]), num(&r[tot]), num(&r[pct])));
        }
        // Sub-themes nobody voiced add rows of zeros and nothing else.
        order.retain(|(id, _)| {
            bands.iter().any(|b| {
                cells
                    .get(&(id.clone(), b.clone()))
                    .is_some_and(|x| x.0 > 0.0)
            })
        });
        let columns: Vec<String> = bands.iter().map(|b| format!("{band_label} {b}")).collect();
        let values: Vec<Vec<f64>> = order
            .iter()
            .map(|(id, _)| {
                bands
                    .iter()
                    .map(|b| cells.get(&(id.clone(), b.clone())).map_or(0.0, |x| x.2))
                    .collect()
            })
            .collect();
        let title = format!("Share of participants voicing each theme, by {band_label}");
        let svg = heatmap(&Heatmap {
            title: &title,
            row_label: "themes",
            column_label: &format!("{band_label}s (% of participants in each)"),
            rows: order.iter().map(|(_, l)| l.clone()).collect(),
            columns: columns.clone(),
            values,
            percent: true,
        })
        .map_err(|message| Error::Chart {
            name: "by band".into(),
            message,
        })?;
        let mut headers = vec!["Theme".to_string()];
        headers.extend(columns);
        let rows = order
            .iter()
            .map(|(id, label)| share_row(label, id, &bands, &cells))
            .collect();
        charts.push(ChartBlock {
            id: "by-band".into(),
            caption: format!("Each cell is the percentage of participants in that {band_label} who voiced the theme; darker is more. Sub-themes no one voiced are left out."),
            file: format!("themes-by-{}.svg", study.band.replace('_', "-")),
            title,
            headers,
            rows,
            svg,
        });
    }

    // Band 4 aspiration and the barriers, by Trust.
    let aspiration: Vec<&strand_codebook::Code> = codebook
        .codes
        .iter()
        .filter(|x| {
            x.id == "band4"
                || x.id.starts_with("band4.")
                || x.id == "barriers"
                || x.id.starts_with("barriers.")
        })
        .collect();
    let trusts = attribute_values(pba, a, v, study.trust);
    if !aspiration.is_empty() && !trusts.is_empty() {
        let mut cells: BTreeMap<(String, String), (f64, f64, f64)> = BTreeMap::new();
        for r in pba.rows.iter().filter(|r| text(&r[a]) == study.trust) {
            cells.insert(
                (text(&r[t]), text(&r[v])),
                (num(&r[c]), num(&r[tot]), num(&r[pct])),
            );
        }
        let groups: Vec<Group> = aspiration
            .iter()
            .map(|x| Group {
                label: x.label.clone(),
                top_level: x.parent.is_none(),
                bars: x.parent.is_some(),
            })
            .collect();
        let values: Vec<Vec<f64>> = aspiration
            .iter()
            .map(|x| {
                trusts
                    .iter()
                    .map(|tr| cells.get(&(x.id.clone(), tr.clone())).map_or(0.0, |c| c.2))
                    .collect()
            })
            .collect();
        let title = format!("Band 4 aspiration and the barriers to training, by {trust_label}");
        let svg = chart::grouped_bars(&GroupedBars {
            title: &title,
            x_label: "Participants voicing the theme (% of participants in each group)",
            groups,
            series: trusts.clone(),
            values,
            scale: Scale::Percent,
        })
        .map_err(|message| Error::Chart {
            name: "band 4".into(),
            message,
        })?;
        let mut headers = vec!["Theme".to_string()];
        headers.extend(trusts.iter().cloned());
        let rows = aspiration
            .iter()
            .map(|x| share_row(&x.label, &x.id, &trusts, &cells))
            .collect();
        charts.push(ChartBlock {
            id: "band4-barriers".into(),
            caption: format!("How many participants in each {trust_label} want a Band 4 role, by route, beside what stands in the way of training."),
            file: "band4-and-barriers.svg".into(),
            title,
            headers,
            rows,
            svg,
        });
    }

    // Co-occurrence of the most connected codes within a segment.
    let co = study.cooccurrence;
    let (cu, ca, cla, cb, clb, cn) = (
        column(co, "unit")?,
        column(co, "code_a")?,
        column(co, "label_a")?,
        column(co, "code_b")?,
        column(co, "label_b")?,
        column(co, "units")?,
    );
    let pairs: Vec<(String, String, String, String, f64)> = co
        .rows
        .iter()
        .filter(|r| text(&r[cu]) == "segment")
        .map(|r| {
            (
                text(&r[ca]),
                text(&r[cla]),
                text(&r[cb]),
                text(&r[clb]),
                num(&r[cn]),
            )
        })
        .collect();
    let mut weight: BTreeMap<String, (f64, String)> = BTreeMap::new();
    for (a_, la, b_, lb, n) in &pairs {
        weight.entry(a_.clone()).or_insert((0.0, la.clone())).0 += n;
        weight.entry(b_.clone()).or_insert((0.0, lb.clone())).0 += n;
    }
    let position = |id: &str| {
        codebook
            .codes
            .iter()
            .position(|x| x.id == id)
            .unwrap_or(usize::MAX)
    };
    let mut top: Vec<(String, String, f64)> =
        weight.into_iter().map(|(id, (w, l))| (id, l, w)).collect();
    top.sort_by(|x, y| {
        y.2.total_cmp(&x.2)
            .then(position(&x.0).cmp(&position(&y.0)))
    });
    top.truncate(COOCCURRENCE_CODES);
    top.sort_by_key(|x| position(&x.0));
    if top.len() >= 2 {
        let index: BTreeMap<&str, usize> = top
            .iter()
            .enumerate()
            .map(|(i, x)| (x.0.as_str(), i))
            .collect();
        let mut m = vec![vec![0.0; top.len()]; top.len()];
        for (a_, _, b_, _, n) in &pairs {
            if let (Some(&i), Some(&j)) = (index.get(a_.as_str()), index.get(b_.as_str())) {
                m[i][j] = *n;
                m[j][i] = *n;
            }
        }
        let labels: Vec<String> = top.iter().map(|x| x.1.clone()).collect();
        let title = "Themes coded together in the same sentence".to_string();
        let svg = heatmap(&Heatmap {
            title: &title,
            row_label: "themes",
            column_label: "the same themes (number of sentences coded with both)",
            rows: labels.clone(),
            columns: labels.clone(),
            values: m.clone(),
            percent: false,
        })
        .map_err(|message| Error::Chart {
            name: "co-occurrence".into(),
            message,
        })?;
        let mut headers = vec!["Theme".to_string()];
        headers.extend(labels.iter().cloned());
        let rows = labels
            .iter()
            .zip(&m)
            .map(|(l, row)| {
                let mut r = vec![l.clone()];
                r.extend(row.iter().map(|v| format!("{v}")));
                r
            })
            .collect();
        charts.push(ChartBlock {
            id: "cooccurrence".into(),
            caption: format!("The {} themes most often coded together with another: each cell counts the sentences coded with both themes; the diagonal is left at zero. Themes that travel together are worth reading together.", top.len()),
            file: "cooccurrence.svg".into(),
            title,
            headers,
            rows,
            svg,
        });
    }

    // The gap analysis.
    let g = study.gap;
    let col = |name: &str| column(g, name);
    let (rank, kind, theme, label, trust, band, total, dc, dp, sc, ss, gs, wp, opps, ev) = (
        col("rank")?,
        col("kind")?,
        col("theme")?,
        col("label")?,
        col("trust")?,
        col("band")?,
        col("cases_total")?,
        col("demand_cases")?,
        col("demand_pct")?,
        col("supply_count")?,
        col("supply_score")?,
        col("gap_score")?,
        col("worker_pays")?,
        col("opportunities")?,
        col("evidence")?,
    );
    let with_gap: Vec<&Vec<Value>> = g.rows.iter().filter(|r| num(&r[gs]) > 0.0).collect();
    let gaps: Vec<GapRow> = with_gap
        .iter()
        .take(GAP_ROWS)
        .map(|r| GapRow {
            rank: text(&r[rank]),
            kind: text(&r[kind]),
            theme: text(&r[theme]),
            label: text(&r[label]),
            trust: text(&r[trust]),
            band: text(&r[band]),
            demand: format!(
                "{} of {} ({}%)",
                text(&r[dc]),
                text(&r[total]),
                text(&r[dp])
            ),
            demand_cases: text(&r[dc]),
            cases_total: text(&r[total]),
            supply_count: text(&r[sc]),
            supply_score: text(&r[ss]),
            gap_score: text(&r[gs]),
            worker_pays: text(&r[wp]),
            opportunities: text(&r[opps])
                .split(';')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            evidence: text(&r[ev]),
        })
        .collect();
    let highlights: Vec<String> = gaps
        .iter()
        .take(3)
        .map(|x| {
            let supply = match x.supply_count.as_str() {
                "0" => "nothing in the directory is open to them for it".to_string(),
                "1" => "one opportunity in the directory is open to them".to_string(),
                n => format!("{n} opportunities in the directory are open to them"),
            };
            format!(
                "{} ({}): {} of the {} {band_label} {} workers in {} voice it, and {supply}.",
                x.label, x.kind, x.demand_cases, x.cases_total, x.band, x.trust
            )
        })
        .collect();
    if !with_gap.is_empty() {
        let shown: Vec<&&Vec<Value>> = with_gap.iter().take(GAP_CHART_ROWS).collect();
        let groups: Vec<Group> = shown
            .iter()
            .map(|r| Group {
                label: format!(
                    "{}: {}, {band_label} {}",
                    text(&r[label]),
                    text(&r[trust]),
                    text(&r[band])
                ),
                top_level: false,
                bars: true,
            })
            .collect();
        let values: Vec<Vec<f64>> = shown
            .iter()
            .map(|r| vec![num(&r[dc]), num(&r[ss])])
            .collect();
        let title =
            "The largest gaps: workers voicing a need against what is open to them".to_string();
        let svg = chart::grouped_bars(&GroupedBars {
            title: &title,
            x_label: "Workers voicing the theme; open opportunities weighted by cost to the worker",
            groups,
            series: vec![
                "Demand (workers)".into(),
                "Supply (weighted opportunities)".into(),
            ],
            values,
            scale: Scale::Count,
        })
        .map_err(|message| Error::Chart {
            name: "gap".into(),
            message,
        })?;
        let headers = [
            "Theme",
            &trust_label,
            &band_label,
            "Demand (workers)",
            "Supply score",
        ]
        .map(String::from)
        .to_vec();
        let rows = shown
            .iter()
            .map(|r| {
                vec![
                    text(&r[label]),
                    text(&r[trust]),
                    text(&r[band]),
                    text(&r[dc]),
                    text(&r[ss]),
                ]
            })
            .collect();
        charts.push(ChartBlock {
            id: "gap-chart".into(),
            caption: "For the largest gaps, how many workers voiced the need, barrier or aspiration (demand) beside the directory's opportunities open to them, each counted 1 when free to the worker, ½ when the cost is shared and ¼ when the worker pays (supply). A long first bar with a short or missing second bar is a gap.".into(),
            file: "gap.svg".into(),
            title,
            headers,
            rows,
            svg,
        });
    }
    Ok(StudyPage {
        charts,
        gap_rows_total: with_gap.len(),
        gaps,
        highlights,
        directory_link: study.directory_link.map(str::to_string),
        trust_label,
    })
}
