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

/// A place in a file: the file as the file system names it, and where in
/// it when known, with the text of that line when it could be read (for
/// renderers that show the source line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub(crate) file: PathBuf,
    pub(crate) mark: Option<Mark>,
    pub(crate) line_text: Option<String>,
}

impl Location {
    /// A place in `file`, at `mark` if known.
    pub(crate) fn new(file: impl AsRef<Path>, mark: Option<Mark>) -> Location {
        Location {
            file: file.as_ref().to_path_buf(),
            mark,
            line_text: None,
        }
    }

    /// The file, as the file system names it.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Line and column (1-based), if known.
    pub fn position(&self) -> Option<(usize, usize)> {
        self.mark.map(|m| (m.line, m.column))
    }

    /// The text of the line at [`Location::position`], when it was read.
    pub fn line_text(&self) -> Option<&str> {
        self.line_text.as_deref()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(m) = self.mark {
            write!(f, ":{}:{}", m.line, m.column)?;
        }
        Ok(())
    }
}

/// One step of what strata was doing when an error arose ("accumulating
/// resources"), with the place that led there when there is one (the
/// kustomization entry `patches[0]` at `kustomization.yaml:4:3`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub(crate) what: String,
    pub(crate) at: Option<Location>,
}

impl Frame {
    /// What was being done.
    pub fn what(&self) -> &str {
        &self.what
    }

    /// Where, if this step came from a place in a file.
    pub fn location(&self) -> Option<&Location> {
        self.at.as_ref()
    }
}

impl fmt::Display for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(at) = &self.at {
            write!(f, "{at}: ")?;
        }
        write!(f, "{}", self.what)
    }
}

/// A build error. Displays as `context: file:line:col: context: file:line:col: message`:
/// each step of the context chain, outermost first, with its place when it
/// has one, then the error's own place and message.
#[derive(Clone, Debug)]
pub struct Error {
    pub(crate) kind: ErrorKind,
    /// What went wrong.
    pub(crate) message: String,
    /// The file it concerns, if any (behind a pointer, to keep results small).
    pub(crate) file: Option<Box<OwnFile>>,
    /// Where in that file, if known.
    pub(crate) mark: Option<Mark>,
    /// What was being done, outermost first.
    pub(crate) context: Vec<Frame>,
    /// The underlying error (an I/O error, say), for [`std::error::Error::source`].
    pub(crate) source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// The file an error concerns, as the file system names it, and the text
/// of the line it points at once read.
#[derive(Clone, Debug)]
pub(crate) struct OwnFile {
    pub(crate) path: PathBuf,
    pub(crate) line_text: Option<String>,
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
            self.file = Some(Box::new(OwnFile {
                path: file.as_ref().to_path_buf(),
                line_text: None,
            }));
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

    /// Places an error found in an inline text of the kustomization (a
    /// `patch: |-` block) in the kustomization file: its position in the
    /// text becomes the file's line and column. An error that already has
    /// a file, or no position, is left as it is.
    pub(crate) fn in_embedded(mut self, text: &crate::kustomization::Embedded) -> Error {
        if let (None, Some(m)) = (&self.file, self.mark) {
            self.mark = Some(text.map(m));
            self = self.in_file(&text.file);
        }
        self
    }

    /// Adds an outer context line ("accumulating resources").
    pub(crate) fn context(mut self, what: impl Into<String>) -> Error {
        self.context.insert(
            0,
            Frame {
                what: what.into(),
                at: None,
            },
        );
        self
    }

    /// Adds an outer context step that came from a place in a file: the
    /// kustomization entry (`patches[0]` at `kustomization.yaml:4:3`) that
    /// led to the error. An error without a file of its own is then placed
    /// there (see [`Error::location`]).
    pub(crate) fn entry(mut self, what: impl Into<String>, at: Location) -> Error {
        self.context.insert(
            0,
            Frame {
                what: what.into(),
                at: Some(at),
            },
        );
        self
    }

    /// Reads the text of the lines the error points at (its own place and
    /// each located context step) with `read`, which returns a file's bytes
    /// by the name the error holds. Done once, when a build fails, so
    /// renderers can show the source line without a file system.
    pub(crate) fn fill_source_lines(&mut self, read: &dyn Fn(&Path) -> Option<Vec<u8>>) {
        let line_of = |file: &Path, mark: Option<Mark>| -> Option<String> {
            let m = mark?;
            let bytes = read(file)?;
            let text = String::from_utf8_lossy(&bytes);
            text.lines()
                .nth(m.line.checked_sub(1)?)
                .map(|l| l.trim_end_matches('\r').to_string())
        };
        if let Some(f) = &mut self.file {
            f.line_text = line_of(&f.path, self.mark);
        }
        for frame in &mut self.context {
            if let Some(at) = &mut frame.at {
                at.line_text = line_of(&at.file, at.mark);
            }
        }
    }

    /// Renames every file the error names with `rename` (how the file
    /// system shows a path: `REV:path` for git).
    pub(crate) fn map_files(&mut self, rename: &dyn Fn(&Path) -> PathBuf) {
        if let Some(f) = &mut self.file {
            f.path = rename(&f.path);
        }
        for frame in &mut self.context {
            if let Some(at) = &mut frame.at {
                at.file = rename(&at.file);
            }
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// What went wrong, without file, position or context.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where the error is: its own file and position, else the innermost
    /// context step that has a place (the kustomization entry that led to
    /// it); `None` when nothing in the chain names a file.
    pub fn location(&self) -> Option<Location> {
        match &self.file {
            Some(f) => Some(Location {
                file: f.path.clone(),
                mark: self.mark,
                line_text: f.line_text.clone(),
            }),
            None => self.context.iter().rev().find_map(|c| c.at.clone()),
        }
    }

    /// The file of [`Error::location`], as the file system names it.
    pub fn file(&self) -> Option<&Path> {
        match &self.file {
            Some(f) => Some(&f.path),
            None => self
                .context
                .iter()
                .rev()
                .find_map(|c| c.at.as_ref().map(|a| a.file.as_path())),
        }
    }

    /// The line and column of [`Error::location`], if known (1-based).
    pub fn position(&self) -> Option<(usize, usize)> {
        match (self.mark, &self.file) {
            (Some(m), _) => Some((m.line, m.column)),
            (None, Some(_)) => None,
            (None, None) => self.location().and_then(|l| l.position()),
        }
    }

    /// What strata was doing, outermost first ("accumulating resources"),
    /// each step with its place when it has one.
    pub fn contexts(&self) -> &[Frame] {
        &self.context
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.context {
            write!(f, "{c}: ")?;
        }
        // The file of the error's own place; a place given only by a
        // context step was printed with it.
        if let Some(file) = &self.file {
            write!(f, "{}", file.path.display())?;
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
    /// Adds an outer context step with its place on error (see [`Error::entry`]).
    fn entry(self, what: impl FnOnce() -> String, at: impl FnOnce() -> Location) -> Result<T>;
    /// Sets the file on error.
    fn in_file(self, file: &Path) -> Result<T>;
}

impl<T, E: Into<Error>> ResultExt<T> for std::result::Result<T, E> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| e.into().context(what()))
    }
    fn entry(self, what: impl FnOnce() -> String, at: impl FnOnce() -> Location) -> Result<T> {
        self.map_err(|e| e.into().entry(what(), at()))
    }
    fn in_file(self, file: &Path) -> Result<T> {
        self.map_err(|e| e.into().in_file(file))
    }
}
