//! A fast reader for the YAML that real manifests are made of, producing
//! the very events libyaml-safer would, so the one event loop of
//! `parse_stream` (and its scalar resolver, merge, duplicate and marks
//! logic) builds the documents whichever reader ran.
//!
//! It reads block mappings and sequences (indentless ones too), plain
//! scalars on one line, single- and double-quoted scalars on one line,
//! literal and folded block scalars, comments, flat one-line flow
//! collections of scalars and `---` separated documents. On anything else
//! (anchors, aliases, tags, `?` keys, multi-line plain or quoted scalars,
//! tabs, CR, directives, `...`, odd indentation, any text libyaml would
//! reject) it declines: [`Events::next`] returns `None` and the caller
//! starts over with libyaml-safer, so errors keep their texts and marks.
//!
//! [`Events::run`] hands each event to the builder as it is read (a
//! decline then makes the caller start over on libyaml-safer); the pull
//! API ([`Events::next`], for tests and [`fast_reader_takes`]) reads
//! documents one at a time into a queue of events: a decline can
//! come late in a document, but never after one of its events was handed
//! out and the document then reported as read.

use libyaml_safer::{Encoding, Event, EventData, MappingStyle, Mark, ScalarStyle, SequenceStyle};
use std::collections::VecDeque;

/// How deep the reader nests before it declines (libyaml's depth errors
/// then come from the full parser; real manifests stay far below).
const MAX_DEPTH: usize = 200;

/// Longest simple key the reader takes: libyaml refuses keys over 1024
/// characters ("could not find expected ':'"), so stay clear of the edge.
const MAX_KEY: usize = 1000;

#[cfg(test)]
thread_local! {
    /// Tests turn the reader off to compare with the full parser.
    pub(super) static DISABLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Where a node starts, which decides what it may be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// First on its line (after indentation).
    LineStart,
    /// After `key: ` on the same line (no mapping or sequence may start).
    AfterKey,
    /// After `- ` on the same line (a compact mapping or sequence may).
    AfterDash,
}

/// The event source: libyaml-safer's events for `src`, or a decline.
pub(super) struct Events<'a, 's> {
    src: &'a [u8],
    /// `src` as text (checked once; scalars are slices of it).
    text: &'a str,
    pos: usize,
    /// Line of `pos`, from 0.
    line: usize,
    /// Byte offset where the line of `pos` starts.
    line_start: usize,
    queue: VecDeque<Event>,
    /// Where events go in [`Events::run`] (else into `queue`), and whether
    /// it asked for no more.
    sink: Option<&'s mut dyn FnMut(Event) -> bool>,
    stopped: bool,
    started: bool,
    ended: bool,
    declined: bool,
    depth: usize,
    /// The text is ASCII: a column is a byte count.
    ascii: bool,
}

impl<'a, 's> Events<'a, 's> {
    /// A reader over `src`, which must be what libyaml-safer is given
    /// (checked input ending with a line break, or empty).
    pub(super) fn new(src: &'a [u8]) -> Events<'a, 's> {
        Self::new_known(src, false)
    }

    /// [`Events::new`], told whether `src` is known to be plain ASCII
    /// (printable characters and line feeds only, as `check_input` finds):
    /// then the reader need not scan it for what it never reads.
    pub(super) fn new_known(src: &'a [u8], plain_ascii: bool) -> Events<'a, 's> {
        #[cfg(test)]
        let disabled = DISABLED.with(|d| d.get());
        #[cfg(not(test))]
        let disabled = false;
        // `STRATA_YAML_FAST=0` leaves every text to libyaml-safer: a way
        // round a reader bug, and the benchmark's "before".
        let disabled = disabled || std::env::var_os("STRATA_YAML_FAST").is_some_and(|v| v == "0");
        let text = std::str::from_utf8(src);
        let ascii = plain_ascii || text.is_ok_and(str::is_ascii);
        Events {
            src,
            text: text.unwrap_or_default(),
            pos: 0,
            line: 0,
            line_start: 0,
            queue: VecDeque::new(),
            sink: None,
            stopped: false,
            started: false,
            ended: false,
            declined: disabled || text.is_err() || !(plain_ascii || plain_bytes(src, ascii)),
            depth: 0,
            ascii,
        }
    }

    /// Reads the text into `sink`, event by event, until the stream's end
    /// or until `sink` returns `false`; `false` if the reader declined
    /// (possibly after handing out some events: the caller starts over).
    /// No queue: the builder sees each event as it is read.
    pub(super) fn run(mut self, sink: &'s mut dyn FnMut(Event) -> bool) -> bool {
        self.sink = Some(sink);
        while !self.ended && !self.stopped {
            if self.declined || self.fill().is_none() {
                return false;
            }
        }
        true
    }

    /// The next event, or `None` once the reader declines (then it
    /// declines for good).
    pub(super) fn next(&mut self) -> Option<Event> {
        if self.declined {
            return None;
        }
        if self.queue.is_empty() {
            if self.ended {
                return None;
            }
            if self.fill().is_none() {
                self.declined = true;
                self.queue.clear();
                return None;
            }
        }
        self.queue.pop_front()
    }

