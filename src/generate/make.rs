//! Making one ConfigMap or Secret from generator arguments (kustomize's
//! `MakeConfigMap`/`MakeSecret` plus the resource factory's bookkeeping).

use super::kv::{load_pairs, Pair};
use crate::error::{Error, Result};
use crate::kustomization::{GeneratorArgs, GeneratorOptions};
use crate::load::Loader;
use crate::resource::Resource;
use crate::yaml::gostr::strconv::parse_float;
use crate::yaml::gostr::yaml::{yaml_float, yaml_int};
use crate::yaml::{Map, Value};
use base64::Engine as _;
use indexmap::IndexMap;
use regex::Regex;
use std::sync::OnceLock;

/// Which object a generator makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `configMapGenerator` / `ConfigMapGenerator`.
    ConfigMap,
    /// `secretGenerator` / `SecretGenerator`.
    Secret,
}

impl Kind {
    /// The object's `kind`.
    pub fn object_kind(self) -> &'static str {
        match self {
            Kind::ConfigMap => "ConfigMap",
            Kind::Secret => "Secret",
        }
    }

    /// The builtin generator plugin's kind.
    pub fn generator_kind(self) -> &'static str {
        match self {
            Kind::ConfigMap => "ConfigMapGenerator",
            Kind::Secret => "SecretGenerator",
        }
    }
}

/// A generator behaviour (kustomize's `GenerationBehavior`). Anything but
/// the three known words is "unspecified", which acts as create.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behavior {
    /// Not one of the known words.
    Unspecified,
    /// `create`: the id must be new.
    Create,
    /// `replace`: the id must exist; its data is replaced.
    Replace,
    /// `merge`: the id must exist; data and metadata are merged.
    Merge,
}

impl Behavior {
    /// Parses the word case-sensitively, as kustomize does.
    pub fn parse(s: &str) -> Behavior {
        match s {
            "create" => Behavior::Create,
            "replace" => Behavior::Replace,
            "merge" => Behavior::Merge,
            _ => Behavior::Unspecified,
        }
    }

    /// The word kustomize stores in the behaviour annotation.
    pub fn as_str(self) -> &'static str {
        match self {
            Behavior::Unspecified => "unspecified",
            Behavior::Create => "create",
            Behavior::Replace => "replace",
            Behavior::Merge => "merge",
        }
    }
}

/// kustomize's `MergeGlobalOptionsIntoLocal`: the kustomization's
/// `generatorOptions` under one generator's `options`. Local labels and
/// annotations win; a global `true` wins over a local `false`.
pub fn merge_options(
    local: Option<&GeneratorOptions>,
    global: Option<&GeneratorOptions>,
) -> Option<GeneratorOptions> {
    let Some(global) = global else {
        return local.cloned();
    };
    let mut out = local.cloned().unwrap_or_default();
    for (k, v) in &global.labels {
        out.labels.entry(k.clone()).or_insert_with(|| v.clone());
    }
    for (k, v) in &global.annotations {
        out.annotations
            .entry(k.clone())
            .or_insert_with(|| v.clone());
    }
    if global.disable_name_suffix_hash == Some(true) {
        out.disable_name_suffix_hash = Some(true);
    }
    if global.immutable == Some(true) {
        out.immutable = Some(true);
    }
    Some(out)
}

/// Base64 as kustomize writes it into Secrets and `binaryData`: standard
/// alphabet, and once the encoding reaches 70 characters, cut into lines of
/// 70, each (the last included) ending with a newline.
pub fn encode_base64(bytes: &[u8]) -> String {
    const LINE: usize = 70;
    let enc = base64::engine::general_purpose::STANDARD.encode(bytes);
    if enc.len() < LINE {
        return enc;
    }
    let mut out = String::with_capacity(enc.len() + enc.len() / LINE + 1);
    for chunk in enc.as_bytes().chunks(LINE) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out
}

