//! Plain result tables: what the analysis stage hands to the report stage.
//!
//! The analysis crate computes with polars, but nothing downstream should
//! have to build polars (a long compile on small machines) to draw a chart
//! or write a page. So analysis results cross the crate boundary as
//! [`Table`]s: named columns, rows of simple [`Value`]s, and a
//! deterministic CSV form. This crate is *not* a dataframe library: it has
//! no joins or group-bys, only what a reader of finished tables needs.

use std::fmt;
use std::sync::Arc;

/// One cell.
///
/// Text is reference-counted rather than owned: a large table repeats
/// the same strings row after row (a case's id and attributes, a theme's
/// label, a quote shown in several tables), and a cell can share one
/// allocation instead of copying it. A framework matrix of 10,000
/// interviews (300,000 rows) took a third of the memory this way.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(Arc<str>),
    Int(i64),
    Float(f64),
    Empty,
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The value as a number, if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    /// Floats print in Rust's shortest round-trip form, which is the same on
    /// every machine, so tables are byte-identical between runs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(s) => f.write_str(s),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Empty => Ok(()),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(Arc::from(s))
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(Arc::from(s))
    }
}
impl From<Arc<str>> for Value {
    fn from(s: Arc<str>) -> Value {
        Value::Text(s)
    }
}
impl From<&Arc<str>> for Value {
    fn from(s: &Arc<str>) -> Value {
        Value::Text(s.clone())
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}
impl From<usize> for Value {
    fn from(i: usize) -> Value {
        Value::Int(i as i64)
    }
}
impl From<f64> for Value {
    fn from(x: f64) -> Value {
        Value::Float(x)
    }
}

/// A named table of results.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// File-name-safe name: the CSV is written as `<name>.csv`.
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// A row did not have one value per column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowLengthError {
    pub table: String,
    pub expected: usize,
    pub found: usize,
}

impl fmt::Display for RowLengthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "table `{}`: a row has {} values for {} columns",
            self.table, self.found, self.expected
        )
    }
}

impl std::error::Error for RowLengthError {}

impl Table {
    pub fn new(name: &str, columns: &[&str]) -> Table {
        Table {
            name: name.to_string(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Value>) -> Result<(), RowLengthError> {
        if row.len() != self.columns.len() {
            return Err(RowLengthError {
                table: self.name.clone(),
                expected: self.columns.len(),
                found: row.len(),
            });
        }
        self.rows.push(row);
        Ok(())
    }

    /// Index of the column called `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The cell in `row` under column `name`.
    pub fn get(&self, row: usize, name: &str) -> Option<&Value> {
        self.rows.get(row)?.get(self.column(name)?)
    }

    /// The table as CSV (RFC 4180 quoting, `\n` line ends, header first).
    pub fn to_csv(&self) -> String {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let write = |w: &mut csv::Writer<Vec<u8>>| -> csv::Result<()> {
            w.write_record(&self.columns)?;
            for row in &self.rows {
                w.write_record(row.iter().map(|v| v.to_string()))?;
            }
            w.flush()?;
            Ok(())
        };
        // Writing to memory cannot fail.
        write(&mut w).expect("CSV into memory");
        String::from_utf8(w.into_inner().expect("CSV into memory")).expect("CSV of UTF-8 cells")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_formats_cells() {
        let mut t = Table::new("t", &["theme", "cases", "pct", "note"]);
        t.push(vec![
            "a, b".into(),
            3usize.into(),
            42.5.into(),
            Value::Empty,
        ])
        .unwrap();
        t.push(vec![
            "say \"hi\"".into(),
            0usize.into(),
            0.0.into(),
            "x\ny".into(),
        ])
        .unwrap();
        assert_eq!(
            t.to_csv(),
            "theme,cases,pct,note\n\"a, b\",3,42.5,\n\"say \"\"hi\"\"\",0,0,\"x\ny\"\n"
        );
        assert_eq!(t.get(0, "pct"), Some(&Value::Float(42.5)));
        assert_eq!(t.get(1, "missing"), None);
        assert_eq!(
            t.push(vec![Value::Empty]).unwrap_err().to_string(),
            "table `t`: a row has 1 values for 4 columns"
        );
    }
}
