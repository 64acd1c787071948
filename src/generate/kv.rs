//! Key/value sources of a generator: `envs` files, `literals` and `files`,
//! parsed exactly as kustomize v5.8.1 does (its `api/kv` package).
//!
//! kustomize validates neither keys nor env-variable names (its field
//! validator's checks are empty), so neither do we: `a b=1` gives the key
//! `a b`. Values are bytes because a file may hold anything; the ConfigMap
//! maker routes non-UTF-8 values to `binaryData`.

use crate::error::{Error, Result};
use crate::kustomization::GeneratorArgs;
use crate::load::Loader;

/// One key and its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    /// The key.
    pub key: String,
    /// The value's bytes (UTF-8 unless it came from a file).
    pub value: Vec<u8>,
}

/// Go's `bufio.MaxScanTokenSize`: kustomize reads env files with a
/// `bufio.Scanner`, which gives up on a longer line. kustomize does not check
/// the scanner's error, so the rest of the file is silently ignored.
const MAX_LINE: usize = 64 * 1024;

/// Go's `%v` of a string slice: `[a b c]`.
fn go_list(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

/// All pairs of a generator, in kustomize's order: env files, then
/// literals, then files. Every read goes through `ldr` (load restrictor).
pub fn load_pairs(args: &GeneratorArgs, ldr: &Loader) -> Result<Vec<Pair>> {
    let mut all = Vec::new();
    for path in &args.envs {
        let content = ldr
            .load(path)
            .map_err(|e| e.context(format!("env source files: {}", go_list(&args.envs))))?;
        let pairs = parse_env(&content).map_err(|e| {
            e.in_file(ldr.resolve(path))
                .context(format!("env source files: {}", go_list(&args.envs)))
        })?;
        all.extend(pairs);
    }
    for lit in &args.literals {
        let (key, value) = parse_literal(lit)
            .map_err(|e| e.context(format!("literal sources {}", go_list(&args.literals))))?;
        all.push(Pair {
            key,
            value: value.into_bytes(),
        });
    }
    for src in &args.files {
        let wrap = |e: Error| e.context(format!("file sources: {}", go_list(&args.files)));
        let (key, path) = parse_file_source(src).map_err(wrap)?;
        let value = ldr.load(&path).map_err(wrap)?;
        all.push(Pair { key, value });
    }
    Ok(all)
}

/// `key=value`: split at the first `=` (the value may hold more), one pair
/// of matching surrounding quotes removed from the value. A missing or
/// leading `=` is an error.
pub fn parse_literal(source: &str) -> Result<(String, String)> {
    match source.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_string(), remove_quotes(value))),
        _ => Err(Error::new(format!(
            "invalid literal source {source}, expected key=value"
        ))),
    }
}

/// Strips one pair of surrounding `"` or `'` when both ends match.
fn remove_quotes(s: &str) -> String {
    let b = s.as_bytes();
    if b.len() >= 2 && b[0] == b[b.len() - 1] && (b[0] == b'"' || b[0] == b'\'') {
        s[1..s.len() - 1].to_string()
    } else {
        s.to_string()
    }
}

/// `path` (the key is the path's last element) or `key=path`.
pub fn parse_file_source(source: &str) -> Result<(String, String)> {
    match source.matches('=').count() {
        0 => Ok((go_path_base(source), source.to_string())),
        1 => {
            let (key, path) = source.split_once('=').expect("one '='");
            if key.is_empty() {
                Err(Error::new(format!(
                    "missing key name for file path \"{path}\" in source \"{source}\""
                )))
            } else if path.is_empty() {
                Err(Error::new(format!(
                    "missing file path for key name \"{key}\" in source \"{source}\""
                )))
            } else {
                Ok((key.to_string(), path.to_string()))
            }
        }
        _ => Err(Error::new(format!(
            "source \"{source}\" key name or file path contains '='"
        ))),
    }
}

/// Go's `path.Base`: the last slash-separated element, trailing slashes
/// ignored; `.` for an empty path, `/` for slashes only.
fn go_path_base(p: &str) -> String {
    if p.is_empty() {
        return ".".to_string();
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".to_string();
    }
    match trimmed.rfind('/') {
        Some(i) => trimmed[i + 1..].to_string(),
        None => trimmed.to_string(),
    }
}

