//! Codebook warnings that need a corpus to see: what a researcher should
//! look at before trusting a codebook's codings.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use strand_codebook::Codebook;
use strand_transcript::{segments, Corpus};

use crate::{Coder, Coding};

/// Something in a codebook that is allowed but probably not meant.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// A code with no rules and no sub-codes: it can only be coded by hand.
    NoRules { code: String },
    /// A rule that fires nowhere in the corpus: a typo, or a term nobody
    /// uses.
    NeverFires { code: String, rule: usize },
    /// Two codes (neither inside the other) coded on mostly the same
    /// segments: their rules may not tell them apart.
    Overlap {
        a: String,
        b: String,
        shared: usize,
        jaccard: f64,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::NoRules { code } => write!(
                f,
                "code `{code}` has no rules and no sub-codes; it will only be coded by hand"
            ),
            Warning::NeverFires { code, rule } => write!(
                f,
                "code `{code}`: rule {} matches nothing in the corpus",
                rule + 1
            ),
            Warning::Overlap {
                a,
                b,
                shared,
                jaccard,
            } => write!(
                f,
                "codes `{a}` and `{b}` share {shared} segments ({:.0}% of either's): do their rules tell them apart?",
                jaccard * 100.0
            ),
        }
    }
}

/// Jaccard similarity above which two codes' segments count as overlapping.
pub const OVERLAP: f64 = 0.8;
/// Codes with fewer segments than this are too rare to judge overlap.
const OVERLAP_MIN: usize = 3;

/// Checks a codebook against a corpus (or alone, with `None`).
pub fn check(codebook: &Codebook, corpus: Option<&Corpus>) -> Vec<Warning> {
    let mut out = Vec::new();
    for code in &codebook.codes {
        let prefix = format!("{}.", code.id);
        let has_children = codebook.codes.iter().any(|c| c.id.starts_with(&prefix));
        if code.rules.is_empty() && !has_children {
            out.push(Warning::NoRules {
                code: code.id.clone(),
            });
        }
    }
    let Some(corpus) = corpus else {
        return out;
    };
    let coder = Coder::new(codebook);
    let mut fired: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut codings: Vec<Coding> = Vec::new();
    for t in &corpus.transcripts {
        for s in segments(t, coder.unit()) {
            fired.extend(coder.fired_rules(t, &s));
            codings.extend(coder.code_segment(t, &s));
        }
    }
    for (i, code) in codebook.codes.iter().enumerate() {
        for rule in 0..code.rules.len() {
            if !fired.contains(&(i, rule)) {
                out.push(Warning::NeverFires {
                    code: code.id.clone(),
                    rule,
                });
            }
        }
    }
    let mut by_code: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for c in &codings {
        by_code.entry(&c.code).or_default().insert(&c.segment);
    }
    let codes: Vec<(&str, &BTreeSet<&str>)> = codebook
        .codes
        .iter()
        .filter_map(|c| by_code.get_key_value(c.id.as_str()).map(|(k, v)| (*k, v)))
        .filter(|(_, s)| s.len() >= OVERLAP_MIN)
        .collect();
    for (i, (a, sa)) in codes.iter().enumerate() {
        for (b, sb) in &codes[i + 1..] {
            let related = b.starts_with(&format!("{a}.")) || a.starts_with(&format!("{b}."));
            if related {
                continue;
            }
            let shared = sa.intersection(sb).count();
            let jaccard = shared as f64 / (sa.len() + sb.len() - shared) as f64;
            if jaccard >= OVERLAP {
                out.push(Warning::Overlap {
                    a: a.to_string(),
                    b: b.to_string(),
                    shared,
                    jaccard,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn warns_about_ruleless_codes_silent_rules_and_overlap() {
        let codebook = Codebook::parse(
            Path::new("cb.toml"),
            r#"
name = "t"
[[code]]
id = "manual"
label = "Coded by hand"
[[code]]
id = "cost"
label = "Cost"
[[code.rule]]
any = ["cost"]
[[code.rule]]
any = ["zzzz"]
[[code]]
id = "money"
label = "Money"
[[code.rule]]
any = ["cost", "money"]
[[code]]
id = "money.coins"
label = "Coins, inside money: never an overlap"
[[code.rule]]
any = ["cost"]
"#,
        )
        .unwrap();
        let t = strand_transcript::parse_transcript(
            Path::new("P01.txt"),
            "P01: The cost. The cost again. More cost.\n".into(),
        )
        .unwrap();
        let corpus = Corpus::assemble(Path::new("c"), vec![t], None).unwrap();
        let shown: Vec<String> = check(&codebook, Some(&corpus))
            .iter()
            .map(|w| w.to_string())
            .collect();
        assert_eq!(
            shown,
            [
                "code `manual` has no rules and no sub-codes; it will only be coded by hand",
                "code `cost`: rule 2 matches nothing in the corpus",
                "codes `cost` and `money` share 3 segments (100% of either's): do their rules tell them apart?",
                // `money` and `money.coins` also share them, but a code and
                // its own sub-code are meant to.
                "codes `cost` and `money.coins` share 3 segments (100% of either's): do their rules tell them apart?",
            ]
        );
        assert_eq!(check(&codebook, None).len(), 1);
    }
}
