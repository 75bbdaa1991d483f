//! Between polars frames and plain tables, and tables as Parquet.

use std::io::Cursor;

use polars::prelude::*;
use strand_table::{Table, Value};

use crate::Error;

/// A frame's rows as a [`Table`] called `name` (for reading Parquet back),
/// columns in frame order:
/// integers stay integers, floats floats, strings text, nulls empty.
pub fn to_table(name: &str, df: &DataFrame) -> Result<Table, Error> {
    let names: Vec<&str> = df.get_column_names().iter().map(|s| s.as_str()).collect();
    let mut columns: Vec<Vec<Value>> = Vec::with_capacity(names.len());
    for column in df.columns() {
        let s = column.as_materialized_series();
        let values: Vec<Value> = match s.dtype() {
            DataType::Int64 => s.i64()?.iter().map(int).collect(),
            DataType::Int32 | DataType::UInt32 | DataType::UInt64 | DataType::Int8 => {
                s.cast(&DataType::Int64)?.i64()?.iter().map(int).collect()
            }
            DataType::Float64 => s
                .f64()?
                .iter()
                .map(|v| v.map_or(Value::Empty, Value::Float))
                .collect(),
            DataType::String => s
                .str()?
                .iter()
                .map(|v| v.map_or(Value::Empty, Value::from))
                .collect(),
            other => {
                return Err(Error::Polars(PolarsError::ComputeError(
                    format!(
                        "column `{}` of type {other} cannot leave as a table",
                        s.name()
                    )
                    .into(),
                )))
            }
        };
        columns.push(values);
    }
    let mut table = Table::new(name, &names);
    for i in 0..df.height() {
        let row: Vec<Value> = columns
            .iter_mut()
            .map(|c| std::mem::replace(&mut c[i], Value::Empty))
            .collect();
        table.push(row).expect("one value per column");
    }
    Ok(table)
}

fn int(v: Option<i64>) -> Value {
    v.map_or(Value::Empty, Value::Int)
}

/// The type a table column gets in a frame: integers when every filled
/// cell is an integer, floats when every filled cell is a number, text
/// otherwise (numbers in a text column are written as the CSV shows them).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Float,
    Text,
}

fn kind(table: &Table, i: usize) -> Kind {
    let mut kind = Kind::Int;
    for row in &table.rows {
        match (&row[i], kind) {
            (Value::Empty, _) | (Value::Int(_), _) => {}
            (Value::Float(_), Kind::Int) => kind = Kind::Float,
            (Value::Float(_), _) => {}
            (Value::Text(_), _) => return Kind::Text,
        }
    }
    // An all-empty column is text: nothing says it holds numbers.
    if table.rows.iter().all(|r| r[i] == Value::Empty) {
        return Kind::Text;
    }
    kind
}

/// A table as a polars frame, typed column by column as [`kind`] says.
pub fn to_dataframe(table: &Table) -> Result<DataFrame, Error> {
    let mut columns: Vec<Column> = Vec::with_capacity(table.columns.len());
    for (i, name) in table.columns.iter().enumerate() {
        let name = PlSmallStr::from(name.as_str());
        let column = match kind(table, i) {
            Kind::Int => Column::new(
                name,
                table.rows.iter().map(|r| r[i].as_i64()).collect::<Vec<_>>(),
            ),
            Kind::Float => Column::new(
                name,
                table.rows.iter().map(|r| r[i].as_f64()).collect::<Vec<_>>(),
            ),
            Kind::Text => Column::new(
                name,
                table
                    .rows
                    .iter()
                    .map(|r| match &r[i] {
                        Value::Empty => None,
                        v => Some(v.to_string()),
                    })
                    .collect::<Vec<_>>(),
            ),
        };
        columns.push(column);
    }
    Ok(DataFrame::new(table.rows.len(), columns)?)
}

/// A table as the bytes of a Parquet file (zstd-compressed, one row group
/// per 512 Ki rows), for R, Python or DuckDB to read with types intact.
///
/// Columns are typed as the cells are: integers (Int64), numbers with a
/// fraction (Float64), or text (String); empty cells are nulls. The same
/// table always gives the same bytes: polars writes no timestamps.
pub fn to_parquet(table: &Table) -> Result<Vec<u8>, Error> {
    let mut df = to_dataframe(table)?;
    let mut out = Cursor::new(Vec::new());
    ParquetWriter::new(&mut out)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(&mut df)?;
    Ok(out.into_inner())
}

/// Reads the bytes of a Parquet file back as a table called `name`: the
/// inverse of [`to_parquet`], for checking what was written.
pub fn from_parquet(name: &str, bytes: Vec<u8>) -> Result<Table, Error> {
    let df = ParquetReader::new(Cursor::new(bytes)).finish()?;
    to_table(name, &df)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new("t", &["theme", "cases", "pct", "note", "blank"]);
        t.push(vec![
            "a".into(),
            3usize.into(),
            42.5.into(),
            Value::Empty,
            Value::Empty,
        ])
        .unwrap();
        t.push(vec![
            "b, \"c\"".into(),
            0usize.into(),
            1i64.into(),
            7i64.into(),
            Value::Empty,
        ])
        .unwrap();
        t
    }

    #[test]
    fn tables_round_trip_through_parquet() {
        let t = sample();
        let bytes = to_parquet(&t).unwrap();
        assert_eq!(bytes, to_parquet(&t).unwrap(), "deterministic");
        let df = ParquetReader::new(Cursor::new(bytes)).finish().unwrap();
        let types: Vec<String> = df.dtypes().iter().map(|d| d.to_string()).collect();
        assert_eq!(types, ["str", "i64", "f64", "i64", "str"]);
        let back = to_table("t", &df).unwrap();
        assert_eq!(back.rows[0][0], Value::from("a"));
        assert_eq!(back.rows[1][0], Value::from("b, \"c\""));
        assert_eq!(back.rows[0][2], Value::Float(42.5));
        // An integer in a float column comes back as a float.
        assert_eq!(back.rows[1][2], Value::Float(1.0));
        assert_eq!(back.rows[0][3], Value::Empty);
        assert_eq!(back.rows[1][3], Value::Int(7));
        assert_eq!(back.rows[1][4], Value::Empty);
    }
}