    /// Reads the next document (or the stream's start or end) into the
    /// queue.
    fn fill(&mut self) -> Option<()> {
        if !self.started {
            self.started = true;
            let m = self.mark(0);
            self.push(
                EventData::StreamStart {
                    encoding: Encoding::Utf8,
                },
                m,
            );
            self.skip_blank_and_comment_lines()?;
        }
        if self.pos >= self.src.len() {
            let m = self.stream_end_mark();
            self.push(EventData::StreamEnd, m);
            self.ended = true;
            return Some(());
        }
        if self.src[self.pos] == b'%' || self.at_marker(b'.') {
            return None;
        }
        if self.at_marker(b'-') {
            let start = self.mark(self.pos);
            self.push(doc_start(false), start);
            self.pos += 3;
            self.end_of_line()?;
            self.skip_blank_and_comment_lines()?;
            if self.content_col() < 0 {
                if self.pos < self.src.len() && !self.at_marker(b'-') {
                    return None;
                }
                // An empty document: libyaml's empty scalar sits at the
                // next token (the next `---`, or the stream's end).
                let m = if self.pos >= self.src.len() {
                    self.stream_end_mark()
                } else {
                    self.mark(self.pos)
                };
                self.push(scalar(String::new(), ScalarStyle::Plain), m);
            } else {
                self.node(-1, Ctx::LineStart)?;
            }
        } else {
            let start = self.mark(self.pos);
            self.push(doc_start(true), start);
            self.node(-1, Ctx::LineStart)?;
        }
        // After the root node: the stream's end or the next `---`.
        if self.pos < self.src.len() && !self.at_marker(b'-') {
            return None;
        }
        let m = self.mark(self.pos.min(self.src.len()));
        self.push(EventData::DocumentEnd { implicit: true }, m);
        Some(())
    }

    fn push(&mut self, data: EventData, start: Mark) {
        self.push_to(data, start, start);
    }

    fn push_to(&mut self, data: EventData, start: Mark, end: Mark) {
        let mut e = Event::stream_end();
        // The placeholder's data (`StreamEnd`) owns nothing: skip its drop.
        std::mem::forget(std::mem::replace(&mut e.data, data));
        e.start_mark = start;
        e.end_mark = end;
        match &mut self.sink {
            Some(sink) => {
                if !self.stopped && !sink(e) {
                    self.stopped = true;
                }
            }
            None => self.queue.push_back(e),
        }
    }

    /// libyaml's mark of a byte on the current line (columns count
    /// characters).
    fn mark(&self, pos: usize) -> Mark {
        let mut m = Mark::default();
        m.index = pos as u64;
        m.line = self.line as u64;
        m.column = if self.ascii {
            (pos - self.line_start) as u64
        } else {
            self.src[self.line_start..pos]
                .iter()
                .filter(|&&b| (b as i8) >= -0x40)
                .count() as u64
        };
        m
    }

    /// Where libyaml puts the stream's end: at the end, on a fresh line.
    fn stream_end_mark(&self) -> Mark {
        let mut m = Mark::default();
        m.index = self.src.len() as u64;
        m.line = self.src.iter().filter(|&&b| b == b'\n').count() as u64;
        m
    }

    fn byte(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    /// Whether the byte at `i` is blank or ends the input (tabs never get
    /// here).
    fn blankz(&self, i: usize) -> bool {
        matches!(self.byte(i), b' ' | b'\n' | 0)
    }

    /// A block sequence indicator (`-` then a blank) under `pos`.
    fn at_dash(&self) -> bool {
        self.byte(self.pos) == b'-' && self.blankz(self.pos + 1)
    }

    /// A `---` or `...` marker at column 0 under `pos`.
    fn at_marker(&self, c: u8) -> bool {
        self.pos == self.line_start
            && self.src[self.pos..].starts_with(&[c, c, c])
            && self.blankz(self.pos + 3)
    }

    /// Column of `pos` when it is at a line's first content: -1 at the
    /// end of the input and at document markers (which end every block).
    fn content_col(&self) -> isize {
        if self.pos >= self.src.len() || self.at_marker(b'-') || self.at_marker(b'.') {
            -1
        } else {
            (self.pos - self.line_start) as isize
        }
    }

    /// How many spaces run from `i` on, counted eight bytes at a time:
    /// indentation is much of a manifest's bytes.
    #[inline]
    fn spaces(&self, i: usize) -> usize {
        let rest = self.src.get(i..).unwrap_or_default();
        let mut n = 0;
        while let Some(word) = rest.get(n..n + 8) {
            let mut w = [0; 8];
            w.copy_from_slice(word);
            // A byte of `x` is zero exactly where the text has a space.
            let x = u64::from_le_bytes(w) ^ u64::from_le_bytes([b' '; 8]);
            if x != 0 {
                return n + (x.trailing_zeros() / 8) as usize;
            }
            n += 8;
        }
        n + rest[n..].iter().take_while(|&&b| b == b' ').count()
    }

    /// Moves past the spaces at `pos`.
    #[inline]
    fn skip_spaces(&mut self) {
        self.pos += self.spaces(self.pos);
    }

    /// Moves past a line break at `pos`.
    fn newline(&mut self) {
        self.pos += 1;
        self.line += 1;
        self.line_start = self.pos;
    }

    /// The rest of the line must be blanks and maybe a comment (`#` after
    /// a blank, or first); moves past its line break. Whether there was a
    /// comment.
    fn end_of_line(&mut self) -> Option<bool> {
        let start = self.pos;
        self.skip_spaces();
        let comment = match self.byte(self.pos) {
            b'\n' => false,
            0 => return Some(false),
            b'#' if self.pos > start
                || self.pos == self.line_start
                || self.byte(self.pos - 1) == b' ' =>
            {
                self.pos += memchr(b'\n', &self.src[self.pos..])?;
                true
            }
            _ => return None,
        };
        self.newline();
        Some(comment)
    }

    /// Skips lines holding only blanks or a comment, and the indentation
    /// of the next line: `pos` ends at that line's first content. Whether
    /// there was a comment line.
    fn skip_blank_and_comment_lines(&mut self) -> Option<bool> {
        let mut comment = false;
        loop {
            self.skip_spaces();
            match self.byte(self.pos) {
                b'\n' => self.newline(),
                b'#' => {
                    self.pos += memchr(b'\n', &self.src[self.pos..])?;
                    self.newline();
                    comment = true;
                }
                _ => return Some(comment),
            }
        }
    }

    /// After a node's last content on a line: the rest of it, then the
    /// lines up to the next content.
    fn finish_line(&mut self) -> Option<()> {
        self.finish_line_seeing_comments().map(drop)
    }

    /// [`Events::finish_line`], telling whether it passed a comment.
    fn finish_line_seeing_comments(&mut self) -> Option<bool> {
        let comment = self.end_of_line()?;
        Some(self.skip_blank_and_comment_lines()? || comment)
    }

    /// Reads one node at `pos`; `indent` is libyaml's block indentation
    /// around it (-1 at the root). Leaves `pos` at the next content.
    fn node(&mut self, indent: isize, ctx: Ctx) -> Option<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let r = self.node_inner(indent, ctx);
        self.depth -= 1;
        r
    }

