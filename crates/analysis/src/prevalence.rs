//! Theme prevalence: cases and segments per code, overall and by attribute.

use polars::prelude::*;
use strand_table::{Table, Value};

use strand_codebook::Codebook;

use crate::prepare::Prepared;
use crate::{percent, Error};

/// Attribute value for a participant with no row in the cases file.
pub const NO_CASE: &str = "(no case)";

/// One row per (theme, case) with the case's segments of the theme,
/// themes by number (`order`): each coding rolled up to its code's
/// ancestors, since a segment about cost is also about barriers. Negated
/// mentions count here as coded.
fn coded(p: &Prepared<'_>) -> LazyFrame {
    p.cells
        .clone()
        .lazy()
        .select([col("theme").alias("order"), col("segments"), col("case")])
}

/// The codebook's codes in order, so every code gets a row, coded or not.
fn themes(codebook: &Codebook) -> PolarsResult<LazyFrame> {
    let codes = &codebook.codes;
    Ok(df!(
        "theme" => codes.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
        "label" => codes.iter().map(|c| c.label.clone()).collect::<Vec<_>>(),
        "depth" => codes.iter().map(|c| c.depth() as i64).collect::<Vec<_>>(),
        "order" => (0..codes.len() as i64).collect::<Vec<_>>(),
    )?
    .lazy())
}

/// A group's cases and segments: a case's segments are its own, so the
/// sum counts each segment once.
fn counts() -> [Expr; 2] {
    [
        len().cast(DataType::Int64).alias("cases"),
        col("segments")
            .sum()
            .cast(DataType::Int64)
            .alias("segments"),
    ]
}

fn left() -> JoinArgs {
    JoinArgs::new(JoinType::Left)
}

/// Every participant case (by number) with its value of the `by`
/// attribute.
fn case_values(p: &Prepared<'_>, by: &str) -> PolarsResult<LazyFrame> {
    let cases = p.cases_file;
    let values: Vec<&str> = p
        .cases
        .iter()
        .map(|c| cases.attribute(c, by).unwrap_or(NO_CASE))
        .collect();
    Ok(df!(
        "case" => (0..p.cases.len() as i64).collect::<Vec<_>>(),
        "value" => values,
    )?
    .lazy())
}

fn int(df: &DataFrame, name: &str) -> PolarsResult<Vec<i64>> {
    Ok(df
        .column(name)?
        .i64()?
        .iter()
        .map(|v| v.unwrap_or(0))
        .collect())
}

fn text(df: &DataFrame, name: &str) -> PolarsResult<Vec<String>> {
    Ok(df
        .column(name)?
        .str()?
        .iter()
        .map(|v| v.unwrap_or("").to_string())
        .collect())
}

/// `prevalence`: theme, label, depth, cases, cases_pct, segments.
pub(crate) fn overall(p: &Prepared<'_>) -> Result<Table, Error> {
    let total = p.cases.len() as i64;
    let per_theme = coded(p).group_by([col("order")]).agg(counts());
    let df = themes(p.codebook)?
        .join(per_theme, [col("order")], [col("order")], left())
        .with_columns([
            col("cases").fill_null(lit(0i64)),
            col("segments").fill_null(lit(0i64)),
        ])
        .sort(["order"], SortMultipleOptions::default())
        .collect()?;
    let (theme, label, depth) = (text(&df, "theme")?, text(&df, "label")?, int(&df, "depth")?);
    let (cases, segments) = (int(&df, "cases")?, int(&df, "segments")?);
    let mut table = Table::new(
        "prevalence",
        &["theme", "label", "depth", "cases", "cases_pct", "segments"],
    );
    for i in 0..df.height() {
        table
            .push(vec![
                theme[i].clone().into(),
                label[i].clone().into(),
                Value::Int(depth[i]),
                Value::Int(cases[i]),
                percent(cases[i], total).into(),
                Value::Int(segments[i]),
            ])
            .expect("six columns");
    }
    Ok(table)
}

/// `prevalence_by_<by>`: theme, label, depth, <by>, cases, cases_total,
/// cases_pct, segments. Percentages are of the cases with that value, so
/// a Trust with fewer participants is not under-counted.
pub(crate) fn by_attribute(p: &Prepared<'_>, by: &str) -> Result<Table, Error> {
    let cases = case_values(p, by)?;
    let totals = cases.clone().group_by([col("value")]).agg([col("case")
        .count()
        .cast(DataType::Int64)
        .alias("cases_total")]);
    let per_cell = coded(p)
        .join(
            cases,
            [col("case")],
            [col("case")],
            JoinArgs::new(JoinType::Inner),
        )
        .group_by([col("order"), col("value")])
        .agg(counts());
    // Every theme against every value, so absent themes show as zero.
    let grid = themes(p.codebook)?
        .join(
            totals,
            Vec::<Expr>::new(),
            Vec::<Expr>::new(),
            JoinArgs::new(JoinType::Cross),
        )
        .join(
            per_cell,
            [col("order"), col("value")],
            [col("order"), col("value")],
            left(),
        )
        .with_columns([
            col("cases").fill_null(lit(0i64)),
            col("segments").fill_null(lit(0i64)),
        ])
        .sort(["order", "value"], SortMultipleOptions::default())
        .collect()?;
    let (theme, label, depth) = (
        text(&grid, "theme")?,
        text(&grid, "label")?,
        int(&grid, "depth")?,
    );
    let value = text(&grid, "value")?;
    let (cases, totals, segments) = (
        int(&grid, "cases")?,
        int(&grid, "cases_total")?,
        int(&grid, "segments")?,
    );
    let name = format!("prevalence_by_{by}");
    let mut table = Table::new(
        &name,
        &[
            "theme",
            "label",
            "depth",
            by,
            "cases",
            "cases_total",
            "cases_pct",
            "segments",
        ],
    );
    for i in 0..grid.height() {
        table
            .push(vec![
                theme[i].clone().into(),
                label[i].clone().into(),
                Value::Int(depth[i]),
                value[i].clone().into(),
                Value::Int(cases[i]),
                Value::Int(totals[i]),
                percent(cases[i], totals[i]).into(),
                Value::Int(segments[i]),
            ])
            .expect("eight columns");
    }
    Ok(table)
}
