//! YAML parsing: events from libyaml-safer, built into [`Value`]s with
//! go-yaml v3's scalar resolution, anchors expanded, merge keys applied.
//!
//! kustomize reads each document with go-yaml v3 into nodes and then
//! de-anchors them (aliases become copies, `<<` merge keys are expanded), so
//! this module does the same in one pass over the event stream: a stack of
//! open collections, each completed node handed to its parent.
//!
//! Two entry points: [`parse_documents`] reads a YAML stream as go-yaml's
//! decoder does; [`Document::read_resources`] reads a resource file as
//! kustomize's `kio.ByteReader` does (its own `---` splitting, one document
//! per piece). Errors carry go-yaml's or kyaml's text (see
//! [`ParseErrorKind`] for how kustomize wraps each kind); errors kustomize
//! only finds after reading (duplicate keys, bad tags) yield to syntax
//! errors anywhere in the text, as they do there. Alias expansion is
//! bounded (a "billion laughs" document fails fast), and so is nesting
//! (go-yaml's 10000 levels).

mod fast;
mod go_tags;
mod resolve;

pub use fast::fast_reader_takes;
pub(crate) use resolve::flow_quotes_plain;
pub use resolve::resolve_plain;

use super::gostr::strconv::quote;
use super::{Map, Scalar, Tag, Value};
use base64::Engine as _;
use libyaml_safer::{Event, EventData, MappingStyle, Parser, ScalarStyle, SequenceStyle};
use std::borrow::Cow;
use std::collections::HashMap;

/// A position in a source file, 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Mark {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

impl Mark {
    fn from_lib(m: libyaml_safer::Mark) -> Mark {
        Mark {
            line: m.line as usize + 1,
            column: m.column as usize + 1,
        }
    }
}

/// Positions of the nodes of one document, keyed by their path: segments
/// (mapping keys, sequence indices) each preceded by `/`; the root is `""`.
///
/// Keys are escaped as in a JSON pointer (RFC 6901): `~` as `~0`, `/` as
/// `~1`, so `metadata.annotations["a.io/b"]` is `/metadata/annotations/a.io~1b`.
/// [`Document::mark_at`] builds the path from plain segments.
pub type Marks = HashMap<String, Mark>;

/// Appends one escaped path segment (a mapping key or a sequence index) to
/// a [`Marks`] path.
pub fn push_segment(path: &mut String, segment: &str) {
    path.push('/');
    for c in segment.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

/// The [`Marks`] path of a list of segments (`["spec", "0", "name"]` →
/// `/spec/0/name`).
pub fn pointer<S: AsRef<str>>(segments: &[S]) -> String {
    let mut p = String::new();
    for s in segments {
        push_segment(&mut p, s.as_ref());
    }
    p
}

/// Options for [`parse_documents`].
#[derive(Clone, Debug, Default)]
pub struct ParseOptions {
    /// Record the position of every node in [`Document::marks`].
    pub record_marks: bool,
    /// What a key repeated in one mapping does.
    pub duplicate_keys: DuplicateKeys,
    /// Also refuse aliasing the way go-yaml's decoder does (when alias
    /// copies outweigh the nodes written, see [`go_excessive_aliasing`]):
    /// kustomize reads kustomization files through it, so it refuses
    /// there what strata would otherwise expand.
    pub go_alias_ratio: bool,
}

/// What the parser does with a key repeated in one mapping.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DuplicateKeys {
    /// A [`ParseErrorKind::DuplicateKey`] error (go-yaml v3, how kustomize
    /// reads resources).
    #[default]
    Error,
    /// The last entry wins and takes the later key's place (go-yaml v2's
    /// non-strict `Unmarshal`, how kustomize reads kustomization files).
    KeepLast,
}

/// A mapping key that go-yaml v3 would not type as a string (`1: x`,
/// `true: x`, `null: x`, `2001-12-14: x`). The key is stored in the
/// mapping under its text; this records what the caller needs to fail the
/// way kustomize does.
///
/// Oracle (kustomize v5.8.1): such a resource is read fine but fails when it
/// is written out. For int, bool, float and timestamp keys the error is
/// Go's `json: unsupported type: map[interface {}]interface {}`, prefixed
/// with a Go `%#v` dump of the whole object (`error: map[string]interface
/// {}{"apiVersion":"v1", "data":map[interface {}]interface {}{1:"x"}, …}:
/// json: unsupported type: map[interface {}]interface {}`). A null key
/// (`null: x`, `~: x`) instead fails with `map[string]interface {}(nil):
/// yaml: unmarshal errors:\n  line N: mapping key "null" already defined
/// at line M` (kustomize duplicates the key internally). Quoted keys
/// (`"1": x`) and `!!str 1: x` are plain strings and work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NonStringKey {
    /// The [`Marks`] path of the mapping holding the key (empty unless
    /// [`ParseOptions::record_marks`] was set).
    pub map_path: String,
    /// The key's text as written (`1`, `true`, `~`).
    pub text: String,
    /// What v3 resolved it to (never [`Tag::Str`]).
    pub tag: Tag,
    /// Where the key is.
    pub mark: Mark,
}

/// One document of a stream.
#[derive(Clone, Debug)]
pub struct Document {
    /// The document's root value (null for an empty document).
    pub value: Value,
    /// Node positions, when [`ParseOptions::record_marks`] was set.
    pub marks: Option<Marks>,
    /// Where the document starts.
    pub start: Mark,
    /// Mapping keys that are not strings for go-yaml v3 (see the type's
    /// docs for what kustomize does with them). Empty for almost every
    /// document.
    pub non_string_keys: Vec<NonStringKey>,
}

impl Document {
    /// The recorded position of the node at a path of segments (mapping
    /// keys, sequence indices as text); `None` without recorded marks.
    pub fn mark_at<S: AsRef<str>>(&self, segments: &[S]) -> Option<Mark> {
        self.marks.as_ref()?.get(&pointer(segments)).copied()
    }
}

/// What kind of failure a [`ParseError`] is, so callers can wrap it the
/// way kustomize does (it reports these from different places). Oracle
/// wrappers, for a resource file `r.yaml`:
/// * [`Syntax`](Self::Syntax), [`Encoding`](Self::Encoding): `accumulating
///   resources from 'r.yaml': MalformedYAMLError: {message} in File: r.yaml`;
/// * [`Merge`](Self::Merge), [`Separator`](Self::Separator): `accumulation
///   err='accumulating resources from 'r.yaml': {message}': must build at
///   directory: …`;
/// * [`DuplicateKey`](Self::DuplicateKey), [`Tag`](Self::Tag),
///   [`InvalidKey`](Self::InvalidKey): found when the resource is written
///   out: `map[string]interface {}(nil): {message}`;
/// * [`Aliasing`](Self::Aliasing): ours (kustomize just hangs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// Malformed YAML, from the scanner or parser (kustomize:
    /// `MalformedYAMLError: yaml: line 6: did not find expected key in
    /// File: r.yaml`). Unknown anchors are reported this way too.
    Syntax,
    /// Bytes libyaml's reader refuses: invalid UTF-8 (`yaml: invalid
    /// leading UTF-8 octet`, …) or control characters (`yaml: control
    /// characters are not allowed`). go-yaml prints no line for these.
    Encoding,
    /// A key appears twice in one mapping. kustomize reports it when it
    /// writes the resource out: `map[string]interface {}(nil): yaml:
    /// unmarshal errors:\n  line 8: mapping key "a" already defined at
    /// line 6`.
    DuplicateKey,
    /// A bad `<<` merge (kyaml's `map merge requires map or sequence of
    /// maps as the value`, `duplicate merge key`).
    Merge,
    /// A scalar whose explicit tag does not fit its text (`!!int abc`:
    /// ``yaml: cannot decode !!str `abc` as a !!int``), or bad `!!binary`.
    Tag,
    /// Too many nodes created by aliases (a "billion laughs" document).
    Aliasing,
    /// A mapping key that is a sequence or mapping.
    InvalidKey,
    /// A `---` line with more than a comment after it, in
    /// [`Document::read_resources`] (kustomize: `invalid document
    /// separator: ---foo`).
    Separator,
}