    fn node_inner(&mut self, indent: isize, ctx: Ctx) -> Option<()> {
        let col = (self.pos - self.line_start) as isize;
        let c = self.byte(self.pos);
        match c {
            b'-' if self.blankz(self.pos + 1) => {
                if ctx == Ctx::AfterKey {
                    return None;
                }
                self.block_seq(col, false)
            }
            b'[' | b'{' => {
                self.flow(c)?;
                self.finish_line()
            }
            b'|' | b'>' => {
                if ctx == Ctx::LineStart {
                    return None;
                }
                self.block_scalar(indent)
            }
            b'"' | b'\'' => {
                let start = self.pos;
                let value = self.quoted()?;
                let after = self.pos;
                self.skip_spaces();
                if self.byte(self.pos) == b':' && self.blankz(self.pos + 1) {
                    if ctx == Ctx::AfterKey {
                        return None;
                    }
                    self.pos = start;
                    return self.block_map(col);
                }
                if self.byte(self.pos) == b'#' && self.pos == after {
                    return None;
                }
                let style = if c == b'"' {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                };
                let m = self.mark(start);
                self.push(scalar(value, style), m);
                self.finish_line()
            }
            _ => {
                if !plain_start(c, self.byte(self.pos + 1)) {
                    return None;
                }
                let start = self.pos;
                let (end, key) = self.plain_end();
                if key {
                    if ctx == Ctx::AfterKey {
                        return None;
                    }
                    return self.block_map(col);
                }
                let m = self.mark(start);
                let text = self.text(start, end)?;
                self.push(scalar(text, ScalarStyle::Plain), m);
                self.pos = end;
                // libyaml continues a plain scalar on the next non-blank
                // line indented past `indent`, unless a comment came
                // first; a document marker or the end stop it (column -1).
                let comment = self.finish_line_seeing_comments()?;
                (comment || self.content_col() <= indent).then_some(())
            }
        }
    }

    /// Text between two offsets (a cut inside a character cannot happen at
    /// ASCII delimiters; `None` if it did).
    fn text(&self, start: usize, end: usize) -> Option<String> {
        self.text.get(start..end).map(str::to_string)
    }

    /// Where a block-context plain scalar starting at `pos` ends on its
    /// line (trailing blanks left out), and whether a `: ` follows (a
    /// key).
    fn plain_end(&self) -> (usize, bool) {
        // Only a line break, `: ` (`:` before a line break) and ` #` end
        // one; blanks before them are not part of it (the scalar's first
        // byte is no blank, so trimming stops there).
        let trim = |mut end: usize| {
            while self.src[end - 1] == b' ' {
                end -= 1;
            }
            end
        };
        let mut i = self.pos;
        loop {
            let Some(k) = memchr::memchr3(b'\n', b':', b'#', &self.src[i..]) else {
                return (trim(self.src.len()), false);
            };
            let j = i + k;
            match self.src[j] {
                b'\n' => return (trim(j), false),
                b':' if self.blankz(j + 1) => return (trim(j), true),
                b'#' if self.src[j - 1] == b' ' => return (trim(j), false),
                _ => i = j + 1,
            }
        }
    }

    /// A block mapping whose first key is at `pos`, column `col`.
    fn block_map(&mut self, col: isize) -> Option<()> {
        let m = self.mark(self.pos);
        self.push(
            EventData::MappingStart {
                anchor: None,
                tag: None,
                implicit: true,
                style: MappingStyle::Block,
            },
            m,
        );
        loop {
            self.key()?;
            self.indicated_value(col, Ctx::AfterKey)?;
            let next = self.content_col();
            if next < col {
                break;
            }
            if next > col || self.at_dash() {
                return None;
            }
        }
        let m = self.mark(self.pos.min(self.src.len()));
        self.push(EventData::MappingEnd, m);
        Some(())
    }

    /// A simple key at `pos` and its `:`; leaves `pos` past the `:`.
    fn key(&mut self) -> Option<()> {
        let start = self.pos;
        let c = self.byte(start);
        let (value, style) = if c == b'"' || c == b'\'' {
            let v = self.quoted()?;
            self.skip_spaces();
            if self.byte(self.pos) != b':' || !self.blankz(self.pos + 1) {
                return None;
            }
            let style = if c == b'"' {
                ScalarStyle::DoubleQuoted
            } else {
                ScalarStyle::SingleQuoted
            };
            (v, style)
        } else {
            if !plain_start(c, self.byte(start + 1)) {
                return None;
            }
            let (end, key) = self.plain_end();
            if !key {
                return None;
            }
            let v = self.text(start, end)?;
            self.pos = end;
            self.skip_spaces();
            (v, ScalarStyle::Plain)
        };
        if self.pos - start > MAX_KEY {
            return None;
        }
        let m = self.mark(start);
        self.push(scalar(value, style), m);
        self.pos += 1; // the `:`
        Some(())
    }

