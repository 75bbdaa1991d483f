use std::fmt;
use std::path::PathBuf;

/// A problem with a codebook file, located as exactly as the file allows.
/// Boxed, so that `Result<_, Error>` stays small on the happy path; read
/// its parts through [`Diagnostic`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Error(Box<Diagnostic>);

impl std::ops::Deref for Error {
    type Target = Diagnostic;
    fn deref(&self) -> &Diagnostic {
        &self.0
    }
}

/// The parts of a codebook [`Error`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: PathBuf,
    /// 1-based line and column, when the problem has a place in the file.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The code the problem belongs to, when it belongs to one.
    pub code: Option<String>,
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// The line of the codebook the problem is on, shown under the message
    /// with a caret at the column (codebooks are not research data, so
    /// quoting them is safe).
    pub source_line: Option<String>,
}

impl Error {
    pub(crate) fn new(path: &std::path::Path, message: impl Into<String>) -> Error {
        Error(Box::new(Diagnostic {
            path: path.to_path_buf(),
            line: None,
            column: None,
            code: None,
            message: message.into(),
            hint: None,
            source_line: None,
        }))
    }

    /// Places the error at byte `offset` of the codebook's `text`.
    pub(crate) fn at(mut self, text: &str, offset: usize) -> Error {
        let before = &text[..offset.min(text.len())];
        self.0.line = Some(before.matches('\n').count() + 1);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        self.0.column = Some(before[line_start..].chars().count() + 1);
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        self.0.source_line = Some(
            text[line_start..line_end]
                .trim_end_matches('\r')
                .to_string(),
        );
        self
    }

    pub(crate) fn set_place(&mut self, line: usize, column: usize) {
        self.0.line = Some(line);
        self.0.column = Some(column);
    }

    pub(crate) fn code(mut self, id: &str) -> Error {
        self.0.code = Some(id.to_string());
        self
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Error {
        self.0.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": ")?;
        if let Some(code) = &self.code {
            write!(f, "code `{code}`: ")?;
        }
        write!(f, "{}", self.message)?;
        if let (Some(source), Some(line), Some(column)) =
            (&self.source_line, self.line, self.column)
        {
            let number = line.to_string();
            let pad = " ".repeat(number.len());
            write!(
                f,
                "\n{pad} |\n{number} | {source}\n{pad} | {}^",
                " ".repeat(column - 1)
            )?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}
