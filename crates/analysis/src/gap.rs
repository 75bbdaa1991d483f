//! The gap analysis: what workers say they need, set against what is
//! offered to them.
//!
//! # Demand, supply and the gap score
//!
//! The analysis covers the themes the directory's `themes.csv` lists as a
//! need, barrier or aspiration. Workers are grouped by Trust and band (the
//! case attributes named by [`GapAttributes`]). For each theme and group:
//!
//! - **demand** `d` is the number of the group's cases who voice the theme
//!   (positive evidence of it or a sub-theme: a negated mention is not a
//!   need; a negation recoded to the theme is);
//! - **supply** is the set of directory opportunities that address the
//!   theme (or a sub-theme) and are open to the group: offered by that
//!   Trust or `external`, with the group's band among their target bands;
//! - the **supply score** `s` sums each such opportunity's *access weight*:
//!   1 when the worker pays nothing (`who_pays` is `trust` or `nobody`),
//!   ½ when the cost is shared, ¼ when the worker pays in full. An
//!   opportunity workers must pay for is there on paper but reaches fewer
//!   of them;
//! - the **gap score** is `d / (1 + s)`: the demand, discounted by the
//!   accessible supply. No demand means no gap (0); with no supply the gap
//!   is the whole demand; each fully funded opportunity halves, thirds...
//!   what is left.
//!
//! Rows are ranked by gap score (highest first), then demand (higher
//! first), then supply score (lower first), then kind (need, barrier,
//! aspiration), codebook order of the theme, Trust and band. Scores are
//! compared exactly (as fractions of quarters), not as rounded floats.
//!
//! Demand counts cases rather than percentages: provision is planned for
//! people, and ten workers of fifty voicing a need is a bigger call on it
//! than two of two. `demand_pct` is given beside it for comparing groups
//! of different sizes. The weights are a judgement, stated here so a
//! reader can disagree with them; changing them changes only
//! [`access_quarters`].

use std::cmp::Ordering;
use std::collections::HashMap;

use polars::prelude::*;
use strand_directory::{Band, Directory, GapKind, Opportunity, Payer};
use strand_table::{Table, Value};

use crate::framework::ints;
use crate::prepare::{quote_order, Prepared};
use crate::{percent, Error};

/// How many segment ids a gap row cites: the most representative segment
/// of each of up to this many cases, best first.
pub const EVIDENCE_PER_ROW: usize = 5;

/// Which case attributes hold a worker's Trust and band.
#[derive(Debug, Clone, Copy)]
pub struct GapAttributes<'a> {
    pub trust: &'a str,
    pub band: &'a str,
}

impl Default for GapAttributes<'_> {
    fn default() -> Self {
        GapAttributes {
            trust: "trust",
            band: "band",
        }
    }
}

/// An opportunity's access weight in quarters: 4 when the worker pays
/// nothing, 2 when the cost is shared, 1 when the worker pays it all.
pub fn access_quarters(o: &Opportunity) -> i64 {
    match o.who_pays {
        Payer::Trust | Payer::Nobody => 4,
        Payer::Shared => 2,
        Payer::Worker => 1,
    }
}

/// The gap score `d / (1 + s)` with `s` given in quarters: `4d / (4 + s4)`.
pub fn gap_score(demand: i64, supply_quarters: i64) -> f64 {
    (4 * demand) as f64 / (4 + supply_quarters) as f64
}

/// A group of workers: one Trust, one band.
struct Group {
    trust: String,
    band: String,
    parsed: Option<Band>,
    cases: i64,
}

struct Row<'d> {
    kind: GapKind,
    theme: usize,
    group: usize,
    demand: i64,
    supply: Vec<&'d Opportunity>,
    quarters: i64,
    segments: i64,
    evidence: Vec<usize>,
}

impl Row<'_> {
    /// Higher gap first, by exact comparison of `4d / (4 + s)`.
    fn cmp_gap(&self, other: &Row<'_>) -> Ordering {
        let lhs = 4 * self.demand * (4 + other.quarters);
        let rhs = 4 * other.demand * (4 + self.quarters);
        rhs.cmp(&lhs)
    }
}

pub(crate) struct GapTables {
    pub gap: Table,
    pub supply: Table,
}