    /// The node after a key's `:` (`Ctx::AfterKey`) or an item's `-`
    /// (`Ctx::AfterDash`) of a collection at column `col`, `pos` just past
    /// the indicator: on the same line, on the lines below, or else an empty
    /// plain scalar marked where the indicator ends. Below a key, a `-` at
    /// the key's own column starts an indentless sequence.
    fn indicated_value(&mut self, col: isize, ctx: Ctx) -> Option<()> {
        let empty = self.mark(self.pos);
        self.skip_spaces();
        let c = self.byte(self.pos);
        if c == b'\n' || c == 0 || c == b'#' {
            self.finish_line()?;
            let next = self.content_col();
            if next > col {
                self.node(col, Ctx::LineStart)?;
            } else if ctx == Ctx::AfterKey && next == col && self.at_dash() {
                self.block_seq(col, true)?;
            } else {
                self.push(scalar(String::new(), ScalarStyle::Plain), empty);
            }
        } else {
            self.node(col, ctx)?;
        }
        Some(())
    }

    /// A block sequence whose first `-` is at `pos`, column `col`;
    /// `indentless` for one at its mapping's own column.
    fn block_seq(&mut self, col: isize, indentless: bool) -> Option<()> {
        let m = self.mark(self.pos);
        self.push(
            EventData::SequenceStart {
                anchor: None,
                tag: None,
                implicit: true,
                style: SequenceStyle::Block,
            },
            m,
        );
        loop {
            self.pos += 1; // the `-`
            self.indicated_value(col, Ctx::AfterDash)?;
            let next = self.content_col();
            if next < col {
                break;
            }
            if next > col {
                return None;
            }
            if !self.at_dash() {
                if indentless {
                    break; // the mapping's next key
                }
                return None;
            }
        }
        let m = self.mark(self.pos.min(self.src.len()));
        self.push(EventData::SequenceEnd, m);
        Some(())
    }

    /// A quoted scalar on one line at `pos`; leaves `pos` past its closing
    /// quote.
    fn quoted(&mut self) -> Option<String> {
        // Most quoted scalars hold nothing to translate before their
        // closing quote: a slice of the text then.
        if let Some(close) = self.unescaped_close() {
            let value = self.text.get(self.pos + 1..close)?.to_string();
            self.pos = close + 1;
            return Some(value);
        }
        self.quoted_escaped()
    }

    /// The closing quote of the quoted scalar at `pos` when no escape, no
    /// doubled quote and no line break come before it.
    fn unescaped_close(&self) -> Option<usize> {
        let q = self.byte(self.pos);
        let from = self.pos + 1;
        let close = from + memchr::memchr3(q, b'\\', b'\n', &self.src[from..])?;
        let closes = self.src[close] == q && (q == b'"' || self.byte(close + 1) != b'\'');
        closes.then_some(close)
    }

