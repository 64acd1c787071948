//! The one place that compares what strata did with what the oracle did:
//! outputs byte for byte (a diff when they differ), rejections on both
//! sides, and error messages where the case holds one.

use crate::find::{Expect, Message};
use std::path::{Path, PathBuf};
use strata::yaml::{emit_stream, parse_documents, Document, ParseOptions, Tag, Value};
use strata::{Error, Output};

/// A failure's text.
pub type Verdict = Result<(), String>;

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Checks a build's result (with its output printed) against the oracle's.
pub fn build(expect: &Expect, got: Result<(Output, String), Error>) -> Verdict {
    match (expect, got) {
        (Expect::Unclear(why), _) => Err(why.clone()),
        (Expect::Output { yaml, files }, Ok((out, text))) => {
            let want = read(yaml)?;
            if text != want {
                return Err(format!(
                    "output differs from the oracle's ({}):\n{}",
                    yaml.display(),
                    diff(&want, &text)
                ));
            }
            if let Some(files) = files {
                let want = read(files)?;
                // `ls` lists a file written twice once, sorted bytewise.
                let mut names = out.file_names();
                names.sort();
                names.dedup();
                let got: String = names.iter().map(|n| format!("{n}\n")).collect();
                if got != want {
                    return Err(format!(
                        "`-o DIR` file names differ from the oracle's ({}):\n{}",
                        files.display(),
                        diff(&want, &got)
                    ));
                }
            }
            Ok(())
        }
        (Expect::Output { .. }, Err(e)) => Err(format!("kustomize builds it, strata fails: {e}")),
        (Expect::Reject { stderr, .. }, Ok((_, text))) => Err(format!(
            "kustomize rejects it ({}), strata builds {} bytes:\n{text}",
            stderr.display(),
            text.len()
        )),
        (Expect::Reject { stderr, msg }, Err(e)) => rejection(stderr, msg, &e),
    }
}

/// Both reject: strata's error must not be a refusal of a feature it lacks
/// (unless kustomize refuses the same way), and must carry the message the
/// case asks for.
fn rejection(stderr: &Path, msg: &Message, e: &Error) -> Verdict {
    let oracle = read(stderr)?;
    let ours = e.to_string();
    const LACKING: &str = "not supported yet";
    if ours.contains(LACKING) && !oracle.contains(LACKING) {
        return Err(format!(
            "strata refuses a feature it lacks, kustomize fails otherwise:\n  strata: {ours}\n  kustomize: {oracle}"
        ));
    }
    let (phrase, within) = match msg {
        Message::Any => return Ok(()),
        Message::Whole => {
            let theirs = oracle.strip_prefix("error: ").unwrap_or(&oracle).trim_end();
            return if ours.trim_end() == theirs {
                Ok(())
            } else {
                Err(format!(
                    "strata's error is not kustomize's:\n  strata: {ours}\n  kustomize: {theirs}"
                ))
            };
        }
        Message::WithinOracle => (e.message().to_string(), false),
        Message::OracleKey => (key_message(&oracle), true),
        Message::Phrase(file) => (read(file)?.trim().to_string(), true),
    };
    let ok = if within {
        ours.contains(&phrase)
    } else {
        oracle.contains(&phrase)
    };
    match (ok, within) {
        (true, _) => Ok(()),
        (false, true) => Err(format!(
            "strata's error lacks {phrase:?}:\n  strata: {ours}\n  kustomize: {oracle}"
        )),
        (false, false) => Err(format!(
            "strata's message {phrase:?} is not in kustomize's:\n  kustomize: {oracle}"
        )),
    }
}

/// The oracle's innermost message: after kubectl's `error: ` and any
/// config dump kustomize quotes (up to "`: "), before its `; ...`
/// elaborations, and of the `: `-separated chain only the last two links
/// (the outer links name things as kustomize does, strata words them its
/// own way).
fn key_message(stderr: &str) -> String {
    let start = stderr.find("error: ").map_or(0, |i| i + "error: ".len());
    let mut msg = &stderr[start..];
    if let Some(i) = msg.rfind("`: ") {
        msg = &msg[i + 3..];
    }
    let msg = msg.trim_end().split("; ").next().unwrap_or("");
    let links: Vec<&str> = msg.rsplitn(3, ": ").collect();
    match links.as_slice() {
        [last, before, _] | [last, before] => format!("{before}: {last}"),
        _ => msg.to_string(),
    }
}