/// A YAML syntax or structure error.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// go-yaml's error text, `yaml: ` prefix included, with go-yaml's own
    /// line number where it prints one (`yaml: line 6: did not find
    /// expected key`). go-yaml's line is sometimes the line of the
    /// enclosing construct; [`ParseError::mark`] is the exact spot.
    pub message: String,
    /// Where the problem is, when known.
    pub mark: Option<Mark>,
    /// The kind of failure.
    pub kind: ParseErrorKind,
}

impl ParseError {
    /// Whether kustomize reports this as `MalformedYAMLError` while reading
    /// (syntax and encoding errors, unknown anchors).
    pub fn is_malformed_yaml(&self) -> bool {
        matches!(self.kind, ParseErrorKind::Syntax | ParseErrorKind::Encoding)
    }

    /// Whether kustomize only meets this error when it writes the resource
    /// out (duplicate keys, tags that do not fit, collection keys), where it
    /// prefixes `map[string]interface {}(nil): `.
    pub fn is_output_error(&self) -> bool {
        matches!(
            self.kind,
            ParseErrorKind::DuplicateKey | ParseErrorKind::Tag | ParseErrorKind::InvalidKey
        )
    }

    fn new(kind: ParseErrorKind, message: impl Into<String>, mark: Option<Mark>) -> ParseError {
        ParseError {
            message: message.into(),
            mark,
            kind,
        }
    }
}

/// Parses a multi-document YAML stream.
///
/// Every document of the stream becomes a [`Document`], including empty
/// ones (value null; callers skip them). A UTF-8 byte-order mark at the
/// start is accepted. Line numbers in error messages count from the start
/// of `src`, as go-yaml's decoder does for a stream.
///
/// kustomize reads resource files differently (it splits them at `---`
/// lines itself and reads one document per piece): use
/// [`Document::read_resources`] for those.
pub fn parse_documents(src: &[u8], opts: &ParseOptions) -> Result<Vec<Document>, ParseError> {
    match parse_stream(src, opts, false)? {
        (_, Some(deferred)) => Err(deferred),
        (docs, None) => Ok(docs),
    }
}

impl Document {
    /// Reads a resource file the way kustomize's `kio.ByteReader` does,
    /// which is not quite a YAML stream:
    /// * every `\r\n` becomes `\n` first;
    /// * the text is split at each line starting with `---` (after a line
    ///   break, so not at the very start); anything after the dashes other
    ///   than blanks or a `#` comment fails with `invalid document
    ///   separator: ---foo`. A separator line directly after another is not
    ///   split on (the first consumed the line break); go-yaml then sees it
    ///   as a document start;
    /// * only the *first* YAML document of each piece is read (oracle:
    ///   `a: 1\n...\nb: 2` yields one resource, garbage after `...` is
    ///   never looked at), and pieces holding no document or a null one
    ///   are dropped.
    ///
    /// Marks are positions in `src`; line numbers in error messages count
    /// from the start of the piece, as kustomize prints them.
    pub fn read_resources(src: &[u8], opts: &ParseOptions) -> Result<Vec<Document>, ParseError> {
        let normalised;
        let src = if find_byte(b'\r', src).is_some() && src.windows(2).any(|w| w == b"\r\n") {
            normalised = crlf_to_lf(src);
            &normalised[..]
        } else {
            src
        };
        let mut docs = Vec::new();
        let mut first_deferred = None;
        for (piece, line_offset) in split_documents(src)? {
            let shift = |mut m: Mark| {
                m.line += line_offset;
                m
            };
            let shift_err = |mut e: ParseError| {
                e.mark = e.mark.map(shift);
                e
            };
            let (mut found, deferred) = parse_stream(&piece, opts, true).map_err(shift_err)?;
            if first_deferred.is_none() {
                first_deferred = deferred.map(shift_err);
            }
            let Some(mut doc) = found.pop() else { continue };
            if doc.value.is_null() {
                continue;
            }
            if line_offset != 0 {
                doc.start = shift(doc.start);
                if let Some(marks) = &mut doc.marks {
                    marks.values_mut().for_each(|m| *m = shift(*m));
                }
                for k in &mut doc.non_string_keys {
                    k.mark = shift(k.mark);
                }
            }
            docs.push(doc);
        }
        match first_deferred {
            Some(e) => Err(e),
            None => Ok(docs),
        }
    }
}

fn crlf_to_lf(src: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(src.len());
    let mut i = 0;
    while i < src.len() {
        if src[i] == b'\r' && src.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(src[i]);
        i += 1;
    }
    out
}

/// A piece of a resource file and the number of lines before it.
type Piece<'a> = (Cow<'a, [u8]>, usize);

/// kustomize's `splitDocuments`: pieces between separator lines (regex
/// `\n---.*\n`), each but the last given back its final `\n`, with the
/// number of lines before each piece.
fn split_documents(src: &[u8]) -> Result<Vec<Piece<'_>>, ParseError> {
    let mut pieces = Vec::new();
    let mut prev = 0;
    let mut search = 0;
    let mut line = 0; // lines before `prev`
    while let Some(off) = find_separator(&src[search..]) {
        let sep_start = search + off;
        // The separator runs to the next line break, which must exist.
        let Some(nl) = src[sep_start + 1..].iter().position(|&c| c == b'\n') else {
            break;
        };
        let sep_end = sep_start + 1 + nl + 1;
        let after = String::from_utf8_lossy(&src[sep_start + 4..sep_end]);
        let trimmed = after.trim();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            let sep = String::from_utf8_lossy(&src[sep_start..sep_end]);
            let at = Mark {
                line: line + count_lines(&src[prev..sep_start]) + 2,
                column: 1,
            };
            return Err(ParseError::new(
                ParseErrorKind::Separator,
                format!("invalid document separator: {}", sep.trim()),
                Some(at),
            ));
        }
        // The piece with its final `\n`: the separator's match starts there.
        let piece = &src[prev..=sep_start];
        let lines_in_piece = count_lines(&src[prev..sep_end]);
        pieces.push((Cow::Borrowed(piece), line));
        line += lines_in_piece;
        prev = sep_end;
        search = sep_end;
    }
    if !src.is_empty() {
        pieces.push((Cow::Borrowed(&src[prev..]), line));
    }
    Ok(pieces)
}

/// The first `c` in `hay` (memchr: the prescans of whole texts,
/// separators and tags, run on it).
pub(super) fn find_byte(c: u8, hay: &[u8]) -> Option<usize> {
    memchr::memchr(c, hay)
}

/// Whether any byte of `src` satisfies `pred`, in blocks the compiler can
/// vectorise (no early exit inside a block).
pub(super) fn any_byte(src: &[u8], pred: impl Fn(u8) -> bool) -> bool {
    src.chunks(64)
        .any(|c| c.iter().fold(false, |found, &b| found | pred(b)))
}