    /// [`Events::quoted`] byte by byte, translating escapes and doubled
    /// quotes.
    fn quoted_escaped(&mut self) -> Option<String> {
        let q = self.byte(self.pos);
        let mut i = self.pos + 1;
        let mut out = Vec::new();
        loop {
            let c = self.byte(i);
            match c {
                b'\n' | 0 => return None,
                b'\'' if q == b'\'' => {
                    if self.byte(i + 1) == b'\'' {
                        out.push(b'\'');
                        i += 2;
                    } else {
                        i += 1;
                        break;
                    }
                }
                b'"' if q == b'"' => {
                    i += 1;
                    break;
                }
                b'\\' if q == b'"' => {
                    let e = self.byte(i + 1);
                    let simple = match e {
                        b'0' => Some('\0'),
                        b'a' => Some('\x07'),
                        b'b' => Some('\x08'),
                        b't' => Some('\t'),
                        b'n' => Some('\n'),
                        b'v' => Some('\x0B'),
                        b'f' => Some('\x0C'),
                        b'r' => Some('\r'),
                        b'e' => Some('\x1B'),
                        b' ' => Some(' '),
                        b'"' => Some('"'),
                        b'/' => Some('/'),
                        b'\'' => Some('\''),
                        b'\\' => Some('\\'),
                        b'N' => Some('\u{85}'),
                        b'_' => Some('\u{A0}'),
                        b'L' => Some('\u{2028}'),
                        b'P' => Some('\u{2029}'),
                        _ => None,
                    };
                    let (ch, len) = match (simple, e) {
                        (Some(ch), _) => (ch, 2),
                        (None, b'x') => (self.hex(i + 2, 2)?, 4),
                        (None, b'u') => (self.hex(i + 2, 4)?, 6),
                        (None, b'U') => (self.hex(i + 2, 8)?, 10),
                        _ => return None,
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                    i += len;
                }
                _ => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        self.pos = i;
        String::from_utf8(out).ok()
    }

    /// A `\x`, `\u` or `\U` escape's character (libyaml refuses
    /// surrogates and values past U+10FFFF).
    fn hex(&self, at: usize, n: usize) -> Option<char> {
        let digits = self.src.get(at..at + n)?;
        let s = std::str::from_utf8(digits).ok()?;
        if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        char::from_u32(u32::from_str_radix(s, 16).ok()?)
    }

    /// A literal or folded block scalar at its indicator; `indent` is
    /// libyaml's indentation around it.
    fn block_scalar(&mut self, indent: isize) -> Option<()> {
        let start = self.pos;
        let folded = self.byte(start) == b'>';
        self.pos += 1;
        let chomp = match self.byte(self.pos) {
            b'-' => {
                self.pos += 1;
                -1
            }
            b'+' => {
                self.pos += 1;
                1
            }
            _ => 0,
        };
        if !matches!(self.byte(self.pos), b' ' | b'\n') {
            return None; // an indentation digit, or more
        }
        let m = self.mark(start);
        self.end_of_line()?;
        // Leading empty lines, then the first content line sets the
        // indentation. Lines of blanks only are left to libyaml.
        let mut leading = 0;
        while self.byte(self.pos) == b'\n' {
            self.newline();
            leading += 1;
        }
        let mut n = 0;
        while self.byte(self.pos + n) == b' ' {
            n += 1;
        }
        let first = self.byte(self.pos + n);
        if first == b'\n' || first == 0 || (n as isize) <= indent.max(0) {
            return None; // blank-only line, or no content
        }
        let mut out: Vec<u8> = vec![b'\n'; leading];
        let mut breaks = 0; // empty lines since the last content line
        let end;
        let mut lines = 0;
        loop {
            // At a line start: content if indented by `n`.
            let mut k = 0;
            while k < n && self.byte(self.pos + k) == b' ' {
                k += 1;
            }
            let c = self.byte(self.pos + k);
            if c == b'\n' {
                if k > 0 {
                    return None;
                }
                breaks += 1;
                self.newline();
                continue;
            }
            if k < n || c == 0 {
                // The terminating line: libyaml's scalar ends at its start.
                end = self.mark(self.pos);
                self.pos += k;
                break;
            }
            let line = self.pos + n;
            if folded && self.byte(line) == b' ' {
                return None; // more-indented lines fold otherwise
            }
            if lines > 0 {
                if folded && breaks == 0 {
                    out.push(b' ');
                } else {
                    if !folded {
                        out.push(b'\n');
                    }
                    out.extend(std::iter::repeat_n(b'\n', breaks));
                }
            }
            let end = line + memchr(b'\n', &self.src[line..])?;
            out.extend_from_slice(&self.src[line..end]);
            lines += 1;
            breaks = 0;
            self.pos = end;
            self.newline();
        }
        match chomp {
            -1 => {}
            0 => out.push(b'\n'),
            _ => {
                out.push(b'\n');
                out.extend(std::iter::repeat_n(b'\n', breaks));
            }
        }
        let value = String::from_utf8(out).ok()?;
        let style = if folded {
            ScalarStyle::Folded
        } else {
            ScalarStyle::Literal
        };
        self.push_to(scalar(value, style), m, end);
        self.skip_blank_and_comment_lines().map(drop)
    }

    /// A one-line flow collection of scalars at `pos` (`[`, `{`); leaves
    /// `pos` past its closing bracket.
    fn flow(&mut self, open: u8) -> Option<()> {
        let m = self.mark(self.pos);
        let map = open == b'{';
        let close = if map { b'}' } else { b']' };
        self.push(
            if map {
                EventData::MappingStart {
                    anchor: None,
                    tag: None,
                    implicit: true,
                    style: MappingStyle::Flow,
                }
            } else {
                EventData::SequenceStart {
                    anchor: None,
                    tag: None,
                    implicit: true,
                    style: SequenceStyle::Flow,
                }
            },
            m,
        );
        self.pos += 1;
        self.flow_blanks();
        if self.byte(self.pos) != close {
            loop {
                let item = self.pos;
                self.flow_scalar(map)?;
                self.flow_blanks();
                if map {
                    // libyaml's 1024-character bound on simple keys holds
                    // in flow mappings too (a longer key is an error).
                    if self.pos - item > MAX_KEY {
                        return None;
                    }
                    if self.byte(self.pos) != b':' || self.byte(self.pos + 1) != b' ' {
                        return None;
                    }
                    self.pos += 1;
                    self.flow_blanks();
                    self.flow_scalar(false)?;
                    self.flow_blanks();
                }
                match self.byte(self.pos) {
                    b',' => {
                        self.pos += 1;
                        self.flow_blanks();
                        if self.byte(self.pos) == close {
                            return None; // a trailing comma
                        }
                    }
                    c if c == close => break,
                    _ => return None,
                }
            }
        }
        let m = self.mark(self.pos);
        self.pos += 1;
        self.push(
            if map {
                EventData::MappingEnd
            } else {
                EventData::SequenceEnd
            },
            m,
        );
        if self.byte(self.pos) == b':' {
            return None; // a flow collection as a key
        }
        Some(())
    }

    fn flow_blanks(&mut self) {
        self.skip_spaces();
    }

    /// One scalar inside a flow collection: quoted, or plain without any
    /// of `:#` and ending at `,` or the closing bracket (a `key` also at
    /// `: `).
    fn flow_scalar(&mut self, key: bool) -> Option<()> {
        let start = self.pos;
        let c = self.byte(start);
        if c == b'"' || c == b'\'' {
            let v = self.quoted()?;
            let style = if c == b'"' {
                ScalarStyle::DoubleQuoted
            } else {
                ScalarStyle::SingleQuoted
            };
            let m = self.mark(start);
            self.push(scalar(v, style), m);
            return Some(());
        }
        let next = self.byte(start + 1);
        if !plain_start(c, next) || c == b'-' && matches!(next, b',' | b']' | b'}') {
            return None;
        }
        let mut i = start;
        let mut end = start;
        loop {
            match self.byte(i) {
                b',' | b']' | b'}' => break,
                b':' if key && self.byte(i + 1) == b' ' => break,
                b'\n' | 0 | b'[' | b'{' | b':' | b'#' => return None,
                b' ' => i += 1,
                _ => {
                    i += 1;
                    end = i;
                }
            }
        }
        let m = self.mark(start);
        let text = self.text(start, end)?;
        self.push(scalar(text, ScalarStyle::Plain), m);
        self.pos = end;
        Some(())
    }
}

/// Whether the fast reader reads `src` whole, as [`super::parse_documents`]
/// is given it (the rest goes to libyaml-safer, with the same results):
/// for measuring how much of a corpus takes the fast path.
pub fn fast_reader_takes(src: &[u8]) -> bool {
    if super::check_input(src).is_err() {
        return false;
    }
    let padded;
    let src = if src.last().is_some_and(|&c| c != b'\n') {
        padded = [src, b"\n"].concat();
        &padded[..]
    } else {
        src
    };
    let mut r = Events::new(src);
    while let Some(e) = r.next() {
        if e.data == EventData::StreamEnd {
            return true;
        }
    }
    false
}

/// Whether a plain scalar may start with `c` (followed by `next`) here;
/// the indicators the reader leaves to libyaml are refused.
fn plain_start(c: u8, next: u8) -> bool {
    match c {
        b'-' => !matches!(next, b' ' | b'\n' | 0),
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' | b'\n' | 0 => false,
        _ => true,
    }
}

/// Whether the text avoids what the reader never handles: tabs, CR, a
/// byte-order mark, and NEL, LS and PS (line breaks to libyaml); `ascii`
/// when the text is known to be ASCII (then only tabs and CR can occur).
fn plain_bytes(src: &[u8], ascii: bool) -> bool {
    if ascii {
        return !super::any_byte(src, |b| b == b'\t' || b == b'\r');
    }
    let mut i = 0;
    while i < src.len() {
        match src[i] {
            b'\t' | b'\r' => return false,
            0xC2 if src.get(i + 1) == Some(&0x85) => return false,
            0xE2 if src.get(i + 1) == Some(&0x80)
                && matches!(src.get(i + 2), Some(0xA8 | 0xA9)) =>
            {
                return false
            }
            0xEF if src.get(i + 1) == Some(&0xBB) && src.get(i + 2) == Some(&0xBF) => return false,
            _ => {}
        }
        i += 1;
    }
    true
}

fn memchr(c: u8, hay: &[u8]) -> Option<usize> {
    super::find_byte(c, hay)
}

fn doc_start(implicit: bool) -> EventData {
    EventData::DocumentStart {
        version_directive: None,
        tag_directives: Vec::new(),
        implicit,
    }
}

fn scalar(value: String, style: ScalarStyle) -> EventData {
    let plain = style == ScalarStyle::Plain;
    EventData::Scalar {
        anchor: None,
        tag: None,
        value,
        plain_implicit: plain,
        quoted_implicit: !plain,
        style,
    }
}

#[cfg(test)]
mod tests {
    //! The differential test: on every YAML file of the repository's test
    //! data, the parser fixtures and the conformance corpus, and on
    //! mutated variants of each, the reader either declines or yields
    //! libyaml's very events, and the documents (values, marks, starts,
    //! non-string keys, errors) are those of the full parser.

    use super::super::{check_input, go_tags, parse_documents, Document, DuplicateKeys};
    use super::super::{ParseError, ParseOptions};
    use super::*;
    use libyaml_safer::Parser;
    use std::path::{Path, PathBuf};

    /// The reader's events for a text as `parse_stream` hands it over, or
    /// `None` when it declines (or the text never reaches it).
    fn fast_events(src: &[u8]) -> Option<(Vec<u8>, Vec<Event>)> {
        check_input(src).ok()?;
        let mut text = src.to_vec();
        if text.last().is_some_and(|&c| c != b'\n' && c != b'\r') {
            text.push(b'\n');
        }
        let text = go_tags::go_tag_uris(&text).ok()?.into_owned();
        let mut r = Events::new(&text);
        let mut out = Vec::new();
        loop {
            let e = r.next()?;
            let end = e.data == EventData::StreamEnd;
            out.push(e);
            if end {
                return Some((text, out));
            }
        }
    }

    fn lib_events(src: &[u8]) -> Vec<Event> {
        let mut input = src;
        let mut p = Parser::new();
        p.set_input_string(&mut input);
        let mut out = Vec::new();
        loop {
            let e = p.parse().expect("libyaml refuses a text the reader took");
            let end = e.data == EventData::StreamEnd;
            out.push(e);
            if end {
                return out;
            }
        }
    }

    /// Compares what the event loop reads of each event.
    fn same_events(name: &str, fast: &[Event], lib: &[Event]) {
        assert_eq!(fast.len(), lib.len(), "{name}: event counts");
        // The stream's encoding is never read (libyaml says `Any` for an
        // empty text).
        for (i, (f, l)) in fast.iter().zip(lib).enumerate().skip(1) {
            assert_eq!(f.data, l.data, "{name}: event {i}");
            let ends = matches!(
                l.data,
                EventData::StreamStart { .. }
                    | EventData::StreamEnd
                    | EventData::DocumentEnd { .. }
                    | EventData::SequenceEnd
                    | EventData::MappingEnd
            );
            if !ends {
                assert_eq!(
                    f.start_mark, l.start_mark,
                    "{name}: start of event {i} {:?}",
                    l.data
                );
            }
            if let EventData::Scalar {
                style: ScalarStyle::Literal | ScalarStyle::Folded,
                ..
            } = l.data
            {
                assert_eq!(
                    f.end_mark.index, l.end_mark.index,
                    "{name}: end of event {i}"
                );
            }
        }
    }

    type Parsed = Result<Vec<Document>, ParseError>;

    fn with_reader(on: bool, f: impl FnOnce() -> Parsed) -> Parsed {
        DISABLED.with(|d| d.set(!on));
        let r = f();
        DISABLED.with(|d| d.set(false));
        r
    }

    fn same_documents(name: &str, fast: Parsed, full: Parsed) {
        match (fast, full) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.len(), b.len(), "{name}: documents");
                for (x, y) in a.iter().zip(&b) {
                    assert!(x.value == y.value, "{name}: values");
                    assert_eq!(x.marks, y.marks, "{name}: marks");
                    assert_eq!(x.start, y.start, "{name}: start");
                    assert_eq!(x.non_string_keys, y.non_string_keys, "{name}: keys");
                }
            }
            (a, b) => assert_eq!(a.err(), b.err(), "{name}: results"),
        }
    }

