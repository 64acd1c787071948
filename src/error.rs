//! The one error type of the library: what kind of failure, a message, where
//! it happened (file, line), what strata was doing (a context chain,
//! outermost first), and the underlying error if there is one.

use crate::yaml::Mark;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What kind of failure an [`Error`] is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading failed for a reason other than absence (permissions, a
    /// corrupt object, an unreadable directory).
    Io,
    /// A file or directory that was named does not exist.
    NotFound,
    /// A file is not well-formed YAML (or JSON).
    Syntax,
    /// A file is well-formed but does not fit its schema (an unknown field,
    /// a wrong type).
    Decode,
    /// The load restrictor refused a path outside the kustomization root.
    Restricted,
    /// Kustomizations include each other in a cycle.
    Cycle,
    /// The input needs a feature strata does not have (helm, exec plugins).
    Unsupported,
    /// Two things collide (resources with one id, conflicting generators,
    /// conflicting patches).
    Conflict,
    /// Anything else kustomize rejects: the input is readable and decodes,
    /// but a build step cannot do what it asks.
    #[default]
    Invalid,
}

/// A build error. Displays as `context: context: file:line:col: message`.
#[derive(Clone, Debug)]
pub struct Error {
    pub(crate) kind: ErrorKind,
    /// What went wrong.
    pub(crate) message: String,
    /// The file it concerns, if any, as the file system names it.
    pub(crate) file: Option<PathBuf>,
    /// Where in that file, if known.
    pub(crate) mark: Option<Mark>,
    /// What was being done, outermost first.
    pub(crate) context: Vec<String>,
    /// The underlying error (an I/O error, say), for [`std::error::Error::source`].
    pub(crate) source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with a message only, of kind [`ErrorKind::Invalid`].
    pub(crate) fn new(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::default(),
            message: message.into(),
            file: None,
            mark: None,
            context: Vec::new(),
            source: None,
        }
    }

    /// An error of a given kind.
    pub(crate) fn of(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            ..Error::new(message)
        }
    }

    /// An error reading a file: [`ErrorKind::NotFound`] for absence,
    /// [`ErrorKind::Io`] otherwise; `e` is kept as the source.
    pub(crate) fn io(message: impl Into<String>, e: std::io::Error) -> Error {
        let kind = if e.kind() == std::io::ErrorKind::NotFound {
            ErrorKind::NotFound
        } else {
            ErrorKind::Io
        };
        Error {
            source: Some(Arc::new(e)),
            ..Error::of(kind, message)
        }
    }

    /// The error for a plugin config that is not a builtin one (exec, Go or
    /// KRM-function plugins): kustomize's words, and what strata does instead.
    pub(crate) fn external_plugin(api_version: &str, kind: &str) -> Error {
        Error::of(ErrorKind::Unsupported, format!(
            "external plugins disabled; unable to load external plugin '{kind}' (apiVersion '{api_version}'); strata runs builtin plugins only (apiVersion: builtin), not exec or KRM-function plugins"
        ))
    }

    /// Sets the file, unless one is already set (the innermost file wins).
    pub(crate) fn in_file(mut self, file: impl AsRef<Path>) -> Error {
        if self.file.is_none() {
            self.file = Some(file.as_ref().to_path_buf());
        }
        self
    }

    /// Sets the position, unless one is already set.
    pub(crate) fn at(mut self, mark: Option<Mark>) -> Error {
        if self.mark.is_none() {
            self.mark = mark;
        }
        self
    }

    /// Adds an outer context line ("accumulating resources").
    pub(crate) fn context(mut self, what: impl Into<String>) -> Error {
        self.context.insert(0, what.into());
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// What went wrong, without file, position or context.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The file the error concerns, if any, as the file system names it.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The line and column in [`Error::file`], if known (1-based).
    pub fn position(&self) -> Option<(usize, usize)> {
        self.mark.map(|m| (m.line, m.column))
    }

    /// What strata was doing, outermost first ("accumulating resources").
    pub fn contexts(&self) -> &[String] {
        &self.context
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

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<crate::yaml::ParseError> for Error {
    fn from(e: crate::yaml::ParseError) -> Error {
        Error::of(ErrorKind::Syntax, e.message).at(e.mark)
    }
}

impl From<crate::yaml::EmitError> for Error {
    fn from(e: crate::yaml::EmitError) -> Error {
        Error::new(e.0)
    }
}

/// Attaches context to results.
pub(crate) trait ResultExt<T> {
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
