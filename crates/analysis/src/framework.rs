//! The framework matrix (case by theme, with a quote in each cell) and
//! theme summaries per Trust.
//!
//! # The most representative quote
//!
//! A cell of the framework matrix (one case, one theme), a theme in one
//! Trust, or a row of the gap table is illustrated by one segment, chosen
//! deterministically from the cell's positive evidence (codings of the
//! theme or its sub-codes that are not negated, or are negations recoded
//! to the theme) by, in order:
//!
//! 1. **hits**, more first: how many of the theme's codes (the theme and
//!    its sub-codes) were applied to the segment. A segment that several
//!    of the theme's codes agree on speaks to the theme most squarely.
//! 2. **readable length**: segments of 8 to 45 words before shorter or
//!    longer ones (too short says little out of context, too long buries
//!    the point; the exemplars use the same range).
//! 3. **length**, longer first, counting at most 45 words.
//! 4. **place**: the first in document order (transcripts in id order,
//!    then position in the transcript, then segment id), so ties break the
//!    same way every run.
//!
//! Each cell's choice is made as the evidence is tallied (see
//! [`crate::tally`]), so only the chosen segment's text is kept.
//!
//! The alternative, the segment most similar to all the others in the cell
//! (a medoid of word vectors), would pick more typical wording but depends
//! on a similarity measure a reader cannot check by eye; this order can be.

use polars::prelude::*;
use strand_table::{Table, Value};

use crate::prepare::{quote_order, Prepared};
use crate::Error;

pub(crate) fn ints(df: &DataFrame, name: &str) -> PolarsResult<Vec<i64>> {
    Ok(df
        .column(name)?
        .i64()?
        .iter()
        .map(|v| v.unwrap_or(0))
        .collect())
}

/// `framework_matrix`: case, the case's attributes, theme, label, depth,
/// segments, segment, quote. One row per case and theme the case voices
/// (positive evidence only; a cell with none is left out rather than
/// written empty), in case order and then codebook order; `segments`
/// counts the case's positive segments for the theme and `segment` and
/// `quote` are the most representative of them (see the module docs).
pub(crate) fn framework_matrix(p: &Prepared<'_>) -> Result<Table, Error> {
    let best = &p.best;
    let attributes = &p.cases_file.attributes;
    let mut columns = vec!["case"];
    columns.extend(attributes.iter().map(String::as_str));
    columns.extend(["theme", "label", "depth", "segments", "segment", "quote"]);
    let mut table = Table::new("framework_matrix", &columns);
    let (theme, case, segments, segment) = (
        ints(best, "theme")?,
        ints(best, "case")?,
        ints(best, "segments")?,
        ints(best, "segment")?,
    );
    // `best` is in theme order; the matrix reads case by case.
    let mut order: Vec<usize> = (0..best.height()).collect();
    order.sort_by_key(|&i| (case[i], theme[i]));
    // Every row repeats its case's id and attributes and its theme's id
    // and label, and quotes the tally's own copy of the segment: cells
    // share these strings rather than copy them.
    let themes: Vec<[Value; 3]> = p
        .codebook
        .codes
        .iter()
        .map(|c| {
            [
                c.id.as_str().into(),
                c.label.as_str().into(),
                c.depth().into(),
            ]
        })
        .collect();
    let mut prefix: Option<(i64, Vec<Value>)> = None;
    for i in order {
        let c = case[i] as usize;
        if prefix.as_ref().is_none_or(|(at, _)| *at != case[i]) {
            let mut values: Vec<Value> = vec![p.cases[c].as_str().into()];
            values.extend((0..attributes.len()).map(|a| Value::from(p.value(c, a))));
            prefix = Some((case[i], values));
        }
        let mut row: Vec<Value> = Vec::with_capacity(columns.len());
        row.extend(
            prefix
                .as_ref()
                .map_or(&[][..], |(_, v)| &v[..])
                .iter()
                .cloned(),
        );
        row.extend(themes[theme[i] as usize].iter().cloned());
        let (id, quote) = &p.quotes[segment[i] as usize];
        row.extend([Value::Int(segments[i]), id.into(), quote.into()]);
        table.push(row).expect("one value per column");
    }
    Ok(table)
}