pub(crate) fn gap(
    p: &Prepared<'_>,
    directory: &Directory,
    attributes: GapAttributes<'_>,
) -> Result<GapTables, Error> {
    let missing = |name: &str| Error::MissingAttribute {
        name: name.into(),
        purpose: "group workers by in the gap analysis",
        available: p.cases_file.attributes.join(", "),
    };
    let at = p
        .attribute(attributes.trust)
        .ok_or_else(|| missing(attributes.trust))?;
    let ab = p
        .attribute(attributes.band)
        .ok_or_else(|| missing(attributes.band))?;

    // Groups in Trust order, then band order (pay-scale order; anything
    // that is not a band after the bands, alphabetically).
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of_case: Vec<i64> = Vec::with_capacity(p.cases.len());
    let mut index: HashMap<(&str, &str), usize> = HashMap::new();
    for c in 0..p.cases.len() {
        let key = (p.value(c, at), p.value(c, ab));
        let next = index.len();
        let g = *index.entry(key).or_insert(next);
        if g == groups.len() {
            groups.push(Group {
                trust: key.0.to_string(),
                band: key.1.to_string(),
                parsed: Band::parse(key.1),
                cases: 0,
            });
        }
        groups[g].cases += 1;
        group_of_case.push(g as i64);
    }
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&groups[a], &groups[b]);
        a.trust
            .cmp(&b.trust)
            .then_with(|| match (&a.parsed, &b.parsed) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => a.band.cmp(&b.band),
            })
    });
    let mut rank_of_group = vec![0usize; groups.len()];
    for (r, &g) in order.iter().enumerate() {
        rank_of_group[g] = r;
    }

    // Demand and evidence, per (theme, group), from each case's best
    // segment for the theme, best first.
    let case_group = df!(
        "case" => (0..p.cases.len() as i64).collect::<Vec<_>>(),
        "group" => group_of_case,
    )?;
    let (keys, sort) = quote_order();
    let mut by: Vec<Expr> = vec![col("theme"), col("group")];
    by.extend(keys);
    let mut descending = vec![false, false];
    descending.extend(sort.descending.iter().copied());
    let ranked = p
        .best
        .clone()
        .lazy()
        .join(
            case_group.lazy(),
            [col("case")],
            [col("case")],
            JoinArgs::new(JoinType::Inner),
        )
        .sort_by_exprs(
            by,
            SortMultipleOptions::default().with_order_descending_multi(descending),
        )
        .select([col("theme"), col("group"), col("segments"), col("segment")])
        .collect()?;
    let mut demand: HashMap<(i64, i64), (i64, i64, Vec<usize>)> = HashMap::new();
    for (((t, g), n), s) in ints(&ranked, "theme")?
        .into_iter()
        .zip(ints(&ranked, "group")?)
        .zip(ints(&ranked, "segments")?)
        .zip(ints(&ranked, "segment")?)
    {
        let e = demand.entry((t, g)).or_default();
        e.0 += 1;
        e.1 += n;
        if e.2.len() < EVIDENCE_PER_ROW {
            e.2.push(s as usize);
        }
    }

    let code_order: HashMap<&str, usize> = p
        .codebook
        .codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut rows: Vec<Row<'_>> = Vec::new();
    for gt in &directory.gap_themes {
        let Some(&theme) = code_order.get(gt.theme.as_str()) else {
            continue;
        };
        let offered: Vec<&Opportunity> = directory.addressing(&gt.theme).collect();
        for (g, group) in groups.iter().enumerate() {
            let supply: Vec<&Opportunity> = match &group.parsed {
                Some(band) => offered
                    .iter()
                    .copied()
                    .filter(|o| o.open_to(&group.trust, band))
                    .collect(),
                None => Vec::new(),
            };
            let quarters = supply.iter().map(|o| access_quarters(o)).sum();
            let (d, segments, evidence) =
                demand.remove(&(theme as i64, g as i64)).unwrap_or_default();
            rows.push(Row {
                kind: gt.kind,
                theme,
                group: g,
                demand: d,
                supply,
                quarters,
                segments,
                evidence,
            });
        }
    }
    rows.sort_by(|a, b| {
        a.cmp_gap(b)
            .then(b.demand.cmp(&a.demand))
            .then(a.quarters.cmp(&b.quarters))
            .then(a.kind.cmp(&b.kind))
            .then(a.theme.cmp(&b.theme))
            .then(rank_of_group[a.group].cmp(&rank_of_group[b.group]))
    });

    let trust = attributes.trust;
    let band = attributes.band;
    let mut gap = Table::new(
        "gap",
        &[
            "rank",
            "kind",
            "theme",
            "label",
            trust,
            band,
            "cases_total",
            "demand_cases",
            "demand_pct",
            "supply_count",
            "supply_score",
            "gap_score",
            "worker_pays",
            "opportunities",
            "evidence_segments",
            "evidence",
            "quote",
        ],
    );
    let codes = &p.codebook.codes;
    for (r, row) in rows.iter().enumerate() {
        let group = &groups[row.group];
        let code = &codes[row.theme];
        let ids: Vec<&str> = row.supply.iter().map(|o| o.id.as_str()).collect();
        let evidence: Vec<&str> = row.evidence.iter().map(|&s| p.segment(s)).collect();
        gap.push(vec![
            (r + 1).into(),
            row.kind.as_str().into(),
            code.id.as_str().into(),
            code.label.as_str().into(),
            group.trust.as_str().into(),
            group.band.as_str().into(),
            Value::Int(group.cases),
            Value::Int(row.demand),
            percent(row.demand, group.cases).into(),
            row.supply.len().into(),
            (row.quarters as f64 / 4.0).into(),
            ((gap_score(row.demand, row.quarters) * 1000.0).round() / 1000.0).into(),
            row.supply
                .iter()
                .filter(|o| o.who_pays.worker_pays())
                .count()
                .into(),
            ids.join("; ").into(),
            Value::Int(row.segments),
            evidence.join("; ").into(),
            row.evidence
                .first()
                .map_or(Value::Empty, |&s| p.quote(s).into()),
        ])
        .expect("seventeen columns");
    }

    // The supply behind each row, one line per opportunity, in the order
    // of themes (codebook), groups and opportunity ids.
    let mut supply = Table::new(
        "gap_supply",
        &[
            "kind",
            "theme",
            trust,
            band,
            "opportunity",
            "title",
            "provider",
            "offered_to",
            "delivery",
            "location",
            "duration",
            "cost_gbp",
            "who_pays",
            "funding",
            "entry_requirements",
            "level",
            "pathway_step",
            "access_weight",
        ],
    );
    let mut by_theme: Vec<&Row<'_>> = rows.iter().collect();
    by_theme.sort_by_key(|r| (r.theme, rank_of_group[r.group]));
    for row in by_theme {
        let group = &groups[row.group];
        for o in &row.supply {
            let mut cells: Vec<Value> = vec![
                row.kind.as_str().into(),
                codes[row.theme].id.as_str().into(),
                group.trust.as_str().into(),
                group.band.as_str().into(),
            ];
            cells.extend(offer_cells(o));
            cells.push(o.pathway_step.as_str().into());
            cells.push((access_quarters(o) as f64 / 4.0).into());
            supply.push(cells).expect("eighteen columns");
        }
    }
    Ok(GapTables { gap, supply })
}

