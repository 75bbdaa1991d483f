use std::fmt;
use std::path::PathBuf;

/// A place in an input file, for error messages. Lines and columns are
/// 1-based; columns count Unicode scalar values, as editors do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// Finds the line and column of byte `offset` in `text`.
    pub fn at(path: impl Into<PathBuf>, text: &str, offset: usize) -> Location {
        let (line, column) = crate::text::line_column(text, offset);
        Location {
            path: path.into(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.column)
    }
}

/// Why a transcript or cases file could not be read. Messages never quote
/// the file's content (it is research data), only where the problem is.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not valid text: invalid byte at offset {offset}; save the file as UTF-8 (or UTF-16 with a byte-order mark), or read it with invalid bytes replaced")]
    Encoding { path: PathBuf, offset: usize },
    #[error("{path}: the file is empty; expected speaker turns such as `Interviewer: ...`")]
    Empty { path: PathBuf },
    #[error("{at}: text before the first speaker label; expected a line starting with a label such as `Interviewer:` or `P07:`")]
    Unlabelled { at: Location },
    #[error("{at}: a speaker label with no words after it; expected the turn's text after `:`")]
    EmptyTurn { at: Location },
    #[error("{path}: {message}")]
    Docx { path: PathBuf, message: String },
    #[error("{at}: {message}")]
    Captions { at: Location, message: String },
    #[error("{at}: {message}")]
    Survey { at: Location, message: String },
    #[error("{at}: front matter: {message}")]
    FrontMatter { at: Location, message: String },
    #[error("{at}: {message}")]
    Cases { at: Location, message: String },
    #[error(
        "{path}: no transcripts found; expected `.txt`, `.docx`, `.vtt`, `.srt` or survey `.csv` files in {path}"
    )]
    NoTranscripts { path: PathBuf },
    #[error("{path}: two transcripts have the id `{id}`; file names must be unique")]
    DuplicateDocument { path: PathBuf, id: String },
}