/// `trust_summaries` (named after the attribute: `<attribute>_summaries`):
/// one row per value of the attribute (Trust) and code, values sorted and
/// codes in codebook order: the value, theme, label, depth, cases,
/// cases_total, cases_pct, segments (as in `prevalence_by_attribute`),
/// `rank` (1 = voiced by most of that Trust's cases among codes of the same
/// depth; ties broken by segments, then codebook order), and the Trust's
/// most representative quote for the code with its segment id (empty when
/// no case there voices it positively).
pub(crate) fn summaries(
    p: &Prepared<'_>,
    by_attribute: &Table,
    attribute: &str,
) -> Result<Table, Error> {
    let best = &p.best;
    let a = p
        .attribute(attribute)
        .ok_or_else(|| Error::MissingAttribute {
            name: attribute.into(),
            purpose: "summarise themes by",
            available: p.cases_file.attributes.join(", "),
        })?;
    // The best quote per (theme, value): the best of the cases' best.
    let mut values: Vec<&str> = (0..p.cases.len()).map(|c| p.value(c, a)).collect();
    values.sort_unstable();
    values.dedup();
    let case_value = df!(
        "case" => (0..p.cases.len() as i64).collect::<Vec<_>>(),
        "value" => (0..p.cases.len()).map(|c| values.binary_search(&p.value(c, a)).expect("listed") as i64).collect::<Vec<_>>(),
    )?;
    let (keys, order) = quote_order();
    let quotes = best
        .clone()
        .lazy()
        .join(
            case_value.lazy(),
            [col("case")],
            [col("case")],
            JoinArgs::new(JoinType::Inner),
        )
        .group_by([col("theme"), col("value")])
        .agg([col("segment").sort_by(keys, order).first()])
        .collect()?;
    let mut quote_of: std::collections::HashMap<(i64, &str), usize> = Default::default();
    for ((t, v), s) in ints(&quotes, "theme")?
        .into_iter()
        .zip(ints(&quotes, "value")?)
        .zip(ints(&quotes, "segment")?)
    {
        quote_of.insert((t, values[v as usize]), s as usize);
    }

    let name = format!("{attribute}_summaries");
    let mut table = Table::new(
        &name,
        &[
            attribute,
            "theme",
            "label",
            "depth",
            "cases",
            "cases_total",
            "cases_pct",
            "segments",
            "rank",
            "segment",
            "quote",
        ],
    );
    let col = |n: &str| {
        by_attribute
            .column(n)
            .expect("prevalence_by_attribute column")
    };
    let rows: Vec<&Vec<Value>> = by_attribute
        .rows
        .iter()
        .filter(|r| r[col("attribute")].as_str() == Some(attribute))
        .collect();
    let order: std::collections::HashMap<&str, usize> = p
        .codebook
        .codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut sorted = rows.clone();
    let text = |r: &Vec<Value>, n: &str| r[col(n)].to_string();
    let int = |r: &Vec<Value>, n: &str| r[col(n)].as_i64().unwrap_or(0);
    sorted.sort_by_key(|r| {
        (
            text(r, "value"),
            int(r, "depth"),
            std::cmp::Reverse(int(r, "cases")),
            std::cmp::Reverse(int(r, "segments")),
            order[text(r, "theme").as_str()],
        )
    });
    let mut rank: std::collections::HashMap<(String, String), usize> = Default::default();
    let mut last: Option<(String, i64)> = None;
    let mut n = 0;
    for r in &sorted {
        let group = (text(r, "value"), int(r, "depth"));
        if last.as_ref() != Some(&group) {
            n = 0;
            last = Some(group);
        }
        n += 1;
        rank.insert((text(r, "value"), text(r, "theme")), n);
    }
    let mut rows = rows;
    rows.sort_by_key(|r| (text(r, "value"), order[text(r, "theme").as_str()]));
    for r in rows {
        let (value, theme) = (text(r, "value"), text(r, "theme"));
        let chosen = quote_of.get(&(order[theme.as_str()] as i64, value.as_str()));
        table
            .push(vec![
                value.as_str().into(),
                theme.as_str().into(),
                r[col("label")].clone(),
                r[col("depth")].clone(),
                r[col("cases")].clone(),
                r[col("cases_total")].clone(),
                r[col("cases_pct")].clone(),
                r[col("segments")].clone(),
                rank[&(value.clone(), theme.clone())].into(),
                chosen.map_or(Value::Empty, |&s| p.segment(s).into()),
                chosen.map_or(Value::Empty, |&s| p.quote(s).into()),
            ])
            .expect("eleven columns");
    }
    Ok(table)
}
