//! Exemplar quotes: a few telling segments per theme, for the report.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use strand_table::{Table, Value};

use crate::prepare::{Prepared, GOOD_WORDS};

/// How many quotes each theme gets at most.
pub const QUOTES_PER_THEME: usize = 3;

/// `exemplars`: theme, rank, segment, case, the case attributes, quote,
/// pattern. A theme's quotes come from its own codings and its
/// descendants', never from a negated match kept as negated (a recoded one
/// is positive evidence for the code it was recoded to), each from a different case (one voice
/// should not stand for a theme), best first: a quote of a readable length,
/// then the longer, then by segment id so ties break the same way every run.
///
/// One pass over the codings: each is a candidate for its own code and
/// every code above it, and only the best per theme and case is kept.
pub(crate) fn exemplars(p: &Prepared<'_>) -> Table {
    let input = p.input;
    let attributes = &input.corpus.cases.attributes;
    let mut columns = vec!["theme", "rank", "segment", "case"];
    columns.extend(attributes.iter().map(String::as_str));
    columns.extend(["quote", "pattern"]);
    let mut table = Table::new("exemplars", &columns);

    let codes = &input.codebook.codes;
    // The themes a coding of each code speaks to: the code and every code
    // whose id prefixes it (`barriers` for `barriers.cost`).
    let themes_of: Vec<Vec<usize>> = codes
        .iter()
        .map(|c| {
            codes
                .iter()
                .enumerate()
                .filter(|(_, t)| {
                    c.id == t.id
                        || c.id
                            .strip_prefix(t.id.as_str())
                            .is_some_and(|rest| rest.starts_with('.'))
                })
                .map(|(j, _)| j)
                .collect()
        })
        .collect();
    // The best candidate per (theme, case), and the coding it came from;
    // on a tie the earlier coding stays.
    let mut best: HashMap<(usize, usize), (Key<'_>, usize)> = HashMap::new();
    for (i, (c, placed)) in input.codings.iter().zip(&p.placed).enumerate() {
        let Some(placed) = placed else {
            continue;
        };
        if c.evidence.negated && c.recoded_from.is_none() {
            continue;
        }
        let s = &p.segments[placed.segment];
        let key = Key {
            outside: !GOOD_WORDS.contains(&s.words),
            shorter: usize::MAX - s.words.min(*GOOD_WORDS.end()),
            segment: s.id,
        };
        for &theme in &themes_of[placed.code] {
            match best.entry((theme, placed.case)) {
                Entry::Occupied(e) if e.get().0 <= key => {}
                Entry::Occupied(mut e) => {
                    e.insert((key.clone(), i));
                }
                Entry::Vacant(e) => {
                    e.insert((key.clone(), i));
                }
            }
        }
    }
    let mut per_theme: Vec<Vec<(Key<'_>, usize)>> = vec![Vec::new(); codes.len()];
    for ((theme, _), pick) in best {
        per_theme[theme].push(pick);
    }
    for (code, mut picks) in codes.iter().zip(per_theme) {
        // Keys differ between cases (a segment belongs to one case), so
        // this order is total.
        picks.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (rank, &(_, i)) in picks.iter().take(QUOTES_PER_THEME).enumerate() {
            let c = &input.codings[i];
            let segment = p.placed[i].expect("a pick was placed").segment;
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
            row.push(p.quote(segment).into());
            row.push((&*c.evidence.pattern).into());
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
