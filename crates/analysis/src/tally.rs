//! The study's evidence gathered document by document.
//!
//! A study of 10,000 interviews has some 800,000 codings over 120 MB of
//! text, but its tables need far less of them: for each case and theme,
//! how many segments speak to it and the one segment that best illustrates
//! it; for each pair of codes, how many units they share and whose; a few
//! counts. [`Tally::document`] reduces one transcript and its codings to
//! exactly that (a [`DocumentTally`]), and [`Tally::add`] merges it in, so
//! the transcript and its codings can be let go before the next is read.
//! What a tally holds grows with the tables (cases times themes), not with
//! the text or the codings.
//!
//! The alternative, keeping every transcript and coding until the end and
//! grouping one row per coding in polars (as strand first did), needs all
//! of them in memory at once: 1.1 GB at its peak for 10,000 interviews,
//! growing with the corpus. Polars still does the aggregation across cases
//! (by Trust, band and every other attribute; see `prepare`), over one row
//! per case and theme rather than one per coding.
//!
//! Documents may be tallied in any order and on any thread: every choice
//! a tally makes (the best segment of a cell, the exemplar of a case) is by
//! a total order that does not depend on the order documents arrive in,
//! and merging only adds counts and keeps the better of two choices.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::Arc;

use strand_codebook::Codebook;
use strand_coding::Coding;
use strand_transcript::{segments, Role, Transcript, Unit};
use unicode_segmentation::UnicodeSegmentation;

use crate::prepare::GOOD_WORDS;

/// The sizes the summary table reports, added up over documents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub documents: usize,
    pub turns: usize,
    pub participant_turns: usize,
    pub participant_segments: usize,
    pub words: usize,
    /// Distinct segments with at least one coding that could be placed
    /// (a codebook code, a participant speaker).
    pub coded_segments: usize,
    /// Every coding, placed or not.
    pub codings: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.documents += o.documents;
        self.turns += o.turns;
        self.participant_turns += o.participant_turns;
        self.participant_segments += o.participant_segments;
        self.words += o.words;
        self.coded_segments += o.coded_segments;
        self.codings += o.codings;
    }
}

/// The most representative segment of a cell so far (see
/// [`crate::framework`] for the order), with its text.
#[derive(Debug, Clone)]
pub(crate) struct Best {
    pub hits: u32,
    pub outside: bool,
    /// Words, counting at most [`GOOD_WORDS`]' end.
    pub words: u32,
    pub document: Arc<str>,
    pub start: usize,
    pub segment: Arc<str>,
    pub quote: Arc<str>,
}

impl Best {
    /// Smaller is better. The segment id comes last only to make the order
    /// total: two segments of different units can start at one place.
    fn rank(&self) -> (Reverse<u32>, bool, Reverse<u32>, &str, usize, &str) {
        (
            Reverse(self.hits),
            self.outside,
            Reverse(self.words),
            &self.document,
            self.start,
            &self.segment,
        )
    }
}

/// A case's exemplar candidate for a theme (see [`crate::exemplars`]).
#[derive(Debug, Clone)]
pub(crate) struct Exemplar {
    pub outside: bool,
    pub words: u32,
    pub segment: Arc<str>,
    /// The pattern of the first coding that put it forward.
    pub pattern: Arc<str>,
    pub quote: Arc<str>,
}

impl Exemplar {
    /// Smaller is better: readable length, then longer, then segment id.
    pub fn rank(&self) -> (bool, Reverse<u32>, &str) {
        (self.outside, Reverse(self.words), &self.segment)
    }
}

/// One case and one theme (rolled up: a coding of `barriers.cost` is also
/// one of `barriers`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Cell {
    /// Segments with any coding of the theme, negated mentions included.
    pub segments: u32,
    /// Segments with positive evidence of it.
    pub positive: u32,
    pub best: Option<Best>,
    pub exemplar: Option<Exemplar>,
}

impl Cell {
    fn merge(&mut self, other: Cell) {
        self.segments += other.segments;
        self.positive += other.positive;
        match (&self.best, other.best) {
            (Some(b), Some(o)) if o.rank() < b.rank() => self.best = Some(o),
            (None, o) => self.best = o,
            _ => {}
        }
        match (&self.exemplar, other.exemplar) {
            (Some(e), Some(o)) if o.rank() < e.rank() => self.exemplar = Some(o),
            (None, o) => self.exemplar = o,
            _ => {}
        }
    }
}

