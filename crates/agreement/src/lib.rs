//! Inter-coder agreement statistics.
//!
//! What this crate is for: the arithmetic of agreement between coders who
//! assigned nominal values to the same units. [`percent_agreement`],
//! [`cohen_kappa`] (two coders) and [`krippendorff_alpha`] (nominal, any
//! number of coders, missing values allowed) work on a reliability matrix
//! (one row per unit, one column per coder); [`character_agreement`]
//! computes the character-level percent agreement and kappa that NVivo
//! documents, for teams that compare with earlier NVivo studies.
//!
//! What it is not: it does not know what a code, segment or coder is. The
//! project store decides what the units are (segments, sentences, turns)
//! and what each coder's value is (whether they applied a code); this
//! crate only counts. Keeping it free of every other strand crate lets its
//! results be checked against reference implementations (scikit-learn's
//! `cohen_kappa_score` and the `krippendorff` package) on plain data.
//!
//! Undefined statistics (kappa when both coders used one value only, alpha
//! with a single value in the data) are `None`, not NaN: a report must say
//! "not defined" rather than print a number that is not one.

use std::collections::BTreeMap;

/// A value a coder gave a unit, `None` when the coder did not code it.
pub type Value = Option<u32>;

/// The share of units on which all coders who coded it agree, among the
/// units coded by at least two coders. `None` when there are no such units.
pub fn percent_agreement(units: &[Vec<Value>]) -> Option<f64> {
    let mut pairable = 0usize;
    let mut agreed = 0usize;
    for unit in units {
        let mut values = unit.iter().flatten();
        let Some(first) = values.next() else { continue };
        let rest: Vec<&u32> = values.collect();
        if rest.is_empty() {
            continue;
        }
        pairable += 1;
        if rest.iter().all(|v| *v == first) {
            agreed += 1;
        }
    }
    (pairable > 0).then(|| agreed as f64 / pairable as f64)
}

/// Cohen's kappa for two coders over the units both coded, as
/// scikit-learn's `cohen_kappa_score` computes it: one minus the ratio of
/// observed to expected disagreement, with expected disagreement from each
/// coder's own marginal distribution. `None` when no unit was coded by
/// both or when expected disagreement is zero (both coders gave every unit
/// the same single value).
pub fn cohen_kappa(units: &[[Value; 2]]) -> Option<f64> {
    let pairs: Vec<(u32, u32)> = units
        .iter()
        .filter_map(|[a, b]| Some(((*a)?, (*b)?)))
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let mut confusion: BTreeMap<(u32, u32), f64> = BTreeMap::new();
    let mut first: BTreeMap<u32, f64> = BTreeMap::new();
    let mut second: BTreeMap<u32, f64> = BTreeMap::new();
    for &(a, b) in &pairs {
        *confusion.entry((a, b)).or_default() += 1.0;
        *first.entry(a).or_default() += 1.0;
        *second.entry(b).or_default() += 1.0;
    }
    let n = pairs.len() as f64;
    let observed: f64 = confusion
        .iter()
        .filter(|((a, b), _)| a != b)
        .map(|(_, c)| c)
        .sum();
    let mut expected = 0.0;
    for (a, ca) in &first {
        for (b, cb) in &second {
            if a != b {
                expected += ca * cb / n;
            }
        }
    }
    (expected > 0.0).then(|| 1.0 - observed / expected)
}

/// Krippendorff's alpha for nominal data: `1 - D_o / D_e` from the
/// coincidence matrix of pairable values (units with at least two values;
/// missing values are skipped, as Krippendorff defines). `None` when fewer
/// than two pairable values exist or every pairable value is the same, where
/// alpha is undefined.
pub fn krippendorff_alpha(units: &[Vec<Value>]) -> Option<f64> {
    // Coincidences o[c][k], kept sparse: codes are few but their numbers
    // are arbitrary.
    let mut coincidences: BTreeMap<(u32, u32), f64> = BTreeMap::new();
    for unit in units {
        let values: Vec<u32> = unit.iter().flatten().copied().collect();
        let m = values.len();
        if m < 2 {
            continue;
        }
        let weight = 1.0 / (m as f64 - 1.0);
        for (i, &c) in values.iter().enumerate() {
            for (j, &k) in values.iter().enumerate() {
                if i != j {
                    *coincidences.entry((c, k)).or_default() += weight;
                }
            }
        }
    }
    let mut totals: BTreeMap<u32, f64> = BTreeMap::new();
    for (&(c, _), &o) in &coincidences {
        *totals.entry(c).or_default() += o;
    }
    let n: f64 = totals.values().sum();
    if n < 2.0 {
        return None;
    }
    let observed: f64 = coincidences
        .iter()
        .filter(|((c, k), _)| c != k)
        .map(|(_, o)| o)
        .sum();
    let mut expected = 0.0;
    for (c, nc) in &totals {
        for (k, nk) in &totals {
            if c != k {
                expected += nc * nk;
            }
        }
    }
    expected /= n - 1.0;
    (expected > 0.0).then(|| 1.0 - observed / expected)
}

