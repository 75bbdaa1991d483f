//! Exemplar quotes: a few telling segments per theme, for the report.

use std::collections::BTreeMap;

use strand_coding::Coding;
use strand_table::{Table, Value};
use unicode_segmentation::UnicodeSegmentation;

use crate::Input;

/// How many quotes each theme gets at most.
pub const QUOTES_PER_THEME: usize = 3;

/// Quotes shorter than this say too little out of context; longer ones
/// bury the point. Segments outside the range rank after those inside it.
const GOOD_WORDS: std::ops::RangeInclusive<usize> = 8..=45;

/// `exemplars`: theme, rank, segment, case, the case attributes, quote,
/// pattern. A theme's quotes come from its own codings and its
/// descendants', never from a negated match kept as negated (a recoded one
/// is positive evidence for the code it was recoded to), each from a different case (one voice
/// should not stand for a theme), best first: a quote of a readable length,
/// then the longer, then by segment id so ties break the same way every run.
pub fn exemplars(input: &Input<'_>) -> Table {
    let attributes = &input.corpus.cases.attributes;
    let mut columns = vec!["theme", "rank", "segment", "case"];
    columns.extend(attributes.iter().map(String::as_str));
    columns.extend(["quote", "pattern"]);
    let mut table = Table::new("exemplars", &columns);

    let docs: BTreeMap<&str, &strand_transcript::Transcript> = input
        .corpus
        .transcripts
        .iter()
        .map(|t| (t.id.as_str(), t))
        .collect();
    for code in &input.codebook.codes {
        let prefix = format!("{}.", code.id);
        // The best candidate per case.
        let mut best: BTreeMap<&str, (Key<'_>, &Coding)> = BTreeMap::new();
        for c in input.codings.iter().filter(|c| {
            (!c.evidence.negated || c.recoded_from.is_some())
                && (*c.code == *code.id || c.code.starts_with(&prefix))
        }) {
            let Some(t) = docs.get(&*c.document) else {
                continue;
            };
            // Words are counted on the text as it stands (tidying its
            // whitespace changes no word); the quote is built only for the
            // picks, which matters with millions of codings.
            let words = t.text[c.segment_span.clone()].unicode_words().count();
            let key = Key {
                outside: !GOOD_WORDS.contains(&words),
                shorter: usize::MAX - words.min(*GOOD_WORDS.end()),
                segment: c.segment.as_str(),
            };
            match best.get(&*c.speaker) {
                Some((k, _)) if *k <= key => {}
                _ => {
                    best.insert(&*c.speaker, (key, c));
                }
            }
        }
        let mut picks: Vec<(Key<'_>, &Coding)> = best.into_values().collect();
        picks.sort_by(|a, b| a.0.cmp(&b.0));
        for (rank, (_, c)) in picks.into_iter().take(QUOTES_PER_THEME).enumerate() {
            let quote = docs[&*c.document].text[c.segment_span.clone()]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let mut row: Vec<Value> = vec![
                code.id.as_str().into(),
                (rank + 1).into(),
                c.segment.as_str().into(),
                c.speaker.as_ref().into(),
            ];
            for a in attributes {
                row.push(
                    input
                        .corpus
                        .cases
                        .attribute(&c.speaker, a)
                        .unwrap_or("")
                        .into(),
                );
            }
            row.push(quote.into());
            row.push(c.evidence.pattern.as_str().into());
            table.push(row).expect("one value per column");
        }
    }
    table
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key<'a> {
    outside: bool,
    shorter: usize,
    segment: &'a str,
}
