//! Code co-occurrence: which codes are applied together, within a
//! segment, a turn or a participant's document.

use strand_table::{Table, Value};

use crate::prepare::Prepared;

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
///
/// The counting is done document by document as the evidence is tallied
/// (units never span documents); what is left here is laying it out.
pub(crate) fn cooccurrence(p: &Prepared<'_>) -> Table {
    let mut table = Table::new(
        "cooccurrence",
        &[
            "unit", "code_a", "label_a", "code_b", "label_b", "units", "cases", "units_a",
            "units_b", "jaccard",
        ],
    );
    let codes = &p.codebook.codes;
    for pair in &p.pairs {
        let (ca, cb) = (&codes[pair.a], &codes[pair.b]);
        let either = pair.units_a + pair.units_b - pair.units;
        let jaccard = if either == 0 {
            0.0
        } else {
            (pair.units as f64 * 1000.0 / either as f64).round() / 1000.0
        };
        table
            .push(vec![
                UNITS[pair.kind as usize].into(),
                ca.id.as_str().into(),
                ca.label.as_str().into(),
                cb.id.as_str().into(),
                cb.label.as_str().into(),
                Value::Int(pair.units),
                Value::Int(pair.cases),
                Value::Int(pair.units_a),
                Value::Int(pair.units_b),
                jaccard.into(),
            ])
            .expect("ten columns");
    }
    table
}
