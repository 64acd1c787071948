//! The one error type of the library: a message, where it happened (file,
//! line), and what strata was doing (a context chain, outermost first).

use crate::yaml::Mark;
use std::fmt;
use std::path::{Path, PathBuf};

/// A build error. Displays as `context: context: file:line:col: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// What went wrong.
    pub message: String,
    /// The file it concerns, if any.
    pub file: Option<PathBuf>,
    /// Where in that file, if known.
    pub mark: Option<Mark>,
    /// What was being done, outermost first.
    pub context: Vec<String>,
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with a message only.
    pub fn new(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            file: None,
            mark: None,
            context: Vec::new(),
        }
    }

    /// Sets the file, unless one is already set (the innermost file wins).
    pub fn in_file(mut self, file: impl AsRef<Path>) -> Error {
        if self.file.is_none() {
            self.file = Some(file.as_ref().to_path_buf());
        }
        self
    }

    /// Sets the position, unless one is already set.
    pub fn at(mut self, mark: Option<Mark>) -> Error {
        if self.mark.is_none() {
            self.mark = mark;
        }
        self
    }

    /// Adds an outer context line ("accumulating resources").
    pub fn context(mut self, what: impl Into<String>) -> Error {
        self.context.insert(0, what.into());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.context {
            write!(f, "{c}: ")?;
        }
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Some(m) = self.mark {
                write!(f, ":{}:{}", m.line, m.column)?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for Error {}

impl From<crate::yaml::ParseError> for Error {
    fn from(e: crate::yaml::ParseError) -> Error {
        Error::new(e.message).at(e.mark)
    }
}

impl From<crate::yaml::EmitError> for Error {
    fn from(e: crate::yaml::EmitError) -> Error {
        Error::new(e.0)
    }
}

/// Attaches context to results.
pub trait ResultExt<T> {
    /// Adds an outer context line on error.
    fn context(self, what: impl FnOnce() -> String) -> Result<T>;
    /// Sets the file on error.
    fn in_file(self, file: &Path) -> Result<T>;
}

impl<T, E: Into<Error>> ResultExt<T> for std::result::Result<T, E> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| e.into().context(what()))
    }
    fn in_file(self, file: &Path) -> Result<T> {
        self.map_err(|e| e.into().in_file(file))
    }
}
