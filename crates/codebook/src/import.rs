//! Importing a codebook kept as a spreadsheet.

use std::collections::BTreeMap;
use std::path::Path;

use crate::{Codebook, Error};

impl Codebook {
    /// Turns a spreadsheet codebook (CSV with columns `id`, `parent`,
    /// `label`, `definition`, and optionally `include`, `exclude`, `terms`)
    /// into codebook TOML, which the researcher then refines. Ids are
    /// lower-cased with spaces as `_`, and nested under their parent's id
    /// (`cost` under `barriers` becomes `barriers.cost`); `terms` split on
    /// `;` become one rule.
    ///
    /// It returns TOML text rather than a [`Codebook`] because the TOML file
    /// is what the researcher keeps and edits; the text is checked by
    /// parsing it before it is returned.
    pub fn csv_to_toml(path: &Path, text: &str, name: &str) -> Result<String, Error> {
        let at_line = |line: u64, message: String| {
            let mut e = Error::new(path, message);
            e.set_place(line as usize, 1);
            e
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| at_line(1, format!("cannot read the header row: {e}")))?
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        let column = |name: &str| headers.iter().position(|h| h == name);
        let (Some(id_col), Some(label_col)) = (column("id"), column("label")) else {
            return Err(at_line(
                1,
                "expected columns `id`, `parent`, `label`, `definition` (and optionally `include`, `exclude`, `terms`)".into(),
            ));
        };
        struct Row {
            line: u64,
            id: String,
            parent: String,
            fields: BTreeMap<&'static str, String>,
            terms: Vec<String>,
        }
        let mut rows: Vec<Row> = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                at_line(
                    e.position().map_or(0, |p| p.line()),
                    "malformed CSV row".into(),
                )
            })?;
            let line = record.position().map_or(0, |p| p.line());
            let get = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("").to_string();
            let id = normalise(&get(Some(id_col)));
            if id.is_empty() {
                return Err(at_line(line, "the id is empty".into()));
            }
            let mut fields = BTreeMap::new();
            fields.insert("label", get(Some(label_col)));
            for f in ["definition", "include", "exclude"] {
                fields.insert(f, get(column(f)));
            }
            rows.push(Row {
                line,
                id,
                parent: normalise(&get(column("parent"))),
                fields,
                terms: get(column("terms"))
                    .split(';')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect(),
            });
        }
        // Full dotted ids, following parents; a loop is an error. An id
        // that already has dots (as `to_csv` writes) is taken as it is.
        let by_id: BTreeMap<&str, &Row> = rows.iter().map(|r| (r.id.as_str(), r)).collect();
        let full = |row: &Row| -> Result<String, Error> {
            let mut path = vec![row.id.clone()];
            let mut current = row;
            while !current.parent.is_empty() && !current.id.contains('.') {
                let parent = by_id.get(current.parent.as_str()).ok_or_else(|| {
                    at_line(
                        current.line,
                        format!(
                            "code `{}`: its parent `{}` is not in the file",
                            current.id, current.parent
                        ),
                    )
                })?;
                if path.contains(&parent.id) || path.len() > rows.len() {
                    return Err(at_line(
                        row.line,
                        format!("code `{}`: its parents go round in a circle", row.id),
                    ));
                }
                path.push(parent.id.clone());
                current = parent;
            }
            path.reverse();
            Ok(path.join("."))
        };
        let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
        let mut out = format!(
            "name = {}\nlanguage = \"eng\"\nunit = \"sentence\"\n",
            quote(name)
        );
        for row in &rows {
            out.push_str(&format!("\n[[code]]\nid = {}\n", quote(&full(row)?)));
            for (k, v) in &row.fields {
                if !v.is_empty() || *k == "label" {
                    out.push_str(&format!("{k} = {}\n", quote(v)));
                }
            }
            if !row.terms.is_empty() {
                let terms: Vec<String> = row.terms.iter().map(|t| quote(t)).collect();
                out.push_str(&format!("\n[[code.rule]]\nany = [{}]\n", terms.join(", ")));
            }
        }
        Codebook::parse(path, &out)?;
        Ok(out)
    }
}

fn normalise(id: &str) -> String {
    id.trim()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_rows_become_nested_codes_with_rules() {
        let csv = "id,parent,label,definition,terms\n\
                   barriers,,Barriers,Things in the way,\n\
                   Study Leave,barriers,Study leave,\"Leave, refused\",study leave; study day*\n";
        let toml = Codebook::csv_to_toml(Path::new("cb.csv"), csv, "Imported").unwrap();
        let cb = Codebook::parse(Path::new("cb.toml"), &toml).unwrap();
        let ids: Vec<&str> = cb.codes.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["barriers", "barriers.study_leave"]);
        let leave = cb.get("barriers.study_leave").unwrap();
        assert_eq!(leave.definition, "Leave, refused");
        let terms: Vec<String> = leave.rules[0]
            .any
            .iter()
            .map(crate::Pattern::as_written)
            .collect();
        assert_eq!(terms, ["study leave", "study day*"]);
        // And back: the CSV export carries the same codes and terms.
        assert!(cb.to_csv().contains("barriers.study_leave,barriers,Study leave,\"Leave, refused\",,,study leave; study day*\n"));
    }

    #[test]
    fn bad_spreadsheets_name_their_line() {
        let p = Path::new("cb.csv");
        let e = Codebook::csv_to_toml(p, "code,name\na,b\n", "x").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("cb.csv:1:1: expected columns `id`"),
            "{e}"
        );
        let e = Codebook::csv_to_toml(p, "id,parent,label\na,b,A\n", "x").unwrap_err();
        assert_eq!(
            e.to_string(),
            "cb.csv:2:1: code `a`: its parent `b` is not in the file"
        );
        let e = Codebook::csv_to_toml(p, "id,parent,label\na,b,A\nb,a,B\n", "x").unwrap_err();
        assert_eq!(
            e.to_string(),
            "cb.csv:2:1: code `a`: its parents go round in a circle"
        );
        let e = Codebook::csv_to_toml(p, "id,parent,label,terms\na,,A,tr*in\n", "x").unwrap_err();
        assert!(e.to_string().contains("`tr*in` is not a term"), "{e}");
    }
}
