//! A finished [`Tally`], numbered for polars.
//!
//! Cases are numbered in id order and codes in codebook order, so sorting
//! by number sorts as the tables should; frames group and join on these
//! numbers, and the strings come back only in the finished tables.

use std::sync::Arc;

use polars::prelude::*;
use strand_codebook::Codebook;
use strand_transcript::{Cases, Unit};

use crate::exemplars::QUOTES_PER_THEME;
use crate::prevalence::NO_CASE;
use crate::tally::{Counts, Exemplar, Tally};

/// Quotes shorter than this say too little out of context; longer ones
/// bury the point (the same range the exemplars use).
pub(crate) const GOOD_WORDS: std::ops::RangeInclusive<usize> = 8..=45;

/// Two codes applied in common units of one kind (see
/// [`crate::cooccurrence`]).
pub(crate) struct Pair {
    pub kind: u8,
    pub a: usize,
    pub b: usize,
    pub units: i64,
    pub cases: i64,
    pub units_a: i64,
    pub units_b: i64,
}

pub(crate) struct Prepared<'a> {
    pub codebook: &'a Codebook,
    /// The cases file (and front matter): every case's attributes.
    pub cases_file: &'a Cases,
    pub unit: Unit,
    /// Participant cases present in the transcripts, in id order.
    pub cases: Vec<String>,
    pub counts: Counts,
    /// One row per case and theme with any coding (negated mentions
    /// included): `theme`, `case`, `segments`.
    pub cells: DataFrame,
    /// One row per case and theme the case voices positively, in theme
    /// then case order: `theme`, `case`, `segments` (positive segments),
    /// and the most representative segment (`segment`, a number in
    /// [`Prepared::quotes`]) with its sort keys (`hits`, `outside`,
    /// `words`, `place`; see [`quote_order`]).
    pub best: DataFrame,
    /// The chosen segments' ids and texts.
    pub quotes: Vec<(Arc<str>, Arc<str>)>,
    /// Per theme, up to [`QUOTES_PER_THEME`] exemplars from different
    /// cases (by number), best first.
    pub exemplars: Vec<Vec<(usize, Exemplar)>>,
    /// Co-occurring codes in unit, code_a, code_b order.
    pub pairs: Vec<Pair>,
}

impl<'a> Prepared<'a> {
    pub fn new(tally: Tally<'a>, cases_file: &'a Cases) -> PolarsResult<Prepared<'a>> {
        let Tally {
            codebook,
            unit,
            cases,
            counts,
            cells,
            pairs,
            code_units,
            ..
        } = tally;
        // Cases were numbered as met; the tables want id order.
        let mut order: Vec<usize> = (0..cases.len()).collect();
        order.sort_unstable_by(|&a, &b| cases[a].cmp(&cases[b]));
        let mut renumber = vec![0usize; cases.len()];
        for (new, &old) in order.iter().enumerate() {
            renumber[old] = new;
        }
        let mut sorted_cases: Vec<String> = vec![String::new(); cases.len()];
        for (old, name) in cases.into_iter().enumerate() {
            sorted_cases[renumber[old]] = name;
        }

        let mut cells: Vec<(usize, usize, crate::tally::Cell)> = cells
            .into_iter()
            .map(|((case, theme), cell)| (theme as usize, renumber[case as usize], cell))
            .collect();
        cells.sort_unstable_by_key(|c| (c.0, c.1));

        let n = cells.len();
        let (mut c_theme, mut c_case, mut c_segments) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let mut exemplars: Vec<Vec<(usize, Exemplar)>> = vec![Vec::new(); codebook.codes.len()];
        let mut bests = Vec::new();
        for (theme, case, cell) in cells {
            c_theme.push(theme as i64);
            c_case.push(case as i64);
            c_segments.push(i64::from(cell.segments));
            if let Some(e) = cell.exemplar {
                exemplars[theme].push((case, e));
            }
            if let Some(b) = cell.best {
                bests.push((theme, case, cell.positive, b));
            }
        }
        for picks in &mut exemplars {
            // Segment ids differ between cases, so this order is total.
            picks.sort_unstable_by(|a, b| a.1.rank().cmp(&b.1.rank()));
            picks.truncate(QUOTES_PER_THEME);
        }

        // A chosen segment's place in the corpus: document (in id order),
        // then position, as one number to sort on.
        let mut by_place: Vec<usize> = (0..bests.len()).collect();
        by_place.sort_unstable_by(|&a, &b| {
            let (x, y) = (&bests[a].3, &bests[b].3);
            (&*x.document, x.start, &*x.segment).cmp(&(&*y.document, y.start, &*y.segment))
        });
        let mut place = vec![0i64; bests.len()];
        for (rank, &i) in by_place.iter().enumerate() {
            place[i] = rank as i64;
        }
        let m = bests.len();
        let mut columns: [Vec<i64>; 7] = Default::default();
        let mut quotes = Vec::with_capacity(m);
        for (i, (theme, case, positive, b)) in bests.into_iter().enumerate() {
            let row = [
                theme as i64,
                case as i64,
                i64::from(positive),
                i as i64,
                i64::from(b.hits),
                i64::from(b.outside),
                i64::from(b.words),
            ];
            for (column, v) in columns.iter_mut().zip(row) {
                column.push(v);
            }
            quotes.push((b.segment, b.quote));
        }
        let [theme, case, segments, segment, hits, outside, words] = columns;
        let best = df!(
            "theme" => theme,
            "case" => case,
            "segments" => segments,
            "segment" => segment,
            "hits" => hits,
            "outside" => outside,
            "words" => words,
            "place" => place,
        )?;
        let cells = df!("theme" => c_theme, "case" => c_case, "segments" => c_segments)?;

        let mut pairs: Vec<Pair> = pairs
            .into_iter()
            .map(|((kind, a, b), (units, mut cases))| {
                cases.sort_unstable();
                cases.dedup();
                Pair {
                    kind,
                    a: a as usize,
                    b: b as usize,
                    units: units as i64,
                    cases: cases.len() as i64,
                    units_a: code_units.get(&(kind, a)).copied().unwrap_or(0) as i64,
                    units_b: code_units.get(&(kind, b)).copied().unwrap_or(0) as i64,
                }
            })
            .collect();
        pairs.sort_unstable_by_key(|p| (p.kind, p.a, p.b));
        Ok(Prepared {
            codebook,
            cases_file,
            unit,
            cases: sorted_cases,
            counts,
            cells,
            best,
            quotes,
            exemplars,
            pairs,
        })
    }

    /// A case's value of attribute number `a`, or [`NO_CASE`].
    pub fn value(&self, case: usize, a: usize) -> &str {
        self.cases_file
            .get(&self.cases[case])
            .map_or(NO_CASE, |c| c.values[a].as_str())
    }

    /// The index of the case attribute called `name`.
    pub fn attribute(&self, name: &str) -> Option<usize> {
        self.cases_file.attributes.iter().position(|a| a == name)
    }

    /// A chosen segment's id.
    pub fn segment(&self, quote: usize) -> &str {
        &self.quotes[quote].0
    }

    /// A chosen segment's text on one line.
    pub fn quote(&self, quote: usize) -> &str {
        &self.quotes[quote].1
    }
}

/// Sort order for a representative quote, best first: see
/// [`crate::framework`] for what "most representative" means.
pub(crate) fn quote_order() -> (Vec<Expr>, SortMultipleOptions) {
    (
        vec![col("hits"), col("outside"), col("words"), col("place")],
        SortMultipleOptions::default().with_order_descending_multi([true, false, true, false]),
    )
}