fn count_lines(b: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', b).count()
}

/// The first `\n---` in `hay`.
fn find_separator(hay: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, b"\n---")
}

/// The event loop: builds every document of `src`, or only the first one.
///
/// Syntax errors end it at once. Errors kustomize only meets after the
/// whole text was read (duplicate keys, tags that do not fit, bad merges,
/// collection keys) are deferred: the first is returned next to the
/// documents, so a syntax error later in the text still wins, as in
/// kustomize.
fn parse_stream(
    src: &[u8],
    opts: &ParseOptions,
    first_only: bool,
) -> Result<(Vec<Document>, Option<ParseError>), ParseError> {
    let utf8;
    let src = match utf16_to_utf8(src)? {
        Some(converted) => {
            utf8 = converted;
            &utf8[..]
        }
        None => src,
    };
    let plain_ascii = check_input(src)?;
    // libyaml-safer panics on a block scalar that ends the input without a
    // line break (`a: |\n  x`); go-yaml reads it, keeping no final newline.
    // So end the input with a line break and take it back from such a scalar.
    let padded;
    let was_padded = src.last().is_some_and(|&c| c != b'\n' && c != b'\r');
    let src = if was_padded {
        padded = [src, b"\n"].concat();
        &padded[..]
    } else {
        src
    };
    // Tags as go-yaml reads them (`[!!str, a]`); see go_tags.
    let rewritten = go_tags::go_tag_uris(src)
        .map_err(|why| ParseError::new(ParseErrorKind::Syntax, format!("yaml: {why}"), None))?;
    // The rewrite only puts ASCII in; still, the hint is for the text checked.
    let plain_ascii = plain_ascii && matches!(rewritten, Cow::Borrowed(_));
    let src = &rewritten[..];
    let lines = if plain_ascii {
        None
    } else {
        EditorLines::new(src)
    };
    // At the end of a text without a final line break libyaml points after
    // the break padded on above, on a line the file does not have (an error
    // there, a node a key at the end leaves empty): the end of its last line.
    let unpadded_end = was_padded.then(|| end_of_text(&src[..src.len() - 1]));
    // libyaml's mark indices leave out a UTF-8 byte-order mark.
    let bom = if src.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let mark_of = |m: libyaml_safer::Mark| match (&lines, unpadded_end) {
        (_, Some(e)) if m.index as usize + bom + 1 >= src.len() => e,
        (Some(t), _) => t.mark(m.index as usize),
        (None, _) => Mark::from_lib(m),
    };
    let end = src.len() as u64;
    let new_builder = || {
        let mut b = Builder::new(opts.record_marks);
        b.duplicate_keys = opts.duplicate_keys;
        b.go_alias_ratio = opts.go_alias_ratio;
        b
    };
    // One event into the builder; `false` once the stream is read (or, with
    // `first_only`, its first document).
    let handle =
        |event: Event, b: &mut Builder, docs: &mut Vec<Document>| -> Result<bool, ParseError> {
            let start = mark_of(event.start_mark);
            match event.data {
                EventData::StreamStart { .. } => {}
                EventData::StreamEnd => return Ok(false),
                EventData::DocumentStart { .. } => b.begin_document(start),
                EventData::DocumentEnd { .. } => {
                    docs.push(b.end_document());
                    if first_only {
                        return Ok(false);
                    }
                }
                EventData::Alias { anchor } => {
                    b.last_simple_key_line = Some(start.line);
                    b.alias(&anchor, start)?
                }
                EventData::Scalar {
                    anchor,
                    tag,
                    mut value,
                    style,
                    ..
                } => {
                    let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
                    if was_padded && block && event.end_mark.index == end && value.ends_with('\n') {
                        value.pop();
                    }
                    // kyaml re-encodes a flow node with go-yaml v3 before the
                    // JSON hop, and v3 must quote some plain scalars there (an
                    // empty one in `{x: }`, a timestamp with a `:`), which then
                    // read back as strings with their text as written.
                    let quoted_in_flow = style == ScalarStyle::Plain
                        && tag.is_none()
                        && b.stack.last().is_some_and(|f| f.flow)
                        && flow_quotes_plain(&value);
                    let plain = style == ScalarStyle::Plain && !quoted_in_flow;
                    if !matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                        b.last_simple_key_line = Some(start.line);
                    }
                    let merge = is_merge_key(plain, tag.as_deref(), &value);
                    let (mut scalar, tag_error) = scalar(tag.as_deref(), value, plain, start);
                    scalar.quoted = !plain && scalar.tag == Tag::Str;
                    scalar.plain_in_flow = quoted_in_flow && scalar.tag == Tag::Str;
                    // Records the style of the collections above (`Value::is_flow`).
                    scalar.flow_depth = u32::try_from(b.flow_depth).unwrap_or(u32::MAX);
                    if let Some(e) = tag_error {
                        b.defer(e);
                    }
                    let nodes_before = b.nodes;
                    b.nodes += 1;
                    b.complete(Value::Scalar(scalar), merge, start, anchor, nodes_before)?;
                }
                EventData::SequenceStart { anchor, style, .. } => b.open(
                    Open::Seq(Vec::new(), Vec::new()),
                    style == SequenceStyle::Flow,
                    anchor,
                    start,
                )?,
                EventData::MappingStart { anchor, style, .. } => b.open(
                    Open::Map(MapFrame::default()),
                    style == MappingStyle::Flow,
                    anchor,
                    start,
                )?,
                EventData::SequenceEnd | EventData::MappingEnd => b.close()?,
            }
            Ok(true)
        };
    // The fast reader gives libyaml's events for the text it knows, straight
    // into the builder; when it declines (or the builder fails on its events,
    // which its subset never makes happen), everything starts over on
    // libyaml (see fast.rs).
    let mut b = new_builder();
    let mut docs = Vec::new();
    let mut fast_failed = false;
    let taken = fast::Events::new_known(src, plain_ascii).run(&mut |event| {
        handle(event, &mut b, &mut docs).unwrap_or_else(|_| {
            fast_failed = true;
            false
        })
    });
    if taken && !fast_failed {
        return Ok((docs, b.deferred));
    }
    let mut b = new_builder();
    docs.clear();
    // Made only here: libyaml's parser allocates 64 KiB of buffers, which
    // for every piece the fast reader took were most of a build's allocated
    // bytes, freed at once (page faults when the allocator returns them).
    let mut input = src;
    let mut parser = Parser::new();
    parser.set_input_string(&mut input);
    loop {
        // A panic in the dependency is this text's syntax error, not a crash.
        let event = go_tags::quietly(|| parser.parse())
            .ok_or_else(|| {
                let why = "yaml: the YAML parser failed on this text";
                ParseError::new(ParseErrorKind::Syntax, why, None)
            })?
            .map_err(|e| {
                let mut err = lib_error(&e);
                err.mark = e.problem_mark().map(mark_of);
                err
            })?;
        if !handle(event, &mut b, &mut docs)? {
            break;
        }
    }
    Ok((docs, b.deferred))
}

/// Lines as an editor counts them, for texts holding NEL, LS or PS
/// (U+0085, U+2028, U+2029): libyaml's marks count those as line breaks
/// too, so its lines would disagree with the file's and with the error
/// report's source lines. Here only `\n`, `\r\n` and `\r` end a line.
/// go-yaml's messages keep libyaml's count (kustomize prints those).
struct EditorLines<'a> {
    src: &'a [u8],
    /// Byte offset where each line starts.
    starts: Vec<usize>,
    /// Bytes libyaml's mark indices leave out (a UTF-8 byte-order mark).
    skipped: usize,
}

