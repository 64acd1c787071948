//! The emitter: prints [`Value`]s exactly as kustomize does (JSON hop, then
//! go-yaml v2's block style). The rules are in docs/output-format.md; rule
//! ids (L1, S3, …) in comments refer to that file.
//!
//! The writer keeps the same little state go-yaml's emitter keeps (column,
//! current indent, "last written was whitespace", "only indentation on this
//! line so far") because its layout decisions are phrased in those terms.

mod class;
mod keys;
mod number;
mod resolve;
mod unicode;

use super::{Scalar, Tag, Value};
use class::Class;
use number::Number;
use std::borrow::Cow;

/// A value kustomize cannot print (it fails the build the same way).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EmitError(pub String);

/// Appends one document (no `---` separator) to `out`. On error `out` is
/// left as it was.
pub fn emit_document(value: &Value, out: &mut String) -> Result<(), EmitError> {
    let start = out.len();
    let mut e = Emitter {
        out,
        column: 0,
        indent: -1,
        whitespace: true,
        indention: true,
    };
    let mut r = e.node(value, false);
    if r.as_ref().is_err_and(|e| e.0 == NEL_KEY) {
        r = Err(nel_key_error(value));
    }
    if r.is_ok() {
        // Document end: finish the last line (L4).
        e.write_indent();
    }
    if r.is_err() {
        out.truncate(start);
    }
    r
}

/// Prints a stream of documents separated by `---\n`, as `kustomize build` does.
pub fn emit_stream<'a>(docs: impl IntoIterator<Item = &'a Value>) -> Result<String, EmitError> {
    let mut out = String::new();
    emit_stream_into(docs, &mut out)?;
    Ok(out)
}

/// [`emit_stream`] appending to `out`, so that a buffer can serve many
/// streams (a many-root run reuses the ones it has written). On an error
/// `out` holds the documents before the failing one.
pub fn emit_stream_into<'a>(
    docs: impl IntoIterator<Item = &'a Value>,
    out: &mut String,
) -> Result<(), EmitError> {
    for (i, doc) in docs.into_iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        emit_document(doc, out)?;
    }
    Ok(())
}

/// Line width past which go-yaml folds at a space.
const BEST_WIDTH: usize = 80;
/// go-yaml's indentation step.
const BEST_INDENT: i32 = 2;

/// The output styles of a scalar.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

struct Emitter<'o> {
    out: &'o mut String,
    /// Characters (not bytes) on the current line.
    column: usize,
    /// Current block indent; -1 before the root node.
    indent: i32,
    /// The last thing written was whitespace (or an indent).
    whitespace: bool,
    /// Only indentation (and `-`/`?`/`:` indicators) on this line so far.
    indention: bool,
}

