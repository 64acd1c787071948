//! How the command line shows errors on stderr: as text, the first line
//! `error: ` and the whole one-line message (contexts, `file:line:col`,
//! message), then the source lines it points at with a caret
//! (codespan-reporting), coloured when asked or when stderr is a terminal;
//! or as JSON, one object per error, for tools (`--error-format json`; the
//! shape is documented in the README).

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor, Chars, Config};
use std::io::Write;
use std::path::Path;
use strata::{Error, ErrorKind, Location};

/// How errors are shown, from the global flags.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// ANSI colours in the text form.
    pub color: bool,
    /// One JSON object per error instead of text.
    pub json: bool,
}

/// Prints a library error of the build of `root` (named when there are
/// several roots).
pub fn error(style: Style, root: Option<&Path>, e: &Error) {
    let text = if style.json {
        json(root, e)
    } else {
        text(style.color, root, e)
    };
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Prints an error the command line itself found (a bad argument, an
/// output that cannot be written), of `kind`.
pub fn message(style: Style, kind: &str, message: &str) {
    let text = if style.json {
        let v = serde_json::json!({
            "kind": kind,
            "message": message,
            "root": null,
            "file": null,
            "line": null,
            "column": null,
            "contexts": [],
            "text": message,
        });
        format!("{v}\n")
    } else {
        line(&format!("error: {message}"))
    };
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// `s` ending in one newline (like kubectl: none added when the message
/// ends a line itself).
fn line(s: &str) -> String {
    if s.ends_with('\n') {
        s.to_string()
    } else {
        format!("{s}\n")
    }
}

/// The name of an error kind in the JSON form.
fn kind_name(k: ErrorKind) -> &'static str {
    match k {
        ErrorKind::Io => "io",
        ErrorKind::NotFound => "not_found",
        ErrorKind::Syntax => "syntax",
        ErrorKind::Decode => "decode",
        ErrorKind::Restricted => "restricted",
        ErrorKind::Cycle => "cycle",
        ErrorKind::Unsupported => "unsupported",
        ErrorKind::Conflict => "conflict",
        _ => "invalid",
    }
}

/// `file`, `line`, `column` of a place (nulls for none).
fn place(at: Option<&Location>) -> [serde_json::Value; 3] {
    let file = at.map(|l| l.file().display().to_string());
    let pos = at.and_then(|l| l.position());
    [
        file.into(),
        pos.map(|p| p.0).into(),
        pos.map(|p| p.1).into(),
    ]
}

fn json(root: Option<&Path>, e: &Error) -> String {
    let at = e.location();
    let [file, line, column] = place(at.as_ref());
    let contexts: Vec<serde_json::Value> = e
        .contexts()
        .iter()
        .map(|c| {
            let [file, line, column] = place(c.location());
            serde_json::json!({"what": c.what(), "file": file, "line": line, "column": column})
        })
        .collect();
    let v = serde_json::json!({
        "kind": kind_name(e.kind()),
        "message": e.message(),
        "root": root.map(|r| r.display().to_string()),
        "file": file,
        "line": line,
        "column": column,
        "contexts": contexts,
        "text": e.to_string(),
    });
    format!("{v}\n")
}

fn text(color: bool, root: Option<&Path>, e: &Error) -> String {
    let root = root
        .map(|r| format!("{}: ", r.display()))
        .unwrap_or_default();
    let head = format!("{root}{e}");
    // The places with a source line: the error's own (primary), then the
    // kustomization entries that led there, innermost first.
    let own = e.location();
    let mut places: Vec<(Location, Option<String>)> = Vec::new();
    if let Some(l) = &own {
        places.push((l.clone(), None));
    }
    for c in e.contexts().iter().rev() {
        if let Some(l) = c.location() {
            if own.as_ref() != Some(l) {
                places.push((l.clone(), Some(c.what().to_string())));
            }
        }
    }
    let mut files = SimpleFiles::new();
    let mut labels = Vec::new();
    for (i, (at, what)) in places.iter().enumerate() {
        let (Some((line, column)), Some(src)) = (at.position(), at.line_text()) else {
            continue;
        };
        // A file of the one line, at its own line number: the renderer
        // needs no more of the source.
        let start = line.saturating_sub(1);
        let byte = src
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(src.len(), |(b, _)| b);
        let id = files.add(
            at.file().display().to_string(),
            format!("{}{src}", "\n".repeat(start)),
        );
        let caret = start + byte..start + (byte + 1).min(src.len()).max(byte);
        let label = if i == 0 && own.is_some() {
            Label::primary(id, caret)
        } else {
            Label::secondary(id, caret)
        };
        labels.push(match what {
            Some(w) => label.with_message(format!("from {w}")),
            None => label,
        });
    }
    if labels.is_empty() {
        return line(&format!("error: {head}"));
    }
    let diagnostic = Diagnostic::error()
        .with_message(head.trim_end())
        .with_labels(labels);
    let mut config = Config::default();
    if !color {
        config.chars = Chars::ascii();
    }
    let rendered = if color {
        let mut buf = termcolor::Buffer::ansi();
        term::emit_to_write_style(&mut buf, &config, &files, &diagnostic)
            .ok()
            .map(|()| String::from_utf8_lossy(buf.as_slice()).into_owned())
    } else {
        term::emit_into_string(&config, &files, &diagnostic).ok()
    };
    rendered.unwrap_or_else(|| line(&format!("error: {head}")))
}
