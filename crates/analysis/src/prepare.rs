//! The codings of a study, numbered for polars.
//!
//! Codings carry strings (segment ids, case ids, code ids). The study's
//! aggregations run on integer keys instead: every code, case, segment,
//! turn and document gets a number once here, frames group and join on
//! numbers (cheap even for millions of rows), and the strings come back
//! only in the finished tables. Codes are numbered in codebook order and
//! cases in id order, so sorting by number sorts as the tables should.

use std::collections::HashMap;
use std::ops::Range;

use polars::prelude::*;
use rayon::prelude::*;
use unicode_segmentation::UnicodeSegmentation;

use crate::prevalence::NO_CASE;
use crate::Input;

/// Quotes shorter than this say too little out of context; longer ones
/// bury the point (the same range the exemplars use).
pub(crate) const GOOD_WORDS: std::ops::RangeInclusive<usize> = 8..=45;

pub(crate) struct Segment<'a> {
    pub id: &'a str,
    pub document: usize,
    pub span: Range<usize>,
    /// Words in the segment (Unicode word boundaries), counted once here:
    /// quotes are ranked by length in several tables.
    pub words: usize,
}

/// Where one coding went: its code, segment and case numbers.
#[derive(Clone, Copy)]
pub(crate) struct Placed {
    pub code: usize,
    pub segment: usize,
    pub case: usize,
}

pub(crate) struct Prepared<'a> {
    pub input: &'a Input<'a>,
    /// Participant cases present in the transcripts, in id order.
    pub cases: Vec<String>,
    /// Every coded segment, in first-coded order.
    pub segments: Vec<Segment<'a>>,
    /// Per coding of the input, in its order: where it went, or `None`
    /// for one that cannot be placed (see [`Prepared::new`]).
    pub placed: Vec<Option<Placed>>,
    /// One row per coding rolled up the hierarchy: (theme, segment,
    /// case, positive). A coding of `barriers.cost` gives a row for
    /// `barriers.cost` and one for `barriers`.
    pub rolled: DataFrame,
    /// One row per coding as coded (no roll-up): code, segment, turn,
    /// document keys and case.
    pub coded: DataFrame,
}

