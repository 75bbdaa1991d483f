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
