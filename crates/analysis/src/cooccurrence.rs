//! Code co-occurrence: which codes are applied together, within a
//! segment, a turn or a participant's document.

use polars::prelude::*;
use strand_table::{Table, Value};

use crate::prepare::Prepared;
use crate::Error;

/// The units co-occurrence is counted within, in table order.
pub const UNITS: [&str; 3] = ["segment", "turn", "document"];

/// `cooccurrence`: unit, code_a, label_a, code_b, label_b, units, cases,
/// units_a, units_b, jaccard.
///
/// For each unit (`segment`: the unit the codes were coded at; `turn`: one
/// speaker turn; `document`: one participant's talk in one document, so a
/// focus group counts each participant apart) and each pair of codes
/// applied in at least one common unit: how many units have both
/// (`units`), how many cases those units belong to, how many units have
/// each code, and the Jaccard index (both / either, to three places).
/// Codes are taken as coded, not rolled up the hierarchy: a parent
/// trivially co-occurs with its own children. `code_a` comes before
/// `code_b` in the codebook. Rows are in unit order, then codebook order of
/// `code_a`, then of `code_b`. Codes of different units (a turn-unit code
/// and a sentence-unit code) share no segment, so meet only at the turn and
/// document levels.
pub(crate) fn cooccurrence(p: &Prepared<'_>) -> Result<Table, Error> {
    let coded = p.coded.clone().lazy();
    // One row per (unit kind, unit, code).
    let per_unit = |kind: i64, key: &str| {
        coded
            .clone()
            .select([
                lit(kind).cast(DataType::Int64).alias("unit"),
                // A document is split by case, so its key is (document, case).
                if key == "document" {
                    col("document") * lit(1_000_000_007i64) + col("case")
                } else {
                    col(key)
                }
                .alias("key"),
                col("code"),
                col("case"),
            ])
            .group_by([col("unit"), col("key"), col("code")])
            .agg([col("case").first()])
    };
    let units = concat(
        [
            per_unit(0, "segment"),
            per_unit(1, "turn"),
            per_unit(2, "document"),
        ],
        UnionArgs::default(),
    )?;
    let per_code = units
        .clone()
        .group_by([col("unit"), col("code")])
        .agg([col("key").count().cast(DataType::Int64).alias("n")]);
    let other = units
        .clone()
        .select([col("unit"), col("key"), col("code").alias("code_b")]);
    let pairs = units
        .join(
            other,
            [col("unit"), col("key")],
            [col("unit"), col("key")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(col("code").lt(col("code_b")))
        .group_by([col("unit"), col("code"), col("code_b")])
        .agg([
            col("key").count().cast(DataType::Int64).alias("units"),
            col("case").n_unique().cast(DataType::Int64).alias("cases"),
        ])
        .join(
            per_code
                .clone()
                .select([col("unit"), col("code"), col("n").alias("units_a")]),
            [col("unit"), col("code")],
            [col("unit"), col("code")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            per_code.select([
                col("unit"),
                col("code").alias("code_b"),
                col("n").alias("units_b"),
            ]),
            [col("unit"), col("code_b")],
            [col("unit"), col("code_b")],
            JoinArgs::new(JoinType::Left),
        )
        .sort(["unit", "code", "code_b"], SortMultipleOptions::default())
        .collect()?;
    let get = |name: &str| -> PolarsResult<Vec<i64>> {
        Ok(pairs
            .column(name)?
            .i64()?
            .iter()
            .map(|v| v.unwrap_or(0))
            .collect())
    };
    let (unit, a, b) = (get("unit")?, get("code")?, get("code_b")?);
    let (both, cases, na, nb) = (
        get("units")?,
        get("cases")?,
        get("units_a")?,
        get("units_b")?,
    );
    let mut table = Table::new(
        "cooccurrence",
        &[
            "unit", "code_a", "label_a", "code_b", "label_b", "units", "cases", "units_a",
            "units_b", "jaccard",
        ],
    );
    let codes = &p.input.codebook.codes;
    for i in 0..pairs.height() {
        let (ca, cb) = (&codes[a[i] as usize], &codes[b[i] as usize]);
        let either = na[i] + nb[i] - both[i];
        let jaccard = if either == 0 {
            0.0
        } else {
            (both[i] as f64 * 1000.0 / either as f64).round() / 1000.0
        };
        table
            .push(vec![
                UNITS[unit[i] as usize].into(),
                ca.id.as_str().into(),
                ca.label.as_str().into(),
                cb.id.as_str().into(),
                cb.label.as_str().into(),
                Value::Int(both[i]),
                Value::Int(cases[i]),
                Value::Int(na[i]),
                Value::Int(nb[i]),
                jaccard.into(),
            ])
            .expect("ten columns");
    }
    Ok(table)
}