impl<'a> Prepared<'a> {
    pub fn new(input: &'a Input<'a>) -> PolarsResult<Prepared<'a>> {
        let mut cases: Vec<String> = input
            .corpus
            .transcripts
            .iter()
            .flat_map(|t| t.participants())
            .map(str::to_string)
            .collect();
        cases.sort();
        cases.dedup();
        let case_index: HashMap<&str, i64> = cases
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i as i64))
            .collect();
        let code_index: HashMap<&str, i64> = input
            .codebook
            .codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i as i64))
            .collect();
        let documents: HashMap<&str, usize> = input
            .corpus
            .transcripts
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.as_str(), i))
            .collect();

        let mut segments: Vec<Segment<'a>> = Vec::new();
        let mut segment_index: HashMap<&str, i64> = HashMap::new();
        let mut turn_index: HashMap<(usize, &str), i64> = HashMap::new();
        let n = input.codings.len();
        let (mut r_theme, mut r_seg, mut r_case, mut r_pos) = (
            Vec::with_capacity(2 * n),
            Vec::with_capacity(2 * n),
            Vec::with_capacity(2 * n),
            Vec::with_capacity(2 * n),
        );
        let (mut c_code, mut c_seg, mut c_turn, mut c_doc, mut c_case) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let mut placed = Vec::with_capacity(n);
        for c in input.codings {
            // Codings of codes the codebook does not have, or by speakers
            // who are not participants, cannot be placed; the coder makes
            // neither.
            let (Some(&code), Some(&case), Some(&document)) = (
                code_index.get(&*c.code),
                case_index.get(&*c.speaker),
                documents.get(&*c.document),
            ) else {
                placed.push(None);
                continue;
            };
            let next = segments.len() as i64;
            let seg = *segment_index.entry(c.segment.as_str()).or_insert_with(|| {
                segments.push(Segment {
                    id: c.segment.as_str(),
                    document,
                    span: c.segment_span.clone(),
                    words: 0,
                });
                next
            });
            placed.push(Some(Placed {
                code: code as usize,
                segment: seg as usize,
                case: case as usize,
            }));
            let turn = turn_key(&c.segment);
            let next = turn_index.len() as i64;
            let turn = *turn_index.entry((document, turn)).or_insert(next);
            let positive = !c.evidence.negated || c.recoded_from.is_some();
            for id in input.codebook.lineage(&c.code) {
                if let Some(&theme) = code_index.get(id) {
                    r_theme.push(theme);
                    r_seg.push(seg);
                    r_case.push(case);
                    r_pos.push(positive);
                }
            }
            c_code.push(code);
            c_seg.push(seg);
            c_turn.push(turn);
            c_doc.push(document as i64);
            c_case.push(case);
        }
        // Counting words is most of the work here, and each segment's count
        // is its own.
        segments.par_iter_mut().for_each(|s| {
            s.words = input.corpus.transcripts[s.document].text[s.span.clone()]
                .unicode_words()
                .count();
        });
        let rolled = df!(
            "theme" => r_theme,
            "segment" => r_seg,
            "case" => r_case,
            "positive" => r_pos,
        )?;
        let coded = df!(
            "code" => c_code,
            "segment" => c_seg,
            "turn" => c_turn,
            "document" => c_doc,
            "case" => c_case,
        )?;
        Ok(Prepared {
            input,
            cases,
            segments,
            placed,
            rolled,
            coded,
        })
    }

    /// A case's value of attribute number `a`, or [`NO_CASE`].
    pub fn value(&self, case: usize, a: usize) -> &str {
        self.input
            .corpus
            .cases
            .get(&self.cases[case])
            .map_or(NO_CASE, |c| c.values[a].as_str())
    }

    /// The index of the case attribute called `name`.
    pub fn attribute(&self, name: &str) -> Option<usize> {
        self.input
            .corpus
            .cases
            .attributes
            .iter()
            .position(|a| a == name)
    }

    /// A segment's text on one line.
    pub fn quote(&self, segment: usize) -> String {
        let s = &self.segments[segment];
        self.input.corpus.transcripts[s.document].text[s.span.clone()]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// One row per coded segment with the columns that rank quotes:
    /// `segment`, `outside` (1 when its length is outside [`GOOD_WORDS`]),
    /// `words` (capped at the range's end), `document`, `start`.
    pub fn segment_frame(&self) -> PolarsResult<DataFrame> {
        let n = self.segments.len();
        let (mut outside, mut words, mut document, mut start) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for s in &self.segments {
            let w = s.words;
            outside.push(i64::from(!GOOD_WORDS.contains(&w)));
            words.push(w.min(*GOOD_WORDS.end()) as i64);
            document.push(s.document as i64);
            start.push(s.span.start as i64);
        }
        df!(
            "segment" => (0..n as i64).collect::<Vec<_>>(),
            "outside" => outside,
            "words" => words,
            "document" => document,
            "start" => start,
        )
    }
}

/// `P07:t12` of `P07:t12.s3`: the turn a segment lies in.
fn turn_key(segment: &str) -> &str {
    let after = segment.rfind(':').map_or(0, |i| i + 1);
    match segment[after..].find('.') {
        Some(dot) => &segment[..after + dot],
        None => segment,
    }
}

/// Sort order for a representative quote, best first: see
/// [`crate::framework`] for what "most representative" means.
pub(crate) fn quote_order() -> (Vec<Expr>, SortMultipleOptions) {
    (
        vec![
            col("hits"),
            col("outside"),
            col("words"),
            col("document"),
            col("start"),
        ],
        SortMultipleOptions::default()
            .with_order_descending_multi([true, false, true, false, false]),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn turn_keys() {
        assert_eq!(super::turn_key("P07:t12.s3"), "P07:t12");
        assert_eq!(super::turn_key("P07:t12.p1"), "P07:t12");
        assert_eq!(super::turn_key("P07:t12"), "P07:t12");
        assert_eq!(super::turn_key("a.b:t2.s1"), "a.b:t2");
    }
}