/// Checks for repeated keys (kustomize's `makeValidatedDataMap`) and sorts
/// the pairs by key.
fn data_map(name: &str, pairs: Vec<Pair>) -> Result<Vec<Pair>> {
    let mut seen: IndexMap<String, ()> = IndexMap::new();
    for p in &pairs {
        if seen.insert(p.key.clone(), ()).is_some() {
            return Err(Error::new(format!(
                "configmap {name} illegally repeats the key `{}`",
                p.key
            )));
        }
    }
    let mut pairs = pairs;
    pairs.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(pairs)
}

/// What go-yaml v3 would read an untagged scalar `text` as, when that is
/// not a string: `int`, `float`, `bool`, `null` or `timestamp`.
fn non_string_type(text: &str) -> Option<&'static str> {
    static STAMP: OnceLock<Regex> = OnceLock::new();
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some("null"),
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => return Some("bool"),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return Some("float"),
        _ => {}
    }
    // go-yaml v3 tries numbers only for text starting with a digit or a
    // sign (its int and float readings), or a dot (Go's ParseFloat as is).
    match text.as_bytes()[0] {
        b'0'..=b'9' | b'+' | b'-' => {
            if yaml_int(text).is_some() {
                return Some("int");
            }
            if yaml_float(text).is_some() {
                return Some("float");
            }
        }
        b'.' if parse_float(text).is_ok() => return Some("float"),
        b'.' => {}
        _ => return None,
    }
    let stamp = STAMP.get_or_init(|| {
        Regex::new(concat!(
            r"^[0-9]{4}-([0-9]{1,2})-([0-9]{1,2})",
            r"(([Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2}))",
            r"|( +[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?))?$"
        ))
        .expect("timestamp pattern")
    });
    if let Some(c) = stamp.captures(text) {
        let month: u32 = c[1].parse().unwrap_or(0);
        let day: u32 = c[2].parse().unwrap_or(0);
        if (1..=12).contains(&month) && (1..=31).contains(&day) {
            return Some("timestamp");
        }
    }
    None
}

/// kustomize writes generated data keys as untagged scalars; one that
/// go-yaml then reads as a number, boolean, null or timestamp makes its
/// output fail (`json: unsupported type: map[interface {}]interface {}`).
/// strata fails the same inputs, when the keys are made.
pub fn check_keys<'a>(
    kind: &str,
    name: &str,
    keys: impl IntoIterator<Item = &'a String>,
) -> Result<()> {
    for k in keys {
        if let Some(t) = non_string_type(k) {
            return Err(Error::new(format!(
                "{kind} '{name}': data key '{k}' would be read back as type {t}, which kustomize cannot \
                 write out (json: unsupported type: map[interface {{}}]interface {{}})"
            )));
        }
    }
    Ok(())
}

