//! Case attributes: one row per participant, from a CSV cases file.

use std::collections::BTreeMap;
use std::path::Path;

use crate::{Error, Location};

/// One participant and their attributes (Trust, role, band, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Pseudonymous id, matching the participant's speaker label.
    pub id: String,
    /// Attribute values, in the order of [`Cases::attributes`].
    pub values: Vec<String>,
}

/// The cases file: attribute names and one [`Case`] per participant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cases {
    /// Attribute names, the cases file's columns after the id column.
    pub attributes: Vec<String>,
    by_id: BTreeMap<String, Case>,
}

impl Cases {
    /// Reads a cases file. Its first column is the participant id (any
    /// header name); the others are attributes.
    pub fn read(path: &Path) -> Result<Cases, Error> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let decoded = crate::text::decode(path, bytes, crate::Invalid::Reject)?;
        Cases::parse(path, &decoded.text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Cases, Error> {
        let err = |line: u64, message: String| Error::Cases {
            at: Location {
                path: path.to_path_buf(),
                line: line as usize,
                column: 1,
            },
            message,
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| err(1, format!("cannot read the header row: {e}")))?
            .clone();
        if headers.len() < 2 || headers.iter().any(str::is_empty) {
            return Err(err(
                1,
                "expected a header row such as `participant,trust,role,band`: an id column, then named attribute columns".into(),
            ));
        }
        let attributes: Vec<String> = headers.iter().skip(1).map(str::to_string).collect();
        let mut by_id = BTreeMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let (line, message) = csv_row_error(&e);
                err(line, message)
            })?;
            let line = record.position().map_or(0, |p| p.line());
            let id = record.get(0).unwrap_or("").to_string();
            if id.is_empty() {
                return Err(err(line, "the participant id is empty".into()));
            }
            let case = Case {
                id: id.clone(),
                values: record.iter().skip(1).map(str::to_string).collect(),
            };
            if by_id.insert(id.clone(), case).is_some() {
                return Err(err(line, format!("participant `{id}` appears twice")));
            }
        }
        Ok(Cases { attributes, by_id })
    }

    /// Adds a case from a transcript's front matter, adding any attribute
    /// the cases have not had so far (empty for the other cases). Returns
    /// false, changing nothing, when the case already exists: a cases file
    /// is the researcher's deliberate record and wins over front matter.
    pub fn insert_from_front_matter(
        &mut self,
        id: &str,
        attributes: &BTreeMap<String, String>,
    ) -> bool {
        if self.by_id.contains_key(id) {
            return false;
        }
        for key in attributes.keys() {
            if !self.attributes.contains(key) {
                self.attributes.push(key.clone());
                for case in self.by_id.values_mut() {
                    case.values.push(String::new());
                }
            }
        }
        let values = self
            .attributes
            .iter()
            .map(|a| attributes.get(a).cloned().unwrap_or_default())
            .collect();
        self.by_id.insert(
            id.to_string(),
            Case {
                id: id.to_string(),
                values,
            },
        );
        true
    }

    pub fn get(&self, id: &str) -> Option<&Case> {
        self.by_id.get(id)
    }

    /// The value of attribute `name` for case `id`.
    pub fn attribute(&self, id: &str, name: &str) -> Option<&str> {
        let column = self.attributes.iter().position(|a| a == name)?;
        self.get(id).map(|c| c.values[column].as_str())
    }

    /// Cases in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Case> {
        self.by_id.values()
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

/// The line of a bad CSV row and what is wrong with it, in words that do
/// not quote the row (it may hold research data).
pub(crate) fn csv_row_error(e: &csv::Error) -> (u64, String) {
    let line = e.position().map_or(0, |p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} fields, found {len}"),
        _ => "malformed CSV row".to_string(),
    };
    (line, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_attributes_by_name() {
        let c = Cases::parse(
            Path::new("p.csv"),
            "participant,trust,band\nP02,Eastvale,2\nP01, Northbrook ,3\n",
        )
        .unwrap();
        assert_eq!(c.attributes, ["trust", "band"]);
        assert_eq!(c.attribute("P01", "trust"), Some("Northbrook"));
        assert_eq!(c.attribute("P02", "band"), Some("2"));
        assert_eq!(c.attribute("P03", "band"), None);
        let ids: Vec<&str> = c.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["P01", "P02"]);
    }

    #[test]
    fn bad_rows_name_their_line() {
        let e = Cases::parse(Path::new("p.csv"), "id,trust\nP01,A\nP02,B,extra\n").unwrap_err();
        assert_eq!(e.to_string(), "p.csv:3:1: expected 2 fields, found 3");
        let e = Cases::parse(Path::new("p.csv"), "id,trust\nP01,A\nP01,B\n").unwrap_err();
        assert_eq!(e.to_string(), "p.csv:3:1: participant `P01` appears twice");
        let e = Cases::parse(Path::new("p.csv"), "id\nP01\n").unwrap_err();
        assert!(e
            .to_string()
            .starts_with("p.csv:1:1: expected a header row"));
    }
}
