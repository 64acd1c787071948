//! The module's functions against rows of the oracle's table
//! (`testdata/gospell/cases.tsv`, made by `testdata/gospell/regen.sh`),
//! where a row shows one Go function's output on its own.

use super::json::float_string;
use super::strconv::*;
use super::yaml::*;

const TABLE: &str = include_str!("../../../testdata/gospell/cases.tsv");

/// (input, answers) of the rows of one template.
fn rows(path: &str) -> Vec<(&'static str, Vec<&'static str>)> {
    TABLE
        .lines()
        .filter_map(|l| {
            let mut cols = l.split('\t');
            (cols.next()? == path).then(|| (cols.next().unwrap(), cols.collect()))
        })
        .collect()
}

/// A var embedded in a string is `fmt.Sprintf("%v")` of kyaml's reading:
/// `Atoi` for an int (failing on what Atoi rejects), `ParseFloat` of the
/// text for a float, then `'g'`; a whole-field var is the `'f'` form.
#[test]
fn var_rows_are_atoi_or_parse_float_then_g() {
    let mut checked = 0;
    for (input, answers) in rows("var") {
        let want = answers.get(1).copied().unwrap_or(answers[0]);
        if yaml_int(input).is_some() {
            match atoi(input) {
                Ok(i) => assert_eq!(want, format!("o_embed: x-{i}-y"), "{input}"),
                Err(_) => assert_eq!(want, "ERROR", "{input}"),
            }
        } else if yaml_float(input).is_some() {
            let f = parse_float(input).unwrap();
            let g = format_float(f, FloatFormat::G, 64);
            assert_eq!(want, format!("o_embed: x-{g}-y"), "{input}");
        } else {
            continue;
        }
        checked += 1;
    }
    assert!(checked >= 25, "{checked}");
}

/// A transformer config's string field holding a non-integral float gets
/// `FormatFloat(f, 'g', -1, 32)`.
#[test]
fn transformer_config_rows_are_float32_g() {
    let mut checked = 0;
    for (input, answers) in rows("tconf") {
        match yaml_float(input) {
            Some(f) if f.fract() != 0.0 => {
                let g = format_float(f, FloatFormat::G, 32);
                assert_eq!(answers[0], format!("o_l: \"{g}\""), "{input}");
                checked += 1;
            }
            _ => {}
        }
    }
    assert!(checked >= 8, "{checked}");
}

/// A float that stays a float through the emitter is `'g'` at 64 bits.
#[test]
fn emitted_non_integral_floats_are_g() {
    let mut checked = 0;
    for (input, answers) in rows("emit") {
        match yaml_float(input) {
            Some(f) if f.fract() != 0.0 || f.abs() >= 1e21 => {
                let g = format_float(f, FloatFormat::G, 64);
                assert_eq!(answers[0], format!("o_v: {g}"), "{input}");
                checked += 1;
            }
            _ => {}
        }
    }
    assert!(checked >= 8, "{checked}");
}

#[test]
fn strconv_parse_rules() {
    assert_eq!(parse_int("0x_1F", 0), Ok(31));
    assert_eq!(parse_int("-0b101", 0), Ok(-5));
    assert_eq!(parse_int("017", 0), Ok(15));
    assert_eq!(parse_int("0", 0), Ok(0));
    assert_eq!(parse_int("1__0", 0).unwrap_err().kind, NumErrorKind::Syntax);
    assert_eq!(
        parse_int("1_000", 10).unwrap_err().kind,
        NumErrorKind::Syntax
    );
    assert_eq!(
        parse_int("9223372036854775808", 0).unwrap_err().kind,
        NumErrorKind::Range
    );
    assert_eq!(parse_int("-9223372036854775808", 0), Ok(i64::MIN));
    assert_eq!(parse_uint("+1", 0).unwrap_err().kind, NumErrorKind::Syntax);
    assert_eq!(parse_uint("18446744073709551615", 0), Ok(u64::MAX));
    assert_eq!(
        atoi("0x1F").unwrap_err().to_string(),
        r#"strconv.Atoi: parsing "0x1F": invalid syntax"#
    );
    assert_eq!(parse_float("1_000.5"), Ok(1000.5));
    assert!(parse_float("1_.5").is_err());
    assert!(parse_float(".inf").is_err());
    assert_eq!(parse_float("-Infinity"), Ok(f64::NEG_INFINITY));
    assert_eq!(parse_float("0x1.8p1"), Ok(3.0));
    assert_eq!(parse_float("1e400").unwrap_err().kind, NumErrorKind::Range);
    assert_eq!(parse_float("1e-400"), Ok(0.0));
    assert_eq!(parse_bool("T"), Ok(true));
}

#[test]
fn format_and_json_layouts() {
    let g = |f: f64| format_float(f, FloatFormat::G, 64);
    assert_eq!(g(999999.9999999999), "999999.9999999999");
    assert_eq!(g(-0.0), "-0");
    assert_eq!(
        format_float(1e21, FloatFormat::F, 64),
        "1000000000000000000000"
    );
    assert_eq!(format_float(0.0, FloatFormat::E, 64), "0e+00");
    assert_eq!(format_float(f64::NAN, FloatFormat::G, 64), "NaN");
    assert_eq!(float_string(1e-7), "1e-7");
    assert_eq!(float_string(1e21), "1e+21");
    assert_eq!(float_string(1e20), "100000000000000000000");
    assert_eq!(float_string(-0.0), "-0");
    let mut s = String::new();
    super::json::write_string("a<b>&\u{8}\u{1}\u{2028}\u{7f}\"\\", &mut s);
    assert_eq!(
        s,
        "\"a\\u003cb\\u003e\\u0026\\b\\u0001\\u2028\u{7f}\\\"\\\\\""
    );
    assert_eq!(yaml_int("1_000"), Some(1000));
    assert_eq!(yaml_int("+18446744073709551615"), None);
    assert_eq!(yaml_float("1e400"), None);
}