/// Makes the resource one generator describes. `args.options` must already
/// hold the kustomization-wide options where they apply.
pub fn make(kind: Kind, args: &GeneratorArgs, ldr: &Loader) -> Result<Resource> {
    if args.name.is_empty() {
        // kustomize says "configmap" for secrets too.
        return Err(Error::new("a configmap must have a name"));
    }
    let pairs = load_pairs(args, ldr).map_err(|e| e.context("loading KV pairs"))?;
    let pairs = data_map(&args.name, pairs)?;
    check_keys(kind.object_kind(), &args.name, pairs.iter().map(|p| &p.key))?;

    let mut metadata = Map::default();
    metadata.insert("name".into(), Value::string(&args.name));
    if !args.namespace.is_empty() {
        metadata.insert("namespace".into(), Value::string(&args.namespace));
    }
    let mut obj = Map::default();
    obj.insert("apiVersion".into(), Value::string("v1"));
    obj.insert("kind".into(), Value::string(kind.object_kind()));
    obj.insert("metadata".into(), Value::from_map(metadata));
    match kind {
        Kind::ConfigMap => {
            let mut data = Map::default();
            let mut binary = Map::default();
            for p in pairs {
                match String::from_utf8(p.value) {
                    Ok(text) => data.insert(p.key, Value::string(text)),
                    Err(e) => binary.insert(p.key, Value::string(encode_base64(e.as_bytes()))),
                };
            }
            if !data.is_empty() {
                obj.insert("data".into(), Value::from_map(data));
            }
            if !binary.is_empty() {
                obj.insert("binaryData".into(), Value::from_map(binary));
            }
        }
        Kind::Secret => {
            let ty = if args.type_.is_empty() {
                "Opaque"
            } else {
                &args.type_
            };
            obj.insert("type".into(), Value::string(ty));
            // A Secret always gets `data`, even empty.
            let data: Map = pairs
                .into_iter()
                .map(|p| (p.key, Value::string(encode_base64(&p.value))))
                .collect();
            obj.insert("data".into(), Value::from_map(data));
        }
    }
    let mut res = Resource::new(Value::from_map(obj));
    let opts = args.options.clone().unwrap_or_default();
    if !opts.labels.is_empty() {
        res.set_labels(&opts.labels);
    }
    let mut annotations = opts.annotations.clone();
    if opts.disable_name_suffix_hash != Some(true) {
        annotations.insert(
            crate::resource::NEEDS_HASH.to_string(),
            crate::resource::ENABLED.to_string(),
        );
    }
    annotations.insert(
        crate::resource::GEN_BEHAVIOR.to_string(),
        Behavior::parse(&args.behavior).as_str().to_string(),
    );
    res.set_annotations(&annotations);
    if opts.immutable == Some(true) {
        if let Some(m) = res.obj.as_map_mut() {
            m.insert("immutable".into(), Value::bool(true));
        }
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_lines() {
        assert_eq!(encode_base64(b"apple"), "YXBwbGU=");
        // 51 bytes encode to 68 characters: one line, no newline.
        assert!(!encode_base64(&[0u8; 51]).contains('\n'));
        // 52 bytes encode to 72: two lines, each ending with a newline.
        let two = encode_base64(&[0u8; 52]);
        assert_eq!(two.lines().map(str::len).collect::<Vec<_>>(), vec![70, 2]);
        assert!(two.ends_with('\n'));
        // 105 bytes encode to exactly 140 characters: two full lines.
        let exact = encode_base64(&[0u8; 105]);
        assert_eq!(exact, format!("{}\n{}\n", "A".repeat(70), "A".repeat(70)));
    }

    #[test]
    fn options_merge() {
        let mut local = GeneratorOptions::default();
        local.labels.insert("a".into(), "local".into());
        let mut global = GeneratorOptions::default();
        global.labels.insert("a".into(), "global".into());
        global.labels.insert("b".into(), "global".into());
        global.disable_name_suffix_hash = Some(true);
        local.disable_name_suffix_hash = Some(false);
        let m = merge_options(Some(&local), Some(&global)).unwrap();
        assert_eq!(m.labels["a"], "local");
        assert_eq!(m.labels["b"], "global");
        assert_eq!(m.disable_name_suffix_hash, Some(true));
        assert_eq!(merge_options(None, None), None);
        assert_eq!(merge_options(Some(&local), None), Some(local));
    }

    #[test]
    fn non_string_keys() {
        // Keys kubectl kustomize fails on, and keys it accepts.
        for k in [
            "0",
            "1_0",
            ".inf",
            "~",
            "TRUE",
            "1e3",
            "+1",
            "0o17",
            "-.5",
            ".NaN",
            "2001-12-14",
            "08",
        ] {
            assert!(non_string_type(k).is_some(), "{k}");
        }
        for k in [
            "_38", "x1", "0x1G", "yes", "0b12", "1.5.1", "1:20", "a1", "1e400", "-", ".",
        ] {
            assert_eq!(non_string_type(k), None, "{k}");
        }
    }

    #[test]
    fn behaviors() {
        assert_eq!(Behavior::parse("merge"), Behavior::Merge);
        assert_eq!(Behavior::parse("Merge"), Behavior::Unspecified);
        assert_eq!(Behavior::parse("").as_str(), "unspecified");
    }
}
