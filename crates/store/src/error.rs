use std::path::PathBuf;

/// What can go wrong with a project store. Messages name segment ids, code
/// ids and coders, never transcript text.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: not a strand project (no {file}); create one with `strand init`", file = crate::DB_FILE)]
    NotAProject { path: PathBuf },
    #[error("{path}: already a strand project")]
    AlreadyAProject { path: PathBuf },
    #[error("{path}: the project was written by a newer strand (schema {found}; this strand reads {supported})")]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("the project's database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Transcript(#[from] strand_transcript::Error),
    #[error("{0}")]
    Codebook(Box<strand_codebook::Error>),
    #[error("no segment `{segment}` in the project{}", hint.as_deref().map(|h| format!("; {h}")).unwrap_or_default())]
    UnknownSegment {
        segment: String,
        hint: Option<String>,
    },
    #[error("no document `{document}` in the project")]
    UnknownDocument { document: String },
    #[error("no code `{code}` in the project's codebook{}", similar.as_deref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    UnknownCode {
        code: String,
        similar: Option<String>,
    },
    #[error("`{segment}` is not coded `{code}` by {coder}")]
    NotCoded {
        segment: String,
        code: String,
        coder: String,
    },
    #[error("code `{code}` already exists")]
    CodeExists { code: String },
    #[error("code `{code}` has {codings} coding(s); deleting it deletes them too: add --force (it can be undone with `strand undo`)")]
    CodeHasCodings { code: String, codings: usize },
    #[error("cannot move `{code}` under itself or its own descendant `{parent}`")]
    MoveIntoItself { code: String, parent: String },
    #[error("cannot merge `{code}` into itself or its own descendant `{into}`")]
    MergeIntoItself { code: String, into: String },
    #[error("the project's codebook cannot be edited: {0}")]
    CodebookEdit(String),
    #[error("nothing to undo")]
    NothingToUndo,
    #[error("agreement needs at least two coders; got {0}")]
    TooFewCoders(usize),
    #[error("a coder's name may not be empty or start with `auto` (reserved for automatic coding): `{0}`")]
    BadCoder(String),
}

impl From<strand_codebook::Error> for Error {
    fn from(e: strand_codebook::Error) -> Error {
        Error::Codebook(Box::new(e))
    }
}