    /// Checks one text; whether the reader took it whole.
    fn check(name: &str, src: &[u8]) -> bool {
        let taken = match fast_events(src) {
            Some((text, fast)) => {
                same_events(name, &fast, &lib_events(&text));
                true
            }
            None => false,
        };
        let marks = ParseOptions {
            record_marks: true,
            duplicate_keys: DuplicateKeys::Error,
            go_alias_ratio: false,
        };
        let last = ParseOptions {
            record_marks: false,
            duplicate_keys: DuplicateKeys::KeepLast,
            go_alias_ratio: true,
        };
        same_documents(
            name,
            with_reader(true, || parse_documents(src, &marks)),
            with_reader(false, || parse_documents(src, &marks)),
        );
        same_documents(
            name,
            with_reader(true, || Document::read_resources(src, &last)),
            with_reader(false, || Document::read_resources(src, &last)),
        );
        taken
    }

    fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                yaml_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                out.push(p);
            }
        }
    }

    /// A small deterministic generator (xorshift).
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n.max(1) as u64) as usize
        }
    }

    /// Scalars and fragments the mutations put into texts.
    const PIECES: &[&str] = &[
        "x",
        "\"a\\tb\"",
        "'it''s'",
        "|",
        "|-",
        ">",
        "|+",
        "- x",
        "{a: 1}",
        "[1, 2]",
        "0x1F",
        "~",
        "\"\\u00e9\\x41\"",
        "a #b",
        "a:b",
        ": x",
        "&a x",
        "*a",
        "!!str 1",
        "[a, [b]]",
        "{}",
        "[]",
        "'",
        "\"",
        "\"\\ud800\"",
        "- ",
        "? a",
        "a: b: c",
        "---",
        "...",
        "#c",
        "\"x\" #c",
        "é",
        "yes",
        "1.5",
        "<<",
        "\"<<\"",
        "{a: b, c: \"d\"}",
        "[\"a\", 'b', c d]",
        "- - a",
        "|2",
        ">\n  a\n\n  b\n   c",
        "|\n  a\n\n  b\n",
        "a\n  b",
        "\"a\n  b\"",
    ];

    fn mutate(text: &str, rng: &mut Rng) -> String {
        let lines: Vec<&str> = text.lines().collect();
        let mut lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        if lines.is_empty() {
            return PIECES[rng.below(PIECES.len())].to_string();
        }
        let i = rng.below(lines.len());
        match rng.below(6) {
            0 => {
                // Truncate at a character boundary.
                let mut cut = rng.below(text.len());
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                return text[..cut].to_string();
            }
            1 => lines[i].insert_str(0, if rng.below(2) == 0 { " " } else { "  " }),
            2 => {
                let n = lines[i].len() - lines[i].trim_start_matches(' ').len();
                lines[i] = lines[i][n.min(1 + rng.below(2))..].to_string();
            }
            3 => {
                let piece = PIECES[rng.below(PIECES.len())];
                lines[i] = match lines[i].find(": ") {
                    Some(k) => format!("{}: {piece}", &lines[i][..k]),
                    None => format!("{}{piece}", lines[i]),
                };
            }
            4 => {
                let l = lines[i].clone();
                lines.insert(rng.below(lines.len()), l);
            }
            _ => {
                let n = lines[i].len() - lines[i].trim_start_matches(' ').len();
                let piece = PIECES[rng.below(PIECES.len())];
                lines.insert(i, format!("{}{piece}", " ".repeat(n)));
            }
        }
        let mut out = lines.join("\n");
        if rng.below(4) != 0 {
            out.push('\n');
        }
        out
    }

    #[test]
    fn reader_agrees_with_the_full_parser() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        yaml_files(&root.join("testdata"), &mut files);
        let corpus = std::env::var_os("STRATA_CONFORMANCE")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("../shared/conformance"));
        yaml_files(&corpus, &mut files);
        yaml_files(Path::new("/work/shared/conformance"), &mut files);
        files.sort();
        files.dedup();
        // Variants per file: a few by default (debug builds are slow);
        // `STRATA_FAST_VARIANTS=50 cargo test --release` searches harder.
        let variants: usize = std::env::var("STRATA_FAST_VARIANTS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2);
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let (mut taken, mut mutated_taken, mut mutated) = (0, 0, 0);
        for f in &files {
            let src = std::fs::read(f).unwrap();
            let name = f.display().to_string();
            taken += usize::from(check(&name, &src));
            let Ok(text) = std::str::from_utf8(&src) else {
                continue;
            };
            if text.len() > 16 * 1024 {
                continue;
            }
            for k in 0..variants {
                let m = mutate(text, &mut rng);
                mutated += 1;
                mutated_taken +=
                    usize::from(check(&format!("{name} (variant {k}: {m:?})"), m.as_bytes()));
            }
        }
        eprintln!(
            "fast reader: {taken} of {} files, {mutated_taken} of {mutated} variants",
            files.len()
        );
        // The reader must carry most real files, or it tests nothing.
        assert!(taken * 2 > files.len(), "{taken} of {}", files.len());
        assert!(mutated_taken * 5 > mutated, "{mutated_taken} of {mutated}");
    }

    /// The byte-by-byte scan [`Events::plain_end`] replaced.
    fn plain_end_bytewise(r: &Events) -> (usize, bool) {
        let mut i = r.pos;
        loop {
            match r.byte(i) {
                b'\n' | 0 => return (i, false),
                b':' if r.blankz(i + 1) => return (i, true),
                b' ' => {
                    let mut j = i;
                    while r.byte(j) == b' ' {
                        j += 1;
                    }
                    match r.byte(j) {
                        b'#' | b'\n' | 0 => return (i, false),
                        b':' if r.blankz(j + 1) => return (i, true),
                        _ => i = j,
                    }
                }
                _ => i += 1,
            }
        }
    }

    /// Random lines over the bytes that decide where scalars end.
    fn lines(rng: &mut Rng, alphabet: &[&str]) -> Vec<String> {
        (0..20_000)
            .map(|_| {
                let n = 1 + rng.below(12);
                (0..n)
                    .map(|_| alphabet[rng.below(alphabet.len())])
                    .collect()
            })
            .collect()
    }

    #[test]
    fn plain_ends_as_the_bytewise_scan_found() {
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        let alphabet = [
            "a",
            "b",
            " ",
            "  ",
            "         ",
            ":",
            "#",
            "\n",
            "-",
            "é",
            ":x",
            " #",
        ];
        let mut keys = 0;
        for body in lines(&mut rng, &alphabet) {
            let src = format!("x{body}");
            for end in ["", "\n"] {
                let text = format!("{src}{end}");
                let mut r = Events::new(text.as_bytes());
                for pos in 0..=text.len() {
                    let blanks = text.as_bytes()[pos..].iter().take_while(|&&b| b == b' ');
                    assert_eq!(r.spaces(pos), blanks.count(), "{text:?} at {pos}");
                    if !plain_start(r.byte(pos), r.byte(pos + 1)) {
                        continue;
                    }
                    r.pos = pos;
                    let old = plain_end_bytewise(&r);
                    assert_eq!(r.plain_end(), old, "{text:?} at {pos}");
                    keys += usize::from(old.1);
                }
            }
        }
        assert!(keys > 1000, "{keys} keys");
    }

    #[test]
    fn quoted_slices_as_the_escaping_path_reads() {
        let mut rng = Rng(0x1234_5678_9ABC_DEF1);
        let alphabet = [
            "a", " ", "'", "''", "\"", "\\", "\\n", "\\\"", "\n", "é", "#",
        ];
        let mut sliced = 0;
        for body in lines(&mut rng, &alphabet) {
            for q in ["'", "\""] {
                let text = format!("{q}{body}\n");
                let mut fast = Events::new(text.as_bytes());
                let mut slow = Events::new(text.as_bytes());
                sliced += usize::from(fast.unescaped_close().is_some());
                let got = fast.quoted();
                let want = slow.quoted_escaped();
                assert_eq!(got, want, "{text:?}");
                if want.is_some() {
                    assert_eq!(fast.pos, slow.pos, "{text:?}");
                }
            }
        }
        assert!(sliced > 1000, "{sliced} sliced");
    }

    #[test]
    fn small_texts_agree() {
        for text in [
            "",
            "a: 1\n",
            "a: 1",
            "a: |\n  x",
            "a: |\n  x\n\n",
            "a: |+\n  x\n\n",
            "a: >-\n  x\n  y\n\n  z\n",
            "- a\n- b: 1\n  c: [x, 'y', \"z\"]\n- {k: v}\n-\n- - n\n",
            "a:\n- x\n-\nb:\n  c: ~\n",
            "---\na: 1\n---\n---\nb: 2\n",
            "--- # c\n- x\n",
            "k: \"\\u00e9\\x41\\\\\"\nl: 'it''s'\n",
            "ключ: значение\nk2: [é, b]\n",
            "a: b\n  c\n",
            "a: 1\na: 2\n",
            "1: x\ntrue: y\n",
            "a: b # c\n# d\n  # e\nf: g\n",
            "a: b\n\n  c\n",
            "a: b\n  # c\n  d\n",
            "a: b #c\n  d\n",
            "- a\n  b\n",
            "- a\n\n- b\n",
            "a:\n  b\n c\n",
            "a: b\n---\nc\n",
            "a: b\n...\n",
            "a: b   \n  \nc: d\n",
        ] {
            check(&format!("{text:?}"), text.as_bytes());
        }
        // A flow mapping key past libyaml's 1024-character bound is an
        // error there: the reader must decline it.
        let long = format!("a: {{{}: x}}\n", "b".repeat(1030));
        check("long flow key", long.as_bytes());
        assert!(fast_events(long.as_bytes()).is_none());
        assert!(fast_events(b"a: 1\nb: [x]\n").is_some());
        assert!(fast_events(b"a: &x 1\n").is_none());
    }
}