/// One document's character-level comparison for one code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CharacterCounts {
    /// Characters in the document.
    pub total: u64,
    /// Characters both coders coded.
    pub both: u64,
    /// Characters only the first coder coded.
    pub first_only: u64,
    /// Characters only the second coder coded.
    pub second_only: u64,
}

impl CharacterCounts {
    /// Counts from each coder's coded character ranges (end exclusive,
    /// overlapping ranges allowed) over a document of `total` characters.
    pub fn from_ranges(
        total: u64,
        first: &[std::ops::Range<u64>],
        second: &[std::ops::Range<u64>],
    ) -> CharacterCounts {
        let a = merge(first, total);
        let b = merge(second, total);
        let len = |v: &[std::ops::Range<u64>]| v.iter().map(|r| r.end - r.start).sum::<u64>();
        let mut both = 0;
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            let start = a[i].start.max(b[j].start);
            let end = a[i].end.min(b[j].end);
            if start < end {
                both += end - start;
            }
            if a[i].end < b[j].end {
                i += 1;
            } else {
                j += 1;
            }
        }
        CharacterCounts {
            total,
            both,
            first_only: len(&a) - both,
            second_only: len(&b) - both,
        }
    }

    /// Characters on which the coders agree (both coded or neither did),
    /// as a share of the document.
    pub fn percent_agreement(&self) -> Option<f64> {
        (self.total > 0).then(|| {
            let neither = self.total - self.both - self.first_only - self.second_only;
            (self.both + neither) as f64 / self.total as f64
        })
    }

    /// Cohen's kappa over the document's characters. NVivo gives 1 when the
    /// coders agree on every character (kappa's formula is 0/0 when neither
    /// coded anything), and so does this.
    pub fn kappa(&self) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let t = self.total as f64;
        let neither = t - (self.both + self.first_only + self.second_only) as f64;
        let observed = (self.both as f64 + neither) / t;
        let a = (self.both + self.first_only) as f64 / t;
        let b = (self.both + self.second_only) as f64 / t;
        let expected = a * b + (1.0 - a) * (1.0 - b);
        if expected >= 1.0 {
            return Some(if observed >= 1.0 { 1.0 } else { 0.0 });
        }
        Some((observed - expected) / (1.0 - expected))
    }
}

fn merge(ranges: &[std::ops::Range<u64>], total: u64) -> Vec<std::ops::Range<u64>> {
    let mut v: Vec<_> = ranges
        .iter()
        .map(|r| r.start.min(total)..r.end.min(total))
        .filter(|r| r.start < r.end)
        .collect();
    v.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<std::ops::Range<u64>> = Vec::with_capacity(v.len());
    for r in v {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// NVivo's character-level agreement for one code across documents: each
/// document's percent agreement and kappa, averaged with the documents'
/// sizes as weights, as NVivo's coding comparison query reports a node
/// across several sources. Returns `(percent agreement, kappa)`.
pub fn character_agreement(documents: &[CharacterCounts]) -> (Option<f64>, Option<f64>) {
    let weighted = |f: fn(&CharacterCounts) -> Option<f64>| {
        let mut sum = 0.0;
        let mut weight = 0.0;
        for d in documents {
            if let Some(v) = f(d) {
                sum += v * d.total as f64;
                weight += d.total as f64;
            }
        }
        (weight > 0.0).then(|| sum / weight)
    };
    (
        weighted(CharacterCounts::percent_agreement),
        weighted(CharacterCounts::kappa),
    )
}

#[cfg(test)]
mod tests;