/// Splits like Go's `bufio.ScanLines`: at `\n`, one trailing `\r` dropped,
/// a last line without `\n` kept, nothing after a line too long to scan.
fn scan_lines(content: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let (line, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        if line.len() >= MAX_LINE {
            break;
        }
        out.push(line.strip_suffix(b"\r").unwrap_or(line));
        rest = next;
    }
    out
}

/// Parses an env file: one `KEY=VALUE` per line (the value may hold `=`
/// and is taken verbatim, quotes and trailing blanks included), `KEY` alone
/// meaning an empty value. Leading white space is ignored; blank lines and
/// lines starting with `#` are skipped, and so are lines with an empty key.
/// A UTF-8 byte order mark is dropped from the first line; a line that is
/// not UTF-8 is an error.
pub fn parse_env(content: &[u8]) -> Result<Vec<Pair>> {
    let mut out = Vec::new();
    for (n, raw) in scan_lines(content).into_iter().enumerate() {
        let Ok(mut line) = std::str::from_utf8(raw) else {
            // kustomize formats the line's bytes with %d: `[97 98]`.
            let bytes: Vec<String> = raw.iter().map(u8::to_string).collect();
            return Err(Error::new(format!(
                "line [{}] has invalid utf8 bytes : {}",
                bytes.join(" "),
                String::from_utf8_lossy(raw)
            ))
            .at(Some(crate::yaml::Mark {
                line: n + 1,
                column: 1,
            })));
        };
        if n == 0 {
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once('=').unwrap_or((line, ""));
        if key.is_empty() {
            continue;
        }
        out.push(Pair {
            key: key.to_string(),
            value: value.as_bytes().to_vec(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(s: &[u8]) -> Vec<(String, String)> {
        parse_env(s)
            .unwrap()
            .into_iter()
            .map(|p| (p.key, String::from_utf8(p.value).unwrap()))
            .collect()
    }

    fn kv(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn literals() {
        assert_eq!(parse_literal("a=b=c").unwrap(), kv("a", "b=c"));
        assert_eq!(parse_literal("a=\"q\"").unwrap(), kv("a", "q"));
        assert_eq!(parse_literal("a='q'").unwrap(), kv("a", "q"));
        assert_eq!(parse_literal("a='q\"").unwrap(), kv("a", "'q\""));
        assert_eq!(parse_literal("a=\"").unwrap(), kv("a", "\""));
        assert_eq!(parse_literal("a=").unwrap(), kv("a", ""));
        assert_eq!(parse_literal("a b=1").unwrap(), kv("a b", "1"));
        assert!(parse_literal("=b").is_err());
        assert!(parse_literal("ab").is_err());
    }

    #[test]
    fn file_sources() {
        assert_eq!(
            parse_file_source("dir/f.txt").unwrap(),
            kv("f.txt", "dir/f.txt")
        );
        assert_eq!(parse_file_source("k=dir/f").unwrap(), kv("k", "dir/f"));
        assert_eq!(parse_file_source("dir/").unwrap(), kv("dir", "dir/"));
        assert!(parse_file_source("=f").is_err());
        assert!(parse_file_source("k=").is_err());
        assert!(parse_file_source("a=b=c").is_err());
    }

    #[test]
    fn env_files() {
        let got = env(b"\xef\xbb\xbfA=1\r\n  # c\n\n\tB=x=y \nC\n=skip\nexport D='q'\nE=\"q\"");
        assert_eq!(
            got,
            vec![
                kv("A", "1"),
                kv("B", "x=y "),
                kv("C", ""),
                kv("export D", "'q'"),
                kv("E", "\"q\"")
            ]
        );
        // The byte order mark is only dropped from the first line.
        assert_eq!(
            env(b"A=1\n\xef\xbb\xbfB=2"),
            vec![kv("A", "1"), kv("\u{feff}B", "2")]
        );
        assert!(parse_env(b"A=\xff\n").is_err());
    }

    #[test]
    fn env_line_too_long_stops_reading() {
        let mut content = b"A=1\nB=".to_vec();
        content.extend(std::iter::repeat_n(b'x', MAX_LINE));
        content.extend(b"\nC=3\n");
        assert_eq!(env(&content), vec![kv("A", "1")]);
    }
}
