//! Prevalence by every case attribute, and the matrix coding query.

use std::collections::HashMap;

use polars::prelude::*;
use strand_table::{Table, Value};

use crate::prepare::Prepared;
use crate::{percent, Error};

/// Each attribute's values in the order tables show them: numbers in
/// numeric order (2 before 10), anything else alphabetically.
fn value_order(values: &mut [String]) {
    if values.iter().all(|v| v.parse::<f64>().is_ok()) {
        values.sort_by(|a, b| {
            a.parse::<f64>()
                .unwrap_or(0.0)
                .total_cmp(&b.parse::<f64>().unwrap_or(0.0))
                .then_with(|| a.cmp(b))
        });
    } else {
        values.sort();
    }
}

/// `prevalence_by_attribute`: theme, label, depth, attribute, value,
/// cases, cases_total, cases_pct, segments. One row per code, attribute
/// and value (zeros included), attributes in cases-file order, codes in
/// codebook order, values as [`value_order`] sorts them. `cases_pct` is of
/// the cases with that value. Counts every coding, like `prevalence`.
pub(crate) fn prevalence_by_attribute(p: &Prepared<'_>) -> Result<Table, Error> {
    let attributes = &p.cases_file.attributes;
    // Long form of the cases: (case, attribute, value number).
    let mut values: Vec<Vec<String>> = Vec::new();
    let (mut l_case, mut l_attr, mut l_value) = (Vec::new(), Vec::new(), Vec::new());
    // Per attribute, each cell's value of it, looked up by case number:
    // one attribute's column at a time rather than a join of every cell
    // with every attribute at once.
    let cell_case: Vec<usize> = p
        .cells
        .column("case")?
        .i64()?
        .into_no_null_iter()
        .map(|c| c as usize)
        .collect();
    let mut per_attribute = Vec::new();
    for a in 0..attributes.len() {
        let mut distinct: Vec<String> = (0..p.cases.len())
            .map(|c| p.value(c, a).to_string())
            .collect();
        distinct.sort();
        distinct.dedup();
        value_order(&mut distinct);
        let number: HashMap<&str, i64> = distinct
            .iter()
            .enumerate()
            .map(|(n, v)| (v.as_str(), n as i64))
            .collect();
        let value_of: Vec<i64> = (0..p.cases.len()).map(|c| number[p.value(c, a)]).collect();
        for (c, &v) in value_of.iter().enumerate() {
            l_case.push(c as i64);
            l_attr.push(a as i64);
            l_value.push(v);
        }
        let value: Vec<i64> = cell_case.iter().map(|&c| value_of[c]).collect();
        per_attribute.push(
            p.cells
                .hstack(&[Column::new("value".into(), value)])?
                .lazy()
                .group_by([col("theme"), col("value")])
                // One row per case and theme, and a case's segments are
                // its own: rows are cases, the sum counts segments once.
                .agg([
                    len().cast(DataType::Int64).alias("cases"),
                    col("segments")
                        .sum()
                        .cast(DataType::Int64)
                        .alias("segments"),
                ])
                .with_column(lit(a as i64).alias("attribute"))
                // Each attribute's counts made before the next one's, so
                // only one attribute's worth is in memory at a time.
                .collect()?
                .lazy(),
        );
        values.push(distinct);
    }
    let long = df!("case" => l_case, "attribute" => l_attr, "value" => l_value)?.lazy();
    let totals = long
        .group_by([col("attribute"), col("value")])
        .agg([col("case")
            .count()
            .cast(DataType::Int64)
            .alias("cases_total")]);
    let counts = if per_attribute.is_empty() {
        df!(
            "theme" => Vec::<i64>::new(),
            "value" => Vec::<i64>::new(),
            "cases" => Vec::<i64>::new(),
            "segments" => Vec::<i64>::new(),
            "attribute" => Vec::<i64>::new(),
        )?
        .lazy()
    } else {
        concat(per_attribute, UnionArgs::default())?
    };
    let themes = df!("theme" => (0..p.codebook.codes.len() as i64).collect::<Vec<_>>())?.lazy();
    let keys = [col("theme"), col("attribute"), col("value")];
    let grid = themes
        .join(
            totals,
            Vec::<Expr>::new(),
            Vec::<Expr>::new(),
            JoinArgs::new(JoinType::Cross),
        )
        .join(counts, keys.clone(), keys, JoinArgs::new(JoinType::Left))
        .with_columns([
            col("cases").fill_null(lit(0i64)),
            col("segments").fill_null(lit(0i64)),
        ])
        .sort(
            ["attribute", "theme", "value"],
            SortMultipleOptions::default(),
        )
        .collect()?;
    let get = |name: &str| -> PolarsResult<Vec<i64>> {
        Ok(grid
            .column(name)?
            .i64()?
            .iter()
            .map(|v| v.unwrap_or(0))
            .collect())
    };
    let (theme, attr, value) = (get("theme")?, get("attribute")?, get("value")?);
    let (cases, totals, segments) = (get("cases")?, get("cases_total")?, get("segments")?);
    let mut table = Table::new(
        "prevalence_by_attribute",
        &[
            "theme",
            "label",
            "depth",
            "attribute",
            "value",
            "cases",
            "cases_total",
            "cases_pct",
            "segments",
        ],
    );
    for i in 0..grid.height() {
        let code = &p.codebook.codes[theme[i] as usize];
        let a = attr[i] as usize;
        table
            .push(vec![
                code.id.as_str().into(),
                code.label.as_str().into(),
                code.depth().into(),
                attributes[a].as_str().into(),
                values[a][value[i] as usize].as_str().into(),
                Value::Int(cases[i]),
                Value::Int(totals[i]),
                percent(cases[i], totals[i]).into(),
                Value::Int(segments[i]),
            ])
            .expect("nine columns");
    }
    Ok(table)
}

/// `matrix_coding`: the matrix coding query of NVivo and its kin, codes by
/// attribute values. One row per code (codebook order): theme, label,
/// depth, then a column `attribute=value` per attribute value (attributes
/// in cases-file order, values sorted), holding the number of cases with
/// that value who voice the code. It is `prevalence_by_attribute` spread
/// wide, for reading in a spreadsheet; charts should use the long table.
pub(crate) fn matrix_coding(long: &Table) -> Table {
    let col = |name: &str| long.column(name).expect("prevalence_by_attribute column");
    let (theme, attribute, value, cases) =
        (col("theme"), col("attribute"), col("value"), col("cases"));
    let mut headers: Vec<String> = Vec::new();
    let mut themes: Vec<(Value, Value, Value)> = Vec::new();
    let mut cells: std::collections::HashMap<(String, String), Value> = Default::default();
    for row in &long.rows {
        let header = format!("{}={}", row[attribute], row[value]);
        if !headers.contains(&header) {
            headers.push(header.clone());
        }
        let id = row[theme].to_string();
        if !themes.iter().any(|(t, _, _)| t.to_string() == id) {
            themes.push((
                row[theme].clone(),
                row[theme + 1].clone(),
                row[theme + 2].clone(),
            ));
        }
        cells.insert((id, header), row[cases].clone());
    }
    let mut columns = vec!["theme", "label", "depth"];
    columns.extend(headers.iter().map(String::as_str));
    let mut table = Table::new("matrix_coding", &columns);
    for (t, label, depth) in themes {
        let id = t.to_string();
        let mut row = vec![t, label, depth];
        for h in &headers {
            row.push(
                cells
                    .get(&(id.clone(), h.clone()))
                    .cloned()
                    .unwrap_or(Value::Int(0)),
            );
        }
        table.push(row).expect("one cell per column");
    }
    table
}
