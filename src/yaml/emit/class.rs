//! One pass over a string's bytes that records which kinds of byte it
//! holds. The emitter's checks (the JSON hop, the bare-word fast path, the
//! style analysis, the width, folding) then test bits instead of each
//! walking the string again.

/// Not a byte of a bare word (`[A-Za-z0-9./_-]`).
pub(super) const NOT_WORD: u16 = 1 << 0;
/// A byte of a non-ASCII character.
pub(super) const HIGH: u16 = 1 << 1;
/// DEL, which the JSON hop refuses.
pub(super) const DEL: u16 = 1 << 2;
/// `\n`.
pub(super) const LF: u16 = 1 << 3;
/// `\r`.
pub(super) const CR: u16 = 1 << 4;
/// ` `.
pub(super) const SPACE: u16 = 1 << 5;
/// `:`.
pub(super) const COLON: u16 = 1 << 6;
/// `#`.
pub(super) const HASH: u16 = 1 << 7;
/// A C0 control other than `\n` and `\r` (tab included).
pub(super) const CONTROL: u16 = 1 << 8;
/// An ASCII digit.
pub(super) const DIGIT: u16 = 1 << 9;

const fn byte_class(b: u8) -> u16 {
    let mut c = 0;
    if !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'/' | b'_')) {
        c |= NOT_WORD;
    }
    if b >= 0x80 {
        c |= HIGH;
    }
    match b {
        0x7f => c |= DEL,
        b'\n' => c |= LF,
        b'\r' => c |= CR,
        b' ' => c |= SPACE,
        b':' => c |= COLON,
        b'#' => c |= HASH,
        b'0'..=b'9' => c |= DIGIT,
        0..=0x1f => c |= CONTROL,
        _ => {}
    }
    c
}

static TABLE: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = byte_class(i as u8);
        i += 1;
    }
    t
};

/// The union of the classes of a string's bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct Class(u16);

impl Class {
    /// Classifies every byte of `s`.
    pub(super) fn of(s: &str) -> Class {
        Class(s.bytes().fold(0, |c, b| c | TABLE[usize::from(b)]))
    }

    /// Whether any byte is in one of the classes `bits`.
    pub(super) fn has(self, bits: u16) -> bool {
        self.0 & bits != 0
    }

    /// Whether the string is all ASCII (then bytes are characters).
    pub(super) fn ascii(self) -> bool {
        !self.has(HIGH)
    }
}
