"""Near-valid mutations: one small change to a generated tree that kustomize
should reject (unknown or mistyped fields, missing files, duplicate ids,
bad patches, keys that are not strings, empty label keys, deep nesting,
broken YAML). `mutate(gen)` applies one to `gen.files` and names it.
"""

import copy

from yamlout import Flow, Raw, Text, Yaml


def kust(gen, d=None):
    ks = sorted(p for p in gen.files if p.endswith("/kustomization.yaml"))
    if d:
        ks = [p for p in ks if p.startswith(d + "/")] or ks
    return gen.files[gen.pick(ks)].docs[0]


def resource_docs(gen):
    out = []
    for p, f in sorted(gen.files.items()):
        if isinstance(f, Yaml) and "/res-" in p:
            out.extend(d for d in f.docs if isinstance(d, dict) and "metadata" in d)
    return out


def m_unknown_field(gen):
    kust(gen)[gen.pick(["namePrefx", "resource", "commonLabel", "patchesJson", "image"])] = "x"


def m_wrong_type(gen):
    k = kust(gen)
    field, val = gen.pick([("namePrefix", ["a"]), ("resources", "res-1.yaml"), ("replicas", {"a": 1}),
                           ("commonLabels", ["a=b"]), ("images", {"name": "x"}), ("namespace", {"a": "b"}),
                           ("configMapGenerator", {"name": "x"}), ("patches", "p.yaml")])
    k[field] = val


def m_missing_file(gen):
    k = kust(gen)
    k.setdefault("resources", []).append(gen.pick(["missing.yaml", "../nowhere", "nope/"]))


def m_duplicate_id(gen):
    docs = resource_docs(gen)
    d = gen.pick(docs)
    path = gen.pick([p for p, f in sorted(gen.files.items()) if isinstance(f, Yaml) and "/res-" in p])
    gen.files[path].docs.append(copy.deepcopy(d))


def m_bad_patch(gen):
    k = kust(gen, "overlay")
    kind, name = gen.pick([("Deployment", "no-such-thing"), ("ConfigMap", "ghost")])
    e = gen.pick([
        {"target": {"kind": kind}, "patch": '[{"op": "remove", "path": "/spec/does/not/exist"}]'},
        {"target": {"kind": kind}, "patch": '[{"op": "frobnicate", "path": "/x"}]'},
        {"patch": "apiVersion: v1\nkind: %s\nmetadata:\n  name: %s\ndata:\n  a: b\n" % (kind, name)},
        {"patch": "not: [valid"},
        {"path": "absent-patch.yaml"},
    ])
    k.setdefault("patches", []).append(e)


def m_non_string_key(gen):
    docs = resource_docs(gen)
    d = gen.pick(docs)
    key = Raw(gen.pick(["9000", "1e3", "0x1F", "true", "2002-12-14", "~", "null", "3.5", "\"ok\"", "'7'"]))
    where = gen.pick(["data", "annotations", "labels"])
    if where == "data":
        d.setdefault("data", {})
        if isinstance(d["data"], dict):
            d["data"][key] = "v"
    else:
        d["metadata"].setdefault(where, {})[key] = "v"
    k = kust(gen)
    if gen.p(0.3):
        k.setdefault("commonAnnotations", {})[Raw(gen.pick(["1", "true", "1e3", "~"]))] = "v"


def m_empty_label_key(gen):
    k = kust(gen)
    field = gen.pick(["commonLabels", "commonAnnotations"])
    k.setdefault(field, {})[""] = "v"


def m_deep(gen):
    depth = gen.pick([9990, 9997, 9998, 9999, 10000, 10001, 20000])
    opener, closer = gen.pick([("[", "]"), ("{a: ", "}")])
    d = gen.pick(resource_docs(gen))
    d.setdefault("data", {})
    if isinstance(d["data"], dict):
        d["data"]["deep"] = Raw(opener * depth + "x" + closer * depth)


def m_bad_yaml(gen):
    p = gen.pick([p for p, f in sorted(gen.files.items()) if isinstance(f, Yaml) and "/res-" in p])
    f = gen.files[p]
    from yamlout import render
    text = render(f).decode("utf-8")
    bad = gen.pick(["\tkey: tab\n", "a: [unclosed\n", "b: {x: 1\n", "a: 1\na: 2\n", ": nokey\n", "- item\nk: v\n"])
    gen.files[p] = Text(text + "---\n" + bad)


def m_bad_generator(gen):
    k = kust(gen, "overlay")
    e = gen.pick([
        {"name": "bad", "literals": ["novalue"]},
        {"name": "bad", "behavior": "merge", "literals": ["a=b"]},
        {"name": "bad", "files": ["absent.txt"]},
        {"name": "bad", "literals": ["a=1", "a=2"]},
        {"name": "bad", "behavior": "sideways", "literals": ["a=b"]},
    ])
    k.setdefault("configMapGenerator", []).append(e)


def m_bad_replacement(gen):
    k = kust(gen, "overlay")
    k.setdefault("replacements", []).append(gen.pick([
        {"source": {"kind": "Nothing", "name": "x"}, "targets": [{"select": {"kind": "ConfigMap"}, "fieldPaths": ["data.a"]}]},
        {"source": {"kind": "ConfigMap", "fieldPath": "data.k"}, "targets": [{"select": {"kind": "Deployment"}, "fieldPaths": ["spec.nope"]}]},
    ]))


def m_bad_var(gen):
    k = kust(gen, "overlay")
    k["vars"] = [{"name": "V", "objref": {"kind": "Service", "name": "absent", "apiVersion": "v1"}}]


def m_bad_plugin(gen):
    k = kust(gen, "overlay")
    k.setdefault("transformers", []).append(
        "apiVersion: builtin\nkind: %s\nmetadata:\n  name: x\n" % gen.pick(["NoSuchTransformer", "LabelTransformer\nlabels: [a]"]))


def m_inf(gen):
    d = gen.pick(resource_docs(gen))
    d["metadata"].setdefault("annotations", {})["x"] = "ok"
    d["spec" if "spec" in d else "data"] = Flow({"v": Raw(gen.pick([".inf", "-.inf", ".nan"]))})


MUTATIONS = [
    (m_unknown_field, 3), (m_wrong_type, 3), (m_missing_file, 2), (m_duplicate_id, 2), (m_bad_patch, 3),
    (m_non_string_key, 3), (m_empty_label_key, 2), (m_deep, 1), (m_bad_yaml, 2), (m_bad_generator, 2),
    (m_bad_replacement, 2), (m_bad_var, 1), (m_bad_plugin, 1), (m_inf, 1),
]


def mutate(gen):
    """Applies one weighted random mutation to `gen.files`; returns its name."""
    fns = [f for f, w in MUTATIONS for _ in range(w)]
    f = gen.pick(fns)
    f(gen)
    return f.__name__[2:]
