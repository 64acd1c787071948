//! Numbers through kustomize's JSON hop: go-yaml v3 typed the text, Go's
//! `encoding/json` printed it, go-yaml v2 re-typed the JSON text and printed
//! it again. Only the observable end result is computed here, with Go's
//! spellings from [`crate::yaml::gostr`].

use crate::yaml::gostr::json::float_string;
use crate::yaml::gostr::strconv::{parse_float, write_float, FloatFormat};
use crate::yaml::gostr::yaml::yaml_int;

/// What a numeric scalar prints as.
pub(crate) enum Number {
    /// An integer (int64 or uint64 on the Go side), as decimal text.
    Int(String),
    /// A float64 that stays a float; printed with [`write_go_float`].
    Float(f64),
}

/// Types an integer scalar's text (v3 already said it is an int; text that
/// overflows both int64 and uint64 continues as a float, as v3 does).
pub(crate) fn int_from_text(text: &str) -> Option<Number> {
    if let Some(v) = yaml_int(text) {
        return Some(Number::Int(v.to_string()));
    }
    float_from_text(text)
}

/// Types a float scalar's text and applies the JSON hop: integral values
/// below 1e21 went through JSON as digits and came back as integers when
/// int64/uint64 could hold them.
pub(crate) fn float_from_text(text: &str) -> Option<Number> {
    let plain = text.replace('_', "");
    let f = parse_float(&plain).ok()?;
    if !f.is_finite() {
        return None;
    }
    Some(float_hop(f))
}

/// The JSON hop for an f64 (see [`float_from_text`]): `encoding/json`
/// writes it, and go-yaml v2 reads that text back as an integer when
/// int64/uint64 holds it (shortest digits padded with zeros, which need not
/// equal the float's exact integer value).
pub(crate) fn float_hop(f: f64) -> Number {
    if f.fract() == 0.0 && f.abs() < 1e21 {
        if let Some(v) = yaml_int(&float_string(f)) {
            return Number::Int(v.to_string());
        }
    }
    Number::Float(f)
}

/// Writes `f` as go-yaml v2 does: `strconv.FormatFloat(f, 'g', -1, 64)`
/// (infinities, printed `.inf` by v2, never reach here).
pub(crate) fn write_go_float(f: f64, out: &mut String) {
    write_float(f, FloatFormat::G, 64, out)
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
}
