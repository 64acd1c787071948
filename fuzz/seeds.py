#!/usr/bin/env python3
"""Writes the fuzz targets' seed inputs and the kustomize token dictionary.

    python3 fuzz/seeds.py OUT_DIR    # OUT_DIR/<target>/<name> seeds

Seeds come from testdata/ and, when present, the conformance corpus
(../shared/conformance or $STRATA_CONFORMANCE): every YAML file (target
yaml), every kustomization file (target kustomization) and every build case
as a txtar tree (target build_tree, layout in fuzz/src/lib.rs). The seeds are
fuzzed and then minimised into fuzz/corpus/ (docs/fuzzing.md); they are
not committed themselves. fuzz/dict/kustomize.dict is rewritten from the
mapping keys found in the same files.
"""
import hashlib, os, re, sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CRATE = HERE.parent
MAX = 16 * 1024  # bytes; larger inputs slow the fuzzer down for little gain
KUST = ("kustomization.yaml", "kustomization.yml", "Kustomization")


# Values and file-tree tokens the keys alone do not reach.
VALUES = [
    "kind: Component", "apiVersion: kustomize.config.k8s.io/v1alpha1",
    "apiVersion: builtin", "kind: Kustomization", "kind: ConfigMap", "kind: Deployment",
    "$patch: delete", "$patch: replace", "$patch: merge", "op: add", "op: replace",
    "op: remove", "op: move", "op: copy", "op: test", "path: /metadata/name",
    "behavior: merge", "behavior: replace", "create: true", "delimiter: ", "index: ",
    "fieldPath: metadata.name", "spec.template.spec.containers.[name=app].image",
    "$(VAR)", "options:", "allowNameChange: true", "disableNameSuffixHash: true",
    "-- kustomization.yaml --\\x0a", "-- base/kustomization.yaml --\\x0a",
    "-- comp/kustomization.yaml --\\x0a", "../base", "base", "comp", "cm.yaml",
    "patch.yaml", "a.env", "f.txt", "config.yaml", "crd.yaml", "pod.yaml", "- ",
]


def conformance():
    p = os.environ.get("STRATA_CONFORMANCE") or CRATE.parent / "shared/conformance"
    p = Path(p)
    return p if p.is_dir() else None


def write(out, target, data):
    if len(data) > MAX:
        return
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def txtar(top, root):
    """A tree's files (no oracle outputs) as the build target reads it."""
    parts = [(os.path.relpath(root, top) if root != top else "").encode() + b"\n"]
    for f in sorted(top.rglob("*")):
        rel = f.relative_to(top).as_posix()
        if f.is_symlink():
            parts.append(f"-- {rel} -> {os.readlink(f)} --\n".encode())
        elif f.is_file() and not f.name.startswith(("expected", "oracle-")) and f.suffix != ".sh":
            data = f.read_bytes()
            if not data.endswith(b"\n"):
                data += b"\n"
            parts.append(f"-- {rel} --\n".encode() + data)
    return b"".join(parts)


def case_top(path, group_root):
    """The directory holding a testdata case: the child of testdata/<group>
    (or of testdata/<group>/cases) that contains `path`."""
    rel = path.relative_to(group_root).parts
    n = 2 if rel[0] == "cases" else 1
    return group_root.joinpath(*rel[:n])


def main():
    out = Path(sys.argv[1])
    keys = set()
    key_re = re.compile(rb"^[ \t-]*([A-Za-z$][\w.$/-]*):", re.M)
    yaml_files = [p for p in (CRATE / "testdata").rglob("*") if p.suffix in (".yaml", ".yml")]
    # build cases under testdata: trees holding a kustomization.
    for k in (CRATE / "testdata").rglob("*"):
        if k.name not in KUST or not k.is_file():
            continue
        group = CRATE / "testdata" / k.relative_to(CRATE / "testdata").parts[0]
        top = case_top(k, group) if k.parent != group else group
        write(out, "build_tree", txtar(top, k.parent))
    conf = conformance()
    if conf:
        for case in sorted(conf.glob("*/*/case.yaml")):
            m = re.search(r'^root: "(.*)"', case.read_text(), re.M)
            top = case.parent / "input"
            write(out, "build_tree", txtar(top, top / (m.group(1) if m else "")))
        yaml_files += [p for p in conf.rglob("*") if p.suffix in (".yaml", ".yml") and p.name != "case.yaml"]
    for f in yaml_files:
        data = f.read_bytes()
        write(out, "yaml", data)
        if f.name in KUST:
            write(out, "kustomization", data)
            keys.update(key_re.findall(data))
        elif not f.name.startswith("expected"):
            keys.update(key_re.findall(data))
    # Keys seen in at least the corpus, quoted for libFuzzer's dictionary.
    lines = ['"%s:"' % k.decode() for k in sorted(keys) if len(k) <= 40]
    lines += ['"%s"' % v for v in VALUES]
    (HERE / "dict/kustomize.dict").write_text(
        "# Mapping keys of the kustomizations and resources in testdata and the\n"
        "# conformance corpus, written by fuzz/seeds.py.\n" + "\n".join(lines) + "\n")


main()