/// Co-occurrence is counted within these units, numbered in table order
/// (see [`crate::cooccurrence`]).
pub(crate) const SEGMENT: u8 = 0;
pub(crate) const TURN: u8 = 1;
pub(crate) const DOCUMENT: u8 = 2;

/// A pair of codes applied in common units of one kind: `(unit kind,
/// code a, code b)` with `a < b` in codebook order.
pub(crate) type PairKey = (u8, u32, u32);

/// What one transcript contributes to the tables; see the module docs.
/// Cases are numbered within the document (its participants in id order).
#[derive(Debug, Default)]
pub struct DocumentTally {
    participants: Vec<String>,
    counts: Counts,
    cells: Vec<(u32, u32, Cell)>,
    /// Per pair: units with both codes, and the case of each such unit.
    pairs: Vec<(PairKey, u64, Vec<u32>)>,
    /// Per (unit kind, code): units with the code.
    code_units: Vec<((u8, u32), u64)>,
}

/// The evidence of a study so far; see the module docs.
pub struct Tally<'c> {
    pub(crate) codebook: &'c Codebook,
    pub(crate) unit: Unit,
    code_index: HashMap<&'c str, u32>,
    /// Per code, the themes a coding of it counts for: the code and the
    /// codebook's codes above it.
    lineage: Vec<Vec<u32>>,
    /// Cases in the order first met, and their numbers.
    pub(crate) cases: Vec<String>,
    case_index: HashMap<String, u32>,
    pub(crate) counts: Counts,
    pub(crate) cells: HashMap<(u32, u32), Cell>,
    pub(crate) pairs: HashMap<PairKey, (u64, Vec<u32>)>,
    pub(crate) code_units: HashMap<(u8, u32), u64>,
}

/// A coded segment of the document being tallied.
struct Seg<'t> {
    id: &'t str,
    start: usize,
    end: usize,
    case: u32,
    words: usize,
    shared_id: Option<Arc<str>>,
    quote: Option<Arc<str>>,
}

/// A cell of the document being tallied: choices are segment numbers until
/// the document is done.
#[derive(Default)]
struct Draft<'a> {
    segments: u32,
    positive: u32,
    best: Option<(u32, u32)>,
    exemplar: Option<(u32, &'a Coding)>,
}

