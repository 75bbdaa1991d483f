use std::fmt;
use std::path::PathBuf;

/// A problem with a codebook file, located as exactly as the file allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Error {
    pub path: PathBuf,
    /// 1-based line and column, when the problem has a place in the file.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The code the problem belongs to, when it belongs to one.
    pub code: Option<String>,
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Error {
    pub(crate) fn new(path: &std::path::Path, message: impl Into<String>) -> Error {
        Error {
            path: path.to_path_buf(),
            line: None,
            column: None,
            code: None,
            message: message.into(),
            hint: None,
        }
    }

    /// Places the error at byte `offset` of the codebook's `text`.
    pub(crate) fn at(mut self, text: &str, offset: usize) -> Error {
        let before = &text[..offset.min(text.len())];
        self.line = Some(before.matches('\n').count() + 1);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        self.column = Some(before[line_start..].chars().count() + 1);
        self
    }

    pub(crate) fn code(mut self, id: &str) -> Error {
        self.code = Some(id.to_string());
        self
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Error {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Error {
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
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}
