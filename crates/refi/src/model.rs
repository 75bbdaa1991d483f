//! The exchange model: what a REFI-QDA codebook or project carries, as
//! plain data.
//!
//! It follows the standard's own shape (codes in a tree, selections inside
//! their source, codings inside their selection) rather than strand's, so
//! that nothing a file says is lost between reading and writing it, and so
//! that any store can convert to and from it without knowing XML.
//! Positions are always Unicode code points, end exclusive, over
//! [`Source::text`]: whatever unit a file counted in is converted on import.

use crate::Guid;

/// A `.qdc` file: a codebook on its own.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CodeBook {
    /// The program that wrote the file. On export strand writes its own
    /// name and version, whatever this says.
    pub origin: String,
    pub codes: Vec<Code>,
    pub sets: Vec<Set>,
}

/// A `.qdpx` project.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Project {
    pub name: String,
    /// The program that wrote the file (see [`CodeBook::origin`]).
    pub origin: String,
    pub description: Option<String>,
    /// The people (and programs) who coded.
    pub users: Vec<User>,
    /// The code tree.
    pub codes: Vec<Code>,
    /// Case attributes' definitions.
    pub variables: Vec<Variable>,
    pub cases: Vec<Case>,
    /// Text sources: transcripts and other documents.
    pub sources: Vec<Source>,
    /// Memos.
    pub notes: Vec<Note>,
    pub sets: Vec<Set>,
    /// Notes about the project as a whole (the project's `NoteRef`s).
    pub project_notes: Vec<Guid>,
}

/// A coder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub guid: Guid,
    pub name: String,
    /// A short id or initials, where the program keeps one (NVivo does).
    pub id: Option<String>,
}

/// A code and its sub-codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    pub guid: Guid,
    pub name: String,
    pub description: Option<String>,
    /// `#rrggbb` (or `#rgb`, as the schema allows).
    pub colour: Option<String>,
    /// False for a folder that only groups other codes.
    pub codable: bool,
    pub children: Vec<Code>,
}

impl Code {
    /// This code and every code under it, parents first.
    pub fn walk(&self) -> Vec<&Code> {
        let mut out = vec![self];
        for c in &self.children {
            out.extend(c.walk());
        }
        out
    }
}

/// Every code of a tree, parents first.
pub fn all_codes(codes: &[Code]) -> Vec<&Code> {
    codes.iter().flat_map(Code::walk).collect()
}

/// A variable's type, as the standard names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum VariableType {
    Text,
    Boolean,
    Integer,
    Float,
    Date,
    DateTime,
}

impl VariableType {
    pub fn as_str(self) -> &'static str {
        match self {
            VariableType::Text => "Text",
            VariableType::Boolean => "Boolean",
            VariableType::Integer => "Integer",
            VariableType::Float => "Float",
            VariableType::Date => "Date",
            VariableType::DateTime => "DateTime",
        }
    }

    pub fn parse(s: &str) -> Option<VariableType> {
        Some(match s.trim() {
            "Text" => VariableType::Text,
            "Boolean" => VariableType::Boolean,
            "Integer" => VariableType::Integer,
            "Float" => VariableType::Float,
            "Date" => VariableType::Date,
            "DateTime" => VariableType::DateTime,
            _ => return None,
        })
    }

    /// The element a value of this type is written in (`IntegerValue`).
    pub fn value_element(self) -> &'static str {
        match self {
            VariableType::Text => "TextValue",
            VariableType::Boolean => "BooleanValue",
            VariableType::Integer => "IntegerValue",
            VariableType::Float => "FloatValue",
            VariableType::Date => "DateValue",
            VariableType::DateTime => "DateTimeValue",
        }
    }
}

/// A case attribute (`trust`, `band`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    pub guid: Guid,
    pub name: String,
    pub kind: VariableType,
    pub description: Option<String>,
}

/// One variable's value for a case or source.
///
/// The value is kept as written (`3`, `true`, `2024-01-15`) rather than
/// parsed, so that it reads back exactly as it went out; the variable's
/// type says how to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableValue {
    pub variable: Guid,
    pub value: String,
}

/// A participant (or any unit of analysis) and what belongs to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub guid: Guid,
    pub name: String,
    pub description: Option<String>,
    /// Codes applied to the case as a whole.
    pub codes: Vec<Guid>,
    pub values: Vec<VariableValue>,
    /// Sources that belong to the case (a participant's interviews).
    pub sources: Vec<Guid>,
    /// Selections that belong to the case (a participant's turns in a
    /// group interview).
    pub selections: Vec<Guid>,
}

/// A text source: one document's plain text and the codings on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub guid: Guid,
    pub name: String,
    /// The text exactly as written to the `.qdpx`'s `sources/` folder (and
    /// read back from it, without a byte-order mark): every position
    /// counts code points in it.
    pub text: String,
    pub description: Option<String>,
    pub creator: Option<Guid>,
    pub selections: Vec<Selection>,
    /// Codes applied to the whole source.
    pub codings: Vec<Coding>,
    /// Attribute values of the source itself.
    pub values: Vec<VariableValue>,
}

impl Source {
    /// Byte ranges of the selections in [`Source::text`], in selection
    /// order (one pass over the text for all of them); `None` when one
    /// falls outside it.
    pub fn selection_bytes(&self) -> Option<Vec<std::ops::Range<usize>>> {
        let points: Vec<usize> = self
            .selections
            .iter()
            .flat_map(|s| [s.start, s.end])
            .collect();
        let bytes = crate::positions::code_points_to_bytes(&self.text, &points)?;
        bytes
            .chunks(2)
            .map(|b| (b[0] <= b[1]).then_some(b[0]..b[1]))
            .collect()
    }
}

/// A span of a source's text, with the codings made on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub guid: Guid,
    pub name: Option<String>,
    /// Code points from the start of [`Source::text`], end exclusive.
    pub start: usize,
    pub end: usize,
    pub description: Option<String>,
    pub creator: Option<Guid>,
    pub codings: Vec<Coding>,
}

impl Selection {
    /// The selected text, or `None` when the positions fall outside `text`.
    pub fn text<'t>(&self, text: &'t str) -> Option<&'t str> {
        let bytes = crate::positions::code_points_to_bytes(text, &[self.start, self.end])?;
        (bytes[0] <= bytes[1]).then(|| &text[bytes[0]..bytes[1]])
    }
}

/// One code applied (to a selection, or to a whole source) by one coder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coding {
    pub guid: Guid,
    pub code: Guid,
    pub creator: Option<Guid>,
}

/// A memo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub guid: Guid,
    pub name: String,
    pub text: String,
    pub description: Option<String>,
    pub creator: Option<Guid>,
    /// What the memo is about: codes, sources, selections, codings or
    /// cases, sorted. The standard attaches a note from the other end (a
    /// `NoteRef` inside the element it annotates, or a `Link` for a case),
    /// but a memo that lists its subjects is what a researcher (and a
    /// store) works with; export and import move the references across.
    pub references: Vec<Guid>,
}

/// A named group of codes, sources and notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Set {
    pub guid: Guid,
    pub name: String,
    pub description: Option<String>,
    pub codes: Vec<Guid>,
    pub sources: Vec<Guid>,
    pub notes: Vec<Guid>,
}