impl<'a> EditorLines<'a> {
    /// `None` when libyaml's marks are right as they are.
    fn new(src: &'a [u8]) -> Option<EditorLines<'a>> {
        if src.is_ascii() {
            return None;
        }
        let nel = src.windows(2).any(|w| w == [0xC2, 0x85]);
        let ls_ps = || {
            src.windows(3)
                .any(|w| matches!(w, [0xE2, 0x80, 0xA8 | 0xA9]))
        };
        if !nel && !ls_ps() {
            return None;
        }
        let mut starts = vec![0];
        for (i, &c) in src.iter().enumerate() {
            let ends_line = c == b'\n' || (c == b'\r' && src.get(i + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(i + 1);
            }
        }
        let skipped = if src.starts_with(&[0xEF, 0xBB, 0xBF]) {
            3
        } else {
            0
        };
        Some(EditorLines {
            src,
            starts,
            skipped,
        })
    }

    /// The mark of a byte offset as libyaml counts it.
    fn mark(&self, index: usize) -> Mark {
        let at = (index + self.skipped).min(self.src.len());
        let line = self.starts.partition_point(|&s| s <= at);
        let start = self.starts[line - 1].max(self.skipped);
        // Columns count characters (libyaml's do too).
        let column = self.src[start.min(at)..at]
            .iter()
            .filter(|&&b| (b as i8) >= -0x40)
            .count();
        Mark {
            line,
            column: column + 1,
        }
    }
}

/// Input starting with a UTF-16 byte-order mark, as UTF-8 (go-yaml reads
/// UTF-16 too; libyaml-safer's own UTF-16 reader fails on string input).
/// `None` for anything else.
fn utf16_to_utf8(src: &[u8]) -> Result<Option<Vec<u8>>, ParseError> {
    let big_endian = match src {
        [0xFF, 0xFE, ..] => false,
        [0xFE, 0xFF, ..] => true,
        _ => return Ok(None),
    };
    let body = &src[2..];
    if !body.len().is_multiple_of(2) {
        return Err(ParseError::new(
            ParseErrorKind::Encoding,
            "yaml: incomplete UTF-16 character",
            None,
        ));
    }
    let units = body.chunks_exact(2).map(|p| {
        if big_endian {
            u16::from_be_bytes([p[0], p[1]])
        } else {
            u16::from_le_bytes([p[0], p[1]])
        }
    });
    let mut out = String::with_capacity(body.len());
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => out.push(c),
            Err(_) => {
                return Err(ParseError::new(
                    ParseErrorKind::Encoding,
                    "yaml: invalid UTF-16 surrogate pair",
                    None,
                ))
            }
        }
    }
    Ok(Some(out.into_bytes()))
}

/// Checks the bytes the way libyaml's (and go-yaml's) reader does, with
/// their messages: valid UTF-8 and only printable characters (TAB, LF, CR,
/// NEL and the printable ranges). go-yaml prints these without a line;
/// the mark says where. `Ok(true)` when the text is plain ASCII: printable
/// characters and line feeds only (no tab, no CR), which spares the
/// readers' own scans.
fn check_input(src: &[u8]) -> Result<bool, ParseError> {
    // Most manifests: one scan settles it.
    if !any_byte(src, |b| (b < 0x20 && b != b'\n') || b >= 0x7F) {
        return Ok(true);
    }
    // Then the standard library's UTF-8 check and a scan for characters
    // libyaml refuses. The slow path below finds the message.
    if let Ok(text) = std::str::from_utf8(src) {
        let refused = |c: char| !matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
        let ascii_refused = |b: u8| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') || b == 0x7F;
        if !any_byte(src, ascii_refused) && (text.is_ascii() || !text.chars().any(refused)) {
            return Ok(false);
        }
    }
    check_input_slow(src).map(|()| false)
}

/// [`check_input`] byte by byte, for input that has a problem.
fn check_input_slow(src: &[u8]) -> Result<(), ParseError> {
    let mut i = 0;
    while i < src.len() {
        let b = src[i];
        if b < 0x80 {
            if !(b == b'\t' || b == b'\n' || b == b'\r' || (0x20..0x7F).contains(&b)) {
                return Err(input_error(src, i, "control characters are not allowed"));
            }
            i += 1;
            continue;
        }
        let (width, init) = match b {
            0xC0..=0xDF => (2, u32::from(b & 0x1F)),
            0xE0..=0xEF => (3, u32::from(b & 0x0F)),
            0xF0..=0xF7 => (4, u32::from(b & 0x07)),
            _ => return Err(input_error(src, i, "invalid leading UTF-8 octet")),
        };
        if i + width > src.len() {
            return Err(input_error(src, i, "incomplete UTF-8 octet sequence"));
        }
        let mut value = init;
        for &t in &src[i + 1..i + width] {
            if t & 0xC0 != 0x80 {
                return Err(input_error(src, i, "invalid trailing UTF-8 octet"));
            }
            value = (value << 6) | u32::from(t & 0x3F);
        }
        let shortest = match width {
            2 => value >= 0x80,
            3 => value >= 0x800,
            _ => value >= 0x10000,
        };
        if !shortest {
            return Err(input_error(src, i, "invalid length of a UTF-8 sequence"));
        }
        if (0xD800..=0xDFFF).contains(&value) || value > 0x10FFFF {
            return Err(input_error(src, i, "invalid Unicode character"));
        }
        let printable = value == 0x85
            || (0xA0..=0xD7FF).contains(&value)
            || (0xE000..=0xFFFD).contains(&value)
            || value >= 0x10000;
        if !printable {
            return Err(input_error(src, i, "control characters are not allowed"));
        }
        i += width;
    }
    Ok(())
}

/// A reader error at byte `at` of the input.
fn input_error(src: &[u8], at: usize, problem: &str) -> ParseError {
    let before = &src[..at];
    let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    // Columns count characters, not bytes (the prefix is valid UTF-8).
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    ParseError::new(
        ParseErrorKind::Encoding,
        format!("yaml: {problem}"),
        Some(Mark { line, column }),
    )
}

/// The position just after the last character of `text`, lines counted as an
/// editor counts them (`\n`, `\r\n`, `\r`).
fn end_of_text(text: &[u8]) -> Mark {
    let last_break = text.iter().rposition(|&c| c == b'\n' || c == b'\r');
    let line = 1 + text
        .iter()
        .enumerate()
        .filter(|&(i, &c)| c == b'\n' || (c == b'\r' && text.get(i + 1) != Some(&b'\n')))
        .count();
    let last = &text[last_break.map_or(0, |i| i + 1)..];
    let column = 1 + String::from_utf8_lossy(last).chars().count();
    Mark { line, column }
}

/// Turns a libyaml error into go-yaml's text. go-yaml prints the 0-based
/// line of the context mark (or, without one, of the problem mark), plus
/// one for scanner errors only, and omits the line when it is 0.
fn lib_error(e: &libyaml_safer::Error) -> ParseError {
    use libyaml_safer::ErrorKind as K;
    let scanner = e.kind() == K::Scanner;
    let bump = usize::from(scanner);
    let line = match (e.context_mark(), e.problem_mark()) {
        (Some(c), _) if c.line != 0 => c.line as usize + bump,
        (_, Some(p)) if p.line != 0 => p.line as usize + bump,
        _ => 0,
    };
    let kind = match e.kind() {
        K::Reader => ParseErrorKind::Encoding,
        _ => ParseErrorKind::Syntax,
    };
    let message = if line != 0 {
        format!("yaml: line {line}: {}", e.problem())
    } else {
        format!("yaml: {}", e.problem())
    };
    ParseError::new(kind, message, e.problem_mark().map(Mark::from_lib))
}

const TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// Whether a mapping key is v3's merge key: a plain `<<` without a tag (or
/// with `!` or `!!merge`).
fn is_merge_key(plain: bool, tag: Option<&str>, value: &str) -> bool {
    value == "<<"
        && match tag {
            None => plain,
            Some(t) => t == "!" || t.strip_prefix(TAG_PREFIX) == Some("merge"),
        }
}

/// Builds a scalar from its event: style and explicit tag decide, plain
/// untagged text goes through [`resolve_plain`].
///
/// Oracle facts: `!` (non-specific) resolves like an untagged scalar
/// (`! 12` → 12); unknown tags (`!mytag 123`, `!!seq x`) give strings;
/// `!!int "12"` is an int; `!!float 1` is a float; `!!int abc` fails with
/// ``cannot decode !!str `abc` as a !!int``; `!!binary` is base64-decoded
/// and invalid UTF-8 in the result becomes U+FFFD per byte (Go's JSON
/// encoder does that).
///
/// A tag that does not fit its text gives a string scalar plus the error
/// to report.
fn scalar(tag: Option<&str>, text: String, plain: bool, at: Mark) -> (Scalar, Option<ParseError>) {
    let ok = |tag: Tag, text: String| (Scalar::new(tag, text), None);
    let Some(tag) = tag else {
        let tag = if plain {
            resolve_plain(&text)
        } else {
            Tag::Str
        };
        return ok(tag, text);
    };
    if tag == "!" {
        // Non-specific: a plain scalar resolves as usual, a quoted or
        // block one stays a string (oracle: `! 12` → 12, `! "12"` → "12").
        let tag = if plain {
            resolve_plain(&text)
        } else {
            Tag::Str
        };
        return ok(tag, text);
    }
    let wanted = match tag.strip_prefix(TAG_PREFIX) {
        Some("str") => Tag::Str,
        Some("int") => Tag::Int,
        Some("float") => Tag::Float,
        Some("bool") => Tag::Bool,
        Some("null") => Tag::Null,
        Some("timestamp") => Tag::Timestamp,
        Some("binary") => {
            return match decode_binary(&text) {
                Some(decoded) => ok(Tag::Str, decoded),
                None => (
                    Scalar::new(Tag::Str, text),
                    Some(ParseError::new(
                        ParseErrorKind::Tag,
                        "yaml: !!binary value contains invalid base64 data",
                        Some(at),
                    )),
                ),
            };
        }
        _ => return ok(Tag::Str, text),
    };
    if wanted == Tag::Str {
        return ok(Tag::Str, text);
    }
    let got = resolve_plain(&text);
    // v3 lets an int text carry `!!float`.
    if got == wanted || (wanted == Tag::Float && got == Tag::Int) {
        return ok(wanted, text);
    }
    let message = format!(
        "yaml: cannot decode {} `{}` as a {}",
        got.short_name(),
        text,
        wanted.short_name()
    );
    (
        Scalar::new(Tag::Str, text),
        Some(ParseError::new(ParseErrorKind::Tag, message, Some(at))),
    )
}

/// Decodes a `!!binary` scalar (whitespace ignored, as block scalars wrap
/// it). Bytes that are not UTF-8 become U+FFFD one byte at a time, which
/// is what Go's `encoding/json` does to them on kustomize's way out.
fn decode_binary(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .ok()?;
    Some(lossy_per_byte(&bytes))
}

/// Like `String::from_utf8_lossy`, but one U+FFFD for every invalid byte
/// (Go's `utf8.DecodeRune` semantics), not one per maximal bad sequence.
fn lossy_per_byte(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let good = e.valid_up_to();
                // Safe: the prefix was just validated.
                out.push_str(std::str::from_utf8(&bytes[..good]).unwrap_or_default());
                out.push('\u{FFFD}');
                bytes = &bytes[good + 1..];
            }
        }
    }
}

/// A collection being built.
// Frames live on a short stack (one per nesting level), so the size
// difference costs nothing worth a box per mapping.
#[allow(clippy::large_enum_variant)]
enum Open {
    /// Items, and the indices of those that are aliases' copies.
    Seq(Vec<Value>, Vec<usize>),
    Map(MapFrame),
}

/// A mapping being built.
#[derive(Default)]
struct MapFrame {
    map: Map,
    /// The key read, waiting for its value: text, kind, mark.
    key: Option<(String, KeyKind, Mark)>,
    /// Where this mapping's key lines start in [`Builder::key_lines`].
    key_lines_start: usize,
    /// Whether a `<<` key was seen (a second one is an error).
    merge_seen: bool,
    /// The value of the `<<` key.
    merge: Option<MergeValue>,
    /// Whether a value was dropped (see [`KeyKind::Dropped`]).
    dropped: bool,
}

/// The value of a `<<` key, with where it came from: kyaml checks aliases
/// and inline nodes differently.
struct MergeValue {
    value: Value,
    /// The `<<` key's mark.
    at: Mark,
    /// The value is an alias.
    from_alias: bool,
    /// For an inline sequence, the indices of its items that are aliases.
    alias_items: Vec<usize>,
}

/// What a mapping key does with its value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    /// An ordinary key.
    Normal,
    /// The merge key `<<`.
    Merge,
    /// A `<<` that is not a merge key (quoted, or tagged `!!str`). Oracle:
    /// kustomize drops such an entry, whatever its value (`"<<": {a: 1}`,
    /// `'<<': x`, `"<<": *alias` all vanish, and one next to a real `<<`
    /// is no duplicate).
    Dropped,
}

/// One open collection with what is needed to finish it.
struct Frame {
    open: Open,
    /// Flow style (`[…]`, `{…}`), for the depth limits.
    flow: bool,
    anchor: Option<String>,
    /// Node count when the collection started (for anchor sizes).
    nodes_before: usize,
    /// Index into the marks list where this node's own mark is.
    marks_start: usize,
    /// Where the collection starts.
    mark: Mark,
}

/// An anchored node, kept for aliases.
struct Anchored {
    value: Value,
    /// Nodes in the value, for the aliasing bound.
    nodes: usize,
    /// The node's marks, paths relative to the node.
    marks: Vec<(String, Mark)>,
}

/// The document builder.
struct Builder {
    record: bool,
    duplicate_keys: DuplicateKeys,
    /// See [`ParseOptions::go_alias_ratio`].
    go_alias_ratio: bool,
    stack: Vec<Frame>,
    /// Path of the node being built (only maintained when recording).
    path: String,
    /// Path lengths to restore when a segment is popped.
    path_lens: Vec<usize>,
    marks: Vec<(String, Mark)>,
    anchors: HashMap<String, Anchored>,
    /// Anchors whose nodes are still open (an alias to one is recursive).
    open_anchors: Vec<String>,
    /// Nodes made so far in this document, aliases' copies included.
    nodes: usize,
    /// Nodes made by copying aliases.
    alias_nodes: usize,
    /// Nodes copied to keep anchored values.
    anchor_copies: usize,
    root: Option<Value>,
    start: Mark,
    non_string_keys: Vec<NonStringKey>,
    /// The first error to report once the text has been read.
    deferred: Option<ParseError>,
    /// Line of each explicit key of the open mappings, by insertion index
    /// after each one's [`MapFrame::key_lines_start`], for duplicate
    /// errors: one list for all (only the innermost open mapping grows),
    /// not an allocation per mapping.
    key_lines: Vec<usize>,
    /// Open flow collections.
    flow_depth: usize,
    /// Open block collections.
    block_depth: usize,
    /// The node being attached is an alias's copy.
    incoming_alias: bool,
    /// The sequence being attached has these items from aliases.
    incoming_alias_items: Vec<usize>,
    /// Line of the last plain or quoted scalar or alias (for the depth
    /// error's line).
    last_simple_key_line: Option<usize>,
}

