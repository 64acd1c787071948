//! Numbers through kustomize's JSON hop: go-yaml v3 typed the text, Go's
//! `encoding/json` printed it, go-yaml v2 re-typed the JSON text and printed
//! it again. Only the observable end result is computed here.

/// What a numeric scalar prints as.
pub(crate) enum Number {
    /// An integer (int64 or uint64 on the Go side), as decimal text.
    Int(String),
    /// A float64 that stays a float; printed with [`write_go_float`].
    Float(f64),
}

/// Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint(s, 0, 64)` after the caller
/// removed underscores: an optional sign (signed form only), then `0x`, `0o`,
/// `0b` or a leading `0` (octal), then digits. Returns the value if it fits
/// int64 (any sign) or uint64 (unsigned text only).
pub(crate) fn go_parse_int(s: &str) -> Option<i128> {
    let (neg, signed, body) = match s.as_bytes().first()? {
        b'-' => (true, true, &s[1..]),
        b'+' => (false, true, &s[1..]),
        _ => (false, false, s),
    };
    let b = body.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (radix, digits) =
        if b[0] == b'0' && b.len() >= 3 && matches!(b[1] | 0x20, b'x' | b'o' | b'b') {
            let r = match b[1] | 0x20 {
                b'x' => 16,
                b'o' => 8,
                _ => 2,
            };
            (r, &body[2..])
        } else if b[0] == b'0' {
            // Go reads a leading zero as octal; "0" alone is then empty, i.e. 0.
            (8, &body[1..])
        } else {
            (10, body)
        };
    let mut v: u128 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix)? as u128;
        v = v * radix as u128 + d;
        if v > u64::MAX as u128 {
            return None;
        }
    }
    let v = if neg { -(v as i128) } else { v as i128 };
    let fits_i64 = v >= i64::MIN as i128 && v <= i64::MAX as i128;
    if fits_i64 || (!signed && v <= u64::MAX as i128) {
        Some(v)
    } else {
        None
    }
}

/// Types an integer scalar's text (v3 already said it is an int; text that
/// overflows both int64 and uint64 continues as a float, as v3 does).
pub(crate) fn int_from_text(text: &str) -> Option<Number> {
    let plain = strip_underscores(text);
    if let Some(v) = go_parse_int(&plain) {
        return Some(Number::Int(v.to_string()));
    }
    float_from_text(text)
}

/// Types a float scalar's text and applies the JSON hop: integral values
/// below 1e21 went through JSON as digits and came back as integers when
/// int64/uint64 could hold them.
pub(crate) fn float_from_text(text: &str) -> Option<Number> {
    let plain = strip_underscores(text);
    let f: f64 = plain.parse().ok()?;
    if !f.is_finite() {
        return None;
    }
    Some(float_hop(f))
}

/// The JSON hop for an f64 (see [`float_from_text`]).
pub(crate) fn float_hop(f: f64) -> Number {
    if f.fract() == 0.0 && f.abs() < 1e21 {
        // encoding/json writes shortest digits padded with zeros ('f' format),
        // which need not equal the float's exact integer value.
        let (digits, point) = shortest(f);
        let mut s = String::with_capacity(24);
        if f.is_sign_negative() && f != 0.0 {
            s.push('-');
        }
        if digits.is_empty() {
            s.push('0');
        } else {
            s.push_str(&digits);
            for _ in digits.len() as i32..point {
                s.push('0');
            }
        }
        if let Some(v) = go_parse_int(&s) {
            return Number::Int(v.to_string());
        }
    }
    Number::Float(f)
}

fn strip_underscores(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('_') {
        s.replace('_', "").into()
    } else {
        s.into()
    }
}

/// Shortest round-trip decimal digits of `|f|` (no leading or trailing
/// zeros) and the position of the decimal point: `|f| = 0.DIGITS × 10^point`.
/// Zero gives no digits.
fn shortest(f: f64) -> (String, i32) {
    let mut buf = ryu::Buffer::new();
    let s = buf.format_finite(f.abs());
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

/// Writes `f` as Go's `strconv.FormatFloat(f, 'g', -1, 64)` does (go-yaml v2
/// maps infinities to `.inf`, but they never reach here).
pub(crate) fn write_go_float(f: f64, out: &mut String) {
    if f == 0.0 {
        out.push_str(if f.is_sign_negative() { "-0" } else { "0" });
        return;
    }
    if f.is_sign_negative() {
        out.push('-');
    }
    let (d, point) = shortest(f);
    let exp = point - 1;
    // Shortest formatting decides with precision 6, whatever the digit count.
    if !(-4..6).contains(&exp) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn g(f: f64) -> String {
        let mut s = String::new();
        write_go_float(f, &mut s);
        s
    }

    fn hop(text: &str) -> String {
        match float_from_text(text).unwrap() {
            Number::Int(s) => s,
            Number::Float(f) => g(f),
        }
    }

    #[test]
    fn go_g_format() {
        assert_eq!(g(123456.5), "123456.5");
        assert_eq!(g(1234567.5), "1.2345675e+06");
        assert_eq!(g(0.0001), "0.0001");
        assert_eq!(g(0.00001), "1e-05");
        assert_eq!(g(0.0025), "0.0025");
        assert_eq!(g(1e21), "1e+21");
        assert_eq!(g(-1.5e-300), "-1.5e-300");
        assert_eq!(g(18446744073709551616.0), "1.8446744073709552e+19");
    }

    #[test]
    fn json_hop() {
        assert_eq!(hop("1.0"), "1");
        assert_eq!(hop("1e3"), "1000");
        assert_eq!(hop("-0.0"), "0");
        assert_eq!(hop("1e20"), "1e+20");
        assert_eq!(hop("1e19"), "10000000000000000000");
        assert_eq!(hop("-1e19"), "-1e+19");
        assert_eq!(hop(".5"), "0.5");
        assert_eq!(hop("1_000.5"), "1000.5");
    }

    #[test]
    fn go_ints() {
        assert_eq!(go_parse_int("012"), Some(10));
        assert_eq!(go_parse_int("0"), Some(0));
        assert_eq!(go_parse_int("0x1F"), Some(31));
        assert_eq!(go_parse_int("-0b101"), Some(-5));
        assert_eq!(go_parse_int("0o17"), Some(15));
        assert_eq!(go_parse_int("08"), None);
        assert_eq!(go_parse_int("0x"), None);
        assert_eq!(go_parse_int("18446744073709551615"), Some(u64::MAX as i128));
        assert_eq!(go_parse_int("+18446744073709551615"), None);
    }
}
