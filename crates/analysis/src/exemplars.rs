//! Exemplar quotes: a few telling segments per theme, for the report.

use strand_table::{Table, Value};

use crate::prepare::Prepared;

/// How many quotes each theme gets at most.
pub const QUOTES_PER_THEME: usize = 3;

/// `exemplars`: theme, rank, segment, case, the case attributes, quote,
/// pattern. A theme's quotes come from its own codings and its
/// descendants', never from a negated match kept as negated (a recoded one
/// is positive evidence for the code it was recoded to), each from a
/// different case (one voice should not stand for a theme), best first: a
/// quote of a readable length, then the longer, then by segment id so ties
/// break the same way every run. The pattern is that of the first coding
/// that put the segment forward.
///
/// The candidates are chosen as the evidence is tallied: each case's best
/// per theme, then the best [`QUOTES_PER_THEME`] of those.
pub(crate) fn exemplars(p: &Prepared<'_>) -> Table {
    let attributes = &p.cases_file.attributes;
    let mut columns = vec!["theme", "rank", "segment", "case"];
    columns.extend(attributes.iter().map(String::as_str));
    columns.extend(["quote", "pattern"]);
    let mut table = Table::new("exemplars", &columns);
    for (code, picks) in p.codebook.codes.iter().zip(&p.exemplars) {
        for (rank, (case, e)) in picks.iter().enumerate() {
            let case = p.cases[*case].as_str();
            let mut row: Vec<Value> = vec![
                code.id.as_str().into(),
                (rank + 1).into(),
                (*e.segment).into(),
                case.into(),
            ];
            for a in attributes {
                row.push(p.cases_file.attribute(case, a).unwrap_or("").into());
            }
            row.push((*e.quote).into());
            row.push((*e.pattern).into());
            table.push(row).expect("one value per column");
        }
    }
    table
}