/// How deep collections may nest, flow and block together (go-yaml's and
/// encoding/json's limit, as kustomize applies it).
const MAX_DEPTH: usize = 10_000;

impl Builder {
    fn new(record: bool) -> Builder {
        Builder {
            record,
            duplicate_keys: DuplicateKeys::Error,
            go_alias_ratio: false,
            stack: Vec::new(),
            path: String::new(),
            path_lens: Vec::new(),
            marks: Vec::new(),
            anchors: HashMap::new(),
            open_anchors: Vec::new(),
            nodes: 0,
            alias_nodes: 0,
            anchor_copies: 0,
            root: None,
            start: Mark::default(),
            non_string_keys: Vec::new(),
            deferred: None,
            key_lines: Vec::new(),
            flow_depth: 0,
            block_depth: 0,
            incoming_alias: false,
            incoming_alias_items: Vec::new(),
            last_simple_key_line: None,
        }
    }

    /// Keeps the first error that kustomize reports only after reading.
    fn defer(&mut self, e: ParseError) {
        if self.deferred.is_none() {
            self.deferred = Some(e);
        }
    }

    fn begin_document(&mut self, start: Mark) {
        self.start = start;
        self.anchors.clear();
        self.open_anchors.clear();
        self.marks.clear();
        self.path.clear();
        self.path_lens.clear();
        self.nodes = 0;
        self.alias_nodes = 0;
        self.anchor_copies = 0;
        self.root = None;
    }

    fn end_document(&mut self) -> Document {
        let marks = self.record.then(|| {
            self.marks
                .drain(..)
                .filter(|(p, _)| !is_dead(p))
                .collect::<Marks>()
        });
        Document {
            value: self.root.take().unwrap_or_else(Value::null),
            marks,
            start: self.start,
            non_string_keys: std::mem::take(&mut self.non_string_keys),
        }
    }

