//! Go's `strconv`: `ParseInt`, `ParseUint`, `Atoi`, `ParseFloat`, `ParseBool`
//! and `FormatFloat` with the shortest precision (`-1`), as kustomize, kyaml,
//! go-yaml and `encoding/json` call them.

use std::fmt;

/// Why a `strconv` parse failed (Go's `ErrSyntax` / `ErrRange`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumErrorKind {
    /// Not a number in the accepted syntax.
    Syntax,
    /// A number, out of the type's range.
    Range,
}

/// Go's `*strconv.NumError`; displays as Go prints it
/// (`strconv.Atoi: parsing "0x1F": invalid syntax`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumError {
    /// The Go function that failed (`ParseInt`, `Atoi`, ...).
    pub func: &'static str,
    /// The text it was given.
    pub input: String,
    /// Syntax or range.
    pub kind: NumErrorKind,
}

impl fmt::Display for NumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.kind {
            NumErrorKind::Syntax => "invalid syntax",
            NumErrorKind::Range => "value out of range",
        };
        write!(f, "strconv.{}: parsing {:?}: {why}", self.func, self.input)
    }
}

impl std::error::Error for NumError {}

fn err(func: &'static str, input: &str, kind: NumErrorKind) -> NumError {
    NumError {
        func,
        input: input.to_string(),
        kind,
    }
}

/// Go's rule for `_` in a number with base prefix handling (`underscoreOK`):
/// each underscore sits between two digits, or between a base prefix and a
/// digit.
fn underscores_ok(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let b = s.as_bytes();
    // 'd' a digit or base prefix, '_' an underscore, '^' the start, '!' other.
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'd';
        hex = b[1] | 0x20 == b'x';
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'd';
        } else if c == b'_' {
            if saw != b'd' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// `strconv.ParseUint(s, base, 64)`. Base 0 reads a `0x`, `0o`, `0b` or a
/// leading-`0` (octal) prefix and allows `_` between digits; no sign.
pub fn parse_uint(s: &str, base: u32) -> Result<u64, NumError> {
    parse_uint_as("ParseUint", s, base)
}

fn parse_uint_as(func: &'static str, s: &str, base: u32) -> Result<u64, NumError> {
    let syntax = || err(func, s, NumErrorKind::Syntax);
    if s.is_empty() {
        return Err(syntax());
    }
    let b = s.as_bytes();
    let (radix, digits, base0) = if base == 0 {
        if b[0] == b'0' && b.len() >= 3 && matches!(b[1] | 0x20, b'x' | b'o' | b'b') {
            let r = match b[1] | 0x20 {
                b'x' => 16,
                b'o' => 8,
                _ => 2,
            };
            (r, &s[2..], true)
        } else if b[0] == b'0' {
            (8, &s[1..], true)
        } else {
            (10, s, true)
        }
    } else {
        (base, s, false)
    };
    let mut v: u64 = 0;
    let mut any = false;
    for c in digits.chars() {
        if c == '_' && base0 {
            continue;
        }
        let d = c.to_digit(radix).ok_or_else(syntax)?;
        any = true;
        match v
            .checked_mul(radix as u64)
            .and_then(|x| x.checked_add(d as u64))
        {
            Some(x) => v = x,
            None => return Err(err(func, s, NumErrorKind::Range)),
        }
    }
    // "0" alone is the octal prefix with no digits: zero.
    let octal_zero = base == 0 && radix == 8 && s.starts_with('0');
    if !(any || octal_zero) {
        return Err(syntax());
    }
    if base0 && s.contains('_') && !underscores_ok(s) {
        return Err(syntax());
    }
    Ok(v)
}

/// `strconv.ParseInt(s, base, 64)`: an optional `+` or `-`, then what
/// [`parse_uint`] reads, within int64.
pub fn parse_int(s: &str, base: u32) -> Result<i64, NumError> {
    parse_int_as("ParseInt", s, base)
}

fn parse_int_as(func: &'static str, s: &str, base: u32) -> Result<i64, NumError> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let u = parse_uint_as(func, body, base).map_err(|e| err(func, s, e.kind))?;
    let range = || err(func, s, NumErrorKind::Range);
    if neg {
        if u > 1 << 63 {
            return Err(range());
        }
        Ok((u as i64).wrapping_neg())
    } else {
        i64::try_from(u).map_err(|_| range())
    }
}

/// `strconv.Atoi(s)`: [`parse_int`] in base 10 (no prefixes, no `_`).
pub fn atoi(s: &str) -> Result<i64, NumError> {
    parse_int_as("Atoi", s, 10)
}

/// `strconv.ParseBool(s)`: `1 t T TRUE true True`, `0 f F FALSE false False`.
pub fn parse_bool(s: &str) -> Result<bool, NumError> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        _ => Err(err("ParseBool", s, NumErrorKind::Syntax)),
    }
}

/// `strconv.ParseFloat(s, 64)`: Go's float syntax (sign, decimal digits
/// with `.` and `e`, `_` between digits, hexadecimal `0x1.8p3`, `inf`,
/// `infinity`, `nan` in any case). Overflow is a range error; underflow
/// reads as zero.
pub fn parse_float(s: &str) -> Result<f64, NumError> {
    parse_float_bits(s, 64)
}

/// `strconv.ParseFloat(s, 32)`: as [`parse_float`], rounded to float32.
pub fn parse_float32(s: &str) -> Result<f32, NumError> {
    parse_float_bits(s, 32).map(|f| f as f32)
}