impl Emitter<'_> {
    fn node(&mut self, v: &Value, mapping_ctx: bool) -> Result<(), EmitError> {
        match v {
            // A scalar does not recurse: no stack check for it.
            Value::Scalar(s) => self.scalar(s),
            _ => crate::yaml::deep(|| self.node_inner(v, mapping_ctx)),
        }
    }

    // Body of `node`, run with stack to spare.
    fn node_inner(&mut self, v: &Value, mapping_ctx: bool) -> Result<(), EmitError> {
        match v {
            Value::Scalar(s) => self.scalar(s),
            Value::Seq(items) if items.is_empty() => {
                self.flow_empty("[", "]");
                Ok(())
            }
            Value::Map(m) if m.is_empty() => {
                self.flow_empty("{", "}");
                Ok(())
            }
            Value::Seq(items) => {
                let saved = self.indent;
                // L2: a sequence that is a mapping value sits at the key's column.
                let indentless = mapping_ctx && !self.indention;
                self.increase_indent(false, indentless);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.node(item, false)?;
                }
                self.indent = saved;
                Ok(())
            }
            Value::Map(m) => {
                // Keys go through the JSON hop too (only a NEL makes it
                // change a key, J9), then v2 sorts them (K1–K5). Most
                // mappings come sorted already: those are written as they
                // are, without a sorted copy. That is what the sort would
                // give when it sorts by insertion (up to 16 keys), when
                // the order is transitive, as it is for ASCII keys without
                // digits (K6), or else when its merges would keep the
                // order (`keys::sort_keeps`).
                let mut sorted = true;
                let mut transitive = true;
                let mut prev: Option<&str> = None;
                for k in m.keys() {
                    let c = Class::of(k);
                    if c.has(class::HIGH | class::DEL) {
                        if let Cow::Owned(_) = hop_str(k)? {
                            return Err(EmitError(NEL_KEY.into()));
                        }
                    }
                    sorted &= prev.is_none_or(|p| !keys::less(k, p));
                    transitive &= !c.has(class::HIGH | class::DIGIT);
                    prev = Some(k);
                }
                let saved = self.indent;
                self.increase_indent(false, false);
                if sorted
                    && (m.len() <= 16
                        || transitive
                        || keys::sort_keeps(m.len(), &|i| m.get_index(i).map_or("", |e| e.0)))
                {
                    for (key, value) in m.iter() {
                        self.entry(key, value)?;
                    }
                } else {
                    let mut entries: Vec<(&str, &Value)> =
                        m.iter().map(|(k, v)| (k.as_str(), v)).collect();
                    keys::sort_by(&mut entries, &|e: &(&str, &Value)| e.0);
                    for (key, value) in entries {
                        self.entry(key, value)?;
                    }
                }
                self.indent = saved;
                Ok(())
            }
        }
    }

    /// One `key: value` of a block mapping.
    fn entry(&mut self, key: &str, value: &Value) -> Result<(), EmitError> {
        self.write_indent();
        let c = Class::of(key);
        if is_simple_key(key, c) {
            self.string(key, c, true);
            self.write_indicator(":", false, false, false);
        } else {
            // L5: `? key` then `: value` on its own line.
            self.write_indicator("?", true, false, true);
            self.string(key, c, false);
            self.write_indent();
            self.write_indicator(":", true, false, true);
        }
        self.node(value, true)
    }

    /// L3: `[]` / `{}`.
    fn flow_empty(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    /// A value scalar (keys are strings and go to [`Self::string`] directly).
    fn scalar(&mut self, s: &Scalar) -> Result<(), EmitError> {
        match s.tag {
            Tag::Null => self.token("null"),
            Tag::Bool => self.token(if s.text.starts_with(['t', 'T']) {
                "true"
            } else {
                "false"
            }),
            Tag::Int if is_canonical_int(&s.text) => self.token(&s.text),
            Tag::Int | Tag::Float => {
                let n = if s.tag == Tag::Int {
                    number::int_from_text(&s.text)
                } else {
                    non_finite_check(&s.text)?;
                    number::float_from_text(&s.text)
                };
                match n {
                    Some(Number::Int(t)) => self.token(&t),
                    Some(Number::Float(f)) => {
                        let mut t = String::with_capacity(24);
                        number::write_go_float(f, &mut t);
                        self.token(&t);
                    }
                    // Text v3 would not have typed as a number: print it as
                    // the string it then is.
                    None => self.hop_string(&s.text)?,
                }
            }
            Tag::Timestamp => match crate::yaml::timestamp::json_text(&s.text) {
                Some(text) => self.string(&text, Class::of(&text), false),
                None => self.hop_string(&s.text)?,
            },
            Tag::Str => self.hop_string(&s.text)?,
        }
        Ok(())
    }

    /// A string value: the JSON hop, then [`Self::string`].
    fn hop_string(&mut self, s: &str) -> Result<(), EmitError> {
        let c = Class::of(s);
        if !c.has(class::HIGH | class::DEL) {
            // Nothing the hop refuses or changes.
            self.string(s, c, false);
            return Ok(());
        }
        match hop_str(s)? {
            Cow::Borrowed(s) => self.string(s, c, false),
            Cow::Owned(h) => self.string(&h, Class::of(&h), false),
        }
        Ok(())
    }

    /// A non-string scalar (number, bool, null): always plain, no spaces.
    fn token(&mut self, t: &str) {
        if !self.whitespace {
            self.put(' ');
        }
        self.out.push_str(t);
        self.column += t.len();
        self.whitespace = false;
        self.indention = false;
    }

    /// A string scalar (after the JSON hop) whose bytes are of the classes
    /// `c`: choose the style (S1–S6), write it.
    fn string(&mut self, s: &str, c: Class, simple_key: bool) {
        let quote = resolve::needs_quotes(s);
        if !quote && is_bare_word(s, c) {
            // Fast path for the common identifier-like string: plain, no
            // spaces so no folding, nothing to analyse.
            self.token(s);
            return;
        }
        let requested = if c.has(class::LF) {
            Style::Literal
        } else if quote {
            Style::Double
        } else {
            Style::Plain
        };
        let a = analyze(s, c);
        let mut style = requested;
        if simple_key && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain && (!a.block_plain || (s.is_empty() && simple_key)) {
            style = Style::Single;
        }
        if style == Style::Single && !a.single_quoted {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block || simple_key) {
            style = Style::Double;
        }
        let saved = self.indent;
        self.increase_indent(true, false);
        let breaks = !simple_key;
        match style {
            Style::Plain => self.write_plain(s, c, breaks),
            Style::Single => self.write_single(s, breaks),
            Style::Double => self.write_double(s, breaks),
            Style::Literal => self.write_literal(s),
        }
        self.indent = saved;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// A line break found in the text: `\n` as is; other breaks (U+2028,
    /// U+2029, CR) are copied and still reset the column, as in go-yaml.
    fn write_break(&mut self, c: char) {
        self.out.push(c);
        self.column = 0;
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        self.pad_to(indent);
        self.whitespace = true;
        self.indention = true;
    }

    /// Spaces up to `indent`.
    fn pad_to(&mut self, indent: usize) {
        const SPACES: &str = "                                                                ";
        while self.column < indent {
            let n = (indent - self.column).min(SPACES.len());
            self.out.push_str(&SPACES[..n]);
            self.column += n;
        }
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        self.out.push_str(ind);
        self.column += ind.len();
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    /// W1.
    fn write_plain(&mut self, s: &str, c: Class, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let w = if c.ascii() { s.len() } else { width(s) };
        if !allow_breaks || self.column + w <= BEST_WIDTH + 1 || !c.has(class::SPACE) {
            // No space can reach past column 80: write it in one go.
            self.out.push_str(s);
            self.column += w;
            self.whitespace = false;
            self.indention = false;
            return;
        }
        if c.ascii() {
            self.fold_plain_ascii(s);
        } else {
            self.fold_plain_words(s);
        }
        self.whitespace = false;
        self.indention = false;
    }

    /// [`Self::fold_plain_words`] for ASCII text: between the breaks the
    /// text is written as one slice, and a byte offset is its width.
    fn fold_plain_ascii(&mut self, s: &str) {
        let b = s.as_bytes();
        let mut start = 0; // The first byte not written yet.
        let mut from = 0;
        while let Some(off) = b[from..].iter().position(|&x| x == b' ') {
            let p = from + off;
            from = p + 1;
            // The same test as the word loop's, on the column this space
            // would be at.
            if self.column + (p - start) > BEST_WIDTH
                && (p == 0 || b[p - 1] != b' ')
                && b.get(p + 1) != Some(&b' ')
            {
                if p > start {
                    self.push_ascii(&s[start..p]);
                    self.indention = false;
                }
                self.write_indent();
                start = p + 1;
            }
        }
        self.push_ascii(&s[start..]);
    }

    /// Appends ASCII text: one column per byte.
    fn push_ascii(&mut self, s: &str) {
        self.out.push_str(s);
        self.column += s.len();
    }

    /// Folding a plain scalar word by word: a space may break the line once
    /// past column 80, unless it follows or precedes another space.
    fn fold_plain_words(&mut self, s: &str) {
        let mut spaces = false;
        let mut rest = s;
        loop {
            let (word, after) = match rest.find(' ') {
                Some(p) => (&rest[..p], Some(&rest[p + 1..])),
                None => (rest, None),
            };
            if !word.is_empty() {
                self.out.push_str(word);
                self.column += width(word);
                self.indention = false;
                spaces = false;
            }
            let Some(after) = after else { break };
            if !spaces && self.column > BEST_WIDTH && !after.starts_with(' ') {
                self.write_indent();
            } else {
                self.put(' ');
            }
            spaces = true;
            rest = after;
        }
    }

    /// W2.
    fn write_single(&mut self, s: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let (mut spaces, mut breaks) = (false, false);
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            // A run of ASCII characters that are written as they are.
            let run = b[i..]
                .iter()
                .take_while(|&&x| x.is_ascii() && !matches!(x, b' ' | b'\'' | b'\n' | b'\r'))
                .count();
            if run > 0 {
                if breaks {
                    self.write_indent();
                }
                self.push_ascii(&s[i..i + run]);
                self.indention = false;
                spaces = false;
                breaks = false;
                i += run;
                continue;
            }
            let mut rest = s[i..].chars();
            let c = rest.next().unwrap_or_default();
            let next = rest.next();
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && next.is_some()
                    && next != Some(' ')
                {
                    self.write_indent();
                } else {
                    self.put(' ');
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
            i += c.len_utf8();
        }
        self.write_indicator("'", false, false, false);
    }

    /// W3.
    fn write_double(&mut self, s: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        // go-yaml's BOM test looks at the start of the string, not at the
        // current character: a leading U+FEFF escapes everything.
        let bom = s.starts_with('\u{feff}');
        let mut spaces = false;
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            // A run of printable ASCII characters that need no escape.
            let run = if bom {
                0
            } else {
                b[i..]
                    .iter()
                    .take_while(|&&x| matches!(x, b'!'..=b'~') && x != b'"' && x != b'\\')
                    .count()
            };
            if run > 0 {
                self.push_ascii(&s[i..i + run]);
                spaces = false;
                i += run;
                continue;
            }
            let mut rest = s[i..].chars();
            let c = rest.next().unwrap_or_default();
            let next = rest.next();
            if bom || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                let short = match c {
                    '\0' => Some('0'),
                    '\x07' => Some('a'),
                    '\x08' => Some('b'),
                    '\t' => Some('t'),
                    '\n' => Some('n'),
                    '\x0b' => Some('v'),
                    '\x0c' => Some('f'),
                    '\r' => Some('r'),
                    '\x1b' => Some('e'),
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    '\u{85}' => Some('N'),
                    '\u{a0}' => Some('_'),
                    '\u{2028}' => Some('L'),
                    '\u{2029}' => Some('P'),
                    _ => None,
                };
                match short {
                    Some(e) => self.put(e),
                    None => {
                        let v = c as u32;
                        let (p, w) = if v <= 0xff {
                            ('x', 2)
                        } else if v <= 0xffff {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(p);
                        for k in (0..w).rev() {
                            let d = (v >> (k * 4)) & 0xf;
                            self.put(char::from_digit(d, 16).unwrap_or('0').to_ascii_uppercase());
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && next.is_some() {
                    self.write_indent();
                    if next == Some(' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(' ');
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
            i += c.len_utf8();
        }
        self.write_indicator("\"", false, false, false);
    }

    /// W4.
    fn write_literal(&mut self, s: &str) {
        self.write_indicator("|", true, false, false);
        let mut rev = s.chars().rev();
        let last = rev.next();
        let before_last = rev.next();
        if s.starts_with(' ') || s.chars().next().is_some_and(is_break) {
            self.write_indicator("2", false, false, false);
        }
        let chomp = match (last, before_last) {
            (None, _) => Some("-"),
            (Some(l), _) if !is_break(l) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(b)) if is_break(b) => Some("+"),
            _ => None,
        };
        if let Some(c) = chomp {
            self.write_indicator(c, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        // Line by line: each break is copied, each non-empty line indented.
        let ascii = s.is_ascii();
        let mut rest = s;
        loop {
            let at = if ascii {
                rest.find(['\n', '\r'])
                    .map(|p| (p, rest.as_bytes()[p] as char))
            } else {
                rest.char_indices().find(|&(_, c)| is_break(c))
            };
            let line = at.map_or(rest, |(p, _)| &rest[..p]);
            if !line.is_empty() {
                self.write_indent();
                self.out.push_str(line);
                self.column += width(line);
                self.indention = false;
            }
            let Some((p, c)) = at else { break };
            self.write_break(c);
            self.indention = true;
            rest = &rest[p + c.len_utf8()..];
        }
    }
}

/// Decimal integer text that prints unchanged: optional `-`, no leading
/// zero, short enough to fit int64 (the common case, no parsing needed).
fn is_canonical_int(t: &str) -> bool {
    let d = t.strip_prefix('-').unwrap_or(t).as_bytes();
    !d.is_empty()
        && d.len() <= 18
        && d.iter().all(u8::is_ascii_digit)
        && (d[0] != b'0' || (d.len() == 1 && d.len() == t.len()))
}

/// A non-empty ASCII string of letters, digits and `-./_` starting with a
/// letter, digit or `/`, `_`: plain unless it re-types (S2), never folded.
/// `c` is the string's [`Class`].
fn is_bare_word(s: &str, c: Class) -> bool {
    !c.has(class::NOT_WORD)
        && s.as_bytes()
            .first()
            .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'/' || b == b'_')
}

/// L5: a key is written in place unless it spans lines or exceeds 128 bytes.
fn is_simple_key(k: &str, c: Class) -> bool {
    k.len() <= 128
        && if c.ascii() {
            !c.has(class::LF | class::CR)
        } else {
            !k.chars().any(is_break)
        }
}

/// Internal marker: a mapping key holds a NEL (see [`nel_key_error`]).
const NEL_KEY: &str = "\u{85} in a key";

/// A NEL in a key is a line break inside a JSON key, which go-yaml v2 cannot
/// read as a flow mapping key. Its error names the 0-based line of the `:`
/// after that key, i.e. the NELs before it in the JSON text (maps in byte
/// order of their keys, as `encoding/json` writes them).
fn nel_key_error(root: &Value) -> EmitError {
    fn walk(v: &Value, nels: &mut usize) -> bool {
        crate::yaml::deep(|| walk_inner(v, nels))
    }

    // Body of `walk`, run with stack to spare.
    fn walk_inner(v: &Value, nels: &mut usize) -> bool {
        match v {
            Value::Scalar(s) => {
                *nels += s.text.matches('\u{85}').count();
                false
            }
            Value::Seq(items) => items.iter().any(|i| walk(i, nels)),
            Value::Map(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                keys.into_iter().any(|k| {
                    let n = k.matches('\u{85}').count();
                    *nels += n;
                    n > 0 || walk(&m[k], nels)
                })
            }
        }
    }
    let mut nels = 0;
    walk(root, &mut nels);
    EmitError(format!(
        "yaml: line {nels}: did not find expected ',' or '}}'"
    ))
}

/// `.inf` / `.nan` cannot go through `encoding/json`.
fn non_finite_check(text: &str) -> Result<(), EmitError> {
    let t = text.trim_start_matches(['+', '-']);
    let what = if t.eq_ignore_ascii_case(".nan") {
        "NaN"
    } else if t.eq_ignore_ascii_case(".inf") {
        if text.starts_with('-') {
            "-Inf"
        } else {
            "+Inf"
        }
    } else {
        return Ok(());
    };
    Err(EmitError(format!("json: unsupported value: {what}")))
}

/// The JSON hop for string text: the raw characters go-yaml v2's reader
/// refuses (DEL, C1 controls other than NEL, U+FFFE, U+FFFF; `encoding/json`
/// leaves them unescaped) fail the build; NEL is a line break inside the JSON
/// string, so v2 folds it with the spaces around it.
fn hop_str(s: &str) -> Result<Cow<'_, str>, EmitError> {
    if s.is_ascii() && !s.as_bytes().contains(&0x7f) {
        return Ok(Cow::Borrowed(s));
    }
    let mut has_nel = false;
    for c in s.chars() {
        match c {
            '\u{7f}' | '\u{80}'..='\u{84}' | '\u{86}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}' => {
                return Err(EmitError("yaml: control characters are not allowed".into()))
            }
            '\u{85}' => has_nel = true,
            _ => {}
        }
    }
    if !has_nel {
        return Ok(Cow::Borrowed(s));
    }
    // A run of spaces and NELs holding n NELs becomes " " (n = 1) or n-1
    // newlines: spaces before the first break are trimmed, blanks after it
    // skipped (YAML double-quoted line folding).
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let mut pending_spaces = 0usize;
    while let Some(c) = chars.next() {
        match c {
            ' ' => pending_spaces += 1,
            '\u{85}' => {
                pending_spaces = 0;
                let mut extra = 0;
                while let Some(&n) = chars.peek() {
                    match n {
                        ' ' => {}
                        '\u{85}' => extra += 1,
                        _ => break,
                    }
                    chars.next();
                }
                if extra == 0 {
                    out.push(' ');
                } else {
                    for _ in 0..extra {
                        out.push('\n');
                    }
                }
            }
            _ => {
                for _ in 0..pending_spaces {
                    out.push(' ');
                }
                pending_spaces = 0;
                out.push(c);
            }
        }
    }
    for _ in 0..pending_spaces {
        out.push(' ');
    }
    Ok(Cow::Owned(out))
}

/// Characters (not bytes) in `s`: the unit of go-yaml's column.
fn width(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// go-yaml v2's `is_printable`: no 4-byte (non-BMP) characters at all.
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\x20'..='\x7e' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        && c != '\u{feff}'
}

/// What go-yaml's scalar analysis allows for a string in block context.
#[derive(PartialEq, Eq, Debug)]
struct Analysis {
    multiline: bool,
    block_plain: bool,
    single_quoted: bool,
    block: bool,
}

/// S3–S5: which styles a string whose bytes are of the classes `c` may take.
fn analyze(s: &str, c: Class) -> Analysis {
    if c.ascii() && !s.is_empty() {
        return analyze_ascii(s.as_bytes(), c);
    }
    analyze_chars(s)
}

/// The characters libyaml's scalar analysis takes for an indicator at the
/// start of a scalar, whatever follows (`?`, `:` and `-` depend on it).
pub(super) fn leading_indicator(c: u8) -> bool {
    matches!(
        c,
        b'#' | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

/// [`analyze_chars`] for a non-empty ASCII string of the classes `c`, byte by
/// byte: the same facts, each found by looking at a byte and its neighbours.
/// Without breaks, `:` or `#` no fact depends on neighbours after the
/// first byte, and the classes alone give them.
fn analyze_ascii(b: &[u8], c: Class) -> Analysis {
    let brk = |c: u8| c == b'\n' || c == b'\r';
    let ws_after = |i: usize| matches!(b.get(i + 1), None | Some(b' ' | b'\t'));
    let (first, last) = (b[0], b[b.len() - 1]);
    let mut indicators = b.starts_with(b"---")
        || b.starts_with(b"...")
        || leading_indicator(first)
        || (matches!(first, b'?' | b':' | b'-') && ws_after(0));
    let (mut special, mut line_breaks) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    if !c.has(class::LF | class::CR | class::COLON | class::HASH) {
        special = c.has(class::CONTROL | class::DEL);
    } else {
        for (i, &c) in b.iter().enumerate() {
            match c {
                b' ' => break_space |= i > 0 && brk(b[i - 1]),
                b'\n' | b'\r' => {
                    line_breaks = true;
                    space_break |= i > 0 && b[i - 1] == b' ';
                    // CR is a break go-yaml does not count as printable.
                    special |= c == b'\r';
                }
                b':' => indicators |= i > 0 && ws_after(i),
                b'#' => {
                    indicators |= i > 0 && (matches!(b[i - 1], b' ' | b'\t' | 0) || brk(b[i - 1]))
                }
                0..=0x1f | 0x7f => special = true,
                _ => {}
            }
        }
    }
    finish_analysis(
        line_breaks,
        indicators,
        special,
        first == b' ' || brk(first),
        last == b' ',
        brk(last),
        break_space,
        space_break,
    )
}

/// S3–S5 for any string, character by character.
fn analyze_chars(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            multiline: false,
            block_plain: true,
            single_quoted: true,
            block: false,
        };
    }
    let mut indicators = s.starts_with("---") || s.starts_with("...");
    let mut preceded_ws = true;
    let (mut special, mut line_breaks) = (false, false);
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut prev_space, mut prev_break) = (false, false);
    let mut it = s.chars().peekable();
    let mut first = true;
    while let Some(c) = it.next() {
        let next = it.peek().copied();
        let followed_ws = matches!(next, None | Some(' ' | '\t'));
        if first {
            match c {
                c if c.is_ascii() && leading_indicator(c as u8) => indicators = true,
                '?' | ':' | '-' if followed_ws => indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_ws => indicators = true,
                '#' if preceded_ws => indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            leading_space |= first;
            trailing_space |= next.is_none();
            break_space |= prev_break;
            prev_space = true;
            prev_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= first;
            trailing_break |= next.is_none();
            space_break |= prev_space;
            prev_space = false;
            prev_break = true;
        } else {
            prev_space = false;
            prev_break = false;
        }
        preceded_ws = matches!(c, ' ' | '\t' | '\0') || is_break(c);
        first = false;
    }
    finish_analysis(
        line_breaks,
        indicators,
        special,
        leading_space || leading_break,
        trailing_space,
        trailing_break,
        break_space,
        space_break,
    )
}

/// The styles allowed, from the facts the analysis found.
#[allow(clippy::too_many_arguments)]
fn finish_analysis(
    line_breaks: bool,
    indicators: bool,
    special: bool,
    leading: bool,
    trailing_space: bool,
    trailing_break: bool,
    break_space: bool,
    space_break: bool,
) -> Analysis {
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain: true,
        single_quoted: true,
        block: true,
    };
    if leading || trailing_space || trailing_break {
        a.block_plain = false;
    }
    if trailing_space {
        a.block = false;
    }
    if break_space {
        a.block_plain = false;
        a.single_quoted = false;
    }
    if space_break || special {
        a.block_plain = false;
        a.single_quoted = false;
        a.block = false;
    }
    if line_breaks || indicators {
        a.block_plain = false;
    }
    a
}

#[cfg(test)]
mod tests;
