use std::path::PathBuf;

/// Why a list could not be read or a screen could not be built.
///
/// Messages never quote list entries or text: a names list holds the real
/// names the screen exists to hide, so errors point at files, lines and
/// entry numbers only.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not valid UTF-8: invalid byte at offset {offset}; save the file as UTF-8")]
    Encoding { path: PathBuf, offset: usize },
    #[error("{path}:{line}: an entry with no letters or digits; expected one name or place per line (`#` starts a comment)")]
    BadEntry { path: PathBuf, line: usize },
    #[error("{list} list, entry {index}: no letters or digits; expected a name or place")]
    EmptyEntry {
        /// `names` or `places`.
        list: &'static str,
        /// 1-based position in the slice given to [`Screen::new`](crate::Screen::new).
        index: usize,
    },
    #[error("the names and places lists are too large to compile: {source}")]
    TooLarge {
        #[source]
        source: aho_corasick::BuildError,
    },
    #[error("unknown kind `{id}`; expected one of email, phone, nhs_number, ni_number, postcode, date_of_birth, url, name, place")]
    UnknownKind { id: String },
}