fn parse_float_bits(s: &str, bits: u32) -> Result<f64, NumError> {
    let syntax = || err("ParseFloat", s, NumErrorKind::Syntax);
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let special = match lower.as_str() {
        "inf" | "infinity" => Some(f64::INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    };
    if let Some(f) = special {
        return Ok(if neg { -f } else { f });
    }
    if body.contains('_') && !underscores_ok(s) {
        return Err(syntax());
    }
    let plain: String = body.chars().filter(|c| *c != '_').collect();
    let v = if plain.len() > 2 && plain.as_bytes()[..2].eq_ignore_ascii_case(b"0x") {
        hex_float(&plain[2..]).ok_or_else(syntax)?
    } else {
        if !decimal_syntax(&plain) {
            return Err(syntax());
        }
        if bits == 32 {
            plain.parse::<f32>().map_err(|_| syntax())? as f64
        } else {
            plain.parse::<f64>().map_err(|_| syntax())?
        }
    };
    if v.is_infinite() {
        return Err(err("ParseFloat", s, NumErrorKind::Range));
    }
    Ok(if neg { -v } else { v })
}

/// `digits[.digits][(e|E)[sign]digits]` with at least one mantissa digit.
fn decimal_syntax(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let mut mant = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        mant += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            mant += 1;
        }
    }
    if mant == 0 {
        return false;
    }
    if i < b.len() && (b[i] | 0x20) == b'e' {
        i += 1;
        if i < b.len() && matches!(b[i], b'+' | b'-') {
            i += 1;
        }
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == st {
            return false;
        }
    }
    i == b.len()
}

/// A hexadecimal float's body after `0x`: hex digits with an optional
/// `.`, then a mandatory `p` exponent (base 2).
fn hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = s.split_once(['p', 'P'])?;
    let exp: i32 = {
        let e = exp.strip_prefix('+').unwrap_or(exp);
        if e.is_empty()
            || !e
                .trim_start_matches('-')
                .bytes()
                .all(|c| c.is_ascii_digit())
        {
            return None;
        }
        e.parse().unwrap_or(if e.starts_with('-') {
            -100_000
        } else {
            100_000
        })
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut v: f64 = 0.0;
    let mut scale = exp;
    for c in int.chars() {
        v = v * 16.0 + c.to_digit(16)? as f64;
    }
    for c in frac.chars() {
        v = v * 16.0 + c.to_digit(16)? as f64;
        scale -= 4;
    }
    Some(v * 2f64.powi(scale))
}

/// The layouts of `strconv.FormatFloat` that kustomize's paths use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FloatFormat {
    /// `'e'`: `d.ddde±dd`.
    E,
    /// `'f'`: no exponent.
    F,
    /// `'g'`: `'e'` when the exponent is below -4 or (shortest precision)
    /// at least 6, `'f'` otherwise. What `fmt`'s `%v` prints for a float.
    G,
}

/// Shortest round-trip decimal digits of `|f|` at `bits` (32 or 64), no
/// leading or trailing zeros, and the decimal point position:
/// `|f| = 0.DIGITS × 10^point`. Zero gives no digits.
fn shortest_digits(f: f64, bits: u32) -> (String, i32) {
    let mut buf = ryu::Buffer::new();
    let s = if bits == 32 {
        buf.format_finite((f as f32).abs())
    } else {
        buf.format_finite(f.abs())
    };
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().unwrap_or(0)),
        None => (s, 0),
    };
    let int_len = mant.find('.').unwrap_or(mant.len()) as i32;
    let all: String = mant.chars().filter(|c| *c != '.').collect();
    let lead = all.bytes().take_while(|b| *b == b'0').count();
    let digits = all[lead..].trim_end_matches('0');
    if digits.is_empty() {
        return (String::new(), 0);
    }
    (digits.to_string(), int_len - lead as i32 + exp)
}

/// `strconv.FormatFloat(f, fmt, -1, bits)`: the shortest digits that read
/// back as the same float64 (`bits` 64) or float32 (`bits` 32, `f` rounded
/// first), laid out as `fmt` says; `+Inf`, `-Inf`, `NaN` for the rest.
pub fn format_float(f: f64, fmt: FloatFormat, bits: u32) -> String {
    let mut out = String::new();
    write_float(f, fmt, bits, &mut out);
    out
}

/// [`format_float`], appending to `out`.
pub fn write_float(f: f64, fmt: FloatFormat, bits: u32, out: &mut String) {
    let f = if bits == 32 { f as f32 as f64 } else { f };
    if f.is_nan() {
        out.push_str("NaN");
        return;
    }
    if f.is_infinite() {
        out.push_str(if f > 0.0 { "+Inf" } else { "-Inf" });
        return;
    }
    if f.is_sign_negative() {
        out.push('-');
    }
    let (mut d, mut point) = shortest_digits(f, bits);
    if d.is_empty() {
        // Zero: one digit, as Go lays it out.
        d.push('0');
        point = 1;
    }
    let exp = point - 1;
    let use_e = match fmt {
        FloatFormat::E => true,
        FloatFormat::F => false,
        // Shortest 'g' decides with precision 6, whatever the digit count.
        FloatFormat::G => !(-4..6).contains(&exp),
    };
    if use_e {
        out.push_str(&d[..1]);
        if d.len() > 1 {
            out.push('.');
            out.push_str(&d[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let e = exp.unsigned_abs();
        if e < 10 {
            out.push('0');
        }
        out.push_str(&e.to_string());
    } else if point <= 0 {
        out.push_str("0.");
        for _ in point..0 {
            out.push('0');
        }
        out.push_str(&d);
    } else if point as usize >= d.len() {
        out.push_str(&d);
        for _ in d.len()..point as usize {
            out.push('0');
        }
    } else {
        out.push_str(&d[..point as usize]);
        out.push('.');
        out.push_str(&d[point as usize..]);
    }
}

/// Go's `%#v` of a string (`strconv.Quote`): double quotes, `\"`, `\\`,
/// the usual escapes, `\x..`/`\u....` for other non-printables.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
