//! The codebook in the forms researchers share it: a Markdown table for a
//! methods appendix and a CSV for a spreadsheet.

use crate::{Codebook, Pattern};

impl Codebook {
    /// The codebook as Markdown: a heading per top-level theme, and for
    /// each code its definition, criteria and examples. Matching rules are
    /// left out: an appendix describes the instrument, not its machinery.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("# {}\n\n", self.name);
        if !self.description.is_empty() {
            out.push_str(self.description.trim());
            out.push_str("\n\n");
        }
        out.push_str(&format!(
            "Version `{}`; codes apply to {}s of participant turns.\n",
            self.short_hash(),
            self.unit
        ));
        for code in &self.codes {
            let hashes = "#".repeat((code.depth() + 2).min(6));
            out.push_str(&format!("\n{hashes} {} (`{}`)\n\n", code.label, code.id));
            let mut field = |name: &str, value: &str| {
                if !value.trim().is_empty() {
                    out.push_str(&format!("- **{name}:** {}\n", value.trim()));
                }
            };
            field("Definition", &code.definition);
            field("Include", &code.include);
            field("Exclude", &code.exclude);
            for e in &code.examples {
                field("Example", e);
            }
            for e in &code.counter_examples {
                field("Not an example", e);
            }
        }
        out
    }

    /// The codebook as CSV, in the columns [`Codebook::csv_to_toml`] reads
    /// back: id, parent, label, definition, include, exclude, terms (the
    /// `any` terms of every rule, separated by `;`).
    pub fn to_csv(&self) -> String {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let rows = std::iter::once(
            [
                "id",
                "parent",
                "label",
                "definition",
                "include",
                "exclude",
                "terms",
            ]
            .map(String::from),
        )
        .chain(self.codes.iter().map(|c| {
            let terms: Vec<String> = c
                .rules
                .iter()
                .flat_map(|r| r.any.iter())
                .filter(|p| matches!(p, Pattern::Term { .. }))
                .map(Pattern::as_written)
                .collect();
            [
                c.id.clone(),
                c.parent.clone().unwrap_or_default(),
                c.label.clone(),
                c.definition.clone(),
                c.include.clone(),
                c.exclude.clone(),
                terms.join("; "),
            ]
        }));
        for row in rows {
            w.write_record(&row).expect("CSV into memory");
        }
        String::from_utf8(w.into_inner().expect("CSV into memory")).expect("UTF-8 cells")
    }
}