/// An emitter case: `input.yaml` parsed and emitted equals the oracle's
/// `expected.yaml`, or fails as its `expected.err` says.
pub fn emit(dir: &Path) -> Verdict {
    let src = std::fs::read(dir.join("input.yaml")).map_err(|e| e.to_string())?;
    let docs =
        parse_documents(&src, &ParseOptions::default()).map_err(|e| format!("parse error: {e}"))?;
    let result = emit_stream(docs.iter().map(|d| &d.value));
    let expected = dir.join("expected.yaml");
    if expected.is_file() {
        let want = read(&expected)?;
        return match result {
            Ok(got) if got == want => Ok(()),
            Ok(got) => Err(format!("output differs:\n{}", diff(&want, &got))),
            Err(e) => Err(format!("unexpected error: {e}")),
        };
    }
    let want = read(&dir.join("expected.err"))?;
    match result {
        // kustomize prefixes the message with a dump of the object.
        Err(e) if want.trim_end().ends_with(&format!(": {e}")) => Ok(()),
        Err(e) => Err(format!("error {e:?}, oracle says {want:?}")),
        Ok(_) => Err(format!("emitted, oracle fails with {want:?}")),
    }
}

/// A parser fixture: read as resources, every scalar typed as the oracle's
/// output (`.out`) shows it was, or rejected as its `.err` says.
pub fn parse(input: &Path) -> Verdict {
    let src = std::fs::read(input).map_err(|e| e.to_string())?;
    // Marks are recorded (to exercise that code on every fixture) except
    // for the deeply nested ones, where full paths make them quadratic.
    let name = input.file_stem().unwrap_or_default().to_string_lossy();
    let opts = ParseOptions {
        record_marks: !name.contains("deep"),
        ..ParseOptions::default()
    };
    let ours = Document::read_resources(&src, &opts);
    let out_path = input.with_extension("out");
    if out_path.exists() {
        let out = std::fs::read(&out_path).map_err(|e| e.to_string())?;
        let expected: Vec<Value> = parse_documents(&out, &ParseOptions::default())
            .map_err(|e| format!("{}: {e}", out_path.display()))?
            .into_iter()
            .map(|d| d.value)
            .filter(|v| !v.is_null())
            .collect();
        let docs = ours.map_err(|e| format!("failed ({e}), oracle succeeded"))?;
        if docs.len() != expected.len() {
            return Err(format!(
                "{} documents vs oracle {}",
                docs.len(),
                expected.len()
            ));
        }
        let mut problems = Vec::new();
        for (d, e) in docs.iter().zip(&expected) {
            typed_alike(&d.value, e, "", &mut problems);
        }
        return if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        };
    }
    let err = read(&input.with_extension("err"))
        .map_err(|e| format!("no .out, and {e}; run regen.sh"))?;
    match ours {
        Ok(docs) => {
            // Some resources are read fine and only fail on output.
            let nsk: usize = docs.iter().map(|d| d.non_string_keys.len()).sum();
            let non_finite = err.contains("json: unsupported value");
            if nsk == 0 && !non_finite {
                return Err(format!("parsed, oracle failed with {err}"));
            }
            Ok(())
        }
        // kustomize overflows its stack on a self-referencing anchor; any
        // error of ours beats that.
        Err(e) if err.contains("fatal error: stack overflow") || err.contains(&e.message) => Ok(()),
        Err(e) => Err(format!(
            "our error {:?} not in the oracle's {err:?}",
            e.message
        )),
    }
}

/// A Go integer literal (after `_` removal) as i128.
fn go_int(text: &str) -> Option<i128> {
    let t = text.replace('_', "");
    let (neg, body) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, &t[..]),
    };
    let lower = body.to_ascii_lowercase();
    let v = if let Some(h) = lower.strip_prefix("0x") {
        i128::from_str_radix(h, 16)
    } else if let Some(o) = lower.strip_prefix("0o") {
        i128::from_str_radix(o, 8)
    } else if let Some(b) = lower.strip_prefix("0b") {
        i128::from_str_radix(b, 2)
    } else if lower.len() > 1 && lower.starts_with('0') {
        i128::from_str_radix(&lower[1..], 8)
    } else {
        lower.parse()
    }
    .ok()?;
    Some(if neg { -v } else { v })
}

/// Checks that our reading of a resource types every scalar the way the
/// oracle's output shows it was typed.
fn typed_alike(ours: &Value, out: &Value, path: &str, problems: &mut Vec<String>) {
    // Recurses once per level, like the library's walks: same stack guard.
    strata::yaml::deep(|| typed_alike_level(ours, out, path, problems))
}

