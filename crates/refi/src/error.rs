//! What can go wrong reading or writing REFI-QDA files, and what a reader
//! should know about what it read.
//!
//! Messages name the zip entry, the line and column in it and what was
//! expected; they never quote a source's text (it is research data), only
//! element names, GUIDs and numbers.

use std::fmt;

/// A place in an XML entry: 1-based line and column (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file or zip entry (`project.qde`, `codebook.qdc`).
    pub entry: String,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.entry, self.line, self.column)
    }
}

/// Why a file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not a readable .qdpx file: {message}")]
    Zip { message: String },
    #[error("{entry}: missing from the archive; {expected}")]
    MissingEntry { entry: String, expected: String },
    #[error("{entry}: inflates to more than the {limit} bytes allowed; refused (a damaged file or a zip bomb)")]
    TooLarge { entry: String, limit: u64 },
    #[error("{entry}: not UTF-8 text: invalid byte at offset {offset}")]
    Encoding { entry: String, offset: usize },
    #[error("{at}: malformed XML: {message}")]
    Xml { at: Place, message: String },
    #[error("{at}: {message}")]
    Invalid { at: Place, message: String },
    #[error("{at}: {element} refers to {guid}, which is nowhere in the file")]
    Dangling {
        at: Place,
        element: String,
        guid: String,
    },
    #[error("cannot export: {message}")]
    Export { message: String },
}

/// Something an import read but could not keep, or read despite the file
/// breaking a rule. The standard asks importers to say what they discard
/// (section 7), so nothing is dropped without one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// Elements strand does not import (pictures, PDFs, audio, video,
    /// graphs, links between other things), counted by element name.
    Skipped { element: String, count: usize },
    /// A reference to something that was skipped, dropped with it.
    DroppedReference {
        at: Place,
        element: String,
        guid: String,
    },
    /// A text source whose text is not in the file, skipped as asked.
    MissingText { at: Place, source: String },
    /// Two elements with one GUID; the first is kept for references.
    DuplicateGuid { at: Place, guid: String },
    /// The file breaks the schema in a way that does not stop reading it
    /// (an empty `<Sets/>`, a missing `origin`).
    Schema { at: Place, message: String },
    /// Positions were read in a unit other than the standard's.
    Positions { unit: &'static str, reason: String },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::Skipped { element, count } => write!(
                f,
                "{count} {element} element(s) skipped: strand imports text sources only"
            ),
            Warning::DroppedReference { at, element, guid } => write!(
                f,
                "{at}: <{element}> to {guid} dropped: it refers to something that was skipped"
            ),
            Warning::MissingText { at, source } => write!(
                f,
                "{at}: text source {source} skipped: its text is not in the file"
            ),
            Warning::DuplicateGuid { at, guid } => write!(
                f,
                "{at}: GUID {guid} is used twice; references go to its first use"
            ),
            Warning::Schema { at, message } => write!(f, "{at}: {message}"),
            Warning::Positions { unit, reason } => {
                write!(f, "selection positions read as {unit}: {reason}")
            }
        }
    }
}