/// `directory`: every opportunity, in id order, as the directory files
/// give it (lists joined with `;`).
pub(crate) fn directory_table(directory: &Directory) -> Table {
    let columns: Vec<&str> = strand_directory::COLUMNS.iter().map(|(n, _)| *n).collect();
    let mut table = Table::new("directory", &columns);
    let join = |items: Vec<String>| items.join(";");
    for o in &directory.opportunities {
        let mut cells: Vec<Value> = offer_cells(o).into();
        cells.extend([
            join(o.bands.iter().map(|b| b.to_string()).collect()).into(),
            o.pathway_step.as_str().into(),
            join(o.ksf.iter().map(|k| k.to_string()).collect()).into(),
            join(o.themes.clone()).into(),
            o.notes.as_str().into(),
        ]);
        table.push(cells).expect("one value per directory column");
    }
    table
}

/// An opportunity's cells that both the supply and the directory tables
/// show, in that order: id through qualification level.
fn offer_cells(o: &Opportunity) -> [Value; 12] {
    [
        o.id.as_str().into(),
        o.title.as_str().into(),
        o.provider.as_str().into(),
        o.offered_to.to_string().into(),
        o.delivery.as_str().into(),
        o.location.as_str().into(),
        o.duration.as_str().into(),
        o.cost.pounds().into(),
        o.who_pays.as_str().into(),
        o.funding.as_str().into(),
        o.entry_requirements.as_str().into(),
        o.level.to_string().into(),
    ]
}