    /// Whether the next node is a mapping key (keys get no path segment).
    fn expecting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame { open: Open::Map(m), .. }) if m.key.is_none())
    }

    /// Enters the path segment of the node that is starting, and records
    /// its mark. Keys are not recorded as nodes.
    fn enter(&mut self, at: Mark) {
        if !self.record {
            return;
        }
        self.path_lens.push(self.path.len());
        match self.stack.last() {
            None => {}
            Some(Frame {
                open: Open::Seq(items, _),
                ..
            }) => {
                let i = items.len().to_string();
                push_segment(&mut self.path, &i);
            }
            Some(Frame {
                open: Open::Map(m), ..
            }) => {
                if let Some((k, kind, _)) = &m.key {
                    // Merge and dropped values get segments no real key can
                    // have, dealt with when the mapping closes.
                    match kind {
                        KeyKind::Normal => push_segment(&mut self.path, k),
                        KeyKind::Merge => self.path.push_str(MERGE_SEGMENT),
                        KeyKind::Dropped => self.path.push_str(DROP_SEGMENT),
                    }
                }
            }
        }
        self.marks.push((self.path.clone(), at));
    }

    fn leave(&mut self) {
        if let Some(len) = self.path_lens.pop() {
            self.path.truncate(len);
        }
    }

    fn open(
        &mut self,
        mut open: Open,
        flow: bool,
        anchor: Option<String>,
        at: Mark,
    ) -> Result<(), ParseError> {
        // go-yaml's scanner refuses more than 10000 nested flow levels or
        // block indentation levels, each; kustomize then sends every
        // document through JSON, where go-yaml (re-reading it) or
        // encoding/json refuse more than 10000 levels in all. Oracle: a
        // resource, patch or kustomization file nesting 10000 levels
        // builds, 10001 is rejected, whatever mix of flow and block.
        let depth = if flow {
            &mut self.flow_depth
        } else {
            &mut self.block_depth
        };
        *depth += 1;
        if self.flow_depth + self.block_depth > MAX_DEPTH {
            // go-yaml's line: for a flow level, the bracket's; for a block
            // level, that of the last token that could have been a simple
            // key (near enough: the last plain or quoted scalar), unless
            // that is on the first line.
            let line = match self.last_simple_key_line {
                Some(l) if !flow && l > 1 => l,
                _ => at.line,
            };
            return Err(ParseError::new(
                ParseErrorKind::Syntax,
                format!("yaml: line {line}: exceeded max depth of {MAX_DEPTH}"),
                Some(at),
            ));
        }
        // A collection used as a key is built like any node (its marks
        // under a throwaway path) and rejected when it is attached.
        self.enter(at);
        let marks_start = self.marks.len().saturating_sub(1);
        if let Some(a) = &anchor {
            self.open_anchors.push(a.clone());
        }
        let nodes_before = self.nodes;
        self.nodes += 1;
        if let Open::Map(m) = &mut open {
            m.key_lines_start = self.key_lines.len();
        }
        self.stack.push(Frame {
            open,
            flow,
            anchor,
            nodes_before,
            marks_start,
            mark: at,
        });
        Ok(())
    }

    fn close(&mut self) -> Result<(), ParseError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        if frame.flow {
            self.flow_depth -= 1;
        } else {
            self.block_depth -= 1;
        }
        if frame.anchor.is_some() {
            self.open_anchors.pop();
        }
        let value = match frame.open {
            Open::Seq(items, alias_items) => {
                self.incoming_alias_items = alias_items;
                Value::from_seq(items)
            }
            Open::Map(m) => {
                self.key_lines.truncate(m.key_lines_start);
                Value::from_map(self.finish_map(m, frame.marks_start)?)
            }
        };
        self.leave();
        self.finish_node(
            value,
            false,
            frame.mark,
            frame.anchor,
            frame.nodes_before,
            frame.marks_start,
        )
    }

    /// A scalar is complete: record its mark and hand it to the parent.
    fn complete(
        &mut self,
        value: Value,
        merge: bool,
        at: Mark,
        anchor: Option<String>,
        nodes_before: usize,
    ) -> Result<(), ParseError> {
        let is_key = self.expecting_key();
        let marks_start = self.marks.len();
        if !is_key {
            self.enter(at);
            self.leave();
        }
        self.finish_node(value, merge, at, anchor, nodes_before, marks_start)
    }

    /// Registers an anchor if any, then gives the node to its parent.
    fn finish_node(
        &mut self,
        value: Value,
        merge: bool,
        at: Mark,
        anchor: Option<String>,
        nodes_before: usize,
        marks_start: usize,
    ) -> Result<(), ParseError> {
        if let Some(name) = anchor {
            let nodes = self.nodes - nodes_before;
            // Keeping a copy of the anchored node costs memory too, and
            // nested anchors would copy quadratically: the copies count
            // against the aliasing budget.
            self.anchor_copies = self.anchor_copies.saturating_add(nodes);
            self.check_aliasing(at)?;
            let base = self.marks.get(marks_start).map_or(0, |(p, _)| p.len());
            let marks = if self.record {
                self.marks[marks_start..]
                    .iter()
                    .filter(|(p, _)| !is_dead(p))
                    .map(|(p, m)| (p[base..].to_string(), *m))
                    .collect()
            } else {
                Vec::new()
            };
            self.anchors.insert(
                name,
                Anchored {
                    value: value.clone(),
                    nodes,
                    marks,
                },
            );
        }
        self.attach(value, merge, at)
    }

    /// Adds a finished node to the open collection (or makes it the root).
    fn attach(&mut self, value: Value, merge: bool, at: Mark) -> Result<(), ParseError> {
        let record = self.record;
        let keep_last = self.duplicate_keys == DuplicateKeys::KeepLast;
        // Where the value came from matters to `<<` (see `finish_map`).
        let from_alias = std::mem::take(&mut self.incoming_alias);
        let alias_items = std::mem::take(&mut self.incoming_alias_items);
        let deferred = &mut self.deferred;
        let mut defer = |e: ParseError| {
            if deferred.is_none() {
                *deferred = Some(e);
            }
        };
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(value);
            return Ok(());
        };
        match &mut frame.open {
            Open::Seq(items, alias_items) => {
                if from_alias {
                    alias_items.push(items.len());
                }
                items.push(value)
            }
            Open::Map(m) => match m.key.take() {
                None => {
                    let (text, valid) = match value.into_scalar() {
                        Ok(s) => {
                            if s.tag != Tag::Str && !merge {
                                let map_path = if record {
                                    self.path.clone()
                                } else {
                                    String::new()
                                };
                                self.non_string_keys.push(NonStringKey {
                                    map_path,
                                    text: s.text.clone(),
                                    tag: s.tag,
                                    mark: at,
                                });
                            }
                            (s.text, true)
                        }
                        Err(other) => {
                            defer(ParseError::new(
                                ParseErrorKind::InvalidKey,
                                format!("yaml: invalid map key: {}", go_repr(&other)),
                                Some(at),
                            ));
                            (String::new(), false)
                        }
                    };
                    let kind = if !valid {
                        KeyKind::Dropped
                    } else if merge {
                        if m.merge_seen {
                            defer(ParseError::new(
                                ParseErrorKind::Merge,
                                "duplicate merge key",
                                Some(at),
                            ));
                            KeyKind::Dropped
                        } else {
                            m.merge_seen = true;
                            KeyKind::Merge
                        }
                    } else if text == "<<" {
                        KeyKind::Dropped
                    } else {
                        KeyKind::Normal
                    };
                    m.key = Some((text, kind, at));
                }
                Some((key, kind, key_at)) => match kind {
                    KeyKind::Merge => {
                        m.merge = Some(MergeValue {
                            value,
                            at: key_at,
                            from_alias,
                            alias_items,
                        })
                    }
                    KeyKind::Dropped => m.dropped = true,
                    KeyKind::Normal => {
                        if keep_last {
                            // The earlier entry goes; its marks are
                            // overwritten by the later value's.
                            if let Some(j) = m.map.get_index_of(&key) {
                                m.map.shift_remove_index(j);
                                self.key_lines.remove(m.key_lines_start + j);
                            }
                        }
                        // One hash per key: a duplicate shows up here.
                        let (i, old) = m.map.insert_full(key, value);
                        if old.is_some() {
                            defer(ParseError::new(
                                ParseErrorKind::DuplicateKey,
                                format!(
                                    "yaml: unmarshal errors:\n  line {}: mapping key {} already defined at line {}",
                                    key_at.line,
                                    quote(m.map.get_index(i).map_or("", |(k, _)| k.as_str())),
                                    self.key_lines[m.key_lines_start + i]
                                ),
                                Some(key_at),
                            ));
                        } else {
                            self.key_lines.push(key_at.line);
                        }
                    }
                },
            },
        }
        Ok(())
    }

    /// Applies the mapping's `<<` merge: explicit keys win, then earlier
    /// sources win over later ones (kustomize's de-anchoring, per oracle).
    fn finish_map(&mut self, mut m: MapFrame, marks_start: usize) -> Result<Map, ParseError> {
        if m.dropped && self.record {
            self.drop_marks_under(marks_start, DROP_SEGMENT);
        }
        let Some(MergeValue {
            value,
            at,
            from_alias,
            alias_items,
        }) = m.merge.take()
        else {
            return Ok(m.map);
        };
        // kyaml's checks, with its messages (oracle).
        const REQUIRES: &str = "map merge requires map or sequence of maps as the value";
        const ALIAS: &str = "invalid map merge: received alias for a non-map value";
        const NESTED: &str = "invalid map merge: received a nested sequence";
        let problem = match &value {
            Value::Map(_) => None,
            _ if from_alias => Some(ALIAS),
            Value::Scalar(_) => Some(REQUIRES),
            Value::Seq(items) => items.iter().enumerate().find_map(|(i, item)| match item {
                Value::Map(_) => None,
                _ if alias_items.contains(&i) => Some(ALIAS),
                Value::Seq(_) => Some(NESTED),
                Value::Scalar(_) => Some(REQUIRES),
            }),
        };
        if let Some(message) = problem {
            self.defer(ParseError::new(ParseErrorKind::Merge, message, Some(at)));
            return Ok(m.map);
        }
        let (sources, seq_form) = match value {
            Value::Map(_) => (vec![value.into_map().unwrap_or_default()], false),
            Value::Seq(_) => (
                value
                    .into_seq()
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|item| item.into_map().ok())
                    .collect(),
                true,
            ),
            Value::Scalar(_) => return Ok(m.map),
        };
        // Which source each merged key came from, for re-rooting marks.
        let mut origin: HashMap<String, usize> = HashMap::new();
        for (i, src) in sources.into_iter().enumerate() {
            for (k, v) in src {
                if !m.map.contains_key(&k) {
                    if self.record {
                        origin.insert(k.clone(), i);
                    }
                    m.map.insert(k, v);
                }
            }
        }
        if self.record {
            self.reroot_merge_marks(marks_start, &origin, seq_form);
        }
        Ok(m.map)
    }

    /// Drops the marks under a special segment of the mapping whose own
    /// mark is at `marks_start`.
    fn drop_marks_under(&mut self, marks_start: usize, segment: &str) {
        let Some((base, _)) = self.marks.get(marks_start) else {
            return;
        };
        let root = format!("{base}{segment}");
        for (p, _) in self.marks[marks_start..].iter_mut() {
            let under = p
                .strip_prefix(root.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
            if under {
                *p = DEAD.to_string();
            }
        }
    }

    /// Rewrites the marks recorded under the `<<` value of the mapping whose
    /// own mark is at `marks_start`: the marks of a merged key that won move
    /// to the mapping, everything else under `<<` is dropped.
    fn reroot_merge_marks(
        &mut self,
        marks_start: usize,
        origin: &HashMap<String, usize>,
        seq_form: bool,
    ) {
        let Some((base, _)) = self.marks.get(marks_start) else {
            return;
        };
        let base = base.clone();
        let merge_root = format!("{base}{MERGE_SEGMENT}");
        for (p, _) in self.marks[marks_start..].iter_mut() {
            let Some(rest) = p.strip_prefix(merge_root.as_str()) else {
                continue;
            };
            // rest is "" (the `<<` value), or "/key…", or "/i" / "/i/key…".
            let mut segs = rest.splitn(if seq_form { 4 } else { 3 }, '/').skip(1);
            let (index, key, tail) = if seq_form {
                let index = segs.next().and_then(|i| i.parse::<usize>().ok());
                (index, segs.next(), segs.next())
            } else {
                (Some(0), segs.next(), segs.next())
            };
            let new = match (index, key) {
                (Some(i), Some(k)) if origin_lookup(origin, k) == Some(i) => match tail {
                    Some(t) => format!("{base}/{k}/{t}"),
                    None => format!("{base}/{k}"),
                },
                _ => DEAD.to_string(),
            };
            *p = new;
        }
    }

    /// Fails once alias and anchor copies exceed the budget, before the
    /// next copy is made.
    fn check_aliasing(&self, at: Mark) -> Result<(), ParseError> {
        let read = self.nodes - self.alias_nodes;
        let copies = self.alias_nodes.saturating_add(self.anchor_copies);
        let go_refuses = self.go_alias_ratio && go_excessive_aliasing(self.nodes, self.alias_nodes);
        if excessive_aliasing(read, copies) || go_refuses {
            return Err(ParseError::new(
                ParseErrorKind::Aliasing,
                "yaml: document contains excessive aliasing",
                Some(at),
            ));
        }
        Ok(())
    }

    fn alias(&mut self, name: &str, at: Mark) -> Result<(), ParseError> {
        if self.open_anchors.iter().any(|a| a == name) {
            return Err(ParseError::new(
                ParseErrorKind::Syntax,
                format!("yaml: anchor '{name}' value contains itself"),
                Some(at),
            ));
        }
        let Some(anchored) = self.anchors.get(name) else {
            return Err(ParseError::new(
                ParseErrorKind::Syntax,
                format!("yaml: unknown anchor '{name}' referenced"),
                Some(at),
            ));
        };
        let n = anchored.nodes;
        self.alias_nodes = self.alias_nodes.saturating_add(n);
        self.nodes = self.nodes.saturating_add(n);
        self.check_aliasing(at)?;
        let value = anchored.value.clone();
        let is_key = self.expecting_key();
        if self.record && !is_key {
            self.enter(at);
            let base = self.path.clone();
            let anchored = &self.anchors[name];
            // The alias node's own mark is the alias; the children keep the
            // anchored node's positions.
            for (rel, m) in anchored.marks.iter().skip(1) {
                self.marks.push((format!("{base}{rel}"), *m));
            }
            self.leave();
        }
        self.incoming_alias = true;
        self.attach(value, false, at)
    }
}