impl<'c> Tally<'c> {
    /// An empty tally for codings made with `codebook` at `unit`.
    pub fn new(codebook: &'c Codebook, unit: Unit) -> Tally<'c> {
        let code_index: HashMap<&str, u32> = codebook
            .codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i as u32))
            .collect();
        let lineage = codebook
            .codes
            .iter()
            .map(|c| {
                codebook
                    .lineage(&c.id)
                    .filter_map(|id| code_index.get(id).copied())
                    .collect()
            })
            .collect();
        Tally {
            codebook,
            unit,
            code_index,
            lineage,
            cases: Vec::new(),
            case_index: HashMap::new(),
            counts: Counts::default(),
            cells: HashMap::new(),
            pairs: HashMap::new(),
            code_units: HashMap::new(),
        }
    }

    /// Documents added so far.
    pub fn documents(&self) -> usize {
        self.counts.documents
    }

    /// Codings added so far, placed or not.
    pub fn codings(&self) -> usize {
        self.counts.codings
    }

    /// Distinct participants met so far.
    pub fn participants(&self) -> usize {
        self.cases.len()
    }

    /// Counts codings that belong to no document of the corpus: the
    /// summary reports every coding it was given.
    pub(crate) fn add_unplaced(&mut self, codings: usize) {
        self.counts.codings += codings;
    }

    /// Reduces one transcript and its codings (any others are ignored, as
    /// are codings of codes the codebook lacks or by speakers who are not
    /// participants: the coder makes neither). Needs only `&self`, so
    /// documents can be tallied on several threads and added in turn.
    pub fn document<'a>(
        &self,
        t: &Transcript,
        codings: impl IntoIterator<Item = &'a Coding>,
    ) -> DocumentTally {
        let participants = t.participants();
        let mut counts = Counts {
            documents: 1,
            turns: t.turns.len(),
            participant_turns: t
                .turns
                .iter()
                .filter(|turn| turn.role == Role::Participant)
                .count(),
            participant_segments: segments(t, self.unit)
                .iter()
                .filter(|s| s.role == Role::Participant)
                .count(),
            words: t.word_count(),
            ..Counts::default()
        };

        let mut segs: Vec<Seg<'_>> = Vec::new();
        let mut seg_index: HashMap<&str, u32> = HashMap::new();
        // (theme, segment, positive) per coding and theme it counts for.
        let mut rolled: Vec<(u32, u32, bool)> = Vec::new();
        // (code, segment) per coding, as coded.
        let mut coded: Vec<(u32, u32)> = Vec::new();
        let mut positive: Vec<(&'a Coding, u32, u32)> = Vec::new();
        for c in codings {
            counts.codings += 1;
            if *c.document != *t.id {
                continue;
            }
            let (Some(&code), Ok(case)) = (
                self.code_index.get(&*c.code),
                participants.binary_search(&&*c.speaker),
            ) else {
                continue;
            };
            let next = segs.len() as u32;
            let seg = *seg_index.entry(c.segment.as_str()).or_insert_with(|| {
                segs.push(Seg {
                    id: c.segment.as_str(),
                    start: c.segment_span.start,
                    end: c.segment_span.end,
                    case: case as u32,
                    words: 0,
                    shared_id: None,
                    quote: None,
                });
                next
            });
            let is_positive = !c.evidence.negated || c.recoded_from.is_some();
            for &theme in &self.lineage[code as usize] {
                rolled.push((theme, seg, is_positive));
            }
            coded.push((code, seg));
            if is_positive {
                positive.push((c, code, seg));
            }
        }
        counts.coded_segments = segs.len();
        for s in &mut segs {
            s.words = t
                .text
                .get(s.start..s.end)
                .map_or(0, |text| text.unicode_words().count());
        }
        let capped = |s: &Seg<'_>| s.words.min(*GOOD_WORDS.end()) as u32;
        let outside = |s: &Seg<'_>| !GOOD_WORDS.contains(&s.words);

        // Cells: a run of (theme, segment) is one segment of the theme,
        // its positive rows the hits.
        rolled.sort_unstable();
        let mut drafts: HashMap<(u32, u32), Draft<'a>> = HashMap::new();
        let mut i = 0;
        while i < rolled.len() {
            let (theme, seg, _) = rolled[i];
            let mut hits = 0;
            while i < rolled.len() && rolled[i].0 == theme && rolled[i].1 == seg {
                hits += u32::from(rolled[i].2);
                i += 1;
            }
            let s = &segs[seg as usize];
            let draft = drafts.entry((s.case, theme)).or_default();
            draft.segments += 1;
            if hits == 0 {
                continue;
            }
            draft.positive += 1;
            let rank = |(hits, seg): (u32, u32)| {
                let s = &segs[seg as usize];
                (Reverse(hits), outside(s), Reverse(capped(s)), s.start, s.id)
            };
            if draft.best.is_none_or(|b| rank((hits, seg)) < rank(b)) {
                draft.best = Some((hits, seg));
            }
        }
        // Exemplars: the first coding wins a tie, so codings in order.
        for &(c, code, seg) in &positive {
            let s = &segs[seg as usize];
            let rank = |seg: u32| {
                let s = &segs[seg as usize];
                (outside(s), Reverse(capped(s)), s.id)
            };
            for &theme in &self.lineage[code as usize] {
                let draft = drafts.entry((s.case, theme)).or_default();
                if draft.exemplar.is_none_or(|(e, _)| rank(seg) < rank(e)) {
                    draft.exemplar = Some((seg, c));
                }
            }
        }

        let document: Arc<str> = Arc::from(t.id.as_str());
        let mut cells: Vec<(u32, u32, Cell)> = Vec::with_capacity(drafts.len());
        let mut drafts: Vec<((u32, u32), Draft<'a>)> = drafts.into_iter().collect();
        drafts.sort_unstable_by_key(|(k, _)| *k);
        for ((case, theme), d) in drafts {
            let best = d.best.map(|(hits, seg)| {
                let (segment, quote) = shared(&mut segs, &t.text, seg);
                let s = &segs[seg as usize];
                Best {
                    hits,
                    outside: outside(s),
                    words: capped(s),
                    document: document.clone(),
                    start: s.start,
                    segment,
                    quote,
                }
            });
            let exemplar = d.exemplar.map(|(seg, c)| {
                let (segment, quote) = shared(&mut segs, &t.text, seg);
                let s = &segs[seg as usize];
                Exemplar {
                    outside: outside(s),
                    words: capped(s),
                    segment,
                    pattern: c.evidence.pattern.clone(),
                    quote,
                }
            });
            cells.push((
                case,
                theme,
                Cell {
                    segments: d.segments,
                    positive: d.positive,
                    best,
                    exemplar,
                },
            ));
        }

        let (pairs, code_units) = cooccurring(&segs, &coded);
        DocumentTally {
            participants: participants.into_iter().map(str::to_string).collect(),
            counts,
            cells,
            pairs,
            code_units,
        }
    }

    /// Merges one document's tally in.
    pub fn add(&mut self, d: DocumentTally) {
        let global: Vec<u32> = d
            .participants
            .into_iter()
            .map(|p| {
                let next = self.cases.len() as u32;
                *self.case_index.entry(p).or_insert_with_key(|p| {
                    self.cases.push(p.clone());
                    next
                })
            })
            .collect();
        self.counts += d.counts;
        for (case, theme, cell) in d.cells {
            match self.cells.entry((global[case as usize], theme)) {
                std::collections::hash_map::Entry::Occupied(mut e) => e.get_mut().merge(cell),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(cell);
                }
            }
        }
        for (key, units, cases) in d.pairs {
            let e = self.pairs.entry(key).or_default();
            e.0 += units;
            e.1.extend(cases.into_iter().map(|c| global[c as usize]));
        }
        for (key, units) in d.code_units {
            *self.code_units.entry(key).or_default() += units;
        }
    }
}

