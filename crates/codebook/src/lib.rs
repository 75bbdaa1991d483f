//! The codebook: a researcher's hierarchy of themes, and the matcher that
//! finds each theme's evidence in a piece of text.
//!
//! A codebook is a TOML file (see `codebooks/str-training.toml`): codes with
//! dotted, stable ids (`barriers.cost` is a child of `barriers`), their
//! definitions, inclusion and exclusion criteria, and matching rules. This
//! crate parses and checks it ([`Codebook::parse`]), with errors that name
//! file, line, column and code, and compiles its rules into a [`Matcher`]
//! that scans a string once for every code.
//!
//! It is *not* the coder: it knows nothing of transcripts, speakers or
//! segments. It answers "where in this text does each code's rule fire, and
//! is it negated?"; `strand-coding` decides what to do with the answer.

mod error;
mod export;
mod import;
mod matcher;
mod model;
mod negation;

pub use error::{Diagnostic, Error};
pub use matcher::{CodeMatch, Firing, Matcher};
pub use model::{Code, Codebook, NegatedPolicy, Pattern, Rule, Speakers};
pub use negation::{is_negated, Scope};

/// Levenshtein distance in characters: how far a mistyped code id is from
/// a real one, for "did you mean" hints wherever ids are typed (the
/// project store's commands, the learning-opportunity directory).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod edit_distance_tests {
    #[test]
    fn counts_insertions_deletions_and_substitutions() {
        assert_eq!(super::edit_distance("barriers.cost", "barriers.cost"), 0);
        assert_eq!(super::edit_distance("barriers.costs", "barriers.cost"), 1);
        assert_eq!(super::edit_distance("band4", "bnad4"), 2);
        assert_eq!(super::edit_distance("", "abc"), 3);
        assert_eq!(super::edit_distance("café", "cafe"), 1);
    }
}