/// A path segment no escaped key can produce (escaped keys never contain a
/// raw `~` not followed by 0 or 1), marking the value of a `<<` key.
const MERGE_SEGMENT: &str = "/~<<";

/// Like [`MERGE_SEGMENT`], for the value of a dropped `<<` key.
const DROP_SEGMENT: &str = "/~drop";

/// The path of a mark dropped by a merge (filtered out at the end).
const DEAD: &str = "\0";

fn is_dead(p: &str) -> bool {
    p == DEAD
}

/// The source index a merged key (escaped path segment) came from.
fn origin_lookup(origin: &HashMap<String, usize>, escaped: &str) -> Option<usize> {
    if escaped.contains('~') {
        origin
            .get(&escaped.replace("~1", "/").replace("~0", "~"))
            .copied()
    } else {
        origin.get(escaped).copied()
    }
}

/// Alias copies allowed on top of ten per node read from the text.
const ALIAS_NODE_ALLOWANCE: usize = 2_000_000;

/// The aliasing bound. kustomize itself has none that bites (it de-anchors
/// before go-yaml's ratio check runs, so a "billion laughs" document makes
/// it hang; 10^5 copies take 0.75 s, 1.1 million 8 s). Copies are allowed
/// up to two million plus ten per node written in the document: generous
/// for real anchors, and memory stays proportional to the input.
fn excessive_aliasing(read: usize, aliased: usize) -> bool {
    aliased > ALIAS_NODE_ALLOWANCE.saturating_add(read.saturating_mul(10))
}

/// go-yaml's decoder rule (v2 and v3 alike): with more than 100 alias
/// copies among more than 1,000 nodes, the share of copies may not pass
/// 99% up to 400,000 nodes, falling linearly to 10% at 4 million. Checked
/// at each alias before its copy is made, which is where go-yaml's running
/// ratio peaks.
pub(crate) fn go_excessive_aliasing(total: usize, copies: usize) -> bool {
    const LOW: f64 = 400_000.0;
    const HIGH: f64 = 4_000_000.0;
    if copies <= 100 || total <= 1000 {
        return false;
    }
    let t = total as f64;
    let allowed = if t <= LOW {
        0.99
    } else if t >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((t - LOW) / (HIGH - LOW))
    };
    copies as f64 / t > allowed
}

/// Go's `%#v` of the value v3 decodes from a node, for `invalid map key`
/// messages (`[]interface {}{"a"}`, `map[string]interface {}{"a":1}`).
/// Close enough for the common cases; exotic scalars print their text.
fn go_repr(v: &Value) -> String {
    crate::yaml::deep(|| go_repr_inner(v))
}

// Body of `go_repr`, run with stack to spare.
fn go_repr_inner(v: &Value) -> String {
    match v {
        Value::Scalar(s) => match s.tag {
            Tag::Str | Tag::Timestamp => quote(&s.text),
            Tag::Null => "interface {}(nil)".to_string(),
            Tag::Bool => s.text.to_ascii_lowercase(),
            Tag::Int => go_int_repr(&s.text),
            Tag::Float => s.text.clone(),
        },
        Value::Seq(items) => {
            let parts: Vec<String> = items.iter().map(go_repr).collect();
            format!("[]interface {{}}{{{}}}", parts.join(", "))
        }
        Value::Map(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{}:{}", quote(k), go_repr(&m[*k])))
                .collect();
            format!("map[string]interface {{}}{{{}}}", parts.join(", "))
        }
    }
}

/// Go's `%#v` of a resolved int: decimal for int, `0x…` for a uint64
/// beyond int64.
fn go_int_repr(text: &str) -> String {
    match crate::yaml::gostr::yaml::yaml_int(text) {
        Some(v) if v > i64::MAX as i128 => format!("{v:#x}"),
        Some(v) => v.to_string(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `check_input`'s one-scan answer for plain ASCII agrees with the
    /// byte-by-byte check, and is given exactly for texts of printable
    /// ASCII and line feeds.
    #[test]
    fn plain_ascii_is_what_the_full_check_accepts() {
        let bytes: &[&[u8]] = &[
            b"a",
            b" ",
            b"\n",
            b"\t",
            b"\r",
            b"\x7F",
            b"\x00",
            b"\x1F",
            b"~",
            "é".as_bytes(),
            "\u{85}".as_bytes(),
            "\u{FEFF}".as_bytes(),
            b"\xFF",
            b"\xC3",
        ];
        let mut state = 0x853C_49E6_748F_EA9B_u64;
        let mut plain = 0;
        for _ in 0..20_000 {
            let mut src = Vec::new();
            for _ in 0..(state % 70) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                src.extend_from_slice(bytes[(state % bytes.len() as u64) as usize]);
            }
            let got = check_input(&src);
            assert_eq!(got.is_ok(), check_input_slow(&src).is_ok(), "{src:?}");
            let expected = src.iter().all(|&b| b == b'\n' || (0x20..0x7F).contains(&b));
            assert_eq!(
                got.as_ref().ok(),
                got.is_ok().then_some(&expected),
                "{src:?}"
            );
            plain += usize::from(expected);
        }
        assert!(plain > 500, "{plain} plain texts");
    }
}
