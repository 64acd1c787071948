#!/usr/bin/env python3
"""Generate data/openapi-v1.21.2.json: the parts of kustomize's builtin
OpenAPI schemas that strategic merge patches consult.

Input: ../shared/kustomize-data/openapi/kubernetes-v1.21.2.swagger.json (the
schema kustomize v5.8.1 embeds, decoded from its protobuf) and
kustomizationapi.swagger.json (always added by kyaml). Output: one JSON
document `{"definitions": {...}}` keeping, for every schema node, only what
kyaml's merge walk reads: `type`, `properties`, `items`,
`additionalProperties`, `$ref`, `x-kubernetes-patch-strategy`,
`x-kubernetes-patch-merge-key`, `x-kubernetes-list-map-keys`, and on
definitions `x-kubernetes-group-version-kind`. Descriptions are dropped.

It also copies kustomizationapi.swagger.json verbatim to
data/kustomizationapi.swagger.json (added to custom schemas too).

Usage: python3 data/gen-openapi.py [SHARED_DATA_DIR]
"""
import json
import os
import sys

KEEP = {
    "type",
    "$ref",
    "x-kubernetes-patch-strategy",
    "x-kubernetes-patch-merge-key",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-group-version-kind",
}


def slim(node):
    out = {}
    for k, v in node.items():
        if k in KEEP:
            out[k] = v
        elif k == "properties":
            out[k] = {p: slim(s) for p, s in v.items()}
        elif k in ("items", "additionalProperties") and isinstance(v, dict):
            out[k] = slim(v)
    return out


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "shared", "kustomize-data", "openapi")
    if not os.path.isdir(base):
        base = "/work/shared/kustomize-data/openapi"
    defs = {}
    # kyaml parses the Kubernetes schema first, then the Kustomization one
    # (later definitions of the same name win).
    for name in ("kubernetes-v1.21.2.swagger.json", "kustomizationapi.swagger.json"):
        with open(os.path.join(base, name)) as f:
            doc = json.load(f)
        for k, v in doc.get("definitions", {}).items():
            defs[k] = slim(v)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "openapi-v1.21.2.json"), "w") as out:
        json.dump({"definitions": defs}, out, sort_keys=True, separators=(",", ":"))
        out.write("\n")
    with open(os.path.join(base, "kustomizationapi.swagger.json"), "rb") as f:
        raw = f.read()
    with open(os.path.join(here, "kustomizationapi.swagger.json"), "wb") as out:
        out.write(raw)


main()
