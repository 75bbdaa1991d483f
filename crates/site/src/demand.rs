//! What the interviews ask of each theme: counts read from the gap table
//! that `strand analyse` writes (`gap.csv`).
//!
//! Only counts and ranks are read. The gap table also quotes the
//! interviews (its `quote` and `evidence` columns); those are research
//! data and never reach the directory, which is meant to be shared with
//! workers and managers beyond the research team.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use strand_codebook::Codebook;

/// The columns of `gap.csv` this crate reads. The gap table names its
/// Trust and band columns after the case attributes they came from
/// (`trust`, `band` by default, `site`, `grade` with other corpora), so
/// those two are found by place instead: the two columns after `label`.
const NEEDED: &[&str] = &[
    "rank",
    "theme",
    "label",
    "cases_total",
    "demand_cases",
    "gap_score",
];

/// A problem in a gap table, with where it is.
#[derive(Debug, thiserror::Error)]
#[error("{}:{line}{}: {problem}", file.display(), column.as_ref().map(|(n, name)| format!(": column {n} ({name})")).unwrap_or_default())]
pub struct DemandError {
    pub file: PathBuf,
    /// 1-based; the header is line 1.
    pub line: u64,
    /// 1-based number and header name, when the problem is in one cell.
    pub column: Option<(usize, String)>,
    pub problem: String,
}

/// Demand for every theme the gap table covers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Demand {
    /// By theme id.
    pub themes: BTreeMap<String, ThemeDemand>,
    /// Rows in the gap table: one per theme, Trust and band.
    pub rows: usize,
}

/// How many workers voice one theme, overall and by Trust, and the group
/// where its gap is largest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeDemand {
    /// Workers voicing the theme, summed over the groups (each worker is in
    /// exactly one Trust and band).
    pub cases: i64,
    /// Workers in those groups.
    pub total: i64,
    /// Per Trust: (workers voicing it, workers).
    pub by_trust: BTreeMap<String, (i64, i64)>,
    /// The theme's highest-ranked row.
    pub top: GapRow,
}

/// One row of the gap table, as far as the directory shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapRow {
    pub rank: i64,
    pub trust: String,
    pub band: String,
    pub demand: i64,
    pub total: i64,
    /// As written in the table (`1.333`): shown, never computed on.
    pub gap_score: String,
}

impl Demand {
    /// Reads a gap table's bytes. `file` is used in messages only; themes
    /// must be codes of `codebook` (a table made with another codebook
    /// would label the wrong themes).
    pub fn from_gap_csv(
        file: &Path,
        bytes: &[u8],
        codebook: &Codebook,
    ) -> Result<Demand, DemandError> {
        let fail = |line: u64, column: Option<(usize, &str)>, problem: String| DemandError {
            file: file.to_path_buf(),
            line,
            column: column.map(|(i, n)| (i + 1, n.to_string())),
            problem,
        };
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
        let headers = reader
            .headers()
            .map_err(|_| fail(1, None, "the header is not UTF-8 CSV".into()))?
            .clone();
        let find = |name: &str| headers.iter().position(|h| h == name);
        let mut at = BTreeMap::new();
        for name in NEEDED {
            let i = find(name).ok_or_else(|| {
                fail(
                    1,
                    None,
                    format!(
                        "missing column `{name}`: expected the gap table `strand analyse` writes (gap.csv)"
                    ),
                )
            })?;
            at.insert(*name, i);
        }
        let (trust, band) = (at["label"] + 1, at["label"] + 2);
        if band >= headers.len() {
            return Err(fail(
                1,
                None,
                "expected the Trust and band columns after `label`".into(),
            ));
        }
        let mut demand = Demand::default();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                fail(line, None, "this row is not well-formed UTF-8 CSV".into())
            })?;
            let line = record.position().map_or(0, |p| p.line());
            let text = |name: &str| record.get(at[name]).unwrap_or("");
            let int = |name: &'static str| -> Result<i64, DemandError> {
                text(name).parse::<i64>().map_err(|_| {
                    fail(
                        line,
                        Some((at[name], name)),
                        format!("`{}` is not a whole number", text(name)),
                    )
                })
            };
            let theme = text("theme");
            if codebook.get(theme).is_none() {
                return Err(fail(
                    line,
                    Some((at["theme"], "theme")),
                    format!(
                        "theme `{theme}` is not in the codebook; was the analysis made with another codebook?"
                    ),
                ));
            }
            let gap_score = text("gap_score");
            if gap_score.parse::<f64>().is_err() {
                return Err(fail(
                    line,
                    Some((at["gap_score"], "gap_score")),
                    format!("`{gap_score}` is not a number"),
                ));
            }
            let row = GapRow {
                rank: int("rank")?,
                trust: record[trust].to_string(),
                band: record[band].to_string(),
                demand: int("demand_cases")?,
                total: int("cases_total")?,
                gap_score: gap_score.to_string(),
            };
            demand.rows += 1;
            match demand.themes.get_mut(theme) {
                Some(t) => {
                    t.cases += row.demand;
                    t.total += row.total;
                    let by = t.by_trust.entry(row.trust.clone()).or_default();
                    by.0 += row.demand;
                    by.1 += row.total;
                    if row.rank < t.top.rank {
                        t.top = row;
                    }
                }
                None => {
                    let by_trust = BTreeMap::from([(row.trust.clone(), (row.demand, row.total))]);
                    demand.themes.insert(
                        theme.to_string(),
                        ThemeDemand {
                            cases: row.demand,
                            total: row.total,
                            by_trust,
                            top: row,
                        },
                    );
                }
            }
        }
        Ok(demand)
    }
}