fn typed_alike_level(ours: &Value, out: &Value, path: &str, problems: &mut Vec<String>) {
    match (ours, out) {
        (Value::Map(a), Value::Map(b)) => {
            let mut ka: Vec<_> = a.keys().collect();
            let mut kb: Vec<_> = b.keys().collect();
            ka.sort();
            kb.sort();
            if ka != kb {
                problems.push(format!("{path}: keys {ka:?} vs oracle {kb:?}"));
                return;
            }
            for (k, v) in a {
                typed_alike(v, &b[k], &format!("{path}/{k}"), problems);
            }
        }
        (Value::Seq(a), Value::Seq(b)) => {
            if a.len() != b.len() {
                problems.push(format!("{path}: {} items vs oracle {}", a.len(), b.len()));
                return;
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                typed_alike(x, y, &format!("{path}/{i}"), problems);
            }
        }
        (Value::Scalar(a), Value::Scalar(b)) => {
            let ok = match a.tag {
                Tag::Str => b.tag == Tag::Str && a.text == b.text,
                // Timestamps come out as RFC 3339 strings.
                Tag::Timestamp => b.tag == Tag::Str,
                Tag::Null => b.tag == Tag::Null,
                Tag::Bool => b.tag == Tag::Bool && a.text.eq_ignore_ascii_case(&b.text),
                Tag::Int => {
                    b.tag == Tag::Int
                        && go_int(&a.text).is_some()
                        && go_int(&a.text) == go_int(&b.text)
                }
                // Integral floats print as ints.
                Tag::Float => {
                    matches!(b.tag, Tag::Int | Tag::Float)
                        && a.text.replace('_', "").parse::<f64>().ok() == b.text.parse::<f64>().ok()
                }
            };
            if !ok {
                problems.push(format!("{path}: ours {a:?} vs oracle {b:?}"));
            }
        }
        _ => problems.push(format!("{path}: ours {ours:?} vs oracle {out:?}")),
    }
}

/// kustomize's own outputs are a fixed point of parse and emit.
pub fn round_trip(files: &[PathBuf]) -> Verdict {
    let mut bad = Vec::new();
    for f in files {
        let src = std::fs::read(f).map_err(|e| format!("{}: {e}", f.display()))?;
        let docs = parse_documents(&src, &ParseOptions::default())
            .map_err(|e| format!("{}: {e}", f.display()))?;
        let out = emit_stream(docs.iter().map(|d| &d.value))
            .map_err(|e| format!("{}: {e}", f.display()))?;
        if out.as_bytes() != &src[..] {
            let src = String::from_utf8_lossy(&src);
            bad.push(format!(
                "{} does not round-trip:\n{}",
                f.display(),
                diff(&src, &out)
            ));
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(bad.join("\n"))
    }
}

/// No truncation of these files (40 steps each) makes the parser panic;
/// errors are fine (a panic fails the test).
pub fn truncations(files: &[PathBuf]) -> Verdict {
    for f in files {
        let b = std::fs::read(f).map_err(|e| format!("{}: {e}", f.display()))?;
        let step = (b.len() / 40).max(1);
        for cut in (0..=b.len()).step_by(step) {
            let _ = Document::read_resources(&b[..cut], &ParseOptions::default());
            let _ = parse_documents(&b[..cut], &ParseOptions::default());
        }
    }
    Ok(())
}

/// How many lines of each side a diff shows at most.
const DIFF_LINES: usize = 40;

/// The lines where `want` and `got` differ (common head and tail left
/// out, two lines of context kept), `-` the oracle's, `+` strata's; a line
/// whose end would hide the difference (trailing blanks, no final newline,
/// a carriage return) is shown escaped.
pub fn diff(want: &str, got: &str) -> String {
    let w: Vec<&str> = want.split_inclusive('\n').collect();
    let g: Vec<&str> = got.split_inclusive('\n').collect();
    let head = w.iter().zip(&g).take_while(|(a, b)| a == b).count();
    let tail = w[head..]
        .iter()
        .rev()
        .zip(g[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let from = head.saturating_sub(2);
    let mut s = format!(
        "@@ line {} (oracle {} lines, strata {}) @@\n",
        head + 1,
        w.len(),
        g.len()
    );
    let show = |line: &str| {
        let body = line.strip_suffix('\n').unwrap_or(line);
        if !line.ends_with('\n') || body.ends_with([' ', '\t', '\r']) || body.contains('\r') {
            format!("{line:?}")
        } else {
            body.to_string()
        }
    };
    for l in &w[from..head] {
        s.push_str(&format!("  {}\n", show(l)));
    }
    for (sign, lines) in [
        ('-', &w[head..w.len() - tail]),
        ('+', &g[head..g.len() - tail]),
    ] {
        for l in lines.iter().take(DIFF_LINES) {
            s.push_str(&format!("{sign} {}\n", show(l)));
        }
        if lines.len() > DIFF_LINES {
            s.push_str(&format!(
                "{sign} ... {} more lines\n",
                lines.len() - DIFF_LINES
            ));
        }
    }
    for l in w[w.len() - tail..].iter().take(2) {
        s.push_str(&format!("  {}\n", show(l)));
    }
    s
}
