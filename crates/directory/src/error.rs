use std::fmt;
use std::path::PathBuf;

/// Where in a directory file a problem is: file, line and, when it lies in
/// one cell, the column by number and header name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: PathBuf,
    /// 1-based line of the row (the header is line 1).
    pub line: u64,
    /// 1-based column number and the column's header name.
    pub column: Option<(usize, String)>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)?;
        if let Some((n, name)) = &self.column {
            write!(f, ": column {n} ({name})")?;
        }
        Ok(())
    }
}

/// What is wrong at a [`Place`].
///
/// Values are quoted in messages: the directory is a catalogue of courses,
/// not research data, so showing the offending cell is safe and helps.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("missing column `{column}`; the columns are: {expected}")]
    MissingColumn { column: String, expected: String },
    #[error("unknown column `{column}`; the columns are: {expected}")]
    UnknownColumn { column: String, expected: String },
    #[error("column `{column}` appears twice")]
    DuplicateColumn { column: String },
    #[error("this is empty; it must be given")]
    Missing,
    #[error("`{found}` is not a cost: expected pounds, such as 0, 250 or 1200.50")]
    BadCost { found: String },
    #[error("`{found}` is not an Agenda for Change band: expected 1 to 7, 8a to 8d or 9")]
    UnknownBand { found: String },
    #[error("unknown theme `{found}`: no code with that id in the codebook{}", suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default())]
    UnknownTheme {
        found: String,
        suggestion: Option<String>,
    },
    #[error("`{found}` is not a KSF dimension: expected a core dimension C1 to C6 or a specific one (HWB1-HWB10, EF1-EF3, IK1-IK3, G1-G8)")]
    UnknownKsf { found: String },
    #[error(
        "`{found}` is not a qualification level: expected `none`, `entry` or an RQF level 1 to 8"
    )]
    BadLevel { found: String },
    #[error("`{found}` is not allowed here: expected one of {allowed}")]
    NotOneOf { found: String, allowed: String },
    #[error("unknown Trust `{found}`: the cases name {known}; use one of them, or `external` for provision open to every Trust")]
    UnknownTrust { found: String, known: String },
    #[error("duplicate id `{id}`: already used at {first}")]
    DuplicateId { id: String, first: String },
    #[error("theme `{theme}` is listed twice; first at line {first_line}")]
    DuplicateTheme { theme: String, first_line: u64 },
    #[error("{0}")]
    CostAndPayer(String),
    #[error("{0}")]
    BadRow(String),
}

/// One problem with the directory.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: no opportunities: expected one or more `*.csv` files in this folder", dir.display())]
    NoOpportunities { dir: PathBuf },
    #[error("{place}: {problem}")]
    Invalid { place: Place, problem: Problem },
}

/// Every problem found in a directory, in file and line order, so an
/// education lead can fix a spreadsheet in one pass rather than one error
/// per run.
#[derive(Debug, thiserror::Error)]
pub struct Errors(pub Vec<Error>);

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        if n > 1 {
            writeln!(f, "{n} problems in the learning-opportunity directory:")?;
        }
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            if n > 1 {
                write!(f, "  ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::ops::Deref for Errors {
    type Target = [Error];
    fn deref(&self) -> &[Error] {
        &self.0
    }
}

impl From<Error> for Errors {
    fn from(e: Error) -> Errors {
        Errors(vec![e])
    }
}