/// A chosen segment's id and text (on one line), made once per segment
/// however many cells choose it.
fn shared(segs: &mut [Seg<'_>], text: &str, seg: u32) -> (Arc<str>, Arc<str>) {
    let s = &mut segs[seg as usize];
    let id = s.shared_id.get_or_insert_with(|| Arc::from(s.id)).clone();
    let (start, end) = (s.start, s.end);
    let quote = s
        .quote
        .get_or_insert_with(|| {
            let text = text.get(start..end).unwrap_or("");
            Arc::from(text.split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .clone();
    (id, quote)
}

/// Co-occurrence within one document: per pair of codes and unit kind,
/// the units with both and each one's case; per code and unit kind, the
/// units with it.
#[allow(clippy::type_complexity)]
fn cooccurring(
    segs: &[Seg<'_>],
    coded: &[(u32, u32)],
) -> (Vec<(PairKey, u64, Vec<u32>)>, Vec<((u8, u32), u64)>) {
    let mut turns: HashMap<&str, u32> = HashMap::new();
    let turn_of: Vec<u32> = segs
        .iter()
        .map(|s| {
            let next = turns.len() as u32;
            *turns.entry(turn_key(s.id)).or_insert(next)
        })
        .collect();
    let mut pairs: HashMap<PairKey, (u64, Vec<u32>)> = HashMap::new();
    let mut code_units: HashMap<(u8, u32), u64> = HashMap::new();
    // (unit, code, case) for one kind of unit; a unit has one case.
    let mut units: Vec<(u32, u32, u32)> = Vec::with_capacity(coded.len());
    for kind in [SEGMENT, TURN, DOCUMENT] {
        units.clear();
        units.extend(coded.iter().map(|&(code, seg)| {
            let case = segs[seg as usize].case;
            let unit = match kind {
                SEGMENT => seg,
                TURN => turn_of[seg as usize],
                _ => case,
            };
            (unit, code, case)
        }));
        units.sort_unstable();
        units.dedup();
        let mut i = 0;
        while i < units.len() {
            let start = i;
            while i < units.len() && units[i].0 == units[start].0 {
                i += 1;
            }
            let run = &units[start..i];
            for (j, &(_, a, case)) in run.iter().enumerate() {
                *code_units.entry((kind, a)).or_default() += 1;
                for &(_, b, _) in &run[j + 1..] {
                    let e = pairs.entry((kind, a, b)).or_default();
                    e.0 += 1;
                    e.1.push(case);
                }
            }
        }
    }
    let mut pairs: Vec<(PairKey, u64, Vec<u32>)> =
        pairs.into_iter().map(|(k, (n, c))| (k, n, c)).collect();
    pairs.sort_unstable_by_key(|p| p.0);
    let mut code_units: Vec<((u8, u32), u64)> = code_units.into_iter().collect();
    code_units.sort_unstable();
    (pairs, code_units)
}

/// `P07:t12` of `P07:t12.s3`: the turn a segment lies in.
fn turn_key(segment: &str) -> &str {
    let after = segment.rfind(':').map_or(0, |i| i + 1);
    match segment[after..].find('.') {
        Some(dot) => &segment[..after + dot],
        None => segment,
    }
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
